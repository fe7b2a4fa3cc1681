// xc diff OLD NEW: prove that NEW grants no access OLD did not — the pull-request gate.
//
// Both models are read and checked before anything is compared: bad input in either is exit 2
// with every diagnostic and no report at all, on stdout or in --output.
#pragma once

#include "command_support.hpp"
#include "output_file.hpp"

#include <xc/verify/diff_report.hpp>
#include <xc/xc.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace xc::cli {

struct DiffRequest : CheckSelection {  // only/skip: diff check ids
    std::string old_file, new_file;
    std::string format = "text";  // text | json | sarif
    std::string output;           // empty: stdout
};

inline int run_diff(const DiffRequest& request) {
    std::vector<std::string> known;
    for (const auto& c : verify::diff_checks) known.emplace_back(c.id);
    if (auto error = unknown_id(request, known, "diff check"); !error.empty()) {
        std::cerr << "xc diff: " << error << "\n";
        return 2;
    }
    verify::VerifyOptions options = request.options();

    std::vector<Diagnostic> diagnostics;
    std::vector<const model::Graph*> graphs = load_graphs({request.old_file, request.new_file}, diagnostics);
    if (!diagnostics.empty()) throw InputError(std::move(diagnostics));

    auto report = verify::diff(*graphs[0], *graphs[1], options);
    auto run = verify::locate_diff(request.old_file, request.new_file, std::move(report), graphs[0]->model(), graphs[1]->model());
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
