// The front end of our JSON model format: JSON text -> typed, checked Model.
//
// Phases, as in a compiler: parse (positions, duplicate keys, limits) -> expand service
// templates -> read every scope with type checks (this file) -> the semantic checks every
// front end runs (model::check: references, uniqueness, CIDRs, ...). Every mistake becomes a
// Diagnostic with the file, the JSON Pointer, line:column and, where it helps, a "did you
// mean". All independent mistakes of a phase are reported together; any mistake means no Model
// (InputError).
#pragma once

#include <xc/detail/parallel.hpp>
#include <xc/diagnostic.hpp>
#include <xc/error.hpp>
#include <xc/input/json/detail/reader.hpp>
#include <xc/input/json/json_source.hpp>
#include <xc/input/json/source_map.hpp>
#include <xc/input/json/template.hpp>
#include <xc/model/check.hpp>
#include <xc/model/model.hpp>
#include <xc/model/policy_pool.hpp>
#include <xc/policy/parse.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace xc::input::json {

// The format version this loader reads (the model's "xc" member).
inline constexpr int format_version = 1;

// The application name begins the names of deployed resources; the longest-limited of them is
// a Lambda function's, "<name>-<scope>-<function>", which AWS allows 64 characters: with a
// scope and a function of one character each, the name can have 64 - 4 = 60.
inline constexpr std::size_t max_application_name = 64 - 4;

