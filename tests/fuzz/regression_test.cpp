// Replays every kept fuzzer finding (tests/fuzz/regressions/<harness>/) through the same
// harness code the fuzzers run, with a failed check reported as a test failure; and tests the
// documented input limits (model size and depth, policy size, statements, string/pattern length).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#define XC_FUZZ_FAIL(message) throw std::logic_error(std::string(message))
#include "cloudformation_harness.hpp"
#include "hcl_harness.hpp"
#include "model_harness.hpp"
#include "pattern_set_harness.hpp"
#include "policy_harness.hpp"

#include "test_support.hpp"

#include <filesystem>
#include <functional>
#include <map>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using xc::test::read_file;

using Harness = std::function<int(const std::uint8_t*, std::size_t)>;

void replay(const std::string& harness, const Harness& run, const fs::path& dir) {
    if (!fs::is_directory(dir)) return;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;  // .gitkeep
        SCOPED_TRACE(harness + ": " + entry.path().string());
        const std::string bytes = read_file(entry.path());
        try {
            run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        } catch (const std::exception& e) {
            ADD_FAILURE() << e.what();
        }
    }
}

fs::path regressions(const std::string& harness) { return xc::test::source_dir() / "tests/fuzz/regressions" / harness; }

TEST(FuzzRegressions, ModelLoaderInputs) { replay("model", xc::fuzz::model_one, regressions("model")); }
TEST(FuzzRegressions, PolicyInputs) { replay("policy", xc::fuzz::policy_one, regressions("policy")); }
TEST(FuzzRegressions, PatternSetInputs) { replay("pattern_set", xc::fuzz::pattern_set_one, regressions("pattern_set")); }
TEST(FuzzRegressions, HclInputs) { replay("hcl", xc::fuzz::hcl_one, regressions("hcl")); }
// The HCL harness's checks hold on the hand-written corpus (valid and invalid files).
TEST(FuzzRegressions, CloudFormationInputs) { replay("cloudformation", xc::fuzz::cloudformation_one, regressions("cloudformation")); }
TEST(FuzzRegressions, CloudFormationFixturesPassTheHarness) {
    replay("cloudformation", xc::fuzz::cloudformation_one, xc::test::source_dir() / "tests/input/cloudformation/fixtures");
}
TEST(FuzzRegressions, HclCorpusPassesTheHclHarness) { replay("hcl", xc::fuzz::hcl_one, xc::test::source_dir() / "tests/input/hcl/corpus"); }
// The harnesses' own checks hold on the shipped models (a smoke test of the harness code).
TEST(FuzzRegressions, ShippedModelsPassTheModelHarness) { replay("model", xc::fuzz::model_one, xc::test::source_dir() / "models"); }

TEST(FuzzRegressions, EveryHarnessHasItsRegressionDirectory) {
    for (const char* h : {"model", "policy", "pattern_set", "hcl", "cloudformation"}) EXPECT_TRUE(fs::is_directory(regressions(h))) << h;
}

// --- limits ------------------------------------------------------------------------------------

// The single diagnostic of `f`, which must throw InputError.
xc::Diagnostic error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const xc::InputError& e) {
        EXPECT_FALSE(e.diagnostics().empty());
        return e.diagnostics().empty() ? xc::Diagnostic{} : e.diagnostics().front();
    }
    ADD_FAILURE() << "expected an InputError";
    return {};
}

std::string statements(std::size_t n) {
    std::string s = R"({"Version":"2012-10-17","Statement":[)";
    for (std::size_t i = 0; i < n; ++i) s += std::string(i ? "," : "") + R"({"Effect":"Allow","Action":"s3:GetObject"})";
    return s + "]}";
}

TEST(InputLimits, ModelSize) {
    auto d = error_of([] { xc::input::json::load_model_text(std::string(2000, ' ') + "{}", "m.json", {1000, 64}); });
    EXPECT_NE(d.message.find("2002 bytes; the limit is 1000"), std::string::npos) << d.message;
}

TEST(InputLimits, ModelNestingDepth) {
    auto d = error_of([] { xc::input::json::load_model_text(R"({"xc":)" + std::string(70, '[') + std::string(70, ']') + "}"); });
    EXPECT_NE(d.message.find("nesting deeper than 64 levels"), std::string::npos) << d.message;
    EXPECT_EQ(d.position.line, 1u);
}

TEST(InputLimits, PolicySize) {
    std::string big = R"({"Version":"2012-10-17","Statement":[)";
    for (int i = 0; i < 40; ++i) big += std::string(i ? "," : "") + R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::)" + std::string(1800, 'b') + R"("})";
    big += "]}";
    auto d = error_of([&] { xc::policy::parse_text(big, "/p"); });
    EXPECT_NE(d.message.find("larger than 65536 bytes"), std::string::npos) << d.message;
    EXPECT_EQ(d.path.rfind("/p/Statement/", 0), 0u) << d.path;
    // Whitespace does not count (as in IAM): the same policy pretty-printed is not bigger.
    xc::policy::Policy ok = xc::policy::parse_text(json::parse(statements(300)).dump(4));
    EXPECT_EQ(ok.statements.size(), 300u);
    // Text far beyond the limit is refused unread.
    auto t = error_of([] { xc::policy::parse_text(std::string(300 * 1024, ' '), "/p"); });
    EXPECT_NE(t.message.find("the limit is 262144"), std::string::npos) << t.message;
}

