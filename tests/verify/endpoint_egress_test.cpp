// endpoint-egress: the consumer's execute-api endpoints let requests through only to the
// architecture's own accounts; host rules on the load balancer never count as a proof, and every
// witness is a request to an API outside the model that the concrete evaluator lets through.
#include <model_variants.hpp>

#include <xc/verify/endpoint_egress.hpp>
#include <xc/verify/verify.hpp>

#include <witness.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace endpoint_egress_test {

namespace {

using nlohmann::json;
using xc::verify::Verdict;

const std::string endpoint_id = "vpce-0a1b2c3d4e5f60718";
const std::string subject = "consumer/vpc-endpoint/execute-api";
const std::string policy_path = "/consumer/vpcEndpoints/execute-api/policy";

std::vector<const xc::verify::Finding*> egress_findings(const xc::verify::Report& r) {
    std::vector<const xc::verify::Finding*> out;
    for (const auto& f : r.findings)
        if (f.property == "endpoint-egress") out.push_back(&f);
    return out;
}

std::set<std::string> model_accounts(const xc::model::Graph& g) {
    std::set<std::string> out;
    for (const auto& [_, a] : g.model().accounts) out.insert(a.id);
    return out;
}

// The one endpoint-egress finding of the reference model patched by `patch`, with its graph.
struct Checked {
    xc::model::Graph graph;
    xc::verify::Report report;
    const xc::verify::Finding* finding = nullptr;
};
Checked check(const json& patch) {
    Checked c{xc::test::graph_of_json(xc::test::model_json().patch(patch)), {}, nullptr};
    c.report = xc::verify::verify(c.graph);
    auto found = egress_findings(c.report);
    EXPECT_EQ(found.size(), 1u);
    if (!found.empty()) c.finding = found.front();
    return c;
}

// The witness is a request through the consumer's endpoint to an account outside the model, and
// the endpoint's policy (AWS's full access when there is none) lets it through.
void expect_reproduces(const Checked& c) {
    ASSERT_NE(c.finding, nullptr);
    ASSERT_EQ(c.finding->verdict, Verdict::violated) << c.finding->message;
    const auto& endpoint = c.graph.resource<xc::model::VpcEndpoint>(*c.graph.find(subject));
    const auto& doc = endpoint.policy ? *endpoint.policy : xc::verify::detail::full_access_endpoint_policy();
    auto request = xc::test::request_of(c.finding->witness);
    xc::policy::PolicySet policies{{&xc::verify::detail::allow_everything()}, &doc.parsed()};
    EXPECT_EQ(xc::policy::decide(policies, request).verdict, xc::policy::Verdict::Allow) << c.finding->witness.dump();
    const auto* vpce = request.context.find("aws:SourceVpce");
    ASSERT_NE(vpce, nullptr);
    EXPECT_EQ(vpce->values.front(), endpoint_id);
    auto arn = xc::policy::split_arn(request.resource);
    ASSERT_TRUE(arn) << request.resource;
    EXPECT_EQ(arn->service, "execute-api");
    EXPECT_EQ(arn->account.size(), 12u);
    EXPECT_FALSE(model_accounts(c.graph).contains(std::string(arn->account))) << request.resource;
    EXPECT_TRUE(request.action.starts_with("execute-api:")) << request.action;
    EXPECT_FALSE(c.finding->fix.empty());
}

// The route of the witness through the load balancer's listener, if any.
const json* listener_route(const xc::verify::Finding& f) {
    for (const auto& r : f.witness["send"])
        if (r["to"].get<std::string>().find("listener") != std::string::npos) return &r;
    return nullptr;
}

json host_rules() {
    return json::parse(R"([{"priority":10,"hosts":["beverage.cross-account-microservices.com"],"forward":"execute-api"},
                           {"priority":20,"hosts":["food.cross-account-microservices.com"],"forward":"execute-api"}])");
}

}  // namespace

