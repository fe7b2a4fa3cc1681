// SARIF 2.1.0 (OASIS) for code scanning: a run's findings as annotations on the model's lines.
//
// Design:
// - One SARIF run for all models; one rule per property (`xc::verify::properties`, in that
//   order, so `ruleIndex` is the property's index), with the row's help text (how to fix it)
//   and severity.
// - Results only for what fails the gate or was accepted: VIOLATED is `error`, UNDECIDED is
//   `warning` (undecided is never a pass). PROVED findings are not results: code scanning closes
//   an alert when a later run no longer reports it, and a model with 10,000 APIs would otherwise
//   ship 100,000 "pass" results. Their count is in the run's `properties.proved`.
// - A result's location is the finding's model path — for a policy violation, the deciding
//   statement — as file, line and column (into the service template when the value came from
//   one); the other deciding statements are `relatedLocations`. URIs are the model files as
//   given, so a checkout-relative path stays relative (no absolute paths, no timestamps).
// - `partialFingerprints["xc/v1"]` = property + subject, so code scanning tracks a finding
//   across commits even when lines move.
// - Baseline suppressions are SARIF `suppressions` (kind external, status accepted, with the
//   reason as justification); unused suppressions are tool notifications (warnings).
// - Columns are 1-based bytes, as xc reports them everywhere (equal to code points in ASCII).
#pragma once

#include <xc/verify/properties.hpp>
#include <xc/verify/report_format.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>

namespace xc::verify {

inline constexpr std::string_view sarif_schema_uri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

namespace detail {

inline std::size_t rule_index(std::string_view id) {
    for (std::size_t i = 0; i < properties.size(); ++i)
        if (properties[i].id == id) return i;
    throw std::logic_error("unknown property " + std::string(id));
}

// A file name as a URI reference (RFC 3986): relative paths stay relative; absolute ones
// become file: URIs; everything outside the unreserved set and '/' is percent-encoded.
inline std::string file_uri(const std::string& file) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = !file.empty() && file[0] == '/' ? "file://" : "";
    for (unsigned char c : file) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

inline nlohmann::json physical_location(const std::string& file, std::size_t artifact, SourcePosition p) {
    nlohmann::json loc{{"artifactLocation", {{"uri", file_uri(file)}, {"index", artifact}}}};
    if (p.line != 0) loc["region"] = {{"startLine", p.line}, {"startColumn", p.column}};
    return loc;
}

// A model path's location: in the report's artifact, or in the file it is written in, by URI (a
// template of a set of stacks, a .tf file of a Terraform root, named relative to where xc ran).
inline nlohmann::json physical_location(const SourceLocations& m, std::size_t artifact, const std::string& path) {
    nlohmann::json loc = physical_location(m.file_of(path), artifact, m.position(path));
    if (m.file_of(path) != m.file) loc["artifactLocation"].erase("index");
    return loc;
}

// The finding's subject, and its path in the source's own terms where it has one (a Terraform
// address, a template's resource path).
inline nlohmann::json logical_locations(const SourceLocations& m, const Finding& f) {
    auto out = nlohmann::json::array({{{"fullyQualifiedName", f.subject}, {"kind", "resource"}}});
    if (auto source = m.source_path(f.path); !source.empty()) out.push_back({{"fullyQualifiedName", source}, {"kind", "resource"}});
    return out;
}

inline nlohmann::json sarif_rule(const Property& p) {
    nlohmann::json rule{{"id", p.id},
                        {"name", p.rule_name},
                        {"shortDescription", {{"text", p.title}}},
                        {"fullDescription", {{"text", p.description}}},
                        {"help", {{"text", p.help}}},
                        {"defaultConfiguration", {{"level", "error"}}}};
    nlohmann::json props{{"precision", "very-high"}};  // a violation comes with a re-checked counterexample
    if (p.security_severity.empty()) props["tags"] = {"correctness"};
    else {
        props["tags"] = {"security"};
        props["security-severity"] = p.security_severity;
    }
    rule["properties"] = std::move(props);
    return rule;
}

inline nlohmann::json sarif_result(const ModelReport& m, std::size_t artifact, std::size_t index, const std::optional<Baseline>& baseline) {
    const Finding& f = m.report.findings[index];
    std::string text = f.subject + ": " + f.message;
    if (f.verdict == Verdict::violated && !f.witness.is_null()) text += ". Counterexample: " + f.witness.dump();
    if (f.verdict == Verdict::undecided) text = f.subject + ": undecided (not a pass): " + f.message;
    if (!f.fix.empty()) text += ". Fix: " + f.fix;

    nlohmann::json result{{"ruleId", f.property},
                          {"ruleIndex", rule_index(f.property)},
                          {"level", f.verdict == Verdict::violated ? "error" : "warning"},
                          {"message", {{"text", text}}},
                          {"locations", nlohmann::json::array({{{"physicalLocation", physical_location(m, artifact, f.path)},
                                                                {"logicalLocations", logical_locations(m, f)}}})},
                          {"partialFingerprints", {{"xc/v1", f.property + ":" + f.subject}}}};
    nlohmann::json related = nlohmann::json::array();
    for (const auto& s : f.statements) {
        if (s.path() == f.path) continue;
        related.push_back({{"id", related.size() + 1},
                           {"physicalLocation", physical_location(m, artifact, s.path())},
                           {"message", {{"text", "deciding statement " + s.path() + " (" + s.effect + (s.sid.empty() ? "" : ", Sid " + s.sid) + ")"}}}});
    }
    if (!related.empty()) result["relatedLocations"] = std::move(related);
    if (m.suppressed(index) && baseline) {
        const auto& s = baseline->suppressions.at(*m.suppressed_by[index]);
        nlohmann::json suppression{{"kind", "external"}, {"status", "accepted"}, {"justification", s.reason}};
        suppression["location"] = {{"physicalLocation", physical_location(baseline->file, 0, s.position)}};
        suppression["location"]["physicalLocation"]["artifactLocation"].erase("index");  // the baseline is not an analysed artifact
        result["suppressions"] = nlohmann::json::array({std::move(suppression)});
    }
    nlohmann::json props{{"verdict", std::string(to_string(f.verdict))}, {"subject", f.subject}, {"scope", f.scope}, {"modelPath", f.path}};
    if (!f.witness.is_null()) props["witness"] = f.witness;
    if (!f.statements.empty()) props["statements"] = to_json(f)["statements"];
    result["properties"] = std::move(props);
    return result;
}

}  // namespace detail

// The SARIF log of a run.
inline nlohmann::json to_sarif(const RunReport& run) {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& p : properties) rules.push_back(detail::sarif_rule(p));

