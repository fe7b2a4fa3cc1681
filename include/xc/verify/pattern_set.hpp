// Pattern sets: is there a string that matches these globs and none of those — and which?
//
// The verifier represents every string a request carries (action, resource, endpoint id, ...)
// by Booleans "matches pattern i"; a combination of them is realisable iff the intersection of
// the positive patterns' languages minus the negative ones' is non-empty. For `*`/`?` globs
// (case-sensitive or ASCII case-insensitive) this is decided exactly by a breadth-first search
// over the product of the patterns' automata, which also yields a shortest witness.
//
// Only finitely many characters are distinguishable: those written in some pattern (with their
// other case), plus one "fresh" character standing for all the rest. The search is bounded by a
// budget — states kept, work done (automaton steps: the cost of a state grows with the number of
// constraints, so a state cap alone lets 300 star-heavy globs run for minutes) and a deadline;
// exceeding any answers `unknown` with the reason, never a guess.
#pragma once

#include <xc/policy/glob.hpp>
#include <xc/verify/deadline.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace xc::verify {

// A glob over whole strings: literal characters, `?` (one character) and `*` (any run), where
// a wildcard may be barred from matching ':' — what an ARN segment pattern needs (IAM matches
// partition, service, region and account one colon-free segment each). Policies never write the
// fourth kind, one character of a set: it describes values AWS generates (an endpoint id is
// "vpce-" and lower-case hex digits, verify/context_keys.hpp; an account id is 12 decimal digits).
inline constexpr std::string_view decimal_digits = "0123456789";

struct Glob {
    enum class Kind : std::uint8_t { literal, any_char, any_run, one_of };
    struct Token {
        Kind kind = Kind::literal;
        char c = 0;               // literal
        bool no_colon = false;    // wildcards: may not match ':'
        std::string_view set{};   // one_of: the characters (static storage)
        friend bool operator==(const Token&, const Token&) = default;
    };
    std::vector<Token> tokens;

    static Glob from(const policy::GlobPattern& p, bool no_colon = false) {
        Glob g;
        for (std::size_t i = 0; i < p.tokens.size(); ++i) {
            using T = policy::GlobPattern::Token;
            if (p.tokens[i] == T::Literal) g.tokens.push_back({Kind::literal, p.text[i], false});
            else g.tokens.push_back({p.tokens[i] == T::Star ? Kind::any_run : Kind::any_char, 0, no_colon});
        }
        return g;
    }
    static Glob literal(std::string_view s) {
        Glob g;
        for (char c : s) g.tokens.push_back({Kind::literal, c, false});
        return g;
    }
    Glob& append(const Glob& other) {
        tokens.insert(tokens.end(), other.tokens.begin(), other.tokens.end());
        return *this;
    }
    Glob& append_literal(std::string_view s) { return append(literal(s)); }
    Glob& append_run(bool no_colon) {
        tokens.push_back({Kind::any_run, 0, no_colon});
        return *this;
    }
    // `n` characters, each one of `set` (which must outlive the glob: a literal).
    Glob& append_of(std::string_view set, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) tokens.push_back({Kind::one_of, 0, false, set});
        return *this;
    }
    // `n` decimal digits (a 12-digit account id).
    Glob& append_digits(std::size_t n) {
        return append_of(decimal_digits, n);
        return *this;
    }
    // A readable, canonical text: `*` / `?`, `[^:]*` / `[^:]`, literals with `\` escapes.
    std::string text() const {
        std::string out;
        for (const auto& t : tokens) {
            if (t.kind == Kind::literal) {
                if (t.c == '*' || t.c == '?' || t.c == '\\' || t.c == '[') out += '\\';
                out += t.c;
            } else if (t.kind == Kind::one_of) {
                out += t.set == decimal_digits ? std::string("[0-9]") : "[" + std::string(t.set) + "]";
            } else if (t.kind == Kind::any_char) {
                out += t.no_colon ? "[^:]" : "?";
            } else {
                out += t.no_colon ? "[^:]*" : "*";
            }
        }
        return out;
    }
    friend bool operator==(const Glob&, const Glob&) = default;
};

