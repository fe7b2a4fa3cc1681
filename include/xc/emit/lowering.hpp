// Lowering: the verified model (as its graph) -> one target-neutral deployment description,
// which every infrastructure printer (Terraform now, CloudFormation next) renders.
//
// Layout: one stack per account (all scopes of that account), apply phases consumer (1) ->
// services (2) -> consumer access associations for cross-account PRIVATE custom domains (3,
// only when the model has them: the consumer can associate its endpoint with a provider's
// domain only after the provider created and shared it).
//
// Cross-account values flow as in the reference deployment: the consumer writes each
// execute-api endpoint id into a KMS-encrypted secret; a service stack reads it with a lookup
// by *partial ARN* (arn:aws:secretsmanager:<region>:<consumer account>:secret:<name>):
// GetSecretValue needs an ARN across accounts, the full ARN ends in a random suffix nobody
// can know in advance, and Secrets Manager resolves a partial ARN as long as the name does
// not itself end in "-" + 6 characters (refused here). Every occurrence of an endpoint's
// model id (a placeholder) in a stack's documents becomes the value that stack knows the
// endpoint by: its own resource, the secret read, or (no secret holds it) an input
// defaulting to the model id.
#pragma once

#include <xc/emit/lowering/identifier.hpp>
#include <xc/emit/lowering/json_document.hpp>
#include <xc/emit/lowering/openapi.hpp>
#include <xc/emit/lowering/stack.hpp>
#include <xc/emit/lowering/value.hpp>
#include <xc/detail/parallel.hpp>
#include <xc/model/graph.hpp>

#include <algorithm>
#include <cctype>
#include <exception>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace xc::emit::lowering {

struct LoweringOptions {
    // Default of each service stack's `lambda_dist_dir` input: where `xc emit --target lambda`
    // leaves <function>.zip, relative to the stack's directory; "{service}" = the service name.
    std::string lambda_dist_dir = "../../lambda/{service}/dist";
};

namespace detail {

inline std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : sep) + p;
    return s;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
}

inline const char* protocol_name(model::Protocol p) {
    switch (p) {
        case model::Protocol::tcp: return "tcp";
        case model::Protocol::udp: return "udp";
        case model::Protocol::icmp: return "icmp";
        case model::Protocol::all: return "-1";
    }
    return "-1";
}

// The public SSM parameters AWS keeps pointed at the latest Amazon Linux AMIs.
inline std::string ami_parameter(const std::string& image) {
    if (image == "amazon-linux-2") return "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2";
    if (image == "amazon-linux-2023") return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    return "";
}

