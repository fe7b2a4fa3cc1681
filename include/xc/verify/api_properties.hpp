// api-endpoint-only and api-liveness: who can call each private API.
//
// Callers depend on the route's authorization type (model::Authorization):
//  * NONE: API Gateway does not authenticate the caller, so every caller is anonymous to the
//    resource policy, whatever it signs — only statements whose principal is "*" can let it in.
//  * AWS_IAM: only a SigV4-signed request of an IAM principal reaches the policies: "When IAM
//    authorization is enabled, clients must use Signature Version 4 (SigV4) to sign their requests
//    with AWS credentials" ("IAM authorization for HTTP APIs is similar to that for REST APIs": API
//    Gateway developer guide, "Control access to HTTP APIs with IAM authorization"), and "The API
//    request isn't signed when the API method has IAM authentication turned on" is one of the two
//    causes of API Gateway's 403 "Missing Authentication Token" (AWS Knowledge Center, "How do I
//    troubleshoot API Gateway REST API endpoint 403 Missing Authentication Token errors?"). The
//    caller is then a principal of some account (role session, IAM user, root, federated user:
//    caller_space.hpp), and "After authenticating the user with the IAM service, the API
//    evaluates both the policies attached to the user and the resource policy. The outcome
//    varies based on whether the caller is in the same AWS account or a separate AWS account,
//    from the API owner": in the same account "either the IAM user policies or the resource
//    policy must explicitly allow the caller", across accounts "both the IAM policies and the
//    resource policy" must (API Gateway developer guide, "How API Gateway resource policies
//    affect authorization workflow", IAM authentication and resource policy, Table B). That is
//    the rule of policy::decide (IAM User Guide, "Cross-account policy evaluation logic").
// The request space of api-endpoint-only is: the API's callers (above), any execute-api action,
// any request ARN of the API ("<id>/<stage>/<METHOD>/<path>"), and any context — with aws:SourceVpce always
// present, since a private API is reachable only through some VPC endpoint (any account's). An
// IAM caller's identity policies are its own account's business: the query lets them allow
// everything (the worst case). An API whose routes mix NONE and AWS_IAM gets the union of both
// caller spaces over its whole request space: a request's ARN names its method and path, but
// which route API Gateway picks for them (literal over parameter paths, a method over ANY) is
// not modelled, and the union over-approximates every route's callers (sound for the safety
// property; a witness may then be an anonymous request on an AWS_IAM route's path).
#pragma once

#include <xc/verify/checker.hpp>
#include <xc/verify/request_path.hpp>
#include <xc/verify/role_permissions.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace xc::verify {

