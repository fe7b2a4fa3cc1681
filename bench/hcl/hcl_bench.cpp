// HCL parser throughput: parses every .tf file `emit_terraform` writes for a generated model
// (the reference model's consumer plus N services stamped from `orders-service`, as in
// bench/emit) and prints MB/s on one core; with --hashicorp, also times HashiCorp's parser
// (@cdktf/hcl2json, wasm in node) on the same files, inside one node process, start-up excluded.
//
//   cmake --build build -j2 --target xc_hcl_bench && ./build/bench/hcl/xc_hcl_bench [--hashicorp] [N ...]
#include "../arguments.hpp"
#include "../emit/generated_model.hpp"

#include <xc/emit/terraform.hpp>
#include <xc/input/hcl/hcl.hpp>
#include <xc/input/json/load.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
    bool hashicorp = false;
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--hashicorp") hashicorp = true;
        else sizes.push_back(static_cast<int>(xc::bench::count_argument(argv[i], "SERVICES", "xc_hcl_bench [--hashicorp] [SERVICES...]", 1, 1000000)));
    }
    if (sizes.empty()) sizes = {1000, 10000};
    const auto dir = std::filesystem::temp_directory_path() / "xc-hcl-bench";
    std::filesystem::create_directories(dir);
    std::printf("%8s %8s %10s %10s %10s %10s %14s\n", "services", "files", "MB", "parse s", "cpu s", "MB/s", "hashicorp MB/s");
    for (int n : sizes) {
        const auto model_path = dir / ("model-" + std::to_string(n) + ".json");
        std::ofstream(model_path) << xc::bench::generated_model(n);
        auto graph = xc::model::build_graph(xc::input::json::load_model_file(model_path.string()));
        std::filesystem::remove(model_path);
        auto files = xc::emit::emit_terraform(graph);
        std::vector<std::pair<std::string, std::string>> tf;
        std::size_t bytes = 0;
        for (const auto& [path, f] : files.files()) {
            if (!path.ends_with(".tf")) continue;
            tf.emplace_back(path, f.content);
            bytes += f.content.size();
        }
        files = {};
        std::size_t attributes = 0;
        const auto t = Clock::now();
        const double cpu = cpu_seconds();
        for (const auto& [path, text] : tf) {
            auto parsed = xc::input::hcl::parse(text, path);  // throws on a syntax error: a bug
            attributes += parsed.body.attributes.size() + parsed.body.blocks.size();
        }
        const double wall = std::chrono::duration<double>(Clock::now() - t).count();
        const double cpu_s = cpu_seconds() - cpu;
        std::string theirs = "-";
        if (hashicorp) {
            // A sample of the files (HashiCorp's parser in wasm is slow): every k-th, ~2,000 files.
            const std::size_t step = std::max<std::size_t>(1, tf.size() / 2000);
            const auto sample = dir / "sample";
            std::filesystem::remove_all(sample);
            std::filesystem::create_directories(sample);
            std::string list;
            for (std::size_t i = 0; i < tf.size(); i += step) {
                const auto p = sample / (std::to_string(i) + ".tf");
                std::ofstream(p, std::ios::binary) << tf[i].second;
                list += p.string() + "\n";
            }
            std::ofstream(dir / "list") << list;
            const std::string cmd = "node '" + std::string(XC_SOURCE_DIR) + "/tests/input/hcl/hcl2json_lines.js' '" + XC_NPM_DIR +
                                    "' '" + (dir / "list").string() + "' --time";
            if (FILE* p = popen(cmd.c_str(), "r")) {
                char buf[4096];
                std::string out;
                while (std::fgets(buf, sizeof buf, p)) out += buf;
                pclose(p);
                try {
                    auto j = nlohmann::json::parse(out);
                    char s[32];
                    std::snprintf(s, sizeof s, "%.2f", j.at("bytes").get<double>() / 1e6 / j.at("seconds").get<double>());
                    theirs = s;
                } catch (const std::exception&) {
                    theirs = "error";
                }
            }
        }
        std::printf("%8d %8zu %10.1f %10.3f %10.3f %10.1f %14s\n", n, tf.size(), bytes / 1e6, wall, cpu_s, bytes / 1e6 / cpu_s,
                    theirs.c_str());
        if (attributes == 0) return 1;
    }
    return 0;
}
