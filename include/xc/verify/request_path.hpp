// The request on its path: for each route of a private API, the policies AWS evaluates on the
// consumer's request, in order, each with the resource the request names there and the context
// AWS sets there. One description feeds api-endpoint-only (which gates the provider controls,
// and what each names the request's resource by), api-liveness (every evaluation must allow)
// and the witnesses both print.
//
// What AWS evaluates (API Gateway developer guide):
//  - the VPC endpoint's policy, first: "The VPC endpoint policy is evaluated first, and then API
//    Gateway evaluates the request" ("Use VPC endpoint policies for private APIs in API Gateway",
//    considerations); no endpoint policy is AWS's default full-access policy.
//  - through a private custom domain name, the domain's own policy and then the API's: "API
//    providers manage two resource policies to protect their private custom domain names. The
//    first policy is for the execute-api service and controls which VPC endpoints can invoke your
//    private custom domain name" and the consumer waits "for the API provider to grant your VPC
//    endpoint access to the private custom domain name and any private APIs mapped to the private
//    custom domain name" ("Tasks of API providers and API consumers for custom domain names for
//    private APIs"). The endpoint policy is evaluated for both resources: its examples grant "access
//    to specific APIs and domain resources" by listing the domain's ARN and the API's ARNs
//    (endpoint policy examples 4 and 5), and example 4 admits an API's requests through a domain by
//    "ArnEquals": {"execute-api:viaDomainArn": "arn:aws:execute-api:us-west-2:111122223333:
//    /domainnames/private.test.com+f4g5h6"} — the key AWS sets on a request through the domain
//    (on both evaluations: else that example, whose only statement needs it, would admit nothing).
//  - "A VPC endpoint needs to form a domain name access association with a private custom domain
//    name to invoke it" (same page): without one, the domain is unreachable from that endpoint.
//  - The domain's resource is its ARN, with no path: resource type execute-api-domain is
//    "arn:${Partition}:execute-api:${Region}:${Account}:/domainnames/${DomainName}+${DomainIdentifier}"
//    (Service Authorization Reference, Amazon API Gateway). A newly created private domain has "a
//    deny all resource policy" (tutorial "Create and invoke a custom domain name for private
//    APIs"), whose documented replacement admits endpoints with "Resource": ["execute-api:/*"]: on
//    a domain's policy xc reads that shorthand as naming the domain's ARN; other shorthand forms on
//    a domain are not documented, and a policy using them is UNDECIDED.
// On an AWS_IAM route the API's gate decides with the caller's identity policies as well
// (api_properties.hpp): the gates here are the resource-side policies.
#pragma once

