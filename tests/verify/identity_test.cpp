// Verdicts are about what xc deploys: a policy naming a resource by its deployed identity (the
// graph's, the one the emitters print) gets the verdict that naming it by "*" gets, and a policy
// naming something that is never deployed names nothing. One class per kind of identity.
#include <model_variants.hpp>

#include <xc/emit/cloudformation.hpp>
#include <xc/emit/terraform.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace identity_test {

namespace {

using nlohmann::json;
using xc::verify::Verdict;
using namespace xc::test;

xc::verify::Report verify_only(const xc::model::Graph& g, const char* property) {
    xc::verify::VerifyOptions o;
    o.only = {property};
    return xc::verify::verify(g, o);
}

bool outsider_reads(const xc::verify::Report& r) {
    for (const auto& f : r.findings)
        if (f.property == "secret-share" && f.verdict == Verdict::violated &&
            f.message.find("outside the consumer and service accounts, can read") != std::string::npos)
            return true;
    return false;
}

// --- secrets -------------------------------------------------------------------------------

// Every secret that carries an endpoint id, in every shipped model: its deployed ARN, "*", and
// the ARN the secret would have under its bare model name (never deployed).
TEST(DeployedIdentity, SecretPolicyVerdictsFollowTheDeployedArn) {
    for (const char* name : {"cross-account-microservices", "three-services-private-domains"}) {
        json base = model_json(name);
        auto g0 = graph_of_json(base);
        for (auto sv : g0.vertices(xc::model::VertexKind::secret)) {
            if (g0.out(sv, xc::model::EdgeKind::holds_id_of).empty()) continue;
            const auto& secret = g0.resource<xc::model::Secret>(sv);
            const auto& id = g0.identity(sv);
            ASSERT_TRUE(id.name.is_literal());
            EXPECT_EQ(id.name.stand_in(), base["name"].get<std::string>() + "/" + secret.name) << "consumer secrets are <app>/<name>";
            const std::string deployed = pattern_of(id.arn());
            const std::string bare = "arn:aws:secretsmanager:" + id.region + ":" + id.account + ":secret:" + secret.name + "-??????";
            ASSERT_NE(deployed, bare);
            auto with_statements = [&](json statements) {
                json m = base;
                auto& policy = m["consumer"]["secrets"][secret.name]["policy"]["Statement"];
                for (auto& s : statements) policy.push_back(s);
                return verify_only(graph_of_json(m), "secret-share");
            };
            auto allow_all = [](const std::string& resource) {
                return json{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "secretsmanager:GetSecretValue"}, {"Resource", resource}};
            };
            auto deny_all = [](const std::string& resource) {
                return json{{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "secretsmanager:GetSecretValue"}, {"Resource", resource}};
            };
            SCOPED_TRACE(std::string(name) + ": " + deployed);
            EXPECT_FALSE(outsider_reads(with_statements(json::array())));
            // Allowing an outsider: by the deployed ARN as by "*".
            EXPECT_TRUE(outsider_reads(with_statements({allow_all(deployed)})));
            EXPECT_TRUE(outsider_reads(with_statements({allow_all(id.arn().literal_prefix() + "*")})));
            EXPECT_TRUE(outsider_reads(with_statements({allow_all("*")})));
            // ... and a statement about a secret that is never deployed allows nothing.
            EXPECT_FALSE(outsider_reads(with_statements({allow_all(bare)})));
            // Denying: counted when it names the deployed secret, not when it names another.
            EXPECT_FALSE(outsider_reads(with_statements({allow_all("*"), deny_all(deployed)})));
            EXPECT_TRUE(outsider_reads(with_statements({allow_all("*"), deny_all(bare)})));
        }
    }
}

