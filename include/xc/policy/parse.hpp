// Parser: policy JSON -> Policy (document.hpp), or xc::InputError naming the JSON Pointer of
// the offending value and what was expected.
//
// Strictness decisions (documented so the verifier and users can rely on them):
//  * Top level: only Version, Id, Statement. Version must be "2012-10-17" or "2008-10-17"; when
//    absent the policy is read as 2008-10-17 (AWS's default), where `${...}` is literal text.
//  * Statement: an object or a non-empty array of objects; an empty array is an error (a policy
//    that says nothing is almost certainly a mistake, and AWS rejects it on save).
//  * Statement keys: Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
//    NotResource, Condition — anything else (including different capitalisation) is an error.
//  * Effect is exactly "Allow" or "Deny". Exactly one of Action / NotAction. At most one of
//    Principal / NotPrincipal, of Resource / NotResource. Neither Resource nor NotResource is
//    accepted (role trust policies) and means "any resource".
//  * Principal: "*" or an object with AWS / Service / Federated / CanonicalUser, each a string
//    or a non-empty array. AWS values: "*", a 12-digit account id, or an iam/sts ARN without
//    wildcards (":root" ARNs are account principals).
//  * Action: "*" or "service:pattern". Resource: "*", an ARN (pattern), or the API Gateway
//    shorthand "execute-api:/...". No wildcard in an ARN's service segment.
//  * Condition: every operator IAM documents, with optional "ForAnyValue:"/"ForAllValues:"
//    prefix and "IfExists" suffix (operator names case-insensitive); values are strings,
//    numbers or booleans (string or non-empty array) and must be readable by the operator
//    family (numbers, dates, CIDRs, true/false, base64, "arn:..." text). Null takes neither
//    IfExists nor a set qualifier.
//  * Limits (PolicyLimits, checked before anything else): the policy's size as compact JSON (as
//    IAM counts it: whitespace outside strings does not count), statements per policy, the
//    length of every string (keys included: actions, resources, principals, condition values
//    are the glob patterns the verifier's automata are built from), and nesting depth.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "xc/detail/json_text.hpp"
#include "xc/diagnostic.hpp"
#include "xc/policy/arn.hpp"
#include "xc/policy/document.hpp"

