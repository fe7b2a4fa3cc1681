// Evaluation of an HCL expression (xc::input::hcl::Expr) as Terraform evaluates it: literals,
// templates and their directives, tuple/object constructors, `for` expressions, traversals
// (attributes, indexes, legacy `.0`), splats, conditionals, operators and function calls.
//
// The caller's Scope resolves traversal roots (`var`, `local`, `each`, `count`, `path`,
// `module`, `data`, resource types); the evaluator handles the symbols it binds itself (`for`
// variables, template `for` variables, splat elements). Errors are xc::InputError with the
// range of the offending expression and Terraform's wording ("Summary: detail"); unknown
// values flow through every construct as Terraform's do.
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/error.hpp"
#include "xc/input/hcl/parser.hpp"
#include "xc/input/hcl/syntax.hpp"
#include "xc/input/terraform/convert.hpp"
#include "xc/input/terraform/functions.hpp"
#include "xc/input/terraform/value.hpp"

#include <filesystem>
#include <functional>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace xc::input::terraform {

// One step after a reference's root, evaluated: an attribute name or an index value.
struct Key {
    bool attribute = true;
    std::string name;  // attribute
    Value index;       // index
};

// A reference to resolve: `aws_x.y.attr` is root "aws_x", keys [y, attr].
struct Reference {
    std::string root;
    std::vector<Key> keys;
    hcl::Range range;
};

// The caller's answer: the value of the root and the first `consumed` keys (the evaluator
// applies the rest), or an error message (Terraform's "Reference to undeclared ..." style).
struct Resolution {
    std::optional<Value> value;
    std::size_t consumed = 0;
    std::string error;
};

struct Scope {
    std::function<Resolution(const Reference&)> resolve;
    std::filesystem::path base_dir;  // path.module: file() and templatefile() read relative to it
};

inline Diagnostic diagnostic_at(const hcl::Range& r, std::string message) {
    return Diagnostic{std::string(r.file), "", SourcePosition{r.start.line, r.start.column}, std::move(message), ""};
}
[[noreturn]] inline void fail_at(const hcl::Range& r, std::string message) { throw InputError(diagnostic_at(r, std::move(message))); }

class Evaluator {
public:
    explicit Evaluator(Scope scope) : scope_(std::move(scope)) {}

    Value evaluate(const hcl::Expr& e) {
        if (depth_ == 0) {
            // The whole expression: where Terraform itself might fail (see conditional), a known
            // result xc found is not trustworthy — it is unknown, saying why.
            possible_failure_.clear();
            ++depth_;
            Value v;
            try {
                v = evaluate_node(e);
            } catch (...) {
                depth_ = 0;
                throw;
            }
            depth_ = 0;
            if (!possible_failure_.empty() && v.is_wholly_known()) return Value::unknown(Type::dynamic(), possible_failure_).mark_sensitive(v.deep_sensitive());
            return v;
        }
        return evaluate_node(e);
    }

private:
    Value evaluate_node(const hcl::Expr& e) {
        if (++depth_ > max_depth) {
            --depth_;
            fail_at(e.range, "Expression too complex: nesting deeper than " + std::to_string(max_depth) + " levels");
        }
        struct Guard {
            std::size_t& d;
            ~Guard() { --d; }
        } guard{depth_};
        if (tolerant_ == 0) return eval(e);
        // Inside a conditional's result: like HCL, an error leaves an unknown value in place
        // (typed where HCL types it) and evaluation goes on; the error is kept for the case
        // that this result is the one chosen.
        const std::size_t locals = locals_.size(), anon = anon_.size(), errors = error_count_;
        try {
            Value v = eval(e);
            if (error_count_ == errors) return v;
            // A part failed: HCL gives a call a dynamic unknown result and a template an unknown
            // string; other constructs keep their other parts (measured with terraform console).
            using K = hcl::ExprKind;
            switch (e.kind) {
            case K::Call: return Value::unknown(Type::dynamic(), "xc: evaluation error");
            case K::Template: case K::TemplateIf: case K::TemplateFor: return Value::unknown(Type::string(), "xc: evaluation error");
            default: return v;
            }
        } catch (const InputError& err) {
            locals_.resize(locals);
            anon_.resize(anon);
            ++error_count_;
            if (!first_error_) first_error_ = err;
            Type t = Type::dynamic();
            if (e.kind == hcl::ExprKind::Unary) t = e.op == hcl::Op::Not ? Type::boolean() : Type::number();
            if (e.kind == hcl::ExprKind::Binary)
                t = e.op == hcl::Op::Add || e.op == hcl::Op::Subtract || e.op == hcl::Op::Multiply || e.op == hcl::Op::Divide || e.op == hcl::Op::Modulo
                        ? Type::number()
                        : Type::boolean();
            if (e.kind == hcl::ExprKind::Template) t = Type::string();
            return Value::unknown(t, "xc: evaluation error");
        }
    }

    // Binds a local symbol (used by templatefile for its variables).
    void bind(std::string name, Value v) { locals_.emplace_back(std::move(name), std::move(v)); }

private:
    static constexpr std::size_t max_depth = 512;

    Value eval(const hcl::Expr& e) {
        using K = hcl::ExprKind;
        switch (e.kind) {
        case K::Literal: return literal(e);
        case K::Template: return template_(e);
        case K::TemplateWrap: return evaluate(*e.children[0]);
        case K::TemplateIf: case K::TemplateFor: return template_(e);
        case K::Traversal: return traversal(e);
        case K::Splat: return splat(e);
        case K::AnonSymbol:
            if (anon_.empty()) fail_at(e.range, "Invalid splat: no element in scope");
            return anon_.back();
        case K::Call: return call(e);
        case K::Tuple: {
            std::vector<Value> es;
            for (const auto* c : e.children) es.push_back(evaluate(*c));
            return Value::tuple(std::move(es));
        }
        case K::Object: return object(e);
        case K::ObjectKey: return evaluate(*e.children[0]);
        case K::For: return for_(e);
        case K::Conditional: return conditional(e);
        case K::Unary: return unary(e);
        case K::Binary: return binary(e);
        case K::Parens: return evaluate(*e.children[0]);
        case K::Invalid: fail_at(e.range, "Invalid expression");
        }
        fail_at(e.range, "Invalid expression");
    }

