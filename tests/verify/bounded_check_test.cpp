// check_within (bounded_check.hpp): a Z3 check ends by its deadline, stopped by the watchdog,
// and a check that ended is never interrupted afterwards.
//
// The hard query is n pigeons in n-1 holes over integers: unsatisfiable, and Z3's simple solver
// needs minutes for 9 pigeons (measured: no answer in 30 s), 0.1 s for 7. Bounds are asserted as
// in deadline_test.cpp: stopped long before the unbounded query would end (budget + 5 s), and
// not before the deadline.
#include <xc/verify/bounded_check.hpp>

#include <gtest/gtest.h>

#include <z3++.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace bounded_check_test {

namespace {

using Clock = std::chrono::steady_clock;
using xc::verify::check_within;
using xc::verify::Deadline;

// A solver holding `n` pigeons in `n - 1` holes. Z3's own timeout of 20 s is a backstop that
// only ends a test whose watchdog is broken (its bounds then fail).
z3::solver pigeons(z3::context& ctx, int n) {
    z3::solver s(ctx, z3::solver::simple());
    z3::params backstop(ctx);
    backstop.set("timeout", 20000u);
    s.set(backstop);
    z3::expr_vector xs(ctx);
    for (int i = 0; i < n; ++i) {
        xs.push_back(ctx.int_const(("pigeon" + std::to_string(i)).c_str()));
        s.add(xs.back() >= 0 && xs.back() < n - 1);
    }
    s.add(z3::distinct(xs));
    return s;
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

constexpr int hard = 9;    // minutes unbounded
constexpr int medium = 7;  // ~0.1 s

TEST(BoundedCheck, AHardCheckEndsAtItsDeadlineAndNotBefore) {
    z3::context ctx;
    for (unsigned budget : {100u, 300u}) {
        SCOPED_TRACE("budget " + std::to_string(budget) + " ms");
        auto s = pigeons(ctx, hard);
        const auto deadline = Deadline::after(budget, "query");
        const auto start = Clock::now();
        EXPECT_EQ(check_within(s, deadline), z3::unknown);
        const double ms = ms_since(start);
        EXPECT_GE(ms, budget - 1.0);
        EXPECT_LE(ms, budget + 5000.0);
        EXPECT_EQ(xc::verify::unknown_reason(s, deadline), "timeout");
    }
    // The context stays usable: the next check answers.
    z3::solver s(ctx, z3::solver::simple());
    s.add(ctx.int_const("x") > 3);
    EXPECT_EQ(check_within(s, Deadline::after(60000, "query")), z3::sat);
}

// A deadline already passed stops the check, every time.
TEST(BoundedCheck, ADeadlineAlreadyPassedStopsTheCheck) {
    z3::context ctx;
    for (int round = 0; round < 20; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        auto s = pigeons(ctx, hard);
        const auto start = Clock::now();
        EXPECT_EQ(check_within(s, Deadline::after(0, "query")), z3::unknown);
        EXPECT_LE(ms_since(start), 5000.0);
    }
}

// An interrupt that lands before the check has started is lost (Z3 starts each check afresh:
// measured on 4.8.12), so the watchdog repeats it while the check stays armed. Here the first
// interrupt surely comes first: the check starts 50 ms after its deadline passed.
TEST(BoundedCheck, AnInterruptBeforeTheCheckStartsIsRepeated) {
    z3::context ctx;
    auto s = pigeons(ctx, hard);
    auto& watchdog = xc::verify::detail::SolverWatchdog::instance();
    const auto ticket = watchdog.arm(ctx, Clock::now());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto start = Clock::now();
    const auto result = s.check();
    const double ms = ms_since(start);
    watchdog.disarm(ticket);
    EXPECT_EQ(result, z3::unknown);
    EXPECT_LE(ms, 5000.0);
}

// A check that ended is no longer watched: quick checks whose deadlines pass while a longer,
// unbounded one runs on the same context leave it alone.
TEST(BoundedCheck, AFinishedCheckIsNeverInterruptedLater) {
    z3::context ctx;
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 100; ++i) {
            z3::solver quick(ctx, z3::solver::simple());
            quick.add(ctx.int_const("y") > i);
            ASSERT_EQ(check_within(quick, Deadline::after(20, "query")), z3::sat);
        }
        auto s = pigeons(ctx, medium);
        const auto start = Clock::now();
        EXPECT_EQ(check_within(s, Deadline::after(600000, "query")), z3::unsat);
        // Only meaningful if the quick checks' deadlines passed while it ran.
        EXPECT_GE(ms_since(start), 20.0) << "the medium query is too easy to show a stray interrupt";
    }
}

// Checks on several threads and contexts each end by their own deadline: one armed later with an
// earlier deadline wakes the watchdog sooner.
TEST(BoundedCheck, EachThreadsCheckEndsByItsOwnDeadline) {
    // Nothing armed for two idle ticks: the watchdog sleeps until the first deadline it is given.
    std::this_thread::sleep_for(2 * xc::verify::detail::SolverWatchdog::idle_tick + std::chrono::milliseconds(100));
    // A hard check on a context of its own, bounded by `budget` ms: its answer and how long it took.
    struct Timed {
        z3::check_result result = z3::sat;
        double ms = 0;
    };
    auto hard_check = [](unsigned budget, Timed& out) {
        z3::context ctx;
        auto s = pigeons(ctx, hard);
        const auto start = Clock::now();
        out.result = check_within(s, Deadline::after(budget, "query"));
        out.ms = ms_since(start);
    };
    Timed late_check, early_check;
    std::thread late([&] { hard_check(3000, late_check); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::thread early([&] { hard_check(200, early_check); });
    early.join();
    late.join();
    const auto [early_result, early_ms] = early_check;
    const auto [late_result, late_ms] = late_check;
    EXPECT_EQ(early_result, z3::unknown);
    EXPECT_EQ(late_result, z3::unknown);
    EXPECT_GE(early_ms, 199.0);
    EXPECT_LT(early_ms, 1500.0) << "the earlier deadline waited for the later one";
    EXPECT_GE(late_ms, 2999.0);
    EXPECT_LE(late_ms, 3000.0 + 5000.0);
}

// The watchdog is never torn down: a child forked after it started, which has no such thread,
// exits cleanly (a joined std::thread would abort the child's exit).
TEST(BoundedCheck, AForkedChildExitsCleanly) {
    z3::context ctx;
    z3::solver s(ctx, z3::solver::simple());
    s.add(ctx.int_const("x") > 3);
    ASSERT_EQ(check_within(s, Deadline::after(60000, "query")), z3::sat);  // the watchdog runs
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) std::exit(7);  // static destructors run
    int status = 0;
    pid_t ended = 0;
    for (int waited_ms = 0; (ended = ::waitpid(child, &status, WNOHANG)) == 0 && waited_ms < 10000; waited_ms += 10)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (ended == 0) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
        FAIL() << "the child's exit hung for 10 s";
    }
    ASSERT_EQ(ended, child);
    EXPECT_TRUE(WIFEXITED(status)) << "the child ended by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 7);
}

// No deadline, no interrupt: a check long enough for a stray one (~0.1 s) runs to its answer.
TEST(BoundedCheck, AnUnboundedDeadlineChecksToTheEnd) {
    z3::context ctx;
    auto s = pigeons(ctx, medium);
    EXPECT_EQ(check_within(s, Deadline::never()), z3::unsat);
}

}  // namespace

}  // namespace bounded_check_test
