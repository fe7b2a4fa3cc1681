// xc verify as a CI gate, through the built binary: golden reports (text, JSON, SARIF) on the
// reference model and on violating variants, SARIF against the SARIF 2.1.0 schema and JSON
// against the report's schema, source locations, every exit code, --output, baselines, and
// the progress line.
//
// Golden files are tests/cli/golden/*; after an intended change of the reports, regenerate them
// with XC_UPDATE_GOLDEN=1 (then review the diff).
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace verify_gate_test {

using nlohmann::json;
using xc::test::quote;
using xc::test::read_file;
using xc::test::replace_once;
using xc::test::run;
using xc::test::write_file;

namespace {

namespace fs = std::filesystem;

std::string xc_cli(const std::string& args) { return quote(XC_CLI) + " " + args; }
// Runs from `dir` with relative model paths, as a CI job does from its checkout.
std::string xc_in(const fs::path& dir, const std::string& args) { return "cd " + quote(dir.string()) + " && " + xc_cli(args); }

fs::path golden_dir() { return xc::test::source_dir() / "tests/cli/golden"; }
fs::path npm_dir() { return XC_NPM_DIR; }
fs::path sarif_schema() { return npm_dir() / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"; }
fs::path report_schema() { return xc::test::source_dir() / "examples/ci/xc-report.schema.json"; }

// Compare with the golden file byte for byte, or rewrite it under XC_UPDATE_GOLDEN=1.
void expect_golden(const std::string& name, const std::string& actual) {
    auto file = golden_dir() / name;
    if (const char* update = std::getenv("XC_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        fs::create_directories(golden_dir());
        write_file(file, actual);
        return;
    }
    ASSERT_TRUE(fs::exists(file)) << file << " is missing; generate it with XC_UPDATE_GOLDEN=1";
    std::string expected = read_file(file);
    if (expected == actual) return;
    std::istringstream e(expected), a(actual);
    std::string el, al;
    int line = 1;
    while (std::getline(e, el) && std::getline(a, al) && el == al) ++line;
    ADD_FAILURE() << name << " differs from the golden file at line " << line << ":\n  golden: " << el << "\n  actual: " << al
                  << "\n(if the change is intended: XC_UPDATE_GOLDEN=1 ctest -R Gate, then review the diff)";
}

// A variant of the reference model, changed by text so every other line keeps its position.
struct Variant {
    const char* name;
    const char* from;
    const char* to;
};

// The Allow in the service template admits any endpoint: both services violate, located in the template.
const Variant any_vpce{"any-vpce", R"("Condition": { "StringEquals": { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718" } })",
                       R"("Condition": { "StringLike": { "aws:SourceVpce": "vpce-*" } })"};
// The consumer's secret policy lets a foreign account read the endpoint id.
const Variant foreign_reader{"foreign-reader",
                             "\"Sid\": \"ServicesRead\",\n              \"Effect\": \"Allow\",\n              \"Principal\": { \"AWS\": [ "
                             "\"arn:aws:iam::222222222222:root\", \"arn:aws:iam::333333333333:root\" ] }",
                             "\"Sid\": \"ServicesRead\",\n              \"Effect\": \"Allow\",\n              \"Principal\": { \"AWS\": [ "
                             "\"arn:aws:iam::222222222222:root\", \"arn:aws:iam::333333333333:root\", \"arn:aws:iam::999999999999:root\" ] }"};
// An internet-facing load balancer.
const Variant public_alb{"public-alb", R"("scheme": "internal")", R"("scheme": "internet-facing")"};
// A policy variable in a condition value whose key and compared key both range over every
// caller's values: xc does not decide those, so api-endpoint-only is UNDECIDED for both services — deterministically, unlike a solver timeout. (The consumer's
// anonymous calls then match no Allow, so api-liveness is violated.)
const Variant policy_variable{"policy-variable", R"("Condition": { "StringEquals": { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718" } })",
                              R"("Condition": { "StringEquals": { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718", "aws:PrincipalTag/team": "${aws:username}" } })"};

// A scratch checkout: variants/<name>.json, reports written next to them.
class Checkout {
public:
    const fs::path& dir() const { return tmp_.path(); }
    std::string add(const Variant& v) {
        return add(v.name, replace_once(xc::test::reference_model_text(), v.from, v.to));
    }
    std::string add(const std::string& name, const std::string& text) {
        fs::create_directories(dir() / "variants");
        std::string relative = "variants/" + name + ".json";
        write_file(dir() / relative, text);
        return relative;
    }
    std::string add_file(const std::string& relative, const std::string& text) {
        write_file(dir() / relative, text);
        return relative;
    }

private:
    xc::test::TempDir tmp_;
};

