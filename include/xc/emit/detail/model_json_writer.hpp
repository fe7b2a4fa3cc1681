// The writer behind emit/model_json.hpp: one function per kind of resource, each the mirror of
// its reader in input/json/load.hpp (same keys, same order, the same defaults left out).
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/error.hpp>
#include <xc/model/model.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace xc::emit::detail {

class ModelJsonWriter {
public:
    using ojson = nlohmann::ordered_json;

    explicit ModelJsonWriter(const model::Model& m) : m_(m) {}

    ojson document() {
        refuse_unresolved();
        ojson out;
        out["xc"] = 1;  // input/json/load.hpp's format_version
        out["name"] = m_.name;
        out["region"] = m_.region;
        ojson accounts = ojson::object();
        for (const auto& [name, a] : m_.accounts)
            accounts[name] = ojson{{"id", a.id}, {"role", a.role == model::AccountRole::consumer ? "consumer" : "service"}};
        out["accounts"] = std::move(accounts);
        out["consumer"] = scope(m_.consumer);
        ojson services = ojson::object();
        for (const auto& [name, s] : m_.services) services[name] = scope(s);
        out["services"] = std::move(services);
        if (!problems_.empty()) throw LoweringError(std::move(problems_));
        return out;
    }

private:
    // --- what the format cannot say -------------------------------------------------
    // An unresolved item's resource holds a placeholder the reader would take as a fact: the
    // verifier, which now makes it UNDECIDED, could then prove what nobody knows.
    void refuse_unresolved() {
        for (const auto& u : m_.unresolved)
            problem(u.value.empty() ? u.resource : u.value,
                    "cannot be written as a model: " + u.origin + " is unresolved (" + u.reason +
                        "), and the model format states known values only");
    }

    void problem(const std::string& path, std::string message) {
        problems_.push_back(m_.located(Diagnostic{{}, path, {}, std::move(message), {}}));
    }

    // --- values --------------------------------------------------------------------------
    // A reference as the reader takes it: a plain name within the referring scope, else "scope/name".
    static std::string ref(const model::Ref& r, const model::Scope& s) {
        return r.scope.empty() || r.scope == s.name ? r.name : r.scope + "/" + r.name;
    }
    static ojson refs(const std::vector<model::Ref>& rs, const model::Scope& s) {
        ojson out = ojson::array();
        for (const auto& r : rs) out.push_back(ref(r, s));
        return out;
    }
    static ojson strings(const std::vector<std::string>& v) {
        ojson out = ojson::array();
        for (const auto& x : v) out.push_back(x);
        return out;
    }
    // The document as written, its keys in the (sorted) order the model keeps them.
    static ojson policy(const model::PolicyDocument& p) { return ojson::parse(p.document().dump()); }
    static ojson key_attribute(const model::KeyAttribute& k) { return ojson{{"name", k.name}, {"type", k.type}}; }
    static const char* endpoint_type(model::ApiEndpointType t) { return model::to_string(t); }

    template <class Map, class Write>
    static void collection(ojson& out, const char* key, const Map& items, Write write) {
        if (items.empty()) return;
        ojson c = ojson::object();
        for (const auto& [name, item] : items) c[name] = write(item);
        out[key] = std::move(c);
    }

    // --- scopes -------------------------------------------------------------------
    ojson scope(const model::Scope& s) {
        ojson o;
        o["account"] = s.account;
        collection(o, "vpcs", s.vpcs, [&](const model::Vpc& v) { return vpc(v, s); });
        collection(o, "securityGroups", s.security_groups, [&](const model::SecurityGroup& v) { return security_group(v, s); });
        collection(o, "vpcEndpoints", s.vpc_endpoints, [&](const model::VpcEndpoint& v) { return vpc_endpoint(v); });
        collection(o, "certificates", s.certificates, [&](const model::Certificate& v) { return certificate(v); });
        collection(o, "loadBalancers", s.load_balancers, [&](const model::LoadBalancer& v) { return load_balancer(v, s); });
        collection(o, "hostedZones", s.hosted_zones, [&](const model::HostedZone& v) { return hosted_zone(v, s); });
        collection(o, "kmsKeys", s.kms_keys, [&](const model::KmsKey& v) {
            ojson k;
            if (!v.description.empty()) k["description"] = v.description;
            if (v.rotation) k["rotation"] = true;
            k["policy"] = policy(v.policy);
            if (v.only_its_secrets) k["onlyItsSecrets"] = true;
            return k;
        });
        collection(o, "secrets", s.secrets, [&](const model::Secret& v) { return secret(v, s); });
        collection(o, "instances", s.instances, [&](const model::Instance& v) {
            ojson i;
            i["vpc"] = v.vpc;
            i["subnet"] = v.subnet;
            i["instanceType"] = v.instance_type;
            i["image"] = v.image;
            if (!v.security_groups.empty()) i["securityGroups"] = strings(v.security_groups);
            if (v.ssm) i["ssm"] = true;
            return i;
        });
        collection(o, "tables", s.tables, [&](const model::Table& v) { return table(v); });
        collection(o, "roles", s.roles, [&](const model::Role& v) { return role(v); });
        collection(o, "lambdas", s.lambdas, [&](const model::Lambda& v) { return lambda(v, s); });
        collection(o, "apis", s.apis, [&](const model::RestApi& v) { return api(v, s); });
        return o;
    }

