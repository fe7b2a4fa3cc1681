// CloudFormation template values: literals, intrinsic functions and logical ids.
//
// Injection safety lives here. Model text reaches a template only through `literal`: a JSON
// string (nlohmann's dump escapes it), never through Fn::Sub (the printer uses Fn::Join for
// every computed string, so no model "${...}" is ever a substitution). Two things CloudFormation
// evaluates inside plain JSON cannot be escaped, so they are refused: a dynamic reference
// ("{{resolve:...}}" in any string) and an object whose single key is an intrinsic function
// name ("Ref", "Condition", "Fn::...") inside a model document (policy, OpenAPI body).
#pragma once

#include <xc/detail/fnv1a.hpp>
#include <xc/emit/lowering/stack.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace xc::emit::cloudformation {

// Templates keep the printer's member order (documents arrive with sorted keys).
using Json = nlohmann::ordered_json;

// A model string as a template string.
inline Json literal(const std::string& s) {
    if (s.find("{{resolve:") != std::string::npos)
        throw lowering::LoweringError("the model string '" + s +
                                      "' contains '{{resolve:', which CloudFormation would resolve as a dynamic reference; "
                                      "CloudFormation has no way to escape it");
    return Json(s);
}

inline bool is_intrinsic_key(std::string_view k) { return k == "Ref" || k == "Condition" || k.rfind("Fn::", 0) == 0; }

// A model object key; `single` when it is the object's only key.
inline const std::string& object_key(const std::string& k, bool single) {
    if (single && is_intrinsic_key(k))
        throw lowering::LoweringError("a model document holds an object whose only key is '" + k +
                                      "': CloudFormation would evaluate it as an intrinsic function");
    if (k.find("{{resolve:") != std::string::npos) (void)literal(k);
    return k;
}

inline Json ref_to(const std::string& logical_id) { return Json{{"Ref", logical_id}}; }
inline Json get_att(const std::string& logical_id, const std::string& attribute) {
    return Json{{"Fn::GetAtt", Json::array({logical_id, attribute})}};
}
// The logical ids `j` refers to (Ref, Fn::GetAtt): CloudFormation orders the resource after each
// of them already ("When you use the Ref or Fn::GetAtt function, the dependent resource is
// created first", CloudFormation User Guide, "DependsOn attribute"). A model string never
// becomes such an object (object_key), so every one found is the printer's own.
inline void collect_references(const Json& j, std::set<std::string>& ids) {
    if (j.is_object()) {
        if (j.size() == 1 && j.contains("Ref") && j["Ref"].is_string()) ids.insert(j["Ref"].get<std::string>());
        if (j.size() == 1 && j.contains("Fn::GetAtt") && j["Fn::GetAtt"].is_array() && !j["Fn::GetAtt"].empty() && j["Fn::GetAtt"][0].is_string())
            ids.insert(j["Fn::GetAtt"][0].get<std::string>());
        for (const auto& [_, v] : j.items()) collect_references(v, ids);
    } else if (j.is_array()) {
        for (const auto& v : j) collect_references(v, ids);
    }
}

inline Json select(int index, Json list) { return Json{{"Fn::Select", Json::array({index, std::move(list)})}}; }
// Concatenation without a delimiter; adjacent literal parts are merged.
inline Json join(const std::vector<Json>& parts) {
    Json items = Json::array();
    for (const auto& p : parts) {
        if (p.is_string() && !items.empty() && items.back().is_string()) items.back() = items.back().get<std::string>() + p.get<std::string>();
        else if (!(p.is_string() && p.get<std::string>().empty())) items.push_back(p);
    }
    if (items.empty()) return Json("");
    if (items.size() == 1) return items.front();
    return Json{{"Fn::Join", Json::array({"", std::move(items)})}};
}
inline Json pseudo(const char* name) { return ref_to(std::string("AWS::") + name); }

// "main_public_a" -> "MainPublicA": lowered names are [a-z0-9_], so logical ids are [A-Za-z0-9].
inline std::string pascal(std::string_view snake) {
    std::string out;
    bool up = true;
    for (char c : snake) {
        if (c == '_') {
            up = true;
            continue;
        }
        out += up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        up = false;
    }
    return out;
}

// Deployments get a new logical id whenever what they deploy changes.
using xc::detail::fnv1a_hex;

}  // namespace xc::emit::cloudformation