// A policy that admits accounts by a pattern rather than by name: the quick query over the
// accounts the policy names finds a reader in an unnamed account, and the verdict is the whole
// question's — proved when every account the pattern admits is one of the model's.
TEST(DeployedIdentity, SecretReadersAdmittedByAPatternAreCheckedAgainstEveryAccount) {
    json m = model_json("cross-account-microservices");
    for (int d = 0; d <= 9; ++d) {  // 222222222220 .. 222222222229 (222222222222 is "beverage")
        const std::string id = "22222222222" + std::to_string(d);
        if (id != "222222222222") m["accounts"]["extra" + std::to_string(d)] = {{"id", id}, {"role", "service"}};
    }
    auto with_pattern = [&](const std::string& pattern) {
        json variant = m;
        variant["consumer"]["secrets"]["endpoint-id"]["policy"]["Statement"].push_back(
            {{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "secretsmanager:GetSecretValue"}, {"Resource", "*"},
             {"Condition", {{"StringLike", {{"aws:PrincipalAccount", pattern}}}}}});
        return verify_only(graph_of_json(variant), "secret-share");
    };
    EXPECT_FALSE(outsider_reads(with_pattern("22222222222?")));  // ten accounts, all the model's
    EXPECT_TRUE(outsider_reads(with_pattern("2222222222??")));   // a hundred, ninety of them outside
}

// The mechanism, over every consumer resource with a resource policy in every shipped model:
// rewriting each "Resource": "*" of its policy into the resource's deployed ARN changes no verdict.
TEST(DeployedIdentity, NamingAResourceByItsDeployedArnGivesTheVerdictsOfStar) {
    for (const char* name : {"cross-account-microservices", "three-services-private-domains"}) {
        json base = model_json(name);
        auto g = graph_of_json(base);
        auto before = verdicts(xc::verify::verify(g));
        json named = base;
        std::size_t rewritten = 0;
        for (auto kind : {xc::model::VertexKind::secret, xc::model::VertexKind::kms_key})
            for (auto v : g.vertices(kind)) {
                if (g[v].scope != "consumer") continue;  // templates' paths are not the file's
                auto pointer = json::json_pointer(std::string(g[v].path) + "/policy/Statement");
                if (!named.contains(pointer)) continue;
                for (auto& st : named[pointer])
                    if (st.contains("Resource") && st["Resource"] == "*") {
                        st["Resource"] = pattern_of(g.identity(v).arn());
                        ++rewritten;
                    }
            }
        SCOPED_TRACE(name);
        ASSERT_GT(rewritten, 0u);
        EXPECT_EQ(verdicts(xc::verify::verify(graph_of_json(named))), before);
    }
}

// --- REST APIs -------------------------------------------------------------------------------

const std::string food_api = "food/rest-api/orders";
const std::string literal_id = "a1b2c3d4e5";

json food_policy(json statements) { return json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}}; }

json with_food_api(json m, std::optional<std::string> id, json policy) {
    auto& api = m["services"]["food"]["apis"]["orders"];
    if (id) api["id"] = *id;
    api["policy"] = std::move(policy);
    return m;
}