// Which scopes each account's stack holds, each scope's resources in graph order, the endpoint
// ids the model states and the secrets holding them: found once per lowering, read by every
// Lowerer of it (lower_stacks_in_parts runs several).
struct StackLayout {
    explicit StackLayout(const model::Graph& g) {
        std::map<std::string, std::vector<const model::Scope*>> by_account;
        g.model().for_each_scope([&](const model::Scope& s) { by_account[s.account].push_back(&s); });
        // A scope's vertices come one after another (the graph numbers them scope by scope): its
        // list is looked up once per run of them, not once per vertex.
        std::vector<model::Vertex>* list = nullptr;
        std::string_view list_scope;
        for (auto v : boost::make_iterator_range(boost::vertices(g.boost()))) {
            if (g[v].kind == model::VertexKind::account) continue;
            if (!list || g[v].scope != list_scope) {
                list = &vertices_of_scope[g[v].scope];
                list_scope = g[v].scope;
            }
            list->push_back(v);
        }
        for (auto& [account, scopes] : by_account) {
            for (const auto* s : scopes) stack_of_scope[s->name] = account;
            multi_scope[account] = scopes.size() > 1;
            accounts.emplace_back(account, std::move(scopes));
        }
        for (auto v : g.vertices(model::VertexKind::vpc_endpoint))
            if (const auto& e = g.resource<model::VpcEndpoint>(v); !e.id.empty()) stated_endpoint_ids.emplace_back(e.id, model::Ref{g[v].scope, e.name});
        std::stable_sort(stated_endpoint_ids.begin(), stated_endpoint_ids.end(),
                         [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
        for (auto sv : g.vertices(model::VertexKind::secret))
            for (auto held : g.out(sv, model::EdgeKind::holds_id_of)) secret_holding.emplace(held, sv);
    }
    const std::vector<model::Vertex>& vertices(const std::string& scope) const {
        static const std::vector<model::Vertex> none;
        auto it = vertices_of_scope.find(scope);
        return it == vertices_of_scope.end() ? none : it->second;
    }
    // How much lowering an account's stack is, to cut the accounts into even parts.
    std::size_t weight(std::size_t account) const {
        std::size_t w = 1;
        for (const auto* s : accounts[account].second) w += vertices(s->name).size();
        return w;
    }

    std::vector<std::pair<std::string, std::vector<const model::Scope*>>> accounts;  // in account-name order
    std::map<std::string, std::string> stack_of_scope;                              // scope -> account
    std::map<std::string, bool> multi_scope;                                        // account -> holds more than one scope
    std::map<std::string, std::vector<model::Vertex>> vertices_of_scope;            // scope -> its resources
    std::vector<std::pair<std::string, model::Ref>> stated_endpoint_ids;            // every endpoint id the model states, longest first
    std::map<model::Vertex, model::Vertex> secret_holding;                          // endpoint -> the secret holding its id (the first, in graph order)
};

class Lowerer {
public:
    Lowerer(const model::Graph& g, const LoweringOptions& options, std::shared_ptr<const StackLayout> layout)
        : g_(g), m_(g.model()), options_(options), layout_(std::move(layout)) {}
    Lowerer(const Lowerer&) = delete;  // its name sets and substitutions refer to it
    Lowerer& operator=(const Lowerer&) = delete;

    // The account stacks of accounts [first, last) of the layout, one at a time, in order, to
    // `each(Stack&&)` once each is complete (a printer can render it and drop it before the next
    // is built: a 10,000-service model is never held lowered whole); their association resources
    // wait in this Lowerer for finish_associations.
    template <class Each>
    void lower_accounts(std::size_t first, std::size_t last, Each&& each) {
        for (std::size_t i = first; i < last; ++i) {
            const auto& [account, scopes] = layout_->accounts[i];
            const auto& a = m_.accounts.at(account);
            Stack s;
            s.name = account;
            s.account_name = account;
            s.account_id = a.id;
            s.region = m_.region;
            bool has_consumer = false;
            for (const auto* sc : scopes) {
                s.scopes.push_back(sc->name);
                has_consumer |= sc->kind == model::ScopeKind::consumer;
            }
            s.role = has_consumer ? StackRole::consumer : StackRole::service;
            s.phase = has_consumer ? 1 : 2;
            st_ = &s;
            names_.clear();
            for (const auto* sc : scopes) lower_scope(*sc);
            describe(s);
            st_ = nullptr;
            sc_ = nullptr;
            each(std::move(s));
        }
    }

    // Appends the association resources `later` (a Lowerer of later accounts) holds to this
    // one's, as if this one had lowered those accounts too: pushed in the same order, so a
    // name both use is the same error, and a lookup both need is kept once.
    void absorb_associations(Lowerer& later) {
        for (auto& [account, from] : later.pending_associations_)
            in_association_stack(account, [&] {
                for (auto& r : from.lookups) push(std::move(r), true);
                for (auto& r : from.resources) push(std::move(r));
            });
        later.pending_associations_.clear();
    }

    // The phase-3 association stacks, to `each`.
    template <class Each>
    void finish_associations(Each&& each) {
        for (auto& [_, s] : pending_associations_) each(std::move(s));
        pending_associations_.clear();
    }

private:
    // --- names -----------------------------------------------------------------------

    // The account (stack) a scope is deployed into; the scope being lowered without a lookup.
    const std::string& account_of_scope(const std::string& scope) const {
        return sc_ && scope == sc_->name ? sc_->account : layout_->stack_of_scope.at(scope);
    }
    // The resource a resolved reference names, from the graph.
    template <class T>
    const T& resource(const model::Ref& r, model::VertexKind kind) const { return g_.resource<T>(g_.vertex(r, kind)); }
    std::string prefix(const std::string& scope) const {
        if (sc_ && scope == sc_->name) return scope_prefix_;
        return layout_->multi_scope.at(layout_->stack_of_scope.at(scope)) ? scope + "_" : "";
    }
    // identifier(prefix + parts joined by '_'), built and made an identifier in one buffer
    // (make_identifier collapses the separators an empty part leaves).
    template <class Parts>
    std::string name_of(const std::string& scope, const Parts& parts) const {
        std::string name = prefix(scope);
        bool first = true;
        for (const auto& p : parts) {
            if (!first) name += '_';
            name += p;
            first = false;
        }
        make_identifier(name);
        return name;
    }
    std::string name_in(const std::string& scope, std::initializer_list<std::string_view> parts) const { return name_of(scope, parts); }
    std::string name_in(const std::string& scope, const std::vector<std::string>& parts) const { return name_of(scope, parts); }
    std::string nm(std::initializer_list<std::string_view> parts) const { return name_of(sc_->name, parts); }
    std::string nm(const std::vector<std::string>& parts) const { return name_of(sc_->name, parts); }
    std::string tag_name(const std::string& scope, const std::string& name) const { return model::application_name(m_, scope, name); }
    // The Name tag, then the xc tags that state what no AWS setting does (a function's handler,
    // the APIs a role calls, a key serving only its secrets) for whoever reads the deployment back.
    Value tags(const std::string& name, const std::vector<std::pair<std::string, std::string>>& xc = {}) const {
        Entries entries = lowering::entries({{"Name", str(tag_name(sc_->name, name))}});
        for (const auto& [key, value] : xc) entries.emplace_back(key, str(value));
        return object(std::move(entries));
    }

    // The (lookup?, kind, name) of every resource and lookup in the stack being lowered, kept
    // as positions in its lists so that checking a name for a duplicate copies no strings.
    struct NameSlot {
        bool lookup;
        std::size_t index;
    };
    const Resource& named(NameSlot n) const { return (n.lookup ? st_->lookups : st_->resources)[n.index]; }
    struct NameHash {
        const Lowerer* lowerer;
        std::size_t operator()(NameSlot n) const {
            const Resource& r = lowerer->named(n);
            return kind_name_hash(r.kind, r.name) * 2 + n.lookup;
        }
    };
    struct NameEqual {
        const Lowerer* lowerer;
        bool operator()(NameSlot a, NameSlot b) const {
            const Resource& x = lowerer->named(a);
            const Resource& y = lowerer->named(b);
            return a.lookup == b.lookup && x.kind == y.kind && x.name == y.name;
        }
    };
    using Names = std::unordered_set<NameSlot, NameHash, NameEqual>;
    Names no_names() const { return Names(64, NameHash{this}, NameEqual{this}); }

    void push(Resource r, bool lookup = false) {
        auto& list = lookup ? st_->lookups : st_->resources;
        list.push_back(std::move(r));
        auto [first, fresh] = names_.insert(NameSlot{lookup, list.size() - 1});
        if (fresh) return;
        Resource again = std::move(list.back());
        list.pop_back();
        if (lookup) return;  // the same read, needed twice
        throw LoweringError(again.source, "this and the model's " + list[first->index].source + " both become " + again.kind + " '" +
                                              again.name + "' in stack " + st_->name + ": rename one of them");
    }
    static Resource make(std::string kind, std::string name, std::string group, std::string source) {
        Resource r;
        r.kind = std::move(kind);
        r.name = std::move(name);
        r.group = std::move(group);
        r.source = std::move(source);
        // Room for most resources' properties: without it each grows 1, 2, 4, 8, moving its
        // properties (208 bytes each) at every step.
        r.properties.reserve(8);
        return r;
    }
    void add_input(Input in) {
        for (const auto& i : st_->inputs)
            if (i.name == in.name) return;
        st_->inputs.push_back(std::move(in));
    }

    // --- values the stack knows things by --------------------------------------------------

    bool in_this_stack(const std::string& scope) const { return account_of_scope(scope) == st_->account_name && st_->role != StackRole::consumer_associations; }

    Value local_ref(const model::Ref& r, const std::string& kind, const std::vector<std::string>& parts, const std::string& attr) const {
        if (!in_this_stack(r.scope))
            throw LoweringError(kind + " '" + r.to_string() + "' is in another account: only VPC endpoint ids can cross accounts (through a secret)");
        return ref(kind, name_in(r.scope, parts), attr);
    }

    // The value of a VPC endpoint's id in the current stack.
    Value endpoint_id(const model::Ref& ep) {
        const auto& endpoint = resource<model::VpcEndpoint>(ep, model::VertexKind::vpc_endpoint);
        if (st_->role == StackRole::consumer_associations) {
            // A later phase in the consumer's account: find the endpoint by its Name tag.
            Resource r = make("vpc_endpoint", identifier(ep.scope + "_" + ep.name), "associations", endpoint.path);
            r.set("tags", object({{"Name", str(tag_name(ep.scope, ep.name))}}));
            std::string n = r.name;
            push(std::move(r), true);
            return lookup_ref("vpc_endpoint", n, "id");
        }
        if (in_this_stack(ep.scope)) return ref("vpc_endpoint", name_in(ep.scope, {ep.name}), "id");
        const auto& holding = layout_->secret_holding;
        if (auto holder = holding.find(g_.vertex(ep, model::VertexKind::vpc_endpoint)); holder != holding.end()) {
            auto sv = holder->second;
            const auto& secret = g_.resource<model::Secret>(sv);
            std::string n = identifier(g_[sv].scope + "_" + secret.name);
            Resource r = make("secret_version", n, "cross_account", secret.path);
            // By partial ARN: the deployed ARN up to the "-" before the six characters AWS assigns.
            std::string partial = g_.identity(sv).arn().literal_prefix();
            partial.pop_back();
            r.set("secret_id", str(partial));
            push(std::move(r), true);
            return lookup_ref("secret_version", n, "secret_string");
        }
        std::string in = identifier(ep.scope + "_" + ep.name + "_endpoint_id");
        add_input(Input{in, "string", "Id of the " + ep.to_string() + " VPC endpoint (no secret in the model shares it)",
                        str(endpoint.id)});
        return input_ref(in);
    }

    // Every endpoint id the model states, longest first, as this Lowerer's stack knows it (the
    // ids are found once per lowering: models have 10,000s of scopes, lowered in several parts).
    const Substitutions& substitutions() {
        if (!substitutions_) {
            substitutions_.emplace();
            for (const auto& [id, r] : layout_->stated_endpoint_ids) substitutions_->emplace_back(id, [this, r = r] { return endpoint_id(r); });
        }
        return *substitutions_;
    }
    Value doc(const model::PolicyDocument& p) {
        const Substitutions& subs = substitutions();
        if (auto restated = ids_as_stated(p.document(), subs)) return document(to_value(*restated, subs));
        return document(to_value(p.document(), subs));
    }

    // Under a condition operator that ignores case (StringEqualsIgnoreCase, ...), an endpoint id
    // written in another case is that id ("IgnoreCase ... Exact matching, ignoring case", IAM
    // User Guide, "IAM JSON policy elements: Condition operators"): write it as the model states
    // it, so that it becomes the deployed id like every other occurrence (a policy naming
    // "VPCE-0A1B..." would otherwise keep naming an id the deployed endpoint does not have).
    // The document so restated, or nothing when it states every id as the model does (a copy is
    // made only then: most policies have no such condition).
    static std::optional<nlohmann::json> ids_as_stated(const nlohmann::json& document, const Substitutions& subs) {
        auto same_ignoring_case = [](std::string_view a, std::string_view b) {
            return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                       return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
                   });
        };
        // The id `v` stands for in another case, if it does (the last of ids alike but for case).
        auto restated_id = [&](const nlohmann::json& v) -> const std::string* {
            if (!v.is_string()) return nullptr;
            const auto& text = v.get_ref<const std::string&>();
            const std::string* match = nullptr;
            for (const auto& [id, _] : subs)
                if (same_ignoring_case(text, id)) match = &id;
            return match && *match != text ? match : nullptr;
        };
        // Each value under an IgnoreCase operator, read (const json) or restated (json).
        auto each_value = [](auto& doc, auto&& visit) {
            auto statements = doc.find("Statement");
            if (statements == doc.end()) return;
            auto each = [&](auto& statement) {
                if (!statement.is_object()) return;
                auto condition = statement.find("Condition");
                if (condition == statement.end() || !condition->is_object()) return;
                for (auto& [op, keys] : condition->items()) {
                    if (op.find("IgnoreCase") == std::string::npos || !keys.is_object()) continue;
                    for (auto& [_, values] : keys.items()) {
                        if (values.is_array())
                            for (auto& v : values) visit(v);
                        else
                            visit(values);
                    }
                }
            };
            if (statements->is_array())
                for (auto& st : *statements) each(st);
            else
                each(*statements);
        };
        bool any = false;
        each_value(document, [&](const nlohmann::json& v) { any = any || restated_id(v); });
        if (!any) return std::nullopt;
        nlohmann::json restated = document;
        each_value(restated, [&](nlohmann::json& v) {
            if (const std::string* id = restated_id(v)) v = *id;
        });
        return restated;
    }

