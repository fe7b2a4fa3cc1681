// Canonical text of an HCL expression, for diagnostics ("the condition value `var.ids` ...")
// and tests: one space around binary operators, ", " between items, strings re-escaped in
// double quotes (heredocs too), parentheses exactly where the source had them — so the text
// parses back to the same tree.
#pragma once

#include "xc/input/hcl/syntax.hpp"

#include <string>
#include <string_view>

namespace xc::input::hcl {

namespace detail {

inline const char* op_text(Op op) {
    switch (op) {
        case Op::Or: return "||";
        case Op::And: return "&&";
        case Op::Equal: return "==";
        case Op::NotEqual: return "!=";
        case Op::Less: return "<";
        case Op::Greater: return ">";
        case Op::LessEqual: return "<=";
        case Op::GreaterEqual: return ">=";
        case Op::Add: return "+";
        case Op::Subtract: return "-";
        case Op::Multiply: return "*";
        case Op::Divide: return "/";
        case Op::Modulo: return "%";
        case Op::Negate: return "-";
        case Op::Not: return "!";
        case Op::None: break;
    }
    return "?";
}

// String content inside double quotes: escapes for '"', '\\', control characters, and the
// template introducers "${" / "%{".
inline void escape_into(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '$': case '%':
                out += c;
                if (i + 1 < s.size() && s[i + 1] == '{') out += c;
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                    out += "\\u00";
                    out += hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
                    out += hex[static_cast<unsigned char>(c) & 0xF];
                } else {
                    out += c;
                }
        }
    }
}

inline void print_into(std::string& out, const Expr& e);

// `directive_body`: the parts are followed by "%{else}", "%{endif}" or "%{endfor}".
inline void print_template_parts(std::string& out, const Expr& t, bool directive_body = false);

inline void print_template_part(std::string& out, const Expr& p) {
    const Expr* part = &p;
    {
        if (part->kind == ExprKind::Literal && part->literal == LiteralKind::String) {
            escape_into(out, part->text);
        } else if (part->kind == ExprKind::TemplateIf) {
            out += "%{if ";
            print_into(out, *part->children[0]);
            out += "}";
            print_template_parts(out, *part->children[1], true);
            const Expr& otherwise = *part->children[2];
            if (!(otherwise.is_string_literal() && otherwise.children[0]->text.empty())) {
                out += "%{else}";
                print_template_parts(out, otherwise, true);
            }
            out += "%{endif}";
        } else if (part->kind == ExprKind::TemplateFor) {
            out += "%{for ";
            if (!part->text.empty()) {
                out += part->text;
                out += ", ";
            }
            out += part->text2;
            out += " in ";
            print_into(out, *part->children[0]);
            out += "}";
            print_template_parts(out, *part->children[1], true);
            out += "%{endfor}";
        } else {
            out += "${";
            print_into(out, *part);
            out += "}";
        }
    }
}

inline void print_template_parts(std::string& out, const Expr& t, bool directive_body) {
    for (std::size_t i = 0; i < t.children.size(); ++i) {
        const Expr& part = *t.children[i];
        const bool literal = part.kind == ExprKind::Literal && part.literal == LiteralKind::String;
        if (literal && (i + 1 < t.children.size() || directive_body) && !part.text.empty() && (part.text.back() == '$' || part.text.back() == '%')) {
            // A literal "$" or "%" right before "${" / "%{" (left by a strip marker) would read
            // as the escape "$${": write it as a unicode escape instead.
            escape_into(out, std::string_view(part.text).substr(0, part.text.size() - 1));
            out += part.text.back() == '$' ? "\\u0024" : "\\u0025";
            continue;
        }
        print_template_part(out, part);
    }
}

inline void print_steps(std::string& out, const Expr& e) {
    for (const auto& s : e.steps) {
        if (s.kind == Step::Kind::Attr) {
            out += '.';
            out += s.name;
        } else {
            out += '[';
            if (s.key) print_into(out, *s.key);
            out += ']';
        }
    }
}

