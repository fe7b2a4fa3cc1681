// xc's syntax tree in the shape of @cdktf/hcl2json's JSON, so the differential test compares
// like with like. hcl2json (tmccombs/hcl2json's convert.go, as packaged by cdktf) does not
// print a canonical form; it walks HashiCorp's tree and:
//   - blocks: nested objects keyed by type, then each label; the innermost key holds an array
//     of bodies; attributes become keys of their body;
//   - null/bool/number literals become JSON values (numbers compared as doubles); a unary
//     operator on such a literal is evaluated (an error for "-true", "!1", ...);
//   - a string without interpolation becomes its value, with "${" and "%{" written "$${"/"%%{";
//   - "${x}" alone becomes x's conversion; other templates are rebuilt part by part: literals
//     as above, interpolations as "${<source text>}", directives as "%{if <source>}...%{else}
//     ...%{endif}" (no else when it is empty; an interpolated "c ? a : b" is written the same way) and "%{for k, v in <source>}...%{endfor}";
//   - tuples and objects become arrays and objects (object keys: a plain traversal as its
//     source text, other keys converted like template parts, later duplicates win);
//   - every other expression becomes "${" + its exact source text + "}".
// So the comparison checks the block tree, labels, attribute names, literal values (escapes,
// heredoc indentation, strip markers), template structure, and the exact source range of every
// other expression. Operator precedence inside "${...}" is not visible in hcl2json's output;
// parser_test.cpp checks it against the spec's precedence table instead.
#pragma once

#include "xc/input/hcl/hcl.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace xc::input::hcl::test {

// hcl2json's own conversion fails (or panics) on some valid trees; the comparison then expects
// it to report an error.
struct ConversionFails : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// Evaluating a one-part template failed (a null interpolation): convert.go's conditional
// then yields "", its for directive and everything else fail.
struct TemplateValueFails : ConversionFails {
    using ConversionFails::ConversionFails;
};

class Hcl2JsonShape {
public:
    explicit Hcl2JsonShape(std::string_view source) : src_(source) {}

    nlohmann::json body(const Body& b) const {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& block : b.blocks) add_block(block, out);
        for (const auto& a : b.attributes) out[std::string(a.name)] = expr(*a.value);
        return out;
    }