    Value certificate_arn(const model::Ref& c) {
        const auto& cert = resource<model::Certificate>(c, model::VertexKind::certificate);
        if (!cert.self_signed) return str(cert.arn);
        return local_ref(c, "certificate", {c.name}, "arn");
    }

    // --- scopes ----------------------------------------------------------------------------

    void lower_scope(const model::Scope& s) {
        sc_ = &s;
        scope_prefix_ = layout_->multi_scope.at(s.account) ? s.name + "_" : "";
        using K = model::VertexKind;
        // Nested resources (subnets, listeners, routes, ...) are lowered with their parent.
        for (model::Vertex v : layout_->vertices(s.name)) {
            switch (g_[v].kind) {
                case K::vpc: lower_vpc(g_.resource<model::Vpc>(v).name, g_.resource<model::Vpc>(v)); break;
                case K::security_group: lower_security_group(g_.resource<model::SecurityGroup>(v).name, g_.resource<model::SecurityGroup>(v)); break;
                case K::vpc_endpoint: lower_endpoint(g_.resource<model::VpcEndpoint>(v).name, g_.resource<model::VpcEndpoint>(v)); break;
                case K::certificate: lower_certificate(g_.resource<model::Certificate>(v).name, g_.resource<model::Certificate>(v)); break;
                case K::load_balancer: lower_load_balancer(g_.resource<model::LoadBalancer>(v).name, g_.resource<model::LoadBalancer>(v)); break;
                case K::hosted_zone: lower_zone(g_.resource<model::HostedZone>(v).name, g_.resource<model::HostedZone>(v)); break;
                case K::kms_key: lower_kms_key(g_.resource<model::KmsKey>(v).name, g_.resource<model::KmsKey>(v)); break;
                case K::secret: lower_secret(v, g_.resource<model::Secret>(v)); break;
                case K::instance: lower_instance(g_.resource<model::Instance>(v).name, g_.resource<model::Instance>(v)); break;
                case K::table: lower_table(v, g_.resource<model::Table>(v)); break;
                case K::role: lower_role(v, g_.resource<model::Role>(v).name, g_.resource<model::Role>(v)); break;
                case K::lambda: lower_lambda(v, g_.resource<model::Lambda>(v)); break;
                case K::rest_api: lower_api(v, g_.resource<model::RestApi>(v)); break;
                default: break;
            }
        }
    }

    void lower_vpc(const std::string& n, const model::Vpc& vpc) {
        Value vpc_id = ref("vpc", nm({n}), "id");
        Resource r = make("vpc", nm({n}), "network", vpc.path);
        r.set("cidr_block", str(vpc.cidr.to_string()));
        r.set("enable_dns_hostnames", boolean(vpc.dns_hostnames));
        r.set("enable_dns_support", boolean(vpc.dns_support));
        r.set("tags", tags(n));
        push(std::move(r));
        if (vpc.internet_gateway) {
            Resource igw = make("internet_gateway", nm({n}), "network", vpc.path + "/internetGateway");
            igw.set("vpc_id", vpc_id);
            igw.set("tags", tags(n));
            push(std::move(igw));
        }
        for (const auto& [rn, rt] : vpc.route_tables) {
            Resource t = make("route_table", nm({n, rn}), "network", rt.path);
            t.set("vpc_id", vpc_id);
            t.set("tags", tags(n + "-" + rn));
            push(std::move(t));
            for (const auto& route : rt.routes) {
                std::string dest = route.destination.to_string() == "0.0.0.0/0" ? "default" : route.destination.to_string();
                if (route.target.kind == model::RouteTarget::Kind::internet_gateway) {
                    Resource x = make("route", nm({n, rn, dest}), "network", route.path);
                    x.set("route_table_id", ref("route_table", nm({n, rn}), "id"));
                    x.set("destination_cidr_block", str(route.destination.to_string()));
                    x.set("gateway_id", ref("internet_gateway", nm({n}), "id"));
                    push(std::move(x));
                } else {
                    // A route to a gateway endpoint is its route-table association.
                    const auto& ep = *route.target.vpc_endpoint;
                    const auto& e = resource<model::VpcEndpoint>(ep, model::VertexKind::vpc_endpoint);
                    if (std::find(e.route_tables.begin(), e.route_tables.end(), rn) == e.route_tables.end())
                        endpoint_association(ep, n, rn, route.path);
                }
            }
        }
        for (const auto& [sn, subnet] : vpc.subnets) {
            Resource x = make("subnet", nm({n, sn}), "network", subnet.path);
            x.set("vpc_id", vpc_id);
            x.set("cidr_block", str(subnet.cidr.to_string()));
            x.set("availability_zone", str(subnet.availability_zone));
            if (subnet.is_public) x.set("map_public_ip_on_launch", boolean(true));
            x.set("tags", tags(n + "-" + sn));
            push(std::move(x));
            Resource a = make("route_table_association", nm({n, sn}), "network", subnet.path);
            a.set("subnet_id", ref("subnet", nm({n, sn}), "id"));
            a.set("route_table_id", ref("route_table", nm({n, subnet.route_table}), "id"));
            push(std::move(a));
        }
    }

    void endpoint_association(const model::Ref& ep, const std::string& vpc, const std::string& rt, const std::string& source) {
        Resource a = make("vpc_endpoint_route_table_association", nm({ep.name, rt}), "network", source);
        a.set("route_table_id", ref("route_table", nm({vpc, rt}), "id"));
        a.set("vpc_endpoint_id", local_ref(ep, "vpc_endpoint", {ep.name}, "id"));
        push(std::move(a));
    }

