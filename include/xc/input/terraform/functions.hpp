// Terraform's built-in functions: one table, name -> parameters (name, type, whether null or
// unknown is accepted), variadic parameter, result type, implementation.
//
// Arguments are converted to the parameter types as Terraform does (upper(5) is "5"). An
// unknown argument makes the result unknown (of the function's result type), remembering
// the argument's origins, unless the function handles unknowns itself (length of a known list
// with unknown elements is known). A sensitive argument makes the result sensitive.
// Functions or forms xc does not compute (regular expressions: Terraform's are RE2, std::regex
// is not; yamldecode; IPv6 CIDR arithmetic) return an unknown value whose origin says why —
// never a guess. `file` and `templatefile` read relative to CallContext::base_dir.
#pragma once

#include "xc/input/terraform/convert.hpp"
#include "xc/input/terraform/value.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace xc::input::terraform {

// A function's failure; `argument` is the index of the offending argument, or -1 for the call.
class FunctionError : public std::runtime_error {
public:
    FunctionError(int argument_, const std::string& message) : std::runtime_error(message), argument(argument_) {}
    int argument;
};

struct CallContext {
    std::filesystem::path base_dir;
    // Renders a template's text with the given variables (an object); set by the evaluator.
    std::function<Value(const std::string& text, const std::string& file, const Value& vars)> render_template;
};

struct Param {
    std::string name;
    Type type;                   // dynamic: any
    bool allow_null = false;
    bool allow_unknown = false;  // the implementation sees unknown values itself
};

struct Function {
    std::string name;
    std::vector<Param> params;
    std::optional<Param> variadic;
    Type result;  // the type of an unknown result
    std::function<Value(std::vector<Value>&, const CallContext&)> impl;
};

namespace detail {

inline Value unknown_because(Type t, const std::string& why) { return Value::unknown(std::move(t), "xc: " + why); }

inline std::string to_lower_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---- UTF-8 -----------------------------------------------------------------------------------
inline std::vector<std::string> utf8_chars(const std::string& s) {
    // Code points (Terraform counts grapheme clusters; for text without combining marks these
    // agree — a documented difference otherwise).
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
        if (i + n > s.size()) n = 1;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}
inline bool has_combining(const std::string& s) {
    // U+0300–U+036F and other marks start with these lead bytes; a conservative check.
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        const auto a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 1]);
        if ((a == 0xcc || (a == 0xcd && b <= 0xaf)) && (b & 0xc0) == 0x80) return true;
        if (a == 0xe2 && b == 0x80 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 2]) == 0x8d) return true;  // ZWJ
        if (a == 0xef && b == 0xb8) return true;  // variation selectors
    }
    return false;
}

// ---- JSON ------------------------------------------------------------------------------------
inline void json_string(std::string& out, const std::string& s) {
    // Go's encoding/json: HTML-safe escapes for < > &, \u2028/\u2029, control characters.
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        case '<': case '>': case '&':
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
            continue;
        default: break;
        }
        if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xa8 || static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
            out += static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

inline void json_encode(std::string& out, const Value& v) {
    if (v.is_null()) {
        out += "null";
        return;
    }
    switch (v.type().kind()) {
    case Type::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Type::Kind::Number:
        if (!v.as_number().is_finite()) throw FunctionError(0, "cannot serialize infinity as JSON");
        out += v.as_number().text();
        return;
    case Type::Kind::String: json_string(out, v.as_string()); return;
    case Type::Kind::Map: case Type::Kind::Object: {
        out += '{';
        bool first = true;
        for (const auto& [k, e] : v.attributes()) {
            if (!first) out += ',';
            first = false;
            json_string(out, k);
            out += ':';
            json_encode(out, e);
        }
        out += '}';
        return;
    }
    default: {
        out += '[';
        for (std::size_t i = 0; i < v.elements().size(); ++i) {
            if (i) out += ',';
            json_encode(out, v.elements()[i]);
        }
        out += ']';
        return;
    }
    }
}

// JSON text to a value (Go's encoding/json as cty's jsondecode uses it): objects -> object,
// arrays -> tuple, numbers from their exact text (so -0 stays -0), duplicate keys: last wins.
class JsonReader {
public:
    explicit JsonReader(const std::string& text) : s_(text) {}
    Value document() {
        Value v = value(0);
        space();
        if (i_ != s_.size()) fail("invalid character after top-level value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) { throw FunctionError(0, "invalid JSON: " + why + " (at byte " + std::to_string(i_) + ")"); }
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    bool lit(const char* w) {
        const std::size_t n = std::strlen(w);
        if (s_.compare(i_, n, w) != 0) return false;
        i_ += n;
        return true;
    }
    Value value(int depth) {
        if (depth > 256) fail("nesting deeper than 256 levels (xc's limit)");
        space();
        if (i_ >= s_.size()) fail("unexpected end of JSON input");
        const char c = s_[i_];
        if (c == '{') {
            ++i_;
            Attributes as;
            space();
            if (i_ < s_.size() && s_[i_] == '}') { ++i_; return Value::object(std::move(as)); }
            while (true) {
                space();
                if (i_ >= s_.size() || s_[i_] != '"') fail("object key expected");
                std::string k = string();
                space();
                if (i_ >= s_.size() || s_[i_] != ':') fail("':' expected");
                ++i_;
                as[k] = value(depth + 1);
                space();
                if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
                if (i_ < s_.size() && s_[i_] == '}') { ++i_; break; }
                fail("',' or '}' expected");
            }
            return Value::object(std::move(as));
        }
        if (c == '[') {
            ++i_;
            std::vector<Value> es;
            space();
            if (i_ < s_.size() && s_[i_] == ']') { ++i_; return Value::tuple(std::move(es)); }
            while (true) {
                es.push_back(value(depth + 1));
                space();
                if (i_ < s_.size() && s_[i_] == ',') { ++i_; continue; }
                if (i_ < s_.size() && s_[i_] == ']') { ++i_; break; }
                fail("',' or ']' expected");
            }
            return Value::tuple(std::move(es));
        }
        if (c == '"') return Value::string(string());
        if (lit("true")) return Value::boolean(true);
        if (lit("false")) return Value::boolean(false);
        if (lit("null")) return Value::null();
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        const std::size_t start = i_;
        if (i_ < s_.size() && s_[i_] == '-') ++i_;
        auto digits = [&] {
            const std::size_t b = i_;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
            return i_ - b;
        };
        if (i_ < s_.size() && s_[i_] == '0') ++i_;
        else if (digits() == 0) fail("invalid character");
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            if (digits() == 0) fail("digit expected after '.'");
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            if (digits() == 0) fail("digit expected in exponent");
        }
        auto n = Number::parse(s_.substr(start, i_ - start));
        if (!n) fail("number out of range");
        return Value::number(*n);
    }
    std::string string() {
        ++i_;  // opening quote
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("unterminated string");
            const auto c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') return out;
            if (c < 0x20) fail("control character in string");
            if (c != '\\') {
                out += static_cast<char>(c);
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated string");
            const char e = s_[i_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                auto hex4 = [&]() -> std::uint32_t {
                    if (i_ + 4 > s_.size()) fail("invalid \\u escape");
                    std::uint32_t v = 0;
                    for (int k = 0; k < 4; ++k) {
                        const char h = s_[i_++];
                        v <<= 4;
                        if (h >= '0' && h <= '9') v |= static_cast<std::uint32_t>(h - '0');
                        else if (h >= 'a' && h <= 'f') v |= static_cast<std::uint32_t>(h - 'a' + 10);
                        else if (h >= 'A' && h <= 'F') v |= static_cast<std::uint32_t>(h - 'A' + 10);
                        else fail("invalid \\u escape");
                    }
                    return v;
                };
                std::uint32_t cp = hex4();
                if (cp >= 0xd800 && cp < 0xdc00 && i_ + 6 <= s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
                    const std::size_t save = i_;
                    i_ += 2;
                    const std::uint32_t lo = hex4();
                    if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    else { i_ = save; cp = 0xfffd; }
                } else if (cp >= 0xd800 && cp < 0xe000) {
                    cp = 0xfffd;  // Go replaces a lone surrogate
                }
                if (cp < 0x80) out += static_cast<char>(cp);
                else if (cp < 0x800) { out += static_cast<char>(0xc0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3f)); }
                else if (cp < 0x10000) { out += static_cast<char>(0xe0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f)); out += static_cast<char>(0x80 | (cp & 0x3f)); }
                else { out += static_cast<char>(0xf0 | (cp >> 18)); out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f)); out += static_cast<char>(0x80 | (cp & 0x3f)); }
                break;
            }
            default: fail("invalid escape");
            }
        }
    }
    const std::string& s_;
    std::size_t i_ = 0;
};

