// The checker's cache of answers (checker.hpp): services stamped from one template ask one
// question; a proof is reused as it is, a witness only after it is moved to the new subject and
// the concrete evaluator confirms it there. Counted by the policy queries the run solves.
#include <xc/input/json/load.hpp>
#include <xc/verify/api_properties.hpp>
#include <xc/verify/properties.hpp>
#include <xc/verify/request_path.hpp>

#include <test_support.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace checker_test {

namespace {

using nlohmann::json;

const std::string API = "/templates/orders-service/apis/orders";

struct Checked {
    xc::model::Graph graph;
    std::vector<xc::verify::Finding> findings;
    std::size_t queries = 0;
};

// api-endpoint-only alone on the reference model (two services from one template) after `patch`.
Checked endpoint_only(const json& patch) {
    auto graph = xc::model::build_graph(
        xc::input::json::load_model_text(json::parse(xc::test::reference_model_text()).patch(patch).dump(1), "checker.json"));
    xc::verify::Checker checker(graph, {});
    xc::verify::check_property(checker, *xc::verify::find_property("api-endpoint-only"));
    const std::size_t queries = checker.queries_solved();
    return {std::move(graph), checker.report().findings, queries};
}

// The API's resource policy as AWS stores it.
xc::policy::Policy attached_policy(const Checked& c, const std::string& subject) {
    auto v = *c.graph.find(subject);
    const auto& api = c.graph.resource<xc::model::RestApi>(v);
    return xc::policy::attach_to_api(api.policy->parsed(), {"aws", c.graph.model().region, c.graph.model().accounts.at(c.graph[v].account).id,
                                                          xc::verify::detail::api_id(c.graph, v)});
}

json policy_patch(const json& policy) { return json::array({{{"op", "replace"}, {"path", API + "/policy"}, {"value", policy}}}); }

}  // namespace

// Both services' APIs carry the template's policy: proved once, the second answer is the first's.
TEST(AnswerCache, AProofIsSolvedOncePerShape) {
    auto c = endpoint_only(json::array());
    ASSERT_EQ(c.findings.size(), 2u);
    for (const auto& f : c.findings) EXPECT_EQ(f.verdict, xc::verify::Verdict::proved) << f.subject << ": " << f.message;
    EXPECT_EQ(c.queries, 1u);
}

// A violated template: one solve, and each API's witness is a request on that API (its account
// and id), which the concrete evaluator allows there, through an endpoint not the consumer's.
TEST(AnswerCache, AWitnessIsMovedToEachSubjectAndConfirmedThere) {
    auto c = endpoint_only(policy_patch(json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
        "Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}}]})")));
    ASSERT_EQ(c.findings.size(), 2u);
    EXPECT_EQ(c.queries, 1u);
    std::set<std::string> resources;
    for (const auto& f : c.findings) {
        ASSERT_EQ(f.verdict, xc::verify::Verdict::violated) << f.subject << ": " << f.message;
        auto v = *c.graph.find(f.subject);
        const std::string account = c.graph.model().accounts.at(c.graph[v].account).id;
        const std::string prefix = "arn:aws:execute-api:" + c.graph.model().region + ":" + account + ":" + xc::verify::detail::api_id(c.graph, v) + "/";
        auto request = xc::test::request_of(f.witness);
        EXPECT_TRUE(request.resource.starts_with(prefix)) << request.resource << " is not on " << prefix;
        EXPECT_NE(f.message.find(request.resource), std::string::npos) << f.message;
        request.resource_account = account;
        EXPECT_EQ(xc::policy::decide(attached_policy(c, f.subject), request).verdict, xc::policy::Verdict::Allow) << f.witness.dump();
        const auto* vpce = request.context.find("aws:SourceVpce");
        ASSERT_NE(vpce, nullptr);
        EXPECT_EQ(xc::verify::context_violations(request.context, xc::verify::RequestPath::private_api).size(), 0u) << f.witness.dump();
        EXPECT_FALSE(f.statements.empty());
        resources.insert(request.resource);
    }
    EXPECT_EQ(resources.size(), 2u);
}