namespace xc::policy {

// Resource limits on one policy document; exceeding one is an InputError naming the limit.
// Generous next to AWS's own (managed policy 6,144 characters, S3/Lambda 20 KiB, KMS 32 KiB).
struct PolicyLimits {
    std::size_t max_bytes = 64u * 1024u;  // compact JSON size, strings counted unescaped
    std::size_t max_statements = 1024;    // entries of the Statement array
    std::size_t max_string_length = 2048;  // any key or string value, e.g. a resource pattern
    std::size_t max_depth = 64;           // nesting of arrays/objects
};

namespace detail {

struct OperatorName {
    std::string_view name;
    OperatorFamily family;
    Comparison comparison;
    bool negated;
    bool ignore_case;
};

inline constexpr std::array<OperatorName, 27> operator_names{{
    {"StringEquals", OperatorFamily::String, Comparison::Equals, false, false},
    {"StringNotEquals", OperatorFamily::String, Comparison::Equals, true, false},
    {"StringEqualsIgnoreCase", OperatorFamily::String, Comparison::Equals, false, true},
    {"StringNotEqualsIgnoreCase", OperatorFamily::String, Comparison::Equals, true, true},
    {"StringLike", OperatorFamily::String, Comparison::Like, false, false},
    {"StringNotLike", OperatorFamily::String, Comparison::Like, true, false},
    {"NumericEquals", OperatorFamily::Numeric, Comparison::Equals, false, false},
    {"NumericNotEquals", OperatorFamily::Numeric, Comparison::Equals, true, false},
    {"NumericLessThan", OperatorFamily::Numeric, Comparison::LessThan, false, false},
    {"NumericLessThanEquals", OperatorFamily::Numeric, Comparison::LessThanEquals, false, false},
    {"NumericGreaterThan", OperatorFamily::Numeric, Comparison::GreaterThan, false, false},
    {"NumericGreaterThanEquals", OperatorFamily::Numeric, Comparison::GreaterThanEquals, false, false},
    {"DateEquals", OperatorFamily::Date, Comparison::Equals, false, false},
    {"DateNotEquals", OperatorFamily::Date, Comparison::Equals, true, false},
    {"DateLessThan", OperatorFamily::Date, Comparison::LessThan, false, false},
    {"DateLessThanEquals", OperatorFamily::Date, Comparison::LessThanEquals, false, false},
    {"DateGreaterThan", OperatorFamily::Date, Comparison::GreaterThan, false, false},
    {"DateGreaterThanEquals", OperatorFamily::Date, Comparison::GreaterThanEquals, false, false},
    {"Bool", OperatorFamily::Bool, Comparison::Equals, false, false},
    {"BinaryEquals", OperatorFamily::Binary, Comparison::Equals, false, false},
    {"IpAddress", OperatorFamily::IpAddress, Comparison::Equals, false, false},
    {"NotIpAddress", OperatorFamily::IpAddress, Comparison::Equals, true, false},
    {"ArnEquals", OperatorFamily::Arn, Comparison::Equals, false, false},
    {"ArnLike", OperatorFamily::Arn, Comparison::Like, false, false},
    {"ArnNotEquals", OperatorFamily::Arn, Comparison::Equals, true, false},
    {"ArnNotLike", OperatorFamily::Arn, Comparison::Like, true, false},
    {"Null", OperatorFamily::Null, Comparison::Equals, false, false},
}};

// "did you mean" for a misspelt operator: operators are matched case-insensitively, so is the
// suggestion (xc::did_you_mean on lower-cased names), then shown in its documented spelling.
inline std::string closest_operator(std::string_view name) {
    std::vector<std::string> lowered;
    for (const auto& op : operator_names) lowered.push_back(ascii_lower(op.name));
    std::string hint = xc::did_you_mean(ascii_lower(name), lowered);
    for (const auto& op : operator_names)
        if (hint == "did you mean '" + ascii_lower(op.name) + "'?") return "did you mean '" + std::string(op.name) + "'?";
    return hint;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}
inline bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace detail

// Decodes an operator name; nullopt if it is not one IAM documents.
inline std::optional<ConditionOperator> parse_condition_operator(std::string_view name) {
    ConditionOperator op;
    op.name = std::string(name);
    std::string_view base = name;
    if (detail::istarts_with(base, "ForAnyValue:")) {
        op.set = SetQualifier::ForAnyValue;
        base.remove_prefix(12);
    } else if (detail::istarts_with(base, "ForAllValues:")) {
        op.set = SetQualifier::ForAllValues;
        base.remove_prefix(13);
    }
    auto lookup = [](std::string_view n) -> const detail::OperatorName* {
        for (const auto& entry : detail::operator_names)
            if (iequals(entry.name, n)) return &entry;
        return nullptr;
    };
    const detail::OperatorName* entry = lookup(base);
    if (!entry && detail::iends_with(base, "IfExists")) {
        entry = lookup(base.substr(0, base.size() - 8));
        op.if_exists = entry != nullptr;
    }
    if (!entry) return std::nullopt;
    op.family = entry->family;
    op.comparison = entry->comparison;
    op.negated = entry->negated;
    op.ignore_case = entry->ignore_case;
    return op;
}

namespace detail {

using nlohmann::json;
namespace jp = xc::json_pointer;

inline std::string type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::binary: return "binary data";
        case json::value_t::discarded: return "nothing";
        default: return "a number";
    }
}

[[noreturn]] inline void fail(const std::string& path, std::string message, std::string hint = {}) {
    throw InputError(path, std::move(message), std::move(hint));
}

// A string or a non-empty array of strings, with the path of each.
inline std::vector<std::pair<std::string, std::string>> string_list(const json& v, const std::string& path,
                                                                     std::string_view what) {
    std::vector<std::pair<std::string, std::string>> out;
    if (v.is_string()) {
        out.emplace_back(v.get<std::string>(), path);
        return out;
    }
    if (!v.is_array()) fail(path, std::string(what) + " must be a string or an array of strings, not " + type_name(v));
    if (v.empty()) fail(path, std::string(what) + " must not be an empty array");
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string())
            fail(jp::join(path, i), std::string(what) + " entries must be strings, not " + type_name(v[i]));
        out.emplace_back(v[i].get<std::string>(), jp::join(path, i));
    }
    return out;
}

