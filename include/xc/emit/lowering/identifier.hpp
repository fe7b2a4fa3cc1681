// Resource names in the lowered deployment: stable, readable identifiers derived from model
// names, valid in every target (Terraform names, CloudFormation logical ids after
// PascalCasing): lower-case ASCII letters, digits and '_', starting with a letter.
#pragma once

#include <string>
#include <string_view>

namespace xc::emit::lowering {

inline std::string identifier(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (char c : s) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
            alnum = true;
        }
        if (alnum) out += c;
        else if (!out.empty() && out.back() != '_') out += '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (out.empty() || !(out.front() >= 'a' && out.front() <= 'z')) out.insert(0, "r_");
    return out;
}

}  // namespace xc::emit::lowering