// A corpus mutant (RFC 6902 patch of the reference model), dumped with one-space indents.
std::string corpus_mutant(const std::string& name) {
    auto corpus = json::parse(read_file(xc::test::source_dir() / "tests/verify/corpus.json"));
    for (const auto& m : corpus["mutants"])
        if (m["name"] == name) return json::parse(xc::test::reference_model_text()).patch(m["patch"]).dump(1) + "\n";
    throw std::runtime_error("no corpus mutant " + name);
}

// The reference model with `extra` more services stamped from its template: many private APIs.
std::string many_apis_model(int extra) {
    auto m = json::parse(xc::test::reference_model_text());
    for (int i = 0; i < extra; ++i) {
        char name[24], id[24];  // room for any int: the compiler cannot see that i < 100
        std::snprintf(name, sizeof name, "svc%02d", i);
        std::snprintf(id, sizeof id, "4444444444%02d", i);
        m["accounts"][name] = {{"id", id}, {"role", "service"}};
        m["services"][name] = {{"account", name}, {"template", "orders-service"}, {"parameters", {{"orderOptions", {"a"}}}}};
    }
    return m.dump(1);
}

// Validate documents with ajv (tests/npm) against a JSON Schema; "" when valid, else the errors.
std::string schema_errors(const fs::path& schema, const std::vector<fs::path>& documents) {
    std::string cmd = "node";
    for (const auto& arg : {xc::test::source_dir() / "tests/cli/validate_json_schema.js", npm_dir(), schema}) {
        cmd += ' ';
        cmd += quote(arg.string());
    }
    for (const auto& d : documents) {
        cmd += ' ';
        cmd += quote(d.string());
    }
    auto r = run(cmd);
    if (r.exit_code == 0) return {};
    std::string errors = "exit ";
    errors += std::to_string(r.exit_code);
    errors += ": ";
    return errors + r.err + r.out;
}

void require_node_checkers() {
    ASSERT_EQ(run("command -v node").exit_code, 0) << "node is missing: run scripts/setup.sh --tests (installs nodejs and npm)";
    ASSERT_TRUE(fs::exists(npm_dir() / "node_modules/ajv-draft-04/package.json") && fs::exists(sarif_schema()))
        << "the pinned npm checkers are missing (ajv-draft-04, @microsoft/jest-sarif with the SARIF 2.1.0 schema): "
           "run scripts/setup.sh --tests";
}

const std::string reference = "models/cross-account-microservices.json";
const std::string second_model = "models/three-services-private-domains.json";

}  // namespace

// ---- golden reports ---------------------------------------------------------------------------

TEST(Gate, GoldenReportsOfTheReferenceModel) {
    for (const std::string format : {"text", "json", "sarif"}) {
        auto r = run(xc_in(xc::test::source_dir(), "verify " + reference + " --format " + format));
        EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
        EXPECT_EQ(r.err, "") << format;  // no progress line, no warnings: stderr is not a terminal
        expect_golden(std::string("reference.") + (format == "text" ? "txt" : format), r.out);
    }
}

TEST(Gate, GoldenReportOfTwoModelsIsOneReport) {
    for (const std::string format : {"text", "json"}) {
        auto r = run(xc_in(xc::test::source_dir(), "verify " + reference + " " + second_model + " --format " + format));
        EXPECT_EQ(r.exit_code, 0) << r.err;
        expect_golden(std::string("two-models.") + (format == "text" ? "txt" : format), r.out);
    }
}

