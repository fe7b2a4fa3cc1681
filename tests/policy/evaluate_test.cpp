// Matching primitives and the evaluator, including the hand-written table of tricky cases.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "xc/policy/policy.hpp"

// Its own namespace: the area's test files are compiled as one translation unit.
namespace evaluate_test {

using nlohmann::json;
using namespace xc::policy;

namespace {

constexpr const char* kApiArn = "arn:aws:execute-api:us-east-1:111122223333:abc123/prod/GET/pets";
const ExecuteApiTarget kApi{"aws", "us-east-1", "111122223333", "abc123"};

Request request(std::string principal_arn = "arn:aws:iam::111122223333:role/caller") {
    Request r;
    if (!principal_arn.empty()) r.principal = RequestPrincipal{PrincipalType::AWS, principal_arn};
    r.action = "execute-api:Invoke";
    r.resource = kApiArn;
    r.resource_account = "111122223333";
    return r;
}

Request anonymous() { return request(""); }

Policy policy(const std::string& statements_json) {
    return attach_to_api(parse(json::parse(R"({"Version":"2012-10-17","Statement":)" + statements_json + "}")), kApi);
}

// One statement Allow-* with the given Condition, as a resource policy.
Policy allow_if(const std::string& condition_json) {
    return policy(R"([{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":)" +
                  condition_json + "}]");
}

bool allowed(const Policy& p, const Request& r) { return decide(p, r).verdict == Verdict::Allow; }

}  // namespace

// ---- glob ------------------------------------------------------------------------------------------

TEST(PolicyGlob, StarAndQuestionMark) {
    EXPECT_TRUE(wildcard_match("a*c", "abbbc"));
    EXPECT_TRUE(wildcard_match("a*c", "ac"));
    EXPECT_FALSE(wildcard_match("a?c", "ac"));
    EXPECT_TRUE(wildcard_match("a?c", "abc"));
    EXPECT_FALSE(wildcard_match("a?c", "abbc"));
    EXPECT_TRUE(wildcard_match("*", ""));
    EXPECT_TRUE(wildcard_match("*a*b*", "xxaxxbxx"));
    EXPECT_FALSE(wildcard_match("*a*b", "xxbxxa"));
    EXPECT_FALSE(wildcard_match("ABC", "abc"));
    EXPECT_TRUE(wildcard_match("A?C", "abc", CaseMode::Insensitive));
    EXPECT_TRUE(glob_match(GlobPattern::literal("a*"), "a*"));
    EXPECT_FALSE(glob_match(GlobPattern::literal("a*"), "ab"));
}

// ---- IP, numbers, dates ---------------------------------------------------------------------------

TEST(PolicyScalars, Ipv4AndIpv6Cidrs) {
    auto v4 = parse_cidr("10.1.0.0/16");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(cidr_contains(*v4, *parse_ip_address("10.1.255.3")));
    EXPECT_FALSE(cidr_contains(*v4, *parse_ip_address("10.2.0.1")));
    auto v6 = parse_cidr("2001:db8:abcd::/48");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(cidr_contains(*v6, *parse_ip_address("2001:db8:abcd:12::1")));
    EXPECT_FALSE(cidr_contains(*v6, *parse_ip_address("2001:db8:abce::1")));
    EXPECT_FALSE(cidr_contains(*v6, *parse_ip_address("10.1.0.1")));  // families never mix
    EXPECT_TRUE(cidr_contains(*parse_cidr("::/0"), *parse_ip_address("::1")));
    EXPECT_TRUE(cidr_contains(*parse_cidr("0.0.0.0/0"), *parse_ip_address("203.0.113.9")));
    EXPECT_TRUE(cidr_contains(*parse_cidr("2001:db8::1"), *parse_ip_address("2001:0db8:0:0:0:0:0:1")));
    EXPECT_TRUE(cidr_contains(*parse_cidr("2001:db8::8000:0/97"), *parse_ip_address("2001:db8::ffff:1")));
    EXPECT_FALSE(cidr_contains(*parse_cidr("2001:db8::8000:0/97"), *parse_ip_address("2001:db8::7fff:1")));
    for (const char* bad : {"10.0.0.256", "10.0.0", "10.0.0.0/33", "01.0.0.0", "1::2::3", "2001:db8::/129",
                            "12345::", ":1:2", "1:2:3:4:5:6:7:8:9", ""})
        EXPECT_FALSE(parse_cidr(bad)) << bad;
}

