// The `*` / `?` wildcard matcher shared by actions, resources, `...Like` and `Arn*` operators.
//
// A pattern is a sequence of tokens: literal characters, `*` (any run of characters, possibly
// empty) and `?` (exactly one character). Which characters of the policy text become wildcards
// is decided by the caller (StringEquals keeps `*` literal, StringLike does not; a resolved
// policy variable is always literal), so the pattern stores that per character rather than
// re-interpreting the text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xc::policy {

enum class CaseMode : std::uint8_t { Sensitive, Insensitive };

struct GlobPattern {
    enum class Token : std::uint8_t { Literal, Star, Question };

    std::string text;           // one character per token; the character of a wildcard is '*'/'?'
    std::vector<Token> tokens;  // same length as text
    bool has_wildcards = false;

    // `*` and `?` in `source` are wildcards.
    static GlobPattern wildcards(std::string_view source) {
        GlobPattern p;
        p.append_wildcards(source);
        return p;
    }
    // Every character of `source` is literal.
    static GlobPattern literal(std::string_view source) {
        GlobPattern p;
        p.append_literal(source);
        return p;
    }
    void append_literal(std::string_view s) {
        text.append(s);
        tokens.insert(tokens.end(), s.size(), Token::Literal);
    }
    // Grown once, not a character at a time: every ARN and action of every policy is compiled here.
    void append_wildcards(std::string_view s) {
        text.append(s);
        const std::size_t from = tokens.size();
        tokens.resize(from + s.size(), Token::Literal);
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] != '*' && s[i] != '?') continue;
            tokens[from + i] = s[i] == '*' ? Token::Star : Token::Question;
            has_wildcards = true;
        }
    }
    friend bool operator==(const GlobPattern&, const GlobPattern&) = default;
};

namespace detail {
constexpr char lower_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace detail

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = detail::lower_char(c);
    return out;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (detail::lower_char(a[i]) != detail::lower_char(b[i])) return false;
    return true;
}

// Whole-string match of `subject` against `pattern`. Case folding is ASCII-only: every name IAM
// folds (actions, condition keys, IgnoreCase values in practice) is ASCII.
// Greedy `*` with single backtrack point: O(|pattern| * |subject|) worst case, no allocation.
inline bool glob_match(const GlobPattern& pattern, std::string_view subject,
                       CaseMode mode = CaseMode::Sensitive) noexcept {
    using Token = GlobPattern::Token;
    const bool fold = mode == CaseMode::Insensitive;
    const std::size_t n = pattern.tokens.size();
    if (!pattern.has_wildcards) {
        if (n != subject.size()) return false;
        if (!fold) return std::string_view(pattern.text) == subject;
        return iequals(pattern.text, subject);
    }
    std::size_t p = 0, s = 0;
    std::size_t star_p = std::string_view::npos, star_s = 0;
    while (s < subject.size()) {
        if (p < n && pattern.tokens[p] == Token::Star) {
            star_p = p++;
            star_s = s;
            continue;
        }
        if (p < n) {
            const bool ok = pattern.tokens[p] == Token::Question ||
                            (fold ? detail::lower_char(pattern.text[p]) == detail::lower_char(subject[s])
                                  : pattern.text[p] == subject[s]);
            if (ok) {
                ++p;
                ++s;
                continue;
            }
        }
        if (star_p == std::string_view::npos) return false;
        p = star_p + 1;
        s = ++star_s;
    }
    while (p < n && pattern.tokens[p] == Token::Star) ++p;
    return p == n;
}

// Convenience: `*`/`?` in `pattern` are wildcards.
inline bool wildcard_match(std::string_view pattern, std::string_view subject,
                           CaseMode mode = CaseMode::Sensitive) {
    return glob_match(GlobPattern::wildcards(pattern), subject, mode);
}

}  // namespace xc::policy