    static Value literal(const hcl::Expr& e) {
        switch (e.literal) {
        case hcl::LiteralKind::Null: return Value::null();
        case hcl::LiteralKind::Bool: return Value::boolean(e.boolean);
        case hcl::LiteralKind::Number: {
            auto n = Number::parse(e.text);
            if (!n) fail_at(e.range, "Invalid number literal: " + printable(e.text) + " (xc handles magnitudes up to about 10^301000, README: Limits)");
            return Value::number(*n);
        }
        case hcl::LiteralKind::String: return Value::string(std::string(e.text));
        }
        return Value::null();
    }

    // Appends one interpolated value to a template's text; false when it is unknown.
    bool interpolate(std::string& out, const Value& v, const hcl::Range& r, bool& sensitive, std::vector<std::string>& unknowns) {
        sensitive = sensitive || v.sensitive();
        if (!v.is_known()) {
            for (auto& o : v.origins()) unknowns.push_back(o);
            // The template's shape: this unknown's part(s), after the text so far.
            if (shape_) {
                if (!out.empty()) shape_->push_back(TemplatePart{false, std::move(out)});
                out.clear();
                if (v.exact()) shape_->push_back(TemplatePart{true, v.origins().front()});
                else if (const auto* parts = v.template_parts()) shape_->insert(shape_->end(), parts->begin(), parts->end());
                else shape_.reset();
            }
            return false;
        }
        if (v.is_null()) fail_at(r, "Invalid template interpolation value: The expression result is null. Cannot include a null value in a string template.");
        if (!v.type().is_primitive())
            fail_at(r, "Invalid template interpolation value: Cannot include the given value in a string template: string required, but have " + v.type().friendly() + ".");
        out += convert(v, Type::string()).as_string();
        return true;
    }

    // Renders template parts (a Template's children, a directive) into `out`.
    void render(const hcl::Expr& e, std::string& out, bool& sensitive, std::vector<std::string>& unknowns) {
        using K = hcl::ExprKind;
        if (e.kind == K::Template) {
            for (const auto* p : e.children) render(*p, out, sensitive, unknowns);
            return;
        }
        if (e.kind == K::Literal && e.literal == hcl::LiteralKind::String) {
            out += e.text;
            return;
        }
        if (e.kind == K::TemplateIf) {
            Value c = evaluate(*e.children[0]);
            sensitive = sensitive || c.sensitive();
            if (!c.is_known()) {
                for (auto& o : c.unknown_origins()) unknowns.push_back(o);
                shape_.reset();
                return;
            }
            if (c.is_null()) fail_at(e.children[0]->range, "Invalid template if directive: The condition is null; a boolean value is required.");
            try {
                c = convert(c, Type::boolean());
            } catch (const ConversionError& err) {
                fail_at(e.children[0]->range, std::string("Invalid template if directive: The condition value is not valid: ") + err.what() + ".");
            }
            if (!c.is_known()) {  // it held a value xc does not compute
                for (auto& o : c.origins()) unknowns.push_back(o);
                shape_.reset();
                return;
            }
            if (c.as_bool()) render(*e.children[1], out, sensitive, unknowns);
            else if (e.children.size() > 2 && e.children[2]) render(*e.children[2], out, sensitive, unknowns);
            return;
        }
        if (e.kind == K::TemplateFor) {
            Value coll = evaluate(*e.children[0]);
            sensitive = sensitive || coll.sensitive();
            if (!coll.is_known()) {
                for (auto& o : coll.unknown_origins()) unknowns.push_back(o);
                shape_.reset();
                return;
            }
            if (coll.is_null()) fail_at(e.children[0]->range, "Invalid template for directive: Cannot iterate over a null value.");
            if (!coll.is_sequence() && !coll.is_mapping())
                fail_at(e.children[0]->range, "Invalid template for directive: A value of type " + coll.type().friendly() + " cannot be used as the collection in a 'for' expression.");
            iterate(coll, [&](const Value& k, const Value& v) {
                const std::size_t mark = locals_.size();
                if (!e.text2.empty()) {
                    locals_.emplace_back(std::string(e.text), k);
                    locals_.emplace_back(std::string(e.text2), v);
                } else {
                    locals_.emplace_back(std::string(e.text), v);
                }
                render(*e.children[1], out, sensitive, unknowns);
                locals_.resize(mark);
            });
            return;
        }
        // An interpolation.
        Value v = evaluate(e);
        interpolate(out, v, e.range, sensitive, unknowns);
    }

    Value template_(const hcl::Expr& e) {
        std::string out;
        bool sensitive = false;
        std::vector<std::string> unknowns;
        // The parts, while every unknown in it is exact (nested templates keep their own).
        auto outer = std::exchange(shape_, std::make_optional<std::vector<TemplatePart>>());
        try {
            render(e, out, sensitive, unknowns);
        } catch (...) {
            shape_ = std::move(outer);
            throw;
        }
        auto shape = std::exchange(shape_, std::move(outer));
        if (!unknowns.empty()) {
            Value v = Value::unknown(Type::string(), dedup(std::move(unknowns))).mark_sensitive(sensitive);
            if (shape) {
                if (!out.empty()) shape->push_back(TemplatePart{false, std::move(out)});
                v.with_template_parts(std::move(*shape));
            }
            return v;
        }
        return Value::string(std::move(out)).mark_sensitive(sensitive);
    }

