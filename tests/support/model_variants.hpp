// Variants of the shipped models as JSON, for tests that change one setting and compare verdicts.
#pragma once

#include <model_support.hpp>
#include <test_support.hpp>

#include <xc/model/identity.hpp>
#include <xc/verify/verify.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <tuple>
#include <vector>

namespace xc::test {

inline nlohmann::json model_json(const std::string& name = "cross-account-microservices") {
    return nlohmann::json::parse(read_file(source_dir() / ("models/" + name + ".json")));
}

inline model::Graph graph_of_json(const nlohmann::json& m) { return graph_of_text(m.dump(1)); }

// A model to test with: its name and its JSON text.
struct ModelVariant {
    std::string name;
    std::string text;
};

// Both shipped models and every corpus variant (tests/verify/corpus.json: "correct/<name>",
// "mutants/<name>"), the reference patched as the corpus says: what a round trip runs over.
inline std::vector<ModelVariant> corpus_variants() {
    std::vector<ModelVariant> out;
    for (const char* m : {"cross-account-microservices.json", "three-services-private-domains.json"})
        out.push_back({m, read_file(source_dir() / "models" / m)});
    const auto corpus = nlohmann::json::parse(read_file(source_dir() / "tests/verify/corpus.json"));
    const auto reference = nlohmann::json::parse(reference_model_text());
    for (const char* kind : {"correct", "mutants"})
        for (const auto& e : corpus[kind]) out.push_back({std::string(kind) + "/" + e["name"].get<std::string>(), reference.patch(e["patch"]).dump(1)});
    return out;
}

// A glob a policy can name a deployed identity by: its literal text, '?' for each character of
// a value AWS assigns with a documented length, '*' for one without.
inline std::string pattern_of(const model::Term& t) {
    std::string out;
    for (const auto& p : t.parts()) out += p.assigned ? (p.assigned->length ? std::string(p.assigned->length, '?') : "*") : p.text;
    return out;
}

// (property, subject, verdict) of every finding, in report order: what "the same verdicts" means.
inline std::vector<std::tuple<std::string, std::string, verify::Verdict>> verdicts(const verify::Report& r) {
    std::vector<std::tuple<std::string, std::string, verify::Verdict>> out;
    for (const auto& f : r.findings) out.emplace_back(f.property, f.subject, f.verdict);
    return out;
}

inline bool has(const verify::Report& r, std::string_view property, std::string_view subject, verify::Verdict v) {
    for (const auto& f : r.findings)
        if (f.property == property && f.subject == subject && f.verdict == v) return true;
    return false;
}

}  // namespace xc::test
