// The context table (verify/context_keys.hpp) and the symbolic request that obeys it: keys AWS
// never sets on a path are absent, keys it always sets are present, values stay in their domain,
// and every witness is a request AWS can make on that path.
#include <xc/verify/context_keys.hpp>
#include <xc/verify/policy_query.hpp>

#include <gtest/gtest.h>

#include <set>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace context_keys_test {

namespace {

using namespace xc::verify;
using xc::policy::parse_text;

const RequestPath all_paths[] = {RequestPath::private_api,      RequestPath::private_api_via_domain, RequestPath::private_domain,
                                 RequestPath::secret_read,      RequestPath::kms_decrypt_for_secret, RequestPath::kms_by_caller,
                                 RequestPath::lambda_invoke_by_api, RequestPath::dynamodb_by_role};

// Architecture values for every key a path takes from the architecture.
KnownValues known_for_all() {
    return {{"execute-api:viadomainarn",
             xc::model::Term::literal("arn:aws:execute-api:us-east-1:111122223333:/domainnames/api.example.com+")
                 .append(xc::model::Assigned{"d", "domain-name-id", 8, "abcd1234"})},
            {"kms:viaservice", xc::model::Term::literal("secretsmanager.us-east-1.amazonaws.com")},
            {"kms:encryptioncontext:secretarn", xc::model::Term::literal("arn:aws:secretsmanager:us-east-1:111122223333:secret:app/s-")
                                                     .append(xc::model::Assigned{"s", "arn-suffix", 6, "AbCdEf"})},
            {"kms:calleraccount", xc::model::Term::literal("222222222222")},
            {"aws:sourcearn", xc::model::Term::literal("arn:aws:execute-api:us-east-1:111122223333:abcdefghij/v1/GET/orders")},
            {"aws:sourceaccount", xc::model::Term::literal("111122223333")}};
}

// A request on `path` that the policy `text` allows, if any, with the context table obeyed.
QueryResult allowed_on(RequestPath path, const std::string& text, const std::string& action = "execute-api:Invoke",
                       const KnownValues& known = {}) {
    static SolverContext ctx;
    auto p = parse_text(text);
    PolicyQuery q(ctx);
    q.declare(p);
    q.set_path(path, known);
    q.set_callers(CallerSpace::only(CallerKind::anonymous));
    q.action().fix(action);
    q.fix_resource("arn:aws:execute-api:us-east-1:111122223333:abcdefghij/v1/GET/orders");
    Decision d{&p, {}, false, "111122223333"};
    return q.solve(q.allowed(d), 10000, [&](const xc::policy::Request& r) { return xc::policy::decide(p, r).verdict == xc::policy::Verdict::Allow; });
}

std::string allow_if(const std::string& condition) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":)" +
           condition + "}]}";
}

TEST(ContextKeys, EveryRowIsSourcedNamedOnceAndItsSampleIsInItsFormat) {
    std::set<std::string> seen;
    for (const auto& k : context_keys()) {
        EXPECT_FALSE(k.source.empty()) << k.name;
        EXPECT_TRUE(seen.insert(xc::policy::ascii_lower(k.name)).second) << "twice: " << k.name;
        if (!k.sample.empty() && !k.format.empty()) {
            EXPECT_TRUE(std::any_of(k.format.begin(), k.format.end(),
                                    [&](const Glob& g) { return detail::glob_matches(g, k.sample, xc::policy::CaseMode::Sensitive); }))
                << k.name;
        }
    }
}

TEST(ContextKeys, WhatTheIamPageDocuments) {
    // aws:VpcSourceIp is "Value type - Single-valued" (it used to be listed as multivalued here).
    ASSERT_NE(find_context_key("aws:vpcsourceip"), nullptr);
    EXPECT_FALSE(find_context_key("AWS:VpcSourceIp")->multivalued);
    EXPECT_TRUE(find_context_key("aws:TagKeys")->multivalued);
    for (auto p : {RequestPath::private_api, RequestPath::private_api_via_domain, RequestPath::private_domain}) {
        EXPECT_EQ(find_context_key("aws:SourceIp")->on(p).presence, Presence::never);
        EXPECT_EQ(find_context_key("aws:SourceVpce")->on(p).presence, Presence::always);
        EXPECT_EQ(find_context_key("aws:SecureTransport")->on(p).fixed, "true");
    }
    for (auto p : all_paths) {
        EXPECT_EQ(find_context_key("aws:CurrentTime")->on(p).presence, Presence::always);
        EXPECT_EQ(find_context_key("aws:EpochTime")->on(p).presence, Presence::always);
    }
    EXPECT_EQ(find_context_key("execute-api:viaDomainArn")->on(RequestPath::private_api_via_domain).presence, Presence::always);
    EXPECT_EQ(find_context_key("kms:ViaService")->on(RequestPath::kms_decrypt_for_secret).presence, Presence::always);
    EXPECT_EQ(find_context_key("kms:ViaService")->on(RequestPath::private_api).presence, Presence::never);
    // Keys the table does not list keep the widest reading.
    EXPECT_EQ(find_context_key("aws:UserAgent"), nullptr);
    EXPECT_EQ(context_violations(xc::policy::Context().set("aws:UserAgent", "x"), RequestPath::private_api).size(), 4u)
        << "only the four always-present keys are missing";
}

