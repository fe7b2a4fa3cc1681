// Condition semantics: how one `"Operator": {"key": [values]}` clause is decided on a context.
//
// These are the rules the symbolic encoder must reproduce; each is a separate function so it
// can be reused or mirrored one-to-one (IAM User Guide, "IAM JSON policy elements: Condition
// operators" and "Single-valued vs. multivalued context keys"):
//
//  1. compare_value: one policy value against one request value, for the operator without
//     its negation -> Match / NoMatch / Invalid. Invalid = the request value cannot be read as
//     the family's type (e.g. "abc" for NumericEquals), or the policy value contains a policy
//     variable with no value.
//  2. operator_holds: the operator on one request value. Policy values are OR-ed: a positive
//     operator holds if some value Matches; a negated operator holds if every value is NoMatch
//     (so an Invalid value makes both the operator and its negation false).
//  3. clause_when_key_missing: the key is absent from the context:
//       ...IfExists                -> true
//       ForAllValues:...           -> true   (vacuous: "also returns true if there's no key")
//       ForAnyValue:...            -> false
//       no qualifier, negated      -> true   (StringNotEquals on a missing key matches)
//       no qualifier, positive     -> false
//       Null                       -> value == true
//  4. key present:
//       Null                       -> value == false
//       ForAllValues:...           -> operator holds for every request value (true on an empty set)
//       ForAnyValue:...            -> operator holds for some request value (false on an empty set)
//       no qualifier, single value -> operator holds for it
//       no qualifier, multivalued  -> false. ASSUMPTION, following "Multivalued context keys
//                                     require a condition set operator": without one the clause
//                                     does not match, negated or not (matches iam-simulate).
//  5. Clauses (keys and operators) are AND-ed; multiple values of one Null clause are OR-ed.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "xc/policy/arn.hpp"
#include "xc/policy/document.hpp"
#include "xc/policy/glob.hpp"
#include "xc/policy/ip.hpp"
#include "xc/policy/request.hpp"
#include "xc/policy/scalar.hpp"
#include "xc/policy/variables.hpp"

