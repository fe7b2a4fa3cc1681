// Differential testing against @cloud-copilot/iam-simulate (test-only oracle, AGPL: installed
// by the test setup into tests/npm, run as a separate Node process, never linked or shipped).
//
//  * Generator: seeded, deterministic random resource policies (+ identity policies) and
//    requests for execute-api, covering every operator family, set qualifiers, IfExists,
//    Not* elements, wildcards, case variations, policy variables and missing keys. Values come
//    from small pools so that matches and mismatches are both frequent.
//  * to_xc: the same case as xc types.
//  * run_oracle: one `node tests/policy/oracle/iam-simulate.mjs` process for all cases.
//  * known_simulator_deviation: the exception list (each entry cited, each with a named
//    regression test in evaluate_test.cpp, PolicySimulatorDeviation.*).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "xc/policy/policy.hpp"

namespace xc::policy::difftest {

using nlohmann::json;

inline constexpr const char* kApiAccount = "111122223333";
inline constexpr const char* kOtherAccount = "444455556666";
inline const ExecuteApiTarget kApi{"aws", "us-east-1", kApiAccount, "abc123"};

// One generated case: the simulator's input, plus the resource policy as xc reads it (which may
// use the execute-api shorthand; the simulator gets it expanded, as API Gateway stores it).
struct Case {
    json sim;
    json xc_resource_policy;
};

class Generator {
public:
    // `variable_heavy`: half of the resource paths and string condition values that can hold a
    // policy variable do (the symbolic encoding's property test).
    explicit Generator(std::uint64_t seed, bool variable_heavy = false)
        : state_(mix(seed)), variable_heavy_(variable_heavy) {}

    Case next() {
        Case c;
        json request = make_request();
        const bool anonymous = request["principal"].is_object();
        const bool service = !anonymous && request["principal"].get<std::string>().ends_with(".amazonaws.com");
        json identity = json::array();
        // A caller of another account needs an identity Allow as well as the resource policy's:
        // give it an identity policy more often, so cross-account allows are common enough to test.
        const bool cross_account = !anonymous && !service && request["principal"].get<std::string>().find(kOtherAccount) != std::string::npos;
        if (!anonymous && !service && chance(cross_account ? 80 : 45)) {
            identity.push_back({{"name", "identity"}, {"policy", make_policy(false)}});
        }
        c.xc_resource_policy = make_policy(true);
        c.sim = {{"request", request},
                 {"identityPolicies", identity},
                 {"serviceControlPolicies", json::array()},
                 {"resourceControlPolicies", json::array()},
                 {"resourcePolicy", expand_shorthand(c.xc_resource_policy)}};
        return c;
    }

private:
    std::uint64_t state_;
    bool variable_heavy_ = false;

    // A pick from `pool`, from its entries with a variable half of the time when variable-heavy.
    std::string pick_value(const std::vector<std::string>& pool) {
        if (variable_heavy_ && chance(50)) {
            std::vector<std::string> with;
            for (const auto& v : pool)
                if (v.find("${") != std::string::npos) with.push_back(v);
            if (!with.empty()) return pick(with);
        }
        return pick(pool);
    }

    static std::uint64_t mix(std::uint64_t z) {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // splitmix64: portable and deterministic. The seed is mixed first: a state of seed * step would
    // make seed n + 1 the stream of seed n shifted by one draw.
    std::uint64_t bits() { return mix(state_ += 0x9E3779B97F4A7C15ull); }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(bits() % n); }
    bool chance(unsigned percent) { return below(100) < percent; }
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
    std::string pick_s(std::initializer_list<const char*> v) { return *(v.begin() + below(v.size())); }

