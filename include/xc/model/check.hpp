// Semantic checks of a typed model: the pass every front end runs on what it read.
//
// A front end checks what its format says about single values (types, required members,
// CIDR and ARN syntax, ...) and produces a Model whose references are as written. This pass
// checks what only the whole model can say, in the model's own terms, and reports each
// problem at the model path of the offending value (the front end's SourceLocator says where
// that was written):
//  * accounts: exactly one consumer account, distinct ids, every scope in an account of its role;
//  * references: every `Ref` resolved in place (its scope filled in) to an existing resource of
//    the right kind, with a "did you mean"; references that must stay in their scope do;
//  * networks: subnets inside their VPC and not overlapping, availability zones in the model's
//    region, route tables, security groups and subnets of the right VPC, one subnet per AZ,
//    load balancers in two AZs, listener ports, endpoint kinds (interface/gateway, execute-api);
//  * uniqueness across the model: endpoint ids, custom domains, table names per account.
// It also derives what follows from references: a Lambda function's VPC (from its subnets).
#pragma once

#include <xc/detail/parallel.hpp>
#include <xc/diagnostic.hpp>
#include <xc/error.hpp>
#include <xc/model/model.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace xc::model {

namespace detail {

// The model path of a value being checked, joined only when a problem is reported there: the
// checker visits every reference of a model, and joining each one's path took most of its time.
class At {
public:
    At(const std::string& path) : base_(path) {}  // NOLINT: a whole path is an At
    At(const std::string& base, std::string_view suffix) : base_(base), suffix_(suffix) {}
    At(const std::string& base, std::string_view suffix, std::size_t index) : base_(base), suffix_(suffix), index_(index) {}

    At element(std::size_t index) const { return At(base_, suffix_, index); }

    std::string str() const {
        std::string out = base_;
        out += suffix_;
        return index_ == npos ? out : json_pointer::join(out, index_);
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    const std::string& base_;
    std::string_view suffix_;  // "/member..." written as is
    std::size_t index_ = npos;
};

class Checker {
public:
    Checker(Model& model, Diagnostics& diags) : model_(model), diags_(diags) {}

    // Scopes are resolved in chunks on up to `jobs` threads, each chunk's messages collected apart
    // and taken in scope order: the same messages for any number. A scope's resolution writes
    // only its own references (and what it derives for its own resources); of another scope it
    // reads only what no resolution writes: which names its maps hold, an endpoint's type and
    // service, whether a secret holds an endpoint id.
    void run(unsigned jobs = 1) {
        check_accounts();
        std::vector<const Scope*> scopes;
        model_.for_each_scope([&](const Scope& s) { scopes.push_back(&s); });
        constexpr std::size_t per_chunk = 256;
        std::vector<Diagnostics> found(xc::detail::chunk_count(scopes.size(), per_chunk));
        xc::detail::run_chunks(scopes.size(), per_chunk, jobs, [&](std::size_t c, std::size_t begin, std::size_t end) {
            Checker chunk(model_, found[c]);
            for (std::size_t i = begin; i < end; ++i) chunk.resolve_scope(*scopes[i]);
        });
        for (const auto& d : found) diags_.add(d.items());
        check_global_uniqueness();
    }

private:
    static const char* role_name(AccountRole r) { return r == AccountRole::consumer ? "consumer" : "service"; }

    void check_accounts() {
        std::map<std::string, std::string> by_id;
        int consumers = 0;
        for (const auto& [name, a] : model_.accounts) {
            if (a.role == AccountRole::consumer) ++consumers;
            if (auto [it, fresh] = by_id.emplace(a.id, name); !fresh)
                diags_.error(a.path + "/id", "account id " + a.id + " is already used by account '" + it->second + "'");
        }
        if (consumers != 1)
            diags_.error("/accounts", "expected exactly one account with role 'consumer', found " + std::to_string(consumers));
        model_.for_each_scope([&](const Scope& s) {
            const AccountRole expected = s.kind == ScopeKind::consumer ? AccountRole::consumer : AccountRole::service;
            auto it = model_.accounts.find(s.account);
            if (it == model_.accounts.end()) {
                std::vector<std::string> names;
                for (const auto& [k, _] : model_.accounts) names.push_back(k);
                diags_.error(s.path + "/account", "no account named '" + s.account + "'", did_you_mean(s.account, names));
            } else if (it->second.role != expected) {
                diags_.error(s.path + "/account", "account '" + s.account + "' has role '" + role_name(it->second.role) +
                                                      "'; expected '" + role_name(expected) + "'");
            }
        });
    }

