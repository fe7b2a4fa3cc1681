// Terraform type constraints (`type = list(object({a = optional(string, "x")}))`) and value
// conversion as Terraform does it (cty's convert package, "unsafe" conversions included):
// string <-> number <-> bool by their text, tuple/list/set into list or set, object/map into
// map or object, and unification of differing element types when the constraint says `any`.
// Errors name the path inside the value (`attribute "a": element 0: string required`) — cty's
// wording — and are thrown as ConversionError; the caller locates them.
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/error.hpp"
#include "xc/input/hcl/syntax.hpp"
#include "xc/input/terraform/value.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xc::input::terraform {

class ConversionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A type constraint: a Type (Dynamic = `any`) whose object attributes may be optional, with a
// default.
struct Constraint {
    Type::Kind kind = Type::Kind::Dynamic;
    std::vector<Constraint> children;  // list/set/map: 1; tuple: each element
    struct Attribute;
    std::map<std::string, Attribute> attributes;  // object

    Type type() const;  // the type a converted value has (optional attributes included)
};
struct Constraint::Attribute {
    Constraint type;
    bool optional = false;
    std::optional<Value> default_value;  // already converted to `type`
};

inline Type Constraint::type() const {
    switch (kind) {
    case Type::Kind::List: return Type::list(children.at(0).type());
    case Type::Kind::Set: return Type::set(children.at(0).type());
    case Type::Kind::Map: return Type::map(children.at(0).type());
    case Type::Kind::Tuple: {
        std::vector<Type> ts;
        for (const auto& c : children) ts.push_back(c.type());
        return Type::tuple(std::move(ts));
    }
    case Type::Kind::Object: {
        std::map<std::string, Type> ts;
        for (const auto& [k, a] : attributes) ts.emplace(k, a.type.type());
        return Type::object(std::move(ts));
    }
    case Type::Kind::Bool: return Type::boolean();
    case Type::Kind::Number: return Type::number();
    case Type::Kind::String: return Type::string();
    case Type::Kind::Dynamic: return Type::dynamic();
    }
    return Type::dynamic();
}

inline Constraint constraint_of(const Type& t) {
    Constraint c;
    c.kind = t.kind();
    switch (t.kind()) {
    case Type::Kind::List: case Type::Kind::Set: case Type::Kind::Map: c.children.push_back(constraint_of(t.element())); break;
    case Type::Kind::Tuple:
        for (const auto& e : t.elements()) c.children.push_back(constraint_of(e));
        break;
    case Type::Kind::Object:
        for (const auto& [k, e] : t.attributes()) c.attributes.emplace(k, Constraint::Attribute{constraint_of(e), false, std::nullopt});
        break;
    default: break;
    }
    return c;
}

inline std::optional<Type> unify(const std::vector<Type>& types, bool null_strict = true);

// Whether values of `types` convert to one element type of a list(any)/map(any).
inline bool single_type(const std::vector<Type>& types) { return unify(types).has_value(); }