namespace detail {

// A resource's deployed API id, as it appears in ARNs: the model's, or the stand-in of the id AWS
// assigns (model/identity.hpp).
inline std::string api_id(const model::Graph& g, model::Vertex api) { return g.identity(api).id.stand_in(); }

// Whether the ARN resource pattern `pattern` matches the resource `resource` alike whatever value
// AWS assigns to its unknown part. A literal naming a value never matches an assigned one (AWS
// picks it when the resource is created: no policy written before can name it); a wildcard
// that spans the whole value ("*", "*/prod/GET/*") matches every value alike. Anything else
// (e.g. "ab*/prod/*") matches some values and not others: the verdict would depend on an id
// nobody knows yet. `any_path`: the resource goes on with a path after the value (an API's
// "/stage/METHOD/path"); else the value ends the ARN (a custom domain's).
inline bool independent_of_assigned(const policy::GlobPattern& pattern, const model::Term& resource, bool any_path = true) {
    if (resource.is_literal()) return true;
    const std::string& text = pattern.text;
    auto first_wildcard = std::find_if(pattern.tokens.begin(), pattern.tokens.end(),
                                       [](auto t) { return t != policy::GlobPattern::Token::Literal; });
    if (first_wildcard == pattern.tokens.end()) return true;  // a literal: names no assigned value
    // "*/v1/*": a leading '*' then '/'. The value (an id) holds no '/', so every '/' the pattern's
    // first one can match lies in the path after it: whether it matches does not depend on the value.
    if (any_path && pattern.tokens.size() >= 2 && pattern.tokens[0] == policy::GlobPattern::Token::Star &&
        pattern.tokens[1] == policy::GlobPattern::Token::Literal && text[1] == '/' && resource.stand_in().find('/') == std::string::npos)
        return true;
    std::string_view lead(text.data(), static_cast<std::size_t>(first_wildcard - pattern.tokens.begin()));
    const std::string prefix = resource.literal_prefix();
    const std::size_t common = std::min(lead.size(), prefix.size());
    if (lead.substr(0, common) != std::string_view(prefix).substr(0, common)) return true;  // never matches
    if (lead.size() > prefix.size() && lead.substr(prefix.size()).find('/') != std::string_view::npos)
        return true;  // names one value literally, then goes on
    // The first wildcard is before the value ends: decide by the pattern sets whether some values
    // match and others do not.
    Glob value = glob_of(resource);
    if (any_path) value.append_run(false);
    Glob p = Glob::from(pattern);
    auto some = realise({{p, policy::CaseMode::Sensitive, true}, {value, policy::CaseMode::Sensitive, true}});
    auto others = realise({{p, policy::CaseMode::Sensitive, false}, {value, policy::CaseMode::Sensitive, true}});
    return some.answer == Realisability::Answer::unrealisable || others.answer == Realisability::Answer::unrealisable;
}

// A policy whose ARNs name `resource` in a way that depends on a value AWS has not assigned yet
// cannot be decided: say so (UNDECIDED) rather than guess.
inline void require_known_identity(const policy::Policy& p, const model::Term& resource, std::string_view service,
                                   bool any_path = true) {
    for (const auto& st : p.statements)
        for (const auto& r : st.resource.patterns)
            if (r.kind == policy::ResourcePattern::Kind::Arn && r.arn && policy::glob_match(r.arn->segments[1], std::string(service)) &&
                !independent_of_assigned(r.arn->segments[4], resource, any_path))
                throw Unsupported("the policy names the resource by an ARN pattern ('" + r.text + "') that matches some values of " +
                                  resource.display() + " and not others, and AWS assigns that value at deployment; name it with "
                                  "\"execute-api:/...\" or a whole \"*\", or give the API's \"id\" in the model");
}

// The callers of an API's routes (the header comment): anonymous where a route is NONE, IAM
// principals of every account where one is AWS_IAM. An API without routes has its own type.
inline CallerSpace api_callers(const model::RestApi& api) {
    CallerSpace space;
    auto add = [&](model::Authorization a) {
        if (a == model::Authorization::none) space.with(CallerKind::anonymous);
        else
            for (auto k : {CallerKind::role_session, CallerKind::user, CallerKind::root, CallerKind::federated_user}) space.with(k);
    };
    if (api.routes.empty()) add(api.authorization);
    for (const auto& [_, r] : api.routes) add(api.authorization_of(r));
    // No customer_accounts: they are the accounts a named (service) principal is not in, and
    // these callers are none. Copying every account per API was quadratic.
    return space;
}

// Whether some route of the API uses AWS_IAM (its callers are IAM principals).
inline bool uses_iam(const model::RestApi& api) {
    if (api.routes.empty()) return api.authorization == model::Authorization::aws_iam;
    return std::any_of(api.routes.begin(), api.routes.end(),
                       [&](const auto& r) { return api.authorization_of(r.second) == model::Authorization::aws_iam; });
}

// "anonymous", "IAM principals" or both: for messages and the proof cache's key.
inline std::string describe_callers(const CallerSpace& space) {
    if (!space.any_aws()) return "anonymous";
    return space.has(CallerKind::anonymous) ? "anonymous and IAM principals" : "IAM principals";
}

inline std::vector<std::string> consumer_endpoint_ids(const model::Graph& g, model::Vertex api) {
    std::vector<std::string> ids;
    for (auto e : g.endpoints_of(api))
        if (g[e].scope == "consumer") ids.push_back(g.resource<model::VpcEndpoint>(e).id);
    return ids;
}

}  // namespace detail