    // --- network ----------------------------------------------------------------------
    static ojson vpc(const model::Vpc& v, const model::Scope& s) {
        ojson o;
        o["cidr"] = v.cidr.to_string();
        if (v.dns_hostnames) o["dnsHostnames"] = true;
        if (!v.dns_support) o["dnsSupport"] = false;
        if (v.internet_gateway) o["internetGateway"] = true;
        ojson subnets = ojson::object();
        for (const auto& [name, sn] : v.subnets) {
            ojson x;
            x["cidr"] = sn.cidr.to_string();
            x["az"] = sn.availability_zone;
            if (sn.is_public) x["public"] = true;
            x["routeTable"] = sn.route_table;
            subnets[name] = std::move(x);
        }
        o["subnets"] = std::move(subnets);
        collection(o, "routeTables", v.route_tables, [&](const model::RouteTable& t) {
            ojson x = ojson::object();
            if (t.routes.empty()) return x;
            ojson routes = ojson::array();
            for (const auto& r : t.routes) {
                ojson target = r.target.kind == model::RouteTarget::Kind::internet_gateway
                                   ? ojson{{"internetGateway", true}}
                                   : ojson{{"vpcEndpoint", ref(*r.target.vpc_endpoint, s)}};
                routes.push_back(ojson{{"destination", r.destination.to_string()}, {"target", std::move(target)}});
            }
            x["routes"] = std::move(routes);
            return x;
        });
        return o;
    }

    static ojson rule(const model::SecurityGroupRule& r, const model::Scope& s) {
        using model::Protocol;
        ojson o;
        o["protocol"] = r.protocol == Protocol::tcp ? "tcp" : r.protocol == Protocol::udp ? "udp" : r.protocol == Protocol::icmp ? "icmp" : "all";
        if (r.protocol == Protocol::tcp || r.protocol == Protocol::udp)
            o["ports"] = r.from_port == r.to_port ? ojson(r.from_port) : ojson::array({r.from_port, r.to_port});
        switch (r.peer.kind) {
            case model::RulePeer::Kind::cidr: o["cidr"] = r.peer.cidr->to_string(); break;
            case model::RulePeer::Kind::security_group: o["securityGroup"] = ref(*r.peer.security_group, s); break;
            case model::RulePeer::Kind::prefix_list: o["prefixList"] = ref(*r.peer.prefix_list, s); break;
        }
        if (!r.description.empty()) o["description"] = r.description;
        return o;
    }

    static ojson security_group(const model::SecurityGroup& v, const model::Scope& s) {
        ojson o;
        o["vpc"] = v.vpc;
        if (!v.description.empty()) o["description"] = v.description;
        for (const auto& [key, rules] : {std::pair{"ingress", &v.ingress}, std::pair{"egress", &v.egress}}) {
            if (rules->empty()) continue;
            ojson a = ojson::array();
            for (const auto& r : *rules) a.push_back(rule(r, s));
            o[key] = std::move(a);
        }
        return o;
    }

    static ojson vpc_endpoint(const model::VpcEndpoint& v) {
        ojson o;
        if (!v.id.empty()) o["id"] = v.id;
        o["vpc"] = v.vpc;
        o["type"] = v.type == model::EndpointType::interface ? "interface" : "gateway";
        o["service"] = v.service;
        if (v.type == model::EndpointType::interface) {
            o["subnets"] = strings(v.subnets);
            o["securityGroups"] = strings(v.security_groups);
            if (v.private_dns) o["privateDns"] = true;
        } else {
            o["routeTables"] = strings(v.route_tables);
        }
        if (v.policy) o["policy"] = policy(*v.policy);
        return o;
    }

    // --- edge ----------------------------------------------------------------------
    static ojson certificate(const model::Certificate& v) {
        ojson o;
        o["domain"] = v.domain;
        if (!v.alternative_names.empty()) o["alternativeNames"] = strings(v.alternative_names);
        if (v.self_signed) o["selfSigned"] = true;
        if (!v.arn.empty()) o["arn"] = v.arn;
        return o;
    }

