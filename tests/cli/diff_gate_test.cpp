// xc diff as a pull-request gate, through the built binary: every exit code, the three formats
// (JSON against examples/ci/xc-diff.schema.json, SARIF against the SARIF 2.1.0 schema, at NEW's
// lines), --output, bad input and option errors.
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace diff_gate_test {

using nlohmann::json;
using xc::test::quote;
using xc::test::read_file;
using xc::test::replace_once;
using xc::test::run;
using xc::test::write_file;

namespace {

namespace fs = std::filesystem;

fs::path npm_dir() { return XC_NPM_DIR; }
fs::path sarif_schema() { return npm_dir() / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"; }
fs::path diff_schema() { return xc::test::source_dir() / "examples/ci/xc-diff.schema.json"; }

std::string schema_errors(const fs::path& schema, const fs::path& document) {
    auto r = run("node " + quote((xc::test::source_dir() / "tests/cli/validate_json_schema.js").string()) + " " + quote(npm_dir().string()) +
                 " " + quote(schema.string()) + " " + quote(document.string()));
    return r.exit_code == 0 ? std::string() : r.out + r.err;
}

const std::string consumer_only = R"("Condition": { "StringEquals": { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718" } })";

// A checkout with the base model and variants of it, reports run from there with relative paths.
class Checkout {
public:
    Checkout() { write_file(dir() / "base.json", xc::test::reference_model_text()); }
    const fs::path& dir() const { return tmp_.path(); }
    void add(const std::string& name, const std::string& text) { write_file(dir() / name, text); }
    xc::test::CommandResult xc(const std::string& args) const { return run("cd " + quote(dir().string()) + " && " + quote(XC_CLI) + " " + args); }

private:
    xc::test::TempDir tmp_;
};

std::string line_of(const std::string& text, std::size_t line) {
    std::istringstream in(text);
    std::string l;
    for (std::size_t i = 0; i < line && std::getline(in, l); ++i) {
    }
    return l;
}

}  // namespace

