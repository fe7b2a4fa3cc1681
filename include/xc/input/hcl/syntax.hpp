// HCL native syntax tree: every node carries its source range (file, line:column and byte
// offsets of its first byte and one past its last byte), as HashiCorp's hclsyntax records them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace xc::input::hcl {

struct Pos {
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in bytes
    std::size_t offset = 0;  // byte offset from the start of the file
    friend bool operator==(const Pos&, const Pos&) = default;
};

struct Range {
    std::string_view file;  // points into the owning File's name
    Pos start, end;         // end is one past the last byte
};

enum class ExprKind : std::uint8_t {
    Literal,        // null, true/false, a number, or a string part of a template
    Template,       // "..." or a heredoc with interpolations/directives: parts = children
    TemplateWrap,   // "${x}" alone: children[0]
    TemplateIf,     // %{if c}..%{else}..%{endif}: children = cond, then (Template), else (Template)
    TemplateFor,    // %{for k, v in c}..%{endfor}: children = collection, body (Template)
    Traversal,      // root name (scope traversal) or children[0] (relative), then steps
    Splat,          // children = source, each (built on an AnonSymbol)
    AnonSymbol,     // the current element inside a splat
    Call,           // name(children...), expand_final for a trailing "..."
    Tuple,          // [children...]
    Object,         // {k = v, ...}: children = ObjectKey, value, ObjectKey, value, ...
    ObjectKey,      // children[0]; force_non_literal when written in parentheses
    For,            // [for ...] / {for ...}: children = collection, key (or null), value, cond (or null)
    Conditional,    // children = cond, true, false
    Unary,          // op children[0]
    Binary,         // children[0] op children[1]
    Parens,         // (children[0])
    Invalid,        // placeholder where a syntax error was reported
};

enum class LiteralKind : std::uint8_t { Null, Bool, Number, String };

enum class Op : std::uint8_t {
    None,
    Or, And, Equal, NotEqual, Less, Greater, LessEqual, GreaterEqual, Add, Subtract, Multiply, Divide, Modulo,
    Negate, Not,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One traversal step: ".name", "[key]" or the legacy ".0".
struct Step {
    enum class Kind : std::uint8_t { Attr, Index } kind = Kind::Attr;
    std::string name;     // Attr
    ExprPtr key;          // Index
    bool legacy = false;  // written ".0"
    Range range;
    // A constant key (number/bool/null literal or a string without interpolation): HashiCorp's
    // parser then keeps the step inside a static traversal rather than an index expression.
    bool literal_key() const;
};

struct Expr {
    ExprKind kind = ExprKind::Invalid;
    Range range;
    LiteralKind literal = LiteralKind::Null;
    bool boolean = false;
    Op op = Op::None;
    std::string text;      // number text, decoded string, call name, traversal root, for key var
    std::string text2;     // for value var
    std::vector<ExprPtr> children;
    std::vector<Step> steps;  // Traversal
    bool expand_final = false;       // Call
    bool attr_only = false;          // Splat ".*"
    bool force_non_literal = false;  // ObjectKey
    bool group = false;              // For "..."
    bool object_form = false;        // For "{...}"
    bool heredoc = false;            // Template / TemplateWrap written as a heredoc

    bool is_string_literal() const {  // a Template of one literal string part
        return kind == ExprKind::Template && children.size() == 1 && children[0]->kind == ExprKind::Literal &&
               children[0]->literal == LiteralKind::String;
    }
    bool is_scope_traversal() const {
        if (kind != ExprKind::Traversal || !children.empty()) return false;
        for (const auto& s : steps)
            if (s.kind == Step::Kind::Index && !s.literal_key()) return false;
        return true;
    }
};

inline bool Step::literal_key() const {
    if (kind != Kind::Index || !key) return kind == Kind::Index;
    return key->kind == ExprKind::Literal || key->is_string_literal();
}

struct Body;

struct Attribute {
    std::string name;
    ExprPtr value;
    Range range, name_range;
};

struct Block {
    std::string type;
    std::vector<std::string> labels;
    std::vector<Range> label_ranges;
    std::unique_ptr<Body> body;
    Range range, type_range;
};

struct Body {
    std::vector<Attribute> attributes;  // in source order; names are unique
    std::vector<Block> blocks;          // in source order
    Range range;
};

struct File {
    std::shared_ptr<const std::string> name;
    std::string source;
    Body body;
};

}  // namespace xc::input::hcl