    static ojson load_balancer(const model::LoadBalancer& v, const model::Scope& s) {
        ojson o;
        o["vpc"] = v.vpc;
        o["scheme"] = v.internal ? "internal" : "internet-facing";
        o["subnets"] = strings(v.subnets);
        o["securityGroups"] = strings(v.security_groups);
        ojson listeners = ojson::object();
        for (const auto& [name, l] : v.listeners) {
            ojson x;
            x["port"] = l.port;
            x["protocol"] = l.protocol;
            if (l.protocol == "HTTPS") {
                x["sslPolicy"] = l.ssl_policy;
                x["certificates"] = refs(l.certificates, s);
            }
            x["defaultAction"] = ojson{{"forward", l.default_forward}};
            if (!l.rules.empty()) {
                ojson rules = ojson::array();
                for (const auto& r : l.rules)
                    rules.push_back(ojson{{"priority", r.priority}, {"hosts", strings(r.hosts)}, {"forward", r.forward}});
                x["rules"] = std::move(rules);
            }
            listeners[name] = std::move(x);
        }
        o["listeners"] = std::move(listeners);
        ojson groups = ojson::object();
        for (const auto& [name, t] : v.target_groups) {
            ojson x;
            x["protocol"] = t.protocol;
            x["port"] = t.port;
            x["targets"] = ojson{{"vpcEndpoint", ref(t.vpc_endpoint, s)}};
            if (t.health_check_path != "/" || t.health_check_matcher != "200") {
                ojson h;
                if (t.health_check_path != "/") h["path"] = t.health_check_path;
                if (t.health_check_matcher != "200") h["matcher"] = t.health_check_matcher;
                x["healthCheck"] = std::move(h);
            }
            groups[name] = std::move(x);
        }
        o["targetGroups"] = std::move(groups);
        return o;
    }

    // A record is keyed by its label in the zone ("@": the apex); the reader derives the record's
    // name from it. Front ends name records after their source (a Terraform resource name), so the
    // key is recomputed from the record's name.
    ojson hosted_zone(const model::HostedZone& v, const model::Scope& s) {
        ojson o;
        o["name"] = v.domain;
        o["private"] = v.is_private;
        if (v.is_private || !v.vpcs.empty()) o["vpcs"] = refs(v.vpcs, s);
        std::map<std::string, ojson> records;
        for (const auto& [name, r] : v.records) {
            std::string label;
            const std::string suffix = "." + v.domain;
            if (r.fqdn == v.domain) label = "@";
            else if (r.fqdn.size() > suffix.size() && r.fqdn.ends_with(suffix) &&
                     r.fqdn.find('.') == r.fqdn.size() - suffix.size())
                label = r.fqdn.substr(0, r.fqdn.size() - suffix.size());
            if (label.empty()) {
                problem(r.path, "cannot be written as a model: the record '" + r.fqdn + "' is not one label of its zone '" +
                                    v.domain + "' (the model format names a record by its label, or \"@\" for the apex)");
                continue;
            }
            if (records.contains(label)) {
                problem(r.path, "cannot be written as a model: a second alias record named '" + r.fqdn + "' in zone '" +
                                    v.domain + "' (the model format has one record per name)");
                continue;
            }
            ojson x;
            x["alias"] = ojson{{"loadBalancer", ref(r.load_balancer, s)}};
            if (!r.evaluate_target_health) x["evaluateTargetHealth"] = false;
            records.emplace(label, std::move(x));
        }
        if (!records.empty()) {
            ojson rs = ojson::object();
            for (auto& [label, x] : records) rs[label] = std::move(x);
            o["records"] = std::move(rs);
        }
        return o;
    }

    static ojson secret(const model::Secret& v, const model::Scope& s) {
        ojson o;
        if (!v.deployed_name.empty()) o["deployedName"] = v.deployed_name;
        if (!v.description.empty()) o["description"] = v.description;
        o["kmsKey"] = v.kms_key ? ref(*v.kms_key, s) : std::string("aws/secretsmanager");
        if (v.value_vpc_endpoint_id) o["value"] = ojson{{"vpcEndpointId", ref(*v.value_vpc_endpoint_id, s)}};
        if (v.policy) o["policy"] = policy(*v.policy);
        return o;
    }

    // --- compute and data ---------------------------------------------------------------
    static ojson table(const model::Table& v) {
        ojson o;
        o["name"] = v.table_name;
        o["billing"] = v.billing;
        o["hashKey"] = key_attribute(v.hash_key);
        if (v.range_key) o["rangeKey"] = key_attribute(*v.range_key);
        collection(o, "indexes", v.indexes, [](const model::TableIndex& i) {
            ojson x;
            x["hashKey"] = key_attribute(i.hash_key);
            if (i.range_key) x["rangeKey"] = key_attribute(*i.range_key);
            x["projection"] = i.projection;
            return x;
        });
        return o;
    }