// ---- YAML (what Terraform's yamlencode, go-yaml v3, writes) ----------------------------------
inline bool yaml_block_ok(const std::string& s) {
    // go-yaml writes a literal block for multi-line text unless a line has trailing spaces,
    // the text starts with a space, or holds characters it must escape.
    if (s.find('\n') == std::string::npos) return false;
    if (!s.empty() && (s[0] == ' ' || s[0] == '\t')) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
        if ((c == ' ' || c == '\t') && (i + 1 == s.size() || s[i + 1] == '\n')) return false;
    }
    return true;
}
inline bool yaml_quoted(std::string& out, const std::string& s) {
    out += '"';
    for (const auto& ch : utf8_chars(s)) {
        const auto c = static_cast<unsigned char>(ch[0]);
        if (ch.size() == 1) {
            if (c == '"') out += "\\\"";
            else if (c == '\\') out += "\\\\";
            else if (c == '\n') out += "\\n";
            else if (c == '\t') out += "\\t";
            else if (c == '\r') out += "\\r";
            else if (c < 0x20 || c == 0x7f) return false;  // go-yaml's escapes for these: not modelled
            else out += ch;
        } else {
            if (c == 0xc2 && static_cast<unsigned char>(ch[1]) < 0xa0) return false;
            if (ch == "\xef\xbb\xbf" || ch == "\xe2\x80\xa8" || ch == "\xe2\x80\xa9") return false;
            out += ch;
        }
    }
    out += '"';
    return true;
}
// Writes v at `indent`; false when the value needs a form xc does not model.
inline bool yaml_encode(std::string& out, const Value& v, int indent, bool inline_start) {
    auto pad = [&](int n) { out.append(static_cast<std::size_t>(n), ' '); };
    if (v.is_null()) { out += "null\n"; return true; }
    switch (v.type().kind()) {
    case Type::Kind::Bool: out += v.as_bool() ? "true\n" : "false\n"; return true;
    case Type::Kind::Number:
        if (!v.as_number().is_finite()) return false;
        out += v.as_number().text() + "\n";
        return true;
    case Type::Kind::String: {
        const auto& s = v.as_string();
        if (yaml_block_ok(s)) {
            if (s[0] == '\n') return false;  // go-yaml adds an indentation indicator ("|2+"): not modelled
            std::size_t trailing = 0;
            while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
            out += trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
            std::size_t start = 0;
            const std::string body = trailing > 0 ? s.substr(0, s.size() - 1) : s;
            const int block_indent = indent == 0 ? 2 : indent;  // a root block scalar is indented too
            while (start <= body.size()) {
                auto nl = body.find('\n', start);
                std::string line = body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
                if (!line.empty()) pad(block_indent);
                out += line + "\n";
                if (nl == std::string::npos) break;
                start = nl + 1;
            }
            return true;
        }
        if (!yaml_quoted(out, s)) return false;
        out += '\n';
        return true;
    }
    case Type::Kind::Map: case Type::Kind::Object: {
        if (v.attributes().empty()) { out += "{}\n"; return true; }
        bool first = true;
        for (const auto& [k, e] : v.attributes()) {
            if (!(first && inline_start)) pad(indent);
            first = false;
            if (yaml_block_ok(k)) return false;  // go-yaml writes a multi-line key as "? |-": not modelled
            if (!yaml_quoted(out, k)) return false;
            out += ':';
            const bool nested_map = e.is_known() && !e.is_null() && e.is_mapping() && !e.attributes().empty();
            const bool nested_seq = e.is_known() && !e.is_null() && e.is_sequence() && !e.elements().empty();
            if (nested_map) {
                out += '\n';
                if (!yaml_encode(out, e, indent + 2, false)) return false;
            } else if (nested_seq) {
                out += '\n';
                if (!yaml_encode(out, e, indent, false)) return false;
            } else {
                out += ' ';
                if (!yaml_encode(out, e, indent + 2, true)) return false;
            }
        }
        return true;
    }
    default: {
        if (v.elements().empty()) { out += "[]\n"; return true; }
        bool first = true;
        for (const auto& e : v.elements()) {
            if (!(first && inline_start)) pad(indent);
            first = false;
            out += "- ";
            if (!yaml_encode(out, e, indent + 2, true)) return false;
        }
        return true;
    }
    }
}

