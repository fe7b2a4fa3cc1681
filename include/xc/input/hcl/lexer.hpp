// HCL native syntax lexer: bytes -> tokens, with the modes of HashiCorp's scanner (normal,
// quoted template, heredoc template) and its brace bookkeeping for "${ ... }" sequences.
// It never fails: characters the language does not use become error tokens that the parser
// reports (the way hclsyntax's checkInvalidTokens does).
#pragma once

#include "xc/input/hcl/syntax.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xc::input::hcl {

// Limits (README "Limits" > "HCL"): a file larger than max_file_bytes is refused before
// lexing; a single token longer than max_token_bytes and nesting deeper than max_depth are
// syntax errors. Terraform configurations stay far below all three.
struct Limits {
    std::size_t max_file_bytes = 16u << 20;   // 16 MiB
    std::size_t max_token_bytes = 1u << 20;   // 1 MiB (one string literal line, comment, name, ...)
    std::size_t max_depth = 256;              // nested blocks, brackets, templates, operators
};

enum class Tok : std::uint8_t {
    OBrace, CBrace, OBrack, CBrack, OParen, CParen, OQuote, CQuote, OHeredoc, CHeredoc,
    Star, Slash, Plus, Minus, Percent, Equal, EqualOp, NotEqual, Less, LessEq, Greater, GreaterEq,
    And, Or, Bang, Dot, Comma, DoubleColon, Ellipsis, FatArrow, Question, Colon,
    TemplateInterp, TemplateControl, TemplateSeqEnd,
    QuotedLit, StringLit, NumberLit, Ident, Comment, Newline, Eof,
    // Error tokens: reported by the parser.
    BitwiseAnd, BitwiseOr, BitwiseNot, BitwiseXor, Semicolon, Backtick, Apostrophe,
    QuotedNewline, Invalid, BadUtf8, TooLong,
};

struct Token {
    Tok type = Tok::Eof;
    bool verbatim = false;  // a literal whose text is its value: no escape to resolve
    Pos start, end;
    std::string_view text(std::string_view src) const { return src.substr(start.offset, end.offset - start.offset); }
};

namespace detail {

inline bool is_id_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
// [A-Za-z0-9_-], by table: the lexer's innermost loop.
inline constexpr auto id_continue_table = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9') || c == '-';
    return t;
}();
inline bool is_id_continue(unsigned char c) { return id_continue_table[c]; }
inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// Length of the UTF-8 sequence at s[i] as hclsyntax's scanner accepts it (lead byte and
// continuation bytes only; it does not reject overlong forms), 0 if broken.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c >= 0xC0 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF7 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

class Lexer {
public:
    Lexer(std::string_view src, const Limits& limits) : s_(src), limits_(limits) {}

    std::vector<Token> run() {
        if (s_.size() >= 3 && s_.substr(0, 3) == "\xEF\xBB\xBF") skip(3);  // UTF-8 BOM
        modes_.push_back({Mode::Main, {}, false});
        tokens_.reserve(s_.size() / 4 + 16);
        while (i_ < s_.size()) {
            switch (modes_.back().mode) {
                case Mode::Main: main(); break;
                case Mode::Quoted: quoted(); break;
                case Mode::Heredoc: heredoc(); break;
            }
        }
        begin();
        emit(Tok::Eof);
        return std::move(tokens_);
    }

private:
    enum class Mode { Main, Quoted, Heredoc };
    struct Frame {
        Mode mode;
        std::string_view marker;  // heredoc closing marker
        bool start_of_line;
    };

    Pos pos() const {
        return Pos{line_, static_cast<std::uint32_t>(i_ - line_start_ + 1), static_cast<std::uint32_t>(i_)};
    }
    void begin() { start_ = pos(); }
    // Moves over n bytes, counting the newlines among them.
    void advance(std::size_t n) {
        const std::size_t end = std::min(i_ + n, s_.size());
        for (; i_ < end; ++i_)
            if (s_[i_] == '\n') {
                ++line_;
                line_start_ = i_ + 1;
            }
    }
    // Moves to `next`, the first byte of a new line.
    void new_line(std::size_t next) {
        i_ = next;
        ++line_;
        line_start_ = next;
    }
    // Moves over n bytes known to hold no newline (names, numbers, operators, quoted literals).
    void skip(std::size_t n) { i_ = std::min(i_ + n, s_.size()); }
    void emit(Tok t) {
        if (i_ - start_.offset > limits_.max_token_bytes) t = Tok::TooLong;
        if (t >= Tok::BitwiseAnd) error_tokens_ = true;
        tokens_.push_back({t, false, start_, pos()});
    }
    void emit_literal(Tok t, bool verbatim) {
        emit(t);
        tokens_.back().verbatim = verbatim && tokens_.back().type == t;  // not when TooLong
    }
    char at(std::size_t k) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
    bool starts(std::string_view p) const { return s_.substr(i_, p.size()) == p; }

