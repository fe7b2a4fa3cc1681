// The request context AWS builds on each path of a request xc reasons about: one table of
// condition keys — type, single- or multivalued, and per request path whether AWS sets the key
// (always / never / on some requests / the caller decides) and what values it can take.
//
// The symbolic request (policy_query.hpp), its witnesses and the concrete requests of liveness
// and availability all read this table, so a proof quantifies over exactly the contexts AWS can
// produce on that path: no `aws:SourceIp` through an interface endpoint, only lower-case
// `vpce-` ids as `aws:SourceVpce`, `execute-api:viaDomainArn` when the request came through a
// private custom domain, `kms:ViaService` and the `SecretARN` encryption context on the Decrypt
// Secrets Manager makes for a reader.
//
// Narrowing a key is a claim about AWS: a context the table rules out is never considered, so a
// wrong row proves too much. Hence: a key the table does not list, or lists as `caller` on a
// path, keeps the widest reading (present or absent, any value, what a caller could send), and a
// key is narrowed only where the AWS page cited next to its row says so. Values AWS takes from
// the architecture (an endpoint's id, a domain's ARN) are given by the property as deployed
// identities (model::Term): what AWS assigns at deployment stays symbolic.
#pragma once

#include <xc/model/identity.hpp>
#include <xc/policy/policy.hpp>
#include <xc/verify/pattern_set.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xc::verify {

// A deployed identity as a glob: its literal text, and any string of the documented length for
// each value AWS assigns (none of them contains ':').
inline Glob glob_of(const model::Term& t) {
    Glob g;
    for (const auto& part : t.parts()) {
        if (!part.assigned) g.append_literal(part.text);
        else if (part.assigned->length == 0) g.append_run(true);
        else
            for (std::size_t i = 0; i < part.assigned->length; ++i) g.tokens.push_back({Glob::Kind::any_char, 0, true});
    }
    return g;
}

// The paths of the requests xc's properties reason about.
enum class RequestPath : std::uint8_t {
    unspecified,             // no path: every key as the caller likes (the table's widest reading)
    private_api,             // client -> interface endpoint -> private API (execute-api:Invoke), directly or through any custom domain
    private_api_via_domain,  // the same, through the model's private custom domain (the API's invocation)
    private_domain,          // client -> interface endpoint -> invoke of the private custom domain itself
    secret_read,             // secretsmanager:GetSecretValue by some principal
    kms_decrypt_for_secret,  // the kms:Decrypt Secrets Manager makes with a reader's credentials
    kms_by_caller,           // any KMS request by some principal, directly or through an integrated service
    lambda_invoke_by_api,    // lambda:InvokeFunction by apigateway.amazonaws.com for a route
    dynamodb_by_role,        // DynamoDB calls made with a Lambda function's role
};
inline constexpr std::string_view to_string(RequestPath p) {
    switch (p) {
        case RequestPath::unspecified: return "unspecified";
        case RequestPath::private_api: return "private-api";
        case RequestPath::private_api_via_domain: return "private-api-via-domain";
        case RequestPath::private_domain: return "private-domain";
        case RequestPath::secret_read: return "secret-read";
        case RequestPath::kms_decrypt_for_secret: return "kms-decrypt-for-secret";
        case RequestPath::kms_by_caller: return "kms-by-caller";
        case RequestPath::lambda_invoke_by_api: return "lambda-invoke-by-api";
        case RequestPath::dynamodb_by_role: return "dynamodb-by-role";
    }
    return "?";
}

// How a key's value is read: the types of the IAM page's "Data type" lines (epoch: "Date, Numeric").
enum class KeyType : std::uint8_t { string, arn, boolean, date, epoch, ip };

enum class Presence : std::uint8_t {
    caller,  // the caller decides (or AWS does in ways not documented): present or absent, any value
    always,  // AWS puts it in every request on this path
    never,   // AWS never puts it in a request on this path
    maybe,   // AWS sets it on some requests of this path and not others; when set, a value of its type and format
};

// What a key holds on one path, when present.
struct PathRule {
    RequestPath path = RequestPath::unspecified;
    Presence presence = Presence::caller;
    std::string_view fixed{};    // a literal AWS always sends here (e.g. "true")
    bool architecture = false;   // the value comes from the architecture: the property gives it (a model::Term)
};

