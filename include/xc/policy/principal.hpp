// Principals: who a policy names (`Principal` / `NotPrincipal`) and who makes a request, and
// how the two are matched.
//
// Matching (IAM User Guide, "AWS JSON policy elements: Principal"):
//   "*" (or {"AWS": "*"})          -> everyone, including anonymous requests          (Direct)
//   "123456789012" / ":root" ARN   -> any principal of that account; authority is
//                                     delegated to that account's identity policies  (Account)
//   role / user / session ARN      -> exactly that principal; a role ARN also matches
//                                     every assumed-role session of that role          (Direct)
//   Service / Federated / CanonicalUser -> exact, case-sensitive name equality          (Direct)
// Wildcards inside a principal ARN are invalid ("you cannot use a wildcard to match part of a
// principal name or ARN"), so the parser rejects them and matching is plain equality.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "xc/policy/arn.hpp"

namespace xc::policy {

enum class PrincipalType : std::uint8_t { AWS, Service, Federated, CanonicalUser };

inline std::string_view to_string(PrincipalType t) {
    switch (t) {
        case PrincipalType::AWS: return "AWS";
        case PrincipalType::Service: return "Service";
        case PrincipalType::Federated: return "Federated";
        case PrincipalType::CanonicalUser: return "CanonicalUser";
    }
    return "?";
}

// One entry of a policy's Principal / NotPrincipal element.
struct PrincipalEntry {
    enum class Form : std::uint8_t {
        Wildcard,  // "*"
        Account,   // "123456789012" or "arn:<partition>:iam::123456789012:root"; `account` is set
        Arn,       // any other AWS principal ARN (user, role, assumed-role session, ...)
        Name,      // Service / Federated / CanonicalUser value
    };
    PrincipalType type = PrincipalType::AWS;
    Form form = Form::Name;
    std::string value;    // as written
    std::string account;  // Form::Account only
    friend bool operator==(const PrincipalEntry&, const PrincipalEntry&) = default;
};

// The authenticated caller of a request (anonymous callers have none).
struct RequestPrincipal {
    PrincipalType type = PrincipalType::AWS;
    std::string id;  // AWS: the principal ARN; Service: "lambda.amazonaws.com"; ...

    // The account an AWS principal belongs to (from its ARN), empty for other types.
    std::string account() const { return std::string(account_view()); }
    // The same, a view of `id` (no copy: principal matching asks it once per Principal entry).
    std::string_view account_view() const {
        if (type != PrincipalType::AWS) return {};
        auto parts = split_arn(id);
        return parts ? parts->account : std::string_view();
    }
    friend bool operator==(const RequestPrincipal&, const RequestPrincipal&) = default;
};

// How strongly a statement's principal element selects the caller.
enum class PrincipalMatch : std::uint8_t {
    None,     // not selected
    Account,  // selected only through its account (needs an identity-policy allow too)
    Direct,   // selected by name, session-of-role, or "*"
};

namespace detail {
// "arn:aws:sts::111122223333:assumed-role/RoleName/session" -> ("111122223333", "RoleName")
inline std::optional<std::pair<std::string_view, std::string_view>> assumed_role_of(std::string_view arn) {
    auto parts = split_arn(arn);
    if (!parts || parts->service != "sts") return std::nullopt;
    std::string_view res = parts->resource;
    constexpr std::string_view prefix = "assumed-role/";
    if (res.substr(0, prefix.size()) != prefix) return std::nullopt;
    res.remove_prefix(prefix.size());
    auto slash = res.find('/');
    if (slash == std::string_view::npos || slash == 0) return std::nullopt;
    return std::pair{parts->account, res.substr(0, slash)};
}
// "arn:aws:iam::111122223333:role/path/RoleName" -> ("111122223333", "RoleName")
inline std::optional<std::pair<std::string_view, std::string_view>> role_of(std::string_view arn) {
    auto parts = split_arn(arn);
    if (!parts || parts->service != "iam") return std::nullopt;
    std::string_view res = parts->resource;
    constexpr std::string_view prefix = "role/";
    if (res.substr(0, prefix.size()) != prefix) return std::nullopt;
    auto slash = res.rfind('/');
    return std::pair{parts->account, res.substr(slash + 1)};
}
}  // namespace detail

// What matching asks of the caller, worked out once for all the entries of a Principal element
// (a secret shared with 500 accounts names 500 ARNs; splitting the caller's ARN per entry was
// most of a concrete decision).
struct CallerFacts {
    const RequestPrincipal* caller = nullptr;                                   // null: anonymous
    std::string_view account;                                                   // AWS principals only
    std::optional<std::pair<std::string_view, std::string_view>> role_session;  // (account, role name) of an assumed-role session
    explicit CallerFacts(const std::optional<RequestPrincipal>& c) {
        if (!c) return;
        caller = &*c;
        account = c->account_view();
        if (c->type == PrincipalType::AWS) role_session = detail::assumed_role_of(c->id);
    }
};

// Does one policy principal entry select the caller?
inline PrincipalMatch match_principal_entry(const PrincipalEntry& entry, const CallerFacts& facts) {
    if (entry.form == PrincipalEntry::Form::Wildcard) return PrincipalMatch::Direct;
    const RequestPrincipal* caller = facts.caller;
    if (!caller) return PrincipalMatch::None;  // anonymous: only "*" selects it
    if (entry.type != caller->type) return PrincipalMatch::None;
    switch (entry.form) {
        case PrincipalEntry::Form::Account:
            return facts.account == entry.account ? PrincipalMatch::Account : PrincipalMatch::None;
        case PrincipalEntry::Form::Arn: {
            if (entry.value == caller->id) return PrincipalMatch::Direct;
            if (!facts.role_session) return PrincipalMatch::None;
            // A role ARN ends with "/<role name>" (a path may come before): only such an entry needs splitting.
            const std::string_view name = facts.role_session->second;
            const std::string_view v = entry.value;
            if (v.size() <= name.size() || !v.ends_with(name) || v[v.size() - name.size() - 1] != '/') return PrincipalMatch::None;
            auto role = detail::role_of(v);
            return role && *role == *facts.role_session ? PrincipalMatch::Direct : PrincipalMatch::None;
        }
        case PrincipalEntry::Form::Name:
            return entry.value == caller->id ? PrincipalMatch::Direct : PrincipalMatch::None;
        case PrincipalEntry::Form::Wildcard: break;
    }
    return PrincipalMatch::None;
}

}  // namespace xc::policy