#include <xc/verify/checker.hpp>
#include <xc/verify/context_keys.hpp>

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace xc::verify {

enum class GateKind {
    vpc_endpoint,   // the consumer's interface endpoint's policy
    custom_domain,  // a private custom domain name's policy ("policy" for the execute-api service)
    rest_api,       // the API's resource policy
};

// One policy on the request's path.
struct PolicyGate {
    GateKind kind = GateKind::rest_api;
    model::Vertex owner{};                           // the endpoint, domain or API whose policy it is
    const model::PolicyDocument* document = nullptr; // as written in the model; nullptr: none
    bool allows_without_policy = false;              // endpoint: AWS's full-access default; domain, API: deny all
    model::Term resource;  // the ARN's resource part the request names: an API's id, or a domain's "/domainnames/<name>+<id>"
    bool any_path = false; // an API's requests go on with "/<stage>/<METHOD>/<path>"; a domain's name the ARN only
    policy::ExecuteApiTarget target;  // the account and region of the resource, and its id as the stand-in
    // What AWS sets in the context of any request this gate decides (context_keys.hpp), and the
    // values it takes from the architecture there.
    RequestPath path = RequestPath::private_api;
    KnownValues known;

    // The ARN's resource part as one concrete string (assigned values by their stand-ins).
    std::string resource_text() const { return resource.stand_in(); }
    std::string arn() const { return "arn:" + target.partition + ":execute-api:" + target.region + ":" + target.account + ":" + resource_text(); }
    std::string describe(const model::Graph& g) const {
        switch (kind) {
            case GateKind::vpc_endpoint: return "the endpoint's policy";
            case GateKind::custom_domain: return "the policy of the private custom domain " + g.resource<model::CustomDomain>(owner).name;
            case GateKind::rest_api: return "the API's resource policy";
        }
        return "?";
    }
    // The document as AWS stores it: execute-api shorthand expanded against this resource.
    policy::Policy attached() const {
        if (!document) return {};
        if (kind == GateKind::rest_api) return policy::attach_to_api(document->parsed(), target);
        if (kind != GateKind::custom_domain) return document->parsed();
        policy::Policy p = document->parsed();
        for (auto& st : p.statements)
            for (auto& r : st.resource.patterns) {
                if (r.kind != policy::ResourcePattern::Kind::Shorthand) continue;
                if (r.text != "execute-api:/*")
                    throw Unsupported("the domain's policy names '" + r.text + "'; on a private custom domain's policy xc knows only "
                                      "\"execute-api:/*\" (the domain itself, as AWS documents it) or full ARNs");
                std::string error;
                r.text = arn();
                r.value = policy::parse_template(r.text, false, &error);
                r.kind = policy::ResourcePattern::Kind::Arn;
                r.arn = policy::compile_arn_pattern(r.text);
            }
        return p;
    }
};

// One evaluation of the consumer's request: the gate, and the request as it is evaluated there.
struct Evaluation {
    const PolicyGate* gate = nullptr;
    policy::Request request;
    RequestPath path = RequestPath::private_api;  // the context table's path the request is on
    KnownValues known;                            // the architecture's values in its context
    std::vector<std::string> stand_ins;           // context keys whose value is (partly) a stand-in
};

// The consumer's request for one route through one of its endpoints.
struct RouteRequest {
    model::Vertex endpoint{};
    model::Vertex route{};
    std::string key;                         // "GET /orders"
    const PolicyGate* domain = nullptr;      // through this private custom domain, if any
    bool associated = true;                  // the endpoint has an access association with `domain`
    std::vector<Evaluation> evaluations;     // in AWS's order
};

// Every gate of an API's paths and every route request through the consumer's endpoints.
struct ApiRequestPaths {
    std::deque<PolicyGate> gates;  // stable addresses: evaluations point into it
    std::vector<RouteRequest> routes;

    // The gates the provider controls, which decide who besides the consumer gets in: the
    // domain's (when through one) and the API's.
    std::vector<const PolicyGate*> provider_gates() const {
        std::vector<const PolicyGate*> out;
        for (const auto& g : gates)
            if (g.kind != GateKind::vpc_endpoint) out.push_back(&g);
        return out;
    }
    const PolicyGate* domain() const {
        for (const auto& g : gates)
            if (g.kind == GateKind::custom_domain) return &g;
        return nullptr;
    }
};

namespace detail {
// "/orders/{orderId}" -> "orders/xc-sample-orderId": one concrete path of a route.
inline std::string sample_path(const std::string& resource_path) {
    std::string out;
    std::size_t i = 1;
    while (i <= resource_path.size()) {
        auto slash = resource_path.find('/', i);
        std::string seg = resource_path.substr(i, slash == std::string::npos ? std::string::npos : slash - i);
        if (!seg.empty() && seg.front() == '{') {
            std::string name = seg.substr(1, seg.size() - 2);
            if (!name.empty() && name.back() == '+') name.pop_back();
            seg = "xc-sample-" + name;
        }
        if (!out.empty() || !seg.empty()) out += (out.empty() ? "" : "/") + seg;
        if (slash == std::string::npos) break;
        i = slash + 1;
    }
    return out;
}

inline std::string route_method(const model::ApiRoute& r) { return r.method == "ANY" ? "GET" : r.method; }
}  // namespace detail

inline ApiRequestPaths request_paths(const model::Graph& g, model::Vertex api_vertex) {
    const auto& m = g.model();
    const auto& api = g.resource<model::RestApi>(api_vertex);
    const auto& account = m.accounts.at(g[api_vertex].account);
    ApiRequestPaths out;

    PolicyGate& api_gate = out.gates.emplace_back();
    api_gate.kind = GateKind::rest_api;
    api_gate.owner = api_vertex;
    api_gate.document = api.policy ? &*api.policy : nullptr;
    api_gate.resource = g.identity(api_vertex).resource;  // the API's id
    api_gate.any_path = true;
    api_gate.target = {"aws", m.region, account.id, api_gate.resource_text()};

    const PolicyGate* domain = nullptr;
    if (api.custom_domain && api.custom_domain->endpoint_type == model::ApiEndpointType::PRIVATE) {
        auto domain_vertex = g.out(api_vertex, model::EdgeKind::has_domain).front();
        PolicyGate& d = out.gates.emplace_back();
        d.kind = GateKind::custom_domain;
        d.owner = domain_vertex;
        d.document = api.custom_domain->policy ? &*api.custom_domain->policy : nullptr;
        d.resource = g.identity(domain_vertex).resource;  // "/domainnames/<name>+<its own id>"
        d.target = {"aws", m.region, account.id, d.resource_text()};
        // Every request the domain decides comes through it, so it carries the domain's ARN.
        d.path = RequestPath::private_domain;
        d.known.emplace("execute-api:viadomainarn", g.identity(domain_vertex).arn());
        domain = &d;
    }

    for (auto endpoint_vertex : g.endpoints_of(api_vertex)) {
        if (g[endpoint_vertex].scope != "consumer") continue;
        const auto& endpoint = g.resource<model::VpcEndpoint>(endpoint_vertex);
        PolicyGate& e = out.gates.emplace_back();
        e.kind = GateKind::vpc_endpoint;
        e.owner = endpoint_vertex;
        e.document = endpoint.policy ? &*endpoint.policy : nullptr;
        e.allows_without_policy = true;
        bool associated = true;
        if (domain) {
            const auto& links = g.out(domain->owner, model::EdgeKind::access_association);
            associated = std::find(links.begin(), links.end(), endpoint_vertex) != links.end();
        }
        // What API Gateway sees of the consumer's request at a gate: its endpoint, and what AWS
        // sets on that path (context_keys.hpp). Values AWS chooses (the time, an assigned id) are
        // stand-ins, named in the evaluation: a decision that depends on them is no decision. It is
        // the same on every route but for the resource it names, so it is made once per endpoint
        // and path and copied per route.
        auto request_on = [&](RequestPath path, const KnownValues& known) {
            Evaluation request;
            request.request.action = "execute-api:Invoke";
            request.request.resource_account = account.id;
            auto context = concrete_context(path, known, {{"aws:sourcevpce", endpoint.id}});
            request.request.context = std::move(context.context);
            request.path = path;
            request.known = known;
            request.stand_ins = std::move(context.stand_ins);
            return request;
        };
        // Through the domain AWS sets execute-api:viaDomainArn: endpoint policy example 4,
        // keyed on it alone with "Resource": "*", admits the domain and its APIs.
        const Evaluation api_request = domain ? request_on(RequestPath::private_api_via_domain, domain->known)
                                              : request_on(RequestPath::private_api, {});
        std::optional<Evaluation> domain_request;
        if (domain) {
            domain_request = request_on(RequestPath::private_domain, domain->known);
            domain_request->request.resource = domain->arn();
        }
        for (const auto& [key, route] : api.routes) {
            RouteRequest rr;
            rr.endpoint = endpoint_vertex;
            rr.route = *g.find(model::Graph::vertex_id(g[api_vertex].scope, model::VertexKind::api_route, api.name + "/" + key));
            rr.key = key;
            rr.domain = domain;
            rr.associated = associated;
            Evaluation to_api = api_request;
            to_api.request.resource =
                api_gate.arn() + "/" + api.stage + "/" + detail::route_method(route) + "/" + detail::sample_path(route.resource_path);
            if (domain) {
                Evaluation to_domain = *domain_request;
                to_domain.gate = &e;
                rr.evaluations.push_back(to_domain);
                to_domain.gate = domain;
                rr.evaluations.push_back(std::move(to_domain));
            }
            to_api.gate = &e;
            rr.evaluations.push_back(to_api);
            to_api.gate = &api_gate;
            rr.evaluations.push_back(std::move(to_api));
            out.routes.push_back(std::move(rr));
        }
    }
    return out;
}

// The same, made once for all the checks of the API in one verify run (Checker::derived).
inline const ApiRequestPaths& request_paths(Checker& checker, model::Vertex api_vertex) {
    return checker.derived<ApiRequestPaths>(api_vertex, [&] { return request_paths(checker.graph(), api_vertex); });
}

}  // namespace xc::verify
