// What xc emits, checked by the real tools (issue 24): Terraform 1.11.4 with the AWS provider
// 5.100.0 from this machine kind's filesystem mirror (nothing is downloaded), and cfn-lint.
//  * every shipped model and every correct variant of the mutation corpus: `terraform init` and
//    `terraform validate` of every emitted root (all of them as modules of one wrapper root, so
//    the provider's schema loads once), `terraform fmt -check`, and `cfn-lint` on every template
//    (no error; each warning rule listed below with its reason, as the README lists them);
//  * every root of every shipped model: `terraform test` with a mock AWS provider, planning and
//    applying it (references, counts, plan-time functions and the provider's own checks of the
//    values it receives).
// The roots ask for "~> 6.25"; the mirror holds 5.100.0, so an override file per root pins it
// (Terraform merges *_override.tf files). The mirror has no `tls` provider: self-signed
// certificates are replaced by existing ACM certificates in the models checked here (the
// emitter's other certificate form) — the tls resources are checked by the schema test
// (terraform/terraform_test.cpp) only. A machine without terraform or cfn-lint fails these tests.
#include <xc/emit/cloudformation.hpp>
#include <xc/emit/terraform.hpp>

#include <model_support.hpp>
#include <model_variants.hpp>
#include <terraform_environment.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace real_tools_test {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using xc::test::quote;
using xc::test::run;

// cfn-lint warnings the emitted templates still raise, each with why it stays (README, Deploy).
const std::map<std::string, std::string> accepted_cfn_lint_warnings{
    {"W3002", "Lambda Code is a local zip path that `aws cloudformation package` uploads, as the template's README says"},
    {"W3010", "subnets name the Availability Zones the model gives: the proofs (an ALB in two zones) reason about those names, "
              "so the template deploys exactly them"},
};

struct CheckedModel {
    std::string name;
    json model;
};

// Self-signed certificates (the tls provider, absent from the mirror) become existing ACM ones.
void use_acm_certificates(json& j) {
    if (j.is_object()) {
        if (j.value("selfSigned", false)) {
            j.erase("selfSigned");
            j["arn"] = "arn:aws:acm:eu-central-1:111111111111:certificate/00000000-0000-0000-0000-000000000000";
        }
        for (auto& [_, v] : j.items()) use_acm_certificates(v);
    } else if (j.is_array()) {
        for (auto& v : j) use_acm_certificates(v);
    }
}

// The shipped models, then every correct corpus variant (a mutant does not verify: not emitted).
std::vector<CheckedModel> checked_models(bool with_variants) {
    std::vector<CheckedModel> out;
    for (const char* name : {"cross-account-microservices", "three-services-private-domains"})
        out.push_back({name, xc::test::model_json(name)});
    if (with_variants) {
        const json corpus = json::parse(xc::test::read_file(xc::test::source_dir() / "tests/verify/corpus.json"));
        const json reference = xc::test::model_json();
        for (const auto& e : corpus["correct"]) out.push_back({e["name"].get<std::string>(), reference.patch(e["patch"])});
    }
    for (auto& m : out) use_acm_certificates(m.model);
    return out;
}