    void lower_security_group(const std::string& n, const model::SecurityGroup& sg) {
        Resource r = make("security_group", nm({n}), "network", sg.path);
        r.set("name", str(tag_name(sc_->name, n)));
        r.set("description", str(sg.description.empty() ? "Security group " + n : sg.description));
        r.set("vpc_id", ref("vpc", nm({sg.vpc}), "id"));
        r.set("tags", tags(n));
        push(std::move(r));
        auto rules = [&](const std::vector<model::SecurityGroupRule>& list_, const std::string& direction) {
            for (std::size_t i = 0; i < list_.size(); ++i) {
                const auto& rule = list_[i];
                Resource x = make("security_group_" + direction + "_rule", nm({n, direction, std::to_string(i)}), "network", rule.path);
                x.set("security_group_id", ref("security_group", nm({n}), "id"));
                x.set("ip_protocol", str(protocol_name(rule.protocol)));
                if (rule.protocol != model::Protocol::all) {
                    x.set("from_port", integer(rule.from_port));
                    x.set("to_port", integer(rule.to_port));
                }
                switch (rule.peer.kind) {
                    case model::RulePeer::Kind::cidr: x.set("cidr_ipv4", str(rule.peer.cidr->to_string())); break;
                    case model::RulePeer::Kind::security_group:
                        x.set("referenced_security_group_id",
                              local_ref(*rule.peer.security_group, "security_group", {rule.peer.security_group->name}, "id"));
                        break;
                    case model::RulePeer::Kind::prefix_list:
                        x.set("prefix_list_id", local_ref(*rule.peer.prefix_list, "vpc_endpoint", {rule.peer.prefix_list->name}, "prefix_list_id"));
                        break;
                }
                if (!rule.description.empty()) x.set("description", str(rule.description));
                push(std::move(x));
            }
        };
        rules(sg.ingress, "ingress");
        rules(sg.egress, "egress");
    }

    void lower_endpoint(const std::string& n, const model::VpcEndpoint& e) {
        Resource r = make("vpc_endpoint", nm({n}), "network", e.path);
        r.set("vpc_id", ref("vpc", nm({e.vpc}), "id"));
        r.set("service_name", str("com.amazonaws." + m_.region + "." + e.service));
        r.set("vpc_endpoint_type", str(e.type == model::EndpointType::interface ? "Interface" : "Gateway"));
        if (e.type == model::EndpointType::interface) {
            std::vector<Value> subnets, groups;
            for (const auto& s : e.subnets) subnets.push_back(ref("subnet", nm({e.vpc, s}), "id"));
            for (const auto& g : e.security_groups) groups.push_back(ref("security_group", nm({g}), "id"));
            r.set("subnet_ids", list(std::move(subnets)));
            r.set("security_group_ids", list(std::move(groups)));
            r.set("private_dns_enabled", boolean(e.private_dns));
        }
        if (e.policy) r.set("policy", doc(*e.policy));
        r.set("tags", tags(n));
        push(std::move(r));
        for (const auto& rt : e.route_tables) endpoint_association(model::Ref{sc_->name, n}, e.vpc, rt, e.path);
    }

    void lower_certificate(const std::string& n, const model::Certificate& c) {
        if (!c.self_signed) return;  // an existing ACM certificate: referenced by ARN
        Resource key = make("private_key", nm({n}), "certificates", c.path);
        key.set("algorithm", str("RSA"));
        key.set("rsa_bits", integer(2048));
        push(std::move(key));
        std::vector<Value> names;
        names.push_back(str(c.domain));
        for (const auto& a : c.alternative_names) names.push_back(str(a));
        Resource cert = make("self_signed_certificate", nm({n}), "certificates", c.path);
        cert.set("private_key_pem", ref("private_key", nm({n}), "private_key_pem"));
        cert.set("subject", object({{"common_name", str(c.domain)}, {"organization", str(m_.name)}}));
        cert.set("dns_names", list(std::move(names)));
        cert.set("validity_period_hours", integer(24 * 365));
        cert.set("allowed_uses", list({str("key_encipherment"), str("digital_signature"), str("server_auth")}));
        push(std::move(cert));
        Resource acm = make("certificate", nm({n}), "certificates", c.path);
        acm.set("private_key", ref("private_key", nm({n}), "private_key_pem"));
        acm.set("certificate_body", ref("self_signed_certificate", nm({n}), "cert_pem"));
        acm.set("tags", tags(n));
        acm.create_before_destroy = true;
        push(std::move(acm));
    }

    void lower_load_balancer(const std::string& n, const model::LoadBalancer& lb) {
        Resource r = make("load_balancer", nm({n}), "load_balancer", lb.path);
        std::vector<Value> subnets, groups;
        for (const auto& s : lb.subnets) subnets.push_back(ref("subnet", nm({lb.vpc, s}), "id"));
        for (const auto& g : lb.security_groups) groups.push_back(ref("security_group", nm({g}), "id"));
        r.set("internal", boolean(lb.internal));
        r.set("load_balancer_type", str("application"));
        r.set("subnets", list(std::move(subnets)));
        r.set("security_groups", list(std::move(groups)));
        r.set("tags", tags(n));
        push(std::move(r));
        for (const auto& [tn, tg] : lb.target_groups) {
            Resource t = make("target_group", nm({n, tn}), "load_balancer", tg.path);
            t.set("port", integer(tg.port));
            t.set("protocol", str(tg.protocol));
            t.set("target_type", str("ip"));
            t.set("vpc_id", ref("vpc", nm({lb.vpc}), "id"));
            t.set("health_check", object({{"protocol", str(tg.protocol)}, {"path", str(tg.health_check_path)},
                                          {"matcher", str(tg.health_check_matcher)}}));
            t.set("tags", tags(n + "-" + tn));
            push(std::move(t));
            // Targets: the private IPs of the endpoint's network interfaces, one per subnet.
            const auto& ep = tg.vpc_endpoint;
            const auto& e = resource<model::VpcEndpoint>(ep, model::VertexKind::vpc_endpoint);
            for (std::size_t i = 0; i < e.subnets.size(); ++i) {
                std::string eni = name_in(ep.scope, {ep.name, std::to_string(i)});
                Resource lookup = make("network_interface", eni, "load_balancer", e.path);
                lookup.set("id", local_ref(ep, "vpc_endpoint", {ep.name}, "network_interface_ids"));
                lookup.properties.back().second.index = static_cast<int>(i);
                push(std::move(lookup), true);
                Resource a = make("target_group_attachment", nm({n, tn, std::to_string(i)}), "load_balancer", tg.path);
                a.set("target_group_arn", ref("target_group", nm({n, tn}), "arn"));
                a.set("target_id", lookup_ref("network_interface", eni, "private_ip"));
                a.set("port", integer(tg.port));
                push(std::move(a));
            }
        }
        for (const auto& [ln, l] : lb.listeners) {
            Resource x = make("listener", nm({n, ln}), "load_balancer", l.path);
            x.set("load_balancer_arn", ref("load_balancer", nm({n}), "arn"));
            x.set("port", integer(l.port));
            x.set("protocol", str(l.protocol));
            if (!l.ssl_policy.empty()) x.set("ssl_policy", str(l.ssl_policy));
            if (!l.certificates.empty()) x.set("certificate_arn", certificate_arn(l.certificates.front()));
            x.set("default_action", object({{"type", str("forward")},
                                             {"target_group_arn", ref("target_group", nm({n, l.default_forward}), "arn")}}));
            push(std::move(x));
            for (std::size_t i = 1; i < l.certificates.size(); ++i) {
                Resource c = make("listener_certificate", nm({n, ln, l.certificates[i].name}), "load_balancer", l.path);
                c.set("listener_arn", ref("listener", nm({n, ln}), "arn"));
                c.set("certificate_arn", certificate_arn(l.certificates[i]));
                push(std::move(c));
            }
            for (const auto& rule : l.rules) {
                Resource rr = make("listener_rule", nm({n, ln, std::to_string(rule.priority)}), "load_balancer", rule.path);
                std::vector<Value> hosts;
                for (const auto& h : rule.hosts) hosts.push_back(str(h));
                rr.set("listener_arn", ref("listener", nm({n, ln}), "arn"));
                rr.set("priority", integer(rule.priority));
                rr.set("action", object({{"type", str("forward")}, {"target_group_arn", ref("target_group", nm({n, rule.forward}), "arn")}}));
                rr.set("condition", object({{"host_header", object({{"values", list(std::move(hosts))}})}}));
                push(std::move(rr));
            }
        }
    }