TEST(PolicyScalars, NumbersAndDates) {
    EXPECT_EQ(parse_number("-1.5"), -1.5);
    EXPECT_FALSE(parse_number("1e3"));
    EXPECT_FALSE(parse_number("1."));
    EXPECT_EQ(parse_date("1970-01-02"), 86'400'000);
    EXPECT_EQ(parse_date("86400"), 86'400'000);  // epoch seconds
    EXPECT_EQ(parse_date("2024-01-31T12:00:00Z"), parse_date("2024-01-31T14:00:00+02:00"));
    EXPECT_EQ(*parse_date("2024-01-31T12:00:00.250Z") - *parse_date("2024-01-31T12:00:00Z"), 250);
    EXPECT_FALSE(parse_date("2023-02-29"));
    EXPECT_TRUE(parse_date("2024-02-29"));
    EXPECT_FALSE(parse_date("yesterday"));
}

// ---- ARNs and API Gateway ---------------------------------------------------------------------

TEST(PolicyArn, SegmentWiseMatching) {
    auto p = compile_arn_pattern("arn:aws:execute-api:*:111122223333:abc123/*/GET/*");
    ASSERT_TRUE(p);
    EXPECT_TRUE(arn_matches(*p, kApiArn));
    EXPECT_FALSE(arn_matches(*p, "arn:aws:execute-api:us-east-1:111122223333:abc123/prod/POST/pets"));
    // '*' in the region segment does not reach into the account segment.
    EXPECT_FALSE(arn_matches(*compile_arn_pattern("arn:aws:execute-api:*:abc123/*"), kApiArn));
    // A short ARN ending in '*' covers the rest.
    EXPECT_TRUE(arn_matches(*compile_arn_pattern("arn:aws:execute-api:*"), kApiArn));
    EXPECT_FALSE(compile_arn_pattern("arn:aws:execute-api:us-east-1"));
    // Case-sensitive.
    EXPECT_FALSE(arn_matches(*compile_arn_pattern("arn:aws:execute-api:us-east-1:111122223333:abc123/prod/get/pets"),
                             kApiArn));
    // '?' is exactly one character.
    EXPECT_TRUE(arn_matches(*compile_arn_pattern("arn:aws:execute-api:us-east-?:111122223333:abc12?/*"), kApiArn));
}

TEST(PolicyArn, ExecuteApiArnAndShorthand) {
    auto a = parse_execute_api_arn("arn:aws:execute-api:eu-west-1:111122223333:a1b2/prod/POST/orders/42/items");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->api_id, "a1b2");
    EXPECT_EQ(a->stage, "prod");
    EXPECT_EQ(a->method, "POST");
    EXPECT_EQ(a->path, "orders/42/items");
    EXPECT_EQ(a->to_string(), "arn:aws:execute-api:eu-west-1:111122223333:a1b2/prod/POST/orders/42/items");
    EXPECT_FALSE(parse_execute_api_arn("arn:aws:lambda:eu-west-1:111122223333:function:f"));
    EXPECT_EQ(expand_execute_api_shorthand("execute-api:/prod/GET/pets", kApi), kApiArn);
}

TEST(PolicyArn, ShorthandResourceMatchesOnlyTheApiItIsAttachedTo) {
    const std::string st = R"([{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/*/pets"}])";
    Policy attached = policy(st);
    EXPECT_TRUE(allowed(attached, anonymous()));
    Request other_api = anonymous();
    other_api.resource = "arn:aws:execute-api:us-east-1:111122223333:zzz999/prod/GET/pets";
    EXPECT_FALSE(allowed(attached, other_api));
    // Not attached: the shorthand is not an ARN and matches nothing.
    Policy unattached = parse(json::parse(R"({"Version":"2012-10-17","Statement":)" + st + "}"));
    EXPECT_FALSE(allowed(unattached, anonymous()));
}

// ---- tricky cases --------------------------------------------------------------------------------

TEST(PolicyTricky, ActionsMatchCaseInsensitively) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":"*","Action":"EXECUTE-API:invoke","Resource":"*"}])");
    EXPECT_TRUE(allowed(p, anonymous()));
    Request r = anonymous();
    r.action = "execute-api:InvalidateCache";
    EXPECT_FALSE(allowed(p, r));
}

TEST(PolicyTricky, QuestionMarkInActionIsOneCharacter) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":"*","Action":"execute-api:Invok?","Resource":"*"}])");
    EXPECT_TRUE(allowed(p, anonymous()));
    Policy q = policy(R"([{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke?","Resource":"*"}])");
    EXPECT_FALSE(allowed(q, anonymous()));
}

