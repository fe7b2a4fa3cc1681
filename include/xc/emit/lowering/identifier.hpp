// Resource names in the lowered deployment: stable, readable identifiers derived from model
// names, valid in every target (Terraform names, CloudFormation logical ids after
// PascalCasing): lower-case ASCII letters, digits and '_', starting with a letter.
#pragma once

#include <string>
#include <string_view>

namespace xc::emit::lowering {

// Makes `s` such an identifier in place: ASCII letters lower-cased, each run of other bytes
// one '_' (none leading or trailing), "r_" in front when it would start with a digit, and "r"
// when nothing is left (so that an identifier is its own: "r_" would become "r"). Each byte
// read writes at most one, so the writes never overtake the reads.
inline void make_identifier(std::string& s) {
    std::size_t out = 0;
    for (char c : s) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
            alnum = true;
        }
        if (alnum) s[out++] = c;
        else if (out > 0 && s[out - 1] != '_') s[out++] = '_';
    }
    while (out > 0 && s[out - 1] == '_') --out;
    s.resize(out);
    if (s.empty()) s = "r";
    else if (!(s.front() >= 'a' && s.front() <= 'z')) s.insert(0, "r_");
}

inline std::string identifier(std::string_view s) {
    std::string out(s);
    make_identifier(out);
    return out;
}

}  // namespace xc::emit::lowering
