// The mutation corpus: each misconfigured variant of the reference model is caught by its named
// property with a concrete witness; each correct variant is proved.
#include <xc/input/json/load.hpp>
#include <xc/verify/api_properties.hpp>
#include <xc/verify/context_keys.hpp>
#include <xc/verify/endpoint_egress.hpp>
#include <xc/verify/secret_share.hpp>
#include <xc/verify/target_health.hpp>
#include <xc/verify/verify.hpp>

#include <test_support.hpp>
#include <witness.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace corpus_test {

namespace {

using nlohmann::json;

const json& corpus() {
    static const json c = json::parse(xc::test::read_file(xc::test::source_dir() / "tests/verify/corpus.json"));
    return c;
}

std::string patched_reference(const json& patch) {
    return json::parse(xc::test::reference_model_text()).patch(patch).dump(1);
}

std::vector<std::string> names(const char* kind) {
    std::vector<std::string> out;
    for (const auto& e : corpus()[kind]) out.push_back(e["name"]);
    return out;
}

const json& entry(const char* kind, const std::string& name) {
    for (const auto& e : corpus()[kind])
        if (e["name"] == name) return e;
    throw std::runtime_error("no corpus entry " + name);
}

std::string describe(const xc::verify::Report& r) {
    std::string s;
    for (const auto& f : r.findings)
        if (f.verdict != xc::verify::Verdict::proved)
            s += "\n  " + std::string(to_string(f.verdict)) + " " + f.property + " " + f.subject + ": " + f.message;
    return s;
}

// Rebuild the witness request from its JSON and decide it again with the concrete evaluator.
using xc::test::request_of;

// The path of a finding's request (the property's), and what the architecture puts in it.
std::pair<xc::verify::RequestPath, xc::verify::KnownValues> path_of(const xc::model::Graph& g, const xc::verify::Finding& f) {
    using xc::verify::RequestPath;
    auto v = *g.find(f.subject);
    if (f.property == "api-endpoint-only")
        return {g[v].kind == xc::model::VertexKind::custom_domain ? RequestPath::private_domain : RequestPath::private_api, {}};
    if (f.property == "api-liveness") {
        const auto& api = g.resource<xc::model::RestApi>(v);
        if (api.custom_domain && api.custom_domain->endpoint_type == xc::model::ApiEndpointType::PRIVATE)
            return {RequestPath::private_api_via_domain,
                    {{"execute-api:viadomainarn", g.identity(g.out(v, xc::model::EdgeKind::has_domain).front()).arn()}}};
        return {RequestPath::private_api, {}};
    }
    if (f.property == "endpoint-egress") return {RequestPath::private_api, {}};  // any request through the endpoint
    if (f.property == "secret-share")  // a reader's GetSecretValue, or a KMS request of key scope
        return {f.witness.value("action", "").starts_with("kms:") ? RequestPath::kms_by_caller : RequestPath::secret_read, {}};
    if (f.property == "secret-integrity")
        return {f.witness.value("action", "").starts_with("kms:") ? RequestPath::kms_by_caller : RequestPath::secret_read, {}};
    if (f.property == "lambda-data") return {RequestPath::dynamodb_by_role, {}};
    return {RequestPath::unspecified, {}};
}

// Every request a report shows (witnesses of violations, examples of proofs) is one AWS can
// make on its path: the context table's presence and value rules hold. Returns how many.
std::size_t expect_requests_aws_can_make(const xc::model::Graph& g, const xc::verify::Report& report) {
    std::size_t checked = 0;
    for (const auto& f : report.findings) {
        if (!f.witness.is_object() || !f.witness.contains("context")) continue;
        auto [path, known] = path_of(g, f);
        EXPECT_NE(path, xc::verify::RequestPath::unspecified) << f.property << " shows a request on no known path";
        auto bad = xc::verify::context_violations(request_of(f.witness).context, path, known);
        EXPECT_TRUE(bad.empty()) << f.property << " " << f.subject << ": " << (bad.empty() ? "" : bad.front()) << "\n" << f.witness.dump();
        ++checked;
    }
    return checked;
}

std::string gtest_name(std::string s) {
    for (char& c : s)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

}  // namespace

// Outside the anonymous namespace: the test classes gtest derives from them have linkage.
class Mutant : public testing::TestWithParam<std::string> {};
class Correct : public testing::TestWithParam<std::string> {};

TEST(Corpus, HasAtLeastFortyMutantsAndTenCorrectVariants) {
    EXPECT_GE(corpus()["mutants"].size(), 40u);
    EXPECT_GE(corpus()["correct"].size(), 10u);
}

TEST_P(Mutant, IsCaughtByItsPropertyWithAWitness) {
    const auto& e = entry("mutants", GetParam());
    auto graph = xc::model::build_graph(xc::input::json::load_model_text(patched_reference(e["patch"]), GetParam() + ".json"));
    auto report = xc::verify::verify(graph);
    const auto& expect = e["expect"];
    const xc::verify::Finding* found = nullptr;
    for (const auto& f : report.findings)
        if (f.property == expect["property"] && f.subject == expect["subject"] && f.verdict == xc::verify::Verdict::violated) found = &f;
    ASSERT_NE(found, nullptr) << e["description"] << ": expected " << expect.dump() << ", got" << describe(report);
    EXPECT_EQ(report.exit_code(), 1);
    EXPECT_FALSE(found->message.empty());
    EXPECT_FALSE(found->fix.empty());
    EXPECT_FALSE(found->path.empty());
    ASSERT_FALSE(found->witness.is_null()) << "no witness";
    expect_requests_aws_can_make(graph, report);
    // A request witness reproduces with the concrete evaluator against the model's own policy.
    if (found->property == "api-endpoint-only" && found->witness.contains("action")) {
        const auto& api = graph.resource<xc::model::RestApi>(*graph.find(found->subject));
        auto account = graph.model().accounts.at(graph[*graph.find(found->subject)].account).id;
        auto attached = xc::policy::attach_to_api(api.policy->parsed(),
                                                  {"aws", graph.model().region, account, xc::verify::detail::api_id(graph, *graph.find(found->subject))});
        auto request = request_of(found->witness);
        request.resource_account = account;
        // An IAM caller (AWS_IAM routes) with identity policies allowing everything: the worst case.
        xc::policy::PolicySet policies{{}, &attached};
        if (request.principal) policies.identity.push_back(&xc::verify::detail::allow_everything());
        EXPECT_EQ(xc::policy::decide(policies, request).verdict, xc::policy::Verdict::Allow) << found->witness.dump();
        const auto* vpce = request.context.find("aws:SourceVpce");
        ASSERT_NE(vpce, nullptr);
        EXPECT_NE(vpce->values.front(), "vpce-0a1b2c3d4e5f60718");
        if (request.principal)
            EXPECT_TRUE(api.authorization == xc::model::Authorization::aws_iam ||
                        std::any_of(api.routes.begin(), api.routes.end(),
                                    [&](const auto& r) { return api.authorization_of(r.second) == xc::model::Authorization::aws_iam; }));
        else
            EXPECT_TRUE(std::any_of(api.routes.begin(), api.routes.end(),
                                    [&](const auto& r) { return api.authorization_of(r.second) == xc::model::Authorization::none; }));
        // A principal of the API's own account may need no statement of the resource policy.
        if (!request.principal || request.principal->account() != account) {
            EXPECT_FALSE(found->statements.empty());
        }
    }
    // A caller of an AWS_IAM route: its session, through the consumer's endpoint, is not allowed
    // by the API's resource policy and the role's identity policies together.
    if (found->property == "api-liveness" && found->witness.contains("principal") && found->witness["principal"] != "anonymous") {
        auto v = *graph.find(found->subject);
        const auto& api = graph.resource<xc::model::RestApi>(v);
        auto account = graph.model().accounts.at(graph[v].account).id;
        auto attached = xc::policy::attach_to_api(api.policy->parsed(), {"aws", graph.model().region, account, xc::verify::detail::api_id(graph, v)});
        auto request = request_of(found->witness);
        request.resource_account = account;
        ASSERT_EQ(api.callers.size(), 1u);
        const auto& role = graph.model().consumer.roles.at(api.callers.front().name);
        xc::verify::RolePermissions permissions(role);
        ASSERT_TRUE(permissions.unknown().empty());
        EXPECT_NE(xc::policy::decide(xc::policy::PolicySet{permissions.policies(), &attached}, request).verdict, xc::policy::Verdict::Allow)
            << found->witness.dump();
        EXPECT_EQ(request.context.find("aws:SourceVpce")->values.front(), "vpce-0a1b2c3d4e5f60718");
        EXPECT_EQ(request.principal->account(), "111111111111");
    }
    // A request through the consumer's endpoint to an account outside the model, which the
    // endpoint's policy (AWS's full access without one) lets through.
    if (found->property == "endpoint-egress") {
        const auto& endpoint = graph.resource<xc::model::VpcEndpoint>(*graph.find(found->subject));
        const auto& doc = endpoint.policy ? *endpoint.policy : xc::verify::detail::full_access_endpoint_policy();
        auto request = request_of(found->witness);
        xc::policy::PolicySet policies{{&xc::verify::detail::allow_everything()}, &doc.parsed()};
        EXPECT_EQ(xc::policy::decide(policies, request).verdict, xc::policy::Verdict::Allow) << found->witness.dump();
        const auto* vpce = request.context.find("aws:SourceVpce");
        ASSERT_NE(vpce, nullptr);
        EXPECT_EQ(vpce->values.front(), endpoint.id);
        auto arn = xc::policy::split_arn(request.resource);
        ASSERT_TRUE(arn);
        for (const auto& [_, a] : graph.model().accounts) EXPECT_NE(arn->account, a.id) << found->witness.dump();
        EXPECT_FALSE(found->witness["send"].empty()) << found->witness.dump();
    }
    // A reader outside the model's accounts: the concrete evaluator lets it read the secret (with
    // identity policies allowing everything), and the context holds what AWS sets for it.
    const bool key_scope = found->property == "secret-share" && found->witness.contains("context") &&
                           found->witness.value("action", "").starts_with("kms:");
    if (found->property == "secret-share" && found->witness.contains("principal") && !key_scope) {
        const auto& secret = graph.resource<xc::model::Secret>(*graph.find(found->subject));
        auto request = request_of(found->witness);
        request.resource_account = graph.model().accounts.at(graph[*graph.find(found->subject)].account).id;
        xc::policy::PolicySet policies{{&xc::verify::detail::allow_everything()}, &secret.policy->parsed()};
        EXPECT_EQ(xc::policy::decide(policies, request).verdict, xc::policy::Verdict::Allow) << found->witness.dump();
        if (request.principal && request.principal->type == xc::policy::PrincipalType::AWS) {
            const std::string account = request.principal->account();
            EXPECT_EQ(account.size(), 12u) << found->witness.dump();
            for (const auto& [_, a] : graph.model().accounts) EXPECT_NE(account, a.id) << found->witness.dump();
            if (const auto* v = request.context.find("aws:PrincipalAccount")) {
                EXPECT_EQ(v->values.front(), account);
            }
            if (const auto* v = request.context.find("aws:PrincipalArn")) {
                EXPECT_EQ(xc::verify::detail::account_of_arn(v->values.front()), account);
                if (auto session = xc::policy::detail::assumed_role_of(request.principal->id)) {  // the role's ARN, not the session's
                    EXPECT_EQ(xc::verify::detail::last_segment(v->values.front()), session->second);
                }
            }
        } else if (!request.principal) {
            EXPECT_EQ(request.context.find("aws:PrincipalArn"), nullptr);
        }
        EXPECT_FALSE(found->statements.empty());
    }
    // Key scope: a KMS request by a principal of a service account that the key policy allows
    // (identity policies allowing everything), and that is not kms:Decrypt through Secrets
    // Manager for the secret.
    if (key_scope) {
        auto key_vertex = *graph.find(found->subject);
        const auto& key = graph.resource<xc::model::KmsKey>(key_vertex);
        auto request = request_of(found->witness);
        request.resource_account = graph.model().accounts.at(graph[key_vertex].account).id;
        xc::policy::PolicySet policies{{&xc::verify::detail::allow_everything()}, &key.policy.parsed()};
        EXPECT_EQ(xc::policy::decide(policies, request).verdict, xc::policy::Verdict::Allow) << found->witness.dump();
        ASSERT_TRUE(request.principal && request.principal->type == xc::policy::PrincipalType::AWS) << found->witness.dump();
        EXPECT_TRUE(request.principal->account() == "222222222222" || request.principal->account() == "333333333333") << found->witness.dump();
        const auto* via = request.context.find("kms:ViaService");
        const auto* arn = request.context.find("kms:EncryptionContext:SecretARN");
        const std::string prefix = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:cross-account-microservices/endpoint-id-";
        const bool for_the_secret = arn && arn->values.size() == 1 && arn->values.front().size() == prefix.size() + 6 &&
                                    arn->values.front().starts_with(prefix);
        const bool in_scope = xc::policy::ascii_lower(request.action) == "kms:decrypt" && via && via->values.size() == 1 &&
                              via->values.front() == "secretsmanager.eu-central-1.amazonaws.com" && (!key.only_its_secrets || for_the_secret);
        EXPECT_FALSE(in_scope) << found->witness.dump();
        EXPECT_FALSE(found->statements.empty());
    }
    // Target health: the witness is the health check of the model's target group and what API
    // Gateway answers it (the documented table), which the model's success codes do not admit.
    if (found->property == "api-liveness" && found->witness.contains("response")) {
        const auto& tg = graph.resource<xc::model::TargetGroup>(*graph.find(found->subject));
        const auto& request = found->witness["request"];
        EXPECT_EQ(request["path"], tg.health_check_path);
        EXPECT_EQ(request["protocol"], tg.protocol);
        EXPECT_EQ(request["port"], tg.port);
        EXPECT_EQ(found->witness["matcher"], tg.health_check_matcher);
        auto response = xc::verify::health_check_response(tg.protocol, tg.port);
        ASSERT_TRUE(response.has_value());
        EXPECT_EQ(found->witness["response"]["status"], response->status ? json(*response->status) : json(nullptr));
        auto ranges = xc::verify::matcher_ranges(tg.health_check_matcher);
        ASSERT_TRUE(ranges.has_value());
        EXPECT_FALSE(response->status && xc::verify::matcher_admits(*ranges, *response->status));
    }
}

TEST_P(Correct, IsProved) {
    const auto& e = entry("correct", GetParam());
    auto graph = xc::model::build_graph(xc::input::json::load_model_text(patched_reference(e["patch"]), GetParam() + ".json"));
    auto report = xc::verify::verify(graph);
    EXPECT_EQ(report.exit_code(), 0) << e["description"] << describe(report);
    EXPECT_EQ(report.count(xc::verify::Verdict::proved), report.findings.size());
    expect_requests_aws_can_make(graph, report);
}

TEST(Corpus, EveryShippedModelIsProved) {
    for (const auto* model : {"cross-account-microservices.json", "three-services-private-domains.json"}) {
        auto graph = xc::model::build_graph(xc::input::json::load_model_file((xc::test::source_dir() / "models" / model).string()));
        auto report = xc::verify::verify(graph);
        EXPECT_EQ(report.exit_code(), 0) << model << describe(report);
        EXPECT_GE(report.findings.size(), 10u);
        EXPECT_GT(expect_requests_aws_can_make(graph, report), 0u);
    }
}

// The test over all witnesses: every request any corpus variant's report shows obeys the context
// table, and there are such requests on each path the properties use.
TEST(Corpus, EveryWitnessIsARequestAwsCanMake) {
    std::map<xc::verify::RequestPath, std::size_t> per_path;
    for (const char* kind : {"mutants", "correct"})
        for (const auto& e : corpus()[kind]) {
            auto graph = xc::model::build_graph(xc::input::json::load_model_text(patched_reference(e["patch"]), std::string(e["name"]) + ".json"));
            auto report = xc::verify::verify(graph);
            expect_requests_aws_can_make(graph, report);
            for (const auto& f : report.findings)
                if (f.witness.is_object() && f.witness.contains("context")) ++per_path[path_of(graph, f).first];
        }
    for (auto p : {xc::verify::RequestPath::private_api, xc::verify::RequestPath::private_api_via_domain, xc::verify::RequestPath::secret_read,
                   xc::verify::RequestPath::kms_by_caller, xc::verify::RequestPath::dynamodb_by_role})
        EXPECT_GT(per_path[p], 0u) << to_string(p);
}

// A concrete liveness or availability request holds stand-ins for what AWS chooses (the time of
// the request, an id it assigns): a decision that depends on them is UNDECIDED, never a guess.
TEST(Corpus, DecisionsThatDependOnValuesAwsChoosesAreUndecided) {
    const std::string T = "/templates/orders-service/apis/orders";
    struct Case {
        json patch;
        std::string property, subject;
    };
    const std::vector<Case> cases{
        {json::parse(R"([{"op":"add","path":"/consumer/kmsKeys/shared-secret/policy/Statement/1/Condition/DateLessThan",
                          "value":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}])"),
         "secret-share", "consumer/secret/endpoint-id"},
        {json::parse(R"([{"op":"add","path":")" + T + R"(/policy/Statement/0/Condition/DateGreaterThan",
                          "value":{"aws:EpochTime":"1700000000"}}])"),
         "api-liveness", "food/rest-api/orders"},
        // (exactly six characters: the key's scope stays within the secret, only reading depends on the suffix)
        {json::parse(R"([{"op":"add","path":"/consumer/kmsKeys/shared-secret/policy/Statement/1/Condition/StringLike",
                          "value":{"kms:EncryptionContext:SecretARN":"arn:aws:secretsmanager:eu-central-1:111111111111:secret:cross-account-microservices/endpoint-id-Ab????"}}])"),
         "secret-share", "consumer/secret/endpoint-id"},
    };
    for (const auto& c : cases) {
        auto graph = xc::model::build_graph(xc::input::json::load_model_text(patched_reference(c.patch), "undecided.json"));
        auto report = xc::verify::verify(graph);
        bool undecided = false;
        for (const auto& f : report.findings) {
            undecided = undecided || (f.property == c.property && f.subject == c.subject && f.verdict == xc::verify::Verdict::undecided);
            EXPECT_FALSE(f.property == c.property && f.subject == c.subject && f.verdict == xc::verify::Verdict::proved) << c.patch.dump();
        }
        EXPECT_TRUE(undecided) << c.patch.dump() << describe(report);
        EXPECT_EQ(report.exit_code(), 3) << c.patch.dump();
    }
}

INSTANTIATE_TEST_SUITE_P(Verify, Mutant, testing::ValuesIn(names("mutants")),
                         [](const testing::TestParamInfo<std::string>& i) { return gtest_name(i.param); });
INSTANTIATE_TEST_SUITE_P(Verify, Correct, testing::ValuesIn(names("correct")),
                         [](const testing::TestParamInfo<std::string>& i) { return gtest_name(i.param); });

}  // namespace corpus_test