TEST(Gate, GoldenReportsOfViolatingVariants) {
    Checkout c;
    for (const auto* v : {&any_vpce, &foreign_reader, &public_alb}) {
        auto model = c.add(*v);
        for (const std::string format : {"text", "json", "sarif"}) {
            auto r = run(xc_in(c.dir(), "verify " + model + " --format " + format));
            EXPECT_EQ(r.exit_code, 1) << v->name << " " << format << ": " << r.err;
            EXPECT_EQ(r.err, "");
            expect_golden(std::string(v->name) + "." + (format == "text" ? "txt" : format), r.out);
        }
    }
    // Undecided (exit 3): only the property the policy variable leaves undecided.
    auto undecided = c.add(policy_variable);
    for (const std::string format : {"text", "sarif"}) {
        auto r = run(xc_in(c.dir(), "verify " + undecided + " --properties api-endpoint-only --format " + format));
        EXPECT_EQ(r.exit_code, 3) << format << ": " << r.err;
        expect_golden("policy-variable." + std::string(format == "text" ? "txt" : format), r.out);
    }
    // A corpus mutant: an extra NotAction Allow; the finding points at that statement, not at the first.
    auto model = c.add("notaction-allow", corpus_mutant("notaction-allow"));
    auto r = run(xc_in(c.dir(), "verify " + model + " --format sarif"));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    expect_golden("notaction-allow.sarif", r.out);
}

TEST(Gate, ReportsAreStableAcrossRuns) {
    Checkout c;
    auto model = c.add(any_vpce);
    for (const std::string format : {"text", "json", "sarif"}) {
        auto first = run(xc_in(c.dir(), "verify " + model + " " + reference + " --format " + format));
        auto second = run(xc_in(c.dir(), "verify " + model + " " + reference + " --format " + format));
        EXPECT_EQ(first.out, second.out) << format;
        EXPECT_EQ(first.out.find(c.dir().string()), std::string::npos) << "no absolute paths unless given";
    }
}

// ---- schemas --------------------------------------------------------------------------------------

TEST(Gate, SarifValidatesAgainstTheSarif210Schema) {
    require_node_checkers();
    std::vector<fs::path> docs;
    for (const auto& e : fs::directory_iterator(golden_dir()))
        if (e.path().extension() == ".sarif") docs.push_back(e.path());
    EXPECT_GE(docs.size(), 5u);
    // Fresh ones with what the goldens lack: undecided results, several models, suppressions, unused ones.
    Checkout c;
    auto model = c.add(any_vpce);
    auto undecided_model = c.add(policy_variable);
    c.add_file("baseline.json", R"({"xcBaseline": 1, "suppressions": [
  {"property": "api-endpoint-only", "subject": "food/rest-api/orders", "reason": "accepted until OPS-12"},
  {"property": "lambda-invoke", "subject": "food/lambda/post-order", "reason": "stale"}]})");
    run(xc_in(c.dir(), "verify " + model + " " + undecided_model + " " + quote((xc::test::source_dir() / reference).string()) +
                           " --baseline baseline.json --format sarif -o undecided.sarif"));
    docs.push_back(c.dir() / "undecided.sarif");
    auto undecided = json::parse(read_file(c.dir() / "undecided.sarif"));
    bool has_warning = false;
    for (const auto& r : undecided["runs"][0]["results"]) has_warning |= r["level"] == "warning";
    EXPECT_TRUE(has_warning) << "undecided results are warnings";
    EXPECT_EQ(undecided["runs"][0]["artifacts"].size(), 3u);
    EXPECT_EQ(undecided["runs"][0]["artifacts"][2]["location"]["uri"], "file://" + (xc::test::source_dir() / reference).string())
        << "an absolute path given is a file: URI";
    EXPECT_EQ(schema_errors(sarif_schema(), docs), "");
    // The validator is not vacuous: a SARIF log with a misspelt member is refused.
    auto bad = undecided;
    bad["runs"][0]["results"][0]["rule"] = "api-endpoint-only";
    write_file(c.dir() / "bad.sarif", bad.dump());
    EXPECT_NE(schema_errors(sarif_schema(), {c.dir() / "bad.sarif"}), "");
}

TEST(Gate, JsonValidatesAgainstTheReportSchema) {
    require_node_checkers();
    std::vector<fs::path> docs;
    for (const auto& e : fs::directory_iterator(golden_dir()))
        if (e.path().extension() == ".json") docs.push_back(e.path());
    EXPECT_GE(docs.size(), 4u);
    Checkout c;
    auto model = c.add(any_vpce);
    c.add_file("baseline.json", R"({"xcBaseline": 1, "suppressions": [
  {"property": "api-endpoint-only", "subject": "food/rest-api/orders", "reason": "accepted until OPS-12"},
  {"property": "lambda-invoke", "subject": "food/lambda/post-order", "reason": "stale"}]})");
    run(xc_in(c.dir(), "verify " + model + " " + c.add(policy_variable) + " --baseline baseline.json --format json -o report.json"));
    docs.push_back(c.dir() / "report.json");
    auto report = json::parse(read_file(c.dir() / "report.json"));
    EXPECT_EQ(report["xcReport"], 2);
    EXPECT_EQ(report["baseline"]["unused"].size(), 1u);
    EXPECT_EQ(schema_errors(report_schema(), docs), "");
    auto bad = report;
    bad["models"][0]["findings"][0]["verdict"] = "MAYBE";
    write_file(c.dir() / "bad.json", bad.dump());
    EXPECT_NE(schema_errors(report_schema(), {c.dir() / "bad.json"}), "");
}

