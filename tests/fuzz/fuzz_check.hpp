// Shared by the libFuzzer harnesses and the regression test: how a harness reports a broken
// invariant. Under libFuzzer a failed check aborts (a crash the fuzzer records); the regression
// test defines XC_FUZZ_FAIL to throw, so a regression shows up as an ordinary test failure.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#ifndef XC_FUZZ_FAIL
#define XC_FUZZ_FAIL(message)                                                   \
    do {                                                                        \
        std::fprintf(stderr, "xc fuzz check failed: %s\n", std::string(message).c_str()); \
        std::abort();                                                           \
    } while (0)
#endif

#define XC_FUZZ_CHECK(condition, message)                                         \
    do {                                                                          \
        if (!(condition)) XC_FUZZ_FAIL(std::string(#condition " -- ") + (message)); \
    } while (0)

// Marks a harness's own oracle code (brute-force matchers, enumerations): it is not what is
// being fuzzed, so libFuzzer gains nothing from its coverage and comparisons, and tracing them
// cost most of a run. `noinline` keeps it out of instrumented callers.
#if defined(__clang__)
#define XC_FUZZ_ORACLE __attribute__((noinline, no_sanitize("coverage")))
#else
#define XC_FUZZ_ORACLE
#endif