namespace xc::policy {

enum class ValueMatch : std::uint8_t { Match, NoMatch, Invalid };

namespace detail {
template <class T>
ValueMatch ordered(Comparison c, const T& request, const T& policy) {
    bool r = false;
    switch (c) {
        case Comparison::Equals:
        case Comparison::Like: r = request == policy; break;
        case Comparison::LessThan: r = request < policy; break;
        case Comparison::LessThanEquals: r = request <= policy; break;
        case Comparison::GreaterThan: r = request > policy; break;
        case Comparison::GreaterThanEquals: r = request >= policy; break;
    }
    return r ? ValueMatch::Match : ValueMatch::NoMatch;
}
inline ValueMatch as_match(bool b) { return b ? ValueMatch::Match : ValueMatch::NoMatch; }
}  // namespace detail

// Rule 1. `context` resolves policy variables in the policy value.
inline ValueMatch compare_value(const ConditionOperator& op, const ConditionValue& policy_value,
                                std::string_view request_value, const Context& context) {
    switch (op.family) {
        case OperatorFamily::String: {
            const CaseMode mode = op.ignore_case ? CaseMode::Insensitive : CaseMode::Sensitive;
            if (policy_value.pattern) return detail::as_match(glob_match(*policy_value.pattern, request_value, mode));
            auto pattern = resolve_pattern(policy_value.value, context, op.comparison == Comparison::Like);
            if (!pattern) return ValueMatch::Invalid;
            return detail::as_match(glob_match(*pattern, request_value, mode));
        }
        case OperatorFamily::Numeric: {
            auto n = parse_number(request_value);
            if (!n || !policy_value.number) return ValueMatch::Invalid;
            return detail::ordered(op.comparison, *n, *policy_value.number);
        }
        case OperatorFamily::Date: {
            auto d = parse_date(request_value);
            if (!d || !policy_value.date) return ValueMatch::Invalid;
            return detail::ordered(op.comparison, *d, *policy_value.date);
        }
        case OperatorFamily::Bool: {
            auto request_bool = parse_bool(request_value);
            std::optional<bool> policy_bool = policy_value.boolean;
            if (!policy_bool) {
                auto text = resolve_text(policy_value.value, context);
                if (text) policy_bool = parse_bool(*text);
            }
            if (!request_bool || !policy_bool) return ValueMatch::Invalid;
            return detail::as_match(*request_bool == *policy_bool);
        }
        case OperatorFamily::Binary: {
            auto text = resolve_text(policy_value.value, context);
            if (!text) return ValueMatch::Invalid;
            return detail::as_match(*text == request_value);
        }
        case OperatorFamily::IpAddress: {
            auto address = parse_ip_address(request_value);
            if (!address || !policy_value.cidr) return ValueMatch::Invalid;
            return detail::as_match(cidr_contains(*policy_value.cidr, *address));
        }
        case OperatorFamily::Arn: {
            auto request_arn = split_arn(request_value);
            if (!request_arn) return ValueMatch::Invalid;
            if (policy_value.arn) return detail::as_match(arn_matches(*policy_value.arn, *request_arn));
            if (!policy_value.value.has_variables) return ValueMatch::Invalid;  // not a six-part ARN
            auto pattern = resolve_pattern(policy_value.value, context, true);
            if (!pattern) return ValueMatch::Invalid;
            auto arn = compile_arn_pattern(*pattern, /*allow_short=*/false);
            if (!arn) return ValueMatch::Invalid;
            return detail::as_match(arn_matches(*arn, *request_arn));
        }
        case OperatorFamily::Null: break;  // decided by presence, see evaluate_clause
    }
    return ValueMatch::Invalid;
}

// Rule 2.
inline bool operator_holds(const ConditionClause& clause, std::string_view request_value, const Context& context) {
    if (!clause.op.negated) {
        for (const auto& v : clause.values)
            if (compare_value(clause.op, v, request_value, context) == ValueMatch::Match) return true;
        return false;
    }
    for (const auto& v : clause.values)
        if (compare_value(clause.op, v, request_value, context) != ValueMatch::NoMatch) return false;
    return true;
}

// Rule 3 (Null handled by the caller, it needs the values).
inline bool clause_when_key_missing(const ConditionOperator& op) {
    if (op.if_exists) return true;
    switch (op.set) {
        case SetQualifier::ForAllValues: return true;
        case SetQualifier::ForAnyValue: return false;
        case SetQualifier::None: return op.negated;
    }
    return false;
}

// Rules 3 and 4 for one clause.
inline bool evaluate_clause(const ConditionClause& clause, const Context& context) {
    const ContextValue* present = context.find_lower(clause.key_lower);
    if (clause.op.family == OperatorFamily::Null) {
        const bool key_missing = present == nullptr;
        for (const auto& v : clause.values)
            if (v.boolean && *v.boolean == key_missing) return true;
        return false;
    }
    if (!present) return clause_when_key_missing(clause.op);
    switch (clause.op.set) {
        case SetQualifier::ForAllValues:
            for (const auto& x : present->values)
                if (!operator_holds(clause, x, context)) return false;
            return true;
        case SetQualifier::ForAnyValue:
            for (const auto& x : present->values)
                if (operator_holds(clause, x, context)) return true;
            return false;
        case SetQualifier::None:
            if (present->multi_valued || present->values.size() != 1) return false;
            return operator_holds(clause, present->values.front(), context);
    }
    return false;
}

// Rule 5.
inline bool evaluate_conditions(const std::vector<ConditionClause>& clauses, const Context& context) {
    for (const auto& c : clauses)
        if (!evaluate_clause(c, context)) return false;
    return true;
}

}  // namespace xc::policy
