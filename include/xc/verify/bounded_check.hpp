// A Z3 check bounded by a Deadline, stopped by one watchdog thread per process.
//
//   z3::check_result r = check_within(solver, deadline);   // unknown ("canceled") once it passes
//
// Why not Z3's "timeout" parameter: Z3 (4.8.12) runs every check that has one under a
// scoped_timer, which hands the timeout to a worker thread and, when the check ends, waits for
// that thread to notice (a condition variable, a timed mutex and a sched_yield loop): two
// context switches and ~80 µs of CPU per check, measured on this 2-core VM (10,000 tiny checks
// on two threads: 1.02 s without a timeout, 1.39 s with one; `xc verify` on 10,000 distinct
// services, ~9,000 policy queries: 4.5 -> 3.8 s of CPU, medians of 5). Here a check only enters
// and leaves a list under a mutex; the watchdog sleeps until the earliest deadline in the list and then
// interrupts that check's context (z3::context::interrupt, which Z3 documents as callable from
// another thread: "Interrupt the execution of a Z3 procedure. This procedure can be used to
// interrupt: solvers, simplifiers and tactics", z3_api.h, Z3_interrupt).
//
// Measured on Debian's Z3 4.8.12: an interrupt during a check makes it answer unknown
// ("canceled"), and leaves the context usable (the next check answers normally); an interrupt
// while no check runs has no effect on later checks. So one that lands between the check's
// entry in the list and its start would be lost: the watchdog interrupts a check again every
// `retry` for as long as it stays past its deadline.
//
// The watchdog starts with the first bounded check and is never destroyed (a detached thread;
// at exit nothing is joined or torn down while it waits). A child forked after that, without
// exec, has no watchdog thread: its checks are not cut short at their deadlines.
#pragma once

#include <xc/verify/deadline.hpp>

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace xc::verify {

namespace detail {

class SolverWatchdog {
public:
    using Clock = Deadline::Clock;
    static constexpr std::chrono::milliseconds retry{10};
    // How long the watchdog stays awake with nothing to watch, so that a run of short checks
    // does not wake it for each one; after a whole tick with no check it sleeps until the next.
    static constexpr std::chrono::milliseconds idle_tick{250};

    static SolverWatchdog& instance() {
        static SolverWatchdog* const watchdog = new SolverWatchdog;  // kept until exit (see the header)
        return *watchdog;
    }

    // `ctx` is interrupted from `when` on, until disarm(the returned ticket).
    std::uint64_t arm(z3::context& ctx, Clock::time_point when) {
        std::lock_guard lock(mutex_);
        if (!started_) {  // first, so that a thread that cannot start leaves no entry behind
            std::thread([this] { run(); }).detach();
            started_ = true;
        }
        const std::uint64_t ticket = next_ticket_++;
        watched_.push_back({ticket, &ctx, when});
        armed_since_wake_ = true;
        if (when < wake_) {
            wake_ = when;
            wakeup_.notify_one();
        }
        return ticket;
    }
    // After this returns, the watchdog no longer interrupts the check (it holds the mutex while
    // it interrupts, so no interrupt is in flight either).
    void disarm(std::uint64_t ticket) {
        std::lock_guard lock(mutex_);
        std::erase_if(watched_, [&](const Watched& w) { return w.ticket == ticket; });
    }

    SolverWatchdog(const SolverWatchdog&) = delete;
    SolverWatchdog& operator=(const SolverWatchdog&) = delete;

private:
    SolverWatchdog() = default;

    struct Watched {
        std::uint64_t ticket;
        z3::context* ctx;
        Clock::time_point when;  // the next interrupt
    };

    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            const auto now = Clock::now();
            auto next = Clock::time_point::max();
            for (auto& w : watched_) {
                if (w.when <= now) {
                    w.ctx->interrupt();
                    w.when = now + retry;
                }
                next = std::min(next, w.when);
            }
            if (watched_.empty() && armed_since_wake_) next = now + idle_tick;
            armed_since_wake_ = false;
            wake_ = next;
            if (next == Clock::time_point::max()) wakeup_.wait(lock);
            else wakeup_.wait_until(lock, next);
        }
    }

    std::mutex mutex_;
    std::condition_variable wakeup_;
    std::vector<Watched> watched_;
    Clock::time_point wake_ = Clock::time_point::max();  // when the watchdog wakes next
    bool armed_since_wake_ = false;
    bool started_ = false;
    std::uint64_t next_ticket_ = 0;
};

}  // namespace detail

// solver.check(), interrupted once `deadline` passes (unknown, reason "canceled"); unbounded when
// the deadline is. The solver must carry no "timeout" parameter of its own (see the header).
inline z3::check_result check_within(z3::solver& solver, const Deadline& deadline) {
    const auto end = deadline.end();
    if (!end) return solver.check();
    auto& watchdog = detail::SolverWatchdog::instance();
    const std::uint64_t ticket = watchdog.arm(solver.ctx(), *end);
    struct Disarm {
        detail::SolverWatchdog& watchdog;
        std::uint64_t ticket;
        ~Disarm() { watchdog.disarm(ticket); }
    } disarm{watchdog, ticket};
    return solver.check();
}

// Why `solver` answered unknown: "timeout" when the deadline passed (the watchdog's interrupt
// reads as "canceled"), else Z3's reason.
inline std::string unknown_reason(z3::solver& solver, const Deadline& deadline) {
    return deadline.expired() ? std::string("timeout") : solver.reason_unknown();
}

}  // namespace xc::verify