TEST(PolicyTricky, NotActionAppliesToEveryOtherAction) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":"*","NotAction":"execute-api:Manage*","Resource":"*"}])");
    EXPECT_TRUE(allowed(p, anonymous()));
    Request r = anonymous();
    r.action = "execute-api:ManageConnections";
    EXPECT_FALSE(allowed(p, r));
}

TEST(PolicyTricky, NotResourceDenyDeniesEverythingOutsideTheList) {
    Policy p = policy(R"([
      {"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
      {"Sid":"OnlyPets","Effect":"Deny","Principal":"*","Action":"*","NotResource":"execute-api:/prod/*/pets"}])");
    EXPECT_TRUE(allowed(p, anonymous()));
    Request r = anonymous();
    r.resource = "arn:aws:execute-api:us-east-1:111122223333:abc123/prod/GET/admin";
    Outcome o = decide(p, r);
    EXPECT_EQ(o.verdict, Verdict::ExplicitDeny);
    ASSERT_EQ(o.deciding.size(), 1u);
    EXPECT_EQ(o.deciding[0].statement, 1u);
    EXPECT_EQ(o.deciding[0].sid, "OnlyPets");
}

TEST(PolicyTricky, StringNotEqualsOnAMissingKeyIsTrue) {
    Policy deny = policy(R"([
      {"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
      {"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}])");
    Request no_vpce = anonymous();
    EXPECT_EQ(decide(deny, no_vpce).verdict, Verdict::ExplicitDeny);  // public traffic is denied
    Request via_vpce = anonymous();
    via_vpce.context.set("aws:SourceVpce", "vpce-1");
    EXPECT_EQ(decide(deny, via_vpce).verdict, Verdict::Allow);
    Request other_vpce = anonymous();
    other_vpce.context.set("aws:SourceVpce", "vpce-2");
    EXPECT_EQ(decide(deny, other_vpce).verdict, Verdict::ExplicitDeny);
}

TEST(PolicyTricky, PositiveOperatorOnAMissingKeyIsFalseUnlessIfExists) {
    Request r = anonymous();
    EXPECT_FALSE(allowed(allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-1"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}})"), r));
    r.context.set("aws:SourceVpce", "vpce-2");
    EXPECT_FALSE(allowed(allow_if(R"({"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}})"), r));
}

TEST(PolicyTricky, ForAllValuesOnAMissingKeyIsTrueForAnyValueFalse) {
    Request r = anonymous();
    EXPECT_TRUE(allowed(allow_if(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}})"), r));
    r.context.set_multi("aws:TagKeys", {});  // present but empty
    EXPECT_TRUE(allowed(allow_if(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}})"), r));
    r.context.set_multi("aws:TagKeys", {"a", "c"});
    EXPECT_FALSE(allowed(allow_if(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}})"), r));
}

TEST(PolicyTricky, MultivaluedKeyWithoutSetQualifierDoesNotMatch) {
    Request r = anonymous();
    r.context.set_multi("aws:TagKeys", {"a"});
    EXPECT_FALSE(allowed(allow_if(R"({"StringEquals":{"aws:TagKeys":"a"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"StringNotEquals":{"aws:TagKeys":"b"}})"), r));
}

TEST(PolicyTricky, ConditionKeysAreCaseInsensitiveValuesAreNot) {
    Request r = anonymous();
    r.context.set("AWS:SOURCEVPCE", "vpce-1");
    EXPECT_TRUE(allowed(allow_if(R"({"StringEquals":{"aws:sourceVpce":"vpce-1"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"StringEquals":{"aws:SourceVpce":"VPCE-1"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"StringEqualsIgnoreCase":{"aws:SourceVpce":"VPCE-1"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"StringNotEqualsIgnoreCase":{"aws:SourceVpce":"VPCE-1"}})"), r));
}

TEST(PolicyTricky, ValuesAreOredKeysAndOperatorsAreAnded) {
    Request r = anonymous();
    r.context.set("aws:SourceVpce", "vpce-2").set("aws:SourceVpc", "vpc-9");
    EXPECT_TRUE(allowed(allow_if(R"({"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-2","aws:SourceVpc":"vpc-1"}})"), r));
    EXPECT_FALSE(allowed(
        allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-2"},"StringLike":{"aws:SourceVpc":"vpc-1*"}})"), r));
    EXPECT_TRUE(allowed(
        allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-2"},"StringLike":{"aws:SourceVpc":"vpc-?"}})"), r));
    // Negated operators: none of the values may match.
    EXPECT_FALSE(allowed(allow_if(R"({"StringNotEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"StringNotLike":{"aws:SourceVpce":["vpce-1","x*"]}})"), r));
}

