// The typed model: the intermediate representation every front end produces and every later
// stage (graph, verify, emit) reads.
//
// Resources live in scopes: the consumer (one per model) and each service. Inside a scope,
// resources refer to each other by plain name; across scopes by scope and name. A front end
// fills each `Ref` as written: `scope` empty for the referring scope's own resources (our JSON
// format also leaves "scope/name" in `name`). `model::check` (model/check.hpp), which every
// front end runs, then resolves every reference to a `Ref` whose scope is filled in and
// guarantees that it names an existing resource of the right kind. Every resource keeps
// `path`, the JSON Pointer of its definition in the model (after template expansion), for
// diagnostics and findings; the model's `SourceLocator` says where that was written.
#pragma once

#include <xc/model/net.hpp>
#include <xc/model/source_locator.hpp>
#include <xc/model/unresolved.hpp>
#include <xc/policy/document.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xc::model {

// A reference to a resource in some scope (resolved: `scope` filled in, by model::check).
struct Ref {
    std::string scope;
    std::string name;
    friend auto operator<=>(const Ref&, const Ref&) = default;
    std::string to_string() const { return scope + '/' + name; }
};

// What an IAM policy document says: its JSON as written and its parse by the policy language.
// Immutable, so the places that embed the same text share one (model/policy_pool.hpp): a model
// stamped from a template embeds the template's policies once per service.
struct PolicyBody {
    nlohmann::json document;
    policy::Policy parsed;

    // The body of a document nobody wrote: JSON null, no statement.
    static const std::shared_ptr<const PolicyBody>& none() {
        static const auto body = std::make_shared<const PolicyBody>();
        return body;
    }
};

// An IAM policy document embedded as-is, where it was written, and what it says (parsed by
// the policy language when the model is loaded).
struct PolicyDocument {
    std::shared_ptr<const PolicyBody> body = PolicyBody::none();  // never null
    std::string path;

    PolicyDocument() = default;
    PolicyDocument(std::shared_ptr<const PolicyBody> b, std::string p) : body(std::move(b)), path(std::move(p)) {}
    PolicyDocument(nlohmann::json document, std::string p, policy::Policy parsed)
        : body(std::make_shared<const PolicyBody>(PolicyBody{std::move(document), std::move(parsed)})), path(std::move(p)) {}

    const nlohmann::json& document() const { return body->document; }
    const policy::Policy& parsed() const { return body->parsed; }
};

enum class AccountRole { consumer, service };

struct Account {
    std::string name;
    std::string id;  // 12 digits
    AccountRole role = AccountRole::service;
    std::string path;
};

// --- network -----------------------------------------------------------------

struct Subnet {
    std::string name;
    Ipv4Cidr cidr;
    std::string availability_zone;
    bool is_public = false;  // map public IPs on launch
    std::string route_table;  // name within the same VPC
    std::string path;
};

struct RouteTarget {
    enum class Kind { internet_gateway, vpc_endpoint } kind = Kind::internet_gateway;
    std::optional<Ref> vpc_endpoint;  // Kind::vpc_endpoint
};

struct Route {
    Ipv4Cidr destination;
    RouteTarget target;
    std::string path;
};

struct RouteTable {
    std::string name;
    std::vector<Route> routes;
    std::string path;
};

struct Vpc {
    std::string name;
    Ipv4Cidr cidr;
    bool dns_hostnames = false;
    bool dns_support = true;
    bool internet_gateway = false;
    std::map<std::string, Subnet> subnets;
    std::map<std::string, RouteTable> route_tables;
    std::string path;
};

enum class Protocol { tcp, udp, icmp, all };

// The other side of a security-group rule: exactly one of these.
struct RulePeer {
    enum class Kind { cidr, security_group, prefix_list } kind = Kind::cidr;
    std::optional<Ipv4Cidr> cidr;
    std::optional<Ref> security_group;
    std::optional<Ref> prefix_list;  // the prefix list of a gateway VPC endpoint
};

