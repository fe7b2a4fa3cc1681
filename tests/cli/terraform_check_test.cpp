// `xc check DIR...`: Terraform root directories read as one deployment, through the built binary
// (options scoped per root, TF_VAR_ variables, located errors with exit 2 and no output).
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace terraform_check_test {

using xc::test::quote;
using xc::test::run;
namespace fs = std::filesystem;

std::string xc_cli(const std::string& args) { return quote(XC_CLI) + " " + args; }
const fs::path fixtures = xc::test::source_dir() / "tests/input/terraform/fixtures";
std::string fixture(const std::string& name) { return quote((fixtures / name).string()); }

TEST(TerraformCheck, TheRootsXcEmitsReadInTheirAccounts) {
    xc::test::TempDir tmp;
    auto emit = run(xc_cli("emit " + quote(xc::test::reference_model_path().string()) + " --target terraform -o " + quote((tmp / "tf").string())));
    ASSERT_EQ(emit.exit_code, 0) << emit.err;
    auto r = run("cd " + quote((tmp / "tf").string()) + " && " + xc_cli("check consumer food beverage"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("consumer: ok: Terraform root 'consumer': 41 resource and 3 data source instances in 111111111111 eu-central-1\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("food: ok: Terraform root 'food': 34 resource and 1 data source instances in 333333333333 eu-central-1\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("beverage: ok: Terraform root 'beverage': 34 resource and 1 data source instances in 222222222222 eu-central-1\n"), std::string::npos) << r.out;
}

TEST(TerraformCheck, AccountOptionsApplyWhereTheCodeDoesNotSay) {
    auto without = run(xc_cli("check " + fixture("seed/consumer") + " " + fixture("seed/microservices")));
    EXPECT_EQ(without.exit_code, 0) << without.err;
    EXPECT_NE(without.out.find("58 AWS instances in an unknown account or region (give --account/--region)"), std::string::npos) << without.out;
    // After a directory: that root only.
    auto with = run(xc_cli("check " + fixture("seed/consumer") + " " + fixture("seed/microservices") + " --account 222222222222"));
    EXPECT_EQ(with.exit_code, 0) << with.err;
    EXPECT_NE(with.out.find("'microservices': 56 resource and 2 data source instances in 222222222222 eu-central-1\n"), std::string::npos) << with.out;
    EXPECT_NE(with.out.find("'consumer': 26 resource and 3 data source instances in 111111111111 eu-central-1\n"), std::string::npos) << with.out;
    auto bad = run(xc_cli("check " + fixture("seed/microservices") + " --account 12345"));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.out, "");
}

TEST(TerraformCheck, VariableOptionsAreScopedToTheirRootAndTfVarIsRead) {
    // Before the first directory: every root (the expansion root declares no `n`).
    auto shared = run(xc_cli("check --var n=5 " + fixture("variables") + " " + fixture("expansion")));
    EXPECT_EQ(shared.exit_code, 2);
    EXPECT_NE(shared.err.find("a variable named \"n\" was assigned on the command line"), std::string::npos) << shared.err;
    // After a directory: that root only.
    auto scoped = run(xc_cli("check " + fixture("variables") + " --var n=5 " + fixture("expansion")));
    EXPECT_EQ(scoped.exit_code, 0) << scoped.err;
    // A later option wins, as in Terraform.
    auto wrong = run(xc_cli("check " + fixture("variables") + " --var n=5 --var n=five"));
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_NE(wrong.err.find("Invalid value for input variable"), std::string::npos) << wrong.err;
    auto env = run("TF_VAR_n=five " + xc_cli("check " + fixture("variables")));
    EXPECT_EQ(env.exit_code, 2);
    EXPECT_NE(env.err.find("from TF_VAR_n"), std::string::npos) << env.err;
    auto overridden = run("TF_VAR_n=five " + xc_cli("check " + fixture("variables") + " --var n=5"));
    EXPECT_EQ(overridden.exit_code, 0) << overridden.err;
}

TEST(TerraformCheck, BadConfigurationsExitTwoLocatedWithTheirAddressAndNoOutput) {
    xc::test::TempDir tmp;
    fs::create_directories(tmp / "cycle");
    std::ofstream(tmp / "cycle/main.tf") << "resource \"aws_vpc\" \"a\" {\n  cidr_block = aws_vpc.b.cidr_block\n}\nresource \"aws_vpc\" \"b\" {\n  cidr_block = aws_vpc.a.cidr_block\n}\n";
    auto cycle = run(xc_cli("check " + quote((tmp / "cycle").string())));
    EXPECT_EQ(cycle.exit_code, 2);
    EXPECT_EQ(cycle.out, "");
    EXPECT_NE(cycle.err.find("cycle/main.tf:5:16: error: at aws_vpc.b: Cycle: aws_vpc.a -> aws_vpc.b -> aws_vpc.a"), std::string::npos) << cycle.err;
    fs::create_directories(tmp / "remote");
    std::ofstream(tmp / "remote/main.tf") << "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n";
    auto remote = run(xc_cli("check " + quote((tmp / "remote").string())));
    EXPECT_EQ(remote.exit_code, 2);
    EXPECT_NE(remote.err.find("remote/main.tf:2:12: error: at module.vpc: Unsupported module source \"terraform-aws-modules/vpc/aws\""), std::string::npos) << remote.err;
    auto option = run(xc_cli("check " + fixture("variables") + " --bogus 1"));
    EXPECT_EQ(option.exit_code, 2);
    EXPECT_NE(option.err.find("unknown option --bogus"), std::string::npos) << option.err;
    auto nothing = run(xc_cli("check"));
    EXPECT_EQ(nothing.exit_code, 2);
}

}  // namespace terraform_check_test
