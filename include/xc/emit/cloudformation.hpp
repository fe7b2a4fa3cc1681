// `xc emit --target cloudformation`: the lowered deployment printed as one CloudFormation
// template per stack (DIR/<stack>/template.json) plus DIR/README.md with the deploy order and
// the `aws cloudformation deploy` commands.
//
// The printer shares the lowering with the Terraform printer (include/xc/emit/lowering.hpp):
// same resources, same policy documents (the same sorted JSON), same routes. Where
// CloudFormation differs, the mapping is explicit (cloudformation/resource_types.hpp):
//  * association resources Terraform keeps separate are properties of their owner ("folds");
//  * self-signed certificates have no CloudFormation resource: each is a parameter taking an
//    ACM certificate ARN, with the import step in the README and a note returned to the caller;
//  * reads CloudFormation cannot express (ENI IPs, a gateway endpoint's prefix list, the
//    consumer's endpoint by tag, a RAM-shared domain) go through one inline lookup Lambda
//    (xc/detail/lookup_function.hpp) behind Custom::XcLookup resources.
//
// Cross-account endpoint id: an explicit parameter per service stack (e.g. ConsumerEndpointId,
// AllowedPattern vpce-...), filled by the README's deploy command from the consumer's secret
// (`aws secretsmanager get-secret-value --secret-id <partial ARN>`). Why not a dynamic
// reference: `{{resolve:secretsmanager:...}}` across accounts needs the secret's full ARN,
// whose random suffix nobody knows before the consumer stack exists (so it would be a
// parameter anyway), and CloudFormation does not notice when the secret's value changes;
// a parameter re-read at every deploy does (and its value is visible in the stack's events).
//
// Model strings reach templates only through cloudformation::literal (JSON strings); computed
// strings use Fn::Join, never Fn::Sub. Output is a pure function of the model.
#pragma once

#include <xc/detail/lookup_function.hpp>
#include <xc/emit/cloudformation/intrinsics.hpp>
#include <xc/emit/cloudformation/resource_types.hpp>
#include <xc/emit/file_set.hpp>
#include <xc/emit/lowering.hpp>
#include <xc/model/graph.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace xc::emit {

struct CloudFormationOptions {
    // Stamp a warning into every template's Description and Metadata and the README: the model
    // was not verified (--allow-unverified).
    bool unverified_warning = false;
    // Where `xc emit --target lambda` leaves <function>.zip, relative to each template's
    // directory ("{service}" = the service name); `aws cloudformation package` uploads them.
    std::string lambda_dist_dir = "../../lambda/{service}/dist";
};

struct CloudFormationResult {
    FileSet files;
    // What the deployer must do by hand that the templates cannot (e.g. import a certificate
    // into ACM): the CLI prints these to stderr; the README says the same.
    std::vector<std::string> notes;
};

namespace cloudformation {

namespace detail {

using lowering::Resource;
using lowering::Value;

inline bool is_dist_dir_input(const std::string& name) {
    return name == "lambda_dist_dir" || (name.size() > 16 && name.ends_with("_lambda_dist_dir"));
}

inline std::string stack_name(const lowering::Deployment& d, const lowering::Stack& s) {
    std::string n = lowering::identifier(d.name + "-" + s.name);
    for (auto& c : n)
        if (c == '_') c = '-';
    return n;
}

// What a parameter stands for, for the README's deploy command.
struct Parameter {
    std::string id;
    std::string from_secret;       // partial ARN of the secret holding its value
    std::string certificate;       // the lowered certificate it replaces
    std::string certificate_domain;
    std::vector<std::string> certificate_names;
};

class StackPrinter {
public:
    StackPrinter(const lowering::Deployment& d, const lowering::Stack& s, const CloudFormationOptions& o)
        : d_(d), s_(s), o_(o) {}

    Json run() {
        assign_ids();
        Json resources = Json::object();
        for (const auto& r : s_.resources) {
            if (folds().contains(r.kind) || parameter_kinds().contains(r.kind)) continue;
            // A stack deployment creates every resource it declares; adopting an existing one
            // takes a separate IMPORT change set (CloudFormation User Guide, "Import AWS
            // resources into a CloudFormation stack"). Emitting a template that would create a
            // second API next to the one the model (and the proofs) name is not an option.
            if (!r.adopt_id.empty())
                throw lowering::LoweringError(r.source, "the model names an existing " + r.kind + " (id '" + r.adopt_id +
                                                            "'): a CloudFormation deployment would create another one with a new id; "
                                                            "remove \"id\" to let the stack create it, or emit --target terraform (which adopts it)");
            Json res{{"Type", resource_type(r)}};
            Json props;
            try {
                props = properties(r);
            } catch (const lowering::LoweringError& e) {
                // A model string the template cannot carry ({{resolve:...}}, an intrinsic's key):
                // it stands in the resource the model defines at `source`.
                if (!e.diagnostics().empty()) throw;
                throw lowering::LoweringError(r.source, e.what());
            }
            std::set<std::string> referenced;
            collect_references(props, referenced);
            if (!props.empty()) res["Properties"] = std::move(props);
            Json deps = depends_on(r, referenced);
            if (!deps.empty()) res["DependsOn"] = std::move(deps);
            Json meta{{"Kind", r.kind}, {"Name", r.name}, {"Source", literal(r.source)}};
            if (auto f = folded_.find(id_of(r.kind, r.name)); f != folded_.end()) meta["Folds"] = f->second;
            res["Metadata"] = Json{{"xc", std::move(meta)}};
            put(resources, id_of(r.kind, r.name), std::move(res));
            if (r.kind == "internet_gateway")
                put(resources, attachment_id(r.name),
                    Json{{"Type", "AWS::EC2::VPCGatewayAttachment"},
                         {"Properties", Json{{"VpcId", value(*r.property("vpc_id"))}, {"InternetGatewayId", ref_to(id_of(r.kind, r.name))}}},
                         {"Metadata", Json{{"xc", Json{{"Kind", "internet_gateway_attachment"}, {"Name", r.name}}}}}});
        }
        Json outputs = Json::object();
        for (const auto& out : s_.outputs)
            put(outputs, pascal(out.name), Json{{"Description", literal(out.description)}, {"Value", value(out.value)}});
        // Lookups, in id order, after their function.
        if (!lookups_.empty() || !deployed_apis_.empty()) {
            put(resources, "XcLookupFunctionRole", lookup_role(deployed_apis_));
            put(resources, "XcLookupFunction", lookup_function());
            for (auto& [id, res] : lookups_) put(resources, id, std::move(res));
        }

        drop_unreferenced_inputs(resources, outputs);

        Json t{{"AWSTemplateFormatVersion", "2010-09-09"}};
        std::string description = "xc: " + s_.name + " stack of model " + d_.name + " (account " + s_.account_id + ", phase " +
                                  std::to_string(s_.phase) + "). Generated: change the model and re-emit rather than editing.";
        if (o_.unverified_warning)
            description = "WARNING: emitted with --allow-unverified: xc did NOT prove that only the consumer's endpoint reaches "
                          "the private APIs. Do not deploy to production. " + description;
        t["Description"] = literal(description);
        Json meta{{"Model", literal(d_.name)}, {"Stack", s_.name}, {"Account", s_.account_id}, {"Phase", s_.phase}};
        if (o_.unverified_warning) meta["Warning"] = "emitted with --allow-unverified: the model was NOT verified";
        if (!parameter_for_.empty()) meta["ParameterFor"] = parameter_for_;
        t["Metadata"] = Json{{"xc", std::move(meta)}};
        if (!parameters_.empty()) t["Parameters"] = parameters_;
        t["Resources"] = std::move(resources);
        if (!outputs.empty()) t["Outputs"] = std::move(outputs);
        return t;
    }

