// Reports for people (text, grouped by scope) and machines (JSON, versioned).
#pragma once

#include <xc/verify/finding.hpp>
#include <xc/version.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace xc::verify {

// The JSON report's format version; bump it on any incompatible change.
inline constexpr int report_format_version = 1;

inline nlohmann::json to_json(const Finding& f) {
    nlohmann::json j{{"property", f.property}, {"subject", f.subject}, {"scope", f.scope},
                     {"verdict", std::string(to_string(f.verdict))}, {"message", f.message}, {"path", f.path}};
    if (!f.witness.is_null()) j["witness"] = f.witness;
    if (!f.statements.empty()) {
        j["statements"] = nlohmann::json::array();
        for (const auto& s : f.statements)
            j["statements"].push_back({{"path", s.path()}, {"index", s.index}, {"sid", s.sid}, {"effect", s.effect}});
    }
    if (!f.fix.empty()) j["fix"] = f.fix;
    return j;
}

inline nlohmann::json to_json(const Report& r, const std::string& model_file) {
    nlohmann::json j{{"xcReport", report_format_version},
                     {"tool", {{"name", "xc"}, {"version", xc::version}}},
                     {"model", model_file},
                     {"summary",
                      {{"proved", r.count(Verdict::proved)}, {"violated", r.count(Verdict::violated)}, {"undecided", r.count(Verdict::undecided)}}},
                     {"exitCode", r.exit_code()}};
    j["findings"] = nlohmann::json::array();
    for (const auto& f : r.findings) j["findings"].push_back(to_json(f));
    return j;
}

inline std::string to_text(const Report& r, const std::string& model_file) {
    std::map<std::string, std::vector<const Finding*>> by_scope;
    for (const auto& f : r.findings) by_scope[f.scope].push_back(&f);
    std::string out = model_file + "\n";
    auto section = [&](const std::string& scope) {
        out += "\n" + std::string(scope == "consumer" ? "consumer" : "service " + scope) + "\n";
        for (const auto* f : by_scope[scope]) {
            std::string verdict(to_string(f->verdict));
            out += "  " + verdict + std::string(10 - verdict.size(), ' ') + f->property + "  " + f->subject + "\n";
            out += "      " + f->message + "\n";
            if (f->verdict == Verdict::proved) continue;
            if (!f->witness.is_null()) out += "      witness: " + f->witness.dump() + "\n";
            for (const auto& s : f->statements)
                out += "      deciding: " + s.path() + " (" + s.effect + (s.sid.empty() ? "" : ", Sid " + s.sid) + ")\n";
            out += "      at: " + f->path + "\n";
            if (!f->fix.empty()) out += "      fix: " + f->fix + "\n";
        }
    };
    if (by_scope.contains("consumer")) section("consumer");
    for (const auto& [scope, _] : by_scope)
        if (scope != "consumer") section(scope);
    out += "\n" + std::to_string(r.count(Verdict::proved)) + " proved, " + std::to_string(r.count(Verdict::violated)) + " violated, " +
           std::to_string(r.count(Verdict::undecided)) + " undecided\n";
    return out;
}

}  // namespace xc::verify
