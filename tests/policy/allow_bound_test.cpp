// The syntactic allow bound (policy/allow_bound.hpp): which statement shapes it decides, and
// that whatever it calls within is within for the concrete evaluator, on random policies.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "xc/policy/policy.hpp"

// Its own namespace: the area's test files are compiled as one translation unit.
namespace allow_bound_test {

using nlohmann::json;
using namespace xc::policy;

const std::string kTable = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders";

AllowBound orders_bound() { return AllowBound{"dynamodb:", {"dynamodb:GetItem", "dynamodb:Query"}, {kTable}, {kTable + "/index/"}}; }

Policy identity_policy(const std::string& statements_json) {
    return parse(json::parse(R"({"Version":"2012-10-17","Statement":)" + statements_json + "}"));
}

bool within(const std::string& statements_json) {
    Policy p = identity_policy(statements_json);
    return allows_within({&p}, orders_bound());
}

struct Shape {
    const char* name;
    const char* statements;
    bool within;  // what the bound must say
};

// Every shape the bound decides, and every shape it must leave to the solver.
const Shape kShapes[] = {
    {"own table, needed actions", R"([{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", true},
    {"actions in another case", R"([{"Effect":"Allow","Action":"DynamoDB:getitem","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", true},
    {"own indexes by wildcard", R"([{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/*"}])", true},
    {"conditions only narrow", R"([{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders","Condition":{"Bool":{"aws:SecureTransport":"true"}}}])", true},
    {"other services' statements do not count", R"([{"Effect":"Allow","Action":["logs:*","ec2:CreateNetworkInterface"],"Resource":"*"}])", true},
    {"denies only narrow", R"([{"Effect":"Deny","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", true},
    {"an action not needed", R"([{"Effect":"Allow","Action":"dynamodb:DeleteItem","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", false},
    {"an action wildcard", R"([{"Effect":"Allow","Action":"dynamodb:Get*","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", false},
    {"a wildcard that reaches dynamodb", R"([{"Effect":"Allow","Action":"dyn*:*","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", false},
    {"every action", R"([{"Effect":"Allow","Action":"*","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", false},
    {"NotAction", R"([{"Effect":"Allow","NotAction":"dynamodb:DeleteTable","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}])", false},
    {"NotResource", R"([{"Effect":"Allow","Action":"dynamodb:GetItem","NotResource":"arn:aws:dynamodb:eu-west-1:111122223333:table/other"}])", false},
    {"every resource", R"([{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}])", false},
    {"another table", R"([{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders2"}])", false},
    {"a table-name wildcard", R"([{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders*"}])", false},
    {"an index wildcard that starts too early", R"([{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/orders/*"}])", false},
    {"any region", R"([{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:*:111122223333:table/orders"}])", false},
    {"any account", R"([{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:eu-west-1:*:table/orders"}])", false},
    {"a policy variable", R"([{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:eu-west-1:111122223333:table/${aws:username}"}])", false},
};

TEST(AllowBound, DecidesExactlyTheShapesItCanReadOffTheStatements) {
    for (const auto& shape : kShapes) EXPECT_EQ(within(shape.statements), shape.within) << shape.name;
}

TEST(AllowBound, AdmitsTheNeededRequestsOnly) {
    const AllowBound b = orders_bound();
    EXPECT_TRUE(b.admits("dynamodb:getitem", kTable));
    EXPECT_TRUE(b.admits("dynamodb:Query", kTable + "/index/by-date"));
    EXPECT_FALSE(b.admits("dynamodb:PutItem", kTable));
    EXPECT_FALSE(b.admits("dynamodb:GetItem", kTable + "2"));
    EXPECT_FALSE(b.admits("dynamodb:GetItem", kTable + "/stream/1"));
}

// The class, against the referee: random identity policies from pieces that sit on every edge of
// the bound; whenever the bound says "within", no request the evaluator allows is outside it.
TEST(AllowBound, WhatItCallsWithinTheEvaluatorNeverAllowsOutside) {
    const std::vector<std::string> actions{"dynamodb:GetItem", "dynamodb:getitem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:*",
                                           "dynamodb:Get?tem", "*", "dynamo*:*", "logs:PutLogEvents", "s3:*", "dynamodbx:GetItem"};
    const std::vector<std::string> resources{kTable, kTable + "/index/*", kTable + "/index/by-date", kTable + "/*", kTable + "*", "*",
                                             kTable + "2", "arn:aws:dynamodb:*:111122223333:table/orders",
                                             "arn:aws:dynamodb:eu-west-1:111122223333:table/ord?rs", "arn:aws:logs:eu-west-1:111122223333:*"};
    const std::vector<std::string> request_actions{"dynamodb:GetItem", "DYNAMODB:GETITEM", "dynamodb:Query", "dynamodb:PutItem",
                                                   "dynamodb:Scan", "dynamodb:GetRecords"};
    const std::vector<std::string> request_resources{kTable, kTable + "/index/by-date", kTable + "/stream/2024", kTable + "2",
                                                     "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
                                                     "arn:aws:dynamodb:eu-west-1:111122223333:table/ordXrs"};
    std::mt19937 rng(20261202);
    auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    const AllowBound bound = orders_bound();
    std::size_t decided = 0;
    for (int i = 0; i < 3000; ++i) {
        json statements = json::array();
        for (unsigned s = 0, n = 1 + rng() % 3; s < n; ++s) {
            json st{{"Effect", rng() % 4 ? "Allow" : "Deny"}};
            json as = json::array(), rs = json::array();
            for (unsigned k = 0, m = 1 + rng() % 2; k < m; ++k) as.push_back(pick(actions));
            for (unsigned k = 0, m = 1 + rng() % 2; k < m; ++k) rs.push_back(pick(resources));
            st[rng() % 8 ? "Action" : "NotAction"] = as;
            st[rng() % 8 ? "Resource" : "NotResource"] = rs;
            statements.push_back(st);
        }
        Policy p = identity_policy(statements.dump());
        if (!allows_within({&p}, bound)) continue;
        ++decided;
        for (const auto& a : request_actions)
            for (const auto& r : request_resources) {
                Request req;
                req.principal = RequestPrincipal{PrincipalType::AWS, "arn:aws:sts::111122223333:assumed-role/fn/fn"};
                req.action = a;
                req.resource = r;
                req.resource_account = "111122223333";
                if (decide(PolicySet{{&p}, nullptr}, req).verdict == Verdict::Allow) {
                    EXPECT_TRUE(bound.admits(a, r)) << statements.dump() << " allows " << a << " on " << r;
                }
            }
    }
    // The generator must reach both answers, or the test proves nothing.
    EXPECT_GT(decided, 100u);
    EXPECT_LT(decided, 2900u);
}

}  // namespace allow_bound_test
