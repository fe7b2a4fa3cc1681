// Time bounds (issue 16): every check answers within its query budget and every run within its
// run budget, however hostile the policy — the star-heavy shape of tests/support/slow_policy.hpp
// once ran one query for minutes with --timeout-ms 5. Running out is UNDECIDED with the reason.
//
// These tests assert the mechanism, not a speed: each query stops because its bound ran out (its
// reason says which bound, and where), and long before the unbounded query would have ended — it
// takes minutes — so within the budget plus 5 s, a margin no scheduling noise on a loaded machine
// reaches and every missing bound exceeds. How closely the bounds are kept is a figure of the
// bench (bench/verify, `xc_verify_bench --slow-policy`: time taken and overrun per budget).
#include <xc/verify/deadline.hpp>
#include <xc/verify/verify.hpp>

#include <model_support.hpp>
#include <slow_policy.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace deadline_test {

namespace {

using Clock = std::chrono::steady_clock;
using xc::verify::Verdict;

double elapsed_ms(const std::function<void()>& f) {
    auto t = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The bound took effect: the run ended long before the unbounded query would have.
double bounded_ms(double budget) { return budget + 5000; }

const xc::model::Graph& slow_graph() {
    static const auto g = xc::test::graph_of_text(
        xc::test::slow_policy_model(nlohmann::json::parse(xc::test::reference_model_text()), 250), "slow.json");
    return g;
}

// One query, api-endpoint-only on the API with the slow policy, and how long it took (the
// checker and its Z3 context are made before and dropped after: they belong to the run).
double time_slow_check(const xc::verify::VerifyOptions& options, xc::verify::Report& report) {
    const auto& g = slow_graph();
    const auto& property = *xc::verify::find_property("api-endpoint-only");
    xc::verify::Checker checker(g, options);
    auto t = Clock::now();
    xc::verify::run_check(checker, property, property.checks[0], g.private_apis().front());
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    report = checker.report();
    return ms;
}

// The first Z3 context of a process costs ~50 ms (library start-up, not a query): pay it here.
void warm_up() {
    static bool done = [] {
        xc::verify::VerifyOptions o;
        o.only = {"network-ingress"};
        xc::verify::verify(xc::test::graph_of_file(xc::test::reference_model_path()), o);
        return true;
    }();
    (void)done;
}

TEST(Deadline, SaysWhatTimedOutAndWhere) {
    auto d = xc::verify::Deadline::after(0, "query");
    EXPECT_TRUE(d.expired());
    EXPECT_EQ(d.remaining_ms(), 0u);
    EXPECT_EQ(d.reason("the solver"), "query timed out after 0 ms in the solver");
    auto never = xc::verify::Deadline::never();
    EXPECT_FALSE(never.expired());
    EXPECT_EQ(never.remaining_ms(7), 7u);
    // The earlier bound wins, with its own description.
    auto run = xc::verify::Deadline::after(50, "run");
    auto query = xc::verify::Deadline::after(60000, "query");
    EXPECT_EQ(query.earliest(run).what(), "run timed out after 50 ms");
    EXPECT_EQ(run.earliest(query).what(), "run timed out after 50 ms");
    EXPECT_EQ(never.earliest(query).what(), "query timed out after 60000 ms");
    EXPECT_GE(query.remaining_ms(), 59000u);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    EXPECT_TRUE(run.expired());
}

TEST(TimeBounds, TheSlowPolicyAnswersUndecidedWithinTheQueryBudget) {
    warm_up();
    ASSERT_EQ(slow_graph()[slow_graph().private_apis().front()].id, "beverage/rest-api/orders");
    for (unsigned budget : {200u, 50u}) {
        SCOPED_TRACE("--timeout-ms " + std::to_string(budget));
        xc::verify::VerifyOptions options;
        options.timeout_ms = budget;
        xc::verify::Report report;
        const double ms = time_slow_check(options, report);
        ASSERT_EQ(report.findings.size(), 1u);
        const auto& f = report.findings.front();
        EXPECT_EQ(f.verdict, Verdict::undecided) << f.message;
        EXPECT_NE(f.message.find("query timed out after " + std::to_string(budget) + " ms in "), std::string::npos) << f.message;
        EXPECT_EQ(report.exit_code(), 3);
        EXPECT_LE(ms, bounded_ms(budget)) << f.message;
    }
}

// The run's bound ends the query in progress too, and the checks after it are UNDECIDED
// without being started.
TEST(TimeBounds, TheRunBudgetEndsTheQueryInProgressAndSkipsTheRest) {
    warm_up();
    xc::verify::VerifyOptions options;
    options.timeout_ms = 60000;
    options.run_timeout_ms = 300;
    xc::verify::Report report;
    const double ms = elapsed_ms([&] { report = xc::verify::verify(slow_graph(), options); });
    EXPECT_LE(ms, bounded_ms(options.run_timeout_ms));
    ASSERT_GE(report.findings.size(), 2u);
    const auto& first = report.findings.front();
    EXPECT_EQ(first.property, "api-endpoint-only");
    EXPECT_EQ(first.verdict, Verdict::undecided);
    EXPECT_NE(first.message.find("run timed out after 300 ms in "), std::string::npos) << first.message;
    std::size_t skipped = 0;
    for (const auto& f : report.findings)
        if (f.message == "not checked: run timed out after 300 ms before this check") {
            EXPECT_EQ(f.verdict, Verdict::undecided);
            ++skipped;
        }
    EXPECT_GT(skipped, 0u);
    EXPECT_EQ(report.exit_code(), 3);
}

// With no time at all, every check of every property is UNDECIDED — one finding per property
// and subject, never a pass — and none is started.
TEST(TimeBounds, AZeroRunBudgetLeavesEveryCheckUndecided) {
    auto graph = xc::test::graph_of_file(xc::test::reference_model_path());
    xc::verify::VerifyOptions options;
    options.run_timeout_ms = 0;
    auto report = xc::verify::verify(graph, options);
    std::size_t expected = 0;
    for (const auto& p : xc::verify::properties)
        for (const auto& c : p.checks)
            if (c.run) expected += xc::verify::subjects_of(graph, c.subjects).size();
    EXPECT_EQ(report.findings.size(), expected);
    for (const auto& f : report.findings) {
        EXPECT_EQ(f.verdict, Verdict::undecided);
        EXPECT_EQ(f.message, "not checked: run timed out after 0 ms before this check");
    }
    EXPECT_EQ(report.exit_code(), 3);
}

// The bounds change nothing where there is time: the reference model is proved with the default
// budgets as before (the mutation corpus, corpus_test.cpp, holds every verdict to its expectation).
TEST(TimeBounds, AmpleBudgetsProveTheReferenceModel) {
    auto report = xc::verify::verify(xc::test::graph_of_file(xc::test::reference_model_path()));
    EXPECT_EQ(report.exit_code(), 0);
    EXPECT_EQ(report.count(Verdict::undecided), 0u);
}

// A policy query on a plain Z3 context (no checker) is bounded by solve()'s own timeout.
TEST(TimeBounds, APolicyQueryStopsAtItsOwnTimeout) {
    warm_up();
    auto attached = xc::policy::attach_to_api(xc::policy::parse(xc::test::slow_api_policy(250)),
                                              {"aws", "eu-central-1", "111111111111", "abc123"});
    z3::context ctx;
    xc::verify::QueryResult result;
    const double ms = elapsed_ms([&] {
        xc::verify::PolicyQuery q(ctx);
        q.declare(attached);
        q.set_callers(xc::verify::CallerSpace::only(xc::verify::CallerKind::anonymous));
        for (std::size_t i = 0; i < 4; ++i) q.resource_segment(i).fix(i == 0 ? "aws" : i == 1 ? "execute-api" : i == 2 ? "eu-central-1" : "111111111111");
        q.resource_segment(4).restrict({xc::verify::Glob::literal("abc123/").append_run(false), xc::policy::CaseMode::Sensitive, true});
        q.display("aws:SourceVpce");
        auto& vpce = q.text_key("aws:sourcevpce");
        z3::expr outsider = *vpce.present && !vpce.texts[0]->equals("vpce-0a1b2c3d4e5f60718");
        xc::verify::Decision d{&attached, {}, false, "111111111111"};
        result = q.solve(q.allowed(d) && outsider, 100, [&](const xc::policy::Request& r) {
            const auto* v = r.context.find("aws:SourceVpce");
            return xc::policy::decide(attached, r).verdict == xc::policy::Verdict::Allow && v && v->values.front() != "vpce-0a1b2c3d4e5f60718";
        });
    });
    EXPECT_LE(ms, bounded_ms(100));
    ASSERT_EQ(result.answer, xc::verify::QueryResult::Answer::unknown) << "the 250-statement policy took under 100 ms";
    EXPECT_NE(result.reason.find("query timed out after 100 ms in "), std::string::npos) << result.reason;
}

}  // namespace

}  // namespace deadline_test