TEST(DiffGate, IdenticalModelsPass) {
    Checkout c;
    c.add("head.json", xc::test::reference_model_text());
    auto r = c.xc("diff base.json head.json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("xc diff base.json (OLD) -> head.json (NEW)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 new access, 0 undecided, "), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
}

TEST(DiffGate, NewAccessFailsWithTheRequestAtNewsLines) {
    Checkout c;
    const std::string head = replace_once(xc::test::reference_model_text(), consumer_only, R"("Condition": { "StringLike": { "aws:SourceVpce": "vpce-*" } })");
    c.add("head.json", head);

    auto text = c.xc("diff base.json head.json");
    EXPECT_EQ(text.exit_code, 1) << text.err;
    EXPECT_NE(text.out.find("NEW-ACCESS     api-access  food/rest-api/orders"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("old: no statement of OLD allows it"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("\"aws:SourceVpce\":\"vpce-"), std::string::npos) << text.out;

    auto j = c.xc("diff base.json head.json --format json -o report.json");
    EXPECT_EQ(j.exit_code, 1) << j.err;
    EXPECT_EQ(j.out, "");
    EXPECT_NE(j.err.find("xc diff: report.json: 2 new access"), std::string::npos) << j.err;
    EXPECT_EQ(schema_errors(diff_schema(), c.dir() / "report.json"), "");
    auto report = json::parse(read_file(c.dir() / "report.json"));
    EXPECT_EQ(report["xcDiff"], 1);
    EXPECT_EQ(report["old"]["file"], "base.json");
    EXPECT_EQ(report["new"]["file"], "head.json");
    EXPECT_EQ(report["summary"]["newAccess"], 2);
    EXPECT_EQ(report["exitCode"], 1);

    auto s = c.xc("diff base.json head.json --format sarif -o diff.sarif");
    EXPECT_EQ(s.exit_code, 1) << s.err;
    EXPECT_EQ(schema_errors(sarif_schema(), c.dir() / "diff.sarif"), "");
    auto sarif = json::parse(read_file(c.dir() / "diff.sarif"));
    const auto& run0 = sarif["runs"][0];
    EXPECT_EQ(run0["artifacts"][0]["location"]["uri"], "head.json");
    EXPECT_EQ(run0["artifacts"][1]["location"]["uri"], "base.json");
    ASSERT_EQ(run0["results"].size(), 2u);
    for (const auto& result : run0["results"]) {
        EXPECT_EQ(result["level"], "error");
        EXPECT_EQ(result["ruleId"], "api-access");
        const auto& loc = result["locations"][0]["physicalLocation"];
        EXPECT_EQ(loc["artifactLocation"]["uri"], "head.json");
        // At the deciding Allow of the service template in NEW: its Sid is on the next line.
        const std::size_t line = loc["region"]["startLine"];
        EXPECT_NE(line_of(head, line + 1).find("OnlyTheConsumerEndpoint"), std::string::npos) << line_of(head, line);
    }
}

TEST(DiffGate, NarrowingPassesAndReportsRemovedAccess) {
    Checkout c;
    c.add("wide.json", replace_once(xc::test::reference_model_text(), consumer_only, R"("Condition": { "StringLike": { "aws:SourceVpce": "vpce-*" } })"));
    auto r = c.xc("diff wide.json base.json --format json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto report = json::parse(r.out);
    EXPECT_EQ(report["summary"]["accessRemoved"], 2);
    EXPECT_EQ(report["summary"]["newAccess"], 0);
}

TEST(DiffGate, UndecidedIsExitThreeNeverAPass) {
    Checkout c;
    // A policy variable relating two ranging keys: xc does not decide those, so the API's comparison is UNDECIDED.
    c.add("head.json", replace_once(xc::test::reference_model_text(), consumer_only,
                                    R"("Condition": { "StringEquals": { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718", "aws:PrincipalTag/team": "${aws:username}" } })"));
    auto r = c.xc("diff base.json head.json");
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("UNDECIDED      api-access  food/rest-api/orders"), std::string::npos) << r.out;
    auto timed_out = c.xc("diff base.json base.json --run-timeout-ms 0");
    EXPECT_EQ(timed_out.exit_code, 3) << timed_out.out;
}

TEST(DiffGate, BadInputIsExitTwoWithNoReport) {
    Checkout c;
    c.add("broken.json", "{\"xc\": 1, ");
    auto r = c.xc("diff base.json broken.json -o out.json");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("broken.json:1:"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(c.dir() / "out.json"));
    EXPECT_EQ(c.xc("diff base.json missing.json").exit_code, 2);
    EXPECT_EQ(c.xc("diff base.json").exit_code, 2);
    auto unknown = c.xc("diff base.json base.json --checks api-acess");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown diff check 'api-acess' (did you mean 'api-access'?)"), std::string::npos) << unknown.err;
    EXPECT_EQ(c.xc("diff base.json base.json -o ''").exit_code, 2);
    EXPECT_EQ(c.xc("diff base.json base.json --format html").exit_code, 2);
}

TEST(DiffGate, ChecksSelectWhatIsCompared) {
    Checkout c;
    auto r = c.xc("diff base.json base.json --checks secret-access,key-access --format json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const auto& f : json::parse(r.out)["findings"]) {
        const std::string check = f["check"];
        EXPECT_TRUE(check == "secret-access" || check == "key-access") << check;
    }
    auto help = c.xc("diff --help");
    EXPECT_EQ(help.exit_code, 0);
    for (const char* id : {"api-access", "secret-access", "trust-access", "invoke-access"}) EXPECT_NE(help.out.find(id), std::string::npos) << id;
}

// Each side of a diff may be any input xc verify takes. What `xc emit --target terraform` wrote for
// the reference and for a mutant, diffed as Terraform roots, reports new access in the checks the
// models' own diff reports it in (and only there), located in the .tf files; identical roots pass.
namespace {

// The root directories `xc emit --target terraform` wrote under `dir`, in name order.
std::vector<std::string> emitted_roots(const fs::path& dir) {
    std::set<std::string> roots;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().extension() == ".tf") roots.insert(fs::relative(e.path().parent_path(), dir.parent_path()).generic_string());
    return {roots.begin(), roots.end()};
}

std::string side(const char* flag, const std::vector<std::string>& roots) {
    std::string out = flag;
    for (const auto& r : roots) out += " " + quote(r);
    return out;
}

// check -> changes other than NO-NEW-ACCESS, from a JSON diff report.
std::map<std::string, std::set<std::string>> changes_by_check(const json& report) {
    std::map<std::string, std::set<std::string>> out;
    for (const auto& f : report["findings"])
        if (f["change"] != "NO-NEW-ACCESS") out[f["check"]].insert(f["change"].get<std::string>());
    return out;
}

}  // namespace

TEST(DiffGate, TerraformRootsDiffAsTheirModelsDo) {
    Checkout c;
    const json corpus = json::parse(read_file(xc::test::source_dir() / "tests/verify/corpus.json"));
    const json reference = json::parse(xc::test::reference_model_text());
    auto emit = [&](const std::string& name) {
        auto r = c.xc("emit " + name + ".json --target terraform --allow-unverified -o tf-" + name);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return emitted_roots(c.dir() / ("tf-" + name));
    };
    const auto base_roots = emit("base");
    ASSERT_GE(base_roots.size(), 3u);
    auto same = c.xc("diff --format json " + side("--old", base_roots) + " " + side("--new", base_roots));
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;

    // One mutant for each kind of new access, the new checks for names and TLS among them.
    for (const char* mutant : {"no-condition", "endpoint-open-to-world", "permission-without-source", "role-dynamodb-star",
                               "secret-readable-by-foreign-account", "alias-wrong-target", "listener-cert-wrong-domain",
                               "plain-http-listener", "lambda-outside-vpc"}) {
        SCOPED_TRACE(mutant);
        json patch;
        for (const auto& e : corpus["mutants"])
            if (e["name"] == mutant) patch = e["patch"];
        ASSERT_FALSE(patch.is_null());
        c.add(std::string(mutant) + ".json", reference.patch(patch).dump(1));
        const auto roots = emit(mutant);
        auto model_diff = c.xc("diff base.json " + std::string(mutant) + ".json --format json");
        auto tf_diff = c.xc("diff --format json " + side("--old", base_roots) + " " + side("--new", roots));
        ASSERT_EQ(model_diff.exit_code, 1) << model_diff.out << model_diff.err;
        EXPECT_EQ(tf_diff.exit_code, 1) << tf_diff.out << tf_diff.err;
        const json model_report = json::parse(model_diff.out), tf_report = json::parse(tf_diff.out);
        std::set<std::string> model_new, tf_new;
        for (const auto& [check, changes] : changes_by_check(model_report))
            if (changes.contains("NEW-ACCESS")) model_new.insert(check);
        for (const auto& [check, changes] : changes_by_check(tf_report))
            if (changes.contains("NEW-ACCESS")) tf_new.insert(check);
        EXPECT_EQ(tf_new, model_new);
        // Located in the Terraform: the .tf file and the resource's address.
        std::size_t located = 0;
        for (const auto& f : tf_report["findings"])
            if (f["change"] == "NEW-ACCESS" && f.contains("location")) {
                ++located;
                EXPECT_TRUE(f["location"]["file"].get<std::string>().ends_with(".tf")) << f.dump();
                EXPECT_TRUE(f["location"].contains("sourcePath")) << f.dump();
            }
        EXPECT_GT(located, 0u) << tf_diff.out;
        const auto schema_file = c.dir() / (std::string(mutant) + "-tf-diff.json");
        write_file(schema_file, tf_diff.out);
        EXPECT_EQ(schema_errors(diff_schema(), schema_file), "");
    }
}

// CloudFormation stacks on each side, with their STACK-OPTIONS: a SAM API whose CustomStatements
// pin the consumer's endpoint only while a parameter says so. Turning the pin off is new access,
// located in the template; the same stacks pass.
TEST(DiffGate, CloudFormationStacksDiffWithTheirOptions) {
    const fs::path fixtures = xc::test::source_dir() / "tests/input/cloudformation/fixtures";
    auto stacks = [](const std::string& pin) {
        return "--region eu-central-1 consumer.yaml --consumer --account 111111111111 sam-custom-if-deny.yaml --account 222222222222 "
               "--parameter-overrides 'EndpointId={{xc:output:consumer/EndpointId}}' PinToEndpoint=" + pin;
    };
    auto xc_here = [&](const std::string& args) { return run("cd " + quote(fixtures.string()) + " && " + quote(XC_CLI) + " " + args); };
    auto same = xc_here("diff --format json --old " + stacks("true") + " --new " + stacks("true"));
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    auto r = xc_here("diff --format json --old " + stacks("true") + " --new " + stacks("false"));
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    const json report = json::parse(r.out);
    std::size_t api_access = 0;
    for (const auto& f : report["findings"])
        if (f["change"] == "NEW-ACCESS" && f["check"] == "api-access") {
            ++api_access;
            ASSERT_TRUE(f.contains("location")) << f.dump();
            EXPECT_EQ(f["location"]["file"], "sam-custom-if-deny.yaml");
            EXPECT_EQ(f["location"]["sourcePath"].get<std::string>().rfind("/Resources/OrdersApi", 0), 0u) << f.dump();
        }
    EXPECT_EQ(api_access, 1u) << r.out;
    // The sides' arguments are checked like verify's: a side that is not one deployment, a side
    // missing, bad stack options.
    EXPECT_EQ(xc_here("diff --old consumer.yaml --account 111111111111 --region eu-central-1").exit_code, 2);
    EXPECT_EQ(xc_here("diff --new consumer.yaml --old consumer.yaml").exit_code, 2);
    auto two = xc_here("diff --old " + xc::test::reference_model_path().string() + " " + xc::test::reference_model_path().string() + " --new " +
                       xc::test::reference_model_path().string());
    EXPECT_EQ(two.exit_code, 2);
    EXPECT_NE(two.err.find("one deployment"), std::string::npos) << two.err;
    auto bad = xc_here("diff --old " + stacks("true") + " --new " + stacks("maybe"));
    EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
    EXPECT_EQ(bad.out, "");
}

}  // namespace diff_gate_test