    void lower_zone(const std::string& n, const model::HostedZone& z) {
        Resource r = make("hosted_zone", nm({n}), "dns", z.path);
        r.set("name", str(z.domain));
        if (z.is_private) {
            std::vector<Value> vpcs;
            for (const auto& v : z.vpcs) vpcs.push_back(object({{"vpc_id", local_ref(v, "vpc", {v.name}, "id")}}));
            r.set("vpc", list(std::move(vpcs)));
        }
        r.set("tags", tags(n));
        push(std::move(r));
        for (const auto& [rn, rec] : z.records) {
            Resource x = make("dns_record", nm({n, rn == "@" ? "apex" : rn}), "dns", rec.path);
            const auto& lb = rec.load_balancer;
            x.set("zone_id", ref("hosted_zone", nm({n}), "zone_id"));
            x.set("name", str(rec.fqdn));
            x.set("type", str("A"));
            x.set("alias", object({{"name", local_ref(lb, "load_balancer", {lb.name}, "dns_name")},
                                   {"zone_id", local_ref(lb, "load_balancer", {lb.name}, "zone_id")},
                                   {"evaluate_target_health", boolean(rec.evaluate_target_health)}}));
            push(std::move(x));
        }
    }

    void lower_kms_key(const std::string& n, const model::KmsKey& k) {
        Resource r = make("kms_key", nm({n}), "secrets", k.path);
        if (!k.description.empty()) r.set("description", str(k.description));
        r.set("enable_key_rotation", boolean(k.rotation));
        r.set("policy", doc(k.policy));
        // That the key serves only its secrets is the model's requirement, no AWS setting: the
        // tag "xc:only-its-secrets" states it for whoever reads the deployment back
        // (input/detail/only_its_secrets.hpp).
        r.set("tags", k.only_its_secrets ? tags(n, {{"xc:only-its-secrets", "true"}}) : tags(n));
        push(std::move(r));
    }

    void lower_secret(model::Vertex v, const model::Secret& s) {
        const std::string& n = s.name;
        std::string name = g_.identity(v).name.stand_in();  // a literal: xc names secrets
        // A partial ARN ending in "-" + 6 characters would be taken for a full ARN.
        if (name.size() > 7 && name[name.size() - 7] == '-')
            throw LoweringError(s.path, "secret '" + s.name +
                                            "': a name ending in '-' and 6 characters cannot be read across accounts by partial ARN; rename it");
        Resource r = make("secret", nm({n}), "secrets", s.path);
        r.set("name", str(name));
        if (!s.description.empty()) r.set("description", str(s.description));
        if (s.kms_key) r.set("kms_key_id", local_ref(*s.kms_key, "kms_key", {s.kms_key->name}, "arn"));
        // Deleting a secret schedules it for deletion after a recovery window (default 30 days)
        // during which its name cannot be reused: destroying and re-creating the stack would fail
        // on it. The secret holds only values the stack rewrites (an endpoint id), so the safe
        // default is 0, "delete immediately"; a deployer who wants the window sets 7-30
        // ("recovery_window_in_days - (Optional) Number of days that AWS Secrets Manager waits
        // before it can delete the secret. This value can be 0 to force deletion without recovery
        // or range from 7 to 30 days. The default value is 30", AWS provider docs,
        // aws_secretsmanager_secret).
        add_input(Input{"secret_recovery_window_in_days", "number",
                        "Days a deleted secret stays recoverable (0: deleted at once, so the stack can be destroyed and re-created; "
                        "or 7-30: recoverable, but its name cannot be reused meanwhile)",
                        integer(0)});
        r.set("recovery_window_in_days", input_ref("secret_recovery_window_in_days"));
        r.set("tags", tags(n));
        push(std::move(r));
        if (s.policy) {
            Resource p = make("secret_policy", nm({n}), "secrets", s.path + "/policy");
            p.set("secret_arn", ref("secret", nm({n}), "arn"));
            p.set("policy", doc(*s.policy));
            push(std::move(p));
        }
        if (s.value_vpc_endpoint_id) {
            Resource v = make("secret_version", nm({n}), "secrets", s.path + "/value");
            v.set("secret_id", ref("secret", nm({n}), "id"));
            v.set("secret_string", endpoint_id(*s.value_vpc_endpoint_id));
            push(std::move(v));
        }
    }

    void lower_instance(const std::string& n, const model::Instance& i) {
        Value ami;
        const bool latest_ami = !ami_parameter(i.image).empty();
        if (auto parameter = ami_parameter(i.image); latest_ami) {
            Resource l = make("ssm_parameter", nm({n, "ami"}), "client", i.path + "/image");
            l.set("name", str(parameter));
            push(std::move(l), true);
            ami = lookup_ref("ssm_parameter", nm({n, "ami"}), "insecure_value");
        } else {
            ami = str(i.image);
        }
        if (i.ssm) {
            Resource role = make("role", nm({n, "instance"}), "client", i.path + "/ssm");
            role.set("assume_role_policy",
                     document(object({{"Statement", list({object({{"Action", str("sts:AssumeRole")},
                                                                    {"Effect", str("Allow")},
                                                                    {"Principal", object({{"Service", str("ec2.amazonaws.com")}})}})})},
                                      {"Version", str("2012-10-17")}})));
            push(std::move(role));
            Resource att = make("role_policy_attachment", nm({n, "instance", "ssm"}), "client", i.path + "/ssm");
            att.set("role", ref("role", nm({n, "instance"}), "name"));
            att.set("policy_arn", str("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"));
            push(std::move(att));
            Resource prof = make("instance_profile", nm({n}), "client", i.path + "/ssm");
            prof.set("role", ref("role", nm({n, "instance"}), "name"));
            push(std::move(prof));
        }
        Resource r = make("instance", nm({n}), "client", i.path);
        std::vector<Value> groups;
        for (const auto& g : i.security_groups) groups.push_back(ref("security_group", nm({g}), "id"));
        r.set("ami", ami);
        r.set("instance_type", str(i.instance_type));
        r.set("subnet_id", ref("subnet", nm({i.vpc, i.subnet}), "id"));
        r.set("vpc_security_group_ids", list(std::move(groups)));
        if (i.ssm) r.set("iam_instance_profile", ref("instance_profile", nm({n}), "name"));
        // IMDSv2 only: "http_tokens - (Optional) Whether or not the metadata service requires
        // session tokens, also referred to as Instance Metadata Service Version 2 (IMDSv2)"
        // (AWS provider docs, aws_instance, metadata_options).
        r.set("metadata_options", object({{"http_endpoint", str("enabled")}, {"http_tokens", str("required")}}));
        r.set("tags", tags(n));
        // The latest AMI is read at every plan: without this, each new Amazon Linux release
        // would replace the test client.
        if (latest_ami) r.ignore_changes.push_back("ami");
        push(std::move(r));
    }

    void lower_table(model::Vertex v, const model::Table& t) {
        const std::string& n = t.name;
        Resource r = make("table", nm({n}), "dynamodb", t.path);
        std::vector<Value> attributes;
        std::set<std::string> seen;
        auto attribute = [&](const model::KeyAttribute& k) {
            if (seen.insert(k.name).second) attributes.push_back(object({{"name", str(k.name)}, {"type", str(k.type)}}));
        };
        attribute(t.hash_key);
        if (t.range_key) attribute(*t.range_key);
        std::vector<Value> indexes;
        for (const auto& [in, idx] : t.indexes) {
            attribute(idx.hash_key);
            if (idx.range_key) attribute(*idx.range_key);
            Entries e = entries({{"name", str(idx.name)}, {"hash_key", str(idx.hash_key.name)}});
            if (idx.range_key) e.emplace_back("range_key", str(idx.range_key->name));
            e.emplace_back("projection_type", str(idx.projection));
            indexes.push_back(object(std::move(e)));
        }
        r.set("name", str(g_.identity(v).name.stand_in()));
        r.set("billing_mode", str(t.billing));
        r.set("hash_key", str(t.hash_key.name));
        if (t.range_key) r.set("range_key", str(t.range_key->name));
        r.set("attribute", list(std::move(attributes)));
        if (!indexes.empty()) r.set("global_secondary_index", list(std::move(indexes)));
        r.set("tags", tags(n));
        push(std::move(r));
    }