// Checks depth and string lengths, and adds the value's compact JSON size to `size`; throws at
// the first limit exceeded (the walk stops there, so its cost is bounded by the limits).
inline void check_limits(const json& v, const jp::Lazy& path, std::size_t depth, std::size_t& size,
                         const PolicyLimits& limits) {
    auto string_ok = [&](const std::string& s, const jp::Lazy& at) {
        if (s.size() > limits.max_string_length)
            fail(at.str(), "string of " + std::to_string(s.size()) + " characters; the limit is " +
                               std::to_string(limits.max_string_length));
        size += s.size() + 2;
    };
    if (v.is_object() || v.is_array()) {
        if (depth >= limits.max_depth)
            fail(path.str(), "policy nested deeper than " + std::to_string(limits.max_depth) + " levels");
        size += v.empty() ? 2 : v.size() + 1;  // brackets and separators
    }
    if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) {
            const jp::Lazy member = path.member(it.key());
            string_ok(it.key(), member);
            ++size;  // ':'
            check_limits(it.value(), member, depth + 1, size, limits);
        }
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) check_limits(v[i], path.element(i), depth + 1, size, limits);
    } else if (v.is_string()) {
        string_ok(v.get_ref<const std::string&>(), path);
    } else {
        size += v.dump().size();
    }
    if (size > limits.max_bytes)
        fail(path.str(), "policy is larger than " + std::to_string(limits.max_bytes) + " bytes (compact JSON), the limit",
             "split it into several policies");
}

inline bool is_account_id(std::string_view s) {
    if (s.size() != 12) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

inline PrincipalEntry parse_aws_principal(const std::string& value, const std::string& path) {
    PrincipalEntry e;
    e.type = PrincipalType::AWS;
    e.value = value;
    if (value == "*") {
        e.form = PrincipalEntry::Form::Wildcard;
        return e;
    }
    if (is_account_id(value)) {
        e.form = PrincipalEntry::Form::Account;
        e.account = value;
        return e;
    }
    auto parts = split_arn(value);
    if (!parts)
        fail(path, "expected \"*\", a 12-digit account id or an IAM/STS principal ARN, got '" + value + "'");
    if (parts->service != "iam" && parts->service != "sts")
        fail(path, "principal ARN '" + value + "' must be an iam or sts ARN");
    if (value.find_first_of("*?") != std::string::npos)
        fail(path, "wildcards are not allowed inside a principal ARN ('" + value + "')",
             "use \"*\" with an aws:PrincipalArn ArnLike condition instead");
    if (!is_account_id(parts->account))
        fail(path, "principal ARN '" + value + "' must name a 12-digit account");
    if (parts->service == "iam" && parts->resource == "root") {
        e.form = PrincipalEntry::Form::Account;
        e.account = std::string(parts->account);
        return e;
    }
    e.form = PrincipalEntry::Form::Arn;
    return e;
}

inline PrincipalSpec parse_principal(const json& v, const std::string& path, bool negated) {
    PrincipalSpec spec;
    spec.negated = negated;
    const char* element = negated ? "NotPrincipal" : "Principal";
    if (v.is_string()) {
        if (v.get<std::string>() != "*")
            fail(path, std::string(element) + " as a string must be \"*\"",
                 "name principals with an object, e.g. {\"AWS\": \"arn:aws:iam::111122223333:root\"}");
        spec.entries.push_back({PrincipalType::AWS, PrincipalEntry::Form::Wildcard, "*", {}});
        return spec;
    }
    if (!v.is_object())
        fail(path, std::string(element) + " must be \"*\" or an object with AWS/Service/Federated/CanonicalUser, not " +
                       type_name(v));
    if (v.empty()) fail(path, std::string(element) + " must name at least one principal");
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string& key = it.key();
        std::string kpath = jp::join(path, key);
        PrincipalType type;
        if (key == "AWS") type = PrincipalType::AWS;
        else if (key == "Service") type = PrincipalType::Service;
        else if (key == "Federated") type = PrincipalType::Federated;
        else if (key == "CanonicalUser") type = PrincipalType::CanonicalUser;
        else
            fail(kpath, "unknown principal type '" + key + "'",
                 "expected one of AWS, Service, Federated, CanonicalUser");
        for (auto& [value, vpath] : string_list(it.value(), kpath, std::string(element) + "." + key)) {
            if (value.empty()) fail(vpath, "principal must not be empty");
            if (type == PrincipalType::AWS) {
                spec.entries.push_back(parse_aws_principal(value, vpath));
                continue;
            }
            if (value.find_first_of("*?") != std::string::npos)
                fail(vpath, "wildcards are not allowed in a " + key + " principal ('" + value + "')");
            spec.entries.push_back({type, PrincipalEntry::Form::Name, value, {}});
        }
    }
    spec.index_by_account();
    return spec;
}

