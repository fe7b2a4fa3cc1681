// HCL native syntax parser: a recursive-descent parser following HashiCorp's hclsyntax
// (spec.md and parser.go) — the same grammar, newline rules, precedence, template strip and
// flush-heredoc rules, and the same recovery points, so that it accepts and rejects exactly
// what `terraform` does. Errors are collected (several per file) and thrown together as one
// xc::InputError; the parser never reads past its token vector and never recurses deeper
// than Limits::max_depth. The tree goes into the File's arena (syntax.hpp: the ownership
// rule), strings stay views of the source unless escapes were resolved, and list items are
// collected on stacks the parser reuses: no heap allocation per node or token.
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/input/hcl/lexer.hpp"
#include "xc/input/hcl/syntax.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xc::input::hcl {

namespace detail {

// unicode.IsSpace, as the template strip markers and flush heredocs use it.
inline std::size_t space_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
    if (c == 0xC2 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) == 0x85 || static_cast<unsigned char>(s[i + 1]) == 0xA0))
        return 2;
    if (i + 2 < s.size()) {
        const auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
        if (c == 0xE1 && b1 == 0x9A && b2 == 0x80) return 3;                           // U+1680
        if (c == 0xE2 && b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF)) return 3;
        if (c == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;                           // U+205F
        if (c == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;                           // U+3000
    }
    return 0;
}
inline std::string_view trim_left_space(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t n = space_length(s, i);
        if (n == 0) break;
        i += n;
    }
    return s.substr(i);
}
inline std::string_view trim_right_space(std::string_view s) {
    // Find the last non-space character scanning forward (UTF-8 spaces are multi-byte).
    std::size_t keep = 0, i = 0;
    while (i < s.size()) {
        const std::size_t n = space_length(s, i);
        if (n == 0) {
            const std::size_t m = utf8_length(s, i);
            i += m == 0 ? 1 : m;
            keep = i;
        } else {
            i += n;
        }
    }
    return s.substr(0, keep);
}

inline void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// What cty.ParseNumberVal (Go's big.ParseFloat, base 10) accepts of a number token:
// digits ("." digits?)? ([eE] [+-]? digits)? — "3.e+1" included, which the spec's grammar
// does not show but HashiCorp's parser accepts.
inline bool valid_number(std::string_view t) {
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t from = i;
        while (i < t.size() && is_digit(static_cast<unsigned char>(t[i]))) ++i;
        return i > from;
    };
    if (!digits()) return false;
    if (i < t.size() && t[i] == '.') {
        ++i;
        digits();
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == t.size();
}

// A stack shared by nested constructs: each construct collects its items above its base (the
// constructs nested inside it pop theirs before it pushes again), then copies them into the
// arena as one List. No heap allocation per node once the stacks have grown.
template <class T>
class Collect {
public:
    explicit Collect(std::vector<T>& stack) : stack_(stack), base_(stack.size()) {}
    Collect(const Collect&) = delete;
    Collect& operator=(const Collect&) = delete;
    ~Collect() { stack_.resize(base_); }
    void push(const T& item) { stack_.push_back(item); }
    std::size_t size() const { return stack_.size() - base_; }
    bool empty() const { return size() == 0; }
    T* data() { return stack_.data() + base_; }
    T& operator[](std::size_t i) { return stack_[base_ + i]; }
    T& back() { return stack_.back(); }
    void truncate(std::size_t n) { stack_.resize(base_ + n); }
    List<T> take(Arena& arena) {
        List<T> out = arena.list(data(), size());
        stack_.resize(base_);
        return out;
    }

private:
    std::vector<T>& stack_;
    std::size_t base_;
};

class Parser {
public:
    // `error_tokens`: whether `tokens` hold error tokens (Lexer::error_tokens()).
    Parser(File& file, std::vector<Token> tokens, bool error_tokens, const Limits& limits)
        : src_(file.source), file_(*file.name), arena_(*file.arena), tokens_(std::move(tokens)), limits_(limits),
          error_tokens_(error_tokens) {}

    Body parse_file() {
        if (error_tokens_) check_tokens();
        newlines_ = true;
        return parse_body(Tok::Eof);
    }

    std::vector<Diagnostic> diagnostics;

private:
    // ---- token access (the "peeker"): comments skipped; "#" and "//" comments end a line ----
    const Token& peek() {
        std::size_t i = next_;
        for (;;) {
            const Token& t = tokens_[i];
            if (t.type == Tok::Comment) {
                if (including_newlines() && is_line_comment(t)) {
                    comment_newline_ = t;
                    comment_newline_.type = Tok::Newline;
                    peeked_ = i;
                    return comment_newline_;
                }
                ++i;
                continue;
            }
            if (t.type == Tok::Newline && !including_newlines()) {
                ++i;
                continue;
            }
            peeked_ = i;
            return t;
        }
    }
    Token read() {
        Token t = peek();
        if (t.type != Tok::Eof) next_ = peeked_ + 1;
        prev_ = t;
        return t;
    }
    bool is_line_comment(const Token& t) const {
        const std::string_view text = t.text(src_);
        return !text.empty() && text.back() == '\n' && !(text.size() >= 2 && text[0] == '/' && text[1] == '*');
    }
    bool including_newlines() const { return newlines_; }
    struct NewlineMode {
        Parser& p;
        bool saved;
        NewlineMode(Parser& parser, bool include) : p(parser), saved(parser.newlines_) { p.newlines_ = include; }
        ~NewlineMode() { p.newlines_ = saved; }
    };
    Range range(const Token& t) const { return Range{file_, t.start, t.end}; }
    Range between(const Range& a, const Range& b) const { return Range{file_, a.start, b.end}; }
    Range next_range() { return range(peek()); }

    // ---- diagnostics ----
    void error(const Range& at, std::string message) {
        if (diagnostics.size() >= 100) return;  // enough to fix; the rest is usually noise
        diagnostics.push_back(Diagnostic{std::string(file_), "", SourcePosition{at.start.line, at.start.column},
                                         std::move(message), ""});
    }
    void error(const Token& t, std::string message) { error(range(t), std::move(message)); }

    void check_tokens() {
        for (const Token& t : tokens_) {
            const char* what = nullptr;
            switch (t.type) {
                case Tok::BitwiseAnd: case Tok::BitwiseOr: case Tok::BitwiseNot: case Tok::BitwiseXor:
                    what = "unsupported operator: bitwise operators are not supported (use \"&&\", \"||\", \"!\" for logic)"; break;
                case Tok::Backtick: what = "invalid character: \"`\" is not used in the language"; break;
                case Tok::Apostrophe: what = "invalid character: single quotes are not valid; use double quotes (\") for strings"; break;
                case Tok::Semicolon: what = "invalid character: \";\" is not used; put each argument on its own line"; break;
                case Tok::BadUtf8: what = "invalid character encoding: the file must be UTF-8"; break;
                case Tok::QuotedNewline: what = "invalid multi-line string: quoted strings may not span lines; use a heredoc (<<EOT) for multi-line text"; break;
                case Tok::Invalid: what = "invalid character: this character is not used in the language"; break;
                case Tok::TooLong: what = "token too long: a single name, number, comment or string line exceeds the token length limit (README: Limits, HCL)"; break;
                default: break;
            }
            if (what) error(t, what);
        }
    }