    const std::vector<Parameter>& parameters() const { return parameter_info_; }
    bool has_functions() const { return s_.uses_kind("function"); }

private:
    // --- logical ids ------------------------------------------------------------------------

    static void put(Json& section, const std::string& id, Json v) {
        if (section.contains(id)) throw lowering::LoweringError("two CloudFormation logical ids '" + id + "': rename one of the model names");
        section[id] = std::move(v);
    }
    static std::string key(const std::string& kind, const std::string& name) { return kind + "." + name; }
    std::string id_of(const std::string& kind, const std::string& name) const {
        auto it = ids_.find(key(kind, name));
        if (it == ids_.end()) throw lowering::LoweringError("dangling reference " + key(kind, name) + " in stack " + s_.name);
        return it->second;
    }
    std::string attachment_id(const std::string& igw) const { return pascal(igw) + "GatewayAttachment"; }

    void assign_ids() {
        for (const auto& r : s_.resources) {
            if (folds().contains(r.kind) || parameter_kinds().contains(r.kind)) continue;
            std::string id = pascal(r.name) + pascal(r.kind);
            ids_[key(r.kind, r.name)] = id;
        }
        for (const auto& r : s_.resources) {
            if (auto f = folds().find(r.kind); f != folds().end()) {
                const Value* owner = r.property(f->second.owner_property);
                std::string owner_id = id_of(owner->ref_kind, owner->ref_name);
                ids_[key(r.kind, r.name)] = owner_id;
                folded_[owner_id].push_back(key(r.kind, r.name));
                fold_values_[owner_id][f->second.cfn_property].push_back(&r);
            } else if (parameter_kinds().contains(r.kind)) {
                std::string id = pascal(r.name) + "CertificateArn";
                ids_[key(r.kind, r.name)] = id;
                parameter_for_[id].push_back(key(r.kind, r.name));
                if (r.kind == "self_signed_certificate") certificate(id, r);
            }
        }
        for (const auto& in : s_.inputs) {
            if (is_dist_dir_input(in.name)) continue;
            Json p{{"Type", in.type == "number" ? "Number" : "String"}, {"Description", literal(in.description)}};
            if (in.default_value.kind != Value::Kind::null) p["Default"] = value(in.default_value);
            add_parameter(pascal(in.name), std::move(p), "input." + in.name);
        }
        for (const auto& l : s_.lookups) {
            if (l.kind == "secret_version") {
                std::string arn = l.property("secret_id")->text;
                add_parameter(pascal(l.name),
                              Json{{"Type", "String"},
                                   {"Description", literal("Id of the consumer's execute-api VPC endpoint: the value of secret " + arn +
                                                           " (see README.md)")},
                                   {"AllowedPattern", "^vpce-[0-9a-f]{8,17}$"}},
                              "lookup.secret_version." + l.name);
                parameter_info_.push_back(Parameter{pascal(l.name), arn, "", "", {}});
            } else if (l.kind == "ssm_parameter") {
                add_parameter(pascal(l.name),
                              Json{{"Type", "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"},
                                   {"Description", "The latest Amazon Linux AMI (public SSM parameter)"},
                                   {"Default", literal(l.property("name")->text)}},
                              "lookup.ssm_parameter." + l.name);
            }
        }
    }

    // A stack input only Terraform uses (e.g. a secret's recovery window: CloudFormation has no
    // such property) is not declared: a parameter nothing references is cfn-lint W2001.
    void drop_unreferenced_inputs(const Json& resources, const Json& outputs) {
        std::set<std::string> referenced;
        collect_references(resources, referenced);
        collect_references(outputs, referenced);
        for (const auto& in : s_.inputs) {
            const std::string id = pascal(in.name);
            if (is_dist_dir_input(in.name) || referenced.contains(id)) continue;
            parameters_.erase(id);
            parameter_for_.erase(id);
        }
    }

    void add_parameter(const std::string& id, Json p, const std::string& stands_for) {
        put(parameters_, id, std::move(p));
        parameter_for_[id].push_back(stands_for);
    }