inline ActionSpec parse_actions(const json& v, const std::string& path, bool negated) {
    ActionSpec spec;
    spec.negated = negated;
    const char* element = negated ? "NotAction" : "Action";
    for (auto& [text, apath] : string_list(v, path, element)) {
        if (text != "*") {
            auto colon = text.find(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
                text.find(':', colon + 1) != std::string::npos)
                fail(apath, "action '" + text + "' must be \"*\" or \"service:action\" (e.g. execute-api:Invoke)");
            if (text.find_first_of(" \t") != std::string::npos)
                fail(apath, "action '" + text + "' must not contain whitespace");
        }
        spec.patterns.push_back({text, GlobPattern::wildcards(text)});
    }
    return spec;
}

inline ResourcePattern parse_resource(const std::string& text, const std::string& path, bool variables) {
    ResourcePattern r;
    r.text = text;
    if (text == "*") {
        r.kind = ResourcePattern::Kind::Any;
        return r;
    }
    if (is_execute_api_shorthand(text)) {
        r.kind = ResourcePattern::Kind::Shorthand;
        return r;
    }
    if (text.rfind("arn:", 0) != 0)
        fail(path, "resource '" + text + "' must be \"*\", an ARN, or the API Gateway form execute-api:/stage/METHOD/path");
    std::string error;
    r.value = parse_template(text, variables, &error);
    if (!error.empty()) fail(path, error);
    if (auto parts = split_arn(text); parts && parts->service.find_first_of("*?") != std::string_view::npos)
        fail(path, "resource '" + text + "': wildcards are not allowed in the service segment of an ARN");
    if (!r.value.has_variables) {
        r.arn = compile_arn_pattern(text);
        if (!r.arn)
            fail(path, "resource '" + text + "' is not an ARN (arn:partition:service:region:account:resource)",
                 "an ARN with fewer than six segments must end with '*'");
    }
    return r;
}

inline ResourceSpec parse_resources(const json& v, const std::string& path, bool negated, bool variables) {
    ResourceSpec spec;
    spec.kind = negated ? ResourceSpec::Kind::NotResource : ResourceSpec::Kind::Resource;
    for (auto& [text, rpath] : string_list(v, path, negated ? "NotResource" : "Resource"))
        spec.patterns.push_back(parse_resource(text, rpath, variables));
    return spec;
}

inline std::string scalar_text(const json& v, const std::string& path) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return v.dump();
    if (v.is_number_float()) return v.dump();
    fail(path, "condition values must be strings, numbers or booleans, not " + type_name(v));
}