TEST(EndpointEgress, EveryShippedModelsConsumerEndpointIsProved) {
    for (const auto& [model, endpoints] : std::vector<std::pair<std::string, std::size_t>>{{"cross-account-microservices", 1},
                                                                                          {"three-services-private-domains", 2}}) {
        auto graph = xc::test::graph_of_json(xc::test::model_json(model));
        auto report = xc::verify::verify(graph);
        auto found = egress_findings(report);
        // Only the consumer's execute-api interface endpoints: not the services' DynamoDB gateway endpoints.
        EXPECT_EQ(found.size(), endpoints) << model;
        for (const auto* f : found) {
            EXPECT_EQ(f->verdict, Verdict::proved) << model << ": " << f->message;
            EXPECT_TRUE(f->subject.starts_with("consumer/vpc-endpoint/execute-api")) << f->subject;
        }
    }
}

// The reference deployment's weakness: no endpoint policy (AWS's full access) and a listener that
// forwards any Host. The witness says how a client sends the request, both ways.
TEST(EndpointEgress, TheReferenceDeploymentWithoutEndpointPolicyLetsClientsReachAnyAccount) {
    auto c = check(json::parse(R"([{"op":"remove","path":"/consumer/vpcEndpoints/execute-api/policy"}])"));
    expect_reproduces(c);
    EXPECT_EQ(c.finding->path, "/consumer/vpcEndpoints/execute-api");
    EXPECT_NE(c.finding->message.find("no policy"), std::string::npos) << c.finding->message;
    auto request = xc::test::request_of(c.finding->witness);
    auto arn = xc::policy::split_arn(request.resource);
    const std::string resource(arn->resource);
    const std::string api = resource.substr(0, resource.find('/'));
    ASSERT_FALSE(api.empty());
    // Directly to the endpoint, naming the API by its Host.
    const auto& direct = c.finding->witness["send"].at(0);
    EXPECT_EQ(direct["headers"]["Host"], api + ".execute-api." + std::string(arn->region) + ".amazonaws.com");
    EXPECT_TRUE(direct["request"].get<std::string>().find("https://" + endpoint_id + ".execute-api.") != std::string::npos) << direct.dump();
    // Through the listener (default action: any Host), naming the API by x-apigw-api-id.
    const json* via_alb = listener_route(*c.finding);
    ASSERT_NE(via_alb, nullptr) << c.finding->witness.dump();
    EXPECT_EQ((*via_alb)["headers"]["x-apigw-api-id"], api);
}

// Host rules that forward only the services' names do not stop the request: the API is named by
// the x-apigw-api-id header behind an allowed Host. Host rules alone are no proof.
TEST(EndpointEgress, HostRulesAloneAreNoProof) {
    json patch = json::array({{{"op", "remove"}, {"path", policy_path}},
                              {{"op", "add"}, {"path", "/consumer/loadBalancers/internal/listeners/https/rules"}, {"value", host_rules()}}});
    auto c = check(patch);
    expect_reproduces(c);
    const json* via_alb = listener_route(*c.finding);
    ASSERT_NE(via_alb, nullptr) << c.finding->witness.dump();
    const std::string host = (*via_alb)["headers"]["Host"];
    EXPECT_TRUE(host == "beverage.cross-account-microservices.com" || host == "food.cross-account-microservices.com") << host;
    EXPECT_TRUE((*via_alb).contains("headers") && (*via_alb)["headers"].contains("x-apigw-api-id"));
    EXPECT_EQ(c.finding->witness["send"].size(), 2u) << "one route per listener, not per rule: " << c.finding->witness.dump();
}

TEST(EndpointEgress, BothEndpointPolicyAndHostRulesAreProved) {
    auto c = check(json::array({{{"op", "add"}, {"path", "/consumer/loadBalancers/internal/listeners/https/rules"}, {"value", host_rules()}}}));
    ASSERT_NE(c.finding, nullptr);
    EXPECT_EQ(c.finding->verdict, Verdict::proved) << c.finding->message;
    EXPECT_EQ(c.finding->path, policy_path);
}

