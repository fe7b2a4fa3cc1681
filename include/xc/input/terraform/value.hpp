// Terraform's values and types (HashiCorp's cty, as Terraform 1.x uses it).
//
// A Value is null (typed), unknown (typed, possibly dynamic, remembering what it depends on:
// `aws_api_gateway_rest_api.this.execution_arn`, or why xc could not compute it), or known: a
// bool, a number, a string, or a list, set, map, tuple or object of values. Any value may carry
// the `sensitive` mark.
//
// Numbers are binary floating point with a 512-bit mantissa, rounded to nearest even — what
// cty uses (Go's big.Float, precision 512, for every parsed number). Integers that cty makes
// with NumberIntVal (lengths, indexes) have 64-bit precision, and an operation's result has
// the larger precision of its operands, as in Go; `Number::narrow` keeps that. Numbers print
// as Go's Text('f', -1): the shortest decimal that reads back to the same binary value, without
// an exponent — so 0.1 + 0.2 prints 0.3, 1/3 prints 157 digits, 2^63 prints exactly, and
// length("a")/3 prints 0.33333333333333333334, all as Terraform does.
//
// Order (as Terraform iterates): map and object keys lexically (bytes); set elements of type
// string lexically, number numerically, bool false before true. cty orders sets of other
// element types by hash; xc orders them structurally instead (documented difference).
#pragma once

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace xc::input::terraform {

using BigFloat = boost::multiprecision::number<
    boost::multiprecision::cpp_bin_float<512, boost::multiprecision::digit_base_2>, boost::multiprecision::et_off>;
using NarrowFloat = boost::multiprecision::number<
    boost::multiprecision::cpp_bin_float<64, boost::multiprecision::digit_base_2>, boost::multiprecision::et_off>;

struct Number {
    BigFloat value;
    bool narrow = false;  // 64-bit precision (cty's NumberIntVal), see the header comment

    static Number integer(std::int64_t v) { return Number{BigFloat(v), true}; }
    // A decimal literal (HCL/JSON number syntax, or what tonumber accepts); nullopt if not one.
    static std::optional<Number> parse(std::string_view text);
    // Rounds `v` to this result's precision (the larger of the operands': Go's rule).
    static Number result(BigFloat v, const Number& a, const Number& b) {
        Number n{std::move(v), a.narrow && b.narrow};
        n.round();
        return n;
    }
    void round() {
        if (narrow && boost::multiprecision::isfinite(value)) value = BigFloat(NarrowFloat(value));
    }
    bool is_integer() const { return boost::multiprecision::isfinite(value) && value == boost::multiprecision::trunc(value); }
    bool is_finite() const { return boost::multiprecision::isfinite(value); }
    // xc's range: magnitudes within 2^±1,000,000 (about 10^±301,000), so that printing a
    // number (Terraform prints every digit) stays bounded. README: Limits.
    static constexpr int max_binary_exponent = 1000000;
    bool in_range() const {
        if (!is_finite() || value == 0) return true;
        int e = 0;
        boost::multiprecision::frexp(value, &e);
        return e <= max_binary_exponent && e >= -max_binary_exponent;
    }
    std::optional<std::int64_t> to_int64() const {
        if (!is_integer() || value > BigFloat(INT64_MAX) || value < BigFloat(INT64_MIN)) return std::nullopt;
        return static_cast<std::int64_t>(value);
    }
    // Go's big.Float Text('f', -1): shortest round-trip digits, no exponent; "+Inf"/"-Inf".
    std::string text() const;
    friend bool operator==(const Number& a, const Number& b) { return a.value == b.value; }
    friend bool operator<(const Number& a, const Number& b) { return a.value < b.value; }
};

namespace detail {

// Shortest decimal digits of x (finite, nonzero) that read back to x at x's precision:
// (digits without dot, decimal exponent e) meaning 0.d1d2... * 10^e.
inline std::pair<std::string, long> shortest_digits(const Number& x) {
    const BigFloat a = boost::multiprecision::abs(x.value);
    auto reads_back = [&](const std::string& s) {
        Number y{BigFloat(s), x.narrow};
        y.round();
        return y.value == a;
    };
    int lo = 1, hi = x.narrow ? 22 : 160;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (reads_back(a.str(mid, std::ios_base::scientific))) hi = mid;
        else lo = mid + 1;
    }
    const std::string s = a.str(lo, std::ios_base::scientific);  // d.ddde[+-]xx
    const auto epos = s.find('e');
    std::string digits;
    for (std::size_t i = 0; i < epos; ++i)
        if (s[i] != '.') digits += s[i];
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    const long exp10 = std::stol(s.substr(epos + 1)) + 1;
    return {digits, exp10};
}

// Digits (0.d1d2... * 10^e) in fixed notation.
inline std::string fixed_text(bool negative, const std::string& digits, long e) {
    std::string out = negative ? "-" : "";
    if (e <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-e), '0');
        out += digits;
    } else if (static_cast<std::size_t>(e) >= digits.size()) {
        out += digits;
        out.append(static_cast<std::size_t>(e) - digits.size(), '0');
    } else {
        out += digits.substr(0, static_cast<std::size_t>(e));
        out += '.';
        out += digits.substr(static_cast<std::size_t>(e));
    }
    return out;
}

}  // namespace detail