struct PatternConstraint {
    Glob pattern;
    policy::CaseMode mode = policy::CaseMode::Sensitive;
    bool must_match = true;  // false: the string must NOT match
};

struct Realisability {
    enum class Answer { realisable, unrealisable, unknown } answer = Answer::unknown;
    std::string witness;  // when realisable: a string meeting every constraint
    std::string reason;   // when unknown: which bound ran out
};

// How much one search may do. The defaults keep a single search well under a second on this
// project's reference machine (about 10^7 automaton steps per second at -O2).
struct SearchBudget {
    std::size_t max_states = 200000;    // distinct product states kept
    std::size_t max_steps = 20000000;   // automaton steps (one constraint's automaton on one character)
    const Deadline* deadline = nullptr; // checked before each state's work
    std::size_t* steps_used = nullptr;  // if set, receives the steps this search took
};

namespace detail {

inline char other_case(char c) {
    if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    return c;
}

// The NFA of one glob: state i = "the first i tokens have been matched". A state set is a
// bitset over 0..n.
class GlobAutomaton {
public:
    GlobAutomaton(const Glob& p, policy::CaseMode mode) : p_(p), fold_(mode == policy::CaseMode::Insensitive) {
        words_ = (p_.tokens.size() + 1 + 63) / 64;
    }
    std::size_t words() const { return words_; }
    std::size_t accept() const { return p_.tokens.size(); }

    void start(std::uint64_t* set) const {
        std::fill(set, set + words_, 0);
        add(set, 0);
    }
    bool accepts(const std::uint64_t* set) const { return test(set, accept()); }
    bool empty(const std::uint64_t* set) const {
        for (std::size_t w = 0; w < words_; ++w)
            if (set[w]) return false;
        return true;
    }
    void step(const std::uint64_t* from, char c, std::uint64_t* to) const {
        std::fill(to, to + words_, 0);
        // Visit only the states in `from` (sets are sparse: mostly a few runs and one literal).
        for (std::size_t w = 0; w < words_; ++w)
            for (std::uint64_t bits = from[w]; bits != 0; bits &= bits - 1)
                step_from(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)), c, to);
    }

private:
    // The successors of state i on c (the accepting state has none).
    void step_from(std::size_t i, char c, std::uint64_t* to) const {
        if (i >= p_.tokens.size()) return;
        const auto& t = p_.tokens[i];
        switch (t.kind) {
            case Glob::Kind::any_run:
                if (!(t.no_colon && c == ':')) add(to, i);  // the run consumes c and stays
                break;
            case Glob::Kind::any_char:
                if (!(t.no_colon && c == ':')) add(to, i + 1);
                break;
            case Glob::Kind::literal:
                if (t.c == c || (fold_ && policy::detail::lower_char(t.c) == policy::detail::lower_char(c))) add(to, i + 1);
                break;
            case Glob::Kind::one_of:
                if (t.set.find(c) != std::string_view::npos || (fold_ && t.set.find(other_case(c)) != std::string_view::npos))
                    add(to, i + 1);
                break;
        }
    }

    static bool test(const std::uint64_t* set, std::size_t i) { return (set[i / 64] >> (i % 64)) & 1u; }
    // Add state i and its closure over runs (a run may match the empty string).
    void add(std::uint64_t* set, std::size_t i) const {
        while (true) {
            set[i / 64] |= std::uint64_t{1} << (i % 64);
            if (i < p_.tokens.size() && p_.tokens[i].kind == Glob::Kind::any_run) ++i;
            else break;
        }
    }

    const Glob& p_;
    bool fold_;
    std::size_t words_;
};