private:
    void add_block(const Block& block, nlohmann::json& root) const {
        nlohmann::json* out = &root;
        std::string key(block.type);
        for (const auto& label : block.labels) {
            if (out->contains(key)) {
                if (!(*out)[key].is_object()) throw ConversionFails("block " + key + " nested under a non-object");
            } else {
                (*out)[key] = nlohmann::json::object();
            }
            out = &(*out)[key];
            key = label;
        }
        nlohmann::json value = body(*block.body);
        if (out->contains(key)) {
            if (!(*out)[key].is_array()) throw ConversionFails("block " + key + " merged into a non-array");
            (*out)[key].push_back(std::move(value));
        } else {
            (*out)[key] = nlohmann::json::array({std::move(value)});
        }
    }

    std::string source(const Range& r) const {
        std::size_t end = r.end.offset;
        if (end < src_.size() && src_[end] == ')') ++end;  // convert.go's rangeSource does this
        return std::string(src_.substr(r.start.offset, end - r.start.offset));
    }
    std::string wrap(const Expr& e) const { return "${" + source(e.range) + "}"; }

    static std::string escaped(std::string_view s) {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            out += s[i];
            if ((s[i] == '$' || s[i] == '%') && i + 1 < s.size() && s[i + 1] == '{') out += s[i];
        }
        return out;
    }

    static nlohmann::json literal(const Expr& e) {
        switch (e.literal) {
            case LiteralKind::Null: return nullptr;
            case LiteralKind::Bool: return e.boolean;
            case LiteralKind::Number: return std::strtod(std::string(e.text).c_str(), nullptr);
            case LiteralKind::String: return escaped(e.text);
        }
        return nullptr;
    }

    nlohmann::json expr(const Expr& e) const {
        switch (e.kind) {
            case ExprKind::Literal: return literal(e);
            case ExprKind::Unary: {
                const Expr& v = *e.children[0];
                if (v.kind != ExprKind::Literal) return wrap(e);
                if (e.op == Op::Negate && v.literal == LiteralKind::Number) return -std::strtod(std::string(v.text).c_str(), nullptr);
                if (e.op == Op::Not && v.literal == LiteralKind::Bool) return !v.boolean;
                throw ConversionFails("unary operator on a literal of the wrong type");
            }
            case ExprKind::Template: return template_text(e);
            case ExprKind::TemplateWrap: return expr(*e.children[0]);
            case ExprKind::Tuple: {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& c : e.children) out.push_back(expr(*c));
                return out;
            }
            case ExprKind::Object: {
                nlohmann::json out = nlohmann::json::object();
                for (std::size_t i = 0; i + 1 < e.children.size(); i += 2) out[key(*e.children[i])] = expr(*e.children[i + 1]);
                return out;
            }
            default: return wrap(e);
        }
    }

    std::string key(const Expr& k) const {
        const Expr& inner = *k.children[0];
        if (inner.is_scope_traversal()) return source(inner.range);
        return part(inner);
    }

    // hclsyntax's TemplateExpr.IsStringLiteral: exactly one part, a literal of any type; its
    // value is then the template's evaluation.
    std::string template_text(const Expr& t) const {
        if (t.children.size() == 1 && t.children[0]->kind == ExprKind::Literal) {
            const Expr& only = *t.children[0];
            if (only.literal == LiteralKind::Null) throw TemplateValueFails("null interpolated");
            return part(only);
        }
        std::string out;
        for (const auto& p : t.children) out += part(*p);
        return out;
    }

    std::string part(const Expr& e) const {
        switch (e.kind) {
            case ExprKind::Literal:
                switch (e.literal) {
                    case LiteralKind::String: return escaped(e.text);
                    case LiteralKind::Bool: return e.boolean ? "true" : "false";
                    case LiteralKind::Number: return decimal(e.text);
                    case LiteralKind::Null: return "null";
                }
                return {};
            case ExprKind::Template: return template_text(e);
            case ExprKind::TemplateWrap: return part(*e.children[0]);
            case ExprKind::TemplateIf: case ExprKind::Conditional: {  // convert.go treats both alike
                std::string out = "%{if " + source(e.children[0]->range) + "}";
                try {
                    out += part(*e.children[1]);
                } catch (const TemplateValueFails&) {
                    return "";
                }
                std::string otherwise;
                try {
                    otherwise = part(*e.children[2]);
                } catch (const TemplateValueFails&) {
                }
                if (!otherwise.empty()) out += "%{else}" + otherwise;
                return out + "%{endif}";
            }
            case ExprKind::TemplateFor: {
                std::string out = "%{for ";
                if (!e.text.empty()) out += std::string(e.text) + ", ";
                out += std::string(e.text2) + " in " + source(e.children[0]->range) + "}" + part(*e.children[1]);
                return out + "%{endfor}";
            }
            default: return wrap(e);
        }
    }

    // cty's number-to-string conversion: the exact decimal value, without exponent, leading or
    // trailing zeros ("007" -> "7", "2E-2" -> "0.02", "3.0e+1" -> "30").
    static std::string decimal(std::string_view text) {
        std::string digits;
        long point = -1, exponent = 0;
        std::size_t i = 0;
        for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
            if (text[i] == '.') point = static_cast<long>(digits.size());
            else digits += text[i];
        }
        if (point < 0) point = static_cast<long>(digits.size());
        if (i < text.size()) exponent = std::strtol(std::string(text.substr(i + 1)).c_str(), nullptr, 10);
        point += exponent;
        // digits with the decimal point before index `point`.
        while (point > static_cast<long>(digits.size())) digits += '0';
        while (point < 0) {
            digits.insert(digits.begin(), '0');
            ++point;
        }
        std::string whole = digits.substr(0, static_cast<std::size_t>(point));
        std::string frac = digits.substr(static_cast<std::size_t>(point));
        while (whole.size() > 1 && whole[0] == '0') whole.erase(0, 1);
        if (whole.empty()) whole = "0";
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        return frac.empty() ? whole : whole + "." + frac;
    }

    std::string_view src_;
};

}  // namespace xc::input::hcl::test