inline void print_into(std::string& out, const Expr& e) {
    switch (e.kind) {
        case ExprKind::Literal:
            switch (e.literal) {
                case LiteralKind::Null: out += "null"; break;
                case LiteralKind::Bool: out += e.boolean ? "true" : "false"; break;
                case LiteralKind::Number: out += e.text; break;
                case LiteralKind::String: out += '"'; escape_into(out, e.text); out += '"'; break;
            }
            break;
        case ExprKind::Template:
            out += '"';
            print_template_parts(out, e);
            out += '"';
            break;
        case ExprKind::TemplateWrap:
            out += "\"${";
            print_into(out, *e.children[0]);
            out += "}\"";
            break;
        case ExprKind::TemplateIf: case ExprKind::TemplateFor:  // a directive on its own
            out += '"';
            print_template_part(out, e);
            out += '"';
            break;
        case ExprKind::Traversal:
            if (e.children.empty()) out += e.text;
            else print_into(out, *e.children[0]);
            print_steps(out, e);
            break;
        case ExprKind::Splat:
            print_into(out, *e.children[0]);
            out += e.attr_only ? ".*" : "[*]";
            if (e.children[1]->kind == ExprKind::Traversal) print_steps(out, *e.children[1]);
            break;
        case ExprKind::AnonSymbol: break;
        case ExprKind::Call:
            out += e.text;
            out += '(';
            for (std::size_t i = 0; i < e.children.size(); ++i) {
                if (i) out += ", ";
                print_into(out, *e.children[i]);
            }
            if (e.expand_final) out += "...";
            out += ')';
            break;
        case ExprKind::Tuple:
            out += '[';
            for (std::size_t i = 0; i < e.children.size(); ++i) {
                if (i) out += ", ";
                print_into(out, *e.children[i]);
            }
            out += ']';
            break;
        case ExprKind::Object:
            out += '{';
            for (std::size_t i = 0; i + 1 < e.children.size(); i += 2) {
                out += i ? ", " : " ";
                print_into(out, *e.children[i]);
                out += " = ";
                print_into(out, *e.children[i + 1]);
            }
            out += e.children.empty() ? "}" : " }";
            break;
        case ExprKind::ObjectKey: print_into(out, *e.children[0]); break;
        case ExprKind::For:
            out += e.object_form ? "{for " : "[for ";
            if (!e.text.empty()) {
                out += e.text;
                out += ", ";
            }
            out += e.text2;
            out += " in ";
            print_into(out, *e.children[0]);
            out += " : ";
            if (e.children[1]) {
                print_into(out, *e.children[1]);
                out += " => ";
            }
            print_into(out, *e.children[2]);
            if (e.group) out += "...";
            if (e.children[3]) {
                out += " if ";
                print_into(out, *e.children[3]);
            }
            out += e.object_form ? "}" : "]";
            break;
        case ExprKind::Conditional:
            print_into(out, *e.children[0]);
            out += " ? ";
            print_into(out, *e.children[1]);
            out += " : ";
            print_into(out, *e.children[2]);
            break;
        case ExprKind::Unary:
            out += op_text(e.op);
            print_into(out, *e.children[0]);
            break;
        case ExprKind::Binary:
            print_into(out, *e.children[0]);
            out += ' ';
            out += op_text(e.op);
            out += ' ';
            print_into(out, *e.children[1]);
            break;
        case ExprKind::Parens:
            out += '(';
            print_into(out, *e.children[0]);
            out += ')';
            break;
        case ExprKind::Invalid: out += "<invalid>"; break;
    }
}

}  // namespace detail

// The canonical text of `e`.
inline std::string print(const Expr& e) {
    std::string out;
    detail::print_into(out, e);
    return out;
}

}  // namespace xc::input::hcl
