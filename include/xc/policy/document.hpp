// The typed AST of an IAM policy document, as produced by parse() (parse.hpp).
//
// This is the contract between the parser, the concrete evaluator (evaluate.hpp) and the
// symbolic encoder: everything the evaluation needs is here in decoded form (operators split
// into family / negation / IfExists / set qualifier / IgnoreCase, values pre-read as numbers,
// dates, CIDRs, patterns), with the text as written kept for messages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xc/policy/arn.hpp"
#include "xc/policy/glob.hpp"
#include "xc/policy/ip.hpp"
#include "xc/policy/principal.hpp"
#include "xc/policy/scalar.hpp"
#include "xc/policy/variables.hpp"

namespace xc::policy {

enum class PolicyVersion : std::uint8_t {
    V2012_10_17,  // current language: policy variables are substituted
    V2008_10_17,  // legacy (and the default when Version is absent): `${...}` is literal text
};

enum class Effect : std::uint8_t { Allow, Deny };

inline std::string_view to_string(Effect e) { return e == Effect::Allow ? "Allow" : "Deny"; }

// ---- Principal / NotPrincipal ------------------------------------------------------------------

struct PrincipalSpec {
    bool negated = false;                // NotPrincipal
    std::vector<PrincipalEntry> entries;  // `"*"` is one AWS entry of Form::Wildcard

    // A long list's entries by the one account each can select, so that matching a caller reads
    // its account's entries and the others ("*", service and federated names), not every entry:
    // the policies of a secret shared with 10,000 accounts name all of them, and deciding each
    // reader's request scanned them all (quadratic in the accounts). An account entry selects
    // callers of its account only, and an ARN entry (user, role, session) callers of the ARN's
    // account only (match_principal_entry), so the entries skipped cannot select the caller.
    // parse() builds it; principal_matches uses it only while it covers exactly `entries`.
    struct AccountIndex {
        std::vector<std::pair<std::string, std::uint32_t>> by_account;  // (account, entry), sorted
        std::vector<std::uint32_t> others;                               // entries of no one account
        bool covers(std::size_t entries) const { return !by_account.empty() && by_account.size() + others.size() == entries; }
    };
    AccountIndex index;
    static constexpr std::size_t indexed_from = 16;  // entries; a shorter list is scanned

    void index_by_account() {
        index = {};
        if (entries.size() < indexed_from) return;
        for (std::uint32_t i = 0; i < entries.size(); ++i) {
            const auto& e = entries[i];
            std::string_view account;
            if (e.type == PrincipalType::AWS && e.form == PrincipalEntry::Form::Account) account = e.account;
            else if (e.type == PrincipalType::AWS && e.form == PrincipalEntry::Form::Arn)
                if (auto parts = split_arn(e.value)) account = parts->account;
            if (account.empty()) index.others.push_back(i);
            else index.by_account.emplace_back(std::string(account), i);
        }
        std::sort(index.by_account.begin(), index.by_account.end());
    }

