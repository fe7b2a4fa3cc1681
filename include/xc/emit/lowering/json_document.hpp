// JSON documents (IAM policies, OpenAPI bodies) in the lowered deployment.
//
// A document is a Value tree (objects, lists, literals) in which some strings are references:
// the model writes consumer endpoint ids as placeholders ("vpce-…"), and each printer must
// put the deployed id there. `to_value` converts model JSON, replacing every occurrence of a
// placeholder (whole string or inside a longer string) by the value the stack knows it as.
// Object keys are sorted (as nlohmann::json and Terraform's jsonencode order them), so the
// JSON each printer produces is the same bytes; `canonical_json` is that text, with
// references written as ${kind.name.attribute}, for tests that compare targets.
#pragma once

#include <xc/emit/lowering/value.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace xc::emit::lowering {

// Placeholder text -> the value replacing it.
using Substitutions = std::vector<std::pair<std::string, std::function<Value()>>>;

inline Value substitute(const std::string& s, const Substitutions& subs) {
    // Most strings hold no placeholder: keep them whole.
    if (std::none_of(subs.begin(), subs.end(),
                     [&](const auto& sub) { return !sub.first.empty() && s.find(sub.first) != std::string::npos; }))
        return str(s);
    std::vector<Value> parts;
    std::string literal;
    std::size_t i = 0;
    while (i < s.size()) {
        bool matched = false;
        for (const auto& [needle, make] : subs) {
            if (!needle.empty() && s.compare(i, needle.size(), needle) == 0) {
                parts.push_back(str(std::move(literal)));
                literal.clear();
                parts.push_back(make());
                i += needle.size();
                matched = true;
                break;
            }
        }
        if (!matched) literal += s[i++];
    }
    parts.push_back(str(std::move(literal)));
    return concat(std::move(parts));
}

inline Value to_value(const nlohmann::json& j, const Substitutions& subs) {
    switch (j.type()) {
        case nlohmann::json::value_t::null: return null();
        case nlohmann::json::value_t::boolean: return boolean(j.get<bool>());
        case nlohmann::json::value_t::number_integer: return integer(j.get<std::int64_t>());
        case nlohmann::json::value_t::number_unsigned: return integer(static_cast<std::int64_t>(j.get<std::uint64_t>()));
        case nlohmann::json::value_t::number_float: return str(j.dump());  // policies carry no floats; keep the text
        case nlohmann::json::value_t::string: return substitute(j.get_ref<const std::string&>(), subs);
        case nlohmann::json::value_t::array: {
            std::vector<Value> items;
            for (const auto& e : j) items.push_back(to_value(e, subs));
            return list(std::move(items));
        }
        case nlohmann::json::value_t::object: {
            std::vector<std::pair<std::string, Value>> entries;
            for (const auto& [k, v] : j.items()) entries.emplace_back(k, to_value(v, subs));  // std::map: sorted
            return object(std::move(entries));
        }
        default: return str(j.dump());
    }
}

// Sort every object's keys (for documents built by hand, e.g. the OpenAPI body).
inline void sort_keys(Value& v) {
    for (auto& i : v.items) sort_keys(i);
    for (auto& [_, e] : v.entries) sort_keys(e);
    auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(v.entries.begin(), v.entries.end(), by_key)) std::stable_sort(v.entries.begin(), v.entries.end(), by_key);
}
inline Value sorted(Value v) {
    sort_keys(v);
    return v;
}

// A reference as text, for canonical_json and diagnostics.
inline std::string ref_text(const Value& v) {
    if (v.target == RefTarget::input) return "input." + v.ref_name;
    std::string s = (v.target == RefTarget::lookup ? "lookup." : "") + v.ref_kind + "." + v.ref_name + "." + v.text;
    if (v.index >= 0) s += "[" + std::to_string(v.index) + "]";
    return s;
}

namespace detail {
inline nlohmann::json to_json(const Value& v) {
    switch (v.kind) {
        case Value::Kind::null: return nullptr;
        case Value::Kind::boolean: return v.flag;
        case Value::Kind::integer: return v.integer;
        case Value::Kind::string: return v.text;
        case Value::Kind::ref: return "${" + ref_text(v) + "}";
        case Value::Kind::concat: {
            std::string s;
            for (const auto& p : v.items) s += p.kind == Value::Kind::string ? p.text : "${" + ref_text(p) + "}";
            return s;
        }
        case Value::Kind::list: {
            auto a = nlohmann::json::array();
            for (const auto& i : v.items) a.push_back(to_json(i));
            return a;
        }
        case Value::Kind::object: {
            auto o = nlohmann::json::object();
            for (const auto& [k, e] : v.entries) o[k] = to_json(e);
            return o;
        }
        default: return "<" + std::to_string(static_cast<int>(v.kind)) + ">";
    }
}
}  // namespace detail

// The document's JSON text (compact, keys sorted), references as ${kind.name.attribute}.
inline std::string canonical_json(const Value& document_or_tree) {
    const Value& tree = document_or_tree.kind == Value::Kind::document ? document_or_tree.items.front() : document_or_tree;
    return detail::to_json(tree).dump();
}

}  // namespace xc::emit::lowering