    static std::string last_segment(const std::string& arn) { return arn.substr(arn.find_last_of('/') + 1); }

    // The names of the APIs whose callers include the consumer's role `role`, separated by
    // spaces: the tag "xc:calls" that states it for whoever reads the deployment back
    // (input/detail/api_callers.hpp); empty when the role calls none.
    std::string called_apis(const model::Role& role) const {
        if (sc_->kind != model::ScopeKind::consumer) return "";
        const model::Ref self{sc_->name, role.name};
        std::string out;
        m_.for_each_scope([&](const model::Scope& s) {
            for (const auto& [an, a] : s.apis) {
                if (std::find(a.callers.begin(), a.callers.end(), self) == a.callers.end()) continue;
                const std::string name = g_.identity(g_.vertex(model::Ref{s.name, an}, model::VertexKind::rest_api)).name.stand_in();
                // IAM tag values: "[\p{L}\p{Z}\p{N}_.:/=+\-@]*", at most 256 characters (IAM User
                // Guide, "Tags for AWS Identity and Access Management resources"); a space separates names.
                for (char c : name)
                    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_.:/=+-@").find(c) != std::string_view::npos))
                        throw LoweringError(role.path, "role '" + role.name + "' calls API '" + name + "', whose name cannot be listed in the tag xc:calls");
                out += (out.empty() ? "" : " ") + name;
            }
        });
        if (out.size() > 256) throw LoweringError(role.path, "role '" + role.name + "' calls more APIs than the tag xc:calls can list (256 characters)");
        return out;
    }

    void lower_role(model::Vertex v, const std::string& n, const model::Role& role) {
        Resource r = make("role", nm({n}), "iam", role.path);
        // The name verify reasons about (model/identity.hpp): a stated one is deployed as stated;
        // otherwise AWS (Terraform, CloudFormation) generates it, as identity says.
        if (const auto& name = g_.identity(v).name; name.is_literal()) r.set("name", str(name.stand_in()));
        r.set("assume_role_policy", doc(role.trust_policy));
        const std::string calls = called_apis(role);
        r.set("tags", calls.empty() ? tags(n) : tags(n, {{"xc:calls", calls}}));
        push(std::move(r));
        for (const auto& arn : role.managed_policies) {
            Resource a = make("role_policy_attachment", nm({n, last_segment(arn)}), "iam", role.path + "/managedPolicies");
            a.set("role", ref("role", nm({n}), "name"));
            a.set("policy_arn", str(arn));
            push(std::move(a));
        }
        for (const auto& [pn, p] : role.policies) {
            Resource x = make("role_policy", nm({n, pn}), "iam", p.path);
            x.set("name", str(pn));
            x.set("role", ref("role", nm({n}), "id"));
            x.set("policy", doc(p));
            push(std::move(x));
        }
    }

    void lower_lambda(model::Vertex v, const model::Lambda& l) {
        const std::string& n = l.name;
        std::string input = layout_->multi_scope.at(st_->account_name) ? identifier(sc_->name + "_lambda_dist_dir") : "lambda_dist_dir";
        add_input(Input{input, "string",
                        "Directory holding the " + sc_->name + " service's Lambda zips (<function>.zip), built from `xc emit --target lambda`",
                        str(replace_all(options_.lambda_dist_dir, "{service}", sc_->name))});
        std::string fname = g_.identity(v).name.stand_in();  // a literal: xc names functions
        if (fname.size() > 64)
            throw LoweringError(l.path, "Lambda '" + n + "': function name '" + fname + "' is longer than 64 characters");

        Resource logs = make("log_group", nm({n}), "compute", l.path);
        logs.set("name", str("/aws/lambda/" + fname));
        if (l.log_retention_days > 0) logs.set("retention_in_days", integer(l.log_retention_days));
        logs.set("tags", tags(n));
        push(std::move(logs));

        Value zip = concat({input_ref(input), str("/" + l.name + ".zip")});  // the lambda target names zips by function
        Resource f = make("function", nm({n}), "compute", l.path);
        f.set("function_name", str(fname));
        f.set("role", local_ref(l.role, "role", {l.role.name}, "arn"));
        f.set("runtime", str("provided.al2023"));
        f.set("handler", str("bootstrap"));
        f.set("filename", zip);
        f.set("source_code_hash", file_hash(zip));
        f.set("memory_size", integer(l.memory_mb));
        f.set("timeout", integer(l.timeout_s));
        if (!l.subnets.empty()) {
            std::vector<Value> subnets, groups;
            for (const auto& s : l.subnets) subnets.push_back(ref("subnet", nm({l.vpc, s}), "id"));
            for (const auto& g : l.security_groups) groups.push_back(ref("security_group", nm({g}), "id"));
            f.set("vpc_config", object({{"subnet_ids", list(std::move(subnets))}, {"security_group_ids", list(std::move(groups))}}));
        }
        std::map<std::string, Value> env;
        for (const auto& [k, v] : l.environment) env.emplace(k, str(v));
        if (l.table) env.emplace("TABLE_NAME", local_ref(*l.table, "table", {l.table->name}, "name"));
        if (!l.index.empty()) env.emplace("INDEX_NAME", str(l.index));
        if (!env.empty()) f.set("environment", object({{"variables", object(Entries(env.begin(), env.end()))}}));
        // What the function does is the model's `handler`, which no AWS setting states: the
        // tag "xc:handler" states it, so that reading the deployment back (the Terraform front
        // end, input/terraform/to_model.hpp) knows which data access the function needs.
        f.set("tags", tags(n, {{"xc:handler", l.handler}}));
        // The log group first (else Lambda creates an unmanaged one), and the role's
        // permissions (a function in a VPC needs the ENI permissions at creation).
        f.depends_on.emplace_back("log_group", nm({n}));
        const auto& role = resource<model::Role>(l.role, model::VertexKind::role);
        if (in_this_stack(l.role.scope)) {
            for (const auto& arn : role.managed_policies) f.depends_on.emplace_back("role_policy_attachment", name_in(l.role.scope, {l.role.name, last_segment(arn)}));
            for (const auto& [pn, _] : role.policies) f.depends_on.emplace_back("role_policy", name_in(l.role.scope, {l.role.name, pn}));
        }
        push(std::move(f));

        for (std::size_t i = 0; i < l.invoke_permissions.size(); ++i) {
            const auto& p = l.invoke_permissions[i];
            std::vector<std::string> parts{n, "invoke"};
            if (p.source_api) parts.push_back(p.source_api->name);
            if (l.invoke_permissions.size() > 1) parts.push_back(std::to_string(i));
            Resource x = make("lambda_permission", nm(parts), "compute", p.path);
            x.set("statement_id", str(p.source_api ? "AllowInvokeFromApi" + std::to_string(i) : "AllowInvoke" + std::to_string(i)));
            x.set("action", str("lambda:InvokeFunction"));
            x.set("function_name", ref("function", nm({n}), "function_name"));
            x.set("principal", str(p.principal));
            if (p.source_api)
                x.set("source_arn", concat({local_ref(*p.source_api, "rest_api", {p.source_api->name}, "execution_arn"), str(p.source_path)}));
            else if (!p.source_arn.empty())
                x.set("source_arn", str(p.source_arn));
            if (!p.source_account.empty()) x.set("source_account", str(p.source_account));
            push(std::move(x));
        }
    }

