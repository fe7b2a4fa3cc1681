// verify() on several threads (verify.hpp): subjects are checked in chunks, each with a Z3
// context of its own, and the report is the same whatever the number of threads — findings,
// their order, messages and witnesses — on a model large enough for several chunks.
#include <xc/input/json/load.hpp>
#include <xc/verify/baseline.hpp>
#include <xc/verify/properties.hpp>
#include <xc/verify/report_format.hpp>
#include <xc/verify/verify.hpp>

#include <generated_models.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace verify_test {

namespace {

// Every service its own API id and policy (so each chunk solves), every tenth violated; three
// chunks of private APIs, the last a short one.
const xc::model::Graph& generated() {
    static const xc::model::Graph graph = xc::model::build_graph(xc::input::json::load_model_text(
        xc::bench::generated_services_model(2 * xc::verify::subjects_per_chunk(xc::verify::SubjectKind::private_api) + 6, xc::bench::ModelShape::distinct), "generated.json"));
    return graph;
}

nlohmann::json findings_of(const xc::verify::Report& r) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : r.findings)
        out.push_back({{"property", f.property}, {"subject", f.subject}, {"verdict", std::string(xc::verify::to_string(f.verdict))},
                       {"message", f.message}, {"path", f.path}, {"witness", f.witness}, {"fix", f.fix}, {"statements", f.statements.size()}});
    return out;
}

xc::verify::Report verify_with(unsigned jobs, const xc::verify::Progress& progress = {}) {
    xc::verify::VerifyOptions options;
    options.jobs = jobs;
    return xc::verify::verify(generated(), options, progress);
}

}  // namespace

TEST(ParallelVerify, TheReportIsTheSameForAnyNumberOfThreads) {
    const auto one = findings_of(verify_with(1));
    ASSERT_GT(generated().private_apis().size(), 2 * xc::verify::subjects_per_chunk(xc::verify::SubjectKind::private_api));
    ASSERT_EQ(generated().vertices(xc::model::VertexKind::secret).size(), 3u);  // one chunk of three secrets
    std::size_t violated = 0;
    for (const auto& f : one) violated += f["verdict"] == "VIOLATED";
    EXPECT_EQ(violated, 103u);  // every tenth service of 1,030
    for (unsigned jobs : {2u, 3u, 8u}) {
        const auto many = findings_of(verify_with(jobs));
        ASSERT_EQ(many.size(), one.size()) << jobs << " threads";
        for (std::size_t i = 0; i < one.size(); ++i) ASSERT_EQ(many[i], one[i]) << jobs << " threads, finding " << i;
    }
}

// Progress counts every private API once, up to their number, from one thread at a time.
TEST(ParallelVerify, ProgressCountsEachApiOnce) {
    std::vector<std::size_t> seen;
    std::size_t total = 0;
    verify_with(3, [&](std::size_t done, std::size_t of) {
        seen.push_back(done);
        total = of;
    });
    const std::size_t apis = generated().private_apis().size();
    EXPECT_EQ(total, apis);
    ASSERT_EQ(seen.size(), apis);
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

// Locating the findings (report_format.hpp) on several threads places each path as one thread does.
TEST(ParallelVerify, FindingsAreLocatedTheSameOnAnyNumberOfThreads) {
    const auto report = verify_with(2);
    auto located = [&](unsigned jobs) { return xc::verify::locate("generated.json", report, generated().model(), jobs).locations; };
    const auto one = located(1);
    ASSERT_GT(one.size(), 2048u);  // several chunks of paths
    for (const auto& [path, at] : one) EXPECT_GT(at.position.line, 0u) << path;
    for (unsigned jobs : {2u, 3u, 8u}) {
        const auto many = located(jobs);
        ASSERT_EQ(many.size(), one.size()) << jobs << " threads";
        for (auto a = one.begin(), b = many.begin(); a != one.end(); ++a, ++b) {
            ASSERT_EQ(a->first, b->first);
            EXPECT_EQ(b->second.path, a->second.path) << a->first;
            EXPECT_EQ(b->second.position.line, a->second.position.line) << a->first;
            EXPECT_EQ(b->second.position.column, a->second.position.column) << a->first;
            EXPECT_EQ(b->second.file, a->second.file) << a->first;
        }
    }
}

// The JSON report written in parallel chunks (to_json_text) is the report's DOM dumped: with many
// findings over several chunks, with suppressions and an unused one, with several models, with none.
TEST(ParallelVerify, TheJsonReportTextIsTheReportDumped) {
    const auto report = verify_with(2);
    ASSERT_GT(report.findings.size(), 2048u);
    // Two of the violated findings accepted, and one suppression that accepts nothing.
    std::vector<const xc::verify::Finding*> violated;
    for (const auto& f : report.findings)
        if (f.verdict == xc::verify::Verdict::violated) violated.push_back(&f);
    ASSERT_GE(violated.size(), 2u);
    nlohmann::json suppressions = nlohmann::json::array();
    for (const auto* f : {violated[0], violated[1]})
        suppressions.push_back({{"property", f->property}, {"subject", f->subject}, {"reason", "accepted \"for now\"\n\u00e9"}});
    suppressions.push_back({{"property", "api-liveness"}, {"subject", "nobody/rest-api/none"}, {"reason", "unused"}});
    const auto baseline = xc::verify::load_baseline_text(nlohmann::json{{"xcBaseline", 1}, {"suppressions", suppressions}}.dump(), "b.json");

    xc::verify::RunReport several;
    several.models.push_back(xc::verify::locate("generated.json", report, generated().model(), 2));
    several.models.push_back(xc::verify::locate("empty \"model\".json", xc::verify::Report{}, generated().model(), 1));
    several.models.push_back(xc::verify::locate("again.json", report, generated().model(), 2));
    several.models.back().not_modelled.push_back({"main.tf", {3, 1}, "aws_cloudwatch_log_group.x"});
    std::set<std::string> checked;
    for (const auto& p : xc::verify::properties) checked.insert(std::string(p.id));
    several.apply(baseline, checked);
    ASSERT_EQ(several.suppressed_count(), 4u);
    ASSERT_EQ(several.unused_suppressions.size(), 1u);

    xc::verify::RunReport one;
    one.models.push_back(xc::verify::locate("generated.json", report, generated().model(), 2));
    xc::verify::RunReport none;
    for (const auto* run : {&several, &one, &none}) {
        const std::string dumped = xc::verify::to_json(*run).dump(2);
        for (unsigned jobs : {1u, 3u}) EXPECT_EQ(xc::verify::to_json_text(*run, jobs), dumped) << jobs << " threads";
    }
}

}  // namespace verify_test
