// The one way a model string gets into HCL: as the content of a quoted template literal.
//
// Every string that comes from the model (names, descriptions, policy text, domain names,
// environment values, object keys, ...) goes through `escape`; nothing else in the printer
// writes model text. Escaped: backslash, double quote, newline, carriage return, tab, every
// other control character (\uXXXX), and the template introducers: "${" -> "$${" and
// "%{" -> "%%{", so a model cannot start an interpolation or directive.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace xc::emit::terraform {

inline std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (std::size_t i = 0; i < s.size(); ++i) {
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
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out;
}

// A complete quoted string literal.
inline std::string hcl_string(std::string_view s) { return "\"" + escape(s) + "\""; }

}  // namespace xc::emit::terraform