// ---- locations ------------------------------------------------------------------------------------

namespace {
// 1-based line and column of the first '{' on the line before the line containing `marker`:
// where a statement that starts with that Sid is written.
std::pair<int, int> statement_start(const std::string& text, const std::string& marker) {
    auto at = text.find(marker);
    if (at == std::string::npos) throw std::runtime_error("marker not found");
    auto line_start = text.rfind('\n', at);
    auto prev_start = text.rfind('\n', line_start - 1) + 1;
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(prev_start), '\n'));
    int column = 1 + static_cast<int>(text.find('{', prev_start) - prev_start);
    return {line, column};
}
}  // namespace

TEST(Gate, SarifLocationsPointAtTheOffendingStatement) {
    Checkout c;
    struct Case {
        const Variant* variant;
        std::string subject;
        std::string marker;  // the line after the statement's '{'
    };
    for (const auto& k : {Case{&any_vpce, "food/rest-api/orders", "\"Sid\": \"OnlyTheConsumerEndpoint\""},
                          Case{&any_vpce, "beverage/rest-api/orders", "\"Sid\": \"OnlyTheConsumerEndpoint\""},
                          Case{&foreign_reader, "consumer/secret/endpoint-id", "\"Sid\": \"ServicesRead\""}}) {
        auto model = c.add(*k.variant);
        auto r = run(xc_in(c.dir(), "verify " + model + " --format sarif"));
        ASSERT_EQ(r.exit_code, 1) << r.err;
        auto sarif = json::parse(r.out);
        auto [line, column] = statement_start(read_file(c.dir() / model), k.marker);
        bool found = false;
        for (const auto& result : sarif["runs"][0]["results"]) {
            if (result["properties"]["subject"] != k.subject) continue;
            found = true;
            const auto& loc = result["locations"][0]["physicalLocation"];
            EXPECT_EQ(loc["artifactLocation"]["uri"], model);
            EXPECT_EQ(loc["region"]["startLine"], line) << k.subject;
            EXPECT_EQ(loc["region"]["startColumn"], column) << k.subject;
            EXPECT_EQ(result["level"], "error");
            EXPECT_EQ(result["partialFingerprints"]["xc/v1"], result["ruleId"].get<std::string>() + ":" + k.subject);
        }
        EXPECT_TRUE(found) << k.subject;
    }
    // The corpus mutant appends a second statement: the location is that one's, not the first's.
    auto model = c.add("notaction-allow", corpus_mutant("notaction-allow"));
    auto sarif = json::parse(run(xc_in(c.dir(), "verify " + model + " --format sarif")).out);
    auto text = read_file(c.dir() / model);
    for (const auto& result : sarif["runs"][0]["results"]) {
        if (result["ruleId"] != "api-endpoint-only") continue;
        std::string pointer = result["properties"]["modelPath"];
        EXPECT_EQ(pointer.substr(pointer.size() - 12), "/Statement/1") << pointer;
        // From the located '{' to its '}': the statement with the NotAction.
        int line = result["locations"][0]["physicalLocation"]["region"]["startLine"];
        int column = result["locations"][0]["physicalLocation"]["region"]["startColumn"];
        std::size_t at = 0;
        for (int i = 1; i < line; ++i) at = text.find('\n', at) + 1;
        at += static_cast<std::size_t>(column - 1);
        ASSERT_EQ(text[at], '{');
        auto statement = text.substr(at, text.find('}', at) - at);
        EXPECT_NE(statement.find("\"NotAction\""), std::string::npos) << statement;
    }
}

// ---- exit codes -----------------------------------------------------------------------------------