    // --- resolution ----------------------------------------------------------------
    // Resolve `ref` (plain "name" in `scope`, or "scope/name") against the collection chosen by
    // `pick`; reports a dangling reference with a suggestion.
    template <class Pick>
    bool resolve(Ref& ref, const Scope& scope, const At& path, std::string_view what, Pick pick, bool local_only = false) {
        // The reference as written: "name", or "scope/name" (in `name`, or split by the front end).
        if (!ref.scope.empty()) {
            ref.name = ref.scope + "/" + ref.name;
            ref.scope.clear();
        }
        const std::string& text = ref.name;
        const auto slash = text.find('/');
        if (slash == std::string::npos) {  // the referring scope's own: only the name to look up
            if (!pick(scope).contains(text)) return dangling(ref, scope, scope.name, text, path, what, pick);
            ref.scope = scope.name;
            return true;
        }
        std::string scope_name = text.substr(0, slash), name = text.substr(slash + 1);
        if (local_only && scope_name != scope.name) {
            diags_.error(path.str(), std::string(what) + " '" + text + "' must be in the same scope ('" + scope.name + "')");
            return false;
        }
        if (!dangling_scope(scope_name, text, path) || !pick(*model_.scope(scope_name)).contains(name))
            return dangling(ref, scope, scope_name, name, path, what, pick);
        ref = Ref{std::move(scope_name), std::move(name)};
        return true;
    }

    // Whether `scope_name` names a scope; reports it when not.
    bool dangling_scope(const std::string& scope_name, const std::string& text, const At& path) {
        if (model_.scope(scope_name)) return true;
        std::vector<std::string> names{"consumer"};
        for (const auto& [k, _] : model_.services) names.push_back(k);
        diags_.error(path.str(), "no scope named '" + scope_name + "' (in reference '" + text + "')", did_you_mean(scope_name, names));
        return false;
    }

    // Reports a reference to `name` in `scope_name` that names nothing (false); nothing more when
    // the scope itself was missing (reported already).
    template <class Pick>
    bool dangling(const Ref&, const Scope& scope, const std::string& scope_name, const std::string& name, const At& path,
                  std::string_view what, Pick pick) {
        const Scope* target = model_.scope(scope_name);
        if (!target) return false;
        const auto& items = pick(*target);
        std::vector<std::string> names;
        for (const auto& [k, _] : items) names.push_back(k);
        std::string where = target == &scope ? "" : " in '" + scope_name + "'";
        diags_.error(path.str(), "no " + std::string(what) + " named '" + name + "'" + where, did_you_mean(name, names));
        return false;
    }

    // `name` among `items` (the `what`s "in VPC 'owner'", say, when `in` and `owner` are given).
    template <class Map>
    bool local(const Map& items, const std::string& name, const At& path, std::string_view what, std::string_view in = {},
               std::string_view owner = {}) {
        if (items.contains(name)) return true;
        std::vector<std::string> names;
        for (const auto& [k, _] : items) names.push_back(k);
        const std::string where = in.empty() ? "" : " " + std::string(in) + " '" + std::string(owner) + "'";
        diags_.error(path.str(), "no " + std::string(what) + " named '" + name + "'" + where, did_you_mean(name, names));
        return false;
    }

    const Vpc* vpc_in(const Scope& s, const std::string& name, const At& path) {
        if (!local(s.vpcs, name, path, "VPC")) return nullptr;
        return &s.vpcs.at(name);
    }