struct ContextKey {
    std::string_view name;  // as AWS writes it
    KeyType type = KeyType::string;
    bool multivalued = false;
    // Values AWS can produce, when it sets the key (any one of these globs); empty: any value of the type.
    std::vector<Glob> format;
    std::vector<PathRule> paths;  // a path not listed: Presence::caller
    std::string_view sample{};    // a value of the format, for a witness of a key no policy reads
    std::string_view source;      // where AWS documents the row

    PathRule on(RequestPath p) const {
        for (const auto& r : paths)
            if (r.path == p) return r;
        return PathRule{p, Presence::caller, {}, false};
    }
};

namespace detail {
inline constexpr std::string_view lower_hex = "0123456789abcdef";

// An EC2 resource id: "<prefix>-" and 8 or 17 lower-case hex digits.
inline std::vector<Glob> ec2_id(std::string_view prefix) {
    return {Glob::literal(std::string(prefix) + "-").append_of(lower_hex, 17), Glob::literal(std::string(prefix) + "-").append_of(lower_hex, 8)};
}
// ARN condition values as one glob: segments 0-3 colon-free, the resource part free.
inline Glob arn_glob(const policy::ArnPattern& p) {
    Glob g = Glob::literal("arn:");
    for (std::size_t i = 0; i < 5; ++i) {
        if (i) g.append_literal(":");
        g.append(Glob::from(p.segments[i], i < 4));
    }
    return g;
}

// "arn:<partition>:<service>:<region>:<account>:<resource prefix>..." with colon-free segments.
inline Glob arn_with(std::string_view service, std::string_view resource_prefix) {
    Glob g = Glob::literal("arn:");
    g.append_run(true).append_literal(":" + std::string(service) + ":");
    g.append_run(true).append_literal(":").append_run(true).append_literal(":" + std::string(resource_prefix));
    return g.append_run(false);
}

inline std::vector<ContextKey> make_context_keys() {
    using P = RequestPath;
    using A = Presence;
    constexpr P every_path[] = {P::private_api, P::private_api_via_domain, P::private_domain, P::secret_read,
                                P::kms_decrypt_for_secret, P::kms_by_caller, P::lambda_invoke_by_api, P::dynamodb_by_role};
    auto on_every = [&](Presence a, std::string_view fixed = {}) {
        std::vector<PathRule> rules;
        for (auto p : every_path) rules.push_back({p, a, fixed, false});
        return rules;
    };
    auto api_paths = [](Presence a, std::string_view fixed = {}) {
        return std::vector<PathRule>{{P::private_api, a, fixed, false}, {P::private_api_via_domain, a, fixed, false}, {P::private_domain, a, fixed, false}};
    };
    auto with = [](std::vector<PathRule> rules, std::vector<PathRule> more) {
        for (auto& r : more) {
            auto it = std::find_if(rules.begin(), rules.end(), [&](const PathRule& x) { return x.path == r.path; });
            if (it != rules.end()) *it = r;
            else rules.push_back(r);
        }
        return rules;
    };
    // Service-specific keys are in the requests to their own service only (IAM User Guide, "AWS
    // global condition context keys": "Service-specific condition keys are defined for use with
    // an individual AWS service").
    auto only_on = [&](std::vector<PathRule> own) { return with(on_every(A::never), std::move(own)); };
    const std::vector<Glob> boolean{Glob::literal("true"), Glob::literal("false")};

    return {
        // --- network -----------------------------------------------------------------------
        {"aws:SourceVpce", KeyType::string, false, ec2_id("vpce"),
         api_paths(A::always),
         "vpce-0123456789abcdef0",
         "IAM User Guide, AWS global condition context keys, aws:SourceVpce: \"This key is included in the request context only "
         "if the requester uses a VPC endpoint\", \"Value type - Single-valued\" (a private API is reachable only through an "
         "interface endpoint: API Gateway Developer Guide, Private REST APIs). Format: EC2 User Guide, Resource IDs: \"8-character "
         "format; the new IDs are in a 17-character format\" (vpc-endpoint is a longer-ID type, EC2 API DescribeIdFormat); AWS "
         "DataSync API PrivateLinkConfig.VpcEndpointId \"Pattern: ^vpce-[0-9a-f]{17}$\""},
        {"aws:SourceIp", KeyType::ip, false, {},
         api_paths(A::never),
         "203.0.113.10",
         "IAM User Guide, aws:SourceIp: \"This key is included in the request context, except when the requester uses a VPC "
         "endpoint to make the request\"; \"If the request comes from a host that uses an Amazon VPC endpoint, then the "
         "aws:SourceIp key is not available\""},
        {"aws:VpcSourceIp", KeyType::ip, false, {},
         api_paths(A::maybe),
         "10.0.0.10",
         "IAM User Guide, aws:VpcSourceIp: \"This key is included in the request context only if the request is made using a VPC "
         "endpoint\", \"Data type - IP address\", \"Value type - Single-valued\""},
        {"aws:SourceVpc", KeyType::string, false, ec2_id("vpc"),
         api_paths(A::maybe),
         "vpc-0123456789abcdef0",
         "IAM User Guide, aws:SourceVpc: \"included in the request context only if the requester uses a VPC endpoint\", "
         "\"Value type - Single-valued\"; format: EC2 User Guide, Resource IDs (vpc is a longer-ID type)"},
        // --- request -------------------------------------------------------------------------
        {"aws:SecureTransport", KeyType::boolean, false, boolean,
         with(on_every(A::always), with(api_paths(A::always, "true"), {{P::kms_decrypt_for_secret, A::always, "true"}, {P::kms_by_caller, A::always, "true"}})),
         "true",
         "IAM User Guide, aws:SecureTransport: \"This key is always included in the request context\", \"returns true or "
         "false\"; API Gateway Developer Guide, Data protection: \"API Gateway doesn't support unencrypted (HTTP) endpoints\"; "
         "AWS KMS Developer Guide, Data protection: AWS KMS endpoints accept TLS connections only"},
        {"aws:CurrentTime", KeyType::date, false, {}, on_every(A::always), "2026-01-01T00:00:00Z",
         "IAM User Guide, aws:CurrentTime: \"This key is always included in the request context\", \"Data type - Date\""},
        {"aws:EpochTime", KeyType::epoch, false, {}, on_every(A::always), "1767225600",
         "IAM User Guide, aws:EpochTime: \"This key is always included in the request context\", \"Data type - Date, Numeric\""},
        {"aws:ViaAWSService", KeyType::boolean, false, boolean,
         {{P::secret_read, A::always}, {P::kms_decrypt_for_secret, A::always, "true"}, {P::kms_by_caller, A::always}, {P::dynamodb_by_role, A::always}},
         "false",
         "IAM User Guide, aws:ViaAWSService: \"returns true when a service uses the credentials of an IAM principal to make a "
         "request on behalf of the principal\", \"always included in the request context for most services\" (the exceptions "
         "listed are EC2, Glue, Lake Formation, OpsWorks); API Gateway is not listed among the services it is documented for, "
         "so its paths keep the caller reading"},
        // --- API Gateway ---------------------------------------------------------------------
        {"execute-api:viaDomainArn", KeyType::arn, false, {arn_with("execute-api", "/domainnames/")},
         only_on({{P::private_api, A::maybe},
                  {P::private_api_via_domain, A::always, {}, true},
                  {P::private_domain, A::always, {}, true}}),
         "arn:aws:execute-api:us-east-1:111122223333:/domainnames/private.example.com+abcd1234",
         "Service Authorization Reference, Amazon API Gateway Management API: \"execute-api:viaDomainArn - Filters access by "
         "the domain name ARN the API is called from\" (a condition key of the execute-api-general resource, the API's "
         "invocation); API Gateway Developer Guide, VPC endpoint policies, Example 4 (ArnEquals on it admits the domain and "
         "every API mapped to it: so AWS sets it when the endpoint policy decides the call of the domain itself too, whose "
         "only statement it is). Format: the private custom domain ARN, arn:${Partition}:execute-api:${Region}:${Account}:"
         "/domainnames/${DomainName}+${DomainIdentifier}"},
        // --- KMS, for Secrets Manager --------------------------------------------------------
        {"kms:ViaService", KeyType::string, false, {},
         only_on({{P::kms_decrypt_for_secret, A::always, {}, true}, {P::kms_by_caller, A::caller}}),
         "secretsmanager.us-east-1.amazonaws.com",
         "AWS KMS Developer Guide, kms:ViaService: \"limits use of a KMS key to requests from specified AWS services\", value "
         "\"<service>.<region>.amazonaws.com\"; Secrets Manager User Guide, Secret encryption and decryption: the key policy "
         "condition \"kms:ViaService\": \"secretsmanager.<Region>.amazonaws.com\""},
        {"kms:EncryptionContext:SecretARN", KeyType::string, false, {arn_with("secretsmanager", "secret:")},
         only_on({{P::kms_decrypt_for_secret, A::always, {}, true}, {P::kms_by_caller, A::caller}}),
         "arn:aws:secretsmanager:us-east-1:111122223333:secret:name-AbCdEf",
         "Secrets Manager User Guide, Secret encryption and decryption: \"In its encrypt and decrypt operations, Secrets Manager "
         "uses ... the encryption context\" \"SecretARN\": the secret's ARN, \"SecretVersionId\"; AWS KMS Developer Guide, "
         "kms:EncryptionContext:context-key"},
        {"kms:CallerAccount", KeyType::string, false, {},
         only_on({{P::kms_decrypt_for_secret, A::always, {}, true}, {P::kms_by_caller, A::always}}),
         "111122223333",
         "AWS KMS Developer Guide, kms:CallerAccount: \"the AWS account of the caller\" (the reader's account: Secrets Manager "
         "calls KMS with the reader's credentials). On kms-by-caller xc does not tie its value to the caller's account: any "
         "value, a wider reading (a proof holds for the requests AWS makes too)"},
        // --- service to service ----------------------------------------------------------------
        {"aws:SourceArn", KeyType::arn, false, {},
         {{P::lambda_invoke_by_api, A::always, {}, true}},
         "arn:aws:execute-api:us-east-1:111122223333:abcdefghij/*/GET/",
         "IAM User Guide, aws:SourceArn: \"included in the request context only if accessing a resource triggers an AWS "
         "service to call another service on behalf of the resource owner\" (API Gateway invoking a function: the route's "
         "execution ARN)"},
        {"aws:SourceAccount", KeyType::string, false, {},
         {{P::lambda_invoke_by_api, A::always, {}, true}},
         "111122223333",
         "IAM User Guide, aws:SourceAccount: \"included in the request context only when the call to your resource is being "
         "made directly by an AWS service principal\""},
        // --- multivalued keys (kept as the caller decides; listed for their value type) --------
        {"aws:TagKeys", KeyType::string, true, {}, {}, {}, "IAM User Guide, aws:TagKeys: \"Value type - Multivalued\""},
        {"aws:PrincipalOrgPaths", KeyType::string, true, {}, {}, {}, "IAM User Guide, aws:PrincipalOrgPaths: multivalued"},
        {"aws:ResourceOrgPaths", KeyType::string, true, {}, {}, {}, "IAM User Guide, aws:ResourceOrgPaths: \"Value type - Multivalued\""},
        {"aws:SourceOrgPaths", KeyType::string, true, {}, {}, {}, "IAM User Guide, aws:SourceOrgPaths: multivalued"},
        {"aws:VpceOrgPaths", KeyType::string, true, {}, {}, {}, "IAM User Guide, aws:VpceOrgPaths: \"Value type - Multivalued\""},
        {"aws:CalledVia", KeyType::string, true, {}, {}, {}, "IAM User Guide, aws:CalledVia: \"a multivalued key\""},
        {"aws:PrincipalServiceNamesList", KeyType::string, true, {}, {}, {}, "IAM User Guide, aws:PrincipalServiceNamesList: multivalued"},
    };
}
}  // namespace detail

