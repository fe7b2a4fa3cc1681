// A property value of a lowered resource: a small tree that both printers (Terraform,
// CloudFormation) can render without knowing the model.
//
// Leaves are literals (null, bool, integer, string) or references to another lowered thing's
// attribute; inner nodes are lists, objects (ordered: printers keep the lowering's order so
// output is deterministic) and a few target-neutral operations (string concatenation, an
// embedded JSON document, the hash of a local file, a change trigger). Every model string
// stays a `string` leaf: a printer escapes it in exactly one place, so nothing the model says
// can become an expression.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace xc::emit::lowering {

// What a reference points at, within the same stack.
enum class RefTarget {
    resource,  // a resource the stack creates: (kind, name)
    lookup,    // a read of existing infrastructure (Terraform: data source): (kind, name)
    input,     // a stack input (Terraform: variable): name
};

struct Value {
    enum class Kind {
        null,
        boolean,
        integer,
        string,
        ref,           // (target, kind, name).attribute, optionally [index] of a list attribute
        list,          // items
        object,        // entries, in order
        concat,        // items joined into one string (string leaves and refs)
        document,      // items[0]: a JSON document (policy, OpenAPI body) printed as JSON
        file_hash,     // items[0]: the path of a local file; value: base64 SHA-256 of its content
        change_hash,   // items: values whose change must replace the resource (redeployments)
    };

    Kind kind = Kind::null;
    bool flag = false;
    std::int64_t integer = 0;
    std::string text;  // string: the literal; ref: the attribute
    RefTarget target = RefTarget::resource;
    std::string ref_kind;  // ref: the referenced resource's or lookup's kind
    std::string ref_name;  // ref: its name (for an input: the input's name)
    int index = -1;        // ref: element of a list attribute, -1 for the whole attribute
    std::vector<Value> items;
    std::vector<std::pair<std::string, Value>> entries;

    bool is_scalar() const {
        return kind == Kind::null || kind == Kind::boolean || kind == Kind::integer || kind == Kind::string ||
               kind == Kind::ref || kind == Kind::concat || kind == Kind::file_hash;
    }

    // Object access, for tests and printers.
    const Value* find(const std::string& key) const {
        for (const auto& [k, v] : entries)
            if (k == key) return &v;
        return nullptr;
    }

    friend bool operator==(const Value&, const Value&) = default;
};

using Entry = std::pair<std::string, Value>;
using Entries = std::vector<Entry>;

// --- constructors ------------------------------------------------------------
//
// Each constructor of an inner node also takes a braced list, whose values it moves: the
// elements of a std::initializer_list are const, so a braced list passed as a vector would
// copy every subtree, once per level of nesting (`object({{"a", object({{"b", ...}})}})`).

namespace detail {
struct MovedValue {
    mutable Value value;
    MovedValue(Value v) : value(std::move(v)) {}  // NOLINT: implicit, for braced lists
};
struct MovedEntry {
    mutable std::string key;
    mutable Value value;
    MovedEntry(std::string k, Value v) : key(std::move(k)), value(std::move(v)) {}
};
inline std::vector<Value> values(std::initializer_list<MovedValue> braced) {
    std::vector<Value> out;
    out.reserve(braced.size());
    for (const auto& m : braced) out.push_back(std::move(m.value));
    return out;
}
}  // namespace detail

// Object entries from a braced list, moved (see above).
inline Entries entries(std::initializer_list<detail::MovedEntry> braced) {
    Entries out;
    out.reserve(braced.size());
    for (const auto& m : braced) out.emplace_back(std::move(m.key), std::move(m.value));
    return out;
}

inline Value null() { return Value{}; }
inline Value boolean(bool b) {
    Value v;
    v.kind = Value::Kind::boolean;
    v.flag = b;
    return v;
}
inline Value integer(std::int64_t n) {
    Value v;
    v.kind = Value::Kind::integer;
    v.integer = n;
    return v;
}
inline Value str(std::string s) {
    Value v;
    v.kind = Value::Kind::string;
    v.text = std::move(s);
    return v;
}
inline Value ref(std::string kind, std::string name, std::string attribute, int index = -1) {
    Value v;
    v.kind = Value::Kind::ref;
    v.target = RefTarget::resource;
    v.ref_kind = std::move(kind);
    v.ref_name = std::move(name);
    v.text = std::move(attribute);
    v.index = index;
    return v;
}
inline Value lookup_ref(std::string kind, std::string name, std::string attribute) {
    Value v = ref(std::move(kind), std::move(name), std::move(attribute));
    v.target = RefTarget::lookup;
    return v;
}
inline Value input_ref(std::string name) {
    Value v;
    v.kind = Value::Kind::ref;
    v.target = RefTarget::input;
    v.ref_name = std::move(name);
    return v;
}
inline Value list(std::vector<Value> items = {}) {
    Value v;
    v.kind = Value::Kind::list;
    v.items = std::move(items);
    return v;
}
inline Value list(std::initializer_list<detail::MovedValue> items) { return list(detail::values(items)); }
inline Value object(Entries entries = {}) {
    Value v;
    v.kind = Value::Kind::object;
    v.entries = std::move(entries);
    return v;
}
inline Value object(std::initializer_list<detail::MovedEntry> braced) { return object(entries(braced)); }
// Concatenation; adjacent string leaves are merged and a single part collapses to itself.
inline Value concat(std::vector<Value> parts) {
    std::vector<Value> merged;
    for (auto& p : parts) {
        if (p.kind == Value::Kind::string && p.text.empty()) continue;
        if (p.kind == Value::Kind::string && !merged.empty() && merged.back().kind == Value::Kind::string)
            merged.back().text += p.text;
        else
            merged.push_back(std::move(p));
    }
    if (merged.empty()) return str("");
    if (merged.size() == 1) return std::move(merged.front());
    Value v;
    v.kind = Value::Kind::concat;
    v.items = std::move(merged);
    return v;
}
inline Value concat(std::initializer_list<detail::MovedValue> parts) { return concat(detail::values(parts)); }
inline Value document(Value json) {
    Value v;
    v.kind = Value::Kind::document;
    v.items.push_back(std::move(json));
    return v;
}
inline Value file_hash(Value path) {
    Value v;
    v.kind = Value::Kind::file_hash;
    v.items.push_back(std::move(path));
    return v;
}
inline Value change_hash(std::vector<Value> of) {
    Value v;
    v.kind = Value::Kind::change_hash;
    v.items = std::move(of);
    return v;
}
inline Value change_hash(std::initializer_list<detail::MovedValue> of) { return change_hash(detail::values(of)); }

}  // namespace xc::emit::lowering
