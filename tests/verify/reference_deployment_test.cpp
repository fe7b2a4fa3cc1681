// The reference deployment's weaknesses (tests/verify/reference_deployment.json, on the
// reference model): endpoint egress, key scope and target health are VIOLATED, each with a witness
// a reader can follow and the tests re-check — the request to a foreign account's API the endpoint
// lets through, the KMS request the key policy allows a service account, and the health check with
// the response API Gateway gives it. Secret integrity holds: the reference grants other accounts
// only reading.
#include <xc/policy/evaluate.hpp>
#include <xc/verify/endpoint_egress.hpp>
#include <xc/verify/secret_share.hpp>
#include <xc/verify/target_health.hpp>
#include <xc/verify/verify.hpp>

#include <model_variants.hpp>
#include <test_support.hpp>
#include <witness.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace reference_deployment_test {

namespace {

using nlohmann::json;

const xc::verify::Finding* violated(const xc::verify::Report& r, std::string_view property, std::string_view subject) {
    for (const auto& f : r.findings)
        if (f.property == property && f.subject == subject && f.verdict == xc::verify::Verdict::violated) return &f;
    return nullptr;
}

json deployment_patch() {
    return json::parse(xc::test::read_file(xc::test::source_dir() / "tests/verify/reference_deployment.json"))["patch"];
}

}  // namespace

TEST(ReferenceDeployment, KeyScopeIsViolatedByAKmsRequestOutsideSecretsManager) {
    const auto graph = xc::test::graph_of_json(xc::test::model_json().patch(deployment_patch()));
    const auto report = xc::verify::verify(graph);
    const auto* f = violated(report, "secret-share", "consumer/kms-key/shared-secret");
    ASSERT_NE(f, nullptr);
    // The witness: a principal of a service account, a KMS request the key policy allows, not
    // kms:Decrypt through Secrets Manager.
    auto request = xc::test::request_of(f->witness);
    ASSERT_TRUE(request.principal.has_value());
    const std::string account = request.principal->account();
    EXPECT_TRUE(account == "222222222222" || account == "333333333333") << f->witness.dump();
    const auto key_vertex = *graph.find(f->subject);
    const auto& key = graph.resource<xc::model::KmsKey>(key_vertex);
    request.resource_account = "111111111111";
    EXPECT_EQ(xc::policy::decide(xc::policy::PolicySet{{&xc::verify::detail::allow_everything()}, &key.policy.parsed()}, request).verdict,
              xc::policy::Verdict::Allow)
        << f->witness.dump();
    const auto* via = request.context.find("kms:ViaService");
    EXPECT_TRUE(request.action != "kms:Decrypt" || via == nullptr) << f->witness.dump();
    // What a reader follows: who, which action, and why it is out of scope; the statement that allows it.
    EXPECT_NE(f->message.find(account), std::string::npos) << f->message;
    EXPECT_NE(f->message.find(request.action), std::string::npos) << f->message;
    ASSERT_FALSE(f->statements.empty());
    EXPECT_EQ(f->statements.front().path(), "/consumer/kmsKeys/shared-secret/policy/Statement/1");
    EXPECT_NE(f->fix.find("kms:ViaService"), std::string::npos);
    // Called directly, the Decrypt itself is out of scope too: the same policy allows it with no kms:ViaService.
    request.action = "kms:Decrypt";
    request.context.erase("kms:ViaService");
    EXPECT_EQ(xc::policy::decide(xc::policy::PolicySet{{&xc::verify::detail::allow_everything()}, &key.policy.parsed()}, request).verdict,
              xc::policy::Verdict::Allow);
}