    // Subnets by name in `vpc`, at most one per availability zone when `one_per_az`.
    void check_subnets(const Vpc& vpc, const std::vector<std::string>& subnets, const At& path, bool one_per_az) {
        std::map<std::string, std::string> az_seen;
        for (std::size_t i = 0; i < subnets.size(); ++i) {
            const At p = path.element(i);
            if (!local(vpc.subnets, subnets[i], p, "subnet", "in VPC", vpc.name)) continue;
            const auto& az = vpc.subnets.at(subnets[i]).availability_zone;
            if (auto [it, fresh] = az_seen.emplace(az, subnets[i]); !fresh && one_per_az)
                diags_.error(p.str(), "subnets '" + it->second + "' and '" + subnets[i] + "' are both in " + az +
                                    "; AWS allows one subnet per availability zone here");
        }
    }

    void check_security_groups(const Scope& s, const std::string& vpc, const std::vector<std::string>& groups, const At& path) {
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const At p = path.element(i);
            if (!local(s.security_groups, groups[i], p, "security group")) continue;
            const auto& g = s.security_groups.at(groups[i]);
            if (g.vpc != vpc) diags_.error(p.str(), "security group '" + groups[i] + "' belongs to VPC '" + g.vpc + "', not '" + vpc + "'");
        }
    }

    // The model's references are resolved in place; resolve_scope takes the scope const for
    // iteration and edits through the model's mutable maps.
    Scope& mutable_scope(const Scope& s) {
        return s.kind == ScopeKind::consumer ? model_.consumer : model_.services.at(s.name);
    }