struct SecurityGroupRule {
    Protocol protocol = Protocol::tcp;
    std::uint16_t from_port = 0;  // 0..65535 for all
    std::uint16_t to_port = 65535;
    RulePeer peer;
    std::string description;
    std::string path;
};

struct SecurityGroup {
    std::string name;
    std::string vpc;  // name within the scope
    std::string description;
    std::vector<SecurityGroupRule> ingress;
    std::vector<SecurityGroupRule> egress;
    std::string path;
};

enum class EndpointType { interface, gateway };

struct VpcEndpoint {
    std::string name;
    std::string id;  // "vpce-…": the deployed id, or a placeholder the emitters replace
    std::string vpc;
    EndpointType type = EndpointType::interface;
    std::string service;  // short name: "execute-api", "dynamodb"
    std::vector<std::string> subnets;          // interface
    std::vector<std::string> security_groups;  // interface
    std::vector<std::string> route_tables;     // gateway
    bool private_dns = false;
    std::optional<PolicyDocument> policy;
    std::string path;
};

// --- edge: certificates, load balancer, DNS ------------------------------------

struct Certificate {
    std::string name;
    std::string domain;
    std::vector<std::string> alternative_names;
    bool self_signed = false;
    std::string arn;  // an existing ACM certificate (when not self-signed)
    std::string path;
};

struct TargetGroup {
    std::string name;
    std::string protocol;  // HTTP | HTTPS
    std::uint16_t port = 443;
    Ref vpc_endpoint;  // targets: the endpoint's network interfaces
    std::string health_check_path = "/";
    std::string health_check_matcher = "200";
    std::string path;
};

struct ListenerRule {
    int priority = 0;
    std::vector<std::string> hosts;
    std::string forward;  // target group name within the load balancer
    std::string path;
};

struct Listener {
    std::string name;
    std::uint16_t port = 443;
    std::string protocol;  // HTTP | HTTPS
    std::string ssl_policy;
    std::vector<Ref> certificates;
    std::string default_forward;  // target group name within the load balancer
    std::vector<ListenerRule> rules;
    std::string path;
};

struct LoadBalancer {
    std::string name;
    std::string vpc;
    bool internal = true;
    std::vector<std::string> subnets;
    std::vector<std::string> security_groups;
    std::map<std::string, Listener> listeners;
    std::map<std::string, TargetGroup> target_groups;
    std::string path;
};

struct AliasRecord {
    std::string name;  // label relative to the zone, "@" for the apex
    std::string fqdn;
    Ref load_balancer;
    bool evaluate_target_health = true;
    std::string path;
};

struct HostedZone {
    std::string name;
    std::string domain;
    bool is_private = true;
    std::vector<Ref> vpcs;
    std::map<std::string, AliasRecord> records;
    std::string path;
};

// --- keys and secrets --------------------------------------------------------

struct KmsKey {
    std::string name;
    std::string description;
    bool rotation = false;
    PolicyDocument policy;
    // The model's requirement (not a deployed attribute): other accounts may decrypt with this key
    // only the secrets the model encrypts with it (kms:EncryptionContext:SecretARN, secret-share).
    bool only_its_secrets = false;
    std::string path;
};

struct Secret {
    std::string name;
    // The name a front end read from a deployment (Terraform, CloudFormation) that states it;
    // empty: the name xc derives (model/identity.hpp). Identity uses it as written.
    std::string deployed_name;
    std::string description;
    std::optional<Ref> kms_key;  // nullopt: the AWS-managed key aws/secretsmanager
    std::optional<Ref> value_vpc_endpoint_id;  // the secret's value is this endpoint's id
    std::optional<PolicyDocument> policy;
    std::string path;
};

struct Instance {
    std::string name;
    std::string vpc;
    std::string subnet;
    std::string instance_type;
    std::string image;
    std::vector<std::string> security_groups;
    bool ssm = false;
    std::string path;
};

