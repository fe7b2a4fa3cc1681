#include <xc/verify/pattern_set.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace pattern_set_test {

using namespace xc::verify;
using xc::policy::CaseMode;
using xc::policy::GlobPattern;

namespace {

PatternConstraint must(std::string_view glob, CaseMode mode = CaseMode::Sensitive) {
    return {Glob::from(GlobPattern::wildcards(glob)), mode, true};
}
PatternConstraint must_not(std::string_view glob, CaseMode mode = CaseMode::Sensitive) {
    return {Glob::from(GlobPattern::wildcards(glob)), mode, false};
}

// Every string over `sigma` of length <= n, shortest first.
std::vector<std::string> all_strings(std::string_view sigma, std::size_t n) {
    std::vector<std::string> out{""};
    for (std::size_t begin = 0, len = 1; len <= n; ++len) {
        std::size_t end = out.size();
        for (std::size_t i = begin; i < end; ++i)
            for (char c : sigma) out.push_back(out[i] + c);
        begin = end;
    }
    return out;
}

// realise() against every string of `subjects` (all strings up to `bound` characters, shortest
// first): the same answer, and a witness of the shortest length; counts the answers.
void agrees_with_brute_force(const std::vector<PatternConstraint>& constraints, const std::vector<std::string>& subjects, std::size_t bound,
                             int& realisable, int& unrealisable) {
    const std::string* shortest = nullptr;
    for (const auto& s : subjects)
        if (satisfies(s, constraints)) {
            shortest = &s;
            break;
        }
    auto r = realise(constraints);
    ASSERT_NE(r.answer, Realisability::Answer::unknown);
    if (r.answer == Realisability::Answer::realisable) {
        ++realisable;
        ASSERT_TRUE(satisfies(r.witness, constraints)) << r.witness;
        if (shortest) ASSERT_EQ(r.witness.size(), shortest->size()) << r.witness << " / " << *shortest;
        else ASSERT_GT(r.witness.size(), bound);
    } else {
        ++unrealisable;
        ASSERT_EQ(shortest, nullptr) << "brute force found '" << *shortest << "'";
    }
}

}  // namespace

TEST(PatternSet, ConsumerEndpointAgainstAWildcardAllow) {
    // Allowed by StringLike "vpce-*" but not the consumer's endpoint: realisable.
    auto r = realise({must("vpce-*"), must_not("vpce-0a1b2c3d4e5f60718")});
    ASSERT_EQ(r.answer, Realisability::Answer::realisable);
    EXPECT_TRUE(satisfies(r.witness, {must("vpce-*"), must_not("vpce-0a1b2c3d4e5f60718")}));
    EXPECT_EQ(r.witness, "vpce-");  // shortest
    // Equal to the endpoint and not equal to it: not realisable.
    EXPECT_EQ(realise({must("vpce-0a1b2c3d4e5f60718"), must_not("vpce-0a1b2c3d4e5f60718")}).answer,
              Realisability::Answer::unrealisable);
}

TEST(PatternSet, CaseFoldingIsPerConstraint) {
    // Matches "execute-api:Invoke" case-insensitively but not case-sensitively: "execute-api:invoke".
    auto r = realise({must("execute-api:Invoke", CaseMode::Insensitive), must_not("execute-api:Invoke")});
    ASSERT_EQ(r.answer, Realisability::Answer::realisable);
    EXPECT_NE(r.witness, "execute-api:Invoke");
    EXPECT_EQ(realise({must("abc", CaseMode::Insensitive), must_not("ABC", CaseMode::Insensitive)}).answer,
              Realisability::Answer::unrealisable);
}

TEST(PatternSet, QuestionMarkIsExactlyOneCharacter) {
    EXPECT_EQ(realise({must("a?c"), must_not("a*")}).answer, Realisability::Answer::unrealisable);
    auto r = realise({must("a?c"), must_not("abc")});
    ASSERT_EQ(r.answer, Realisability::Answer::realisable);
    EXPECT_EQ(r.witness.size(), 3u);
}

TEST(PatternSet, ColonFreeWildcardsStayInsideAnArnSegment) {
    Glob segment;
    segment.append_literal("a").append_run(true).append_literal("b");
    EXPECT_TRUE(satisfies("axxb", {{segment, CaseMode::Sensitive, true}}));
    EXPECT_FALSE(satisfies("ax:xb", {{segment, CaseMode::Sensitive, true}}));
    // Needs a ':' between a and b and must match a[^:]*b: impossible.
    EXPECT_EQ(realise({{segment, CaseMode::Sensitive, true}, must("a*:*b")}).answer, Realisability::Answer::unrealisable);
    EXPECT_EQ(segment.text(), "a[^:]*b");
}