TEST(EndpointEgress, AForeignAccountInTheResourcesIsTheWitnesssAccount) {
    auto c = check(json::parse(R"([{"op":"add","path":"/consumer/vpcEndpoints/execute-api/policy/Statement/0/Resource/-",
                                    "value":"arn:aws:execute-api:eu-central-1:444455556666:*"}])"));
    expect_reproduces(c);
    EXPECT_EQ(xc::policy::split_arn(xc::test::request_of(c.finding->witness).resource)->account, "444455556666");
    ASSERT_FALSE(c.finding->statements.empty());
    EXPECT_EQ(c.finding->path, policy_path + "/Statement/0");
}

// Callers are not only anonymous: a statement that admits a foreign account's principals to any
// API is found, with a caller of that account.
TEST(EndpointEgress, IamPrincipalsAreCallersToo) {
    auto c = check(json::parse(R"([{"op":"add","path":"/consumer/vpcEndpoints/execute-api/policy/Statement/-",
                                    "value":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"execute-api:Invoke","Resource":"*"}}])"));
    expect_reproduces(c);
    const auto& w = c.finding->witness;
    ASSERT_NE(w["principal"], "anonymous") << w.dump();
    EXPECT_EQ(xc::verify::detail::account_of_arn(w["principal"].get<std::string>()), "444455556666") << w.dump();
}

// The same statement for the consumer's own principals is no egress: a statement naming the
// consumer's account admits only its principals, and only to the services' APIs.
TEST(EndpointEgress, APrincipalRestrictionAloneIsNoLimit) {
    auto c = check(json::parse(R"([{"op":"add","path":"/consumer/vpcEndpoints/execute-api/policy/Statement/-",
                                    "value":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"execute-api:Invoke","Resource":"*"}}])"));
    expect_reproduces(c);  // the consumer's own principals reach any account's API
    EXPECT_EQ(xc::verify::detail::account_of_arn(c.finding->witness["principal"].get<std::string>()), "111111111111");
}

TEST(EndpointEgress, AllowEverythingThenDenyOutsideTheAccountsIsProved) {
    auto c = check(json::parse(R"([{"op":"replace","path":"/consumer/vpcEndpoints/execute-api/policy/Statement","value":[
        {"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"*","NotResource":["arn:aws:execute-api:eu-central-1:222222222222:*",
                                                                       "arn:aws:execute-api:eu-central-1:333333333333:*"]}]}])"));
    ASSERT_NE(c.finding, nullptr);
    EXPECT_EQ(c.finding->verdict, Verdict::proved) << c.finding->message;
}

// A Region-wide wildcard on the account admits every account; a Deny of one bad account leaves
// the others open.
TEST(EndpointEgress, WildcardAccountsAndDenyListsAreViolated) {
    for (const char* patch : {R"([{"op":"replace","path":"/consumer/vpcEndpoints/execute-api/policy/Statement/0/Resource","value":"arn:aws:execute-api:*:*:*"}])",
                              R"([{"op":"replace","path":"/consumer/vpcEndpoints/execute-api/policy/Statement","value":[
                                  {"Effect":"Allow","Principal":"*","Action":"execute-api:*","Resource":"*"},
                                  {"Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:execute-api:*:444455556666:*"}]}])"}) {
        SCOPED_TRACE(patch);
        auto c = check(json::parse(patch));
        expect_reproduces(c);
        EXPECT_NE(xc::policy::split_arn(xc::test::request_of(c.finding->witness).resource)->account, "444455556666");
    }
}

// Every endpoint of the consumer is checked on its own: a second endpoint without a policy is
// violated while the first stays proved.
TEST(EndpointEgress, EachConsumerEndpointIsItsOwnSubject) {
    auto graph = xc::test::graph_of_json(xc::test::model_json().patch(json::parse(R"([{"op":"add","path":"/consumer/vpcEndpoints/execute-api-b",
        "value":{"id":"vpce-0b1b2c3d4e5f60719","vpc":"main","type":"interface","service":"execute-api","subnets":["private-a","private-b"],
                 "securityGroups":["endpoint"]}}])")));
    auto report = xc::verify::verify(graph);
    EXPECT_TRUE(xc::test::has(report, "endpoint-egress", subject, Verdict::proved));
    EXPECT_TRUE(xc::test::has(report, "endpoint-egress", "consumer/vpc-endpoint/execute-api-b", Verdict::violated));
}

