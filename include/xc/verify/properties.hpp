// The properties xc proves: one row each — id, texts, SARIF rule data, severity and the checks
// that prove it. verify(), the CLI's property list and --properties/--skip validation, the
// baseline's property ids, the SARIF rules and the JSON report schema's enum all read this
// table (tests/verify/properties_test.cpp holds the schema and the SARIF rules to it). Adding a
// property is adding a row.
//
// A row names its checks by the subjects they run on; verify() visits the subjects kind by kind
// (in SubjectKind's order) and runs every enabled check of each subject in table order, so a
// report lists one API's findings together.
#pragma once

#include <xc/verify/api_properties.hpp>
#include <xc/verify/checker.hpp>
#include <xc/verify/edge_properties.hpp>
#include <xc/verify/endpoint_egress.hpp>
#include <xc/verify/lambda_properties.hpp>
#include <xc/verify/secret_integrity.hpp>
#include <xc/verify/secret_share.hpp>
#include <xc/verify/target_health.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace xc::verify {

// What a check runs on, in the order verify() visits them.
enum class SubjectKind {
    private_api,  // each API the model marks private
    model,        // the model as a whole (the subject vertex is the consumer's account)
    shared_secret,  // each secret that holds an endpoint id
    shared_key,   // each KMS key that encrypts such a secret
    lambda,       // each Lambda function
    role,         // each IAM role
};
inline constexpr std::array<SubjectKind, 6> subject_kinds{SubjectKind::private_api, SubjectKind::model,  SubjectKind::shared_secret,
                                                          SubjectKind::shared_key,  SubjectKind::lambda, SubjectKind::role};

// One check of a property: a function proving it for one subject (adding its findings).
struct PropertyCheck {
    SubjectKind subjects = SubjectKind::model;
    void (*run)(Checker&, model::Vertex) = nullptr;
};

struct Property {
    std::string_view id;                 // stable: CI gates, baselines and reports refer to it
    std::string_view title;              // one line (CLI help, SARIF shortDescription)
    std::string_view description;        // what is proved (SARIF fullDescription)
    std::string_view rule_name;          // SARIF rule name: an identifier-like form of the id
    std::string_view help;               // how to fix a violation (SARIF help, shown by code scanning)
    std::string_view security_severity;  // GitHub's security-severity (0.0-10.0); empty: a correctness property
    std::array<PropertyCheck, 2> checks; // unused entries have no `run`
};