// Whether a value of type `from` can convert to `to` (cty's unsafe conversions, by type).
inline bool can_convert(const Type& from, const Type& to) {
    if (from == to || from.is_dynamic() || to.is_dynamic()) return true;
    using K = Type::Kind;
    switch (to.kind()) {
    case K::String: return from.is_primitive();
    case K::Number: case K::Bool: return from.kind() == K::String;
    case K::List: case K::Set:
        if (from.kind() == K::List || from.kind() == K::Set) return can_convert(from.element(), to.element());
        if (from.kind() == K::Tuple && to.element().is_dynamic()) return single_type(from.elements());
        if (from.kind() == K::Tuple)
            return std::all_of(from.elements().begin(), from.elements().end(), [&](const Type& t) { return can_convert(t, to.element()); });
        return false;
    case K::Map:
        if (from.kind() == K::Map) return can_convert(from.element(), to.element());
        if (from.kind() == K::Object) {
            if (to.element().is_dynamic()) {  // the attributes must share a type
                std::vector<Type> ts;
                for (const auto& [k, t] : from.attributes()) ts.push_back(t);
                return single_type(ts);
            }
            return std::all_of(from.attributes().begin(), from.attributes().end(), [&](const auto& a) { return can_convert(a.second, to.element()); });
        }
        return false;
    case K::Tuple:
        if (from.kind() == K::Tuple) {
            if (from.elements().size() != to.elements().size()) return false;
            for (std::size_t i = 0; i < from.elements().size(); ++i)
                if (!can_convert(from.elements()[i], to.elements()[i])) return false;
            return true;
        }
        return false;  // cty converts no collection to a tuple
    case K::Object:
        if (from.kind() == K::Object) {
            for (const auto& [k, t] : to.attributes()) {
                auto it = from.attributes().find(k);
                if (it == from.attributes().end() || !can_convert(it->second, t)) return false;
            }
            return true;
        }
        if (from.kind() == K::Map)  // the keys are checked on the value
            return std::all_of(to.attributes().begin(), to.attributes().end(), [&](const auto& a) { return can_convert(from.element(), a.second); });
        return false;
    default: return false;
    }
}