void write(const fs::path& p, std::string_view text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// Writes the files under `dir`; returns the root directories (each holding a versions.tf).
std::vector<fs::path> write_roots(const xc::emit::FileSet& files, const fs::path& dir) {
    std::vector<fs::path> roots;
    for (const auto& [path, f] : files.files()) {
        write(dir / path, f.content);
        if (fs::path(path).filename() == "versions.tf") roots.push_back((dir / path).parent_path());
    }
    return roots;
}

using xc::test::TerraformEnvironment;

const TerraformEnvironment& terraform() {
    static const TerraformEnvironment env;
    return env;
}

constexpr std::string_view pin_provider =
    "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"5.100.0\"\n    }\n  }\n}\n";

std::string report(const xc::test::CommandResult& r) { return r.out + r.err; }
std::string quote_hcl(const std::string& s) { return "\"" + s + "\""; }

// Terraform for `m`, with every Lambda zip a root reads present (an empty placeholder).
std::vector<fs::path> emit_terraform_roots(const CheckedModel& m, const fs::path& dir) {
    xc::emit::TerraformOptions options;
    options.lambda_dist_dir = (dir / "lambda/{service}/dist").string();
    auto roots = write_roots(xc::emit::emit_terraform(xc::test::graph_of_json(m.model), options), dir / "terraform");
    static const std::regex zip(R"re("\$\{var\.lambda_dist_dir\}/([^"/]+\.zip)")re");
    for (const auto& root : roots) {
        const fs::path dist = dir / "lambda" / root.filename() / "dist";
        for (const auto& entry : fs::directory_iterator(root)) {
            const std::string text = xc::test::read_file(entry.path());
            for (auto it = std::sregex_iterator(text.begin(), text.end(), zip); it != std::sregex_iterator(); ++it) {
                EXPECT_NE(xc::test::read_file(root / "variables.tf").find(quote_hcl(dist.string())), std::string::npos) << root;
                write(dist / (*it)[1].str(), "");
            }
        }
    }
    return roots;
}

bool has_import_blocks(const fs::path& root) {
    for (const auto& entry : fs::directory_iterator(root))
        if (xc::test::read_file(entry.path()).find("\nimport {") != std::string::npos) return true;
    return false;
}

TEST(RealTools, EveryEmittedRootIsFormattedAndValidatesAgainstTheAwsProvider) {
    terraform().require();
    xc::test::TempDir tmp;
    std::string wrapper(pin_provider);
    std::vector<fs::path> roots, alone;  // alone: import blocks are only allowed in a root module
    for (const auto& m : checked_models(true))
        for (const auto& root : emit_terraform_roots(m, tmp / m.name)) {
            roots.push_back(root);
            if (has_import_blocks(root)) {
                alone.push_back(root);
                continue;
            }
            const std::string module = m.name + "_" + root.filename().string();
            wrapper += "\nmodule \"" + std::regex_replace(module, std::regex("[^A-Za-z0-9_]"), "_") + "\" {\n  source = \"./" +
                       fs::relative(root, tmp.path()).string() + "\"\n}\n";
        }
    auto fmt = terraform()(tmp.path(), "fmt -check -recursive -list=true");
    EXPECT_EQ(fmt.exit_code, 0) << "not in canonical format:\n" << report(fmt);
    // Pin the mirror's version in every root (after fmt: the override files are ours).
    for (const auto& root : roots) write(root / "xc_test_override.tf", pin_provider);
    write(tmp / "main.tf", wrapper);
    std::vector<fs::path> validated{tmp.path()};
    validated.insert(validated.end(), alone.begin(), alone.end());
    for (const auto& dir : validated) {
        SCOPED_TRACE(dir.string());
        auto init = terraform()(dir, "init -backend=false -input=false");
        ASSERT_EQ(init.exit_code, 0) << report(init);
        auto validate = terraform()(dir, "validate");
        EXPECT_EQ(validate.exit_code, 0) << report(validate);
    }
    EXPECT_GT(roots.size(), 60u) << "roots checked";
    std::cout << "[ terraform ] " << roots.size() << " roots validated, " << alone.size() << " of them on their own (import blocks)\n";
}

class ShippedModel : public testing::TestWithParam<const char*> {};

TEST_P(ShippedModel, EveryRootPlansAndAppliesWithAMockProvider) {
    terraform().require();
    xc::test::TempDir tmp;
    json model = xc::test::model_json(GetParam());
    use_acm_certificates(model);
    const std::string mock = xc::test::read_file(xc::test::source_dir() / "tests/emit/tools/mock_provider.tftest.hcl");
    auto roots = emit_terraform_roots({GetParam(), model}, tmp.path());
    ASSERT_GE(roots.size(), 3u);
    for (const auto& root : roots) {
        SCOPED_TRACE(root.filename().string());
        write(root / "xc_test_override.tf", pin_provider);
        write(root / "tests/xc.tftest.hcl", mock + "\nrun \"plan\" {\n  command = plan\n}\n\nrun \"apply\" {\n  command = apply\n}\n");
        auto init = terraform()(root, "init -backend=false -input=false");
        ASSERT_EQ(init.exit_code, 0) << report(init);
        auto test = terraform()(root, "test");
        EXPECT_EQ(test.exit_code, 0) << report(test);
        EXPECT_NE(test.out.find("2 passed, 0 failed"), std::string::npos) << report(test);
    }
}

INSTANTIATE_TEST_SUITE_P(Emit, ShippedModel, testing::Values("cross-account-microservices", "three-services-private-domains"),
                         [](const testing::TestParamInfo<const char*>& i) { return std::regex_replace(i.param, std::regex("-"), "_"); });

TEST(RealTools, CfnLintFindsNoErrorAndOnlyAcceptedWarningsInAnyTemplate) {
    auto version = run("cfn-lint --version");
    ASSERT_EQ(version.exit_code, 0) << "cfn-lint is not on PATH: this machine kind ships cfn-lint 1.51 (see shared/NOTES.md)";
    xc::test::TempDir tmp;
    std::string templates;
    std::vector<std::string> refused;
    for (const auto& m : checked_models(true)) {
        xc::emit::CloudFormationResult result;
        try {
            result = xc::emit::emit_cloudformation(xc::test::graph_of_json(m.model));
        } catch (const xc::emit::lowering::LoweringError& e) {
            // A model CloudFormation cannot deploy as written (it adopts an existing API by id):
            // the emitter says so, and there is no template to lint.
            EXPECT_NE(std::string(e.what()).find("names an existing"), std::string::npos) << m.name << ": " << e.what();
            refused.push_back(m.name);
            continue;
        }
        for (const auto& [path, f] : result.files.files()) {
            if (!path.ends_with(".json")) continue;
            write(tmp / m.name / path, f.content);
            templates += " " + quote((tmp / m.name / path).string());
        }
    }
    ASSERT_FALSE(templates.empty());
    EXPECT_LE(refused.size(), 2u) << "models CloudFormation refuses";
    // One process for every template; "parseable": file:line:column:line:column:rule:message.
    auto lint = run("cfn-lint --format parseable --" + templates);
    std::map<std::string, std::size_t> by_rule;
    std::istringstream lines(lint.out);
    for (std::string line; std::getline(lines, line);) {
        static const std::regex finding(R"(^.*?:\d+:\d+:\d+:\d+:([EWI]\d+):(.*)$)");
        std::smatch m;
        ASSERT_TRUE(std::regex_match(line, m, finding)) << "unexpected cfn-lint output: " << line;
        const std::string rule = m[1];
        ++by_rule[rule];
        EXPECT_NE(rule[0], 'E') << line;
        if (rule[0] == 'W') EXPECT_TRUE(accepted_cfn_lint_warnings.contains(rule)) << "a warning not accepted (fix it, or accept it with its reason): " << line;
    }
    // cfn-lint's exit status is a bit set: 1 fatal, 2 errors, 4 warnings, 8 informational. A lint
    // that did not run, or linted nothing, must not pass as a clean one: every template has
    // Lambda code, so W3002 is in every run.
    EXPECT_EQ(lint.exit_code & 3, 0) << lint.out << lint.err;
    EXPECT_TRUE(lint.err.find("Traceback") == std::string::npos) << lint.err;
    EXPECT_GT(by_rule["W3002"], 0u) << "cfn-lint reported nothing: did it run?\n" << lint.out << lint.err;
    for (const auto& [rule, reason] : accepted_cfn_lint_warnings) std::cout << "[ cfn-lint ] " << rule << " x" << by_rule[rule] << ": " << reason << "\n";
}

}  // namespace

}  // namespace real_tools_test