json consumer_only(const std::string& resource) {
    return {{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"}, {"Resource", resource},
            {"Condition", {{"StringEquals", {{"aws:SourceVpce", "vpce-0a1b2c3d4e5f60718"}}}}}};
}
json anyone(const std::string& resource) {
    return {{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"}, {"Resource", resource}};
}
json deny_others(const std::string& resource) {
    return {{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"}, {"Resource", resource},
            {"Condition", {{"StringNotEquals", {{"aws:SourceVpce", "vpce-0a1b2c3d4e5f60718"}}}}}};
}

TEST(DeployedIdentity, ApiIdentityIsTheModelsIdOrOneAwsAssigns) {
    auto g = graph_of_json(with_food_api(model_json(), literal_id, food_policy({consumer_only("execute-api:/*")})));
    const auto& known = g.identity(*g.find(food_api));
    EXPECT_TRUE(known.id.is_literal());
    EXPECT_EQ(known.arn().stand_in(), "arn:aws:execute-api:eu-central-1:333333333333:" + literal_id);
    auto g2 = graph_of_json(model_json());
    const auto& assigned = g2.identity(*g2.find(food_api));
    ASSERT_FALSE(assigned.id.is_literal());
    EXPECT_EQ(assigned.id.parts().front().assigned->length, 10u);
    EXPECT_NE(assigned.id.stand_in(), g2.identity(*g2.find("beverage/rest-api/orders")).id.stand_in());
}

TEST(DeployedIdentity, ApiPolicyVerdictsFollowTheDeployedId) {
    const std::string arn = "arn:aws:execute-api:eu-central-1:333333333333:" + literal_id + "/*";
    auto endpoint_only = [&](std::optional<std::string> id, json statements) {
        return verify_only(graph_of_json(with_food_api(model_json(), id, food_policy(std::move(statements)))), "api-endpoint-only");
    };
    // The model names the API's id: a statement naming its ARN is about this API, as "*" is.
    EXPECT_TRUE(has(endpoint_only(literal_id, {anyone(arn)}), "api-endpoint-only", food_api, Verdict::violated));
    EXPECT_TRUE(has(endpoint_only(literal_id, {anyone("execute-api:/*")}), "api-endpoint-only", food_api, Verdict::violated));
    EXPECT_TRUE(has(endpoint_only(literal_id, {anyone("*")}), "api-endpoint-only", food_api, Verdict::violated));
    EXPECT_TRUE(has(endpoint_only(literal_id, {anyone("execute-api:/*"), deny_others(arn)}), "api-endpoint-only", food_api, Verdict::proved));
    // No id in the model: AWS assigns one, so a literal id names another API: its Allow admits
    // nothing here and its Deny protects nothing here.
    EXPECT_TRUE(has(endpoint_only(std::nullopt, {consumer_only("execute-api:/*"), anyone(arn)}), "api-endpoint-only", food_api,
                    Verdict::proved));
    EXPECT_TRUE(has(endpoint_only(std::nullopt, {anyone("execute-api:/*"), deny_others(arn)}), "api-endpoint-only", food_api,
                    Verdict::violated));
    // A pattern that matches some ids and not others cannot be decided before AWS picks one.
    EXPECT_TRUE(has(endpoint_only(std::nullopt, {consumer_only("execute-api:/*"), anyone("arn:aws:execute-api:eu-central-1:333333333333:a*/*")}),
                    "api-endpoint-only", food_api, Verdict::undecided));
}

TEST(DeployedIdentity, LivenessNeedsThePolicyToNameTheDeployedApi) {
    const std::string arn = "arn:aws:execute-api:eu-central-1:333333333333:" + literal_id + "/*";
    auto liveness = [&](std::optional<std::string> id) {
        return verify_only(graph_of_json(with_food_api(model_json(), id, food_policy({consumer_only(arn)}))), "api-liveness");
    };
    EXPECT_TRUE(has(liveness(literal_id), "api-liveness", food_api, Verdict::proved));
    // Emitted without an id, the API gets a new one and this policy admits nobody.
    EXPECT_TRUE(has(liveness(std::nullopt), "api-liveness", food_api, Verdict::violated));
}

// What verify proved with the model's id is what the emitted Terraform deploys: the existing API
// is adopted (import block), never re-created under a new id; CloudFormation cannot adopt in a
// deployment, so it refuses rather than emit a stack the proofs are not about.
TEST(DeployedIdentity, ALiteralApiIdIsAdoptedNotRecreated) {
    const std::string arn = "arn:aws:execute-api:eu-central-1:333333333333:" + literal_id + "/*";
    auto g = graph_of_json(with_food_api(model_json(), literal_id, food_policy({consumer_only(arn)})));
    auto files = xc::emit::emit_terraform(g);
    std::string api_tf;
    for (const auto& [path, f] : files.files())
        if (path.rfind("food/", 0) == 0 && std::string(f.content).find("aws_api_gateway_rest_api\" \"orders\"") != std::string::npos)
            api_tf = std::string(f.content);
    ASSERT_FALSE(api_tf.empty());
    EXPECT_NE(api_tf.find("import {\n  to = aws_api_gateway_rest_api.orders\n  id = \"" + literal_id + "\"\n}"), std::string::npos) << api_tf;
    try {
        xc::emit::emit_cloudformation(g);
        ADD_FAILURE() << "CloudFormation emitted a stack that would create a second API";
    } catch (const xc::emit::lowering::LoweringError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
        EXPECT_EQ(e.diagnostics().front().path, "/services/food/apis/orders") << e.what();
        EXPECT_EQ(e.diagnostics().front().file, "model.json") << e.what();
        EXPECT_GT(e.diagnostics().front().position.line, 0u) << e.what();
    }
    // Without an id nothing is adopted.
    auto plain = xc::emit::emit_terraform(graph_of_json(model_json()));
    for (const auto& [path, f] : plain.files()) EXPECT_EQ(std::string(f.content).find("import {"), std::string::npos) << path;
}

// --- request paths -----------------------------------------------------------------------------

TEST(DeployedIdentity, RequestPathsNeedAClientThatResolvesAndReaches) {
    json m = model_json();
    m["consumer"]["vpcs"]["isolated"] = {{"cidr", "10.9.0.0/16"},
                                         {"subnets", {{"a", {{"cidr", "10.9.0.0/24"}, {"az", "eu-central-1a"}, {"routeTable", "rt"}}}}},
                                         {"routeTables", {{"rt", json::object()}}}};
    for (auto [vpcs, reachable] : {std::pair{json{"isolated"}, false}, std::pair{json{"main", "isolated"}, true}}) {
        m["consumer"]["hostedZones"]["services"]["vpcs"] = vpcs;
        auto g = graph_of_json(m);
        for (const char* api : {"food/rest-api/orders", "beverage/rest-api/orders"}) {
            auto paths = g.request_paths(*g.find(api));
            EXPECT_EQ(!paths.empty(), reachable) << vpcs.dump();
            for (const auto& p : paths) EXPECT_EQ(g[p.client_vpc].id, "consumer/vpc/main");
            auto report = verify_only(g, "dns-tls");
            EXPECT_TRUE(has(report, "dns-tls", api, reachable ? Verdict::proved : Verdict::violated)) << vpcs.dump();
            if (!reachable) {
                for (const auto& f : report.findings) {
                    EXPECT_NE(f.message.find("no client can reach the load balancer"), std::string::npos) << f.message;
                }
            }
        }
    }
}

// --- Lambda invoke permissions ----------------------------------------------------------------

TEST(DeployedIdentity, LambdaSourceArnsAreDecidedWhateverTheApiId) {
    struct Case {
        std::string source_arn;
        Verdict with_model_id, with_assigned_id;
    };
    const std::string own = "arn:aws:execute-api:eu-central-1:333333333333:";
    const std::vector<Case> cases{
        {"arn:aws:execute-api:eu-central-1:999999999999:*/*", Verdict::violated, Verdict::violated},  // another account
        {"arn:aws:execute-api:us-east-1:333333333333:*", Verdict::violated, Verdict::violated},       // another region
        {own + "*/*/POST/orders", Verdict::violated, Verdict::violated},                              // every API of the account
        {own + "zzzzzzzzzz/*", Verdict::violated, Verdict::violated},                                 // another API
        {own + literal_id + "/*", Verdict::proved, Verdict::violated},  // its own id: only when the model fixes it
        {own + literal_id + "/v1/POST/orders", Verdict::proved, Verdict::violated},
    };
    for (const auto& c : cases)
        for (bool model_id : {true, false}) {
            json m = model_json();
            auto& food = m["services"]["food"];
            if (model_id) food["apis"]["orders"]["id"] = literal_id;
            food["lambdas"]["post-order"]["invokePermissions"] =
                json::array({{{"principal", "apigateway.amazonaws.com"}, {"sourceArn", c.source_arn}}});
            auto report = verify_only(graph_of_json(m), "lambda-invoke");
            Verdict want = model_id ? c.with_model_id : c.with_assigned_id;
            EXPECT_TRUE(has(report, "lambda-invoke", "food/lambda/post-order", want))
                << c.source_arn << (model_id ? " (model id)" : " (assigned id)") << ": expected " << to_string(want);
        }
}

}  // namespace

}  // namespace identity_test