    void open_sequence(Tok t) {  // "${" / "%{", optionally followed by "~"
        skip(at(2) == '~' ? 3 : 2);
        emit(t);
        ++braces_;
        ret_braces_.push_back(braces_);
        if (modes_.back().mode == Mode::Heredoc) modes_.back().start_of_line = false;
        modes_.push_back({Mode::Main, {}, false});
    }

    void main() {
        auto c = static_cast<unsigned char>(s_[i_]);
        while (c == ' ' || c == '\t') {
            if (++i_ == s_.size()) return;
            c = static_cast<unsigned char>(s_[i_]);
        }
        begin();
        if (is_digit(c)) {
            // digit ( ... digit | "." | [eE][+-]?digit )* not ending in ".": the longest match.
            std::size_t k = 1, last = 1;
            for (;;) {
                if (is_digit(at(k))) last = ++k;
                else if (at(k) == '.') ++k;
                else if ((at(k) == 'e' || at(k) == 'E') && is_digit(at(k + 1))) last = k += 2;
                else if ((at(k) == 'e' || at(k) == 'E') && (at(k + 1) == '+' || at(k + 1) == '-') && is_digit(at(k + 2)))
                    last = k += 3;
                else break;
            }
            skip(last);
            return emit(Tok::NumberLit);
        }
        if (is_id_start(c)) {
            std::size_t k = 1;
            while (i_ + k < s_.size() && is_id_continue(static_cast<unsigned char>(s_[i_ + k]))) ++k;
            skip(k);
            return emit(Tok::Ident);
        }
        if (c == '#' || (c == '/' && at(1) == '/')) {
            const auto nl = s_.find('\n', i_);
            if (nl == std::string_view::npos) skip(s_.size() - i_);
            else new_line(nl + 1);
            return emit(Tok::Comment);
        }
        if (c == '/' && at(1) == '*') {
            const auto close = s_.find("*/", i_ + 2);
            if (close == std::string_view::npos) {  // hclsyntax then scans "/" "*" ...: always a syntax error
                advance(s_.size() - i_);
                return emit(Tok::Invalid);
            }
            advance(close + 2 - i_);
            return emit(Tok::Comment);
        }
        if (c == '\n' || (c == '\r' && at(1) == '\n')) {
            new_line(i_ + (c == '\n' ? 1 : 2));
            return emit(Tok::Newline);
        }
        // Multi-character operators, by their first character.
        const char c1 = at(1);
        Tok two = Tok::Eof;
        switch (c) {
            case '.': if (c1 == '.' && at(2) == '.') { skip(3); return emit(Tok::Ellipsis); } break;
            case '=': two = c1 == '=' ? Tok::EqualOp : c1 == '>' ? Tok::FatArrow : Tok::Eof; break;
            case '!': two = c1 == '=' ? Tok::NotEqual : Tok::Eof; break;
            case '>': two = c1 == '=' ? Tok::GreaterEq : Tok::Eof; break;
            case '<': two = c1 == '=' ? Tok::LessEq : Tok::Eof; break;
            case '&': two = c1 == '&' ? Tok::And : Tok::Eof; break;
            case '|': two = c1 == '|' ? Tok::Or : Tok::Eof; break;
            case ':': two = c1 == ':' ? Tok::DoubleColon : Tok::Eof; break;
            default: break;
        }
        if (two != Tok::Eof) {
            skip(2);
            return emit(two);
        }
        if (c == '<' && at(1) == '<') {  // heredoc introducer: "<<" "-"? Ident Newline
            std::size_t k = 2;
            const bool flush = at(k) == '-';
            if (flush) ++k;
            if (is_id_start(static_cast<unsigned char>(at(k)))) {
                const std::size_t name = k;
                while (is_id_continue(static_cast<unsigned char>(at(k)))) ++k;
                const std::size_t name_end = k;
                if (at(k) == '\r') ++k;
                if (at(k) == '\n') {
                    advance(k + 1);
                    emit(Tok::OHeredoc);
                    modes_.push_back({Mode::Heredoc, s_.substr(start_.offset + name, name_end - name), true});
                    return;
                }
            }
        }
        if (c == '~' && at(1) == '}') {
            skip(2);
            emit(Tok::TemplateSeqEnd);
            return close_brace(true);
        }
        skip(1);
        switch (c) {
            case '{': ++braces_; return emit(Tok::OBrace);
            case '}': {
                if (!ret_braces_.empty() && ret_braces_.back() == braces_) {
                    emit(Tok::TemplateSeqEnd);
                    return close_brace(true);
                }
                emit(Tok::CBrace);
                return close_brace(false);
            }
            case '"': emit(Tok::OQuote); modes_.push_back({Mode::Quoted, {}, false}); return;
            case '[': return emit(Tok::OBrack);
            case ']': return emit(Tok::CBrack);
            case '(': return emit(Tok::OParen);
            case ')': return emit(Tok::CParen);
            case '.': return emit(Tok::Dot);
            case ',': return emit(Tok::Comma);
            case '*': return emit(Tok::Star);
            case '/': return emit(Tok::Slash);
            case '%': return emit(Tok::Percent);
            case '+': return emit(Tok::Plus);
            case '-': return emit(Tok::Minus);
            case '=': return emit(Tok::Equal);
            case '<': return emit(Tok::Less);
            case '>': return emit(Tok::Greater);
            case '!': return emit(Tok::Bang);
            case '?': return emit(Tok::Question);
            case ':': return emit(Tok::Colon);
            case '&': return emit(Tok::BitwiseAnd);
            case '|': return emit(Tok::BitwiseOr);
            case '~': return emit(Tok::BitwiseNot);
            case '^': return emit(Tok::BitwiseXor);
            case ';': return emit(Tok::Semicolon);
            case '`': return emit(Tok::Backtick);
            case '\'': return emit(Tok::Apostrophe);
            default: break;
        }
        // Anything else: one (possibly broken) UTF-8 character the language does not use.
        // (hclsyntax also accepts non-ASCII letters in identifiers; xc does not: README.)
        i_ = start_.offset;
        // same line: the character is no newline
        const std::size_t n = utf8_length(s_, i_);
        advance(n == 0 ? 1 : n);
        emit(n == 0 ? Tok::BadUtf8 : Tok::Invalid);
    }