    void certificate(const std::string& id, const Resource& cert) {
        Parameter p{id, "", cert.name, "", {}};
        if (const auto* subject = cert.property("subject"); subject && subject->find("common_name"))
            p.certificate_domain = subject->find("common_name")->text;
        if (const auto* names = cert.property("dns_names"))
            for (const auto& n : names->items) p.certificate_names.push_back(n.text);
        put(parameters_, id,
                      Json{{"Type", "String"},
                           {"Description", literal("ARN of an ACM certificate for " + p.certificate_domain +
                                                   " (self-signed in the model: CloudFormation cannot create it; import it, see README.md)")},
                           {"AllowedPattern", "^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$"}});
        parameter_info_.push_back(std::move(p));
    }

    // --- values -----------------------------------------------------------------------------

    // A deployment's `Redeployment` key: the hash of the API's Body and Policy as template text,
    // then every value they reference (parameters, attributes), which the text does not show.
    Json redeployment(const Resource& api) {
        std::vector<Json> parts;
        std::string text;
        for (const char* property : {"body", "policy"})
            if (const Value* v = api.property(property)) {
                text += lowering::canonical_json(*v) + "\n";
                collect_values(value(*v), parts);
            }
        parts.insert(parts.begin(), Json(fnv1a_hex(text)));
        std::vector<Json> separated;
        for (auto& part : parts) {
            if (!separated.empty()) separated.push_back(Json(" "));
            separated.push_back(std::move(part));
        }
        return join(separated);
    }
    // Every intrinsic function (Ref, Fn::GetAtt, Fn::Join, ...) in `j`, once each, in order.
    static void collect_values(const Json& j, std::vector<Json>& out) {
        if (j.is_object() && j.size() == 1 && j.begin().key() != "Condition" && is_intrinsic_key(j.begin().key())) {
            if (std::find(out.begin(), out.end(), j) == out.end()) out.push_back(j);
            return;
        }
        if (j.is_structured())
            for (const auto& item : j) collect_values(item, out);
    }

    Json lookup_ref(const Value& v) {
        const Resource* l = s_.find_lookup(v.ref_kind, v.ref_name);
        if (!l) throw lowering::LoweringError("dangling lookup reference " + lowering::ref_text(v) + " in stack " + s_.name);
        if (l->kind == "secret_version" || l->kind == "ssm_parameter") return ref_to(pascal(l->name));
        std::string id = pascal(l->name) + pascal(l->kind) + "Lookup";
        Json props{{"ServiceToken", get_att("XcLookupFunction", "Arn")}, {"Kind", l->kind}};
        std::string attribute;
        if (l->kind == "network_interface") {
            props["Id"] = value(*l->property("id"));
            attribute = "PrivateIp";
        } else if (l->kind == "vpc_endpoint") {
            props["TagName"] = value(*l->property("tags")->find("Name"));
            attribute = "Id";
        } else if (l->kind == "ram_resource_share") {
            props["Name"] = value(*l->property("name"));
            attribute = "ResourceArn";
        } else {
            throw lowering::LoweringError("the CloudFormation printer cannot read a '" + l->kind + "'");
        }
        add_lookup(id, std::move(props), "lookup." + l->kind + "." + l->name);
        return get_att(id, attribute);
    }

    void add_lookup(const std::string& id, Json props, const std::string& stands_for) {
        if (lookups_.contains(id)) return;
        lookups_.emplace(id, Json{{"Type", "Custom::XcLookup"},
                                  {"Properties", std::move(props)},
                                  {"Metadata", Json{{"xc", Json{{"Kind", "lookup"}, {"Name", stands_for}}}}}});
    }

    Json join_arn(const char* service, std::vector<Json> rest) const {
        std::vector<Json> parts{Json("arn:"), pseudo("Partition"), Json(std::string(":") + service + ":"), pseudo("Region")};
        for (auto& r : rest) parts.push_back(std::move(r));
        return join(parts);
    }

    Json resource_ref(const Value& v) {
        const Resource* r = s_.find(v.ref_kind, v.ref_name);
        if (!r) throw lowering::LoweringError("dangling reference " + lowering::ref_text(v) + " in stack " + s_.name);
        const std::string id = id_of(v.ref_kind, v.ref_name);
        const std::string& k = v.ref_kind;
        const std::string& a = v.text;
        auto bad = [&]() -> Json {
            throw lowering::LoweringError("the CloudFormation printer has no attribute for " + lowering::ref_text(v));
        };
        if (parameter_kinds().contains(k)) return a == "arn" ? ref_to(id) : bad();
        if (a == "id") {
            if (k == "security_group") return get_att(id, "GroupId");
            if (k == "kms_key") return get_att(id, "KeyId");
            return ref_to(id);  // VPC, subnet, route table, endpoint, instance, secret (ARN), REST API, role (name), ...
        }
        if (a == "arn") {
            if (k == "kms_key" || k == "role" || k == "function" || k == "ram_resource_share") return get_att(id, "Arn");
            if (k == "domain_name") return get_att(id, "DomainNameArn");
            if (k == "secret" || k == "load_balancer" || k == "target_group" || k == "listener") return ref_to(id);
            return bad();
        }
        if (a == "name" && (k == "role" || k == "instance_profile" || k == "table")) return ref_to(id);
        if (k == "function" && a == "function_name") return ref_to(id);
        if (k == "function" && a == "invoke_arn")
            return join_arn("apigateway", {Json(":lambda:path/2015-03-31/functions/"), get_att(id, "Arn"), Json("/invocations")});
        if (k == "rest_api" && a == "execution_arn") return join_arn("execute-api", {Json(":"), pseudo("AccountId"), Json(":"), ref_to(id)});
        if (k == "stage" && a == "stage_name") return ref_to(id);
        if (k == "stage" && a == "invoke_url") {
            const Value* api = r->property("rest_api_id");
            return join({Json("https://"), value(*api), Json(".execute-api."), pseudo("Region"), Json("."), pseudo("URLSuffix"),
                         Json("/"), ref_to(id)});
        }
        if (k == "domain_name" && a == "domain_name") return is_private_domain(*r) ? value(*r->property("domain_name")) : ref_to(id);
        if (k == "domain_name" && a == "domain_name_id") return get_att(id, "DomainNameId");
        if (k == "hosted_zone" && a == "zone_id") return ref_to(id);
        if (k == "load_balancer" && a == "dns_name") return get_att(id, "DNSName");
        if (k == "load_balancer" && a == "zone_id") return get_att(id, "CanonicalHostedZoneID");
        if (k == "vpc_endpoint" && a == "network_interface_ids") {
            Json ids = get_att(id, "NetworkInterfaceIds");
            return v.index >= 0 ? select(v.index, std::move(ids)) : ids;
        }
        if (k == "vpc_endpoint" && a == "prefix_list_id") {
            // A gateway endpoint's AWS-managed prefix list is named like its service.
            std::string lookup = pascal(r->name) + "PrefixListLookup";
            add_lookup(lookup, Json{{"ServiceToken", get_att("XcLookupFunction", "Arn")}, {"Kind", "prefix_list"},
                                    {"Name", value(*r->property("service_name"))}},
                       "vpc_endpoint." + r->name + ".prefix_list_id");
            return get_att(lookup, "Id");
        }
        return bad();
    }

