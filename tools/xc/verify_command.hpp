// xc verify: prove every model's properties and report — the CI gate.
//
// All inputs (models, baseline) are read and checked before anything is proved: bad input in
// any of them is exit 2 with every diagnostic and no report at all, on stdout or in --output.
#pragma once

#include "command_support.hpp"
#include "inputs.hpp"
#include "output_file.hpp"
#include "progress_line.hpp"

#include <xc/verify/baseline.hpp>
#include <xc/verify/report_format.hpp>
#include <xc/verify/sarif.hpp>
#include <xc/xc.hpp>

#include <cstdio>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

namespace xc::cli {

struct VerifyRequest : CheckSelection {  // only/skip: property ids
    std::vector<std::string> inputs;      // model files, Terraform root directories and their options, as given
    std::vector<std::string> stack_args;  // CloudFormation templates and their options (one model)
    std::string format = "text";  // text | json | sarif
    std::string output;           // empty: stdout
    std::string baseline;         // empty: none
};

inline const std::vector<std::string>& verify_formats() {
    static const std::vector<std::string> formats{"text", "json", "sarif"};
    return formats;
}

inline std::set<std::string> checked_properties(const verify::VerifyOptions& options) {
    std::set<std::string> ids;
    for (const auto& p : verify::properties)
        if (verify::enabled(options, p.id)) ids.insert(std::string(p.id));
    return ids;
}

inline std::string render(const verify::RunReport& run, const std::string& format, unsigned jobs) {
    if (format == "json") return verify::to_json_text(run, jobs) + "\n";
    if (format == "sarif") return verify::to_sarif(run).dump(2) + "\n";
    return verify::to_text(run);
}

// Throws InputError (every model's and the baseline's diagnostics together) before proving anything;
// OutputFileError if --output cannot be written.
inline int run_verify(const VerifyRequest& request) {
    std::vector<std::string> known;
    for (const auto& p : verify::properties) known.emplace_back(p.id);
    if (auto error = unknown_id(request, known, "property"); !error.empty()) {
        std::cerr << "xc verify: " << error << "\n";
        return 2;
    }
    verify::VerifyOptions options = request.options();

    std::vector<Diagnostic> diagnostics;
    std::vector<LoadedInput> inputs;
    try {
        inputs = load_inputs(sort_inputs(request.inputs, request.stack_args), request.jobs);
    } catch (const InputError& e) {
        if (e.diagnostics().empty()) throw;
        diagnostics = e.diagnostics();
    }
    std::optional<verify::Baseline> baseline;
    if (!request.baseline.empty()) {
        try {
            baseline = verify::load_baseline_file(request.baseline);
        } catch (const InputError& e) {
            diagnostics.insert(diagnostics.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    }
    if (!diagnostics.empty()) throw InputError(std::move(diagnostics));

    // One deadline for the whole run, over every model.
    options.run_deadline = verify::Deadline::after(request.run_timeout_ms, "run");
    std::size_t total_apis = 0;
    for (const auto& in : inputs) total_apis += in.graph->private_apis().size();
    ProgressLine progress(stderr, ::isatty(STDERR_FILENO) == 1 && total_apis > progress_min_apis);
    verify::RunReport& run = kept_until_exit([] { return verify::RunReport{}; });
    std::size_t apis_before = 0;
    for (const auto& in : inputs) {
        auto report = verify::verify(*in.graph, options, [&](std::size_t done, std::size_t) { progress.update(apis_before + done, total_apis); });
        apis_before += in.graph->private_apis().size();
        run.models.push_back(verify::locate(in.label, std::move(report), in.graph->model(), request.jobs));
        run.models.back().not_modelled = in.not_modelled;
    }
    progress.finish();
    if (baseline) {
        run.apply(std::move(*baseline), checked_properties(options));
        for (auto index : run.unused_suppressions) std::cerr << verify::unused_suppression_warning(*run.baseline, index) << '\n';
    }

    std::string text = render(run, request.format, request.jobs);
    if (request.output.empty()) {
        std::cout << text;
    } else {
        write_output_file(request.output, text);
        // The report went to a file; the log still says what it found.
        std::cerr << "xc verify: " << request.output << ": " << run.count(verify::Verdict::proved) << " proved, "
                  << run.count(verify::Verdict::violated) << " violated, " << run.count(verify::Verdict::undecided) << " undecided"
                  << (run.suppressed_count() ? ", " + std::to_string(run.suppressed_count()) + " suppressed" : std::string()) << '\n';
    }
    return run.exit_code();
}

}  // namespace xc::cli
