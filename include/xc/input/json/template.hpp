// Service templates: stamp many services from one definition.
//
// A service names a template and its parameters; its own members are merged over the
// template (RFC 7386 JSON merge patch: objects merge member by member, anything else
// replaces, null deletes). Then `{{name}}` placeholders are expanded in every key and string
// of the result. A string that is exactly one placeholder takes the parameter's JSON value
// (so `"enum": "{{orderOptions}}"` becomes an array); elsewhere the parameter must be a
// string or number and is spliced in. Built-in parameters: service, app, region, account
// (the account's name) and accountId. An unknown placeholder is an error.
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/error.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xc::input::json {

using TemplateParameters = std::map<std::string, nlohmann::json>;

namespace detail {

// Splits "a{{x}}b" into literal and placeholder parts. Returns false on a malformed
// placeholder ("{{" without a matching "}}" or with an invalid name).
struct PlaceholderPart {
    bool is_placeholder;
    std::string text;
};

inline bool is_parameter_name(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

inline std::vector<PlaceholderPart> split_placeholders(std::string_view s, std::string& error) {
    std::vector<PlaceholderPart> parts;
    std::string literal;
    for (std::size_t i = 0; i < s.size();) {
        if (s.compare(i, 2, "{{") == 0) {
            auto close = s.find("}}", i + 2);
            std::string_view name = close == std::string_view::npos ? s.substr(i + 2) : s.substr(i + 2, close - i - 2);
            if (close == std::string_view::npos || !is_parameter_name(name)) {
                error = "malformed template placeholder '{{" + std::string(name.substr(0, 40)) +
                        (close == std::string_view::npos ? "' (no closing '}}')" : "}}'") +
                        "; placeholders are {{name}} with letters, digits and '_'";
                return {};
            }
            if (!literal.empty()) parts.push_back({false, std::move(literal)});
            literal.clear();
            parts.push_back({true, std::string(name)});
            i = close + 2;
        } else {
            literal += s[i++];
        }
    }
    if (!literal.empty()) parts.push_back({false, std::move(literal)});
    return parts;
}

inline std::vector<std::string> parameter_names(const TemplateParameters& params) {
    std::vector<std::string> names;
    for (const auto& [k, _] : params) names.push_back(k);
    return names;
}

// The parameter `s` names when it is exactly one well-formed placeholder ("{{name}}").
inline const nlohmann::json* whole_placeholder(std::string_view s, const TemplateParameters& params) {
    if (s.size() < 5 || s.substr(0, 2) != "{{" || s.substr(s.size() - 2) != "}}") return nullptr;
    const std::string_view name = s.substr(2, s.size() - 4);
    if (!is_parameter_name(name)) return nullptr;  // e.g. "{{a}}{{b}}": two placeholders
    auto it = params.find(std::string(name));
    return it == params.end() ? nullptr : &it->second;
}

// `s` with its placeholders spliced in, in one pass and without splitting it first; false, with
// `out` unspecified, on anything wrong (a malformed or unknown placeholder, a value that cannot be
// spliced), which expand_string's general path then reports. A stamped model expands every string
// of every service: splitting each into parts twice took a tenth of loading one.
inline bool splice_placeholders(std::string_view s, const TemplateParameters& params, std::string& out) {
    out.clear();
    out.reserve(s.size() + 16);
    for (std::size_t i = 0; i < s.size();) {
        const auto open = s.find("{{", i);
        if (open == std::string_view::npos) {
            out.append(s.substr(i));
            break;
        }
        out.append(s.substr(i, open - i));
        const auto close = s.find("}}", open + 2);
        if (close == std::string_view::npos) return false;
        const std::string_view name = s.substr(open + 2, close - open - 2);
        if (!is_parameter_name(name)) return false;
        auto it = params.find(std::string(name));
        if (it == params.end()) return false;
        if (it->second.is_string()) out += it->second.get_ref<const std::string&>();
        else if (it->second.is_number()) out += it->second.dump();
        else return false;
        i = close + 2;
    }
    return true;
}

// Why splice_placeholders refused `s`, thrown as the first mistake in this order: a malformed
// placeholder, an unknown parameter, a value that cannot be spliced into text.
[[noreturn]] inline void report_placeholder_mistake(std::string_view s, const TemplateParameters& params,
                                                    const json_pointer::Lazy& path) {
    std::string error;
    const auto parts = split_placeholders(s, error);
    if (!error.empty()) throw InputError(path.str(), error);
    for (const auto& part : parts)
        if (part.is_placeholder && !params.contains(part.text))
            throw InputError(path.str(), "unknown template parameter '" + part.text + "'",
                             did_you_mean(part.text, parameter_names(params)));
    for (const auto& part : parts) {
        if (!part.is_placeholder) continue;
        const auto& v = params.at(part.text);
        if (!v.is_string() && !v.is_number())
            throw InputError(path.str(), "template parameter '" + part.text + "' is " + std::string(v.type_name()) +
                                       "; only a string or number can be spliced into text (use the placeholder as "
                                       "the whole value to insert " + std::string(v.type_name()) + ")");
    }
    throw std::logic_error("template placeholders in '" + std::string(s) + "' were refused without a mistake");
}

// Expand placeholders in `s`; `whole_value` receives the parameter's JSON value when the
// string is exactly one placeholder.
inline std::string expand_string(std::string_view s, const TemplateParameters& params, const json_pointer::Lazy& path,
                                 nlohmann::json* whole_value) {
    if (s.find("{{") == std::string_view::npos) return std::string(s);
    if (whole_value)
        if (const nlohmann::json* v = whole_placeholder(s, params)) {
            *whole_value = *v;
            return {};
        }
    std::string out;
    if (!splice_placeholders(s, params, out)) report_placeholder_mistake(s, params, path);
    return out;
}
inline std::string expand_string(std::string_view s, const TemplateParameters& params, const std::string& path,
                                 nlohmann::json* whole_value) {
    return expand_string(s, params, json_pointer::Lazy::at(path), whole_value);
}

// Whether `node` has a placeholder ("{{") in any key or string. One that has none is its own
// expansion, so it can be read where it is written.
inline bool holds_placeholder(const nlohmann::json& node);
// The same for an object's member: its key, then its value.
inline bool holds_placeholder(const nlohmann::json::object_t::value_type& member) {
    return member.first.find("{{") != std::string::npos || holds_placeholder(member.second);
}
inline bool holds_placeholder(const nlohmann::json& node) {
    if (node.is_string()) return node.get_ref<const std::string&>().find("{{") != std::string::npos;
    if (node.is_array()) {
        for (const auto& e : node)
            if (holds_placeholder(e)) return true;
        return false;
    }
    if (!node.is_object()) return false;
    for (const auto& member : node.get_ref<const nlohmann::json::object_t&>())
        if (holds_placeholder(member)) return true;
    return false;
}

// Expands `node` in place: a model of 10,000 stamped services expands 10,000 copies of its
// template, and building each anew doubled the copying.
inline void expand(nlohmann::json& node, const TemplateParameters& params, const json_pointer::Lazy& path) {
    if (node.is_string()) {
        auto& text = node.get_ref<std::string&>();
        if (text.find("{{") == std::string::npos) return;
        if (const nlohmann::json* whole = whole_placeholder(text, params)) {  // a whole value
            node = *whole;
            return;
        }
        text = expand_string(text, params, path, nullptr);  // an unknown whole placeholder throws here
        return;
    }
    if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) expand(node[i], params, path.element(i));
        return;
    }
    if (!node.is_object()) return;
    bool templated_keys = false;
    for (const auto& [k, _] : node.items()) templated_keys = templated_keys || k.find("{{") != std::string::npos;
    if (!templated_keys) {
        for (auto& [k, v] : node.get_ref<nlohmann::json::object_t&>()) expand(v, params, path.member(k));
        return;
    }
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : node.get_ref<nlohmann::json::object_t&>()) {
        const json_pointer::Lazy key_path = path.member(k);
        std::string key = expand_string(k, params, key_path, nullptr);
        if (out.contains(key)) throw InputError(key_path.str(), "key '" + k + "' expands to '" + key + "', which is already a key here");
        expand(v, params, path.member(key));
        out[key] = std::move(v);
    }
    node = std::move(out);
}

}  // namespace detail