TEST(Gate, ExitZeroWhenEveryPropertyIsProved) {
    auto r = run(xc_in(xc::test::source_dir(), "verify " + reference + " " + second_model));
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Gate, ExitOneOnAViolation) {
    Checkout c;
    auto model = c.add(any_vpce);
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + model)).exit_code, 1);
    // The worst over several models: a violation in one fails the run.
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + quote((xc::test::source_dir() / reference).string()) + " " + model)).exit_code, 1);
}

TEST(Gate, ExitThreeWhenAPropertyCannotBeDecided) {
    Checkout c;
    auto undecided = c.add(policy_variable);
    auto ok = quote((xc::test::source_dir() / reference).string());
    auto r = run(xc_in(c.dir(), "verify " + undecided + " --properties api-endpoint-only"));
    EXPECT_EQ(r.exit_code, 3) << r.out;
    EXPECT_NE(r.out.find("UNDECIDED api-endpoint-only  food/rest-api/orders"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("VIOLATED"), std::string::npos);
    // Undecided in one model, proved in another: still 3.
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + ok + " " + undecided + " --properties api-endpoint-only")).exit_code, 3);
    // A violation beats an undecided property, in one model and across models.
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + undecided)).exit_code, 1);
    auto violated = c.add(any_vpce);
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + undecided + " " + violated + " --properties api-endpoint-only")).exit_code, 1);
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + violated + " " + undecided + " --properties api-endpoint-only")).exit_code, 1);
}

// A solver timeout is UNDECIDED too, never a pass: whatever a 1 ms budget leaves undecided on
// this machine, the exit code agrees with the verdicts.
TEST(Gate, TimeoutsAreUndecidedNeverAPass) {
    Checkout c;
    auto many = c.add("many", many_apis_model(10));
    for (int i = 0; i < 3; ++i) {
        auto r = run(xc_in(c.dir(), "verify " + many + " --skip api-endpoint-only,dns-tls,secret-share --timeout-ms 1 --format json"));
        auto report = json::parse(r.out);
        int expected = report["summary"]["violated"] > 0 ? 1 : report["summary"]["undecided"] > 0 ? 3 : 0;
        EXPECT_EQ(r.exit_code, expected) << r.out;
        for (const auto& f : report["models"][0]["findings"])
            if (f["verdict"] == "UNDECIDED") {
                // Z3's own "timeout", or the query's deadline: "query timed out after 1 ms in ...".
                const auto message = f["message"].get<std::string>();
                EXPECT_TRUE(message.find("timeout") != std::string::npos || message.find("timed out after 1 ms") != std::string::npos)
                    << f.dump();
            }
    }
}

// --run-timeout-ms bounds the whole run, over every model given: what it leaves is UNDECIDED
// (exit 3), one finding per property and subject, never a pass.
TEST(Gate, TheRunTimeoutLeavesTheRestUndecided) {
    Checkout c;
    auto ok = quote((xc::test::source_dir() / reference).string());
    auto r = run(xc_in(c.dir(), "verify " + ok + " " + ok + " --run-timeout-ms 0 --format json"));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    auto report = json::parse(r.out);
    ASSERT_EQ(report["models"].size(), 2u);
    for (const auto& m : report["models"]) {
        EXPECT_GT(m["findings"].size(), 0u);
        for (const auto& f : m["findings"]) {
            EXPECT_EQ(f["verdict"], "UNDECIDED") << f.dump();
            EXPECT_EQ(f["message"], "not checked: run timed out after 0 ms before this check") << f.dump();
        }
    }
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + ok + " --run-timeout-ms 600000")).exit_code, 0);
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + ok + " --run-timeout-ms soon")).exit_code, 2);
}

