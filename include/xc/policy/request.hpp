// A concrete request: caller (or anonymous), action, resource and the request context.
//
// The context maps condition keys (case-insensitive: stored lower-cased) to text values. A key
// is single-valued (exactly one value) or multivalued (a set, possibly empty) — the IAM
// distinction of "Single-valued vs. multivalued context keys" (IAM User Guide): multivalued
// keys need ForAnyValue/ForAllValues, and cannot be used as policy variables. Values are typed
// by the operator that reads them (scalar.hpp, ip.hpp), not by the context.
//
// The context is taken as given: the evaluator does not derive aws:PrincipalArn,
// aws:PrincipalAccount, ... from the caller. The model that builds requests must put every key
// AWS would send (and only those) in the context.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xc/policy/glob.hpp"
#include "xc/policy/principal.hpp"

namespace xc::policy {

struct ContextValue {
    std::vector<std::string> values;
    bool multi_valued = false;  // false: exactly one value
    friend bool operator==(const ContextValue&, const ContextValue&) = default;
};

class Context {
public:
    struct Entry {
        std::string key;        // as given
        std::string key_lower;  // lookup key
        ContextValue value;
    };

    // Sets a single-valued key (replacing any earlier value of the same key).
    Context& set(std::string_view key, std::string value) {
        put(key, ContextValue{{std::move(value)}, false});
        return *this;
    }
    // Sets a multivalued key; an empty set is a present key with no values.
    Context& set_multi(std::string_view key, std::vector<std::string> values) {
        put(key, ContextValue{std::move(values), true});
        return *this;
    }
    void erase(std::string_view key) {
        auto lower = ascii_lower(key);
        std::erase_if(entries_, [&](const Entry& e) { return e.key_lower == lower; });
    }
    // `key_lower` must already be lower-case (the parser stores condition keys that way).
    const ContextValue* find_lower(std::string_view key_lower) const {
        for (const auto& e : entries_)
            if (e.key_lower == key_lower) return &e.value;
        return nullptr;
    }
    const ContextValue* find(std::string_view key) const { return find_lower(ascii_lower(key)); }
    const std::vector<Entry>& entries() const { return entries_; }

private:
    void put(std::string_view key, ContextValue v) {
        auto lower = ascii_lower(key);
        for (auto& e : entries_)
            if (e.key_lower == lower) {
                e.key = std::string(key);
                e.value = std::move(v);
                return;
            }
        entries_.push_back(Entry{std::string(key), std::move(lower), std::move(v)});
    }
    std::vector<Entry> entries_;
};

struct Request {
    std::optional<RequestPrincipal> principal;  // nullopt: anonymous (unsigned) request
    std::string action;                         // "execute-api:Invoke"
    std::string resource;                       // the resource ARN
    std::string resource_account;               // account owning the resource
    Context context;

    bool anonymous() const { return !principal.has_value(); }
};

}  // namespace xc::policy