inline std::string Number::text() const {
    if (boost::multiprecision::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (boost::multiprecision::isnan(value)) return "NaN";
    if (value == 0) return boost::multiprecision::signbit(value) ? "-0" : "0";
    auto [digits, e] = detail::shortest_digits(*this);
    return detail::fixed_text(value < 0, digits, e);
}

inline std::optional<Number> Number::parse(std::string_view t) {
    // [-+]? digits [. digits] [eE [+-] digits]  (Go's ParseFloat also accepts "+"; cty's
    // ParseNumberVal passes the text to big.ParseFloat.)
    std::size_t i = 0;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    const std::size_t int_start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    std::size_t ndigits = i - int_start;
    if (i < t.size() && t[i] == '.') {
        ++i;
        const std::size_t f = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
        ndigits += i - f;
    }
    if (ndigits == 0) return std::nullopt;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
        const std::size_t f = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
        if (i == f || i - f > 9) return std::nullopt;  // exponents beyond 1e±999999999: not a number here
    }
    if (i != t.size()) return std::nullopt;
    std::string s(t[0] == '+' ? t.substr(1) : t);
    try {
        Number n{BigFloat(s), false};
        if (n.value == 0 && s[0] == '-') n.value = -n.value;  // keep -0, as big.ParseFloat does
        if (!n.is_finite() || !n.in_range()) return std::nullopt;
        return n;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

class Type {
public:
    enum class Kind : std::uint8_t { Dynamic, Bool, Number, String, List, Set, Map, Tuple, Object };

    Type() = default;  // dynamic ("any")
    static Type dynamic() { return Type(); }
    static Type boolean() { return Type(Kind::Bool); }
    static Type number() { return Type(Kind::Number); }
    static Type string() { return Type(Kind::String); }
    static Type list(Type e) { return collection(Kind::List, std::move(e)); }
    static Type set(Type e) { return collection(Kind::Set, std::move(e)); }
    static Type map(Type e) { return collection(Kind::Map, std::move(e)); }
    static Type tuple(std::vector<Type> es) {
        Type t(Kind::Tuple);
        auto d = std::make_shared<Data>();
        d->elements = std::move(es);
        t.data_ = std::move(d);
        return t;
    }
    static Type object(std::map<std::string, Type> attrs) {
        Type t(Kind::Object);
        auto d = std::make_shared<Data>();
        d->attributes = std::move(attrs);
        t.data_ = std::move(d);
        return t;
    }

    Kind kind() const { return kind_; }
    bool is_primitive() const { return kind_ == Kind::Bool || kind_ == Kind::Number || kind_ == Kind::String; }
    bool is_collection() const { return kind_ == Kind::List || kind_ == Kind::Set || kind_ == Kind::Map; }
    bool is_dynamic() const { return kind_ == Kind::Dynamic; }
    const Type& element() const { return data_->elements.at(0); }  // list/set/map
    const std::vector<Type>& elements() const { return data_->elements; }  // tuple
    const std::map<std::string, Type>& attributes() const { return data_->attributes; }  // object
    bool has_dynamic() const {
        switch (kind_) {
        case Kind::Dynamic: return true;
        case Kind::List: case Kind::Set: case Kind::Map: return element().has_dynamic();
        case Kind::Tuple:
            return std::any_of(elements().begin(), elements().end(), [](const Type& t) { return t.has_dynamic(); });
        case Kind::Object:
            return std::any_of(attributes().begin(), attributes().end(), [](const auto& a) { return a.second.has_dynamic(); });
        default: return false;
        }
    }

    friend bool operator==(const Type& a, const Type& b) {
        if (a.kind_ != b.kind_) return false;
        if (!a.data_ || !b.data_ || a.data_ == b.data_) return a.data_ == b.data_ || (!a.data_ && !b.data_);
        return a.data_->elements == b.data_->elements && a.data_->attributes == b.data_->attributes;
    }

    // Terraform's type constraint syntax: list(string), object({a=number}), any.
    std::string text() const {
        switch (kind_) {
        case Kind::Dynamic: return "dynamic";
        case Kind::Bool: return "bool";
        case Kind::Number: return "number";
        case Kind::String: return "string";
        case Kind::List: return "list(" + element().text() + ")";
        case Kind::Set: return "set(" + element().text() + ")";
        case Kind::Map: return "map(" + element().text() + ")";
        case Kind::Tuple: {
            std::string s = "tuple([";
            for (std::size_t i = 0; i < elements().size(); ++i) s += (i ? ", " : "") + elements()[i].text();
            return s + "])";
        }
        case Kind::Object: {
            std::string s = "object({";
            bool first = true;
            for (const auto& [k, t] : attributes()) {
                s += (first ? "" : ", ") + k + "=" + t.text();
                first = false;
            }
            return s + "})";
        }
        }
        return "?";
    }
    // cty's FriendlyName, used in Terraform's messages: "list of string", "object".
    std::string friendly() const {
        switch (kind_) {
        case Kind::Dynamic: return "dynamic";
        case Kind::Bool: return "bool";
        case Kind::Number: return "number";
        case Kind::String: return "string";
        case Kind::List: return "list of " + element().friendly();
        case Kind::Set: return "set of " + element().friendly();
        case Kind::Map: return "map of " + element().friendly();
        case Kind::Tuple: return "tuple";
        case Kind::Object: return "object";
        }
        return "?";
    }

private:
    struct Data {
        std::vector<Type> elements;
        std::map<std::string, Type> attributes;
    };
    explicit Type(Kind k) : kind_(k) {}
    static Type collection(Kind k, Type e) {
        Type t(k);
        auto d = std::make_shared<Data>();
        d->elements.push_back(std::move(e));
        t.data_ = std::move(d);
        return t;
    }
    Kind kind_ = Kind::Dynamic;
    std::shared_ptr<const Data> data_;
};

class Value;
using Attributes = std::map<std::string, Value>;

// One part of an unknown string a template built: literal text, or an exact unknown (its
// origin in `text`), e.g. "${aws_api_gateway_rest_api.this.execution_arn}/*/*/*".
struct TemplatePart {
    bool unknown = false;
    std::string text;
    friend bool operator==(const TemplatePart&, const TemplatePart&) = default;
};

class Value {
public:
    enum class State : std::uint8_t { Known, Null, Unknown };

    Value() : state_(State::Null) {}  // null of dynamic type
    static Value null(Type t = Type::dynamic()) {
        Value v;
        v.type_ = std::move(t);
        return v;
    }
    // An unknown value: `origin` names what it depends on (a resource attribute, a data source)
    // or why xc cannot compute it.
    static Value unknown(Type t, std::string origin) {
        Value v;
        v.state_ = State::Unknown;
        v.type_ = std::move(t);
        v.mut().origins.push_back(std::move(origin));
        return v;
    }
    static Value unknown(Type t, std::vector<std::string> origins) {
        Value v;
        v.state_ = State::Unknown;
        v.type_ = std::move(t);
        v.mut().origins = std::move(origins);
        return v;
    }
    static Value boolean(bool b) { return known(Type::boolean(), [&](Value& v) { v.bool_ = b; }); }
    static Value number(Number n) { return known(Type::number(), [&](Value& v) { v.mut().data = std::move(n); }); }
    static Value number(std::int64_t n) { return number(Number::integer(n)); }
    static Value string(std::string s) { return known(Type::string(), [&](Value& v) { v.mut().data = std::move(s); }); }
    static Value tuple(std::vector<Value> es) {
        std::vector<Type> ts;
        for (const auto& e : es) ts.push_back(e.type());
        return known(Type::tuple(std::move(ts)), [&](Value& v) { v.mut().data = std::move(es); });
    }
    static Value object(Attributes as) {
        std::map<std::string, Type> ts;
        for (const auto& [k, e] : as) ts.emplace(k, e.type());
        return known(Type::object(std::move(ts)), [&](Value& v) { v.mut().data = std::move(as); });
    }
    // Collections: the caller has converted every element to `element`.
    static Value list(Type element, std::vector<Value> es) {
        return known(Type::list(std::move(element)), [&](Value& v) { v.mut().data = std::move(es); });
    }
    static Value map(Type element, Attributes es) {
        return known(Type::map(std::move(element)), [&](Value& v) { v.mut().data = std::move(es); });
    }
    // Sorts into Terraform's order and drops duplicates.
    static Value set(Type element, std::vector<Value> es);

    const Type& type() const { return type_; }
    State state() const { return state_; }
    bool is_null() const { return state_ == State::Null; }
    bool is_known() const { return state_ != State::Unknown; }
    bool is_wholly_known() const {
        if (state_ == State::Unknown) return false;
        for (const auto& e : elements())
            if (!e.is_wholly_known()) return false;
        for (const auto& [k, e] : attributes())
            if (!e.is_wholly_known()) return false;
        return true;
    }
    bool sensitive() const { return sensitive_; }
    bool deep_sensitive() const {
        if (sensitive_) return true;
        for (const auto& e : elements())
            if (e.deep_sensitive()) return true;
        for (const auto& [k, e] : attributes())
            if (e.deep_sensitive()) return true;
        return false;
    }
    Value& mark_sensitive(bool on = true) {
        sensitive_ = sensitive_ || on;
        return *this;
    }
    Value unmarked_deep() const {
        if (!deep_sensitive()) return *this;  // shares the content
        Value v = *this;
        v.sensitive_ = false;
        if (auto* es = std::get_if<std::vector<Value>>(&v.mut().data))
            for (auto& e : *es) e = e.unmarked_deep();
        if (auto* as = std::get_if<Attributes>(&v.mut().data))
            for (auto& [k, e] : *as) e = e.unmarked_deep();
        return v;
    }
    const std::vector<std::string>& origins() const { return content_ ? content_->origins : empty<std::vector<std::string>>(); }
    // An unknown that is exactly the value of its one origin (a resource's attribute passed on
    // as it is, through references, variables, locals and outputs), not something computed from
    // it: the front end may then stand the origin's value in for it. Every operation that makes
    // a new unknown (a function, a template, an operator) leaves the mark off.
    bool exact() const { return state_ == State::Unknown && exact_ && origins().size() == 1; }
    Value& mark_exact(bool on = true) {
        exact_ = on;
        return *this;
    }
    // An unknown string a template built from literal text and exact unknowns only: its parts,
    // so that a front end can still read its shape (the unknown parts stand for whatever they
    // turn out to be); nullptr for any other value.
    const std::vector<TemplatePart>* template_parts() const { return state_ == State::Unknown && content_ ? content_->parts.get() : nullptr; }
    Value& with_template_parts(std::vector<TemplatePart> parts) {
        mut().parts = std::make_shared<const std::vector<TemplatePart>>(std::move(parts));
        return *this;
    }
    // Every origin of every unknown inside (deduplicated, first seen first).
    std::vector<std::string> unknown_origins() const {
        std::vector<std::string> out;
        collect_origins(out);
        return out;
    }

    bool as_bool() const { return bool_; }
    const Number& as_number() const { return get<Number>(); }
    const std::string& as_string() const { return get<std::string>(); }
    const std::vector<Value>& elements() const { return get<std::vector<Value>>(); }  // list, set, tuple
    const Attributes& attributes() const { return get<Attributes>(); }              // map, object
    std::size_t size() const {
        return type_.kind() == Type::Kind::Map || type_.kind() == Type::Kind::Object ? attributes().size() : elements().size();
    }
    bool is_sequence() const {  // list, set or tuple
        auto k = type_.kind();
        return k == Type::Kind::List || k == Type::Kind::Set || k == Type::Kind::Tuple;
    }
    bool is_mapping() const { return type_.kind() == Type::Kind::Map || type_.kind() == Type::Kind::Object; }

    // Structural identity (cty's RawEquals): same type, state, content and marks.
    friend bool raw_equal(const Value& a, const Value& b);
    // Terraform's order of known set elements and map keys, see the header comment.
    friend int compare_elements(const Value& a, const Value& b);

private:
    template <class F>
    static Value known(Type t, F&& fill) {
        Value v;
        v.state_ = State::Known;
        v.type_ = std::move(t);
        fill(v);
        return v;
    }
    void collect_origins(std::vector<std::string>& out) const {
        for (const auto& o : origins())
            if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
        for (const auto& e : elements()) e.collect_origins(out);
        for (const auto& [k, e] : attributes()) e.collect_origins(out);
    }

    // What a value holds beyond its type and marks, shared by its copies: a reference, a
    // resource's attributes or a module's outputs are passed on by the thousand, and a deep copy
    // each time was most of the time (and memory) of reading many roots. Written only through
    // mut(), which copies it first if another value shares it.
    struct Content {
        std::variant<std::monostate, Number, std::string, std::vector<Value>, Attributes> data;
        std::vector<std::string> origins;                       // unknown: what it depends on
        std::shared_ptr<const std::vector<TemplatePart>> parts;  // see template_parts()
    };
    Content& mut() {
        if (!content_) content_ = std::make_shared<Content>();
        else if (content_.use_count() > 1) content_ = std::make_shared<Content>(*content_);
        return *content_;
    }
    template <class T>
    static const T& empty() {
        static const T none{};
        return none;
    }
    template <class T>
    const T& get() const {
        const T* x = content_ ? std::get_if<T>(&content_->data) : nullptr;
        return x ? *x : empty<T>();
    }

    Type type_;
    State state_ = State::Null;
    bool sensitive_ = false;
    bool exact_ = false;
    bool bool_ = false;
    std::shared_ptr<Content> content_;
};

inline bool raw_equal(const Value& a, const Value& b) {
    if (!(a.type_ == b.type_) || a.state_ != b.state_ || a.sensitive_ != b.sensitive_) return false;
    if (a.state_ != Value::State::Known) return a.state_ == Value::State::Null || a.origins() == b.origins();
    if (a.content_ == b.content_ && a.bool_ == b.bool_) return true;  // shared content
    const Number &an = a.as_number(), &bn = b.as_number();
    if (a.bool_ != b.bool_ || !(an == bn) || a.as_string() != b.as_string()) return false;
    if (an.value == 0 && boost::multiprecision::signbit(an.value) != boost::multiprecision::signbit(bn.value)) return false;
    const auto &ae = a.elements(), &be = b.elements();
    const auto &aa = a.attributes(), &ba = b.attributes();
    if (ae.size() != be.size() || aa.size() != ba.size()) return false;
    for (std::size_t i = 0; i < ae.size(); ++i)
        if (!raw_equal(ae[i], be[i])) return false;
    for (auto i = aa.begin(), j = ba.begin(); i != aa.end(); ++i, ++j)
        if (i->first != j->first || !raw_equal(i->second, j->second)) return false;
    return true;
}

inline int compare_elements(const Value& a, const Value& b) {
    // Unknowns last, then nulls; known values by kind.
    auto rank = [](const Value& v) { return v.state_ == Value::State::Known ? 0 : v.state_ == Value::State::Null ? 1 : 2; };
    if (rank(a) != rank(b)) return rank(a) < rank(b) ? -1 : 1;
    if (a.state_ != Value::State::Known) return 0;
    if (a.type_.kind() != b.type_.kind()) return a.type_.kind() < b.type_.kind() ? -1 : 1;
    switch (a.type_.kind()) {
    case Type::Kind::Bool: return a.bool_ == b.bool_ ? 0 : (a.bool_ ? 1 : -1);
    case Type::Kind::Number: {
        const Number &an = a.as_number(), &bn = b.as_number();
        // cty's sets tell -0 from 0 (and order -0 first).
        if (an.value == 0 && bn.value == 0) {
            const bool na = boost::multiprecision::signbit(an.value), nb = boost::multiprecision::signbit(bn.value);
            return na == nb ? 0 : na ? -1 : 1;
        }
        return an < bn ? -1 : bn < an ? 1 : 0;
    }
    case Type::Kind::String: {
        const int c = a.as_string().compare(b.as_string());
        return c < 0 ? -1 : c == 0 ? 0 : 1;
    }
    case Type::Kind::Map: case Type::Kind::Object: {
        const auto &aa = a.attributes(), &ba = b.attributes();
        auto i = aa.begin(), j = ba.begin();
        for (; i != aa.end() && j != ba.end(); ++i, ++j) {
            if (i->first != j->first) return i->first < j->first ? -1 : 1;
            if (int c = compare_elements(i->second, j->second)) return c;
        }
        return aa.size() == ba.size() ? 0 : aa.size() < ba.size() ? -1 : 1;
    }
    default: {
        const auto &ae = a.elements(), &be = b.elements();
        for (std::size_t i = 0; i < ae.size() && i < be.size(); ++i)
            if (int c = compare_elements(ae[i], be[i])) return c;
        return ae.size() == be.size() ? 0 : ae.size() < be.size() ? -1 : 1;
    }
    }
}

inline Value Value::set(Type element, std::vector<Value> es) {
    std::stable_sort(es.begin(), es.end(), [](const Value& a, const Value& b) { return compare_elements(a, b) < 0; });
    std::vector<Value> out;
    for (auto& e : es) {
        // Known equal elements (and nulls) collapse; unknowns never do (they may differ).
        if (!out.empty() && e.is_known() && compare_elements(out.back(), e) == 0 && raw_equal(out.back().unmarked_deep(), e.unmarked_deep())) {
            out.back().mark_sensitive(e.sensitive());
            continue;
        }
        out.push_back(std::move(e));
    }
    return known(Type::set(std::move(element)), [&](Value& v) { v.mut().data = std::move(out); });
}

// The `==` operator (cty's Equals): a bool, or an unknown bool when it depends on an unknown.
inline Value equals(const Value& a, const Value& b) {
    const bool mark = a.deep_sensitive() || b.deep_sensitive();
    auto result = [&](Value v) { return v.mark_sensitive(mark); };
    auto unknown = [&] {
        auto o = a.unknown_origins();
        for (auto& x : b.unknown_origins())
            if (std::find(o.begin(), o.end(), x) == o.end()) o.push_back(x);
        return result(Value::unknown(Type::boolean(), std::move(o)));
    };
    if (!a.is_known() && !b.is_known()) return unknown();
    // A value xc could not compute ("xc: ..." origins) may have any type in Terraform: no
    // answer from types alone.
    for (const Value* v : {&a, &b})
        for (const auto& o : v->unknown_origins())
            if (o.rfind("xc: ", 0) == 0 && o != "xc: evaluation error") return unknown();
    if (!a.is_known() || !b.is_known()) {
        const Value& k = a.is_known() ? a : b;
        const Value& u = a.is_known() ? b : a;
        if (k.is_null() || u.type().has_dynamic()) return unknown();
        if (!(k.type() == u.type())) return result(Value::boolean(false));
        return unknown();
    }
    if (a.is_null() || b.is_null()) return result(Value::boolean(a.is_null() && b.is_null()));
    if (!a.is_wholly_known() || !b.is_wholly_known()) {
        if (!(a.type() == b.type()) && !a.type().has_dynamic() && !b.type().has_dynamic()) return result(Value::boolean(false));
        return unknown();
    }
    if (!(a.type() == b.type())) return result(Value::boolean(false));
    switch (a.type().kind()) {
    case Type::Kind::Bool: return result(Value::boolean(a.as_bool() == b.as_bool()));
    case Type::Kind::Number: return result(Value::boolean(a.as_number() == b.as_number()));
    case Type::Kind::String: return result(Value::boolean(a.as_string() == b.as_string()));
    case Type::Kind::Map: case Type::Kind::Object: {
        if (a.attributes().size() != b.attributes().size()) return result(Value::boolean(false));
        for (auto i = a.attributes().begin(), j = b.attributes().begin(); i != a.attributes().end(); ++i, ++j) {
            if (i->first != j->first) return result(Value::boolean(false));
            Value e = equals(i->second, j->second);
            if (!e.as_bool()) return result(Value::boolean(false));
        }
        return result(Value::boolean(true));
    }
    default: {
        if (a.elements().size() != b.elements().size()) return result(Value::boolean(false));
        for (std::size_t i = 0; i < a.elements().size(); ++i)
            if (!equals(a.elements()[i], b.elements()[i]).as_bool()) return result(Value::boolean(false));
        return result(Value::boolean(true));
    }
    }
}

// Compact text for messages and tests, in the shape of `terraform console` output on one line.
inline std::string display(const Value& v) {
    std::string s;
    if (v.sensitive()) return "(sensitive value)";
    if (!v.is_known()) return "(known after apply)";
    if (v.is_null()) return "null";
    switch (v.type().kind()) {
    case Type::Kind::Bool: return v.as_bool() ? "true" : "false";
    case Type::Kind::Number: return v.as_number().text();
    case Type::Kind::String: {
        s = "\"";
        for (char c : v.as_string()) {
            if (c == '"' || c == '\\') s += '\\';
            if (c == '\n') { s += "\\n"; continue; }
            s += c;
        }
        return s + "\"";
    }
    case Type::Kind::Map: case Type::Kind::Object: {
        s = v.type().kind() == Type::Kind::Map ? "tomap({" : "{";
        bool first = true;
        for (const auto& [k, e] : v.attributes()) {
            s += (first ? "" : ", ") + display(Value::string(k)) + " = " + display(e);
            first = false;
        }
        return s + (v.type().kind() == Type::Kind::Map ? "})" : "}");
    }
    default: {
        const auto k = v.type().kind();
        s = k == Type::Kind::List ? "tolist([" : k == Type::Kind::Set ? "toset([" : "[";
        for (std::size_t i = 0; i < v.elements().size(); ++i) s += (i ? ", " : "") + display(v.elements()[i]);
        return s + (k == Type::Kind::Tuple ? "]" : "])");
    }
    }
}

}  // namespace xc::input::terraform