// Key scope asks about every account but the key's at once, so it stays decided however many
// service accounts the model has (a disjunction over each account's callers timed out at a
// thousand): the hardened key with 300 more service accounts is PROVED, and the reference
// deployment's key VIOLATED, both well within the query timeout.
TEST(ReferenceDeployment, KeyScopeIsDecidedWithManyServiceAccounts) {
    for (const bool weak : {false, true}) {
        SCOPED_TRACE(weak ? "reference deployment" : "hardened");
        json m = json::parse(xc::test::reference_model_text());
        if (weak) m = m.patch(deployment_patch());
        for (int i = 0; i < 300; ++i) {
            char name[32], id[16];
            std::snprintf(name, sizeof name, "svc-%05d", i);
            std::snprintf(id, sizeof id, "%012d", 500000000 + i);
            m["accounts"][name] = {{"id", id}, {"role", "service"}};
            m["services"][name] = {{"account", name}, {"template", "orders-service"}, {"parameters", {{"orderOptions", {"tea", "coffee", "water"}}}}};
        }
        const auto graph = xc::test::graph_of_json(m);
        xc::verify::VerifyOptions options;
        options.only = {"secret-share"};
        const auto report = xc::verify::verify(graph, options);
        bool found = false;
        for (const auto& f : report.findings) {
            if (f.subject != "consumer/kms-key/shared-secret") continue;
            found = true;
            EXPECT_EQ(f.verdict, weak ? xc::verify::Verdict::violated : xc::verify::Verdict::proved) << f.message;
        }
        EXPECT_TRUE(found);
    }
}

// Key scope when the key policy reads kms:CallerAccount (the account of the caller, which the
// context table leaves free on this path): each of the model's other accounts is asked about with
// its own kms:CallerAccount. A grant tied to the service accounts' kms:CallerAccount that stays
// within the scope is PROVED; one that grants kms:Encrypt to a service account is VIOLATED, and
// its witness is a caller of that account whose kms:CallerAccount is its own, which the key
// policy allows.
TEST(KeyScope, AKeyPolicyReadingCallerAccountIsAskedPerOtherAccount) {
    for (const bool weak : {false, true}) {
        SCOPED_TRACE(weak ? "kms:Encrypt for account 333333333333" : "in scope");
        json m = json::parse(xc::test::reference_model_text());
        json statement = {{"Sid", "ByCallerAccount"},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", "*"}}},
                          {"Action", weak ? "kms:Encrypt" : "kms:Decrypt"},
                          {"Resource", "*"},
                          {"Condition",
                           {{"StringEquals",
                             {{"kms:CallerAccount", weak ? json("333333333333") : json({"222222222222", "333333333333"})},
                              {"kms:ViaService", "secretsmanager.eu-central-1.amazonaws.com"}}},
                            {"StringLike",
                             {{"kms:EncryptionContext:SecretARN",
                               "arn:aws:secretsmanager:eu-central-1:111111111111:secret:cross-account-microservices/endpoint-id-??????"}}}}}};
        m["consumer"]["kmsKeys"]["shared-secret"]["policy"]["Statement"].push_back(statement);
        const auto graph = xc::test::graph_of_json(m);
        xc::verify::VerifyOptions options;
        options.only = {"secret-share"};
        const auto report = xc::verify::verify(graph, options);
        const xc::verify::Finding* key = nullptr;
        for (const auto& f : report.findings)
            if (f.subject == "consumer/kms-key/shared-secret") key = &f;
        ASSERT_NE(key, nullptr);
        EXPECT_EQ(key->verdict, weak ? xc::verify::Verdict::violated : xc::verify::Verdict::proved) << key->message;
        if (!weak) continue;
        auto request = xc::test::request_of(key->witness);
        ASSERT_TRUE(request.principal.has_value());
        EXPECT_EQ(request.principal->account(), "333333333333") << key->witness.dump();
        const auto* caller_account = request.context.find("kms:CallerAccount");
        ASSERT_NE(caller_account, nullptr) << key->witness.dump();
        EXPECT_EQ(caller_account->values, std::vector<std::string>{"333333333333"});
        EXPECT_EQ(request.action, "kms:Encrypt");
        request.resource_account = "111111111111";
        const auto& policy = graph.resource<xc::model::KmsKey>(*graph.find(key->subject)).policy.parsed();
        EXPECT_EQ(xc::policy::decide(xc::policy::PolicySet{{&xc::verify::detail::allow_everything()}, &policy}, request).verdict,
                  xc::policy::Verdict::Allow);
    }
}