// Prove that every request the gate's policy allows, on the gate's resource (an API's: any stage,
// method and path; a domain's: its ARN), comes through one of `endpoint_ids`.
inline void check_endpoint_only(Checker& checker, const PolicyGate& gate, const std::vector<std::string>& endpoint_ids,
                                const std::vector<std::string>& preferred_resources,
                                const CallerSpace& callers = CallerSpace::only(CallerKind::anonymous)) {
    const std::string property = "api-endpoint-only";
    const model::PolicyDocument& policy_doc = *gate.document;
    const auto& target = gate.target;
    const std::string resource = gate.resource_text();
    std::string ids;
    for (const auto& id : endpoint_ids) ids += (ids.empty() ? "" : ", ") + id;
    auto proved = [&] {
        checker.add(property, gate.owner, Verdict::proved,
                    "every request the policy allows" + (callers.any_aws() ? " (callers: " + detail::describe_callers(callers) + ")" : std::string()) +
                        " comes through " + (ids.empty() ? std::string("no endpoint (it allows none)") : ids),
                    policy_doc.path);
    };
    // With only execute-api shorthand (or "*") resources and anonymous callers, the question does
    // not depend on the API's account or id: a policy proved once is proved for every API. IAM
    // callers are judged against the API's account (same-account rule): proved for that account.
    bool literal_arns = callers.any_aws();
    for (const auto& st : policy_doc.parsed().statements)
        for (const auto& r : st.resource.patterns) literal_arns = literal_arns || r.kind == policy::ResourcePattern::Kind::Arn;
    std::string key = "api-endpoint-only|" + detail::describe_callers(callers) + "|" + policy_doc.document().dump() + "|" + ids + "|" + target.region + "|" +
                      // A domain's policy may read its ARN (execute-api:viaDomainArn): proved for that domain only.
                      (literal_arns || !gate.known.empty() ? target.account + "|" + resource : std::string(gate.any_path ? "api" : "domain"));
    if (checker.known_proved(key)) {
        proved();
        return;
    }
    try {
        detail::require_known_identity(policy_doc.parsed(), gate.resource, "execute-api", gate.any_path);
        policy::Policy attached = gate.attached();
        // An IAM caller's identity policies may allow anything: the worst case (header comment).
        const std::vector<const policy::Policy*> identity{&detail::allow_everything()};
        Decision decision{&attached, callers.any_aws() ? identity : std::vector<const policy::Policy*>{}, false, target.account};
        auto from_consumer_concrete = [&](const policy::Request& r) {
            const auto* v = r.context.find("aws:SourceVpce");
            return v && !v->multi_valued && v->values.size() == 1 &&
                   std::find(endpoint_ids.begin(), endpoint_ids.end(), v->values.front()) != endpoint_ids.end();
        };
        auto allowed_elsewhere = [&](const policy::Request& r) {
            return policy::decide(policy::PolicySet{decision.identity, &attached}, r).verdict == policy::Verdict::Allow && !from_consumer_concrete(r);
        };
        auto violated = [&](const policy::Request& request) {
            auto outcome = policy::decide(policy::PolicySet{decision.identity, &attached}, request);
            const auto* vpce_value = request.context.find("aws:SourceVpce");
            std::string source = vpce_value ? vpce_value->values.front() : "no endpoint";
            std::string who;
            if (request.principal) {
                const bool same = request.principal->account() == target.account;
                who = " to " + request.principal->id + (same ? " (in the API's account: its identity policies alone may allow it)"
                                                             : " (its identity policies allowing it)");
            }
            auto& f = checker.add(property, gate.owner, Verdict::violated,
                                  "the policy allows " + request.action + " on " + request.resource + who + " through " + source +
                                      ", which is not the consumer's endpoint",
                                  policy_doc.path);
            f.witness = to_json(request);
            f.statements = statement_refs(outcome, policy_doc);
            if (!f.statements.empty()) f.path = f.statements.front().path();
            f.fix = callers.any_aws()
                        ? "with AWS_IAM, principals of the API's own account need no Allow in the resource policy: add AWS's Deny with "
                          "StringNotEquals aws:SourceVpce on \"execute-api:/*\" (Principal \"*\")"
                        : "admit only the consumer's endpoint: give every Allow a Condition {\"StringEquals\": {\"aws:SourceVpce\": [ids]}}, "
                          "or add AWS's Deny with StringNotEquals aws:SourceVpce on \"execute-api:/*\"";
        };
        // The witness of an API with the same key, moved to this API (its account and id in the
        // request's ARN; the key leaves out nothing else the request depends on), if the concrete
        // evaluator confirms it here and it is a request AWS makes on this path.
        if (const auto* known = checker.known_witness(key)) {
            policy::Request moved = known->request;
            const auto parts = policy::split_arn(known->request.resource);
            if (parts && parts->resource.starts_with(known->subject)) {
                moved.resource = "arn:" + target.partition + ":execute-api:" + target.region + ":" + target.account + ":" + resource + std::string(parts->resource.substr(known->subject.size()));
                moved.resource_account = target.account;
                if (allowed_elsewhere(moved) && context_violations(moved.context, gate.path, gate.known).empty()) {
                    violated(moved);
                    return;
                }
            }
        }
        PolicyQuery q(checker.z3());
        q.declare(attached);
        q.set_path(gate.path, gate.known);  // what AWS puts in the context of the requests this gate decides
        q.set_callers(callers);
        if (callers.any_aws()) q.caller_arn().prefer({"arn:aws:iam::" + detail::fresh_account(checker.account_ids()) + ":role/xc-outsider"});
        q.resource_segment(0).fix(target.partition);
        q.resource_segment(1).fix("execute-api");
        q.resource_segment(2).fix(target.region);
        q.resource_segment(3).fix(target.account);
        // An invocation names "<api-id>/<stage>/<http-method>/<resource-path>" (API Gateway developer
        // guide, "API Gateway Amazon Resource Name (ARN) reference"; model/identity.hpp): at least
        // three '/' after the id, a stage and a method. It matters where an identity policy allows every resource.
        if (gate.any_path) {
            Glob shape = Glob::literal(resource + "/");
            shape.tokens.push_back({Glob::Kind::any_char, 0, false});  // the stage: never empty
            shape.append_run(false).append_literal("/");
            shape.tokens.push_back({Glob::Kind::any_char, 0, false});  // the method: never empty
            shape.append_run(false).append_literal("/").append_run(false);
            q.resource_segment(4).restrict({shape, policy::CaseMode::Sensitive, true});
        }
        else q.resource_segment(4).fix(resource);
        q.resource_segment(4).prefer(preferred_resources);
        // A request to API Gateway names one of its actions ("Actions defined by Amazon API Gateway":
        // execute-api:Invoke, InvalidateCache, ManageConnections; Service Authorization Reference).
        // "execute-api:*" over-approximates them; it matters where an identity policy allows every action.
        q.action().restrict({Glob::from(policy::GlobPattern::wildcards("execute-api:*")), policy::CaseMode::Sensitive, true});
        q.action().prefer({"execute-api:Invoke", "execute-api:InvalidateCache", "execute-api:ManageConnections"});
        q.set_resource_account(target.account);
        q.display("aws:SourceVpce");
        auto& vpce = q.text_key("aws:sourcevpce");
        vpce.texts[0]->prefer({"vpce-0badc0ffee0000001", "vpce-0badc0ffee0000002"});
        z3::expr_vector in_set(checker.z3());
        for (const auto& id : endpoint_ids) in_set.push_back(vpce.texts[0]->equals(id));
        z3::expr from_consumer = *vpce.present && z3::mk_or(in_set);
        auto result = q.solve(q.allowed(decision) && !from_consumer && *vpce.present, checker.options().timeout_ms, allowed_elsewhere);
        if (result.answer == QueryResult::Answer::unsatisfiable) {
            checker.remember_proved(std::move(key));
            proved();
            return;
        }
        if (result.answer == QueryResult::Answer::unknown) {
            checker.add(property, gate.owner, Verdict::undecided, "could not decide: " + result.reason, policy_doc.path);
            return;
        }
        violated(result.witness->request);
        checker.remember_witness(std::move(key), {result.witness->request, resource});
    } catch (const Unsupported& e) {
        checker.add(property, gate.owner, Verdict::undecided, std::string("not decided: ") + e.what(), policy_doc.path);
    }
}

