// Harness body: the verifier's glob / pattern-set machinery (verify/pattern_set.hpp).
//
// Input: one constraint per line, `<sign><case><pattern>`: sign '+' (must match) or '-' (must
// not), case 's' (sensitive) or 'i' (ASCII-insensitive); in the pattern `*` / `?` are wildcards,
// `%` / `!` the colon-free ones ([^:]* / [^:]), `#` one character of a set ([b1]), `&` a decimal digit
// ([0-9]), `\c` a literal c, any other byte a literal.
// At most 6 constraints of at most 24 tokens (the rest is ignored: short patterns are where
// the brute force below is complete).
//
// Checked against an independent brute force (a dynamic-programming matcher, every string over
// realise()'s alphabet, every member of a set (realise() keeps one per class of members no
// pattern tells apart: the enumeration checks that they are alike) and one more undistinguished
// character, shortest first, up to a length bound):
//  * satisfies() == the brute-force matcher on every enumerated string, and policy::glob_match
//    agrees where the pattern has no colon-free wildcard;
//  * realise() says unrealisable  => no enumerated string meets the constraints;
//  * realise() gives a witness    => it meets them, and no shorter string does (when its length
//    is within the bound, the brute force finds a string of exactly that length);
//  (unknown — the state budget ran out — is allowed.)
//  * the search answers within its budget (issue 16): with a work budget derived from the input
//    it never takes more automaton steps than allowed, and what it decides within the budget is
//    what it decides without one; with a passed deadline it decides only what needs no step.
#pragma once

#include "fuzz_check.hpp"

#include <xc/verify/pattern_set.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xc::fuzz {

