// Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`, `${?}`, `${$}`.
//
// Semantics (IAM User Guide, "IAM policy elements: Variables and tags"):
//  * Variables are substituted only in policies with "Version": "2012-10-17"; under
//    "2008-10-17" (also the default when Version is omitted) the text is literal.
//  * They are recognised in Resource / NotResource and in condition values of the String*,
//    Arn*, Bool and BinaryEquals operators. The parser rejects them elsewhere (Numeric, Date,
//    IpAddress values) rather than silently treating them as text.
//  * A variable is replaced by the value of the single-valued context key it names (key names
//    case-insensitive). The substituted text is literal: a `*` in the value is not a wildcard.
//  * `${*}`, `${?}`, `${$}` stand for literal `*`, `?`, `$`.
//  * ASSUMPTION (soundness): if the key is missing or multivalued and no default is given,
//    the variable has no value ("Policy variables with no value"): the policy value containing
//    it matches nothing. For a negated operator that value cannot be proven different either,
//    so it makes the negated test false as well (ValueMatch::Invalid in condition.hpp) — the
//    conservative reading, and iam-simulate's. In Resource such a pattern matches no resource;
//    in NotResource it therefore excludes none (the documented "does not match"; iam-simulate
//    instead drops the statement when the rest of the ARN matches — see the exception list).
//  * A default (`${key, 'text'}`) is used when the key is missing or multivalued.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xc/policy/glob.hpp"
#include "xc/policy/request.hpp"

namespace xc::policy {

// Policy text split into literal text and variables.
struct ValueTemplate {
    struct Part {
        enum class Kind : std::uint8_t {
            Text,      // policy text; `*`/`?` are wildcards where the operator allows them
            Escaped,   // from ${*} ${?} ${$}: always literal
            Variable,  // `text` is the lower-cased key name
        };
        Kind kind = Kind::Text;
        std::string text;
        std::optional<std::string> default_value;
        friend bool operator==(const Part&, const Part&) = default;
    };
    std::vector<Part> parts;
    bool has_variables = false;  // true if any Variable part
    friend bool operator==(const ValueTemplate&, const ValueTemplate&) = default;
};

namespace detail {
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}
}  // namespace detail

// Splits `text` into a template. With `variables_enabled == false` the whole text is one Text
// part. Returns an error message for a malformed `${...}` (empty name, bad default quoting).
// A `${` without a closing `}` is literal text.
inline ValueTemplate parse_template(std::string_view text, bool variables_enabled, std::string* error) {
    ValueTemplate out;
    auto push_text = [&](std::string_view t, ValueTemplate::Part::Kind kind) {
        if (t.empty()) return;
        if (!out.parts.empty() && out.parts.back().kind == kind && kind != ValueTemplate::Part::Kind::Variable) {
            out.parts.back().text.append(t);
            return;
        }
        out.parts.push_back({kind, std::string(t), std::nullopt});
    };
    if (!variables_enabled) {
        push_text(text, ValueTemplate::Part::Kind::Text);
        return out;
    }
    std::size_t i = 0, literal_start = 0;
    while (i < text.size()) {
        if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
            auto close = text.find('}', i + 2);
            if (close == std::string_view::npos) break;  // rest is literal
            push_text(text.substr(literal_start, i - literal_start), ValueTemplate::Part::Kind::Text);
            std::string_view inner = text.substr(i + 2, close - i - 2);
            if (inner == "*" || inner == "?" || inner == "$") {
                push_text(inner, ValueTemplate::Part::Kind::Escaped);
            } else {
                ValueTemplate::Part var{ValueTemplate::Part::Kind::Variable, {}, std::nullopt};
                auto comma = inner.find(',');
                std::string_view name = detail::trim(inner.substr(0, comma));
                if (name.empty()) {
                    if (error) *error = "policy variable '${" + std::string(inner) + "}' has no key name";
                    return out;
                }
                if (comma != std::string_view::npos) {
                    std::string_view def = detail::trim(inner.substr(comma + 1));
                    if (def.size() < 2 || def.front() != '\'' || def.back() != '\'') {
                        if (error)
                            *error = "policy variable '${" + std::string(inner) +
                                     "}': the default value must be in single quotes, e.g. ${key, 'default'}";
                        return out;
                    }
                    // '' inside the quotes is one quote.
                    std::string value;
                    std::string_view body = def.substr(1, def.size() - 2);
                    for (std::size_t k = 0; k < body.size(); ++k) {
                        value.push_back(body[k]);
                        if (body[k] == '\'' && k + 1 < body.size() && body[k + 1] == '\'') ++k;
                    }
                    var.default_value = std::move(value);
                }
                var.text = ascii_lower(name);
                out.parts.push_back(std::move(var));
                out.has_variables = true;
            }
            i = close + 1;
            literal_start = i;
            continue;
        }
        ++i;
    }
    push_text(text.substr(literal_start), ValueTemplate::Part::Kind::Text);
    return out;
}

// The value a variable stands for in `context`, or nullopt when it has none (see header).
inline std::optional<std::string_view> resolve_variable(const ValueTemplate::Part& var, const Context& context) {
    const ContextValue* v = context.find_lower(var.text);
    if (v && !v->multi_valued && v->values.size() == 1) return std::string_view(v->values.front());
    if (var.default_value) return std::string_view(*var.default_value);
    return std::nullopt;
}

// Substitutes variables; `wildcards` says whether `*`/`?` in Text parts are wildcards.
// nullopt when a variable has no value.
inline std::optional<GlobPattern> resolve_pattern(const ValueTemplate& t, const Context& context, bool wildcards) {
    GlobPattern out;
    for (const auto& part : t.parts) {
        switch (part.kind) {
            case ValueTemplate::Part::Kind::Text:
                if (wildcards) out.append_wildcards(part.text);
                else out.append_literal(part.text);
                break;
            case ValueTemplate::Part::Kind::Escaped: out.append_literal(part.text); break;
            case ValueTemplate::Part::Kind::Variable: {
                auto value = resolve_variable(part, context);
                if (!value) return std::nullopt;
                out.append_literal(*value);
                break;
            }
        }
    }
    return out;
}

// Same, as plain text (for values that are compared as a whole, e.g. Bool, BinaryEquals).
inline std::optional<std::string> resolve_text(const ValueTemplate& t, const Context& context) {
    std::string out;
    for (const auto& part : t.parts) {
        if (part.kind != ValueTemplate::Part::Kind::Variable) {
            out += part.text;
            continue;
        }
        auto value = resolve_variable(part, context);
        if (!value) return std::nullopt;
        out += *value;
    }
    return out;
}

}  // namespace xc::policy