TEST(ContextKeys, EndpointIdsAreLowerCaseHexOfEightOrSeventeen) {
    const auto& f = find_context_key("aws:SourceVpce")->format;
    auto in = [&](const std::string& v) {
        return std::any_of(f.begin(), f.end(), [&](const Glob& g) { return detail::glob_matches(g, v, xc::policy::CaseMode::Sensitive); });
    };
    EXPECT_TRUE(in("vpce-0a1b2c3d4e5f60718"));
    EXPECT_TRUE(in("vpce-1a2b3c4d"));
    EXPECT_FALSE(in("vpce-0A1B2C3D4E5F60718"));
    EXPECT_FALSE(in("VPCE-0a1b2c3d4e5f60718"));
    EXPECT_FALSE(in("vpce-0a1b2c3d4e5f6071"));  // 16
    EXPECT_FALSE(in("vpce-0a1b2c3d4e5f6071g"));
    // The pattern-set search knows the class: no upper-case id, and a lower-case witness.
    auto r = realise({{f[0], xc::policy::CaseMode::Sensitive, true},
                      {Glob::from(xc::policy::GlobPattern::wildcards("*A*")), xc::policy::CaseMode::Sensitive, true}});
    EXPECT_EQ(r.answer, Realisability::Answer::unrealisable);
    r = realise({{f[0], xc::policy::CaseMode::Sensitive, true},
                 {Glob::from(xc::policy::GlobPattern::wildcards("VPCE-*A")), xc::policy::CaseMode::Insensitive, true}});
    ASSERT_EQ(r.answer, Realisability::Answer::realisable);
    EXPECT_EQ(r.witness.size(), 22u);
    EXPECT_EQ(r.witness.back(), 'a');
}

TEST(ContextKeys, ConcreteContextsObeyTheTableOnEveryPath) {
    for (auto p : all_paths) {
        auto c = concrete_context(p, known_for_all());
        EXPECT_TRUE(context_violations(c.context, p, known_for_all()).empty())
            << to_string(p) << ": " << context_violations(c.context, p, known_for_all()).front();
        EXPECT_NE(c.context.find("aws:CurrentTime"), nullptr);
        // The time is AWS's, not ours: a stand-in.
        EXPECT_NE(std::find(c.stand_ins.begin(), c.stand_ins.end(), "aws:currenttime"), c.stand_ins.end());
    }
    auto via = concrete_context(RequestPath::private_api_via_domain, known_for_all());
    EXPECT_EQ(via.context.find("execute-api:viaDomainArn")->values.front(),
              "arn:aws:execute-api:us-east-1:111122223333:/domainnames/api.example.com+abcd1234");
    EXPECT_EQ(concrete_context(RequestPath::private_api, {}).context.find("execute-api:viaDomainArn"), nullptr);
    // A violation of each kind is reported.
    xc::policy::Context bad = concrete_context(RequestPath::private_api, {}).context;
    bad.set("aws:SourceIp", "203.0.113.1").set("aws:SourceVpce", "vpce-0A1B2C3D4E5F60718").set_multi("aws:VpcSourceIp", {"10.0.0.1"});
    bad.erase("aws:EpochTime");
    EXPECT_EQ(context_violations(bad, RequestPath::private_api).size(), 4u);
}

TEST(ContextKeys, NoSourceIpThroughAnEndpoint) {
    // An Allow for an office's addresses never applies to a request through an interface endpoint.
    auto allow_office = allow_if(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})");
    EXPECT_EQ(allowed_on(RequestPath::private_api, allow_office).answer, QueryResult::Answer::unsatisfiable);
    auto direct = allowed_on(RequestPath::unspecified, allow_office);
    ASSERT_EQ(direct.answer, QueryResult::Answer::satisfiable);  // without a path, as before
    // A Deny NotIpAddress on the absent key applies to every such request (negated operator, key absent).
    auto deny_elsewhere = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})";
    EXPECT_EQ(allowed_on(RequestPath::private_api, deny_elsewhere).answer, QueryResult::Answer::unsatisfiable);
    EXPECT_EQ(allowed_on(RequestPath::secret_read, deny_elsewhere, "secretsmanager:GetSecretValue").answer, QueryResult::Answer::satisfiable);
}

TEST(ContextKeys, NoUpperCaseEndpointIds) {
    auto r = allowed_on(RequestPath::private_api, allow_if(R"({"StringLike":{"aws:SourceVpce":"VPCE-*"}})"));
    EXPECT_EQ(r.answer, QueryResult::Answer::unsatisfiable);
    r = allowed_on(RequestPath::private_api, allow_if(R"({"StringNotEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60718"}})"));
    ASSERT_EQ(r.answer, QueryResult::Answer::satisfiable);
    const auto* v = r.witness->request.context.find("aws:SourceVpce");
    ASSERT_NE(v, nullptr);
    EXPECT_TRUE(context_violations(r.witness->request.context, RequestPath::private_api).empty());
    // The readable sample, whichever of the id's two lengths the solver picked.
    EXPECT_EQ(v->values.front(), "vpce-0123456789abcdef0");
}

