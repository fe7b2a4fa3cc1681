// Target health (verify/target_health.hpp): the success-code syntax, the table of what API Gateway
// answers the health check on an execute-api endpoint's interfaces, and the verdicts on variants
// of the reference model.
#include <xc/verify/target_health.hpp>
#include <xc/verify/verify.hpp>

#include <model_variants.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace target_health_test {

namespace {

using nlohmann::json;
using xc::verify::Verdict;
using Ranges = std::vector<std::pair<int, int>>;

const std::string tg_path = "/consumer/loadBalancers/internal/targetGroups/execute-api";
const std::string tg_subject = "consumer/target-group/internal/execute-api";

// The target-health finding of the reference model with `patch` applied.
xc::verify::Finding finding_with(const json& patch) {
    const auto report = xc::verify::verify(xc::test::graph_of_json(xc::test::model_json().patch(patch)));
    for (const auto& f : report.findings)
        if (f.property == "api-liveness" && f.subject == tg_subject) return f;
    ADD_FAILURE() << "no target-health finding";
    return {};
}

json set(const std::string& path, json value) { return json::array({{{"op", "replace"}, {"path", tg_path + path}, {"value", std::move(value)}}}); }

}  // namespace

TEST(TargetHealth, MatcherSyntaxIsAwsCodesAndRangesWithin200To499) {
    EXPECT_EQ(xc::verify::matcher_ranges("200"), (Ranges{{200, 200}}));
    EXPECT_EQ(xc::verify::matcher_ranges("200,202"), (Ranges{{200, 200}, {202, 202}}));
    EXPECT_EQ(xc::verify::matcher_ranges("200-299"), (Ranges{{200, 299}}));
    EXPECT_EQ(xc::verify::matcher_ranges("200-299,403"), (Ranges{{200, 299}, {403, 403}}));
    EXPECT_EQ(xc::verify::matcher_ranges("499"), (Ranges{{499, 499}}));
    for (const char* bad : {"", "abc", "199", "500", "200-", "-200", "300-200", "200,", ",200", " 200", "200-599", "2OO"})
        EXPECT_FALSE(xc::verify::matcher_ranges(bad).has_value()) << bad;
}

TEST(TargetHealth, MatcherAdmitsExactlyItsRanges) {
    const Ranges r{{200, 299}, {403, 403}};
    EXPECT_TRUE(xc::verify::matcher_admits(r, 200));
    EXPECT_TRUE(xc::verify::matcher_admits(r, 299));
    EXPECT_TRUE(xc::verify::matcher_admits(r, 403));
    EXPECT_FALSE(xc::verify::matcher_admits(r, 300));
    EXPECT_FALSE(xc::verify::matcher_admits(r, 402));
    EXPECT_FALSE(xc::verify::matcher_admits(r, 404));
}

TEST(TargetHealth, TableGivesApiGatewaysAnswerOnlyWhereDocumented) {
    auto https = xc::verify::health_check_response("HTTPS", 443);
    ASSERT_TRUE(https.has_value());
    EXPECT_EQ(https->status, 403);
    EXPECT_FALSE(https->source.empty());
    for (std::uint16_t port : {80, 443, 8080}) {
        auto http = xc::verify::health_check_response("HTTP", port);
        ASSERT_TRUE(http.has_value()) << port;
        EXPECT_FALSE(http->status.has_value()) << port;  // no HTTP answer: no success code can match
    }
    EXPECT_FALSE(xc::verify::health_check_response("HTTPS", 8443).has_value());
}

TEST(TargetHealth, EveryTargetGroupOfTheShippedModelsCanPass) {
    for (const auto& [model, groups] : std::vector<std::pair<std::string, std::size_t>>{{"cross-account-microservices", 1},
                                                                                         {"three-services-private-domains", 2}}) {
        const auto graph = xc::test::graph_of_json(xc::test::model_json(model));
        std::size_t proved = 0;
        for (const auto& f : xc::verify::verify(graph).findings)
            if (f.property == "api-liveness" && f.subject.find("/target-group/") != std::string::npos) {
                EXPECT_EQ(f.verdict, Verdict::proved) << model << " " << f.subject << ": " << f.message;
                proved += f.verdict == Verdict::proved;
            }
        EXPECT_EQ(proved, groups) << model;
    }
}

TEST(TargetHealth, SuccessCodesIncluding403Pass) {
    for (const char* m : {"403", "200-403", "200,403", "400-499"}) {
        auto f = finding_with(set("/healthCheck", {{"path", "/"}, {"matcher", m}}));
        EXPECT_EQ(f.verdict, Verdict::proved) << m << ": " << f.message;
    }
}

TEST(TargetHealth, SuccessCodesWithout403FailWithTheHealthCheckAsWitness) {
    for (const char* m : {"200", "200-299", "200-402", "404-499"}) {
        auto f = finding_with(set("/healthCheck", {{"path", "/health"}, {"matcher", m}}));
        ASSERT_EQ(f.verdict, Verdict::violated) << m;
        EXPECT_EQ(f.witness["request"]["path"], "/health");
        EXPECT_EQ(f.witness["response"]["status"], 403);
        EXPECT_EQ(f.witness["matcher"], m);
        EXPECT_FALSE(f.fix.empty());
    }
}

TEST(TargetHealth, PlainHttpGetsNoAnswerAtAll) {
    auto patch = set("/protocol", "HTTP");
    patch.push_back({{"op", "replace"}, {"path", tg_path + "/port"}, {"value", 80}});
    auto f = finding_with(patch);
    ASSERT_EQ(f.verdict, Verdict::violated);
    EXPECT_TRUE(f.witness["response"]["status"].is_null());
    EXPECT_NE(f.message.find("no success code"), std::string::npos) << f.message;
}

TEST(TargetHealth, WhatTheTableDoesNotDocumentIsUndecided) {
    EXPECT_EQ(finding_with(set("/port", 8443)).verdict, Verdict::undecided);  // HTTPS on another port
    auto f = finding_with(set("/healthCheck", {{"path", "/"}, {"matcher", "200-599"}}));  // not a matcher AWS accepts
    EXPECT_EQ(f.verdict, Verdict::undecided);
    EXPECT_NE(f.message.find("200-499"), std::string::npos) << f.message;
}

TEST(TargetHealth, TargetsMustBeAnExecuteApiEndpoint) {
    json patch = json::array({{{"op", "add"},
                               {"path", "/consumer/vpcEndpoints/ssm"},
                               {"value",
                                {{"id", "vpce-0fffffffffffffff2"},
                                 {"vpc", "main"},
                                 {"type", "interface"},
                                 {"service", "ssm"},
                                 {"subnets", {"private-a", "private-b"}},
                                 {"securityGroups", {"endpoint"}}}}}});
    patch.push_back({{"op", "replace"}, {"path", tg_path + "/targets/vpcEndpoint"}, {"value", "ssm"}});
    auto f = finding_with(patch);
    ASSERT_EQ(f.verdict, Verdict::violated) << f.message;
    EXPECT_EQ(f.witness["targets"], "consumer/vpc-endpoint/ssm");
    EXPECT_EQ(f.path, tg_path + "/targets");
}

}  // namespace target_health_test