inline void check_api_endpoint_only(Checker& checker, model::Vertex v) {
    const auto& g = checker.graph();
    const auto& api = g.resource<model::RestApi>(v);
    const std::string property = "api-endpoint-only";
    if (api.endpoint_type != model::ApiEndpointType::PRIVATE) {
        auto& f = checker.add(property, v, Verdict::violated,
                              std::string("the API is marked private but its endpoint type is ") + model::to_string(api.endpoint_type) +
                                  ": it is reachable from outside any VPC",
                              api.path + "/endpointType");
        f.witness = {{"endpointType", model::to_string(api.endpoint_type)}};
        f.fix = "set \"endpointType\": \"PRIVATE\"";
        return;
    }
    auto ids = detail::consumer_endpoint_ids(g, v);
    if (ids.empty()) {
        auto& f = checker.add(property, v, Verdict::violated, "the private API is bound to none of the consumer's endpoints",
                              api.path + "/vpcEndpoints");
        f.witness = {{"vpcEndpoints", nlohmann::json::array()}};
        f.fix = "list the consumer's execute-api endpoint in \"vpcEndpoints\"";
        return;
    }
    if (!api.policy) {
        checker.add(property, v, Verdict::proved,
                    "the API has no resource policy, so API Gateway denies every invocation of this private API", api.path);
        return;
    }
    // Every gate the provider controls must admit only the consumer: the API's policy, and a
    // private custom domain's (a request may name either). A gate without a policy admits nobody.
    const ApiRequestPaths& paths = request_paths(checker, v);
    for (const PolicyGate* gate : paths.provider_gates()) {
        if (!gate->document) continue;
        std::vector<std::string> preferred;
        if (gate->any_path) {
            const std::string id = gate->resource_text();
            for (const auto& [_, r] : api.routes)
                for (const char* method : {"GET", "POST", "PUT", "DELETE"})
                    preferred.push_back(id + "/" + api.stage + "/" + method + "/" + detail::sample_path(r.resource_path));
            preferred.push_back(id + "/" + api.stage + "/GET/");
        }
        check_endpoint_only(checker, *gate, ids, preferred, detail::api_callers(api));
    }
}

