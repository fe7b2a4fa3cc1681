// Diagnostics: what every stage of xc reports about bad input.
//
// A diagnostic names a location — the file, line:column when known, and the path of the
// offending value in the source's own terms (a JSON Pointer for our JSON format; a Terraform
// address or a CloudFormation logical id for other front ends) — what was wrong or expected,
// and optionally a hint ("did you mean ..."). Stages collect them in `Diagnostics` and throw
// `InputError` (xc/error.hpp) carrying them; the CLI maps it to exit code 2.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xc {

struct SourcePosition {
    std::size_t line = 0;    // 1-based; 0 = unknown
    std::size_t column = 0;  // 1-based, in bytes
    friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

// Where a value was written: format-neutral. `path` is in the source's own terms.
struct Location {
    std::string file;  // empty when the input did not come from a file
    SourcePosition position;
    std::string path;
    friend bool operator==(const Location&, const Location&) = default;
};

struct Diagnostic {
    std::string file;     // empty when the input did not come from a file
    std::string path;     // JSON Pointer of the offending value, "" for the document
    SourcePosition position;
    std::string message;  // what is wrong / what was expected
    std::string hint;     // optional: "did you mean 'subnets'?"
};

// `text` safe to print on a terminal as part of one line: control characters (C0, DEL, and C1
// such as U+009B, a terminal's CSI) are escaped — \n, \r, \t, else \u00XX — and bytes that are
// not UTF-8 become \xXX. Names and values in messages come from the input: without this, a
// name could end the line and forge another "file:1:1: error:" or send ESC/BEL sequences.
inline std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    auto escape = [](std::string& out, const char* prefix, unsigned v) {
        out += prefix;
        out += hex[(v >> 4) & 0xf];
        out += hex[v & 0xf];
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            if (b == '\n') out += "\\n";
            else if (b == '\r') out += "\\r";
            else if (b == '\t') out += "\\t";
            else if (b < 0x20 || b == 0x7f) escape(out, "\\u00", b);
            else out += static_cast<char>(b);
            ++i;
            continue;
        }
        // A well-formed UTF-8 sequence: its length, the code point's minimum, then continuations.
        const std::size_t n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
        std::uint32_t cp = n == 2 ? (b & 0x1fu) : n == 3 ? (b & 0x0fu) : (b & 0x07u);
        bool ok = n != 0 && i + n <= text.size();
        for (std::size_t k = 1; ok && k < n; ++k) {
            const auto c = static_cast<unsigned char>(text[i + k]);
            ok = (c & 0xc0) == 0x80;
            cp = (cp << 6) | (c & 0x3fu);
        }
        ok = ok && !(n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) && !(n == 4 && (cp < 0x10000 || cp > 0x10ffff));
        if (!ok) {
            escape(out, "\\x", b);
            ++i;
        } else if (cp >= 0x80 && cp <= 0x9f) {
            escape(out, "\\u00", cp);
            i += n;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

// "file:line:col: error: at /a/b: message (hint)" — the compiler-style one-liner, one line
// whatever the input held (every part from the input goes through `printable`).
inline std::string to_string(const Diagnostic& d) {
    std::string out;
    if (!d.file.empty()) {
        out += printable(d.file);
        if (d.position.line != 0)
            out += ':' + std::to_string(d.position.line) + ':' + std::to_string(d.position.column);
        out += ": ";
    }
    out += "error: ";
    out += "at ";
    out += d.path.empty() ? std::string("/") : printable(d.path);
    out += ": ";
    out += printable(d.message);
    if (!d.hint.empty()) out += " (" + printable(d.hint) + ")";
    return out;
}

// Collects diagnostics (by path) instead of stopping at the first, so a user sees every
// independent mistake in one run. Paths are located (file, line:column) by whoever knows the
// source: the front end that read it.
class Diagnostics {
public:
    void error(std::string path, std::string message, std::string hint = {}) {
        items_.push_back(Diagnostic{{}, std::move(path), {}, std::move(message), std::move(hint)});
    }
    void add(const std::vector<Diagnostic>& ds) { items_.insert(items_.end(), ds.begin(), ds.end()); }
    bool empty() const { return items_.empty(); }
    std::size_t size() const { return items_.size(); }
    std::vector<Diagnostic>& items() { return items_; }
    const std::vector<Diagnostic>& items() const { return items_; }

private:
    std::vector<Diagnostic> items_;
};

// JSON Pointer helpers shared by every parser that reports paths.
namespace json_pointer {
// Escape one reference token ("~" -> "~0", "/" -> "~1").
inline std::string escape(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}
// Every value a front end reads has its pointer joined: one allocation each, and a token
// copied whole when it has nothing to escape (most have not).
inline std::string join(std::string_view base, std::string_view token) {
    std::string out;
    out.reserve(base.size() + 1 + token.size());
    out.append(base);
    out += '/';
    if (token.find_first_of("~/") == std::string_view::npos) out.append(token);
    else out += escape(token);
    return out;
}
inline std::string join(std::string_view base, std::size_t index) {
    return std::string(base) + '/' + std::to_string(index);
}
// The reference tokens of a pointer, unescaped ("~1" -> "/", "~0" -> "~"); "" has none.
inline std::vector<std::string> tokens(std::string_view pointer) {
    std::vector<std::string> out;
    while (!pointer.empty() && pointer.front() == '/') {
        pointer.remove_prefix(1);
        const auto end = std::min(pointer.find('/'), pointer.size());
        std::string& token = out.emplace_back();
        for (std::size_t i = 0; i < end; ++i) {
            if (pointer[i] == '~' && i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1'))
                token += pointer[++i] == '0' ? '~' : '/';
            else
                token += pointer[i];
        }
        pointer.remove_prefix(end);
    }
    return out;
}
// An array index token: decimal digits without a leading zero; nullopt for anything else.
inline std::optional<std::size_t> index(std::string_view token) {
    if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return std::nullopt;
    std::size_t n = 0;
    for (char c : token) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

// The pointer of a value being walked, joined only when asked (an error needs it): a walk over
// every value of a model that joined each value's pointer spent a sixth of loading in the joins.
// Each one lives on the stack of the walk, below its parent's.
struct Lazy {
    const Lazy* parent = nullptr;
    const std::string* root = nullptr;  // the pointer of the walk's root (when parent is null)
    std::string_view key;
    std::size_t index = 0;
    bool is_index = false;

    static Lazy at(const std::string& root) {
        Lazy p;
        p.root = &root;
        return p;
    }
    std::string str() const {
        if (!parent) return *root;
        return is_index ? join(parent->str(), index) : join(parent->str(), key);
    }
    Lazy member(std::string_view k) const { return Lazy{this, nullptr, k, 0, false}; }
    Lazy element(std::size_t i) const { return Lazy{this, nullptr, {}, i, true}; }
};
}  // namespace json_pointer

namespace detail {
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}
}  // namespace detail

// "did you mean 'x'?" for the closest candidate within a small edit distance, else "".
template <class Range>
std::string did_you_mean(std::string_view word, const Range& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& candidate : candidates) {
        std::string_view c(candidate);
        // A truncated name ("endpoint" for "endpoint-id") is as likely a slip as a typo.
        bool truncated = !word.empty() && c.size() > word.size() && c.substr(0, word.size()) == word;
        std::size_t d = truncated ? 1 : detail::edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = std::string(c);
        }
    }
    return best.empty() ? std::string() : "did you mean '" + best + "'?";
}

}  // namespace xc

// Every stage that reports diagnostics throws them in an InputError: the hierarchy is part of
// what a diagnostic is for (included last: xc/error.hpp needs Diagnostic).
#include <xc/error.hpp>