// names_only decides "every 12-digit id the pattern matches is one of these" exactly: checked
// against every id of a range that contains all the pattern's matches, for random patterns of
// digits, '?' and '*' after a fixed prefix and random sets of ids.
TEST(EndpointEgress, NamesOnlyAgreesWithEveryIdItMatches) {
    std::mt19937 random(7);
    const std::string prefix = "2000000000";  // every match is 2000000000dd
    const char alphabet[] = {'0', '1', '5', '?', '*'};
    int owned = 0, not_owned = 0;
    for (int round = 0; round < 2000; ++round) {
        std::string text = prefix;
        const int tail = static_cast<int>(random() % 4);
        for (int i = 0; i < tail; ++i) text.push_back(alphabet[random() % 5]);
        auto pattern = xc::policy::GlobPattern::wildcards(text);
        std::set<std::string> own;
        std::vector<std::string> matched;
        for (int d = 0; d < 100; ++d) {
            char id[13];
            std::snprintf(id, sizeof id, "%s%02d", prefix.c_str(), d);
            if (random() % 4 != 0) own.insert(id);
            if (xc::policy::glob_match(pattern, id)) matched.push_back(id);
        }
        if (random() % 2 == 0)  // often exactly the matches, so that both answers occur
            own.insert(matched.begin(), matched.end());
        const bool expected = std::all_of(matched.begin(), matched.end(), [&](const std::string& id) { return own.contains(id); });
        EXPECT_EQ(xc::verify::detail::names_only(pattern, own), expected) << text;
        (expected ? owned : not_owned) += 1;
    }
    EXPECT_GT(owned, 100);
    EXPECT_GT(not_owned, 100);
    // Patterns no 12-digit id matches name only what is given; a whole wildcard never does.
    EXPECT_TRUE(xc::verify::detail::names_only(xc::policy::GlobPattern::wildcards("2000"), {}));
    EXPECT_TRUE(xc::verify::detail::names_only(xc::policy::GlobPattern::wildcards("abc*"), {}));
    EXPECT_FALSE(xc::verify::detail::names_only(xc::policy::GlobPattern::wildcards("*"), {"111111111111"}));
}

// An endpoint policy names many service accounts by a pattern: proved where the pattern names
// only the model's accounts, violated where it names one more, with that account as the witness.
TEST(EndpointEgress, AccountPatternsAreProvedExactlyWhereTheyNameOnlyTheModelsAccounts) {
    json resources = json::array({"arn:aws:execute-api:eu-central-1:2000000000??:*"});
    json patch = json::array();
    for (int d = 0; d < 100; ++d) {
        if (d == 42) continue;  // the gap
        char id[13];
        std::snprintf(id, sizeof id, "2000000000%02d", d);
        patch.push_back({{"op", "add"}, {"path", "/accounts/extra" + std::to_string(d)}, {"value", {{"id", id}, {"role", "service"}}}});
    }
    patch.push_back({{"op", "replace"}, {"path", "/consumer/vpcEndpoints/execute-api/policy/Statement/0/Resource"}, {"value", resources}});
    auto gap = check(patch);
    expect_reproduces(gap);
    EXPECT_EQ(xc::policy::split_arn(xc::test::request_of(gap.finding->witness).resource)->account, "200000000042");
    patch.push_back({{"op", "add"}, {"path", "/accounts/extra42"}, {"value", {{"id", "200000000042"}, {"role", "service"}}}});
    auto whole = check(patch);
    ASSERT_NE(whole.finding, nullptr);
    EXPECT_EQ(whole.finding->verdict, Verdict::proved) << whole.finding->message;
}

}  // namespace endpoint_egress_test
