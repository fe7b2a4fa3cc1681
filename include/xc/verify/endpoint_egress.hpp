// endpoint-egress: every request a client of the consumer can send through the consumer's
// execute-api interface endpoints reaches only the architecture's own private APIs — those of the
// accounts the model declares (the consumer's and the services'). An endpoint that lets requests
// through to any account's API is an exfiltration path: a client in the consumer VPC can post
// data to a private API of an attacker's account that admits this endpoint. "Own" is by account,
// not by API id: the architecture's owners control every API of its accounts (an endpoint policy
// naming the service accounts is correct), and the model's API ids are often assigned at deployment.
//
// What decides where a request may go, and what does not:
//  - The endpoint policy. "The VPC endpoint policy is evaluated first, and then API Gateway
//    evaluates the request" (API Gateway developer guide, "Use VPC endpoint policies for private
//    APIs in API Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-endpoint-policies.html); without one the endpoint has AWS's default policy, "Full access"
//    ("Create a private API", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-create.html, step 1: "If you ... don't want to configure a custom VPC endpoint
//    policy, choose Full access"), which the check reads as the documented default document.
//    "To control which resources have access to your VPC endpoint, attach an endpoint policy to
//    your VPC endpoint" (same page, step 3). The check proves, over every execute-api action,
//    every region, every 12-digit account, every API id / domain, stage, method and path, every
//    context AWS can set on a request through an interface endpoint (context_keys.hpp,
//    RequestPath::private_api) and every caller (anonymous — routes are NONE-authorized — or any
//    IAM principal of any account, its identity policies allowing everything), that the endpoint
//    policy allows no request through this endpoint to an account outside the model. A condition
//    key the context table does not list (aws:ResourceAccount, say) keeps its widest reading, so a
//    policy that limits egress only by such a key is VIOLATED, never PROVED on an assumption; name
//    the resources by ARN instead.
//  - The load balancer's listener rules do NOT decide it, and never count towards a proof. The
//    client chooses the request's headers. Without private DNS, a private API is named by the
//    Host header or by a separate header: "enable private DNS. This way you can invoke your API
//    within a VPC without having to pass the Host or `x-apigw-api-id` header" ("Create a private
//    API", prerequisites); with an endpoint associated with the API, "without overriding a `Host`
//    header or passing an `x-apigw-api-id` header" (same page, "(Optional) Associate or
//    disassociate a VPC endpoint with a private API"). A listener's host rule reads only the Host
//    header — "host-header: Route based on the host name of each request" (Elastic Load
//    Balancing, "Condition types for listener rules", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html) — so a request whose Host is a name the
//    listener forwards and whose x-apigw-api-id header names another account's API passes the
//    rule unchanged. And a client that reaches the endpoint's interfaces directly meets no
//    listener at all. Host rules narrow what the load balancer forwards; they are no egress control.
//    The witness therefore says how to send the request both ways when a listener forwards to the
//    endpoint.
#pragma once

#include <xc/verify/checker.hpp>
#include <xc/verify/context_keys.hpp>
#include <xc/verify/secret_share.hpp>

#include <set>
#include <string>
#include <vector>