    nlohmann::json artifacts = nlohmann::json::array();
    nlohmann::json results = nlohmann::json::array();
    for (std::size_t a = 0; a < run.models.size(); ++a) {
        const auto& m = run.models[a];
        artifacts.push_back({{"location", {{"uri", detail::file_uri(m.file)}}}, {"roles", {"analysisTarget"}}});
        for (std::size_t i = 0; i < m.report.findings.size(); ++i)
            if (m.report.findings[i].verdict != Verdict::proved) results.push_back(detail::sarif_result(m, a, i, run.baseline));
    }

    nlohmann::json invocation{{"executionSuccessful", true}, {"exitCode", run.exit_code()}};
    if (run.baseline && !run.unused_suppressions.empty()) {
        nlohmann::json notifications = nlohmann::json::array();
        for (auto index : run.unused_suppressions) {
            const auto& s = run.baseline->suppressions.at(index);
            auto loc = detail::physical_location(run.baseline->file, 0, s.position);
            loc["artifactLocation"].erase("index");
            notifications.push_back({{"level", "warning"},
                                     {"message", {{"text", detail::unused_suppression_message(s)}}},
                                     {"locations", nlohmann::json::array({{{"physicalLocation", std::move(loc)}}})},
                                     {"properties", {{"baseline", s.pointer}}}});
        }
        invocation["toolExecutionNotifications"] = std::move(notifications);
    }

    nlohmann::json sarif_run{{"tool", {{"driver", {{"name", "xc"}, {"version", xc::version}, {"semanticVersion", xc::version}, {"rules", std::move(rules)}}}}},
                             {"artifacts", std::move(artifacts)},
                             {"results", std::move(results)},
                             {"invocations", nlohmann::json::array({std::move(invocation)})},
                             {"properties",
                              {{"proved", run.count(Verdict::proved)},
                               {"violated", run.count(Verdict::violated)},
                               {"undecided", run.count(Verdict::undecided)},
                               {"suppressed", run.suppressed_count()}}}};
    return {{"$schema", std::string(sarif_schema_uri)}, {"version", "2.1.0"}, {"runs", nlohmann::json::array({std::move(sarif_run)})}};
}

}  // namespace xc::verify
