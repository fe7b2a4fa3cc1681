// The policy pool (model/policy_pool.hpp): documents with the same JSON text share one body,
// every other document has its own, and a document that does not parse reports its own path.
#include <xc/error.hpp>
#include <xc/input/json/load.hpp>
#include <xc/model/policy_pool.hpp>
#include <xc/policy/parse.hpp>

#include <generated_models.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace policy_pool_test {

using nlohmann::json;
using xc::model::PolicyDocument;
using xc::model::PolicyPool;

namespace {
json api_policy(const json& condition_value, const std::string& condition_key = "aws:SourceVpce") {
    return {{"Version", "2012-10-17"},
            {"Statement",
             {{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"}, {"Resource", "execute-api:/*"},
               {"Condition", {{"StringEquals", {{condition_key, condition_value}}}}}}}}};
}
}  // namespace

TEST(PolicyPool, DocumentsWithTheSameTextShareOneBodyAndKeepTheirOwnPaths) {
    PolicyPool pool;
    const PolicyDocument a = pool.document(api_policy("vpce-1"), "/services/a/apis/orders/policy");
    // The same JSON value, its members written in another order.
    const PolicyDocument b = pool.document(json::parse(R"({"Statement": [{"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
        "Resource": "execute-api:/*", "Action": "execute-api:Invoke", "Principal": "*", "Effect": "Allow"}], "Version": "2012-10-17"})"),
                                           "/services/b/apis/orders/policy");
    EXPECT_EQ(a.body, b.body);
    EXPECT_EQ(pool.size(), 1u);
    EXPECT_EQ(a.path, "/services/a/apis/orders/policy");
    EXPECT_EQ(b.path, "/services/b/apis/orders/policy");
    EXPECT_EQ(b.document(), api_policy("vpce-1"));
    EXPECT_EQ(b.parsed(), xc::policy::parse(api_policy("vpce-1")));
}

TEST(PolicyPool, AnyDifferenceInTheTextMakesAnotherBody) {
    // Each differs from the first in one place that a verdict or the deployed text can see:
    // a value, a key's case, a number written as an integer or not, zero's sign, a value's type,
    // a list's order.
    const std::vector<json> documents{
        api_policy("vpce-1"),
        api_policy("vpce-2"),
        api_policy("vpce-1", "aws:sourcevpce"),
        api_policy(1),
        api_policy(1.0),
        api_policy(0.0),
        api_policy(-0.0),
        api_policy("1"),
        api_policy(json::array({"vpce-1", "vpce-2"})),
        api_policy(json::array({"vpce-2", "vpce-1"})),
    };
    PolicyPool pool;
    std::set<const xc::model::PolicyBody*> bodies;
    for (std::size_t i = 0; i < documents.size(); ++i) {
        const PolicyDocument d = pool.document(documents[i], "/p/" + std::to_string(i));
        bodies.insert(d.body.get());
        EXPECT_EQ(d.document().dump(), documents[i].dump()) << i;
        EXPECT_EQ(d.parsed(), xc::policy::parse(documents[i])) << i;
    }
    EXPECT_EQ(bodies.size(), documents.size());
    EXPECT_EQ(pool.size(), documents.size());
}

// The pool finds a body by the JSON's hash, then compares: the comparison alone must tell apart
// whatever the hash might not.
TEST(PolicyPool, SameJsonIsExact) {
    using xc::model::detail::same_json;
    EXPECT_TRUE(same_json(api_policy("vpce-1"), api_policy("vpce-1")));
    EXPECT_TRUE(same_json(json::parse(R"({"a": [1, 2.5, "x", null, true], "b": {}})"), json::parse(R"({"b": {}, "a": [1, 2.5, "x", null, true]})")));
    const std::vector<std::pair<json, json>> apart{
        {json(1), json(1.0)},
        {json(0.0), json(-0.0)},
        {json(1), json("1")},
        {json(true), json(1)},
        {json::array({1, 2}), json::array({2, 1})},
        {json::array({1, 2}), json::array({1, 2, 3})},
        {json::object({{"a", 1}}), json::object({{"A", 1}})},
        {json::object({{"a", 1}}), json::object({{"a", 1}, {"b", 1}})},
        {json::object(), json::array()},
        {json(nullptr), json::object()},
    };
    for (const auto& [a, b] : apart) {
        EXPECT_FALSE(same_json(a, b)) << a.dump() << " " << b.dump();
        EXPECT_FALSE(same_json(api_policy(a), api_policy(b))) << a.dump() << " " << b.dump();
    }
}

TEST(PolicyPool, ADocumentThatDoesNotParseReportsItsOwnPathEveryTime) {
    PolicyPool pool;
    json bad = api_policy("vpce-1");
    bad["Statement"][0]["Effect"] = "Permit";
    for (const std::string path : {"/services/a/apis/orders/policy", "/services/b/apis/orders/policy"}) {
        try {
            (void)pool.document(bad, path);
            ADD_FAILURE() << "no error for " << path;
        } catch (const xc::InputError& e) {
            ASSERT_EQ(e.diagnostics().size(), 1u);
            EXPECT_EQ(e.diagnostics().front().path, path + "/Statement/0/Effect");
        }
    }
    EXPECT_EQ(pool.size(), 0u);
}

// A model stamped from a template holds each policy the services share once, on any number of
// threads; each body is the parse of its own document.
TEST(PolicyPool, AStampedModelHoldsEachSharedPolicyOnce) {
    const std::string text = xc::bench::generated_services_model(600);
    for (unsigned jobs : {1u, 2u}) {
        const auto model = xc::input::json::load_model_text(text, "<model>", {}, jobs);
        std::set<const xc::model::PolicyBody*> api, trust, table;
        for (const auto& [name, s] : model.services) {
            const auto& policy = *s.apis.at("orders").policy;
            api.insert(policy.body.get());
            EXPECT_EQ(policy.path, s.path + "/apis/orders/policy");
            EXPECT_EQ(policy.parsed(), xc::policy::parse(policy.document()));
            const auto& role = s.roles.at("lambda");
            trust.insert(role.trust_policy.body.get());
            table.insert(role.policies.at("orders-table").body.get());
        }
        // The template's and the violation's API policies; the role policy names each service's table.
        const std::size_t chunks = jobs == 1 ? 1 : 3;  // the loader reads 256 services a chunk
        EXPECT_EQ(api.size(), 2 * chunks) << jobs;
        EXPECT_EQ(trust.size(), chunks) << jobs;
        EXPECT_EQ(table.size(), model.services.size()) << jobs;
    }
}

}  // namespace policy_pool_test
