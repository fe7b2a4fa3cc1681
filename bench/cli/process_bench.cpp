// xc_process_bench [--runs N] [--commands check,verify,verify-json,emit,re-emit] [--out-dir DIR] [SERVICES...]
//   (default: 5 runs, every command; 10 100 1000 10000 services; outputs under /tmp)
//
// For each size and shape (bench/support/generated_models.hpp), writes the model to a file and
// runs the `xc` command on it as users do, N times each: `xc check`, `xc verify` (report to
// /dev/null), `xc verify --format json` (what a CI gate reads; `verify-json`) and
// `xc emit --target terraform --allow-unverified` (every tenth service of the
// generated models is a violation; emit costs the same either way), in two columns:
//  * `emit terraform`: each run into a fresh directory (what a first emit costs);
//  * `re-emit terraform`: each run over the previous run's output (what CI's next emit costs;
//    removing the replaced tree is part of the run, as it is for users); the first, untimed
//    emit creates that output.
// Outputs are removed only when every size is done, outside any timed run: on ext4, creating
// files right after deleting many is slow (the allocator avoids inodes deleted in the last
// seconds), which would charge one run for the previous run's clean-up. --out-dir puts them on
// another file system (e.g. /dev/shm, /var/tmp). Prints the median wall time, the median CPU
// time (user + sys: the figure to trust when other work shares the cores), the largest peak RSS
// of the runs, the load average, and how much time and peak RSS grew per 10x step in services.
#include "generated_models.hpp"
#include "../arguments.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Run {
    double seconds = 0;
    double cpu_seconds = 0;  // user + sys of the child
    double peak_mib = 0;
    int exit_code = 0;
};

// Starts `args` with stdout and stderr to /dev/null, waits, and returns its wall and CPU time,
// exit code and peak RSS (wait4's rusage of that child alone).
Run spawn_and_wait(const std::vector<std::string>& args) {
    std::fflush(stdout);  // else the child inherits what is buffered and prints it again
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr)) std::_Exit(127);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    Run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    r.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    r.peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

// One `xc` process, started from a fresh small launcher (this program with --launch): a child's
// peak RSS counts the pages it shared with its parent before exec, and this bench's parent holds
// the generated models.
Run run_process(const std::string& self, const std::vector<std::string>& args, const std::string& result_file) {
    std::vector<std::string> launch{self, "--launch", result_file};
    launch.insert(launch.end(), args.begin(), args.end());
    spawn_and_wait(launch);
    Run r;
    std::ifstream in(result_file);
    in >> r.seconds >> r.cpu_seconds >> r.peak_mib >> r.exit_code;
    return r;
}