    std::string vary_case(std::string s) {
        if (!chance(25)) return s;
        for (char& ch : s)
            if (chance(40)) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : (ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
        return s;
    }

    // ---- request ------------------------------------------------------------------------------

    static std::string role(const char* account, const char* name) {
        return std::string("arn:aws:iam::") + account + ":role/" + name;
    }

    json make_request() {
        json principal;
        switch (below(7)) {
            case 0: principal = {{"type", "Anonymous"}}; break;
            case 1: principal = role(kApiAccount, "caller"); break;
            case 2: principal = role(kOtherAccount, "caller"); break;
            case 3: principal = std::string("arn:aws:sts::") + pick_s({kApiAccount, kOtherAccount}) + ":assumed-role/caller/s1"; break;
            case 4: principal = std::string("arn:aws:iam::") + pick_s({kApiAccount, kOtherAccount}) + ":user/alice"; break;
            case 5: principal = role(kOtherAccount, "other"); break;
            default: principal = chance(50) ? json("lambda.amazonaws.com") : json(role(kApiAccount, "other")); break;
        }
        std::string action = chance(75) ? "execute-api:Invoke" : pick_s({"execute-api:InvalidateCache", "execute-api:ManageConnections"});
        std::string resource = std::string("arn:aws:execute-api:us-east-1:") + kApiAccount + ":" + pick_s({"abc123", "abc123", "def456"}) +
                               "/" + pick_s({"prod", "dev"}) + "/" + pick_s({"GET", "POST"}) + "/" +
                               pick_s({"pets", "pets/1", "admin", "Pets", "alice", "111122223333"});
        json context = json::object();
        auto maybe = [&](const char* key, json value, unsigned percent = 45) {
            if (chance(percent)) context[vary_case(key)] = std::move(value);
        };
        maybe("aws:SourceVpce", pick_s({"vpce-1", "vpce-2", "VPCE-1", "vpce-alice"}));
        maybe("aws:SourceVpc", pick_s({"vpc-1", "vpc-2"}));
        maybe("aws:SourceIp", pick_s({"10.0.0.5", "10.1.2.3", "192.0.2.10", "2001:db8::5", "2001:db8:1::9"}));
        maybe("aws:PrincipalAccount", pick_s({kApiAccount, kOtherAccount}));
        maybe("aws:PrincipalArn", role(chance(50) ? kApiAccount : kOtherAccount, chance(50) ? "caller" : "other"));
        maybe("aws:PrincipalOrgID", pick_s({"o-aaa", "o-bbb"}));
        maybe("aws:SourceAccount", pick_s({kApiAccount, kOtherAccount}), 25);
        maybe("aws:SourceArn", std::string("arn:aws:lambda:us-east-1:") + pick_s({kApiAccount, kOtherAccount}) + ":function:" +
                                   pick_s({"orders", "orders:live", "billing"}));
        maybe("aws:SecureTransport", pick_s({"true", "false"}));
        maybe("aws:MultiFactorAuthAge", pick_s({"0", "300", "3600", "7200.5"}), 30);
        maybe("aws:CurrentTime", pick_s({"2024-01-01T00:00:00Z", "2024-06-01T12:30:00Z", "2025-03-01T00:00:00Z"}), 30);
        maybe("aws:EpochTime", pick_s({"1704067200", "1717245000", "1740787200"}), 30);
        maybe("aws:username", pick_s({"alice", "bob", "YWxpY2U=", "pets"}), 35);
        maybe("aws:userid", pick_s({"AIDAALICE", "AROAROLE:alice", "alice"}), 30);
        maybe("aws:PrincipalTag/team", pick_s({"alice", "red", "prod"}), 30);
        maybe("aws:TagKeys", pick_subset({"a", "b", "c"}), 35);
        maybe("aws:PrincipalOrgPaths", pick_subset({"o-aaa/r-1/ou-1/", "o-aaa/r-1/ou-2/"}), 25);
        maybe("aws:CalledVia", pick_subset({"athena.amazonaws.com", "cloudformation.amazonaws.com"}), 20);
        // Half the time, the principal keys AWS derives from the caller (verify/caller_space.hpp).
        if (chance(50)) derive_principal_keys(principal, context);
        return {{"principal", principal},
                {"action", action},
                {"resource", {{"resource", resource}, {"accountId", kApiAccount}}},
                {"contextVariables", context}};
    }

    static void derive_principal_keys(const json& principal, json& context) {
        for (const char* k : {"aws:PrincipalArn", "aws:PrincipalAccount"})
            for (auto it = context.begin(); it != context.end();) it = iequals(it.key(), k) ? context.erase(it) : std::next(it);
        if (principal.is_object()) {
            context["aws:PrincipalAccount"] = "anonymous";
            return;
        }
        std::string id = principal.get<std::string>();
        auto parts = split_arn(id);
        if (!parts) return;  // a service principal
        std::string arn = id;
        if (auto session = detail::assumed_role_of(id))
            arn = "arn:aws:iam::" + std::string(session->first) + ":role/" + std::string(session->second);
        context["aws:PrincipalArn"] = arn;
        context["aws:PrincipalAccount"] = std::string(parts->account);
    }

    json pick_subset(std::initializer_list<const char*> pool) {
        json out = json::array();
        for (const char* v : pool)
            if (chance(50)) out.push_back(v);
        return out;
    }

    // ---- policy -------------------------------------------------------------------------------

    json one_or_many(std::vector<std::string> items) {
        if (items.size() == 1 && chance(60)) return items[0];
        json a = json::array();
        for (auto& i : items) a.push_back(i);
        return a;
    }

    json make_principal_value() {
        std::vector<std::string> aws;
        std::size_t n = 1 + below(2);
        for (std::size_t k = 0; k < n; ++k)
            aws.push_back(pick_s({"*", kApiAccount, kOtherAccount, "arn:aws:iam::444455556666:root",
                                  "arn:aws:iam::111122223333:role/caller", "arn:aws:iam::444455556666:role/caller",
                                  "arn:aws:iam::444455556666:role/path/caller", "arn:aws:iam::444455556666:user/alice",
                                  "arn:aws:sts::444455556666:assumed-role/caller/s1"}));
        if (chance(15)) return {{"Service", "lambda.amazonaws.com"}};
        if (chance(10)) return {{"AWS", one_or_many(aws)}, {"Service", "lambda.amazonaws.com"}};
        return {{"AWS", one_or_many(aws)}};
    }

    json make_actions() {
        std::vector<std::string> acts;
        std::size_t n = 1 + below(2);
        for (std::size_t k = 0; k < n; ++k)
            acts.push_back(pick_s({"execute-api:Invoke", "execute-api:*", "*", "execute-api:inv*", "EXECUTE-API:INVOKE",
                                   "execute-api:Invok?", "execute-api:InvalidateCache", "execute-api:Manage*",
                                   "execute-api:?nvoke", "execute-api:*Cache"}));
        return one_or_many(acts);
    }

    std::string make_resource_pattern(bool allow_shorthand) {
        std::string stage = pick_s({"prod", "dev", "*", "pr?d"});
        std::string method = pick_s({"GET", "POST", "*", "G*"});
        std::string path = pick_value({"pets", "pets/*", "*", "admin", "pets/?", "Pets", "${aws:PrincipalTag/team}", "*/1",
                                       "${aws:username}", "${aws:username}/*", "${aws:userid, 'pets'}", "${aws:PrincipalAccount}",
                                       "pets/${*}", "${aws:SourceVpce, 'admin'}"});
        std::string tail = stage + "/" + method + "/" + path;
        switch (below(9)) {
            case 0: return "*";
            case 1: return allow_shorthand ? "execute-api:/" + tail : "arn:aws:execute-api:*:*:abc123/" + tail;
            case 2: return allow_shorthand ? "execute-api:/*" : "arn:aws:execute-api:*";
            case 3: return "arn:aws:execute-api:us-east-1:" + std::string(kApiAccount) + ":def456/" + tail;
            case 4: return "arn:aws:execute-api:*:" + std::string(pick_s({kApiAccount, kOtherAccount})) + ":abc123/*";
            case 5:
                if (chance(30)) return "arn:aws:execute-api:us-east-1:" + std::string(kApiAccount) + ":*/" + tail;
                [[fallthrough]];
            default: return "arn:aws:execute-api:" + pick_s({"us-east-1", "us-*", "*"}) + ":" + kApiAccount + ":abc123/" + tail;
        }
    }

    json make_resources(bool allow_shorthand) {
        std::vector<std::string> rs;
        std::size_t n = 1 + below(2);
        for (std::size_t k = 0; k < n; ++k) rs.push_back(make_resource_pattern(allow_shorthand));
        return one_or_many(rs);
    }

    struct KeySpec {
        const char* key;
        enum Kind { String, Ip, Numeric, Date, Epoch, Bool, Arn, Multi, Binary } kind;
    };

    json string_values(const char* key) {
        std::string k(key);
        std::vector<std::string> pool;
        // Policy variables over the keys a request carries, with defaults and the ${*} ${?} ${$} escapes.
        if (k == "aws:SourceVpce")
            pool = {"vpce-1", "vpce-2", "vpce-*", "VPCE-1", "vpce-?", "vpce-${aws:username}", "${aws:SourceVpce}",
                    "${aws:userid, 'vpce-1'}", "vpce-${aws:username, '2'}", "vpce-${*}"};
        else if (k == "aws:SourceVpc") pool = {"vpc-1", "vpc-2", "vpc-*"};
        else if (k == "aws:PrincipalAccount")
            pool = {kApiAccount, kOtherAccount, "1111*", "4444????????", "*", "anonymous", "${aws:SourceAccount}",
                    "${aws:SourceAccount, '111122223333'}", "${aws:username}"};
        else if (k == "aws:SourceAccount") pool = {kApiAccount, kOtherAccount, "1111*", "${aws:PrincipalAccount}", "${aws:PrincipalAccount}*"};
        else if (k == "aws:userid")
            pool = {"AIDAALICE", "AROA*:alice", "*:${aws:username}", "${aws:username}", "AROAROLE:${aws:username, 'bob'}", "${?}*"};
        else if (k == "aws:PrincipalOrgID") pool = {"o-aaa", "o-bbb", "O-AAA", "o-*"};
        else if (k == "aws:username")
            pool = {"alice", "bob", "ALICE", "a*", "${aws:PrincipalTag/team}", "${aws:PrincipalTag/team, 'bob'}", "${aws:userid}",
                    "al${?}ce", "${$}{aws:userid}", "a${*}"};
        else if (k == "aws:PrincipalTag/team") pool = {"alice", "red", "r?d", "${aws:username}"};
        else if (k == "aws:SourceIp") pool = {"10.0.0.5", "10.*", "2001:db8::5"};
        else if (k == "aws:PrincipalArn")
            pool = {"arn:aws:iam::111122223333:role/caller", "arn:aws:iam::*:role/caller", "arn:aws:iam::4444*:role/*",
                    "arn:aws:iam::*:user/alice", "arn:aws:sts::*:assumed-role/caller/*", "arn:aws:iam::1111????????:*",
                    "arn:aws:iam::${aws:PrincipalAccount}:role/caller", "arn:aws:iam::*:user/${aws:username}",
                    "arn:aws:iam::${aws:SourceAccount, '444455556666'}:*", "${aws:PrincipalArn}"};
        else if (k == "aws:SourceArn") pool = {"arn:aws:lambda:us-east-1:111122223333:function:orders", "arn:aws:lambda:*"};
        else pool = {"true", "false", "a", "b", "c", "a*", "x"};
        std::vector<std::string> out;
        std::size_t n = 1 + below(3);
        for (std::size_t i = 0; i < n; ++i) out.push_back(pick_value(pool));
        return one_or_many(out);
    }

    struct Clause {
        std::string op, key;
        json values;
    };

    Clause make_clause() {
        static const std::vector<KeySpec> keys = {
            {"aws:SourceVpce", KeySpec::String},     {"aws:SourceVpc", KeySpec::String},
            {"aws:PrincipalAccount", KeySpec::String}, {"aws:PrincipalOrgID", KeySpec::String},
            {"aws:username", KeySpec::String},       {"aws:PrincipalTag/team", KeySpec::String},
            {"aws:SourceAccount", KeySpec::String},  {"aws:SourceIp", KeySpec::Ip},
            {"aws:MultiFactorAuthAge", KeySpec::Numeric}, {"aws:CurrentTime", KeySpec::Date},
            {"aws:EpochTime", KeySpec::Epoch},       {"aws:SecureTransport", KeySpec::Bool},
            {"aws:SourceArn", KeySpec::Arn},         {"aws:PrincipalArn", KeySpec::Arn},
            {"aws:TagKeys", KeySpec::Multi},         {"aws:PrincipalOrgPaths", KeySpec::Multi},
            {"aws:CalledVia", KeySpec::Multi},       {"aws:username", KeySpec::Binary},
            {"aws:PrincipalArn", KeySpec::String},    {"aws:PrincipalArn", KeySpec::Arn},
            {"aws:PrincipalAccount", KeySpec::String}, {"aws:userid", KeySpec::String},
        };
        const KeySpec& ks = pick(keys);
        std::string op;
        json values;
        auto several = [&](std::initializer_list<const char*> pool) {
            std::vector<std::string> out;
            std::size_t n = 1 + below(2);
            for (std::size_t i = 0; i < n; ++i) out.push_back(pick_s(pool));
            return one_or_many(out);
        };
        switch (ks.kind) {
            case KeySpec::String:
                op = pick_s({"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
                             "StringLike", "StringNotLike"});
                values = string_values(ks.key);
                break;
            case KeySpec::Ip:
                op = pick_s({"IpAddress", "NotIpAddress"});
                values = several({"10.0.0.0/8", "10.0.0.5", "10.1.0.0/16", "192.0.2.0/24", "2001:db8::/32",
                                  "2001:db8:1::/48", "0.0.0.0/0", "::/0", "2001:db8::5"});
                break;
            case KeySpec::Numeric:
                op = pick_s({"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
                             "NumericGreaterThan", "NumericGreaterThanEquals"});
                values = chance(30) ? json(3600) : several({"300", "3600", "0", "7200.5", "1000.25"});
                break;
            case KeySpec::Date:
            case KeySpec::Epoch:
                op = pick_s({"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
                             "DateGreaterThanEquals"});
                // Same format as the request value: see the exception list (mixed epoch/ISO).
                values = ks.kind == KeySpec::Date
                             ? several({"2024-01-01T00:00:00Z", "2024-06-01T12:30:00Z", "2024-12-31T23:59:59Z"})
                             : several({"1704067200", "1717245000", "1735689599"});
                break;
            case KeySpec::Bool:
                op = "Bool";
                values = chance(30) ? json(chance(50)) : json(pick_s({"true", "false", "TRUE"}));
                break;
            case KeySpec::Arn:
                op = pick_s({"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"});
                values = several({"arn:aws:lambda:us-east-1:111122223333:function:orders",
                                  "arn:aws:lambda:*:111122223333:function:orders*", "arn:aws:lambda:*:*:function:billing",
                                  "arn:aws:iam::111122223333:role/caller", "arn:aws:iam::*:role/?aller",
                                  "arn:aws:iam::444455556666:role/*", "arn:aws:*", "arn:aws:iam::4444*:*",
                                  "arn:aws:iam::*:user/alice", "arn:aws:sts::444455556666:assumed-role/*",
                                  "arn:aws:iam::${aws:PrincipalAccount}:role/*", "arn:aws:iam::*:user/${aws:username}",
                                  "arn:aws:lambda:*:${aws:SourceAccount}:function:*"});
                break;
            case KeySpec::Multi:
                op = pick_s({"StringEquals", "StringLike", "StringNotEquals", "StringNotLike"});
                values = std::string(ks.key) == "aws:TagKeys" ? several({"a", "b", "c", "*", "?"})
                                                               : several({"o-aaa/r-1/ou-1/", "o-aaa/*", "athena.amazonaws.com", "*"});
                break;
            case KeySpec::Binary:
                op = "BinaryEquals";
                values = several({"YWxpY2U=", "Ym9i"});
                break;
        }
        // Set qualifiers: mostly on multivalued keys, sometimes on single-valued ones.
        if (ks.kind == KeySpec::Multi ? chance(85) : chance(10))
            op = (chance(50) ? "ForAnyValue:" : "ForAllValues:") + op;
        if (chance(20)) op += "IfExists";
        if (chance(8)) {
            op = "Null";
            values = chance(50) ? json("true") : json("false");
        }
        return {vary_case(op), vary_case(ks.key), values};
    }

    json make_condition() {
        json cond = json::object();
        std::size_t n = 1 + below(3);
        for (std::size_t k = 0; k < n; ++k) {
            Clause c = make_clause();
            cond[c.op][c.key] = c.values;  // same operator twice: keys merge (AND)
        }
        return cond;
    }

    json make_statement(bool resource_policy) {
        json st = json::object();
        if (chance(30)) st["Sid"] = "S" + std::to_string(below(1000));
        const bool deny = chance(35);
        st["Effect"] = deny ? "Deny" : "Allow";
        if (resource_policy) {
            if (chance(10)) st["NotPrincipal"] = make_principal_value();
            else if (chance(35)) st["Principal"] = "*";
            else st["Principal"] = make_principal_value();
        }
        if (chance(15)) st["NotAction"] = make_actions();
        else st["Action"] = make_actions();
        if (chance(15)) st["NotResource"] = make_resources(resource_policy);
        else st["Resource"] = make_resources(resource_policy);
        if (chance(60)) st["Condition"] = make_condition();
        return st;
    }

    json make_policy(bool resource_policy) {
        json statements = json::array();
        std::size_t n = 1 + below(resource_policy ? 4 : 2);
        for (std::size_t k = 0; k < n; ++k) statements.push_back(make_statement(resource_policy));
        json st = statements.size() == 1 && chance(30) ? statements[0] : statements;
        return {{"Version", "2012-10-17"}, {"Statement", st}};
    }

    static json expand_shorthand(json policy) {
        auto fix = [](json& v) {
            auto one = [](json& s) {
                if (s.is_string() && is_execute_api_shorthand(s.get<std::string>()))
                    s = expand_execute_api_shorthand(s.get<std::string>(), kApi);
            };
            if (v.is_array())
                for (auto& s : v) one(s);
            else one(v);
        };
        auto fix_statement = [&](json& st) {
            if (st.contains("Resource")) fix(st["Resource"]);
            if (st.contains("NotResource")) fix(st["NotResource"]);
        };
        json& s = policy["Statement"];
        if (s.is_array())
            for (auto& st : s) fix_statement(st);
        else fix_statement(s);
        return policy;
    }
};

// ---- the same case in xc types ------------------------------------------------------------------

// Whether a policy has a policy variable (in a Resource / NotResource entry or a condition value).
inline bool has_policy_variables(const Policy& p) {
    for (const auto& st : p.statements) {
        for (const auto& r : st.resource.patterns)
            if (r.value.has_variables) return true;
        for (const auto& c : st.conditions)
            for (const auto& v : c.values)
                if (v.value.has_variables) return true;
    }
    return false;
}

struct XcCase {
    Policy resource;
    std::vector<Policy> identity;
    Request request;
};

inline XcCase to_xc(const Case& c) {
    XcCase x;
    x.resource = attach_to_api(parse(c.xc_resource_policy, "/resourcePolicy"), kApi);
    for (const auto& ip : c.sim["identityPolicies"]) x.identity.push_back(parse(ip["policy"], "/identityPolicies"));
    const json& r = c.sim["request"];
    if (r["principal"].is_string()) {
        std::string id = r["principal"].get<std::string>();
        PrincipalType type = id.ends_with(".amazonaws.com") ? PrincipalType::Service : PrincipalType::AWS;
        x.request.principal = RequestPrincipal{type, id};
    }
    x.request.action = r["action"].get<std::string>();
    x.request.resource = r["resource"]["resource"].get<std::string>();
    x.request.resource_account = r["resource"]["accountId"].get<std::string>();
    for (auto it = r["contextVariables"].begin(); it != r["contextVariables"].end(); ++it) {
        if (it.value().is_array()) x.request.context.set_multi(it.key(), it.value().get<std::vector<std::string>>());
        else x.request.context.set(it.key(), it.value().get<std::string>());
    }
    return x;
}

// The simulator's vocabulary for what xc computes.
inline std::string resource_result_name(const Outcome& o) {
    switch (o.verdict) {
        case Verdict::Allow: return o.account_level ? "AllowedForAccount" : "Allowed";
        case Verdict::ExplicitDeny: return o.account_level ? "DeniedForAccount" : "ExplicitlyDenied";
        case Verdict::ImplicitDeny: return "ImplicitlyDenied";
    }
    return "?";
}
inline std::string overall_result_name(const Outcome& o) {
    switch (o.verdict) {
        case Verdict::Allow: return "Allowed";
        case Verdict::ExplicitDeny: return "ExplicitlyDenied";
        case Verdict::ImplicitDeny: return "ImplicitlyDenied";
    }
    return "?";
}

struct XcAnswer {
    std::string resource, overall;
};

inline XcAnswer evaluate(const XcCase& x) {
    std::vector<const Policy*> identity;
    for (const auto& p : x.identity) identity.push_back(&p);
    return {resource_result_name(evaluate_resource_policy(x.resource, x.request)),
            overall_result_name(decide(PolicySet{identity, &x.resource}, x.request))};
}

// ---- exception list -------------------------------------------------------------------------------
// Where iam-simulate 0.1.173 departs from the AWS documentation. A disagreement is explained
// only if the case has one of these features; each has a regression test pinning xc's
// documented behaviour (evaluate_test.cpp, PolicySimulatorDeviation.*).
//
//  ForAnyValueIfExistsOnMissingKey — IAM User Guide, "IAM JSON policy elements: Condition
//    operators", "...IfExists condition operators": a missing key makes the condition true;
//    the simulator answers false when the operator also has ForAnyValue:.
//  WildcardInApiIdSegment — IAM User Guide, "IAM JSON policy elements: Resource", "Using
//    wildcards in resource ARNs": wildcards are allowed in every segment but the service; the
//    simulator never matches a wildcard before the first '/' of the resource part (it takes it
//    for a resource type), so "arn:aws:execute-api:...:*/prod/GET/*" matches nothing there.
//  Ipv4ZeroPrefix — IAM User Guide, "Condition operators", "IP address condition operators":
//    values are CIDR blocks (RFC 4632), and 0.0.0.0/0 contains every IPv4 address; the
//    simulator computes the /0 mask with a 32-bit shift by 32 (a no-op in JavaScript) and so
//    reads 0.0.0.0/0 as the single host 0.0.0.0.
//  UnresolvedVariableInNotResource — IAM User Guide, "IAM policy elements: Variables and
//    tags", "Policy variables with no value": an element with a variable that has no value
//    does not match; in NotResource it therefore excludes nothing. The simulator instead
//    treats the entry as undecidable (statement does not apply) when the rest of the ARN
//    matches.
//  BareIpHostOtherFamily — IAM User Guide, "IP address condition operators": a value without a
//    prefix length is one host (/32, /128); an address of the other family is not in it, so
//    NotIpAddress holds. The simulator answers false for a bare IPv6 host against an IPv4
//    request address (and vice versa).
//  VariableInArnOperatorValue — IAM User Guide, "IAM policy elements: Variables and tags":
//    variables are replaced in Arn* condition values, which are then read as ARNs. The simulator
//    splits the value at every ':' before substituting, so `${aws:PrincipalAccount}` (a key
//    name holds a colon) is cut apart and the value is wrong or invalid.
// Mixed epoch/ISO Date values (simulator: seconds vs milliseconds) are not generated at all;
// PolicySimulatorDeviation.EpochAndIsoDatesDenoteTheSameInstant covers them.
inline std::vector<std::string> known_simulator_deviations(const XcCase& x) {
    std::vector<std::string> found;
    bool any_value_if_exists = false, api_id_wildcard = false, zero_prefix = false, unresolved_not_resource = false,
         bare_host_other_family = false, arn_variable = false;
    auto scan = [&](const Policy& p) {
        for (const auto& st : p.statements) {
            for (const auto& c : st.conditions)
                if (c.op.set == SetQualifier::ForAnyValue && c.op.if_exists &&
                    !x.request.context.find_lower(c.key_lower))
                    any_value_if_exists = true;
            for (const auto& c : st.conditions)
                if (c.op.family == OperatorFamily::IpAddress && x.request.context.find_lower(c.key_lower))
                    for (const auto& v : c.values)
                        if (v.cidr && v.cidr->prefix == 0 && v.cidr->network.family == IpAddress::Family::V4)
                            zero_prefix = true;
            for (const auto& c : st.conditions)
                if (c.op.family == OperatorFamily::Arn && x.request.context.find_lower(c.key_lower))
                    for (const auto& v : c.values)
                        if (v.value.has_variables) arn_variable = true;
            for (const auto& c : st.conditions) {
                if (c.op.family != OperatorFamily::IpAddress) continue;
                const ContextValue* present = x.request.context.find_lower(c.key_lower);
                if (!present) continue;
                for (const auto& rv : present->values) {
                    auto address = parse_ip_address(rv);
                    for (const auto& v : c.values)
                        if (address && v.cidr && v.text.find('/') == std::string::npos &&
                            v.cidr->network.family != address->family)
                            bare_host_other_family = true;
                }
            }
            for (const auto& r : st.resource.patterns) {
                if (r.kind != ResourcePattern::Kind::Arn) continue;
                if (st.resource.kind == ResourceSpec::Kind::NotResource && r.value.has_variables &&
                    !resolve_pattern(r.value, x.request.context, true))
                    unresolved_not_resource = true;
                auto parts = split_arn(r.text);
                if (!parts) continue;
                auto slash = parts->resource.find('/');
                if (slash != std::string_view::npos &&
                    parts->resource.substr(0, slash).find_first_of("*?") != std::string_view::npos)
                    api_id_wildcard = true;
            }
        }
    };
    scan(x.resource);
    for (const auto& p : x.identity) scan(p);
    if (any_value_if_exists) found.push_back("ForAnyValueIfExistsOnMissingKey");
    if (api_id_wildcard) found.push_back("WildcardInApiIdSegment");
    if (zero_prefix) found.push_back("Ipv4ZeroPrefix");
    if (bare_host_other_family) found.push_back("BareIpHostOtherFamily");
    if (unresolved_not_resource) found.push_back("UnresolvedVariableInNotResource");
    if (arn_variable) found.push_back("VariableInArnOperatorValue");
    return found;
}

// ---- the oracle process ----------------------------------------------------------------------------

struct OracleRun {
    std::vector<json> answers;  // by case index
    double seconds = 0;
};

// Runs all cases through one Node process. Throws std::runtime_error with a clear message if
// Node or the npm package is missing.
inline OracleRun run_oracle(const std::vector<Case>& cases, const std::string& script, const std::string& npm_dir,
                            const std::filesystem::path& work_dir) {
    namespace fs = std::filesystem;
    fs::create_directories(work_dir);
    const fs::path in = work_dir / "pairs.jsonl", out = work_dir / "oracle.jsonl", err = work_dir / "oracle.err";
    {
        std::ofstream f(in);
        for (std::size_t i = 0; i < cases.size(); ++i) f << json{{"id", i}, {"sim", cases[i].sim}}.dump() << '\n';
    }
    if (std::system("node --version > /dev/null 2>&1") != 0)
        throw std::runtime_error("node is not installed or not on PATH (needed for the iam-simulate oracle; run the test setup)");
    const std::string cmd = "XC_NPM_DIR='" + npm_dir + "' node '" + script + "' < '" + in.string() + "' > '" +
                            out.string() + "' 2> '" + err.string() + "'";
    auto start = std::chrono::steady_clock::now();
    int rc = std::system(cmd.c_str());
    OracleRun run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rc != 0) {
        std::ifstream e(err);
        std::stringstream ss;
        ss << e.rdbuf();
        throw std::runtime_error("oracle failed (exit " + std::to_string(rc) + "): " + ss.str());
    }
    run.answers.resize(cases.size());
    std::ifstream f(out);
    std::string line;
    while (std::getline(f, line)) {
        if (line.empty()) continue;
        json a = json::parse(line);
        const auto id = a["id"].get<std::size_t>();  // before the move: `x = y` evaluates y first
        run.answers.at(id) = std::move(a);
    }
    return run;
}

}  // namespace xc::policy::difftest
