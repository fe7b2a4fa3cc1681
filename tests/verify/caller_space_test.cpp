// The symbolic caller (caller_space.hpp, policy_query.hpp): Principal elements and principal
// conditions constrain one caller string; every witness is re-decided by the concrete evaluator
// and carries the principal keys AWS sets for its caller.
#include <xc/verify/policy_query.hpp>

#include <gtest/gtest.h>

#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace caller_space_test {

namespace {

using namespace xc;
using verify::CallerKind;
using verify::CallerSpace;
using verify::QueryResult;

constexpr const char* kOwner = "111111111111";
constexpr const char* kSecret = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:s-AbCdEf";

const policy::Policy& allow_everything() {
    static const policy::Policy p = policy::parse_text(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
    return p;
}

policy::Policy secret_policy(const std::string& principal, const std::string& condition = "") {
    std::string st = R"({"Effect":"Allow","Principal":)" + principal + R"(,"Action":"secretsmanager:GetSecretValue","Resource":"*")";
    if (!condition.empty()) st += R"(,"Condition":)" + condition;
    return policy::parse_text(R"({"Version":"2012-10-17","Statement":[)" + st + "}]}");
}

struct Found {
    QueryResult result;
    policy::Outcome outcome;  // of the witness, by the concrete evaluator
};

// "Is there a caller of `space` outside the owner's account whose GetSecretValue `p` allows (its
// identity policies allowing everything)?"
Found outsider_reads(const policy::Policy& p, CallerSpace space = CallerSpace::everyone()) {
    static z3::context ctx;
    verify::PolicyQuery q(ctx);
    q.declare(p);
    space.customer_accounts = {kOwner};
    q.set_callers(space);
    q.action().fix("secretsmanager:GetSecretValue");
    q.fix_resource(kSecret);
    q.set_resource_account(kOwner);
    verify::Decision d{&p, {&allow_everything()}, false, kOwner};
    policy::PolicySet set{{&allow_everything()}, &p};
    Found f;
    f.result = q.solve(q.allowed(d) && !q.caller_in_account(kOwner), 10000, [&](const policy::Request& r) {
        return policy::decide(set, r).verdict == policy::Verdict::Allow && (!r.principal || r.principal->account() != kOwner);
    });
    if (f.result.witness) f.outcome = policy::decide(set, f.result.witness->request);
    return f;
}

std::string context_value(const policy::Request& r, const char* key) {
    const auto* v = r.context.find(key);
    return v ? v->values.front() : std::string("<absent>");
}

}  // namespace

TEST(CallerSpace, AWitnessCallerCarriesThePrincipalKeysAwsSets) {
    // A role's session: aws:PrincipalArn is the role's ARN (with its path), not the session's.
    auto f = outsider_reads(secret_policy(R"("*")", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::4444*:role/ops/*"}})"));
    ASSERT_EQ(f.result.answer, QueryResult::Answer::satisfiable);
    const auto& r = f.result.witness->request;
    EXPECT_EQ(f.outcome.verdict, policy::Verdict::Allow);
    ASSERT_TRUE(r.principal);
    const std::string arn = context_value(r, "aws:PrincipalArn");
    EXPECT_TRUE(arn.starts_with("arn:aws:iam::4444")) << arn;
    EXPECT_EQ(arn.find(":role/ops/"), std::string("arn:aws:iam::444400000000").size()) << arn;
    EXPECT_EQ(r.principal->account(), arn.substr(13, 12));
    EXPECT_EQ(context_value(r, "aws:PrincipalAccount"), r.principal->account());  // set, though the policies do not read it
    for (char c : r.principal->account()) EXPECT_TRUE(c >= '0' && c <= '9') << r.principal->account();
    auto session = policy::detail::assumed_role_of(r.principal->id);
    ASSERT_TRUE(session) << r.principal->id;
    EXPECT_EQ(session->second, verify::detail::last_segment(arn));
}

TEST(CallerSpace, PrincipalConditionsNamingAThirdAccountAreFound) {
    // Several operators and forms, each admitting some caller outside the owner's account.
    for (const char* condition : {
             R"({"StringEquals":{"aws:PrincipalArn":["arn:aws:iam::111111111111:role/r","arn:aws:iam::333333333333:role/x"]}})",
             R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deployer"}})",
             R"({"ForAnyValue:StringLike":{"aws:PrincipalArn":["arn:aws:iam::111111111111:*","arn:aws:sts::*"]}})",
             R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::333333333333:user/alice"}})",
             R"({"StringEquals":{"aws:PrincipalAccount":["111111111111","444444444444"]}})",
             R"({"StringLike":{"aws:PrincipalAccount":"1111*"}})",
             R"({"StringEqualsIgnoreCase":{"aws:PrincipalArn":"ARN:AWS:IAM::555555555555:ROOT"}})",
             R"({"ArnLikeIfExists":{"aws:PrincipalArn":"arn:aws:iam::111111111111:*"}})",
             R"({"Null":{"aws:PrincipalArn":"true"}})",
         }) {
        auto f = outsider_reads(secret_policy(R"("*")", condition));
        ASSERT_EQ(f.result.answer, QueryResult::Answer::satisfiable) << condition;
        EXPECT_EQ(f.outcome.verdict, policy::Verdict::Allow) << condition;
        const auto& r = f.result.witness->request;
        if (r.principal && r.principal->type == policy::PrincipalType::AWS) {
            EXPECT_NE(r.principal->account(), kOwner) << condition;
            const std::string account = context_value(r, "aws:PrincipalAccount");
            if (account != "<absent>") {
                EXPECT_EQ(account, r.principal->account()) << condition;
            }
            const std::string arn = context_value(r, "aws:PrincipalArn");
            if (arn != "<absent>") {
                EXPECT_EQ(verify::detail::account_of_arn(arn), r.principal->account()) << condition;
            }
        }
    }
}

TEST(CallerSpace, ConditionsAwsNeverMeetsAdmitNoOne) {
    for (const char* condition : {
             // aws:PrincipalArn of a session is the role's ARN: a session ARN never matches.
             R"({"StringLike":{"aws:PrincipalArn":"arn:aws:sts::*:assumed-role/*"}})",
             // An account id is twelve digits.
             R"({"StringLike":{"aws:PrincipalAccount":["4444","44444444444x*","*:*"]}})",
             // Only the owner's principals.
             R"({"StringEquals":{"aws:PrincipalAccount":"111111111111"}})",
             R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:*"}})",
         }) {
        auto f = outsider_reads(secret_policy(R"("*")", condition));
        EXPECT_EQ(f.result.answer, QueryResult::Answer::unsatisfiable) << condition << " " << verify::PolicyQuery::describe(f.result.witness ? f.result.witness->request : policy::Request{});
    }
    // A service principal's account is AWS's, not the customer's.
    auto f = outsider_reads(secret_policy(R"({"Service":"lambda.amazonaws.com"})", R"({"StringEquals":{"aws:PrincipalAccount":"111111111111"}})"));
    EXPECT_EQ(f.result.answer, QueryResult::Answer::unsatisfiable);
}

TEST(CallerSpace, PrincipalElementFormsSelectTheirCallers) {
    struct Case {
        const char* principal;
        CallerKind kind;
        const char* expect_principal;  // empty: any of the kind
    };
    for (const Case& c : {
             Case{R"({"AWS":"arn:aws:iam::444455556666:role/path/reader"})", CallerKind::role_session, ""},
             Case{R"({"AWS":"arn:aws:sts::444455556666:assumed-role/reader/build-42"})", CallerKind::role_session,
                  "arn:aws:sts::444455556666:assumed-role/reader/build-42"},
             Case{R"({"AWS":"arn:aws:iam::444455556666:user/alice"})", CallerKind::user, "arn:aws:iam::444455556666:user/alice"},
             Case{R"({"Service":"events.amazonaws.com"})", CallerKind::service, "events.amazonaws.com"},
             Case{R"({"AWS":"444455556666"})", CallerKind::role_session, ""},
             Case{R"("*")", CallerKind::anonymous, ""},
         }) {
        auto f = outsider_reads(secret_policy(c.principal), CallerSpace::only(c.kind));
        ASSERT_EQ(f.result.answer, QueryResult::Answer::satisfiable) << c.principal;
        EXPECT_EQ(f.outcome.verdict, policy::Verdict::Allow) << c.principal;
        EXPECT_EQ(f.result.witness->kind, c.kind) << c.principal;
        const auto& r = f.result.witness->request;
        if (*c.expect_principal) {
            ASSERT_TRUE(r.principal);
            EXPECT_EQ(r.principal->id, c.expect_principal);
        }
        if (std::string(c.principal).find("role/path/reader") != std::string::npos) {
            EXPECT_TRUE(r.principal->id.starts_with("arn:aws:sts::444455556666:assumed-role/reader/")) << r.principal->id;
        }
    }
    // A role ARN in Principal selects the sessions of that role, not a user of that name.
    auto f = outsider_reads(secret_policy(R"({"AWS":"arn:aws:iam::444455556666:role/reader"})"), CallerSpace::only(CallerKind::user));
    EXPECT_EQ(f.result.answer, QueryResult::Answer::unsatisfiable);
}

TEST(CallerSpace, DenyByNotPrincipalOrConditionLeavesOnlyItsExceptions) {
    // Allow everyone; Deny all but account 444455556666 (NotPrincipal) / but its roles (condition).
    for (const char* deny : {
             R"({"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"*","Resource":"*"})",
             R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/*"}}})",
         }) {
        auto p = policy::parse_text(
            std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)") + deny + "]}");
        auto f = outsider_reads(p);
        ASSERT_EQ(f.result.answer, QueryResult::Answer::satisfiable) << deny;
        EXPECT_EQ(f.outcome.verdict, policy::Verdict::Allow);
        ASSERT_TRUE(f.result.witness->request.principal) << deny;
        EXPECT_EQ(f.result.witness->request.principal->account(), "444455556666") << deny;
    }
}

TEST(CallerSpace, SpecialisingToTheCallerKeepsOnlyPrincipalParts) {
    auto p = policy::parse_text(R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",
         "Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-central-1.amazonaws.com"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::2*"}}},
        {"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-central-1.amazonaws.com"}}},
        {"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"}]})");
    policy::Request r;
    r.action = "kms:Decrypt";
    r.resource = "arn:aws:kms:eu-central-1:111111111111:key/k";
    r.context.set("kms:ViaService", "secretsmanager.eu-central-1.amazonaws.com");
    auto s = verify::specialise_to_caller(p, r);
    ASSERT_EQ(s.statements.size(), 1u);
    ASSERT_EQ(s.statements[0].conditions.size(), 1u);
    EXPECT_EQ(s.statements[0].conditions[0].key_lower, "aws:principalarn");
    // A property of the principal the model does not give: not decided.
    auto org = policy::parse_text(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]})");
    EXPECT_THROW(verify::specialise_to_caller(org, r), verify::Unsupported);
}

}  // namespace caller_space_test
