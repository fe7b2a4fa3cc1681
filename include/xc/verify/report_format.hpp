// Reports for people (text, grouped by scope) and machines (JSON, versioned) — of one run of
// the verifier over one or more models, with a baseline's suppressions applied.
//
//   auto run = xc::verify::RunReport{};
//   run.models.push_back(xc::verify::locate("models/m.json", xc::verify::verify(graph), graph.model()));
//   run.apply(baseline, checked_properties);   // optional
//   std::cout << xc::verify::to_text(run);     // or to_json_text(run) (to_json(run).dump(2)), or to_sarif(run) (sarif.hpp)
//   return run.exit_code();
//
// Reports are deterministic: no timestamps, no absolute paths (model files appear as given).
// The JSON report's schema is examples/ci/xc-report.schema.json.
#pragma once

#include <xc/detail/parallel.hpp>
#include <xc/model/model.hpp>
#include <xc/verify/baseline.hpp>
#include <xc/verify/finding.hpp>
#include <xc/version.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace xc::verify {

// The JSON report's format version; bump it on any incompatible change.
//   1: one model ("model", "findings")
//   2: several models ("models": [{"file", "findings"}]), source locations, baseline suppressions
inline constexpr int report_format_version = 2;

// Where a model's paths are written: the file it was read from (as given; reports never make it
// absolute) and, per model path, the file (empty: `file`), line:column and the path in the
// source's own terms (a CloudFormation template's "/Resources/<logical id>/...", a Terraform
// resource's address; for our JSON format the model path itself). Verify and diff reports locate
// their findings through it, so a finding is placed alike whatever the input's form.
struct SourceLocations {
    std::string file;
    std::map<std::string, Location> locations;

    // Records where model path `path` of `m` is written (once; "" is no path).
    void add(const std::string& path, const model::Model& m) {
        if (!path.empty() && !locations.contains(path)) locations.emplace(path, m.locate(path));
    }
    SourcePosition position(const std::string& path) const {
        auto it = locations.find(path);
        return it == locations.end() ? SourcePosition{} : it->second.position;
    }
    // The file the value at model path `path` is written in (a model read from several files:
    // each template of a set of stacks, each .tf file of a set of roots).
    const std::string& file_of(const std::string& path) const {
        auto it = locations.find(path);
        return it == locations.end() || it->second.file.empty() ? file : it->second.file;
    }
    // The path in the source's own terms, where it differs from the model path ("" otherwise).
    std::string source_path(const std::string& path) const {
        auto it = locations.find(path);
        return it == locations.end() || it->second.path == path ? std::string() : it->second.path;
    }
};

// One model's findings, located in its files, with the baseline applied.
struct ModelReport : SourceLocations {
    Report report;
    std::vector<std::optional<std::size_t>> suppressed_by;    // per finding: index into the baseline's suppressions
    // What the model's source holds that xc does not model and that changes no verdict xc
    // proves (a Terraform resource type xc does not map: log groups, deployments...), listed so
    // that nothing is silently dropped; `path` is its address there.
    std::vector<Location> not_modelled;

    bool suppressed(std::size_t finding) const { return finding < suppressed_by.size() && suppressed_by[finding].has_value(); }

    // Violated or undecided and not suppressed: what fails the gate.
    std::size_t failing(Verdict v) const {
        std::size_t n = 0;
        for (std::size_t i = 0; i < report.findings.size(); ++i)
            if (report.findings[i].verdict == v && !suppressed(i)) ++n;
        return n;
    }
    std::size_t suppressed_count() const {
        std::size_t n = 0;
        for (std::size_t i = 0; i < report.findings.size(); ++i) n += suppressed(i);
        return n;
    }
    // 0 all proved (or suppressed), 1 an unsuppressed violation, 3 an unsuppressed undecided one.
    int exit_code() const {
        if (failing(Verdict::violated)) return 1;
        if (failing(Verdict::undecided)) return 3;
        return 0;
    }
};