TEST(PolicyTricky, StringEqualsTreatsStarLiterally) {
    Request r = anonymous();
    r.context.set("aws:SourceVpce", "vpce-1");
    EXPECT_FALSE(allowed(allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-*"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"StringLike":{"aws:SourceVpce":"vpce-*"}})"), r));
}

TEST(PolicyTricky, IpAddressWithIpv6Cidr) {
    Request r = anonymous();
    r.context.set("aws:SourceIp", "2001:db8:1234::42");
    EXPECT_TRUE(allowed(allow_if(R"({"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8:1234::/48"]}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"IpAddress":{"aws:SourceIp":"2001:db8:1235::/48"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8:1235::/48"]}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}})"), r));
    r.context.set("aws:SourceIp", "not-an-ip");
    EXPECT_FALSE(allowed(allow_if(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), r));
}

TEST(PolicyTricky, NumericDateBoolBinaryAndNull) {
    Request r = anonymous();
    r.context.set("aws:MultiFactorAuthAge", "300")
        .set("aws:CurrentTime", "2024-06-01T00:00:00Z")
        .set("aws:SecureTransport", "TRUE")
        .set("aws:SourceVpce", "vpce-1");
    EXPECT_TRUE(allowed(allow_if(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"NumericGreaterThan":{"aws:MultiFactorAuthAge":300}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":300.0}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"DateGreaterThan":{"aws:CurrentTime":"2024-01-01"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"DateLessThan":{"aws:CurrentTime":"1717200001"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"Bool":{"aws:SecureTransport":"true"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"Bool":{"aws:SecureTransport":false}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"Null":{"aws:SourceVpc":"true","aws:SourceVpce":"false"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"Null":{"aws:SourceVpce":"true"}})"), r));
    r.context.set("s3:x-amz-server-side-encryption-customer-key-MD5", "QUJD");
    EXPECT_TRUE(allowed(allow_if(R"({"BinaryEquals":{"s3:x-amz-server-side-encryption-customer-key-MD5":"QUJD"}})"), r));
    // A request value the family cannot read satisfies neither the operator nor its negation.
    r.context.set("aws:MultiFactorAuthAge", "soon");
    EXPECT_FALSE(allowed(allow_if(R"({"NumericEquals":{"aws:MultiFactorAuthAge":1}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"NumericNotEquals":{"aws:MultiFactorAuthAge":1}})"), r));
}

TEST(PolicyTricky, ArnOperatorsMatchPerSegment) {
    Request r = anonymous();
    r.context.set("aws:SourceArn", "arn:aws:lambda:us-east-1:111122223333:function:orders:live");
    EXPECT_TRUE(allowed(allow_if(R"({"ArnLike":{"aws:SourceArn":"arn:aws:lambda:*:111122223333:function:orders*"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:lambda:us-east-1:*:function:*"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"ArnLike":{"aws:SourceArn":"arn:aws:lambda:*:444455556666:*"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:lambda:*:444455556666:*"}})"), r));
    r.context.set("aws:SourceArn", "not-an-arn");
    EXPECT_FALSE(allowed(allow_if(R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:lambda:*:444455556666:*"}})"), r));
}

TEST(PolicyTricky, PolicyVariablesResolveFromTheContext) {
    Request r = anonymous();
    r.context.set("aws:username", "alice").set("aws:SourceVpce", "vpce-alice");
    EXPECT_TRUE(allowed(allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-${aws:username}"}})"), r));
    // Substituted text is literal: a '*' in the value is not a wildcard.
    r.context.set("aws:username", "*");
    EXPECT_FALSE(allowed(allow_if(R"({"StringLike":{"aws:SourceVpce":"vpce-${aws:username}"}})"), r));
    // Missing key: the value matches nothing, and is not "different" either.
    r.context.erase("aws:username");
    EXPECT_FALSE(allowed(allow_if(R"({"StringLike":{"aws:SourceVpce":"vpce-${aws:username}"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"StringNotEquals":{"aws:SourceVpce":"vpce-${aws:username}"}})"), r));
    // ... unless a default is given.
    r.context.set("aws:SourceVpce", "vpce-nobody");
    EXPECT_TRUE(allowed(allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-${aws:username, 'nobody'}"}})"), r));
    // ${*} is a literal star.
    r.context.set("aws:SourceVpce", "vpce-*");
    EXPECT_TRUE(allowed(allow_if(R"({"StringLike":{"aws:SourceVpce":"vpce-${*}"}})"), r));
    r.context.set("aws:SourceVpce", "vpce-x");
    EXPECT_FALSE(allowed(allow_if(R"({"StringLike":{"aws:SourceVpce":"vpce-${*}"}})"), r));
}

