// The `aws_iam_policy_document` data source, rendered locally: its arguments -> the IAM policy
// document it stands for, as a structured value (objects, lists of strings), unknown parts kept
// where they are.
//
// The AWS provider's documentation (data source aws_iam_policy_document,
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document):
// - `version` ("Defaults to 2012-10-17"), `policy_id` (the document's Id), `statement` blocks with
//   `sid`, `effect` ("Either Allow or Deny ... Defaults to Allow"), `actions`, `not_actions`,
//   `resources`, `not_resources`, `principals` and `not_principals` blocks (`type`,
//   `identifiers`), `condition` blocks (`test`, `variable`, `values`).
// - "source_policy_documents - List of IAM policy documents that are merged together into the
//   exported document. Statements defined in source_policy_documents must have unique sids.
//   Statements with the same sid from documents assigned to the override_policy_documents
//   argument will override source statements." Statements of this document "with non-blank sids
//   will override statements with the same sid from source documents". "override_policy_documents
//   ... In merging, statements with non-blank sids will override statements with the same sid
//   from earlier documents in the list ... Non-overriding statements will be added."
// - Policy variables are written `&{aws:username}` (Terraform would interpolate `${...}`); the
//   provider turns `&{` into `${` in every string of a statement.
// - A principal of type "*" (identifiers ["*"]) is the anonymous principal, `"Principal": "*"`.
//
// The rendered `json` text itself stays unknown (xc does not reproduce the provider's
// formatting and set order); its meaning is this structured document. Two `condition` blocks
// with the same test and variable, which the provider merges into one key, make the document
// unknown rather than guessed.
#pragma once

#include "xc/input/terraform/functions.hpp"
#include "xc/input/terraform/value.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xc::input::terraform {

namespace detail {

inline Value unknown_document(std::vector<std::string> why) { return Value::unknown(Type::dynamic(), std::move(why)); }

// `&{` -> `${` in every string of `v`.
inline Value policy_variables(const Value& v) {
    if (!v.is_known() || v.is_null()) return v;
    if (v.type().kind() == Type::Kind::String) {
        std::string s = v.as_string();
        for (std::size_t at = s.find("&{"); at != std::string::npos; at = s.find("&{", at + 2)) s[at] = '$';
        return Value::string(std::move(s)).mark_sensitive(v.sensitive());
    }
    if (v.is_sequence()) {
        std::vector<Value> es;
        for (const auto& e : v.elements()) es.push_back(policy_variables(e));
        return Value::tuple(std::move(es));
    }
    return v;
}

inline const Value* argument(const Value& object, const std::string& name) {
    auto it = object.attributes().find(name);
    if (it == object.attributes().end() || it->second.is_null()) return nullptr;
    return &it->second;
}

// Principals blocks -> the Principal element: "*" or {type: [identifiers]}.
inline std::optional<Value> principal_element(const Value& blocks, std::vector<std::string>& unknown) {
    if (!blocks.is_known()) {
        for (auto& o : blocks.unknown_origins()) unknown.push_back(o);
        return std::nullopt;
    }
    Attributes by_type;
    for (const auto& b : blocks.elements()) {
        const Value* type = argument(b, "type");
        const Value* ids = argument(b, "identifiers");
        if (!type || !ids) continue;
        if (!type->is_known()) {
            for (auto& o : type->unknown_origins()) unknown.push_back(o);
            return std::nullopt;
        }
        if (type->as_string() == "*") return Value::string("*");
        std::vector<Value> all;
        if (auto it = by_type.find(type->as_string()); it != by_type.end()) all = it->second.elements();
        Value list = policy_variables(*ids);
        if (!list.is_known()) all.push_back(list);
        else
            for (const auto& e : list.elements()) all.push_back(e);
        by_type[type->as_string()] = Value::tuple(std::move(all));
    }
    if (by_type.empty()) return std::nullopt;
    return Value::object(std::move(by_type));
}

inline std::optional<Value> statement_of(const Value& block, std::vector<std::string>& unknown) {
    Attributes out;
    if (const Value* sid = argument(block, "sid"); sid && !(sid->is_known() && sid->as_string().empty())) out["Sid"] = *sid;
    out["Effect"] = argument(block, "effect") ? *argument(block, "effect") : Value::string("Allow");
    for (const auto& [arg, element] : std::vector<std::pair<const char*, const char*>>{
             {"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"}})
        if (const Value* v = argument(block, arg)) out[element] = policy_variables(*v);
    for (const auto& [arg, element] : std::vector<std::pair<const char*, const char*>>{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}}) {
        const Value* blocks = argument(block, arg);
        if (!blocks) continue;
        auto p = principal_element(*blocks, unknown);
        if (!unknown.empty()) return std::nullopt;
        if (p) out[element] = std::move(*p);
    }
    if (const Value* conditions = argument(block, "condition")) {
        if (!conditions->is_known()) {
            for (auto& o : conditions->unknown_origins()) unknown.push_back(o);
            return std::nullopt;
        }
        std::map<std::string, Attributes> tests;
        for (const auto& c : conditions->elements()) {
            const Value* test = argument(c, "test");
            const Value* variable = argument(c, "variable");
            const Value* values = argument(c, "values");
            if (!test || !variable || !values) continue;
            if (!test->is_known() || !variable->is_known()) {
                for (const Value* v : {test, variable})
                    for (auto& o : v->unknown_origins()) unknown.push_back(o);
                return std::nullopt;
            }
            auto& keys = tests[test->as_string()];
            if (keys.count(variable->as_string())) {
                unknown.push_back("xc: aws_iam_policy_document with two condition blocks for " + test->as_string() + " " + variable->as_string() +
                                  " (the provider merges them; xc does not)");
                return std::nullopt;
            }
            keys[variable->as_string()] = policy_variables(*values);
        }
        if (!tests.empty()) {
            Attributes condition;
            for (auto& [t, keys] : tests) condition[t] = Value::object(std::move(keys));
            out["Condition"] = Value::object(std::move(condition));
        }
    }
    return Value::object(std::move(out));
}