    static std::vector<std::string> dedup(std::vector<std::string> v) {
        std::vector<std::string> out;
        for (auto& s : v)
            if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
        return out;
    }

    // Calls f(key, value) in Terraform's order: lists/tuples by index, sets by element (the
    // key is the element), maps/objects by key.
    template <class F>
    static void iterate(const Value& coll, F&& f) {
        if (coll.is_mapping()) {
            for (const auto& [k, v] : coll.attributes()) f(Value::string(k).mark_sensitive(coll.sensitive()), marked(v, coll.sensitive()));
            return;
        }
        const bool is_set = coll.type().kind() == Type::Kind::Set;
        for (std::size_t i = 0; i < coll.elements().size(); ++i) {
            const Value& v = coll.elements()[i];
            f(is_set ? marked(v, coll.sensitive()) : Value::number(static_cast<std::int64_t>(i)).mark_sensitive(coll.sensitive()), marked(v, coll.sensitive()));
        }
    }
    static Value marked(Value v, bool s) { return v.mark_sensitive(s); }

    Value object(const hcl::Expr& e) {
        Attributes as;
        bool sensitive = false;
        std::vector<std::string> unknown_keys;
        for (std::size_t i = 0; i + 1 < e.children.size(); i += 2) {
            const hcl::Expr& key_expr = *e.children[i];
            Value k;
            const hcl::Expr& inner = *key_expr.children[0];
            // A bare name is the key itself (HCL's "keyword" rule), unless written in parentheses.
            if (!key_expr.force_non_literal && inner.kind == hcl::ExprKind::Traversal && inner.children.empty() && inner.steps.empty())
                k = Value::string(std::string(inner.text));
            else
                k = evaluate(inner);
            Value v = evaluate(*e.children[i + 1]);
            if (!k.is_known()) {
                for (auto& o : k.origins()) unknown_keys.push_back(o);
                continue;
            }
            if (k.is_null()) fail_at(inner.range, "Null value as key: Can't use a null value as a key.");
            sensitive = sensitive || k.sensitive();
            Value ks;
            try {
                ks = convert(k, Type::string());
            } catch (const ConversionError& err) {
                fail_at(inner.range, std::string("Incorrect key type: Can't use this value as a key: ") + err.what() + ".");
            }
            if (!ks.is_known()) {
                for (auto& o : ks.origins()) unknown_keys.push_back(o);
                continue;
            }
            as[ks.as_string()] = std::move(v);  // a later duplicate wins, as in HCL
        }
        if (!unknown_keys.empty()) return Value::unknown(Type::dynamic(), dedup(std::move(unknown_keys))).mark_sensitive(sensitive);
        return Value::object(std::move(as)).mark_sensitive(sensitive);
    }

    // An error HCL reports while going on (inside a conditional's result): recorded when
    // tolerant, thrown otherwise. Returns normally only when recorded.
    void soft_fail(const hcl::Range& r, std::string message) {
        if (tolerant_ == 0) fail_at(r, std::move(message));
        ++error_count_;
        if (!first_error_) first_error_ = InputError(diagnostic_at(r, std::move(message)));
    }

    Value for_(const hcl::Expr& e) {
        const hcl::Expr* key_e = e.children.size() > 1 ? e.children[1] : nullptr;
        const hcl::Expr* val_e = e.children.size() > 2 ? e.children[2] : nullptr;
        const hcl::Expr* cond_e = e.children.size() > 3 ? e.children[3] : nullptr;
        Value coll = evaluate(*e.children[0]);
        if (coll.is_null()) fail_at(e.children[0]->range, "Iteration over null value: A null value cannot be used as the collection in a 'for' expression.");
        if (!coll.is_known()) return Value::unknown(Type::dynamic(), coll.unknown_origins()).mark_sensitive(coll.sensitive());
        if (!coll.is_sequence() && !coll.is_mapping())
            fail_at(e.children[0]->range, "Iteration over non-iterable value: A value of type " + coll.type().friendly() + " cannot be used as the collection in a 'for' expression.");
        std::vector<Value> tuple_out;
        Attributes obj_out;
        std::map<std::string, std::vector<Value>> groups;
        std::vector<std::string> unknowns;
        bool sensitive = coll.sensitive();
        const std::string kname(e.text), vname(e.text2);
        iterate(coll, [&](const Value& k, const Value& v) {
            const std::size_t mark = locals_.size();
            if (!vname.empty()) {
                locals_.emplace_back(kname, k);
                locals_.emplace_back(vname, v);
            } else {
                locals_.emplace_back(kname, v);
            }
            struct Pop {
                std::vector<std::pair<std::string, Value>>& l;
                std::size_t m;
                ~Pop() { l.resize(m); }
            } pop{locals_, mark};
            if (cond_e) {
                Value c = evaluate(*cond_e);
                if (c.is_null()) fail_at(cond_e->range, "Condition is null: The value of the 'if' clause must not be null.");
                if (!c.is_known()) {
                    for (auto& o : c.origins()) unknowns.push_back(o);
                    return;
                }
                try {
                    c = convert(c, Type::boolean());
                } catch (const ConversionError& err) {
                    fail_at(cond_e->range, std::string("Invalid 'for' condition: The 'if' clause value is invalid: ") + err.what() + ".");
                }
                if (!c.is_known()) {
                    for (auto& o : c.origins()) unknowns.push_back(o);
                    return;
                }
                sensitive = sensitive || c.sensitive();
                if (!c.as_bool()) return;
            }
            if (!e.object_form) {
                tuple_out.push_back(evaluate(*val_e));
                return;
            }
            Value key = evaluate(*key_e);
            if (key.is_null()) fail_at(key_e->range, "Invalid object key: Key expression in 'for' expression must not produce a null value.");
            if (!key.is_known()) {
                for (auto& o : key.origins()) unknowns.push_back(o);
                return;
            }
            try {
                key = convert(key, Type::string());
            } catch (const ConversionError& err) {
                fail_at(key_e->range, std::string("Invalid object key: The key expression produced an invalid result: ") + err.what() + ".");
            }
            if (!key.is_known()) {
                for (auto& o : key.origins()) unknowns.push_back(o);
                return;
            }
            sensitive = sensitive || key.sensitive();
            Value val = evaluate(*val_e);
            if (e.group) {
                groups[key.as_string()].push_back(std::move(val));
            } else {
                if (obj_out.count(key.as_string())) {
                    soft_fail(key_e->range, "Duplicate object key: Two different items produced the key \"" + printable(key.as_string()) +
                                                "\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.");
                    return;
                }
                obj_out.emplace(key.as_string(), std::move(val));
            }
        });
        if (!unknowns.empty()) return Value::unknown(Type::dynamic(), dedup(std::move(unknowns))).mark_sensitive(sensitive);
        if (!e.object_form) return Value::tuple(std::move(tuple_out)).mark_sensitive(sensitive);
        if (e.group)
            for (auto& [k, vs] : groups) obj_out.emplace(k, Value::tuple(std::move(vs)));
        return Value::object(std::move(obj_out)).mark_sensitive(sensitive);
    }

