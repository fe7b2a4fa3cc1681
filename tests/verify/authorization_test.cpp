// Per-route authorization (NONE, AWS_IAM) in api-endpoint-only and api-liveness: IAM principals of
// every account against the resource policy (same-account and cross-account rules), the consumer's
// named callers with their identity policies, mixed APIs, and what stays UNDECIDED. Every witness
// is decided again by the concrete evaluator.
#include <xc/input/json/load.hpp>
#include <xc/verify/api_properties.hpp>
#include <xc/verify/verify.hpp>

#include <test_support.hpp>
#include <witness.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace authorization_test {

namespace {

using nlohmann::json;

const std::string API = "/templates/orders-service/apis/orders";
const std::string FOOD = "food/rest-api/orders";
const std::string BEVERAGE = "beverage/rest-api/orders";
const std::string CONSUMER_ENDPOINT = "vpce-0a1b2c3d4e5f60718";

// The consumer's role that calls the APIs, allowed execute-api:Invoke on every API's stage v1
// (or `identity` instead).
json caller_role(const json& identity = json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-central-1:*:*/v1/*"}]})")) {
    json role = {{"trustPolicy", json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                                       "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})")}};
    if (!identity.is_null()) role["policies"] = {{"invoke", identity}};
    return role;
}

// AWS's private-API policy for IAM callers: the consumer's account allowed through its endpoint,
// everyone denied through any other.
json iam_policy(const json& allowed_principal = json{{"AWS", "111111111111"}}) {
    return {{"Version", "2012-10-17"},
            {"Statement",
             {{{"Sid", "TheConsumerAccount"},
               {"Effect", "Allow"},
               {"Principal", allowed_principal},
               {"Action", "execute-api:Invoke"},
               {"Resource", "execute-api:/*/*/*"},
               {"Condition", {{"StringEquals", {{"aws:SourceVpce", CONSUMER_ENDPOINT}}}}}},
              {{"Sid", "OnlyTheConsumerEndpoint"},
               {"Effect", "Deny"},
               {"Principal", "*"},
               {"Action", "execute-api:*"},
               {"Resource", "execute-api:/*/*/*"},
               {"Condition", {{"StringNotEquals", {{"aws:SourceVpce", CONSUMER_ENDPOINT}}}}}}}}};
}

// The reference model with every orders API on AWS_IAM, called by consumer/orders-client, then `more`.
json iam_patch(json more = json::array()) {
    json p = json::array({
        {{"op", "add"}, {"path", "/consumer/roles"}, {"value", {{"orders-client", caller_role()}}}},
        {{"op", "add"}, {"path", API + "/authorization"}, {"value", "AWS_IAM"}},
        {{"op", "add"}, {"path", API + "/callers"}, {"value", {"consumer/orders-client"}}},
        {{"op", "replace"}, {"path", API + "/policy"}, {"value", iam_policy()}},
    });
    for (auto& op : more) p.push_back(std::move(op));
    return p;
}

struct Run {
    xc::model::Graph graph;
    xc::verify::Report report;
};

Run run(const json& patch) {
    auto graph = xc::model::build_graph(
        xc::input::json::load_model_text(json::parse(xc::test::reference_model_text()).patch(patch).dump(1), "authorization.json"));
    auto report = xc::verify::verify(graph);
    return {std::move(graph), std::move(report)};
}

std::string describe(const xc::verify::Report& r) {
    std::string s;
    for (const auto& f : r.findings)
        s += "\n  " + std::string(to_string(f.verdict)) + " " + f.property + " " + f.subject + ": " + f.message;
    return s;
}

std::vector<const xc::verify::Finding*> findings(const Run& r, const std::string& property, const std::string& subject) {
    std::vector<const xc::verify::Finding*> out;
    for (const auto& f : r.report.findings)
        if (f.property == property && f.subject == subject) out.push_back(&f);
    return out;
}

const xc::verify::Finding* one(const Run& r, const std::string& property, const std::string& subject, xc::verify::Verdict verdict) {
    for (const auto* f : findings(r, property, subject))
        if (f->verdict == verdict) return f;
    return nullptr;
}

// The API's resource policy as AWS stores it.
xc::policy::Policy attached_policy(const Run& r, const std::string& subject) {
    auto v = *r.graph.find(subject);
    const auto& api = r.graph.resource<xc::model::RestApi>(v);
    return xc::policy::attach_to_api(api.policy->parsed(), {"aws", r.graph.model().region, r.graph.model().accounts.at(r.graph[v].account).id,
                                                          xc::verify::detail::api_id(r.graph, v)});
}

std::string account_of(const Run& r, const std::string& subject) { return r.graph.model().accounts.at(r.graph[*r.graph.find(subject)].account).id; }

// An endpoint-only witness: a request the API's policy allows (the caller's identity policies
// allowing everything), through an endpoint that is not the consumer's.
void expect_endpoint_only_witness(const Run& r, const xc::verify::Finding& f) {
    auto request = xc::test::request_of(f.witness);
    request.resource_account = account_of(r, f.subject);
    auto policy = attached_policy(r, f.subject);
    xc::policy::PolicySet set{{&xc::verify::detail::allow_everything()}, &policy};
    EXPECT_EQ(xc::policy::decide(set, request).verdict, xc::policy::Verdict::Allow) << f.witness.dump();
    const auto* vpce = request.context.find("aws:SourceVpce");
    ASSERT_NE(vpce, nullptr) << f.witness.dump();
    EXPECT_NE(vpce->values.front(), CONSUMER_ENDPOINT);
}

}  // namespace

// Without a Deny, AWS_IAM lets every principal of the API's own account in through any endpoint
// (its identity policies suffice there): the reference's Allow-with-condition policy is violated.
TEST(Authorization, AnAllowOnlyPolicyAdmitsTheApisOwnAccountThroughAnyEndpoint) {
    auto r = run(json::parse(R"([{"op":"add","path":")" + API + R"(/authorization","value":"AWS_IAM"}])"));
    const auto* f = one(r, "api-endpoint-only", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    expect_endpoint_only_witness(r, *f);
    auto request = xc::test::request_of(f->witness);
    ASSERT_TRUE(request.principal.has_value()) << f->witness.dump();  // AWS_IAM: never anonymous
    EXPECT_EQ(request.principal->type, xc::policy::PrincipalType::AWS);
    EXPECT_EQ(request.principal->account(), account_of(r, FOOD)) << f->witness.dump();
    // Without the identity policy, the resource policy alone does not allow it: the same-account rule does.
    EXPECT_NE(xc::policy::decide(attached_policy(r, FOOD), [&] {
                  auto q = request;
                  q.resource_account = account_of(r, FOOD);
                  return q;
              }()).verdict,
              xc::policy::Verdict::Allow);
    EXPECT_NE(f->message.find("API's account"), std::string::npos) << f->message;
    EXPECT_EQ(r.report.exit_code(), 1);
}

// The same policy on the same model with NONE is proved: the proof cache keys on the callers.
TEST(Authorization, AProofForAnonymousCallersIsNotReusedForIamCallers) {
    auto r = run(json::parse(R"([{"op":"add","path":"/services/food/apis","value":{"orders":{"authorization":"AWS_IAM"}}}])"));
    EXPECT_NE(one(r, "api-endpoint-only", BEVERAGE, xc::verify::Verdict::proved), nullptr) << describe(r.report);
    const auto* f = one(r, "api-endpoint-only", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    expect_endpoint_only_witness(r, *f);
}

// "Principal": {"AWS": "*"} without a condition admits every principal of every account.
TEST(Authorization, AnyPrincipalWithoutAnEndpointConditionIsViolated) {
    auto r = run(iam_patch(json::parse(R"([{"op":"replace","path":")" + API + R"(/policy","value":{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}}])")));
    const auto* f = one(r, "api-endpoint-only", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    expect_endpoint_only_witness(r, *f);
    EXPECT_TRUE(xc::test::request_of(f->witness).principal.has_value());
}

// The account Allow plus the endpoint Deny: only the consumer's endpoint gets in, and the
// consumer's caller (another account: both its identity policy and the resource policy allow)
// may call every route.
TEST(Authorization, TheConsumerAccountThroughItsEndpointIsProvedBothWays) {
    auto r = run(iam_patch());
    EXPECT_EQ(r.report.exit_code(), 0) << describe(r.report);
    for (const auto& api : {FOOD, BEVERAGE}) {
        EXPECT_NE(one(r, "api-endpoint-only", api, xc::verify::Verdict::proved), nullptr) << describe(r.report);
        const auto* live = one(r, "api-liveness", api, xc::verify::Verdict::proved);
        ASSERT_NE(live, nullptr) << describe(r.report);
        EXPECT_NE(live->message.find("consumer/orders-client"), std::string::npos) << live->message;
        // The example request is the caller's session, allowed by identity and resource policies together.
        auto request = xc::test::request_of(live->witness);
        ASSERT_TRUE(request.principal.has_value());
        EXPECT_NE(request.principal->id.find(":assumed-role/"), std::string::npos);
        EXPECT_EQ(request.principal->account(), "111111111111");
        ASSERT_NE(request.context.find("aws:PrincipalArn"), nullptr);
        EXPECT_EQ(request.context.find("aws:PrincipalAccount")->values.front(), "111111111111");
    }
}

// Across accounts the caller's identity policies must allow the call too.
TEST(Authorization, ACrossAccountCallerWithoutAnIdentityAllowIsNotLive) {
    auto r = run(iam_patch(json::parse(R"([{"op":"remove","path":"/consumer/roles/orders-client/policies"}])")));
    const auto* f = one(r, "api-liveness", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    EXPECT_NE(f->message.find("identity policies must allow"), std::string::npos) << f->message;
    auto request = xc::test::request_of(f->witness);
    request.resource_account = account_of(r, FOOD);
    auto policy = attached_policy(r, FOOD);
    // The resource policy alone selects the caller; without an identity Allow the decision is a deny.
    EXPECT_EQ(xc::policy::evaluate_resource_policy(policy, request).verdict, xc::policy::Verdict::Allow) << f->witness.dump();
    EXPECT_EQ(xc::policy::decide(xc::policy::PolicySet{{}, &policy}, request).verdict, xc::policy::Verdict::ImplicitDeny);
    EXPECT_FALSE(f->fix.empty());
    EXPECT_EQ(r.report.exit_code(), 1);
}

// ... and the resource policy must select the caller's account (or the caller).
TEST(Authorization, ACrossAccountCallerTheResourcePolicyDoesNotNameIsNotLive) {
    auto r = run(iam_patch(json::array({{{"op", "replace"}, {"path", API + "/policy"}, {"value", iam_policy({{"AWS", "444444444444"}})}}})));
    const auto* f = one(r, "api-liveness", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    EXPECT_NE(f->message.find("resource policy must allow"), std::string::npos) << f->message;
    auto request = xc::test::request_of(f->witness);
    request.resource_account = account_of(r, FOOD);
    auto policy = attached_policy(r, FOOD);
    const auto& role = r.graph.model().consumer.roles.at("orders-client");
    std::vector<const xc::policy::Policy*> identity{&role.policies.at("invoke").parsed()};
    EXPECT_EQ(xc::policy::evaluate_identity_policies(identity, request).verdict, xc::policy::Verdict::Allow);
    EXPECT_NE(xc::policy::decide(xc::policy::PolicySet{identity, &policy}, request).verdict, xc::policy::Verdict::Allow);
    // Safety is unaffected: the Deny keeps every other endpoint out.
    EXPECT_NE(one(r, "api-endpoint-only", FOOD, xc::verify::Verdict::proved), nullptr) << describe(r.report);
}

// An explicit Deny in the caller's own identity policy wins over any Allow.
TEST(Authorization, AnIdentityDenyMakesTheRouteUnreachable) {
    auto r = run(iam_patch(json::parse(R"([{"op":"add","path":"/consumer/roles/orders-client/policies/no-post","value":
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:*/*/POST/*"}]}}])")));
    const auto* f = one(r, "api-liveness", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    EXPECT_NE(f->message.find("POST /orders"), std::string::npos) << f->message;
    ASSERT_FALSE(f->statements.empty());
    EXPECT_NE(f->statements.front().policy_path.find("/consumer/roles/orders-client/policies/no-post"), std::string::npos);
}

// A mixed API: NONE routes keep anonymous callers, the AWS_IAM route is called by the named role.
// Safety ranges over both kinds of caller: the API's own principals get in without the Deny.
TEST(Authorization, AMixedApiProvesEachRouteForItsCallers) {
    auto r = run(json::parse(R"([
        {"op":"add","path":"/consumer/roles","value":{"orders-client":)" + caller_role().dump() + R"(}},
        {"op":"add","path":")" + API + R"(/callers","value":["consumer/orders-client"]},
        {"op":"add","path":")" + API + R"(/routes/GET ~1orders~1{orderId}/authorization","value":"AWS_IAM"}])"));
    const auto* live = one(r, "api-liveness", FOOD, xc::verify::Verdict::proved);
    ASSERT_NE(live, nullptr) << describe(r.report);
    EXPECT_NE(live->message.find("1 AWS_IAM route"), std::string::npos) << live->message;
    EXPECT_NE(live->message.find("2 NONE routes"), std::string::npos) << live->message;
    const auto* f = one(r, "api-endpoint-only", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    expect_endpoint_only_witness(r, *f);

    // With the Deny added, the mixed API is proved: anonymous and IAM callers alike come only
    // through the consumer's endpoint.
    auto fixed = run(json::parse(R"([
        {"op":"add","path":"/consumer/roles","value":{"orders-client":)" + caller_role().dump() + R"(}},
        {"op":"add","path":")" + API + R"(/callers","value":["consumer/orders-client"]},
        {"op":"add","path":")" + API + R"(/routes/GET ~1orders~1{orderId}/authorization","value":"AWS_IAM"},
        {"op":"add","path":")" + API + R"(/policy/Statement/-","value":{"Effect":"Deny","Principal":"*","Action":"execute-api:*",
          "Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":")" + CONSUMER_ENDPOINT + R"("}}}}])"));
    EXPECT_EQ(fixed.report.exit_code(), 0) << describe(fixed.report);
    const auto* proved = one(fixed, "api-endpoint-only", FOOD, xc::verify::Verdict::proved);
    ASSERT_NE(proved, nullptr) << describe(fixed.report);
    EXPECT_NE(proved->message.find("anonymous and IAM principals"), std::string::npos) << proved->message;
}

// An anonymous caller never reaches an AWS_IAM route's policies: a "Principal": "*" policy with
// the endpoint condition does not make an all-IAM API's liveness rest on anonymous calls.
TEST(Authorization, AnIamRouteIsNotShownLiveForAnAnonymousCaller) {
    auto r = run(iam_patch(json::parse(R"([{"op":"remove","path":"/consumer/roles/orders-client/policies"},
        {"op":"replace","path":")" + API + R"(/policy/Statement/0/Principal","value":"*"}])")));
    // Principal "*" selects the cross-account caller directly, but its identity policies allow nothing.
    const auto* f = one(r, "api-liveness", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(r.report);
    EXPECT_NE(xc::test::request_of(f->witness).principal, std::nullopt);
}

// AWS_IAM routes and no callers: nothing to show liveness for — UNDECIDED, never proved.
TEST(Authorization, IamRoutesWithoutCallersAreUndecided) {
    auto r = run(iam_patch(json::parse(R"([{"op":"remove","path":")" + API + R"(/callers"}])")));
    const auto* f = one(r, "api-liveness", FOOD, xc::verify::Verdict::undecided);
    ASSERT_NE(f, nullptr) << describe(r.report);
    EXPECT_NE(f->message.find("callers"), std::string::npos);
    EXPECT_EQ(one(r, "api-liveness", FOOD, xc::verify::Verdict::proved), nullptr);
    EXPECT_EQ(r.report.exit_code(), 3);
}

// A caller attaching a managed policy xc does not know: its permissions are unknown.
TEST(Authorization, ACallerWithAnUnknownManagedPolicyIsUndecided) {
    auto r = run(iam_patch(json::parse(R"([{"op":"add","path":"/consumer/roles/orders-client/managedPolicies",
        "value":["arn:aws:iam::111111111111:policy/invoke-apis"]}])")));
    const auto* f = one(r, "api-liveness", FOOD, xc::verify::Verdict::undecided);
    ASSERT_NE(f, nullptr) << describe(r.report);
    EXPECT_NE(f->message.find("arn:aws:iam::111111111111:policy/invoke-apis"), std::string::npos) << f->message;
    EXPECT_EQ(one(r, "api-liveness", FOOD, xc::verify::Verdict::proved), nullptr);
}

// A resource policy naming the caller role by ARN: decided only when the role's name is known.
TEST(Authorization, NamingTheCallerRoleNeedsItsDeployedName) {
    json by_role = {{"AWS", "arn:aws:iam::111111111111:role/orders-client"}};
    auto assigned = run(iam_patch(json::array({{{"op", "replace"}, {"path", API + "/policy"}, {"value", iam_policy(by_role)}}})));
    EXPECT_NE(one(assigned, "api-liveness", FOOD, xc::verify::Verdict::undecided), nullptr) << describe(assigned.report);
    EXPECT_EQ(one(assigned, "api-liveness", FOOD, xc::verify::Verdict::proved), nullptr);

    auto named = run(iam_patch(json::array({{{"op", "replace"}, {"path", API + "/policy"}, {"value", iam_policy(by_role)}},
                                            {{"op", "add"}, {"path", "/consumer/roles/orders-client/deployedName"}, {"value", "orders-client"}}})));
    EXPECT_NE(one(named, "api-liveness", FOOD, xc::verify::Verdict::proved), nullptr) << describe(named.report);

    auto other = run(iam_patch(json::array({{{"op", "replace"}, {"path", API + "/policy"}, {"value", iam_policy(by_role)}},
                                            {{"op", "add"}, {"path", "/consumer/roles/orders-client/deployedName"}, {"value", "someone-else"}}})));
    const auto* f = one(other, "api-liveness", FOOD, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(other.report);
    EXPECT_NE(f->message.find("resource policy must allow"), std::string::npos) << f->message;
}

// A caller in the API's own account: its identity policy alone suffices, with a resource policy
// that allows nobody and only denies other endpoints; without the identity Allow it is not live.
TEST(Authorization, ASameAccountCallerNeedsOnlyItsIdentityPolicy) {
    const json api = json::parse(R"({"private":true,"endpointType":"PRIVATE","vpcEndpoints":["execute-api"],"stage":"v1",
        "authorization":"AWS_IAM","callers":["orders-client"],"routes":{"GET /orders":{"lambda":"get-orders"}},
        "policy":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:*","Resource":"execute-api:/*",
          "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60718"}}}]}})");
    const json lambda_role = json::parse(R"({"trustPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}})");
    auto patch = [&](bool identity_allows) {
        json roles = {{"orders-client", caller_role(identity_allows ? caller_role()["policies"]["invoke"] : json())}, {"function", lambda_role}};
        json lambdas = {{"get-orders", {{"handler", "get-orders"}, {"role", "function"}, {"memory", 128}, {"timeout", 3}}}};
        json p = json::array();
        p.push_back({{"op", "add"}, {"path", "/consumer/roles"}, {"value", roles}});
        p.push_back({{"op", "add"}, {"path", "/consumer/lambdas"}, {"value", lambdas}});
        p.push_back({{"op", "add"}, {"path", "/consumer/apis"}, {"value", {{"internal", api}}}});
        // The consumer's endpoint lets through requests to its own account's APIs too.
        p.push_back({{"op", "add"}, {"path", "/consumer/vpcEndpoints/execute-api/policy/Statement/0/Resource/-"},
                     {"value", "arn:aws:execute-api:eu-central-1:111111111111:*"}});
        return p;
    };
    const std::string subject = "consumer/rest-api/internal";
    auto live = run(patch(true));
    const auto* proved = one(live, "api-liveness", subject, xc::verify::Verdict::proved);
    ASSERT_NE(proved, nullptr) << describe(live.report);
    auto request = xc::test::request_of(proved->witness);
    request.resource_account = "111111111111";
    auto policy = attached_policy(live, subject);
    EXPECT_EQ(request.principal->account(), "111111111111");
    EXPECT_NE(xc::policy::evaluate_resource_policy(policy, request).verdict, xc::policy::Verdict::Allow);  // the resource policy allows nobody
    EXPECT_NE(one(live, "api-endpoint-only", subject, xc::verify::Verdict::proved), nullptr) << describe(live.report);

    auto dead = run(patch(false));
    const auto* f = one(dead, "api-liveness", subject, xc::verify::Verdict::violated);
    ASSERT_NE(f, nullptr) << describe(dead.report);
    EXPECT_NE(f->message.find("neither its identity policies nor the API's resource policy"), std::string::npos) << f->message;
}

// The request space of a mixed API over-approximates both caller kinds (api_callers).
TEST(Authorization, CallerSpaceOfAnApiFollowsItsRoutes) {
    auto r = run(iam_patch(json::parse(R"([{"op":"add","path":")" + API + R"(/routes/GET ~1orders/authorization","value":"NONE"}])")));
    auto v = *r.graph.find(FOOD);
    const auto& api = r.graph.resource<xc::model::RestApi>(v);
    auto space = xc::verify::detail::api_callers(api);
    EXPECT_TRUE(space.has(xc::verify::CallerKind::anonymous));
    EXPECT_TRUE(space.has(xc::verify::CallerKind::role_session));
    EXPECT_TRUE(space.has(xc::verify::CallerKind::user));
    EXPECT_TRUE(space.has(xc::verify::CallerKind::root));
    EXPECT_TRUE(space.has(xc::verify::CallerKind::federated_user));
    EXPECT_FALSE(space.has(xc::verify::CallerKind::service));
    EXPECT_TRUE(space.customer_accounts.empty());  // the accounts a named (service) principal is not in: none is a caller here
    auto none = run(json::array());
    auto anonymous = xc::verify::detail::api_callers(none.graph.resource<xc::model::RestApi>(*none.graph.find(FOOD)));
    EXPECT_TRUE(anonymous.has(xc::verify::CallerKind::anonymous));
    EXPECT_FALSE(anonymous.any_aws());
}

}  // namespace authorization_test