// --- compute and data --------------------------------------------------------

struct KeyAttribute {
    std::string name;
    std::string type;  // S | N | B
};

struct TableIndex {
    std::string name;
    KeyAttribute hash_key;
    std::optional<KeyAttribute> range_key;
    std::string projection = "ALL";
    std::string path;
};

struct Table {
    std::string name;        // model name
    std::string table_name;  // the DynamoDB table name
    std::string billing = "PAY_PER_REQUEST";
    KeyAttribute hash_key;
    std::optional<KeyAttribute> range_key;
    std::map<std::string, TableIndex> indexes;
    std::string path;
};

struct Role {
    std::string name;
    // The name a front end read from a deployment (Terraform, CloudFormation) that states it;
    // empty: the name xc derives (model/identity.hpp). Identity uses it as written.
    std::string deployed_name;
    PolicyDocument trust_policy;
    std::vector<std::string> managed_policies;  // ARNs
    std::map<std::string, PolicyDocument> policies;
    std::string path;
};

struct InvokePermission {
    std::string principal;            // e.g. apigateway.amazonaws.com
    std::optional<Ref> source_api;    // source ARN = the API's execution ARN + source_path
    std::string source_path = "/*";
    std::string source_arn;           // a literal source ARN instead of source_api
    std::string source_account;
    std::string path;
};

struct Lambda {
    std::string name;
    // The name a front end read from a deployment (Terraform, CloudFormation) that states it;
    // empty: the name xc derives (model/identity.hpp). Identity uses it as written.
    std::string deployed_name;
    std::string handler;  // what the function does: post-order | get-orders | get-order
    Ref role;
    std::optional<Ref> table;
    std::string index;  // index name on `table`, if the handler queries one
    int memory_mb = 128;
    int timeout_s = 3;
    std::vector<std::string> subnets;  // empty: not in a VPC
    std::vector<std::string> security_groups;
    std::string vpc;  // derived from the subnets' VPC
    std::map<std::string, std::string> environment;
    int log_retention_days = 0;  // 0 = never expire
    std::vector<InvokePermission> invoke_permissions;
    std::string path;
};

// --- APIs --------------------------------------------------------------------

struct QueryParameter {
    std::string name;
    bool required = false;
};

struct BodyProperty {
    std::string name;
    std::string type = "string";  // string | number | integer | boolean
    std::vector<std::string> enum_values;
    std::string path;
};

struct BodyModel {
    std::string model;  // the API Gateway model name
    std::vector<std::string> required;
    std::map<std::string, BodyProperty> properties;
    std::string path;
};

// How API Gateway authenticates a route's callers: NONE (every caller is anonymous to the
// resource policy) or AWS_IAM (SigV4-signed requests only; the caller is an IAM principal,
// evaluated by the API's resource policy and, for its own account, its identity policies).
enum class Authorization { none, aws_iam };

struct ApiRoute {
    std::string key;     // "POST /orders"
    std::string method;  // GET, POST, ... or ANY
    std::string resource_path;  // "/orders/{orderId}"
    Ref lambda;
    std::optional<Authorization> authorization;  // absent: the API's
    std::map<std::string, QueryParameter> query;
    std::optional<BodyModel> body;
    std::string path;
};

enum class ApiEndpointType { PRIVATE, REGIONAL, EDGE };

struct CustomDomain {
    std::string name;  // the domain name
    ApiEndpointType endpoint_type = ApiEndpointType::REGIONAL;
    Ref certificate;
    std::string base_path;  // maps to the API's stage
    std::optional<PolicyDocument> policy;  // PRIVATE domains
    std::vector<Ref> access_vpc_endpoints;   // PRIVATE domains: access associations
    std::string path;
};

