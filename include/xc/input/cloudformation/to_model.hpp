// Evaluated stacks -> the model: one scope per stack (the consumer stack is the scope
// "consumer"), one account per stack account id, model names = logical ids.
//
// The types of this architecture are mapped (the table in `Mapper::handlers`): what our
// CloudFormation emitter writes and the common alternatives. Every value a verdict could depend
// on either maps exactly or becomes a model::Unresolved on the resource it affects, with a
// placeholder in the model (model/unresolved.hpp): a symbol nothing links, a setting xc does not
// model, a resource type xc does not model that references a modelled resource. Resource types
// that reference nothing modelled are reported as not modelled (`Mapped::not_modelled`).
//
// Deployed names (identity, model/identity.hpp): a Secret, Lambda, Role or REST API takes the
// name its template states (Name, FunctionName, RoleName); without one CloudFormation generates
// a name: a role's name is then assigned (what identity means for a role), a secret's or a
// function's is Unresolved (identity would derive a name CloudFormation does not use). A table
// without TableName likewise.
//
// An interface endpoint a stack creates becomes a model VpcEndpoint with a deterministic
// placeholder id ("vpce-" + 17 hex characters of its stack and logical id); wherever its id
// flows (Ref, Fn::GetAtt .Id, a secret holding it, a parameter linked to that secret) the
// placeholder stands, as in every model.
//
// xc's own lookup function (detail/lookup_function.hpp) is recognised by its exact
// code: its Custom::XcLookup results are the values the emitter documents (an endpoint's network
// interface IPs, the AWS-managed prefix list of a gateway endpoint's service) and
// Custom::XcDeployment deploys the API. A Custom:: resource served by anything else is unknown.
#pragma once

#include <xc/detail/lookup_function.hpp>
#include <xc/input/cloudformation/evaluate.hpp>
#include <xc/input/detail/api_callers.hpp>
#include <xc/input/detail/only_its_secrets.hpp>
#include <xc/input/detail/openapi_authorization.hpp>
#include <xc/model/identity.hpp>
#include <xc/model/model.hpp>
#include <xc/model/policy_pool.hpp>
#include <xc/policy/parse.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace xc::input::cloudformation {

// Where each model path was written: the longest registered prefix's template place.
class StackLocator final : public model::SourceLocator {
public:
    struct Place {
        std::shared_ptr<const TemplateSource> source;
        std::string pointer;
    };
    void add(std::string model_path, Place p) { places_[std::move(model_path)] = std::move(p); }
    Location locate(std::string_view path) const override {
        std::string p(path);
        while (true) {
            if (auto it = places_.find(p); it != places_.end())
                return Location{it->second.source->file(), it->second.source->position(it->second.pointer), it->second.pointer};
            if (p.empty()) return Location{{}, {}, std::string(path)};
            p.erase(p.rfind('/'));
        }
    }

private:
    std::map<std::string, Place> places_;
};

struct Mapped {
    model::Model model;
    // Resources xc does not model and that reference nothing modelled: "stack: Id (Type)".
    std::vector<std::string> not_modelled;
};

namespace detail {

using json = nlohmann::json;

inline std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The string member `key` of `o`, else `fallback` (absent, or not a string).
inline std::string str_or(const json& o, const char* key, std::string fallback) {
    if (!o.is_object()) return fallback;
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : fallback;
}

class Mapper {
public:
    Mapper(const Evaluation& ev, std::string model_name) : ev_(ev) {
        m_.name = std::move(model_name);
        m_.file = ev.stacks.empty() ? "" : ev.stacks.front().source->file();
        locator_ = std::make_shared<StackLocator>();
        m_.source = locator_;
    }

    Mapped run() {
        accounts();
        for (const auto& st : ev_.stacks) stated_certificate_names(st);
        // Containers first, then what attaches to them; each table row says its phase.
        for (int phase = 0; phase <= last_phase; ++phase)
            for (const auto& st : ev_.stacks)
                for (const auto& [id, r] : st.resources) {
                    auto h = handlers().find(r.type);
                    if (h == handlers().end()) {
                        if (phase == last_phase) unmodelled(st, r);
                        continue;
                    }
                    if (h->second.phase != phase) continue;
                    stack_ = &st;
                    if (h->second.map) (this->*h->second.map)(st, r);
                }
        link_api_callers();
        finish();
        Mapped out{std::move(m_), std::move(not_modelled_)};
        return out;
    }

private:
    static constexpr int last_phase = 4;
    using Handler = void (Mapper::*)(const Stack&, const Resource&);
    struct Row {
        int phase;
        Handler map;  // nullptr: read by another row's handler
    };
    static const std::map<std::string, Row>& handlers() {
        static const std::map<std::string, Row> h{
            {"AWS::EC2::VPC", {0, &Mapper::vpc}},
            {"AWS::EC2::InternetGateway", {0, nullptr}},
            {"AWS::EC2::VPCGatewayAttachment", {1, &Mapper::gateway_attachment}},
            {"AWS::EC2::RouteTable", {1, &Mapper::route_table}},
            {"AWS::EC2::Subnet", {1, &Mapper::subnet}},
            {"AWS::EC2::SubnetRouteTableAssociation", {2, &Mapper::subnet_association}},
            {"AWS::EC2::Route", {3, &Mapper::route}},
            {"AWS::EC2::SecurityGroup", {1, &Mapper::security_group}},
            {"AWS::EC2::SecurityGroupIngress", {3, &Mapper::security_group_rule}},
            {"AWS::EC2::SecurityGroupEgress", {3, &Mapper::security_group_rule}},
            {"AWS::EC2::VPCEndpoint", {2, &Mapper::vpc_endpoint}},
            {"AWS::ElasticLoadBalancingV2::LoadBalancer", {2, &Mapper::load_balancer}},
            {"AWS::ElasticLoadBalancingV2::TargetGroup", {0, nullptr}},
            {"AWS::ElasticLoadBalancingV2::Listener", {3, &Mapper::listener}},
            {"AWS::ElasticLoadBalancingV2::ListenerCertificate", {2, nullptr}},
            {"AWS::ElasticLoadBalancingV2::ListenerRule", {2, nullptr}},
            {"AWS::CertificateManager::Certificate", {0, nullptr}},
            {"AWS::Route53::HostedZone", {2, &Mapper::hosted_zone}},
            {"AWS::Route53::RecordSet", {3, &Mapper::record}},
            {"AWS::KMS::Key", {0, &Mapper::kms_key}},
            {"AWS::KMS::Alias", {0, nullptr}},
            {"AWS::SecretsManager::Secret", {3, &Mapper::secret}},
            {"AWS::SecretsManager::ResourcePolicy", {4, &Mapper::secret_policy}},
            {"AWS::IAM::Role", {0, &Mapper::role}},
            {"AWS::IAM::Policy", {1, &Mapper::role_policy}},
            {"AWS::IAM::RolePolicy", {1, &Mapper::role_policy}},
            {"AWS::IAM::ManagedPolicy", {1, &Mapper::role_policy}},
            {"AWS::IAM::InstanceProfile", {0, nullptr}},
            {"AWS::EC2::Instance", {2, &Mapper::instance}},
            {"AWS::DynamoDB::Table", {0, &Mapper::table}},
            {"AWS::Logs::LogGroup", {0, nullptr}},
            {"AWS::Lambda::Function", {2, &Mapper::lambda}},
            {"AWS::Lambda::Permission", {4, &Mapper::lambda_permission}},
            {"AWS::ApiGateway::RestApi", {3, &Mapper::rest_api}},
            {"AWS::ApiGateway::Resource", {0, nullptr}},
            {"AWS::ApiGateway::Method", {4, &Mapper::method}},
            {"AWS::ApiGateway::Deployment", {0, nullptr}},
            {"AWS::ApiGateway::Stage", {4, &Mapper::stage}},
            {"AWS::ApiGateway::DomainName", {4, &Mapper::domain_name}},
            {"AWS::ApiGateway::DomainNameV2", {4, &Mapper::domain_name}},
            {"AWS::ApiGateway::BasePathMapping", {0, nullptr}},
            {"AWS::ApiGateway::BasePathMappingV2", {0, nullptr}},
            {"AWS::ApiGateway::DomainNameAccessAssociation", {0, nullptr}},
            {"Custom::XcLookup", {0, nullptr}},
            {"Custom::XcDeployment", {0, nullptr}},
            // Sharing a private domain lets another account associate an endpoint; what the
            // association admits is the domain's policy and the associations xc reads.
            {"AWS::RAM::ResourceShare", {0, nullptr}},
        };
        return h;
    }

    // --- scopes, accounts, names ------------------------------------------------------------

    // One scope per stack; the stacks in the consumer's account (the consumer's and later phases
    // of it, such as access associations) together are the consumer's scope.
    void accounts() {
        int consumers = 0;
        for (const auto& st : ev_.stacks)
            if (st.input.consumer) {
                ++consumers;
                consumer_account_ = st.input.account;
            }
        if (consumers != 1)
            throw InputError(Diagnostic{ev_.stacks.empty() ? "" : ev_.stacks.front().source->file(), "", {},
                                        "mark exactly one stack as the consumer (--consumer after its template): the account whose "
                                        "endpoints may reach the private APIs; found " + std::to_string(consumers), ""});
        for (const auto& st : ev_.stacks) {
            if (m_.region.empty()) m_.region = st.input.region;
            if (st.input.region != m_.region)
                throw InputError(st.source->diagnostic("", "stack '" + st.input.name + "' is in region " + st.input.region + ", stack '" +
                                                               ev_.stacks.front().input.name + "' in " + m_.region +
                                                               ": xc verifies the stacks of one region together"));
            const std::string account = st.input.account;
            const bool consumer = account == consumer_account_;
            if (!m_.accounts.contains(account))
                m_.accounts[account] = model::Account{account, account, consumer ? model::AccountRole::consumer : model::AccountRole::service, ""};
            model::Scope* s = nullptr;
            if (consumer) {
                s = &m_.consumer;
                s->name = "consumer";
                s->kind = model::ScopeKind::consumer;
                s->path = "/consumer";
            } else {
                if (st.input.name == "consumer")
                    throw InputError(st.source->diagnostic("", "a service stack cannot be named 'consumer' (the consumer's scope): give it --stack-name"));
                s = &m_.services[st.input.name];
                s->name = st.input.name;
                s->kind = model::ScopeKind::service;
                s->path = "/services/" + json_pointer::escape(st.input.name);
            }
            s->account = account;
            if (!consumer || st.input.consumer) locator_->add(s->path, {st.source, ""});
        }
    }

    bool in_consumer(const Stack& st) const { return st.input.account == consumer_account_; }
    model::Scope& scope(const Stack& st) { return in_consumer(st) ? m_.consumer : m_.services.at(st.input.name); }
    std::string scope_name(const Stack& st) const { return in_consumer(st) ? "consumer" : st.input.name; }
    const Stack* stack_named(const std::string& name) const { return ev_.stack(name); }

    // Registers where the model object at `path` was written.
    void place(const std::string& path, const Stack& st, const std::string& pointer) { locator_->add(path, {st.source, pointer}); }
    std::string prop(const Resource& r, const std::string& name) const { return r.pointer + "/Properties/" + json_pointer::escape(name); }

    struct Placed {
        std::string kind;   // "vpc", "subnet", ...
        std::string name;   // the model name (logical id)
        std::string path;   // the model path
        std::string parent; // subnets, route tables: their VPC's name
    };
    Placed* placed(const std::string& stack, const std::string& id) {
        auto it = placed_.find({stack, id});
        return it == placed_.end() ? nullptr : &it->second;
    }
    std::string collection_path(const Stack& st, const std::string& collection, const std::string& name) {
        return scope(st).path + "/" + collection + "/" + json_pointer::escape(name);
    }

    // --- values ------------------------------------------------------------------------------

    // What a value names when it is exactly one reference or attribute: (stack, logical id, attribute).
    struct Target {
        std::string stack, id, attribute;
        const Resource* resource = nullptr;
    };
    std::optional<Target> target(const json& v) const {
        if (!v.is_string()) return std::nullopt;
        auto sym = only_symbol(v.get<std::string>());
        if (!sym) return std::nullopt;
        const Symbol& s = ev_.symbols[*sym];
        if (s.kind == Symbol::Kind::secret) {
            // The value of a secret a given stack creates: what it holds.
            const Stack* st = stack_named(s.stack);
            const auto& r = st->resources.at(s.logical_id);
            if (!r.properties.contains("SecretString")) return std::nullopt;
            return target(r.properties["SecretString"]);
        }
        if (s.kind != Symbol::Kind::reference && s.kind != Symbol::Kind::attribute) return std::nullopt;
        const Stack* st = stack_named(s.stack);
        return Target{s.stack, s.logical_id, s.attribute, &st->resources.at(s.logical_id)};
    }
    // The secret whose value `v` is (a linked dynamic reference), if it is one.
    std::optional<std::pair<std::string, std::string>> secret_of(const json& v) const {
        if (!v.is_string()) return std::nullopt;
        for (const auto& p : pieces(v.get<std::string>()))
            if (p.symbol && ev_.symbols[*p.symbol].kind == Symbol::Kind::secret)
                return std::make_pair(ev_.symbols[*p.symbol].stack, ev_.symbols[*p.symbol].logical_id);
        return std::nullopt;
    }