TEST(Gate, ExitTwoOnBadInputOrUsageWithNoReport) {
    Checkout c;
    auto bad = c.add("bad", replace_once(xc::test::reference_model_text(), "\"scheme\": \"internal\"", "\"scheme\": \"public\""));
    auto ok = quote((xc::test::source_dir() / reference).string());
    for (const std::string format : {"text", "json", "sarif"}) {
        // Bad input in any model: exit 2, every model's diagnostics, no partial report.
        auto r = run(xc_in(c.dir(), "verify " + ok + " " + bad + " missing.json --format " + format));
        EXPECT_EQ(r.exit_code, 2) << format;
        EXPECT_EQ(r.out, "") << format;
        EXPECT_NE(r.err.find("variants/bad.json:"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("at /consumer/loadBalancers/internal/scheme: expected one of"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("missing.json: error: at /: cannot open file"), std::string::npos) << r.err;
    }
    auto usage = [&](const std::string& args) {
        auto r = run(xc_in(c.dir(), "verify " + args));
        EXPECT_EQ(r.exit_code, 2) << args;
        EXPECT_EQ(r.out, "") << args;
        return r.err;
    };
    EXPECT_NE(usage(ok + " --format xml").find("--format"), std::string::npos);
    EXPECT_NE(usage(ok + " --properties api-endpoint-onyl").find("unknown property 'api-endpoint-onyl' (did you mean 'api-endpoint-only'?)"),
              std::string::npos);
    EXPECT_NE(usage(ok + " --skip nope").find("unknown property 'nope'"), std::string::npos);
    usage("");  // no model
    usage(ok + " --timeout-ms soon");
    EXPECT_NE(usage(ok + " --baseline nowhere.json").find("nowhere.json: error: at /: cannot open file"), std::string::npos);
}

// ---- --output -------------------------------------------------------------------------------------

TEST(Gate, OutputWritesTheReportAtomicallyAndNothingOnBadInput) {
    Checkout c;
    auto model = c.add(any_vpce);
    auto to_stdout = run(xc_in(c.dir(), "verify " + model + " --format sarif"));
    auto to_file = run(xc_in(c.dir(), "verify " + model + " --format sarif --output out.sarif"));
    EXPECT_EQ(to_file.exit_code, 1);
    EXPECT_EQ(to_file.out, "");
    EXPECT_EQ(read_file(c.dir() / "out.sarif"), to_stdout.out);
    EXPECT_EQ(to_file.err, "xc verify: out.sarif: 25 proved, 2 violated, 0 undecided\n");
    // Bad input: the previous report stays as it was, and no temporary file is left behind.
    auto bad = c.add("bad", "{\"xc\": 1,\n  \"name\": }");
    auto r = run(xc_in(c.dir(), "verify " + bad + " --format sarif -o out.sarif"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(read_file(c.dir() / "out.sarif"), to_stdout.out);
    r = run(xc_in(c.dir(), "verify " + bad + " -o fresh.txt"));
    EXPECT_FALSE(fs::exists(c.dir() / "fresh.txt"));
    for (const auto& e : fs::directory_iterator(c.dir()))
        EXPECT_EQ(e.path().filename().string().find(".xc-"), std::string::npos) << e.path();
    // An unwritable destination is exit 2, with the reason.
    auto unwritable = run(xc_in(c.dir(), "verify " + model + " -o no/such/dir/report.txt"));
    EXPECT_EQ(unwritable.exit_code, 2);
    EXPECT_NE(unwritable.err.find("xc verify: cannot write the report: no/such/dir/report.txt: cannot create"), std::string::npos)
        << unwritable.err;
}

// ---- baselines ------------------------------------------------------------------------------------

TEST(Gate, BaselineSuppressesAcceptedFindingsAndReportsUnusedOnes) {
    Checkout c;
    auto model = c.add(any_vpce);
    c.add_file("baseline.json", R"({
  "xcBaseline": 1,
  "suppressions": [
    {"property": "api-endpoint-only", "subject": "food/rest-api/orders", "reason": "food is retired in Q3, OPS-12"},
    {"property": "lambda-invoke", "subject": "food/lambda/post-order", "reason": "fixed long ago"}
  ]
}
)");
    for (const std::string format : {"text", "json", "sarif"}) {
        auto r = run(xc_in(c.dir(), "verify " + model + " --baseline baseline.json --format " + format));
        EXPECT_EQ(r.exit_code, 1) << "beverage's violation is not suppressed";
        EXPECT_EQ(r.err, "baseline.json:5:5: warning: at /suppressions/1: unused suppression: no violated or undecided lambda-invoke "
                         "finding on food/lambda/post-order (fixed? remove it from the baseline)\n");
        expect_golden(std::string("baseline.") + (format == "text" ? "txt" : format), r.out);
    }
    // Suppressing both violations passes the gate; the findings are still reported as suppressed.
    c.add_file("all.json", R"({"xcBaseline": 1, "suppressions": [
  {"property": "api-endpoint-only", "subject": "food/rest-api/orders", "reason": "OPS-12", "model": "variants/any-vpce.json"},
  {"property": "api-endpoint-only", "subject": "beverage/rest-api/orders", "reason": "OPS-13",
   "path": "/services/beverage/apis/orders/policy/Statement/0"}]})");
    auto r = run(xc_in(c.dir(), "verify " + model + " --baseline all.json --format json"));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.err, "");
    auto report = json::parse(r.out);
    EXPECT_EQ(report["summary"]["violated"], 2);
    EXPECT_EQ(report["summary"]["suppressed"], 2);
    // A suppression pinned to another model or path does not apply.
    c.add_file("pinned.json", R"({"xcBaseline": 1, "suppressions": [
  {"property": "api-endpoint-only", "subject": "food/rest-api/orders", "reason": "OPS-12", "model": "models/other.json"},
  {"property": "api-endpoint-only", "subject": "beverage/rest-api/orders", "reason": "OPS-13", "path": "/services/beverage"}]})");
    r = run(xc_in(c.dir(), "verify " + model + " --baseline pinned.json"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("at /suppressions/0: unused suppression"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("at /suppressions/1: unused suppression"), std::string::npos) << r.err;
    // A suppression of a property this run did not check is not "unused".
    r = run(xc_in(c.dir(), "verify " + model + " --baseline baseline.json --skip lambda-invoke"));
    EXPECT_EQ(r.err, "");
}

TEST(Gate, BaselineAcceptsAnUndecidedFinding) {
    Checkout c;
    auto model = c.add(policy_variable);
    c.add_file("baseline.json", R"({"xcBaseline": 1, "suppressions": [
  {"property": "api-endpoint-only", "subject": "food/rest-api/orders", "reason": "team tags checked by SCP, OPS-9"},
  {"property": "api-endpoint-only", "subject": "beverage/rest-api/orders", "reason": "team tags checked by SCP, OPS-9"}]})");
    auto r = run(xc_in(c.dir(), "verify " + model + " --properties api-endpoint-only --baseline baseline.json --format json"));
    auto report = json::parse(r.out);
    EXPECT_EQ(report["summary"]["undecided"], 2);
    EXPECT_EQ(report["summary"]["suppressed"], 2);
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Gate, MalformedBaselineIsExitTwoWithPathPreciseErrors) {
    Checkout c;
    auto model = quote((xc::test::source_dir() / reference).string());
    c.add_file("b.json", R"({
  "xcBaseline": 1,
  "supressions": [],
  "suppressions": [
    {"property": "api-endpoint-onyl", "subject": "food/rest-api/orders", "reason": "x"},
    {"property": "dns-tls", "subject": "food/rest-api/orders", "reason": "  "},
    {"property": "dns-tls", "subject": "food/rest-api/orders"},
    {"property": "dns-tls", "subject": "", "reason": "r", "path": "services", "note": 1},
    {"property": "lambda-data", "subject": "food/role/lambda", "reason": "r"},
    {"property": "lambda-data", "subject": "food/role/lambda", "reason": "again"},
    "api-liveness"
  ]
}
)");
    auto r = run(xc_in(c.dir(), "verify " + model + " --baseline b.json -o report.txt"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(c.dir() / "report.txt"));
    for (const char* expected : {
             "b.json:3:3: error: at /supressions: unknown member 'supressions' (did you mean 'suppressions'?)",
             "b.json:5:6: error: at /suppressions/0/property: unknown property 'api-endpoint-onyl' (did you mean 'api-endpoint-only'?)",
             "b.json:6:64: error: at /suppressions/1/reason: expected why the finding is accepted, found an empty reason",
             "b.json:7:5: error: at /suppressions/2: missing member 'reason'",
             "b.json:8:29: error: at /suppressions/3/subject: expected the finding's subject",
             "b.json:8:59: error: at /suppressions/3/path: expected a JSON Pointer into the model (starting with '/'), found 'services'",
             "b.json:8:79: error: at /suppressions/3/note: unknown member 'note'",
             "b.json:10:5: error: at /suppressions/5: duplicate of the suppression at /suppressions/4",
             "b.json:11:5: error: at /suppressions/6: expected a suppression object",
         })
        EXPECT_NE(r.err.find(expected), std::string::npos) << expected << "\n---\n" << r.err;
    c.add_file("v.json", R"({"xcBaseline": 2, "suppressions": []})");
    EXPECT_NE(run(xc_in(c.dir(), "verify " + model + " --baseline v.json")).err.find(
                  "v.json:1:2: error: at /xcBaseline: expected 1 (the only baseline format version), found 2"),
              std::string::npos);
    c.add_file("m.json", "{\"xcBaseline\": 1,\n \"suppressions\": [ }");
    auto m = run(xc_in(c.dir(), "verify " + model + " --baseline m.json"));
    EXPECT_EQ(m.exit_code, 2);
    EXPECT_NE(m.err.find("m.json:2:20: error: at /suppressions/0: malformed JSON"), std::string::npos) << m.err;
}