    Value conditional(const hcl::Expr& e) {
        // HCL evaluates both results (their types decide the result type) but reports only the
        // chosen one's errors; a result that failed counts as an unknown of dynamic type.
        auto attempt = [&](const hcl::Expr& x) -> std::pair<Value, std::optional<InputError>> {
            std::optional<InputError> saved = std::move(first_error_);
            const std::size_t count = error_count_;
            first_error_.reset();
            ++tolerant_;
            Value v;
            try {
                v = evaluate(x);
            } catch (...) {
                --tolerant_;
                throw;
            }
            --tolerant_;
            std::optional<InputError> err = std::move(first_error_);
            first_error_ = std::move(saved);
            error_count_ = count;  // a result's errors count only if it is chosen
            return {std::move(v), std::move(err)};
        };
        auto [t, t_err] = attempt(*e.children[1]);
        auto [f, f_err] = attempt(*e.children[2]);
        // Where xc's own limits (an unknown it could not compute) or Terraform's unstable
        // unification decide the result type, the result is unknown, saying why.
        // (A value xc does not compute might be an error in Terraform, which changes the type.)
        for (const Value* v : {&t, &f})
            for (const auto& o : v->unknown_origins())
                if (o.rfind("xc: ", 0) == 0 && o != "xc: evaluation error")
                    return possible_failure("xc: the type of a conditional's result depends on a value xc does not compute (" + o + ")");
        if (differing_shapes_with_null(t.type(), f.type()))
            return possible_failure("xc: a conditional whose results are objects or tuples of different shapes holding null: Terraform unifies these in an order it does not fix");
        // The result type, as HCL finds it: a literal null takes the other's type; a dynamic
        // result leaves it dynamic (no conversion); otherwise the two types unified.
        std::optional<Type> rt;
        const bool t_dyn_null = t.is_null() && t.type().is_dynamic(), f_dyn_null = f.is_null() && f.type().is_dynamic();
        if (t_dyn_null) rt = f.type();
        else if (f_dyn_null) rt = t.type();
        else if (t.type().is_dynamic() || f.type().is_dynamic()) rt = Type::dynamic();
        else rt = unify({t.type(), f.type()});
        if (!rt)
            fail_at(e.range, "Inconsistent conditional result types: The true and false result expressions must have consistent types. The 'true' value is " +
                                 t.type().friendly() + ", but the 'false' value is " + f.type().friendly() + ".");
        Value c = evaluate(*e.children[0]);
        if (c.is_null()) fail_at(e.children[0]->range, "Null condition: The condition value is null. Conditions must either be true or false.");
        if (!c.is_known()) return Value::unknown(*rt, c.unknown_origins()).mark_sensitive(c.sensitive());
        try {
            c = convert(c, Type::boolean());
        } catch (const ConversionError& err) {
            fail_at(e.children[0]->range, std::string("Incorrect condition type: The condition expression must be of type bool: ") + err.what() + ".");
        }
        if (!c.is_known()) return Value::unknown(*rt, c.origins()).mark_sensitive(c.sensitive());
        const bool yes = c.as_bool();
        const std::optional<InputError>& chosen_err = yes ? t_err : f_err;
        if (chosen_err) {
            if (tolerant_ == 0) throw *chosen_err;
            // Inside another conditional's result: HCL returns the chosen (partial) value with
            // its errors.
            ++error_count_;
            if (!first_error_) first_error_ = *chosen_err;
        }
        Value& chosen = yes ? t : f;
        const hcl::Expr& chosen_e = yes ? *e.children[1] : *e.children[2];
        try {
            return convert(chosen, *rt).mark_sensitive(c.sensitive());
        } catch (const ConversionError& err) {
            fail_at(chosen_e.range, std::string("Inconsistent conditional result types: ") + err.what() + ".");
        }
    }

    // An unknown result where Terraform might instead fail: remembered, so that no known
    // result is claimed for the whole expression either.
    Value possible_failure(std::string reason) {
        if (possible_failure_.empty()) possible_failure_ = reason;
        return Value::unknown(Type::dynamic(), std::move(reason));
    }

    static bool differing_shapes_with_null(const Type& a, const Type& b) {
        using K = Type::Kind;
        if (a == b) return false;
        // Same family only: objects with maps or objects, tuples with lists or tuples.
        auto mapping = [](const Type& t) { return t.kind() == K::Object || t.kind() == K::Map; };
        auto sequence = [](const Type& t) { return t.kind() == K::Tuple || t.kind() == K::List; };
        if (!(mapping(a) && mapping(b)) && !(sequence(a) && sequence(b))) return false;
        auto shallow_dynamic = [](const Type& t) {
            if (t.kind() == K::Object)
                return std::any_of(t.attributes().begin(), t.attributes().end(), [](const auto& x) { return x.second.is_dynamic(); });
            if (t.kind() == K::Tuple) return std::any_of(t.elements().begin(), t.elements().end(), [](const Type& x) { return x.is_dynamic(); });
            return false;
        };
        return shallow_dynamic(a) || shallow_dynamic(b);
    }