// The common type of `types` that each converts to (cty's unsafe unification), or nullopt:
// values of one structural kind unify element-wise (objects with differing attributes and
// objects with maps as maps, tuples of differing lengths and tuples with lists as lists);
// otherwise the result is the first of the given types — string, number, bool first — that
// every other converts to. A dynamic type (a null literal) converts to anything.
inline std::optional<Type> unify(const std::vector<Type>& types, bool null_strict) {
    using K = Type::Kind;
    if (types.empty()) return Type::dynamic();
    // Dynamic types (null literals, unknowns of unknown type) are disregarded for the choice:
    // they convert to whatever the others unify to.
    if (std::any_of(types.begin(), types.end(), [](const Type& t) { return t.is_dynamic(); })) {
        std::vector<Type> known;
        for (const auto& t : types)
            if (!t.is_dynamic()) known.push_back(t);
        if (known.empty()) return Type::dynamic();
        auto u = unify(known);
        // Measured with Terraform 1.11: among the members of tuples and objects, a null unifies
        // with primitives only (tolist([null, "a"]) works; tolist([null, [1]]) and
        // tolist([{a = null}, {a = [1]}]) fail) — but a collection's element type may be
        // dynamic (an empty collection), and tomap({a = null, b = [1]}) works.
        if (null_strict && u && !u->is_primitive()) return std::nullopt;
        return u;
    }
    std::size_t maps = 0, lists = 0, sets = 0, objects = 0, tuples = 0, dynamics = 0;
    for (const auto& t : types) {
        switch (t.kind()) {
        case K::Map: ++maps; break;
        case K::List: ++lists; break;
        case K::Set: ++sets; break;
        case K::Object: ++objects; break;
        case K::Tuple: ++tuples; break;
        case K::Dynamic: ++dynamics; break;
        default: break;
        }
    }
    if (dynamics == types.size()) return Type::dynamic();
    const std::size_t n = types.size();
    // Element types of collections/structurals, unified.
    auto elements_of = [&](bool with_objects, bool with_tuples) {
        std::vector<Type> ets;
        for (const auto& t : types) {
            if (t.kind() == K::Map || t.kind() == K::List || t.kind() == K::Set) {
                // A dynamic element type is an empty collection's: it takes any type.
                if (!t.element().is_dynamic()) ets.push_back(t.element());
                continue;
            }
            if (t.kind() == K::Object && with_objects)
                for (const auto& [k, a] : t.attributes()) ets.push_back(a);
            else if (t.kind() == K::Tuple && with_tuples)
                for (const auto& e : t.elements()) ets.push_back(e);
        }
        if (ets.empty()) return std::optional<Type>(Type::dynamic());
        return unify(ets, with_objects || with_tuples);
    };
    if (maps > 0 && maps + dynamics == n) {
        auto u = elements_of(false, false);
        if (!u) return std::nullopt;
        return Type::map(*u);
    }
    if (maps > 0 && maps + objects + dynamics == n) {
        if (auto u = elements_of(true, false)) {
            const Type m = Type::map(*u);
            if (std::all_of(types.begin(), types.end(), [&](const Type& t) { return can_convert(t, m); })) return m;
        }
    } else if (lists > 0 && lists + dynamics == n) {
        auto u = elements_of(false, false);
        if (!u) return std::nullopt;
        return Type::list(*u);
    } else if (lists > 0 && lists + tuples + dynamics == n) {
        if (auto u = elements_of(false, true)) return Type::list(*u);
    } else if (sets > 0 && sets + dynamics == n) {
        auto u = elements_of(false, false);
        if (!u) return std::nullopt;
        return Type::set(*u);
    } else if (objects > 0 && objects + dynamics == n) {
        const Type* first = nullptr;
        bool same_keys = true;
        for (const auto& t : types) {
            if (t.kind() != K::Object) continue;
            if (!first) { first = &t; continue; }
            if (t.attributes().size() != first->attributes().size()) { same_keys = false; continue; }
            for (auto i = t.attributes().begin(), j = first->attributes().begin(); i != t.attributes().end(); ++i, ++j)
                if (i->first != j->first) same_keys = false;
        }
        if (same_keys) {
            std::map<std::string, Type> out;
            for (const auto& [k, _] : first->attributes()) {
                std::vector<Type> ats;
                for (const auto& t : types)
                    if (t.kind() == K::Object) ats.push_back(t.attributes().at(k));
                auto u = unify(ats);
                if (!u) return std::nullopt;
                out.emplace(k, *u);
            }
            return Type::object(std::move(out));
        }
        auto u = elements_of(true, false);
        if (!u) return std::nullopt;
        const Type m = Type::map(*u);
        if (!std::all_of(types.begin(), types.end(), [&](const Type& t) { return can_convert(t, m); })) return std::nullopt;
        return m;
    } else if (tuples > 0 && tuples + dynamics == n) {
        const Type* first = nullptr;
        bool same_len = true;
        for (const auto& t : types) {
            if (t.kind() != K::Tuple) continue;
            if (!first) first = &t;
            else if (t.elements().size() != first->elements().size()) same_len = false;
        }
        if (same_len) {
            std::vector<Type> out;
            for (std::size_t i = 0; i < first->elements().size(); ++i) {
                std::vector<Type> ets;
                for (const auto& t : types)
                    if (t.kind() == K::Tuple) ets.push_back(t.elements()[i]);
                auto u = unify(ets);
                if (!u) return std::nullopt;
                out.push_back(*u);
            }
            return Type::tuple(std::move(out));
        }
        auto u = elements_of(false, true);
        if (!u) return std::nullopt;
        const Type l = Type::list(*u);
        if (!std::all_of(types.begin(), types.end(), [&](const Type& t) { return can_convert(t, l); })) return std::nullopt;
        return l;
    } else if (objects > 0 && tuples > 0) {
        return std::nullopt;
    }
    // One of the given types that all others convert to, most general first.
    // cty's preference: string over other primitives, collections before structural types
    // and among collections by their element types, dynamic last.
    std::function<int(const Type&)> rank = [&](const Type& t) {
        switch (t.kind()) {
        case K::String: return 0;
        case K::Number: return 1;
        case K::Bool: return 2;
        case K::List: return 100 + rank(t.element());
        case K::Map: return 200 + rank(t.element());
        case K::Set: return 300 + rank(t.element());
        case K::Dynamic: return 1000;
        default: return 500;
        }
    };
    std::vector<const Type*> order;
    for (const auto& t : types) order.push_back(&t);
    std::stable_sort(order.begin(), order.end(), [&](const Type* a, const Type* b) { return rank(*a) < rank(*b); });
    for (const Type* want : order)
        if (std::all_of(types.begin(), types.end(), [&](const Type& t) { return can_convert(t, *want); })) return *want;
    return std::nullopt;
}