    // ---- recovery (hclsyntax's recover / recoverOver / recoverAfterBodyItem) ----
    static Tok opposite(Tok t) {
        switch (t) {
            case Tok::OBrace: return Tok::CBrace;
            case Tok::OBrack: return Tok::CBrack;
            case Tok::OParen: return Tok::CParen;
            case Tok::OQuote: return Tok::CQuote;
            case Tok::OHeredoc: return Tok::CHeredoc;
            case Tok::CBrace: return Tok::OBrace;
            case Tok::CBrack: return Tok::OBrack;
            case Tok::CParen: return Tok::OParen;
            case Tok::CQuote: return Tok::OQuote;
            case Tok::CHeredoc: return Tok::OHeredoc;
            case Tok::TemplateControl: case Tok::TemplateInterp: return Tok::TemplateSeqEnd;
            case Tok::TemplateSeqEnd: return Tok::TemplateInterp;
            default: return Tok::TooLong;  // "no bracket"
        }
    }
    Token recover(Tok end) {
        const Tok start = opposite(end);
        recovery_ = true;
        int nest = 0;
        for (;;) {
            Token t = read();
            Tok ty = t.type;
            if (end == Tok::TemplateSeqEnd && ty == Tok::TemplateControl) ty = Tok::TemplateInterp;
            if (ty == start && start != Tok::TooLong) ++nest;
            else if (ty == end) {
                if (nest < 1) return t;
                --nest;
            } else if (ty == Tok::Eof) return t;
        }
    }
    void recover_over(Tok start) {
        for (;;) {
            Token t = read();
            if (t.type == start || t.type == Tok::Eof) break;
        }
        recover(opposite(start));
    }
    void recover_after_body_item() {
        recovery_ = true;
        std::vector<Tok> open;
        for (;;) {
            Token t = read();
            switch (t.type) {
                case Tok::Newline: if (open.empty()) return; break;
                case Tok::Eof: return;
                case Tok::OBrace: case Tok::OBrack: case Tok::OParen: case Tok::OQuote: case Tok::OHeredoc:
                case Tok::TemplateInterp: case Tok::TemplateControl:
                    open.push_back(t.type);
                    break;
                case Tok::CBrace: case Tok::CBrack: case Tok::CParen: case Tok::CQuote: case Tok::CHeredoc: {
                    const Tok opener = opposite(t.type);
                    while (!open.empty() && open.back() != opener) open.pop_back();
                    if (!open.empty()) open.pop_back();
                    break;
                }
                case Tok::TemplateSeqEnd:
                    while (!open.empty() && open.back() != Tok::TemplateInterp && open.back() != Tok::TemplateControl) open.pop_back();
                    if (!open.empty()) open.pop_back();
                    break;
                default: break;
            }
        }
    }

    // ---- depth limit ----
    struct Depth {
        Parser& p;
        bool ok;
        // The error is reported at `at`, or at the next token.
        explicit Depth(Parser& parser, const Range* at = nullptr) : p(parser), ok(++p.depth_ <= p.limits_.max_depth) {
            if (!ok && !p.too_deep_) {
                p.too_deep_ = true;
                p.error(at ? *at : p.next_range(), "nesting too deep: more than " + std::to_string(p.limits_.max_depth) +
                                " nested blocks, brackets, template directives or operators (README: Limits, HCL)");
            }
            if (!ok) {  // abandon the rest of the file: every loop ends at Eof
                p.next_ = p.tokens_.size() - 1;
                p.recovery_ = true;
            }
        }
        ~Depth() { --p.depth_; }
    };

    ExprPtr make(ExprKind k, Range r) {
        Expr* e = arena_.make<Expr>();
        e->kind = k;
        e->range = r;
        return e;
    }
    void set_children(Expr* e, std::initializer_list<ExprPtr> children) {
        e->children = arena_.list(children.begin(), children.size());
    }
    ExprPtr invalid(Range r) { return make(ExprKind::Invalid, r); }

    // ---- bodies ----
    Body parse_body(Tok end) {
        Depth depth(*this);
        Body body;
        Collect<Attribute> attributes(attribute_stack_);
        Collect<Block> blocks(block_stack_);
        const Range start = range(prev_);
        Range end_range = start;
        for (;;) {
            Token next = peek();
            if (next.type == end) {
                end_range = range(next);
                read();
                break;
            }
            if (next.type == Tok::Newline) {
                read();
                continue;
            }
            if (next.type == Tok::Ident) {
                parse_body_item(attributes, blocks);
                continue;
            }
            Token bad = read();
            if (!recovery_) {
                if (bad.type == Tok::OQuote) error(bad, "invalid argument name: argument names must not be quoted");
                else if (bad.type == Tok::Eof)
                    error(start, end == Tok::CBrace ? "unclosed configuration block: no closing brace before the end of the file"
                                                    : "unclosed configuration body");
                else error(bad, "argument or block definition required here");
            }
            end_range = range(prev_);
            recover(end);
            break;
        }
        body.range = between(start, end_range);
        body.attributes = attributes.take(arena_);
        body.blocks = blocks.take(arena_);
        return body;
    }

    void add_attribute(Collect<Attribute>& attributes, const Attribute& attr) {
        for (std::size_t i = 0; i < attributes.size(); ++i)
            if (attributes[i].name == attr.name) {
                error(attr.name_range, "attribute redefined: the argument \"" + std::string(attr.name) + "\" was already set at line " +
                                           std::to_string(attributes[i].name_range.start.line) + "; each argument may be set only once");
                return;
            }
        attributes.push(attr);
    }

    void parse_body_item(Collect<Attribute>& attributes, Collect<Block>& blocks) {
        Token ident = read();
        Token next = peek();
        if (next.type == Tok::Equal) return add_attribute(attributes, finish_attribute(ident, false));
        if (next.type == Tok::OQuote || next.type == Tok::OBrace || next.type == Tok::Ident) {
            if (auto block = finish_block(ident)) blocks.push(*block);
            return;
        }
        recover_after_body_item();
        error(ident, "argument or block definition required: to set an argument, use the equals sign \"=\" to introduce the value");
    }

    Attribute finish_attribute(const Token& ident, bool single_line) {
        read();  // "="
        Attribute attr;
        attr.name = ident.text(src_);
        attr.name_range = range(ident);
        const std::size_t before = diagnostics.size();
        attr.value = parse_expression();
        Range end_range = range(prev_);
        if (recovery_ && diagnostics.size() > before) {
            end_range = range(prev_);
            recover_after_body_item();
        } else if (!single_line) {
            Token end = peek();
            if (end.type != Tok::Newline && end.type != Tok::Eof) {
                if (!recovery_)
                    error(end, end.type == Tok::Comma ? "unexpected comma after argument: argument definitions are separated by newlines, not commas"
                                                      : "missing newline after argument: an argument definition must end with a newline");
                recover_after_body_item();
            } else {
                read();
            }
        }
        attr.range = between(attr.name_range, end_range);
        return attr;
    }