struct RestApi {
    std::string name;
    // The name a front end read from a deployment (Terraform, CloudFormation) that states it;
    // empty: the name xc derives (model/identity.hpp). Identity uses it as written.
    std::string deployed_name;
    std::string id;  // optional: the deployed API id
    bool is_private = false;  // the intent: only the consumer may reach it
    ApiEndpointType endpoint_type = ApiEndpointType::PRIVATE;
    std::vector<Ref> vpc_endpoints;  // endpoint configuration
    std::optional<Ref> endpoint_id_from;  // secret the service reads the endpoint id from
    std::string stage;
    bool validate_body = false;
    bool validate_parameters = false;
    std::map<std::string, ApiRoute> routes;
    Authorization authorization = Authorization::none;  // every route's unless it states its own
    // The consumer's principals (roles) that call this API: with AWS_IAM, api-liveness is
    // proved for each of them, with its identity policies.
    std::vector<Ref> callers;
    std::optional<PolicyDocument> policy;
    std::optional<CustomDomain> custom_domain;

    Authorization authorization_of(const ApiRoute& r) const { return r.authorization.value_or(authorization); }
    std::string path;
};

// --- scopes and the model ----------------------------------------------------

enum class ScopeKind { consumer, service };

struct Scope {
    std::string name;
    ScopeKind kind = ScopeKind::service;
    std::string account;   // account name
    std::string template_name;  // services stamped from a template
    std::string path;
    std::map<std::string, Vpc> vpcs;
    std::map<std::string, SecurityGroup> security_groups;
    std::map<std::string, VpcEndpoint> vpc_endpoints;
    std::map<std::string, Certificate> certificates;
    std::map<std::string, LoadBalancer> load_balancers;
    std::map<std::string, HostedZone> hosted_zones;
    std::map<std::string, KmsKey> kms_keys;
    std::map<std::string, Secret> secrets;
    std::map<std::string, Instance> instances;
    std::map<std::string, Table> tables;
    std::map<std::string, Role> roles;
    std::map<std::string, Lambda> lambdas;
    std::map<std::string, RestApi> apis;
};

struct Model {
    std::string file;
    std::shared_ptr<const SourceLocator> source;  // where each value was written (set by the front end)

    // Where the value at `path` (a model path) was written; only the path when nobody knows.
    Location locate(std::string_view path) const {
        return source ? source->locate(path) : Location{file, {}, std::string(path)};
    }
    // Line and column where the value at `pointer` (a model path) was written.
    SourcePosition position(const std::string& pointer) const { return locate(pointer).position; }
    // `d` with its file, line:column and source path filled in from its model path.
    Diagnostic located(Diagnostic d) const {
        Location at = locate(d.path);
        d.file = std::move(at.file);
        d.position = at.position;
        d.path = std::move(at.path);
        return d;
    }

    std::string name;
    std::string region;
    std::map<std::string, Account> accounts;
    Scope consumer;
    std::map<std::string, Scope> services;
    // What the front end could not resolve (model/unresolved.hpp): the verifier makes every
    // property that depends on an affected resource UNDECIDED. Our JSON format has none.
    std::vector<Unresolved> unresolved;

    const Scope* scope(const std::string& name) const {
        if (name == consumer.name) return &consumer;
        auto it = services.find(name);
        return it == services.end() ? nullptr : &it->second;
    }
    const Account& account_of(const Scope& s) const { return accounts.at(s.account); }

    // Every scope, consumer first, then services by name.
    template <class F>
    void for_each_scope(F&& f) const {
        f(consumer);
        for (const auto& [_, s] : services) f(s);
    }
};

inline const char* to_string(Authorization a) { return a == Authorization::aws_iam ? "AWS_IAM" : "NONE"; }

inline const char* to_string(ApiEndpointType t) {
    switch (t) {
        case ApiEndpointType::PRIVATE: return "PRIVATE";
        case ApiEndpointType::REGIONAL: return "REGIONAL";
        case ApiEndpointType::EDGE: return "EDGE";
    }
    return "?";
}

}  // namespace xc::model