    Value operand_number(const Value& v, const hcl::Expr& at, const char* side) {
        if (v.is_null()) fail_at(at.range, std::string("Invalid operand: Unsuitable value for ") + side + " operand: argument must not be null.");
        try {
            return convert(v, Type::number());
        } catch (const ConversionError& err) {
            fail_at(at.range, std::string("Invalid operand: Unsuitable value for ") + side + " operand: " + err.what() + ".");
        }
    }
    Value operand_bool(const Value& v, const hcl::Expr& at, const char* side) {
        if (v.is_null()) fail_at(at.range, std::string("Invalid operand: Unsuitable value for ") + side + " operand: argument must not be null.");
        try {
            return convert(v, Type::boolean());
        } catch (const ConversionError& err) {
            fail_at(at.range, std::string("Invalid operand: Unsuitable value for ") + side + " operand: " + err.what() + ".");
        }
    }

    Value unary(const hcl::Expr& e) {
        Value v = evaluate(*e.children[0]);
        if (e.op == hcl::Op::Not) {
            v = operand_bool(v, *e.children[0], "right");
            if (!v.is_known()) return v;
            return Value::boolean(!v.as_bool()).mark_sensitive(v.sensitive());
        }
        v = operand_number(v, *e.children[0], "right");
        if (!v.is_known()) return v;
        Number n = v.as_number();
        n.value = -n.value;
        return Value::number(n).mark_sensitive(v.sensitive());
    }

    Value binary(const hcl::Expr& e) {
        using hcl::Op;
        const hcl::Expr& le = *e.children[0];
        const hcl::Expr& re = *e.children[1];
        Value l = evaluate(le), r = evaluate(re);
        const bool sens = l.sensitive() || r.sensitive();
        auto unknown_of = [&](Type t) {
            auto o = l.unknown_origins();
            for (auto& x : r.unknown_origins()) o.push_back(x);
            return Value::unknown(std::move(t), dedup(std::move(o))).mark_sensitive(sens);
        };
        switch (e.op) {
        case Op::Equal: return equals(l, r);
        case Op::NotEqual: {
            Value v = equals(l, r);
            if (!v.is_known()) return v;
            return Value::boolean(!v.as_bool()).mark_sensitive(v.sensitive());
        }
        case Op::And: case Op::Or: {
            l = operand_bool(l, le, "left");
            r = operand_bool(r, re, "right");
            const bool is_and = e.op == Op::And;
            // Short circuit on a known left operand (HCL 2.22+): false && x, true || x.
            if (l.is_known() && l.as_bool() != is_and) return Value::boolean(!is_and).mark_sensitive(sens);
            if (!l.is_known() || !r.is_known()) {
                if (r.is_known() && r.as_bool() != is_and) return Value::boolean(!is_and).mark_sensitive(sens);
                return unknown_of(Type::boolean());
            }
            return Value::boolean(is_and ? (l.as_bool() && r.as_bool()) : (l.as_bool() || r.as_bool())).mark_sensitive(sens);
        }
        default: break;
        }
        l = operand_number(l, le, "left");
        r = operand_number(r, re, "right");
        const bool comparison = e.op == Op::Less || e.op == Op::Greater || e.op == Op::LessEqual || e.op == Op::GreaterEqual;
        if (!l.is_known() || !r.is_known()) return unknown_of(comparison ? Type::boolean() : Type::number());
        const Number& a = l.as_number();
        const Number& b = r.as_number();
        auto num = [&](BigFloat v) {
            Number n = Number::result(std::move(v), a, b);
            const bool overflow = !n.is_finite() && a.is_finite() && b.is_finite() && !(e.op == Op::Divide && b.value == 0);
            if (overflow || !n.in_range()) fail_at(e.range, "Number out of range: xc handles magnitudes up to about 10^301000 (README: Limits)");
            return Value::number(n).mark_sensitive(sens);
        };
        switch (e.op) {
        case Op::Less: return Value::boolean(a.value < b.value).mark_sensitive(sens);
        case Op::Greater: return Value::boolean(a.value > b.value).mark_sensitive(sens);
        case Op::LessEqual: return Value::boolean(a.value <= b.value).mark_sensitive(sens);
        case Op::GreaterEqual: return Value::boolean(a.value >= b.value).mark_sensitive(sens);
        case Op::Add:
            if (boost::multiprecision::isinf(a.value) && boost::multiprecision::isinf(b.value) && a.value != b.value)
                fail_at(e.range, "Operation failed: Error during operation: can't compute sum of opposing infinities.");
            return num(ieee_zero(a.value + b.value, signbit(a) && signbit(b)));
        case Op::Subtract:
            if (boost::multiprecision::isinf(a.value) && boost::multiprecision::isinf(b.value) && a.value == b.value)
                fail_at(e.range, "Operation failed: Error during operation: can't subtract infinity from itself.");
            return num(ieee_zero(a.value - b.value, signbit(a) && !signbit(b)));
        case Op::Multiply:
            if ((boost::multiprecision::isinf(a.value) && b.value == 0) || (a.value == 0 && boost::multiprecision::isinf(b.value)))
                fail_at(e.range, "Operation failed: Error during operation: can't multiply zero by infinity.");
            return num(a.value * b.value);
        case Op::Divide:
            if ((a.value == 0 && b.value == 0) || (boost::multiprecision::isinf(a.value) && boost::multiprecision::isinf(b.value)))
                fail_at(e.range, "Operation failed: Error during operation: can't divide zero by zero or infinity by infinity.");
            if (b.value == 0)
                return num((a.value < 0) != static_cast<bool>(boost::multiprecision::signbit(b.value)) ? -std::numeric_limits<BigFloat>::infinity()
                                                                                                       : std::numeric_limits<BigFloat>::infinity());
            return num(a.value / b.value);
        case Op::Modulo: {
            // An infinite operand fails (measured with Terraform 1.11); x % 0 is x; otherwise
            // a - b * trunc(a / b).
            if (!a.is_finite() || !b.is_finite()) fail_at(e.range, "Operation failed: Error during operation: can't use modulo with an infinite operand.");
            if (b.value == 0) return l;
            // cty: the quotient at the larger precision, truncated; the product and the
            // difference at the dividend's precision.
            const BigFloat q = boost::multiprecision::trunc(Number::result(a.value / b.value, a, b).value);
            Number p{b.value * q, a.narrow};
            p.round();
            // A zero difference is -0 only for -0 minus +0: a is -0, so the quotient is zero — an
            // integer without sign (Go's big.Int) — and b * 0 takes b's sign.
            Number r{ieee_zero(a.value - p.value, a.value == 0 && signbit(a) && b.value > 0), a.narrow};
            r.round();
            return Value::number(r).mark_sensitive(sens);
        }
        default: fail_at(e.range, "Invalid operator");
        }
    }