    std::optional<Block> finish_block(const Token& ident) {
        Block block;
        block.type = ident.text(src_);
        block.type_range = range(ident);
        Collect<std::string_view> labels(label_stack_);
        Collect<Range> label_ranges(label_range_stack_);
        Token obrace;
        for (;;) {
            Token t = peek();
            if (t.type == Tok::OBrace) {
                obrace = read();
                break;
            }
            if (t.type == Tok::OQuote) {
                auto [label, label_range] = parse_quoted_string_literal();
                labels.push(label);
                label_ranges.push(label_range);
                continue;
            }
            if (t.type == Tok::Ident) {
                read();
                labels.push(t.text(src_));
                label_ranges.push(range(t));
                continue;
            }
            if (t.type == Tok::Equal) error(t, "invalid block definition: the equals sign \"=\" introduces an argument, not a block");
            else if (t.type == Tok::Newline)
                error(t, "invalid block definition: a block's \"{\" must start on the same line as its header");
            else if (!recovery_) error(t, "invalid block definition: expected a quoted label or \"{\"");
            recover_after_body_item();
            return std::nullopt;
        }
        block.labels = labels.take(arena_);
        block.label_ranges = label_ranges.take(arena_);
        Body body;
        const Tok after = peek().type;
        if (after == Tok::Newline || after == Tok::Eof || after == Tok::CBrace) {
            body = parse_body(Tok::CBrace);
        } else {
            // One-line block: a single argument, then "}" on the same line.
            body = parse_single_attr_body(obrace);
            Token t = peek();
            if (t.type == Tok::CBrace) read();
            else {
                if (t.type == Tok::Comma || t.type == Tok::Newline)
                    error(t, "invalid single-argument block definition: a one-line block holds one argument and closes on the same line");
                else if (!recovery_) {
                    if (t.type == Tok::Eof) error(obrace, "unclosed configuration block: no closing brace before the end of the file");
                    else error(t, "invalid single-argument block definition: expected \"}\" right after the argument");
                }
                recover(Tok::CBrace);
            }
        }
        const Range cbrace = range(prev_);
        Token eol = peek();
        if (eol.type == Tok::Newline || eol.type == Tok::Eof) read();
        else {
            if (!recovery_) error(eol, "missing newline after block definition: a block definition must end with a newline");
            recover_after_body_item();
        }
        block.body = arena_.make<Body>();
        *block.body = body;
        block.range = between(block.type_range, cbrace);
        return block;
    }

    Body parse_single_attr_body(const Token& obrace) {
        Body body;
        body.range = range(obrace);
        Token ident = read();
        if (ident.type != Tok::Ident) {
            recover_after_body_item();
            error(ident, "argument or block definition required here");
            return body;
        }
        Token next = peek();
        if (next.type == Tok::Equal) {
            Attribute attr = finish_attribute(ident, true);
            body.range = attr.range;
            body.attributes = arena_.list(&attr, 1);
        } else if (next.type == Tok::OQuote || next.type == Tok::OBrace || next.type == Tok::Ident) {
            recover_after_body_item();
            error(ident, "argument definition required: a one-line block can contain only one argument; put a nested block on its own line");
        } else {
            recover_after_body_item();
            error(ident, "argument or block definition required: to set an argument, use the equals sign \"=\" to introduce the value");
        }
        return body;
    }

    std::pair<std::string_view, Range> parse_quoted_string_literal() {
        Token open = read();
        std::string_view out;
        std::string joined;  // when the string is more than one literal token
        bool several = false;
        Range end_range;
        for (;;) {
            Token t = read();
            if (t.type == Tok::CQuote) {
                end_range = range(t);
                break;
            }
            if (t.type == Tok::QuotedLit) {
                const std::string_view piece = decode_literal(t, true);
                if (out.empty() && !several) out = piece;
                else {
                    if (!several) joined.assign(out);
                    several = true;
                    joined += piece;
                }
                continue;
            }
            if (t.type == Tok::TemplateInterp || t.type == Tok::TemplateControl) {
                const char which = t.type == Tok::TemplateInterp ? '$' : '%';
                error(t, std::string("invalid string literal: template sequences are not allowed in this string; to include a literal \"") +
                             which + "{\", write \"" + which + which + "{\"");
                recover(Tok::TemplateSeqEnd);
                continue;
            }
            if (t.type == Tok::Eof) {
                error(t, "unterminated string literal: no closing quote before the end of the file");
                end_range = range(t);
                break;
            }
            error(t, "invalid string literal: this item is not valid in a string literal");
            recover(Tok::CQuote);
            end_range = range(t);
            break;
        }
        if (several) out = arena_.string(joined);
        return {out, between(range(open), end_range)};
    }