// ---- format ----------------------------------------------------------------------------------
inline std::string big_integer_text(const BigFloat& v, int base, bool upper) {
    using boost::multiprecision::cpp_int;
    cpp_int i = static_cast<cpp_int>(v);
    const bool neg = i < 0;
    if (neg) i = -i;
    std::string digits;
    if (i == 0) digits = "0";
    while (i > 0) {
        const int d = static_cast<int>(i % base);
        digits += static_cast<char>(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
        i /= base;
    }
    std::reverse(digits.begin(), digits.end());
    return (neg ? "-" : "") + digits;
}

// The exact decimal expansion of |x| (finite, nonzero): 0.d1d2... * 10^exp. Binary floats
// have finite expansions; beyond a binary exponent of 20,000 xc does not compute them.
inline std::pair<std::string, long> exact_digits(const BigFloat& x) {
    using boost::multiprecision::cpp_int;
    int e2 = 0;
    const BigFloat frac = boost::multiprecision::frexp(boost::multiprecision::abs(x), &e2);  // [0.5, 1)
    if (e2 > 20000 || e2 < -20000) throw FunctionError(-2, "formatting a number with a binary exponent beyond 20000 is not evaluated");
    cpp_int mant = static_cast<cpp_int>(boost::multiprecision::ldexp(frac, 512));  // exact: 512-bit mantissa
    long exp2 = static_cast<long>(e2) - 512;
    while (mant != 0 && (mant & 1) == 0 && exp2 < 0) {
        mant >>= 1;
        ++exp2;
    }
    std::string digits;
    long exp10;
    if (exp2 >= 0) {
        digits = cpp_int(mant << static_cast<unsigned>(exp2)).str();
        exp10 = static_cast<long>(digits.size());
    } else {
        digits = cpp_int(mant * boost::multiprecision::pow(cpp_int(5), static_cast<unsigned>(-exp2))).str();
        exp10 = static_cast<long>(digits.size()) + exp2;
    }
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    return {digits, exp10};
}

// Rounds exact digits (0.d1d2... * 10^exp) to `keep` digits, half to even (Go's rounding of
// the exact binary value); keep may be 0 or negative (the value rounds to 0 or to 10^exp).
inline std::pair<std::string, long> round_digits(std::string digits, long exp10, long keep) {
    if (keep >= static_cast<long>(digits.size())) return {digits, exp10};
    bool up;
    if (keep < 0) {
        up = false;
    } else {
        const char next = digits[static_cast<std::size_t>(keep)];
        const bool rest = digits.find_first_not_of('0', static_cast<std::size_t>(keep) + 1) != std::string::npos;
        const bool odd = keep > 0 && ((digits[static_cast<std::size_t>(keep) - 1] - '0') & 1);
        up = next > '5' || (next == '5' && (rest || odd));
    }
    digits.resize(static_cast<std::size_t>(std::max<long>(keep, 0)));
    if (up) {
        long i = keep - 1;
        while (i >= 0 && digits[static_cast<std::size_t>(i)] == '9') digits[static_cast<std::size_t>(i--)] = '0';
        if (i < 0) {
            digits.insert(digits.begin(), '1');
            ++exp10;
        } else {
            ++digits[static_cast<std::size_t>(i)];
        }
    }
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    if (digits.empty() || digits == "0") return {"0", 1};
    return {digits, exp10};
}

// Decimal digits of |x| rounded to `n` significant digits (n <= 0: shortest round-trip
// digits): 0.d1d2... * 10^exp, trailing zeros removed.
inline std::pair<std::string, long> decimal_digits(const Number& x, int n) {
    if (x.value == 0) return {"0", 1};
    if (n <= 0) return shortest_digits(x);
    auto [d, e] = exact_digits(x.value);
    return round_digits(d, e, n);
}

// Go's %e with `frac` digits after the point (frac < 0: all the digits there are).
inline std::string fmt_e(const std::string& digits, long exp10, int frac, bool upper, bool zero) {
    std::string m = digits.substr(0, 1);
    std::string rest = digits.substr(1);
    if (frac < 0) frac = static_cast<int>(rest.size());
    rest.resize(static_cast<std::size_t>(frac), '0');
    if (frac > 0) m += "." + rest;
    const long e = zero ? 0 : exp10 - 1;
    std::string es = std::to_string(e < 0 ? -e : e);
    if (es.size() < 2) es = "0" + es;
    return m + (upper ? "E" : "e") + (e < 0 ? "-" : "+") + es;
}

// Go's %f with `frac` digits after the point (frac < 0: all the digits there are).
inline std::string fmt_f(const std::string& digits, long exp10, int frac) {
    std::string intpart, fracpart;
    if (exp10 > 0) {
        intpart = digits.substr(0, std::min<std::size_t>(digits.size(), static_cast<std::size_t>(exp10)));
        if (static_cast<long>(intpart.size()) < exp10) intpart.append(static_cast<std::size_t>(exp10) - intpart.size(), '0');
        if (static_cast<std::size_t>(exp10) < digits.size()) fracpart = digits.substr(static_cast<std::size_t>(exp10));
    } else {
        intpart = "0";
        fracpart = std::string(static_cast<std::size_t>(-exp10), '0') + digits;
    }
    if (intpart.empty() || digits == "0") intpart = "0";
    if (digits == "0") fracpart.clear();
    if (frac < 0) frac = static_cast<int>(fracpart.size());
    fracpart.resize(static_cast<std::size_t>(frac), '0');
    return frac > 0 ? intpart + "." + fracpart : intpart;
}

// Go's big.Float Text/Format for verbs e, E, f, g, G with a precision (-1: shortest), no sign.
inline std::string float_text(const Number& n, char verb, int prec) {
    const bool upper = verb == 'E' || verb == 'G';
    const char v = static_cast<char>(std::tolower(static_cast<unsigned char>(verb)));
    const bool zero = n.value == 0;
    if (v == 'f') {
        if (prec < 0) {
            auto [d, e] = decimal_digits(n, 0);
            return fmt_f(d, e, -1);
        }
        if (zero) return fmt_f("0", 1, prec);
        auto [d0, e0] = exact_digits(n.value);
        auto [d, e] = round_digits(d0, e0, e0 + prec);  // `prec` digits after the point
        return fmt_f(d, e, prec);
    }
    if (v == 'e') {
        auto [d, e] = decimal_digits(n, prec < 0 ? 0 : prec + 1);
        return fmt_e(d, e, prec, upper, zero);
    }
    // %g: p significant digits (shortest: -1); %e form when exp < -4 || exp >= eprec.
    const bool shortest = prec < 0;
    if (prec == 0) prec = 1;
    auto [d, e] = decimal_digits(n, shortest ? 0 : prec);
    long eprec = prec;
    if (eprec > static_cast<long>(d.size()) && static_cast<long>(d.size()) >= e) eprec = static_cast<long>(d.size());
    if (shortest) eprec = 6;
    const long x = e - 1;
    if (x < -4 || x >= eprec) {
        long p = shortest ? static_cast<long>(d.size()) : std::min<long>(prec, static_cast<long>(d.size()));
        return fmt_e(d, e, static_cast<int>(p - 1), upper, zero);
    }
    long p = shortest ? static_cast<long>(d.size()) : prec;
    if (p > e) p = static_cast<long>(d.size());
    return fmt_f(d, e, static_cast<int>(std::max<long>(p - e, 0)));
}

struct Verb {
    bool minus = false, plus = false, zero = false, space = false, sharp = false;
    long width = -1, prec = -1;
};

// cty's formatPadWidth: pad with spaces (or zeros with '0'), on the right with '-'.
inline std::string pad_width(std::string s, const Verb& v) {
    const long n = static_cast<long>(utf8_chars(s).size());
    if (v.width < 0 || n >= v.width) return s;
    const std::string pad(static_cast<std::size_t>(v.width - n), v.zero ? '0' : ' ');
    return v.minus ? s + pad : pad + s;
}

// Go's fmt of a *big.Float: sign, then padding (zeros after the sign with '0', else spaces).
inline std::string go_float(const Number& n, char verb, const Verb& v) {
    std::string body;
    std::string sign;
    if (!n.is_finite()) {
        body = "Inf";
        sign = n.value < 0 ? "-" : (v.space ? " " : "+");
    } else {
        body = float_text(n, verb == 'F' ? 'f' : verb, static_cast<int>(v.prec < 0 ? (verb == 'g' || verb == 'G' ? -1 : 6) : v.prec));
        if (boost::multiprecision::signbit(n.value)) sign = "-";
        else if (v.plus) sign = "+";
        else if (v.space) sign = " ";
    }
    long padding = 0;
    if (v.width > static_cast<long>(sign.size() + body.size())) padding = v.width - static_cast<long>(sign.size() + body.size());
    const std::string p(static_cast<std::size_t>(padding), ' ');
    if (v.zero && n.is_finite()) return sign + std::string(static_cast<std::size_t>(padding), '0') + body;
    if (v.minus) return sign + body + p;
    return p + sign + body;
}

// Go's fmt of a *big.Int for verbs d, b, o, x, X.
inline std::string go_int(const BigFloat& value, char verb, const Verb& v) {
    const int base = verb == 'd' ? 10 : verb == 'b' ? 2 : verb == 'o' ? 8 : 16;
    std::string digits = big_integer_text(boost::multiprecision::abs(value), base, verb == 'X');
    const bool neg = value < 0;
    if (v.prec >= 0) {
        if (v.prec == 0 && digits == "0") digits.clear();
        if (static_cast<long>(digits.size()) < v.prec) digits.insert(0, static_cast<std::size_t>(v.prec) - digits.size(), '0');
    }
    std::string prefix;
    if (v.sharp) {
        if (verb == 'o' && (digits.empty() || digits[0] != '0')) prefix = "0";
        if (verb == 'x') prefix = "0x";
        if (verb == 'X') prefix = "0X";
        if (verb == 'b') prefix = "0b";
    }
    std::string sign = neg ? "-" : v.plus ? "+" : v.space ? " " : "";
    const long len = static_cast<long>(sign.size() + prefix.size() + digits.size());
    if (v.width > len) {
        const auto fill = static_cast<std::size_t>(v.width - len);
        if (v.minus) return sign + prefix + digits + std::string(fill, ' ');
        if (v.zero && v.prec < 0) return sign + prefix + std::string(fill, '0') + digits;
        return std::string(fill, ' ') + sign + prefix + digits;
    }
    return sign + prefix + digits;
}

inline Value format_impl(const std::string& fmt, const std::vector<Value>& args, std::size_t first_arg) {
    std::string out;
    std::size_t next = 0;  // the next argument, 0-based among the values
    std::size_t used = 0;  // how many arguments the verbs reached
    const std::size_t nvals = args.size() - first_arg;
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') {
            out += fmt[i];
            continue;
        }
        const std::size_t verb_start = i;
        ++i;
        if (i >= fmt.size()) throw FunctionError(0, "invalid format string starting at offset " + std::to_string(verb_start));
        if (fmt[i] == '%') {
            out += '%';
            continue;
        }
        Verb v;
        for (; i < fmt.size(); ++i) {
            if (fmt[i] == '-') v.minus = true;
            else if (fmt[i] == '+') v.plus = true;
            else if (fmt[i] == '0') v.zero = true;
            else if (fmt[i] == ' ') v.space = true;
            else if (fmt[i] == '#') v.sharp = true;
            else break;
        }
        if (i < fmt.size() && fmt[i] == '[') {
            std::size_t j = i + 1, n = 0;
            while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j])) && n < 100000) n = n * 10 + static_cast<std::size_t>(fmt[j++] - '0');
            if (j >= fmt.size() || fmt[j] != ']' || n == 0) throw FunctionError(0, "invalid format string starting at offset " + std::to_string(verb_start));
            next = n - 1;
            i = j + 1;
        }
        auto number_at = [&](long& into) {
            long n = 0;
            bool any = false;
            while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) {
                n = n * 10 + (fmt[i++] - '0');
                if (n > 100000) throw FunctionError(0, "format width or precision too large (xc's limit is 100000)");
                any = true;
            }
            if (any) into = n;
            return any;
        };
        number_at(v.width);
        if (i < fmt.size() && fmt[i] == '.') {
            ++i;
            if (!number_at(v.prec)) throw FunctionError(0, "invalid format string starting at offset " + std::to_string(verb_start));
        }
        if (i >= fmt.size()) throw FunctionError(0, "invalid format string starting at offset " + std::to_string(verb_start));
        const char verb = fmt[i];
        const std::string raw = fmt.substr(verb_start, i - verb_start + 1);
        if (next >= nvals)
            throw FunctionError(-1, "not enough arguments for \"" + raw + "\" at " + std::to_string(verb_start) + ": need index " + std::to_string(next + 1) +
                                        " but have " + std::to_string(nvals) + " total");
        const Value& a = args[first_arg + next];
        ++next;
        used = std::max(used, next);
        auto bad = [&](const std::string& why) { return FunctionError(-1, "unsupported value for \"" + raw + "\" at " + std::to_string(verb_start) + ": " + why); };
        if (verb != 'v' && a.is_null()) throw bad("null value cannot be formatted");
        auto as = [&](const Type& t) {
            try {
                return convert(a, t);
            } catch (const ConversionError& e) {
                throw bad(e.what());
            }
        };
        switch (verb) {
        case 'v': {
            std::string s;
            if (!v.sharp && !a.is_null() && a.type().kind() == Type::Kind::String) s = a.as_string();
            else if (!v.sharp && !a.is_null() && a.type().kind() == Type::Kind::Number) {
                const Number& n = a.as_number();
                s = !n.is_finite() ? (n.value > 0 ? "+Inf" : "-Inf") : (boost::multiprecision::signbit(n.value) ? "-" : "") + float_text(n, 'g', -1);
            }
            else json_encode(s, a);
            out += pad_width(s, v);
            break;
        }
        case 't': out += as(Type::boolean()).as_bool() ? "true" : "false"; break;
        case 's': case 'q': {
            std::string s = as(Type::string()).as_string();
            if (v.prec > 0) {
                auto cs = utf8_chars(s);
                if (static_cast<long>(cs.size()) > v.prec) {
                    s.clear();
                    for (long k = 0; k < v.prec; ++k) s += cs[static_cast<std::size_t>(k)];
                }
            }
            if (verb == 'q') {
                std::string q;
                json_string(q, s);
                s = q;
            }
            out += pad_width(s, v);
            break;
        }
        case 'd': case 'b': case 'o': case 'x': case 'X': {
            const Number n = as(Type::number()).as_number();
            if (!n.is_integer()) throw bad("an integer is required");
            out += go_int(n.value, verb, v);
            break;
        }
        case 'e': case 'E': case 'f': case 'g': case 'G': out += go_float(as(Type::number()).as_number(), verb, v); break;
        default: throw FunctionError(0, "unsupported format verb '" + std::string(1, verb) + "' in \"" + raw + "\" at offset " + std::to_string(verb_start));
        }
    }
    if (used < nvals) throw FunctionError(-1, "too many arguments; only " + std::to_string(used) + " used by format string");
    return Value::string(std::move(out));
}