    // The model name of the resource `v` refers to, when it is a `kind` in the model.
    std::optional<model::Ref> ref_to(const json& v, const std::string& kind) {
        auto t = target(v);
        if (!t) return std::nullopt;
        auto* p = placed(t->stack, t->id);
        if (!p || p->kind != kind) return std::nullopt;
        return model::Ref{scope_name(*stack_named(t->stack)), p->name};
    }
    std::optional<std::string> local_name(const Stack& st, const json& v, const std::string& kind) {
        auto r = ref_to(v, kind);
        if (!r || r->scope != scope_name(st)) return std::nullopt;
        return r->name;
    }

    // The placeholder id of the interface endpoint a stack creates.
    static std::string endpoint_placeholder(const std::string& stack, const std::string& id) {
        return model::detail::stand_in("vpce-", stack + "/" + id, 22, "0123456789abcdef");
    }

    // A literal a symbol stands for when xc knows it before deployment (names a template states).
    std::optional<std::string> known(const Symbol& s) const {
        if (s.kind == Symbol::Kind::secret) {
            const Stack* st = stack_named(s.stack);
            const auto& r = st->resources.at(s.logical_id);
            if (!r.properties.contains("SecretString") || !r.properties["SecretString"].is_string()) return std::nullopt;
            const std::string v = r.properties["SecretString"].get<std::string>();
            if (!has_symbol(v)) return v;
            auto inner = only_symbol(v);
            if (!inner) return std::nullopt;
            return known(ev_.symbols[*inner]);
        }
        if (s.kind != Symbol::Kind::reference && s.kind != Symbol::Kind::attribute) return std::nullopt;
        const Stack* st = stack_named(s.stack);
        const Resource& r = st->resources.at(s.logical_id);
        const std::string prefix = "arn:" + partition_of(st->input.region) + ":";
        auto stated = [&](const char* name) -> std::optional<std::string> {
            if (!r.properties.contains(name) || !r.properties[name].is_string() || has_symbol(r.properties[name].get<std::string>())) return std::nullopt;
            return r.properties[name].get<std::string>();
        };
        const bool is_ref = s.kind == Symbol::Kind::reference;
        if (r.type == "AWS::EC2::VPCEndpoint" && (is_ref || s.attribute == "Id")) return endpoint_placeholder(s.stack, s.logical_id);
        if (r.type == "AWS::Lambda::Function") {
            auto n = stated("FunctionName");
            if (n && is_ref) return n;
            if (n && s.attribute == "Arn") return prefix + "lambda:" + st->input.region + ":" + st->input.account + ":function:" + *n;
        }
        if (r.type == "AWS::DynamoDB::Table") {
            auto n = stated("TableName");
            if (n && is_ref) return n;
            if (n && s.attribute == "Arn") return prefix + "dynamodb:" + st->input.region + ":" + st->input.account + ":table/" + *n;
        }
        if (r.type == "AWS::IAM::Role") {
            auto n = stated("RoleName");
            auto path = stated("Path").value_or("/");
            if (n && is_ref) return n;
            if (n && s.attribute == "Arn") return prefix + "iam::" + st->input.account + ":role" + path + *n;
        }
        return std::nullopt;
    }

    std::string origin_of(const Symbol& s) const { return "[" + s.stack + "] " + s.origin; }
    std::string reason_of(const Symbol& s) const {
        if (!s.reason.empty()) return s.reason;
        return "known only once deployed (assigned by AWS or CloudFormation)";
    }

    void unresolved(const std::string& resource, const std::string& value, std::string origin, std::string reason) {
        model::Unresolved u{resource, value, std::move(origin), std::move(reason)};
        if (std::find(m_.unresolved.begin(), m_.unresolved.end(), u) == m_.unresolved.end()) m_.unresolved.push_back(std::move(u));
    }

    // `s` with every symbol replaced by what it stands for; unknown ones by a placeholder and an
    // Unresolved on `resource` (its `value`).
    std::string text(const std::string& s, const std::string& resource, const std::string& value) {
        if (!has_symbol(s)) return s;
        std::string out;
        for (const auto& p : pieces(s)) {
            if (!p.symbol) {
                out += p.text;
                continue;
            }
            const Symbol& sym = ev_.symbols[*p.symbol];
            if (auto k = known(sym)) {
                out += *k;
                continue;
            }
            out += "xc-unresolved-" + std::to_string(*p.symbol);
            unresolved(resource, value, origin_of(sym), reason_of(sym));
        }
        return out;
    }
    // A document (policy) with every string and key through text().
    json document(const json& j, const std::string& resource, const std::string& value) {
        if (j.is_string()) return text(j.get<std::string>(), resource, value);
        if (j.is_array()) {
            json a = json::array();
            for (std::size_t i = 0; i < j.size(); ++i) a.push_back(document(j[i], resource, value));
            return a;
        }
        if (j.is_object()) {
            json o = json::object();
            for (const auto& [k, v] : j.items()) o[text(k, resource, value)] = document(v, resource, value);
            return o;
        }
        return j;
    }
    std::optional<model::PolicyDocument> policy(const json& raw, const std::string& resource, const std::string& path) {
        json doc = raw;
        if (raw.is_string()) {  // a policy given as JSON text
            try {
                doc = json::parse(text(raw.get<std::string>(), resource, path));
            } catch (const json::exception&) {
                diags_.error(path, "expected an IAM policy document (an object or its JSON text)");
                return std::nullopt;
            }
        }
        if (!doc.is_object()) {
            diags_.error(path, "expected an IAM policy document (an object)");
            return std::nullopt;
        }
        doc = document(doc, resource, path);
        try {
            return policies_.document(doc, path);
        } catch (const InputError& e) {
            diags_.add(e.diagnostics());
            return std::nullopt;
        }
    }

    // Typed property readers: report what was expected at the property.
    std::string string_prop(const Resource& r, const std::string& model_path, const char* name, bool required, const std::string& fallback = {}) {
        if (!r.properties.contains(name)) {
            if (required) diags_.error(model_path, "resource " + r.logical_id + " (" + r.type + "): property " + name + " is required");
            return fallback;
        }
        const json& v = r.properties[name];
        if (v.is_number() || v.is_boolean()) return v.dump();
        if (!v.is_string()) {
            diags_.error(model_path, "resource " + r.logical_id + ": property " + name + " must be a string");
            return fallback;
        }
        return text(v.get<std::string>(), model_path, model_path + "/" + name);
    }
    // A boolean property: true/false or their text.
    bool bool_prop(const Resource& r, const char* name, bool fallback) {
        if (!r.properties.contains(name)) return fallback;
        const json& v = r.properties[name];
        if (v.is_boolean()) return v.get<bool>();
        if (v.is_string() && lower(v.get<std::string>()) == "true") return true;
        if (v.is_string() && lower(v.get<std::string>()) == "false") return false;
        diags_.error(stack_path(r), "resource " + r.logical_id + ": property " + name + " must be true or false");
        return fallback;
    }
    long long int_prop(const Resource& r, const json& v, const char* name, long long fallback) {
        if (v.is_number_integer()) return v.get<long long>();
        if (v.is_string()) {
            const auto& t = v.get_ref<const std::string&>();
            if (!t.empty() && t.size() < 12 && t.find_first_not_of("-0123456789") == std::string::npos) return std::stoll(t);
        }
        if (!v.is_null()) diags_.error(stack_path(r), "resource " + r.logical_id + ": " + name + " must be a whole number");
        return fallback;
    }
    std::string stack_path(const Resource& r) {
        if (auto* p = placed(stack_->input.name, r.logical_id)) return p->path;
        return scope(*stack_).path;
    }
    std::optional<model::Ipv4Cidr> cidr(const Resource& r, const std::string& path, const json& v) {
        if (!v.is_string() || has_symbol(v.get<std::string>())) {
            diags_.error(path, "resource " + r.logical_id + ": expected an IPv4 CIDR block known before deployment");
            return std::nullopt;
        }
        auto c = model::parse_ipv4_cidr(v.get<std::string>());
        if (!c) diags_.error(path, "resource " + r.logical_id + ": '" + printable(v.get<std::string>()) + "' is not an IPv4 CIDR block");
        return c;
    }
    template <class F>
    void each(const json& list, F&& f) {
        if (list.is_array())
            for (const auto& e : list) f(e);
    }

    // --- network -------------------------------------------------------------------------------

    void vpc(const Stack& st, const Resource& r) {
        model::Vpc v;
        v.name = r.logical_id;
        v.path = collection_path(st, "vpcs", v.name);
        place(v.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"vpc", v.name, v.path, ""};
        if (auto c = cidr(r, v.path + "/cidr", r.properties.value("CidrBlock", json()))) v.cidr = *c;
        if (r.properties.contains("Ipv4IpamPoolId"))
            unresolved(v.path, v.path + "/cidr", "[" + st.input.name + "] " + r.logical_id + ".Ipv4IpamPoolId", "an IPAM pool assigns the CIDR at deployment");
        v.dns_hostnames = bool_prop(r, "EnableDnsHostnames", false);
        v.dns_support = bool_prop(r, "EnableDnsSupport", true);
        scope(st).vpcs[v.name] = std::move(v);
    }
    model::Vpc* vpc_of(const Stack& st, const json& v) {
        auto n = local_name(st, v, "vpc");
        return n ? &scope(st).vpcs.at(*n) : nullptr;
    }
    void gateway_attachment(const Stack& st, const Resource& r) {
        model::Vpc* v = vpc_of(st, r.properties.value("VpcId", json()));
        auto t = target(r.properties.value("InternetGatewayId", json()));
        if (v && t && t->resource->type == "AWS::EC2::InternetGateway") {
            v->internet_gateway = true;
            placed_[{st.input.name, t->id}] = {"internet_gateway", v->name, v->path, v->name};
        } else if (r.properties.contains("VpnGatewayId")) {
            not_modelled_.push_back(st.input.name + ": " + r.logical_id + " (" + r.type + ", a VPN gateway)");
            if (v) unresolved(v->path, v->path, "[" + st.input.name + "] " + r.logical_id + " (VPN gateway attachment)", "xc does not model VPN gateways");
        }
    }
    void route_table(const Stack& st, const Resource& r) {
        model::Vpc* v = vpc_of(st, r.properties.value("VpcId", json()));
        if (!v) return unmodelled(st, r);
        model::RouteTable t;
        t.name = r.logical_id;
        t.path = v->path + "/routeTables/" + json_pointer::escape(t.name);
        place(t.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"route_table", t.name, t.path, v->name};
        v->route_tables[t.name] = std::move(t);
    }
    void subnet(const Stack& st, const Resource& r) {
        model::Vpc* v = vpc_of(st, r.properties.value("VpcId", json()));
        if (!v) return unmodelled(st, r);
        model::Subnet s;
        s.name = r.logical_id;
        s.path = v->path + "/subnets/" + json_pointer::escape(s.name);
        place(s.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"subnet", s.name, s.path, v->name};
        if (auto c = cidr(r, s.path + "/cidr", r.properties.value("CidrBlock", json()))) s.cidr = *c;
        s.availability_zone = availability_zone(r.properties.value("AvailabilityZone", json()), s.path);
        s.is_public = bool_prop(r, "MapPublicIpOnLaunch", false);
        v->subnets[s.name] = std::move(s);
    }
    // An AZ: literal, or the i-th of Fn::GetAZs (distinct indexes are distinct zones; the name is
    // a stand-in: which zone an account's "a" is differs between accounts).
    std::string availability_zone(const json& v, const std::string& path) {
        if (v.is_string() && !has_symbol(v.get<std::string>())) return v.get<std::string>();
        if (v.is_string())
            if (auto sym = only_symbol(v.get<std::string>())) {
                const Symbol& s = ev_.symbols[*sym];
                const auto open = s.origin.find("Fn::Select ");
                if (s.kind == Symbol::Kind::unknown && open == 0 && s.origin.ends_with(" of Fn::GetAZs")) {
                    const auto index = std::stoul(s.origin.substr(11));
                    if (index < 26) return m_.region + static_cast<char>('a' + index);
                }
            }
        diags_.error(path + "/az", "a subnet's AvailabilityZone must be a zone name or Fn::Select of Fn::GetAZs");
        return m_.region + "a";
    }
    void subnet_association(const Stack& st, const Resource& r) {
        auto s = ref_to(r.properties.value("SubnetId", json()), "subnet");
        auto t = ref_to(r.properties.value("RouteTableId", json()), "route_table");
        if (!s || !t) return unmodelled(st, r);
        const auto& ps = *placed(st.input.name, s->name);
        const auto& pt = *placed(st.input.name, t->name);
        if (ps.parent != pt.parent) {
            diags_.error(ps.path + "/routeTable", "subnet " + s->name + " and route table " + t->name + " are in different VPCs");
            return;
        }
        scope(st).vpcs.at(ps.parent).subnets.at(s->name).route_table = t->name;
    }
    void route(const Stack& st, const Resource& r) {
        auto t = ref_to(r.properties.value("RouteTableId", json()), "route_table");
        if (!t) return unmodelled(st, r);
        const auto& pt = *placed(st.input.name, t->name);
        auto& vpc = scope(st).vpcs.at(pt.parent);
        auto& table = vpc.route_tables.at(t->name);
        model::Route route;
        route.path = table.path + "/routes/" + std::to_string(table.routes.size());
        place(route.path, st, r.pointer);
        if (auto c = cidr(r, route.path + "/destination", r.properties.value("DestinationCidrBlock", json("0.0.0.0/0")))) route.destination = *c;
        if (auto g = target(r.properties.value("GatewayId", json())); g && g->resource->type == "AWS::EC2::InternetGateway") {
            route.target.kind = model::RouteTarget::Kind::internet_gateway;
        } else if (auto e = ref_to(r.properties.value("VpcEndpointId", json()), "vpc_endpoint")) {
            route.target.kind = model::RouteTarget::Kind::vpc_endpoint;
            route.target.vpc_endpoint = model::Ref{"", e->name};
        } else {
            // NAT, transit, peering, instance, ... targets: xc does not model them.
            unresolved(vpc.path, route.path, "[" + st.input.name + "] " + r.logical_id + " (AWS::EC2::Route)",
                       "a route whose target xc does not model (only internet gateways and VPC endpoints)");
            return;
        }
        table.routes.push_back(std::move(route));
    }

