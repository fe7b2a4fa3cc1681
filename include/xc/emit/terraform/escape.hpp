// The one way a model string gets into HCL: as the content of a quoted template literal.
//
// Every string that comes from the model (names, descriptions, policy text, domain names,
// environment values, object keys, ...) goes through `escape`; nothing else in the printer
// writes model text. Escaped: backslash, double quote, newline, carriage return, tab, every
// other control character (\uXXXX), and the template introducers: "${" -> "$${" and
// "%{" -> "%%{", so a model cannot start an interpolation or directive.
#pragma once

#include <array>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace xc::emit::terraform {

// Characters copied as they are (everything else goes through the switch below).
constexpr bool is_plain(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u != 0x7f && c != '\\' && c != '"' && c != '$' && c != '%';
}

namespace detail {
// is_plain of every byte: the scan below looks up each character of every model string it
// prints (one load instead of six comparisons).
inline constexpr auto plain_bytes = [] {
    std::array<bool, 256> plain{};
    for (std::size_t b = 0; b < plain.size(); ++b) plain[b] = is_plain(static_cast<char>(static_cast<unsigned char>(b)));
    return plain;
}();
}  // namespace detail

// Appends the escaped form of `s` to `out` (the printer writes straight into its buffers).
inline void append_escaped(std::string& out, std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t plain = i;
        while (plain < s.size() && detail::plain_bytes[static_cast<unsigned char>(s[plain])]) ++plain;
        out.append(s.data() + i, plain - i);
        if (plain == s.size()) return;
        i = plain;
        const char c = s[i];
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '$':
            case '%':
                out += c;
                if (i + 1 < s.size() && s[i + 1] == '{') out += c;
                break;
            default: {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            }
        }
        ++i;
    }
}

inline std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_escaped(out, s);
    return out;
}

// A complete quoted string literal.
inline void append_hcl_string(std::string& out, std::string_view s) {
    out += '"';
    append_escaped(out, s);
    out += '"';
}
inline std::string hcl_string(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_hcl_string(out, s);
    return out;
}

}  // namespace xc::emit::terraform