struct Figure {
    double median_s = 0, median_cpu_s = 0, peak_mib = 0;
    int exit_code = 0;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double load_average() {
    double one = 0;
    std::ifstream("/proc/loadavg") >> one;
    return one;
}

// `args(i)`: the command line of run i.
template <class Args>
Figure measure(const std::string& self, const Args& args, const std::string& result_file, int runs) {
    std::vector<double> times, cpu;
    Figure f;
    for (int i = 0; i < runs; ++i) {
        Run r = run_process(self, args(i), result_file);
        times.push_back(r.seconds);
        cpu.push_back(r.cpu_seconds);
        f.peak_mib = std::max(f.peak_mib, r.peak_mib);
        f.exit_code = r.exit_code;
    }
    f.median_s = median(times);
    f.median_cpu_s = median(cpu);
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 4 && std::string(argv[1]) == "--launch") {
        Run r = spawn_and_wait(std::vector<std::string>(argv + 3, argv + argc));
        std::ofstream(argv[2]) << r.seconds << ' ' << r.cpu_seconds << ' ' << r.peak_mib << ' ' << r.exit_code << '\n';
        return 0;
    }
    const std::string self = "/proc/self/exe";
    constexpr std::string_view usage =
        "xc_process_bench [--runs N] [--commands check,verify,verify-json,emit,re-emit] [--out-dir DIR] [SERVICES...]";
    int runs = 5;
    std::string only = ",check,verify,verify-json,emit,re-emit,";  // the commands to run, by first word
    std::string out_parent = "/tmp";
    std::vector<std::size_t> sizes;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--runs") runs = static_cast<int>(xc::bench::count_option(i, argc, argv, usage, 1, 1000));
        else if (a == "--commands") only = "," + std::string(xc::bench::option_value(i, argc, argv, usage)) + ",";
        else if (a == "--out-dir") out_parent = xc::bench::option_value(i, argc, argv, usage);
        else sizes.push_back(xc::bench::count_argument(a, "SERVICES", usage, 1, 1000000));
    }
    if (sizes.empty()) sizes = {10, 100, 1000, 10000};
    const std::string dir = "/tmp/xc-process-bench-" + std::to_string(::getpid());
    const std::string outputs = out_parent + "/xc-process-bench-outputs-" + std::to_string(::getpid());
    const std::string xc = XC_CLI;
    auto emit = [&xc](const std::string& m, const std::string& o) {
        return std::vector<std::string>{xc, "emit", m, "--target", "terraform", "-o", o, "--allow-unverified"};
    };
    struct Command {
        const char* name;
        // The command line of run `run` on `model`; `out` names this size's and shape's outputs.
        std::function<std::vector<std::string>(const std::string& model, const std::string& out, int run)> args;
        bool prepare = false;  // one untimed run first, with the same command line as run 0
    };
    const Command commands[] = {
        {"check", [&](const std::string& m, const std::string&, int) { return std::vector<std::string>{xc, "check", m}; }},
        {"verify", [&](const std::string& m, const std::string&, int) { return std::vector<std::string>{xc, "verify", m}; }},
        {"verify-json", [&](const std::string& m, const std::string&, int) { return std::vector<std::string>{xc, "verify", "--format", "json", m}; }},
        {"emit terraform", [&](const std::string& m, const std::string& o, int run) { return emit(m, o + "-fresh-" + std::to_string(run)); }},
        {"re-emit terraform", [&](const std::string& m, const std::string& o, int) { return emit(m, o + "-again"); }, true},
    };
    // The commands asked for, each by the first word of a command's name.
    auto first_word = [](std::string_view name) { return std::string(name.substr(0, name.find(' '))); };
    std::string known;
    for (const auto& c : commands) known += (known.empty() ? "" : ", ") + first_word(c.name);
    for (std::size_t from = 1; from < only.size();) {
        const std::size_t to = only.find(',', from);
        const std::string word = only.substr(from, to - from);
        if (std::none_of(std::begin(commands), std::end(commands), [&](const Command& c) { return first_word(c.name) == word; }))
            xc::bench::usage_error("--commands: no command '" + word + "' (the commands: " + known + ")", usage);
        from = to + 1;
    }
    std::system(("mkdir -p " + dir + " " + outputs).c_str());
    std::printf("xc as a process, median of %d runs (wall; cpu = user + sys; peak RSS: the largest of them); growth: wall time and\n"
                "peak RSS / those at the size 10x smaller; load: the 1-minute load average after the runs. emit: into a fresh\n"
                "directory each run; re-emit: over the previous run's output; outputs in %s, removed after all runs\n",
                runs, outputs.c_str());
    for (auto shape : {xc::bench::ModelShape::stamped, xc::bench::ModelShape::distinct}) {
        std::map<std::string, Figure> previous;  // command -> figure at the previous size
        std::size_t previous_size = 0;
        for (std::size_t n : sizes) {
            const std::string model = dir + "/" + xc::bench::to_string(shape) + "-" + std::to_string(n) + ".json";
            const std::string text = xc::bench::generated_services_model(n, shape);
            std::ofstream(model) << text;
            for (const auto& c : commands) {
                if (only.find("," + first_word(c.name) + ",") == std::string::npos) continue;
                const std::string out = outputs + "/" + xc::bench::to_string(shape) + "-" + std::to_string(n);
                auto args = [&](int run) { return c.args(model, out, run); };
                if (c.prepare) run_process(self, args(0), dir + "/run");
                Figure f = measure(self, args, dir + "/run", runs);
                std::string growth = "";
                if (previous.count(c.name) && previous_size * 10 == n) {
                    char g[64];
                    std::snprintf(g, sizeof g, "  growth %5.1fx time %5.1fx RSS", f.median_s / previous[c.name].median_s,
                                  f.peak_mib / previous[c.name].peak_mib);
                    growth = g;
                }
                std::printf("%-8s %6zu services (%6.2f MB)  %-17s exit %d  %8.3f s  cpu %8.3f s  peak %7.1f MiB  load %4.1f%s\n",
                            xc::bench::to_string(shape), n, static_cast<double>(text.size()) / 1e6, c.name, f.exit_code, f.median_s,
                            f.median_cpu_s, f.peak_mib, load_average(), growth.c_str());
                std::fflush(stdout);
                previous[c.name] = f;
            }
            previous_size = n;
        }
    }
    std::system(("rm -rf " + dir + " " + outputs).c_str());
    return 0;
}