    void security_group(const Stack& st, const Resource& r) {
        auto v = local_name(st, r.properties.value("VpcId", json()), "vpc");
        model::SecurityGroup g;
        g.name = r.logical_id;
        g.path = collection_path(st, "securityGroups", g.name);
        place(g.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"security_group", g.name, g.path, v.value_or("")};
        if (!v) {
            diags_.error(g.path + "/vpc", "security group " + r.logical_id + ": VpcId must reference a VPC of this stack (xc models VPC security groups)");
            return;
        }
        g.vpc = *v;
        g.description = string_prop(r, g.path + "/description", "GroupDescription", false);
        scope(st).security_groups[g.name] = std::move(g);
        auto& group = scope(st).security_groups.at(r.logical_id);
        each(r.properties.value("SecurityGroupIngress", json()), [&](const json& rule) { add_rule(st, r, group, rule, true); });
        if (!r.properties.contains("SecurityGroupEgress")) {
            // "When you specify a VPC security group, Amazon EC2 creates a default egress rule that
            // allows egress traffic on all ports and IP protocols to any location. The default rule
            // is removed only when you specify one or more egress rules." (CloudFormation User
            // Guide, AWS::EC2::SecurityGroup, SecurityGroupEgress.)
            model::SecurityGroupRule all;
            all.protocol = model::Protocol::all;
            all.peer.kind = model::RulePeer::Kind::cidr;
            all.peer.cidr = model::parse_ipv4_cidr("0.0.0.0/0");
            all.description = "CloudFormation's default egress rule";
            all.path = group.path + "/egress/0";
            group.egress.push_back(std::move(all));
        }
        each(r.properties.value("SecurityGroupEgress", json()), [&](const json& rule) { add_rule(st, r, group, rule, false); });
    }
    void security_group_rule(const Stack& st, const Resource& r) {
        const bool ingress = r.type == "AWS::EC2::SecurityGroupIngress";
        json gid = r.properties.value("GroupId", json());
        auto g = local_name(st, gid, "security_group");
        if (!g || !scope(st).security_groups.contains(*g)) {
            if (auto t = target(gid)) {  // a group of another stack: unsupported reference
                diags_.error(scope(st).path, "security group rule " + r.logical_id + " names a group of another stack");
                return;
            }
            return unmodelled(st, r);
        }
        add_rule(st, r, scope(st).security_groups.at(*g), r.properties, ingress);
    }
    void add_rule(const Stack& st, const Resource& r, model::SecurityGroup& g, const json& rule, bool ingress) {
        auto& list = ingress ? g.ingress : g.egress;
        const std::string path = g.path + (ingress ? "/ingress/" : "/egress/") + std::to_string(list.size());
        place(path, st, r.pointer);
        if (!rule.is_object()) return diags_.error(path, "a security group rule is an object");
        // The rule the emitter writes to drop the default egress rule: ICMP type 252 code 86 to
        // 255.255.255.255/32 lets nothing out (the limited broadcast address is no destination a
        // packet from a VPC reaches).
        if (!ingress && rule.value("CidrIp", json()) == "255.255.255.255/32" && rule.value("IpProtocol", json()) == "icmp" &&
            rule.value("FromPort", json()) == 252 && rule.value("ToPort", json()) == 86)
            return;
        model::SecurityGroupRule x;
        x.path = path;
        const json protocol_value = rule.value("IpProtocol", json(""));
        std::string protocol = lower(protocol_value.is_string() ? protocol_value.get<std::string>() : protocol_value.dump());
        if (protocol == "tcp" || protocol == "6") x.protocol = model::Protocol::tcp;
        else if (protocol == "udp" || protocol == "17") x.protocol = model::Protocol::udp;
        else if (protocol == "icmp" || protocol == "1") x.protocol = model::Protocol::icmp;
        else if (protocol == "-1" || protocol == "all") x.protocol = model::Protocol::all;
        else {
            unresolved(g.path, path, "[" + st.input.name + "] " + r.logical_id + " IpProtocol " + protocol, "a protocol xc does not model");
            return;
        }
        if (x.protocol == model::Protocol::tcp || x.protocol == model::Protocol::udp) {
            const long long from = int_prop(r, rule.value("FromPort", json()), "FromPort", 0);
            const long long to = int_prop(r, rule.value("ToPort", json()), "ToPort", 65535);
            if (from < 0 || to > 65535 || from > to) {
                if (from == -1 && to == -1) {
                    x.from_port = 0;
                    x.to_port = 65535;
                } else {
                    return diags_.error(path, "rule ports " + std::to_string(from) + "-" + std::to_string(to) + " are not a port range");
                }
            } else {
                x.from_port = static_cast<std::uint16_t>(from);
                x.to_port = static_cast<std::uint16_t>(to);
            }
        } else if (x.protocol == model::Protocol::icmp) {
            x.from_port = 0;
            x.to_port = 65535;
        }
        const char* cidr_key = "CidrIp";
        const char* group_key = ingress ? "SourceSecurityGroupId" : "DestinationSecurityGroupId";
        const char* list_key = ingress ? "SourcePrefixListId" : "DestinationPrefixListId";
        if (rule.contains(cidr_key)) {
            auto c = cidr(r, path + "/cidr", rule[cidr_key]);
            if (!c) return;
            x.peer.kind = model::RulePeer::Kind::cidr;
            x.peer.cidr = *c;
        } else if (rule.contains(group_key)) {
            auto peer = local_name(st, rule[group_key], "security_group");
            if (!peer) {
                unresolved(g.path, path, "[" + st.input.name + "] " + r.logical_id + " " + group_key,
                           "a security group xc does not know (not created by this stack)");
                return;
            }
            x.peer.kind = model::RulePeer::Kind::security_group;
            x.peer.security_group = model::Ref{"", *peer};
        } else if (rule.contains(list_key)) {
            auto ep = prefix_list_endpoint(st, rule[list_key]);
            if (!ep) {
                unresolved(g.path, path, "[" + st.input.name + "] " + r.logical_id + " " + list_key,
                           "a prefix list xc does not know (xc knows the one of a gateway endpoint's service)");
                return;
            }
            x.peer.kind = model::RulePeer::Kind::prefix_list;
            x.peer.prefix_list = model::Ref{"", *ep};
        } else if (rule.contains("CidrIpv6") || rule.contains("SourceSecurityGroupName")) {
            unresolved(g.path, path, "[" + st.input.name + "] " + r.logical_id + " rule", "IPv6 and EC2-Classic peers are not modelled");
            return;
        } else {
            return diags_.error(path, "a security group rule needs CidrIp, a security group or a prefix list");
        }
        if (rule.contains("Description") && rule["Description"].is_string()) x.description = text(rule["Description"].get<std::string>(), g.path, path);
        list.push_back(std::move(x));
    }

    // --- xc's lookup function ------------------------------------------------------------------

    // Whether `r` is a Custom:: resource served by xc's own lookup function: its ServiceToken is
    // the Arn of a function whose settings are exactly the emitter's (detail/lookup_function.hpp).
    bool is_xc_lookup(const Stack& st, const Resource& r) const {
        auto t = target(r.properties.value("ServiceToken", json()));
        if (!t || t->stack != st.input.name || t->attribute != "Arn" || t->resource->type != "AWS::Lambda::Function") return false;
        const json& p = t->resource->properties;
        namespace fn = xc::detail::lookup_function;
        return p.value("Runtime", json()) == fn::runtime && p.value("Handler", json()) == fn::handler && p.contains("Code") &&
               p["Code"].is_object() && p["Code"].size() == 1 && p["Code"].value("ZipFile", json()) == fn::code;
    }
    bool is_lookup_function(const Stack& st, const Resource& r) const {
        if (r.type != "AWS::Lambda::Function") return false;
        for (const auto& [_, x] : st.resources)
            if (x.type.rfind("Custom::", 0) == 0 && is_xc_lookup(st, x))
                if (auto t = target(x.properties.value("ServiceToken", json())); t && t->id == r.logical_id) return true;
        return false;
    }

    // The gateway endpoint whose service's prefix list `v` is (xc's prefix_list lookup).
    std::optional<std::string> prefix_list_endpoint(const Stack& st, const json& v) {
        auto t = target(v);
        if (!t || t->attribute != "Id" || t->resource->type != "Custom::XcLookup" || !is_xc_lookup(st, *t->resource)) return std::nullopt;
        const json& p = t->resource->properties;
        if (p.value("Kind", json()) != "prefix_list" || !p.value("Name", json()).is_string()) return std::nullopt;
        const std::string service = p["Name"].get<std::string>();
        std::vector<std::string> found;
        for (const auto& [n, e] : scope(st).vpc_endpoints)
            if (e.type == model::EndpointType::gateway && "com.amazonaws." + m_.region + "." + e.service == service) found.push_back(n);
        if (found.size() != 1) return std::nullopt;
        return found.front();
    }

    // --- endpoints, load balancers, DNS, certificates -------------------------------------------

    void vpc_endpoint(const Stack& st, const Resource& r) {
        model::VpcEndpoint e;
        e.name = r.logical_id;
        e.path = collection_path(st, "vpcEndpoints", e.name);
        place(e.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"vpc_endpoint", e.name, e.path, ""};
        e.id = endpoint_placeholder(st.input.name, r.logical_id);
        auto v = local_name(st, r.properties.value("VpcId", json()), "vpc");
        if (!v) diags_.error(e.path + "/vpc", "VPC endpoint " + r.logical_id + ": VpcId must reference a VPC of this stack");
        e.vpc = v.value_or("");
        const std::string type = lower(string_prop(r, e.path, "VpcEndpointType", false, "Gateway"));
        if (type == "interface") e.type = model::EndpointType::interface;
        else if (type == "gateway") e.type = model::EndpointType::gateway;
        else {
            diags_.error(e.path + "/type", "VPC endpoint " + r.logical_id + ": type '" + type + "' is not modelled (Interface or Gateway)");
            return;
        }
        const std::string service = string_prop(r, e.path + "/service", "ServiceName", true);
        const std::string prefix = "com.amazonaws." + m_.region + ".";
        if (service.rfind(prefix, 0) != 0) diags_.error(e.path + "/service", "VPC endpoint " + r.logical_id + ": service '" + service + "' is not an AWS service of " + m_.region);
        else e.service = service.substr(prefix.size());
        auto names = [&](const char* key, const char* kind) {
            std::vector<std::string> out;
            each(r.properties.value(key, json()), [&](const json& x) {
                if (auto n = local_name(st, x, kind)) out.push_back(*n);
                else unresolved(e.path, e.path + "/" + key, "[" + st.input.name + "] " + r.logical_id + "." + key, std::string("a ") + kind + " xc does not know");
            });
            return out;
        };
        e.subnets = names("SubnetIds", "subnet");
        e.security_groups = names("SecurityGroupIds", "security_group");
        e.route_tables = names("RouteTableIds", "route_table");
        // "PrivateDnsEnabled ... Default: false" (CloudFormation User Guide, AWS::EC2::VPCEndpoint).
        e.private_dns = bool_prop(r, "PrivateDnsEnabled", false);
        if (r.properties.contains("PolicyDocument")) e.policy = policy(r.properties["PolicyDocument"], e.path, e.path + "/policy");
        scope(st).vpc_endpoints[e.name] = std::move(e);
    }

