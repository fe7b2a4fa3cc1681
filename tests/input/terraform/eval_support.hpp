// Test helpers: evaluate one expression's source text with xc, and print results the way the
// differential test compares them (jsonencode, or a marker for an error or unknown).
#pragma once

#include "xc/input/hcl/parser.hpp"
#include "xc/input/terraform/terraform.hpp"

#include <string>

namespace xc::test::terraform {

using namespace xc::input::terraform;

struct Outcome {
    enum class Kind { Value, Error, Unknown } kind = Kind::Value;
    Value value;
    std::string error;
};

// Parses `expr` as the value of an attribute and evaluates it with `scope`.
inline Outcome eval_text(const std::string& expr, Scope scope = {}) {
    Outcome o;
    xc::input::hcl::File f;
    try {
        f = xc::input::hcl::parse("v = " + expr + "\n", "test.tf");
    } catch (const xc::InputError& e) {
        o.kind = Outcome::Kind::Error;
        o.error = std::string("syntax: ") + e.what();
        return o;
    }
    try {
        o.value = evaluate(*f.body.attributes[0].value, scope);
        if (!o.value.is_wholly_known()) o.kind = Outcome::Kind::Unknown;
    } catch (const xc::InputError& e) {
        o.kind = Outcome::Kind::Error;
        o.error = e.what();
    }
    return o;
}

// jsonencode(value), "XCERR" for an error, "XCUNKNOWN" for an unknown.
inline std::string json_or_marker(const Outcome& o) {
    if (o.kind == Outcome::Kind::Error) return "XCERR";
    if (o.kind == Outcome::Kind::Unknown) return "XCUNKNOWN";
    std::string s;
    try {
        xc::input::terraform::detail::json_encode(s, o.value.unmarked_deep());
    } catch (const FunctionError&) {
        return "XCERR";
    }
    return s;
}

}  // namespace xc::test::terraform
