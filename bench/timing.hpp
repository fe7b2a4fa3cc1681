// Timing helpers the benchmarks share: wall time since a point, and the process's CPU time
// (steadier than wall time on a shared machine).
#pragma once

#include <chrono>
#include <ctime>

namespace xc::bench {

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
inline double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace xc::bench
