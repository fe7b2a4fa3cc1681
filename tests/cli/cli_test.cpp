// The xc command line: exit codes, streams, and outputs, through the built binary.
#include <generated_models.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <filesystem>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace cli_test {

using xc::test::quote;
using xc::test::run;

namespace {

std::string xc_cli(const std::string& args) { return quote(XC_CLI) + " " + args; }
std::string reference() { return quote(xc::test::reference_model_path().string()); }

}  // namespace

TEST(Cli, CheckAcceptsTheReferenceModel) {
    auto r = run(xc_cli("check " + reference()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find(": ok: model 'cross-account-microservices' in eu-central-1: 3 accounts, 2 services, 2 private APIs"),
              std::string::npos)
        << r.out;
}

// -j sets the threads that load and prove (xc verify): the report, or the messages of a bad model,
// are the same bytes for any number, on a model of several chunks of services.
TEST(Cli, VerifyIsTheSameForAnyNumberOfJobs) {
    xc::test::TempDir dir;
    auto model = nlohmann::json::parse(xc::bench::generated_services_model(2 * 256 + 9, xc::bench::ModelShape::distinct));
    xc::test::write_file(dir / "good.json", model.dump(1));
    std::vector<std::string> names;
    for (const auto& [name, _] : model["services"].items()) names.push_back(name);
    model["services"][names[3]]["apis"]["orders"]["stage"] = 5;
    model["services"][names[300]]["template"] = "no-such-template";
    xc::test::write_file(dir / "bad.json", model.dump(1));
    for (const char* file : {"good.json", "bad.json"}) {
        const auto one = run(xc_cli("verify --format json -j 1 " + quote((dir / file).string())));
        EXPECT_EQ(one.exit_code, std::string(file) == "good.json" ? 1 : 2) << one.err;  // every tenth service is a violation
        for (const char* jobs : {"2", "3"}) {
            const auto many = run(xc_cli(std::string("verify --format json -j ") + jobs + " " + quote((dir / file).string())));
            EXPECT_EQ(many.exit_code, one.exit_code) << file << ", " << jobs << " jobs";
            EXPECT_EQ(many.out, one.out) << file << ", " << jobs << " jobs";
            EXPECT_EQ(many.err, one.err) << file << ", " << jobs << " jobs";
        }
    }
}

TEST(Cli, CheckAcceptsEveryShippedModel) {
    int models = 0;
    for (const auto& entry : std::filesystem::directory_iterator(xc::test::source_dir() / "models")) {
        auto name = entry.path().filename().string();
        if (entry.path().extension() != ".json" || name.find(".schema.") != std::string::npos) continue;
        ++models;
        auto r = run(xc_cli("check " + quote(entry.path().string())));
        EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    }
    EXPECT_GE(models, 1);
}

TEST(Cli, BadModelExitsTwoWithTheDiagnosticOnStderrOnly) {
    xc::test::TempDir dir;
    auto bad = dir / "bad.json";
    xc::test::write_file(bad, xc::test::replace_once(xc::test::reference_model_text(), "\"scheme\": \"internal\"", "\"scheme\": \"public\""));
    auto r = run(xc_cli("check " + quote(bad.string())));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(bad.string() + ":"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": error: at /consumer/loadBalancers/internal/scheme: expected one of 'internal', 'internet-facing', found 'public'"),
              std::string::npos)
        << r.err;
    // graph refuses the same model the same way, with no partial picture.
    auto g = run(xc_cli("graph " + quote(bad.string())));
    EXPECT_EQ(g.exit_code, 2);
    EXPECT_EQ(g.out, "");
}

TEST(Cli, UnreadableFileAndMalformedJsonExitTwo) {
    auto missing = run(xc_cli("check /nonexistent/model.json"));
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_EQ(missing.err, "/nonexistent/model.json: error: at /: cannot open file\n");
    xc::test::TempDir dir;
    xc::test::write_file(dir / "m.json", "{\"xc\": 1,\n  \"name\": }");
    auto malformed = run(xc_cli("check " + quote((dir / "m.json").string())));
    EXPECT_EQ(malformed.exit_code, 2);
    EXPECT_NE(malformed.err.find("m.json:2:11: error: at /name: malformed JSON"), std::string::npos) << malformed.err;
}

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(run(xc_cli("")).exit_code, 2);
    EXPECT_EQ(run(xc_cli("check")).exit_code, 2);
    EXPECT_EQ(run(xc_cli("frobnicate " + reference())).exit_code, 2);
    auto bad_format = run(xc_cli("graph " + reference() + " --format png"));
    EXPECT_EQ(bad_format.exit_code, 2);
    EXPECT_EQ(bad_format.out, "");
}