    Json reference(const Value& v) {
        if (v.target == lowering::RefTarget::input) {
            if (is_dist_dir_input(v.ref_name)) {
                // A local path for `aws cloudformation package`, which cannot take a parameter.
                for (const auto& in : s_.inputs)
                    if (in.name == v.ref_name) return value(in.default_value);
            }
            if (!parameters_.contains(pascal(v.ref_name))) throw lowering::LoweringError("undeclared input " + v.ref_name);
            return ref_to(pascal(v.ref_name));
        }
        // Indexed references: an endpoint's ENI ids (Fn::Select, in resource_ref) and the one
        // resource of a RAM share (the lookup returns it).
        if (v.index >= 0 && !(v.target == lowering::RefTarget::lookup && v.ref_kind == "ram_resource_share") &&
            !(v.ref_kind == "vpc_endpoint" && v.text == "network_interface_ids"))
            throw lowering::LoweringError("the CloudFormation printer cannot index " + lowering::ref_text(v));
        return v.target == lowering::RefTarget::lookup ? lookup_ref(v) : resource_ref(v);
    }

    Json value(const Value& v, bool in_document = false) {
        switch (v.kind) {
            case Value::Kind::null: return nullptr;
            case Value::Kind::boolean: return v.flag;
            case Value::Kind::integer: return v.integer;
            case Value::Kind::string: return literal(v.text);
            case Value::Kind::ref: return reference(v);
            case Value::Kind::concat: {
                std::vector<Json> parts;
                for (const auto& p : v.items) parts.push_back(value(p, in_document));
                return join(parts);
            }
            case Value::Kind::list: {
                Json a = Json::array();
                for (const auto& i : v.items) a.push_back(value(i, in_document));
                return a;
            }
            case Value::Kind::object: {
                Json o = Json::object();
                for (const auto& [k, e] : v.entries) o[object_key(k, v.entries.size() == 1)] = value(e, in_document);
                return o;
            }
            case Value::Kind::document: return value(v.items.front(), true);
            case Value::Kind::file_hash:
            case Value::Kind::change_hash:
                throw lowering::LoweringError("internal: a hash value has no CloudFormation form");
        }
        return nullptr;
    }

    // --- properties --------------------------------------------------------------------------

    static Json tags(const Value* t, StackPrinter& self) {
        Json out = Json::array();
        if (!t) return out;
        for (const auto& [k, v] : t->entries) out.push_back(Json{{"Key", literal(k)}, {"Value", self.value(v)}});
        return out;
    }

    // What `r` must wait for beyond what its properties reference (`referenced`: listing those
    // again is redundant, cfn-lint W3005).
    Json depends_on(const Resource& r, const std::set<std::string>& referenced) {
        std::vector<std::string> ids;
        auto add = [&](const std::string& id) {
            if (id != id_of(r.kind, r.name) && !referenced.contains(id) && std::find(ids.begin(), ids.end(), id) == ids.end())
                ids.push_back(id);
        };
        for (const auto& [kind, name] : r.depends_on) add(id_of(kind, name));
        // A route through an internet gateway needs the gateway attached first.
        if (r.kind == "route")
            if (const Value* gw = r.property("gateway_id"); gw && gw->kind == Value::Kind::ref && gw->ref_kind == "internet_gateway")
                add(attachment_id(gw->ref_name));
        Json out = Json::array();
        for (const auto& id : ids) out.push_back(id);
        return out;
    }