namespace pattern_detail {

using verify::Glob;
using verify::PatternConstraint;

inline constexpr std::size_t max_constraints = 6;
inline constexpr std::size_t max_tokens = 24;
inline constexpr std::size_t enumeration_budget = 400;  // strings tried per input
inline constexpr std::size_t state_budget = 500;

// The character set of a `#` token (a set the verifier's domains use is larger; a small one keeps
// the enumeration short): a letter with a non-member other case, and a digit.
inline constexpr std::string_view one_of_set = "b1";

inline std::vector<PatternConstraint> decode(std::string_view input) {
    std::vector<PatternConstraint> out;
    while (!input.empty() && out.size() < max_constraints) {
        auto nl = input.find('\n');
        std::string_view line = input.substr(0, nl);
        input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
        if (line.size() < 2) continue;
        PatternConstraint k;
        k.must_match = line[0] != '-';
        k.mode = line[1] == 'i' ? policy::CaseMode::Insensitive : policy::CaseMode::Sensitive;
        for (std::size_t i = 2; i < line.size() && k.pattern.tokens.size() < max_tokens; ++i) {
            char c = line[i];
            switch (c) {
                case '*': k.pattern.append_run(false); break;
                case '%': k.pattern.append_run(true); break;
                case '?': k.pattern.tokens.push_back({Glob::Kind::any_char, 0, false}); break;
                case '!': k.pattern.tokens.push_back({Glob::Kind::any_char, 0, true}); break;
                case '#': k.pattern.append_of(one_of_set, 1); break;
                case '&': k.pattern.append_digits(1); break;
                case '\\':
                    if (i + 1 < line.size()) c = line[++i];
                    [[fallthrough]];
                default: k.pattern.tokens.push_back({Glob::Kind::literal, c, false});
            }
        }
        out.push_back(std::move(k));
    }
    return out;
}

// tokens[i..] match s[j..] — plain dynamic programming, no automaton.
XC_FUZZ_ORACLE inline bool brute_match(const Glob& g, std::string_view s, policy::CaseMode mode) {
    const std::size_t n = g.tokens.size(), m = s.size(), w = m + 2;
    thread_local std::vector<char> buffer;  // (n+1) x (m+2), row i = tokens[i..]; reused across calls
    buffer.assign((n + 1) * w, 0);
    char* dp = buffer.data();
    const Glob::Token* tokens = g.tokens.data();
    const char* str = s.data();
    const bool fold_case = mode == policy::CaseMode::Insensitive;
    dp[n * w + m] = 1;
    for (std::size_t i = n; i-- > 0;) {
        const Glob::Token t = tokens[i];
        char* row = dp + i * w;
        const char* below = row + w;
        for (std::size_t j = m + 1; j-- > 0;) {
            const bool have = j < m;
            const bool wild_ok = have && !(t.no_colon && str[j] == ':');
            bool r = false;
            switch (t.kind) {
                case Glob::Kind::any_run: r = below[j] || (wild_ok && row[j + 1]); break;
                case Glob::Kind::any_char: r = wild_ok && below[j + 1]; break;
                case Glob::Kind::one_of: {
                    bool member = false;
                    for (char c : t.set) {
                        const int fc = c | 0x20;
                        member = member || (have && (c == str[j] || (fold_case && fc >= 'a' && fc <= 'z' && fc == (str[j] | 0x20))));
                    }
                    r = member && below[j + 1];
                    break;
                }
                case Glob::Kind::literal: {
                    // ASCII case folding, spelled out so that no call leaves this function.
                    const int folded = have ? (str[j] | 0x20) : 0;
                    const bool eq = have && (t.c == str[j] || (fold_case && (t.c | 0x20) == folded && folded >= 'a' && folded <= 'z'));
                    r = eq && below[j + 1];
                    break;
                }
            }
            row[j] = r;
        }
    }
    return dp[0];
}

XC_FUZZ_ORACLE inline bool brute_satisfies(std::string_view s, const std::vector<PatternConstraint>& cs) {
    for (const auto& k : cs)
        if (brute_match(k.pattern, s, k.mode) != k.must_match) return false;
    return true;
}

// Every string of length len + 1 over sigma, from those of length len.
XC_FUZZ_ORACLE inline std::vector<std::string> extend(const std::vector<std::string>& level, const std::string& sigma) {
    std::vector<std::string> next;
    next.reserve(level.size() * sigma.size());
    for (const auto& s : level)
        for (char c : sigma) {
            next.emplace_back(s);
            next.back() += c;
        }
    return next;
}

// The same glob as policy::GlobPattern, when it has no colon-free wildcard.
inline bool to_policy_glob(const Glob& g, policy::GlobPattern& out) {
    for (const auto& t : g.tokens) {
        if ((t.kind != Glob::Kind::literal && t.no_colon) || t.kind == Glob::Kind::one_of) return false;
        using T = policy::GlobPattern::Token;
        out.tokens.push_back(t.kind == Glob::Kind::literal ? T::Literal : t.kind == Glob::Kind::any_run ? T::Star : T::Question);
        out.text.push_back(t.kind == Glob::Kind::literal ? t.c : t.kind == Glob::Kind::any_run ? '*' : '?');
        out.has_wildcards |= t.kind != Glob::Kind::literal;
    }
    return true;
}

}  // namespace pattern_detail