// Where the findings' paths and deciding statements are written in the model's file — for a
// value stamped from a service template, in the template.
// Each distinct path is located once, on up to `jobs` threads (0: one per core); a locator only
// reads (model/source_locator.hpp).
inline ModelReport locate(std::string file, Report report, const model::Model& m, unsigned jobs = 0) {
    ModelReport r{{std::move(file), {}}, std::move(report), {}, {}};
    for (const auto& f : r.report.findings) {
        if (!f.path.empty()) r.locations.try_emplace(f.path);
        for (const auto& s : f.statements)
            if (std::string p = s.path(); !p.empty()) r.locations.try_emplace(std::move(p));
    }
    std::vector<std::pair<const std::string, Location>*> places;
    places.reserve(r.locations.size());
    for (auto& place : r.locations) places.push_back(&place);
    xc::detail::run_chunks(places.size(), 1024, xc::detail::jobs_or_cores(jobs), [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) places[i]->second = m.locate(places[i]->first);
    });
    r.suppressed_by.assign(r.report.findings.size(), std::nullopt);
    return r;
}

// One run of the verifier: every model given, and the baseline it was gated with.
struct RunReport {
    std::vector<ModelReport> models;
    std::optional<Baseline> baseline;
    std::vector<std::size_t> unused_suppressions;  // indexes into baseline->suppressions

    // Mark the findings the baseline accepts. A suppression that accepts nothing is unused —
    // unless its property was not checked in this run (--properties/--skip), where it could not
    // have matched anything.
    void apply(Baseline b, const std::set<std::string>& checked_properties) {
        baseline = std::move(b);
        std::vector<bool> used(baseline->suppressions.size(), false);
        // The suppressions by property and subject, each list in the baseline's order (the first
        // that matches accepts the finding): a lookup per finding, not a scan of the baseline.
        std::unordered_map<std::string, std::vector<std::size_t>> by_subject;
        auto key = [](std::string_view property, std::string_view subject) {
            std::string k(property);
            k.push_back('\0');
            k.append(subject);
            return k;
        };
        for (std::size_t s = 0; s < baseline->suppressions.size(); ++s)
            by_subject[key(baseline->suppressions[s].property, baseline->suppressions[s].subject)].push_back(s);
        for (auto& m : models) {
            m.suppressed_by.assign(m.report.findings.size(), std::nullopt);
            for (std::size_t i = 0; i < m.report.findings.size(); ++i) {
                const Finding& f = m.report.findings[i];
                auto candidates = by_subject.find(key(f.property, f.subject));
                if (candidates == by_subject.end()) continue;
                for (std::size_t s : candidates->second)
                    if (baseline->suppressions[s].matches(f, m.file)) {
                        m.suppressed_by[i] = s;
                        used[s] = true;
                        break;
                    }
            }
        }
        unused_suppressions.clear();
        for (std::size_t s = 0; s < used.size(); ++s)
            if (!used[s] && checked_properties.contains(baseline->suppressions[s].property)) unused_suppressions.push_back(s);
    }

    std::size_t count(Verdict v) const {
        std::size_t n = 0;
        for (const auto& m : models) n += m.report.count(v);
        return n;
    }
    std::size_t suppressed_count() const {
        std::size_t n = 0;
        for (const auto& m : models) n += m.suppressed_count();
        return n;
    }
    // The worst over the models: a violation (1) beats an undecided property (3) beats success (0).
    int exit_code() const {
        int worst = 0;
        for (const auto& m : models) {
            int code = m.exit_code();
            if (code == 1) return 1;
            if (code == 3) worst = 3;
        }
        return worst;
    }
};