    // The value of a literal token, resolving escapes (backslash escapes only in quoted
    // strings; "$${" and "%%{" everywhere): a view of the source when there is nothing to
    // resolve, else the decoded text in the arena.
    std::string_view decode_literal(const Token& t, bool quoted) {
        const std::string_view s = t.text(src_);
        if (t.verbatim) return s;
        bool plain = true;
        for (std::size_t i = 0; i < s.size() && plain; ++i) {
            const char c = s[i];
            plain = !(quoted && c == '\\') && !((c == '$' || c == '%') && i + 2 < s.size() && s[i + 1] == c && s[i + 2] == '{');
        }
        if (plain) return s;
        std::string& out = decode_buffer_;
        out.clear();
        for (std::size_t i = 0; i < s.size();) {
            const char c = s[i];
            if (quoted && c == '\\') {
                const char e = i + 1 < s.size() ? s[i + 1] : '\0';
                Range at = range(t);
                at.start.column += i;
                at.start.offset += i;
                switch (e) {
                    case 'n': out += '\n'; i += 2; continue;
                    case 'r': out += '\r'; i += 2; continue;
                    case 't': out += '\t'; i += 2; continue;
                    case '"': out += '"'; i += 2; continue;
                    case '\\': out += '\\'; i += 2; continue;
                    case 'u': case 'U': {
                        const std::size_t n = e == 'u' ? 4 : 8;
                        std::uint32_t cp = 0;
                        std::size_t k = 0;
                        for (; k < n && i + 2 + k < s.size() && hex_value(s[i + 2 + k]) >= 0; ++k)
                            cp = cp * 16 + static_cast<std::uint32_t>(hex_value(s[i + 2 + k]));
                        if (k != n) {
                            error(at, std::string("invalid escape sequence: \\") + e + " must be followed by " +
                                          (n == 4 ? "four" : "eight") + " hexadecimal digits");
                            i += 2 + k;
                            continue;
                        }
                        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) error(at, "invalid escape sequence: cannot encode this character in UTF-8");
                        else append_utf8(out, cp);
                        i += 2 + n;
                        continue;
                    }
                    default: {
                        error(at, "invalid escape sequence: \\" + std::string(1, e) + " is not a valid escape (use \\n, \\r, \\t, \\\", \\\\, \\uNNNN or \\UNNNNNNNN)");
                        ++i;  // the selector character is kept literally
                        continue;
                    }
                }
            }
            if ((c == '$' || c == '%') && i + 2 < s.size() && s[i + 1] == c && s[i + 2] == '{') {
                out += c;
                out += '{';
                i += 3;
                continue;
            }
            out += c;
            ++i;
        }
        return arena_.string(out);
    }

    // ---- expressions ----
    ExprPtr parse_expression() {
        Depth depth(*this);
        if (!depth.ok) return invalid(next_range());
        return parse_conditional();
    }

    ExprPtr parse_conditional() {
        const Range start = next_range();
        const std::size_t before = diagnostics.size();
        ExprPtr cond = parse_binary(0);
        if (recovery_ && diagnostics.size() > before) return cond;
        if (peek().type != Tok::Question) return cond;
        read();
        const std::size_t before_true = diagnostics.size();
        ExprPtr yes = parse_expression();
        if (recovery_ && diagnostics.size() > before_true) return cond;
        Token colon = peek();
        if (colon.type != Tok::Colon) {
            error(colon, "missing false expression in conditional: the conditional operator (...?...:...) needs a colon and a false expression");
            return cond;
        }
        read();
        const std::size_t before_false = diagnostics.size();
        ExprPtr no = parse_expression();
        if (recovery_ && diagnostics.size() > before_false) return cond;
        auto e = make(ExprKind::Conditional, between(start, no->range));
        set_children(e, {cond, yes, no});
        return e;
    }

    static Op binary_op(Tok t, int level) {
        switch (level) {
            case 0: return t == Tok::Or ? Op::Or : Op::None;
            case 1: return t == Tok::And ? Op::And : Op::None;
            case 2: return t == Tok::EqualOp ? Op::Equal : t == Tok::NotEqual ? Op::NotEqual : Op::None;
            case 3:
                return t == Tok::Less ? Op::Less : t == Tok::Greater ? Op::Greater : t == Tok::LessEq ? Op::LessEqual
                       : t == Tok::GreaterEq ? Op::GreaterEqual : Op::None;
            case 4: return t == Tok::Plus ? Op::Add : t == Tok::Minus ? Op::Subtract : Op::None;
            case 5:
                return t == Tok::Star ? Op::Multiply : t == Tok::Slash ? Op::Divide : t == Tok::Percent ? Op::Modulo : Op::None;
            default: return Op::None;
        }
    }

    // Precedence levels 0 (||) .. 5 (* / %), each left-associative.
    ExprPtr parse_binary(int level) {
        if (level > 5) return parse_with_traversals();
        const std::size_t before = diagnostics.size();
        ExprPtr lhs = parse_binary(level + 1);
        if (recovery_ && diagnostics.size() > before) return lhs;
        Op op = Op::None;
        ExprPtr rhs = nullptr;
        for (;;) {
            const Op next = binary_op(peek().type, level);
            if (next == Op::None) break;
            if (op != Op::None) lhs = binary(std::move(lhs), op, std::move(rhs));
            op = next;
            read();
            Depth depth(*this);
            if (!depth.ok) return lhs;
            const std::size_t before_rhs = diagnostics.size();
            rhs = parse_binary(level + 1);
            if (recovery_ && diagnostics.size() > before_rhs) return lhs;
        }
        if (op == Op::None) return lhs;
        return binary(std::move(lhs), op, std::move(rhs));
    }
    ExprPtr binary(ExprPtr lhs, Op op, ExprPtr rhs) {
        auto e = make(ExprKind::Binary, between(lhs->range, rhs->range));
        e->op = op;
        set_children(e, {lhs, rhs});
        return e;
    }

    ExprPtr parse_with_traversals() {
        ExprPtr term = parse_term();
        return parse_traversals(std::move(term));
    }

    // The traversal parse_traversals is adding steps to; its steps wait on the step stack until
    // it is complete (close()).
    struct OpenTraversal {
        Parser& p;
        Collect<Step> steps;
        Expr* node = nullptr;
        explicit OpenTraversal(Parser& parser) : p(parser), steps(parser.step_stack_) {}
        // Adds a step to e, starting a relative traversal on anything but a traversal.
        ExprPtr add(ExprPtr e, const Step& step) {
            if (e != node) {
                close();
                if (e->kind != ExprKind::Traversal) {
                    Expr* t = p.make(ExprKind::Traversal, e->range);
                    p.set_children(t, {e});
                    e = t;
                } else {
                    for (const Step& s : e->steps) steps.push(s);
                }
                node = e;
            }
            e->range.end = step.range.end;
            steps.push(step);
            return e;
        }
        void close() {
            if (node) node->steps = steps.take(p.arena_);
            node = nullptr;
        }
    };

    ExprPtr number_literal(const Token& t) {
        auto e = make(ExprKind::Literal, range(t));
        e->literal = LiteralKind::Number;
        e->text = t.text(src_);
        if (!valid_number(e->text)) error(t, "invalid number literal \"" + std::string(e->text) + "\"");
        return e;
    }

    ExprPtr parse_traversals(ExprPtr from) {
        const Pos from_start = from->range.start;
        ExprPtr ret = from;
        Depth depth(*this);
        if (!depth.ok) return ret;
        OpenTraversal open_traversal(*this);
        for (;;) {
            Token next = peek();
            if (next.type == Tok::Dot) {
                Token dot = read();
                Token attr = peek();
                if (attr.type == Tok::Ident) {
                    read();
                    Step s;
                    s.kind = Step::Kind::Attr;
                    s.name = attr.text(src_);
                    s.range = between(range(dot), range(attr));
                    ret = open_traversal.add(ret, s);
                } else if (attr.type == Tok::NumberLit) {
                    read();
                    ret = open_traversal.add(ret, legacy_index(dot, attr, false));
                } else if (attr.type == Tok::Star) {
                    open_traversal.close();
                    Token marker = read();
                    auto item = make(ExprKind::AnonSymbol, between(range(dot), range(marker)));
                    ExprPtr each;
                    Collect<Step> trav(step_stack_);
                    Range first = next_range(), last = range(marker);
                    bool broken = false;
                    while (peek().type == Tok::Dot) {
                        Token d = read();
                        if (peek().type == Tok::NumberLit) {
                            Token n = read();
                            trav.push(legacy_index(d, n, true));
                            last = range(n);
                            continue;
                        }
                        if (peek().type != Tok::Ident) {
                            if (!recovery_) {
                                if (peek().type == Tok::Star) error(peek(), "nested splat expression not allowed: \"*\" cannot be used inside an attribute-only splat");
                                else error(attr, "invalid attribute name: an attribute name is required after a dot");
                            }
                            recovery_ = true;
                            broken = true;
                            break;
                        }
                        Token a = read();
                        Step s;
                        s.name = a.text(src_);
                        s.range = between(range(d), range(a));
                        trav.push(s);
                        last = range(a);
                    }
                    if (trav.empty()) each = make(ExprKind::AnonSymbol, item->range);
                    else {
                        each = make(ExprKind::Traversal, between(first, last));
                        set_children(each, {make(ExprKind::AnonSymbol, item->range)});
                        each->steps = trav.take(arena_);
                    }
                    auto splat = make(ExprKind::Splat, Range{file_, from_start, last.end});
                    splat->attr_only = true;
                    set_children(splat, {ret, each});
                    ret = splat;
                    if (broken) continue;
                } else {
                    open_traversal.close();
                    error(attr, "invalid attribute name: an attribute name is required after a dot");
                    auto bad = make(ExprKind::Invalid, Range{file_, from_start, dot.end});
                    set_children(bad, {ret});
                    ret = bad;
                    recovery_ = true;
                }
            } else if (next.type == Tok::OBrack) {
                Token open = read();
                if (peek().type == Tok::Star) {
                    open_traversal.close();
                    read();
                    Token close = read();
                    if (close.type != Tok::CBrack && !recovery_) {
                        error(close, "missing close bracket on splat index: \"[*\" must be followed by \"]\"");
                        close = recover(Tok::CBrack);
                    }
                    auto item = make(ExprKind::AnonSymbol, between(range(open), range(close)));
                    ExprPtr each = parse_traversals(item);
                    auto splat = make(ExprKind::Splat, Range{file_, from_start, each->range.end});
                    set_children(splat, {ret, each});
                    ret = splat;
                } else {
                    Token close;
                    ExprPtr key;
                    {
                        NewlineMode nl(*this, false);
                        const std::size_t before = diagnostics.size();
                        key = parse_expression();
                        if (recovery_ && diagnostics.size() > before) close = recover(Tok::CBrack);
                        else {
                            close = read();
                            if (close.type != Tok::CBrack && !recovery_) {
                                error(close, "missing close bracket on index: the index operator must end with \"]\"");
                                close = recover(Tok::CBrack);
                            }
                        }
                    }
                    Step s;
                    s.kind = Step::Kind::Index;
                    s.key = key;
                    s.range = between(range(open), range(close));
                    ret = open_traversal.add(ret, s);
                }
            } else {
                break;
            }
        }
        open_traversal.close();
        return ret;
    }

    Step legacy_index(const Token& dot, const Token& num, bool in_splat) {
        Step s;
        s.kind = Step::Kind::Index;
        s.legacy = true;
        s.range = between(range(dot), range(num));
        const std::string_view text = num.text(src_);
        const auto d = text.find('.');
        if (d != std::string_view::npos) {
            error(num, "invalid legacy index syntax: chaining two indexes is not permitted; write [" + std::string(text.substr(0, d)) +
                           "][" + std::string(text.substr(d + 1)) + "]" + (in_splat ? " with a full splat [*]" : ""));
            s.key = invalid(range(num));
        } else {
            s.key = number_literal(num);
        }
        return s;
    }

    ExprPtr parse_term() {
        Token start = peek();
        switch (start.type) {
            case Tok::OParen: {
                Token open = read();
                NewlineMode nl(*this, false);
                const std::size_t before = diagnostics.size();
                ExprPtr inner = parse_expression();
                if (diagnostics.size() > before) {
                    recover(Tok::CParen);
                    return inner;
                }
                Token close = peek();
                if (close.type != Tok::CParen) {
                    error(close, "unbalanced parentheses: expected \")\" to end the expression");
                    recovery_ = true;
                }
                Token cparen = read();
                auto e = make(ExprKind::Parens, between(range(open), range(cparen)));
                set_children(e, {inner});
                return e;
            }
            case Tok::NumberLit: read(); return number_literal(start);
            case Tok::Ident: {
                read();
                const Tok after = peek().type;
                if (after == Tok::OParen || after == Tok::DoubleColon) return finish_call(start);
                const std::string_view name = start.text(src_);
                if (name == "true" || name == "false" || name == "null") {
                    auto e = make(ExprKind::Literal, range(start));
                    e->literal = name == "null" ? LiteralKind::Null : LiteralKind::Bool;
                    e->boolean = name == "true";
                    return e;
                }
                auto e = make(ExprKind::Traversal, range(start));
                e->text = name;
                return e;
            }
            case Tok::OQuote: case Tok::OHeredoc: {
                Token open = read();
                if (open.type == Tok::OQuote) {
                    // Fast path for the common "plain string": one literal token, or none.
                    const Token& lit = tokens_[next_];
                    const bool empty = lit.type == Tok::CQuote;
                    if (empty || (lit.type == Tok::QuotedLit && next_ + 1 < tokens_.size() && tokens_[next_ + 1].type == Tok::CQuote)) {
                        const std::string_view value = empty ? std::string_view() : decode_literal(lit, true);
                        const Token close = empty ? lit : tokens_[next_ + 1];
                        auto part = literal_string(value, empty ? Range{file_, close.start, close.start} : range(lit));
                        next_ += empty ? 1 : 2;
                        prev_ = close;
                        auto e = make(ExprKind::Template, between(range(open), range(close)));
                        set_children(e, {part});
                        return e;
                    }
                }
                const bool heredoc = open.type == Tok::OHeredoc;
                const bool flush = heredoc && open.text(src_).substr(2, 1) == "-";
                auto [parts, passthru] = parse_template_inner(heredoc ? Tok::CHeredoc : Tok::CQuote, flush);
                const Range r = between(range(open), range(prev_));
                auto e = make(passthru ? ExprKind::TemplateWrap : ExprKind::Template, r);
                e->heredoc = heredoc;
                e->children = passthru ? arena_.list(&parts[0], 1) : parts;
                return e;
            }
            case Tok::Minus: case Tok::Bang: {
                read();
                Depth depth(*this);
                if (!depth.ok) return invalid(range(start));
                ExprPtr operand = parse_with_traversals();
                auto e = make(ExprKind::Unary, between(range(start), operand->range));
                e->op = start.type == Tok::Minus ? Op::Negate : Op::Not;
                set_children(e, {operand});
                return e;
            }
            case Tok::OBrack: return parse_tuple();
            case Tok::OBrace: return parse_object();
            default: {
                if (!recovery_)
                    error(start, start.type == Tok::Eof ? "missing expression: expected the start of an expression, but found the end of the file"
                                                        : "invalid expression: expected the start of an expression");
                recovery_ = true;
                return invalid(range(start));
            }
        }
    }

    ExprPtr finish_call(const Token& name) {
        Token open = read();
        std::string_view full = name.text(src_);
        std::string joined;  // a provider-namespaced name, "::" between its parts
        Range name_range = range(name);
        while (open.type == Tok::DoubleColon) {
            Token part = read();
            if (part.type != Tok::Ident) {
                error(part, "missing function name: \"::\" must be followed by a function name");
                recover_over(Tok::OParen);
                return invalid(between(range(name), range(part)));
            }
            if (joined.empty()) joined.assign(full);
            joined += "::";
            joined += part.text(src_);
            name_range.end = part.end;
            open = read();
        }
        if (open.type != Tok::OParen) {
            error(open, "missing open parenthesis: a function name must be followed by \"(\"");
            recover_over(Tok::OParen);
            return invalid(between(range(name), range(open)));
        }
        auto call = make(ExprKind::Call, name_range);
        call->text = joined.empty() ? full : arena_.string(joined);
        Token close = open;
        NewlineMode nl(*this, false);
        Collect<ExprPtr> args(expr_stack_);
        for (;;) {
            if (peek().type == Tok::CParen) {
                close = read();
                break;
            }
            const std::size_t before = diagnostics.size();
            args.push(parse_expression());
            if (recovery_ && diagnostics.size() > before) {
                Token t = recover(Tok::CParen);
                if (t.type == Tok::CParen) close = t;
                break;
            }
            Token sep = read();
            if (sep.type == Tok::CParen) {
                close = sep;
                break;
            }
            if (sep.type == Tok::Ellipsis) {
                call->expand_final = true;
                if (peek().type != Tok::CParen) {
                    if (!recovery_) error(sep, "missing closing parenthesis: an expanded argument (with ...) must be followed by \")\"");
                    close = recover(Tok::CParen);
                } else {
                    close = read();
                }
                break;
            }
            if (sep.type != Tok::Comma) {
                if (sep.type == Tok::Eof) error(between(range(name), range(open)), "unterminated function call: no closing parenthesis before the end of the file");
                else error(sep, "missing argument separator: a comma is required between function arguments");
                close = recover(Tok::CParen);
                break;
            }
            if (peek().type == Tok::CParen) {
                close = read();
                break;
            }
        }
        call->range = between(name_range, range(close));
        call->children = args.take(arena_);
        return call;
    }

    ExprPtr parse_tuple() {
        Token open = read();
        NewlineMode nl(*this, false);
        if (is_keyword(peek(), "for")) return finish_for(open);
        auto tuple = make(ExprKind::Tuple, range(open));
        Collect<ExprPtr> items(expr_stack_);
        Token close;
        for (;;) {
            if (peek().type == Tok::CBrack) {
                close = read();
                break;
            }
            const std::size_t before = diagnostics.size();
            items.push(parse_expression());
            if (recovery_ && diagnostics.size() > before) {
                close = recover(Tok::CBrack);
                break;
            }
            Token next = peek();
            if (next.type == Tok::CBrack) {
                close = read();
                break;
            }
            if (next.type != Tok::Comma) {
                if (!recovery_) {
                    if (next.type == Tok::Eof) error(open, "unterminated tuple constructor: no closing bracket before the end of the file");
                    else error(next, "missing item separator: expected a comma before the next item");
                }
                close = recover(Tok::CBrack);
                break;
            }
            read();
        }
        tuple->range = between(range(open), range(close));
        tuple->children = items.take(arena_);
        return tuple;
    }

    bool is_keyword(const Token& t, std::string_view word) const { return t.type == Tok::Ident && t.text(src_) == word; }

    ExprPtr parse_object() {
        Token open = read();
        bool is_for;
        {
            NewlineMode nl(*this, false);
            is_for = is_keyword(peek(), "for");
        }
        if (is_for) return finish_for(open);
        NewlineMode nl(*this, true);
        auto object = make(ExprKind::Object, range(open));
        Collect<ExprPtr> items(expr_stack_);
        Token close;
        for (;;) {
            Token next = peek();
            if (next.type == Tok::Newline) {
                read();
                continue;
            }
            if (next.type == Tok::CBrace) {
                close = read();
                break;
            }
            const bool force_non_literal = next.type == Tok::OParen;
            const std::size_t before = diagnostics.size();
            ExprPtr key = parse_expression();
            if (recovery_ && diagnostics.size() > before) {
                close = recover(Tok::CBrace);
                break;
            }
            auto key_expr = make(ExprKind::ObjectKey, key->range);
            key_expr->force_non_literal = force_non_literal;
            set_children(key_expr, {key});
            next = peek();
            if (next.type != Tok::Equal && next.type != Tok::Colon) {
                if (!recovery_) {
                    if (next.type == Tok::Newline || next.type == Tok::Comma)
                        error(next, "missing attribute value: expected \"=\" and a value");
                    else if (next.type == Tok::Eof) error(open, "unterminated object constructor: no closing brace before the end of the file");
                    else error(next, "missing key/value separator: expected \"=\"; write a name containing periods or spaces in quotes");
                }
                close = recover(Tok::CBrace);
                break;
            }
            read();
            const std::size_t before_value = diagnostics.size();
            ExprPtr value = parse_expression();
            items.push(key_expr);
            items.push(value);
            if (recovery_ && diagnostics.size() > before_value) {
                close = recover(Tok::CBrace);
                break;
            }
            next = peek();
            if (next.type == Tok::CBrace) {
                close = read();
                break;
            }
            if (next.type != Tok::Comma && next.type != Tok::Newline) {
                if (!recovery_) {
                    if (next.type == Tok::Eof) error(open, "unterminated object constructor: no closing brace before the end of the file");
                    else error(next, "missing attribute separator: expected a newline or comma before the next attribute");
                }
                close = recover(Tok::CBrace);
                break;
            }
            read();
        }
        object->range = between(range(open), range(close));
        object->children = items.take(arena_);
        return object;
    }

    ExprPtr finish_for(const Token& open) {
        NewlineMode nl(*this, false);
        read();  // "for"
        const bool object_form = open.type == Tok::OBrace;
        const Tok close_type = object_form ? Tok::CBrace : Tok::CBrack;
        auto fail = [&](const char* message) {
            if (!recovery_) error(peek(), message);
            Token close = recover(close_type);
            return invalid(between(range(open), range(close)));
        };
        auto e = make(ExprKind::For, range(open));
        e->object_form = object_form;
        if (peek().type != Tok::Ident) return fail("invalid 'for' expression: a variable name is required after 'for'");
        e->text2 = read().text(src_);
        if (peek().type == Tok::Comma) {
            e->text = e->text2;
            read();
            if (peek().type != Tok::Ident) return fail("invalid 'for' expression: a value variable name is required after the comma");
            e->text2 = read().text(src_);
        }
        if (!is_keyword(peek(), "in")) return fail("invalid 'for' expression: the 'in' keyword is required after the variable names");
        read();
        std::size_t before = diagnostics.size();
        ExprPtr coll = parse_expression();
        if (recovery_ && diagnostics.size() > before) {
            Token close = recover(close_type);
            return invalid(between(range(open), range(close)));
        }
        if (peek().type != Tok::Colon) return fail("invalid 'for' expression: a colon is required after the collection expression");
        read();
        before = diagnostics.size();
        ExprPtr key = nullptr, value = parse_expression();
        if (peek().type == Tok::FatArrow) {
            read();
            key = value;
            value = parse_expression();
        }
        if (recovery_ && diagnostics.size() > before) {
            Token close = recover(close_type);
            return invalid(between(range(open), range(close)));
        }
        Token ellipsis;
        if (peek().type == Tok::Ellipsis) {
            ellipsis = read();
            e->group = true;
        }
        ExprPtr cond = nullptr;
        if (is_keyword(peek(), "if")) {
            read();
            before = diagnostics.size();
            cond = parse_expression();
            if (recovery_ && diagnostics.size() > before) {
                Token close = recover(close_type);
                return invalid(between(range(open), range(close)));
            }
        }
        Token close;
        if (peek().type == close_type) close = read();
        else {
            if (!recovery_) error(peek(), "invalid 'for' expression: extra characters after the end of the 'for' expression");
            close = recover(close_type);
        }
        if (!object_form) {
            if (key) error(key->range, "invalid 'for' expression: a key expression (=>) is not valid when building a tuple");
            if (e->group) error(ellipsis, "invalid 'for' expression: grouping (...) cannot be used when building a tuple");
        } else if (!key) {
            error(value->range, "invalid 'for' expression: a key expression (k => v) is required when building an object");
        }
        e->range = between(range(open), range(close));
        set_children(e, {coll, key, value, cond});
        return e;
    }

    // ---- templates ----
    struct Part {
        enum class Kind { Literal, Interp, If, Else, EndIf, For, EndFor, End } kind;
        std::string_view value;  // Literal: a view of the source or of the arena
        ExprPtr expr;            // Interp value, If condition, For collection
        std::string_view key_var, value_var;
        Range range;
    };

    std::pair<List<ExprPtr>, bool> parse_template_inner(Tok end, bool flush) {
        Depth depth(*this);
        Collect<Part> parts(part_stack_);
        parse_template_parts(end, parts);
        if (flush) flush_heredoc(parts.data(), parts.size());
        // Meld each run of consecutive literals into one (after trimming, as hclsyntax does).
        std::size_t kept = 0;
        for (std::size_t r = 0; r < parts.size();) {
            Part merged = parts[r];
            std::size_t e = r + 1;
            if (merged.kind == Part::Kind::Literal) {
                std::size_t total = merged.value.size();
                bool adjacent = true;  // one stretch of memory: the run is a view already
                for (; e < parts.size() && parts[e].kind == Part::Kind::Literal; ++e) {
                    const std::string_view prev = parts[e - 1].value, next = parts[e].value;
                    adjacent = adjacent && prev.data() + prev.size() == next.data();
                    total += next.size();
                }
                if (e > r + 1) {
                    if (adjacent) merged.value = std::string_view(parts[r].value.data(), total);
                    else {
                        char* out = static_cast<char*>(arena_.allocate(total, 1));
                        std::size_t at = 0;
                        for (std::size_t k = r; k < e; ++k) {
                            if (!parts[k].value.empty()) std::memcpy(out + at, parts[k].value.data(), parts[k].value.size());
                            at += parts[k].value.size();
                        }
                        merged.value = std::string_view(out, total);
                    }
                    merged.range.end = parts[e - 1].range.end;
                }
            }
            parts[kept++] = merged;
            r = e;
        }
        parts.truncate(kept);
        const bool passthru = kept == 2 && parts[0].kind == Part::Kind::Interp;
        std::size_t pos = 0;
        Collect<ExprPtr> exprs(expr_stack_);
        while (parts[pos].kind != Part::Kind::End) exprs.push(template_expr(parts.data(), pos));
        return {exprs.take(arena_), passthru};
    }

    ExprPtr literal_string(std::string_view value, Range r) {
        auto e = make(ExprKind::Literal, r);
        e->literal = LiteralKind::String;
        e->text = value;
        return e;
    }

    ExprPtr template_of(ExprPtr* parts, std::size_t n, Range empty_at) {
        if (n == 0) {
            auto t = make(ExprKind::Template, empty_at);
            set_children(t, {literal_string({}, empty_at)});
            return t;
        }
        auto t = make(ExprKind::Template, between(parts[0]->range, parts[n - 1]->range));
        t->children = arena_.list(parts, n);
        return t;
    }

    // The template item at parts[pos] (a directive with its whole body), moving pos past it.
    ExprPtr template_expr(Part* parts, std::size_t& pos) {
        Part& p = parts[pos];
        // Directives nest by recursion here, after their tokens are read: limit it like any nesting.
        Depth depth(*this, &p.range);
        if (!depth.ok) {
            while (parts[pos].kind != Part::Kind::End) ++pos;
            return invalid(p.range);
        }
        switch (p.kind) {
            case Part::Kind::Literal: ++pos; return literal_string(p.value, p.range);
            case Part::Kind::Interp: ++pos; return p.expr;
            case Part::Kind::If: {
                const Range open = p.range;
                ++pos;
                auto e = make(ExprKind::TemplateIf, open);
                Collect<ExprPtr> items(expr_stack_);  // the then parts, then the else parts
                std::size_t then_count = 0;
                bool in_else = false;
                for (;;) {
                    Part& q = parts[pos];
                    if (q.kind == Part::Kind::End) {
                        error(q.range, "unexpected end of template: the if directive at line " + std::to_string(open.start.line) +
                                           " has no corresponding endif");
                        return invalid(q.range);
                    }
                    if (q.kind == Part::Kind::Else || q.kind == Part::Kind::EndIf || q.kind == Part::Kind::EndFor) {
                        ++pos;
                        if (q.kind == Part::Kind::Else && !in_else) {
                            in_else = true;
                            then_count = items.size();
                            continue;
                        }
                        if (q.kind == Part::Kind::EndIf) {
                            e->range = between(open, q.range);
                            if (!in_else) then_count = items.size();
                            Range after_if{file_, open.end, open.end}, before_endif{file_, q.range.start, q.range.start};
                            ExprPtr then_template = template_of(items.data(), then_count, after_if);
                            ExprPtr else_template = template_of(items.data() + then_count, items.size() - then_count, before_endif);
                            set_children(e, {p.expr, then_template, else_template});
                            return e;
                        }
                        error(q.range, q.kind == Part::Kind::Else ? "unexpected else directive: already in the else clause"
                                                                  : "unexpected endfor directive: expecting an endif");
                        return invalid(q.range);
                    }
                    items.push(template_expr(parts, pos));
                }
            }
            case Part::Kind::For: {
                const Range open = p.range;
                ++pos;
                auto e = make(ExprKind::TemplateFor, open);
                Collect<ExprPtr> body(expr_stack_);
                for (;;) {
                    Part& q = parts[pos];
                    if (q.kind == Part::Kind::End) {
                        error(q.range, "unexpected end of template: the for directive at line " + std::to_string(open.start.line) +
                                           " has no corresponding endfor");
                        return invalid(q.range);
                    }
                    if (q.kind == Part::Kind::Else || q.kind == Part::Kind::EndIf || q.kind == Part::Kind::EndFor) {
                        ++pos;
                        if (q.kind == Part::Kind::EndFor) {
                            e->range = between(open, q.range);
                            e->text = p.key_var;
                            e->text2 = p.value_var;
                            set_children(e, {p.expr, template_of(body.data(), body.size(), Range{file_, open.end, open.end})});
                            return e;
                        }
                        error(q.range, q.kind == Part::Kind::Else ? "unexpected else directive: a for directive has no else clause"
                                                                  : "unexpected endif directive: expecting an endfor");
                        return invalid(q.range);
                    }
                    body.push(template_expr(parts, pos));
                }
            }
            case Part::Kind::End: return invalid(p.range);
            default: {
                ++pos;
                error(p.range, std::string("unexpected ") + (p.kind == Part::Kind::Else ? "else" : p.kind == Part::Kind::EndIf ? "endif" : "endfor") +
                                   " directive: the control directives in this template are unbalanced");
                return invalid(p.range);
            }
        }
    }

    // Reads a template's items up to `end` into parts, ending with an End part.
    void parse_template_parts(Tok end, Collect<Part>& parts) {
        const Range start = next_range();
        bool ltrim_next = false, next_can_trim_prev = false;
        Range end_range = start;
        for (;;) {
            Token next = read();
            if (next.type == end) {
                end_range = range(next);
                break;
            }
            const bool ltrim = ltrim_next, can_trim_prev = next_can_trim_prev;
            ltrim_next = next_can_trim_prev = false;
            if (next.type == Tok::StringLit || next.type == Tok::QuotedLit) {
                std::string_view value = decode_literal(next, next.type == Tok::QuotedLit);
                if (ltrim) value = trim_left_space(value);
                parts.push(Part{Part::Kind::Literal, value, nullptr, {}, {}, range(next)});
                next_can_trim_prev = true;
                continue;
            }
            const bool strip_before = next.end.offset - next.start.offset == 3;  // "${~" / "%{~"
            auto trim_previous = [&] {
                if (can_trim_prev && strip_before && !parts.empty() && parts.back().kind == Part::Kind::Literal)
                    parts.back().value = trim_right_space(parts.back().value);
            };
            if (next.type == Tok::TemplateInterp) {
                trim_previous();
                NewlineMode nl(*this, false);
                ExprPtr expr = parse_expression();
                Token close = peek();
                if (close.type != Tok::TemplateSeqEnd) {
                    if (!recovery_) {
                        if (close.type == Tok::Eof) error(start, "unclosed template interpolation sequence: no closing brace before the end of the file");
                        else if (close.type == Tok::Colon)
                            error(close, "extra characters after interpolation expression: to write a literal \"${\", escape it as \"$${\"");
                        else if ((close.type == Tok::CQuote || close.type == Tok::OQuote) && end == Tok::CQuote)
                            error(start, "unclosed template interpolation sequence: no closing brace before the end of the quoted string");
                        else error(close, "extra characters after interpolation expression: expected \"}\" (escape a literal \"${\" as \"$${\")");
                    }
                    recover(Tok::TemplateSeqEnd);
                } else {
                    read();
                    if (close.end.offset - close.start.offset == 2) ltrim_next = true;  // "~}"
                }
                parts.push(Part{Part::Kind::Interp, {}, expr, {}, {}, between(range(next), range(close))});
                continue;
            }
            if (next.type == Tok::TemplateControl) {
                trim_previous();
                NewlineMode nl(*this, false);
                Token kw = peek();
                if (kw.type != Tok::Ident) {
                    if (!recovery_) error(kw, "invalid template directive: expected \"if\", \"for\", \"else\", \"endif\" or \"endfor\" after %{");
                    recover(Tok::TemplateSeqEnd);
                    continue;
                }
                read();
                const std::string_view word = kw.text(src_);
                Part part{Part::Kind::End, {}, nullptr, {}, {}, {}};
                if (word == "if") {
                    part.kind = Part::Kind::If;
                    part.expr = parse_expression();
                } else if (word == "else") part.kind = Part::Kind::Else;
                else if (word == "endif") part.kind = Part::Kind::EndIf;
                else if (word == "endfor") part.kind = Part::Kind::EndFor;
                else if (word == "for") {
                    part.kind = Part::Kind::For;
                    if (peek().type != Tok::Ident) {
                        if (!recovery_) error(peek(), "invalid 'for' directive: a variable name is required after 'for'");
                        recover(Tok::TemplateSeqEnd);
                        continue;
                    }
                    part.value_var = read().text(src_);
                    if (peek().type == Tok::Comma) {
                        part.key_var = part.value_var;
                        read();
                        if (peek().type != Tok::Ident) {
                            if (!recovery_) error(peek(), "invalid 'for' directive: a value variable name is required after the comma");
                            recover(Tok::TemplateSeqEnd);
                            continue;
                        }
                        part.value_var = read().text(src_);
                    }
                    if (!is_keyword(peek(), "in")) {
                        if (!recovery_) error(peek(), "invalid 'for' directive: the 'in' keyword is required after the names");
                        recover(Tok::TemplateSeqEnd);
                        continue;
                    }
                    read();
                    part.expr = parse_expression();
                } else {
                    if (!recovery_) {
                        static const std::vector<std::string> words{"if", "for", "else", "endif", "endfor"};
                        error(kw, "invalid template control keyword \"" + std::string(word) + "\" " + did_you_mean(word, words));
                    }
                    recover(Tok::TemplateSeqEnd);
                    continue;
                }
                part.range = between(range(next), next_range());
                Token close = peek();
                if (close.type != Tok::TemplateSeqEnd) {
                    if (!recovery_) error(close, "extra characters in " + std::string(word) + " marker: expected \"}\"");
                    recover(Tok::TemplateSeqEnd);
                } else {
                    read();
                    if (close.end.offset - close.start.offset == 2) ltrim_next = true;
                }
                parts.push(part);
                continue;
            }
            if (!recovery_) error(next, "unterminated template string: no closing marker was found for the string");
            Token final_token = recover(end);
            end_range = range(final_token);
            break;
        }
        if (parts.empty()) parts.push(Part{Part::Kind::Literal, {}, nullptr, {}, {}, Range{file_, start.start, start.start}});
        parts.push(Part{Part::Kind::End, {}, nullptr, {}, {}, end_range});
    }

    // <<-: remove from every line the smallest indentation among the lines' leading literals
    // (whitespace-only lines ending in a newline do not count), counted in characters.
    static void flush_heredoc(Part* parts, std::size_t n) {
        std::size_t min_spaces = SIZE_MAX;
        bool newline = true;
        std::vector<Part*> adjust;
        for (std::size_t i = 0; i < n; ++i) {
            Part& p = parts[i];
            if (newline) {
                newline = false;
                std::size_t spaces = 0;
                if (p.kind == Part::Kind::Literal) {
                    const std::string_view trimmed = trim_left_space(p.value);
                    if (trimmed.empty() && !p.value.empty() && p.value.back() == '\n') spaces = SIZE_MAX;
                    else {
                        spaces = count_chars(p.value.substr(0, p.value.size() - trimmed.size()));
                        adjust.push_back(&p);
                    }
                } else if (p.kind == Part::Kind::End) {
                    break;
                }
                min_spaces = std::min(min_spaces, spaces);
            }
            if (p.kind == Part::Kind::Literal && !p.value.empty() && p.value.back() == '\n') newline = true;
        }
        for (Part* p : adjust) {
            std::size_t bytes = 0;
            for (std::size_t k = 0; k < min_spaces && bytes < p->value.size(); ++k) {
                if (p->value[bytes] == '\r' && bytes + 1 < p->value.size() && p->value[bytes + 1] == '\n') bytes += 2;
                else {
                    const std::size_t n = utf8_length(p->value, bytes);
                    bytes += n == 0 ? 1 : n;
                }
            }
            p->value.remove_prefix(bytes);
            p->range.start.column += static_cast<std::uint32_t>(min_spaces);
            p->range.start.offset += static_cast<std::uint32_t>(bytes);
        }
    }
    static std::size_t count_chars(std::string_view s) {  // characters; "\r\n" is one (a grapheme cluster)
        std::size_t n = 0;
        for (std::size_t i = 0; i < s.size(); ++n) {
            if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') i += 2;
            else {
                const std::size_t m = utf8_length(s, i);
                i += m == 0 ? 1 : m;
            }
        }
        return n;
    }

    std::string_view src_;
    std::string_view file_;
    Arena& arena_;
    std::vector<Token> tokens_;
    Limits limits_;
    bool error_tokens_;
    std::size_t next_ = 0, peeked_ = 0;
    Token prev_{};
    Token comment_newline_{};  // what peek() returns for a line comment where newlines count
    bool newlines_ = true;  // whether newlines are tokens here (NewlineMode)
    // Stacks the constructs being parsed collect their items on (Collect).
    std::vector<ExprPtr> expr_stack_;
    std::vector<Step> step_stack_;
    std::vector<Attribute> attribute_stack_;
    std::vector<Block> block_stack_;
    std::vector<std::string_view> label_stack_;
    std::vector<Range> label_range_stack_;
    std::vector<Part> part_stack_;
    std::string decode_buffer_;
    bool recovery_ = false;
    std::size_t depth_ = 0;
    bool too_deep_ = false;
};

}  // namespace detail