    // A "}" or "~}": ends the innermost template sequence when the brace depth matches.
    void close_brace(bool may_end_sequence) {
        if (may_end_sequence && !ret_braces_.empty() && ret_braces_.back() == braces_) {
            --braces_;
            ret_braces_.pop_back();
            if (modes_.size() > 1) modes_.pop_back();
            return;
        }
        --braces_;
    }

    // A '$' or '%' that does not open a sequence is literal; "$${" and "%%{" (optionally with
    // "~") are escapes kept as one token.
    std::size_t not_sequence_length() const {
        if (at(1) == at(0) && at(2) == '{') return at(3) == '~' ? 4 : 3;
        return 1;
    }

    void quoted() {
        begin();
        const char c = s_[i_];
        if ((c == '$' || c == '%') && at(1) == '{') return open_sequence(c == '$' ? Tok::TemplateInterp : Tok::TemplateControl);
        if (c == '"') {
            skip(1);
            emit(Tok::CQuote);
            modes_.pop_back();
            return;
        }
        if (c == '\r' || c == '\n') {
            std::size_t k = 0;
            while (at(k) == '\r' || at(k) == '\n') ++k;
            advance(k);
            return emit(Tok::QuotedNewline);
        }
        if (c == '$' || c == '%') {
            const std::size_t n = not_sequence_length();
            skip(n);
            return emit_literal(Tok::QuotedLit, n == 1);
        }
        // A run of plain characters and backslash escapes.
        std::size_t k = 0;
        bool escapes = false;
        while (i_ + k < s_.size()) {
            const char d = s_[i_ + k];
            const auto u = static_cast<unsigned char>(d);
            if (u >= 0x20 && u < 0x80 && d != '$' && d != '%' && d != '"' && d != '\\') {  // the common case
                ++k;
                continue;
            }
            if (d == '$' || d == '%' || d == '"' || d == '\r' || d == '\n') break;
            if (d == '\\') {
                if (i_ + k + 1 >= s_.size()) break;
                const char e = s_[i_ + k + 1];
                if (e == '\r' || e == '\n') break;
                const std::size_t n = utf8_length(s_, i_ + k + 1);
                if (n == 0) break;
                k += 1 + n;
                escapes = true;
                continue;
            }
            const std::size_t n = utf8_length(s_, i_ + k);
            if (n == 0) break;
            k += n;
        }
        if (k > 0) {
            skip(k);
            return emit_literal(Tok::QuotedLit, !escapes);
        }
        const std::size_t n = utf8_length(s_, i_);
        advance(n == 0 ? 1 : n);
        emit(n == 0 ? Tok::BadUtf8 : Tok::Invalid);  // a lone backslash before a newline or the end
    }