// Finds the document another aws_iam_policy_document renders, by its `json` attribute's origin.
using DocumentLookup = std::function<const Value*(const std::string& origin)>;

// The statements of a JSON policy document given as text (source / override documents): known
// JSON text, or exactly another policy document's `json`.
inline std::optional<std::vector<Value>> statements_of_text(const Value& text, std::vector<std::string>& unknown, const DocumentLookup& lookup) {
    if (text.exact() && lookup)
        if (const Value* doc = lookup(text.origins().front())) {
            const Value* s = argument(*doc, "Statement");
            return s ? s->elements() : std::vector<Value>{};
        }
    if (!text.is_wholly_known()) {
        for (auto& o : text.unknown_origins()) unknown.push_back(o);
        return std::nullopt;
    }
    if (text.is_null() || text.type().kind() != Type::Kind::String) return std::vector<Value>{};
    Value doc;
    try {
        doc = JsonReader(text.as_string()).document();
    } catch (const FunctionError&) {
        unknown.push_back("xc: a source or override policy document that is not JSON");
        return std::nullopt;
    }
    const Value* s = doc.is_mapping() ? argument(doc, "Statement") : nullptr;
    if (!s) return std::vector<Value>{};
    if (s->is_mapping()) return std::vector<Value>{*s};  // a single statement object
    return s->is_sequence() ? std::optional<std::vector<Value>>(s->elements()) : std::vector<Value>{};
}

inline std::string sid_of(const Value& statement) {
    const Value* sid = argument(statement, "Sid");
    return sid && sid->is_known() && sid->type().kind() == Type::Kind::String ? sid->as_string() : "";
}

// Adds `s`, replacing the statement with the same non-blank Sid if there is one (`replace`), or
// refusing it (false) where Sids must be unique.
inline bool merge_statement(std::vector<Value>& into, Value s, bool replace = true) {
    const std::string sid = sid_of(s);
    if (!sid.empty())
        for (auto& existing : into)
            if (sid_of(existing) == sid) {
                if (!replace) return false;
                existing = std::move(s);
                return true;
            }
    into.push_back(std::move(s));
    return true;
}

}  // namespace detail

// The document `arguments` (the data source's evaluated configuration) stands for, or an unknown
// naming what it depends on that is not known.
inline Value policy_document(const Value& arguments, const detail::DocumentLookup& lookup = {}) {
    std::vector<std::string> unknown;
    std::vector<Value> statements;
    // Source documents' Sids must be unique; override documents replace by Sid.
    auto documents = [&](const char* name, bool replace) -> std::optional<std::vector<Value>> {
        std::vector<Value> all;
        const Value* list = detail::argument(arguments, name);
        if (!list) return all;
        if (!list->is_known()) {
            for (auto& o : list->unknown_origins()) unknown.push_back(o);
            return std::nullopt;
        }
        for (const auto& text : list->elements()) {
            auto s = detail::statements_of_text(text, unknown, lookup);
            if (!s) return std::nullopt;
            for (auto& x : *s)
                if (!detail::merge_statement(all, std::move(x), replace)) {
                    unknown.push_back(std::string("xc: aws_iam_policy_document: two statements with one Sid in ") + name);
                    return std::nullopt;
                }
        }
        return all;
    };
    auto sources = documents("source_policy_documents", false);
    if (!sources) return detail::unknown_document(unknown);
    statements = std::move(*sources);
    if (const Value* blocks = detail::argument(arguments, "statement")) {
        if (!blocks->is_known()) return detail::unknown_document(blocks->unknown_origins());
        std::vector<Value> own;
        for (const auto& b : blocks->elements()) {
            auto s = detail::statement_of(b, unknown);
            if (!s) return detail::unknown_document(unknown);
            if (!detail::merge_statement(own, *s, false))
                return detail::unknown_document({"xc: aws_iam_policy_document: two statement blocks with one sid"});
        }
        for (auto& s : own) detail::merge_statement(statements, std::move(s));
    }
    auto overrides = documents("override_policy_documents", true);
    if (!overrides) return detail::unknown_document(unknown);
    for (auto& s : *overrides) detail::merge_statement(statements, std::move(s));
    Attributes doc;
    doc["Version"] = detail::argument(arguments, "version") ? *detail::argument(arguments, "version") : Value::string("2012-10-17");
    if (const Value* id = detail::argument(arguments, "policy_id")) doc["Id"] = *id;
    doc["Statement"] = Value::tuple(std::move(statements));
    return Value::object(std::move(doc));
}

}  // namespace xc::input::terraform
