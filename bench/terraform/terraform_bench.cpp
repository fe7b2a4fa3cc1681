// Reading Terraform roots: the roots `xc emit --target terraform` writes for the reference
// model's consumer plus N generated services (bench/emit/generated_model.hpp), read as one
// deployment with `load_roots` (parse, evaluate, link the services' secret reads to the
// consumer's secret).
//
//   cmake --build build -j2 --target xc_terraform_bench && ./build/bench/terraform/xc_terraform_bench [--library-only] [--keep] [N ...]
//
// Prints, per N: roots, .tf bytes, resource instances, and the wall and CPU time of load_roots
// (which reads every root once, then again per linking pass until nothing changes); then what a
// user waits for: reading and verifying the roots (load_roots + to_model + graph + verify) next
// to loading and verifying the model they were emitted from, and the ratio; then the same as users
// run it: `xc verify ROOT...` against `xc verify MODEL` as processes (median of 3 runs each).
// Goal (issue 18): reading and verifying the emitted Terraform within 2x verifying the model.
#include <xc/emit/terraform.hpp>
#include <xc/input/json/load.hpp>
#include <xc/input/terraform/link.hpp>
#include <xc/input/terraform/to_model.hpp>
#include <xc/verify/verify.hpp>

#include "generated_model.hpp"
#include "../arguments.hpp"
#include "../timing.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using xc::bench::Clock;
using xc::bench::cpu_seconds;
using xc::bench::seconds_since;

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::vector<int> sizes;
    bool processes = true;  // --library-only: skip the process timings (for profiling the library)
    bool keep = false;      // --keep: leave the last size's roots in place (to profile `xc` on them)
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--library-only")
            processes = false;
        else if (std::string(argv[i]) == "--keep")
            keep = true;
        else
            sizes.push_back(static_cast<int>(
                xc::bench::count_argument(argv[i], "SERVICES", "xc_terraform_bench [--library-only] [--keep] [SERVICES...]", 1, 1000000)));
    }
    if (sizes.empty()) sizes = {1000, 10000};
    const fs::path dir = fs::temp_directory_path() / "xc-terraform-bench";
    std::printf("%8s %8s %10s %10s %10s %10s %12s %12s %7s\n", "services", "roots", "MB", "instances", "load s", "load cpu s", "tf+verify s",
                "model+verify s", "ratio");
    for (int n : sizes) {
        fs::remove_all(dir);
        fs::create_directories(dir);
        std::size_t bytes = 0;
        std::set<fs::path> roots;
        const std::string model_text = xc::bench::generated_model(n);
        // The model's side: load, graph and verify it (what `xc verify MODEL` does).
        const auto tm = Clock::now();
        {
            auto graph = xc::model::build_graph(xc::input::json::load_model_text(model_text, "generated.json"));
            (void)xc::verify::verify(graph);
        }
        const double model_wall = seconds_since(tm);
        {
            auto graph = xc::model::build_graph(xc::input::json::load_model_text(model_text, "generated.json"));
            const auto files = xc::emit::emit_terraform(graph);
            for (const auto& [path, f] : files.files()) {
                const fs::path p = dir / path;
                if (p.extension() != ".tf") continue;
                fs::create_directories(p.parent_path());
                std::ofstream(p) << f.content;
                bytes += f.content.size();
                roots.insert(p.parent_path());
            }
        }
        std::vector<xc::input::terraform::RootInput> inputs;
        for (const auto& r : roots) inputs.push_back({r.filename().string(), r, {}});
        const auto t = Clock::now();
        const double cpu = cpu_seconds();
        const auto configs = xc::input::terraform::load_roots(inputs);
        const double wall = seconds_since(t), cpu_s = cpu_seconds() - cpu;
        std::size_t instances = 0;
        for (const auto& c : configs) instances += c.instances.size();
        // The roots' side, whole: read, map, graph and verify (what `xc verify DIR...` does).
        const auto tt = Clock::now();
        double map_wall = 0, verify_wall = 0;
        {
            const auto again = xc::input::terraform::load_roots(inputs);
            const auto tmap = Clock::now();
            auto mapped = xc::input::terraform::to_model(inputs, again);
            auto graph = xc::model::build_graph(std::move(mapped.model));
            map_wall = seconds_since(tmap);
            const auto tv = Clock::now();
            (void)xc::verify::verify(graph);
            verify_wall = seconds_since(tv);
        }
        const double tf_wall = seconds_since(tt);
        std::printf("%8d %8zu %10.1f %10zu %10.3f %10.3f %12.3f %12.3f %7.2f   (map+graph %.3f s, verify %.3f s)\n", n, roots.size(), bytes / 1e6,
                    instances, wall, cpu_s, tf_wall, model_wall, tf_wall / model_wall, map_wall, verify_wall);
        const fs::path model_file = dir / "generated.json";
        std::ofstream(model_file) << model_text;
#ifdef XC_CLI
        if (processes) {
            // Relative to the roots' directory, as a user runs it there: 10,000 absolute paths
            // exceed what one shell command may hold (MAX_ARG_STRLEN, 128 KiB).
            std::string root_args;
            for (const auto& r : roots) root_args += " " + fs::relative(r, dir).string();
            const auto tf = xc::bench::time_process("cd " + dir.string() + " && " + std::string(XC_CLI) + " verify" + root_args + " > /dev/null", 3);
            const auto model = xc::bench::time_process(std::string(XC_CLI) + " verify " + model_file.string() + " > /dev/null", 3);
            std::printf("%8s as processes: xc verify ROOT... %.3f s (exit %d), xc verify MODEL %.3f s (exit %d), ratio %.2f (medians of 3)\n", "",
                        tf.median_seconds, tf.exit_status, model.median_seconds, model.exit_status, tf.median_seconds / model.median_seconds);
        }
#endif
    }
    if (keep)
        std::printf("roots and model kept in %s\n", dir.string().c_str());
    else
        fs::remove_all(dir);
    return 0;
}
