// Typed reading of JSON with path-precise diagnostics (internal to the JSON front end).
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/error.hpp>
#include <xc/model/net.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace xc::input::json::detail {

using json = nlohmann::json;
using model::CidrError;
using model::Ipv4Cidr;
using model::parse_ipv4_cidr;

inline std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::string: return "a string";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        case json::value_t::number_float: return "a number";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        default: return v.type_name();
    }
}

// A view of one JSON object being read: checks its members against the allowed set and reads
// them with type checks. Every failure is reported to `Diagnostics` with the member's path;
// the reading functions then return nullopt so the caller can carry on.
class ObjectReader {
public:
    using Member = json::object_t::value_type;
    // `allowed` is only read here (a list written at the call, or a table): nothing is copied.
    ObjectReader(Diagnostics& diags, const json& node, std::string path, std::initializer_list<std::string_view> allowed,
                 std::string_view what)
        : ObjectReader(diags, node, std::move(path), std::span<const std::string_view>(allowed.begin(), allowed.size()), what) {}
    ObjectReader(Diagnostics& diags, const json& node, std::string path, std::span<const std::string_view> allowed,
                 std::string_view what)
        : ObjectReader(diags, node, {}, std::move(path), allowed, what) {}
    // An object whose members are partly `node`'s and partly `borrowed`: members of another object
    // read in place (see ModelLoader::read_service). Their keys are not `node`'s, and they come in
    // key order, as a JSON object's members do.
    ObjectReader(Diagnostics& diags, const json& node, std::span<const Member* const> borrowed, std::string path,
                 std::span<const std::string_view> allowed, std::string_view what)
        : diags_(diags), node_(node), borrowed_(borrowed), path_(std::move(path)) {
        if (!node_.is_object()) {
            diags_.error(path_, "expected " + std::string(what) + " (an object), found " + describe(node_));
            ok_ = false;
            return;
        }
        auto check = [&](const std::string& key) {
            for (auto a : allowed)
                if (a == key) return;
            if (key == "$schema" && path_.empty()) return;
            std::vector<std::string> names(allowed.begin(), allowed.end());
            diags_.error(json_pointer::join(path_, key), "unknown field '" + key + "' in " + std::string(what),
                         did_you_mean(key, names));
        };
        // Both in key order, merged: the messages come in the order they would for one object.
        const auto& own = node_.get_ref<const json::object_t&>();
        auto next = borrowed_.begin();
        for (const auto& [key, _] : own) {
            for (; next != borrowed_.end() && (*next)->first < key; ++next) check((*next)->first);
            check(key);
        }
        for (; next != borrowed_.end(); ++next) check((*next)->first);
    }

    bool ok() const { return ok_; }
    const std::string& path() const { return path_; }
    std::string path(std::string_view key) const { return json_pointer::join(path_, key); }
    bool has(std::string_view key) const { return get(key) != nullptr; }
    const json* get(std::string_view key) const {
        if (!ok_) return nullptr;
        if (auto it = node_.find(key); it != node_.end()) return &*it;
        for (const Member* m : borrowed_)
            if (m->first == key) return &m->second;
        return nullptr;
    }
    Diagnostics& diagnostics() const { return diags_; }

    // A required member: reports "missing required field" when absent.
    const json* require(std::string_view key, std::string_view expected) const {
        return require(key, [&] { return std::string(expected); });
    }
    // The same, with what was expected described only when it is missing (most members are not:
    // the description is not built for every one read).
    template <class Describe>  // std::string()
    const json* require(std::string_view key, Describe&& expected) const
        requires std::is_invocable_r_v<std::string, Describe>
    {
        if (!ok_) return nullptr;
        const json* v = get(key);
        if (!v) diags_.error(path_, "missing required field '" + std::string(key) + "' (" + expected() + ")");
        return v;
    }

    std::optional<std::string> string(std::string_view key, bool required, std::string_view expected = "a string") const {
        const json* v = required ? require(key, expected) : get(key);
        if (!v) return std::nullopt;
        if (!v->is_string() || v->get_ref<const std::string&>().empty()) {
            diags_.error(path(key), "expected " + std::string(expected) + ", found " +
                                        (v->is_string() ? std::string("an empty string") : describe(*v)));
            return std::nullopt;
        }
        return v->get<std::string>();
    }

