// The AWS SAM transform (AWS::Serverless-2016-10-31), as far as this architecture needs it.
#pragma once

#include <xc/error.hpp>
#include <xc/input/cloudformation/evaluate.hpp>
#include <xc/input/cloudformation/template_source.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace xc::input::cloudformation {

inline constexpr const char* sam_transform = "AWS::Serverless-2016-10-31";

// The template with its transforms applied. A Transform xc does not know is an error: xc cannot
// know what a macro generates.
inline Expanded expand(const TemplateSource& t) {
    Expanded e;
    e.document = t.root();
    if (!e.document.is_object() || !e.document.contains("Transform")) return e;
    const nlohmann::json& tr = e.document["Transform"];
    nlohmann::json names = tr.is_array() ? tr : nlohmann::json::array({tr});
    bool sam = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string at = tr.is_array() ? "/Transform/" + std::to_string(i) : "/Transform";
        if (names[i].is_string() && names[i].get<std::string>() == sam_transform) {
            sam = true;
            continue;
        }
        throw InputError(t.diagnostic(at, "unknown Transform " + (names[i].is_string() ? "'" + printable(names[i].get<std::string>()) + "'" : names[i].dump()) +
                                              ": xc applies only " + sam_transform + " (a macro's output is unknown to xc)"));
    }
    if (sam) throw InputError(t.diagnostic("/Transform", "the SAM transform is not implemented yet"));
    return e;
}

}  // namespace xc::input::cloudformation