// Concrete matching of a Glob (what the automaton decides, for one string).
inline bool glob_matches(const Glob& g, std::string_view s, policy::CaseMode mode) {
    GlobAutomaton a(g, mode);
    // Two state sets; on the stack for globs of up to 255 tokens (every pattern the verifier
    // builds), since this runs once per candidate string.
    std::uint64_t small[8];
    std::vector<std::uint64_t> large;
    std::uint64_t* cur = small;
    if (a.words() > 4) {
        large.resize(2 * a.words());
        cur = large.data();
    }
    std::uint64_t* next = cur + a.words();
    a.start(cur);
    for (char c : s) {
        a.step(cur, c, next);
        std::swap(cur, next);
        if (a.empty(cur)) return false;
    }
    return a.accepts(cur);
}

// Characters that can make a difference: every literal and its other case, ':' when a wildcard
// excludes it, one character per class of the rest that the one_of sets tell apart (characters
// every set, folded or not, treats alike are interchangeable: one stands for all, so twelve
// account digits add one character, not ten), and one fresh stand-in for all others.
inline std::string alphabet(const std::vector<PatternConstraint>& constraints) {
    std::string chars;
    std::vector<std::string_view> sets;
    auto have = [&](char c) { return chars.find(c) != std::string::npos; };
    for (const auto& k : constraints)
        for (const auto& t : k.pattern.tokens) {
            if (t.kind == Glob::Kind::literal) {
                if (!have(t.c)) chars += t.c;
                if (char o = other_case(t.c); !have(o)) chars += o;
            } else if (t.kind == Glob::Kind::one_of) {
                if (std::find(sets.begin(), sets.end(), t.set) == sets.end()) sets.push_back(t.set);
            } else if (t.no_colon && !have(':')) {
                chars += ':';  // the one character such a wildcard treats differently
            }
        }
    // What the sets say of `c`: per set, whether it holds `c` and whether it holds c's other case
    // (two bits a set; beyond 32 sets every member is a class of its own, which is only slower).
    auto signature = [&](char c) {
        std::uint64_t sig = 0;
        for (std::size_t i = 0; i < sets.size() && i < 32; ++i) {
            if (sets[i].find(c) != std::string_view::npos) sig |= std::uint64_t{1} << (2 * i);
            if (sets[i].find(other_case(c)) != std::string_view::npos) sig |= std::uint64_t{2} << (2 * i);
        }
        return sig;
    };
    std::vector<std::uint64_t> classes;
    for (auto set : sets)
        for (char m : set)
            for (char c : {m, other_case(m)}) {
                if (have(c)) continue;  // already told apart, as a literal
                const std::uint64_t sig = signature(c);
                if (sets.size() <= 32 && std::find(classes.begin(), classes.end(), sig) != classes.end()) continue;
                classes.push_back(sig);
                chars += c;
            }
    // The fresh character: not distinguishable, and in no set.
    auto in_a_set = [&](char c) {
        return std::any_of(sets.begin(), sets.end(), [&](std::string_view set) {
            return set.find(c) != std::string_view::npos || set.find(other_case(c)) != std::string_view::npos;
        });
    };
    auto fresh = [&](char c) { return !have(c) && !have(other_case(c)) && !in_a_set(c); };
    for (char c : std::string_view("x0-za1by2c3d4e5f6g7h8i9jklmnopqrstuvw_.")) {
        if (fresh(c)) {
            chars += c;
            return chars;
        }
    }
    for (int c = 33; c < 127; ++c)
        if (fresh(static_cast<char>(c))) {
            chars += static_cast<char>(c);
            break;
        }
    return chars;
}

}  // namespace detail