// Policies that differ are different questions: each is solved.
TEST(AnswerCache, DifferentPoliciesAreEachSolved) {
    auto patch = json::parse(R"([{"op":"add","path":"/services/food/apis","value":{"orders":{"policy":{"Version":"2012-10-17",
        "Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}}}}])");
    auto c = endpoint_only(patch);
    ASSERT_EQ(c.findings.size(), 2u);
    EXPECT_EQ(c.queries, 2u);
}

// What a check derives from its subject is made once for all the checks of that subject, kept in
// place while they run, and dropped when verify moves on to the next subject.
TEST(DerivedPerSubject, MadeOncePerSubjectAndTypeKeptInPlaceDroppedAtTheNextSubject) {
    auto graph = xc::test::graph_of_file(xc::test::reference_model_path());
    xc::verify::Checker checker(graph, {});
    const auto a = *graph.find("food/rest-api/orders"), b = *graph.find("beverage/rest-api/orders");
    int made = 0;
    auto make = [&](int n) { return [&made, n] { ++made; return n; }; };
    const int& first = checker.derived<int>(a, make(1));
    EXPECT_EQ(&checker.derived<int>(a, make(2)), &first);
    EXPECT_EQ(made, 1);
    // Another type, another subject: each its own, and the first stays where it is.
    EXPECT_EQ(checker.derived<long>(a, [&] { ++made; return 3L; }), 3L);
    EXPECT_EQ(checker.derived<int>(b, make(4)), 4);
    EXPECT_EQ(made, 3);
    EXPECT_EQ(first, 1);
    EXPECT_EQ(&checker.derived<int>(a, make(5)), &first);
    checker.next_subject();
    EXPECT_EQ(checker.derived<int>(a, make(6)), 6);
    EXPECT_EQ(made, 4);
}

// The request paths a checker keeps are the graph's, and their evaluations point at the kept
// gates (a copy or a move that re-homed the gates would leave them pointing elsewhere): on the
// reference model, and on one whose APIs are reached through private custom domains (four
// evaluations per route, two of them at the domain's gate).
TEST(DerivedPerSubject, AnApisKeptRequestPathsPointIntoThemselves) {
    for (const char* model : {"models/cross-account-microservices.json", "models/three-services-private-domains.json"}) {
        SCOPED_TRACE(model);
        auto graph = xc::test::graph_of_file(xc::test::source_dir() / model);
        xc::verify::Checker checker(graph, {});
        bool through_domain = false;
        for (auto api : graph.private_apis()) {
            through_domain = through_domain || xc::verify::request_paths(checker, api).domain() != nullptr;
            const auto& kept = xc::verify::request_paths(checker, api);
            EXPECT_EQ(&xc::verify::request_paths(checker, api), &kept);
            const auto fresh = xc::verify::request_paths(graph, api);
            ASSERT_EQ(kept.gates.size(), fresh.gates.size());
            ASSERT_EQ(kept.routes.size(), fresh.routes.size());
            ASSERT_FALSE(kept.routes.empty());
            for (std::size_t r = 0; r < kept.routes.size(); ++r) {
                EXPECT_EQ(kept.routes[r].key, fresh.routes[r].key);
                ASSERT_EQ(kept.routes[r].evaluations.size(), fresh.routes[r].evaluations.size());
                for (std::size_t e = 0; e < kept.routes[r].evaluations.size(); ++e) {
                    const auto* gate = kept.routes[r].evaluations[e].gate;
                    const bool inside = std::any_of(kept.gates.begin(), kept.gates.end(), [&](const auto& g) { return &g == gate; });
                    EXPECT_TRUE(inside) << kept.routes[r].key << " evaluation " << e;
                    EXPECT_EQ(kept.routes[r].evaluations[e].request.resource, fresh.routes[r].evaluations[e].request.resource);
                    EXPECT_EQ(kept.routes[r].evaluations[e].request.context.entries().size(),
                              fresh.routes[r].evaluations[e].request.context.entries().size());
                }
            }
            checker.next_subject();
        }
        EXPECT_EQ(through_domain, std::string(model).find("private-domains") != std::string::npos);
    }
}

}  // namespace checker_test
