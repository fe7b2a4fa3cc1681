// Terraform on this machine kind, for tests: `terraform` 1.11.4 on PATH and a filesystem mirror
// of the AWS provider (shared/NOTES.md), behind a CLI configuration that installs hashicorp/aws
// from the mirror only.
#pragma once

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace xc::test {

// The machine's AWS provider mirror: the parent of registry.terraform.io/hashicorp/aws.
inline std::filesystem::path provider_mirror() {
    auto r = xc::test::run("find / -maxdepth 7 \\( -path /proc -o -path /sys -o -path /dev -o -name .terraform \\) -prune -o "
                 "-type d -path '*/registry.terraform.io/hashicorp/aws' -print -quit 2>/dev/null");
    std::string dir = r.out.substr(0, r.out.find('\n'));
    return dir.empty() ? std::filesystem::path() : std::filesystem::path(dir).parent_path().parent_path().parent_path();
}

// A CLI configuration installing hashicorp/aws from the mirror only.
class TerraformEnvironment {
public:
    TerraformEnvironment() {
        auto version = xc::test::run("terraform version");
        available_ = version.exit_code == 0 && version.out.find("Terraform v") != std::string::npos;
        mirror_ = provider_mirror();
        std::ofstream(tmp_ / "cli.tfrc") << ("provider_installation {\n  filesystem_mirror {\n    path    = \"" + mirror_.string() +
                                     "\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n  direct {\n"
                                     "    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }\n}\n");
    }
    // Fails the calling test when the machine lacks what these tests need.
    void require() const {
        ASSERT_TRUE(available_) << "terraform is not on PATH: this machine kind ships terraform 1.11.4 (see shared/NOTES.md)";
        ASSERT_FALSE(mirror_.empty()) << "no filesystem mirror of the AWS provider (registry.terraform.io/hashicorp/aws) found";
    }
    const std::filesystem::path& mirror() const { return mirror_; }
    // `terraform <args>` in `dir`, with the mirror's configuration and no colours or prompts.
    xc::test::CommandResult operator()(const std::filesystem::path& dir, const std::string& args) const {
        return xc::test::run("cd " + xc::test::quote(dir.string()) + " && TF_CLI_CONFIG_FILE=" + xc::test::quote((tmp_ / "cli.tfrc").string()) +
                   " TF_IN_AUTOMATION=1 terraform " + args + " -no-color");
    }

private:
    xc::test::TempDir tmp_;
    bool available_ = false;
    std::filesystem::path mirror_;
};

}  // namespace xc::test