TEST(Cli, VersionAndHelp) {
    auto v = run(xc_cli("--version"));
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out, "xc 0.1.0\n");
    for (const auto* sub : {"", "check ", "graph "}) {
        auto h = run(xc_cli(std::string(sub) + "--help"));
        EXPECT_EQ(h.exit_code, 0) << sub;
        EXPECT_NE(h.out.find("Usage:"), std::string::npos) << sub;
    }
    EXPECT_NE(run(xc_cli("--help")).out.find("Exit codes: 0 ok, 1 findings, 2 bad input or usage, 3 undecided."), std::string::npos);
}

TEST(Cli, GraphDotRendersWithGraphviz) {
    auto r = run(xc_cli("graph " + reference() + " --format dot") + " | dot -Tsvg");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("<svg"), std::string::npos);
    EXPECT_NE(r.out.find("account food (333333333333, service)"), std::string::npos);
    EXPECT_EQ(r.err, "");
}

TEST(Cli, GraphMermaid) {
    auto r = run(xc_cli("graph " + reference() + " --format mermaid"));
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.rfind("flowchart LR\n", 0), 0u);
}

namespace {

// The reference model with an unconditioned Allow: api-endpoint-only is violated.
std::string violating_model(const xc::test::TempDir& dir) {
    auto path = dir / "violating.json";
    xc::test::write_file(path, xc::test::replace_once(xc::test::reference_model_text(),
                                                      "\"Condition\": { \"StringEquals\": { \"aws:SourceVpce\": \"vpce-0a1b2c3d4e5f60718\" } }",
                                                      "\"Condition\": { \"StringLike\": { \"aws:SourceVpce\": \"vpce-*\" } }"));
    return path.string();
}

std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path());
    return out;
}

}  // namespace

TEST(CliEmit, EveryTargetEmitsTheVerifiedReferenceModel) {
    for (const char* target : {"terraform", "cloudformation", "lambda"}) {
        xc::test::TempDir dir;
        auto out = dir / "out";
        auto r = run(xc_cli("emit " + reference() + " --target " + target + " -o " + quote(out.string())));
        ASSERT_EQ(r.exit_code, 0) << target << ": " << r.err;
        EXPECT_NE(r.out.find("wrote "), std::string::npos);
        EXPECT_GE(files_under(out).size(), 4u) << target;  // at least one file per account, or a README
        if (std::string(target) != "lambda") {
            EXPECT_TRUE(std::filesystem::exists(out / "README.md")) << target;
        }
    }
}

TEST(CliEmit, EveryTargetRefusesAViolatingModelAndWritesNothing) {
    for (const char* target : {"terraform", "cloudformation", "lambda"}) {
        xc::test::TempDir dir;
        auto model = violating_model(dir);
        auto out = dir / "out";
        auto r = run(xc_cli("emit " + quote(model) + " --target " + target + " -o " + quote(out.string())));
        EXPECT_EQ(r.exit_code, 1) << target;
        EXPECT_NE(r.err.find("VIOLATED  api-endpoint-only  food/rest-api/orders"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("refusing to emit an unverified model"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(out)) << target;
        EXPECT_EQ(r.out, "");
    }
}

TEST(CliEmit, AllowUnverifiedStampsAWarningIntoEveryFile) {
    for (const char* target : {"terraform", "cloudformation"}) {
        xc::test::TempDir dir;
        auto model = violating_model(dir);
        auto out = dir / "out";
        auto r = run(xc_cli("emit " + quote(model) + " --target " + target + " --allow-unverified -o " + quote(out.string())));
        ASSERT_EQ(r.exit_code, 0) << target << ": " << r.err;
        EXPECT_NE(r.err.find("warning: emitting an unverified model"), std::string::npos);
        for (const auto& file : files_under(out)) {
            if (file.filename() == ".xc-output") continue;  // the ownership marker, not an emitted file
            auto text = xc::test::read_file(file);
            EXPECT_TRUE(text.find("WARNING") != std::string::npos || text.find("Warning") != std::string::npos ||
                        text.find("unverified") != std::string::npos)
                << target << ": no warning in " << file;
        }
    }
}

TEST(CliEmit, UnknownTargetIsAUsageError) {
    xc::test::TempDir dir;
    auto r = run(xc_cli("emit " + reference() + " --target pulumi -o " + quote((dir / "out").string())));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

}  // namespace cli_test