    Json properties(const Resource& r) {
        Json p = Json::object();
        auto set = [&](const char* cfn, const char* lowered) {
            if (const Value* v = r.property(lowered)) p[cfn] = value(*v);
        };
        auto set_tags = [&](const char* cfn = "Tags") {
            if (const Value* t = r.property("tags")) p[cfn] = tags(t, *this);
        };
        auto folded = [&](const std::string& property) -> const std::vector<const Resource*>& {
            static const std::vector<const Resource*> none;
            auto o = fold_values_.find(id_of(r.kind, r.name));
            if (o == fold_values_.end()) return none;
            auto f = o->second.find(property);
            return f == o->second.end() ? none : f->second;
        };
        auto sub = [&](const Value* obj, const char* key) -> Json { return obj && obj->find(key) ? value(*obj->find(key)) : Json(); };
        const std::string& k = r.kind;
        if (k == "vpc") {
            set("CidrBlock", "cidr_block");
            set("EnableDnsHostnames", "enable_dns_hostnames");
            set("EnableDnsSupport", "enable_dns_support");
            set_tags();
        } else if (k == "internet_gateway") {
            set_tags();
        } else if (k == "route_table") {
            set("VpcId", "vpc_id");
            set_tags();
        } else if (k == "route") {
            set("RouteTableId", "route_table_id");
            set("DestinationCidrBlock", "destination_cidr_block");
            set("GatewayId", "gateway_id");
        } else if (k == "subnet") {
            set("VpcId", "vpc_id");
            set("CidrBlock", "cidr_block");
            set("AvailabilityZone", "availability_zone");
            set("MapPublicIpOnLaunch", "map_public_ip_on_launch");
            set_tags();
        } else if (k == "route_table_association") {
            set("SubnetId", "subnet_id");
            set("RouteTableId", "route_table_id");
        } else if (k == "security_group") {
            // No GroupName: CloudFormation names it, so a replacement (a new description or VPC)
            // can create the new group before deleting the old ("If you specify a name, you
            // cannot perform updates that require replacement of this resource", User Guide,
            // AWS::EC2::SecurityGroup). Nothing the proofs use names a group by its name.
            set("GroupDescription", "description");
            set("VpcId", "vpc_id");
            // Without an inline egress rule EC2 keeps its default allow-all egress (Terraform
            // removes it): this inert rule (the AWS CDK's "disallow all") replaces it, so egress
            // is exactly the model's rules, as verified.
            p["SecurityGroupEgress"] = Json::array({Json{{"CidrIp", "255.255.255.255/32"}, {"Description", "Disallow all traffic"},
                                                         {"IpProtocol", "icmp"}, {"FromPort", 252}, {"ToPort", 86}}});
            set_tags();
        } else if (k == "security_group_ingress_rule" || k == "security_group_egress_rule") {
            bool in = k == "security_group_ingress_rule";
            set("GroupId", "security_group_id");
            set("IpProtocol", "ip_protocol");
            set("FromPort", "from_port");
            set("ToPort", "to_port");
            set("CidrIp", "cidr_ipv4");
            set(in ? "SourceSecurityGroupId" : "DestinationSecurityGroupId", "referenced_security_group_id");
            set(in ? "SourcePrefixListId" : "DestinationPrefixListId", "prefix_list_id");
            set("Description", "description");
        } else if (k == "vpc_endpoint") {
            set("VpcId", "vpc_id");
            set("ServiceName", "service_name");
            set("VpcEndpointType", "vpc_endpoint_type");
            set("SubnetIds", "subnet_ids");
            set("SecurityGroupIds", "security_group_ids");
            set("PrivateDnsEnabled", "private_dns_enabled");
            set("PolicyDocument", "policy");
            if (const auto& rts = folded("RouteTableIds"); !rts.empty()) {
                Json ids = Json::array();
                for (const auto* a : rts) ids.push_back(value(*a->property("route_table_id")));
                p["RouteTableIds"] = std::move(ids);
            }
            set_tags();
        } else if (k == "load_balancer") {
            if (const Value* internal = r.property("internal")) p["Scheme"] = internal->flag ? "internal" : "internet-facing";
            set("Type", "load_balancer_type");
            set("Subnets", "subnets");
            set("SecurityGroups", "security_groups");
            set_tags();
        } else if (k == "target_group") {
            set("Port", "port");
            set("Protocol", "protocol");
            set("TargetType", "target_type");
            set("VpcId", "vpc_id");
            const Value* hc = r.property("health_check");
            if (hc) {
                p["HealthCheckProtocol"] = sub(hc, "protocol");
                p["HealthCheckPath"] = sub(hc, "path");
                p["Matcher"] = Json{{"HttpCode", sub(hc, "matcher")}};
            }
            if (const auto& targets = folded("Targets"); !targets.empty()) {
                Json t = Json::array();
                for (const auto* a : targets) t.push_back(Json{{"Id", value(*a->property("target_id"))}, {"Port", value(*a->property("port"))}});
                p["Targets"] = std::move(t);
            }
            set_tags();
        } else if (k == "listener") {
            set("LoadBalancerArn", "load_balancer_arn");
            set("Port", "port");
            set("Protocol", "protocol");
            set("SslPolicy", "ssl_policy");
            if (const Value* c = r.property("certificate_arn")) p["Certificates"] = Json::array({Json{{"CertificateArn", value(*c)}}});
            const Value* a = r.property("default_action");
            p["DefaultActions"] = Json::array({Json{{"Type", sub(a, "type")}, {"TargetGroupArn", sub(a, "target_group_arn")}}});
        } else if (k == "listener_certificate") {
            set("ListenerArn", "listener_arn");
            p["Certificates"] = Json::array({Json{{"CertificateArn", value(*r.property("certificate_arn"))}}});
        } else if (k == "listener_rule") {
            set("ListenerArn", "listener_arn");
            set("Priority", "priority");
            const Value* a = r.property("action");
            p["Actions"] = Json::array({Json{{"Type", sub(a, "type")}, {"TargetGroupArn", sub(a, "target_group_arn")}}});
            const Value* hosts = r.property("condition")->find("host_header");
            p["Conditions"] = Json::array({Json{{"Field", "host-header"}, {"HostHeaderConfig", Json{{"Values", sub(hosts, "values")}}}}});
        } else if (k == "hosted_zone") {
            set("Name", "name");
            if (const Value* vpcs = r.property("vpc")) {
                Json out = Json::array();
                for (const auto& v : vpcs->items) out.push_back(Json{{"VPCId", sub(&v, "vpc_id")}, {"VPCRegion", pseudo("Region")}});
                p["VPCs"] = std::move(out);
            }
            set_tags("HostedZoneTags");
        } else if (k == "dns_record") {
            set("HostedZoneId", "zone_id");
            set("Name", "name");
            set("Type", "type");
            const Value* a = r.property("alias");
            p["AliasTarget"] = Json{{"DNSName", sub(a, "name")}, {"HostedZoneId", sub(a, "zone_id")},
                                    {"EvaluateTargetHealth", sub(a, "evaluate_target_health")}};
        } else if (k == "kms_key") {
            set("Description", "description");
            set("EnableKeyRotation", "enable_key_rotation");
            set("KeyPolicy", "policy");
            set_tags();
        } else if (k == "secret") {
            set("Name", "name");
            set("Description", "description");
            set("KmsKeyId", "kms_key_id");
            if (const auto& versions = folded("SecretString"); !versions.empty())
                p["SecretString"] = value(*versions.front()->property("secret_string"));
            set_tags();
        } else if (k == "secret_policy") {
            set("SecretId", "secret_arn");
            set("ResourcePolicy", "policy");
        } else if (k == "role") {
            set("RoleName", "name");
            set("AssumeRolePolicyDocument", "assume_role_policy");
            if (const auto& attachments = folded("ManagedPolicyArns"); !attachments.empty()) {
                Json arns = Json::array();
                for (const auto* a : attachments) arns.push_back(value(*a->property("policy_arn")));
                p["ManagedPolicyArns"] = std::move(arns);
            }
            set_tags();
        } else if (k == "role_policy") {
            set("PolicyName", "name");
            set("RoleName", "role");
            set("PolicyDocument", "policy");
        } else if (k == "instance_profile") {
            p["Roles"] = Json::array({value(*r.property("role"))});
        } else if (k == "instance") {
            set("ImageId", "ami");
            set("InstanceType", "instance_type");
            set("SubnetId", "subnet_id");
            set("SecurityGroupIds", "vpc_security_group_ids");
            set("IamInstanceProfile", "iam_instance_profile");
            if (const Value* m = r.property("metadata_options"))
                p["MetadataOptions"] = Json{{"HttpEndpoint", sub(m, "http_endpoint")}, {"HttpTokens", sub(m, "http_tokens")}};
            set_tags();
        } else if (k == "table") {
            set("TableName", "name");
            set("BillingMode", "billing_mode");
            auto key_schema = [&](const Value& hash, const Value* range) {
                Json ks = Json::array({Json{{"AttributeName", value(hash)}, {"KeyType", "HASH"}}});
                if (range) ks.push_back(Json{{"AttributeName", value(*range)}, {"KeyType", "RANGE"}});
                return ks;
            };
            p["KeySchema"] = key_schema(*r.property("hash_key"), r.property("range_key"));
            Json attrs = Json::array();
            for (const auto& a : r.property("attribute")->items)
                attrs.push_back(Json{{"AttributeName", sub(&a, "name")}, {"AttributeType", sub(&a, "type")}});
            p["AttributeDefinitions"] = std::move(attrs);
            if (const Value* gsis = r.property("global_secondary_index")) {
                Json out = Json::array();
                for (const auto& g : gsis->items)
                    out.push_back(Json{{"IndexName", sub(&g, "name")},
                                       {"KeySchema", key_schema(*g.find("hash_key"), g.find("range_key"))},
                                       {"Projection", Json{{"ProjectionType", sub(&g, "projection_type")}}}});
                p["GlobalSecondaryIndexes"] = std::move(out);
            }
            set_tags();
        } else if (k == "log_group") {
            set("LogGroupName", "name");
            set("RetentionInDays", "retention_in_days");
            set_tags();
        } else if (k == "function") {
            set("FunctionName", "function_name");
            set("Role", "role");
            set("Runtime", "runtime");
            set("Handler", "handler");
            // A local zip: `aws cloudformation package` uploads it and writes {S3Bucket, S3Key}
            // (keyed by content hash, so a new build updates the function).
            p["Code"] = value(*r.property("filename"));
            set("MemorySize", "memory_size");
            set("Timeout", "timeout");
            if (const Value* vpc = r.property("vpc_config"))
                p["VpcConfig"] = Json{{"SubnetIds", sub(vpc, "subnet_ids")}, {"SecurityGroupIds", sub(vpc, "security_group_ids")}};
            if (const Value* env = r.property("environment")) p["Environment"] = Json{{"Variables", sub(env, "variables")}};
            set_tags();
        } else if (k == "lambda_permission") {
            set("Action", "action");
            set("FunctionName", "function_name");
            set("Principal", "principal");
            set("SourceArn", "source_arn");
            set("SourceAccount", "source_account");
        } else if (k == "rest_api") {
            set("Name", "name");
            set("Body", "body");
            const Value* ec = r.property("endpoint_configuration");
            Json e{{"Types", sub(ec, "types")}};
            if (ec->find("vpc_endpoint_ids")) e["VpcEndpointIds"] = sub(ec, "vpc_endpoint_ids");
            p["EndpointConfiguration"] = std::move(e);
            set("Policy", "policy");
            set_tags();
        } else if (k == "deployment") {
            // Not an AWS::ApiGateway::Deployment: CloudFormation creates a new one (a new snapshot of
            // the API) only when its logical id or a property requiring replacement (RestApiId)
            // changes (AWS::ApiGateway::Deployment, CloudFormation User Guide,
            // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html),
            // and a logical id is template text: a new ConsumerEndpointId changes the policy but
            // would deploy nothing. A custom resource is sent an update whenever a property value
            // changes, parameters resolved ("When the template developer makes changes to the
            // properties of a custom resource within the template and updates the stack,
            // CloudFormation sends a request to the custom resource provider with RequestType set
            // to Update", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html),
            // and a new physical id returned makes it a replacement, the old one deleted. Its
            // `Redeployment` holds the API's Body and Policy as their hash plus every value they
            // reference, so any change to what the stage serves creates a new deployment.
            const Value* api = r.property("rest_api_id");
            p["ServiceToken"] = get_att("XcLookupFunction", "Arn");
            p["Kind"] = "deployment";
            set("RestApiId", "rest_api_id");
            p["Redeployment"] = redeployment(*s_.find(api->ref_kind, api->ref_name));
            deployed_apis_.push_back(value(*api));
        } else if (k == "stage") {
            set("RestApiId", "rest_api_id");
            set("DeploymentId", "deployment_id");
            set("StageName", "stage_name");
            set_tags();
        } else if (k == "domain_name") {
            set("DomainName", "domain_name");
            set("CertificateArn", "certificate_arn");
            set("RegionalCertificateArn", "regional_certificate_arn");
            set("SecurityPolicy", "security_policy");
            p["EndpointConfiguration"] = Json{{"Types", sub(r.property("endpoint_configuration"), "types")}};
            set("Policy", "policy");
            set_tags();
        } else if (k == "base_path_mapping") {
            if (is_private_domain(r)) {
                p["DomainNameArn"] = get_att(id_of("domain_name", r.property("domain_name_id")->ref_name), "DomainNameArn");
            } else {
                set("DomainName", "domain_name");
            }
            set("RestApiId", "api_id");
            set("Stage", "stage_name");
            set("BasePath", "base_path");
        } else if (k == "domain_name_access_association") {
            set("DomainNameArn", "domain_name_arn");
            set("AccessAssociationSource", "access_association_source");
            set("AccessAssociationSourceType", "access_association_source_type");
        } else if (k == "ram_resource_share") {
            set("Name", "name");
            set("AllowExternalPrincipals", "allow_external_principals");
            Json arns = Json::array(), principals = Json::array();
            for (const auto* a : folded("ResourceArns")) arns.push_back(value(*a->property("resource_arn")));
            for (const auto* a : folded("Principals")) principals.push_back(value(*a->property("principal")));
            if (!arns.empty()) p["ResourceArns"] = std::move(arns);
            if (!principals.empty()) p["Principals"] = std::move(principals);
            set_tags();
        } else {
            throw lowering::LoweringError("the CloudFormation printer has no properties for kind '" + k + "'");
        }
        return p;
    }

