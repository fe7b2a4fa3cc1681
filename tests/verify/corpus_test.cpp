// The mutation corpus: each misconfigured variant of the reference model is caught by its named
// property with a concrete witness; each correct variant is proved.
#include <xc/input/json/load.hpp>
#include <xc/verify/api_properties.hpp>
#include <xc/verify/secret_share.hpp>
#include <xc/verify/verify.hpp>

#include <test_support.hpp>

#include <gtest/gtest.h>

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
xc::policy::Request request_of(const json& w) {
    xc::policy::Request r;
    if (w["principal"] != "anonymous") {
        auto type = xc::policy::PrincipalType::AWS;
        for (auto t : {xc::policy::PrincipalType::Service, xc::policy::PrincipalType::Federated, xc::policy::PrincipalType::CanonicalUser})
            if (w.value("principalType", "AWS") == xc::policy::to_string(t)) type = t;
        r.principal = xc::policy::RequestPrincipal{type, w["principal"]};
    }
    r.action = w["action"];
    r.resource = w["resource"];
    for (const auto& [k, v] : w["context"].items()) {
        if (v.is_array()) r.context.set_multi(k, v.get<std::vector<std::string>>());
        else r.context.set(k, v.get<std::string>());
    }
    return r;
}

std::string gtest_name(std::string s) {
    for (char& c : s)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

class Mutant : public testing::TestWithParam<std::string> {};
class Correct : public testing::TestWithParam<std::string> {};

}  // namespace

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
    // A request witness reproduces with the concrete evaluator against the model's own policy.
    if (found->property == "api-endpoint-only" && found->witness.contains("action")) {
        const auto& api = graph.resource<xc::model::RestApi>(*graph.find(found->subject));
        auto account = graph.model().accounts.at(graph[*graph.find(found->subject)].account).id;
        auto attached = xc::policy::attach_to_api(api.policy->parsed,
                                                  {"aws", graph.model().region, account, xc::verify::detail::api_id(graph, *graph.find(found->subject))});
        auto request = request_of(found->witness);
        EXPECT_EQ(xc::policy::decide(attached, request).verdict, xc::policy::Verdict::Allow) << found->witness.dump();
        const auto* vpce = request.context.find("aws:SourceVpce");
        ASSERT_NE(vpce, nullptr);
        EXPECT_NE(vpce->values.front(), "vpce-0a1b2c3d4e5f60718");
        EXPECT_FALSE(found->statements.empty());
    }
    // A reader outside the model's accounts: the concrete evaluator lets it read the secret (with
    // identity policies allowing everything), and the context holds what AWS sets for it.
    if (found->property == "secret-share" && found->witness.contains("principal")) {
        const auto& secret = graph.resource<xc::model::Secret>(*graph.find(found->subject));
        auto request = request_of(found->witness);
        request.resource_account = graph.model().accounts.at(graph[*graph.find(found->subject)].account).id;
        xc::policy::PolicySet policies{{&xc::verify::detail::allow_everything()}, &secret.policy->parsed};
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
}

TEST_P(Correct, IsProved) {
    const auto& e = entry("correct", GetParam());
    auto graph = xc::model::build_graph(xc::input::json::load_model_text(patched_reference(e["patch"]), GetParam() + ".json"));
    auto report = xc::verify::verify(graph);
    EXPECT_EQ(report.exit_code(), 0) << e["description"] << describe(report);
    EXPECT_EQ(report.count(xc::verify::Verdict::proved), report.findings.size());
}

TEST(Corpus, EveryShippedModelIsProved) {
    for (const auto* model : {"cross-account-microservices.json", "three-services-private-domains.json"}) {
        auto graph = xc::model::build_graph(xc::input::json::load_model_file((xc::test::source_dir() / "models" / model).string()));
        auto report = xc::verify::verify(graph);
        EXPECT_EQ(report.exit_code(), 0) << model << describe(report);
        EXPECT_GE(report.findings.size(), 10u);
    }
}

INSTANTIATE_TEST_SUITE_P(Verify, Mutant, testing::ValuesIn(names("mutants")),
                         [](const testing::TestParamInfo<std::string>& i) { return gtest_name(i.param); });
INSTANTIATE_TEST_SUITE_P(Verify, Correct, testing::ValuesIn(names("correct")),
                         [](const testing::TestParamInfo<std::string>& i) { return gtest_name(i.param); });
