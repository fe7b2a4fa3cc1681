// HCL native syntax tree: every node carries its source range (file, line:column and byte
// offsets of its first byte and one past its last byte), as HashiCorp's hclsyntax records them.
//
// Ownership (one rule): a File owns everything its tree refers to. Nodes, lists, decoded
// strings and a copy of the source live in the File's arena; the tree holds plain pointers
// (ExprPtr, Block::body), List views and string_views into that arena, and Range::file points
// into File::name. So every node, view and string of a tree is valid exactly as long as its
// File (moving a File keeps them valid; they die with it). Nodes are trivially destructible:
// the arena frees them all at once. Positions are 32-bit: files are limited to 16 MiB
// (Limits::max_file_bytes, which parse() caps below 4 GiB).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace xc::input::hcl {

struct Pos {
    std::uint32_t line = 1;    // 1-based
    std::uint32_t column = 1;  // 1-based, in bytes
    std::uint32_t offset = 0;  // byte offset from the start of the file
    friend bool operator==(const Pos&, const Pos&) = default;
};

struct Range {
    std::string_view file;  // points into the owning File's name
    Pos start, end;         // end is one past the last byte
};

// A read-only array of tree items in the File's arena (children, steps, attributes, ...).
template <class T>
class List {
public:
    List() = default;
    List(T* data, std::size_t size) : data_(data), size_(size) {}
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }
    T* begin() { return data_; }
    T* end() { return data_ + size_; }
    const T& operator[](std::size_t i) const { return data_[i]; }
    T& operator[](std::size_t i) { return data_[i]; }
    const T& at(std::size_t i) const {
        if (i >= size_) throw std::out_of_range("xc::input::hcl::List::at");
        return data_[i];
    }
    const T& front() const { return data_[0]; }
    const T& back() const { return data_[size_ - 1]; }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
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
using ExprPtr = Expr*;  // owned by the File's arena (see the ownership rule above)

// One traversal step: ".name", "[key]" or the legacy ".0".
struct Step {
    enum class Kind : std::uint8_t { Attr, Index } kind = Kind::Attr;
    bool legacy = false;     // written ".0"
    std::string_view name;   // Attr
    ExprPtr key = nullptr;   // Index
    Range range;
    // A constant key (number/bool/null literal or a string without interpolation): HashiCorp's
    // parser then keeps the step inside a static traversal rather than an index expression.
    bool literal_key() const;
};

struct Expr {
    ExprKind kind = ExprKind::Invalid;
    LiteralKind literal = LiteralKind::Null;
    Op op = Op::None;
    bool boolean = false;
    bool expand_final = false;       // Call
    bool attr_only = false;          // Splat ".*"
    bool force_non_literal = false;  // ObjectKey
    bool group = false;              // For "..."
    bool object_form = false;        // For "{...}"
    bool heredoc = false;            // Template / TemplateWrap written as a heredoc
    Range range;
    std::string_view text;   // number text, decoded string, call name, traversal root, for key var
    std::string_view text2;  // for value var
    List<ExprPtr> children;
    List<Step> steps;  // Traversal

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
    std::string_view name;
    ExprPtr value = nullptr;
    Range range, name_range;
};

struct Block {
    std::string_view type;
    List<std::string_view> labels;
    List<Range> label_ranges;
    Body* body = nullptr;
    Range range, type_range;
};

struct Body {
    List<Attribute> attributes;  // in source order; names are unique
    List<Block> blocks;          // in source order
    Range range;
};

namespace detail {

// Bump allocator for one File's tree: blocks that only grow, freed together.
class Arena {
public:
    explicit Arena(std::size_t first_block) : next_block_(std::max<std::size_t>(first_block, 1024)) {}
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;

    void* allocate(std::size_t bytes, std::size_t align) {
        std::size_t p = (cur_ + align - 1) & ~(align - 1);
        if (p + bytes > end_) {
            grow(bytes + align);
            p = (cur_ + align - 1) & ~(align - 1);
        }
        cur_ = p + bytes;
        return reinterpret_cast<void*>(p);
    }
    template <class T>
    T* make() {
        static_assert(std::is_trivially_destructible_v<T>, "the arena runs no destructors");
        return ::new (allocate(sizeof(T), alignof(T))) T();
    }
    template <class T>
    List<T> list(const T* items, std::size_t n) {
        static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
        if (n == 0) return {};
        T* out = static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
        std::memcpy(static_cast<void*>(out), items, sizeof(T) * n);
        return {out, n};
    }
    std::string_view string(std::string_view s) {
        if (s.empty()) return {};
        char* out = static_cast<char*>(allocate(s.size(), 1));
        std::memcpy(out, s.data(), s.size());
        return {out, s.size()};
    }
    std::size_t bytes_reserved() const { return reserved_; }

private:
    void grow(std::size_t at_least) {
        const std::size_t size = std::max(next_block_, at_least);
        blocks_.emplace_back(new char[size]);
        reserved_ += size;
        cur_ = reinterpret_cast<std::uintptr_t>(blocks_.back().get());
        end_ = cur_ + size;
        next_block_ = std::min<std::size_t>(size * 2, std::size_t{64} << 20);
    }

    std::vector<std::unique_ptr<char[]>> blocks_;
    std::uintptr_t cur_ = 0, end_ = 0;
    std::size_t next_block_;
    std::size_t reserved_ = 0;
};

}  // namespace detail

struct File {
    std::shared_ptr<const std::string> name;
    std::unique_ptr<detail::Arena> arena;  // owns the tree, its strings and `source`
    std::string_view source;
    Body body;
};

}  // namespace xc::input::hcl
