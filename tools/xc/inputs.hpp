// The inputs of a command, whatever their kind, read into graphs: model files, Terraform root
// directories with their ROOT-OPTIONS (terraform_check.hpp) and CloudFormation templates with
// their STACK-OPTIONS (cloudformation_stacks.hpp). check, graph, verify and each side of diff
// read their inputs here, so every command takes every kind the same way.
//
// Each model file is one deployment; the Terraform roots of a command line are one deployment
// (read together, as the reference deployment's consumer and services roots are), and so are its
// templates. Roots and templates in one command line are refused: their options share names.
#pragma once

#include "cloudformation_stacks.hpp"
#include "command_support.hpp"
#include "terraform_check.hpp"

#include <xc/xc.hpp>

#include <string>
#include <vector>

namespace xc::cli {

// One deployment read: the name reports give it, its graph (lives as long as the process,
// command_support.hpp), and what its source holds that xc does not model.
struct LoadedInput {
    std::string label;
    const model::Graph* graph = nullptr;
    std::vector<Location> not_modelled;
};

// The arguments of one command line (or one side of diff), sorted by kind, in the order given.
struct InputArguments {
    std::vector<std::string> model_files;
    std::vector<std::string> terraform;  // roots and ROOT-OPTIONS, for parse_terraform_roots
    std::vector<std::string> stacks;     // templates and STACK-OPTIONS, for parse_stacks

    bool empty() const { return deployments() == 0; }
    std::size_t deployments() const { return model_files.size() + !terraform.empty() + !stacks.empty(); }
};

// `args` holds no option of the command itself (CLI11 took those); templates may be among them
// or already taken out into `stacks` (verify, check and graph take them out before parsing).
inline InputArguments sort_inputs(std::vector<std::string> args, std::vector<std::string> stacks = {}) {
    InputArguments in;
    auto taken = take_stack_arguments(args, {});
    stacks.insert(stacks.end(), taken.begin(), taken.end());
    in.stacks = std::move(stacks);
    Inputs rest = split_inputs(args);
    in.model_files = std::move(rest.model_files);
    in.terraform = std::move(rest.terraform);
    return in;
}

// Every deployment `in` names, in the order model files, Terraform roots, templates. Every input's
// diagnostics are gathered into one InputError: nothing is read half. Up to `jobs` threads (0: one
// per core) read a model and build each graph.
inline std::vector<LoadedInput> load_inputs(const InputArguments& in, unsigned jobs = 0) {
    if (in.empty()) throw InputError("", "give model files, Terraform root directories or CloudFormation templates");
    if (!in.terraform.empty() && !in.stacks.empty())
        throw InputError("", "give Terraform root directories or CloudFormation templates in one run, not both (their options share names)");
    std::vector<Diagnostic> diagnostics;
    std::vector<LoadedInput> out;
    auto gather = [&](auto&& load) {
        try {
            load();
        } catch (const InputError& e) {
            if (e.diagnostics().empty()) throw;
            diagnostics.insert(diagnostics.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    };
    for (const auto& file : in.model_files) gather([&] { out.push_back({file, &load_graph(file, jobs), {}}); });
    if (!in.terraform.empty())
        gather([&] {
            auto terraform = load_terraform_model(in.terraform, jobs);
            LoadedInput loaded{terraform.label, terraform.graph, {}};
            for (const auto& n : terraform.not_modelled) loaded.not_modelled.push_back(Location{n.at.file, n.at.position, n.at.path + " (" + n.type + ")"});
            out.push_back(std::move(loaded));
        });
    if (!in.stacks.empty())
        gather([&] {
            LoadedInput loaded;
            loaded.graph = &load_stacks_graph(in.stacks, loaded.label, jobs);
            out.push_back(std::move(loaded));
        });
    if (!diagnostics.empty()) throw InputError(std::move(diagnostics));
    return out;
}

// The one deployment a command (graph, a side of diff) reads; `what` names it in the error.
inline LoadedInput load_one_input(const InputArguments& in, const std::string& what) {
    if (in.deployments() > 1)
        throw InputError("", what + " is one deployment: one model file, Terraform root directories, or CloudFormation templates, not " +
                                 std::to_string(in.deployments()));
    return std::move(load_inputs(in).front());
}

}  // namespace xc::cli
