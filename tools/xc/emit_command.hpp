// xc emit: lower a verified model to deployable files.
//
// Targets are a table: adding one (e.g. cloudformation) is one entry — its name, its help line
// and how it builds its FileSet.
//
// Verification and the lowering only read the graph, so they run side by side: the target is
// built on a second thread while this one verifies (on threads of its own: verify.hpp),
// and a target asks `verified()` only when it needs the answer — Terraform when every stack is
// printed, to stamp or leave out the unverified-model warning. Nothing is written before the
// verdict allows it, so a refused model leaves the output directory as it was.
#pragma once

#include "command_support.hpp"

#include <xc/emit/cloudformation.hpp>
#include <xc/emit/file_set.hpp>
#include <xc/emit/lambda.hpp>
#include <xc/emit/terraform.hpp>
#include <xc/verify/report_format.hpp>
#include <xc/xc.hpp>

#include <exception>
#include <functional>
#include <future>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace xc::cli {

struct EmitTarget {
    std::string_view name;
    std::string_view help;  // lines for `xc emit --help`, each indented to line up under the name
    // `verified()` blocks until verification has finished; `jobs`: threads it may use (0: one per core).
    std::function<emit::FileSet(const model::Graph&, const std::function<bool()>& verified, unsigned jobs)> emit;
};

inline const std::vector<EmitTarget>& emit_targets() {
    static const std::vector<EmitTarget> targets{
        {"terraform", "one root module per account, DIR/README.md gives the apply order",
         [](const model::Graph& graph, const std::function<bool()>& verified, unsigned jobs) {
             emit::TerraformOptions options;
             options.jobs = jobs;
             return emit::emit_terraform(graph, options, [&] { return !verified(); });
         }},
        {"cloudformation",
         "one template per account from the same lowering as terraform; DIR/README.md\n"
         "gives the deploy order and commands; notes (e.g. certificates to import) go to stderr",
         [](const model::Graph& graph, const std::function<bool()>& verified, unsigned) {
             emit::CloudFormationOptions options;
             options.unverified_warning = !verified();
             auto result = emit::emit_cloudformation(graph, options);
             for (const auto& note : result.notes) std::cerr << "xc emit: note: " << note << '\n';
             return std::move(result.files);
         }},
        {"lambda",
         "one standalone C++ CMake project per service; building it leaves\n"
         "DIR/<service>/dist/<function>.zip, where the Terraform roots look by default\n"
         "when emitted to a sibling directory (e.g. out/terraform and out/lambda)",
         [](const model::Graph& graph, const std::function<bool()>&, unsigned) { return emit::emit_lambda(graph); }},
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
    unsigned jobs = 0;  // threads to load, verify and lower with (0: one per core)
};

// Emission refuses a model that is not verified: the deployment is what was proved.
inline int run_emit(const EmitRequest& request) {
    const model::Graph& graph = load_graph(request.model_file, request.jobs);
    const EmitTarget* target = nullptr;
    for (const auto& t : emit_targets())
        if (t.name == request.target) target = &t;
    std::promise<bool> verdict;
    std::shared_future<bool> verified = verdict.get_future().share();
    // The warning comes before anything the target says once it knows the verdict (e.g.
    // CloudFormation's notes), as when the verdict came first.
    std::once_flag warned;
    auto warn_if_unverified = [&](bool v) {
        if (!v) std::call_once(warned, [] { std::cerr << "xc emit: warning: emitting an unverified model (--allow-unverified)\n"; });
    };
    // A refused model's target is not needed: asking for the verdict then ends its thread early.
    struct Refused {};
    auto ask = [verified, &request, &warn_if_unverified]() -> bool {
        const bool v = verified.get();
        if (!v && !request.allow_unverified) throw Refused{};
        warn_if_unverified(v);
        return v;
    };
    // The finished files (kept until exit, as the graph), or why not.
    emit::FileSet* files = nullptr;
    std::exception_ptr emit_error;
    std::thread emitter([&] {
        try {
            if (target) files = &kept_until_exit([&] { return target->emit(graph, ask, request.jobs); });
        } catch (const Refused&) {
        } catch (...) {
            emit_error = std::current_exception();
        }
    });
    verify::Report& report = kept_until_exit([] { return verify::Report{}; });
    try {
        verify::VerifyOptions options;
        options.jobs = request.jobs;
        report = verify::verify(graph, options);
        verdict.set_value(report.exit_code() == 0);
    } catch (...) {
        verdict.set_exception(std::current_exception());
        emitter.join();
        throw;  // verification's error comes first, as when it ran before the emitter
    }
    emitter.join();
    if (!verified.get() && !request.allow_unverified) {
        verify::RunReport run;
        run.models.push_back(verify::locate(request.model_file, std::move(report), graph.model(), request.jobs));
        std::cerr << verify::to_text(run) << "xc emit: refusing to emit an unverified model (use --allow-unverified to emit anyway)\n";
        return run.exit_code();
    }
    warn_if_unverified(verified.get());
    if (emit_error) std::rethrow_exception(emit_error);
    if (!files) files = &kept_until_exit([] { return emit::FileSet{}; });
    emit::write_atomically(*files, request.out_dir);
    std::cout << "wrote " << files->size() << " files to " << request.out_dir << '\n';
    return 0;
}

}  // namespace xc::cli
