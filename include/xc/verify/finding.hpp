// What the verifier reports: per property and subject, PROVED, VIOLATED (with a concrete
// witness), or UNDECIDED (with the reason) — and the exit code that summarises a report.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace xc::verify {

enum class Verdict { proved, violated, undecided };

inline std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::proved: return "PROVED";
        case Verdict::violated: return "VIOLATED";
        case Verdict::undecided: return "UNDECIDED";
    }
    return "?";
}

// The properties, with stable ids (CI gates and baselines refer to them).
struct PropertyInfo {
    std::string_view id;
    std::string_view title;
    std::string_view description;
};

inline constexpr std::array<PropertyInfo, 7> properties{{
    {"api-endpoint-only", "Only the consumer's endpoints reach each private API",
     "For every API the model marks private: its endpoint type is PRIVATE, it is bound to the consumer's "
     "endpoint(s), and every request its resource policy (and a private custom domain's policy) allows comes "
     "through one of those endpoints (aws:SourceVpce), for all principals, actions, paths and context values."},
    {"api-liveness", "The consumer can call every declared route",
     "An anonymous caller through each consumer endpoint is allowed to invoke every route the model declares "
     "on the API's stage, by the resource policy and the endpoint policy."},
    {"network-ingress", "Only the consumer VPC reaches the ALB, only the ALB reaches the endpoint",
     "The load balancer is internal and its listener admits only sources inside the consumer VPC; the "
     "endpoint's interfaces admit only the load balancer; neither sits in a subnet routed to an internet gateway."},
    {"dns-tls", "Names resolve privately and TLS covers them",
     "Each private API's name resolves, in a private zone associated with the consumer VPC, to the load "
     "balancer; the listener's certificates cover it; the API's custom domain has that name, a certificate "
     "covering it, and a base path mapped to the API's stage."},
    {"secret-share", "The endpoint id is shared with the services and no one else",
     "Only the consumer and service accounts can read the secret that carries the endpoint id; each service "
     "account can read it (secret policy and KMS key policy); it holds the endpoint the APIs admit."},
    {"lambda-invoke", "Each Lambda is invoked only by its own API",
     "Every invoke permission names apigateway.amazonaws.com and a source ARN inside the execution ARN of the "
     "API whose routes integrate the function (no confused deputy)."},
    {"lambda-data", "Each Lambda reaches only its own table, only privately",
     "The function's role grants only the DynamoDB actions its handler needs, on its own table and indexes, "
     "and the function reaches DynamoDB only through the VPC's gateway endpoint."},
}};

inline bool is_property(std::string_view id) {
    return std::any_of(properties.begin(), properties.end(), [&](const PropertyInfo& p) { return p.id == id; });
}

// A policy statement that decided a query, located in the model.
struct StatementRef {
    std::string policy_path;  // JSON Pointer of the policy document
    std::size_t index = 0;
    std::string sid;
    std::string effect;

    std::string path() const { return policy_path + "/Statement/" + std::to_string(index); }
};

struct Finding {
    std::string property;  // a PropertyInfo id
    std::string subject;   // the graph vertex the finding is about, e.g. "food/rest-api/orders"
    std::string scope;     // "consumer" or the service
    Verdict verdict = Verdict::undecided;
    std::string message;   // one line: what holds, what is violated, or why it is undecided
    std::string path;      // JSON Pointer of the most specific model location
    nlohmann::json witness;  // violated: the concrete counterexample (proved: an example, if any)
    std::vector<StatementRef> statements;  // the deciding statements
    std::string fix;       // for violations: how to fix it
};

struct Report {
    std::vector<Finding> findings;

    std::size_t count(Verdict v) const {
        return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.verdict == v; }));
    }
    // 0 all proved, 1 a property violated, 3 one could not be decided (and none violated).
    int exit_code() const {
        if (count(Verdict::violated)) return 1;
        if (count(Verdict::undecided)) return 3;
        return 0;
    }
};

}  // namespace xc::verify
