// examples/ci: the GitHub Actions workflow and the pre-commit hook parse as YAML and say what
// they should; the script they call runs on a checkout with the exit codes of xc.
//
// YAML is read with Debian's python3-yaml (/usr/bin/python3), converted to JSON for the checks.
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace ci_example_test {

using nlohmann::json;
using xc::test::quote;
using xc::test::read_file;
using xc::test::run;
using xc::test::write_file;

namespace {

namespace fs = std::filesystem;

fs::path ci_dir() { return xc::test::source_dir() / "examples/ci"; }

// The YAML file as JSON. PyYAML reads YAML 1.1, where a bare `on` key is the boolean true:
// GitHub reads it as the string "on", so the converter names it so.
json yaml_as_json(const fs::path& file) {
    const std::string python = "/usr/bin/python3";
    auto probe = run(python + " -c 'import yaml'");
    if (probe.exit_code != 0) throw std::runtime_error("python3-yaml is missing (apt-get install python3-yaml): " + probe.err);
    auto r = run(python + " -c " +
                 quote("import json, sys, yaml\n"
                       "def keys(v):\n"
                       "    if isinstance(v, dict): return {('on' if k is True else str(k)): keys(x) for k, x in v.items()}\n"
                       "    if isinstance(v, list): return [keys(x) for x in v]\n"
                       "    return v\n"
                       "print(json.dumps(keys(yaml.safe_load(open(sys.argv[1])))))") +
                 " " + quote(file.string()));
    if (r.exit_code != 0) throw std::runtime_error(file.string() + " does not parse as YAML: " + r.err);
    return json::parse(r.out);
}

const json& step_with_id(const json& steps, const std::string& id) {
    for (const auto& s : steps)
        if (s.value("id", "") == id) return s;
    throw std::runtime_error("no step with id " + id);
}

// A scratch checkout: the shipped models and examples/ci, as a CI job sees them.
class Checkout {
public:
    Checkout() {
        fs::copy(xc::test::source_dir() / "models", dir() / "models", fs::copy_options::recursive);
        fs::create_directories(dir() / "examples");
        fs::copy(ci_dir(), dir() / "examples/ci", fs::copy_options::recursive);
    }
    const fs::path& dir() const { return tmp_.path(); }
    // Run a shell snippet in the checkout with XC set to the built binary.
    xc::test::CommandResult sh(const std::string& script) const {
        return run("cd " + quote(dir().string()) + " && XC=" + quote(XC_CLI) + " bash -eo pipefail -c " + quote(script) + " </dev/null");
    }

private:
    xc::test::TempDir tmp_;
};

std::string violating_model() {
    return xc::test::replace_once(xc::test::reference_model_text(), R"("scheme": "internal")", R"("scheme": "internet-facing")");
}

}  // namespace

TEST(CiExample, WorkflowParsesAndBuildsVerifiesAndUploads) {
    auto wf = yaml_as_json(ci_dir() / "github-actions.yml");
    EXPECT_TRUE(wf["on"].contains("pull_request"));
    EXPECT_EQ(wf["permissions"]["security-events"], "write");
    const auto& steps = wf["jobs"]["verify"]["steps"];
    std::string all_runs;
    for (const auto& s : steps) all_runs += s.value("run", "") + "\n";
    for (const char* package : {"libboost-graph-dev", "nlohmann-json3-dev", "libcli11-dev", "libz3-dev", "cmake", "g++"})
        EXPECT_NE(all_runs.find(package), std::string::npos) << package;
    EXPECT_NE(all_runs.find("--target xc_cli"), std::string::npos);
    const auto& verify = step_with_id(steps, "verify");
    EXPECT_EQ(verify["continue-on-error"], true) << "the upload must run even when the gate fails";
    EXPECT_EQ(verify["run"], "examples/ci/verify-models.sh --sarif xc.sarif");
    bool uploads = false, fails = false;
    for (const auto& s : steps) {
        if (s.value("uses", "").rfind("github/codeql-action/upload-sarif@", 0) == 0 && s["with"]["category"] == "xc") {
            uploads = true;
            EXPECT_EQ(s["with"]["sarif_file"], "xc.sarif");
            EXPECT_NE(s.value("if", "").find("always()"), std::string::npos);
        }
        if (s.value("if", "") == "steps.verify.outcome == 'failure'") fails = s.contains("run");
    }
    EXPECT_TRUE(uploads);
    EXPECT_TRUE(fails) << "a failed gate must fail the job after the upload";
    // The workflow's paths filter covers the models.
    bool covers_models = false;
    for (const auto& p : wf["on"]["pull_request"]["paths"]) covers_models |= p.get<std::string>().rfind("models/", 0) == 0;
    EXPECT_TRUE(covers_models);
}

TEST(CiExample, WorkflowVerifyStepRunsOnACheckout) {
    auto wf = yaml_as_json(ci_dir() / "github-actions.yml");
    const auto& steps = wf["jobs"]["verify"]["steps"];
    std::string verify = step_with_id(steps, "verify")["run"];
    std::string show;
    for (const auto& s : steps)
        if (s.value("if", "") == "steps.verify.outcome == 'failure'") show = s["run"];
    Checkout c;
    auto ok = c.sh(verify);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    auto sarif = json::parse(read_file(c.dir() / "xc.sarif"));
    EXPECT_EQ(sarif["version"], "2.1.0");
    EXPECT_EQ(sarif["runs"][0]["results"].size(), 0u);
    EXPECT_EQ(sarif["runs"][0]["artifacts"].size(), 2u) << "every shipped model, not the JSON Schema";
    EXPECT_EQ(sarif["runs"][0]["artifacts"][0]["location"]["uri"], "models/cross-account-microservices.json");

    write_file(c.dir() / "models/broken-alb.json", violating_model());
    auto failing = c.sh(verify);
    EXPECT_EQ(failing.exit_code, 1);
    sarif = json::parse(read_file(c.dir() / "xc.sarif"));
    ASSERT_EQ(sarif["runs"][0]["results"].size(), 1u);
    EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "models/broken-alb.json");
    auto shown = c.sh(show);
    EXPECT_EQ(shown.exit_code, 1);
    EXPECT_NE(shown.out.find("VIOLATED  network-ingress  consumer/load-balancer/internal"), std::string::npos) << shown.out;
}