inline int pattern_set_one(const std::uint8_t* data, std::size_t size) {
    using namespace pattern_detail;
    using verify::Realisability;
    const auto cs = decode(std::string_view(reinterpret_cast<const char*>(data), size));
    if (cs.empty()) return 0;

    // The enumeration alphabet: realise's own, every set member, and one character it does not
    // distinguish.
    std::string sigma = verify::detail::alphabet(cs);
    for (const auto& k : cs)
        for (const auto& t : k.pattern.tokens)
            if (t.kind == Glob::Kind::one_of)
                for (char c : t.set)
                    if (sigma.find(c) == std::string::npos) sigma += c;
    for (char c : std::string_view("#@~^&xq")) {
        if (sigma.find(c) == std::string::npos && sigma.find(verify::detail::other_case(c)) == std::string::npos) {
            sigma += c;
            break;
        }
    }
    std::vector<policy::GlobPattern> policy_globs(cs.size());
    std::vector<bool> has_policy_glob(cs.size());
    for (std::size_t i = 0; i < cs.size(); ++i) has_policy_glob[i] = to_policy_glob(cs[i].pattern, policy_globs[i]);

    // Enumerate shortest first; `bound` = the longest length enumerated completely.
    std::size_t shortest = SIZE_MAX, bound = 0, tried = 0;
    std::vector<std::string> level{""};
    for (std::size_t len = 0;; ++len) {
        for (const auto& s : level) {
            const bool brute = brute_satisfies(s, cs);
            XC_FUZZ_CHECK(verify::satisfies(s, cs) == brute, "satisfies() disagrees with brute force on '" + s + "'");
            for (std::size_t i = 0; i < cs.size(); ++i)
                if (has_policy_glob[i])
                    XC_FUZZ_CHECK(policy::glob_match(policy_globs[i], s, cs[i].mode) ==
                                      brute_match(cs[i].pattern, s, cs[i].mode),
                                  "policy::glob_match disagrees with brute force on '" + s + "' / " + cs[i].pattern.text());
            if (brute && shortest == SIZE_MAX) shortest = len;
        }
        tried += level.size();
        bound = len;
        if (shortest != SIZE_MAX || tried + level.size() * sigma.size() > enumeration_budget) break;
        level = extend(level, sigma);
    }

    const Realisability r = verify::realise(cs, state_budget);
    switch (r.answer) {
        case Realisability::Answer::unrealisable:
            XC_FUZZ_CHECK(shortest == SIZE_MAX, "realise() says unrealisable, but a string of length " +
                                                     std::to_string(shortest) + " meets the constraints");
            break;
        case Realisability::Answer::realisable:
            XC_FUZZ_CHECK(brute_satisfies(r.witness, cs), "the witness '" + r.witness + "' does not meet the constraints");
            XC_FUZZ_CHECK(verify::satisfies(r.witness, cs), "satisfies() rejects the witness '" + r.witness + "'");
            if (shortest != SIZE_MAX || r.witness.size() <= bound)
                XC_FUZZ_CHECK(shortest == r.witness.size(), "the witness '" + r.witness + "' is not a shortest one");
            break;
        case Realisability::Answer::unknown:  // the state budget ran out: allowed, never a guess
            break;
    }

    // Bounded in work and time: the same search with a small step budget stops within it.
    verify::SearchBudget budget;
    budget.max_states = state_budget;
    budget.max_steps = (size * 37) % 4096;
    std::size_t used = SIZE_MAX;
    budget.steps_used = &used;
    const Realisability bounded = verify::realise(cs, budget);
    XC_FUZZ_CHECK(used <= budget.max_steps, "realise() took " + std::to_string(used) + " steps with a budget of " +
                                                std::to_string(budget.max_steps));
    if (bounded.answer != Realisability::Answer::unknown) {
        XC_FUZZ_CHECK(bounded.answer == r.answer, "a work budget changed realise()'s answer");
        XC_FUZZ_CHECK(bounded.witness == r.witness, "a work budget changed realise()'s witness");
    } else {
        XC_FUZZ_CHECK(!bounded.reason.empty(), "an unknown answer without its reason");
    }
    const verify::Deadline passed = verify::Deadline::after(0, "query");
    verify::SearchBudget no_time;
    no_time.deadline = &passed;
    no_time.steps_used = &used;
    const Realisability late = verify::realise(cs, no_time);
    XC_FUZZ_CHECK(used == 0, "realise() worked past its deadline");
    XC_FUZZ_CHECK(late.answer == Realisability::Answer::unknown || late.answer == r.answer,
                  "a deadline changed realise()'s answer");
    return 0;
}

}  // namespace xc::fuzz