    // The index is derived from the entries: two specs are equal when their entries are.
    friend bool operator==(const PrincipalSpec& a, const PrincipalSpec& b) { return a.negated == b.negated && a.entries == b.entries; }
};

// ---- Action / NotAction ------------------------------------------------------------------------

// "service:Action" with `*`/`?`, matched case-insensitively against the whole request action
// (IAM: "action names are case-insensitive"). "*" matches every action.
struct ActionPattern {
    std::string text;
    GlobPattern pattern;
    friend bool operator==(const ActionPattern&, const ActionPattern&) = default;
};

struct ActionSpec {
    bool negated = false;  // NotAction
    std::vector<ActionPattern> patterns;
    friend bool operator==(const ActionSpec&, const ActionSpec&) = default;
};

// ---- Resource / NotResource --------------------------------------------------------------------

struct ResourcePattern {
    enum class Kind : std::uint8_t {
        Any,        // "*"
        Arn,        // an ARN pattern (arn.hpp rules); `arn` set unless it has variables
        Shorthand,  // "execute-api:/stage/METHOD/path": needs attach_to_api() before it matches
    };
    Kind kind = Kind::Arn;
    std::string text;            // as written
    ValueTemplate value;         // text split into literal text and policy variables
    std::optional<ArnPattern> arn;  // precompiled when the text has no variables
    friend bool operator==(const ResourcePattern&, const ResourcePattern&) = default;
};

struct ResourceSpec {
    enum class Kind : std::uint8_t {
        Absent,       // neither element (e.g. role trust policies): every resource
        Resource,
        NotResource,
    };
    Kind kind = Kind::Absent;
    std::vector<ResourcePattern> patterns;
    friend bool operator==(const ResourceSpec&, const ResourceSpec&) = default;
};

// ---- Condition ----------------------------------------------------------------------------------

enum class OperatorFamily : std::uint8_t { String, Numeric, Date, Bool, Binary, IpAddress, Arn, Null };

enum class Comparison : std::uint8_t {
    Equals,             // String/Numeric/Date/Bool/Binary/Arn equality, IpAddress containment, Null
    Like,               // StringLike, ArnLike: `*` and `?` are wildcards
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
};

enum class SetQualifier : std::uint8_t { None, ForAnyValue, ForAllValues };

// A decoded condition operator, e.g. "ForAllValues:StringNotEqualsIgnoreCaseIfExists" =
// {String, Equals, negated, ignore_case, if_exists, ForAllValues}.
struct ConditionOperator {
    OperatorFamily family = OperatorFamily::String;
    Comparison comparison = Comparison::Equals;
    bool negated = false;      // StringNotEquals, NumericNotEquals, DateNotEquals, NotIpAddress, Arn/StringNotLike, ArnNotEquals
    bool ignore_case = false;  // String...IgnoreCase
    bool if_exists = false;    // ...IfExists
    SetQualifier set = SetQualifier::None;
    std::string name;          // as written
    friend bool operator==(const ConditionOperator&, const ConditionOperator&) = default;
};

// One policy value of a condition key, pre-read for its operator family.
struct ConditionValue {
    std::string text;                  // as written (JSON numbers / booleans as their JSON text)
    ValueTemplate value;               // for String / Arn / Bool / Binary: text and variables
    std::optional<GlobPattern> pattern;  // String family without variables: the compiled pattern
    std::optional<ArnPattern> arn;     // Arn family without variables; nullopt if the value has
                                       // fewer than six components: it then matches nothing
                                       // (ValueMatch::Invalid), as Arn* compare six components
    std::optional<double> number;      // Numeric
    std::optional<EpochMillis> date;   // Date
    std::optional<bool> boolean;       // Bool without variables, Null
    std::optional<IpCidr> cidr;        // IpAddress
    friend bool operator==(const ConditionValue&, const ConditionValue&) = default;
};

// `"Operator": {"key": [values]}` for one key. Values are OR-ed; clauses are AND-ed.
struct ConditionClause {
    ConditionOperator op;
    std::string key;        // as written
    std::string key_lower;  // condition keys are case-insensitive
    std::vector<ConditionValue> values;
    friend bool operator==(const ConditionClause&, const ConditionClause&) = default;
};

// ---- Statement / Policy --------------------------------------------------------------------------

struct Statement {
    std::size_t index = 0;  // position in the Statement array (0 when Statement is an object)
    std::optional<std::string> sid;
    Effect effect = Effect::Allow;
    std::optional<PrincipalSpec> principal;  // absent in identity policies
    ActionSpec action;
    ResourceSpec resource;
    std::vector<ConditionClause> conditions;
    friend bool operator==(const Statement&, const Statement&) = default;
};

struct Policy {
    PolicyVersion version = PolicyVersion::V2008_10_17;
    bool version_given = false;
    std::optional<std::string> id;
    std::vector<Statement> statements;  // never empty
    friend bool operator==(const Policy&, const Policy&) = default;
};

}  // namespace xc::policy
