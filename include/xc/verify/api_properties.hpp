// api-endpoint-only and api-liveness: who can call each private API.
//
// Callers. The model's routes use API Gateway's default authorization (NONE): API Gateway does
// not authenticate the caller, so every caller is anonymous to the resource policy, whatever it
// signs — only statements whose principal is "*" can let it in. The request space is therefore:
// an anonymous caller, any action, any resource under the API's ARN (any stage, method, path),
// and any context — with aws:SourceVpce always present, since a private API is reachable only
// through some VPC endpoint (any account's).
#pragma once

#include <xc/verify/checker.hpp>
#include <xc/verify/request_path.hpp>

#include <map>
#include <string>
#include <vector>

namespace xc::verify {

namespace detail {

// A resource's deployed API id, as it appears in ARNs: the model's, or the stand-in of the id AWS
// assigns (model/identity.hpp).
inline std::string api_id(const model::Graph& g, model::Vertex api) { return g[api].identity.id.stand_in(); }

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
                                const std::vector<std::string>& preferred_resources) {
    const std::string property = "api-endpoint-only";
    const model::PolicyDocument& policy_doc = *gate.document;
    const auto& target = gate.target;
    const std::string resource = gate.resource_text();
    std::string ids;
    for (const auto& id : endpoint_ids) ids += (ids.empty() ? "" : ", ") + id;
    auto proved = [&] {
        checker.add(property, gate.owner, Verdict::proved,
                    "every request the policy allows comes through " + (ids.empty() ? std::string("no endpoint (it allows none)") : ids),
                    policy_doc.path);
    };
    // With only execute-api shorthand (or "*") resources and anonymous callers, the question does
    // not depend on the API's account or id: a policy proved once is proved for every API.
    bool literal_arns = false;
    for (const auto& st : policy_doc.parsed.statements)
        for (const auto& r : st.resource.patterns) literal_arns = literal_arns || r.kind == policy::ResourcePattern::Kind::Arn;
    std::string key = "api-endpoint-only|" + policy_doc.document.dump() + "|" + ids + "|" + target.region + "|" +
                      // A domain's policy may read its ARN (execute-api:viaDomainArn): proved for that domain only.
                      (literal_arns || !gate.known.empty() ? target.account + "|" + resource : std::string(gate.any_path ? "api" : "domain"));
    if (checker.known_proved(key)) {
        proved();
        return;
    }
    try {
        detail::require_known_identity(policy_doc.parsed, gate.resource, "execute-api", gate.any_path);
        policy::Policy attached = gate.attached();
        PolicyQuery q(checker.z3());
        q.declare(attached);
        q.set_path(gate.path, gate.known);  // what AWS puts in the context of the requests this gate decides
        q.set_callers(CallerSpace::only(CallerKind::anonymous));
        q.resource_segment(0).fix(target.partition);
        q.resource_segment(1).fix("execute-api");
        q.resource_segment(2).fix(target.region);
        q.resource_segment(3).fix(target.account);
        if (gate.any_path) q.resource_segment(4).restrict({Glob::literal(resource + "/").append_run(false), policy::CaseMode::Sensitive, true});
        else q.resource_segment(4).fix(resource);
        q.resource_segment(4).prefer(preferred_resources);
        q.action().prefer({"execute-api:Invoke", "execute-api:InvalidateCache", "execute-api:ManageConnections"});
        q.set_resource_account(target.account);
        q.display("aws:SourceVpce");
        auto& vpce = q.text_key("aws:sourcevpce");
        vpce.texts[0]->prefer({"vpce-0badc0ffee0000001", "vpce-0badc0ffee0000002"});
        z3::expr_vector in_set(checker.z3());
        for (const auto& id : endpoint_ids) in_set.push_back(vpce.texts[0]->equals(id));
        z3::expr from_consumer = *vpce.present && z3::mk_or(in_set);
        Decision decision{&attached, {}, false, target.account};
        auto from_consumer_concrete = [&](const policy::Request& r) {
            const auto* v = r.context.find("aws:SourceVpce");
            return v && !v->multi_valued && v->values.size() == 1 &&
                   std::find(endpoint_ids.begin(), endpoint_ids.end(), v->values.front()) != endpoint_ids.end();
        };
        auto result = q.solve(q.allowed(decision) && !from_consumer && *vpce.present, checker.options().timeout_ms,
                              [&](const policy::Request& r) {
                                  return policy::decide(attached, r).verdict == policy::Verdict::Allow && !from_consumer_concrete(r);
                              });
        if (result.answer == QueryResult::Answer::unsatisfiable) {
            checker.remember_proved(std::move(key));
            proved();
            return;
        }
        if (result.answer == QueryResult::Answer::unknown) {
            checker.add(property, gate.owner, Verdict::undecided, "could not decide: " + result.reason, policy_doc.path);
            return;
        }
        const auto& request = result.witness->request;
        auto outcome = policy::decide(attached, request);
        const auto* vpce_value = request.context.find("aws:SourceVpce");
        std::string source = vpce_value ? vpce_value->values.front() : "no endpoint";
        auto& f = checker.add(property, gate.owner, Verdict::violated,
                              "the policy allows " + request.action + " on " + request.resource + " through " + source +
                                  ", which is not the consumer's endpoint",
                              policy_doc.path);
        f.witness = to_json(request);
        f.statements = statement_refs(outcome, policy_doc);
        if (!f.statements.empty()) f.path = f.statements.front().path();
        f.fix = "admit only the consumer's endpoint: give every Allow a Condition {\"StringEquals\": {\"aws:SourceVpce\": [ids]}}, "
                "or add AWS's Deny with StringNotEquals aws:SourceVpce on \"execute-api:/*\"";
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
    auto paths = request_paths(g, v);
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
        check_endpoint_only(checker, *gate, ids, preferred);
    }
}

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
    auto paths = request_paths(g, v);
    std::map<const PolicyGate*, policy::Policy> attached;
    for (const auto& gate : paths.gates) {
        if (!gate.document) continue;
        try {
            if (gate.kind != GateKind::vpc_endpoint) detail::require_known_identity(gate.document->parsed, gate.resource, "execute-api", gate.any_path);
            attached.emplace(&gate, gate.attached());
        } catch (const Unsupported& e) {
            checker.add(property, v, Verdict::undecided, std::string("not decided: ") + e.what(), gate.document->path);
            return;
        }
    }
    std::size_t failures = 0;
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
        const Evaluation* denied = nullptr;
        policy::Outcome outcome;
        for (const auto& e : rr.evaluations) {
            if (!e.gate->document) {
                if (e.gate->allows_without_policy) continue;
                denied = &e;
                outcome = {};
                outcome.verdict = policy::Verdict::ImplicitDeny;
                break;
            }
            try {
                require_independent(attached.at(e.gate), ConcreteContext{e.request.context, e.stand_ins}, e.known);
            } catch (const Unsupported& ex) {
                checker.add(property, v, Verdict::undecided, std::string("not decided: ") + ex.what(), e.gate->document->path);
                return;
            }
            outcome = policy::decide(attached.at(e.gate), e.request);
            if (outcome.verdict != policy::Verdict::Allow) {
                denied = &e;
                break;
            }
        }
        if (!denied) {
            if (example.is_null()) example = to_json(rr.evaluations.back().request);
            continue;
        }
        ++failures;
        const PolicyGate& gate = *denied->gate;
        std::string why = !gate.document ? " does not exist, and without one AWS denies every call"
                          : outcome.verdict == policy::Verdict::ExplicitDeny ? " denies it"
                                                                              : " allows nothing that matches";
        auto& f = checker.add(property, v, Verdict::violated,
                              "the consumer cannot call " + rr.key + " through " + endpoint.id + ": " + gate.describe(g) +
                                  (gate.kind == GateKind::vpc_endpoint && rr.domain && denied->request.resource == rr.domain->arn()
                                       ? " (on the domain " + rr.domain->arn() + ")"
                                       : "") +
                                  why,
                              gate.document ? gate.document->path : route.path);
        f.witness = to_json(denied->request);
        if (gate.document) f.statements = statement_refs(outcome, *gate.document);
        if (!f.statements.empty()) f.path = f.statements.front().path();
        f.fix = gate.kind == GateKind::custom_domain
                    ? "let the domain's policy allow execute-api:Invoke on the domain (\"execute-api:/*\") for requests from the consumer's endpoint"
                    : "allow execute-api:Invoke on every route for requests from the consumer's endpoint";
    }
    if (failures == 0) {
        std::string through;
        if (const auto* domain = paths.domain())
            through = ", through the private custom domain " + g.resource<model::CustomDomain>(domain->owner).name +
                      " (endpoint, domain and API policies)";
        auto& f = checker.add(property, v, Verdict::proved,
                              "an anonymous caller through each consumer endpoint may invoke all " + std::to_string(api.routes.size()) +
                                  " routes on stage " + api.stage + through,
                              api.policy->path);
        if (!example.is_null()) f.witness = example;
    }
}

}  // namespace xc::verify