TEST(PatternSet, TheEmptyConstraintSetIsRealisedByTheEmptyString) {
    auto r = realise({});
    EXPECT_EQ(r.answer, Realisability::Answer::realisable);
    EXPECT_EQ(r.witness, "");
}

TEST(PatternSet, ExceedingTheStateBudgetIsUnknownNotAGuess) {
    std::vector<PatternConstraint> many;
    for (int i = 0; i < 12; ++i) many.push_back(must_not("*" + std::string(1, char('a' + i)) + "*" + std::string(1, char('a' + i)) + "*"));
    many.push_back(must("*z*"));
    EXPECT_EQ(realise(many, 50).answer, Realisability::Answer::unknown);
}

// Cross-check against brute force on short strings: a realisable answer's witness meets every
// constraint, the witness is a shortest one, and "unrealisable" means brute force finds nothing.
TEST(PatternSet, AgreesWithBruteForceOnRandomConstraintSets) {
    std::mt19937 rng(20261127);
    const std::string pattern_chars = "abA*?:";
    const auto subjects = all_strings("abABx:", 5);
    int realisable = 0, unrealisable = 0;
    for (int iteration = 0; iteration < 3000; ++iteration) {
        std::vector<PatternConstraint> constraints;
        for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
            std::string text;
            for (int i = 0, len = static_cast<int>(rng() % 5); i < len; ++i) text += pattern_chars[rng() % pattern_chars.size()];
            Glob g = Glob::from(GlobPattern::wildcards(text), rng() % 4 == 0);
            constraints.push_back({g, rng() % 2 ? CaseMode::Insensitive : CaseMode::Sensitive, rng() % 2 == 0});
        }
        ASSERT_NO_FATAL_FAILURE(agrees_with_brute_force(constraints, subjects, 5, realisable, unrealisable));
    }
    EXPECT_GT(realisable, 500);
    EXPECT_GT(unrealisable, 500);
}

// Sets of characters (account digits, endpoint hex) enter the search alphabet one character per
// class of members no pattern tells apart; the answers are those over every member.
TEST(PatternSet, CharacterSetsAreSearchedOneMemberPerClass) {
    // Twelve account digits: one digit stands for all ten, and the fresh character is no digit.
    std::vector<PatternConstraint> account{{Glob().append_digits(12), CaseMode::Sensitive, true}};
    std::string sigma = detail::alphabet(account);
    EXPECT_EQ(std::count_if(sigma.begin(), sigma.end(), [](char c) { return c >= '0' && c <= '9'; }), 1) << sigma;
    EXPECT_EQ(sigma.size(), 2u) << sigma;
    // A literal digit is its own class; digits and hex letters are three more: the other digits,
    // a-f and A-F (a member's other case under folding).
    std::vector<PatternConstraint> mixed{{Glob().append_digits(2), CaseMode::Sensitive, true},
                                         {Glob::literal("7").append_run(false), CaseMode::Sensitive, false},
                                         {Glob().append_of("0123456789abcdef", 3), CaseMode::Insensitive, true}};
    sigma = detail::alphabet(mixed);
    EXPECT_EQ(sigma.size(), 1u + 3u + 1u) << sigma;
    auto r = realise(mixed);
    ASSERT_EQ(r.answer, Realisability::Answer::unrealisable) << r.witness;  // 2 digits, 3 hex: no string is both
    mixed[2].pattern = Glob().append_of("0123456789abcdef", 2);
    r = realise(mixed);
    ASSERT_EQ(r.answer, Realisability::Answer::realisable);
    EXPECT_TRUE(satisfies(r.witness, mixed)) << r.witness;
    EXPECT_NE(r.witness[0], '7');
}

