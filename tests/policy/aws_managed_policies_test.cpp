// The AWS-managed policies xc ships (policy/aws_managed_policies.hpp): each row is a document
// that parses, under its ARN, with the version and the page it was copied from; lookups are exact.
#include <xc/policy/aws_managed_policies.hpp>
#include <xc/policy/evaluate.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace aws_managed_policies_test {

TEST(AwsManagedPolicies, EveryRowIsAParsedDocumentWithItsArnVersionAndSource) {
    std::set<std::string_view> arns;
    for (const auto& p : xc::policy::aws_managed_policies) {
        SCOPED_TRACE(std::string(p.name));
        EXPECT_TRUE(arns.insert(p.arn).second) << "listed twice";
        // arn:aws:iam::aws:policy/[path/]<name>
        EXPECT_EQ(p.arn.rfind("arn:aws:iam::aws:policy/", 0), 0u);
        EXPECT_EQ(p.arn.substr(p.arn.rfind('/') + 1), p.name);
        EXPECT_TRUE(std::regex_match(std::string(p.version), std::regex("v[0-9]+")));
        EXPECT_TRUE(std::regex_match(std::string(p.edited), std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z")));
        EXPECT_EQ(std::string(p.source), "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/" + std::string(p.name) + ".html");
        EXPECT_NO_THROW((void)xc::policy::parse_text(p.document));
        EXPECT_FALSE(xc::policy::parsed(p).statements.empty());
        // The shared JSON is the row's text, parsed once.
        EXPECT_EQ(xc::policy::document_json(p), nlohmann::json::parse(p.document));
        EXPECT_EQ(&xc::policy::document_json(p), &xc::policy::document_json(p));
        EXPECT_EQ(xc::policy::find_aws_managed_policy(p.arn), &p);
    }
}

TEST(AwsManagedPolicies, UnknownArnsAreNotFound) {
    for (const char* arn : {"arn:aws:iam::333333333333:policy/AWSLambdaBasicExecutionRole",  // customer-managed, same name
                            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",                  // AWS-managed, not in the table
                            "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",  // another partition
                            "arn:aws:iam::aws:policy/service-role/awslambdabasicexecutionrole"})    // ARNs are case-sensitive
        EXPECT_EQ(xc::policy::find_aws_managed_policy(arn), nullptr) << arn;
}

// What the lambda-data proofs rely on: which of them grant anything on DynamoDB.
TEST(AwsManagedPolicies, OnlyTheDynamoDBPoliciesGrantDynamoDBActions) {
    xc::policy::Request r;
    r.principal = xc::policy::RequestPrincipal{xc::policy::PrincipalType::AWS, "arn:aws:iam::111122223333:role/r"};
    r.action = "dynamodb:Scan";
    r.resource = "arn:aws:dynamodb:eu-central-1:111122223333:table/t";
    r.resource_account = "111122223333";
    for (const auto& p : xc::policy::aws_managed_policies) {
        bool dynamodb = std::string_view(p.name).find("DynamoDB") != std::string_view::npos;
        auto verdict = xc::policy::decide(xc::policy::PolicySet{{&xc::policy::parsed(p)}, nullptr}, r).verdict;
        EXPECT_EQ(verdict == xc::policy::Verdict::Allow, dynamodb) << p.name;
    }
}

}  // namespace aws_managed_policies_test