TEST(PolicyTricky, PolicyVariablesInResources) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:execute-api:*:*:abc123/${aws:PrincipalTag/stage}/*"}])");
    Request r = anonymous();
    EXPECT_FALSE(allowed(p, r));  // no value: matches no resource
    r.context.set("aws:PrincipalTag/stage", "prod");
    EXPECT_TRUE(allowed(p, r));
    r.context.set("aws:PrincipalTag/stage", "dev");
    EXPECT_FALSE(allowed(p, r));
}

TEST(PolicyTricky, Version2008TreatsVariablesAsText) {
    Policy p = attach_to_api(parse(json::parse(R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",
        "Condition":{"StringEquals":{"aws:SourceVpce":"${aws:username}"}}}]})")),
                             kApi);
    Request r = anonymous();
    r.context.set("aws:username", "alice").set("aws:SourceVpce", "alice");
    EXPECT_FALSE(allowed(p, r));
    r.context.set("aws:SourceVpce", "${aws:username}");
    EXPECT_TRUE(allowed(p, r));
}

// ---- principals and the decision ---------------------------------------------------------------

TEST(PolicyDecide, AnonymousCallersAreSelectedOnlyByStar) {
    Policy star = policy(R"([{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}])");
    Policy account = policy(R"([{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}])");
    EXPECT_TRUE(allowed(star, anonymous()));
    EXPECT_FALSE(allowed(account, anonymous()));
}

TEST(PolicyDecide, RoleArnSelectsItsSessions) {
    Policy p = policy(R"([{"Sid":"Caller","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/team/caller"},"Action":"*","Resource":"*"}])");
    Request session = request("arn:aws:sts::444455556666:assumed-role/caller/alice");
    Outcome alone = evaluate_resource_policy(p, session);
    EXPECT_EQ(alone.verdict, Verdict::Allow);
    EXPECT_FALSE(alone.account_level);
    Request other = request("arn:aws:sts::444455556666:assumed-role/other/alice");
    EXPECT_EQ(evaluate_resource_policy(p, other).verdict, Verdict::ImplicitDeny);
    // The role's name whole, in the role's account: not a name it ends with, not another account's role of that name.
    EXPECT_EQ(evaluate_resource_policy(p, request("arn:aws:sts::444455556666:assumed-role/aller/alice")).verdict, Verdict::ImplicitDeny);
    EXPECT_EQ(evaluate_resource_policy(p, request("arn:aws:sts::111122223333:assumed-role/caller/alice")).verdict, Verdict::ImplicitDeny);
    Policy suffix = policy(R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/xcaller"},"Action":"*","Resource":"*"}])");
    EXPECT_EQ(evaluate_resource_policy(suffix, session).verdict, Verdict::ImplicitDeny);
}

TEST(PolicyDecide, CrossAccountNeedsBothIdentityAndResourceAllow) {
    Policy resource = policy(R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"*","Resource":"*"}])");
    Policy identity = parse(json::parse(
        R"({"Version":"2012-10-17","Statement":{"Sid":"Id","Effect":"Allow","Action":"execute-api:*","Resource":"arn:aws:execute-api:*:*:abc123/*"}})"));
    Request caller = request("arn:aws:iam::444455556666:role/caller");
    Outcome alone = evaluate_resource_policy(resource, caller);
    EXPECT_EQ(alone.verdict, Verdict::Allow);
    EXPECT_TRUE(alone.account_level);  // delegates to the caller account's IAM policies
    EXPECT_EQ(decide(PolicySet{{}, &resource}, caller).verdict, Verdict::ImplicitDeny);
    EXPECT_EQ(decide(PolicySet{{&identity}, nullptr}, caller).verdict, Verdict::ImplicitDeny);
    Outcome both = decide(PolicySet{{&identity}, &resource}, caller);
    EXPECT_EQ(both.verdict, Verdict::Allow);
    ASSERT_EQ(both.deciding.size(), 2u);
    EXPECT_EQ(both.deciding[0].kind, PolicyKind::Identity);
    EXPECT_EQ(both.deciding[0].sid, "Id");
    EXPECT_EQ(both.deciding[1].kind, PolicyKind::Resource);
    EXPECT_EQ(both.deciding[1].principal, PrincipalMatch::Account);
}

TEST(PolicyDecide, SameAccountEitherPolicySuffices) {
    Policy identity = parse(json::parse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})"));
    Policy direct = policy(R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/caller"},"Action":"*","Resource":"*"}])");
    Policy account = policy(R"([{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}])");
    Request caller = request("arn:aws:iam::111122223333:role/caller");
    EXPECT_EQ(decide(PolicySet{{&identity}, nullptr}, caller).verdict, Verdict::Allow);
    EXPECT_EQ(decide(PolicySet{{}, &direct}, caller).verdict, Verdict::Allow);
    // Naming only the account delegates to identity policies, which say nothing here.
    EXPECT_EQ(decide(PolicySet{{}, &account}, caller).verdict, Verdict::ImplicitDeny);
    EXPECT_EQ(decide(PolicySet{{&identity}, &account}, caller).verdict, Verdict::Allow);
}

TEST(PolicyDecide, AnyExplicitDenyWinsAndIsReported) {
    Policy identity = parse(json::parse(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoInvoke","Effect":"Deny","Action":"execute-api:Invoke","Resource":"*"}]})"));
    Policy resource = policy(R"([{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}])");
    Outcome o = decide(PolicySet{{&identity}, &resource}, request());
    EXPECT_EQ(o.verdict, Verdict::ExplicitDeny);
    ASSERT_EQ(o.deciding.size(), 1u);
    EXPECT_EQ(o.deciding[0].sid, "NoInvoke");
    EXPECT_EQ(o.deciding[0].statement, 1u);
    // A deny naming the caller's account denies every principal in it.
    Policy deny_account = policy(R"([{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}])");
    Outcome alone = evaluate_resource_policy(deny_account, request());
    EXPECT_EQ(alone.verdict, Verdict::ExplicitDeny);
    EXPECT_TRUE(alone.account_level);
    EXPECT_EQ(decide(deny_account, request()).verdict, Verdict::ExplicitDeny);
}

TEST(PolicyDecide, NotPrincipalSelectsEveryoneElse) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/caller"},"Action":"*","Resource":"*"}])");
    EXPECT_EQ(decide(p, request()).verdict, Verdict::Allow);
    EXPECT_EQ(decide(p, request("arn:aws:iam::111122223333:role/other")).verdict, Verdict::ExplicitDeny);
    EXPECT_EQ(decide(p, anonymous()).verdict, Verdict::ExplicitDeny);
}

TEST(PolicyDecide, ServicePrincipalsNeedTheResourcePolicy) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"*","Resource":"*"}])");
    Request r = request();
    r.principal = RequestPrincipal{PrincipalType::Service, "lambda.amazonaws.com"};
    EXPECT_EQ(decide(p, r).verdict, Verdict::Allow);
    r.principal->id = "events.amazonaws.com";
    EXPECT_EQ(decide(p, r).verdict, Verdict::ImplicitDeny);
}

TEST(PolicyDecide, ResourcePolicyStatementWithoutPrincipalSelectsNobody) {
    Policy p = policy(R"([{"Effect":"Allow","Action":"*","Resource":"*"}])");
    EXPECT_EQ(evaluate_resource_policy(p, request()).verdict, Verdict::ImplicitDeny);
}

// ---- exception list: where iam-simulate 0.1.173 departs from AWS documentation ----------------------
// These cases are excluded from the differential comparison by name (differential_test.cpp,
// known_simulator_deviation); here they pin the documented behaviour.

// IAM User Guide, "IAM JSON policy elements: Condition operators", section "...IfExists
// condition operators": "If the key is not present, evaluate the condition element as true."
// iam-simulate returns false for ForAnyValue:...IfExists on a missing key.
TEST(PolicySimulatorDeviation, ForAnyValueIfExistsOnMissingKeyIsTrue) {
    EXPECT_TRUE(allowed(allow_if(R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}})"), anonymous()));
}

// IAM User Guide, "IAM JSON policy elements: Resource", "Using wildcards in resource ARNs":
// wildcards may be used in any segment except the service. iam-simulate treats the part of the
// resource before the first '/' (here the API id) as a literal "resource type" and never
// matches a wildcard there.
TEST(PolicySimulatorDeviation, WildcardInApiIdSegmentMatches) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:execute-api:us-east-1:111122223333:*/prod/GET/*"}])");
    EXPECT_TRUE(allowed(p, anonymous()));
}

// IAM User Guide, "Condition operators", "Date condition operators": values are ISO 8601 dates
// or epoch (UNIX) time; both denote the same instant. iam-simulate compares epoch values in
// seconds against ISO dates in milliseconds.
TEST(PolicySimulatorDeviation, EpochAndIsoDatesDenoteTheSameInstant) {
    Request r = anonymous();
    r.context.set("aws:CurrentTime", "2024-06-01T00:00:00Z");
    EXPECT_TRUE(allowed(allow_if(R"({"DateEquals":{"aws:CurrentTime":"1717200000"}})"), r));
}

// IAM User Guide, "Condition operators", "IP address condition operators": CIDR blocks per
// RFC 4632; 0.0.0.0/0 is every IPv4 address. iam-simulate reads it as the host 0.0.0.0.
TEST(PolicySimulatorDeviation, Ipv4ZeroPrefixContainsEveryAddress) {
    Request r = anonymous();
    r.context.set("aws:SourceIp", "10.1.2.3");
    EXPECT_TRUE(allowed(allow_if(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), r));
}

// IAM User Guide, "IAM policy elements: Variables and tags", "Policy variables with no value":
// the entry does not match, so NotResource excludes nothing and the statement applies.
// iam-simulate drops the statement instead (when the rest of the ARN matches).
TEST(PolicySimulatorDeviation, UnresolvedVariableInNotResourceExcludesNothing) {
    Policy p = policy(R"([{"Effect":"Allow","Principal":"*","Action":"*","NotResource":"arn:aws:execute-api:*:*:abc123/prod/GET/${aws:PrincipalTag/team}"}])");
    Request r = anonymous();
    EXPECT_TRUE(allowed(p, r));
    r.context.set("aws:PrincipalTag/team", "pets");  // now the entry matches the resource
    EXPECT_FALSE(allowed(p, r));
}

// IAM User Guide, "IP address condition operators": a bare address is a single host; an address
// of the other family is outside it. iam-simulate makes NotIpAddress false in that case.
TEST(PolicySimulatorDeviation, BareIpHostOfTheOtherFamilyIsNotContained) {
    Request r = anonymous();
    r.context.set("aws:SourceIp", "192.0.2.10");
    EXPECT_TRUE(allowed(allow_if(R"({"NotIpAddress":{"aws:SourceIp":"2001:db8::5"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"IpAddress":{"aws:SourceIp":"2001:db8::5"}})"), r));
}

// IAM User Guide, "IAM policy elements: Variables and tags": variables are replaced in Arn*
// condition values too; the value is then read as an ARN. iam-simulate splits the value at its
// colons before substituting, which cuts `${aws:PrincipalAccount}` (a key name with a colon) apart.
TEST(PolicySimulatorDeviation, VariableInArnOperatorValueIsSubstitutedFirst) {
    Request r = anonymous();
    r.context.set("aws:PrincipalArn", "arn:aws:iam::111122223333:role/caller");
    r.context.set("aws:PrincipalAccount", "111122223333");
    EXPECT_TRUE(allowed(allow_if(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}})"), r));
    r.context.erase("aws:PrincipalAccount");  // no value: neither matches nor differs
    EXPECT_FALSE(allowed(allow_if(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}})"), r));
}

TEST(PolicyTricky, ArnConditionValuesNeedSixComponents) {
    Request r = anonymous();
    r.context.set("aws:PrincipalArn", "arn:aws:iam::111122223333:role/caller");
    // "arn:aws:*" is a Resource shorthand, not an ARN for ArnLike: it matches nothing, and its
    // negation does not hold either.
    EXPECT_FALSE(allowed(allow_if(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:*"}})"), r));
    EXPECT_FALSE(allowed(allow_if(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:*"}})"), r));
    EXPECT_TRUE(allowed(allow_if(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:*:*:*:*"}})"), r));
}

// A query about some actions may drop the statements that admit none of them: kept are those whose
// Action matches one (wildcards, case-insensitively) or whose NotAction leaves one out.
TEST(PolicyStatementsForActions, KeepsExactlyTheStatementsThatCanApply) {
    auto p = parse(json::parse(R"({"Version":"2012-10-17","Statement":[
        {"Sid":"Decrypt","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"},
        {"Sid":"Admin","Effect":"Allow","Principal":"*","Action":"KMS:*","Resource":"*"},
        {"Sid":"AllButEncrypt","Effect":"Deny","Principal":"*","NotAction":"kms:Encrypt","Resource":"*"},
        {"Sid":"AllButBoth","Effect":"Deny","Principal":"*","NotAction":["kms:Encrypt","kms:PutKeyPolicy"],"Resource":"*"},
        {"Sid":"Put","Effect":"Allow","Principal":"*","Action":"kms:Put*","Resource":"*"}]})"));
    const std::vector<std::string> actions{"kms:Encrypt", "kms:PutKeyPolicy"};
    std::vector<std::string> kept;
    for (const auto& st : statements_for_actions(p, actions)) kept.push_back(*st.sid);
    EXPECT_EQ(kept, (std::vector<std::string>{"Admin", "AllButEncrypt", "Put"}));
    EXPECT_TRUE(statements_for_actions(p, std::vector<std::string>{}).empty());
}

// A long Principal list is matched through its account index (document.hpp): for every caller,
// the match must be the one a scan of every entry gives, for Principal and NotPrincipal. The
// lists mix account ids and roots, users, roles (with paths), sessions' ARNs, "*", service names
// and several entries of one account; the callers are users, roles' sessions, roots, services and
// anonymous, of accounts the lists name and do not.
TEST(PolicyPrincipal, AnIndexedListMatchesAsAScanOfEveryEntry) {
    const std::vector<std::string> accounts{"111111111111", "222222222222", "333333333333", "444444444444"};
    std::vector<std::optional<RequestPrincipal>> callers{std::nullopt,
                                                         RequestPrincipal{PrincipalType::Service, "lambda.amazonaws.com"},
                                                         RequestPrincipal{PrincipalType::Service, "sns.amazonaws.com"}};
    for (const auto& a : accounts) {
        callers.push_back(RequestPrincipal{PrincipalType::AWS, "arn:aws:iam::" + a + ":root"});
        callers.push_back(RequestPrincipal{PrincipalType::AWS, "arn:aws:iam::" + a + ":user/u1"});
        callers.push_back(RequestPrincipal{PrincipalType::AWS, "arn:aws:sts::" + a + ":assumed-role/r1/s"});
        callers.push_back(RequestPrincipal{PrincipalType::AWS, "arn:aws:sts::" + a + ":assumed-role/r2/s"});
    }
    // Entries: each list takes a different subset, so that accounts, kinds and "*" come and go.
    std::vector<std::pair<std::string, std::string>> entries;  // (type, value)
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        const auto& a = accounts[i];
        if (i != 3) entries.push_back({"AWS", a});
        entries.push_back({"AWS", "arn:aws:iam::" + a + ":user/u" + std::to_string(i)});
        entries.push_back({"AWS", "arn:aws:iam::" + a + ":role/path/r1"});
        entries.push_back({"AWS", "arn:aws:iam::" + a + ":role/r" + std::to_string(i)});
        entries.push_back({"AWS", "arn:aws:sts::" + a + ":assumed-role/r2/s"});
    }
    entries.push_back({"AWS", "*"});
    entries.push_back({"Service", "lambda.amazonaws.com"});
    for (int k = 0; k < 12; ++k) entries.push_back({"AWS", "arn:aws:iam::9999999999" + std::to_string(10 + k) + ":root"});
    std::size_t compared = 0, indexed = 0;
    std::array<std::size_t, 3> outcomes{};
    for (std::size_t mask = 0; mask < 64; ++mask) {
        for (bool negated : {false, true}) {
            json principal = json::object();
            for (std::size_t j = 0; j < entries.size(); ++j) {
                // Drop entries by the mask's bits, each bit governing every sixth entry; "*" only in odd masks.
                if ((mask >> (j % 6)) & 1) continue;
                if (entries[j].second == "*" && mask % 2 == 0) continue;
                principal[entries[j].first].push_back(entries[j].second);
            }
            if (principal.empty()) continue;
            const Policy p = parse(json{{"Statement", {{{"Effect", "Allow"}, {negated ? "NotPrincipal" : "Principal", principal},
                                                        {"Action", "*"}, {"Resource", "*"}}}}});
            const PrincipalSpec& spec = *p.statements.front().principal;
            PrincipalSpec scanned = spec;
            scanned.index = {};
            indexed += spec.index.covers(spec.entries.size());
            for (const auto& caller : callers) {
                const PrincipalMatch want = principal_matches(scanned, caller);
                EXPECT_EQ(principal_matches(spec, caller), want)
                    << principal.dump() << (negated ? " (NotPrincipal)" : "") << " for " << (caller ? caller->id : "anonymous");
                ++outcomes[static_cast<std::size_t>(want)];
                ++compared;
            }
        }
    }
    // The lists must be long enough to be indexed, and every outcome must occur.
    EXPECT_GT(indexed, 60u);
    EXPECT_GT(compared, 2000u);
    for (auto n : outcomes) EXPECT_GT(n, 50u);
}

}  // namespace evaluate_test