namespace xc::verify {

namespace detail {

// What a Region name is made of (us-east-1, eu-central-1, us-gov-west-1): never empty, no colon.
inline constexpr std::string_view region_characters = "abcdefghijklmnopqrstuvwxyz0123456789-";

// AWS's default endpoint policy ("Full access"): what an endpoint without a policy lets through.
inline const model::PolicyDocument& full_access_endpoint_policy() {
    static const model::PolicyDocument d = [] {
        auto document = nlohmann::json::parse(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})");
        auto parsed = policy::parse(document);
        return model::PolicyDocument(std::move(document), "", std::move(parsed));
    }();
    return d;
}

// How a client in the consumer VPC sends `request` through `endpoint`: to the endpoint's own DNS
// name with the API's Host ("curl https://vpce-id.execute-api.region.vpce.amazonaws.com/basepath
// -H 'Host:custom-domain-name'", "Invoke a private API",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html; for an API, its default name
// {api-id}.execute-api.{region}.amazonaws.com), and through each load balancer listener that
// forwards to the endpoint, with a Host the listener forwards and the API named by its
// x-apigw-api-id header. A resource "<id>/<stage>/<METHOD>/<path>" is the call METHOD /<stage>/<path>.
inline nlohmann::json egress_routes(const model::Graph& g, model::Vertex endpoint_vertex, const std::string& endpoint_id,
                                    const policy::Request& request) {
    auto parts = policy::split_arn(request.resource);
    if (!parts) return nlohmann::json::array();
    const std::string region(parts->region), resource(parts->resource);
    std::string host, api_id, method = "GET", path = "/";
    if (resource.starts_with("/domainnames/")) {
        host = resource.substr(13, resource.find('+') == std::string::npos ? std::string::npos : resource.find('+') - 13);
    } else {
        std::vector<std::string> seg;
        for (std::size_t i = 0;;) {
            auto slash = resource.find('/', i);
            seg.push_back(resource.substr(i, slash == std::string::npos ? std::string::npos : slash - i));
            if (slash == std::string::npos || seg.size() == 3) {
                if (slash != std::string::npos) seg.push_back(resource.substr(slash + 1));
                break;
            }
            i = slash + 1;
        }
        api_id = seg[0];
        host = api_id + ".execute-api." + region + ".amazonaws.com";
        if (seg.size() > 2 && !seg[2].empty() && seg[2] != "*") method = seg[2];
        path = "/" + (seg.size() > 1 ? seg[1] : std::string()) + (seg.size() > 3 ? "/" + seg[3] : std::string());
    }
    nlohmann::json routes = nlohmann::json::array();
    if (host.empty()) return routes;
    // Directly: open to a client only where the endpoint's security groups admit it (network-ingress
    // proves that only the load balancer reaches them); the listener routes below need no such gap.
    routes.push_back({{"to", "the endpoint's network interfaces, where its security groups admit the client"},
                      {"request", method + " https://" + endpoint_id + ".execute-api." + region + ".vpce.amazonaws.com" + path},
                      {"headers", {{"Host", host}}}});
    std::set<std::pair<model::Vertex, model::Vertex>> seen;  // one edge per rule and default action: one route per listener
    for (auto tg : g.in(endpoint_vertex, model::EdgeKind::forwards_to)) {
        const auto& group = g.resource<model::TargetGroup>(tg);
        for (auto lv : g.in(tg, model::EdgeKind::forwards_to)) {
            if (!seen.emplace(tg, lv).second) continue;
            const auto& listener = g.resource<model::Listener>(lv);
            // An API is named by x-apigw-api-id behind any Host the listener forwards here; a
            // domain only by its own Host, which (without a matching rule) the default action forwards.
            std::string forwarded;
            if (!api_id.empty())
                for (const auto& rule : listener.rules)
                    if (rule.forward == group.name && !rule.hosts.empty() && forwarded.empty()) forwarded = rule.hosts.front();
            if (forwarded.empty() && listener.default_forward == group.name) forwarded = api_id.empty() ? host : "any.host.example";
            if (forwarded.empty()) continue;
            for (auto& c : forwarded)  // a wildcard host rule matches a concrete name of that shape
                if (c == '*' || c == '?') c = 'x';
            nlohmann::json route{{"to", "the load balancer listener " + g[lv].id},
                                 {"request", method + " https://" + forwarded + path},
                                 {"headers", {{"Host", forwarded}}}};
            if (!api_id.empty()) route["headers"]["x-apigw-api-id"] = api_id;
            routes.push_back(std::move(route));
        }
    }
    return routes;
}

// Whether every 12-digit account id that `g` matches is in `own`. A depth-first walk over the
// digit strings `g` can still match (its positions as a set of NFA states, pruned where no
// completion has the length left), stopping at the first whole id outside `own`: it visits at
// most |own| + 1 ids, each in 12 steps of 10 digits.
inline bool names_only(const policy::GlobPattern& g, const std::set<std::string>& own) {
    constexpr std::size_t length = 12;
    const std::size_t n = g.tokens.size();
    using T = policy::GlobPattern::Token;
    // Fewest characters the pattern takes from position i on, and whether it can take more.
    std::vector<std::size_t> least(n + 1, 0);
    std::vector<bool> unbounded(n + 1, false);
    for (std::size_t i = n; i-- > 0;) {
        least[i] = least[i + 1] + (g.tokens[i] == T::Star ? 0 : 1);
        unbounded[i] = unbounded[i + 1] || g.tokens[i] == T::Star;
    }
    auto close = [&](std::vector<bool> states) {  // a star may match nothing
        for (std::size_t i = 0; i < n; ++i)
            if (states[i] && g.tokens[i] == T::Star) states[i + 1] = true;
        return states;
    };
    std::string id;
    auto walk = [&](auto& self, const std::vector<bool>& states) -> bool {
        const std::size_t left = length - id.size();
        bool live = false;
        for (std::size_t i = 0; i <= n && !live; ++i)
            live = states[i] && least[i] <= left && (unbounded[i] || least[i] == left);
        if (!live) return true;
        if (left == 0) return own.contains(id);  // states[n] holds: a whole id `g` matches
        for (char d = '0'; d <= '9'; ++d) {
            std::vector<bool> next(n + 1, false);
            for (std::size_t i = 0; i < n; ++i) {
                if (!states[i]) continue;
                if (g.tokens[i] == T::Star) next[i] = true;
                else if (g.tokens[i] == T::Question || g.text[i] == d) next[i + 1] = true;
            }
            id.push_back(d);
            const bool inside = self(self, close(std::move(next)));
            id.pop_back();
            if (!inside) return false;
        }
        return true;
    };
    std::vector<bool> start(n + 1, false);
    start[0] = true;
    return walk(walk, close(std::move(start)));
}

// "The resource's account is none of `own`", in literals the query already has where it can:
// an account pattern of the policy that names only accounts of `own` is one literal for all of
// them (an endpoint policy names its accounts by a few patterns; one literal per account made
// the solver block their combinations one by one and time out at 1,000 accounts). Exact: the
// owned patterns cover a subset of `own`, and every account of `own` they miss gets its own literal.
inline z3::expr outside_accounts(PolicyQuery& q, const policy::Policy& pol, const std::set<std::string>& own) {
    std::set<std::string> missed = own;
    z3::expr_vector outside(q.context());
    std::set<std::string> seen;
    for (const auto& st : pol.statements)
        for (const auto& r : st.resource.patterns) {
            if (r.kind != policy::ResourcePattern::Kind::Arn || !r.arn) continue;
            const policy::GlobPattern& account = r.arn->segments[3];
            std::string key = account.text;
            for (auto t : account.tokens) key.push_back(static_cast<char>('0' + static_cast<int>(t)));
            if (!seen.insert(std::move(key)).second) continue;
            if (!names_only(account, own)) continue;
            outside.push_back(!q.resource_segment(3).matches(Glob::from(account), policy::CaseMode::Sensitive));
            std::erase_if(missed, [&](const std::string& a) { return policy::glob_match(account, a); });
        }
    for (const auto& a : missed) outside.push_back(!q.resource_segment(3).equals(a));
    return z3::mk_and(outside);
}

// A request through endpoint `endpoint_id` to an account outside `own` that `pol` lets through:
// any execute-api action, Region (`region` preferred for the witness), 12-digit account, resource and
// context AWS sets through an interface endpoint; anonymous or any IAM principal.
inline QueryResult foreign_request(Checker& checker, const policy::Policy& pol, const std::string& endpoint_id,
                                   const std::set<std::string>& own, const std::string& region) {
    PolicyQuery q(checker.z3());
    q.declare(pol);
    // Any request through an interface endpoint to a private API or a private custom domain:
    // the widest of the execute-api paths (execute-api:viaDomainArn may or may not be set).
    q.set_path(RequestPath::private_api);
    CallerSpace callers = CallerSpace::only(CallerKind::anonymous)
                              .with(CallerKind::role_session)
                              .with(CallerKind::user)
                              .with(CallerKind::root)
                              .with(CallerKind::federated_user);
    callers.customer_accounts.assign(own.begin(), own.end());
    q.set_callers(callers);
    const std::string foreign = fresh_account(own);
    q.caller_arn().prefer({"arn:aws:iam::" + foreign + ":role/xc-outsider"});
    q.action().restrict({Glob::literal("execute-api:").append_run(false), policy::CaseMode::Sensitive, true});
    q.action().prefer({"execute-api:Invoke", "execute-api:ManageConnections", "execute-api:InvalidateCache"});
    q.resource_segment(0).fix("aws");
    q.resource_segment(1).fix("execute-api");
    q.resource_segment(2).restrict({Glob().append_of(region_characters, 1).append_run(true), policy::CaseMode::Sensitive, true});
    q.resource_segment(2).prefer({region});  // a witness a reader recognises
    q.resource_segment(3).restrict({Glob().append_digits(12), policy::CaseMode::Sensitive, true});
    q.resource_segment(3).prefer({foreign});
    q.resource_segment(4).prefer({"xcforeign1/prod/POST/exfiltrate", "xcforeign1/prod/GET/", "xcforeign1/*"});
    q.display("aws:SourceVpce");
    auto& vpce = q.text_key("aws:sourcevpce");
    z3::expr through_endpoint = *vpce.present && vpce.texts[0]->equals(endpoint_id);
    // An endpoint policy grants nothing by account alone: a request passes only if a statement
    // allows it (no resource account to share with the caller), as decide() does for a resource
    // policy when caller and resource accounts differ — the caller's identity policies allowing everything.
    Decision decision{&pol, {&allow_everything()}, false, ""};
    auto concrete = [&](const policy::Request& r) {
        const auto* v = r.context.find("aws:SourceVpce");
        auto parts = policy::split_arn(r.resource);
        return v && !v->multi_valued && v->values.front() == endpoint_id && parts && !own.contains(std::string(parts->account)) &&
               policy::decide(policy::PolicySet{{&allow_everything()}, &pol}, r).verdict == policy::Verdict::Allow;
    };
    return q.solve(q.allowed(decision) && through_endpoint && outside_accounts(q, pol, own), checker.options().timeout_ms, concrete);
}

}  // namespace detail