// Parses `source` as an HCL native-syntax configuration file named `file_name` (used in
// ranges and diagnostics). The File holds a copy of the source and owns the whole tree (the
// ownership rule in syntax.hpp). Throws xc::InputError with every syntax error found.
inline File parse(std::string_view source, std::string file_name, const Limits& limits = {}) {
    File file;
    file.name = std::make_shared<const std::string>(std::move(file_name));
    // Positions are 32-bit: no limit lets a file reach 4 GiB.
    const std::size_t max_bytes = std::min<std::size_t>(limits.max_file_bytes, std::numeric_limits<std::uint32_t>::max() - 1);
    if (source.size() > max_bytes)
        throw InputError(std::vector<Diagnostic>{Diagnostic{*file.name, "", {}, "file too large: " + std::to_string(source.size()) +
                                    " bytes (limit " + std::to_string(max_bytes) + ", README: Limits, HCL)", ""}});
    detail::Lexer lexer(source, limits);  // tokens hold offsets: valid for the copy below
    std::vector<Token> tokens = lexer.run();
    // One block for the source and, usually, the whole tree (measured on emitted Terraform:
    // ~53 bytes of tree per token); later blocks double.
    file.arena = std::make_unique<detail::Arena>(source.size() + tokens.size() * 64 + 1024);
    file.source = file.arena->string(source);
    detail::Parser parser(file, std::move(tokens), lexer.error_tokens(), limits);
    file.body = parser.parse_file();
    if (!parser.diagnostics.empty()) throw InputError(std::move(parser.diagnostics));
    return file;
}

}  // namespace xc::input::hcl
