// The JSON value of a YAML scalar, for every front end that reads YAML (CloudFormation
// templates, Terraform's OpenAPI bodies): one typing, so that the same text means the same value
// whichever front end reads it.
#pragma once

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstddef>
#include <string>

namespace xc::input::detail {

// Plain scalars take the YAML core schema's types ("10.3.2. Tag Resolution": null, booleans,
// integers, decimals); quoted ones and those tagged !!str are text (yaml-cpp gives them the tag
// "!" or the !!str tag). A number with a leading zero ("0755": octal in YAML 1.1, decimal in 1.2)
// and one too long for a 64-bit value stay text as written rather than be read one way or the
// other; anything else stays text, e.g. "1e5x".
inline nlohmann::json yaml_scalar_value(const std::string& s, const std::string& tag) {
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return s;
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    const std::size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
    bool digits = i < s.size(), dot = false;
    for (std::size_t k = i; k < s.size() && digits; ++k) {
        if (s[k] == '.' && !dot) dot = true;
        else if (!std::isdigit(static_cast<unsigned char>(s[k]))) digits = false;
    }
    const bool leading_zero = s.size() > i + 1 && s[i] == '0' && s[i + 1] != '.';
    if (digits && !leading_zero && s.back() != '.' && s.size() <= 18 + i) {
        if (!dot) return std::stoll(s);
        return std::stod(s);
    }
    return s;
}

}  // namespace xc::input::detail