TEST(ReferenceDeployment, TargetHealthIsViolatedByTheLoginHealthCheck) {
    const auto graph = xc::test::graph_of_json(xc::test::model_json().patch(deployment_patch()));
    const auto report = xc::verify::verify(graph);
    const auto* f = violated(report, "api-liveness", "consumer/target-group/internal/execute-api");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->witness["request"]["protocol"], "HTTPS");
    EXPECT_EQ(f->witness["request"]["port"], 443);
    EXPECT_EQ(f->witness["request"]["path"], "/login");
    EXPECT_EQ(f->witness["response"]["status"], 403);
    EXPECT_EQ(f->witness["matcher"], "200");
    EXPECT_FALSE(f->witness["source"].get<std::string>().empty());
    EXPECT_NE(f->message.find("403"), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("failing open"), std::string::npos) << f->message;
    EXPECT_EQ(f->path, "/consumer/loadBalancers/internal/targetGroups/execute-api/healthCheck/matcher");
    EXPECT_EQ(report.exit_code(), 1);
}

// Without an endpoint policy, AWS's full-access default lets a client of the consumer reach a
// private API of any account that admits the endpoint: the witness is such a request, sent
// directly to the endpoint or through the listener with the x-apigw-api-id header.
TEST(ReferenceDeployment, EndpointEgressIsViolatedByTheMissingEndpointPolicy) {
    const auto graph = xc::test::graph_of_json(xc::test::model_json().patch(deployment_patch()));
    const auto report = xc::verify::verify(graph);
    const auto* f = violated(report, "endpoint-egress", "consumer/vpc-endpoint/execute-api");
    ASSERT_NE(f, nullptr);
    const auto request = xc::test::request_of(f->witness);
    const auto arn = xc::policy::split_arn(request.resource);
    ASSERT_TRUE(arn) << request.resource;
    for (const auto& [_, a] : graph.model().accounts) EXPECT_NE(arn->account, a.id) << request.resource;
    xc::policy::PolicySet policies{{&xc::verify::detail::allow_everything()}, &xc::verify::detail::full_access_endpoint_policy().parsed()};
    EXPECT_EQ(xc::policy::decide(policies, request).verdict, xc::policy::Verdict::Allow) << f->witness.dump();
    bool via_listener = false;
    for (const auto& route : f->witness["send"]) via_listener = via_listener || route["headers"].contains("x-apigw-api-id");
    EXPECT_TRUE(via_listener) << f->witness.dump();
    EXPECT_NE(f->fix.find("arn:aws:execute-api"), std::string::npos) << f->fix;
}

// The issue expected a writer from outside; the reference's policies grant other accounts only
// reading the secret and decrypting with its key, so no outside caller can change either: proved.
TEST(ReferenceDeployment, SecretIntegrityHoldsForTheReferencesReadOnlyGrants) {
    const auto report = xc::verify::verify(xc::test::graph_of_json(xc::test::model_json().patch(deployment_patch())));
    EXPECT_TRUE(xc::test::has(report, "secret-integrity", "consumer/secret/endpoint-id", xc::verify::Verdict::proved));
}

// The three weaknesses are the only ones: the rest of the reference deployment is proved.
TEST(ReferenceDeployment, NothingElseIsViolated) {
    const auto report = xc::verify::verify(xc::test::graph_of_json(xc::test::model_json().patch(deployment_patch())));
    for (const auto& f : report.findings) {
        if (f.verdict == xc::verify::Verdict::proved) continue;
        EXPECT_TRUE((f.property == "secret-share" && f.subject == "consumer/kms-key/shared-secret") ||
                    (f.property == "endpoint-egress" && f.subject == "consumer/vpc-endpoint/execute-api") ||
                    (f.property == "api-liveness" && f.subject == "consumer/target-group/internal/execute-api"))
            << f.property << " " << f.subject << ": " << f.message;
    }
}

}  // namespace reference_deployment_test