    void lower_api(model::Vertex v, const model::RestApi& api) {
        const std::string& n = api.name;
        std::string api_name = g_.identity(v).name.stand_in();  // a literal: xc names APIs
        // The resource policy travels with the API, twice, so that no provider version and no
        // update mode can leave a body update without it (issue 24, fix 1):
        //  * in the body (x-amazon-apigateway-policy): a PutRestApi in "overwrite" mode, the
        //    provider's default, replaces the policy with the body's ("overwrite: the new API
        //    definition replaces the existing one", API Reference, PutRestApi);
        //  * as the REST API's own `policy` argument: the provider then patches the policy after
        //    every body update ("If the argument value is provided and is different than the
        //    OpenAPI value, the argument value will override the OpenAPI value", AWS provider docs,
        //    aws_api_gateway_rest_api, https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_rest_api).
        // The same page recommends a separate aws_api_gateway_rest_api_policy; xc deliberately does
        // not emit one: that is what provider 6.48.0 and later wipe on a
        // body update (hashicorp/terraform-provider-aws#49672: "applying a change to
        // aws_api_gateway_rest_api.body alone ... results in the REST API's resource policy being
        // wiped"); 6.48.0's #48118 re-applies `policy` only "when policy is explicitly present in
        // raw user configuration", which it is here. Both carry the one document verify proved.
        Value policy = api.policy ? doc(*api.policy) : Value{};
        Value body = openapi_body(
            api, api_name, [&](const model::Ref& l) { return local_ref(l, "function", {l.name}, "invoke_arn"); }, policy);
        Resource r = make("rest_api", nm({n}), "api", api.path);
        r.set("name", str(api_name));
        r.set("body", std::move(body));
        if (api.policy) r.set("policy", std::move(policy));
        Entries endpoint = entries({{"types", list({str(to_string(api.endpoint_type))})}});
        if (api.endpoint_type == model::ApiEndpointType::PRIVATE && !api.vpc_endpoints.empty()) {
            std::vector<Value> ids;
            for (const auto& e : api.vpc_endpoints) ids.push_back(endpoint_id(e));
            endpoint.emplace_back("vpc_endpoint_ids", list(std::move(ids)));
        }
        r.set("endpoint_configuration", object(std::move(endpoint)));
        // The intent, stated for whoever reads the deployment back (input/terraform/to_model.hpp):
        // this API must admit only the consumer's endpoints, whatever its endpoint type says.
        r.set("tags", api.is_private ? object({{"Name", str(tag_name(sc_->name, n))}, {"xc:private", str("true")}}) : tags(n));
        // The model names an existing API: adopt it (its id is the one the proofs used).
        if (const auto& id = g_.identity(v).id; id.is_literal()) r.adopt_id = id.stand_in();
        push(std::move(r));
        Value api_id = ref("rest_api", nm({n}), "id");

        // A deployment is a snapshot of the API: redeploy whenever what the stage serves changes.
        // The body holds all of it (routes, integrations and their Lambda ARNs, validators,
        // models, the resource policy, whose aws:SourceVpce is the consumer's endpoint id as
        // this stack knows it): "If you update the resource policy, you'll need to deploy the
        // API" (API Gateway Developer Guide, "Create and attach an API Gateway resource policy
        // to an API", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html).
        Resource d = make("deployment", nm({n}), "api", api.path);
        d.set("rest_api_id", api_id);
        d.set("triggers", object({{"redeployment", change_hash({ref("rest_api", nm({n}), "body")})}}));
        d.create_before_destroy = true;
        push(std::move(d));
        Resource s = make("stage", nm({n, api.stage}), "api", api.path + "/stage");
        s.set("rest_api_id", api_id);
        s.set("deployment_id", ref("deployment", nm({n}), "id"));
        s.set("stage_name", str(api.stage));
        s.set("tags", tags(n + "-" + api.stage));
        push(std::move(s));
        if (api.custom_domain) lower_domain(n, api);
    }

    void lower_domain(const std::string& n, const model::RestApi& api) {
        const auto& cd = *api.custom_domain;
        bool is_private = cd.endpoint_type == model::ApiEndpointType::PRIVATE;
        Resource r = make("domain_name", nm({n}), "api", cd.path);
        r.set("domain_name", str(cd.name));
        if (cd.endpoint_type == model::ApiEndpointType::REGIONAL) r.set("regional_certificate_arn", certificate_arn(cd.certificate));
        else r.set("certificate_arn", certificate_arn(cd.certificate));
        r.set("security_policy", str("TLS_1_2"));
        r.set("endpoint_configuration", object({{"types", list({str(to_string(cd.endpoint_type))})}}));
        if (cd.policy) r.set("policy", doc(*cd.policy));
        r.set("tags", tags(n));
        push(std::move(r));
        Resource m = make("base_path_mapping", nm({n}), "api", cd.path);
        m.set("api_id", ref("rest_api", nm({n}), "id"));
        m.set("stage_name", ref("stage", nm({n, api.stage}), "stage_name"));
        m.set("domain_name", ref("domain_name", nm({n}), "domain_name"));
        if (is_private) m.set("domain_name_id", ref("domain_name", nm({n}), "domain_name_id"));
        if (!cd.base_path.empty()) m.set("base_path", str(cd.base_path));
        push(std::move(m));
        if (!is_private) return;

        // Access associations: created by the endpoint's owner. Same account: here; another
        // account: share the domain with it (RAM) here, associate in its phase-3 stack.
        std::set<std::string> shared_with;
        for (const auto& ep : cd.access_vpc_endpoints) {
            if (in_this_stack(ep.scope)) {
                Resource a = make("domain_name_access_association", nm({n, ep.name}), "api", cd.path + "/accessVpcEndpoints");
                a.set("access_association_source", endpoint_id(ep));
                a.set("access_association_source_type", str("VPCE"));
                a.set("domain_name_arn", ref("domain_name", nm({n}), "arn"));
                push(std::move(a));
                continue;
            }
            const auto& consumer_account = g_[g_.vertex(ep, model::VertexKind::vpc_endpoint)].account;
            std::string share = nm({n, "domain"});
            std::string share_name = model::application_name(m_, sc_->name, n + "-domain");
            if (shared_with.empty()) {
                Resource s = make("ram_resource_share", share, "api", cd.path);
                s.set("name", str(share_name));
                s.set("allow_external_principals", boolean(true));
                s.set("tags", tags(n + "-domain"));
                push(std::move(s));
                Resource ra = make("ram_resource_association", share, "api", cd.path);
                ra.set("resource_arn", ref("domain_name", nm({n}), "arn"));
                ra.set("resource_share_arn", ref("ram_resource_share", share, "arn"));
                push(std::move(ra));
            }
            if (shared_with.insert(consumer_account).second) {
                Resource pa = make("ram_principal_association", nm({n, "domain", consumer_account}), "api", cd.path);
                pa.set("principal", str(m_.accounts.at(consumer_account).id));
                pa.set("resource_share_arn", ref("ram_resource_share", share, "arn"));
                push(std::move(pa));
            }
            associate_later(consumer_account, sc_->name, n, share_name, ep, cd.path);
        }
    }

    void associate_later(const std::string& account, const std::string& scope, const std::string& api, const std::string& share_name,
                         const model::Ref& ep, const std::string& source) {
        in_association_stack(account, [&] {
            std::string share = identifier(scope + "_" + api + "_domain");
            Resource l = make("ram_resource_share", share, "associations", source);
            l.set("name", str(share_name));
            l.set("resource_owner", str("OTHER-ACCOUNTS"));
            push(std::move(l), true);
            Resource a = make("domain_name_access_association", identifier(scope + "_" + api + "_" + ep.name), "associations", source);
            a.set("access_association_source", endpoint_id(ep));
            a.set("access_association_source_type", str("VPCE"));
            a.set("domain_name_arn", lookup_ref("ram_resource_share", share, "resource_arns"));
            a.properties.back().second.index = 0;
            push(std::move(a));
        });
    }

