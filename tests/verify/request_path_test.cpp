// The request on its path (verify/request_path.hpp). Through a private custom domain the
// consumer's request passes the endpoint's, the domain's and the API's policies: every one must
// admit it (api-liveness), and the domain's, whose resource is the domain's own ARN, must admit no
// one else (api-endpoint-only). Variants of models/three-services-private-domains.json; every
// witness is decided again by the concrete evaluator against the gate that produced it.
#include <model_variants.hpp>

#include <xc/model/identity.hpp>
#include <xc/verify/request_path.hpp>

#include <witness.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace request_path_test {

namespace {

using nlohmann::json;
using xc::verify::Verdict;

const std::vector<std::string> consumer_endpoints{"vpce-0f1e2d3c4b5a69788", "vpce-0a9b8c7d6e5f40312"};
const std::string api_subject = "inventory/rest-api/orders";
const std::string domain_subject = "inventory/custom-domain/orders/domain";

json base() { return xc::test::model_json("three-services-private-domains"); }
json& domain_of(json& m) { return m["templates"]["private-orders-service"]["apis"]["orders"]["customDomain"]; }
json& domain_policy(json& m) { return domain_of(m)["policy"]; }

json allow(json resource, json condition = nullptr, json action = "execute-api:Invoke") {
    json st = {{"Effect", "Allow"}, {"Principal", "*"}, {"Action", std::move(action)}, {"Resource", std::move(resource)}};
    if (!condition.is_null()) st["Condition"] = std::move(condition);
    return st;
}
json only_consumer() { return {{"StringEquals", {{"aws:SourceVpce", consumer_endpoints}}}}; }
json policy_of(std::vector<json> statements) { return {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}}; }

// The domain's documented ARN, its id (assigned by AWS) written as the glob a policy can use.
const std::string documented_arn = "arn:aws:execute-api:{{region}}:{{accountId}}:/domainnames/{{service}}.retail.example.com+????????";

using xc::test::request_of;

const xc::verify::Finding* finding(const xc::verify::Report& r, std::string_view property, std::string_view subject, Verdict v) {
    for (const auto& f : r.findings)
        if (f.property == property && f.subject == subject && f.verdict == v) return &f;
    return nullptr;
}

std::string describe(const xc::verify::Report& r) {
    std::string s;
    for (const auto& f : r.findings)
        if (f.verdict != Verdict::proved) s += "\n  " + std::string(to_string(f.verdict)) + " " + f.property + " " + f.subject + ": " + f.message;
    return s;
}

struct Variant {
    std::string name;
    std::function<void(json&)> mutate;
};

std::string variant_name(const testing::TestParamInfo<Variant>& i) { return i.param.name; }

// --- the description itself --------------------------------------------------------------

TEST(RequestPath, ThroughAPrivateDomainTheEndpointDomainAndApiPoliciesAreEvaluatedInAwsOrder) {
    auto g = xc::test::graph_of_json(base());
    auto api = *g.find(api_subject);
    auto paths = xc::verify::request_paths(g, api);
    ASSERT_NE(paths.domain(), nullptr);
    EXPECT_EQ(paths.provider_gates().size(), 2u);
    // Two consumer endpoints, three routes.
    ASSERT_EQ(paths.routes.size(), 6u);
    const auto* domain = paths.domain();
    // The domain's ARN is its own identity: "/domainnames/<name>+<its id>", not the API's id.
    const auto& domain_identity = g.identity(domain->owner);
    EXPECT_EQ(domain->resource, domain_identity.resource);
    EXPECT_EQ(domain->arn(), domain_identity.arn().stand_in());
    EXPECT_EQ(domain->arn().find(g.identity(api).id.stand_in()), std::string::npos);
    for (const auto& rr : paths.routes) {
        ASSERT_EQ(rr.evaluations.size(), 4u);
        EXPECT_TRUE(rr.associated);
        using K = xc::verify::GateKind;
        EXPECT_EQ(rr.evaluations[0].gate->kind, K::vpc_endpoint);
        EXPECT_EQ(rr.evaluations[1].gate->kind, K::custom_domain);
        EXPECT_EQ(rr.evaluations[2].gate->kind, K::vpc_endpoint);
        EXPECT_EQ(rr.evaluations[3].gate->kind, K::rest_api);
        EXPECT_EQ(rr.evaluations[0].request.resource, domain->arn());
        EXPECT_EQ(rr.evaluations[1].request.resource, domain->arn());
        EXPECT_EQ(rr.evaluations[3].request.resource.rfind(paths.provider_gates()[0]->arn() + "/v1/", 0), 0u);
        for (const auto& e : rr.evaluations) {
            const auto* via = e.request.context.find("execute-api:viaDomainArn");
            ASSERT_NE(via, nullptr);
            EXPECT_EQ(via->values.front(), domain->arn());
            const auto* vpce = e.request.context.find("aws:SourceVpce");
            ASSERT_NE(vpce, nullptr);
            EXPECT_EQ(vpce->values.front(), g.resource<xc::model::VpcEndpoint>(rr.endpoint).id);
        }
    }
}