// ---- CIDR (IPv4) -------------------------------------------------------------------------------
struct Cidr4 {
    std::uint32_t addr;
    int prefix;
};
inline std::optional<std::uint32_t> parse_ipv4(const std::string& s) {
    std::uint32_t out = 0;
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part && (i >= s.size() || s[i++] != '.')) return std::nullopt;
        std::size_t start = i;
        unsigned v = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 4) v = v * 10 + static_cast<unsigned>(s[i++] - '0');
        if (i == start || v > 255) return std::nullopt;
        out = (out << 8) | v;
    }
    if (i != s.size()) return std::nullopt;
    return out;
}
inline std::string ipv4_text(std::uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}
// nullopt: an IPv6 prefix (not computed by xc); throws for text that is no CIDR prefix.
inline std::optional<Cidr4> parse_cidr(const std::string& s, int arg) {
    auto slash = s.find('/');
    if (slash == std::string::npos) throw FunctionError(arg, "invalid CIDR expression: invalid CIDR address: " + s);
    if (s.find(':') != std::string::npos) return std::nullopt;
    auto a = parse_ipv4(s.substr(0, slash));
    const std::string p = s.substr(slash + 1);
    if (!a || p.empty() || p.size() > 2 || !std::all_of(p.begin(), p.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
        std::stoi(p) > 32 || (p.size() > 1 && p[0] == '0'))
        throw FunctionError(arg, "invalid CIDR expression: invalid CIDR address: " + s);
    const int prefix = std::stoi(p);
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return Cidr4{*a & mask, prefix};
}

inline std::int64_t integer_arg(const Value& v, int arg, const std::string& what) {
    auto i = v.as_number().to_int64();
    if (!i) throw FunctionError(arg, what + " must be a whole number");
    return *i;
}

// ---- hashes ----------------------------------------------------------------------------------
inline std::string hex_bytes(const unsigned char* d, std::size_t n) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string o;
    for (std::size_t i = 0; i < n; ++i) {
        o += hex[d[i] >> 4];
        o += hex[d[i] & 15];
    }
    return o;
}
inline std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
inline std::uint32_t rotl(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
inline std::string sha256_hex(const std::string& msg) {
    static constexpr std::uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
        0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::string m = msg;
    const std::uint64_t bits = static_cast<std::uint64_t>(msg.size()) * 8;
    m += static_cast<char>(0x80);
    while (m.size() % 64 != 56) m += '\0';
    for (int i = 7; i >= 0; --i) m += static_cast<char>((bits >> (i * 8)) & 0xff);
    for (std::size_t off = 0; off < m.size(); off += 64) {
        std::uint32_t w[64];
        for (int i = 0; i < 16; ++i)
            w[i] = (static_cast<std::uint32_t>(static_cast<unsigned char>(m[off + 4 * i])) << 24) | (static_cast<std::uint32_t>(static_cast<unsigned char>(m[off + 4 * i + 1])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(m[off + 4 * i + 2])) << 8) | static_cast<unsigned char>(m[off + 4 * i + 3]);
        for (int i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; ++i) {
            const std::uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
            const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    unsigned char out[32];
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<unsigned char>(h[i] >> (24 - 8 * j));
    return hex_bytes(out, 32);
}
inline std::string md5_hex(const std::string& msg) {
    static constexpr int r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    std::uint32_t k[64];
    for (int i = 0; i < 64; ++i) k[i] = static_cast<std::uint32_t>(std::floor(std::fabs(std::sin(i + 1.0)) * 4294967296.0));
    std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::string m = msg;
    const std::uint64_t bits = static_cast<std::uint64_t>(msg.size()) * 8;
    m += static_cast<char>(0x80);
    while (m.size() % 64 != 56) m += '\0';
    for (int i = 0; i < 8; ++i) m += static_cast<char>((bits >> (i * 8)) & 0xff);
    for (std::size_t off = 0; off < m.size(); off += 64) {
        std::uint32_t w[16];
        for (int i = 0; i < 16; ++i)
            w[i] = static_cast<unsigned char>(m[off + 4 * i]) | (static_cast<std::uint32_t>(static_cast<unsigned char>(m[off + 4 * i + 1])) << 8) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(m[off + 4 * i + 2])) << 16) | (static_cast<std::uint32_t>(static_cast<unsigned char>(m[off + 4 * i + 3])) << 24);
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (int i = 0; i < 64; ++i) {
            std::uint32_t f;
            int g;
            if (i < 16) { f = (b & c) | (~b & d); g = i; }
            else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
            else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
            else { f = c ^ (b | ~d); g = (7 * i) % 16; }
            const std::uint32_t t = d;
            d = c; c = b;
            b = b + rotl(a + f + k[i] + w[g], r[i]);
            a = t;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    }
    unsigned char out[16];
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<unsigned char>(h[i] >> (8 * j));
    return hex_bytes(out, 16);
}

}  // namespace detail

// The table of built-in functions.
inline const std::map<std::string, Function>& functions() {
    static const std::map<std::string, Function> table = [] {
        using namespace detail;
        std::map<std::string, Function> t;
        const Type S = Type::string(), N = Type::number(), B = Type::boolean(), D = Type::dynamic();
        auto add = [&](std::string name, std::vector<Param> ps, std::optional<Param> var, Type result,
                       std::function<Value(std::vector<Value>&, const CallContext&)> f) {
            t.emplace(name, Function{name, std::move(ps), std::move(var), std::move(result), std::move(f)});
        };
        auto str1 = [&](const std::string& name, std::function<std::string(const std::string&)> f) {
            add(name, {{"str", S}}, std::nullopt, S, [f](std::vector<Value>& a, const CallContext&) { return Value::string(f(a[0].as_string())); });
        };
        // --- strings
        str1("lower", [](const std::string& s) {
            for (unsigned char c : s)
                if (c >= 0x80) throw FunctionError(-2, "non-ASCII text is not evaluated (Unicode case rules)");
            return to_lower_ascii(s);
        });
        str1("upper", [](const std::string& s) {
            std::string o = s;
            for (auto& c : o) {
                if (static_cast<unsigned char>(c) >= 0x80) throw FunctionError(-2, "non-ASCII text is not evaluated (Unicode case rules)");
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            return o;
        });
        str1("title", [](const std::string& s) {
            std::string o = s;
            bool start = true;
            for (auto& c : o) {
                if (static_cast<unsigned char>(c) >= 0x80) throw FunctionError(-2, "non-ASCII text is not evaluated (Unicode case rules)");
                if (start && std::isalpha(static_cast<unsigned char>(c))) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                start = !(std::isalnum(static_cast<unsigned char>(c)) || c == '_');  // Go's strings.Title separators
            }
            return o;
        });
        str1("trimspace", [](const std::string& s) {
            // Unicode white space: ASCII ones and NEL/NBSP handled as Go's unicode.IsSpace for ASCII.
            std::size_t b = 0, e = s.size();
            auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
            while (b < e && sp(s[b])) ++b;
            while (e > b && sp(s[e - 1])) --e;
            for (std::size_t i = 0; i < s.size(); ++i)
                if (static_cast<unsigned char>(s[i]) >= 0x80 && (i < b || i >= e - 3)) throw FunctionError(-2, "non-ASCII text is not evaluated (Unicode case rules)");
            return s.substr(b, e - b);
        });
        str1("strrev", [](const std::string& s) {
            if (has_combining(s)) throw FunctionError(-2, "text with combining characters is not evaluated (Terraform counts grapheme clusters)");
            auto cs = utf8_chars(s);
            std::string o;
            for (auto it = cs.rbegin(); it != cs.rend(); ++it) o += *it;
            return o;
        });
        str1("base64encode", [](const std::string& s) {
            static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            std::string o;
            std::size_t i = 0;
            for (; i + 2 < s.size(); i += 3) {
                const unsigned v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) | static_cast<unsigned char>(s[i + 2]);
                o += tbl[v >> 18]; o += tbl[(v >> 12) & 63]; o += tbl[(v >> 6) & 63]; o += tbl[v & 63];
            }
            if (i + 1 == s.size()) {
                const unsigned v = static_cast<unsigned char>(s[i]) << 16;
                o += tbl[v >> 18]; o += tbl[(v >> 12) & 63]; o += "==";
            } else if (i + 2 == s.size()) {
                const unsigned v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
                o += tbl[v >> 18]; o += tbl[(v >> 12) & 63]; o += tbl[(v >> 6) & 63]; o += '=';
            }
            return o;
        });
        add("base64decode", {{"str", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            const std::string& s = a[0].as_string();
            auto val = [](char c) -> int {
                if (c >= 'A' && c <= 'Z') return c - 'A';
                if (c >= 'a' && c <= 'z') return c - 'a' + 26;
                if (c >= '0' && c <= '9') return c - '0' + 52;
                if (c == '+') return 62;
                if (c == '/') return 63;
                return -1;
            };
            if (s.size() % 4 != 0) throw FunctionError(0, "failed to decode base64 data");
            std::string o;
            for (std::size_t i = 0; i < s.size(); i += 4) {
                int v[4];
                int pads = 0;
                for (int k = 0; k < 4; ++k) {
                    if (s[i + k] == '=' && i + 4 == s.size() && k >= 2) { v[k] = 0; ++pads; continue; }
                    if (pads) throw FunctionError(0, "failed to decode base64 data");
                    v[k] = val(s[i + k]);
                    if (v[k] < 0) throw FunctionError(0, "failed to decode base64 data");
                }
                const unsigned x = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) | (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
                o += static_cast<char>(x >> 16);
                if (pads < 2) o += static_cast<char>((x >> 8) & 255);
                if (pads < 1) o += static_cast<char>(x & 255);
            }
            for (std::size_t i = 0; i < o.size();) {  // Terraform requires UTF-8 output
                auto cs = utf8_chars(o.substr(i, 4));
                const auto c0 = static_cast<unsigned char>(o[i]);
                if (c0 >= 0x80 && cs[0].size() == 1) throw FunctionError(0, "the result of decoding the provided string is not valid UTF-8");
                i += cs[0].size();
            }
            return Value::string(o);
        });
        add("format", {{"format", S}}, Param{"args", D, true, false}, S, [](std::vector<Value>& a, const CallContext&) {
            for (std::size_t i = 1; i < a.size(); ++i)
                if (a[i].is_null() && a[i].type().is_dynamic())
                    return unknown_because(Type::dynamic(), "format() with a null literal argument: Terraform 1.11 returns an unknown value");
            return format_impl(a[0].as_string(), a, 1);
        });
        add("formatlist", {{"format", S}}, Param{"args", D, true, false}, D, [](std::vector<Value>& a, const CallContext&) {
            for (std::size_t i = 1; i < a.size(); ++i)
                if (a[i].is_null() && a[i].type().is_dynamic())
                    return unknown_because(Type::dynamic(), "formatlist() with a null literal argument: Terraform 1.11 returns an unknown value");
            std::optional<std::size_t> n;
            for (std::size_t i = 1; i < a.size(); ++i)
                if (!a[i].is_null() && a[i].is_sequence()) {
                    if (n && *n != a[i].elements().size())
                        throw FunctionError(static_cast<int>(i), "argument " + std::to_string(i) + " has length " + std::to_string(a[i].elements().size()) +
                                                                     ", which is inconsistent with argument 1 of length " + std::to_string(*n));
                    n = a[i].elements().size();
                }
            std::vector<Value> out;
            const std::size_t count = n.value_or(1);
            for (std::size_t k = 0; k < count; ++k) {
                std::vector<Value> row{a[0]};
                for (std::size_t i = 1; i < a.size(); ++i) row.push_back(!a[i].is_null() && a[i].is_sequence() ? a[i].elements()[k] : a[i]);
                out.push_back(format_impl(a[0].as_string(), row, 1));
            }
            return Value::list(Type::string(), std::move(out));
        });
        add("join", {{"separator", S}}, Param{"lists", Type::list(S)}, S, [](std::vector<Value>& a, const CallContext&) {
            if (a.size() < 2) throw FunctionError(-1, "at least one list is required");
            std::string o;
            bool first = true;
            for (std::size_t i = 1; i < a.size(); ++i)
                for (const auto& e : a[i].elements()) {
                    if (e.is_null()) throw FunctionError(static_cast<int>(i), "element " + std::to_string(&e - a[i].elements().data()) + " is null");
                    if (!first) o += a[0].as_string();
                    first = false;
                    o += e.as_string();
                }
            return Value::string(o);
        });
        add("split", {{"separator", S}, {"str", S}}, std::nullopt, Type::list(S), [](std::vector<Value>& a, const CallContext&) {
            const std::string& sep = a[0].as_string();
            const std::string& s = a[1].as_string();
            std::vector<Value> out;
            if (sep.empty()) {
                for (auto& c : utf8_chars(s)) out.push_back(Value::string(c));
            } else {
                std::size_t start = 0;
                while (true) {
                    auto p = s.find(sep, start);
                    out.push_back(Value::string(s.substr(start, p == std::string::npos ? std::string::npos : p - start)));
                    if (p == std::string::npos) break;
                    start = p + sep.size();
                }
            }
            return Value::list(Type::string(), std::move(out));
        });
        add("replace", {{"str", S}, {"substr", S}, {"replace", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            const std::string& s = a[0].as_string();
            const std::string& sub = a[1].as_string();
            if (sub.size() >= 2 && sub.front() == '/' && sub.back() == '/')
                return unknown_because(Type::string(), "replace() with a regular expression (" + sub + ") is not evaluated: Terraform uses RE2 syntax");
            if (sub.empty()) {
                // Go's strings.Replace with an empty old string inserts at every rune boundary.
                std::string o = a[2].as_string();
                for (auto& c : utf8_chars(s)) o += c + a[2].as_string();
                return Value::string(o);
            }
            std::string o;
            std::size_t start = 0;
            while (true) {
                auto p = s.find(sub, start);
                if (p == std::string::npos) break;
                o += s.substr(start, p - start) + a[2].as_string();
                start = p + sub.size();
            }
            o += s.substr(start);
            return Value::string(o);
        });
        for (const char* re : {"regex", "regexall"})
            add(re, {{"pattern", S}, {"string", S}}, std::nullopt, D, [re](std::vector<Value>&, const CallContext&) {
                return unknown_because(Type::dynamic(), std::string(re) + "() is not evaluated: Terraform's regular expressions are RE2, which xc does not implement");
            });
        add("trim", {{"str", S}, {"cutset", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            auto cs = utf8_chars(a[0].as_string());
            auto cut = utf8_chars(a[1].as_string());
            auto in = [&](const std::string& c) { return std::find(cut.begin(), cut.end(), c) != cut.end(); };
            std::size_t b = 0, e = cs.size();
            while (b < e && in(cs[b])) ++b;
            while (e > b && in(cs[e - 1])) --e;
            std::string o;
            for (std::size_t i = b; i < e; ++i) o += cs[i];
            return Value::string(o);
        });
        add("trimprefix", {{"str", S}, {"prefix", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            const auto& s = a[0].as_string();
            const auto& p = a[1].as_string();
            return Value::string(s.rfind(p, 0) == 0 ? s.substr(p.size()) : s);
        });
        add("trimsuffix", {{"str", S}, {"suffix", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            const auto& s = a[0].as_string();
            const auto& p = a[1].as_string();
            return Value::string(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0 ? s.substr(0, s.size() - p.size()) : s);
        });
        add("startswith", {{"str", S}, {"prefix", S}}, std::nullopt, B, [](std::vector<Value>& a, const CallContext&) {
            return Value::boolean(a[0].as_string().rfind(a[1].as_string(), 0) == 0);
        });
        add("endswith", {{"str", S}, {"suffix", S}}, std::nullopt, B, [](std::vector<Value>& a, const CallContext&) {
            const auto& s = a[0].as_string();
            const auto& p = a[1].as_string();
            return Value::boolean(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
        });
        add("strcontains", {{"str", S}, {"substr", S}}, std::nullopt, B, [](std::vector<Value>& a, const CallContext&) {
            return Value::boolean(a[0].as_string().find(a[1].as_string()) != std::string::npos);
        });
        add("substr", {{"str", S}, {"offset", N}, {"length", N}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            if (has_combining(a[0].as_string())) return unknown_because(Type::string(), "substr() of text with combining characters (Terraform counts grapheme clusters)");
            auto cs = utf8_chars(a[0].as_string());
            std::int64_t off = integer_arg(a[1], 1, "offset"), len = integer_arg(a[2], 2, "length");
            const auto n = static_cast<std::int64_t>(cs.size());
            // cty's rules, quirks included: a negative offset counts from the end (and a
            // still-negative one from the start); length 0 gives "" only for a non-negative
            // offset; a negative length takes the rest; an offset past the end gives "".
            if (off < 0) off += n;
            else if (len == 0) return Value::string("");
            if (off < 0) off = 0;
            if (off >= n) return Value::string("");
            std::int64_t end = n;
            if (len >= 0) end = len == 0 ? n : std::min(n, off + len);
            std::string o;
            for (auto i = off; i < end; ++i) o += cs[static_cast<std::size_t>(i)];
            return Value::string(o);
        });
        add("indent", {{"spaces", N}, {"str", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            const auto n = integer_arg(a[0], 0, "spaces");
            if (n < 0 || n > 100000) throw FunctionError(0, "spaces must be between 0 and 100000 (xc's limit)");
            const std::string pad(static_cast<std::size_t>(n), ' ');
            std::string o;
            for (char c : a[1].as_string()) {
                o += c;
                if (c == '\n') o += pad;
            }
            return Value::string(o);
        });
        add("chomp", {{"str", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            std::string s = a[0].as_string();  // Go: (?:\r\n?|\n)*\z removed, i.e. every trailing CR and LF
            while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
            return Value::string(s);
        });
        for (bool all : {true, false})
            add(all ? "alltrue" : "anytrue", {{"list", Type::list(B)}}, std::nullopt, B, [all](std::vector<Value>& a, const CallContext&) {
                for (const auto& e : a[0].elements()) {
                    if (e.is_null()) {
                        if (all) return Value::boolean(false);
                        continue;
                    }
                    if (e.as_bool() != all) return Value::boolean(!all);
                }
                return Value::boolean(all);
            });
        // --- numbers
        auto num1 = [&](const std::string& name, std::function<BigFloat(const BigFloat&)> f) {
            add(name, {{"num", N}}, std::nullopt, N, [f](std::vector<Value>& a, const CallContext&) {
                Number n = a[0].as_number();
                n.value = f(n.value);
                n.round();
                return Value::number(n);
            });
        };
        num1("abs", [](const BigFloat& v) { return boost::multiprecision::abs(v); });
        // Through an integer, as cty does: never a negative zero.
        auto no_negative_zero = [](BigFloat r) { return r == 0 ? BigFloat(0) : r; };
        num1("ceil", [=](const BigFloat& v) { return boost::multiprecision::isfinite(v) ? no_negative_zero(boost::multiprecision::ceil(v)) : v; });
        num1("floor", [=](const BigFloat& v) { return boost::multiprecision::isfinite(v) ? no_negative_zero(boost::multiprecision::floor(v)) : v; });
        num1("signum", [](const BigFloat& v) { return BigFloat(v > 0 ? 1 : v < 0 ? -1 : 0); });
        for (bool is_min : {true, false})
            add(is_min ? "min" : "max", {}, Param{"numbers", N}, N, [is_min](std::vector<Value>& a, const CallContext&) {
                if (a.empty()) throw FunctionError(-1, "must pass at least one number");
                std::size_t best = 0;
                for (std::size_t i = 1; i < a.size(); ++i)
                    if (is_min ? a[i].as_number() < a[best].as_number() : a[best].as_number() < a[i].as_number()) best = i;
                return a[best];
            });
        add("range", {}, Param{"params", N}, Type::list(N), [](std::vector<Value>& a, const CallContext&) {
            if (a.empty() || a.size() > 3) throw FunctionError(-1, "must have one, two, or three arguments");
            BigFloat start = 0, end, step = 1;
            if (a.size() == 1) end = a[0].as_number().value;
            else {
                start = a[0].as_number().value;
                end = a[1].as_number().value;
                if (a.size() == 3) step = a[2].as_number().value;
                else if (end < start) step = -1;
            }
            if (step == 0) throw FunctionError(2, "step must not be zero");
            if (start < end && step < 0) throw FunctionError(2, "step must be positive when start is less than end");
            if (start > end && step > 0) throw FunctionError(2, "step must be negative when start is greater than end");
            std::vector<Value> out;
            for (BigFloat v = start; step > 0 ? v < end : v > end; v += step) {
                if (out.size() >= 1024) throw FunctionError(-1, "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step");
                out.push_back(Value::number(Number{v, false}));
            }
            return Value::list(Type::number(), std::move(out));
        });
        add("parseint", {{"number", S}, {"base", N}}, std::nullopt, N, [](std::vector<Value>& a, const CallContext&) {
            const auto base = integer_arg(a[1], 1, "base");
            if (base < 2 || base > 62) throw FunctionError(1, "base must be a whole number between 2 and 62 inclusive");
            std::string s = a[0].as_string();
            bool neg = false;
            std::size_t i = 0;
            if (!s.empty() && (s[0] == '-' || s[0] == '+')) { neg = s[0] == '-'; i = 1; }
            if (i >= s.size()) throw FunctionError(0, "cannot parse \"" + s + "\" as a base " + std::to_string(base) + " integer");
            boost::multiprecision::cpp_int v = 0;
            for (; i < s.size(); ++i) {
                const char c = s[i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? (base <= 36 ? c - 'A' + 10 : c - 'A' + 36) : 99;
                if (d >= base) throw FunctionError(0, "cannot parse \"" + s + "\" as a base " + std::to_string(base) + " integer");
                v = v * base + d;
                if (v > boost::multiprecision::cpp_int(1) << 600) throw FunctionError(0, "number too large");
            }
            if (neg) v = -v;
            return Value::number(Number{BigFloat(v), false});
        });
        // --- collections
        add("length", {{"value", D, false, true}}, std::nullopt, N, [](std::vector<Value>& a, const CallContext&) {
            const Value& v = a[0];
            if (!v.is_known()) return Value::unknown(Type::number(), v.origins());
            if (v.type().kind() == Type::Kind::String) {
                if (has_combining(v.as_string())) return unknown_because(Type::number(), "length() of text with combining characters (Terraform counts grapheme clusters)");
                return Value::number(static_cast<std::int64_t>(utf8_chars(v.as_string()).size()));
            }
            if (v.type().kind() == Type::Kind::Set)
                for (const auto& e : v.elements())
                    if (!e.is_wholly_known()) return Value::unknown(Type::number(), v.unknown_origins());
            if (v.is_sequence() || v.is_mapping()) return Value::number(static_cast<std::int64_t>(v.size()));
            throw FunctionError(0, "argument must be a string, a collection type, or a structural type");
        });
        add("element", {{"list", D}, {"index", N}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            const Value& l = a[0];
            if (!l.is_sequence() || l.type().kind() == Type::Kind::Set) throw FunctionError(0, "cannot read elements from " + l.type().friendly());
            if (l.elements().empty()) throw FunctionError(0, "cannot use element function with an empty list");
            // Terraform 1.10+: the index is taken modulo the length keeping its sign (Go's %);
            // a negative remainder counts from the end of a list, and fails for a tuple.
            auto i = integer_arg(a[1], 1, "index") % static_cast<std::int64_t>(l.elements().size());
            if (i < 0 && l.type().kind() == Type::Kind::Tuple) throw FunctionError(-1, "cannot use element function with a negative index");
            if (i < 0) i += static_cast<std::int64_t>(l.elements().size());
            return l.elements()[static_cast<std::size_t>(i)];
        });
        add("index", {{"list", D}, {"value", D}}, std::nullopt, N, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_sequence() || a[0].type().kind() == Type::Kind::Set) throw FunctionError(0, "argument must be a list or tuple");
            for (std::size_t i = 0; i < a[0].elements().size(); ++i) {
                Value eq = equals(a[0].elements()[i], a[1]);
                if (eq.as_bool()) return Value::number(static_cast<std::int64_t>(i));
            }
            throw FunctionError(-1, "item not found");
        });
        add("lookup", {{"inputMap", D}, {"key", S}}, Param{"default", D, true, false}, D, [](std::vector<Value>& a, const CallContext&) {
            if (a.size() > 3) throw FunctionError(-1, "lookup() takes no more than three arguments");
            const Value& m = a[0];
            const std::string& key = a[1].as_string();
            if (m.type().kind() == Type::Kind::Map) {
                std::optional<Value> def;
                if (a.size() == 3) {
                    try {
                        def = convert(a[2], m.type().element());
                    } catch (const ConversionError&) {
                        throw FunctionError(2, "the default value must have the same type as the map elements");
                    }
                }
                auto it = m.attributes().find(key);
                if (it != m.attributes().end()) return it->second;
                if (def) return *def;
                throw FunctionError(-1, "lookup failed to find key \"" + key + "\"");
            }
            if (m.type().kind() != Type::Kind::Object) throw FunctionError(0, "lookup() requires a map as the first argument");
            auto it = m.attributes().find(key);
            if (it != m.attributes().end()) return it->second;
            if (a.size() == 3) return a[2];
            throw FunctionError(0, "the given object has no attribute \"" + key + "\"");
        });
        add("contains", {{"list", D}, {"value", D}}, std::nullopt, B, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_sequence()) throw FunctionError(0, "argument must be list, tuple, or set");
            for (const auto& e : a[0].elements())
                if (equals(e, a[1]).as_bool()) return Value::boolean(true);
            return Value::boolean(false);
        });
        add("keys", {{"inputMap", D}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_mapping()) throw FunctionError(0, "must have map or object type");
            std::vector<Value> ks;
            for (const auto& [k, v] : a[0].attributes()) ks.push_back(Value::string(k));
            if (a[0].type().kind() == Type::Kind::Map) return Value::list(Type::string(), std::move(ks));
            return Value::tuple(std::move(ks));
        });
        add("values", {{"mapping", D}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_mapping()) throw FunctionError(0, "must have map or object type");
            std::vector<Value> vs;
            for (const auto& [k, v] : a[0].attributes()) vs.push_back(v);
            if (a[0].type().kind() == Type::Kind::Map) return Value::list(a[0].type().element(), std::move(vs));
            return Value::tuple(std::move(vs));
        });
        add("merge", {}, Param{"maps", D, true, true}, D, [](std::vector<Value>& a, const CallContext&) {
            std::vector<std::string> unknowns;
            Attributes out;
            bool all_maps = true;
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (a[i].is_null()) continue;
                if (!a[i].is_known()) {
                    for (auto& o : a[i].origins()) unknowns.push_back(o);
                    continue;
                }
                if (!a[i].is_mapping()) throw FunctionError(static_cast<int>(i), "arguments must be maps or objects, got \"" + a[i].type().friendly() + "\"");
                all_maps = all_maps && a[i].type().kind() == Type::Kind::Map;
                for (const auto& [k, v] : a[i].attributes()) out[k] = v;
            }
            if (!unknowns.empty()) return Value::unknown(Type::dynamic(), unknowns);
            // cty: maps that all have one element type merge into a map of it; else an object.
            std::optional<Type> element;
            bool same = all_maps;
            for (const auto& m : a)
                if (!m.is_null() && m.type().kind() == Type::Kind::Map) {
                    if (!element) element = m.type().element();
                    else if (!(*element == m.type().element())) same = false;
                }
            if (same && element) return Value::map(*element, std::move(out));
            return Value::object(std::move(out));
        });
        add("concat", {}, Param{"seqs", D, false, true}, D, [](std::vector<Value>& a, const CallContext&) {
            if (a.empty()) throw FunctionError(-1, "at least one argument is required");
            std::vector<Value> out;
            std::vector<Type> ets;
            bool all_lists = true;
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (!a[i].is_known()) return Value::unknown(Type::dynamic(), a[i].origins());
                if (!a[i].is_sequence() || a[i].type().kind() == Type::Kind::Set)
                    throw FunctionError(static_cast<int>(i), "all arguments must be lists or tuples; got " + a[i].type().friendly());
                if (a[i].type().kind() == Type::Kind::List) ets.push_back(a[i].type().element());
                else all_lists = false;
                for (const auto& e : a[i].elements()) out.push_back(e);
            }
            if (all_lists) {
                auto u = unify(ets);
                if (u) {
                    for (auto& v : out) v = convert(v, *u);
                    return Value::list(*u, std::move(out));
                }
            }
            return Value::tuple(std::move(out));
        });
        add("flatten", {{"list", D}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_sequence()) throw FunctionError(0, "can only flatten lists, sets and tuples");
            std::vector<Value> out;
            std::function<void(const Value&)> walk = [&](const Value& v) {
                for (const auto& e : v.elements()) {
                    if (!e.is_null() && e.is_sequence()) walk(e);
                    else out.push_back(e);
                }
            };
            walk(a[0]);
            return Value::tuple(std::move(out));
        });
        add("distinct", {{"list", Type::list(D)}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            std::vector<Value> out;
            for (const auto& e : a[0].elements()) {
                bool seen = false;
                for (const auto& o : out) seen = seen || equals(o, e).as_bool();
                if (!seen) out.push_back(e);
            }
            return Value::list(a[0].type().element(), std::move(out));
        });
        add("compact", {{"list", Type::list(S)}}, std::nullopt, Type::list(S), [](std::vector<Value>& a, const CallContext&) {
            std::vector<Value> out;
            for (const auto& e : a[0].elements())
                if (!e.is_null() && !e.as_string().empty()) out.push_back(e);
            return Value::list(Type::string(), std::move(out));
        });
        add("reverse", {{"list", D}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_sequence()) throw FunctionError(0, "can only reverse list or tuple values, not " + a[0].type().friendly());
            std::vector<Value> out(a[0].elements().rbegin(), a[0].elements().rend());
            if (a[0].type().kind() == Type::Kind::Tuple) return Value::tuple(std::move(out));
            return Value::list(a[0].type().element(), std::move(out));
        });
        add("sort", {{"list", Type::list(S)}}, std::nullopt, Type::list(S), [](std::vector<Value>& a, const CallContext&) {
            std::vector<Value> out = a[0].elements();
            for (const auto& e : out)
                if (e.is_null()) throw FunctionError(0, "given list element " + std::to_string(&e - out.data()) + " is null; a null string cannot be sorted");
            std::stable_sort(out.begin(), out.end(), [](const Value& x, const Value& y) { return x.as_string() < y.as_string(); });
            return Value::list(Type::string(), std::move(out));
        });
        add("slice", {{"list", D}, {"start_index", N}, {"end_index", N}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_sequence() || a[0].type().kind() == Type::Kind::Set) throw FunctionError(0, "must be a list or tuple type");
            auto s = integer_arg(a[1], 1, "start_index"), e = integer_arg(a[2], 2, "end_index");
            if (s < 0) throw FunctionError(1, "start index must not be less than zero");
            if (e > static_cast<std::int64_t>(a[0].elements().size())) throw FunctionError(2, "end index must not be greater than the length of the list");
            if (s > e) throw FunctionError(1, "start index must not be greater than end index");
            std::vector<Value> out(a[0].elements().begin() + s, a[0].elements().begin() + e);
            if (a[0].type().kind() == Type::Kind::Tuple) return Value::tuple(std::move(out));
            return Value::list(a[0].type().element(), std::move(out));
        });
        add("chunklist", {{"list", Type::list(D)}, {"size", N}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            auto n = integer_arg(a[1], 1, "size");
            if (n < 0) throw FunctionError(1, "the size argument must be positive");
            std::vector<Value> out;
            const Type et = a[0].type().element();
            if (n == 0) {
                out.push_back(a[0]);
            } else {
                std::vector<Value> cur;
                for (const auto& e : a[0].elements()) {
                    cur.push_back(e);
                    if (static_cast<std::int64_t>(cur.size()) == n) out.push_back(Value::list(et, std::exchange(cur, {})));
                }
                if (!cur.empty()) out.push_back(Value::list(et, std::move(cur)));
            }
            return Value::list(Type::list(et), std::move(out));
        });
        add("coalesce", {}, Param{"vals", D, true, false}, D, [](std::vector<Value>& a, const CallContext&) {
            std::vector<Type> ts;
            for (const auto& v : a) ts.push_back(v.type());
            auto u = unify(ts);
            if (!u) throw FunctionError(-1, "all arguments must have the same type");
            for (const auto& v : a) {
                if (v.is_null()) continue;
                Value c = convert(v, *u);
                if (c.type().kind() == Type::Kind::String && c.as_string().empty()) continue;
                return c;
            }
            throw FunctionError(-1, "no non-null, non-empty-string arguments");
        });
        add("coalescelist", {}, Param{"vals", D, true, false}, D, [](std::vector<Value>& a, const CallContext&) {
            if (a.empty()) throw FunctionError(-1, "at least one argument is required");
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (a[i].is_null()) continue;
                if (!a[i].is_sequence() || a[i].type().kind() == Type::Kind::Set) throw FunctionError(static_cast<int>(i), "coalescelist arguments must be lists or tuples, got " + a[i].type().friendly());
                if (!a[i].elements().empty()) return a[i];
            }
            throw FunctionError(-1, "no non-null arguments");
        });
        add("one", {{"list", D}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            if (!a[0].is_sequence()) throw FunctionError(0, "must be a list, set, or tuple value");
            if (a[0].elements().empty()) return Value::null(a[0].type().kind() == Type::Kind::Tuple ? Type::dynamic() : a[0].type().element());
            if (a[0].elements().size() > 1) throw FunctionError(0, "must be a list, set, or tuple value with either zero or one elements");
            return a[0].elements()[0];
        });
        add("zipmap", {{"keys", Type::list(S)}, {"values", D}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            if (!a[1].is_sequence() || a[1].type().kind() == Type::Kind::Set) throw FunctionError(1, "values must be a list or tuple");
            if (a[0].elements().size() != a[1].elements().size())
                throw FunctionError(-1, "number of keys (" + std::to_string(a[0].elements().size()) + ") does not match number of values (" + std::to_string(a[1].elements().size()) + ")");
            Attributes out;
            for (std::size_t i = 0; i < a[0].elements().size(); ++i) {
                if (a[0].elements()[i].is_null()) throw FunctionError(0, "keys list has null value at index " + std::to_string(i));
                out[a[0].elements()[i].as_string()] = a[1].elements()[i];
            }
            if (a[1].type().kind() == Type::Kind::List) return Value::map(a[1].type().element(), std::move(out));
            return Value::object(std::move(out));
        });
        auto set_op = [&](const std::string& name, int op) {
            add(name, {{"first_set", Type::set(D)}}, Param{"other_sets", Type::set(D)}, D, [op](std::vector<Value>& a, const CallContext&) {
                std::vector<Type> ts;
                for (const auto& s : a) ts.push_back(s.type());
                auto u = unify(ts);
                if (!u) throw FunctionError(-1, "given sets must all have compatible element types");
                std::vector<Value> sets;
                for (auto& s : a) sets.push_back(convert(s, *u));
                const Type et = u->element();
                std::vector<Value> out;
                auto in = [](const Value& set, const Value& e) {
                    for (const auto& x : set.elements())
                        if (equals(x, e).as_bool()) return true;
                    return false;
                };
                if (op == 0) {
                    for (const auto& s : sets)
                        for (const auto& e : s.elements()) out.push_back(e);
                } else {
                    for (const auto& e : sets[0].elements()) {
                        bool keep = true;
                        for (std::size_t i = 1; i < sets.size(); ++i) keep = keep && (op == 1 ? in(sets[i], e) : !in(sets[i], e));
                        if (keep) out.push_back(e);
                    }
                }
                return Value::set(et, std::move(out));
            });
        };
        set_op("setunion", 0);
        set_op("setintersection", 1);
        set_op("setsubtract", 2);
        add("setproduct", {}, Param{"sets", D}, D, [](std::vector<Value>& a, const CallContext&) {
            if (a.size() < 2) throw FunctionError(-1, "at least two arguments are required");
            // The result type as cty computes it: a list of tuples when every argument is a
            // list or tuple, else a set; a tuple argument's element type is its elements'
            // unified type (dynamic when empty).
            std::vector<Type> ets;
            bool all_lists = true;
            std::size_t total = 1;
            for (std::size_t i = 0; i < a.size(); ++i) {
                const auto k = a[i].type().kind();
                if (k == Type::Kind::Set) {
                    all_lists = false;
                    ets.push_back(a[i].type().element());
                } else if (k == Type::Kind::List) {
                    ets.push_back(a[i].type().element());
                } else if (k == Type::Kind::Tuple) {
                    auto u = a[i].type().elements().empty() ? std::optional<Type>(Type::dynamic()) : unify(a[i].type().elements());
                    if (!u) throw FunctionError(static_cast<int>(i), "all elements must be of the same type");
                    ets.push_back(*u);
                } else {
                    throw FunctionError(static_cast<int>(i), "a set or a list is required");
                }
                total *= a[i].elements().size();
                if (total > 100000) throw FunctionError(-1, "the product has more than 100000 elements (xc's limit)");
            }
            const Type et = Type::tuple(ets);
            std::vector<std::vector<Value>> rows{{}};
            for (std::size_t j = 0; j < a.size(); ++j) {
                std::vector<std::vector<Value>> next;
                for (const auto& r : rows)
                    for (const auto& e : a[j].elements()) {
                        auto r2 = r;
                        r2.push_back(convert(e, ets[j]));
                        next.push_back(std::move(r2));
                    }
                rows = std::move(next);
            }
            std::vector<Value> out;
            for (auto& r : rows) out.push_back(Value::tuple(std::move(r)));
            return all_lists ? Value::list(et, std::move(out)) : Value::set(et, std::move(out));
        });
        // --- conversions
        auto conv = [&](const std::string& name, Type target) {
            add(name, {{"v", D, true, true}}, std::nullopt, target, [target, name](std::vector<Value>& a, const CallContext&) {
                try {
                    if (target.kind() == Type::Kind::Dynamic) return a[0];
                    if (!a[0].is_known() && a[0].type().is_dynamic()) return Value::unknown(target, a[0].origins());
                    return convert(a[0], target);
                } catch (const ConversionError& e) {
                    std::string what = e.what();
                    if (target.is_primitive() && what == target.friendly() + " required") what = "cannot convert " + a[0].type().friendly() + " to " + target.friendly();
                    throw FunctionError(0, what);
                }
            });
        };
        conv("tostring", S);
        conv("tonumber", N);
        conv("tobool", B);
        conv("tolist", Type::list(D));
        conv("toset", Type::set(D));
        conv("tomap", Type::map(D));
        // --- encodings
        add("jsonencode", {{"val", D, true, false}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            std::string o;
            json_encode(o, a[0]);
            return Value::string(o);
        });
        add("jsondecode", {{"str", S}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            return JsonReader(a[0].as_string()).document();
        });
        add("yamlencode", {{"value", D, true, false}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            std::string o;
            if (!yaml_encode(o, a[0], 0, true)) return unknown_because(Type::string(), "yamlencode() of a string with characters go-yaml escapes or of infinity");
            // go-yaml ends a document whose root is a plain scalar with the end marker.
            if (a[0].is_null() || a[0].type().kind() == Type::Kind::Bool || a[0].type().kind() == Type::Kind::Number) o += "...\n";
            return Value::string(o);
        });
        add("yamldecode", {{"src", S}}, std::nullopt, D, [](std::vector<Value>&, const CallContext&) {
            return unknown_because(Type::dynamic(), "yamldecode() is not evaluated by xc");
        });
        // --- hashes
        add("sha256", {{"str", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) { return Value::string(sha256_hex(a[0].as_string())); });
        add("md5", {{"str", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) { return Value::string(md5_hex(a[0].as_string())); });
        // --- network
        add("cidrsubnet", {{"prefix", S}, {"newbits", N}, {"netnum", N}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            auto c = parse_cidr(a[0].as_string(), 0);
            if (!c) return unknown_because(Type::string(), "cidrsubnet() of an IPv6 prefix is not evaluated by xc");
            const auto nb = integer_arg(a[1], 1, "newbits"), nn = integer_arg(a[2], 2, "netnum");
            if (nb < 0) throw FunctionError(1, "must not be negative");  // FIXME wording
            if (c->prefix + nb > 32) throw FunctionError(-1, "insufficient address space to extend prefix of " + std::to_string(c->prefix) + " by " + std::to_string(nb));
            if (nn < 0 || (nb < 63 && nn >= (std::int64_t{1} << nb)))
                throw FunctionError(-1, "prefix extension of " + std::to_string(nb) + " does not accommodate a subnet numbered " + std::to_string(nn));
            const int np = c->prefix + static_cast<int>(nb);
            const std::uint32_t addr = c->addr | (nb == 0 ? 0 : static_cast<std::uint32_t>(nn) << (32 - np));
            return Value::string(ipv4_text(addr) + "/" + std::to_string(np));
        });
        add("cidrhost", {{"prefix", S}, {"hostnum", N}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            auto c = parse_cidr(a[0].as_string(), 0);
            if (!c) return unknown_because(Type::string(), "cidrhost() of an IPv6 prefix is not evaluated by xc");
            auto h = integer_arg(a[1], 1, "hostnum");
            const std::int64_t size = std::int64_t{1} << (32 - c->prefix);
            if (h < 0) h += size;
            if (h < 0 || h >= size) throw FunctionError(-1, "prefix of " + std::to_string(c->prefix) + " does not accommodate a host numbered " + std::to_string(integer_arg(a[1], 1, "hostnum")));
            return Value::string(ipv4_text(c->addr + static_cast<std::uint32_t>(h)));
        });
        add("cidrnetmask", {{"prefix", S}}, std::nullopt, S, [](std::vector<Value>& a, const CallContext&) {
            auto c = parse_cidr(a[0].as_string(), 0);
            if (!c) throw FunctionError(0, "IPv6 addresses cannot have a netmask: " + a[0].as_string());
            return Value::string(ipv4_text(c->prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - c->prefix)));
        });
        // --- files
        auto read_file = [](const CallContext& ctx, const std::string& p) {
            std::filesystem::path path(p);
            if (path.is_relative()) path = ctx.base_dir / path;
            std::ifstream in(path, std::ios::binary);
            if (!in) throw FunctionError(0, "no file exists at \"" + p + "\"; this function works only with files that are distributed as part of the configuration source code");
            std::ostringstream ss;
            ss << in.rdbuf();
            if (ss.str().size() > (std::size_t{16} << 20)) throw FunctionError(0, "file larger than 16 MiB (xc's limit)");
            return ss.str();
        };
        add("file", {{"path", S}}, std::nullopt, S, [read_file](std::vector<Value>& a, const CallContext& ctx) {
            std::string s = read_file(ctx, a[0].as_string());
            for (std::size_t i = 0; i < s.size();) {
                auto cs = utf8_chars(s.substr(i, 4));
                if (static_cast<unsigned char>(s[i]) >= 0x80 && cs[0].size() == 1)
                    throw FunctionError(0, "contents of \"" + a[0].as_string() + "\" are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead");
                i += cs[0].size();
            }
            return Value::string(s);
        });
        // Unknown variables render into an unknown string that keeps the template's shape
        // (Value::template_parts): a Swagger body naming Lambda ARNs known after apply.
        add("templatefile", {{"path", S}, {"vars", D, false, true}}, std::nullopt, D, [read_file](std::vector<Value>& a, const CallContext& ctx) {
            if (!a[1].is_known()) return Value::unknown(Type::dynamic(), a[1].origins());
            if (!a[1].is_mapping()) throw FunctionError(1, "invalid vars value: must be a map");
            for (const auto& [k, v] : a[1].attributes())
                if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_') ||
                    !std::all_of(k.begin(), k.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }))
                    throw FunctionError(1, "invalid template variable name \"" + k + "\": must start with a letter, followed by zero or more letters, digits, and underscores");
            std::string text = read_file(ctx, a[0].as_string());
            if (!ctx.render_template) throw FunctionError(-1, "templates cannot be rendered here");
            std::filesystem::path path(a[0].as_string());
            if (path.is_relative()) path = ctx.base_dir / path;
            return ctx.render_template(text, path.string(), a[1]);
        });
        // --- marks
        add("sensitive", {{"value", D, true, true}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) { return a[0].mark_sensitive(); });
        add("nonsensitive", {{"value", D, true, true}}, std::nullopt, D, [](std::vector<Value>& a, const CallContext&) {
            Value v = a[0];
            return v.unmarked_deep();
        });
        add("issensitive", {{"value", D, true, true}}, std::nullopt, B, [](std::vector<Value>& a, const CallContext&) {
            return Value::boolean(a[0].sensitive());
        });
        return t;
    }();
    return table;
}