    void resolve_scope(const Scope& cs) {
        Scope& s = mutable_scope(cs);
        auto vpcs = [](const Scope& x) -> const auto& { return x.vpcs; };
        auto endpoints = [](const Scope& x) -> const auto& { return x.vpc_endpoints; };
        for (auto& [_, vpc] : s.vpcs) {
            std::vector<const Subnet*> seen;
            for (const auto& [name, sn] : vpc.subnets) {
                if (!vpc.cidr.contains(sn.cidr))
                    diags_.error(sn.path + "/cidr", "subnet " + sn.cidr.to_string() + " is outside its VPC's " + vpc.cidr.to_string());
                for (const Subnet* other : seen)
                    if (other->cidr.overlaps(sn.cidr))
                        diags_.error(sn.path + "/cidr", "subnet '" + name + "' (" + sn.cidr.to_string() + ") overlaps subnet '" +
                                                            other->name + "' (" + other->cidr.to_string() + ")");
                seen.push_back(&sn);
                if (sn.availability_zone.rfind(model_.region, 0) != 0 || sn.availability_zone.size() != model_.region.size() + 1 ||
                    sn.availability_zone.back() < 'a' || sn.availability_zone.back() > 'z')
                    diags_.error(sn.path + "/az", "availability zone '" + sn.availability_zone + "' is not in region " + model_.region +
                                                      " (expected e.g. " + model_.region + "a)");
                local(vpc.route_tables, sn.route_table, At{sn.path, "/routeTable"}, "route table", "in VPC", vpc.name);
            }
            for (auto& [_, rt] : vpc.route_tables)
                for (auto& route : rt.routes) {
                    if (route.target.kind == RouteTarget::Kind::internet_gateway && !vpc.internet_gateway)
                        diags_.error(route.path + "/target", "VPC '" + vpc.name + "' has no internet gateway (set \"internetGateway\": true)");
                    if (route.target.vpc_endpoint)
                        resolve(*route.target.vpc_endpoint, s, At{route.path, "/target/vpcEndpoint"}, "VPC endpoint", endpoints, true);
                }
        }
        for (auto& [_, sg] : s.security_groups) {
            if (!vpc_in(s, sg.vpc, At{sg.path, "/vpc"})) continue;
            for (auto* rules : {&sg.ingress, &sg.egress})
                for (auto& rule : *rules) {
                    if (rule.peer.security_group &&
                        resolve(*rule.peer.security_group, s, At{rule.path, "/securityGroup"}, "security group",
                                [](const Scope& x) -> const auto& { return x.security_groups; }, true)) {
                        const auto& peer = s.security_groups.at(rule.peer.security_group->name);
                        if (peer.vpc != sg.vpc)
                            diags_.error(rule.path + "/securityGroup", "security group '" + peer.name + "' is in VPC '" + peer.vpc +
                                                                           "'; a rule can reference groups of its own VPC only");
                    }
                    if (rule.peer.prefix_list &&
                        resolve(*rule.peer.prefix_list, s, At{rule.path, "/prefixList"}, "VPC endpoint", endpoints, true)) {
                        const auto& e = s.vpc_endpoints.at(rule.peer.prefix_list->name);
                        if (e.type != EndpointType::gateway)
                            diags_.error(rule.path + "/prefixList", "'" + e.name + "' is an interface endpoint; prefix lists belong to gateway endpoints");
                    }
                }
        }
        for (auto& [_, e] : s.vpc_endpoints) {
            const Vpc* vpc = vpc_in(s, e.vpc, At{e.path, "/vpc"});
            if (!vpc) continue;
            if (e.type == EndpointType::interface) {
                check_subnets(*vpc, e.subnets, At{e.path, "/subnets"}, true);
                check_security_groups(s, e.vpc, e.security_groups, At{e.path, "/securityGroups"});
            }
            for (std::size_t i = 0; i < e.route_tables.size(); ++i)
                local(vpc->route_tables, e.route_tables[i], At{e.path, "/routeTables", i}, "route table",
                      "in VPC", vpc->name);
        }
        for (auto& [_, lb] : s.load_balancers) {
            const Vpc* vpc = vpc_in(s, lb.vpc, At{lb.path, "/vpc"});
            if (!vpc) continue;
            check_subnets(*vpc, lb.subnets, At{lb.path, "/subnets"}, true);
            std::set<std::string> azs;
            for (const auto& sn : lb.subnets)
                if (vpc->subnets.contains(sn)) azs.insert(vpc->subnets.at(sn).availability_zone);
            if (azs.size() < 2 && lb.subnets.size() == azs.size())
                diags_.error(lb.path + "/subnets", "an application load balancer needs subnets in at least two availability zones");
            check_security_groups(s, lb.vpc, lb.security_groups, At{lb.path, "/securityGroups"});
            std::map<int, std::string> ports;
            for (auto& [name, l] : lb.listeners) {
                if (auto [it, fresh] = ports.emplace(l.port, name); !fresh)
                    diags_.error(l.path + "/port", "listeners '" + it->second + "' and '" + name + "' both use port " + std::to_string(l.port));
                for (std::size_t i = 0; i < l.certificates.size(); ++i)
                    resolve(l.certificates[i], s, At{l.path, "/certificates", i}, "certificate",
                            [](const Scope& x) -> const auto& { return x.certificates; }, true);
                local(lb.target_groups, l.default_forward, At{l.path, "/defaultAction/forward"}, "target group",
                      "in load balancer", lb.name);
                for (const auto& rule : l.rules)
                    local(lb.target_groups, rule.forward, At{rule.path, "/forward"}, "target group", "in load balancer", lb.name);
            }
            for (auto& [_, tg] : lb.target_groups) {
                if (!resolve(tg.vpc_endpoint, s, At{tg.path, "/targets/vpcEndpoint"}, "VPC endpoint", endpoints, true)) continue;
                const auto& e = s.vpc_endpoints.at(tg.vpc_endpoint.name);
                if (e.type != EndpointType::interface)
                    diags_.error(tg.path + "/targets/vpcEndpoint", "'" + e.name + "' is a gateway endpoint; only interface endpoints have network interfaces to target");
                else if (e.vpc != lb.vpc)
                    diags_.error(tg.path + "/targets/vpcEndpoint", "endpoint '" + e.name + "' is in VPC '" + e.vpc + "', the load balancer in '" + lb.vpc + "'");
            }
        }
        for (auto& [_, z] : s.hosted_zones) {
            for (std::size_t i = 0; i < z.vpcs.size(); ++i)
                resolve(z.vpcs[i], s, At{z.path, "/vpcs", i}, "VPC", vpcs);
            for (auto& [_, rec] : z.records)
                resolve(rec.load_balancer, s, At{rec.path, "/alias/loadBalancer"}, "load balancer",
                        [](const Scope& x) -> const auto& { return x.load_balancers; });
        }
        for (auto& [_, sec] : s.secrets) {
            if (sec.kms_key)
                resolve(*sec.kms_key, s, At{sec.path, "/kmsKey"}, "KMS key", [](const Scope& x) -> const auto& { return x.kms_keys; }, true);
            if (sec.value_vpc_endpoint_id)
                resolve(*sec.value_vpc_endpoint_id, s, At{sec.path, "/value/vpcEndpointId"}, "VPC endpoint", endpoints);
        }
        for (auto& [_, inst] : s.instances) {
            const Vpc* vpc = vpc_in(s, inst.vpc, At{inst.path, "/vpc"});
            if (!vpc) continue;
            local(vpc->subnets, inst.subnet, At{inst.path, "/subnet"}, "subnet", "in VPC", vpc->name);
            check_security_groups(s, inst.vpc, inst.security_groups, At{inst.path, "/securityGroups"});
        }
        for (auto& [_, t] : s.tables) {
            for (const auto& [_, idx] : t.indexes)
                if (idx.hash_key.name == t.hash_key.name && !idx.range_key)
                    diags_.error(idx.path + "/hashKey", "index '" + idx.name + "' has the table's own hash key; it would add nothing");
        }
        for (auto& [_, l] : s.lambdas) {
            resolve(l.role, s, At{l.path, "/role"}, "IAM role", [](const Scope& x) -> const auto& { return x.roles; }, true);
            if (l.table && resolve(*l.table, s, At{l.path, "/table"}, "table", [](const Scope& x) -> const auto& { return x.tables; }, true) &&
                !l.index.empty())
                local(s.tables.at(l.table->name).indexes, l.index, At{l.path, "/index"}, "index", "on table", l.table->name);
            if (!l.subnets.empty()) {
                // All subnets must be in one VPC of this scope.
                for (std::size_t i = 0; i < l.subnets.size(); ++i) {
                    std::string found;
                    for (const auto& [vname, vpc] : s.vpcs)
                        if (vpc.subnets.contains(l.subnets[i])) found = vname;
                    const At p{l.path, "/network/subnets", i};
                    if (found.empty()) {
                        std::vector<std::string> names;
                        for (const auto& [_, vpc] : s.vpcs)
                            for (const auto& [k, _] : vpc.subnets) names.push_back(k);
                        diags_.error(p.str(), "no subnet named '" + l.subnets[i] + "'", did_you_mean(l.subnets[i], names));
                    } else if (l.vpc.empty()) {
                        l.vpc = found;
                    } else if (l.vpc != found) {
                        diags_.error(p.str(), "subnet '" + l.subnets[i] + "' is in VPC '" + found + "', the others in '" + l.vpc + "'");
                    }
                }
                if (!l.vpc.empty()) check_security_groups(s, l.vpc, l.security_groups, At{l.path, "/network/securityGroups"});
            }
            for (auto& perm : l.invoke_permissions)
                if (perm.source_api)
                    resolve(*perm.source_api, s, At{perm.path, "/sourceApi"}, "REST API", [](const Scope& x) -> const auto& { return x.apis; }, true);
        }
        for (auto& [_, api] : s.apis) {
            for (std::size_t i = 0; i < api.vpc_endpoints.size(); ++i) {
                const At p{api.path, "/vpcEndpoints", i};
                if (!resolve(api.vpc_endpoints[i], s, p, "VPC endpoint", endpoints)) continue;
                const auto& e = model_.scope(api.vpc_endpoints[i].scope)->vpc_endpoints.at(api.vpc_endpoints[i].name);
                if (e.type != EndpointType::interface || e.service != "execute-api")
                    diags_.error(p.str(), "endpoint '" + api.vpc_endpoints[i].to_string() + "' is not an execute-api interface endpoint");
            }
            if (api.endpoint_id_from) {
                const At p{api.path, "/endpointIdFrom"};
                if (resolve(*api.endpoint_id_from, s, p, "secret", [](const Scope& x) -> const auto& { return x.secrets; })) {
                    const auto& sec = model_.scope(api.endpoint_id_from->scope)->secrets.at(api.endpoint_id_from->name);
                    if (!sec.value_vpc_endpoint_id)
                        diags_.error(p.str(), "secret '" + api.endpoint_id_from->to_string() + "' holds no endpoint id (give it \"value\": {\"vpcEndpointId\": ...})");
                }
            }
            // The principals whose calls api-liveness proves (AWS_IAM routes): the consumer's roles.
            for (std::size_t i = 0; i < api.callers.size(); ++i) {
                const At p{api.path, "/callers", i};
                if (!resolve(api.callers[i], s, p, "IAM role", [](const Scope& x) -> const auto& { return x.roles; })) continue;
                if (api.callers[i].scope != model_.consumer.name)
                    diags_.error(p.str(), "caller '" + api.callers[i].to_string() + "' is not a role of the consumer ('" + model_.consumer.name +
                                        "/<role>'): callers are the consumer's principals that call the API");
            }
            for (auto& [_, route] : api.routes)
                resolve(route.lambda, s, At{route.path, "/lambda"}, "Lambda function", [](const Scope& x) -> const auto& { return x.lambdas; }, true);
            if (api.custom_domain) {
                auto& cd = *api.custom_domain;
                resolve(cd.certificate, s, At{cd.path, "/certificate"}, "certificate", [](const Scope& x) -> const auto& { return x.certificates; }, true);
                for (std::size_t i = 0; i < cd.access_vpc_endpoints.size(); ++i) {
                    const At p{cd.path, "/accessVpcEndpoints", i};
                    if (!resolve(cd.access_vpc_endpoints[i], s, p, "VPC endpoint", endpoints)) continue;
                    const auto& e = model_.scope(cd.access_vpc_endpoints[i].scope)->vpc_endpoints.at(cd.access_vpc_endpoints[i].name);
                    if (e.type != EndpointType::interface || e.service != "execute-api")
                        diags_.error(p.str(), "endpoint '" + cd.access_vpc_endpoints[i].to_string() + "' is not an execute-api interface endpoint");
                }
            }
        }
    }

