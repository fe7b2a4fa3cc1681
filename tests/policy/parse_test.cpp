// Parser: the AST it builds, and the precise error (JSON Pointer + message) for bad documents.
#include <gtest/gtest.h>

#include <string>

#include "xc/policy/policy.hpp"

// Its own namespace: the area's test files are compiled as one translation unit.
namespace parse_test {

using nlohmann::json;
using namespace xc::policy;

namespace {

json statement(json extra = json::object()) {
    json s = {{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"},
              {"Resource", "execute-api:/prod/GET/*"}};
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (it.value().is_null()) s.erase(it.key());
        else s[it.key()] = it.value();
    }
    return s;
}

json doc(json st) { return {{"Version", "2012-10-17"}, {"Statement", json::array({std::move(st)})}}; }

// The diagnostic of parsing `d` under `base`; fails the test if it parses.
xc::Diagnostic error_of(const json& d, std::string_view base = "/apis/orders/policy") {
    try {
        parse(d, base);
    } catch (const xc::InputError& e) {
        EXPECT_EQ(e.diagnostics().size(), 1u);
        return e.diagnostics().front();
    }
    ADD_FAILURE() << "expected an InputError for " << d.dump();
    return {};
}

}  // namespace

TEST(PolicyParse, BuildsTheAstOfAPrivateApiPolicy) {
    json d = {{"Version", "2012-10-17"},
              {"Id", "private-api"},
              {"Statement",
               {{{"Sid", "DenyOutsideVpce"},
                 {"Effect", "Deny"},
                 {"Principal", "*"},
                 {"Action", "execute-api:Invoke"},
                 {"Resource", "execute-api:/*"},
                 {"Condition", {{"StringNotEquals", {{"aws:SourceVpce", {"vpce-1", "vpce-2"}}}}}}},
                {{"Effect", "Allow"},
                 {"Principal", {{"AWS", {"111122223333", "arn:aws:iam::444455556666:role/caller"}}}},
                 {"NotAction", "execute-api:Manage*"},
                 {"NotResource", "arn:aws:execute-api:us-east-1:111122223333:abc123/admin/*"}}}}};
    Policy p = parse(d);
    EXPECT_EQ(p.version, PolicyVersion::V2012_10_17);
    EXPECT_EQ(p.id, "private-api");
    ASSERT_EQ(p.statements.size(), 2u);
    const Statement& deny = p.statements[0];
    EXPECT_EQ(deny.sid, "DenyOutsideVpce");
    EXPECT_EQ(deny.effect, Effect::Deny);
    ASSERT_TRUE(deny.principal);
    ASSERT_EQ(deny.principal->entries.size(), 1u);
    EXPECT_EQ(deny.principal->entries[0].form, PrincipalEntry::Form::Wildcard);
    ASSERT_EQ(deny.resource.patterns.size(), 1u);
    EXPECT_EQ(deny.resource.patterns[0].kind, ResourcePattern::Kind::Shorthand);
    ASSERT_EQ(deny.conditions.size(), 1u);
    const ConditionClause& c = deny.conditions[0];
    EXPECT_EQ(c.op.family, OperatorFamily::String);
    EXPECT_TRUE(c.op.negated);
    EXPECT_EQ(c.key_lower, "aws:sourcevpce");
    ASSERT_EQ(c.values.size(), 2u);
    EXPECT_EQ(c.values[1].text, "vpce-2");

    const Statement& allow = p.statements[1];
    EXPECT_EQ(allow.index, 1u);
    EXPECT_FALSE(allow.sid);
    ASSERT_EQ(allow.principal->entries.size(), 2u);
    EXPECT_EQ(allow.principal->entries[0].form, PrincipalEntry::Form::Account);
    EXPECT_EQ(allow.principal->entries[0].account, "111122223333");
    EXPECT_EQ(allow.principal->entries[1].form, PrincipalEntry::Form::Arn);
    EXPECT_TRUE(allow.action.negated);
    EXPECT_EQ(allow.resource.kind, ResourceSpec::Kind::NotResource);
}

TEST(PolicyParse, StatementMayBeASingleObjectAndVersionDefaultsTo2008) {
    Policy p = parse(json{{"Statement", statement()}});
    EXPECT_EQ(p.version, PolicyVersion::V2008_10_17);
    EXPECT_FALSE(p.version_given);
    ASSERT_EQ(p.statements.size(), 1u);
}

TEST(PolicyParse, RootArnIsAnAccountPrincipal) {
    Policy p = parse(doc(statement({{"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}}})));
    EXPECT_EQ(p.statements[0].principal->entries[0].form, PrincipalEntry::Form::Account);
    EXPECT_EQ(p.statements[0].principal->entries[0].account, "111122223333");
}

TEST(PolicyParse, DecodesEveryOperatorFamilyAndQualifier) {
    struct Case {
        const char* name;
        OperatorFamily family;
        Comparison comparison;
        bool negated, ignore_case, if_exists;
        SetQualifier set;
    };
    const Case cases[] = {
        {"StringEquals", OperatorFamily::String, Comparison::Equals, false, false, false, SetQualifier::None},
        {"StringNotEqualsIgnoreCase", OperatorFamily::String, Comparison::Equals, true, true, false, SetQualifier::None},
        {"ForAllValues:StringNotLikeIfExists", OperatorFamily::String, Comparison::Like, true, false, true,
         SetQualifier::ForAllValues},
        {"ForAnyValue:StringLike", OperatorFamily::String, Comparison::Like, false, false, false, SetQualifier::ForAnyValue},
        {"NumericLessThanEquals", OperatorFamily::Numeric, Comparison::LessThanEquals, false, false, false, SetQualifier::None},
        {"NumericNotEqualsIfExists", OperatorFamily::Numeric, Comparison::Equals, true, false, true, SetQualifier::None},
        {"DateGreaterThan", OperatorFamily::Date, Comparison::GreaterThan, false, false, false, SetQualifier::None},
        {"BoolIfExists", OperatorFamily::Bool, Comparison::Equals, false, false, true, SetQualifier::None},
        {"BinaryEquals", OperatorFamily::Binary, Comparison::Equals, false, false, false, SetQualifier::None},
        {"NotIpAddress", OperatorFamily::IpAddress, Comparison::Equals, true, false, false, SetQualifier::None},
        {"ArnNotLike", OperatorFamily::Arn, Comparison::Like, true, false, false, SetQualifier::None},
        {"ArnEquals", OperatorFamily::Arn, Comparison::Equals, false, false, false, SetQualifier::None},
        {"Null", OperatorFamily::Null, Comparison::Equals, false, false, false, SetQualifier::None},
        {"stringequalsignorecase", OperatorFamily::String, Comparison::Equals, false, true, false, SetQualifier::None},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto op = parse_condition_operator(c.name);
        ASSERT_TRUE(op);
        EXPECT_EQ(op->family, c.family);
        EXPECT_EQ(op->comparison, c.comparison);
        EXPECT_EQ(op->negated, c.negated);
        EXPECT_EQ(op->ignore_case, c.ignore_case);
        EXPECT_EQ(op->if_exists, c.if_exists);
        EXPECT_EQ(op->set, c.set);
    }
    EXPECT_FALSE(parse_condition_operator("StringEqualz"));
    EXPECT_FALSE(parse_condition_operator("ForSomeValues:StringEquals"));
    EXPECT_FALSE(parse_condition_operator("IfExists"));
}

TEST(PolicyParse, ReadsTypedConditionValues) {
    json cond = {{"NumericLessThan", {{"aws:MultiFactorAuthAge", 3600}}},
                 {"DateGreaterThan", {{"aws:CurrentTime", "2024-01-31T12:00:00Z"}}},
                 {"IpAddress", {{"aws:SourceIp", {"10.0.0.0/8", "2001:db8::/32", "192.0.2.7"}}}},
                 {"Bool", {{"aws:SecureTransport", true}}}};
    Policy p = parse(doc(statement({{"Condition", cond}})));
    const auto& cs = p.statements[0].conditions;
    ASSERT_EQ(cs.size(), 4u);
    for (const auto& c : cs) {
        if (c.op.family == OperatorFamily::Numeric) {
            EXPECT_EQ(c.values[0].number, 3600.0);
        }
        if (c.op.family == OperatorFamily::Date) {
            EXPECT_EQ(c.values[0].date, 1706702400000LL);
        }
        if (c.op.family == OperatorFamily::Bool) {
            EXPECT_EQ(c.values[0].boolean, true);
        }
        if (c.op.family == OperatorFamily::IpAddress) {
            ASSERT_EQ(c.values.size(), 3u);
            EXPECT_EQ(c.values[0].cidr->prefix, 8u);
            EXPECT_EQ(c.values[1].cidr->network.family, IpAddress::Family::V6);
            EXPECT_EQ(c.values[2].cidr->prefix, 32u);
        }
    }
}

TEST(PolicyParse, PolicyVariablesAreTemplatesOnlyIn2012Version) {
    json st = statement({{"Resource", "arn:aws:s3:::bucket/${aws:username}/*"},
                         {"Condition", {{"StringLike", {{"aws:PrincipalTag/team", "${aws:PrincipalTag/Team, 'none'}"}}}}}});
    Policy p = parse(doc(st));
    const auto& r = p.statements[0].resource.patterns[0];
    EXPECT_TRUE(r.value.has_variables);
    EXPECT_FALSE(r.arn);  // compiled per request
    const auto& v = p.statements[0].conditions[0].values[0];
    ASSERT_TRUE(v.value.has_variables);
    EXPECT_EQ(v.value.parts[0].text, "aws:principaltag/team");
    EXPECT_EQ(v.value.parts[0].default_value, "none");

    Policy legacy = parse(json{{"Version", "2008-10-17"}, {"Statement", st}});
    EXPECT_FALSE(legacy.statements[0].resource.patterns[0].value.has_variables);
}

// ---- errors: path + message ---------------------------------------------------------------------

struct ErrorCase {
    const char* name;
    json document;
    std::string path;     // expected JSON Pointer (under /apis/orders/policy)
    std::string message;  // expected substring of the message
};

// Short names in test output (the default prints the struct's bytes).
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class PolicyParseErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(PolicyParseErrors, NamesThePathAndTheProblem) {
    const ErrorCase& c = GetParam();
    xc::Diagnostic d = error_of(c.document);
    EXPECT_EQ(d.path, "/apis/orders/policy" + c.path);
    EXPECT_NE(d.message.find(c.message), std::string::npos) << d.message;
}

const std::string S0 = "/Statement/0";

INSTANTIATE_TEST_SUITE_P(
    Malformed, PolicyParseErrors,
    ::testing::Values(
        ErrorCase{"NotAnObject", json::array(), "", "must be a JSON object"},
        ErrorCase{"UnknownTopLevelKey", json{{"Version", "2012-10-17"}, {"Statement", statement()}, {"Foo", 1}}, "/Foo",
                  "unknown policy element 'Foo'"},
        ErrorCase{"BadVersion", json{{"Version", "2012-10-18"}, {"Statement", statement()}}, "/Version",
                  "Version must be \"2012-10-17\" or \"2008-10-17\""},
        ErrorCase{"NoStatement", json{{"Version", "2012-10-17"}}, "", "no Statement"},
        ErrorCase{"EmptyStatementArray", json{{"Version", "2012-10-17"}, {"Statement", json::array()}}, "/Statement",
                  "must not be empty"},
        ErrorCase{"StatementNotObject", doc("x"), S0, "statement must be an object"},
        ErrorCase{"UnknownStatementKey", doc(statement({{"Actions", "s3:*"}})), S0 + "/Actions",
                  "unknown statement element 'Actions'"},
        ErrorCase{"LowercaseEffectKey", doc(statement({{"effect", "Allow"}})), S0 + "/effect", "unknown statement element"},
        ErrorCase{"MissingEffect", doc(statement({{"Effect", nullptr}})), S0, "no Effect"},
        ErrorCase{"BadEffect", doc(statement({{"Effect", "allow"}})), S0 + "/Effect", "\"Allow\" or \"Deny\""},
        ErrorCase{"ActionAndNotAction", doc(statement({{"NotAction", "s3:*"}})), S0, "both Action and NotAction"},
        ErrorCase{"NoAction", doc(statement({{"Action", nullptr}})), S0, "neither Action nor NotAction"},
        ErrorCase{"BadAction", doc(statement({{"Action", {"execute-api:Invoke", "Invoke"}}})), S0 + "/Action/1",
                  "\"service:action\""},
        ErrorCase{"EmptyActionArray", doc(statement({{"Action", json::array()}})), S0 + "/Action", "empty array"},
        ErrorCase{"ResourceAndNotResource", doc(statement({{"NotResource", "*"}})), S0, "both Resource and NotResource"},
        ErrorCase{"ResourceNotArn", doc(statement({{"Resource", "my-bucket"}})), S0 + "/Resource", "must be \"*\", an ARN"},
        ErrorCase{"ShortArnWithoutStar", doc(statement({{"Resource", "arn:aws:execute-api:us-east-1"}})), S0 + "/Resource",
                  "is not an ARN"},
        ErrorCase{"WildcardInService", doc(statement({{"Resource", "arn:aws:execute-*:*:*:*"}})), S0 + "/Resource",
                  "service segment"},
        ErrorCase{"PrincipalBadString", doc(statement({{"Principal", "111122223333"}})), S0 + "/Principal",
                  "must be \"*\""},
        ErrorCase{"PrincipalUnknownType", doc(statement({{"Principal", {{"Aws", "*"}}}})), S0 + "/Principal/Aws",
                  "unknown principal type 'Aws'"},
        ErrorCase{"PrincipalNumber", doc(statement({{"Principal", {{"AWS", 111122223333}}}})), S0 + "/Principal/AWS",
                  "must be a string or an array"},
        ErrorCase{"PrincipalWildcardArn", doc(statement({{"Principal", {{"AWS", {"arn:aws:iam::111122223333:role/*"}}}}})),
                  S0 + "/Principal/AWS/0", "wildcards are not allowed"},
        ErrorCase{"PrincipalBadAccount", doc(statement({{"Principal", {{"AWS", "12345"}}}})), S0 + "/Principal/AWS",
                  "12-digit account id"},
        ErrorCase{"PrincipalAndNotPrincipal", doc(statement({{"NotPrincipal", {{"AWS", "111122223333"}}}})), S0,
                  "both Principal and NotPrincipal"},
        ErrorCase{"UnknownOperator", doc(statement({{"Condition", {{"StringEqual", {{"aws:SourceVpce", "v"}}}}}})),
                  S0 + "/Condition/StringEqual", "unknown condition operator 'StringEqual'"},
        ErrorCase{"BadCidr", doc(statement({{"Condition", {{"IpAddress", {{"aws:SourceIp", {"10.0.0.0/8", "10.0.0.0/33"}}}}}}})),
                  S0 + "/Condition/IpAddress/aws:SourceIp/1", "CIDR"},
        ErrorCase{"BadIpv6Cidr", doc(statement({{"Condition", {{"IpAddress", {{"aws:SourceIp", "2001:db8:::/32"}}}}}})),
                  S0 + "/Condition/IpAddress/aws:SourceIp", "CIDR"},
        ErrorCase{"BadNumber", doc(statement({{"Condition", {{"NumericLessThan", {{"aws:MultiFactorAuthAge", "1h"}}}}}})),
                  S0 + "/Condition/NumericLessThan/aws:MultiFactorAuthAge", "expected a number"},
        ErrorCase{"BadDate", doc(statement({{"Condition", {{"DateLessThan", {{"aws:CurrentTime", "2024-02-30"}}}}}})),
                  S0 + "/Condition/DateLessThan/aws:CurrentTime", "expected a date"},
        ErrorCase{"BadBool", doc(statement({{"Condition", {{"Bool", {{"aws:SecureTransport", "yes"}}}}}})),
                  S0 + "/Condition/Bool/aws:SecureTransport", "true or false"},
        ErrorCase{"BadNull", doc(statement({{"Condition", {{"Null", {{"aws:SourceVpce", "maybe"}}}}}})),
                  S0 + "/Condition/Null/aws:SourceVpce", "true or false"},
        ErrorCase{"NullIfExists", doc(statement({{"Condition", {{"NullIfExists", {{"aws:SourceVpce", "true"}}}}}})),
                  S0 + "/Condition/NullIfExists", "IfExists"},
        ErrorCase{"BadArnValue", doc(statement({{"Condition", {{"ArnLike", {{"aws:SourceArn", "lambda-fn"}}}}}})),
                  S0 + "/Condition/ArnLike/aws:SourceArn", "expected an ARN"},
        ErrorCase{"ObjectValue", doc(statement({{"Condition", {{"StringEquals", {{"aws:SourceVpce", {{"a", 1}}}}}}}})),
                  S0 + "/Condition/StringEquals/aws:SourceVpce", "strings, numbers or booleans"},
        ErrorCase{"EmptyValueList", doc(statement({{"Condition", {{"StringEquals", {{"aws:SourceVpce", json::array()}}}}}})),
                  S0 + "/Condition/StringEquals/aws:SourceVpce", "empty list"},
        ErrorCase{"KeyWithoutPrefix", doc(statement({{"Condition", {{"StringEquals", {{"SourceVpce", "v"}}}}}})),
                  S0 + "/Condition/StringEquals/SourceVpce", "prefix:name"},
        ErrorCase{"ConditionNotObject", doc(statement({{"Condition", "x"}})), S0 + "/Condition", "must be an object"},
        ErrorCase{"VariableInNumeric",
                  doc(statement({{"Condition", {{"NumericEquals", {{"aws:MultiFactorAuthAge", "${aws:EpochTime}"}}}}}})),
                  S0 + "/Condition/NumericEquals/aws:MultiFactorAuthAge", "policy variables are not supported"},
        ErrorCase{"BadVariableDefault",
                  doc(statement({{"Condition", {{"StringEquals", {{"aws:SourceVpce", "${aws:username, none}"}}}}}})),
                  S0 + "/Condition/StringEquals/aws:SourceVpce", "single quotes"},
        ErrorCase{"SlashInKeyIsEscaped",
                  doc(statement({{"Condition", {{"StringEquals", {{"aws:PrincipalTag/team", json::array()}}}}}})),
                  S0 + "/Condition/StringEquals/aws:PrincipalTag~1team", "empty list"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return std::string(info.param.name); });

TEST(PolicyParse, UnknownOperatorSuggestsTheNearestName) {
    xc::Diagnostic d = error_of(doc(statement({{"Condition", {{"StringEqual", {{"aws:SourceVpce", "v"}}}}}})));
    EXPECT_EQ(d.hint, "did you mean 'StringEquals'?");
}

TEST(PolicyParse, ParseTextReportsInvalidJsonAtTheBasePath) {
    try {
        parse_text("{\"Version\": ", "/services/food/policy");
        FAIL() << "expected InputError";
    } catch (const xc::InputError& e) {
        EXPECT_EQ(e.diagnostics().at(0).path, "/services/food/policy");
        EXPECT_NE(e.diagnostics().at(0).message.find("not valid JSON"), std::string::npos);
    }
}

// Malformed input of any shape is an InputError, never a crash or another exception type.
TEST(PolicyParse, ArbitraryJsonShapesNeverCrash) {
    const json shapes[] = {nullptr, 1, "s", true, json::array(), json::object(), json::array({nullptr}), 1.5};
    std::size_t rejected = 0, parsed = 0;
    for (const char* key : {"Version", "Id", "Statement"})
        for (const auto& v : shapes) {
            json d = {{"Version", "2012-10-17"}, {"Statement", statement()}};
            d[key] = v;
            try {
                parse(d);
                ++parsed;
            } catch (const xc::InputError&) {
                ++rejected;
            }
        }
    for (const char* key : {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                            "NotResource", "Condition"})
        for (const auto& v : shapes) {
            json st = statement();
            st[key] = v;
            try {
                parse(doc(st));
                ++parsed;
            } catch (const xc::InputError&) {
                ++rejected;
            }
        }
    EXPECT_EQ(parsed + rejected, 3 * std::size(shapes) + 9 * std::size(shapes));
    EXPECT_GT(rejected, parsed);  // almost every one of these shapes is wrong
}

}  // namespace parse_test