TEST(Gate, BaselineSchemaAgreesWithTheLoader) {
    require_node_checkers();
    auto schema = xc::test::source_dir() / "examples/ci/xc-baseline.schema.json";
    Checkout c;
    auto model = quote((xc::test::source_dir() / reference).string());
    c.add_file("good.json", R"({"$schema": "xc-baseline.schema.json", "xcBaseline": 1, "suppressions": [
  {"property": "dns-tls", "subject": "food/rest-api/orders", "reason": "OPS-1", "path": "/services/food", "model": "m.json"}]})");
    EXPECT_EQ(schema_errors(schema, {c.dir() / "good.json"}), "");
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + model + " --baseline good.json")).exit_code, 0);
    for (const std::string bad : {R"({"xcBaseline": 1, "suppressions": [{"property": "dns-tls", "subject": "s", "reason": " "}]})",
                                  R"({"xcBaseline": 1, "suppressions": [{"property": "dns", "subject": "s", "reason": "r"}]})",
                                  R"({"xcBaseline": 1, "suppressions": [{"property": "dns-tls", "subject": "s"}]})",
                                  R"({"xcBaseline": 1, "suppressions": [{"property": "dns-tls", "subject": "s", "reason": "r", "path": "x"}]})",
                                  R"({"xcBaseline": 2, "suppressions": []})", R"({"suppressions": []})"}) {
        c.add_file("bad.json", bad);
        EXPECT_NE(schema_errors(schema, {c.dir() / "bad.json"}), "") << bad;
        EXPECT_EQ(run(xc_in(c.dir(), "verify " + model + " --baseline bad.json")).exit_code, 2) << bad;
    }
}