// Decide whether some string meets every constraint, within `budget`.
inline Realisability realise(const std::vector<PatternConstraint>& constraints, const SearchBudget& budget) {
    using detail::GlobAutomaton;
    std::vector<GlobAutomaton> automata;
    automata.reserve(constraints.size());
    std::vector<std::size_t> offsets;
    std::size_t words = 0;
    for (const auto& k : constraints) {
        automata.emplace_back(k.pattern, k.mode);
        offsets.push_back(words);
        words += automata.back().words();
    }
    const std::string sigma = detail::alphabet(constraints);

    using State = std::vector<std::uint64_t>;
    struct StateHash {
        std::size_t operator()(const State& s) const noexcept {
            std::size_t h = 1469598103934665603ull;
            for (auto w : s) h = (h ^ w) * 1099511628211ull;
            return h;
        }
    };
    auto accepting = [&](const State& s) {
        for (std::size_t i = 0; i < automata.size(); ++i)
            if (automata[i].accepts(s.data() + offsets[i]) != constraints[i].must_match) return false;
        return true;
    };
    // A positive constraint whose state set died can never match again.
    auto dead = [&](const State& s) {
        for (std::size_t i = 0; i < automata.size(); ++i)
            if (constraints[i].must_match && automata[i].empty(s.data() + offsets[i])) return true;
        return false;
    };

    State start(words);
    for (std::size_t i = 0; i < automata.size(); ++i) automata[i].start(start.data() + offsets[i]);

    // BFS; each visited state remembers its parent and the character that led to it.
    std::unordered_map<State, std::pair<std::size_t, char>, StateHash> index;  // state -> (id, unused)
    std::vector<std::pair<std::size_t, char>> parent;                           // id -> (parent id, char)
    std::vector<const State*> states;
    std::deque<std::size_t> queue;
    auto visit = [&](State&& s, std::size_t from, char c) -> std::optional<std::size_t> {
        auto [it, fresh] = index.emplace(std::move(s), std::pair<std::size_t, char>{parent.size(), c});
        if (!fresh) return std::nullopt;
        parent.emplace_back(from, c);
        states.push_back(&it->first);
        return it->second.first;
    };
    auto witness = [&](std::size_t id) {
        std::string w;
        while (id != 0) {
            w += parent[id].second;
            id = parent[id].first;
        }
        std::reverse(w.begin(), w.end());
        return w;
    };

    std::size_t steps = 0;
    auto report = [&](Realisability r) {
        if (budget.steps_used) *budget.steps_used = steps;
        return r;
    };
    auto out_of = [&](std::string reason) { return report({Realisability::Answer::unknown, {}, std::move(reason)}); };

    if (dead(start)) return report({Realisability::Answer::unrealisable, {}, {}});
    visit(std::move(start), 0, 0);
    queue.push_back(0);
    State next(words);
    const std::size_t steps_per_state = sigma.size() * automata.size();
    while (!queue.empty()) {
        std::size_t id = queue.front();
        queue.pop_front();
        const State& s = *states[id];
        if (accepting(s)) return report({Realisability::Answer::realisable, witness(id), {}});
        // Checked before a state's work: no search exceeds its work budget at all.
        if (steps + steps_per_state > budget.max_steps)
            return out_of("the pattern-set search's work budget (" + std::to_string(budget.max_steps) + " automaton steps) ran out");
        if (budget.deadline && budget.deadline->expired())  // a clock read (~25 ns) is small beside a state's steps
            return out_of(budget.deadline->reason("the pattern-set search"));
        for (char c : sigma) {
            for (std::size_t i = 0; i < automata.size(); ++i)
                automata[i].step(s.data() + offsets[i], c, next.data() + offsets[i]);
            if (dead(next)) continue;
            if (auto nid = visit(State(next), id, c)) {
                if (index.size() > budget.max_states)
                    return out_of("the pattern-set search's state budget (" + std::to_string(budget.max_states) + " states) ran out");
                queue.push_back(*nid);
            }
        }
        steps += steps_per_state;
    }
    return report({Realisability::Answer::unrealisable, {}, {}});
}

// The default budget, with `max_states` states.
inline Realisability realise(const std::vector<PatternConstraint>& constraints, std::size_t max_states = SearchBudget{}.max_states) {
    SearchBudget budget;
    budget.max_states = max_states;
    return realise(constraints, budget);
}

// Convenience: does `s` meet every constraint? (The concrete counterpart of realise.)
inline bool satisfies(std::string_view s, const std::vector<PatternConstraint>& constraints) {
    for (const auto& k : constraints)
        if (detail::glob_matches(k.pattern, s, k.mode) != k.must_match) return false;
    return true;
}

}  // namespace xc::verify