inline ConditionValue parse_condition_value(const ConditionOperator& op, const json& v, const std::string& path,
                                            bool variables) {
    ConditionValue cv;
    cv.text = scalar_text(v, path);
    const std::string& t = cv.text;
    auto template_of = [&](bool allow_vars) {
        std::string error;
        cv.value = parse_template(t, allow_vars, &error);
        if (!error.empty()) fail(path, error);
    };
    auto reject_variables = [&](std::string_view family) {
        if (variables && t.find("${") != std::string::npos)
            fail(path, "policy variables are not supported in " + std::string(family) + " values ('" + t + "')");
    };
    switch (op.family) {
        case OperatorFamily::String:
            template_of(variables);
            if (!cv.value.has_variables)
                cv.pattern = resolve_pattern(cv.value, Context{}, op.comparison == Comparison::Like);
            break;
        case OperatorFamily::Numeric:
            reject_variables("Numeric");
            cv.number = parse_number(t);
            if (!cv.number) fail(path, "expected a number for " + op.name + ", got '" + t + "'");
            break;
        case OperatorFamily::Date:
            reject_variables("Date");
            cv.date = parse_date(t);
            if (!cv.date)
                fail(path, "expected a date for " + op.name + " (ISO 8601 like 2024-01-31T12:00:00Z, or epoch seconds), got '" +
                               t + "'");
            break;
        case OperatorFamily::Bool:
            template_of(variables);
            if (!cv.value.has_variables) {
                cv.boolean = parse_bool(t);
                if (!cv.boolean) fail(path, "expected true or false for " + op.name + ", got '" + t + "'");
            }
            break;
        case OperatorFamily::Binary:
            template_of(variables);
            if (!cv.value.has_variables && !is_base64_text(t))
                fail(path, "expected base64 text for BinaryEquals, got '" + t + "'");
            break;
        case OperatorFamily::IpAddress:
            reject_variables("IpAddress");
            cv.cidr = parse_cidr(t);
            if (!cv.cidr)
                fail(path, "expected an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24, 2001:db8::/32), got '" +
                               t + "'");
            break;
        case OperatorFamily::Arn:
            template_of(variables);
            if (t.rfind("arn:", 0) != 0)
                fail(path, "expected an ARN (arn:partition:service:region:account:resource) for " + op.name + ", got '" +
                               t + "'");
            // An ARN with fewer than six components is accepted but matches nothing (document.hpp).
            if (!cv.value.has_variables) cv.arn = compile_arn_pattern(t, /*allow_short=*/false);
            break;
        case OperatorFamily::Null:
            cv.boolean = parse_bool(t);
            if (!cv.boolean) fail(path, "expected true or false for Null, got '" + t + "'");
            break;
    }
    return cv;
}

inline std::vector<ConditionClause> parse_conditions(const json& v, const std::string& path, bool variables) {
    if (!v.is_object()) fail(path, "Condition must be an object of operators, not " + type_name(v));
    std::vector<ConditionClause> clauses;
    for (auto op_it = v.begin(); op_it != v.end(); ++op_it) {
        std::string op_path = jp::join(path, op_it.key());
        auto op = parse_condition_operator(op_it.key());
        if (!op) fail(op_path, "unknown condition operator '" + op_it.key() + "'", closest_operator(op_it.key()));
        if (op->family == OperatorFamily::Null && op->if_exists)
            fail(op_path, "Null cannot take the IfExists suffix (it already tests for a missing key)");
        if (op->family == OperatorFamily::Null && op->set != SetQualifier::None)
            fail(op_path, "Null cannot take a ForAnyValue:/ForAllValues: qualifier");
        if (!op_it.value().is_object())
            fail(op_path, "condition operator '" + op_it.key() + "' must map condition keys to values, not " +
                              type_name(op_it.value()));
        if (op_it.value().empty()) fail(op_path, "condition operator '" + op_it.key() + "' names no condition key");
        for (auto key_it = op_it.value().begin(); key_it != op_it.value().end(); ++key_it) {
            std::string key_path = jp::join(op_path, key_it.key());
            const std::string& key = key_it.key();
            if (key.empty() || key.find(':') == std::string::npos || key.front() == ':')
                fail(key_path, "condition key '" + key + "' must have the form prefix:name (e.g. aws:SourceVpce)");
            ConditionClause clause;
            clause.op = *op;
            clause.key = key;
            clause.key_lower = ascii_lower(key);
            const json& values = key_it.value();
            if (values.is_array()) {
                if (values.empty()) fail(key_path, "condition key '" + key + "' has an empty list of values");
                for (std::size_t i = 0; i < values.size(); ++i)
                    clause.values.push_back(parse_condition_value(*op, values[i], jp::join(key_path, i), variables));
            } else {
                clause.values.push_back(parse_condition_value(*op, values, key_path, variables));
            }
            clauses.push_back(std::move(clause));
        }
    }
    return clauses;
}