    // The names the template's author states an existing ACM certificate covers, which no
    // template value carries: Metadata.xc.CertificateNames maps a certificate ARN, or a parameter
    // whose value is one, to its names (the first is its domain, the rest its alternative names).
    // xc takes them as stated, as it takes a model's certificate; a wrong list gives a wrong
    // dns-tls verdict. Malformed entries are errors there.
    struct StatedNames {
        std::vector<std::string> names;
        std::string pointer;
    };
    void stated_certificate_names(const Stack& st) {
        const json& root = st.source->root();
        const json* meta = root.contains("Metadata") && root["Metadata"].is_object() && root["Metadata"].contains("xc") ? &root["Metadata"]["xc"] : nullptr;
        if (!meta || !meta->is_object() || !meta->contains("CertificateNames")) return;
        const std::string at = "/Metadata/xc/CertificateNames";
        auto fail = [&](const std::string& pointer, const std::string& message) { throw InputError(st.source->diagnostic(pointer, message)); };
        const json& entries = (*meta)["CertificateNames"];
        if (!entries.is_object()) fail(at, "CertificateNames maps a certificate ARN, or a parameter holding one, to the names it covers");
        const json parameters = root.value("Parameters", json::object());
        for (const auto& [key, names] : entries.items()) {
            const std::string pointer = at + "/" + json_pointer::escape(key);
            std::string arn = key;
            if (parameters.is_object() && parameters.contains(key)) {
                auto given = st.input.parameters.find(key);
                arn = given != st.input.parameters.end() ? given->second : str_or(parameters[key], "Default", "");
            }
            if (arn.rfind("arn:", 0) != 0 || arn.find(":acm:") == std::string::npos || arn.find(":certificate/") == std::string::npos)
                fail(pointer, "'" + printable(key) + "' is neither an ACM certificate ARN nor a parameter of this template whose value is one" +
                                  (arn != key ? " (its value: '" + printable(arn) + "')" : ""));
            std::vector<std::string> list;
            if (names.is_array())
                for (const auto& n : names)
                    if (n.is_string() && !n.get<std::string>().empty()) list.push_back(n.get<std::string>());
            if (!names.is_array() || names.empty() || list.size() != names.size())
                fail(pointer, "the names certificate '" + printable(key) + "' covers: a non-empty list of DNS names, its domain first");
            stated_names_[{st.input.name, arn}] = {std::move(list), pointer};
        }
    }

    // A certificate by its ARN value: a resource of this stack (names known), or an ARN whose
    // names xc does not know (a parameter, a literal) unless the template states them.
    std::optional<model::Ref> certificate(const Stack& st, const json& v, const std::string& user_path) {
        auto& s = scope(st);
        if (auto t = target(v); t && t->resource->type == "AWS::CertificateManager::Certificate" && t->stack == st.input.name) {
            const std::string name = t->id;
            if (!s.certificates.contains(name)) {
                model::Certificate c;
                c.name = name;
                c.path = collection_path(st, "certificates", name);
                place(c.path, st, t->resource->pointer);
                c.domain = string_prop(*t->resource, c.path + "/domain", "DomainName", true);
                each(t->resource->properties.value("SubjectAlternativeNames", json()), [&](const json& n) {
                    if (n.is_string()) c.alternative_names.push_back(text(n.get<std::string>(), c.path, c.path + "/alternativeNames"));
                });
                s.certificates[name] = std::move(c);
            }
            return model::Ref{"", name};
        }
        if (!v.is_string()) return std::nullopt;
        const std::string arn = text(v.get<std::string>(), user_path, user_path);
        const std::string name = "certificate-" + model::detail::stand_in("", arn, 8, "0123456789abcdef");
        if (!s.certificates.contains(name)) {
            model::Certificate c;
            c.name = name;
            c.arn = arn;
            c.path = collection_path(st, "certificates", name);
            if (auto stated = stated_names_.find({st.input.name, arn}); stated != stated_names_.end()) {
                c.domain = stated->second.names.front();
                c.alternative_names.assign(stated->second.names.begin() + 1, stated->second.names.end());
                place(c.path, st, stated->second.pointer);
                s.certificates[name] = c;
                return model::Ref{"", name};
            }
            locator_->add(c.path, {st.source, ""});
            s.certificates[name] = c;
            unresolved(c.path, c.path + "/domain", "[" + st.input.name + "] certificate " + arn,
                       "an ACM certificate given by ARN: xc does not know the names it covers (state them in Metadata.xc.CertificateNames)");
        }
        return model::Ref{"", name};
    }

    void load_balancer(const Stack& st, const Resource& r) {
        model::LoadBalancer lb;
        lb.name = r.logical_id;
        lb.path = collection_path(st, "loadBalancers", lb.name);
        place(lb.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"load_balancer", lb.name, lb.path, ""};
        if (lower(string_prop(r, lb.path, "Type", false, "application")) != "application") return unmodelled(st, r);
        lb.internal = string_prop(r, lb.path + "/scheme", "Scheme", false, "internet-facing") == "internal";
        each(r.properties.value("Subnets", json()), [&](const json& x) {
            if (auto n = local_name(st, x, "subnet")) {
                lb.subnets.push_back(*n);
                lb.vpc = placed(st.input.name, *n)->parent;
            } else {
                unresolved(lb.path, lb.path + "/subnets", "[" + st.input.name + "] " + r.logical_id + ".Subnets", "a subnet xc does not know");
            }
        });
        each(r.properties.value("SecurityGroups", json()), [&](const json& x) {
            if (auto n = local_name(st, x, "security_group")) lb.security_groups.push_back(*n);
            else unresolved(lb.path, lb.path + "/securityGroups", "[" + st.input.name + "] " + r.logical_id + ".SecurityGroups", "a security group xc does not know");
        });
        if (!r.properties.contains("SecurityGroups"))
            unresolved(lb.path, lb.path + "/securityGroups", "[" + st.input.name + "] " + r.logical_id,
                       "no SecurityGroups: the load balancer gets the VPC's default security group, which xc does not model");
        scope(st).load_balancers[lb.name] = std::move(lb);
    }

    // The target group a listener forwards to, added to its load balancer.
    std::optional<std::string> target_group(const Stack& st, model::LoadBalancer& lb, const json& arn) {
        auto t = target(arn);
        if (!t || t->stack != st.input.name || t->resource->type != "AWS::ElasticLoadBalancingV2::TargetGroup") return std::nullopt;
        if (lb.target_groups.contains(t->id)) return t->id;
        const Resource& r = *t->resource;
        model::TargetGroup g;
        g.name = r.logical_id;
        g.path = lb.path + "/targetGroups/" + json_pointer::escape(g.name);
        place(g.path, st, r.pointer);
        g.protocol = string_prop(r, g.path + "/protocol", "Protocol", false, "HTTP");
        g.port = static_cast<std::uint16_t>(int_prop(r, r.properties.value("Port", json()), "Port", 80));
        g.health_check_path = string_prop(r, g.path + "/healthCheck", "HealthCheckPath", false, "/");
        const std::string at = "[" + st.input.name + "] " + r.logical_id;
        if (r.properties.contains("Matcher") && r.properties["Matcher"].is_object() && r.properties["Matcher"].contains("HttpCode")) {
            const json& code = r.properties["Matcher"]["HttpCode"];
            if (code.is_string()) g.health_check_matcher = text(code.get<std::string>(), g.path, g.path + "/healthCheck");
            else if (code.is_number_integer()) g.health_check_matcher = std::to_string(code.get<long long>());  // YAML's 200
            else unresolved(g.path, g.path + "/healthCheck", at + ".Matcher.HttpCode", "the health check's success codes are not one known text");
        }
        // A health check on another protocol or port than the traffic's (HealthCheckProtocol,
        // HealthCheckPort: "The default is traffic-port", AWS::ElasticLoadBalancingV2::TargetGroup)
        // is not modelled: target health checks the traffic's (target_health.hpp).
        if (r.properties.contains("HealthCheckProtocol") && r.properties["HealthCheckProtocol"] != json(g.protocol))
            unresolved(g.path, g.path + "/healthCheck", at + ".HealthCheckProtocol", "a health check on another protocol than the traffic's is not modelled");
        if (r.properties.contains("HealthCheckPort")) {
            const json& port = r.properties["HealthCheckPort"];
            if (port != json("traffic-port") && port != json(std::to_string(g.port)) && port != json(g.port))
                unresolved(g.path, g.path + "/healthCheck", at + ".HealthCheckPort", "a health check on another port than the traffic's is not modelled");
        }
        // Targets: the network interface IPs of one interface endpoint (xc's lookup).
        std::optional<std::string> endpoint;
        bool other = false;
        each(r.properties.value("Targets", json()), [&](const json& x) {
            auto ip = target(x.value("Id", json()));
            std::optional<std::string> ep;
            if (ip && ip->attribute == "PrivateIp" && ip->resource->type == "Custom::XcLookup" && is_xc_lookup(st, *ip->resource) &&
                ip->resource->properties.value("Kind", json()) == "network_interface")
                if (auto eni = target(ip->resource->properties.value("Id", json())); eni && eni->attribute.rfind("NetworkInterfaceIds[", 0) == 0)
                    ep = local_name(st, json(mark_of(eni->stack, eni->id)), "vpc_endpoint");
            if (ep && (!endpoint || *endpoint == *ep)) endpoint = ep;
            else other = true;
        });
        if (!endpoint || other) {
            unresolved(lb.path, g.path + "/targets", "[" + st.input.name + "] " + r.logical_id + ".Targets",
                       "targets other than the network interfaces of one VPC endpoint are not modelled");
            if (!endpoint) return std::nullopt;
        }
        g.vpc_endpoint = model::Ref{"", *endpoint};
        lb.target_groups[g.name] = std::move(g);
        return t->id;
    }
    // A Ref-symbol string for (stack, id), if the evaluation interned one.
    std::string mark_of(const std::string& stack, const std::string& id) const {
        for (std::size_t i = 0; i < ev_.symbols.size(); ++i)
            if (ev_.symbols[i].kind == Symbol::Kind::reference && ev_.symbols[i].stack == stack && ev_.symbols[i].logical_id == id) return mark(i);
        // No Ref was written: stand for it with an attribute symbol of the same resource.
        for (std::size_t i = 0; i < ev_.symbols.size(); ++i)
            if (ev_.symbols[i].kind == Symbol::Kind::attribute && ev_.symbols[i].stack == stack && ev_.symbols[i].logical_id == id) return mark(i);
        return {};
    }

    void listener(const Stack& st, const Resource& r) {
        auto lbn = local_name(st, r.properties.value("LoadBalancerArn", json()), "load_balancer");
        if (!lbn || !scope(st).load_balancers.contains(*lbn)) return unmodelled(st, r);
        auto& lb = scope(st).load_balancers.at(*lbn);
        model::Listener l;
        l.name = r.logical_id;
        l.path = lb.path + "/listeners/" + json_pointer::escape(l.name);
        place(l.path, st, r.pointer);
        l.port = static_cast<std::uint16_t>(int_prop(r, r.properties.value("Port", json()), "Port", 80));
        l.protocol = string_prop(r, l.path + "/protocol", "Protocol", false, "HTTP");
        l.ssl_policy = string_prop(r, l.path + "/sslPolicy", "SslPolicy", false);
        each(r.properties.value("Certificates", json()), [&](const json& c) {
            if (auto ref = certificate(st, c.value("CertificateArn", json()), l.path + "/certificates")) l.certificates.push_back(*ref);
        });
        bool forwarded = false;
        each(r.properties.value("DefaultActions", json()), [&](const json& a) {
            if (lower(str_or(a, "Type", "")) == "forward" && !forwarded) {
                if (auto tg = target_group(st, lb, a.value("TargetGroupArn", json()))) {
                    l.default_forward = *tg;
                    forwarded = true;
                }
            }
        });
        if (!forwarded)
            unresolved(lb.path, l.path + "/defaultAction", "[" + st.input.name + "] " + r.logical_id + ".DefaultActions",
                       "a default action other than forwarding to a target group is not modelled");
        // Its rules and extra certificates.
        for (const auto& [id, x] : st.resources) {
            if (x.type == "AWS::ElasticLoadBalancingV2::ListenerCertificate" && same(x.properties.value("ListenerArn", json()), r.logical_id, st))
                each(x.properties.value("Certificates", json()), [&](const json& c) {
                    if (auto ref = certificate(st, c.value("CertificateArn", json()), l.path + "/certificates")) l.certificates.push_back(*ref);
                });
            if (x.type == "AWS::ElasticLoadBalancingV2::ListenerRule" && same(x.properties.value("ListenerArn", json()), r.logical_id, st)) {
                model::ListenerRule rule;
                rule.path = l.path + "/rules/" + std::to_string(l.rules.size());
                place(rule.path, st, x.pointer);
                rule.priority = static_cast<int>(int_prop(x, x.properties.value("Priority", json()), "Priority", 0));
                bool ok = true;
                each(x.properties.value("Conditions", json()), [&](const json& c) {
                    if (c.value("Field", json()) == "host-header" || c.contains("HostHeaderConfig")) {
                        const json& values = c.contains("HostHeaderConfig") ? c["HostHeaderConfig"].value("Values", json()) : c.value("Values", json());
                        each(values, [&](const json& h) {
                            if (h.is_string()) rule.hosts.push_back(text(h.get<std::string>(), lb.path, rule.path));
                        });
                    } else {
                        ok = false;
                    }
                });
                each(x.properties.value("Actions", json()), [&](const json& a) {
                    if (auto tg = target_group(st, lb, a.value("TargetGroupArn", json())); tg && rule.forward.empty()) rule.forward = *tg;
                });
                if (!ok || rule.forward.empty()) {
                    unresolved(lb.path, rule.path, "[" + st.input.name + "] " + x.logical_id, "a listener rule xc does not model (host-header forwards only)");
                    continue;
                }
                l.rules.push_back(std::move(rule));
            }
        }
        lb.listeners[l.name] = std::move(l);
    }
    bool same(const json& v, const std::string& id, const Stack& st) const {
        auto t = target(v);
        return t && t->stack == st.input.name && t->id == id;
    }

