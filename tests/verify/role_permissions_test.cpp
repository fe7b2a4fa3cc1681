// A role's effective permissions include the managed policies it attaches
// (verify/role_permissions.hpp, policy/aws_managed_policies.hpp): an AWS-managed policy that
// grants too much makes lambda-data VIOLATED (the witness re-checked against every identity
// policy), a harmless one keeps it PROVED, and one xc does not know makes it UNDECIDED, naming
// the ARN — never proved as if it granted nothing.
#include <model_variants.hpp>

#include <xc/policy/aws_managed_policies.hpp>
#include <xc/verify/role_permissions.hpp>

#include <witness.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace role_permissions_test {


namespace {

using nlohmann::json;
using xc::verify::Verdict;

const std::string role_subject = "food/role/lambda";

json& managed(json& m) { return m["templates"]["orders-service"]["roles"]["lambda"]["managedPolicies"]; }

const xc::verify::Finding* finding(const xc::verify::Report& r, std::string_view property, std::string_view subject) {
    for (const auto& f : r.findings)
        if (f.property == property && f.subject == subject) return &f;
    return nullptr;
}

using xc::test::request_of;

// --- the shipped models attach only policies xc knows --------------------------------------

TEST(RolePermissions, TheShippedModelsAttachOnlyPoliciesXcKnows) {
    for (const char* model : {"cross-account-microservices", "three-services-private-domains"}) {
        auto m = xc::test::model_json(model);
        for (const auto& [_, t] : m["templates"].items())
            for (const auto& [_, role] : t["roles"].items())
                for (const auto& arn : role.value("managedPolicies", json::array()))
                    EXPECT_NE(xc::policy::find_aws_managed_policy(arn.get<std::string>()), nullptr) << model << ": " << arn;
    }
}

// --- lambda-data reads the attachments -------------------------------------------------------

struct Attachment {
    std::string name;
    std::vector<std::string> arns;  // the role's managedPolicies
};
std::string attachment_name(const testing::TestParamInfo<Attachment>& i) { return i.param.name; }

class GrantsTooMuch : public testing::TestWithParam<Attachment> {};

TEST_P(GrantsTooMuch, LambdaDataIsViolatedByTheAttachedPolicy) {
    json m = xc::test::model_json();
    managed(m) = GetParam().arns;
    auto g = xc::test::graph_of_json(m);
    auto report = xc::verify::verify(g);
    const auto* f = finding(report, "lambda-data", role_subject);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::violated) << f->message;
    // The witness is allowed by the role's identity policies, and the deciding statement is in an
    // attached managed policy (located at its ARN in the model).
    xc::verify::RolePermissions permissions(g.resource<xc::model::Role>(*g.find(role_subject)));
    EXPECT_TRUE(permissions.unknown().empty());
    auto request = request_of(f->witness);
    request.resource_account = g.model().accounts.at(g[*g.find(role_subject)].account).id;  // the role's own tables
    EXPECT_EQ(xc::policy::decide(xc::policy::PolicySet{permissions.policies(), nullptr}, request).verdict, xc::policy::Verdict::Allow)
        << f->witness.dump();
    ASSERT_FALSE(f->statements.empty());
    EXPECT_NE(f->statements.front().policy_path.find("/roles/lambda/managedPolicies/"), std::string::npos) << f->statements.front().policy_path;
    // Without the attachment, the same role is proved.
    json without = xc::test::model_json();
    auto proved = xc::verify::verify(xc::test::graph_of_json(without));
    ASSERT_NE(finding(proved, "lambda-data", role_subject), nullptr);
    EXPECT_EQ(finding(proved, "lambda-data", role_subject)->verdict, Verdict::proved);
}

INSTANTIATE_TEST_SUITE_P(
    Verify, GrantsTooMuch,
    testing::Values(Attachment{"DynamoDBFullAccess", {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                                      "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}},
                    Attachment{"DynamoDBReadOnlyAccess", {"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"}},
                    Attachment{"BothDynamoDBPolicies", {"arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
                                                        "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}}),
    attachment_name);

class Harmless : public testing::TestWithParam<Attachment> {};

TEST_P(Harmless, LambdaDataStaysProved) {
    json m = xc::test::model_json();
    managed(m) = GetParam().arns;
    auto report = xc::verify::verify(xc::test::graph_of_json(m));
    const auto* f = finding(report, "lambda-data", role_subject);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::proved) << f->message;
    EXPECT_EQ(report.exit_code(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Verify, Harmless,
    testing::Values(Attachment{"BasicExecutionRoleOnly", {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
                    Attachment{"AsShipped", {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                             "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}},
                    Attachment{"EniManagementAndLambdaRole", {"arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess",
                                                              "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"}},
                    Attachment{"None", {}}),
    attachment_name);

class Unknown : public testing::TestWithParam<Attachment> {};

TEST_P(Unknown, LambdaDataIsUndecidedNamingTheArn) {
    json m = xc::test::model_json();
    managed(m) = GetParam().arns;
    auto report = xc::verify::verify(xc::test::graph_of_json(m));
    const auto* f = finding(report, "lambda-data", role_subject);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::undecided) << f->message;
    const std::string& unknown_arn = GetParam().arns.back();
    EXPECT_NE(f->message.find(unknown_arn), std::string::npos) << f->message;
    EXPECT_NE(f->path.find("/managedPolicies/"), std::string::npos) << f->path;
    EXPECT_EQ(report.exit_code(), 3);
}

INSTANTIATE_TEST_SUITE_P(
    Verify, Unknown,
    testing::Values(Attachment{"CustomerManaged", {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                                   "arn:aws:iam::333333333333:policy/orders-extra"}},
                    Attachment{"AwsManagedNotInTable", {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
                    Attachment{"OtherPartition", {"arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}),
    attachment_name);

// An unknown attachment could also deny: with it, not even a violation of the known policies is
// final. The finding says what the known policies already allow.
TEST(RolePermissions, AnUnknownAttachmentNextToAnExcessiveInlinePolicyIsUndecided) {
    json m = xc::test::model_json();
    managed(m) = json::array({"arn:aws:iam::333333333333:policy/orders-extra"});
    m["templates"]["orders-service"]["roles"]["lambda"]["policies"]["orders-table"]["Statement"][0]["Action"] = "dynamodb:*";
    auto report = xc::verify::verify(xc::test::graph_of_json(m));
    const auto* f = finding(report, "lambda-data", role_subject);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::undecided) << f->message;
    EXPECT_NE(f->message.find("arn:aws:iam::333333333333:policy/orders-extra"), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("already allow"), std::string::npos) << f->message;
}

}  // namespace

}  // namespace role_permissions_test
