// What xc emits, checked by the real tools (issue 24): Terraform 1.11.4 with the AWS provider
// 5.100.0 from this machine kind's filesystem mirror (nothing is downloaded), and cfn-lint.
//  * every shipped model, every correct variant of the mutation corpus and the reference with IAM
//    authorization (tests/support/authorization_variant.hpp): `terraform init`,
//    `terraform validate` and `terraform test` with a mock AWS provider (plan and apply: references,
//    counts, plan-time functions and the provider's own checks of the values it receives) of every
//    emitted root, all of them as modules of one wrapper root so the provider's schema loads once;
//    `terraform fmt -check`; and `cfn-lint` on every template in one process (no error; each
//    warning rule listed below with its reason, as the README lists them);
//  * every root of every shipped model on its own, with its own provider configuration: plan and
//    apply with the mock provider.
// The roots accept the mirror's 5.100.0 and carry a dependency lock file selecting it, which
// `terraform init -lockfile=readonly` uses as emitted. The mirror has no `tls` provider: self-signed
// certificates are replaced by existing ACM certificates in the models checked here (the
// emitter's other certificate form) — the tls resources are checked by the schema test
// (terraform/terraform_test.cpp) only. A machine without terraform or cfn-lint fails these tests.
#include <xc/emit/cloudformation.hpp>
#include <xc/emit/terraform.hpp>

#include <authorization_variant.hpp>
#include <model_support.hpp>
#include <model_variants.hpp>
#include <terraform_environment.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
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
    bool aws_iam = false;  // with IAM authorization and a caller (authorization_variant.hpp)
};

xc::model::Graph graph_of(const CheckedModel& m) {
    return m.aws_iam ? xc::model::build_graph(xc::test::aws_iam_model(m.model)) : xc::test::graph_of_json(m.model);
}

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
        out.push_back({"aws-iam", reference, true});
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

std::string report(const xc::test::CommandResult& r) { return r.out + r.err; }
std::string quote_hcl(const std::string& s) { return "\"" + s + "\""; }
std::string module_name(const std::string& s) { return std::regex_replace(s, std::regex("[^A-Za-z0-9_]"), "_"); }