inline Statement parse_statement(const json& v, const std::string& path, std::size_t index, bool variables) {
    if (!v.is_object()) fail(path, "a statement must be an object, not " + type_name(v));
    Statement st;
    st.index = index;
    const json* effect = nullptr;
    const json *principal = nullptr, *not_principal = nullptr, *action = nullptr, *not_action = nullptr,
               *resource = nullptr, *not_resource = nullptr, *condition = nullptr;
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string& k = it.key();
        const json* val = &it.value();
        if (k == "Sid") {
            if (!val->is_string()) fail(jp::join(path, k), "Sid must be a string, not " + type_name(*val));
            st.sid = val->get<std::string>();
        } else if (k == "Effect") effect = val;
        else if (k == "Principal") principal = val;
        else if (k == "NotPrincipal") not_principal = val;
        else if (k == "Action") action = val;
        else if (k == "NotAction") not_action = val;
        else if (k == "Resource") resource = val;
        else if (k == "NotResource") not_resource = val;
        else if (k == "Condition") condition = val;
        else {
            std::string hint;
            for (std::string_view known : {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                                           "Resource", "NotResource", "Condition"})
                if (iequals(known, k)) hint = "did you mean '" + std::string(known) + "'?";
            if (hint.empty())
                hint = "expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition";
            fail(jp::join(path, k), "unknown statement element '" + k + "'", hint);
        }
    }
    if (!effect) fail(path, "statement has no Effect", "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"");
    if (!effect->is_string() || (effect->get<std::string>() != "Allow" && effect->get<std::string>() != "Deny"))
        fail(jp::join(path, "Effect"),
             "Effect must be \"Allow\" or \"Deny\", got " +
                 (effect->is_string() ? "'" + effect->get<std::string>() + "'" : type_name(*effect)));
    st.effect = effect->get<std::string>() == "Allow" ? Effect::Allow : Effect::Deny;
    if (principal && not_principal) fail(path, "statement has both Principal and NotPrincipal; use one");
    if (principal) st.principal = parse_principal(*principal, jp::join(path, "Principal"), false);
    if (not_principal) st.principal = parse_principal(*not_principal, jp::join(path, "NotPrincipal"), true);
    if (action && not_action) fail(path, "statement has both Action and NotAction; use one");
    if (!action && !not_action) fail(path, "statement has neither Action nor NotAction");
    st.action = action ? parse_actions(*action, jp::join(path, "Action"), false)
                       : parse_actions(*not_action, jp::join(path, "NotAction"), true);
    if (resource && not_resource) fail(path, "statement has both Resource and NotResource; use one");
    if (resource) st.resource = parse_resources(*resource, jp::join(path, "Resource"), false, variables);
    if (not_resource) st.resource = parse_resources(*not_resource, jp::join(path, "NotResource"), true, variables);
    if (condition) st.conditions = parse_conditions(*condition, jp::join(path, "Condition"), variables);
    return st;
}

}  // namespace detail