namespace detail {

inline std::string location_text(const std::string& file, SourcePosition p) {
    if (p.line == 0) return file;
    return file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

inline nlohmann::json location_json(SourcePosition p) {
    if (p.line == 0) return nullptr;
    return {{"line", p.line}, {"column", p.column}};
}
// A model path's location in a report: line and column, and the file and source path where they
// are not the report's file and the model path itself (templates of a set of stacks, the .tf
// files of Terraform roots, whose source path is the resource's address).
inline nlohmann::json location_json(const SourceLocations& m, const std::string& path) {
    nlohmann::json j = location_json(m.position(path));
    if (j.is_null()) return j;  // unknown: no location (the schema's location has a line)
    if (m.file_of(path) != m.file) j["file"] = m.file_of(path);
    if (auto source = m.source_path(path); !source.empty()) j["sourcePath"] = source;
    return j;
}
// "file:line:col: path" for text reports (the source path after the model path when they differ).
inline std::string located_path_text(const SourceLocations& m, const std::string& path) {
    std::string source = m.source_path(path);
    return location_text(m.file_of(path), m.position(path)) + ": " + path + (source.empty() ? "" : " (" + source + ")");
}


inline std::string summary_text(std::size_t proved, std::size_t violated, std::size_t undecided, std::size_t suppressed) {
    std::string s = std::to_string(proved) + " proved, " + std::to_string(violated) + " violated, " + std::to_string(undecided) + " undecided";
    if (suppressed) s += ", " + std::to_string(suppressed) + " suppressed by the baseline";
    return s;
}

inline std::string unused_suppression_message(const Suppression& s) {
    return "unused suppression: no violated or undecided " + s.property + " finding on " + s.subject +
           (s.path.empty() ? "" : " at " + s.path) + (s.model.empty() ? "" : " in " + s.model) +
           " (fixed? remove it from the baseline)";
}

}  // namespace detail

// "baseline.json:4:5: warning: at /suppressions/0: unused suppression: ..." — compiler style.
inline std::string unused_suppression_warning(const Baseline& b, std::size_t index) {
    const auto& s = b.suppressions.at(index);
    return detail::location_text(b.file, s.position) + ": warning: at " + s.pointer + ": " + detail::unused_suppression_message(s);
}

// ---- JSON -----------------------------------------------------------------------------------

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

namespace detail {

inline nlohmann::json summary_json(std::size_t proved, std::size_t violated, std::size_t undecided, std::size_t suppressed) {
    return {{"proved", proved}, {"violated", violated}, {"undecided", undecided}, {"suppressed", suppressed}};
}

// Finding `i` of `m` as the report lists it: located, with its suppression if any.
inline nlohmann::json finding_json(const ModelReport& m, std::size_t i, const std::optional<Baseline>& baseline) {
    const auto& f = m.report.findings[i];
    auto j = verify::to_json(f);
    if (auto loc = location_json(m, f.path); !loc.is_null()) j["location"] = loc;
    for (std::size_t s = 0; s < f.statements.size(); ++s)
        if (auto loc = location_json(m, f.statements[s].path()); !loc.is_null()) j["statements"][s]["location"] = loc;
    if (m.suppressed(i) && baseline) {
        const auto& s = baseline->suppressions.at(*m.suppressed_by[i]);
        j["suppression"] = {{"reason", s.reason}, {"baseline", s.pointer}};
    }
    return j;
}

// A model's entry, with `findings` as its findings (to_json_text puts a marker there).
inline nlohmann::json to_json(const ModelReport& m, nlohmann::json findings) {
    nlohmann::json out{{"file", m.file},
                       {"summary", summary_json(m.report.count(Verdict::proved), m.report.count(Verdict::violated), m.report.count(Verdict::undecided),
                                                m.suppressed_count())},
                       {"exitCode", m.exit_code()},
                       {"findings", std::move(findings)}};
    if (!m.not_modelled.empty()) {
        out["notModelled"] = nlohmann::json::array();
        for (const auto& n : m.not_modelled) {
            nlohmann::json j{{"address", n.path}, {"file", n.file}};
            if (n.position.line) j["line"] = n.position.line, j["column"] = n.position.column;
            out["notModelled"].push_back(std::move(j));
        }
    }
    return out;
}

inline nlohmann::json to_json(const ModelReport& m, const std::optional<Baseline>& baseline) {
    nlohmann::json findings = nlohmann::json::array();
    for (std::size_t i = 0; i < m.report.findings.size(); ++i) findings.push_back(finding_json(m, i, baseline));
    return to_json(m, std::move(findings));
}

// The report; with a `marker`, each model's "findings" holds it instead (to_json_text).
inline nlohmann::json run_json(const RunReport& run, const std::optional<nlohmann::json>& marker) {
    nlohmann::json j{{"xcReport", report_format_version},
                     {"tool", {{"name", "xc"}, {"version", xc::version}}},
                     {"summary", detail::summary_json(run.count(Verdict::proved), run.count(Verdict::violated), run.count(Verdict::undecided),
                                                      run.suppressed_count())},
                     {"exitCode", run.exit_code()}};
    j["models"] = nlohmann::json::array();
    for (const auto& m : run.models) j["models"].push_back(marker ? detail::to_json(m, *marker) : detail::to_json(m, run.baseline));
    if (run.baseline) {
        nlohmann::json unused = nlohmann::json::array();
        for (auto index : run.unused_suppressions) {
            const auto& s = run.baseline->suppressions.at(index);
            nlohmann::json u{{"baseline", s.pointer}, {"property", s.property}, {"subject", s.subject}, {"reason", s.reason}};
            if (auto loc = detail::location_json(s.position); !loc.is_null()) u["location"] = loc;
            unused.push_back(std::move(u));
        }
        j["baseline"] = {{"file", run.baseline->file}, {"suppressions", run.baseline->suppressions.size()}, {"unused", std::move(unused)}};
    }
    return j;
}

}  // namespace detail

// The machine-readable report (format `report_format_version`, schema examples/ci/xc-report.schema.json).
inline nlohmann::json to_json(const RunReport& run) { return detail::run_json(run, std::nullopt); }

// The same report as text: exactly to_json(run).dump(2), without holding every finding as JSON at
// once (10,000 services: ~100,000 findings, 54 MB of text, built in 0.3 s and dumped in 0.3 s on one
// thread). The findings are dumped in chunks on up to `jobs` threads (0: one per core), each as
// nlohmann dumps it, indented to its depth; the rest of the report is dumped whole with a marker
// where each model's findings go. The marker is a number under the key "findings": no string
// can hold that text unescaped (a quote inside a string is written \"), so the k-th occurrence is
// the k-th model's.
inline std::string to_json_text(const RunReport& run, unsigned jobs = 0) {
    constexpr std::uint64_t marker = 18446744073709551557u;  // the largest 64-bit prime
    const std::string placeholder = "\"findings\": " + std::to_string(marker);
    const std::string skeleton = detail::run_json(run, nlohmann::json(marker)).dump(2);
    // The findings' depth: root object, "models" array, model object, "findings" array.
    constexpr std::size_t element_indent = 8;
    const std::string element_break = "\n" + std::string(element_indent, ' ');
    std::string out;
    std::size_t from = 0;
    for (const auto& m : run.models) {
        const std::size_t at = skeleton.find(placeholder, from);
        if (at == std::string::npos) throw std::logic_error("report: a model's findings marker is missing");
        out.append(skeleton, from, at - from);
        out += "\"findings\": ";
        const std::size_t n = m.report.findings.size();
        if (n == 0) {
            out += "[]";
        } else {
            constexpr std::size_t per_chunk = 1024;
            std::vector<std::string> chunks(xc::detail::chunk_count(n, per_chunk));
            xc::detail::run_chunks(n, per_chunk, xc::detail::jobs_or_cores(jobs), [&](std::size_t c, std::size_t begin, std::size_t end) {
                std::string& text = chunks[c];
                for (std::size_t i = begin; i < end; ++i) {
                    text += i ? ",\n" : "";
                    text.append(element_indent, ' ');
                    for (char ch : detail::finding_json(m, i, run.baseline).dump(2)) {
                        if (ch == '\n') text += element_break;
                        else text += ch;
                    }
                }
            });
            out += "[\n";
            for (const auto& text : chunks) out += text;
            out += "\n" + std::string(element_indent - 2, ' ') + "]";
        }
        from = at + placeholder.size();
    }
    out.append(skeleton, from, std::string::npos);
    return out;
}

// ---- text -----------------------------------------------------------------------------------

namespace detail {

// Appended to `out` piece by piece (a report of 10,000 services is ~18 MB: no temporary per line).
inline void append_text(std::string& out, const ModelReport& m, const std::optional<Baseline>& baseline) {
    std::map<std::string_view, std::vector<std::size_t>> by_scope;
    for (std::size_t i = 0; i < m.report.findings.size(); ++i) by_scope[m.report.findings[i].scope].push_back(i);
    auto append = [&out](std::initializer_list<std::string_view> parts) {
        for (auto p : parts) out += p;
    };
    append({m.file, "\n"});
    auto section = [&](std::string_view scope, const std::vector<std::size_t>& findings) {
        append({"\n", scope == "consumer" ? "" : "service ", scope, "\n"});
        for (auto i : findings) {
            const Finding& f = m.report.findings[i];
            const std::string_view verdict = verify::to_string(f.verdict);
            append({"  ", verdict});
            out.append(10 - verdict.size(), ' ');
            append({f.property, "  ", f.subject, "\n      ", f.message, "\n"});
            if (f.verdict == Verdict::proved) continue;
            if (m.suppressed(i) && baseline) {
                const auto& s = baseline->suppressions.at(*m.suppressed_by[i]);
                append({"      suppressed: ", s.reason, " (", location_text(baseline->file, s.position), ")\n"});
            }
            if (!f.witness.is_null()) append({"      witness: ", f.witness.dump(), "\n"});
            for (const auto& s : f.statements) {
                append({"      deciding: ", located_path_text(m, s.path()), " (", s.effect});
                if (!s.sid.empty()) append({", Sid ", s.sid});
                out += ")\n";
            }
            append({"      at: ", located_path_text(m, f.path), "\n"});
            if (!f.fix.empty()) append({"      fix: ", f.fix, "\n"});
        }
    };
    if (auto consumer = by_scope.find("consumer"); consumer != by_scope.end()) section(consumer->first, consumer->second);
    for (const auto& [scope, findings] : by_scope)
        if (scope != "consumer") section(scope, findings);
    if (!m.not_modelled.empty()) {
        out += "\nnot modelled (changes no verdict xc proves)\n";
        for (const auto& n : m.not_modelled) append({"  ", location_text(n.file, n.position), ": ", n.path, "\n"});
    }
    append({"\n", summary_text(m.report.count(Verdict::proved), m.report.count(Verdict::violated), m.report.count(Verdict::undecided),
                               m.suppressed_count()),
            "\n"});
}

}  // namespace detail

// The report for people: a section per model, findings grouped by consumer and service.
inline std::string to_text(const RunReport& run) {
    std::string out;
    for (std::size_t i = 0; i < run.models.size(); ++i) {
        if (i) out += '\n';
        detail::append_text(out, run.models[i], run.baseline);
    }
    if (run.baseline && !run.unused_suppressions.empty()) {
        out += "\nbaseline " + run.baseline->file + "\n";
        for (auto index : run.unused_suppressions) out += "  " + unused_suppression_warning(*run.baseline, index) + "\n";
    }
    if (run.models.size() > 1)
        out += "\ntotal: " + detail::summary_text(run.count(Verdict::proved), run.count(Verdict::violated), run.count(Verdict::undecided),
                                                  run.suppressed_count()) +
               " in " + std::to_string(run.models.size()) + " models\n";
    return out;
}

// One model's report without positions (for callers that have only the findings).
inline std::string to_text(const Report& r, const std::string& model_file) {
    RunReport run;
    run.models.push_back(ModelReport{{model_file, {}}, r, std::vector<std::optional<std::size_t>>(r.findings.size()), {}});
    return to_text(run);
}

inline nlohmann::json to_json(const Report& r, const std::string& model_file) {
    RunReport run;
    run.models.push_back(ModelReport{{model_file, {}}, r, std::vector<std::optional<std::size_t>>(r.findings.size()), {}});
    return to_json(run);
}

}  // namespace xc::verify