TEST(PatternSet, CharacterSetsAgreeWithBruteForceOverEveryMember) {
    std::mt19937 rng(20261202);
    const std::vector<std::string_view> sets{decimal_digits, "0123456789abcdef", "b1"};
    const std::string literal_chars = "1bB:x";
    const auto subjects = all_strings("0123456789abcdefABx:", 3);
    int realisable = 0, unrealisable = 0;
    for (int iteration = 0; iteration < 1500; ++iteration) {
        std::vector<PatternConstraint> constraints;
        for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
            Glob g;
            for (int i = 0, len = static_cast<int>(rng() % 4); i < len; ++i) {
                switch (rng() % 4) {
                    case 0: g.append_of(sets[rng() % sets.size()], 1); break;
                    case 1: g.append_literal(std::string(1, literal_chars[rng() % literal_chars.size()])); break;
                    case 2: g.append_run(rng() % 2 == 0); break;
                    default: g.tokens.push_back({Glob::Kind::any_char, 0, rng() % 2 == 0});
                }
            }
            constraints.push_back({g, rng() % 2 ? CaseMode::Insensitive : CaseMode::Sensitive, rng() % 3 != 0});
        }
        ASSERT_NO_FATAL_FAILURE(agrees_with_brute_force(constraints, subjects, 3, realisable, unrealisable));
    }
    EXPECT_GT(realisable, 300);
    EXPECT_GT(unrealisable, 100);
}

TEST(PatternSet, GlobMatchingAgreesWithThePolicyMatcher) {
    std::mt19937 rng(7);
    const auto subjects = all_strings("abA", 4);
    for (int i = 0; i < 500; ++i) {
        std::string text;
        for (int j = 0, len = static_cast<int>(rng() % 5); j < len; ++j) text += "aAb*?"[rng() % 5];
        auto policy_glob = GlobPattern::wildcards(text);
        auto mode = rng() % 2 ? CaseMode::Insensitive : CaseMode::Sensitive;
        for (const auto& s : subjects)
            ASSERT_EQ(detail::glob_matches(Glob::from(policy_glob), s, mode), xc::policy::glob_match(policy_glob, s, mode))
                << text << " vs " << s;
    }
}

// --- budgets (issue 16: a state cap alone let 300 star-heavy globs search for minutes) --------

namespace {

// The slow shape (tests/support/slow_policy.hpp): `*a*a*a*a*a*a*a*a*b<i>`; matching one and no
// other is realisable, but only after a search whose every state steps `n` automata.
std::vector<PatternConstraint> star_heavy(std::size_t n) {
    std::vector<PatternConstraint> out;
    for (std::size_t i = 0; i < n; ++i) {
        std::string g;
        for (int k = 0; k < 8; ++k) g += "*a";
        g += "*b" + std::to_string(i);
        out.push_back(i == 0 ? must(g) : must_not(g));
    }
    return out;
}

}  // namespace

TEST(PatternSet, TheSearchNeverExceedsItsWorkBudget) {
    for (std::size_t max_steps : {0ul, 1ul, 1000ul, 50000ul, 2000000ul}) {
        std::size_t used = SIZE_MAX;
        SearchBudget budget;
        budget.max_steps = max_steps;
        budget.steps_used = &used;
        auto r = realise(star_heavy(60), budget);
        EXPECT_LE(used, max_steps);
        if (r.answer == Realisability::Answer::unknown) EXPECT_NE(r.reason.find("work budget"), std::string::npos) << r.reason;
        else EXPECT_TRUE(satisfies(r.witness, star_heavy(60))) << r.witness;
    }
    // A budget large enough decides it, and the bound does not change the answer.
    SearchBudget enough;
    enough.max_steps = SIZE_MAX;
    EXPECT_EQ(realise(star_heavy(60), enough).answer, Realisability::Answer::realisable);
}

TEST(PatternSet, APassedDeadlineStopsTheSearchWithItsReason) {
    auto passed = Deadline::after(0, "query");
    SearchBudget budget;
    budget.deadline = &passed;
    auto r = realise(star_heavy(40), budget);
    EXPECT_EQ(r.answer, Realisability::Answer::unknown);
    EXPECT_EQ(r.reason, "query timed out after 0 ms in the pattern-set search");
    // What is decided before any work (the empty string meets the constraints) is still decided.
    EXPECT_EQ(realise({must("*"), must_not("?*")}, budget).answer, Realisability::Answer::realisable);
}

TEST(PatternSet, TheStateBudgetSaysWhichBoundRanOut) {
    std::vector<PatternConstraint> many;
    for (int i = 0; i < 12; ++i) many.push_back(must_not("*" + std::string(1, char('a' + i)) + "*" + std::string(1, char('a' + i)) + "*"));
    many.push_back(must("*z*"));
    auto r = realise(many, 50);
    EXPECT_EQ(r.answer, Realisability::Answer::unknown);
    EXPECT_EQ(r.reason, "the pattern-set search's state budget (50 states) ran out");
}

}  // namespace pattern_set_test