    // Runs `add()` with the account's phase-3 association stack (made on first use) as the
    // stack being lowered, then goes back to the stack it interrupted.
    template <class Add>
    void in_association_stack(const std::string& account, Add&& add) {
        auto it = pending_associations_.find(account);
        if (it == pending_associations_.end()) {
            Stack s;
            s.name = account + "-associations";
            s.account_name = account;
            s.account_id = m_.accounts.at(account).id;
            s.role = StackRole::consumer_associations;
            s.phase = 3;
            s.region = m_.region;
            s.purpose = "Associates the " + account + " account's execute-api endpoints with the private custom domains the services share with it.";
            s.needs = {"the " + account + " stack and every service stack applied (the services share their domains through AWS RAM)",
                       "the RAM shares accepted (automatic inside an AWS Organization with resource sharing enabled)"};
            it = pending_associations_.emplace(account, std::move(s)).first;
        }
        Stack* saved = st_;
        auto saved_names = std::move(names_);
        st_ = &it->second;
        names_ = std::move(assoc_names_.try_emplace(account, no_names()).first->second);
        add();
        assoc_names_[account] = std::move(names_);
        names_ = std::move(saved_names);
        st_ = saved;
    }

    void describe(Stack& s) {
        if (s.role == StackRole::consumer) {
            s.purpose = "The consumer: VPC, execute-api endpoint, internal ALB, private DNS, and the KMS-encrypted secret sharing the endpoint id.";
            s.needs = {"credentials for account " + s.account_id + " (or `deployment_role_arn`)"};
        } else {
            s.purpose = "Service " + join(s.scopes, ", ") + ": private REST API, Lambdas, DynamoDB, in its own VPC.";
            s.needs = {"credentials for account " + s.account_id + " (or `deployment_role_arn`)",
                       "the consumer stack applied (this stack reads the endpoint id from the consumer's secret)",
                       "the Lambda zips built (`xc emit --target lambda`, then build): see `lambda_dist_dir`"};
        }
        for (const auto& r : s.resources) {
            if (r.kind == "vpc_endpoint" && r.property("vpc_endpoint_type")->text == "Interface")
                s.outputs.push_back({r.name + "_endpoint_id", "Id of the " + r.name + " VPC endpoint", ref("vpc_endpoint", r.name, "id")});
            if (r.kind == "load_balancer")
                s.outputs.push_back({r.name + "_dns_name", "DNS name of the " + r.name + " load balancer", ref("load_balancer", r.name, "dns_name")});
            if (r.kind == "secret")
                s.outputs.push_back({r.name + "_secret_arn", "ARN of the " + r.name + " secret", ref("secret", r.name, "arn")});
            if (r.kind == "instance")
                s.outputs.push_back({r.name + "_instance_id", "Test client instance (connect with SSM Session Manager)", ref("instance", r.name, "id")});
            if (r.kind == "rest_api")
                s.outputs.push_back({r.name + "_rest_api_id", "Id of the " + r.name + " REST API", ref("rest_api", r.name, "id")});
            if (r.kind == "stage")
                s.outputs.push_back({r.name + "_invoke_url", "Invoke URL of the " + r.name + " stage", ref("stage", r.name, "invoke_url")});
            if (r.kind == "domain_name")
                s.outputs.push_back({r.name + "_domain_name_arn", "ARN of the " + r.name + " custom domain", ref("domain_name", r.name, "arn")});
        }
    }

    const model::Graph& g_;
    const model::Model& m_;
    const LoweringOptions& options_;
    std::map<std::string, Stack> pending_associations_;  // consumer account -> phase-3 stack
    std::map<std::string, Names> assoc_names_;  // consumer account -> names in its phase-3 stack
    std::shared_ptr<const StackLayout> layout_;
    std::optional<Substitutions> substitutions_;
    Stack* st_ = nullptr;
    const model::Scope* sc_ = nullptr;
    std::string scope_prefix_;  // prefix(sc_->name)
    Names names_ = no_names();  // of the stack being lowered
};

}  // namespace detail

// The deployment without its stacks (model name, region): what a printer needs first.
inline Deployment deployment_of(const model::Graph& graph) {
    Deployment d;
    d.name = graph.model().name;
    d.region = graph.model().region;
    return d;
}

// Runs `run()`, rethrowing a LoweringError that names a model path located in the model's
// source (file, line:column), once: for the lowering's errors and a printer's alike.
template <class Run>
decltype(auto) locating_errors(const model::Graph& graph, Run&& run) {
    try {
        return run();
    } catch (const LoweringError& e) {
        if (e.diagnostics().size() != 1 || !e.diagnostics().front().file.empty()) throw;
        throw LoweringError(graph.model().located(e.diagnostics().front()));
    }
}

// Lower a (verified) model's graph stack by stack, the accounts cut into `parts` runs of about
// equal size (by resources), lowered on up to `threads` threads (0: one per part), each run on
// one thread, runs started in order: `each(part, Stack&&)` gets run `part`'s account stacks, in
// account-name order, on that run's thread, then the phase-3 association stacks (complete only
// when every service stack is) as the last part's, on the calling thread. Taken part by part, the
// stacks are the same for any number of parts and threads. An error is the first part's that has
// one; another part's work may then be cut short. Errors that name a model path (the lowering's,
// and a printer's rendering a stack in `each`) are located in the model's source here. Returns
// how many parts there were (at least 1; no more than the accounts).
template <class Each>
std::size_t lower_stacks_in_parts(const model::Graph& graph, const LoweringOptions& options, std::size_t parts, unsigned threads,
                                  Each&& each) {
    auto layout = std::make_shared<const detail::StackLayout>(graph);
    // Contiguous runs of accounts, each about an even share of the resources.
    std::vector<std::size_t> cuts{0};
    const std::size_t n = layout->accounts.size();
    parts = std::max<std::size_t>(1, std::min(parts, n));
    std::vector<std::size_t> weights(n);
    std::size_t total = 0, so_far = 0;
    for (std::size_t i = 0; i < n; ++i) total += weights[i] = layout->weight(i);
    for (std::size_t i = 0; i < n && cuts.size() < parts; ++i) {
        so_far += weights[i];
        if (so_far * parts >= total * cuts.size() && i + 1 < n) cuts.push_back(i + 1);
    }
    cuts.push_back(n);
    parts = cuts.size() - 1;
    std::vector<std::unique_ptr<detail::Lowerer>> lowerers;
    for (std::size_t p = 0; p < parts; ++p) lowerers.push_back(std::make_unique<detail::Lowerer>(graph, options, layout));
    std::vector<std::exception_ptr> errors(parts);
    xc::detail::run_parallel(parts, threads ? threads : static_cast<unsigned>(parts), [&](std::size_t p) {
        try {
            lowerers[p]->lower_accounts(cuts[p], cuts[p + 1], [&](Stack&& s) { each(p, std::move(s)); });
        } catch (...) {
            errors[p] = std::current_exception();
        }
    });
    locating_errors(graph, [&] {
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
        for (std::size_t p = 1; p < parts; ++p) lowerers.front()->absorb_associations(*lowerers[p]);
        lowerers.front()->finish_associations([&](Stack&& s) { each(parts - 1, std::move(s)); });
    });
    return parts;
}

// The same on the calling thread: every stack to `each(Stack&&)`, in the order above.
template <class Each>
void lower_stacks(const model::Graph& graph, const LoweringOptions& options, Each&& each) {
    lower_stacks_in_parts(graph, options, 1, 1, [&](std::size_t, Stack&& s) { each(std::move(s)); });
}

// Lower a (verified) model's graph to the target-neutral deployment, stacks by phase then name.
inline Deployment lower(const model::Graph& graph, const LoweringOptions& options = {}) {
    Deployment d = deployment_of(graph);
    lower_stacks(graph, options, [&](Stack&& s) { d.stacks.push_back(std::move(s)); });
    std::stable_sort(d.stacks.begin(), d.stacks.end(),
                     [](const Stack& a, const Stack& b) { return std::tie(a.phase, a.name) < std::tie(b.phase, b.name); });
    return d;
}

}  // namespace xc::emit::lowering