TEST(CiExample, ScriptExitCodesAndModelSelection) {
    Checkout c;
    // Not models (a schema, other JSON): nothing to verify, success.
    write_file(c.dir() / "package.json", "{\"name\": \"x\"}");
    auto none = c.sh("examples/ci/verify-models.sh models/xc-model.schema.json package.json");
    EXPECT_EQ(none.exit_code, 0) << none.err;
    EXPECT_EQ(none.out, "verify-models.sh: no xc model files to verify\n");
    write_file(c.dir() / "broken.json", violating_model());
    EXPECT_EQ(c.sh("examples/ci/verify-models.sh broken.json package.json").exit_code, 1);
    write_file(c.dir() / "bad.json", "{\"xc\": 1}");
    auto bad = c.sh("examples/ci/verify-models.sh bad.json models/cross-account-microservices.json");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("bad.json:1:1: error: at /: missing required field 'name'"), std::string::npos) << bad.err;
    EXPECT_EQ(c.sh("examples/ci/verify-models.sh --frobnicate").exit_code, 2);
    EXPECT_EQ(c.sh("examples/ci/verify-models.sh missing.json").exit_code, 2);
    // A baseline at the checkout root is picked up: the accepted violation passes the gate.
    write_file(c.dir() / "xc-baseline.json", R"({"xcBaseline": 1, "suppressions": [
  {"property": "network-ingress", "subject": "consumer/load-balancer/internal", "reason": "public ALB until OPS-7"}]})");
    auto accepted = c.sh("examples/ci/verify-models.sh broken.json");
    EXPECT_EQ(accepted.exit_code, 0) << accepted.out << accepted.err;
    EXPECT_NE(accepted.out.find("suppressed: public ALB until OPS-7"), std::string::npos) << accepted.out;
}

TEST(CiExample, PreCommitHookEntryRunsTheScriptOnStagedModels) {
    auto hooks = yaml_as_json(ci_dir() / "pre-commit-hooks.yaml");
    ASSERT_EQ(hooks["repos"].size(), 1u);
    EXPECT_EQ(hooks["repos"][0]["repo"], "local");
    const auto& hook = hooks["repos"][0]["hooks"][0];
    EXPECT_EQ(hook["id"], "xc-verify");
    EXPECT_EQ(hook["language"], "script");
    std::string entry = hook["entry"];
    auto script = xc::test::source_dir() / entry;
    ASSERT_TRUE(fs::exists(script)) << entry;
    EXPECT_NE(fs::status(script).permissions() & fs::perms::owner_exec, fs::perms::none) << entry << " must be executable";
    // pre-commit matches `files` and `exclude` with Python's re.search.
    std::regex files(hook["files"].get<std::string>()), exclude(hook["exclude"].get<std::string>());
    auto staged = [&](const std::string& f) { return std::regex_search(f, files) && !std::regex_search(f, exclude); };
    EXPECT_TRUE(staged("models/cross-account-microservices.json"));
    EXPECT_FALSE(staged("models/xc-model.schema.json"));
    EXPECT_FALSE(staged("tests/npm/package.json"));
    // Run it as pre-commit does: the entry, then the staged files.
    Checkout c;
    write_file(c.dir() / "models/broken-alb.json", violating_model());
    EXPECT_EQ(c.sh(entry + " models/cross-account-microservices.json").exit_code, 0);
    EXPECT_EQ(c.sh(entry + " models/cross-account-microservices.json models/broken-alb.json").exit_code, 1);
}