// Every key of the table.
inline const std::vector<ContextKey>& context_keys() {
    static const std::vector<ContextKey> keys = detail::make_context_keys();
    return keys;
}

// The row of a key (case-insensitive, as IAM compares key names), if the table has one.
inline const ContextKey* find_context_key(std::string_view name) {
    for (const auto& k : context_keys())
        if (policy::iequals(k.name, name)) return &k;
    return nullptr;
}

// Values the architecture gives a request on its path, by key (lower-case): the deployed
// identity of an endpoint, a domain, a secret, an account.
using KnownValues = std::map<std::string, model::Term>;

namespace detail {
inline bool parses_as(KeyType t, const std::string& v) {
    switch (t) {
        case KeyType::ip: return policy::parse_ip_address(v).has_value();
        case KeyType::date:
        case KeyType::epoch: return policy::parse_date(v).has_value();
        case KeyType::arn: return policy::split_arn(v).has_value();
        case KeyType::boolean:
        case KeyType::string: return true;
    }
    return true;
}
}  // namespace detail

// The globs a present value of `key` must match one of on `path` (empty: any value).
inline std::vector<Glob> value_domain(const ContextKey& key, RequestPath path, const KnownValues& known) {
    PathRule rule = key.on(path);
    if (!rule.fixed.empty()) return {Glob::literal(rule.fixed)};
    if (rule.architecture)
        if (auto it = known.find(policy::ascii_lower(key.name)); it != known.end()) return {glob_of(it->second)};
    return key.format;
}