    static ojson role(const model::Role& v) {
        ojson o;
        if (!v.deployed_name.empty()) o["deployedName"] = v.deployed_name;
        o["trustPolicy"] = policy(v.trust_policy);
        if (!v.managed_policies.empty()) o["managedPolicies"] = strings(v.managed_policies);
        collection(o, "policies", v.policies, [](const model::PolicyDocument& p) { return policy(p); });
        return o;
    }

    static ojson lambda(const model::Lambda& v, const model::Scope& s) {
        ojson o;
        if (!v.deployed_name.empty()) o["deployedName"] = v.deployed_name;
        o["handler"] = v.handler;
        o["role"] = ref(v.role, s);
        if (v.table) o["table"] = ref(*v.table, s);
        if (!v.index.empty()) o["index"] = v.index;
        o["memory"] = v.memory_mb;
        o["timeout"] = v.timeout_s;
        if (!v.subnets.empty() || !v.security_groups.empty())
            o["network"] = ojson{{"subnets", strings(v.subnets)}, {"securityGroups", strings(v.security_groups)}};
        if (!v.environment.empty()) {
            ojson env = ojson::object();
            for (const auto& [k, val] : v.environment) env[k] = val;
            o["environment"] = std::move(env);
        }
        if (v.log_retention_days != 0) o["logRetentionDays"] = v.log_retention_days;
        if (!v.invoke_permissions.empty()) {
            ojson perms = ojson::array();
            for (const auto& p : v.invoke_permissions) {
                ojson x;
                x["principal"] = p.principal;
                if (p.source_api) {
                    x["sourceApi"] = ref(*p.source_api, s);
                    if (p.source_path != "/*") x["sourcePath"] = p.source_path;
                }
                if (!p.source_arn.empty()) x["sourceArn"] = p.source_arn;
                if (!p.source_account.empty()) x["sourceAccount"] = p.source_account;
                perms.push_back(std::move(x));
            }
            o["invokePermissions"] = std::move(perms);
        }
        return o;
    }

    // --- APIs ----------------------------------------------------------------------------
    static ojson route(const model::ApiRoute& r, const model::Scope& s) {
        ojson o;
        o["lambda"] = ref(r.lambda, s);
        if (r.authorization) o["authorization"] = model::to_string(*r.authorization);
        collection(o, "query", r.query, [](const model::QueryParameter& q) {
            ojson x = ojson::object();
            if (q.required) x["required"] = true;
            return x;
        });
        if (r.body) {
            ojson b;
            b["model"] = r.body->model;
            if (!r.body->required.empty()) b["required"] = strings(r.body->required);
            ojson props = ojson::object();
            for (const auto& [name, p] : r.body->properties) {
                ojson x;
                x["type"] = p.type;
                if (!p.enum_values.empty()) x["enum"] = strings(p.enum_values);
                props[name] = std::move(x);
            }
            b["properties"] = std::move(props);
            o["body"] = std::move(b);
        }
        return o;
    }

    static ojson api(const model::RestApi& v, const model::Scope& s) {
        ojson o;
        if (!v.deployed_name.empty()) o["deployedName"] = v.deployed_name;
        if (!v.id.empty()) o["id"] = v.id;
        o["private"] = v.is_private;
        o["endpointType"] = endpoint_type(v.endpoint_type);
        if (!v.vpc_endpoints.empty()) o["vpcEndpoints"] = refs(v.vpc_endpoints, s);
        if (v.endpoint_id_from) o["endpointIdFrom"] = ref(*v.endpoint_id_from, s);
        o["stage"] = v.stage;
        if (v.validate_body || v.validate_parameters) {
            ojson val;
            if (v.validate_body) val["body"] = true;
            if (v.validate_parameters) val["parameters"] = true;
            o["validation"] = std::move(val);
        }
        if (v.authorization != model::Authorization::none) o["authorization"] = model::to_string(v.authorization);
        if (!v.callers.empty()) o["callers"] = refs(v.callers, s);
        ojson routes = ojson::object();
        for (const auto& [key, r] : v.routes) routes[key] = route(r, s);
        o["routes"] = std::move(routes);
        if (v.policy) o["policy"] = policy(*v.policy);
        if (v.custom_domain) {
            const auto& cd = *v.custom_domain;
            ojson d;
            d["name"] = cd.name;
            d["endpointType"] = endpoint_type(cd.endpoint_type);
            d["certificate"] = ref(cd.certificate, s);
            d["basePath"] = cd.base_path;
            if (cd.policy) d["policy"] = policy(*cd.policy);
            if (!cd.access_vpc_endpoints.empty()) d["accessVpcEndpoints"] = refs(cd.access_vpc_endpoints, s);
            o["customDomain"] = std::move(d);
        }
        return o;
    }

    const model::Model& m_;
    std::vector<Diagnostic> problems_;
};

}  // namespace xc::emit::detail
