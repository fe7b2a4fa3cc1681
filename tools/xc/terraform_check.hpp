// `xc check DIR [DIR ...]`: Terraform root module directories read as one deployment, as
// `terraform plan` would evaluate them (README "Verify existing Terraform").
//
//   xc check [ROOT-OPTIONS] DIR [ROOT-OPTIONS] [DIR [ROOT-OPTIONS] ...]
//   ROOT-OPTIONS: --var NAME=VALUE  --var-file FILE  --account ID  --region NAME
//
// Options written after a directory apply to that root; options before the first directory
// apply to every root (written first, so a root's own options come later and win, as later
// -var/-var-file options do in Terraform). TF_VAR_ environment variables are read as Terraform
// reads them.
#pragma once

#include "command_support.hpp"

#include <xc/xc.hpp>
#include <xc/input/terraform/link.hpp>
#include <xc/input/terraform/to_model.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

extern char** environ;

namespace xc::cli {

// The TF_VAR_ variables of this process (name without the prefix -> text).
inline std::map<std::string, std::string> terraform_environment() {
    std::map<std::string, std::string> out;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (entry.rfind("TF_VAR_", 0) == 0 && eq != std::string::npos && eq > 7) out[entry.substr(7, eq - 7)] = entry.substr(eq + 1);
    }
    return out;
}

// The roots and their options, in the order given (see the header comment).
inline std::vector<input::terraform::RootInput> parse_terraform_roots(const std::vector<std::string>& args) {
    using input::terraform::VariableArgument;
    std::vector<input::terraform::RootInput> roots;
    input::terraform::LoadOptions shared;
    shared.environment = terraform_environment();
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i], value;
        const bool option = a.rfind("--", 0) == 0;
        if (option) {
            if (const auto eq = a.find('='); eq != std::string::npos) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                throw InputError(a, "option " + printable(a) + " needs a value");
            }
        }
        input::terraform::LoadOptions& o = roots.empty() ? shared : roots.back().options;
        if (!option) {
            std::error_code ec;
            if (!std::filesystem::is_directory(a, ec))
                throw InputError(Diagnostic{a, "", {}, "not a directory: give Terraform root module directories, or one model file", ""});
            roots.push_back({std::filesystem::path(a).lexically_normal().filename().string(), a, shared});
            if (roots.back().name.empty() || roots.back().name == ".") roots.back().name = std::filesystem::absolute(a).lexically_normal().parent_path().filename().string();
        } else if (a == "--var") {
            o.variables.push_back({VariableArgument::Kind::value, value});
        } else if (a == "--var-file") {
            o.variables.push_back({VariableArgument::Kind::file, value});
        } else if (a == "--account") {
            if (!input::terraform::detail::is_account_id(value)) throw InputError(a, "--account needs a 12-digit AWS account id, not '" + printable(value) + "'");
            o.placement.account = value;
        } else if (a == "--region") {
            o.placement.region = value;
        } else {
            throw InputError(a, "unknown option " + printable(a) + " for Terraform roots (--var, --var-file, --account, --region)");
        }
    }
    if (roots.empty()) throw InputError("", "no Terraform root directory given");
    // Two roots of one name: name them by their paths instead.
    std::map<std::string, int> seen;
    for (const auto& r : roots) ++seen[r.name];
    for (auto& r : roots)
        if (seen[r.name] > 1) r.name = r.dir.lexically_normal().generic_string();
    return roots;
}

inline int run_check_terraform(const std::vector<std::string>& args) {
    const auto roots = parse_terraform_roots(args);
    // Kept until exit, like every command's graph (command_support.hpp): the roots' values are many
    // small allocations, and freeing them at exit took a tenth of `xc check`'s time.
    const auto& configs = kept_until_exit([&] { return input::terraform::load_roots(roots); });
    for (std::size_t n = 0; n < roots.size(); ++n) {
        std::size_t resources = 0, data = 0, unplaced = 0;
        std::set<std::string> places;
        for (const auto& i : configs[n].instances) {
            (i.data ? data : resources) += 1;
            if (i.type.rfind("aws_", 0) != 0) continue;
            if (i.placement.account.empty() || i.placement.region.empty()) ++unplaced;
            else places.insert(i.placement.account + " " + i.placement.region);
        }
        std::string where;
        for (const auto& p : places) where += (where.empty() ? "" : ", ") + p;
        std::cout << roots[n].dir.generic_string() << ": ok: Terraform root '" << printable(roots[n].name) << "': " << resources << " resource and " << data
                  << " data source instances" << (where.empty() ? "" : " in " + where);
        if (unplaced) std::cout << "; " << unplaced << " AWS instances in an unknown account or region (give --account/--region)";
        std::cout << '\n';
    }
    return exit_code::ok;
}

// Model files and Terraform roots (with their options), as given on a command line: an option
// (with its value) or a directory belongs to the roots, anything else is a model file.
struct Inputs {
    std::vector<std::string> model_files;
    std::vector<std::string> terraform;  // for parse_terraform_roots; empty: no roots
};
inline Inputs split_inputs(const std::vector<std::string>& args) {
    Inputs in;
    bool only_paths = false;  // after "--": files and directories, whatever their names
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        std::error_code ec;
        if (a == "--" && !only_paths) {
            only_paths = true;
        } else if (a.rfind("--", 0) == 0 && !only_paths) {
            in.terraform.push_back(a);
            if (a.find('=') == std::string::npos && i + 1 < args.size()) in.terraform.push_back(args[++i]);
        } else if (std::filesystem::is_directory(a, ec)) {
            in.terraform.push_back(a);
        } else {
            in.model_files.push_back(a);
        }
    }
    return in;
}

// The model Terraform roots describe, read together (README "Verify existing Terraform");
// `label` names them in reports: the root directories, space-separated.
struct TerraformModel {
    std::string label;
    const model::Graph* graph = nullptr;
    std::vector<input::terraform::NotModelled> not_modelled;
};
inline TerraformModel load_terraform_model(const std::vector<std::string>& args, unsigned jobs = 0) {
    const auto roots = parse_terraform_roots(args);
    // Kept until exit, like every command's graph (command_support.hpp): the roots' values are many
    // small allocations, and freeing them at exit took a tenth of `xc check`'s time.
    const auto& configs = kept_until_exit([&] { return input::terraform::load_roots(roots); });
    auto mapped = input::terraform::to_model(roots, configs);
    TerraformModel out;
    for (const auto& r : roots) out.label += (out.label.empty() ? "" : " ") + r.dir.generic_string();
    out.graph = &kept_until_exit([&] { return model::build_graph(std::move(mapped.model), jobs); });
    out.not_modelled = std::move(mapped.not_modelled);
    return out;
}

}  // namespace xc::cli