inline constexpr std::array<Property, 9> properties{{
    {"api-endpoint-only", "Only the consumer's endpoints reach each private API",
     "For every API the model marks private: its endpoint type is PRIVATE, it is bound to the consumer's "
     "endpoint(s), and every request its resource policy (and a private custom domain's policy) allows comes "
     "through one of those endpoints (aws:SourceVpce), for all principals, actions, paths and context values.",
     "ApiEndpointOnly",
     "Make the API admit only the consumer's VPC endpoint: set \"endpointType\": \"PRIVATE\", list the consumer's execute-api "
     "endpoint in \"vpcEndpoints\", and give every Allow statement of the resource policy (and of a private custom domain's "
     "policy) a Condition {\"StringEquals\": {\"aws:SourceVpce\": [the consumer's endpoint ids]}}, or add AWS's recommended "
     "Deny on \"execute-api:/*\" with StringNotEquals aws:SourceVpce. The witness is a request the policy allows from "
     "elsewhere: replay it against the fixed policy to check.",
     "9.1",
     {{{SubjectKind::private_api, check_api_endpoint_only}}}},
    {"api-liveness", "The consumer can call every declared route",
     "An anonymous caller through each consumer endpoint is allowed to invoke every route the model declares "
     "on the API's stage, by every policy on the request's path: the endpoint policy, a private custom domain's policy "
     "and the API's resource policy. Each target group of the load balancer targets an execute-api endpoint's "
     "interfaces, and its health check can pass there (API Gateway answers it 403).",
     "ApiLiveness",
     "Let the consumer call what the model declares: allow execute-api:Invoke on every declared route of the stage for "
     "requests through the consumer's endpoint, in the endpoint policy, in a private custom domain's policy (on the "
     "domain) and in the API's resource policy, and associate the endpoint with the domain. Target the execute-api "
     "endpoint's interfaces and health-check them over HTTPS on 443 with success codes that include 403 (e.g. 200-403): "
     "API Gateway answers the health check, which names no API, with 403. The witness is the request that is denied, as "
     "the denying policy sees it, or the health check and the response it gets.",
     "",
     {{{SubjectKind::private_api, check_api_liveness}, {SubjectKind::model, check_target_health}}}},
    {"network-ingress", "Only the consumer VPC reaches the ALB, only the ALB reaches the endpoint",
     "The load balancer is internal and its listener admits only sources inside the consumer VPC; the "
     "endpoint's interfaces admit only the load balancer; neither sits in a subnet routed to an internet gateway.",
     "NetworkIngress",
     "Keep the path private: make the load balancer \"scheme\": \"internal\" in private subnets, let its security group admit "
     "only the consumer VPC's CIDR (or its security groups) on the listener port, let the endpoint's security group admit "
     "only the load balancer's security group on 443, and route neither subnet to an internet gateway.",
     "8.2",
     {{{SubjectKind::model, [](Checker& c, model::Vertex) { check_network_ingress(c); }}}}},
    {"endpoint-egress", "The consumer's endpoints reach only the architecture's own APIs",
     "Every request a client in the consumer VPC can send through the consumer's execute-api endpoints (any execute-api action, "
     "region, account, API, stage, method and path; anonymous or any IAM principal) is one the endpoint policy lets through "
     "only to an API of the model's accounts. Listener host rules do not count: the client names the API by its Host or "
     "x-apigw-api-id header and may reach the endpoint directly.",
     "EndpointEgress",
     "Give each consumer execute-api endpoint a policy whose Allow statements name only the architecture's APIs, e.g. \"Resource\": "
     "[\"arn:aws:execute-api:<region>:<service account>:*\"] for each service account, or the APIs' execution ARNs. Without a "
     "policy AWS applies full access, which lets a client in the VPC reach any account's private API that admits the endpoint. "
     "The witness is a request to an API outside the model that the endpoint lets through, and how to send it.",
     "7.7",
     {{{SubjectKind::model, [](Checker& c, model::Vertex) { check_endpoint_egress(c); }}}}},
    {"dns-tls", "Names resolve privately and TLS covers them",
     "Each private API's name resolves, in a private zone associated with the consumer VPC, to the load "
     "balancer; the listener's certificates cover it; the API's custom domain has that name, a certificate "
     "covering it, and a base path mapped to the API's stage.",
     "DnsTls",
     "Resolve each private API's name in a private hosted zone associated with the consumer VPC, with an alias record to the "
     "load balancer; present a listener certificate covering the name (a wildcard covers one label); give the API a custom "
     "domain of that name with a covering certificate and a base path mapped to the stage.",
     "5.3",
     {{{SubjectKind::private_api, check_dns_tls}}}},
    {"secret-share", "The endpoint id is shared with the services and no one else",
     "Only the consumer and service accounts can read the secret that carries the endpoint id; each service "
     "account can read it (secret policy and KMS key policy); it holds the endpoint the APIs admit. The key policy lets "
     "other accounts only kms:Decrypt through Secrets Manager (kms:ViaService) and, where the model says so "
     "(onlyItsSecrets), only for the secrets the key encrypts (kms:EncryptionContext:SecretARN).",
     "SecretShare",
     "Share the endpoint id with the service accounts and no one else: grant secretsmanager:GetSecretValue only to the "
     "service accounts' principals in the secret policy, encrypt the secret with a customer-managed KMS key whose policy "
     "lets exactly those accounts kms:Decrypt, only with the Condition {\"StringEquals\": {\"kms:ViaService\": "
     "\"secretsmanager.<region>.amazonaws.com\"}} (and, with onlyItsSecrets, a StringLike on "
     "kms:EncryptionContext:SecretARN naming the secrets), and store the id of the endpoint the APIs admit. The witness of a "
     "key scope violation is a KMS request the key policy allows a service account.",
     "7.5",
     {{{SubjectKind::shared_secret, check_secret_share}, {SubjectKind::shared_key, check_key_scope}}}},
    {"secret-integrity", "No one outside the consumer's account can change the endpoint id",
     "No caller outside the secret's account (service accounts included), with any identity policy, may change the secret "
     "that carries the endpoint id (its value, policy, rotation, replication, tags or deletion) or encrypt with, grant or "
     "manage its KMS key: whoever could would choose, at the services' next deployment, which endpoint every API admits.",
     "SecretIntegrity",
     "Grant other accounts only what reading needs: secretsmanager:GetSecretValue (and DescribeSecret) in the secret policy, "
     "kms:Decrypt (through Secrets Manager) in the key policy; never PutSecretValue, UpdateSecret, PutResourcePolicy, "
     "DeleteSecret, kms:Encrypt, kms:CreateGrant, kms:PutKeyPolicy or a wildcard that includes them. The witness is a request "
     "from outside that the policy allows.",
     "8.1",
     {{{SubjectKind::shared_secret, check_secret_integrity}}}},
    {"lambda-invoke", "Each Lambda is invoked only by its own API",
     "Every invoke permission names apigateway.amazonaws.com and a source ARN inside the execution ARN of the "
     "API whose routes integrate the function (no confused deputy).",
     "LambdaInvoke",
     "Grant lambda:InvokeFunction only to apigateway.amazonaws.com with a source ARN inside the execution ARN of the "
     "function's own API (\"sourceApi\"), so no other API or account can make API Gateway invoke it (confused deputy).",
     "7.3",
     {{{SubjectKind::lambda, check_lambda_invoke}}}},
    {"lambda-data", "Each Lambda reaches only its own table, only privately",
     "The function's role grants only the DynamoDB actions its handler needs, on its own table and indexes, "
     "and the function reaches DynamoDB only through the VPC's gateway endpoint.",
     "LambdaData",
     "Grant the function's role only the DynamoDB actions its handler needs, on its own table and indexes, and place the "
     "function in private subnets whose route tables use the VPC's DynamoDB gateway endpoint.",
     "6.4",
     {{{SubjectKind::lambda, check_lambda_network}, {SubjectKind::role, check_role_data_access}}}},
}};