    static bool signbit(const Number& n) { return static_cast<bool>(boost::multiprecision::signbit(n.value)); }
    // A zero result's sign as IEEE (and Go's big.Float) gives it: negative only when `negative`.
    static BigFloat ieee_zero(BigFloat v, bool negative) {
        if (v != 0) return v;
        return negative ? BigFloat(-BigFloat(0)) : BigFloat(0);
    }

    // ---- traversals -----------------------------------------------------------------------

    Value traversal(const hcl::Expr& e) {
        std::size_t first = 0;
        Value v;
        if (!e.children.empty()) {
            v = evaluate(*e.children[0]);
        } else {
            const std::string root(e.text);
            bool local = false;
            for (auto it = locals_.rbegin(); it != locals_.rend(); ++it)
                if (it->first == root) {
                    v = it->second;
                    local = true;
                    break;
                }
            if (!local) {
                Reference ref{root, {}, e.range};
                for (const auto& s : e.steps) {
                    Key k;
                    if (s.kind == hcl::Step::Kind::Attr && !s.legacy) {
                        k.name = std::string(s.name);
                    } else {
                        k.attribute = false;
                        k.index = evaluate(*s.key);
                    }
                    ref.keys.push_back(std::move(k));
                }
                if (!scope_.resolve) fail_at(e.range, "Variables not allowed: Variables may not be used here.");
                Resolution res = scope_.resolve(ref);
                if (!res.value) fail_at(e.range, res.error.empty() ? "Reference to undeclared value \"" + printable(root) + "\"" : res.error);
                v = std::move(*res.value);
                first = std::min(res.consumed, e.steps.size());
            }
        }
        for (std::size_t i = first; i < e.steps.size(); ++i) v = step(v, e.steps[i]);
        return v;
    }

    Value step(const Value& v, const hcl::Step& s) {
        if (s.kind == hcl::Step::Kind::Attr && !s.legacy) return get_attr(v, std::string(s.name), s.range);
        Value k = evaluate(*s.key);  // a legacy ".0" carries its number literal as the key
        return index(v, k, s.range);
    }

