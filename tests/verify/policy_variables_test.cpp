// Policy variables in the symbolic encoding (policy_query.hpp, with_variables): decided where the
// query fixes the variable's value or the compared string, agreeing with the concrete evaluator on
// defaults, escapes, case folding and "no value"; UNDECIDED with the variable named otherwise.
#include <xc/verify/policy_query.hpp>

#include <gtest/gtest.h>

#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace policy_variables_test {

namespace {

using namespace xc;
using verify::CallerKind;
using verify::CallerSpace;
using verify::QueryResult;

constexpr const char* kAccount = "111122223333";
const std::string kApi = std::string("arn:aws:execute-api:us-east-1:") + kAccount + ":abc123/";

policy::Policy allow(const std::string& resource, const std::string& condition = "", const std::string& extra = "") {
    std::string st = R"({"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":")" + resource + "\"";
    if (!condition.empty()) st += R"(,"Condition":)" + condition;
    return policy::parse_text(R"({"Version":"2012-10-17","Statement":[)" + st + "}" + extra + "]}");
}

struct Query {
    std::string resource = kApi + "prod/GET/pets";
    CallerKind kind = CallerKind::anonymous;
    std::string caller_arn;  // fixed when set
};

// "Is there a request for `q.resource` that `p` allows?" Every witness is re-decided concretely.
QueryResult ask(const policy::Policy& p, const Query& q) {
    static z3::context ctx;
    verify::PolicyQuery query(ctx);
    query.declare(p);
    query.set_callers(CallerSpace::only(q.kind));
    if (!q.caller_arn.empty()) query.caller_arn().fix(q.caller_arn);
    if (q.kind == CallerKind::role_session) query.caller_session().fix("s1");
    query.fix_resource(q.resource);
    query.set_resource_account(kAccount);
    // The caller's own policies allow everything (a caller of another account needs them to).
    static const policy::Policy everything =
        policy::parse_text(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
    verify::Decision d{&p, {&everything}, false, kAccount};
    auto concrete = [&](const policy::Request& r) {
        return policy::decide(policy::PolicySet{{&everything}, &p}, r).verdict == policy::Verdict::Allow;
    };
    return query.solve(query.allowed(d), 10000, concrete);
}

std::string value_of(const QueryResult& r, const std::string& key) {
    const auto* v = r.witness->request.context.find(key);
    return v && v->values.size() == 1 ? v->values.front() : std::string("<absent>");
}

std::string unsupported(const policy::Policy& p, const Query& q) {
    try {
        ask(p, q);
    } catch (const verify::Unsupported& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(VerifyPolicyVariables, ResourceVariableMatchesTheFixedResourceExactly) {
    auto p = allow(kApi + "*/*/${aws:username}");
    Query q;
    q.resource = kApi + "prod/GET/Pets";
    auto r = ask(p, q);
    ASSERT_EQ(r.answer, QueryResult::Answer::satisfiable);
    EXPECT_EQ(value_of(r, "aws:username"), "Pets");  // case-sensitive: only this value
    // The only value that makes the statement apply is ruled out: no request is allowed.
    EXPECT_EQ(ask(allow(kApi + "*/*/${aws:username}", R"({"StringNotEquals":{"aws:username":"Pets"}})"), q).answer,
              QueryResult::Answer::unsatisfiable);
    EXPECT_EQ(ask(allow(kApi + "*/*/${aws:username}", R"({"StringNotEqualsIgnoreCase":{"aws:username":"PETS"}})"), q).answer,
              QueryResult::Answer::unsatisfiable);
    // A Deny with the same variable leaves every other value allowed.
    auto deny = allow("*", "", R"(,{"Effect":"Deny","Principal":"*","Action":"*","Resource":")" + kApi + "*/*/${aws:username}\"}");
    auto d = ask(deny, q);
    ASSERT_EQ(d.answer, QueryResult::Answer::satisfiable);
    EXPECT_NE(value_of(d, "aws:username"), "Pets");
}

TEST(VerifyPolicyVariables, DefaultAppliesWhenTheKeyIsMissing) {
    auto p = allow(kApi + "*/*/${aws:SourceVpce, 'admin'}");
    Query q;
    q.resource = kApi + "prod/GET/admin";
    ASSERT_EQ(ask(p, q).answer, QueryResult::Answer::satisfiable);
    // Present, the key must itself be "admin"; absent, the default is: both ruled out, nothing applies.
    EXPECT_EQ(ask(allow(kApi + "*/*/${aws:SourceVpce, 'admin'}", R"({"Null":{"aws:SourceVpce":"false"},"StringNotEquals":{"aws:SourceVpce":"admin"}})"), q).answer,
              QueryResult::Answer::unsatisfiable);
    auto absent = ask(allow(kApi + "*/*/${aws:SourceVpce, 'admin'}", R"({"StringNotEquals":{"aws:SourceVpce":"admin"}})"), q);
    ASSERT_EQ(absent.answer, QueryResult::Answer::satisfiable);
    EXPECT_EQ(value_of(absent, "aws:SourceVpce"), "<absent>");
    // Without a default, a missing key matches nothing.
    EXPECT_EQ(ask(allow(kApi + "*/*/${aws:SourceVpce}", R"({"Null":{"aws:SourceVpce":"true"}})"), q).answer,
              QueryResult::Answer::unsatisfiable);
}

TEST(VerifyPolicyVariables, EscapesAreLiteral) {
    auto r = ask(allow("*", R"({"StringLike":{"aws:username":"a${*}${?}${$}"}})"), Query{});
    ASSERT_EQ(r.answer, QueryResult::Answer::satisfiable);
    EXPECT_EQ(value_of(r, "aws:username"), "a*?$");
}

TEST(VerifyPolicyVariables, CallerKeysOfAFixedCallerAreSubstituted) {
    Query alice{kApi + "prod/GET/pets", CallerKind::user, "arn:aws:iam::444455556666:user/Alice"};
    // The caller's ARN is fixed, aws:username ranges: its candidates come from the ARN.
    auto p = allow("*", R"({"StringEqualsIgnoreCase":{"aws:PrincipalArn":"arn:aws:iam::444455556666:user/${aws:username}"}})");
    auto r = ask(p, alice);
    ASSERT_EQ(r.answer, QueryResult::Answer::satisfiable);
    EXPECT_TRUE(policy::iequals(value_of(r, "aws:username"), "alice"));
    // StringEquals takes '*' literally; StringLike does not fold case.
    EXPECT_EQ(ask(allow("*", R"({"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::*:user/${aws:username}"}})"), alice).answer,
              QueryResult::Answer::unsatisfiable);
    EXPECT_EQ(ask(allow("*", R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/${aws:username}","aws:username":"ALICE"}})"), alice).answer,
              QueryResult::Answer::unsatisfiable);
    EXPECT_EQ(ask(allow("*", R"({"StringEqualsIgnoreCase":{"aws:PrincipalArn":"arn:aws:iam::444455556666:user/${aws:username}"},"StringEquals":{"aws:username":"ALICE"}})"), alice).answer,
              QueryResult::Answer::satisfiable);
    // aws:PrincipalAccount of the fixed caller, compared with a ranging key.
    auto account = ask(allow("*", R"({"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}})"), alice);
    ASSERT_EQ(account.answer, QueryResult::Answer::satisfiable);
    EXPECT_EQ(value_of(account, "aws:SourceAccount"), "444455556666");
    // An anonymous caller has no aws:PrincipalArn: the value has none, and the negated test fails too.
    EXPECT_EQ(ask(allow("*", R"({"Null":{"aws:SourceAccount":"false"},"StringNotEquals":{"aws:SourceAccount":"${aws:PrincipalArn}"}})"), Query{}).answer,
              QueryResult::Answer::unsatisfiable);
    EXPECT_EQ(ask(allow("*", R"({"Null":{"aws:SourceAccount":"false"},"StringNotEquals":{"aws:SourceAccount":"${aws:PrincipalArn, 'x'}"}})"), Query{}).answer,
              QueryResult::Answer::satisfiable);
}

TEST(VerifyPolicyVariables, WhatIsNotEncodedIsUndecidedNamingTheVariable) {
    // Both the compared key and the variable's key range.
    EXPECT_NE(unsupported(allow("*", R"({"StringEquals":{"aws:userid":"AROA*:${aws:username}"}})"), Query{}).find("'${aws:username}'"),
              std::string::npos);
    // An Arn value whose shape depends on the ranging variable, read by a negated operator.
    Query role{kApi + "prod/GET/pets", CallerKind::role_session, "arn:aws:iam::444455556666:role/caller"};
    auto arn = unsupported(allow("*", R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:SourceAccount}:role/*"}})"), role);
    EXPECT_NE(arn.find("'${aws:sourceaccount}'"), std::string::npos) << arn;
    EXPECT_NE(arn.find("well-formed ARN"), std::string::npos) << arn;
    // The same value under ArnLike is decided: the account must be the caller's.
    auto like = ask(allow("*", R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:SourceAccount}:role/*"}})"), role);
    ASSERT_EQ(like.answer, QueryResult::Answer::satisfiable);
    EXPECT_EQ(value_of(like, "aws:SourceAccount"), "444455556666");
}

}  // namespace policy_variables_test