    // --- the lookup function ----------------------------------------------------------------

    // `apis`: the REST APIs whose deployments the function creates and deletes.
    static Json lookup_role(const std::vector<Json>& apis) {
        Json assume{{"Statement", Json::array({Json{{"Action", "sts:AssumeRole"}, {"Effect", "Allow"},
                                                    {"Principal", Json{{"Service", "lambda.amazonaws.com"}}}}})},
                    {"Version", "2012-10-17"}};
        Json read{{"Statement", Json::array({Json{{"Action", Json::array({"ec2:DescribeNetworkInterfaces", "ec2:DescribePrefixLists",
                                                                          "ec2:DescribeVpcEndpoints", "ram:GetResourceShares",
                                                                          "ram:ListResources"})},
                                                  {"Effect", "Allow"}, {"Resource", "*"}}})},
                  {"Version", "2012-10-17"}};
        Json policies = Json::array({Json{{"PolicyName", "xc-lookup-read"}, {"PolicyDocument", read}}});
        if (!apis.empty()) {
            // CreateDeployment is POST /restapis/{id}/deployments, DeleteDeployment DELETE
            // /restapis/{id}/deployments/{deployment_id} (API Gateway permissions reference:
            // "apigateway:POST", "apigateway:DELETE" on the resource's path ARN).
            Json resources = Json::array();
            for (const auto& api : apis) {
                resources.push_back(join({Json("arn:"), pseudo("Partition"), Json(":apigateway:"), pseudo("Region"), Json("::/restapis/"), api,
                                          Json("/deployments")}));
                resources.push_back(join({Json("arn:"), pseudo("Partition"), Json(":apigateway:"), pseudo("Region"), Json("::/restapis/"), api,
                                          Json("/deployments/*")}));
            }
            policies.push_back(Json{{"PolicyName", "xc-deploy"},
                                    {"PolicyDocument", Json{{"Statement", Json::array({Json{{"Action", Json::array({"apigateway:DELETE", "apigateway:POST"})},
                                                                                             {"Effect", "Allow"}, {"Resource", resources}}})},
                                                            {"Version", "2012-10-17"}}}});
        }
        return Json{{"Type", "AWS::IAM::Role"},
                    {"Properties", Json{{"AssumeRolePolicyDocument", assume},
                                        {"ManagedPolicyArns", Json::array({join({Json("arn:"), pseudo("Partition"),
                                                                                 Json(":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")})})},
                                        {"Policies", policies}}},
                    {"Metadata", Json{{"xc", Json{{"Kind", "lookup_function_role"}}}}}};
    }
    static Json lookup_function() {
        return Json{{"Type", "AWS::Lambda::Function"},
                    {"Properties", Json{{"Description", "xc: reads CloudFormation cannot express (ENI IPs, prefix lists, tagged endpoints, RAM shares), API deployments"},
                                        {"Runtime", xc::detail::lookup_function::runtime},
                                        {"Handler", xc::detail::lookup_function::handler},
                                        {"Role", get_att("XcLookupFunctionRole", "Arn")},
                                        {"Timeout", 60},
                                        {"Code", Json{{"ZipFile", xc::detail::lookup_function::code}}}}},
                    {"Metadata", Json{{"xc", Json{{"Kind", "lookup_function"}}}}}};
    }