    void hosted_zone(const Stack& st, const Resource& r) {
        model::HostedZone z;
        z.name = r.logical_id;
        z.path = collection_path(st, "hostedZones", z.name);
        place(z.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"hosted_zone", z.name, z.path, ""};
        z.domain = string_prop(r, z.path + "/name", "Name", true);
        if (!z.domain.empty() && z.domain.back() == '.') z.domain.pop_back();
        z.is_private = r.properties.contains("VPCs") && r.properties["VPCs"].is_array() && !r.properties["VPCs"].empty();
        each(r.properties.value("VPCs", json()), [&](const json& v) {
            if (auto ref = ref_to(v.value("VPCId", json()), "vpc")) z.vpcs.push_back(*ref);
            else unresolved(z.path, z.path + "/vpcs", "[" + st.input.name + "] " + r.logical_id + ".VPCs", "a VPC xc does not know");
        });
        scope(st).hosted_zones[z.name] = std::move(z);
    }
    void record(const Stack& st, const Resource& r) {
        auto zn = local_name(st, r.properties.value("HostedZoneId", json()), "hosted_zone");
        if (!zn) return unmodelled(st, r);
        auto& z = scope(st).hosted_zones.at(*zn);
        model::AliasRecord a;
        a.fqdn = string_prop(r, z.path, "Name", true);
        if (!a.fqdn.empty() && a.fqdn.back() == '.') a.fqdn.pop_back();
        a.name = a.fqdn == z.domain ? "@" : a.fqdn.size() > z.domain.size() + 1 && a.fqdn.ends_with("." + z.domain) ? a.fqdn.substr(0, a.fqdn.size() - z.domain.size() - 1) : a.fqdn;
        a.path = z.path + "/records/" + json_pointer::escape(a.name);
        place(a.path, st, r.pointer);
        const json alias = r.properties.value("AliasTarget", json());
        auto lb = alias.is_object() ? target(alias.value("DNSName", json())) : std::nullopt;
        auto* p = lb ? placed(lb->stack, lb->id) : nullptr;
        const std::string type = string_prop(r, a.path, "Type", true);
        if (!p || p->kind != "load_balancer" || lb->stack != st.input.name || (type != "A" && type != "AAAA")) {
            unresolved(z.path, a.path, "[" + st.input.name + "] " + r.logical_id + " (AWS::Route53::RecordSet)",
                       "a record other than an alias to a load balancer of this stack is not modelled");
            return;
        }
        a.load_balancer = model::Ref{"", p->name};
        a.evaluate_target_health = alias.value("EvaluateTargetHealth", json(false)) == true;
        z.records[a.name] = std::move(a);
    }

    // --- keys, secrets, roles, tables, functions -------------------------------------------------

    void kms_key(const Stack& st, const Resource& r) {
        model::KmsKey k;
        k.name = r.logical_id;
        k.path = collection_path(st, "kmsKeys", k.name);
        place(k.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"kms_key", k.name, k.path, ""};
        k.description = string_prop(r, k.path + "/description", "Description", false);
        k.rotation = bool_prop(r, "EnableKeyRotation", false);
        json doc = r.properties.value("KeyPolicy", json());
        if (doc.is_null()) {
            // "If you don't specify a key policy, AWS KMS applies a default key policy" that
            // "gives the AWS account that owns the KMS key full access" (CloudFormation User Guide,
            // AWS::KMS::Key, KeyPolicy; KMS Developer Guide, "Default key policy").
            doc = json{{"Version", "2012-10-17"},
                       {"Statement", json::array({json{{"Sid", "Enable IAM User Permissions"}, {"Effect", "Allow"},
                                                       {"Principal", json{{"AWS", "arn:" + partition_of(st.input.region) + ":iam::" + st.input.account + ":root"}}},
                                                       {"Action", "kms:*"}, {"Resource", "*"}}})}};
        }
        if (auto p = policy(doc, k.path, k.path + "/policy")) k.policy = std::move(*p);
        only_its_secrets(st, r, k);
        scope(st).kms_keys[k.name] = std::move(k);
    }

    // The key's tag xc:only-its-secrets (input/detail/only_its_secrets.hpp); a tag whose key or
    // value is known only once deployed may state it, so it is not taken for its absence.
    void only_its_secrets(const Stack& st, const Resource& r, model::KmsKey& k) {
        using namespace input::detail;
        const std::string value = k.path + "/onlyItsSecrets";
        const std::string origin = "[" + st.input.name + "] " + r.logical_id + ".Tags";
        auto unknown = [](const json& v) { return !v.is_string() || has_symbol(v.get<std::string>()); };
        if (!r.properties.contains("Tags")) return;
        const json& tags = r.properties["Tags"];
        if (!tags.is_array()) {
            unresolved(k.path, value, origin, std::string("the key's tags are not known: ") + only_its_secrets_unknown);
            return;
        }
        for (const auto& kv : tags) {
            const json key = kv.is_object() ? kv.value("Key", json()) : json();
            if (unknown(key)) {
                unresolved(k.path, value, origin, std::string("a tag's key is not known: ") + only_its_secrets_unknown);
                continue;
            }
            if (key.get<std::string>() != only_its_secrets_tag) continue;
            const json v = kv.value("Value", json());
            // A YAML true is the string CloudFormation's String property takes it for.
            if (v.is_boolean()) k.only_its_secrets = v.get<bool>();
            else if (unknown(v)) unresolved(k.path, value, origin + " " + only_its_secrets_tag, only_its_secrets_unknown);
            else if (auto b = only_its_secrets_of(v.get<std::string>())) k.only_its_secrets = *b;
            else unresolved(k.path, value, origin + " " + only_its_secrets_tag, std::string(only_its_secrets_bad) + ": \"" + v.get<std::string>() + "\"");
        }
    }

    void secret(const Stack& st, const Resource& r) {
        model::Secret s;
        s.name = r.logical_id;
        s.path = collection_path(st, "secrets", s.name);
        place(s.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"secret", s.name, s.path, ""};
        s.description = string_prop(r, s.path + "/description", "Description", false);
        if (r.properties.contains("Name")) s.deployed_name = string_prop(r, s.path + "/name", "Name", true);
        else
            unresolved(s.path, s.path + "/name", "[" + st.input.name + "] " + r.logical_id + " (no Name)",
                       "CloudFormation generates the secret's name; xc does not know it");
        if (r.properties.contains("KmsKeyId")) {
            auto t = target(r.properties["KmsKeyId"]);
            if (t && t->stack == st.input.name && t->resource->type == "AWS::KMS::Key") s.kms_key = model::Ref{"", t->id};
            else unresolved(s.path, s.path + "/kmsKey", "[" + st.input.name + "] " + r.logical_id + ".KmsKeyId", "a KMS key xc does not know");
        }
        if (r.properties.contains("SecretString")) {
            if (auto e = ref_to(r.properties["SecretString"], "vpc_endpoint"); e && e->scope == scope_name(st)) s.value_vpc_endpoint_id = model::Ref{"", e->name};
        }
        scope(st).secrets[s.name] = std::move(s);
    }
    void secret_policy(const Stack& st, const Resource& r) {
        auto n = local_name(st, r.properties.value("SecretId", json()), "secret");
        if (!n) return unmodelled(st, r);
        auto& s = scope(st).secrets.at(*n);
        if (s.policy) {
            unresolved(s.path, s.path + "/policy", "[" + st.input.name + "] " + r.logical_id, "a second resource policy on the secret: one replaces the other");
            return;
        }
        place(s.path + "/policy", st, prop(r, "ResourcePolicy"));
        s.policy = policy(r.properties.value("ResourcePolicy", json()), s.path, s.path + "/policy");
    }

    void role(const Stack& st, const Resource& r) {
        if (is_lookup_role(st, r)) return;
        model::Role x;
        x.name = r.logical_id;
        x.path = collection_path(st, "roles", x.name);
        place(x.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"role", x.name, x.path, ""};
        if (r.properties.contains("RoleName")) x.deployed_name = string_prop(r, x.path + "/name", "RoleName", true);
        if (auto p = policy(r.properties.value("AssumeRolePolicyDocument", json()), x.path, x.path + "/trustPolicy")) x.trust_policy = std::move(*p);
        each(r.properties.value("ManagedPolicyArns", json()), [&](const json& a) {
            if (a.is_string()) x.managed_policies.push_back(managed_arn(st, a.get<std::string>(), x, r));
        });
        each(r.properties.value("Policies", json()), [&](const json& p) {
            const std::string name =str_or(p, "PolicyName", "");
            const std::string path = x.path + "/policies/" + json_pointer::escape(name);
            place(path, st, prop(r, "Policies"));
            if (auto doc = policy(p.value("PolicyDocument", json()), x.path, path)) x.policies[name] = std::move(*doc);
        });
        if (r.properties.contains("PermissionsBoundary")) {
            // A boundary only narrows what the policies grant: reading the grants without it can
            // only over-state them (never prove a narrower reach than deployed).
        }
        scope(st).roles[x.name] = std::move(x);
    }
    // A managed policy ARN; one this stack creates is read as its document (role_policy).
    std::string managed_arn(const Stack& st, const std::string& arn, model::Role& role, const Resource& r) {
        if (auto sym = only_symbol(arn)) {
            const Symbol& s = ev_.symbols[*sym];
            if (s.kind == Symbol::Kind::reference && s.stack == st.input.name && stack_named(s.stack)->resources.at(s.logical_id).type == "AWS::IAM::ManagedPolicy")
                return "";  // attached through role_policy
        }
        return text(arn, role.path, role.path + "/managedPolicies");
        (void)r;
    }
    void role_policy(const Stack& st, const Resource& r) {
        std::vector<std::string> roles;
        if (r.type == "AWS::IAM::RolePolicy") {
            roles.push_back(str_or(r.properties, "RoleName", ""));
        } else {
            each(r.properties.value("Roles", json()), [&](const json& v) {
                if (v.is_string()) roles.push_back(v.get<std::string>());
            });
            // Managed policies attached through a role's ManagedPolicyArns.
            if (r.type == "AWS::IAM::ManagedPolicy")
                for (const auto& entry : st.resources) {
                    const std::string& role_id = entry.first;
                    if (entry.second.type == "AWS::IAM::Role")
                        each(entry.second.properties.value("ManagedPolicyArns", json()), [&](const json& a) {
                            if (same(a, r.logical_id, st)) roles.push_back(mark_of(st.input.name, role_id));
                        });
                }
        }
        bool attached = false;
        for (const auto& name : roles) {
            auto n = local_name(st, json(name), "role");
            if (!n) {
                // A role by literal name: one of this stack's when its RoleName says so.
                for (auto& [rn, role] : scope(st).roles)
                    if (!role.deployed_name.empty() && role.deployed_name == name) n = rn;
            }
            if (!n || !scope(st).roles.contains(*n)) continue;
            auto& role = scope(st).roles.at(*n);
            const std::string pname = r.logical_id;
            const std::string path = role.path + "/policies/" + json_pointer::escape(pname);
            place(path, st, r.pointer);
            if (auto doc = policy(r.properties.value("PolicyDocument", json()), role.path, path)) role.policies[pname] = std::move(*doc);
            attached = true;
        }
        if (!attached && (r.properties.contains("Users") || r.properties.contains("Groups") || roles.empty())) {
            not_modelled_.push_back(st.input.name + ": " + r.logical_id + " (" + r.type + ", attached to no role of the stacks)");
        } else if (!attached) {
            unmodelled(st, r);
        }
    }
    // xc's lookup function's role: used by it and nothing else, trusted by Lambda alone.
    bool is_lookup_role(const Stack& st, const Resource& r) const {
        bool lookup = false, other = false;
        for (const auto& [id, x] : st.resources) {
            if (id == r.logical_id) continue;
            const std::string text = x.properties.dump();
            bool refers = false;
            for (std::size_t i = 0; i < ev_.symbols.size(); ++i)
                if (ev_.symbols[i].stack == st.input.name && ev_.symbols[i].logical_id == r.logical_id &&
                    (ev_.symbols[i].kind == Symbol::Kind::reference || ev_.symbols[i].kind == Symbol::Kind::attribute) &&
                    text.find(mark(i)) != std::string::npos)
                    refers = true;
            if (!refers) continue;
            if (is_lookup_function(st, x)) lookup = true;
            else other = true;
        }
        const json trust = r.properties.value("AssumeRolePolicyDocument", json());
        const json expected_statement = json{{"Action", "sts:AssumeRole"}, {"Effect", "Allow"}, {"Principal", json{{"Service", "lambda.amazonaws.com"}}}};
        return lookup && !other && trust.is_object() && trust.value("Statement", json()) == json::array({expected_statement});
    }