inline const Property* find_property(std::string_view id) {
    auto it = std::find_if(properties.begin(), properties.end(), [&](const Property& p) { return p.id == id; });
    return it == properties.end() ? nullptr : &*it;
}
inline bool is_property(std::string_view id) { return find_property(id) != nullptr; }

// The subjects of one kind in `g`, in the order their findings are reported.
inline std::vector<model::Vertex> subjects_of(const model::Graph& g, SubjectKind kind) {
    switch (kind) {
        case SubjectKind::private_api: return g.private_apis();
        case SubjectKind::model: {
            auto consumer = g.find("account/" + g.model().consumer.account);
            return consumer ? std::vector<model::Vertex>{*consumer} : std::vector<model::Vertex>{};
        }
        case SubjectKind::shared_secret: {
            std::vector<model::Vertex> out;
            for (auto s : g.vertices(model::VertexKind::secret))
                if (!g.out(s, model::EdgeKind::holds_id_of).empty()) out.push_back(s);
            return out;
        }
        case SubjectKind::shared_key: {
            std::vector<model::Vertex> out;
            for (auto k : g.vertices(model::VertexKind::kms_key))
                for (auto s : g.in(k, model::EdgeKind::encrypted_by))
                    if (!g.out(s, model::EdgeKind::holds_id_of).empty()) {
                        out.push_back(k);
                        break;
                    }
            return out;
        }
        case SubjectKind::lambda: return g.vertices(model::VertexKind::lambda);
        case SubjectKind::role: return g.vertices(model::VertexKind::role);
    }
    return {};
}

// Run one check of `property` on `subject` within the query's and the run's time: once the run's
// deadline has passed, the check is not started and its property is UNDECIDED on that subject.
inline void run_check(Checker& checker, const Property& property, const PropertyCheck& check, model::Vertex subject) {
    if (checker.run_deadline().expired()) {
        checker.add(std::string(property.id), subject, Verdict::undecided,
                    "not checked: " + checker.run_deadline().what() + " before this check");
        return;
    }
    checker.begin_check();
    check.run(checker, subject);
}

// Prove `property` on all its subjects (what verify() does for every enabled property, in its order).
inline void check_property(Checker& checker, const Property& property) {
    for (const auto& check : property.checks) {
        if (!check.run) continue;
        for (auto subject : subjects_of(checker.graph(), check.subjects)) {
            run_check(checker, property, check, subject);
            checker.next_subject();
        }
    }
}

}  // namespace xc::verify
