// Reports of xc diff, for people (text), machines (JSON, versioned) and code scanning (SARIF at
// NEW's lines; OLD's deciding statements as related locations in OLD's file).
//
//   auto run = xc::verify::locate_diff("base.json", "head.json", xc::verify::diff(old_g, new_g), old_g.model(), new_g.model());
//   std::cout << xc::verify::to_text(run);   // or to_json(run).dump(2), to_sarif(run).dump(2)
//   return run.report.exit_code();
//
// Deterministic: no timestamps, no absolute paths (files appear as given). The JSON report's
// schema is examples/ci/xc-diff.schema.json.
#pragma once

#include <xc/model/model.hpp>
#include <xc/verify/diff.hpp>
#include <xc/verify/sarif.hpp>
#include <xc/version.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace xc::verify {

// The diff report's format version; bump it on any incompatible change.
//   1: "xcDiff", old/new files, findings with a change, NEW's and OLD's deciding statements
inline constexpr int diff_format_version = 1;

// A diff with the inputs it compared and where each path is written in them (a side read from
// several files, Terraform roots or a set of stacks, places each path in its own file).
struct DiffRun {
    SourceLocations old_side, new_side;  // file: the side's name as given
    DiffReport report;

    const std::string& old_file() const { return old_side.file; }
    const std::string& new_file() const { return new_side.file; }
    // The side a finding's own path and statements are in: NEW, or OLD for a removed subject.
    const SourceLocations& side_of(const DiffFinding& f) const { return f.on_old_side ? old_side : new_side; }
};

inline DiffRun locate_diff(std::string old_file, std::string new_file, DiffReport report, const model::Model& old_model,
                           const model::Model& new_model) {
    DiffRun run{{std::move(old_file), {}}, {std::move(new_file), {}}, std::move(report)};
    for (const auto& f : run.report.findings) {
        auto& own = f.on_old_side ? run.old_side : run.new_side;
        const auto& own_model = f.on_old_side ? old_model : new_model;
        own.add(f.finding.path, own_model);
        for (const auto& s : f.finding.statements) own.add(s.path(), own_model);
        for (const auto& s : f.old_statements) run.old_side.add(s.path(), old_model);
        run.old_side.add(f.old_path, old_model);
    }
    return run;
}

namespace detail {

inline nlohmann::json diff_summary_json(const DiffReport& r) {
    return {{"noNewAccess", r.count(Change::no_new_access)}, {"newAccess", r.count(Change::new_access)},
            {"undecided", r.count(Change::undecided)},      {"accessRemoved", r.count(Change::access_removed)},
            {"added", r.count(Change::added)},              {"removed", r.count(Change::removed)}};
}

inline std::string diff_summary_text(const DiffReport& r) {
    return std::to_string(r.count(Change::new_access)) + " new access, " + std::to_string(r.count(Change::undecided)) + " undecided, " +
           std::to_string(r.count(Change::no_new_access)) + " no new access, " + std::to_string(r.count(Change::access_removed)) +
           " access removed, " + std::to_string(r.count(Change::added)) + " added, " + std::to_string(r.count(Change::removed)) + " removed";
}

inline nlohmann::json statements_json(const std::vector<StatementRef>& refs, const SourceLocations& side) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : refs) {
        nlohmann::json j{{"path", s.path()}, {"index", s.index}, {"sid", s.sid}, {"effect", s.effect}};
        if (auto loc = location_json(side, s.path()); !loc.is_null()) j["location"] = loc;
        out.push_back(std::move(j));
    }
    return out;
}

// "old: file:line:col: path (Allow, Sid x)" for the text report.
inline std::string statement_text(const char* side_name, const SourceLocations& side, const StatementRef& s) {
    return std::string("      ") + side_name + ": " + located_path_text(side, s.path()) + " (" + s.effect + (s.sid.empty() ? "" : ", Sid " + s.sid) + ")\n";
}

}  // namespace detail

// The machine-readable diff (format `diff_format_version`, schema examples/ci/xc-diff.schema.json).
inline nlohmann::json to_json(const DiffRun& run) {
    const auto& r = run.report;
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& df : r.findings) {
        const Finding& f = df.finding;
        nlohmann::json j{{"check", f.property},   {"subject", f.subject}, {"scope", f.scope},
                         {"change", std::string(to_string(df.change))}, {"verdict", std::string(to_string(f.verdict))},
                         {"message", f.message},  {"side", df.on_old_side ? "old" : "new"}, {"path", f.path}};
        if (auto loc = detail::location_json(run.side_of(df), f.path); !loc.is_null()) j["location"] = loc;
        if (!f.witness.is_null()) j["witness"] = f.witness;
        if (!f.statements.empty()) j["statements"] = detail::statements_json(f.statements, run.side_of(df));
        if (!df.old_statements.empty()) j["oldStatements"] = detail::statements_json(df.old_statements, run.old_side);
        if (!df.old_path.empty() && !df.on_old_side) {
            j["oldPath"] = df.old_path;
            if (auto loc = detail::location_json(run.old_side, df.old_path); !loc.is_null()) j["oldLocation"] = loc;
        }
        if (!f.fix.empty()) j["fix"] = f.fix;
        findings.push_back(std::move(j));
    }
    return {{"xcDiff", diff_format_version},
            {"tool", {{"name", "xc"}, {"version", xc::version}}},
            {"old", {{"file", run.old_file()}}},
            {"new", {{"file", run.new_file()}}},
            {"summary", detail::diff_summary_json(r)},
            {"exitCode", r.exit_code()},
            {"findings", std::move(findings)}};
}