namespace detail {

// A consumer role that calls the API's AWS_IAM routes (RestApi::callers), as a session of it.
struct ApiCaller {
    std::string name;  // "consumer/<role>"
    model::Term arn;   // its aws:PrincipalArn: the role's ARN (the session's is the request principal)
    std::unique_ptr<RolePermissions> permissions;
    policy::RequestPrincipal principal;
};

// Whether a policy may decide differently for the role `arn` whatever name AWS gives it: a
// Principal entry naming an AWS principal by ARN in the role's account (a literal never names a
// name assigned at deployment, and a stand-in would wrongly match it), or a condition or variable
// on aws:PrincipalArn that some of the names match and others not.
inline void require_caller_independent(const policy::Policy& p, const model::Term& arn, const std::string& account) {
    if (arn.is_literal()) return;
    for (const auto& st : p.statements)
        if (st.principal)
            for (const auto& e : st.principal->entries)
                if (e.form == policy::PrincipalEntry::Form::Arn && detail::account_of_arn(e.value) == account)
                    throw Unsupported("the policy names the principal '" + e.value + "', and the caller role's name is assigned at "
                                      "deployment; give the role its \"deployedName\" in the model");
    require_independent(p, "aws:principalarn", glob_of(arn), "the caller role's name is assigned at deployment");
}

// Keys about the principal the model does not give (caller_space.hpp): a policy that reads one
// cannot show that an allow exists.
inline void require_modelled_principal_keys(const policy::Policy& p) {
    for (const auto& st : p.statements)
        for (const auto& c : st.conditions)
            if (is_unmodelled_principal_key(c.key_lower))
                throw Unsupported("the policy reads '" + c.key + "', a property of the caller the model does not give");
}

}  // namespace detail

