// Baselines: known, accepted findings that do not fail a CI gate.
//
// A gate is adopted on a codebase that already has findings; a baseline lets it pass on those
// while failing on every new one. Each suppression names the property and subject it accepts
// (optionally the model path and model file, to pin it further) and must say why: an accepted
// risk without a reason is how baselines rot. A suppression that matches nothing is reported, so
// a fixed finding's suppression gets removed rather than silently waiting for a regression.
//
//   {"xcBaseline": 1,
//    "suppressions": [{"property": "api-endpoint-only", "subject": "food/rest-api/orders",
//                      "reason": "migration ticket OPS-12", "path": "/services/food/...", "model": "models/m.json"}]}
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/input/json/json_source.hpp>
#include <xc/verify/finding.hpp>
#include <xc/verify/properties.hpp>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace xc::verify {

// The baseline file's format version; bump it on any incompatible change.
inline constexpr int baseline_format_version = 1;

struct Suppression {
    std::string property;  // a property id
    std::string subject;   // the finding's subject, e.g. "food/rest-api/orders"
    std::string reason;    // why the finding is accepted (required, non-empty)
    std::string path;      // optional: only the finding at this model path (JSON Pointer)
    std::string model;     // optional: only in this model file (as given on the command line)
    // Where the suppression is written, for warnings about it.
    std::string pointer;   // "/suppressions/<i>"
    SourcePosition position;

    // Violated and undecided findings can be accepted; a proved one needs no suppression.
    bool matches(const Finding& f, const std::string& model_file) const {
        return f.verdict != Verdict::proved && f.property == property && f.subject == subject &&
               (path.empty() || f.path == path) && (model.empty() || model == model_file);
    }
};

struct Baseline {
    std::string file;
    std::vector<Suppression> suppressions;
};

namespace detail {

inline std::vector<std::string> property_ids() {
    std::vector<std::string> ids;
    for (const auto& p : properties) ids.emplace_back(p.id);
    return ids;
}

inline bool is_blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace detail

// Parse a baseline document; every independent mistake is reported in one InputError.
inline Baseline parse_baseline(const input::json::JsonSource& source) {
    using nlohmann::json;
    std::vector<Diagnostic> errors;
    auto error = [&](std::string pointer, std::string message, std::string hint = {}) {
        errors.push_back(source.diagnostic(std::move(pointer), std::move(message), std::move(hint)));
    };
    Baseline baseline;
    baseline.file = source.file();
    const json& root = source.root();
    if (!root.is_object()) throw InputError(source.diagnostic("", "expected a baseline object {\"xcBaseline\": 1, \"suppressions\": [...]}"));

    static const std::vector<std::string> top_members{"$schema", "xcBaseline", "suppressions"};
    for (const auto& [key, _] : root.items())
        if (std::find(top_members.begin(), top_members.end(), key) == top_members.end())
            error(json_pointer::join("", key), "unknown member '" + key + "'", did_you_mean(key, top_members));
    if (!root.contains("xcBaseline")) error("", "missing member 'xcBaseline' (the format version, 1)");
    else if (const auto& v = root["xcBaseline"]; !v.is_number_integer() || v.get<long long>() != baseline_format_version)
        error("/xcBaseline", "expected " + std::to_string(baseline_format_version) + " (the only baseline format version), found " + v.dump());

    if (!root.contains("suppressions")) error("", "missing member 'suppressions' (an array of suppressions)");
    else if (!root["suppressions"].is_array()) error("/suppressions", "expected an array of suppressions, found " + std::string(root["suppressions"].type_name()));
    else {
        static const std::vector<std::string> members{"property", "subject", "reason", "path", "model"};
        const auto& list = root["suppressions"];
        std::unordered_map<std::string, std::size_t> first_of;  // a suppression's identity -> its first index
        for (std::size_t i = 0; i < list.size(); ++i) {
            std::string at = json_pointer::join("/suppressions", i);
            const json& item = list[i];
            if (!item.is_object()) {
                error(at, "expected a suppression object {\"property\", \"subject\", \"reason\"}, found " + std::string(item.type_name()));
                continue;
            }
            std::size_t errors_before = errors.size();
            for (const auto& [key, _] : item.items())
                if (std::find(members.begin(), members.end(), key) == members.end())
                    error(json_pointer::join(at, key), "unknown member '" + key + "'", did_you_mean(key, members));
            auto text = [&](const char* name, bool required) -> std::string {
                std::string p = json_pointer::join(at, name);
                if (!item.contains(name)) {
                    if (required) error(at, std::string("missing member '") + name + "'");
                    return {};
                }
                if (!item[name].is_string()) {
                    error(p, std::string("expected a string, found ") + item[name].type_name());
                    return {};
                }
                return item[name].get<std::string>();
            };
            Suppression s;
            s.pointer = at;
            s.position = source.position(at);
            s.property = text("property", true);
            s.subject = text("subject", true);
            s.reason = text("reason", true);
            s.path = text("path", false);
            s.model = text("model", false);
            if (item.contains("property") && item["property"].is_string() && !is_property(s.property))
                error(at + "/property", "unknown property '" + s.property + "'", did_you_mean(s.property, detail::property_ids()));
            if (item.contains("subject") && item["subject"].is_string() && s.subject.empty())
                error(at + "/subject", "expected the finding's subject (e.g. \"food/rest-api/orders\"), found an empty string");
            if (item.contains("reason") && item["reason"].is_string() && detail::is_blank(s.reason))
                error(at + "/reason", "expected why the finding is accepted, found an empty reason");
            if (item.contains("path") && item["path"].is_string() && (s.path.empty() || s.path[0] != '/'))
                error(at + "/path", "expected a JSON Pointer into the model (starting with '/'), found '" + s.path + "'");
            if (item.contains("model") && item["model"].is_string() && s.model.empty())
                error(at + "/model", "expected the model file as given to xc verify, found an empty string");
            if (errors.size() != errors_before) continue;
            std::string identity = s.property + '\0' + s.subject + '\0' + s.path + '\0' + s.model;
            if (auto [earlier, fresh] = first_of.emplace(std::move(identity), baseline.suppressions.size()); !fresh)
                error(at, "duplicate of the suppression at " + baseline.suppressions[earlier->second].pointer + " (it would never be used)");
            baseline.suppressions.push_back(std::move(s));
        }
    }
    if (!errors.empty()) throw InputError(std::move(errors));
    return baseline;
}

inline Baseline load_baseline_text(std::string_view text, std::string file = "<baseline>") {
    return parse_baseline(input::json::parse_json(text, std::move(file)));
}

inline Baseline load_baseline_file(const std::string& file) { return parse_baseline(input::json::load_json_file(file)); }

}  // namespace xc::verify