// RFC 7386 merge patch of `patch` over `target`.
inline nlohmann::json merge_patch(nlohmann::json target, const nlohmann::json& patch) {
    target.merge_patch(patch);
    return target;
}

// Expand placeholders in `body` (a service definition), reporting errors at `path`.
inline nlohmann::json expand_placeholders(nlohmann::json body, const TemplateParameters& params, const std::string& path) {
    detail::expand(body, params, json_pointer::Lazy::at(path));
    return body;
}

// Where a value of an expanded service was written: given the logical pointer
// `/services/<s>/<rest>`, return the pointer into the file — under the service itself when
// the service overrides it, in its parameters when it came from a whole-value placeholder,
// else under the template. `service_raw` is the service's own object, `template_raw` the
// template's (or null), `params` the parameters used for expansion.
inline std::string source_pointer(std::string_view logical, const std::string& service_pointer,
                                  const nlohmann::json& service_raw, const std::string& template_pointer,
                                  const nlohmann::json* template_raw, const TemplateParameters& params) {
    if (logical.substr(0, service_pointer.size()) != service_pointer) return std::string(logical);
    const std::vector<std::string> tokens = json_pointer::tokens(logical.substr(service_pointer.size()));
    // Find the member of `node` whose key expands to `token`.
    auto member = [&](const nlohmann::json* node, const std::string& token) -> std::pair<const nlohmann::json*, std::string> {
        if (!node) return {nullptr, {}};
        if (node->is_object()) {
            for (const auto& [k, v] : node->get_ref<const nlohmann::json::object_t&>()) {
                // A key without "{{" is its own expansion (expand_string): compared as it is.
                if (k.find("{{") == std::string::npos) {
                    if (k == token) return {&v, k};
                    continue;
                }
                std::string expanded;
                try {
                    expanded = detail::expand_string(k, params, "", nullptr);
                } catch (const InputError&) {
                    expanded = k;
                }
                if (expanded == token) return {&v, k};
            }
            return {nullptr, {}};
        }
        if (node->is_array())
            if (auto index = json_pointer::index(token); index && *index < node->size()) return {&(*node)[*index], token};
        return {nullptr, {}};
    };
    const nlohmann::json* own = &service_raw;
    const nlohmann::json* base = template_raw;
    std::string own_path = service_pointer, base_path = template_pointer;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        // A whole-value placeholder in the template: the rest lives in the parameter's value.
        if (base && base->is_string() && (!own || !own->is_object())) {
            const auto& s = base->get_ref<const std::string&>();
            if (s.size() > 4 && s.rfind("{{", 0) == 0 && s.find("}}") == s.size() - 2) {
                std::string p = service_pointer + "/parameters/" + json_pointer::escape(s.substr(2, s.size() - 4));
                for (std::size_t j = i; j < tokens.size(); ++j) p = json_pointer::join(p, tokens[j]);
                return p;
            }
        }
        auto [own_next, own_key] = member(own, tokens[i]);
        auto [base_next, base_key] = member(base, tokens[i]);
        own = own_next;
        base = base_next;
        if (own) own_path = json_pointer::join(own_path, own_key);
        if (base) base_path = json_pointer::join(base_path, base_key);
        if (!own && !base) break;
        if (own && !own->is_object()) return own_path;  // replaced wholesale by the service
    }
    if (own) return own_path;
    if (base) return base_path;
    // Not written anywhere (a missing member): the deepest ancestor found.
    return base_path.size() > template_pointer.size() ? base_path : own_path;
}

}  // namespace xc::input::json