TEST(ContextKeys, WitnessesCarryWhatAwsAlwaysSets) {
    auto r = allowed_on(RequestPath::private_api, allow_if(R"({"Bool":{"aws:SecureTransport":"true"}})"));
    ASSERT_EQ(r.answer, QueryResult::Answer::satisfiable);
    const auto& c = r.witness->request.context;
    for (const char* key : {"aws:SourceVpce", "aws:SecureTransport", "aws:CurrentTime", "aws:EpochTime"}) EXPECT_NE(c.find(key), nullptr) << key;
    EXPECT_EQ(c.find("aws:SourceIp"), nullptr);
    // Insecure transport never reaches API Gateway.
    EXPECT_EQ(allowed_on(RequestPath::private_api, allow_if(R"({"Bool":{"aws:SecureTransport":"false"}})")).answer,
              QueryResult::Answer::unsatisfiable);
    // A Null test on an always-present key: never true.
    EXPECT_EQ(allowed_on(RequestPath::private_api, allow_if(R"({"Null":{"aws:CurrentTime":"true"}})")).answer,
              QueryResult::Answer::unsatisfiable);
    // A time the policy reads is one AWS could send.
    r = allowed_on(RequestPath::private_api, allow_if(R"({"NumericLessThan":{"aws:EpochTime":"100.5"}})"));
    ASSERT_EQ(r.answer, QueryResult::Answer::satisfiable);
    EXPECT_TRUE(context_violations(r.witness->request.context, RequestPath::private_api).empty())
        << r.witness->request.context.find("aws:EpochTime")->values.front();
}

TEST(ContextKeys, VpcSourceIpIsOneAddress) {
    // Single-valued: an IpAddress condition without a set operator is decided (it used to be
    // UNDECIDED as a multivalued key compared with IP operators).
    auto r = allowed_on(RequestPath::private_api, allow_if(R"({"IpAddress":{"aws:VpcSourceIp":"10.1.0.0/16"}})"));
    ASSERT_EQ(r.answer, QueryResult::Answer::satisfiable);
    const auto* v = r.witness->request.context.find("aws:VpcSourceIp");
    ASSERT_NE(v, nullptr);
    EXPECT_FALSE(v->multi_valued);
    EXPECT_TRUE(xc::policy::parse_ip_address(v->values.front()).has_value());
    // Compared as text, it is not related to the addresses AWS sends: undecided, not guessed.
    EXPECT_THROW(allowed_on(RequestPath::private_api, allow_if(R"({"StringLike":{"aws:VpcSourceIp":"10.*"}})")), Unsupported);
}

TEST(ContextKeys, TheDecryptSecretsManagerMakesCarriesViaServiceAndTheSecretArn) {
    auto known = known_for_all();
    auto key_policy = allow_if(R"({"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com"},
        "StringLike":{"kms:EncryptionContext:SecretARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:app/s-??????"}})");
    auto p = parse_text(key_policy);
    static SolverContext ctx;
    PolicyQuery q(ctx);
    q.declare(p);
    q.set_path(RequestPath::kms_decrypt_for_secret, known);
    q.set_callers(CallerSpace::only(CallerKind::root));  // a reader account's root user
    q.action().fix("kms:Decrypt");
    q.fix_resource("arn:aws:kms:us-east-1:111122223333:key/k");
    Decision d{&p, {}, true, "111122223333"};
    // Every such Decrypt is allowed, whatever suffix AWS assigns to the secret's ARN.
    auto r = q.solve(!q.allowed(d), 10000, [&](const xc::policy::Request& rq) { return xc::policy::decide(p, rq).verdict != xc::policy::Verdict::Allow; });
    EXPECT_EQ(r.answer, QueryResult::Answer::unsatisfiable);
    // A condition that matches some assigned suffixes and not others cannot be decided on a stand-in.
    auto picky = parse_text(allow_if(R"({"StringLike":{"kms:EncryptionContext:SecretARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:app/s-Ab*"}})"));
    EXPECT_THROW(require_independent(picky, "kms:encryptioncontext:secretarn", glob_of(known.at("kms:encryptioncontext:secretarn")), "test"),
                 Unsupported);
    EXPECT_NO_THROW(require_independent(p, "kms:encryptioncontext:secretarn", glob_of(known.at("kms:encryptioncontext:secretarn")), "test"));
    // The time is unknown: any comparison of it depends on it, a Null test does not.
    EXPECT_THROW(require_independent(parse_text(allow_if(R"({"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}})")), "aws:currenttime",
                                     std::nullopt, "test"),
                 Unsupported);
    EXPECT_NO_THROW(require_independent(parse_text(allow_if(R"({"Null":{"aws:CurrentTime":"false"}})")), "aws:currenttime", std::nullopt, "test"));
}

}  // namespace

}  // namespace context_keys_test