// Prove endpoint-egress for one consumer execute-api interface endpoint.
inline void check_endpoint_egress_of(Checker& checker, model::Vertex endpoint_vertex) {
    const std::string property = "endpoint-egress";
    const auto& g = checker.graph();
    const auto& m = checker.model();
    const auto& endpoint = g.resource<model::VpcEndpoint>(endpoint_vertex);
    const model::PolicyDocument& doc = endpoint.policy ? *endpoint.policy : detail::full_access_endpoint_policy();
    const std::string where = endpoint.policy ? endpoint.policy->path : endpoint.path;
    std::set<std::string> own;
    for (const auto& [_, a] : m.accounts) own.insert(a.id);
    std::string own_list;
    for (const auto& a : own) own_list += (own_list.empty() ? "" : ", ") + a;
    try {
        const policy::Policy& pol = doc.parsed();
        // The endpoint's id as requests carry it (aws:SourceVpce): the model's, or a stand-in for
        // the one AWS assigns, on which no condition may then depend.
        const model::Term& id = g.identity(endpoint_vertex).id;
        if (!id.is_literal()) require_independent(pol, "aws:sourcevpce", glob_of(id), "the endpoint's id is assigned at deployment");
        std::string endpoint_id = id.stand_in();
        // An id of no shape AWS assigns ("vpce-" and 17 or 8 hex digits, context_keys.hpp) is no
        // value aws:SourceVpce takes: a policy that reads the key cannot be decided on it, one
        // that does not decides alike for every id — prove it on a well-formed stand-in.
        bool well_formed = false;
        for (const auto& g_id : find_context_key("aws:SourceVpce")->format)
            well_formed = well_formed || detail::glob_matches(g_id, endpoint_id, policy::CaseMode::Sensitive);
        if (!well_formed) {
            require_independent(pol, "aws:sourcevpce", std::nullopt, "the model's endpoint id " + endpoint_id + " is not an id AWS assigns");
            endpoint_id = model::detail::stand_in("vpce-", g[endpoint_vertex].id, 22, "0123456789abcdef");
        }
        // Over every Region (no claim about which Regions an endpoint reaches is made), the
        // model's preferred for the witness: one query, not one per Region tried.
        QueryResult result = detail::foreign_request(checker, pol, endpoint_id, own, m.region);
        if (result.answer == QueryResult::Answer::unsatisfiable) {
            checker.add(property, endpoint_vertex, Verdict::proved,
                        "the endpoint policy lets through " + endpoint_id + " only requests to the model's accounts (" + own_list + ")", where);
            return;
        }
        if (result.answer == QueryResult::Answer::unknown) {
            checker.add(property, endpoint_vertex, Verdict::undecided, "could not decide: " + result.reason, where);
            return;
        }
        const auto& request = result.witness->request;
        auto outcome = policy::decide(policy::PolicySet{{&detail::allow_everything()}, &pol}, request);
        auto parts = policy::split_arn(request.resource);
        auto& f = checker.add(property, endpoint_vertex, Verdict::violated,
                              std::string(endpoint.policy ? "the endpoint policy" : "the endpoint has no policy, and AWS's default (full access)") +
                                  " lets " + (result.witness->kind == CallerKind::anonymous ? std::string("an anonymous caller") : result.witness->caller) + " send " + request.action + " on " + request.resource + " through " +
                                  endpoint_id + (well_formed ? "" : " (for the model's id " + id.stand_in() + ", no id AWS assigns)") +
                                  ": an API of account " + std::string(parts->account) + ", outside the model",
                              where);
        f.witness = to_json(request);
        f.witness["send"] = detail::egress_routes(g, endpoint_vertex, endpoint_id, request);
        if (endpoint.policy) {
            f.statements = statement_refs(outcome, doc);
            if (!f.statements.empty()) f.path = f.statements.front().path();
        }
        f.fix = "give the endpoint a policy whose Allow statements name only the architecture's APIs: \"Resource\": "
                "[\"arn:aws:execute-api:<region>:<service account>:*\", ...] for the service accounts (or the APIs' execution ARNs); "
                "listener host rules do not stop a request that names another API by its x-apigw-api-id header";
    } catch (const Unsupported& e) {
        checker.add(property, endpoint_vertex, Verdict::undecided, std::string("not decided: ") + e.what(), where);
    }
}

// endpoint-egress on the model: each of the consumer's execute-api interface endpoints.
inline void check_endpoint_egress(Checker& checker) {
    const auto& g = checker.graph();
    for (auto v : g.vertices(model::VertexKind::vpc_endpoint)) {
        if (g[v].scope != g.model().consumer.name) continue;
        const auto& e = g.resource<model::VpcEndpoint>(v);
        if (e.type != model::EndpointType::interface || e.service != "execute-api") continue;
        checker.begin_check();
        check_endpoint_egress_of(checker, v);
    }
}

}  // namespace xc::verify