    std::optional<bool> boolean(std::string_view key, bool required = false) const {
        const json* v = required ? require(key, "true or false") : get(key);
        if (!v) return std::nullopt;
        if (!v->is_boolean()) {
            diags_.error(path(key), "expected true or false, found " + describe(*v));
            return std::nullopt;
        }
        return v->get<bool>();
    }

    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min, std::int64_t max) const {
        auto expected = [&] { return "an integer from " + std::to_string(min) + " to " + std::to_string(max); };
        const json* v = required ? require(key, expected) : get(key);
        if (!v) return std::nullopt;
        if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) ||
            v->get<std::int64_t>() < min || v->get<std::int64_t>() > max) {
            diags_.error(path(key), "expected " + expected() + ", found " + (v->is_number() ? v->dump() : describe(*v)));
            return std::nullopt;
        }
        return v->get<std::int64_t>();
    }

    // A member that must be one of `choices`.
    std::optional<std::string> choice(std::string_view key, bool required, std::initializer_list<std::string_view> choices) const {
        auto expected = [&] {
            std::string text = "one of";
            for (auto c : choices) text += (text.size() > 6 ? ", '" : " '") + std::string(c) + "'";
            return text;
        };
        const json* v = required ? require(key, expected) : get(key);
        if (!v) return std::nullopt;
        if (v->is_string()) {
            for (auto c : choices)
                if (c == v->get_ref<const std::string&>()) return std::string(c);
            std::vector<std::string> names(choices.begin(), choices.end());
            diags_.error(path(key), "expected " + expected() + ", found '" + v->get<std::string>() + "'",
                         did_you_mean(v->get<std::string>(), names));
            return std::nullopt;
        }
        diags_.error(path(key), "expected " + expected() + ", found " + describe(*v));
        return std::nullopt;
    }

    // An array of non-empty strings; `non_empty` requires at least one element.
    std::optional<std::vector<std::string>> strings(std::string_view key, bool required, bool non_empty = false) const {
        const json* v = required ? require(key, "an array of strings") : get(key);
        if (!v) return std::nullopt;
        if (!v->is_array()) {
            diags_.error(path(key), "expected an array of strings, found " + describe(*v));
            return std::nullopt;
        }
        if (non_empty && v->empty()) {
            diags_.error(path(key), "expected at least one element");
            return std::nullopt;
        }
        std::vector<std::string> out;
        bool good = true;
        for (std::size_t i = 0; i < v->size(); ++i) {
            const json& e = (*v)[i];
            if (!e.is_string() || e.get_ref<const std::string&>().empty()) {
                diags_.error(json_pointer::join(path(key), i), "expected a non-empty string, found " +
                                                                    (e.is_string() ? std::string("an empty string") : describe(e)));
                good = false;
                continue;
            }
            std::string s = e.get<std::string>();
            for (std::size_t j = 0; j < out.size(); ++j)
                if (out[j] == s) {
                    diags_.error(json_pointer::join(path(key), i), "duplicate entry '" + s + "' (also at index " + std::to_string(j) + ")");
                    good = false;
                }
            out.push_back(std::move(s));
        }
        if (!good) return std::nullopt;
        return out;
    }

    std::optional<Ipv4Cidr> cidr(std::string_view key, bool required) const {
        auto s = string(key, required, "an IPv4 CIDR block such as \"10.0.0.0/16\"");
        if (!s) return std::nullopt;
        return parse_cidr_at(diags_, path(key), *s);
    }

    static std::optional<Ipv4Cidr> parse_cidr_at(Diagnostics& diags, const std::string& path, const std::string& s) {
        CidrError e{};
        auto c = parse_ipv4_cidr(s, &e);
        if (!c) {
            if (e == CidrError::host_bits) {
                diags.error(path, "invalid CIDR '" + s + "': host bits are set after the /" + s.substr(s.find('/') + 1) +
                                      " prefix");
            } else {
                diags.error(path, "invalid CIDR '" + s + "': expected a.b.c.d/n with octets 0-255 and n 0-32");
            }
        }
        return c;
    }

    // Calls `f(name, value, path)` for each member of an object-valued member (a named
    // collection such as "subnets").
    template <class F>  // void(const std::string&, const json&, const std::string&)
    void each_member(std::string_view key, bool required, std::string_view what, F&& f) const {
        const json* v = required ? require(key, [&] { return "an object of " + std::string(what); }) : get(key);
        if (!v) return;
        if (!v->is_object()) {
            diags_.error(path(key), "expected an object of " + std::string(what) + " by name, found " + describe(*v));
            return;
        }
        const std::string collection = path(key);
        for (const auto& [name, value] : v->items()) f(name, value, json_pointer::join(collection, name));
    }

    // Calls `f(index, value, path)` for each element of an array-valued member.
    template <class F>  // void(std::size_t, const json&, const std::string&)
    void each_element(std::string_view key, bool required, std::string_view what, F&& f) const {
        const json* v = required ? require(key, [&] { return "an array of " + std::string(what); }) : get(key);
        if (!v) return;
        if (!v->is_array()) {
            diags_.error(path(key), "expected an array of " + std::string(what) + ", found " + describe(*v));
            return;
        }
        const std::string array = path(key);
        for (std::size_t i = 0; i < v->size(); ++i) f(i, (*v)[i], json_pointer::join(array, i));
    }

private:
    Diagnostics& diags_;
    const json& node_;
    std::span<const Member* const> borrowed_;
    std::string path_;
    bool ok_ = true;
};

// Names of resources: what users type as keys and references.
inline bool is_valid_name(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (!alnum(s.front())) return false;
    for (char c : s)
        if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
    return true;
}

inline bool is_account_id(std::string_view s) {
    if (s.size() != 12) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// arn:partition:service:region:account:resource — the generic shape every ARN has.
struct ArnParts {
    std::string partition, service, region, account, resource;
};

inline std::optional<ArnParts> split_arn(std::string_view s) {
    ArnParts p;
    std::string* fields[] = {nullptr, &p.partition, &p.service, &p.region, &p.account};
    if (s.rfind("arn:", 0) != 0) return std::nullopt;
    std::size_t pos = 0;
    for (int i = 0; i < 5; ++i) {
        auto colon = s.find(':', pos);
        if (colon == std::string_view::npos) return std::nullopt;
        if (fields[i]) *fields[i] = std::string(s.substr(pos, colon - pos));
        pos = colon + 1;
    }
    p.resource = std::string(s.substr(pos));
    if (p.partition != "aws" && p.partition != "aws-cn" && p.partition != "aws-us-gov") return std::nullopt;
    if (p.service.empty() || p.resource.empty()) return std::nullopt;
    if (!p.account.empty() && !is_account_id(p.account) && p.account != "aws") return std::nullopt;
    return p;
}

}  // namespace xc::input::json::detail
