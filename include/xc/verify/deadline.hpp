// Deadlines: when a query (one property on one subject) or a whole run must answer by.
//
//   Deadline run = Deadline::after(600000, "run");
//   Deadline query = Deadline::after(10000, "query").earliest(run);
//   if (query.expired()) return undecided(query.reason("the pattern-set search"));
//       // "query timed out after 10000 ms in the pattern-set search"
//   check_within(solver, query);                    // Z3 gets what is left, never more (bounded_check.hpp)
//
// Every loop of the verifier that can run long (Z3 calls, CEGAR rounds, the pattern-set search,
// core minimisation) checks the deadline it was given; running out is UNDECIDED, never a guess.
// A deadline says what bound it is, so the finding names the bound that was hit.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace xc::verify {

class Deadline {
public:
    using Clock = std::chrono::steady_clock;

    // No bound at all.
    Deadline() = default;
    static Deadline never() { return {}; }
    // `ms` milliseconds from now; `what` names what is bounded in messages ("query", "run").
    static Deadline after(std::uint64_t ms, std::string what) {
        Deadline d;
        d.end_ = Clock::now() + std::chrono::milliseconds(ms);
        d.what_ = std::move(what) + " timed out after " + std::to_string(ms) + " ms";
        return d;
    }

    bool bounded() const { return end_.has_value(); }
    // When it passes (none when unbounded).
    std::optional<Clock::time_point> end() const { return end_; }
    bool expired() const { return end_ && Clock::now() >= *end_; }
    // Milliseconds left, at least 1 while not expired (a budget of 0 would end the next query at
    // once), 0 when expired; `unbounded` when there is no deadline.
    unsigned remaining_ms(unsigned unbounded = UINT32_MAX) const {
        if (!end_) return unbounded;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*end_ - Clock::now()).count();
        if (left <= 0) return Clock::now() >= *end_ ? 0u : 1u;
        return static_cast<unsigned>(std::min<std::int64_t>(left, UINT32_MAX));
    }
    // The earlier of the two (and its description).
    Deadline earliest(const Deadline& other) const {
        if (!other.end_) return *this;
        if (!end_ || *other.end_ < *end_) return other;
        return *this;
    }
    // "query timed out after 200 ms in the pattern-set search" — why a check stopped.
    std::string reason(const std::string& where) const { return what_ + " in " + where; }
    // "run timed out after 5000 ms" (empty when unbounded).
    const std::string& what() const { return what_; }

private:
    std::optional<Clock::time_point> end_;
    std::string what_;
};

}  // namespace xc::verify