// Terraform for `m`, with every Lambda zip a root reads present (an empty placeholder).
std::vector<fs::path> emit_terraform_roots(const CheckedModel& m, const fs::path& dir) {
    xc::emit::TerraformOptions options;
    options.lambda_dist_dir = (dir / "lambda/{service}/dist").string();
    auto roots = write_roots(xc::emit::emit_terraform(graph_of(m), options), dir / "terraform");
    static const std::regex zip(R"re("\$\{var\.([a-z0-9_]*lambda_dist_dir)\}/([^"/]+\.zip)")re");
    for (const auto& root : roots) {
        const std::string variables = xc::test::read_file(root / "variables.tf");
        for (const auto& entry : fs::directory_iterator(root)) {
            const std::string text = xc::test::read_file(entry.path());
            for (auto it = std::sregex_iterator(text.begin(), text.end(), zip); it != std::sregex_iterator(); ++it) {
                // The variable's default: the directory the emitter was told, for that service.
                const auto at = variables.find("variable \"" + (*it)[1].str() + "\"");
                const auto def = variables.find("default", at);
                const auto open = variables.find('"', def), close = variables.find('"', open + 1);
                EXPECT_TRUE(at != std::string::npos && def != std::string::npos && close != std::string::npos) << root << ": " << (*it)[1];
                if (close == std::string::npos) continue;
                write(fs::path(variables.substr(open + 1, close - open - 1)) / (*it)[2].str(), "");
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

// `root` without its import blocks. A mock provider cannot import ("Cannot import resources from
// mock providers. Use an `override_resource` block ... instead", terraform test), and an overridden
// import is refreshed into unknown values ("The returned state contains unknown values"): the
// plan-and-apply run of an adopting root plans the adopted resource as a creation, while init and
// validate above checked the import blocks themselves.
void remove_import_blocks(const fs::path& root) {
    static const std::regex import_block("\nimport \\{\n[^}]*\n\\}\n");
    for (const auto& entry : fs::directory_iterator(root)) {
        if (entry.path().extension() != ".tf") continue;
        const std::string text = xc::test::read_file(entry.path());
        const std::string without = std::regex_replace(text, import_block, "\n");
        if (without != text) write(entry.path(), without);
    }
    EXPECT_FALSE(has_import_blocks(root)) << root;
}

// The `terraform test` file: the mock provider, then a plan and an apply of the configuration.
std::string mock_test_file() {
    return xc::test::read_file(xc::test::source_dir() / "tests/emit/tools/mock_provider.tftest.hcl") +
           "\nrun \"plan\" {\n  command = plan\n}\n\nrun \"apply\" {\n  command = apply\n}\n";
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Every root of every checked model, in one wrapper configuration that calls each as a module:
// the provider's schema loads once for all of them. `terraform init` uses the emitted dependency
// lock file read-only (the roots' constraint admits the mirror's version, so nothing is
// overridden), `terraform fmt -check`, `terraform validate`, then `terraform test` plans and
// applies the whole wrapper with a mock provider. For that run each module's providers.tf (its
// provider configuration: region, account guard, role) is removed, so that the modules use the
// wrapper's mock — the provider blocks themselves are validated before and planned with the mock
// in ShippedModel.EveryRootPlansAndAppliesWithAMockProvider. Roots with import blocks can only be
// root modules: each is initialised, validated and tested on its own (see remove_import_blocks).
TEST(RealTools, EveryEmittedRootIsFormattedValidatesAndPlansAndAppliesWithTheAwsProvider) {
    terraform().require();
    const auto start = std::chrono::steady_clock::now();
    xc::test::TempDir tmp;
    std::string wrapper;
    std::vector<fs::path> roots, modules, alone;  // alone: import blocks are only allowed in a root module
    const auto models = checked_models(true);
    for (const auto& m : models)
        for (const auto& root : emit_terraform_roots(m, tmp / m.name)) {
            roots.push_back(root);
            if (has_import_blocks(root)) {
                alone.push_back(root);
                continue;
            }
            modules.push_back(root);
            wrapper += "\nmodule \"" + module_name(m.name + "_" + root.filename().string()) + "\" {\n  source = \"./" +
                       fs::relative(root, tmp.path()).string() + "\"\n}\n";
        }
    // One dependency lock file for every root: the emitter's, selecting the mirror's package.
    const std::string lock = xc::test::read_file(roots.front() / ".terraform.lock.hcl");
    for (const auto& root : roots) EXPECT_EQ(xc::test::read_file(root / ".terraform.lock.hcl"), lock) << root;
    auto fmt = terraform()(tmp.path(), "fmt -check -recursive -list=true");
    EXPECT_EQ(fmt.exit_code, 0) << "not in canonical format:\n" << report(fmt);
    // The modules' provider, which the test's mock_provider replaces.
    write(tmp / "main.tf", "provider \"aws\" {\n  region = \"eu-central-1\"\n}\n" + wrapper);
    write(tmp / ".terraform.lock.hcl", lock);
    std::vector<fs::path> validated{tmp.path()};
    validated.insert(validated.end(), alone.begin(), alone.end());
    for (const auto& dir : validated) {
        SCOPED_TRACE(dir.string());
        auto init = terraform()(dir, "init -backend=false -input=false -lockfile=readonly");
        ASSERT_EQ(init.exit_code, 0) << report(init);
        auto validate = terraform()(dir, "validate");
        EXPECT_EQ(validate.exit_code, 0) << report(validate);
    }
    const double validated_after = seconds_since(start);
    for (const auto& m : modules) fs::remove(m / "providers.tf");
    for (const auto& dir : validated) {
        SCOPED_TRACE(dir.string());
        if (dir != tmp.path()) remove_import_blocks(dir);
        write(dir / "tests/xc.tftest.hcl", mock_test_file());
        auto test = terraform()(dir, "test");
        EXPECT_EQ(test.exit_code, 0) << report(test);
        EXPECT_NE(test.out.find("2 passed, 0 failed"), std::string::npos) << report(test);
    }
    EXPECT_GT(roots.size(), 60u) << "roots checked";
    std::cout << "[ terraform ] " << models.size() << " models, " << roots.size() << " roots (" << alone.size()
              << " on their own: import blocks): init + fmt + validate " << validated_after << " s, plan + apply (mock provider) "
              << seconds_since(start) - validated_after << " s\n";
}

// The emitted lock file's checksum for linux_amd64 is the one Terraform computes for the mirror's
// package, and it names the version the mirror holds (the zh: checksums of the other platforms'
// zips cannot be recomputed offline; a wrong one would make `terraform init` refuse that platform).
TEST(RealTools, TheEmittedLockFileMatchesTheProviderPackage) {
    terraform().require();
    xc::test::TempDir tmp;
    write(tmp / "versions.tf", "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = " +
                                   quote_hcl(xc::emit::terraform::aws_provider_version) + "\n    }\n  }\n}\n");
    auto lock = terraform()(tmp.path(), "providers lock -fs-mirror=" + quote(terraform().mirror().string()) + " -platform=linux_amd64");
    ASSERT_EQ(lock.exit_code, 0) << report(lock);
    const std::string computed = xc::test::read_file(tmp / ".terraform.lock.hcl");
    const std::string emitted = xc::emit::terraform::detail::lock_file();
    static const std::regex h1("\"h1:[^\"]+\"");
    std::smatch a, b;
    ASSERT_TRUE(std::regex_search(computed, a, h1)) << computed;
    ASSERT_TRUE(std::regex_search(emitted, b, h1)) << emitted;
    EXPECT_EQ(a[0].str(), b[0].str());
    EXPECT_NE(computed.find("version     = \"" + std::string(xc::emit::terraform::aws_provider_locked_version) + "\""), std::string::npos)
        << computed;
    EXPECT_NE(emitted.find("constraints = " + quote_hcl(xc::emit::terraform::aws_provider_version)), std::string::npos) << emitted;
}

class ShippedModel : public testing::TestWithParam<const char*> {};

TEST_P(ShippedModel, EveryRootPlansAndAppliesWithAMockProvider) {
    terraform().require();
    xc::test::TempDir tmp;
    json model = xc::test::model_json(GetParam());
    use_acm_certificates(model);
    auto roots = emit_terraform_roots({GetParam(), model}, tmp.path());
    ASSERT_GE(roots.size(), 3u);
    for (const auto& root : roots) {
        SCOPED_TRACE(root.filename().string());
        write(root / "tests/xc.tftest.hcl", mock_test_file());
        auto init = terraform()(root, "init -backend=false -input=false -lockfile=readonly");
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
    std::size_t template_count = 0;
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> refused;
    for (const auto& m : checked_models(true)) {
        xc::emit::CloudFormationResult result;
        try {
            result = xc::emit::emit_cloudformation(graph_of(m));
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
            ++template_count;
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
        if (rule[0] == 'W') {
            EXPECT_TRUE(accepted_cfn_lint_warnings.contains(rule)) << "a warning not accepted (fix it, or accept it with its reason): " << line;
        }
    }
    // cfn-lint's exit status is a bit set: 1 fatal, 2 errors, 4 warnings, 8 informational. A lint
    // that did not run, or linted nothing, must not pass as a clean one: every template has
    // Lambda code, so W3002 is in every run.
    EXPECT_EQ(lint.exit_code & 3, 0) << lint.out << lint.err;
    EXPECT_TRUE(lint.err.find("Traceback") == std::string::npos) << lint.err;
    EXPECT_GT(by_rule["W3002"], 0u) << "cfn-lint reported nothing: did it run?\n" << lint.out << lint.err;
    std::cout << "[ cfn-lint ] " << template_count << " templates (" << refused.size() << " models refused: they adopt an existing API) in "
              << seconds_since(start) << " s\n";
    for (const auto& [rule, reason] : accepted_cfn_lint_warnings) std::cout << "[ cfn-lint ] " << rule << " x" << by_rule[rule] << ": " << reason << "\n";
}

}  // namespace

}  // namespace real_tools_test