    void table(const Stack& st, const Resource& r) {
        model::Table t;
        t.name = r.logical_id;
        t.path = collection_path(st, "tables", t.name);
        place(t.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"table", t.name, t.path, ""};
        if (r.properties.contains("TableName")) t.table_name = string_prop(r, t.path + "/name", "TableName", true);
        else {
            t.table_name = st.input.name + "-" + r.logical_id;
            unresolved(t.path, t.path + "/name", "[" + st.input.name + "] " + r.logical_id + " (no TableName)",
                       "CloudFormation generates the table's name; xc does not know it");
        }
        t.billing = string_prop(r, t.path + "/billing", "BillingMode", false, "PROVISIONED");
        std::map<std::string, std::string> types;
        each(r.properties.value("AttributeDefinitions", json()), [&](const json& a) {
            if (a.value("AttributeName", json()).is_string() && a.value("AttributeType", json()).is_string())
                types[a["AttributeName"].get<std::string>()] = a["AttributeType"].get<std::string>();
        });
        auto keys = [&](const json& schema, model::KeyAttribute& hash, std::optional<model::KeyAttribute>& range) {
            each(schema, [&](const json& k) {
                if (!k.value("AttributeName", json()).is_string()) return;
                model::KeyAttribute a{k["AttributeName"].get<std::string>(), types[k["AttributeName"].get<std::string>()]};
                if (k.value("KeyType", json()) == "RANGE") range = a;
                else hash = a;
            });
        };
        keys(r.properties.value("KeySchema", json()), t.hash_key, t.range_key);
        each(r.properties.value("GlobalSecondaryIndexes", json()), [&](const json& i) {
            model::TableIndex idx;
            idx.name =str_or(i, "IndexName", "");
            idx.path = t.path + "/indexes/" + json_pointer::escape(idx.name);
            keys(i.value("KeySchema", json()), idx.hash_key, idx.range_key);
            if (i.contains("Projection") && i["Projection"].is_object() && i["Projection"].value("ProjectionType", json()).is_string())
                idx.projection = i["Projection"]["ProjectionType"].get<std::string>();
            t.indexes[idx.name] = std::move(idx);
        });
        scope(st).tables[t.name] = std::move(t);
    }

    void lambda(const Stack& st, const Resource& r) {
        if (is_lookup_function(st, r)) return;
        model::Lambda l;
        l.name = r.logical_id;
        l.path = collection_path(st, "lambdas", l.name);
        place(l.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"lambda", l.name, l.path, ""};
        if (r.properties.contains("FunctionName")) l.deployed_name = string_prop(r, l.path + "/name", "FunctionName", true);
        else
            unresolved(l.path, l.path + "/name", "[" + st.input.name + "] " + r.logical_id + " (no FunctionName)",
                       "CloudFormation generates the function's name; xc does not know it");
        // What the code does decides what it needs (lambda-data): a template does not say.
        unresolved(l.path, l.path + "/handler", "[" + st.input.name + "] " + r.logical_id + ".Code",
                   "what the function's code does (and so which table actions it needs) is not in the template");
        if (auto role = ref_to(r.properties.value("Role", json()), "role"); role && role->scope == scope_name(st)) l.role = model::Ref{"", role->name};
        else {
            diags_.error(l.path + "/role", "function " + r.logical_id + ": Role must be the Arn of a role this stack creates (xc reads the role's policies)");
        }
        l.memory_mb = static_cast<int>(int_prop(r, r.properties.value("MemorySize", json()), "MemorySize", 128));
        l.timeout_s = static_cast<int>(int_prop(r, r.properties.value("Timeout", json()), "Timeout", 3));
        if (r.properties.contains("VpcConfig") && r.properties["VpcConfig"].is_object()) {
            const json& vc = r.properties["VpcConfig"];
            each(vc.value("SubnetIds", json()), [&](const json& x) {
                if (auto n = local_name(st, x, "subnet")) l.subnets.push_back(*n);
                else unresolved(l.path, l.path + "/network", "[" + st.input.name + "] " + r.logical_id + ".VpcConfig", "a subnet xc does not know");
            });
            each(vc.value("SecurityGroupIds", json()), [&](const json& x) {
                if (auto n = local_name(st, x, "security_group")) l.security_groups.push_back(*n);
                else unresolved(l.path, l.path + "/network", "[" + st.input.name + "] " + r.logical_id + ".VpcConfig", "a security group xc does not know");
            });
        }
        const json variables = r.properties.contains("Environment") && r.properties["Environment"].is_object()
                                   ? r.properties["Environment"].value("Variables", json::object()) : json::object();
        if (variables.is_object())
            for (const auto& [k, v] : variables.items()) {
                if (k == "TABLE_NAME")
                    if (auto t = ref_to(v, "table"); t && t->scope == scope_name(st)) {
                        l.table = model::Ref{"", t->name};
                        continue;
                    }
                if (k == "INDEX_NAME" && v.is_string() && !has_symbol(v.get<std::string>())) {
                    l.index = v.get<std::string>();
                    continue;
                }
                l.environment[k] = v.is_string() ? text(v.get<std::string>(), l.path, l.path + "/environment") : v.dump();
            }
        // Its log group's retention, when the stack creates the group the function logs to.
        for (const auto& [_, x] : st.resources)
            if (x.type == "AWS::Logs::LogGroup" && !l.deployed_name.empty() && x.properties.value("LogGroupName", json()) == "/aws/lambda/" + l.deployed_name)
                l.log_retention_days = static_cast<int>(int_prop(x, x.properties.value("RetentionInDays", json()), "RetentionInDays", 0));
        scope(st).lambdas[l.name] = std::move(l);
    }

    void lambda_permission(const Stack& st, const Resource& r) {
        const json fn = r.properties.value("FunctionName", json());
        std::optional<model::Ref> l = ref_to(fn, "lambda");
        if (!l && fn.is_string() && !has_symbol(fn.get<std::string>()))
            for (const auto& [n, x] : scope(st).lambdas)
                if (!x.deployed_name.empty() && (x.deployed_name == fn.get<std::string>())) l = model::Ref{scope_name(st), n};
        if (!l || l->scope != scope_name(st)) return unmodelled(st, r);
        auto& lambda = scope(st).lambdas.at(l->name);
        model::InvokePermission p;
        p.path = lambda.path + "/invokePermissions/" + std::to_string(lambda.invoke_permissions.size());
        place(p.path, st, r.pointer);
        const std::string action = string_prop(r, p.path, "Action", true);
        if (action != "lambda:InvokeFunction" && action != "lambda:*" && action != "*")
            return not_modelled_.push_back(st.input.name + ": " + r.logical_id + " (" + r.type + " for " + action + ")");
        p.principal = string_prop(r, p.path + "/principal", "Principal", true);
        p.source_account = string_prop(r, p.path + "/sourceAccount", "SourceAccount", false);
        if (r.properties.contains("SourceArn") && r.properties["SourceArn"].is_string()) {
            const std::string arn = r.properties["SourceArn"].get<std::string>();
            // "arn:<partition>:execute-api:<region>:<account>:" + <Ref of a REST API> + path
            auto ps = pieces(arn);
            const std::string head = "arn:" + partition_of(st.input.region) + ":execute-api:" + st.input.region + ":" + st.input.account + ":";
            if (ps.size() >= 2 && !ps[0].symbol && ps[0].text == head && ps[1].symbol && (ps.size() == 2 || (ps.size() == 3 && !ps[2].symbol))) {
                auto api = ref_to(json(mark(*ps[1].symbol)), "rest_api");
                if (api && api->scope == scope_name(st) && ev_.symbols[*ps[1].symbol].kind == Symbol::Kind::reference) {
                    p.source_api = model::Ref{"", api->name};
                    p.source_path = ps.size() == 3 ? ps[2].text : "";
                }
            }
            if (!p.source_api) p.source_arn = text(arn, lambda.path, p.path + "/sourceArn");
        }
        if (r.properties.contains("PrincipalOrgID") || r.properties.contains("FunctionUrlAuthType"))
            unresolved(lambda.path, p.path, "[" + st.input.name + "] " + r.logical_id, "PrincipalOrgID and function URL permissions are not modelled");
        lambda.invoke_permissions.push_back(std::move(p));
    }

    void instance(const Stack& st, const Resource& r) {
        model::Instance i;
        i.name = r.logical_id;
        i.path = collection_path(st, "instances", i.name);
        place(i.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"instance", i.name, i.path, ""};
        auto sn = local_name(st, r.properties.value("SubnetId", json()), "subnet");
        if (!sn) return unmodelled(st, r);
        i.subnet = *sn;
        i.vpc = placed(st.input.name, *sn)->parent;
        i.instance_type = string_prop(r, i.path, "InstanceType", false, "m1.small");
        const json image = r.properties.value("ImageId", json(""));
        i.image = image.is_string() && !has_symbol(image.get<std::string>()) ? image.get<std::string>() : "(read at deployment)";
        each(r.properties.value("SecurityGroupIds", json()), [&](const json& x) {
            if (auto n = local_name(st, x, "security_group")) i.security_groups.push_back(*n);
            else unresolved(i.path, i.path + "/securityGroups", "[" + st.input.name + "] " + r.logical_id + ".SecurityGroupIds", "a security group xc does not know");
        });
        i.ssm = r.properties.contains("IamInstanceProfile");
        scope(st).instances[i.name] = std::move(i);
    }

    // --- APIs -------------------------------------------------------------------------------

    void rest_api(const Stack& st, const Resource& r) {
        model::RestApi a;
        a.name = r.logical_id;
        a.path = collection_path(st, "apis", a.name);
        place(a.path, st, r.pointer);
        placed_[{st.input.name, r.logical_id}] = {"rest_api", a.name, a.path, ""};
        if (r.properties.contains("Name")) a.deployed_name = string_prop(r, a.path + "/name", "Name", true);
        // Every REST API of the given stacks is held to the property: a template does not state
        // an intent, and xc must not take "not PRIVATE" for "meant to be public".
        a.is_private = true;
        const json ec = r.properties.value("EndpointConfiguration", json());
        std::string type = "EDGE";
        if (ec.is_object() && ec.contains("Types") && ec["Types"].is_array() && !ec["Types"].empty() && ec["Types"][0].is_string())
            type = ec["Types"][0].get<std::string>();
        a.endpoint_type = type == "PRIVATE" ? model::ApiEndpointType::PRIVATE : type == "REGIONAL" ? model::ApiEndpointType::REGIONAL : model::ApiEndpointType::EDGE;
        if (ec.is_object())
            each(ec.value("VpcEndpointIds", json()), [&](const json& id) {
                if (auto e = ref_to(id, "vpc_endpoint")) {
                    a.vpc_endpoints.push_back(*e);
                    if (auto sec = secret_of(id)) a.endpoint_id_from = model::Ref{scope_name(*stack_named(sec->first)), sec->second};
                } else {
                    unresolved(a.path, a.path + "/vpcEndpoints", "[" + st.input.name + "] " + r.logical_id + ".EndpointConfiguration.VpcEndpointIds",
                               "an endpoint id that no given stack's endpoint is known to have");
                }
            });
        // The default endpoint disabled: "DisableExecuteApiEndpoint: Specifies whether clients can
        // invoke your API by using the default execute-api endpoint" (AWS::ApiGateway::RestApi) —
        // the endpoint a client of the consumer calls (verify/request_path.hpp). The model does
        // not say it, so anything but false leaves the API's checks UNDECIDED.
        if (r.properties.contains("DisableExecuteApiEndpoint") && r.properties["DisableExecuteApiEndpoint"] != json(false) &&
            r.properties["DisableExecuteApiEndpoint"] != json("false"))
            unresolved(a.path, a.path + "/disableExecuteApiEndpoint", "[" + st.input.name + "] " + r.logical_id + ".DisableExecuteApiEndpoint",
                       "the API's default execute-api endpoint may be disabled, which xc does not model");
        // The policy: the Policy property and the body's x-amazon-apigateway-policy.
        const json body = r.properties.value("Body", json());
        const json* body_policy = body.is_object() && body.contains("x-amazon-apigateway-policy") ? &body["x-amazon-apigateway-policy"] : nullptr;
        const json* own = r.properties.contains("Policy") ? &r.properties["Policy"] : nullptr;
        if (own && body_policy && *own != *body_policy)
            unresolved(a.path, a.path + "/policy", "[" + st.input.name + "] " + r.logical_id + ".Policy and Body.x-amazon-apigateway-policy",
                       "two different policies: which one the API keeps depends on the order CloudFormation applies them");
        if (const json* p = own ? own : body_policy) {
            place(a.path + "/policy", st, own ? prop(r, "Policy") : prop(r, "Body") + "/x-amazon-apigateway-policy");
            a.policy = policy(*p, a.path, a.path + "/policy");
            for (const auto& s : {secret_of(json(p->dump()))})
                if (s && !a.endpoint_id_from) a.endpoint_id_from = model::Ref{scope_name(*stack_named(s->first)), s->second};
        }
        if (r.properties.contains("BodyS3Location"))
            unresolved(a.path, a.path + "/routes", "[" + st.input.name + "] " + r.logical_id + ".BodyS3Location", "an OpenAPI body in S3 is not read");
        if (body.is_object()) routes(st, r, a, body);
        scope(st).apis[a.name] = std::move(a);
    }

