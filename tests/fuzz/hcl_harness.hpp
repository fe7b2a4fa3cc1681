// Harness body: the HCL native-syntax parser (include/xc/input/hcl/).
//
// Input: any bytes, parsed as a .tf file. Checked:
//  * only xc::InputError escapes, with at least one diagnostic, each inside the file;
//  * on success, every attribute, block and expression range lies inside the file with
//    start <= end, children inside their parents, attribute names unique per body;
//  * the canonical text of every attribute value parses back to the same canonical text.
#pragma once

#include "fuzz_check.hpp"

#include <xc/input/hcl/hcl.hpp>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace xc::fuzz {

namespace hcl_detail {

using namespace xc::input::hcl;

inline void check_range(const Range& r, std::size_t size, const Range* parent) {
    XC_FUZZ_CHECK(r.start.offset <= r.end.offset, "range ends before it starts");
    XC_FUZZ_CHECK(r.end.offset <= size, "range beyond the end of the file");
    XC_FUZZ_CHECK(r.start.line >= 1 && r.start.column >= 1, "line/column not 1-based");
    if (parent)
        XC_FUZZ_CHECK(parent->start.offset <= r.start.offset && r.end.offset <= parent->end.offset,
                      "child range outside its parent");
}

inline void check_expr(const Expr& e, std::size_t size, const Range* parent) {
    check_range(e.range, size, parent);
    for (const auto& c : e.children)
        if (c) check_expr(*c, size, nullptr);  // template parts may sit outside a strip-trimmed parent
    for (const auto& s : e.steps) {
        check_range(s.range, size, &e.range);
        if (s.key) check_expr(*s.key, size, nullptr);
    }
}

inline void check_body(const Body& b, std::size_t size) {
    std::set<std::string> names;
    for (const auto& a : b.attributes) {
        XC_FUZZ_CHECK(names.emplace(a.name).second, "attribute name repeated in one body");
        check_range(a.range, size, nullptr);
        check_expr(*a.value, size, &a.range);
        const std::string once = print(*a.value);
        File again;
        try {
            again = parse("v = " + once + "\n", "printed.tf");
        } catch (const InputError& e) {
            XC_FUZZ_FAIL("printed expression does not parse: " + once + "\n" + e.what());
        }
        XC_FUZZ_CHECK(print(*again.body.attributes.at(0).value) == once, "print is not a fixed point: " + once);
    }
    for (const auto& bl : b.blocks) {
        check_range(bl.range, size, nullptr);
        check_body(*bl.body, size);
    }
}

}  // namespace hcl_detail

inline int hcl_one(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto file = xc::input::hcl::parse(text, "fuzz.tf");
        hcl_detail::check_body(file.body, size);
    } catch (const xc::InputError& e) {
        XC_FUZZ_CHECK(!e.diagnostics().empty(), "InputError without diagnostics");
        for (const auto& d : e.diagnostics()) XC_FUZZ_CHECK(d.position.line <= size + 1, "diagnostic line beyond the file");
    }
    return 0;
}

}  // namespace xc::fuzz
