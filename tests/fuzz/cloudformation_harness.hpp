// Harness body: the CloudFormation front end (include/xc/input/cloudformation/).
//
// Input: any bytes, read as a template (JSON or YAML), transformed (SAM), evaluated as the
// consumer's stack and mapped into the model. Checked:
//  * only xc::InputError escapes, with at least one diagnostic, each at a line inside the input;
//  * on success, every evaluated string's symbols name symbols the evaluation made, and every
//    model path of the mapped model is located in the input file.
#pragma once

#include "fuzz_check.hpp"

#include <xc/input/cloudformation/load.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace xc::fuzz {

namespace cloudformation_detail {

using nlohmann::json;

inline void check_symbols(const json& j, std::size_t symbols) {
    if (j.is_string()) {
        for (const auto& p : xc::input::cloudformation::pieces(j.get<std::string>()))
            if (p.symbol) XC_FUZZ_CHECK(*p.symbol < symbols, "a symbol mark names no symbol");
    } else if (j.is_array() || j.is_object()) {
        for (const auto& e : j) check_symbols(e, symbols);
    }
}

}  // namespace cloudformation_detail

inline int cloudformation_one(const std::uint8_t* data, std::size_t size) {
    namespace cfn = xc::input::cloudformation;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    try {
        auto source = std::make_shared<const cfn::TemplateSource>(cfn::parse_template(text, "fuzz.yaml"));
        cfn::StackInput stack{"consumer", "fuzz.yaml", "111111111111", "eu-central-1", {}, true};
        auto ev = cfn::evaluate({stack}, {source}, [](const cfn::TemplateSource& t) { return cfn::expand(t); });
        for (const auto& st : ev.stacks)
            for (const auto& [_, r] : st.resources) cloudformation_detail::check_symbols(r.properties, ev.symbols.size());
        auto mapped = cfn::to_model(ev, "fuzz");
        model::check(mapped.model);
        mapped.model.for_each_scope([&](const model::Scope& s) {
            for (const auto& [_, api] : s.apis) XC_FUZZ_CHECK(mapped.model.locate(api.path).file == "fuzz.yaml", "an API not located in the input");
        });
    } catch (const xc::InputError& e) {
        XC_FUZZ_CHECK(!e.diagnostics().empty(), "InputError without diagnostics");
        for (const auto& d : e.diagnostics()) XC_FUZZ_CHECK(d.position.line <= lines + 1, "diagnostic line beyond the input");
    }
    return 0;
}

}  // namespace xc::fuzz