    static const std::set<std::string>& http_verbs() {
        static const std::set<std::string> verbs{"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"};
        return verbs;
    }
    static constexpr const char* not_lambda_proxy = "an integration other than aws_proxy to a Lambda function of this stack is not modelled";
    static constexpr const char* route_authorization = "authorizers, Cognito user pools and API keys on a route are not modelled (NONE and AWS_IAM are)";

    // The Lambda function of this stack an integration's URI (member `key`) invokes: "arn:...:
    // apigateway:<region>:lambda:path/2015-03-31/functions/<function Arn>/invocations", the
    // function's Fn::GetAtt Arn.
    std::optional<model::Ref> integrated_lambda(const Stack& st, const json& integration, const char* key) {
        if (!integration.is_object() || !integration.contains(key) || !integration[key].is_string()) return std::nullopt;
        const json& uri = integration[key];
        std::optional<model::Ref> fn;
        for (const auto& p : pieces(uri.get<std::string>()))
            if (p.symbol) {
                const Symbol& s = ev_.symbols[*p.symbol];
                if (s.kind == Symbol::Kind::attribute && s.attribute == "Arn")
                    if (auto* pl = placed(s.stack, s.logical_id); pl && pl->kind == "lambda" && s.stack == st.input.name) fn = model::Ref{"", pl->name};
            }
        return fn;
    }

    // Routes from an OpenAPI (Swagger 2.0 or OpenAPI 3) body with aws_proxy Lambda integrations.
    void routes(const Stack& st, const Resource& r, model::RestApi& a, const json& body) {
        const json paths = body.value("paths", json::object());
        if (!paths.is_object()) return;
        const std::string validator =str_or(body, "x-amazon-apigateway-request-validator", "");
        if (!validator.empty() && body.contains("x-amazon-apigateway-request-validators")) {
            const json v = body["x-amazon-apigateway-request-validators"].value(validator, json::object());
            a.validate_body = v.value("validateRequestBody", json(false)) == true;
            a.validate_parameters = v.value("validateRequestParameters", json(false)) == true;
        }
        for (const auto& [path, methods] : paths.items()) {
            if (!methods.is_object()) continue;
            for (const auto& [method, op] : methods.items()) {
                std::string m = method == "x-amazon-apigateway-any-method" ? "ANY" : method;
                for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                if (!http_verbs().contains(m) || !op.is_object()) continue;
                model::ApiRoute route;
                route.method = m;
                route.resource_path = path;
                route.key = m + " " + path;
                route.path = a.path + "/routes/" + json_pointer::escape(route.key);
                place(route.path, st, prop(r, "Body") + "/paths/" + json_pointer::escape(path) + "/" + json_pointer::escape(method));
                const json integration = op.value("x-amazon-apigateway-integration", json());
                auto fn = integrated_lambda(st, integration, "uri");
                if (!fn || integration.value("type", json("")) != "aws_proxy") {
                    unresolved(a.path, route.path, "[" + st.input.name + "] " + r.logical_id + " " + route.key, not_lambda_proxy);
                    continue;
                }
                route.lambda = *fn;
                // Who may call the route: NONE or AWS_IAM, as the body states it
                // (input/detail/openapi_authorization.hpp); anything else stays open.
                const auto authorization = input::detail::openapi_operation_authorization(body, op);
                if (!authorization.open.empty())
                    unresolved(a.path, route.path, "[" + st.input.name + "] " + r.logical_id + " " + route.key + " authorization", authorization.open);
                route.authorization = authorization.stated;
                // An integration with credentials invokes the function as that role (SAM's
                // CALLER_CREDENTIALS, "arn:aws:iam::*:user/*": as the caller), not through its
                // resource policy.
                if (integration.is_object() && integration.contains("credentials"))
                    unresolved(a.path, route.path, "[" + st.input.name + "] " + r.logical_id + " " + route.key + " credentials",
                               "the integration invokes the function with credentials (a role's or the caller's), which xc does not model");
                each(op.value("parameters", json()), [&](const json& p) {
                    if (p.value("in", json()) == "query" && p.value("name", json()).is_string())
                        route.query[p["name"].get<std::string>()] = model::QueryParameter{p["name"].get<std::string>(), p.value("required", json(false)) == true};
                    if (p.value("in", json()) == "body" && p.contains("schema")) {
                        const std::string ref =str_or(p["schema"], "$ref", "");
                        const std::string prefix = "#/definitions/";
                        if (ref.rfind(prefix, 0) != 0) return;
                        model::BodyModel b;
                        b.model = ref.substr(prefix.size());
                        b.path = route.path + "/body";
                        const json def = body.value("definitions", json::object()).value(b.model, json::object());
                        each(def.value("required", json()), [&](const json& x) {
                            if (x.is_string()) b.required.push_back(x.get<std::string>());
                        });
                        const json properties = def.value("properties", json::object());
                        for (const auto& [pn, ps] : properties.items()) {
                            model::BodyProperty bp;
                            bp.name = pn;
                            bp.path = b.path + "/properties/" + json_pointer::escape(pn);
                            bp.type =str_or(ps, "type", "string");
                            each(ps.value("enum", json()), [&](const json& e) {
                                if (e.is_string()) bp.enum_values.push_back(e.get<std::string>());
                            });
                            b.properties[pn] = std::move(bp);
                        }
                        route.body = std::move(b);
                    }
                });
                a.routes[route.key] = std::move(route);
            }
        }
    }

    // Routes from AWS::ApiGateway::Method resources, mapped as a body's paths are.
    //  CloudFormation, AWS::ApiGateway::Method (aws-resource-apigateway-method.html): RestApiId,
    //    ResourceId, HttpMethod; "ApiKeyRequired: A boolean flag specifying whether a valid
    //    ApiKey is required to invoke this method".
    //  CloudFormation, AWS::ApiGateway::Resource (aws-resource-apigateway-resource.html):
    //    "ParentId: The parent resource's identifier"; "PathPart: The last path segment for this
    //    resource"; the example's top-level resource has ParentId { "Fn::GetAtt": ["MyApi",
    //    "RootResourceId"] }.
    //  API Gateway API reference, Method (API_Method.html): authorizationType "Valid values are
    //    NONE for open access, AWS_IAM for using AWS IAM permissions, CUSTOM for using a custom
    //    authorizer, or COGNITO_USER_POOLS for using a Cognito user pool".
    //  PutMethod requestParameters: "A key defines a method request parameter name matching the
    //    pattern of method.request.{location}.{name} ... The value associated with the key is a
    //    Boolean flag indicating whether the parameter is required (true) or optional (false)".
    //  "Choose an API Gateway API integration type" (api-gateway-api-integration-types.html):
    //    "For the Lambda proxy integration, the value is AWS_PROXY".
    // A route's AuthorizationType NONE or AWS_IAM is the route's own; any other (CUSTOM,
    // COGNITO_USER_POOLS, or none stated), or an API key, is Unresolved on the route, as a body's
    // is. Integration Credentials (a role, or the caller's) are Unresolved too.
    void method(const Stack& st, const Resource& r) {
        const std::string origin = "[" + st.input.name + "] " + r.logical_id;
        auto t = target(r.properties.value("RestApiId", json()));
        auto* pl = t ? placed(t->stack, t->id) : nullptr;
        if (!pl || pl->kind != "rest_api" || (!t->attribute.empty() && t->attribute != "RestApiId")) return unmodelled(st, r);
        model::RestApi& a = scope(*stack_named(t->stack)).apis.at(pl->name);
        if (t->stack != st.input.name)
            return unresolved(a.path, a.path + "/routes", origin + " (AWS::ApiGateway::Method)", "a method another stack adds to the API is not modelled");
        const Resource& api = *t->resource;
        if (api.properties.contains("Body") || api.properties.contains("BodyS3Location"))
            return unresolved(a.path, a.path + "/routes", origin + " (AWS::ApiGateway::Method) and " + api.logical_id + ".Body",
                              "both an OpenAPI definition and Method resources define the API's methods: which it keeps depends on the "
                              "definition's import mode and the order CloudFormation applies them");
        // Errors point at the property that is wrong.
        const std::string at = a.path + "/methods/" + json_pointer::escape(r.logical_id);
        auto error = [&](const std::string& name, const std::string& message) {
            place(at + "/" + name, st, r.properties.contains(name) ? prop(r, name) : r.pointer);
            diags_.error(at + "/" + name, "resource " + r.logical_id + " (" + r.type + "): " + message);
        };
        const json verb = r.properties.value("HttpMethod", json());
        if (!verb.is_string()) return error("HttpMethod", "HttpMethod is required: one of GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, ANY");
        if (has_symbol(verb.get<std::string>()))
            return unresolved(a.path, a.path + "/routes", origin + ".HttpMethod", "a method whose HTTP verb is known only at deployment");
        std::string m = verb.get<std::string>();
        for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!http_verbs().contains(m))
            return error("HttpMethod", "'" + printable(verb.get<std::string>()) + "' is not an HTTP method API Gateway knows: expected one of GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, ANY");
        std::string why;
        std::set<std::string> seen;
        auto path = resource_path(st, api, r.properties.value("ResourceId", json()), seen, why);
        if (!path) {
            if (why.empty()) return;  // an error, reported
            return unresolved(a.path, a.path + "/routes", origin + ".ResourceId", why);
        }
        model::ApiRoute route;
        route.method = m;
        route.resource_path = *path;
        route.key = m + " " + *path;
        route.path = a.path + "/routes/" + json_pointer::escape(route.key);
        // API Gateway keeps one method per verb on a resource.
        if (auto [it, first] = methods_.try_emplace({a.path, route.key}, r.logical_id); !first)
            return error("HttpMethod", "the API already has the method " + route.key + " (" + it->second + ")");
        place(route.path, st, r.pointer);
        const json integration = r.properties.value("Integration", json());
        auto fn = integrated_lambda(st, integration, "Uri");
        if (!fn || lower(str_or(integration, "Type", "")) != "aws_proxy")
            return unresolved(a.path, route.path, origin + " " + route.key, not_lambda_proxy);
        route.lambda = *fn;
        if (!deployed_after(st, api.logical_id, r.logical_id))
            unresolved(a.path, route.path, origin + " " + route.key + " (deployment)",
                       "the deployment the API's stage serves does not DependsOn this method: CloudFormation may deploy the API before the method exists");
        const json auth = r.properties.value("AuthorizationType", json());
        if (auth == "NONE") route.authorization = model::Authorization::none;
        else if (auth == "AWS_IAM") route.authorization = model::Authorization::aws_iam;
        else
            unresolved(a.path, route.path, origin + " " + route.key + " AuthorizationType " + (auth.is_string() ? printable(auth.get<std::string>()) : "(not stated)"),
                       route_authorization);
        if (integration.is_object() && integration.contains("Credentials"))
            unresolved(a.path, route.path, origin + " " + route.key + " Integration.Credentials",
                       "the integration invokes the function with credentials (a role's or the caller's), which xc does not model");
        if (bool_prop(r, "ApiKeyRequired", false))
            unresolved(a.path, route.path, origin + " " + route.key + " ApiKeyRequired", route_authorization);
        const json parameters = r.properties.value("RequestParameters", json::object());
        if (parameters.is_object())
            for (const auto& [k, required] : parameters.items()) {
                const std::string prefix = "method.request.querystring.";
                if (k.rfind(prefix, 0) != 0) continue;
                const std::string name = k.substr(prefix.size());
                route.query[name] = model::QueryParameter{name, required == true || required == "true"};
            }
        a.routes[route.key] = std::move(route);
    }
    // Whether every deployment a stage of `api` serves waits for the method `method` (its
    // DependsOn names it). AWS::ApiGateway::Deployment (CloudFormation reference): "If you create
    // an AWS::ApiGateway::RestApi resource and its methods (using AWS::ApiGateway::Method) in the
    // same template as your deployment, the deployment must depend on the RestApi's methods ...
    // If you don't, AWS CloudFormation creates the deployment right after it creates the RestApi
    // resource that doesn't contain any methods".
    bool deployed_after(const Stack& st, const std::string& api, const std::string& method) const {
        for (const auto& [_, x] : st.resources) {
            if (x.type != "AWS::ApiGateway::Stage" || !same(x.properties.value("RestApiId", json()), api, st)) continue;
            auto d = target(x.properties.value("DeploymentId", json()));
            if (!d || d->stack != st.input.name) return false;
            const json& root = st.source->root();
            json depends;
            try {
                const auto at = json::json_pointer(d->resource->pointer + "/DependsOn");
                if (root.contains(at)) depends = root.at(at);
            } catch (const json::exception&) {
            }
            bool waits = depends == method;
            if (depends.is_array())
                for (const auto& n : depends) waits |= n == method;
            if (!waits) return false;
        }
        return true;
    }