namespace detail {

using namespace xc::model;  // the IR this front end produces

inline bool is_dns_label(std::string_view s) {
    if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

// A lower-case DNS name; `allow_wildcard` admits "*." as the first label only.
inline bool is_domain_name(std::string_view s, bool allow_wildcard) {
    if (s.empty() || s.size() > 253) return false;
    if (allow_wildcard && s.rfind("*.", 0) == 0) s.remove_prefix(2);
    int labels = 0;
    while (true) {
        auto dot = s.find('.');
        if (!is_dns_label(s.substr(0, dot))) return false;
        ++labels;
        if (dot == std::string_view::npos) break;
        s.remove_prefix(dot + 1);
    }
    return labels >= 2;
}

inline bool is_vpc_endpoint_id(std::string_view s) {
    if (s.rfind("vpce-", 0) != 0 || s.size() < 5 + 8 || s.size() > 5 + 17) return false;
    for (char c : s.substr(5))
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

inline bool is_region(std::string_view s) {
    // e.g. eu-central-1, us-gov-west-1, ap-southeast-2
    auto last_dash = s.rfind('-');
    if (last_dash == std::string_view::npos || last_dash + 1 >= s.size() || s.find('-') == last_dash) return false;
    for (char c : s.substr(last_dash + 1))
        if (c < '0' || c > '9') return false;
    for (char c : s.substr(0, last_dash))
        if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
    return s.front() != '-';
}

class ModelLoader {
public:
    explicit ModelLoader(std::shared_ptr<const JsonSource> source, unsigned jobs = 0)
        : owned_(std::move(source)), source_(*owned_), shared_(model_), jobs_(xc::detail::jobs_or_cores(jobs)) {}
    // Not copied: it holds references into itself (shared_ is its own model_, or a parent's).
    ModelLoader(const ModelLoader&) = delete;
    ModelLoader& operator=(const ModelLoader&) = delete;

    Model load() {
        const json& root = source_.root();
        ObjectReader top(diags_, root, "",
                         {"xc", "name", "region", "accounts", "consumer", "templates", "services"}, "the model");
        if (!top.ok()) fail();
        if (const json* v = top.require("xc", "the format version, 1")) {
            if (!v->is_number_integer() || v->get<std::int64_t>() != format_version)
                diags_.error("/xc", "unsupported format version " + v->dump() + "; this xc reads version " +
                                        std::to_string(format_version));
        }
        if (auto name = top.string("name", true, "the application name")) {
            if (!is_valid_name(*name) || name->size() > max_application_name)
                diags_.error("/name", "invalid application name '" + *name + "': use 1-" + std::to_string(max_application_name) +
                                          " letters, digits, '-', '_' or '.', starting with a letter or digit (it begins the "
                                          "names of deployed resources: a Lambda function is named <name>-<service>-<function>, "
                                          "at most 64 characters)");
            model_.name = *name;
        }
        if (auto region = top.string("region", true, "an AWS region such as \"eu-central-1\"")) {
            if (!is_region(*region)) diags_.error("/region", "expected an AWS region such as \"eu-central-1\", found '" + *region + "'");
            model_.region = *region;
        }
        read_accounts(top);
        // Structural errors so far (wrong types at the top) make the rest meaningless.
        if (!diags_.empty()) fail();

        model_.consumer.name = "consumer";
        model_.consumer.kind = ScopeKind::consumer;
        model_.consumer.path = "/consumer";
        if (const json* consumer = top.require("consumer", "the consumer's resources")) {
            read_scope(*consumer, {}, "/consumer", model_.consumer);
        }
        read_services(top);
        if (!diags_.empty()) fail();

        model_.file = source_.file();
        // The map takes the services' sources: the loader has no use for them after this.
        model_.source = std::make_shared<SourceMap>(owned_, std::move(service_sources_));
        service_sources_.clear();
        model::check(model_, diags_, jobs_);
        if (!diags_.empty()) fail();
        return std::move(model_);
    }

private:
    [[noreturn]] void fail() {
        // Once the model has its source map (the semantic checks), the service sources are in it.
        const std::shared_ptr<const model::SourceLocator> map =
            model_.source ? model_.source : std::make_shared<SourceMap>(owned_, service_sources_);
        std::vector<Diagnostic> out;
        for (auto& d : diags_.items()) {
            Location at = map->locate(d.path);
            out.push_back(Diagnostic{std::move(at.file), std::move(at.path), at.position, std::move(d.message), std::move(d.hint)});
        }
        throw InputError(std::move(out));
    }

    // --- accounts -----------------------------------------------------------
    void read_accounts(const ObjectReader& top) {
        std::map<std::string, std::string> by_id;
        int consumers = 0;
        top.each_member("accounts", true, "accounts", [&](const std::string& name, const json& v, const std::string& path) {
            check_name(name, path);
            ObjectReader r(diags_, v, path, {"id", "role"}, "an account");
            Account a;
            a.name = name;
            a.path = path;
            if (auto id = r.string("id", true, "a 12-digit account id")) {
                if (!is_account_id(*id)) diags_.error(r.path("id"), "expected a 12-digit account id, found '" + *id + "'");
                else if (auto [it, fresh] = by_id.emplace(*id, name); !fresh)
                    diags_.error(r.path("id"), "account id " + *id + " is already used by account '" + it->second + "'");
                a.id = *id;
            }
            if (auto role = r.choice("role", true, {"consumer", "service"})) {
                a.role = *role == "consumer" ? AccountRole::consumer : AccountRole::service;
                if (a.role == AccountRole::consumer) ++consumers;
            }
            model_.accounts.emplace(name, std::move(a));
        });
        if (diags_.empty() && consumers != 1)
            diags_.error("/accounts", "expected exactly one account with role 'consumer', found " + std::to_string(consumers));
    }

    void check_name(const std::string& name, const std::string& path) {
        if (!is_valid_name(name))
            diags_.error(path, "invalid name '" + name +
                                   "': use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit");
    }

    std::string scope_account(const ObjectReader& r, AccountRole expected_role) {
        auto account = r.string("account", true, "the name of an account");
        if (!account) return {};
        auto it = shared_.accounts.find(*account);
        if (it == shared_.accounts.end()) {
            std::vector<std::string> names;
            for (const auto& [k, _] : shared_.accounts) names.push_back(k);
            diags_.error(r.path("account"), "no account named '" + *account + "'", did_you_mean(*account, names));
            return {};
        }
        if (it->second.role != expected_role)
            diags_.error(r.path("account"), "account '" + *account + "' has role '" +
                                                (it->second.role == AccountRole::consumer ? "consumer" : "service") +
                                                "'; expected '" +
                                                (expected_role == AccountRole::consumer ? "consumer" : "service") + "'");
        return *account;
    }

    // --- services and templates ----------------------------------------------
    //
    // Services are read independently of each other (expanded from their template, then read as a
    // scope), in chunks spread over `jobs_` threads, each chunk by a loader of its own; its
    // services, sources and diagnostics are then taken in chunk order, so the model and the
    // messages are the same for any number of threads.
    void read_services(const ObjectReader& top) {
        const json* templates = top.get("templates");
        if (templates && !templates->is_object())
            diags_.error("/templates", "expected an object of service templates by name, found " + describe(*templates));
        struct Entry {
            std::string name;
            const json* raw;
            std::string path;
        };
        // A template's members that hold no placeholder, in their key or value, are read in place
        // by every service that leaves them alone (read_service); which ones is found once, here.
        TemplateSet set{templates, {}};
        if (templates && templates->is_object())
            for (const auto& [_, t] : templates->items())
                if (t.is_object())
                    for (const auto& member : t.get_ref<const json::object_t&>())
                        if (!holds_placeholder(member)) set.without_placeholders.insert(&member.second);
        std::vector<Entry> entries;
        top.each_member("services", true, "services", [&](const std::string& name, const json& raw, const std::string& path) {
            entries.push_back(Entry{name, &raw, path});
        });
        constexpr std::size_t per_chunk = 256;
        const std::size_t chunks = xc::detail::chunk_count(entries.size(), per_chunk);
        if (chunks <= 1 || jobs_ == 1) {
            for (const auto& e : entries) read_service(e.name, *e.raw, e.path, set);
            return;
        }
        std::vector<std::unique_ptr<ModelLoader>> readers(chunks);
        xc::detail::run_chunks(entries.size(), per_chunk, jobs_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            readers[c] = std::unique_ptr<ModelLoader>(new ModelLoader(ChunkOf{}, *this));
            for (std::size_t i = begin; i < end; ++i) readers[c]->read_service(entries[i].name, *entries[i].raw, entries[i].path, set);
        });
        for (auto& r : readers) {
            model_.services.merge(r->model_.services);  // moves the nodes (names are unique: JSON keys)
            std::move(r->service_sources_.begin(), r->service_sources_.end(), std::back_inserter(service_sources_));
            auto& items = r->diags_.items();
            std::move(items.begin(), items.end(), std::back_inserter(diags_.items()));
        }
    }

    struct TemplateSet {
        const json* templates;  // the model's "templates", if any
        std::unordered_set<const json*> without_placeholders;  // templates' members holding none
    };

    // One service: its template merged with its own members, placeholders expanded, read as a scope.
    void read_service(const std::string& name, const json& raw, const std::string& path, const TemplateSet& set) {
        const json* templates = set.templates;
        check_name(name, path);
        if (name == "consumer") {
            diags_.error(path, "'consumer' is reserved for the consumer's scope; choose another service name");
            return;
        }
        if (!raw.is_object()) {
            diags_.error(path, "expected a service (an object), found " + describe(raw));
            return;
        }
        // The account decides built-in parameters (accountId): without it, expansion
        // would only add follow-on errors.
        auto account = raw.find("account");
        if (account == raw.end()) {
            diags_.error(path, "missing required field 'account' (the name of an account)");
            return;
        }
        if (!account->is_string() || !shared_.accounts.contains(account->get<std::string>())) {
            std::vector<std::string> names;
            for (const auto& [k, _] : shared_.accounts) names.push_back(k);
            if (account->is_string())
                diags_.error(path + "/account", "no account named '" + account->get<std::string>() + "'",
                             did_you_mean(account->get<std::string>(), names));
            else
                diags_.error(path + "/account", "expected the name of an account, found " + describe(*account));
            return;
        }
        ServiceSource src;
        src.pointer = path;
        src.raw = &raw;
        // The service's own members: all but the meta members (account, template, parameters).
        auto is_meta = [](const std::string& k) { return k == "account" || k == "template" || k == "parameters"; };
        // What is read: `body`, the members that are merged or hold a placeholder, copied and then
        // expanded; and `in_place`, the members that are neither, read where they are written
        // (their expansion is themselves). A stamped model's services leave most of their
        // template alone: copying it for each of them, then destroying the copy, was a quarter of
        // loading one.
        json body = json::object();
        std::vector<const ObjectReader::Member*> in_place;
        std::string template_name;
        if (auto it = raw.find("template"); it != raw.end()) {
            if (!it->is_string()) {
                diags_.error(path + "/template", "expected the name of a template, found " + describe(*it));
                return;
            }
            template_name = it->get<std::string>();
            if (!templates || !templates->is_object() || !templates->contains(template_name)) {
                std::vector<std::string> names;
                if (templates && templates->is_object())
                    for (const auto& [k, _] : templates->items()) names.push_back(k);
                diags_.error(path + "/template", "no template named '" + template_name + "'",
                             did_you_mean(template_name, names));
                return;
            }
            const json& t = (*templates)[template_name];
            std::string tpath = json_pointer::join("/templates", template_name);
            if (!t.is_object()) {
                diags_.error(tpath, "expected a service template (an object), found " + describe(t));
                return;
            }
            // Meta members belong to the service: a template names no account and does not nest.
            bool meta = false;
            for (auto k : {"account", "template", "parameters"})
                if (t.contains(k)) {
                    diags_.error(json_pointer::join(tpath, k), std::string("'") + k +
                                                                  "' belongs on the service, not in a template");
                    meta = true;
                }
            if (meta) return;
            src.template_pointer = json_pointer::join("/templates", template_name);
            src.template_raw = &t;
            // RFC 7386 merge patch of the service's own members over the template, member by
            // member (null deletes one): the service itself is never copied first.
            const auto& own = raw.get_ref<const json::object_t&>();
            for (const auto& member : t.get_ref<const json::object_t&>()) {
                const auto& [k, v] = member;  // never a meta member (refused above)
                const auto over = own.find(k);
                if (over == own.end()) {
                    if (set.without_placeholders.contains(&v)) in_place.push_back(&member);
                    else body[k] = v;
                } else if (!over->second.is_null()) {
                    (body[k] = v).merge_patch(over->second);
                }
            }
            for (const auto& [k, v] : own)
                if (!is_meta(k) && !v.is_null() && !t.contains(k)) body[k].merge_patch(v);
        } else {
            for (const auto& member : raw.get_ref<const json::object_t&>()) {
                if (is_meta(member.first)) continue;
                if (holds_placeholder(member)) body[member.first] = member.second;
                else in_place.push_back(&member);
            }
        }
        // Parameters: built-ins first, then the service's own.
        auto& params = src.params;
        params["service"] = name;
        params["app"] = shared_.name;
        params["region"] = shared_.region;
        params["account"] = *account;
        params["accountId"] = shared_.accounts.at(account->get<std::string>()).id;
        if (auto it = raw.find("parameters"); it != raw.end()) {
            if (!it->is_object()) {
                diags_.error(path + "/parameters", "expected an object of template parameters, found " + describe(*it));
                return;
            }
            for (const auto& [k, v] : it->items()) {
                std::string ppath = json_pointer::join(path + "/parameters", k);
                if (!is_parameter_name(k))
                    diags_.error(ppath, "invalid parameter name '" + k + "': use letters, digits and '_'");
                else if (params.contains(k))
                    diags_.error(ppath, "parameter '" + k + "' is built in and cannot be redefined");
                else
                    params[k] = v;
            }
        }
        service_sources_.push_back(std::move(src));
        json expanded;
        try {
            expanded = expand_placeholders(std::move(body), service_sources_.back().params, path);
        } catch (const InputError& e) {
            diags_.add(e.diagnostics());
            return;
        }
        Scope scope;
        scope.name = name;
        scope.kind = ScopeKind::service;
        scope.template_name = template_name;
        scope.path = path;
        // The account is read from the raw service (it is not template material).
        expanded["account"] = *account;
        read_scope(expanded, in_place, path, scope);
        model_.services.emplace(name, std::move(scope));
    }

    // --- one scope ----------------------------------------------------------------
    // `in_place`: members of the scope read where they are written (see read_service).
    void read_scope(const json& node, std::span<const ObjectReader::Member* const> in_place, const std::string& path,
                    Scope& scope) {
        static constexpr std::string_view keys[]{"account", "vpcs", "securityGroups", "vpcEndpoints", "certificates",
                                                 "loadBalancers", "hostedZones", "kmsKeys", "secrets", "instances",
                                                 "tables", "roles", "lambdas", "apis"};
        ObjectReader r(diags_, node, in_place, path, keys, scope.kind == ScopeKind::consumer ? "the consumer" : "a service");
        if (!r.ok()) return;
        scope.account = scope_account(r, scope.kind == ScopeKind::consumer ? AccountRole::consumer : AccountRole::service);
        collection(r, "vpcs", "VPCs", scope.vpcs, [&](Vpc& v, const ObjectReader& o) { read_vpc(v, o); },
                   {"cidr", "dnsHostnames", "dnsSupport", "internetGateway", "subnets", "routeTables"}, "a VPC");
        collection(r, "securityGroups", "security groups", scope.security_groups,
                   [&](SecurityGroup& v, const ObjectReader& o) { read_security_group(v, o); },
                   {"vpc", "description", "ingress", "egress"}, "a security group");
        collection(r, "vpcEndpoints", "VPC endpoints", scope.vpc_endpoints,
                   [&](VpcEndpoint& v, const ObjectReader& o) { read_vpc_endpoint(v, o); },
                   {"id", "vpc", "type", "service", "subnets", "securityGroups", "routeTables", "privateDns", "policy"},
                   "a VPC endpoint");
        collection(r, "certificates", "certificates", scope.certificates,
                   [&](Certificate& v, const ObjectReader& o) { read_certificate(v, o); },
                   {"domain", "alternativeNames", "selfSigned", "arn"}, "a certificate");
        collection(r, "loadBalancers", "load balancers", scope.load_balancers,
                   [&](LoadBalancer& v, const ObjectReader& o) { read_load_balancer(v, o); },
                   {"vpc", "scheme", "subnets", "securityGroups", "listeners", "targetGroups"}, "a load balancer");
        collection(r, "hostedZones", "hosted zones", scope.hosted_zones,
                   [&](HostedZone& v, const ObjectReader& o) { read_hosted_zone(v, o); },
                   {"name", "private", "vpcs", "records"}, "a hosted zone");
        collection(r, "kmsKeys", "KMS keys", scope.kms_keys, [&](KmsKey& v, const ObjectReader& o) {
            v.description = o.string("description", false).value_or("");
            v.rotation = o.boolean("rotation").value_or(false);
            if (auto p = policy(o, "policy", true)) v.policy = std::move(*p);
            v.only_its_secrets = o.boolean("onlyItsSecrets").value_or(false);
        }, {"description", "rotation", "policy", "onlyItsSecrets"}, "a KMS key");
        collection(r, "secrets", "secrets", scope.secrets, [&](Secret& v, const ObjectReader& o) { read_secret(v, o); },
                   {"description", "kmsKey", "value", "policy", "deployedName"}, "a secret");
        collection(r, "instances", "instances", scope.instances,
                   [&](Instance& v, const ObjectReader& o) {
                       v.vpc = o.string("vpc", true, "the name of a VPC").value_or("");
                       v.subnet = o.string("subnet", true, "the name of a subnet").value_or("");
                       v.instance_type = o.string("instanceType", true, "an EC2 instance type such as \"t3.micro\"").value_or("");
                       v.image = o.string("image", true, "an AMI id or \"amazon-linux-2\" / \"amazon-linux-2023\"").value_or("");
                       v.security_groups = o.strings("securityGroups", false).value_or(std::vector<std::string>{});
                       v.ssm = o.boolean("ssm").value_or(false);
                   },
                   {"vpc", "subnet", "instanceType", "image", "securityGroups", "ssm"}, "an instance");
        collection(r, "tables", "DynamoDB tables", scope.tables, [&](Table& v, const ObjectReader& o) { read_table(v, o); },
                   {"name", "billing", "hashKey", "rangeKey", "indexes"}, "a DynamoDB table");
        collection(r, "roles", "IAM roles", scope.roles, [&](Role& v, const ObjectReader& o) { read_role(v, o); },
                   {"trustPolicy", "managedPolicies", "policies", "deployedName"}, "an IAM role");
        collection(r, "lambdas", "Lambda functions", scope.lambdas, [&](Lambda& v, const ObjectReader& o) { read_lambda(v, o); },
                   {"handler", "role", "table", "index", "memory", "timeout", "network", "environment",
                    "logRetentionDays", "invokePermissions", "deployedName"},
                   "a Lambda function");
        collection(r, "apis", "REST APIs", scope.apis, [&](RestApi& v, const ObjectReader& o) { read_api(v, o); },
                   {"id", "private", "endpointType", "vpcEndpoints", "endpointIdFrom", "stage", "validation", "routes",
                    "policy", "customDomain", "deployedName", "authorization", "callers"},
                   "a REST API");
    }

    template <class T, class Read>
    void collection(const ObjectReader& r, std::string_view key, std::string_view what, std::map<std::string, T>& out,
                    Read read, std::initializer_list<std::string_view> fields, std::string_view one) {
        r.each_member(key, false, what, [&](const std::string& name, const json& v, const std::string& path) {
            check_name(name, path);
            ObjectReader o(diags_, v, path, fields, one);
            if (!o.ok()) return;
            T item;
            item.name = name;
            item.path = path;
            read(item, o);
            out.emplace(name, std::move(item));
        });
    }

    std::optional<PolicyDocument> policy(const ObjectReader& o, std::string_view key, bool required) {
        const json* v = required ? o.require(key, "an IAM policy document") : o.get(key);
        if (!v) return std::nullopt;
        return policy_document(*v, o.path(key));
    }

    // Every embedded policy is parsed by the policy language; its errors carry their full path.
    std::optional<PolicyDocument> policy_document(const json& v, const std::string& path) {
        if (!v.is_object()) {
            diags_.error(path, "expected an IAM policy document (an object), found " + describe(v));
            return std::nullopt;
        }
        try {
            return policies_.document(v, path);
        } catch (const InputError& e) {
            diags_.add(e.diagnostics());
            return std::nullopt;
        }
    }

    // --- network ----------------------------------------------------------------
    void read_vpc(Vpc& v, const ObjectReader& o) {
        if (auto c = o.cidr("cidr", true)) v.cidr = *c;
        v.dns_hostnames = o.boolean("dnsHostnames").value_or(false);
        v.dns_support = o.boolean("dnsSupport").value_or(true);
        v.internet_gateway = o.boolean("internetGateway").value_or(false);
        o.each_member("routeTables", false, "route tables", [&](const std::string& name, const json& j, const std::string& path) {
            check_name(name, path);
            ObjectReader t(diags_, j, path, {"routes"}, "a route table");
            if (!t.ok()) return;
            RouteTable rt{name, {}, path};
            t.each_element("routes", false, "routes", [&](std::size_t, const json& e, const std::string& rpath) {
                ObjectReader rr(diags_, e, rpath, {"destination", "target"}, "a route");
                if (!rr.ok()) return;
                Route route;
                route.path = rpath;
                if (auto d = rr.cidr("destination", true)) route.destination = *d;
                if (const json* target = rr.require("target", "{\"internetGateway\": true} or {\"vpcEndpoint\": name}")) {
                    ObjectReader tr(diags_, *target, rr.path("target"), {"internetGateway", "vpcEndpoint"}, "a route target");
                    if (!tr.ok()) return;
                    if (tr.has("internetGateway") == tr.has("vpcEndpoint"))
                        diags_.error(tr.path(), "expected exactly one of 'internetGateway' or 'vpcEndpoint'");
                    else if (tr.has("internetGateway")) {
                        if (tr.boolean("internetGateway") == false)
                            diags_.error(tr.path("internetGateway"), "expected true (omit the route instead)");
                        route.target.kind = RouteTarget::Kind::internet_gateway;
                    } else if (auto e2 = tr.string("vpcEndpoint", true)) {
                        route.target.kind = RouteTarget::Kind::vpc_endpoint;
                        route.target.vpc_endpoint = Ref{"", *e2};
                    }
                }
                rt.routes.push_back(std::move(route));
            });
            v.route_tables.emplace(name, std::move(rt));
        });
        o.each_member("subnets", true, "subnets", [&](const std::string& name, const json& j, const std::string& path) {
            check_name(name, path);
            ObjectReader s(diags_, j, path, {"cidr", "az", "public", "routeTable"}, "a subnet");
            if (!s.ok()) return;
            Subnet sn;
            sn.name = name;
            sn.path = path;
            if (auto c = s.cidr("cidr", true)) sn.cidr = *c;
            sn.availability_zone = s.string("az", true, "an availability zone such as \"eu-central-1a\"").value_or("");
            sn.is_public = s.boolean("public").value_or(false);
            sn.route_table = s.string("routeTable", true, "the name of a route table in this VPC").value_or("");
            v.subnets.emplace(name, std::move(sn));
        });
    }

    // ports: 443 | [from, to]; absent for protocol "all" and "icmp".
    void read_rule(SecurityGroupRule& rule, const ObjectReader& o, bool ingress) {
        if (auto p = o.choice("protocol", true, {"tcp", "udp", "icmp", "all"}))
            rule.protocol = *p == "tcp" ? Protocol::tcp : *p == "udp" ? Protocol::udp : *p == "icmp" ? Protocol::icmp : Protocol::all;
        rule.description = o.string("description", false).value_or("");
        const json* ports = o.get("ports");
        bool needs_ports = rule.protocol == Protocol::tcp || rule.protocol == Protocol::udp;
        if (!needs_ports && ports) diags_.error(o.path("ports"), "ports apply only to tcp and udp rules");
        if (needs_ports && !ports)
            diags_.error(o.path(), "missing required field 'ports' (a port such as 443, or a range [from, to])");
        if (needs_ports && ports) {
            auto port = [](const json& p) { return p.is_number_integer() && p.get<std::int64_t>() >= 0 && p.get<std::int64_t>() <= 65535; };
            if (port(*ports)) {
                rule.from_port = rule.to_port = ports->get<std::uint16_t>();
            } else if (ports->is_array() && ports->size() == 2 && port((*ports)[0]) && port((*ports)[1]) &&
                       (*ports)[0].get<int>() <= (*ports)[1].get<int>()) {
                rule.from_port = (*ports)[0].get<std::uint16_t>();
                rule.to_port = (*ports)[1].get<std::uint16_t>();
            } else {
                diags_.error(o.path("ports"), "expected a port 0-65535 or a range [from, to] with from <= to, found " + ports->dump());
            }
        }
        if (!needs_ports) {
            rule.from_port = 0;
            rule.to_port = 65535;
        }
        int peers = o.has("cidr") + o.has("securityGroup") + o.has("prefixList");
        if (peers != 1) {
            diags_.error(o.path(), std::string("expected exactly one of 'cidr', 'securityGroup' or 'prefixList' as the rule's ") +
                                       (ingress ? "source" : "destination") + ", found " + std::to_string(peers));
            return;
        }
        if (o.has("cidr")) {
            rule.peer.kind = RulePeer::Kind::cidr;
            rule.peer.cidr = o.cidr("cidr", true);
        } else if (o.has("securityGroup")) {
            rule.peer.kind = RulePeer::Kind::security_group;
            if (auto s = o.string("securityGroup", true)) rule.peer.security_group = Ref{"", *s};
        } else {
            rule.peer.kind = RulePeer::Kind::prefix_list;
            if (auto s = o.string("prefixList", true, "the name of a gateway VPC endpoint")) rule.peer.prefix_list = Ref{"", *s};
        }
    }

    void read_security_group(SecurityGroup& v, const ObjectReader& o) {
        v.vpc = o.string("vpc", true, "the name of a VPC").value_or("");
        v.description = o.string("description", false).value_or("");
        for (bool ingress : {true, false}) {
            o.each_element(ingress ? "ingress" : "egress", false, "rules", [&](std::size_t, const json& e, const std::string& path) {
                ObjectReader r(diags_, e, path, {"protocol", "ports", "cidr", "securityGroup", "prefixList", "description"},
                               "a security group rule");
                if (!r.ok()) return;
                SecurityGroupRule rule;
                rule.path = path;
                read_rule(rule, r, ingress);
                (ingress ? v.ingress : v.egress).push_back(std::move(rule));
            });
        }
    }

    void read_vpc_endpoint(VpcEndpoint& v, const ObjectReader& o) {
        v.vpc = o.string("vpc", true, "the name of a VPC").value_or("");
        auto type = o.choice("type", true, {"interface", "gateway"});
        v.type = type == "gateway" ? EndpointType::gateway : EndpointType::interface;
        if (auto s = o.string("service", true, "an AWS service short name such as \"execute-api\"")) {
            bool ok = !s->empty();
            for (char c : *s) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
            if (!ok || s->rfind("com.amazonaws.", 0) == 0)
                diags_.error(o.path("service"), "expected a service short name such as \"execute-api\" or \"dynamodb\" "
                                                "(xc adds com.amazonaws.<region>.), found '" + *s + "'");
            v.service = *s;
        }
        if (!type) return;
        if (v.type == EndpointType::interface) {
            if (auto id = o.string("id", true, "the endpoint id, \"vpce-\" and 8-17 hex digits")) {
                if (!is_vpc_endpoint_id(*id))
                    diags_.error(o.path("id"), "expected a VPC endpoint id (\"vpce-\" and 8-17 lower-case hex digits), found '" + *id + "'");
                v.id = *id;
            }
            v.subnets = o.strings("subnets", true, true).value_or(std::vector<std::string>{});
            v.security_groups = o.strings("securityGroups", true, true).value_or(std::vector<std::string>{});
            v.private_dns = o.boolean("privateDns").value_or(false);
            if (o.has("routeTables")) diags_.error(o.path("routeTables"), "route tables apply to gateway endpoints only");
        } else {
            if (auto id = o.string("id", false)) {
                if (!is_vpc_endpoint_id(*id))
                    diags_.error(o.path("id"), "expected a VPC endpoint id (\"vpce-\" and 8-17 lower-case hex digits), found '" + *id + "'");
                v.id = *id;
            }
            if (v.service != "dynamodb" && v.service != "s3")
                diags_.error(o.path("service"), "gateway endpoints exist only for \"dynamodb\" and \"s3\", found '" + v.service + "'");
            v.route_tables = o.strings("routeTables", true, true).value_or(std::vector<std::string>{});
            for (auto k : {"subnets", "securityGroups", "privateDns"})
                if (o.has(k)) diags_.error(o.path(k), std::string("'") + k + "' applies to interface endpoints only");
        }
        v.policy = policy(o, "policy", false);
    }

    // --- edge --------------------------------------------------------------------
    void read_certificate(Certificate& v, const ObjectReader& o) {
        if (auto d = o.string("domain", true, "a domain name such as \"*.example.com\"")) {
            if (!is_domain_name(*d, true))
                diags_.error(o.path("domain"), "expected a lower-case domain name (a wildcard only as the first label), found '" + *d + "'");
            v.domain = *d;
        }
        if (auto names = o.strings("alternativeNames", false)) {
            for (std::size_t i = 0; i < names->size(); ++i)
                if (!is_domain_name((*names)[i], true))
                    diags_.error(json_pointer::join(o.path("alternativeNames"), i),
                                 "expected a lower-case domain name, found '" + (*names)[i] + "'");
            v.alternative_names = *names;
        }
        v.self_signed = o.boolean("selfSigned").value_or(false);
        if (auto arn = o.string("arn", false, "an ACM certificate ARN")) {
            auto parts = split_arn(*arn);
            if (!parts || parts->service != "acm" || parts->region.empty() || !is_account_id(parts->account) ||
                parts->resource.rfind("certificate/", 0) != 0 || parts->resource.size() == 12)
                diags_.error(o.path("arn"), "malformed ACM certificate ARN '" + *arn +
                                                "': expected arn:aws:acm:<region>:<12-digit account>:certificate/<id>");
            v.arn = *arn;
        }
        if (v.self_signed == !v.arn.empty())
            diags_.error(o.path(), "expected exactly one certificate source: \"selfSigned\": true or \"arn\" of an ACM certificate");
    }

    void read_load_balancer(LoadBalancer& v, const ObjectReader& o) {
        v.vpc = o.string("vpc", true, "the name of a VPC").value_or("");
        v.internal = o.choice("scheme", true, {"internal", "internet-facing"}).value_or("internal") == "internal";
        v.subnets = o.strings("subnets", true, true).value_or(std::vector<std::string>{});
        v.security_groups = o.strings("securityGroups", true, true).value_or(std::vector<std::string>{});
        o.each_member("targetGroups", true, "target groups", [&](const std::string& name, const json& j, const std::string& path) {
            check_name(name, path);
            ObjectReader t(diags_, j, path, {"protocol", "port", "targets", "healthCheck"}, "a target group");
            if (!t.ok()) return;
            TargetGroup tg;
            tg.name = name;
            tg.path = path;
            tg.protocol = t.choice("protocol", true, {"HTTP", "HTTPS"}).value_or("HTTPS");
            tg.port = static_cast<std::uint16_t>(t.integer("port", true, 1, 65535).value_or(443));
            if (const json* targets = t.require("targets", "{\"vpcEndpoint\": name}")) {
                ObjectReader tr(diags_, *targets, t.path("targets"), {"vpcEndpoint"}, "target group targets");
                if (auto e = tr.string("vpcEndpoint", true, "the name of an interface VPC endpoint")) tg.vpc_endpoint = Ref{"", *e};
            }
            if (const json* hc = t.get("healthCheck")) {
                ObjectReader h(diags_, *hc, t.path("healthCheck"), {"path", "matcher"}, "a health check");
                tg.health_check_path = h.string("path", false).value_or("/");
                tg.health_check_matcher = h.string("matcher", false).value_or("200");
                if (tg.health_check_path.front() != '/')
                    diags_.error(h.path("path"), "expected a path starting with '/', found '" + tg.health_check_path + "'");
            }
            v.target_groups.emplace(name, std::move(tg));
        });
        o.each_member("listeners", true, "listeners", [&](const std::string& name, const json& j, const std::string& path) {
            check_name(name, path);
            ObjectReader l(diags_, j, path, {"port", "protocol", "sslPolicy", "certificates", "defaultAction", "rules"}, "a listener");
            if (!l.ok()) return;
            Listener li;
            li.name = name;
            li.path = path;
            li.port = static_cast<std::uint16_t>(l.integer("port", true, 1, 65535).value_or(443));
            li.protocol = l.choice("protocol", true, {"HTTP", "HTTPS"}).value_or("HTTPS");
            if (li.protocol == "HTTPS") {
                li.ssl_policy = l.string("sslPolicy", true, "an ELB security policy such as \"ELBSecurityPolicy-TLS13-1-2-2021-06\"").value_or("");
                for (const auto& c : l.strings("certificates", true, true).value_or(std::vector<std::string>{}))
                    li.certificates.push_back(Ref{"", c});
            } else {
                for (auto k : {"sslPolicy", "certificates"})
                    if (l.has(k)) diags_.error(l.path(k), std::string("'") + k + "' applies to HTTPS listeners only");
            }
            if (const json* a = l.require("defaultAction", "{\"forward\": target group}")) {
                ObjectReader ar(diags_, *a, l.path("defaultAction"), {"forward"}, "a listener action");
                li.default_forward = ar.string("forward", true, "the name of a target group").value_or("");
            }
            l.each_element("rules", false, "listener rules", [&](std::size_t, const json& e, const std::string& rpath) {
                ObjectReader rr(diags_, e, rpath, {"priority", "hosts", "forward"}, "a listener rule");
                if (!rr.ok()) return;
                ListenerRule rule;
                rule.path = rpath;
                rule.priority = static_cast<int>(rr.integer("priority", true, 1, 50000).value_or(1));
                rule.hosts = rr.strings("hosts", true, true).value_or(std::vector<std::string>{});
                rule.forward = rr.string("forward", true, "the name of a target group").value_or("");
                li.rules.push_back(std::move(rule));
            });
            v.listeners.emplace(name, std::move(li));
        });
    }

    void read_hosted_zone(HostedZone& v, const ObjectReader& o) {
        if (auto d = o.string("name", true, "the zone's domain name")) {
            if (!is_domain_name(*d, false)) diags_.error(o.path("name"), "expected a lower-case domain name, found '" + *d + "'");
            v.domain = *d;
        }
        v.is_private = o.boolean("private", true).value_or(true);
        for (const auto& vpc : o.strings("vpcs", v.is_private, v.is_private).value_or(std::vector<std::string>{}))
            v.vpcs.push_back(Ref{"", vpc});
        o.each_member("records", false, "alias records", [&](const std::string& label, const json& j, const std::string& path) {
            ObjectReader r(diags_, j, path, {"alias", "evaluateTargetHealth"}, "an alias record");
            if (!r.ok()) return;
            AliasRecord rec;
            rec.name = label;
            rec.path = path;
            if (label != "@" && !is_dns_label(label))
                diags_.error(path, "invalid record name '" + label + "': expected one lower-case DNS label, or \"@\" for the apex");
            rec.fqdn = label == "@" ? v.domain : label + "." + v.domain;
            rec.evaluate_target_health = r.boolean("evaluateTargetHealth").value_or(true);
            if (const json* a = r.require("alias", "{\"loadBalancer\": name}")) {
                ObjectReader ar(diags_, *a, r.path("alias"), {"loadBalancer"}, "an alias target");
                if (auto lb = ar.string("loadBalancer", true, "the name of a load balancer")) rec.load_balancer = Ref{"", *lb};
            }
            v.records.emplace(label, std::move(rec));
        });
    }

    // The name a deployment states (xc import writes it when it is not the name xc derives):
    // identity (model/identity.hpp) uses it as written, as for the Terraform and CloudFormation
    // front ends.
    static std::string deployed_name(const ObjectReader& o) {
        return o.string("deployedName", false, "the deployed resource's name").value_or("");
    }

    void read_secret(Secret& v, const ObjectReader& o) {
        v.deployed_name = deployed_name(o);
        v.description = o.string("description", false).value_or("");
        if (auto k = o.string("kmsKey", true, "the name of a KMS key, or \"aws/secretsmanager\" for the AWS-managed key")) {
            if (*k != "aws/secretsmanager") v.kms_key = Ref{"", *k};
        }
        if (const json* val = o.get("value")) {
            ObjectReader vr(diags_, *val, o.path("value"), {"vpcEndpointId"}, "a secret value");
            if (auto e = vr.string("vpcEndpointId", true, "the name of the VPC endpoint whose id the secret holds"))
                v.value_vpc_endpoint_id = Ref{"", *e};
        }
        v.policy = policy(o, "policy", false);
    }

    // --- compute and data --------------------------------------------------------
    std::optional<KeyAttribute> key_attribute(const ObjectReader& o, std::string_view key, bool required) {
        const json* k = required ? o.require(key, "{\"name\": ..., \"type\": \"S\" | \"N\" | \"B\"}") : o.get(key);
        if (!k) return std::nullopt;
        ObjectReader r(diags_, *k, o.path(key), {"name", "type"}, "a key attribute");
        auto name = r.string("name", true, "an attribute name");
        auto type = r.choice("type", true, {"S", "N", "B"});
        if (!name || !type) return std::nullopt;
        return KeyAttribute{*name, *type};
    }

    void read_table(Table& v, const ObjectReader& o) {
        if (auto n = o.string("name", true, "the DynamoDB table name")) {
            bool ok = n->size() >= 3 && n->size() <= 255;
            for (char c : *n) ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
            if (!ok) diags_.error(o.path("name"), "invalid DynamoDB table name '" + *n + "': 3-255 of a-z, A-Z, 0-9, '_', '-', '.'");
            v.table_name = *n;
        }
        v.billing = o.choice("billing", true, {"PAY_PER_REQUEST", "PROVISIONED"}).value_or("PAY_PER_REQUEST");
        if (auto k = key_attribute(o, "hashKey", true)) v.hash_key = *k;
        v.range_key = key_attribute(o, "rangeKey", false);
        o.each_member("indexes", false, "global secondary indexes", [&](const std::string& name, const json& j, const std::string& path) {
            check_name(name, path);
            ObjectReader r(diags_, j, path, {"hashKey", "rangeKey", "projection"}, "a global secondary index");
            if (!r.ok()) return;
            TableIndex idx;
            idx.name = name;
            idx.path = path;
            if (auto k = key_attribute(r, "hashKey", true)) idx.hash_key = *k;
            idx.range_key = key_attribute(r, "rangeKey", false);
            idx.projection = r.choice("projection", true, {"ALL", "KEYS_ONLY"}).value_or("ALL");
            v.indexes.emplace(name, std::move(idx));
        });
    }

    void read_role(Role& v, const ObjectReader& o) {
        v.deployed_name = deployed_name(o);
        if (auto p = policy(o, "trustPolicy", true)) v.trust_policy = std::move(*p);
        if (auto arns = o.strings("managedPolicies", false)) {
            for (std::size_t i = 0; i < arns->size(); ++i) {
                auto parts = split_arn((*arns)[i]);
                if (!parts || parts->service != "iam" || parts->resource.rfind("policy/", 0) != 0)
                    diags_.error(json_pointer::join(o.path("managedPolicies"), i),
                                 "malformed managed policy ARN '" + (*arns)[i] + "': expected arn:aws:iam::<account or aws>:policy/<name>");
            }
            v.managed_policies = *arns;
        }
        o.each_member("policies", false, "inline policies", [&](const std::string& name, const json& j, const std::string& path) {
            check_name(name, path);
            if (auto p = policy_document(j, path)) v.policies.emplace(name, std::move(*p));
        });
    }

    void read_lambda(Lambda& v, const ObjectReader& o) {
        v.deployed_name = deployed_name(o);
        v.handler = o.choice("handler", true, {"post-order", "get-orders", "get-order"}).value_or("");
        if (auto r = o.string("role", true, "the name of an IAM role")) v.role = Ref{"", *r};
        if (auto t = o.string("table", false, "the name of a table")) v.table = Ref{"", *t};
        v.index = o.string("index", false, "the name of an index of the table").value_or("");
        if (!v.index.empty() && !v.table) diags_.error(o.path("index"), "an index needs a 'table'");
        v.memory_mb = static_cast<int>(o.integer("memory", true, 128, 10240).value_or(128));
        v.timeout_s = static_cast<int>(o.integer("timeout", true, 1, 900).value_or(3));
        if (const json* n = o.get("network")) {
            ObjectReader nr(diags_, *n, o.path("network"), {"subnets", "securityGroups"}, "a Lambda network configuration");
            v.subnets = nr.strings("subnets", true, true).value_or(std::vector<std::string>{});
            v.security_groups = nr.strings("securityGroups", true, true).value_or(std::vector<std::string>{});
        }
        if (const json* env = o.get("environment")) {
            if (!env->is_object()) diags_.error(o.path("environment"), "expected an object of variable names to strings, found " + describe(*env));
            else
                for (const auto& [k, val] : env->items()) {
                    std::string path = json_pointer::join(o.path("environment"), k);
                    bool ok = !k.empty() && !(k[0] >= '0' && k[0] <= '9');
                    for (char c : k) ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
                    if (!ok) diags_.error(path, "invalid environment variable name '" + k + "': letters, digits and '_', not starting with a digit");
                    if (!val.is_string()) diags_.error(path, "expected a string, found " + describe(val));
                    else v.environment[k] = val.get<std::string>();
                }
        }
        if (auto days = o.integer("logRetentionDays", false, 0, 3653)) {
            static constexpr int allowed[] = {0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
            if (std::find(std::begin(allowed), std::end(allowed), *days) == std::end(allowed))
                diags_.error(o.path("logRetentionDays"), "CloudWatch Logs accepts 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days (0 = never expire), found " + std::to_string(*days));
            v.log_retention_days = static_cast<int>(*days);
        }
        o.each_element("invokePermissions", false, "invoke permissions", [&](std::size_t, const json& e, const std::string& path) {
            ObjectReader p(diags_, e, path, {"principal", "sourceApi", "sourcePath", "sourceArn", "sourceAccount"}, "an invoke permission");
            if (!p.ok()) return;
            InvokePermission perm;
            perm.path = path;
            perm.principal = p.string("principal", true, "a service principal such as \"apigateway.amazonaws.com\" or an account id").value_or("");
            if (auto api = p.string("sourceApi", false, "the name of a REST API")) perm.source_api = Ref{"", *api};
            perm.source_path = p.string("sourcePath", false).value_or("/*");
            if (perm.source_path.front() != '/')
                diags_.error(p.path("sourcePath"), "expected a path starting with '/' (appended to the API's execution ARN), found '" + perm.source_path + "'");
            if (p.has("sourcePath") && !p.has("sourceApi")) diags_.error(p.path("sourcePath"), "'sourcePath' needs 'sourceApi'");
            if (auto arn = p.string("sourceArn", false, "an ARN")) {
                if (!split_arn(*arn)) diags_.error(p.path("sourceArn"), "malformed ARN '" + *arn + "': expected arn:<partition>:<service>:<region>:<account>:<resource>");
                perm.source_arn = *arn;
            }
            // Both are glob patterns for the verifier: bounded like every policy string.
            const std::size_t max_pattern = policy::PolicyLimits{}.max_string_length;
            for (const auto& [key, value] : {std::pair{"sourcePath", &perm.source_path}, std::pair{"sourceArn", &perm.source_arn}})
                if (value->size() > max_pattern)
                    diags_.error(p.path(key), "pattern of " + std::to_string(value->size()) + " characters; the limit is " +
                                                  std::to_string(max_pattern));
            if (perm.source_api && !perm.source_arn.empty())
                diags_.error(path, "expected at most one of 'sourceApi' or 'sourceArn'");
            if (auto acct = p.string("sourceAccount", false, "a 12-digit account id")) {
                if (!is_account_id(*acct)) diags_.error(p.path("sourceAccount"), "expected a 12-digit account id, found '" + *acct + "'");
                perm.source_account = *acct;
            }
            v.invoke_permissions.push_back(std::move(perm));
        });
    }

    // --- APIs --------------------------------------------------------------------
    static std::optional<ApiEndpointType> endpoint_type(const ObjectReader& o, bool required) {
        auto t = o.choice("endpointType", required, {"PRIVATE", "REGIONAL", "EDGE"});
        if (!t) return std::nullopt;
        return *t == "PRIVATE" ? ApiEndpointType::PRIVATE : *t == "REGIONAL" ? ApiEndpointType::REGIONAL : ApiEndpointType::EDGE;
    }

    // API Gateway's authorizationType values xc models (NONE, AWS_IAM); absent: nullopt.
    static std::optional<Authorization> authorization(const ObjectReader& o) {
        auto a = o.choice("authorization", false, {"NONE", "AWS_IAM"});
        if (!a) return std::nullopt;
        return *a == "AWS_IAM" ? Authorization::aws_iam : Authorization::none;
    }

    static bool is_resource_path(std::string_view p) {
        if (p.empty() || p.front() != '/') return false;
        if (p == "/") return true;
        p.remove_prefix(1);
        while (true) {
            auto slash = p.find('/');
            auto seg = p.substr(0, slash);
            if (seg.empty()) return false;
            if (seg.front() == '{') {
                if (seg.back() != '}' || seg.size() < 3) return false;
                auto name = seg.substr(1, seg.size() - 2);
                if (name.back() == '+') name.remove_suffix(1);
                if (name.empty()) return false;
                for (char c : name)
                    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
            } else {
                for (char c : seg)
                    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':'))
                        return false;
            }
            if (slash == std::string_view::npos) return true;
            p.remove_prefix(slash + 1);
        }
    }

    void read_route(ApiRoute& route, const ObjectReader& r) {
        static constexpr std::string_view methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"};
        auto space = route.key.find(' ');
        route.method = route.key.substr(0, space);
        route.resource_path = space == std::string::npos ? "" : route.key.substr(space + 1);
        if (space == std::string::npos || std::find(std::begin(methods), std::end(methods), route.method) == std::end(methods) ||
            !is_resource_path(route.resource_path))
            diags_.error(route.path, "invalid route '" + route.key +
                                         "': expected \"METHOD /path\" with METHOD one of GET, POST, PUT, PATCH, DELETE, HEAD, "
                                         "OPTIONS, ANY and a path like /orders/{orderId}");
        if (auto l = r.string("lambda", true, "the name of a Lambda function")) route.lambda = Ref{"", *l};
        route.authorization = authorization(r);
        r.each_member("query", false, "query parameters", [&](const std::string& name, const json& j, const std::string& path) {
            ObjectReader q(diags_, j, path, {"required"}, "a query parameter");
            route.query.emplace(name, QueryParameter{name, q.boolean("required").value_or(false)});
        });
        if (const json* b = r.get("body")) {
            ObjectReader br(diags_, *b, r.path("body"), {"model", "required", "properties"}, "a request body model");
            if (!br.ok()) return;
            BodyModel body;
            body.path = br.path();
            body.model = br.string("model", true, "the model's name, letters and digits").value_or("");
            bool alnum = !body.model.empty();
            for (char c : body.model) alnum = alnum && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
            if (!alnum && !body.model.empty()) diags_.error(br.path("model"), "API Gateway model names are letters and digits only, found '" + body.model + "'");
            br.each_member("properties", true, "body properties", [&](const std::string& name, const json& j, const std::string& path) {
                ObjectReader p(diags_, j, path, {"type", "enum"}, "a body property");
                if (!p.ok()) return;
                BodyProperty prop;
                prop.name = name;
                prop.path = path;
                prop.type = p.choice("type", true, {"string", "number", "integer", "boolean"}).value_or("string");
                if (p.has("enum")) {
                    if (prop.type != "string") diags_.error(p.path("enum"), "'enum' applies to string properties only");
                    prop.enum_values = p.strings("enum", true, true).value_or(std::vector<std::string>{});
                }
                body.properties.emplace(name, std::move(prop));
            });
            body.required = br.strings("required", false).value_or(std::vector<std::string>{});
            for (std::size_t i = 0; i < body.required.size(); ++i)
                if (!body.properties.contains(body.required[i]) && br.has("properties")) {
                    std::vector<std::string> names;
                    for (const auto& [k, _] : body.properties) names.push_back(k);
                    diags_.error(json_pointer::join(br.path("required"), i), "required property '" + body.required[i] + "' is not among the properties",
                                 did_you_mean(body.required[i], names));
                }
            route.body = std::move(body);
        }
    }

    void read_api(RestApi& v, const ObjectReader& o) {
        v.deployed_name = deployed_name(o);
        v.id = o.string("id", false, "the REST API id, 10 lower-case letters and digits").value_or("");
        if (!v.id.empty()) {
            bool ok = v.id.size() == 10;
            for (char c : v.id) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
            if (!ok) diags_.error(o.path("id"), "expected a REST API id of 10 lower-case letters and digits, found '" + v.id + "'");
        }
        v.is_private = o.boolean("private", true).value_or(false);
        v.endpoint_type = endpoint_type(o, true).value_or(ApiEndpointType::PRIVATE);
        for (const auto& e : o.strings("vpcEndpoints", false).value_or(std::vector<std::string>{}))
            v.vpc_endpoints.push_back(Ref{"", e});
        if (!v.vpc_endpoints.empty() && v.endpoint_type != ApiEndpointType::PRIVATE)
            diags_.error(o.path("vpcEndpoints"), "only PRIVATE APIs are bound to VPC endpoints (endpointType is " +
                                                     std::string(to_string(v.endpoint_type)) + ")");
        if (auto s = o.string("endpointIdFrom", false, "the secret that shares the endpoint id, as \"scope/name\""))
            v.endpoint_id_from = Ref{"", *s};
        if (auto s = o.string("stage", true, "a stage name such as \"v1\"")) {
            bool ok = s->size() <= 128;
            for (char c : *s) ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
            if (!ok) diags_.error(o.path("stage"), "invalid stage name '" + *s + "': letters, digits, '_' and '-'");
            v.stage = *s;
        }
        if (const json* val = o.get("validation")) {
            ObjectReader vr(diags_, *val, o.path("validation"), {"body", "parameters"}, "request validation");
            v.validate_body = vr.boolean("body").value_or(false);
            v.validate_parameters = vr.boolean("parameters").value_or(false);
        }
        v.authorization = authorization(o).value_or(Authorization::none);
        for (const auto& c : o.strings("callers", false).value_or(std::vector<std::string>{})) v.callers.push_back(Ref{"", c});
        o.each_member("routes", true, "routes", [&](const std::string& key, const json& j, const std::string& path) {
            ObjectReader r(diags_, j, path, {"lambda", "query", "body", "authorization"}, "a route");
            if (!r.ok()) return;
            ApiRoute route;
            route.key = key;
            route.path = path;
            read_route(route, r);
            v.routes.emplace(key, std::move(route));
        });
        v.policy = policy(o, "policy", false);
        if (const json* d = o.get("customDomain")) {
            ObjectReader dr(diags_, *d, o.path("customDomain"),
                            {"name", "endpointType", "certificate", "basePath", "policy", "accessVpcEndpoints"}, "a custom domain");
            if (!dr.ok()) return;
            CustomDomain cd;
            cd.path = dr.path();
            if (auto n = dr.string("name", true, "a domain name")) {
                if (!is_domain_name(*n, false)) diags_.error(dr.path("name"), "expected a lower-case domain name, found '" + *n + "'");
                cd.name = *n;
            }
            cd.endpoint_type = endpoint_type(dr, true).value_or(ApiEndpointType::REGIONAL);
            if (auto c = dr.string("certificate", true, "the name of a certificate")) cd.certificate = Ref{"", *c};
            cd.base_path = dr.string("basePath", true, "the base path that maps to the stage").value_or("");
            cd.policy = policy(dr, "policy", false);
            for (const auto& e : dr.strings("accessVpcEndpoints", false).value_or(std::vector<std::string>{}))
                cd.access_vpc_endpoints.push_back(Ref{"", e});
            if (cd.endpoint_type == ApiEndpointType::PRIVATE) {
                if (!cd.policy) diags_.error(dr.path(), "a PRIVATE custom domain needs a 'policy' (API Gateway requires one)");
                if (cd.access_vpc_endpoints.empty())
                    diags_.error(dr.path(), "a PRIVATE custom domain needs 'accessVpcEndpoints' (its access associations)");
            } else {
                for (auto k : {"policy", "accessVpcEndpoints"})
                    if (dr.has(k)) diags_.error(dr.path(k), std::string("'") + k + "' applies to PRIVATE custom domains only");
            }
            v.custom_domain = std::move(cd);
        }
    }

    // A loader of a chunk of `parent`'s services: the model's name, region and accounts are the
    // parent's (read, never written, while services are read).
    struct ChunkOf {};
    ModelLoader(ChunkOf, const ModelLoader& parent) : owned_(parent.owned_), source_(parent.source_), shared_(parent.model_), jobs_(1) {}

    std::shared_ptr<const JsonSource> owned_;
    const JsonSource& source_;
    Diagnostics diags_;
    Model model_;
    PolicyPool policies_;  // this loader's: a chunk's documents share bodies within the chunk
    const Model& shared_;  // model_, or a chunk loader's parent's
    unsigned jobs_;
    std::vector<ServiceSource> service_sources_;
};

}  // namespace detail

// Load a model from a parsed document. Throws InputError listing every problem found.
// Services are read on up to `jobs` threads (0: one per core); the model is the same for any number.
inline model::Model load_model(JsonSource source, unsigned jobs = 0) {
    return detail::ModelLoader(std::make_shared<const JsonSource>(std::move(source)), jobs).load();
}

inline model::Model load_model_text(std::string_view text, std::string file = "<model>", InputLimits limits = {}, unsigned jobs = 0) {
    return load_model(parse_json(text, std::move(file), limits), jobs);
}

inline model::Model load_model_file(const std::string& file, InputLimits limits = {}, unsigned jobs = 0) {
    return load_model(load_json_file(file, limits), jobs);
}

}  // namespace xc::input::json
