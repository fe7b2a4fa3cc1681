// Kill stress for the output directory: SIGKILL at random moments while a large Terraform
// output is written over an earlier one that a user has deployed from.
//
//   cmake --build build -j2 --target xc_emit_kill_stress
//   ./build/bench/emit/xc_emit_kill_stress [--services N] [--iterations K] [--dir D] [--seed S]
//
// Two generated models (N services, default 3,000) whose outputs differ in every service are
// emitted in memory once. The output directory starts as model A's output plus the user's
// files (Terraform state, .terraform/ with a provider and a link, a plan, notes). Each
// iteration writes the other model's output in a child process — exactly what `xc emit` does
// after verifying — and kills it with SIGKILL after a random delay drawn uniformly from
// [0, 1.2 x the measured time of a whole write], so kills land anywhere from before the first
// file to after the swap. Then it checks:
//   1. the directory is, byte for byte (paths, types, modes, contents, link targets), either
//      the complete old output or the complete new one, each with the user's files;
//   2. a complete run afterwards gives the complete new output and leaves no temporary
//      (`.<name>.xc-tmp-*`, `.<name>.xc-old-*`) beside it: what the killed run left is removed.
// It prints per-iteration outcomes and a summary; exit 1 on any violation.
#include <xc/emit/terraform.hpp>
#include <xc/input/json/load.hpp>

#include "generated_model.hpp"
#include "../arguments.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A digest of the whole tree (FNV-1a over sorted paths, types, modes, contents, link targets).
std::uint64_t tree_digest(const fs::path& dir) {
    std::vector<fs::path> entries;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) entries.push_back(it->path());
    std::sort(entries.begin(), entries.end());
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](std::string_view bytes) {
        for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
    };
    std::string buf;
    for (const auto& p : entries) {
        struct stat st {};
        lstat(p.c_str(), &st);
        mix(p.lexically_relative(dir).string());
        mix(std::to_string(st.st_mode));
        if (S_ISLNK(st.st_mode)) mix(fs::read_symlink(p).string());
        if (S_ISREG(st.st_mode)) {
            std::ifstream in(p, std::ios::binary);
            buf.assign(std::istreambuf_iterator<char>(in), {});
            mix(buf);
        }
    }
    return h;
}