    // The path of the API resource `v` names: "/" for the API's root resource, else its parent's
    // path and its PathPart. nullopt with `why` when it is not a resource of `api` in this stack
    // that xc can follow; nullopt without, after a located error.
    std::optional<std::string> resource_path(const Stack& st, const Resource& api, const json& v, std::set<std::string>& seen, std::string& why) {
        auto t = target(v);
        if (t && t->stack == st.input.name && t->id == api.logical_id && t->attribute == "RootResourceId") return "/";
        if (!t || t->stack != st.input.name || t->resource->type != "AWS::ApiGateway::Resource" || (!t->attribute.empty() && t->attribute != "ResourceId")) {
            why = "a resource that is not the API's root or an AWS::ApiGateway::Resource of this stack is not modelled";
            return std::nullopt;
        }
        const Resource& x = *t->resource;
        if (!same(x.properties.value("RestApiId", json()), api.logical_id, st)) {
            why = "the resource " + x.logical_id + " belongs to another API, or to one xc does not know";
            return std::nullopt;
        }
        const std::string at = scope(st).path + "/apis/" + json_pointer::escape(api.logical_id) + "/resources/" + json_pointer::escape(x.logical_id);
        if (!seen.insert(x.logical_id).second) {
            place(at, st, prop(x, "ParentId"));
            diags_.error(at, "resource " + x.logical_id + " (AWS::ApiGateway::Resource): its ParentId chain leads back to itself");
            return std::nullopt;
        }
        const json part = x.properties.value("PathPart", json());
        if (!part.is_string() || part.get<std::string>().empty() || part.get<std::string>().find('/') != std::string::npos) {
            place(at, st, x.properties.contains("PathPart") ? prop(x, "PathPart") : x.pointer);
            diags_.error(at, "resource " + x.logical_id + " (AWS::ApiGateway::Resource): PathPart must be one path segment (text without '/')");
            return std::nullopt;
        }
        if (has_symbol(part.get<std::string>())) {
            why = "the path segment of " + x.logical_id + " is known only at deployment";
            return std::nullopt;
        }
        auto parent = resource_path(st, api, x.properties.value("ParentId", json()), seen, why);
        if (!parent) return std::nullopt;
        return (*parent == "/" ? "" : *parent) + "/" + part.get<std::string>();
    }

    void stage(const Stack& st, const Resource& r) {
        auto api = local_name(st, r.properties.value("RestApiId", json()), "rest_api");
        if (!api) return unmodelled(st, r);
        auto& a = scope(st).apis.at(*api);
        const std::string name = string_prop(r, a.path + "/stage", "StageName", true);
        if (!a.stage.empty() && a.stage != name) {
            unresolved(a.path, a.path + "/stage", "[" + st.input.name + "] " + r.logical_id, "a second stage of the API is not modelled");
            return;
        }
        a.stage = name;
        place(a.path + "/stage", st, r.pointer);
        // What the stage serves: a deployment of this API (AWS::ApiGateway::Deployment or xc's
        // Custom::XcDeployment).
        auto d = target(r.properties.value("DeploymentId", json()));
        const bool deployed = d && d->stack == st.input.name &&
                              ((d->resource->type == "AWS::ApiGateway::Deployment") ||
                               (d->resource->type == "Custom::XcDeployment" && is_xc_lookup(st, *d->resource) &&
                                d->resource->properties.value("Kind", json()) == "deployment")) &&
                              same(d->resource->properties.value("RestApiId", json()), *api, st);
        if (!deployed)
            unresolved(a.path, a.path + "/stage", "[" + st.input.name + "] " + r.logical_id + ".DeploymentId", "a deployment xc does not know");
    }

    void domain_name(const Stack& st, const Resource& r) {
        // The API it serves: a base path mapping to one of this stack's APIs.
        const bool v2 = r.type == "AWS::ApiGateway::DomainNameV2";
        std::optional<std::string> api;
        std::string base_path;
        for (const auto& [id, x] : st.resources) {
            const bool mapping = x.type == (v2 ? "AWS::ApiGateway::BasePathMappingV2" : "AWS::ApiGateway::BasePathMapping");
            if (!mapping) continue;
            const json d = x.properties.value(v2 ? "DomainNameArn" : "DomainName", json());
            if (!same(d, r.logical_id, st)) continue;
            if (api) {
                unresolved(scope(st).path, "", "[" + st.input.name + "] " + id, "a second base path mapping of a domain is not modelled");
                continue;
            }
            api = local_name(st, x.properties.value("RestApiId", json()), "rest_api");
            base_path =str_or(x.properties, "BasePath", "");
        }
        if (!api) return unmodelled(st, r);
        auto& a = scope(st).apis.at(*api);
        model::CustomDomain d;
        d.path = a.path + "/customDomain";
        place(d.path, st, r.pointer);
        d.name = string_prop(r, d.path + "/name", "DomainName", true);
        d.base_path = base_path;
        const json ec = r.properties.value("EndpointConfiguration", json());
        std::string type = "EDGE";
        if (ec.is_object() && ec.contains("Types") && ec["Types"].is_array() && !ec["Types"].empty() && ec["Types"][0].is_string())
            type = ec["Types"][0].get<std::string>();
        d.endpoint_type = type == "PRIVATE" ? model::ApiEndpointType::PRIVATE : type == "REGIONAL" ? model::ApiEndpointType::REGIONAL : model::ApiEndpointType::EDGE;
        const json cert = r.properties.contains("RegionalCertificateArn") ? r.properties["RegionalCertificateArn"] : r.properties.value("CertificateArn", json());
        if (auto c = certificate(st, cert, d.path + "/certificate")) d.certificate = *c;
        if (r.properties.contains("Policy")) d.policy = policy(r.properties["Policy"], a.path, d.path + "/policy");
        // Access associations: in this stack, or in a stack of the endpoint owner's account that
        // reads the domain through xc's RAM-share lookup.
        for (const auto& other : ev_.stacks)
            for (const auto& [id, x] : other.resources) {
                if (x.type != "AWS::ApiGateway::DomainNameAccessAssociation") continue;
                if (!associates(other, x.properties.value("DomainNameArn", json()), st, r.logical_id)) continue;
                const json source = x.properties.value("AccessAssociationSource", json());
                if (auto e = ref_to(source, "vpc_endpoint")) d.access_vpc_endpoints.push_back(*e);
                else if (auto tagged = tagged_endpoint(other, source)) d.access_vpc_endpoints.push_back(*tagged);
                else unresolved(a.path, d.path + "/accessVpcEndpoints", "[" + other.input.name + "] " + id, "an access association source xc does not know");
            }
        a.custom_domain = std::move(d);
    }

    // Whether `arn` (a DomainNameAccessAssociation's DomainNameArn in stack `in`) is the domain
    // `domain` of stack `owner`: directly, or through xc's lookup of the RAM share that shares it
    // with `in`'s account (the share's Name, ResourceArns [the domain] and Principals [the account]).
    bool associates(const Stack& in, const json& arn, const Stack& owner, const std::string& domain) const {
        auto t = target(arn);
        if (!t) return false;
        if (t->stack == owner.input.name && t->id == domain) return true;
        if (t->stack != in.input.name || t->attribute != "ResourceArn" || t->resource->type != "Custom::XcLookup" || !is_xc_lookup(in, *t->resource) ||
            t->resource->properties.value("Kind", json()) != "ram_resource_share")
            return false;
        const json name = t->resource->properties.value("Name", json());
        int shares = 0;
        bool shared = false;
        for (const auto& st : ev_.stacks)
            for (const auto& [id, x] : st.resources) {
                if (x.type != "AWS::RAM::ResourceShare" || x.properties.value("Name", json()) != name) continue;
                ++shares;
                const json arns = x.properties.value("ResourceArns", json());
                const json principals = x.properties.value("Principals", json());
                shared = st.input.name == owner.input.name && arns.is_array() && arns.size() == 1 && same(arns[0], domain, owner) &&
                         principals.is_array() && std::find(principals.begin(), principals.end(), json(in.input.account)) != principals.end();
            }
        return shares == 1 && shared;
    }
    // The endpoint xc's vpc_endpoint lookup finds by its Name tag, among the endpoints the
    // stacks of the lookup's account create.
    std::optional<model::Ref> tagged_endpoint(const Stack& in, const json& v) const {
        auto t = target(v);
        if (!t || t->attribute != "Id" || t->resource->type != "Custom::XcLookup" || !is_xc_lookup(in, *t->resource) ||
            t->resource->properties.value("Kind", json()) != "vpc_endpoint")
            return std::nullopt;
        const json tag = t->resource->properties.value("TagName", json());
        std::vector<model::Ref> found;
        for (const auto& st : ev_.stacks) {
            if (st.input.account != in.input.account) continue;
            for (const auto& [id, x] : st.resources) {
                if (x.type != "AWS::EC2::VPCEndpoint") continue;
                for (const auto& kv : x.properties.value("Tags", json::array()))
                    if (kv.value("Key", json()) == "Name" && kv.value("Value", json()) == tag)
                        if (auto it = placed_.find({st.input.name, id}); it != placed_.end()) found.push_back(model::Ref{scope_name(st), it->second.name});
            }
        }
        if (found.size() != 1) return std::nullopt;
        return found.front();
    }

    // --- what is not modelled -------------------------------------------------------------------

    // A resource whose type (or shape) xc does not model: Unresolved on every modelled resource
    // it references (it may change them: a policy attachment, a function URL, a second stage),
    // else a note.
    void unmodelled(const Stack& st, const Resource& r) {
        if (r.type == "AWS::Lambda::Function" && is_lookup_function(st, r)) return;
        if (r.type == "AWS::IAM::Role" && is_lookup_role(st, r)) return;
        std::set<std::string> affected;
        const std::string text = r.properties.dump();
        for (std::size_t i = 0; i < ev_.symbols.size(); ++i) {
            const Symbol& s = ev_.symbols[i];
            if ((s.kind != Symbol::Kind::reference && s.kind != Symbol::Kind::attribute) || text.find(mark(i)) == std::string::npos) continue;
            if (auto* p = placed(s.stack, s.logical_id)) affected.insert(top_level(*p));
        }
        if (affected.empty()) {
            not_modelled_.push_back(st.input.name + ": " + r.logical_id + " (" + r.type + ")");
            return;
        }
        for (const auto& path : affected)
            unresolved(path, path, "[" + st.input.name + "] " + r.logical_id + " (" + r.type + ", not modelled)",
                       "xc does not model this resource, which references this one and may change what it admits");
    }
    // The model path of the top-level resource a placed object belongs to (a subnet's VPC).
    static std::string top_level(const Placed& p) {
        for (const char* nested : {"/subnets/", "/routeTables/"})
            if (auto at = p.path.find(nested); at != std::string::npos) return p.path.substr(0, at);
        return p.path;
    }

    // Each API's callers: the consumer's roles tagged "xc:calls" (input/detail/api_callers.hpp).
    void link_api_callers() {
        for (const auto& st : ev_.stacks)
            for (const auto& [id, r] : st.resources) {
                if (r.type != "AWS::IAM::Role") continue;
                const json tags = r.properties.value("Tags", json::array());
                if (!tags.is_array()) continue;
                for (const auto& kv : tags) {
                    if (!kv.is_object() || kv.value("Key", json()) != input::detail::caller_tag) continue;
                    auto* pl = placed(st.input.name, id);
                    if (!pl) continue;
                    const std::string origin = "[" + st.input.name + "] " + id + ".Tags " + input::detail::caller_tag;
                    const json value = kv.value("Value", json());
                    if (!in_consumer(st)) unresolved(pl->path, pl->path, origin, "only a role of the consumer is modelled as an API's caller");
                    else if (!value.is_string() || has_symbol(value.get<std::string>())) unresolved(pl->path, pl->path, origin, "which APIs the role calls is not known");
                    else
                        for (const auto& why : input::detail::add_api_caller(m_, pl->name, input::detail::called_api_names(value.get<std::string>())))
                            unresolved(pl->path, pl->path, origin, why);
                }
            }
    }
    void finish() {
        if (!diags_.empty()) {
            std::vector<Diagnostic> located;
            for (const auto& d : diags_.items()) located.push_back(m_.located(d));
            throw InputError(std::move(located));
        }
    }

    const Evaluation& ev_;
    model::Model m_;
    std::shared_ptr<StackLocator> locator_;
    Diagnostics diags_;
    model::PolicyPool policies_;
    std::vector<std::string> not_modelled_;
    std::map<std::pair<std::string, std::string>, Placed> placed_;
    std::map<std::pair<std::string, std::string>, StatedNames> stated_names_;  // (stack, ARN) -> names
    std::map<std::pair<std::string, std::string>, std::string> methods_;  // (API path, route key) -> its Method
    const Stack* stack_ = nullptr;
    std::string consumer_account_;
};

}  // namespace detail

// The model of evaluated stacks (not yet checked: load.hpp runs model::check).
inline Mapped to_model(const Evaluation& ev, std::string model_name) { return detail::Mapper(ev, std::move(model_name)).run(); }

}  // namespace xc::input::cloudformation
