// Emit times for generated models: the reference model's consumer plus N services stamped
// from its `orders-service` template, each in its own account.
//
//   cmake --build build -j2 --target xc_emit_bench && ./build/bench/emit/xc_emit_bench [N ...]
//
// Prints, per N: model load (JSON + template expansion + checks), graph build, lowering the
// whole deployment, printing it as Terraform, and `emit_terraform` (wall and CPU time; it
// runs first, on a heap holding only the model and graph, as in `xc emit`), with the number
// of files and bytes. `emit_terraform` lowers and prints stack by stack (on one thread per
// core, its default: a run of accounts each), so it costs less than
// the two phases apart, which build the whole lowered deployment (~1 GB for 10,000 services).
// Then writing the files (`write_atomically`, wall and CPU) into a new output directory, and
// again over that earlier output (which replaces it and removes the old tree), in the system's
// temporary directory.
// Goal: 10,000 services emitted in <= 2 s.
#include <xc/emit/file_set.hpp>
#include <xc/emit/terraform.hpp>
#include <xc/input/json/load.hpp>

#include "generated_model.hpp"
#include "../arguments.hpp"
#include "../timing.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using xc::bench::Clock;
using xc::bench::cpu_seconds;
using xc::bench::seconds_since;

int main(int argc, char** argv) {
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i)
        sizes.push_back(static_cast<int>(xc::bench::count_argument(argv[i], "SERVICES", "xc_emit_bench [SERVICES...]", 1, 1000000)));
    if (sizes.empty()) sizes = {1000, 10000};
    auto dir = std::filesystem::temp_directory_path() / "xc-emit-bench";
    std::filesystem::create_directories(dir);
    std::printf("%8s %10s %10s %10s %10s %12s %10s %8s %10s %16s %16s\n", "services", "load s", "graph s", "lower s", "print s",
                "emit total s", "emit cpu s", "files", "MB", "write new s/cpu", "replace s/cpu");
    for (int n : sizes) {
        auto path = dir / ("model-" + std::to_string(n) + ".json");
        std::ofstream(path) << xc::bench::generated_model(n);
        auto t = Clock::now();
        auto model = xc::input::json::load_model_file(path.string());
        double load = seconds_since(t);
        t = Clock::now();
        auto graph = xc::model::build_graph(std::move(model));
        double graph_s = seconds_since(t);
        // emit_terraform first, on a heap holding only the model and graph, as in `xc emit`.
        t = Clock::now();
        double cpu = cpu_seconds();
        auto files = xc::emit::emit_terraform(graph);
        double emit_s = seconds_since(t);
        double emit_cpu = cpu_seconds() - cpu;
        std::size_t bytes = 0;
        for (const auto& [_, f] : files.files()) bytes += f.content.size();
        const std::size_t file_count = files.size();
        const auto out = dir / ("out-" + std::to_string(n));
        std::filesystem::remove_all(out);
        double write_s[2], write_cpu[2];
        for (int round = 0; round < 2; ++round) {  // a new directory, then over that earlier output
            t = Clock::now();
            cpu = cpu_seconds();
            xc::emit::write_atomically(files, out);
            write_s[round] = seconds_since(t);
            write_cpu[round] = cpu_seconds() - cpu;
        }
        std::filesystem::remove_all(out);
        files = {};
        t = Clock::now();
        auto deployment = xc::emit::lowering::lower(graph);
        double lower_s = seconds_since(t);
        t = Clock::now();
        auto again = xc::emit::terraform::print(deployment);
        double print_s = seconds_since(t);
        std::printf("%8d %10.3f %10.3f %10.3f %10.3f %12.3f %10.3f %8zu %10.1f %8.3f/%7.3f %8.3f/%7.3f\n", n, load, graph_s, lower_s,
                    print_s, emit_s, emit_cpu, file_count, bytes / 1e6, write_s[0], write_cpu[0], write_s[1], write_cpu[1]);
        std::filesystem::remove(path);
        if (again.size() != file_count) return 1;
    }
    return 0;
}