inline void check_api_liveness(Checker& checker, model::Vertex v) {
    const auto& g = checker.graph();
    const auto& api = g.resource<model::RestApi>(v);
    const std::string property = "api-liveness";
    if (!api.policy) {
        auto& f = checker.add(property, v, Verdict::violated, "the private API has no resource policy: API Gateway denies every call",
                              api.path);
        f.fix = "add a resource policy that allows execute-api:Invoke from the consumer's endpoint";
        return;
    }
    // "After creating your API, you must deploy it to make it callable by your users. To deploy an
    // API, you create an API deployment and associate it with a stage" (API Gateway developer guide,
    // "Deploy REST APIs in API Gateway"): an API no stage serves answers no call. A front end that
    // finds no stage (Terraform without aws_api_gateway_stage) leaves the stage empty.
    if (api.stage.empty()) {
        auto& f = checker.add(property, v, Verdict::violated, "the API has no stage: it is not deployed, and no route can be called", api.path);
        f.fix = "deploy the API to a stage (a deployment and a stage that serves it)";
        return;
    }
    if (detail::consumer_endpoint_ids(g, v).empty()) {
        auto& f = checker.add(property, v, Verdict::violated, "the private API is bound to none of the consumer's endpoints",
                              api.path + "/vpcEndpoints");
        f.fix = "list the consumer's execute-api endpoint in \"vpcEndpoints\"";
        return;
    }
    // Every policy on the consumer's path must allow its request: the endpoint's, the domain's
    // (through a private custom domain) and the API's (request_path.hpp).
    const ApiRequestPaths& paths = request_paths(checker, v);
    std::map<const PolicyGate*, policy::Policy> attached;
    for (const auto& gate : paths.gates) {
        if (!gate.document) continue;
        try {
            if (gate.kind != GateKind::vpc_endpoint) detail::require_known_identity(gate.document->parsed(), gate.resource, "execute-api", gate.any_path);
            attached.emplace(&gate, gate.attached());
        } catch (const Unsupported& e) {
            checker.add(property, v, Verdict::undecided, std::string("not decided: ") + e.what(), gate.document->path);
            return;
        }
    }
    // AWS_IAM routes are called by the consumer's roles the model names (a session of each), under
    // their identity policies; NONE routes by an anonymous caller.
    std::size_t iam_routes = 0;
    std::string iam_keys;
    for (const auto& [key, r] : api.routes)
        if (api.authorization_of(r) == model::Authorization::aws_iam) {
            ++iam_routes;
            iam_keys += (iam_keys.empty() ? "" : ", ") + key;
        }
    bool undecided = false;
    std::vector<detail::ApiCaller> callers;
    if (iam_routes > 0 && api.callers.empty()) {
        checker.add(property, v, Verdict::undecided,
                    "not decided: " + iam_keys + (iam_routes == 1 ? " uses" : " use") + " AWS_IAM authorization, and the API names no "
                    "callers: xc shows liveness for the consumer's roles listed in \"callers\", with their identity policies",
                    api.path);
        undecided = true;
    }
    const PolicyGate* api_gate = nullptr;
    for (const auto& gate : paths.gates)
        if (gate.kind == GateKind::rest_api) api_gate = &gate;
    if (iam_routes > 0)
        for (const auto& ref : api.callers) {
            auto role_vertex = *g.find(model::Graph::vertex_id(ref.scope, model::VertexKind::role, ref.name));
            detail::ApiCaller c;
            c.name = ref.to_string();
            c.arn = g.identity(role_vertex).arn();
            c.permissions = std::make_unique<RolePermissions>(g.resource<model::Role>(role_vertex));
            c.principal = aws_request_principal(CallerKind::role_session, c.arn.stand_in(), "xc-session");
            if (!c.permissions->unknown().empty()) {
                checker.add(property, v, Verdict::undecided,
                            "not decided: the caller " + c.name + " attaches " + c.permissions->unknown_arns() +
                                ", whose document xc does not know",
                            c.permissions->unknown().front().path);
                return;
            }
            const std::string account = g.identity(role_vertex).account;
            try {
                for (const auto* doc : c.permissions->documents()) {
                    detail::require_known_identity(doc->parsed(), api_gate->resource, "execute-api", true);
                    detail::require_caller_independent(doc->parsed(), c.arn, account);
                    detail::require_modelled_principal_keys(doc->parsed());
                }
                for (const auto& [gate, pol] : attached) {
                    detail::require_caller_independent(pol, c.arn, account);
                    detail::require_modelled_principal_keys(pol);
                }
            } catch (const Unsupported& e) {
                checker.add(property, v, Verdict::undecided, std::string("not decided: ") + e.what() + " (caller " + c.name + ")", api.path);
                return;
            }
            callers.push_back(std::move(c));
        }

    std::size_t failures = 0;
    bool stop = false;  // a decision could not be made: its UNDECIDED finding ends the check
    nlohmann::json example;
    for (const auto& rr : paths.routes) {
        const auto& endpoint = g.resource<model::VpcEndpoint>(rr.endpoint);
        const auto& route = g.resource<model::ApiRoute>(rr.route);
        if (rr.domain && !rr.associated) {
            ++failures;
            const auto& domain = g.resource<model::CustomDomain>(rr.domain->owner);
            auto& f = checker.add(property, v, Verdict::violated,
                                  "the consumer cannot call " + rr.key + " through " + endpoint.id + ": the endpoint has no access "
                                  "association with the private custom domain " + domain.name + ", so it cannot invoke the domain",
                                  domain.path + "/accessVpcEndpoints");
            f.witness = {{"endpoint", endpoint.id}, {"domain", rr.domain->arn()}, {"route", rr.key}};
            f.fix = "list the consumer's endpoint in the domain's \"accessVpcEndpoints\"";
            continue;
        }
        const bool iam = api.authorization_of(route) == model::Authorization::aws_iam;
        if (iam && rr.domain) {
            // How a private custom domain's policy reads an IAM caller is not documented: no guess.
            checker.add(property, v, Verdict::undecided,
                        "not decided: " + rr.key + " uses AWS_IAM through the private custom domain " +
                            g.resource<model::CustomDomain>(rr.domain->owner).name +
                            "; xc does not model how the domain's policy evaluates an IAM caller",
                        route.path);
            return;
        }
        // One caller: nullptr is the anonymous caller of a NONE route.
        auto call = [&](const detail::ApiCaller* caller) -> bool {
            const Evaluation* denied = nullptr;
            policy::Outcome outcome;
            policy::Request request;
            std::vector<const model::PolicyDocument*> identity_docs;
            std::vector<const policy::Policy*> identity;
            if (caller) {
                identity_docs = caller->permissions->documents();
                identity = caller->permissions->policies();
            }
            bool same_account = false;
            for (const auto& e : rr.evaluations) {
                request = e.request;
                if (caller) {
                    request.principal = caller->principal;
                    set_principal_keys(request.context, CallerKind::role_session, caller->arn.stand_in());
                    same_account = caller->principal.account() == request.resource_account;
                }
                if (!e.gate->document) {
                    if (e.gate->allows_without_policy) continue;
                    denied = &e;
                    outcome = {};
                    outcome.verdict = policy::Verdict::ImplicitDeny;
                    break;
                }
                try {
                    ConcreteContext concrete{request.context, e.stand_ins};
                    require_independent(attached.at(e.gate), concrete, e.known);
                    if (caller && e.gate->kind == GateKind::rest_api)
                        for (const auto* p : identity) require_independent(*p, concrete, e.known);
                } catch (const Unsupported& ex) {
                    checker.add(property, v, Verdict::undecided, std::string("not decided: ") + ex.what(), e.gate->document->path);
                    stop = true;
                    return false;
                }
                if (caller && e.gate->kind == GateKind::vpc_endpoint) {
                    // An endpoint policy filters the request on its own: it must select the caller.
                    outcome = policy::evaluate_resource_policy(attached.at(e.gate), request);
                    if (outcome.verdict == policy::Verdict::Allow && outcome.account_level) {
                        checker.add(property, v, Verdict::undecided,
                                    "not decided: the endpoint's policy admits " + caller->name + " only by naming its account; how an "
                                    "endpoint policy reads an account principal is not modelled",
                                    e.gate->document->path);
                        stop = true;
                        return false;
                    }
                } else if (caller) {
                    outcome = policy::decide(policy::PolicySet{identity, &attached.at(e.gate)}, request);
                } else {
                    outcome = policy::decide(attached.at(e.gate), request);
                }
                if (outcome.verdict != policy::Verdict::Allow) {
                    denied = &e;
                    break;
                }
            }
            if (!denied) {
                if (example.is_null()) example = to_json(request);
                return true;
            }
            ++failures;
            const PolicyGate& gate = *denied->gate;
            std::string why = !gate.document ? " does not exist, and without one AWS denies every call"
                              : outcome.verdict == policy::Verdict::ExplicitDeny ? " denies it"
                                                                                  : " allows nothing that matches";
            std::string who = caller ? "the consumer's " + caller->name : "the consumer";
            std::string fix = gate.kind == GateKind::custom_domain
                                  ? "let the domain's policy allow execute-api:Invoke on the domain (\"execute-api:/*\") for requests from the consumer's endpoint"
                                  : "allow execute-api:Invoke on every route for requests from the consumer's endpoint";
            std::string message;
            if (caller && gate.kind == GateKind::rest_api && outcome.verdict == policy::Verdict::ImplicitDeny) {
                // Which side is missing: across accounts both must allow, in the same account either.
                const bool by_identity = policy::evaluate_identity_policies(identity, request).verdict == policy::Verdict::Allow;
                const bool by_resource = policy::evaluate_resource_policy(attached.at(&gate), request).verdict == policy::Verdict::Allow;
                if (same_account) {
                    why = ": neither its identity policies nor the API's resource policy allows it (in the API's account, either suffices)";
                    fix = "allow execute-api:Invoke on the route in the role's identity policy or in the API's resource policy";
                } else if (!by_identity) {
                    why = ": the API's account is another account, so its identity policies must allow it too, and none does";
                    fix = "give " + caller->name + " an identity policy allowing execute-api:Invoke on the API's routes "
                          "(e.g. \"arn:aws:execute-api:<region>:<account>:<api-id>/" + api.stage + "/*\")";
                } else if (!by_resource) {
                    why = ": the API's account is another account, so the API's resource policy must allow it too (naming the "
                          "caller's account or role), and none does";
                    fix = "allow execute-api:Invoke to the consumer's account (or the role) in the API's resource policy, for "
                          "requests from the consumer's endpoint";
                }
                message = who + " cannot call " + rr.key + " through " + endpoint.id + why;
            } else {
                message = who + " cannot call " + rr.key + " through " + endpoint.id + ": " + gate.describe(g) +
                          (gate.kind == GateKind::vpc_endpoint && rr.domain && denied->request.resource == rr.domain->arn()
                               ? " (on the domain " + rr.domain->arn() + ")"
                               : "") +
                          why;
            }
            auto& f = checker.add(property, v, Verdict::violated, message, gate.document ? gate.document->path : route.path);
            f.witness = to_json(request);
            if (gate.document)
                f.statements = statement_refs(outcome, *gate.document, gate.kind == GateKind::rest_api ? identity_docs
                                                                                                     : std::vector<const model::PolicyDocument*>{});
            if (!f.statements.empty()) f.path = f.statements.front().path();
            f.fix = fix;
            return false;
        };
        if (!iam) call(nullptr);
        else
            for (const auto& c : callers)
                if (!call(&c) && stop) break;
        if (stop) return;  // an UNDECIDED finding says why
    }
    if (failures == 0 && !undecided) {
        std::string through;
        if (const auto* domain = paths.domain())
            through = ", through the private custom domain " + g.resource<model::CustomDomain>(domain->owner).name +
                      " (endpoint, domain and API policies)";
        std::string who = "an anonymous caller through each consumer endpoint may invoke all " + std::to_string(api.routes.size()) + " routes";
        if (iam_routes > 0) {
            std::string names;
            for (const auto& c : callers) names += (names.empty() ? "" : ", ") + c.name;
            who = "through each consumer endpoint, " + names + " (a session of each, with its identity policies) may invoke the " +
                  std::to_string(iam_routes) + " AWS_IAM route" + (iam_routes == 1 ? "" : "s");
            if (iam_routes < api.routes.size())
                who += ", and an anonymous caller the " + std::to_string(api.routes.size() - iam_routes) + " NONE route" +
                       (api.routes.size() - iam_routes == 1 ? "" : "s");
        }
        auto& f = checker.add(property, v, Verdict::proved, who + " on stage " + api.stage + through, api.policy->path);
        if (!example.is_null()) f.witness = example;
    }
}

}  // namespace xc::verify