// What in `context` AWS could not have produced on `path` (empty: nothing): a key present that
// AWS never sets there, one absent that it always sets, a value outside the key's domain, a
// multivalued key given one value or a single-valued one a set.
inline std::vector<std::string> context_violations(const policy::Context& context, RequestPath path, const KnownValues& known = {}) {
    std::vector<std::string> out;
    for (const auto& key : context_keys()) {
        const policy::ContextValue* v = context.find(key.name);
        PathRule rule = key.on(path);
        if (v && v->multi_valued != key.multivalued)
            out.push_back(std::string(key.name) + (key.multivalued ? " is multivalued but given one value" : " is single-valued but given a set"));
        if (rule.presence == Presence::caller) continue;
        if (rule.presence == Presence::never) {
            if (v) out.push_back(std::string(key.name) + " is present, but AWS never sets it on the " + std::string(to_string(path)) + " path");
            continue;
        }
        if (!v) {
            if (rule.presence == Presence::always)
                out.push_back(std::string(key.name) + " is absent, but AWS always sets it on the " + std::string(to_string(path)) + " path");
            continue;
        }
        auto domain = value_domain(key, path, known);
        for (const auto& value : v->values) {
            if (!detail::parses_as(key.type, value)) out.push_back(std::string(key.name) + " = '" + value + "' is not of its type");
            if (!domain.empty() && std::none_of(domain.begin(), domain.end(), [&](const Glob& g) {
                    return detail::glob_matches(g, value, policy::CaseMode::Sensitive);
                }))
                out.push_back(std::string(key.name) + " = '" + value + "' is a value AWS does not produce on the " + std::string(to_string(path)) + " path");
        }
    }
    return out;
}