    const lowering::Deployment& d_;
    const lowering::Stack& s_;
    const CloudFormationOptions& o_;
    std::map<std::string, std::string> ids_;  // "kind.name" -> logical id (owner's for folds, parameter's for certificates)
    std::map<std::string, Json> folded_;      // owner id -> ["kind.name", ...] folded into it
    std::map<std::string, std::map<std::string, std::vector<const Resource*>>> fold_values_;  // owner id -> property -> folded
    std::map<std::string, Json> lookups_;     // logical id -> Custom::XcLookup
    std::vector<Json> deployed_apis_;         // REST API ids the stack's Custom::XcDeployment resources deploy
    Json parameters_ = Json::object();
    Json parameter_for_ = Json::object();     // parameter id -> what it stands for
    std::vector<Parameter> parameter_info_;
};

inline std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

inline std::string readme(const lowering::Deployment& d, const CloudFormationOptions& o,
                          const std::vector<std::pair<const lowering::Stack*, std::vector<Parameter>>>& stacks, bool any_functions) {
    std::string r = "# CloudFormation for `" + d.name + "`\n\n";
    if (o.unverified_warning)
        r += "> **WARNING**: emitted with `--allow-unverified`: xc did NOT prove that only the consumer's endpoint reaches "
             "the private APIs. Do not deploy this to production.\n\n";
    r += "Generated by `xc emit --target cloudformation` from the model; change the model and re-emit rather than editing.\n"
         "One template per AWS account and phase (`<stack>/template.json`), region `" + d.region + "`, built from the same\n"
         "lowered resource list as `xc emit --target terraform`. Deploy them in this order, each with credentials for its account:\n\n";
    int step = 1;
    for (const auto& [s, _] : stacks) {
        r += std::to_string(step++) + ". `" + s->name + "/` (account " + s->account_id + ", phase " + std::to_string(s->phase) + "): " + s->purpose + "\n";
        for (const auto& n : s->needs)
            if (n.find("deployment_role_arn") == std::string::npos && n.find("lambda_dist_dir") == std::string::npos) r += "   - needs " + n + "\n";
    }
    bool certificates = false;
    for (const auto& [_, params] : stacks)
        for (const auto& p : params) certificates |= !p.certificate.empty();
    if (certificates) {
        r += "\n## Certificates (manual step)\n\n"
             "The model uses self-signed certificates. CloudFormation has no resource that creates one, so each is a template\n"
             "parameter taking the ARN of an ACM certificate. Import one per parameter into the stack's account first (or pass\n"
             "an existing ACM certificate for the same names):\n\n```sh\n";
        for (const auto& [s, params] : stacks)
            for (const auto& p : params) {
                if (p.certificate.empty()) continue;
                std::string san;
                for (const auto& n : p.certificate_names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
                r += "# " + s->name + "/ " + p.id + " (account " + s->account_id + ")\n"
                     "openssl req -x509 -newkey rsa:2048 -nodes -days 365 -keyout key.pem -out cert.pem \\\n"
                     "  -subj " + shell_quote("/CN=" + p.certificate_domain + "/O=" + d.name) + " -addext " + shell_quote("subjectAltName=" + san) + "\n" +
                     p.id + "=$(aws acm import-certificate --region " + d.region +
                     " --certificate fileb://cert.pem --private-key fileb://key.pem --query CertificateArn --output text)\n\n";
            }
        r += "```\n";
    }
    if (any_functions)
        r += "\n## Lambda code\n\n"
             "Service templates name each function's zip by local path (default `" + o.lambda_dist_dir + "`, relative to the\n"
             "template); build them first (`xc emit --target lambda`, then build), then `aws cloudformation package` uploads them\n"
             "to an S3 bucket you own in that account and writes the packaged template that `deploy` takes.\n";
    r += "\n## Commands\n\n"
         "Cross-account values: the consumer stack writes its execute-api endpoint id into a KMS-encrypted Secrets Manager\n"
         "secret whose policy admits the service accounts. A service template takes that id as a parameter (e.g.\n"
         "`ConsumerEndpointId`), which the command below reads from the secret by partial ARN (without the random suffix)\n"
         "with the service account's credentials. Not a `{{resolve:secretsmanager:...}}` dynamic reference: across accounts that\n"
         "needs the secret's full ARN, unknown before the consumer stack exists, and CloudFormation would not notice a changed\n"
         "value; the parameter is re-read at every deploy. Reads CloudFormation cannot express (the endpoint's ENI IPs for the\n"
         "load balancer, a gateway endpoint's prefix list, phase-3 lookups) are done at deploy time by the small `XcLookupFunction`\n"
         "(read-only) in the stacks that need them. The same function deploys each REST API (`Custom::XcDeployment`, allowed to\n"
         "create and delete that API's deployments only): CloudFormation updates it whenever the API's body, its policy or a\n"
         "parameter they use (the endpoint id) changes, and every update is a new deployment of the stage.\n\n```sh\n";
    for (const auto& [s, params] : stacks) {
        const std::string name = stack_name(d, *s);
        std::string file = s->name + "/template.json";
        r += "# " + std::to_string(s->phase) + ". " + s->name + " (account " + s->account_id + ")\n";
        for (const auto& p : params)
            if (!p.from_secret.empty())
                r += p.id + "=$(aws secretsmanager get-secret-value --region " + d.region + " --secret-id " + shell_quote(p.from_secret) +
                     " --query SecretString --output text)\n";
        if (s->uses_kind("function")) {
            r += "aws cloudformation package --region " + d.region + " --template-file " + file +
                 " --s3-bucket \"$ARTIFACT_BUCKET\" --use-json --output-template-file " + s->name + "/packaged.json\n";
            file = s->name + "/packaged.json";
        }
        r += "aws cloudformation deploy --region " + d.region + " --stack-name " + name + " --template-file " + file +
             " \\\n  --capabilities CAPABILITY_NAMED_IAM --tags " + shell_quote("Application=" + d.name) + " ManagedBy=xc";
        if (!params.empty()) {
            r += " \\\n  --parameter-overrides";
            for (const auto& p : params) r += " " + p.id + "=\"$" + p.id + "\"";
        }
        r += "\n\n";
    }
    r += "```\n";
    return r;
}

}  // namespace detail

// Print a lowered deployment as CloudFormation templates.
inline CloudFormationResult print(const lowering::Deployment& d, const CloudFormationOptions& options = {}) {
    CloudFormationResult result;
    std::vector<std::pair<const lowering::Stack*, std::vector<detail::Parameter>>> stacks;
    bool any_functions = false;
    for (const auto& s : d.stacks) {
        detail::StackPrinter p(d, s, options);
        Json t = p.run();
        result.files.add(s.name + "/template.json", t.dump(2) + "\n");
        for (const auto& param : p.parameters())
            if (!param.certificate.empty())
                result.notes.push_back("stack " + s.name + " (account " + s.account_id + "): certificate '" + param.certificate + "' (" +
                                       param.certificate_domain + ") is self-signed in the model; CloudFormation cannot create it: "
                                       "import a certificate into ACM and pass its ARN as parameter " + param.id + " (README.md)");
        any_functions |= p.has_functions();
        stacks.emplace_back(&s, p.parameters());
    }
    result.files.add("README.md", detail::readme(d, options, stacks, any_functions));
    return result;
}

}  // namespace cloudformation

// Lower a verified model's graph and print it as CloudFormation (one template per account and
// phase). Throws lowering::LoweringError when the model has a construct CloudFormation cannot
// express (or a string it could not keep inert).
inline CloudFormationResult emit_cloudformation(const model::Graph& graph, const CloudFormationOptions& options = {}) {
    lowering::LoweringOptions lo;
    lo.lambda_dist_dir = options.lambda_dist_dir;
    lowering::Deployment d = lowering::lower(graph, lo);
    return lowering::locating_errors(graph, [&] { return cloudformation::print(d, options); });
}

}  // namespace xc::emit