    static Value get_attr(const Value& v, const std::string& name, const hcl::Range& r) {
        if (v.is_null()) fail_at(r, "Attempt to get attribute from null value: This value is null, so it does not have any attributes.");
        const auto k = v.type().kind();
        if (!v.is_known()) {
            if (k == Type::Kind::Object) {
                auto it = v.type().attributes().find(name);
                if (it == v.type().attributes().end()) fail_at(r, "Unsupported attribute: This object does not have an attribute named \"" + printable(name) + "\".");
                return Value::unknown(it->second, v.origins()).mark_sensitive(v.sensitive());
            }
            if (k == Type::Kind::Map) return Value::unknown(v.type().element(), v.origins()).mark_sensitive(v.sensitive());
            // An attribute of exactly a resource instance is exactly that instance's attribute.
            if (k == Type::Kind::Dynamic && v.exact()) return Value::unknown(Type::dynamic(), v.origins().front() + "." + name).mark_exact().mark_sensitive(v.sensitive());
            if (k == Type::Kind::Dynamic) return Value::unknown(Type::dynamic(), v.origins()).mark_sensitive(v.sensitive());
        }
        if (k == Type::Kind::Object) {
            auto it = v.attributes().find(name);
            if (it == v.attributes().end()) fail_at(r, "Unsupported attribute: This object does not have an attribute named \"" + printable(name) + "\".");
            return marked(it->second, v.sensitive());
        }
        if (k == Type::Kind::Map) {
            auto it = v.attributes().find(name);
            if (it == v.attributes().end()) fail_at(r, "Missing map element: This map does not have an element with the key \"" + printable(name) + "\".");
            return marked(it->second, v.sensitive());
        }
        if (k == Type::Kind::List || k == Type::Kind::Set || k == Type::Kind::Tuple)
            fail_at(r, "Unsupported attribute: Can't access attributes on a " + v.type().friendly() + ". Did you mean to access attribute \"" + printable(name) +
                           "\" for a specific element of the list, or across all elements of the list?");
        fail_at(r, "Unsupported attribute: Can't access attributes on a primitive-typed value (" + v.type().friendly() + ").");
    }

public:
    static Value index(const Value& v, const Value& key, const hcl::Range& r) {
        if (v.is_null()) fail_at(r, "Attempt to index null value: This value is null, so it does not have any indices.");
        if (key.is_null()) fail_at(r, "Invalid index: Can't use a null value as an indexing key.");
        const auto k = v.type().kind();
        const bool sens = v.sensitive() || key.sensitive();
        if (k == Type::Kind::Set)
            fail_at(r, "Invalid index: Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.");
        if (!v.type().is_dynamic() && v.type().is_primitive()) fail_at(r, "Invalid index: This value does not have any indices.");
        if (!v.is_known() || !key.is_known()) {
            auto o = v.unknown_origins();
            for (auto& x : key.origins()) o.push_back(x);
            Type t = (k == Type::Kind::List || k == Type::Kind::Map) ? v.type().element() : Type::dynamic();
            return Value::unknown(t, dedup(std::move(o))).mark_sensitive(sens);
        }
        if (k == Type::Kind::List || k == Type::Kind::Tuple) {
            Value n;
            try {
                n = convert(key, Type::number());
            } catch (const ConversionError&) {
                fail_at(r, "Invalid index: The given key does not identify an element in this collection value: a number is required.");
            }
            auto i = n.as_number().to_int64();
            if (!i) fail_at(r, "Invalid index: The given key does not identify an element in this collection value: a whole number is required.");
            if (*i < 0) fail_at(r, "Invalid index: The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.");
            if (static_cast<std::uint64_t>(*i) >= v.elements().size())
                fail_at(r, "Invalid index: The given key does not identify an element in this collection value: the collection has no element for index " + std::to_string(*i) + ".");
            return marked(v.elements()[static_cast<std::size_t>(*i)], sens);
        }
        // map or object
        Value s;
        try {
            s = convert(key, Type::string());
        } catch (const ConversionError&) {
            fail_at(r, "Invalid index: The given key does not identify an element in this collection value: string required.");
        }
        auto it = v.attributes().find(s.as_string());
        if (it == v.attributes().end()) {
            if (k == Type::Kind::Object) fail_at(r, "Invalid index: The given key does not identify an element in this collection value.");
            fail_at(r, "Invalid index: The given key does not identify an element in this collection value.");
        }
        return marked(it->second, sens);
    }

private:
    Value splat(const hcl::Expr& e) {
        const std::size_t errors = error_count_;
        Value src = evaluate(*e.children[0]);
        // A failed source (inside a conditional's result) makes the splat a dynamic unknown, as in HCL.
        if (error_count_ != errors) return Value::unknown(Type::dynamic(), "xc: evaluation error");
        const hcl::Expr& each = *e.children[1];
        if (src.is_null()) return Value::tuple({});
        const auto k = src.type().kind();
        if (!src.is_known()) return Value::unknown(Type::dynamic(), src.origins()).mark_sensitive(src.sensitive());
        const bool seq = k == Type::Kind::List || k == Type::Kind::Set || k == Type::Kind::Tuple;
        std::vector<Value> items = seq ? src.elements() : std::vector<Value>{src};
        std::vector<Value> out;
        if (items.empty() && (k == Type::Kind::List || k == Type::Kind::Set)) {
            // HCL types an empty splat by evaluating the item with an unknown element.
            Type et = Type::dynamic();
            anon_.push_back(Value::unknown(src.type().element(), "xc: splat element type"));
            const std::size_t locals = locals_.size(), depth = depth_, tol = tolerant_, errs = error_count_;
            std::optional<InputError> saved = first_error_;
            try {
                et = evaluate(each).type();
            } catch (const InputError&) {
                locals_.resize(locals);
                depth_ = depth;
            }
            tolerant_ = tol;
            error_count_ = errs;
            first_error_ = saved;
            anon_.pop_back();
            return Value::list(et, {}).mark_sensitive(src.sensitive());
        }
        for (auto& item : items) {
            anon_.push_back(marked(item, src.sensitive()));
            struct Pop {
                std::vector<Value>& a;
                ~Pop() { a.pop_back(); }
            } pop{anon_};
            out.push_back(evaluate(each));
        }
        if (k == Type::Kind::List || k == Type::Kind::Set) {
            // A list's (or set's) splat is a list; HCL builds it without converting, so results of
            // different types fail (Terraform 1.11.4 panics on them, e.g. tolist(["a", null])[*][*]).
            if (out.empty()) return Value::list(Type::dynamic(), {}).mark_sensitive(src.sensitive());
            for (const auto& v : out)
                if (!(v.type() == out[0].type()) && !v.type().is_dynamic() && !out[0].type().is_dynamic())
                    fail_at(e.range, "Invalid splat result: the results have different types (" + out[0].type().friendly() + ", " + v.type().friendly() +
                                         "); Terraform 1.11.4 fails on this");
            Type et = out[0].type();
            for (const auto& v : out)
                if (!v.type().is_dynamic()) et = v.type();
            for (auto& v : out) v = convert(v, et);
            return Value::list(et, std::move(out)).mark_sensitive(src.sensitive());
        }
        return Value::tuple(std::move(out)).mark_sensitive(src.sensitive());
    }

    // ---- function calls -------------------------------------------------------------------