void write_text(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

void add_user_files(const fs::path& out) {
    write_text(out / "consumer/terraform.tfstate", "{\"version\": 4, \"serial\": 42}\n");
    write_text(out / "consumer/.terraform.lock.hcl", "# lock\n");
    write_text(out / "consumer/.terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws",
               std::string(1 << 20, 'P'));
    fs::create_directory_symlink("registry.terraform.io/hashicorp", out / "consumer/.terraform/providers/hashicorp");
    write_text(out / "svc-00001/terraform.tfstate", "{\"version\": 4, \"serial\": 1}\n");
    write_text(out / "svc-00001/tfplan", "plan");
    write_text(out / "NOTES.md", "the user's notes\n");
}

struct Leftovers {
    int count = 0;
    std::uintmax_t bytes = 0;
};

Leftovers leftovers(const fs::path& parent, const std::string& name) {
    Leftovers l;
    for (const auto& e : fs::directory_iterator(parent)) {
        const auto entry = e.path().filename().string();
        if (entry.rfind("." + name + ".xc-", 0) != 0) continue;
        ++l.count;
        for (auto it = fs::recursive_directory_iterator(e.path()); it != fs::recursive_directory_iterator(); ++it) {
            std::error_code ec;
            if (!it->is_symlink(ec) && it->is_regular_file(ec)) l.bytes += it->file_size(ec);
        }
    }
    return l;
}

xc::emit::FileSet emit(int services, const std::string& option, const fs::path& dir) {
    const fs::path model = dir / ("model-" + option + ".json");
    std::ofstream(model) << xc::bench::generated_model(services, option);
    auto files = xc::emit::emit_terraform(xc::model::build_graph(xc::input::json::load_model_file(model.string())));
    fs::remove(model);
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    int services = 3000, iterations = 50;
    unsigned seed = static_cast<unsigned>(std::random_device{}());
    fs::path base = fs::temp_directory_path() / "xc-emit-kill-stress";
    constexpr std::string_view usage = "xc_emit_kill_stress [--services N] [--iterations N] [--dir D] [--seed S]";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--services") services = static_cast<int>(xc::bench::count_option(i, argc, argv, usage, 1, 1000000));
        else if (a == "--iterations") iterations = static_cast<int>(xc::bench::count_option(i, argc, argv, usage, 1, 1000000));
        else if (a == "--dir") base = xc::bench::option_value(i, argc, argv, usage);
        else if (a == "--seed") seed = static_cast<unsigned>(xc::bench::count_option(i, argc, argv, usage, 0, UINT32_MAX));
        else xc::bench::usage_error("unknown option " + a, usage);
    }
    fs::remove_all(base);
    fs::create_directories(base);
    std::printf("services %d, iterations %d, seed %u, in %s\n", services, iterations, seed, base.c_str());

    const xc::emit::FileSet sets[2] = {emit(services, "water", base), emit(services, "juice", base)};
    std::size_t bytes = 0;
    for (const auto& [_, f] : sets[0].files()) bytes += f.content.size();
    std::printf("output: %zu files, %.1f MB per model\n", sets[0].size(), bytes / 1e6);

    // The two references: each model's complete output with the user's files.
    std::uint64_t expected[2];
    double write_s = 0;
    for (int k = 0; k < 2; ++k) {
        const fs::path ref = base / ("reference-" + std::to_string(k));
        xc::emit::write_atomically(sets[k], ref);
        add_user_files(ref);
        auto t = Clock::now();
        xc::emit::write_atomically(sets[k], ref);  // a re-write with the user's files: what each iteration does
        write_s = std::max(write_s, std::chrono::duration<double>(Clock::now() - t).count());
        expected[k] = tree_digest(ref);
        fs::remove_all(ref);
    }
    std::printf("a whole write over the earlier output takes %.2f s; kills drawn from [0, %.2f s]\n", write_s, 1.2 * write_s);

    const fs::path out = base / "out";
    xc::emit::write_atomically(sets[0], out);
    add_user_files(out);
    int current = 0;  // which model's output `out` holds
    int old_kept = 0, new_done = 0, failures = 0, left = 0;
    std::uintmax_t left_bytes_max = 0;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> delay(0, 1.2 * write_s);
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) {
        const int next = 1 - current;
        const double after = delay(rng);
        pid_t pid = fork();
        if (pid == 0) {
            xc::emit::write_atomically(sets[next], out);
            _exit(0);
        }
        usleep(static_cast<useconds_t>(after * 1e6));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        const bool finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        const std::uint64_t now = fs::exists(out) ? tree_digest(out) : 0;
        const Leftovers l = leftovers(base, "out");
        std::string outcome;
        if (now == expected[current]) outcome = "old output intact", ++old_kept;
        else if (now == expected[next]) outcome = "new output complete", ++new_done, current = next;
        else outcome = fs::exists(out) ? "VIOLATION: neither old nor new" : "VIOLATION: output missing", ++failures;
        if (l.count) ++left, left_bytes_max = std::max(left_bytes_max, l.bytes);
        // The next run: it must finish the job and remove what the killed one left.
        const int target = 1 - current;
        xc::emit::write_atomically(sets[target], out);
        current = target;
        const Leftovers after_next = leftovers(base, "out");
        const bool next_ok = tree_digest(out) == expected[current] && after_next.count == 0;
        if (!next_ok) ++failures;
        std::printf("%3d  kill at %6.3f s%s: %-22s leftovers %d (%.1f MB); next run: %s\n", i + 1, after, finished ? " (after exit)" : "",
                    outcome.c_str(), l.count, l.bytes / 1e6, next_ok ? "complete, nothing left" : "VIOLATION");
        std::fflush(stdout);
    }
    const double total = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("\n%d kills in %.0f s: old output intact %d, new output complete %d, violations %d; "
                "%d kills left temporaries (largest %.1f MB), all removed by the next run: %s\n",
                iterations, total, old_kept, new_done, failures, left, left_bytes_max / 1e6, failures == 0 ? "yes" : "NO");
    fs::remove_all(base);
    return failures == 0 ? 0 : 1;
}