namespace detail {

inline std::string at_path(const std::string& path, const std::string& msg) { return path.empty() ? msg : path + ": " + msg; }

inline std::string required(const Constraint& c) {
    switch (c.kind) {
    case Type::Kind::Object: return "object required";
    case Type::Kind::Tuple: return "tuple required";
    default: return c.type().friendly() + " required";
    }
}

inline Value convert_at(const Value& v, const Constraint& c, const std::string& path);

// Element values converted to one element type: the constraint's, or (for `any`) their unified type.
inline std::vector<Value> convert_elements(const std::vector<std::pair<std::string, const Value*>>& items, const Constraint& elem,
                                           const std::string& path, Type& element_type, bool null_strict = true) {
    Constraint target = elem;
    if (elem.kind == Type::Kind::Dynamic) {
        std::vector<Type> ts;
        for (const auto& [p, v] : items) ts.push_back(v->type());
        auto u = unify(ts, null_strict);
        if (!u) throw ConversionError(at_path(path, "all elements must have the same type"));
        target = constraint_of(*u);
        element_type = *u;
    } else if (elem.type().has_dynamic()) {
        element_type = Type::dynamic();  // set below from the first converted element
    } else {
        element_type = elem.type();
    }
    std::vector<Value> out;
    for (const auto& [p, v] : items) out.push_back(convert_at(*v, target, at_path(path, p)));
    if (elem.kind != Type::Kind::Dynamic && elem.type().has_dynamic()) {
        std::vector<Type> ts;
        for (const auto& v : out) ts.push_back(v.type());
        auto u = unify(ts);
        if (!u) throw ConversionError(at_path(path, "all elements must have the same type"));
        element_type = *u;
        for (auto& v : out) v = convert_at(v, constraint_of(*u), path);
    }
    return out;
}

inline Value convert_at(const Value& v, const Constraint& c, const std::string& path) {
    if (c.kind == Type::Kind::Dynamic) return v;
    const Type target = c.type();
    const bool mark = v.sensitive();
    auto done = [&](Value r) { return r.mark_sensitive(mark); };
    const auto from = v.type().kind();
    if (v.is_null()) {
        if (from != Type::Kind::Dynamic && !(v.type() == target)) {
            // A typed null must still be convertible in type: test with the type alone.
        }
        return done(Value::null(target));
    }
    // An exact unknown stays exact where conversion cannot change the value: to its own type, or
    // from an unknown type to string (the attributes exactness is used for are strings: ids,
    // ARNs, documents).
    if (!v.is_known()) {
        Value u = Value::unknown(target, v.origins()).mark_exact(v.exact() && (v.type() == target || (from == Type::Kind::Dynamic && c.kind == Type::Kind::String)));
        if (const auto* parts = v.template_parts(); parts && c.kind == Type::Kind::String) u.with_template_parts(*parts);  // a string stays itself
        return done(std::move(u));
    }
    switch (c.kind) {
    case Type::Kind::String:
        if (from == Type::Kind::String) return v;
        if (from == Type::Kind::Number) return done(Value::string(v.as_number().text()));
        if (from == Type::Kind::Bool) return done(Value::string(v.as_bool() ? "true" : "false"));
        throw ConversionError(at_path(path, "string required"));
    case Type::Kind::Number:
        if (from == Type::Kind::Number) return v;
        if (from == Type::Kind::String) {
            auto n = Number::parse(v.as_string());
            if (!n) throw ConversionError(at_path(path, "a number is required"));
            return done(Value::number(*n));
        }
        throw ConversionError(at_path(path, "number required"));
    case Type::Kind::Bool:
        if (from == Type::Kind::Bool) return v;
        if (from == Type::Kind::String) {
            const auto& s = v.as_string();
            if (s == "true" || s == "1") return done(Value::boolean(true));
            if (s == "false" || s == "0") return done(Value::boolean(false));
            throw ConversionError(at_path(path, "a bool is required"));
        }
        throw ConversionError(at_path(path, "bool required"));
    case Type::Kind::List: case Type::Kind::Set: {
        if (from != Type::Kind::List && from != Type::Kind::Set && from != Type::Kind::Tuple) throw ConversionError(at_path(path, required(c)));
        std::vector<std::pair<std::string, const Value*>> items;
        for (std::size_t i = 0; i < v.elements().size(); ++i) items.emplace_back("element " + std::to_string(i), &v.elements()[i]);
        Type et;
        // A collection keeps its element type for `any` (even when empty); a tuple's is unified.
        const Constraint elem = c.children.at(0).kind == Type::Kind::Dynamic && from != Type::Kind::Tuple ? constraint_of(v.type().element()) : c.children.at(0);
        auto out = convert_elements(items, elem, path, et);
        return done(c.kind == Type::Kind::List ? Value::list(et, std::move(out)) : Value::set(et, std::move(out)));
    }
    case Type::Kind::Map: {
        if (from != Type::Kind::Map && from != Type::Kind::Object) throw ConversionError(at_path(path, required(c)));
        std::vector<std::pair<std::string, const Value*>> items;
        for (const auto& [k, e] : v.attributes()) items.emplace_back("element \"" + k + "\"", &e);
        Type et;
        const Constraint elem = c.children.at(0).kind == Type::Kind::Dynamic && from == Type::Kind::Map ? constraint_of(v.type().element()) : c.children.at(0);
        auto out = convert_elements(items, elem, path, et, from != Type::Kind::Object);
        Attributes as;
        std::size_t i = 0;
        for (const auto& [k, e] : v.attributes()) as.emplace(k, std::move(out[i++]));
        return done(Value::map(et, std::move(as)));
    }
    case Type::Kind::Tuple: {
        if (from != Type::Kind::Tuple && from != Type::Kind::List) throw ConversionError(at_path(path, "tuple required"));
        if (v.elements().size() != c.children.size())
            throw ConversionError(at_path(path, "tuple required"));
        std::vector<Value> out;
        for (std::size_t i = 0; i < c.children.size(); ++i)
            out.push_back(convert_at(v.elements()[i], c.children[i], at_path(path, "element " + std::to_string(i))));
        return done(Value::tuple(std::move(out)));
    }
    case Type::Kind::Object: {
        if (from != Type::Kind::Object && from != Type::Kind::Map) throw ConversionError(at_path(path, "object required"));
        Attributes out;
        for (const auto& [k, a] : c.attributes) {
            auto it = v.attributes().find(k);
            const std::string p = at_path(path, "attribute \"" + k + "\"");
            if (it == v.attributes().end() || (a.optional && it->second.is_null())) {
                if (!a.optional) throw ConversionError(at_path(path, "attribute \"" + k + "\" is required"));
                out.emplace(k, a.default_value ? *a.default_value : Value::null(a.type.type()));
                continue;
            }
            out.emplace(k, convert_at(it->second, a.type, p));
        }
        return done(Value::object(std::move(out)));
    }
    case Type::Kind::Dynamic: return v;
    }
    return v;
}

}  // namespace detail