// The diff for people: every comparison, what it found, the witness and both sides' statements.
inline std::string to_text(const DiffRun& run) {
    std::string out = "xc diff " + run.old_file() + " (OLD) -> " + run.new_file() + " (NEW)\n\n";
    for (const auto& df : run.report.findings) {
        const Finding& f = df.finding;
        std::string change(to_string(df.change));
        out += "  " + change + std::string(change.size() < 15 ? 15 - change.size() : 1, ' ') + f.property + "  " + f.subject + "\n";
        out += "      " + f.message + "\n";
        if (df.change == Change::no_new_access) continue;
        if (!f.witness.is_null()) out += "      witness: " + f.witness.dump() + "\n";
        for (const auto& s : f.statements) out += detail::statement_text(df.on_old_side ? "old" : "new", run.side_of(df), s);
        for (const auto& s : df.old_statements) out += detail::statement_text("old", run.old_side, s);
        if (df.change == Change::new_access && df.old_statements.empty() && f.witness.contains("action"))
            out += "      old: no statement of OLD allows it\n";
        out += "      at: " + detail::located_path_text(run.side_of(df), f.path) + "\n";
        if (!f.fix.empty()) out += "      fix: " + f.fix + "\n";
    }
    out += "\n" + detail::diff_summary_text(run.report) + "\n";
    return out;
}

// SARIF 2.1.0: one rule per diff check; a result per new access (error), undecided comparison
// (warning) and, as notes, removed access and added or removed subjects. Locations in NEW (in OLD
// for a removed subject); OLD's deciding statements are related locations in OLD's file.
inline nlohmann::json to_sarif(const DiffRun& run) {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& c : diff_checks) {
        nlohmann::json rule{{"id", c.id},
                            {"name", c.rule_name},
                            {"shortDescription", {{"text", c.title}}},
                            {"fullDescription", {{"text", c.description}}},
                            {"help", {{"text", c.help}}},
                            {"defaultConfiguration", {{"level", "error"}}},
                            {"properties", {{"precision", "very-high"}, {"tags", {"security"}}, {"security-severity", c.security_severity}}}};
        rules.push_back(std::move(rule));
    }
    auto rule_index = [](const std::string& id) {
        for (std::size_t i = 0; i < diff_checks.size(); ++i)
            if (diff_checks[i].id == id) return i;
        throw std::logic_error("unknown diff check " + id);
    };
    const std::size_t new_artifact = 0, old_artifact = 1;
    nlohmann::json results = nlohmann::json::array();
    for (const auto& df : run.report.findings) {
        if (df.change == Change::no_new_access) continue;
        const Finding& f = df.finding;
        const char* level = df.change == Change::new_access ? "error" : df.change == Change::undecided ? "warning" : "note";
        std::string text = f.subject + ": " + f.message;
        if (df.change == Change::new_access && !f.witness.is_null()) text += ". Witness: " + f.witness.dump();
        if (df.change == Change::undecided) text = f.subject + ": undecided (not a pass): " + f.message;
        if (!f.fix.empty()) text += ". Fix: " + f.fix;
        const bool old_side = df.on_old_side;
        const SourceLocations& own = run.side_of(df);
        const std::size_t own_artifact = old_side ? old_artifact : new_artifact;
        nlohmann::json result{
            {"ruleId", f.property},
            {"ruleIndex", rule_index(f.property)},
            {"level", level},
            {"message", {{"text", text}}},
            {"locations", nlohmann::json::array({{{"physicalLocation", detail::physical_location(own, own_artifact, f.path)},
                                                  {"logicalLocations", detail::logical_locations(own, f)}}})},
            {"partialFingerprints", {{"xc-diff/v1", f.property + ":" + f.subject + ":" + std::string(to_string(df.change))}}}};
        nlohmann::json related = nlohmann::json::array();
        for (const auto& s : f.statements) {
            if (s.path() == f.path) continue;
            related.push_back({{"id", related.size() + 1},
                               {"physicalLocation", detail::physical_location(own, own_artifact, s.path())},
                               {"message", {{"text", std::string(old_side ? "OLD" : "NEW") + " deciding statement " + s.path() + " (" + s.effect + ")"}}}});
        }
        for (const auto& s : df.old_statements)
            related.push_back({{"id", related.size() + 1},
                               {"physicalLocation", detail::physical_location(run.old_side, old_artifact, s.path())},
                               {"message", {{"text", "OLD deciding statement " + s.path() + " (" + s.effect + ")"}}}});
        if (!related.empty()) result["relatedLocations"] = std::move(related);
        nlohmann::json props{{"change", std::string(to_string(df.change))}, {"subject", f.subject}, {"scope", f.scope}, {"modelPath", f.path}};
        if (!f.witness.is_null()) props["witness"] = f.witness;
        result["properties"] = std::move(props);
        results.push_back(std::move(result));
    }
    nlohmann::json artifacts = nlohmann::json::array({{{"location", {{"uri", detail::file_uri(run.new_file())}}}, {"roles", {"analysisTarget"}}},
                                                      {{"location", {{"uri", detail::file_uri(run.old_file())}}}, {"roles", {"analysisTarget"}}}});
    nlohmann::json sarif_run{{"tool", {{"driver", {{"name", "xc"}, {"version", xc::version}, {"semanticVersion", xc::version}, {"rules", std::move(rules)}}}}},
                             {"artifacts", std::move(artifacts)},
                             {"results", std::move(results)},
                             {"invocations", nlohmann::json::array({{{"executionSuccessful", true}, {"exitCode", run.report.exit_code()}}})},
                             {"properties", detail::diff_summary_json(run.report)}};
    return {{"$schema", std::string(sarif_schema_uri)}, {"version", "2.1.0"}, {"runs", nlohmann::json::array({std::move(sarif_run)})}};
}

}  // namespace xc::verify