// The pull-request step: xc diff between the base commit and the head, on a git checkout.
TEST(CiExample, WorkflowDiffStepGatesOnNewAccessAgainstTheBase) {
    auto wf = yaml_as_json(ci_dir() / "github-actions.yml");
    const auto& steps = wf["jobs"]["verify"]["steps"];
    EXPECT_EQ(steps[0]["with"]["fetch-depth"], 0) << "the base commit must be in the checkout";
    const auto& diff = step_with_id(steps, "diff");
    EXPECT_EQ(diff["if"], "github.event_name == 'pull_request'");
    EXPECT_EQ(diff["continue-on-error"], true) << "the upload must run even when the gate fails";
    EXPECT_EQ(diff["env"]["BASE"], "${{ github.event.pull_request.base.sha }}") << "passed through the environment, never spliced into the script";
    std::string run_diff = diff["run"];
    EXPECT_EQ(run_diff, "examples/ci/diff-models.sh \"$BASE\" --sarif-dir xc-diff");
    bool uploads = false, fails = false;
    for (const auto& s : steps) {
        if (s.value("uses", "").rfind("github/codeql-action/upload-sarif@", 0) == 0 && s["with"]["sarif_file"] == "xc-diff") {
            uploads = true;
            EXPECT_NE(s.value("if", "").find("always()"), std::string::npos);
        }
        if (s.value("if", "") == "steps.diff.outcome == 'failure'") fails = s.contains("run");
    }
    EXPECT_TRUE(uploads);
    EXPECT_TRUE(fails);

    Checkout c;
    auto init = c.sh("git init -q && git add models && git -c user.name=t -c user.email=t@t commit -qm base && git rev-parse HEAD");
    ASSERT_EQ(init.exit_code, 0) << init.err;
    const std::string base = init.out.substr(0, init.out.find('\n'));
    auto same = c.sh("BASE=" + base + "; " + run_diff);
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    ASSERT_TRUE(fs::exists(c.dir() / "xc-diff/cross-account-microservices.sarif"));
    EXPECT_FALSE(fs::exists(c.dir() / ".xc-base")) << "the base's copies are removed";
    // The head admits any endpoint: new access, annotated at the head's line.
    write_file(c.dir() / "models/cross-account-microservices.json",
               xc::test::replace_once(xc::test::reference_model_text(), R"("Condition": { "StringEquals": { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718" } })",
                                      R"("Condition": { "StringLike": { "aws:SourceVpce": "vpce-*" } })"));
    auto wider = c.sh("BASE=" + base + "; " + run_diff);
    EXPECT_EQ(wider.exit_code, 1) << wider.out << wider.err;
    auto sarif = json::parse(read_file(c.dir() / "xc-diff/cross-account-microservices.sarif"));
    ASSERT_FALSE(sarif["runs"][0]["results"].empty());
    EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "models/cross-account-microservices.json");
    auto shown = c.sh("BASE=" + base + "; examples/ci/diff-models.sh \"$BASE\"");
    EXPECT_EQ(shown.exit_code, 1);
    EXPECT_NE(shown.out.find("NEW-ACCESS     api-access  food/rest-api/orders"), std::string::npos) << shown.out;
    // A model the base does not have is new: nothing to compare.
    write_file(c.dir() / "models/new.json", xc::test::reference_model_text());
    auto added = c.sh("BASE=" + base + "; examples/ci/diff-models.sh \"$BASE\" models/new.json");
    EXPECT_EQ(added.exit_code, 0);
    EXPECT_NE(added.err.find("models/new.json is new"), std::string::npos) << added.err;
    EXPECT_EQ(c.sh("examples/ci/diff-models.sh no-such-commit").exit_code, 2);
}

}  // namespace ci_example_test