    void heredoc() {
        begin();
        Frame& doc = modes_.back();
        const char c = s_[i_];
        if ((c == '$' || c == '%') && at(1) == '{') return open_sequence(c == '$' ? Tok::TemplateInterp : Tok::TemplateControl);
        if (c == '$' || c == '%') {
            const std::size_t n = not_sequence_length();
            skip(n);
            doc.start_of_line = false;
            return emit_literal(Tok::StringLit, n == 1);
        }
        std::size_t k = 0;
        while (i_ + k < s_.size()) {
            const char d = s_[i_ + k];
            const auto u = static_cast<unsigned char>(d);
            if (u >= 0x20 && u < 0x80 && d != '$' && d != '%') {  // the common case
                ++k;
                continue;
            }
            if (d == '$' || d == '%' || d == '\r' || d == '\n') break;
            const std::size_t n = utf8_length(s_, i_ + k);
            if (n == 0) break;
            k += n;
        }
        std::size_t eol = 0;
        if (at(k) == '\n') eol = 1;
        else if (at(k) == '\r' && at(k + 1) == '\n') eol = 2;
        if (eol > 0) {
            if (doc.start_of_line && trim(s_.substr(i_, k)) == doc.marker) {
                const std::string_view marker_end = s_.substr(i_, k);
                skip(marker_end.size());
                emit(Tok::CHeredoc);
                begin();
                advance(eol);
                emit(Tok::Newline);
                modes_.pop_back();
                return;
            }
            advance(k + eol);
            doc.start_of_line = true;
            return emit_literal(Tok::StringLit, true);
        }
        if (k > 0) {
            skip(k);
            doc.start_of_line = false;
            return emit_literal(Tok::StringLit, true);
        }
        // A broken UTF-8 byte, or a lone carriage return (which no heredoc rule matches).
        const std::size_t n = utf8_length(s_, i_);
        advance(n == 0 ? 1 : n);
        emit(n == 0 ? Tok::BadUtf8 : Tok::Invalid);
    }

    static std::string_view trim(std::string_view v) {
        auto space = [](char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; };
        while (!v.empty() && space(v.front())) v.remove_prefix(1);
        while (!v.empty() && space(v.back())) v.remove_suffix(1);
        return v;
    }

    std::string_view s_;
    Limits limits_;
    std::size_t i_ = 0;
    std::uint32_t line_ = 1;
    std::size_t line_start_ = 0;  // offset of the current line's first byte
    Pos start_;
    std::vector<Token> tokens_;
    std::vector<Frame> modes_;
    long braces_ = 0;
    std::vector<long> ret_braces_;
    bool error_tokens_ = false;

public:
    // Whether run() produced an error token (the parser then reports each).
    bool error_tokens() const { return error_tokens_; }
};

}  // namespace detail

// The tokens of `source` (comments and newlines included), ending with one Eof token.
inline std::vector<Token> lex(std::string_view source, const Limits& limits = {}) {
    return detail::Lexer(source, limits).run();
}

}  // namespace xc::input::hcl
