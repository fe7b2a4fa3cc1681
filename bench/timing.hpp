// Timing helpers the benchmarks share: wall time since a point, the process's CPU time (steadier
// than wall time on a shared machine), and the median wall time of a command run as users run it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace xc::bench {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
inline double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// A command's whole-process wall time, the median of `runs` runs, and its exit status (of the last run).
struct ProcessTiming {
    double median_seconds = 0;
    int exit_status = -1;
};
inline ProcessTiming time_process(const std::string& command, int runs) {
    std::vector<double> walls;
    ProcessTiming out;
    for (int i = 0; i < runs; ++i) {
        const auto t = Clock::now();
        const int status = std::system(command.c_str());
        walls.push_back(seconds_since(t));
        out.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::sort(walls.begin(), walls.end());
    out.median_seconds = walls[walls.size() / 2];
    return out;
}

}  // namespace xc::bench