// Parses a policy document. `base_path` is the JSON Pointer of `doc` in the caller's file; error
// paths extend it (e.g. "<base>/Statement/0/Condition/StringEquals/aws:SourceVpce").
inline Policy parse(const nlohmann::json& doc, std::string_view base_path = "", const PolicyLimits& limits = {}) {
    using detail::fail;
    namespace jp = xc::json_pointer;
    const std::string base(base_path);
    if (!doc.is_object()) fail(base, "a policy must be a JSON object, not " + detail::type_name(doc));
    std::size_t size = 0;
    detail::check_limits(doc, jp::Lazy::at(base), 0, size, limits);
    Policy policy;
    const nlohmann::json* statement = nullptr;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string& k = it.key();
        if (k == "Version") {
            const auto& v = it.value();
            if (v.is_string() && v.get<std::string>() == "2012-10-17") policy.version = PolicyVersion::V2012_10_17;
            else if (v.is_string() && v.get<std::string>() == "2008-10-17") policy.version = PolicyVersion::V2008_10_17;
            else
                fail(jp::join(base, k),
                     "Version must be \"2012-10-17\" or \"2008-10-17\", got " +
                         (v.is_string() ? "'" + v.get<std::string>() + "'" : detail::type_name(v)));
            policy.version_given = true;
        } else if (k == "Id") {
            if (!it.value().is_string()) fail(jp::join(base, k), "Id must be a string, not " + detail::type_name(it.value()));
            policy.id = it.value().get<std::string>();
        } else if (k == "Statement") {
            statement = &it.value();
        } else {
            std::string hint = "expected Version, Id, Statement";
            for (std::string_view known : {"Version", "Id", "Statement"})
                if (iequals(known, k)) hint = "did you mean '" + std::string(known) + "'?";
            fail(jp::join(base, k), "unknown policy element '" + k + "'", hint);
        }
    }
    if (!statement) fail(base, "policy has no Statement");
    const bool variables = policy.version == PolicyVersion::V2012_10_17;
    const std::string spath = jp::join(base, "Statement");
    if (statement->is_object()) {
        policy.statements.push_back(detail::parse_statement(*statement, spath, 0, variables));
    } else if (statement->is_array()) {
        if (statement->empty()) fail(spath, "Statement must not be empty");
        if (statement->size() > limits.max_statements)
            fail(spath, "policy has " + std::to_string(statement->size()) + " statements; the limit is " +
                            std::to_string(limits.max_statements),
                 "split it into several policies");
        for (std::size_t i = 0; i < statement->size(); ++i)
            policy.statements.push_back(detail::parse_statement((*statement)[i], jp::join(spath, i), i, variables));
    } else {
        fail(spath, "Statement must be an object or an array of objects, not " + detail::type_name(*statement));
    }
    return policy;
}

// Parses policy JSON text (e.g. a Lambda permission's or API's policy string).
// Text beyond 4x the size limit is refused unread (the rest of the allowance is for layout).
inline Policy parse_text(std::string_view text, std::string_view base_path = "", const PolicyLimits& limits = {}) {
    if (text.size() / 4 > limits.max_bytes)
        throw InputError(std::string(base_path), "policy text is " + std::to_string(text.size()) +
                                                     " bytes; the limit is " + std::to_string(4 * limits.max_bytes));
    if (text.find('\0') != std::string_view::npos)  // nlohmann's lexer would end the text there
        throw InputError(std::string(base_path), "policy is not valid JSON: " + xc::detail::nul_byte_text());
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
        throw InputError(std::string(base_path), "policy is not valid JSON: " + xc::detail::json_error_text(e));
    }
    return parse(doc, base_path, limits);
}

// Returns `policy` with every `execute-api:/...` shorthand resource expanded against the API it
// is attached to (API Gateway does this when the resource policy is saved).
inline Policy attach_to_api(Policy policy, const ExecuteApiTarget& api) {
    const bool variables = policy.version == PolicyVersion::V2012_10_17;
    for (auto& st : policy.statements)
        for (auto& r : st.resource.patterns) {
            if (r.kind != ResourcePattern::Kind::Shorthand) continue;
            std::string expanded = expand_execute_api_shorthand(r.text, api);
            std::string error;
            r.value = parse_template(expanded, variables, &error);
            r.kind = ResourcePattern::Kind::Arn;
            r.arn = r.value.has_variables ? std::nullopt : compile_arn_pattern(expanded);
            r.text = std::move(expanded);
        }
    return policy;
}

}  // namespace xc::policy