// The context AWS builds for one concrete request on `path`: every key it always sets, with the
// value the architecture or the property gives (`known`, `chosen`), else the row's sample. A
// sample or an assigned part of a known value is a stand-in: `stand_ins` names those keys, and a
// decision that reads them is not a decision about AWS (see require_independent).
struct ConcreteContext {
    policy::Context context;
    std::vector<std::string> stand_ins;  // keys whose value is (partly) a stand-in
};
inline ConcreteContext concrete_context(RequestPath path, const KnownValues& known, const std::map<std::string, std::string>& chosen = {}) {
    ConcreteContext out;
    for (const auto& key : context_keys()) {
        PathRule rule = key.on(path);
        const std::string lower = policy::ascii_lower(key.name);
        if (auto c = chosen.find(lower); c != chosen.end()) {
            out.context.set(key.name, c->second);
            continue;
        }
        if (rule.presence != Presence::always) continue;
        if (!rule.fixed.empty()) {
            out.context.set(key.name, std::string(rule.fixed));
        } else if (auto k = known.find(lower); rule.architecture && k != known.end()) {
            out.context.set(key.name, k->second.stand_in());
            if (!k->second.is_literal()) out.stand_ins.push_back(lower);
        } else {
            out.context.set(key.name, std::string(key.sample));
            out.stand_ins.push_back(lower);
        }
    }
    return out;
}

}  // namespace xc::verify
