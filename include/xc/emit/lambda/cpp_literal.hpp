// The one way model text enters generated C++: as a string literal that means exactly the
// model's bytes, whatever they are.
#pragma once

#include <string>
#include <string_view>

namespace xc::emit::detail {

// A C++ narrow string literal whose value is `text`, byte for byte. Only printable ASCII is
// written as itself; quotes and backslashes are escaped, '?' too (no "??/" trigraph can form
// even under -trigraphs), and every other byte -- control characters, newlines, UTF-8
// sequences -- becomes a three-digit octal escape, which cannot swallow a following digit.
// Nothing in the result can end the literal early or open a comment.
inline std::string cpp_string_literal(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\' || c == '?') {
            out += '\\';
            out += ch;
        } else if (c >= 0x20 && c < 0x7F) {
            out += ch;
        } else {
            out += '\\';
            out += static_cast<char>('0' + ((c >> 6) & 7));
            out += static_cast<char>('0' + ((c >> 3) & 7));
            out += static_cast<char>('0' + (c & 7));
        }
    }
    out += '"';
    return out;
}

// A C++ expression that initialises a std::string to `text`, byte for byte. A literal converts
// to std::string through `const char*`, which ends at the first NUL: a text holding one is
// constructed with its size instead (other texts stay plain literals).
inline std::string cpp_string_value(std::string_view text) {
    if (text.find('\0') == std::string_view::npos) return cpp_string_literal(text);
    return "std::string(" + cpp_string_literal(text) + ", " + std::to_string(text.size()) + ")";
}

}  // namespace xc::emit::detail
