// Differential test: xc's evaluator against @cloud-copilot/iam-simulate on random cases.
//
//   XC_DIFF_PAIRS  number of cases (default 10000; e.g. 100000 for a long run)
//   XC_DIFF_SEED   generator seed (default 1)
// Node and the pinned npm package are required: their absence fails the test (the setup script
// installs them), it never skips.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include <unistd.h>

#include "differential.hpp"

// Its own namespace: the area's test files are compiled as one translation unit.
namespace differential_test {

using namespace xc::policy;
using namespace xc::policy::difftest;

namespace {

std::size_t env_size(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    return static_cast<std::size_t>(std::stoull(v));
}

std::filesystem::path work_dir() {
    return std::filesystem::temp_directory_path() / ("xc-policy-diff-" + std::to_string(::getpid()));
}

}  // namespace

TEST(PolicyDifferential, GeneratorIsDeterministic) {
    Generator a(7), b(7), c(8);
    for (int i = 0; i < 50; ++i) {
        auto x = a.next(), y = b.next(), z = c.next();
        EXPECT_EQ(x.sim, y.sim);
        if (i == 0) {
            EXPECT_NE(x.sim, z.sim);
        }
    }
}

TEST(PolicyDifferential, AgreesWithIamSimulate) {
    const std::size_t pairs = env_size("XC_DIFF_PAIRS", 10000);
    const std::uint64_t seed = env_size("XC_DIFF_SEED", 1);
    Generator gen(seed);
    std::vector<Case> cases;
    std::vector<XcCase> xc_cases;
    cases.reserve(pairs);
    xc_cases.reserve(pairs);
    for (std::size_t i = 0; i < pairs; ++i) {
        cases.push_back(gen.next());
        try {
            xc_cases.push_back(to_xc(cases.back()));
        } catch (const xc::InputError& e) {
            FAIL() << "xc rejected generated case " << i << ": " << e.what() << "\n" << cases.back().sim.dump();
        }
    }

    // xc side, timed (decisions per second of the C++ evaluator).
    std::vector<XcAnswer> mine;
    mine.reserve(pairs);
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& x : xc_cases) mine.push_back(evaluate(x));
    double xc_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    OracleRun oracle;
    try {
        oracle = run_oracle(cases, XC_SOURCE_DIR "/tests/policy/oracle/iam-simulate.mjs", XC_NPM_DIR, work_dir());
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    std::filesystem::remove_all(work_dir());

    std::size_t compared = 0, oracle_errors = 0, unexplained = 0, shown = 0, with_variables = 0;
    std::map<std::string, std::size_t> explained;
    std::map<std::string, std::size_t> verdicts;
    std::map<std::string, std::size_t> identity_and_resource;
    for (std::size_t i = 0; i < pairs; ++i) {
        const json& a = oracle.answers[i];
        if (a.is_null() || a["resultType"] != "single") {
            ++oracle_errors;
            if (shown++ < 5)
                ADD_FAILURE() << "oracle could not evaluate case " << i << ": " << a.dump() << "\n" << cases[i].sim.dump();
            continue;
        }
        ++compared;
        ++verdicts[a["overall"].get<std::string>()];
        // The identity + resource combination AWS_IAM routes rely on (verify/api_properties.hpp): an
        // AWS principal with an identity policy, in the resource's account or another one.
        if (const auto& req = xc_cases[i].request; req.principal && req.principal->type == PrincipalType::AWS && !xc_cases[i].identity.empty())
            ++identity_and_resource[std::string(req.principal->account() == kApiAccount ? "same account " : "cross account ") +
                                    a["overall"].get<std::string>()];
        bool variables = has_policy_variables(xc_cases[i].resource);
        for (const auto& p : xc_cases[i].identity) variables = variables || has_policy_variables(p);
        with_variables += variables;
        const bool agree = a["resource"] == mine[i].resource && a["overall"] == mine[i].overall;
        if (agree) continue;
        auto reasons = known_simulator_deviations(xc_cases[i]);
        if (!reasons.empty()) {
            ++explained[reasons.front()];
            continue;
        }
        ++unexplained;
        if (shown++ < 10)
            ADD_FAILURE() << "disagreement on case " << i << ": xc resource=" << mine[i].resource
                          << " overall=" << mine[i].overall << ", iam-simulate resource=" << a["resource"]
                          << " overall=" << a["overall"] << "\nxc resource policy: " << cases[i].xc_resource_policy.dump()
                          << "\nsimulation: " << cases[i].sim.dump();
    }

    std::cout << "[ differential ] " << compared << " pairs compared (seed " << seed << "), " << unexplained
              << " unexplained disagreements, " << oracle_errors << " oracle errors; " << with_variables
              << " pairs with policy variables\n";
    for (auto& [name, n] : explained) std::cout << "[ differential ] explained by exception " << name << ": " << n << "\n";
    for (auto& [name, n] : verdicts) std::cout << "[ differential ] oracle verdict " << name << ": " << n << "\n";
    std::cout << "[ differential ] xc: " << pairs << " decisions in " << xc_seconds << " s ("
              << static_cast<long long>(pairs / (xc_seconds > 0 ? xc_seconds : 1e-9)) << " decisions/s, incl. both analyses)"
              << "; iam-simulate: " << oracle.seconds << " s (" << static_cast<long long>(pairs / oracle.seconds)
              << " evaluations/s)\n";

    EXPECT_EQ(oracle_errors, 0u);
    EXPECT_EQ(unexplained, 0u);
    // The generator must exercise every outcome, or agreement means little.
    EXPECT_GT(verdicts["Allowed"], pairs / 50);
    EXPECT_GT(verdicts["ExplicitlyDenied"], pairs / 50);
    EXPECT_GT(verdicts["ImplicitlyDenied"], pairs / 50);
    EXPECT_GT(with_variables, pairs / 4);
    // Same- and cross-account callers with identity policies reach every outcome (the evaluation
    // rules differ: either policy suffices in the same account, both are needed across accounts).
    for (auto& [name, n] : identity_and_resource) std::cout << "[ differential ] identity + resource, " << name << ": " << n << "\n";
    for (const char* side : {"same account ", "cross account "})
        for (const char* verdict : {"Allowed", "ExplicitlyDenied", "ImplicitlyDenied"})
            EXPECT_GT(identity_and_resource[std::string(side) + verdict], pairs / 300) << side << verdict;
}

}  // namespace differential_test