TEST(InputLimits, StatementsPerPolicy) {
    EXPECT_EQ(xc::policy::parse_text(statements(1024)).statements.size(), 1024u);
    auto d = error_of([] { xc::policy::parse_text(statements(1025), "/p"); });
    EXPECT_EQ(d.path, "/p/Statement");
    EXPECT_NE(d.message.find("1025 statements; the limit is 1024"), std::string::npos) << d.message;
}

TEST(InputLimits, PatternLength) {
    auto policy = [](std::size_t n) {
        return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::)" +
               std::string(n - 13, '*') + R"("}]})";
    };
    EXPECT_NO_THROW(xc::policy::parse_text(policy(2048)));
    auto d = error_of([&] { xc::policy::parse_text(policy(2049), "/p"); });
    EXPECT_EQ(d.path, "/p/Statement/0/Resource");
    EXPECT_NE(d.message.find("2049 characters; the limit is 2048"), std::string::npos) << d.message;
    // Keys too (condition keys are strings the verifier reads).
    auto k = error_of([] {
        xc::policy::parse_text(R"({"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{")" +
                               std::string(3000, 'k') + R"(":"v"}}}})");
    });
    EXPECT_NE(k.message.find("3000 characters"), std::string::npos) << k.message;
    EXPECT_EQ(k.path, "/Statement/Condition/StringEquals/" + std::string(3000, 'k'));
}

TEST(InputLimits, PolicyNestingDepth) {
    // nlohmann's own parser has no depth limit; the policy parser has.
    std::string deep = R"({"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"a:b":)" +
                       std::string(5000, '[') + std::string(5000, ']') + "}}}}";
    auto d = error_of([&] { xc::policy::parse_text(deep, "/p"); });
    EXPECT_NE(d.message.find("nested deeper than 64 levels"), std::string::npos) << d.message;
    // At the first array too deep: the policy, Statement, Condition and StringEquals are four of
    // the 64 levels, the value of "a:b" and its first 59 elements the other 60.
    std::string at = "/p/Statement/Condition/StringEquals/a:b";
    for (int i = 0; i < 60; ++i) at += "/0";
    EXPECT_EQ(d.path, at);
}

// First JSON Pointer (depth-first) of an object that has member `key`.
std::string find_member(const json& v, const std::string& key, const std::string& at = "") {
    if (v.is_object()) {
        if (v.contains(key)) return at;
        for (auto it = v.begin(); it != v.end(); ++it)
            if (auto p = find_member(it.value(), key, xc::json_pointer::join(at, it.key())); p != "-") return p;
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            if (auto p = find_member(v[i], key, xc::json_pointer::join(at, i)); p != "-") return p;
    }
    return "-";
}

TEST(InputLimits, ModelEmbeddedPolicyLimitsNameTheirPath) {
    json m = json::parse(xc::test::reference_model_text());
    const std::string policy_path = find_member(m, "Statement");
    ASSERT_NE(policy_path, "-");
    m[json::json_pointer(policy_path)] = json::parse(statements(1025));
    auto d = error_of([&] { xc::input::json::load_model_text(m.dump(1), "m.json"); });
    EXPECT_EQ(d.path, policy_path + "/Statement");
    EXPECT_NE(d.message.find("the limit is 1024"), std::string::npos) << d.message;
    EXPECT_NE(d.position.line, 0u);
}

TEST(InputLimits, ModelSourcePatternLength) {
    json m = json::parse(xc::test::reference_model_text());
    const std::string lambda = find_member(m, "invokePermissions");
    ASSERT_NE(lambda, "-");
    m[json::json_pointer(lambda + "/invokePermissions/0/sourcePath")] = "/" + std::string(2048, 'a');
    auto d = error_of([&] { xc::input::json::load_model_text(m.dump(1), "m.json"); });
    // Reported where the template is instantiated (the service), with the template's position.
    EXPECT_TRUE(d.path.ends_with("/lambdas/get-order/invokePermissions/0/sourcePath") ||
                d.path.ends_with("/invokePermissions/0/sourcePath"))
        << d.path;
    EXPECT_NE(d.position.line, 0u);
    EXPECT_NE(d.message.find("2049 characters; the limit is 2048"), std::string::npos) << d.message;
}

#ifdef XC_CLI_PATH
TEST(InputLimits, CliExitsTwoWithTheLimitNamed) {
    xc::test::TempDir tmp;
    json m = json::parse(xc::test::reference_model_text());
    m[json::json_pointer(find_member(m, "Statement"))] = json::parse(statements(1025));
    xc::test::write_file(tmp / "m.json", m.dump(1));
    auto r = xc::test::run(xc::test::quote(XC_CLI_PATH) + " check " + xc::test::quote((tmp / "m.json").string()));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("the limit is 1024"), std::string::npos) << r.err;
    xc::test::write_file(tmp / "deep.json", std::string(100000, '[') + std::string(100000, ']'));
    r = xc::test::run(xc::test::quote(XC_CLI_PATH) + " check " + xc::test::quote((tmp / "deep.json").string()));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("nesting deeper than 64 levels"), std::string::npos) << r.err;
}
#endif

}  // namespace
