// xc emit: lower a verified model to deployable files.
//
// Targets are a table: adding one (e.g. cloudformation) is one entry — its name, its help line
// and how it builds its FileSet.
#pragma once

#include "command_support.hpp"

#include <xc/emit/cloudformation.hpp>
#include <xc/emit/file_set.hpp>
#include <xc/emit/lambda.hpp>
#include <xc/emit/terraform.hpp>
#include <xc/verify/report_format.hpp>
#include <xc/xc.hpp>

#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace xc::cli {

struct EmitTarget {
    std::string_view name;
    std::string_view help;  // lines for `xc emit --help`, each indented to line up under the name
    std::function<emit::FileSet(const model::Graph&, bool verified)> emit;
};

inline const std::vector<EmitTarget>& emit_targets() {
    static const std::vector<EmitTarget> targets{
        {"terraform", "one root module per account, DIR/README.md gives the apply order",
         [](const model::Graph& graph, bool verified) {
             emit::TerraformOptions options;
             options.unverified_warning = !verified;
             return emit::emit_terraform(graph, options);
         }},
        {"cloudformation",
         "one template per account from the same lowering as terraform; DIR/README.md\n"
         "gives the deploy order and commands; notes (e.g. certificates to import) go to stderr",
         [](const model::Graph& graph, bool verified) {
             emit::CloudFormationOptions options;
             options.unverified_warning = !verified;
             auto result = emit::emit_cloudformation(graph, options);
             for (const auto& note : result.notes) std::cerr << "xc emit: note: " << note << '\n';
             return std::move(result.files);
         }},
        {"lambda",
         "one standalone C++ CMake project per service; building it leaves\n"
         "DIR/<service>/dist/<function>.zip, where the Terraform roots look by default\n"
         "when emitted to a sibling directory (e.g. out/terraform and out/lambda)",
         [](const model::Graph& graph, bool) { return emit::emit_lambda(graph); }},
    };
    return targets;
}

inline std::vector<std::string> emit_target_names() {
    std::vector<std::string> names;
    for (const auto& t : emit_targets()) names.emplace_back(t.name);
    return names;
}

// "  terraform: ...\n  lambda:    ...\n" with continuation lines aligned.
inline std::string emit_targets_help() {
    std::size_t width = 0;
    for (const auto& t : emit_targets()) width = std::max(width, t.name.size() + 1);
    std::string out;
    for (const auto& t : emit_targets()) {
        std::string head = "  " + std::string(t.name) + ":";
        out += head + std::string(2 + width + 1 - head.size(), ' ');
        for (char c : t.help) {
            out += c;
            if (c == '\n') out += std::string(2 + width + 1, ' ');
        }
        out += '\n';
    }
    return out;
}

struct EmitRequest {
    std::string model_file;
    std::string target = "terraform";
    std::string out_dir;
    bool allow_unverified = false;
};

// Emission refuses a model that is not verified: the deployment is what was proved.
inline int run_emit(const EmitRequest& request) {
    const model::Graph& graph = load_graph(request.model_file);
    auto report = verify::verify(graph);
    const bool verified = report.exit_code() == 0;
    if (!verified && !request.allow_unverified) {
        verify::RunReport run;
        run.models.push_back(verify::locate(request.model_file, std::move(report), graph.model()));
        std::cerr << verify::to_text(run) << "xc emit: refusing to emit an unverified model (use --allow-unverified to emit anyway)\n";
        return run.exit_code();
    }
    if (!verified) std::cerr << "xc emit: warning: emitting an unverified model (--allow-unverified)\n";
    emit::FileSet files;
    for (const auto& t : emit_targets())
        if (t.name == request.target) files = t.emit(graph, verified);
    emit::write_atomically(files, request.out_dir);
    std::cout << "wrote " << files.size() << " files to " << request.out_dir << '\n';
    return 0;
}

}  // namespace xc::cli
