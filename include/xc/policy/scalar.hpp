// How condition values are read as numbers, dates and booleans.
//
// Every context value and policy value is text; the operator family decides how it is read.
// A value that cannot be read as the family's type satisfies neither the operator nor its
// negation (see condition.hpp, ValueMatch::Invalid).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace xc::policy {

// Decimal numbers: optional '-', digits, optional '.' digits ("5", "-3", "1.5").
// Exponents, hex, leading '+' and surrounding spaces are rejected.
inline std::optional<double> parse_number(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
    if (digits == 0) return std::nullopt;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t frac = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac;
        if (frac == 0) return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

// Milliseconds since the Unix epoch, UTC.
using EpochMillis = std::int64_t;

namespace detail {
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
inline bool read_digits(std::string_view s, std::size_t& i, std::size_t n, unsigned& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (std::size_t k = 0; k < n; ++k) {
        char c = s[i + k];
        if (c < '0' || c > '9') return false;
        out = out * 10 + static_cast<unsigned>(c - '0');
    }
    i += n;
    return true;
}
constexpr unsigned days_in_month(unsigned y, unsigned m) noexcept {
    constexpr unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : table[m - 1];
}
}  // namespace detail

// Date condition values (IAM: "W3C implementation of the ISO 8601 date formats" or epoch time):
//   epoch seconds as an integer: "1700000000"
//   YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm)
// A date-time without a zone designator is read as UTC (assumption; AWS request times are UTC).
inline std::optional<EpochMillis> parse_date(std::string_view s) {
    if (s.empty()) return std::nullopt;
    bool all_digits = true;
    for (char c : s) all_digits = all_digits && c >= '0' && c <= '9';
    if (all_digits) {  // epoch seconds
        if (s.size() > 15) return std::nullopt;
        std::int64_t secs = 0;
        std::from_chars(s.data(), s.data() + s.size(), secs);
        return secs * 1000;
    }
    std::size_t i = 0;
    unsigned y, mo, d;
    if (!detail::read_digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' ||
        !detail::read_digits(s, i, 2, mo) || i >= s.size() || s[i++] != '-' ||
        !detail::read_digits(s, i, 2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > detail::days_in_month(y, mo)) return std::nullopt;
    std::int64_t millis = detail::days_from_civil(y, mo, d) * 86'400'000LL;
    if (i == s.size()) return millis;
    if (s[i] != 'T' && s[i] != 't') return std::nullopt;
    ++i;
    unsigned h, mi, sec = 0, frac_ms = 0;
    if (!detail::read_digits(s, i, 2, h) || i >= s.size() || s[i++] != ':' ||
        !detail::read_digits(s, i, 2, mi))
        return std::nullopt;
    if (i < s.size() && s[i] == ':') {
        ++i;
        if (!detail::read_digits(s, i, 2, sec)) return std::nullopt;
        if (i < s.size() && s[i] == '.') {
            ++i;
            std::size_t start = i;
            unsigned scale = 100;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
                frac_ms += static_cast<unsigned>(s[i] - '0') * scale;
                scale /= 10;
                ++i;
            }
            if (i == start) return std::nullopt;
        }
    }
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
    millis += ((h * 60LL + mi) * 60LL + sec) * 1000LL + frac_ms;
    if (i == s.size()) return millis;  // no zone: UTC
    if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size() ? std::optional<EpochMillis>(millis) : std::nullopt;
    if (s[i] != '+' && s[i] != '-') return std::nullopt;
    int sign = s[i++] == '+' ? 1 : -1;
    unsigned oh, om;
    if (!detail::read_digits(s, i, 2, oh) || i >= s.size() || s[i++] != ':' ||
        !detail::read_digits(s, i, 2, om) || i != s.size() || oh > 23 || om > 59)
        return std::nullopt;
    return millis - sign * ((oh * 60LL + om) * 60'000LL);
}

// Bool values: "true" / "false", case-insensitive.
inline std::optional<bool> parse_bool(std::string_view s) {
    auto eq = [&](std::string_view w) {
        if (s.size() != w.size()) return false;
        for (std::size_t k = 0; k < s.size(); ++k) {
            char c = s[k];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != w[k]) return false;
        }
        return true;
    };
    if (eq("true")) return true;
    if (eq("false")) return false;
    return std::nullopt;
}

// BinaryEquals values are base64 text compared as written; this only checks the alphabet.
inline bool is_base64_text(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '/' || c == '='))
            return false;
    return true;
}

}  // namespace xc::policy