TEST(RequestPath, WithoutAPrivateDomainTheEndpointAndApiPoliciesAreEvaluated) {
    auto g = xc::test::graph_of_file(xc::test::reference_model_path());
    auto paths = xc::verify::request_paths(g, *g.find("food/rest-api/orders"));
    EXPECT_EQ(paths.domain(), nullptr);
    ASSERT_FALSE(paths.routes.empty());
    for (const auto& rr : paths.routes) {
        ASSERT_EQ(rr.evaluations.size(), 2u);
        EXPECT_EQ(rr.evaluations[0].gate->kind, xc::verify::GateKind::vpc_endpoint);
        EXPECT_EQ(rr.evaluations[1].gate->kind, xc::verify::GateKind::rest_api);
        EXPECT_EQ(rr.evaluations[1].request.context.find("execute-api:viaDomainArn"), nullptr);
    }
}

// --- liveness: a domain policy that does not admit the consumer's endpoint ---------------------

class DomainBlocksConsumer : public testing::TestWithParam<Variant> {};

TEST_P(DomainBlocksConsumer, LivenessIsViolatedAtTheDomainWithARecheckedWitness) {
    json m = base();
    GetParam().mutate(m);
    auto g = xc::test::graph_of_json(m);
    auto report = xc::verify::verify(g);
    const auto* f = finding(report, "api-liveness", api_subject, Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(report);
    EXPECT_EQ(finding(report, "api-liveness", api_subject, Verdict::proved), nullptr);
    EXPECT_NE(f->message.find("private custom domain inventory.retail.example.com"), std::string::npos) << f->message;
    EXPECT_FALSE(f->fix.empty());
    // The witness is the consumer's request as the domain's policy sees it, and that policy denies it.
    auto paths = xc::verify::request_paths(g, *g.find(api_subject));
    const auto* domain = paths.domain();
    ASSERT_NE(domain, nullptr);
    auto request = request_of(f->witness);
    EXPECT_EQ(request.resource, domain->arn());
    const auto* vpce = request.context.find("aws:SourceVpce");
    ASSERT_NE(vpce, nullptr);
    EXPECT_NE(std::find(consumer_endpoints.begin(), consumer_endpoints.end(), vpce->values.front()), consumer_endpoints.end());
    if (domain->document) {
        EXPECT_NE(xc::policy::decide(domain->attached(), request).verdict, xc::policy::Verdict::Allow) << f->witness.dump();
    }
    // Before this, liveness read the endpoint's and the API's policies only: both still admit it.
    for (const auto& rr : paths.routes)
        for (const auto& e : rr.evaluations) {
            if (e.gate->kind != xc::verify::GateKind::rest_api) continue;
            EXPECT_EQ(xc::policy::decide(e.gate->attached(), e.request).verdict, xc::policy::Verdict::Allow);
        }
}

INSTANTIATE_TEST_SUITE_P(
    Verify, DomainBlocksConsumer,
    testing::Values(
        Variant{"OmitsOneEndpoint",
                [](json& m) { domain_policy(m) = policy_of({allow("execute-api:/*", {{"StringEquals", {{"aws:SourceVpce", consumer_endpoints[0]}}}})}); }},
        Variant{"DeniesOneEndpoint",
                [](json& m) {
                    domain_policy(m)["Statement"].push_back({{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"},
                                                             {"Resource", "execute-api:/*"},
                                                             {"Condition", {{"StringEquals", {{"aws:SourceVpce", consumer_endpoints[1]}}}}}});
                }},
        Variant{"AdmitsAnotherEndpointOnly",
                [](json& m) { domain_policy(m) = policy_of({allow("execute-api:/*", {{"StringEquals", {{"aws:SourceVpce", "vpce-0123456789abcdef0"}}}})}); }},
        Variant{"NamesAnotherDomain",
                [](json& m) {
                    domain_policy(m) = policy_of({allow("arn:aws:execute-api:{{region}}:{{accountId}}:/domainnames/other.retail.example.com+????????",
                                                        only_consumer())});
                }},
        Variant{"AllowsAnotherActionOnly",
                [](json& m) { domain_policy(m) = policy_of({allow("execute-api:/*", only_consumer(), "execute-api:InvalidateCache")}); }},
        Variant{"DeniesEveryone",
                [](json& m) {
                    domain_policy(m)["Statement"].push_back(
                        {{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "execute-api:*"}, {"Resource", "*"}});
                }}),
    variant_name);

TEST(RequestPath, AnEndpointWithoutAccessAssociationCannotReachTheDomain) {
    json m = base();
    domain_of(m)["accessVpcEndpoints"] = json::array({"consumer/execute-api-a"});
    auto report = xc::verify::verify(xc::test::graph_of_json(m));
    const auto* f = finding(report, "api-liveness", api_subject, Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(report);
    EXPECT_NE(f->message.find(consumer_endpoints[1]), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("access association"), std::string::npos) << f->message;
}

// --- safety: a domain policy that admits an outsider ------------------------------------------

class DomainAdmitsOutsider : public testing::TestWithParam<Variant> {};

TEST_P(DomainAdmitsOutsider, EndpointOnlyIsViolatedOnTheDomainWithARecheckedWitness) {
    json m = base();
    GetParam().mutate(m);
    auto g = xc::test::graph_of_json(m);
    auto report = xc::verify::verify(g);
    const auto* f = finding(report, "api-endpoint-only", domain_subject, Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(report);
    EXPECT_FALSE(f->statements.empty());
    auto paths = xc::verify::request_paths(g, *g.find(api_subject));
    const auto* domain = paths.domain();
    ASSERT_NE(domain, nullptr);
    auto request = request_of(f->witness);
    EXPECT_EQ(request.resource, domain->arn());
    EXPECT_EQ(xc::policy::decide(domain->attached(), request).verdict, xc::policy::Verdict::Allow) << f->witness.dump();
    const auto* vpce = request.context.find("aws:SourceVpce");
    ASSERT_NE(vpce, nullptr);
    EXPECT_EQ(std::find(consumer_endpoints.begin(), consumer_endpoints.end(), vpce->values.front()), consumer_endpoints.end());
}

INSTANTIATE_TEST_SUITE_P(
    Verify, DomainAdmitsOutsider,
    testing::Values(
        Variant{"UnconditionedShorthand", [](json& m) { domain_policy(m)["Statement"].push_back(allow("execute-api:/*")); }},
        // The domain's documented ARN, its AWS-assigned id as '?' globs: its own identity.
        Variant{"UnconditionedDocumentedArn", [](json& m) { domain_policy(m)["Statement"].push_back(allow(documented_arn)); }},
        Variant{"UnconditionedAnyDomain",
                [](json& m) { domain_policy(m)["Statement"].push_back(allow("arn:aws:execute-api:{{region}}:{{accountId}}:/domainnames/*")); }},
        Variant{"UnconditionedStar", [](json& m) { domain_policy(m)["Statement"].push_back(allow("*")); }},
        Variant{"AnyEndpoint",
                [](json& m) { domain_policy(m) = policy_of({allow("execute-api:/*", {{"StringLike", {{"aws:SourceVpce", "vpce-*"}}}})}); }}),
    variant_name);

// --- correct domain policies -----------------------------------------------------------------

class CorrectDomain : public testing::TestWithParam<Variant> {};

TEST_P(CorrectDomain, IsProved) {
    json m = base();
    GetParam().mutate(m);
    auto report = xc::verify::verify(xc::test::graph_of_json(m));
    EXPECT_EQ(report.exit_code(), 0) << describe(report);
    EXPECT_NE(finding(report, "api-endpoint-only", domain_subject, Verdict::proved), nullptr) << describe(report);
    EXPECT_NE(finding(report, "api-liveness", api_subject, Verdict::proved), nullptr) << describe(report);
}

INSTANTIATE_TEST_SUITE_P(
    Verify, CorrectDomain,
    testing::Values(
        Variant{"AsShipped", [](json&) {}},
        // AWS's tutorial policy: allow the domain, deny every other endpoint.
        Variant{"AwsTutorialAllowThenDeny",
                [](json& m) {
                    domain_policy(m) = policy_of({allow(json::array({"execute-api:/*"})),
                                                  {{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"},
                                                   {"Resource", json::array({"execute-api:/*"})},
                                                   {"Condition", {{"StringNotEquals", {{"aws:SourceVpce", consumer_endpoints}}}}}}});
                }},
        Variant{"DocumentedArnConditioned", [](json& m) { domain_policy(m) = policy_of({allow(documented_arn, only_consumer())}); }},
        Variant{"StarConditioned", [](json& m) { domain_policy(m) = policy_of({allow("*", only_consumer())}); }},
        // The consumer's endpoints admit requests through the retail domains only (endpoint
        // policy example 4, keyed on execute-api:viaDomainArn), to the service accounts only
        // (endpoint-egress: the condition alone admits any account's domain of that name).
        Variant{"EndpointPolicyKeyedOnViaDomainArn",
                [](json& m) {
                    json p = policy_of({{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"},
                                         {"Resource", json::array({"arn:aws:execute-api:us-east-1:402233445566:*", "arn:aws:execute-api:us-east-1:403344556677:*",
                                                                   "arn:aws:execute-api:us-east-1:404455667788:*"})},
                                         {"Condition", {{"ArnLike", {{"execute-api:viaDomainArn", "arn:aws:execute-api:*:*:/domainnames/*.retail.example.com+*"}}}}}}});
                    for (auto& [_, e] : m["consumer"]["vpcEndpoints"].items())
                        if (e["service"] == "execute-api") e["policy"] = p;
                }}),
    variant_name);

}  // namespace

}  // namespace request_path_test
