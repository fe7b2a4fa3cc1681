// Evaluated CloudFormation values: JSON whose strings may hold symbols — values known only once
// deployed (a resource's id or attribute), or not known to xc at all (a parameter read from SSM,
// a dynamic reference nobody links, an import nobody exports).
//
// A symbol sits inside a string as U+E000 <index> U+E001, the index into the evaluation's
// symbol table; templates cannot contain U+E000 (template_source.hpp refuses it), so every mark
// found is the evaluator's own. Concatenation (Fn::Join, Fn::Sub) keeps marks where the value
// was; a string that is exactly one mark is that symbol. Each symbol remembers its origin (what
// it stands for, in template terms) and where it was written, so an unknown that reaches a
// verdict can be named (model::Unresolved).
#pragma once

#include <xc/input/cloudformation/template_source.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xc::input::cloudformation {

struct Symbol {
    enum class Kind {
        reference,  // Ref of a resource: its physical id (stack, logical_id)
        attribute,  // Fn::GetAtt (stack, logical_id, attribute)
        secret,     // the value of a secret a given stack creates (stack, logical_id)
        unknown,    // anything else xc cannot know: `origin` says what, `reason` why
    } kind = Kind::unknown;
    std::string stack;
    std::string logical_id;
    std::string attribute;
    std::string origin;  // "Fn::GetAtt Endpoint.Id", "{{resolve:ssm:/x}}", "parameter Ami (SSM)"
    std::string reason;  // unknown: why xc does not know it
    std::string file;    // where it was written
    std::string pointer;
    friend bool operator==(const Symbol&, const Symbol&) = default;
};

inline constexpr std::string_view symbol_end = "\xEE\x80\x81";

// The pieces of an evaluated string: literal text and symbol indexes, in order.
struct Piece {
    std::string text;
    std::optional<std::size_t> symbol;
};

inline std::string mark(std::size_t symbol) { return std::string(symbol_mark) + std::to_string(symbol) + std::string(symbol_end); }

inline std::vector<Piece> pieces(std::string_view s) {
    std::vector<Piece> out;
    std::size_t at = 0;
    while (at < s.size()) {
        const auto open = s.find(symbol_mark, at);
        if (open == std::string_view::npos) {
            out.push_back({std::string(s.substr(at)), std::nullopt});
            break;
        }
        if (open > at) out.push_back({std::string(s.substr(at, open - at)), std::nullopt});
        const auto close = s.find(symbol_end, open);
        const auto digits = s.substr(open + symbol_mark.size(), close - open - symbol_mark.size());
        out.push_back({{}, static_cast<std::size_t>(std::stoull(std::string(digits)))});
        at = close + symbol_end.size();
    }
    return out;
}

inline bool has_symbol(std::string_view s) { return s.find(symbol_mark) != std::string_view::npos; }

// The symbol a string is exactly, if it is one.
inline std::optional<std::size_t> only_symbol(std::string_view s) {
    if (!s.starts_with(symbol_mark) || !s.ends_with(symbol_end)) return std::nullopt;
    auto p = pieces(s);
    if (p.size() != 1 || !p[0].symbol) return std::nullopt;
    return p[0].symbol;
}

}  // namespace xc::input::cloudformation
