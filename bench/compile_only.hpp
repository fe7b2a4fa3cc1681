// Included into every benchmark of a build configured with XC_BENCH_COMPILE_ONLY=ON (what CI
// does to check that the benchmarks compile): such a build is unoptimised, so it refuses to run
// rather than print figures that mean nothing.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace xc_bench_detail {
inline const bool refuse_to_run = [] {
    std::fputs("this benchmark was built with XC_BENCH_COMPILE_ONLY=ON (unoptimised, to check that it compiles); "
               "reconfigure with -DXC_BENCH_COMPILE_ONLY=OFF to measure\n",
               stderr);
    std::exit(2);
    return true;
}();
}  // namespace xc_bench_detail