// ---- property selection ---------------------------------------------------------------------------

TEST(Gate, PropertiesAndSkipSelectByStableId) {
    Checkout c;
    auto model = c.add(any_vpce);
    auto only = json::parse(run(xc_in(c.dir(), "verify " + model + " --properties api-endpoint-only,dns-tls --format json")).out);
    std::set<std::string> seen;
    for (const auto& f : only["models"][0]["findings"]) seen.insert(f["property"]);
    EXPECT_EQ(seen, (std::set<std::string>{"api-endpoint-only", "dns-tls"}));
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + model + " --skip api-endpoint-only")).exit_code, 0);
    EXPECT_EQ(run(xc_in(c.dir(), "verify " + model + " --properties lambda-data")).exit_code, 0);
}

// ---- progress -------------------------------------------------------------------------------------

TEST(Gate, ProgressLineOnlyOnATerminalAndOnlyForManyApis) {
    ASSERT_EQ(run("command -v script").exit_code, 0) << "script (util-linux) is missing";
    Checkout c;
    auto many = c.add("many", many_apis_model(25));  // 27 private APIs
    // Not a terminal (a pipe, as in CI): silent.
    auto piped = run(xc_in(c.dir(), "verify " + many));
    EXPECT_EQ(piped.exit_code, 1);
    EXPECT_EQ(piped.err, "");
    // A terminal: "verify: n/27 APIs, t s", rewritten in place, ending with 27/27 and erased.
    auto tty = [&](const std::string& model) {
        return run("cd " + quote(c.dir().string()) + " && script -qec " + quote(quote(XC_CLI) + " verify " + model + " >/dev/null") +
                   " /dev/null </dev/null");
    };
    auto t = tty(many);
    EXPECT_NE(t.out.find("\rverify: 1/27 APIs, "), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("\rverify: 27/27 APIs, "), std::string::npos) << t.out;
    EXPECT_NE(t.out.find(" s\033[K"), std::string::npos) << t.out;
    EXPECT_EQ(t.out.substr(t.out.size() - 4), "\r\033[K") << "the line is erased at the end";
    // A terminal but a small model: silent.
    auto small = tty(quote((xc::test::source_dir() / reference).string()));
    EXPECT_EQ(small.out.find("verify:"), std::string::npos) << small.out;
}

}  // namespace verify_gate_test
