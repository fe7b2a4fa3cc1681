// xc diff OLD NEW: prove that NEW grants no access OLD did not — the pull-request gate.
//
// Both models are read and checked before anything is compared: bad input in either is exit 2
// with every diagnostic and no report at all, on stdout or in --output.
#pragma once

#include "output_file.hpp"

#include <xc/verify/diff_report.hpp>
#include <xc/xc.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace xc::cli {

struct DiffRequest {
    std::string old_file, new_file;
    std::string format = "text";  // text | json | sarif
    std::string output;           // empty: stdout
    std::vector<std::string> only, skip;
    unsigned timeout_ms = verify::VerifyOptions{}.timeout_ms;
    unsigned run_timeout_ms = verify::VerifyOptions{}.run_timeout_ms;
};

// "unknown diff check 'x' (did you mean 'y'?)" for an id that names no diff check, else "".
inline std::string check_diff_ids(const std::vector<std::string>& ids) {
    std::vector<std::string> known;
    for (const auto& c : verify::diff_checks) known.emplace_back(c.id);
    for (const auto& id : ids)
        if (!verify::find_diff_check(id)) {
            std::string hint = did_you_mean(id, known);
            return "unknown diff check '" + id + "'" + (hint.empty() ? "" : " (" + hint + ")");
        }
    return {};
}

inline int run_diff(const DiffRequest& request) {
    for (const auto* ids : {&request.only, &request.skip})
        if (auto error = check_diff_ids(*ids); !error.empty()) {
            std::cerr << "xc diff: " << error << "\n";
            return 2;
        }
    verify::VerifyOptions options;
    options.only = {request.only.begin(), request.only.end()};
    options.skip = {request.skip.begin(), request.skip.end()};
    options.timeout_ms = request.timeout_ms;
    options.run_timeout_ms = request.run_timeout_ms;

    std::vector<Diagnostic> diagnostics;
    std::vector<model::Graph> graphs;
    graphs.reserve(2);
    for (const auto* file : {&request.old_file, &request.new_file}) {
        try {
            graphs.push_back(model::build_graph(input::json::load_model_file(*file)));
        } catch (const InputError& e) {
            diagnostics.insert(diagnostics.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    }
    if (!diagnostics.empty()) throw InputError(std::move(diagnostics));

    auto report = verify::diff(graphs[0], graphs[1], options);
    auto run = verify::locate_diff(request.old_file, request.new_file, std::move(report), graphs[0].model(), graphs[1].model());
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
