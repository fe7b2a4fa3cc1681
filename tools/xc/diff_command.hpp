// xc diff OLD NEW: prove that NEW grants no access OLD did not — the pull-request gate.
//
// Each side is a deployment in any form xc reads (inputs.hpp). Both are read and checked before
// anything is compared: bad input in either is exit 2 with every diagnostic and no report at all,
// on stdout or in --output.
#pragma once

#include "command_support.hpp"
#include "inputs.hpp"
#include "output_file.hpp"

#include <xc/verify/diff_report.hpp>
#include <xc/xc.hpp>

#include <algorithm>
#include <iostream>
#include <optional>
#include <tuple>
#include <utility>
#include <string>
#include <vector>

namespace xc::cli {

struct DiffRequest : CheckSelection {  // only/skip: diff check ids
    std::vector<std::string> arguments;   // OLD NEW, or --old INPUT... --new INPUT...
    std::string format = "text";  // text | json | sarif
    std::string output;           // empty: stdout
};

// The two sides: `OLD NEW` (one input each, no options), or the arguments after --old and after
// --new (inputs with their ROOT- or STACK-OPTIONS, as verify takes them; --old first).
inline std::pair<std::vector<std::string>, std::vector<std::string>> diff_sides(const std::vector<std::string>& args) {
    const auto old_at = std::find(args.begin(), args.end(), "--old"), new_at = std::find(args.begin(), args.end(), "--new");
    if (old_at == args.end() && new_at == args.end()) {
        if (args.size() != 2 || args[0].rfind("--", 0) == 0 || args[1].rfind("--", 0) == 0)
            throw InputError("", "give OLD and NEW (a model file, Terraform root directory or template each), or --old INPUT... --new INPUT...");
        return {{args[0]}, {args[1]}};
    }
    if (old_at != args.begin() || new_at == args.end() || std::find(new_at + 1, args.end(), "--old") != args.end() ||
        std::find(new_at + 1, args.end(), "--new") != args.end())
        throw InputError("", "give each side once: --old INPUT... --new INPUT... (in that order, the inputs after each)");
    return {{old_at + 1, new_at}, {new_at + 1, args.end()}};
}

inline int run_diff(const DiffRequest& request) {
    std::vector<std::string> known;
    for (const auto& c : verify::diff_checks) known.emplace_back(c.id);
    if (auto error = unknown_id(request, known, "diff check"); !error.empty()) {
        std::cerr << "xc diff: " << error << "\n";
        return 2;
    }
    verify::VerifyOptions options = request.options();

    // Both sides are read before anything is compared; every diagnostic of both is reported.
    const auto [old_args, new_args] = diff_sides(request.arguments);
    std::vector<Diagnostic> diagnostics;
    std::optional<LoadedInput> old_side, new_side;
    for (auto [side, args, what] : {std::tuple{&old_side, &old_args, "OLD"}, std::tuple{&new_side, &new_args, "NEW"}}) {
        try {
            *side = load_one_input(sort_inputs(*args), what);
        } catch (const InputError& e) {
            if (e.diagnostics().empty()) throw;
            diagnostics.insert(diagnostics.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    }
    if (!diagnostics.empty()) throw InputError(std::move(diagnostics));

    auto report = verify::diff(*old_side->graph, *new_side->graph, options);
    auto run = verify::locate_diff(old_side->label, new_side->label, std::move(report), old_side->graph->model(), new_side->graph->model());
    std::string text = request.format == "json"    ? verify::to_json(run).dump(2) + "\n"
                       : request.format == "sarif" ? verify::to_sarif(run).dump(2) + "\n"
                                                   : verify::to_text(run);
    if (request.output.empty()) {
        std::cout << text;
    } else {
        write_output_file(request.output, text);
        std::cerr << "xc diff: " << request.output << ": " << run.report.count(verify::Change::new_access) << " new access, "
                  << run.report.count(verify::Change::undecided) << " undecided, " << run.report.count(verify::Change::no_new_access)
                  << " no new access\n";
    }
    return run.report.exit_code();
}

}  // namespace xc::cli
