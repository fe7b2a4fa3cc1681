// Throughput of the concrete evaluator on the differential test's random cases.
//
//   xc_policy_bench [cases=20000] [rounds=20] [seed=1]
// Prints parse time per policy and decisions per second for decide() (identity + resource
// policies) and evaluate_resource_policy(). For agreement at scale run the differential test:
//   XC_DIFF_PAIRS=100000 ./xc_policy_tests --gtest_filter=PolicyDifferential.*
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "differential.hpp"
#include "../arguments.hpp"

using namespace xc::policy;
using namespace xc::policy::difftest;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    constexpr std::string_view usage = "xc_policy_bench [CASES [ROUNDS [SEED]]]";
    if (argc > 4) xc::bench::usage_error(std::string("unexpected argument ") + argv[4], usage);
    const std::size_t cases = argc > 1 ? xc::bench::count_argument(argv[1], "CASES", usage, 1) : 20000;
    const std::size_t rounds = argc > 2 ? xc::bench::count_argument(argv[2], "ROUNDS", usage, 1) : 20;
    const std::uint64_t seed = argc > 3 ? xc::bench::count_argument(argv[3], "SEED", usage) : 1;

    Generator gen(seed);
    std::vector<Case> raw;
    raw.reserve(cases);
    for (std::size_t i = 0; i < cases; ++i) raw.push_back(gen.next());

    auto t0 = Clock::now();
    std::vector<XcCase> xs;
    xs.reserve(cases);
    for (const auto& c : raw) xs.push_back(to_xc(c));
    double parse_s = std::chrono::duration<double>(Clock::now() - t0).count();

    std::vector<std::vector<const Policy*>> identity(cases);
    for (std::size_t i = 0; i < cases; ++i)
        for (const auto& p : xs[i].identity) identity[i].push_back(&p);

    std::size_t allowed = 0;
    t0 = Clock::now();
    for (std::size_t r = 0; r < rounds; ++r)
        for (std::size_t i = 0; i < cases; ++i)
            allowed += decide(PolicySet{identity[i], &xs[i].resource}, xs[i].request).verdict == Verdict::Allow;
    double decide_s = std::chrono::duration<double>(Clock::now() - t0).count();

    t0 = Clock::now();
    std::size_t resource_allowed = 0;
    for (std::size_t r = 0; r < rounds; ++r)
        for (std::size_t i = 0; i < cases; ++i)
            resource_allowed += evaluate_resource_policy(xs[i].resource, xs[i].request).verdict == Verdict::Allow;
    double resource_s = std::chrono::duration<double>(Clock::now() - t0).count();

    const double n = static_cast<double>(cases * rounds);
    std::printf("cases: %zu (seed %llu), rounds: %zu\n", cases, static_cast<unsigned long long>(seed), rounds);
    std::printf("parse + build request: %.2f us per case (incl. JSON conversion)\n", 1e6 * parse_s / cases);
    std::printf("decide (identity + resource): %.0f decisions/s (%.2f us each; %zu allowed)\n", n / decide_s,
                1e6 * decide_s / n, allowed);
    std::printf("evaluate_resource_policy:     %.0f decisions/s (%.2f us each; %zu allowed)\n", n / resource_s,
                1e6 * resource_s / n, resource_allowed);
    return 0;
}