// Terraform 1.11's built-in functions that xc does not compute (a call yields an unknown value
// naming the function); any other name not in the table is an error, as in Terraform.
inline bool terraform_function_not_in_xc(const std::string& name) {
    static const char* const names[] = {
        "abspath", "base64gzip", "base64sha256", "base64sha512", "basename", "bcrypt", "cidrsubnets", "csvdecode", "dirname", "ephemeralasnull",
        "filebase64", "filebase64sha256", "filebase64sha512", "fileexists", "filemd5", "fileset", "filesha1", "filesha256", "filesha512",
        "formatdate", "log", "matchkeys", "pathexpand", "plantimestamp", "pow", "rsadecrypt", "sha1", "sha512", "templatestring",
        "textdecodebase64", "textencodebase64", "timeadd", "timecmp", "timestamp", "transpose", "urlencode", "uuid", "uuidv5"};
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

inline const Function* find_function(const std::string& name) {
    const auto& t = functions();
    auto it = t.find(name);
    return it == t.end() ? nullptr : &it->second;
}

// Calls `f`: arity, null and type checks, unknown and sensitive propagation, then the implementation.
inline Value call_function(const Function& f, std::vector<Value> args, const CallContext& ctx) {
    if (args.size() < f.params.size())
        throw FunctionError(-1, "Not enough function arguments: Function \"" + f.name + "\" expects " + std::to_string(f.params.size()) +
                                    " argument(s). Missing value for \"" + f.params[args.size()].name + "\".");
    if (args.size() > f.params.size() && !f.variadic)
        throw FunctionError(-1, "Too many function arguments: Function \"" + f.name + "\" expects only " + std::to_string(f.params.size()) + " argument(s).");
    bool sensitive = false;
    const bool marks_aware = f.name == "sensitive" || f.name == "nonsensitive" || f.name == "issensitive";
    std::vector<std::string> unknowns;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const Param& p = i < f.params.size() ? f.params[i] : *f.variadic;
        Value& a = args[i];
        if (!marks_aware) {
            sensitive = sensitive || a.deep_sensitive();
            a = a.unmarked_deep();
        }
        if (a.is_null() && !p.allow_null && a.is_known())
            throw FunctionError(static_cast<int>(i), "Invalid value for \"" + p.name + "\" parameter: argument must not be null.");
        if (!p.type.is_dynamic()) {
            try {
                a = convert(a, p.type);
            } catch (const ConversionError& e) {
                throw FunctionError(static_cast<int>(i), "Invalid value for \"" + p.name + "\" parameter: " + e.what() + ".");
            }
        }
        if (!p.allow_unknown && !a.is_wholly_known())
            for (auto& o : a.unknown_origins()) unknowns.push_back(o);
    }
    if (!unknowns.empty()) {
        std::vector<std::string> d;
        for (auto& s : unknowns)
            if (std::find(d.begin(), d.end(), s) == d.end()) d.push_back(s);
        return Value::unknown(f.result, std::move(d)).mark_sensitive(sensitive);
    }
    try {
        Value r = f.impl(args, ctx);
        return r.mark_sensitive(sensitive);
    } catch (const FunctionError& e) {
        if (e.argument == -2)  // the implementation does not handle this input: unknown, saying why
            return detail::unknown_because(f.result, f.name + "(): " + e.what()).mark_sensitive(sensitive);
        throw;
    } catch (const ConversionError& e) {
        throw FunctionError(-1, e.what());
    }
}

}  // namespace xc::input::terraform