// Converts `v` to the constraint, throwing ConversionError (cty's message with its path). A
// value holding something xc does not compute (an "xc: ..." unknown, whose Terraform type is
// not known) that fails to convert gives an unknown result instead: Terraform might not fail.
inline Value convert(const Value& v, const Constraint& c) {
    try {
        return detail::convert_at(v, c, "");
    } catch (const ConversionError&) {
        std::vector<std::string> limits;
        for (auto& o : v.unknown_origins())
            if (o.rfind("xc: ", 0) == 0 && o != "xc: evaluation error") limits.push_back(o);
        if (limits.empty()) throw;
        return Value::unknown(c.type(), std::move(limits)).mark_sensitive(v.deep_sensitive());
    }
}
inline Value convert(const Value& v, const Type& t) { return convert(v, constraint_of(t)); }

// Parses the expression of a `type = ...` argument. Throws InputError located at the part
// that is not a type constraint. `default` values of optional attributes are constant
// expressions; `evaluate_default` (eval.hpp supplies it) evaluates them.
template <class EvaluateDefault>
Constraint parse_constraint(const hcl::Expr& e, EvaluateDefault&& evaluate_default) {
    auto fail = [&](const hcl::Expr& at, const std::string& msg) -> Constraint {
        throw InputError(Diagnostic{std::string(at.range.file), "", {at.range.start.line, at.range.start.column}, msg, ""});
    };
    if (e.kind == hcl::ExprKind::Traversal && e.children.empty() && e.steps.empty()) {
        Constraint c;
        if (e.text == "string") c.kind = Type::Kind::String;
        else if (e.text == "number") c.kind = Type::Kind::Number;
        else if (e.text == "bool") c.kind = Type::Kind::Bool;
        else if (e.text == "any") c.kind = Type::Kind::Dynamic;
        else if (e.text == "list" || e.text == "set" || e.text == "map" || e.text == "tuple" || e.text == "object")
            return fail(e, "Invalid type specification: the " + std::string(e.text) + " type constructor requires one argument specifying the element type");
        else return fail(e, "Invalid type specification: the keyword \"" + std::string(e.text) + "\" is not a valid type specification");
        return c;
    }
    if (e.kind != hcl::ExprKind::Call) return fail(e, "Invalid type specification: a type keyword or constructor is required (string, number, bool, list(T), set(T), map(T), tuple([...]), object({...}), any)");
    const std::string name(e.text);
    if (e.children.size() != 1 && name != "optional") return fail(e, "Invalid type specification: " + name + "(...) takes exactly one argument");
    Constraint c;
    if (name == "list" || name == "set" || name == "map") {
        c.kind = name == "list" ? Type::Kind::List : name == "set" ? Type::Kind::Set : Type::Kind::Map;
        c.children.push_back(parse_constraint(*e.children[0], evaluate_default));
        return c;
    }
    if (name == "tuple") {
        c.kind = Type::Kind::Tuple;
        if (e.children[0]->kind != hcl::ExprKind::Tuple) return fail(*e.children[0], "Invalid type specification: tuple(...) requires a list of element types");
        for (const auto* x : e.children[0]->children) c.children.push_back(parse_constraint(*x, evaluate_default));
        return c;
    }
    if (name == "object") {
        c.kind = Type::Kind::Object;
        const auto& o = *e.children[0];
        if (o.kind != hcl::ExprKind::Object) return fail(o, "Invalid type specification: object(...) requires an object of attribute types");
        for (std::size_t i = 0; i + 1 < o.children.size(); i += 2) {
            const auto& key = *o.children[i]->children[0];
            std::string k;
            if (key.kind == hcl::ExprKind::Traversal && key.steps.empty() && key.children.empty()) k = std::string(key.text);
            else if (key.is_string_literal()) k = std::string(key.children[0]->text);
            else return fail(key, "Invalid type specification: an attribute name is required");
            const auto& ty = *o.children[i + 1];
            Constraint::Attribute a;
            if (ty.kind == hcl::ExprKind::Call && ty.text == "optional") {
                if (ty.children.empty() || ty.children.size() > 2) return fail(ty, "Invalid type specification: optional(T) or optional(T, default) is required");
                a.optional = true;
                a.type = parse_constraint(*ty.children[0], evaluate_default);
                if (ty.children.size() == 2) {
                    try {
                        a.default_value = convert(evaluate_default(*ty.children[1]), a.type);
                    } catch (const ConversionError& err) {
                        fail(*ty.children[1], std::string("Invalid default value for optional attribute: ") + err.what());
                    }
                }
            } else {
                a.type = parse_constraint(ty, evaluate_default);
            }
            c.attributes.emplace(std::move(k), std::move(a));
        }
        return c;
    }
    if (name == "optional") return fail(e, "Invalid type specification: optional(...) is allowed only as an object attribute's type");
    return fail(e, "Invalid type specification: unknown type constructor \"" + name + "\"");
}

}  // namespace xc::input::terraform