    // Names that must be unique across the whole model.
    void check_global_uniqueness() {
        std::map<std::string, std::string> endpoint_ids, domains, table_names;
        model_.for_each_scope([&](const Scope& s) {
            for (const auto& [_, e] : s.vpc_endpoints)
                if (!e.id.empty())
                    if (auto [it, fresh] = endpoint_ids.emplace(e.id, e.path); !fresh)
                        diags_.error(e.path + "/id", "endpoint id " + e.id + " is also used at " + it->second);
            for (const auto& [_, api] : s.apis)
                if (api.custom_domain)
                    if (auto [it, fresh] = domains.emplace(api.custom_domain->name, api.custom_domain->path); !fresh)
                        diags_.error(api.custom_domain->path + "/name", "custom domain " + api.custom_domain->name + " is also used at " + it->second);
            for (const auto& [_, t] : s.tables)
                if (auto [it, fresh] = table_names.emplace(s.account + ":" + t.table_name, t.path); !fresh)
                    diags_.error(t.path + "/name", "table name " + t.table_name + " is also used in the same account at " + it->second);
        });
    }

    Model& model_;
    Diagnostics& diags_;
};

}  // namespace detail

// Check `model` and resolve its references in place; every problem is added to `diags` (by
// model path, not yet located). The model is usable by later stages only if none was added.
// `jobs`: threads to resolve the scopes on (0: one per core); the result is the same for any.
inline void check(Model& model, Diagnostics& diags, unsigned jobs = 1) {
    detail::Checker(model, diags).run(xc::detail::jobs_or_cores(jobs));
}

// The same, throwing InputError with every problem located through the model's SourceLocator.
inline void check(Model& model) {
    Diagnostics diags;
    check(model, diags);
    if (diags.empty()) return;
    std::vector<Diagnostic> located;
    for (const auto& d : diags.items()) located.push_back(model.located(d));
    throw InputError(std::move(located));
}

}  // namespace xc::model