    Value call(const hcl::Expr& e) {
        const std::string name(e.text);
        if (name == "try" || name == "can") return try_can(e, name == "can");
        const Function* f = find_function(name);
        if (!f) {
            // Terraform's own functions that xc does not compute, and provider-defined ones:
            // the arguments are evaluated (their errors count), the result is unknown, saying why.
            if (name.rfind("provider::", 0) == 0 || terraform_function_not_in_xc(name)) {
                bool sensitive = false;
                for (const auto* c : e.children) sensitive = evaluate(*c).deep_sensitive() || sensitive;
                return Value::unknown(Type::dynamic(), "xc: function " + name + "() is not evaluated by xc").mark_sensitive(sensitive);
            }
            fail_at(e.range, "Call to unknown function: There is no function named \"" + printable(name) + "\".");
        }
        std::vector<Value> args;
        std::vector<hcl::Range> ranges;
        for (std::size_t i = 0; i < e.children.size(); ++i) {
            Value v = evaluate(*e.children[i]);
            if (e.expand_final && i + 1 == e.children.size()) {
                if (v.is_null()) fail_at(e.children[i]->range, "Invalid expanding argument value: The expanding argument (indicated by ...) must not be null.");
                if (!v.is_known()) return Value::unknown(f->result, v.origins()).mark_sensitive(v.sensitive());
                if (!v.is_sequence())
                    fail_at(e.children[i]->range, "Invalid expanding argument value: The expanding argument (indicated by ...) must be of a tuple, list, or set type.");
                for (const auto& x : v.elements()) {
                    args.push_back(marked(x, v.sensitive()));
                    ranges.push_back(e.children[i]->range);
                }
                continue;
            }
            args.push_back(std::move(v));
            ranges.push_back(e.children[i]->range);
        }
        CallContext ctx;
        ctx.base_dir = scope_.base_dir;
        ctx.render_template = [this](const std::string& text, const std::string& file, const Value& vars) { return render_template(text, file, vars); };
        try {
            return call_function(*f, std::move(args), ctx);
        } catch (const FunctionError& err) {
            const hcl::Range& at = err.argument >= 0 && static_cast<std::size_t>(err.argument) < ranges.size() ? ranges[static_cast<std::size_t>(err.argument)] : e.range;
            fail_at(at, std::string(err.argument >= 0 ? "Invalid function argument: " : "Error in function call: Call to function \"" + name + "\" failed: ") + err.what());
        } catch (const InputError&) {
            throw;  // located already (templatefile)
        }
    }

    Value try_can(const hcl::Expr& e, bool can) {
        if (can && e.children.size() != 1) fail_at(e.range, "Not enough function arguments: Function \"can\" expects 1 argument(s).");
        if (!can && e.children.empty()) fail_at(e.range, "Not enough function arguments: Function \"try\" expects at least one argument.");
        std::vector<std::string> last;
        struct Strict {  // errors inside try()/can() are theirs to catch, not a conditional's
            std::size_t& t;
            std::size_t saved;
            ~Strict() { t = saved; }
        } strict{tolerant_, tolerant_};
        tolerant_ = 0;
        for (const auto* c : e.children) {
            const std::size_t locals = locals_.size(), anon = anon_.size(), depth = depth_;
            try {
                Value v = evaluate(*c);
                // An unknown (or partly unknown) result might fail once known: the answer is unknown.
                if (!v.is_wholly_known()) return Value::unknown(can ? Type::boolean() : Type::dynamic(), v.unknown_origins());
                return can ? Value::boolean(true) : v;
            } catch (const InputError& err) {
                locals_.resize(locals);
                anon_.resize(anon);
                depth_ = depth;
                last.push_back(err.what());
            }
        }
        if (can) return Value::boolean(false);
        fail_at(e.range, "Error in function call: Call to function \"try\" failed: no expression succeeded:\n- " + (last.empty() ? std::string() : last.back()));
    }

    Value render_template(const std::string& text, const std::string& file, const Value& vars) {
        // The template is parsed as a heredoc body: same template language, no escapes
        // processed, as a template file. The marker line's newline is removed afterwards.
        std::string marker = "XCTEMPLATE";
        while (text.find(marker) != std::string::npos) marker += "X";
        std::string src = "v = <<" + marker + "\n" + text + "\n" + marker + "\n";
        hcl::File parsed;
        try {
            parsed = hcl::parse(src, file);
        } catch (InputError& err) {
            std::vector<Diagnostic> ds = err.diagnostics();
            for (auto& d : ds)
                if (d.position.line > 1) --d.position.line;
            throw InputError(std::move(ds));
        }
        const bool stripped = [&] {
            std::size_t end = text.size();
            return end >= 2 && text.compare(end - 2, 2, "~}") == 0;
        }();
        Evaluator inner(Scope{nullptr, scope_.base_dir});
        inner.depth_ = depth_;
        for (const auto& [k, v] : vars.attributes()) inner.bind(k, v);
        Value out;
        try {
            out = inner.evaluate(*parsed.body.attributes[0].value);
        } catch (InputError& err) {
            std::vector<Diagnostic> ds = err.diagnostics();
            for (auto& d : ds)
                if (d.file == file && d.position.line > 1) --d.position.line;
            throw InputError(std::move(ds));
        }
        if (out.is_known() && !out.is_null() && out.type().kind() == Type::Kind::String && !stripped) {
            std::string s = out.as_string();
            if (!s.empty() && s.back() == '\n') s.pop_back();
            return Value::string(std::move(s)).mark_sensitive(out.sensitive());
        }
        if (const auto* parts = out.template_parts(); parts && !stripped && !parts->empty() && !parts->back().unknown) {
            auto shape = *parts;
            auto& last = shape.back().text;
            if (!last.empty() && last.back() == '\n') last.pop_back();
            if (last.empty()) shape.pop_back();
            out.with_template_parts(std::move(shape));
        }
        return out;
    }

    Scope scope_;
    std::string possible_failure_;            // why Terraform might fail where xc has a value
    std::size_t tolerant_ = 0;                // > 0: inside a conditional's result
    std::size_t error_count_ = 0;             // errors met while tolerant
    std::optional<InputError> first_error_;  // the first error met while tolerant
    std::vector<std::pair<std::string, Value>> locals_;
    std::vector<Value> anon_;
    std::size_t depth_ = 0;
    std::optional<std::vector<TemplatePart>> shape_;  // the template being rendered: its parts (see template_parts)
};

// Evaluates `e` in `scope`.
inline Value evaluate(const hcl::Expr& e, const Scope& scope) {
    Evaluator ev(scope);
    return ev.evaluate(e);
}

}  // namespace xc::input::terraform
