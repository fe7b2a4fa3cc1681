// A whole Terraform configuration, read and evaluated as `terraform plan` would before it asks
// any provider: a root module directory -> every resource and data source instance, with its
// address, its configured arguments evaluated, the account and region it lives in, and the
// resources it depends on.
//
// What Terraform knows only after apply stays unknown and says where it comes from: a
// reference to an argument the configuration does not set (`aws_vpc.main.id`) is an unknown
// whose origin is that address and attribute; every data source reads live infrastructure, so
// its unset attributes are unknown alike (`data.aws_secretsmanager_secret_version.x.secret_string`),
// except the three that only restate the provider configuration (aws_caller_identity,
// aws_region, aws_partition), computed from the placement when that is known.
//
// Rules implemented, with Terraform's documentation:
// - Expansion. `count`: "a whole number", instances `[0]`..`[n-1]`, `count.index`
//   (https://developer.hashicorp.com/terraform/language/meta-arguments/count). `for_each`: "accepts
//   a map or a set of strings", known before apply, each.key/each.value ("For a set, each.key and
//   each.value are the same"); instances keyed `["key"]`
//   (https://developer.hashicorp.com/terraform/language/meta-arguments/for_each). Instances are
//   listed in Terraform's order of map keys and string set elements: lexical (value.hpp).
// - `dynamic` blocks: one block per element of `for_each` (any collection), the iterator named
//   after the block or by `iterator`, with `.key` and `.value`
//   (https://developer.hashicorp.com/terraform/language/expressions/dynamic-blocks).
// - Modules: "Local path references ... must begin with either ./ or ../"; other sources are
//   refused by name (xc reads no registry or remote module)
//   (https://developer.hashicorp.com/terraform/language/modules/sources). Module arguments are the
//   child's input variables; outputs are `module.NAME[KEY].OUTPUT`.
// - Providers: a resource uses the configuration named by `provider`, else the default one named
//   after its type's prefix; "If you omit [providers], a child module inherits all of the default
//   provider configurations from its parent module ... If you specify a providers argument, it
//   cancels this default behavior" (https://developer.hashicorp.com/terraform/language/meta-arguments/module-providers).
// - `path.module` is the module's directory relative to the root ("." in the root), `path.root`
//   ".", `path.cwd` the root directory; `terraform.workspace` is "default"
//   (https://developer.hashicorp.com/terraform/language/expressions/references).
// - Dependencies and cycles: every value is computed on demand, after what it refers to; a
//   value that needs itself (through any chain) is a cycle, reported at the reference that
//   closes it with the chain, as Terraform's "Cycle:" error. Instances are listed in the order
//   their evaluation finished, which is a dependency order.
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/error.hpp"
#include "xc/input/hcl/syntax.hpp"
#include "xc/input/terraform/convert.hpp"
#include "xc/input/terraform/eval.hpp"
#include "xc/input/terraform/module_config.hpp"
#include "xc/input/terraform/placement.hpp"
#include "xc/input/terraform/policy_document.hpp"
#include "xc/input/terraform/value.hpp"
#include "xc/input/terraform/variable_values.hpp"

#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace xc::input::terraform {

// One instance of a resource or data source.
struct ResourceInstance {
    std::string address;  // module.food["x"].aws_api_gateway_rest_api.this[0]
    std::string module;   // the module instance's address, "" for the root
    bool data = false;
    std::string type, name;
    Value key;            // null without count/for_each; the index (count) or key (for_each)
    Value attributes;     // object: the configured arguments, nested blocks as tuples of objects
    // Top-level arguments written as `jsonencode(V)` or `yamlencode(V)` whose text is not wholly
    // known (a policy naming an ARN known after apply): V itself, so that the document's
    // structure, with its unknown parts, can be read. (Both map V one to one: Terraform's
    // functions pages, "jsonencode ... maps Terraform language values to JSON values", and
    // yamlencode likewise to YAML: "yamlencode encodes a given value to a string using YAML 1.2
    // block syntax".) For an
    // aws_iam_policy_document data source, "json": the document it renders (policy_document.hpp).
    std::map<std::string, Value> encoded;
    const hcl::Block* block = nullptr;  // where it is written (kept alive by the Configuration)
    Placement placement;
    std::vector<std::string> depends_on;  // addresses of the resources (blocks) its values and depends_on refer to

    // Where argument `name` is written (the block when it is not).
    hcl::Range argument_range(const std::string& name) const {
        for (const auto& a : block->body->attributes)
            if (a.name == name) return a.range;
        return block->range;
    }
};

// A data source's attribute the configuration does not set, to be read from what another
// root creates (link.hpp): the data source's type, configured arguments and placement.
struct DataRead {
    const std::string& type;
    const Value& arguments;
    const Placement& placement;
    const std::string& attribute;
};

struct LoadOptions {
    std::vector<VariableArgument> variables;        // --var / --var-file, in command-line order
    std::map<std::string, std::string> environment;  // TF_VAR_<name> values (name -> text)
    PlacementDefaults placement;                      // where provider configurations do not say
    // What a data source reads, where something else knows it; nullopt: unknown (the default).
    std::function<std::optional<Value>(const DataRead&)> read_data;
};

struct Configuration {
    std::filesystem::path root;
    std::vector<std::shared_ptr<const ModuleConfig>> modules;  // every module read; owns every block
    std::vector<ResourceInstance> instances;                   // in dependency order
    std::map<std::string, Value> outputs;                      // the root's outputs
};

namespace detail {

// What `each`, `count` and dynamic-block iterators mean where an expression is evaluated.
struct Binding {
    std::optional<Value> each_key, each_value, count_index;
    std::vector<std::pair<std::string, Value>> iterators;
};

// A configured body: its arguments and blocks as an object value, and its blocks by type (for
// references into blocks whose attributes the configuration does not set).
struct Shaped {
    Value object;
    std::map<std::string, std::vector<Shaped>> blocks;
    std::map<std::string, Value> encoded;  // see ResourceInstance::encoded
};

struct ModuleInstance;

struct ProviderRef {
    ModuleInstance* owner = nullptr;     // the module instance whose block it is
    const hcl::Block* block = nullptr;   // null: Terraform's implied empty configuration
    std::string name;                    // "aws", "aws.east"
    std::string address() const;
};

struct ModuleInstance {
    std::string path;  // "" root, "module.a", "module.a[\"k\"].module.b[0]"
    std::shared_ptr<const ModuleConfig> config;
    ModuleInstance* parent = nullptr;
    const hcl::Block* call = nullptr;
    Binding call_binding;  // each/count of the call, for its arguments
    std::string relative_dir;  // path.module
    std::map<std::string, ProviderRef> providers;
    std::string prefix() const { return path.empty() ? "" : path + "."; }
};

inline std::string ProviderRef::address() const { return owner->prefix() + "provider." + name; }

// An instance key as Terraform prints it in addresses: [0] or ["key"].
inline std::string key_suffix(const Value& key) {
    if (key.is_null()) return "";
    if (key.type().kind() == Type::Kind::Number) return "[" + key.as_number().text() + "]";
    return "[" + display(Value::string(key.as_string())) + "]";
}

struct ExpandedResource {
    std::vector<Value> keys;
    std::vector<Shaped> instances;
    bool count = false, for_each = false;
    bool data = false;
    std::string type;
    Placement placement;
};

class Loader {
public:
    Loader(std::filesystem::path root, LoadOptions options) : options_(std::move(options)) {
        root_dir_ = std::move(root);
        auto config = module_config(root_dir_);
        given_ = given_variable_values(*config, options_.variables, options_.environment);
        auto& m = modules_.emplace_back(std::make_unique<ModuleInstance>());
        m->config = config;
        m->relative_dir = ".";
        for (const auto* b : config->providers) add_provider(*m, *b);
    }

    Configuration run() {
        ModuleInstance& root = *modules_.front();
        visit(root);
        Configuration c;
        c.root = root_dir_;
        for (const auto& [_, m] : configs_) c.modules.push_back(m);
        c.instances = std::move(instances_);
        for (const auto& [name, _] : root.config->outputs) c.outputs[name] = output(root, name, root.config->outputs.at(name)->range);
        return c;
    }

private:
    struct Node {
        bool done = false;
        bool resource = false;
        Value value;
        std::set<std::string> deps;
        std::string label;
    };

    // ---- nodes: evaluation on demand, once, in dependency order --------------------------------

    template <class Compute>
    Node& node(ModuleInstance& m, const std::string& label, const hcl::Range& at, bool resource, Compute&& compute) {
        const std::string key = m.path + '\x1f' + label;
        auto it = nodes_.find(key);
        if (it != nodes_.end() && !it->second.done) {
            std::string chain;
            bool in = false;
            for (const auto& k : stack_) {
                in = in || k == key;
                if (in) chain += nodes_.at(k).label + " -> ";
            }
            throw InputError(diagnostic_at(at, "Cycle: " + chain + m.prefix() + label + " (a value that depends on itself)"));
        }
        if (it == nodes_.end()) {
            Node n;
            n.label = m.prefix() + label;
            n.resource = resource;
            it = nodes_.emplace(key, std::move(n)).first;
            stack_.push_back(key);
            try {
                Value v = compute();
                it->second.value = std::move(v);
            } catch (const InputError& e) {
                stack_.pop_back();
                nodes_.erase(key);
                // Diagnostics say where in Terraform's terms: the innermost address evaluated.
                std::vector<Diagnostic> ds = e.diagnostics();
                for (auto& d : ds)
                    if (d.path.empty()) d.path = m.prefix() + label;
                throw InputError(std::move(ds));
            } catch (...) {
                stack_.pop_back();
                nodes_.erase(key);
                throw;
            }
            stack_.pop_back();
            it->second.done = true;
        }
        if (!stack_.empty()) {
            Node& referrer = nodes_.at(stack_.back());
            if (it->second.resource) referrer.deps.insert(it->second.label);
            else referrer.deps.insert(it->second.deps.begin(), it->second.deps.end());
        }
        return it->second;
    }

    // ---- evaluation -------------------------------------------------------------------------

    Value eval(ModuleInstance& m, const Binding& b, const hcl::Expr& e) {
        Scope scope{[this, &m, &b](const Reference& r) { return resolve(m, b, r); }, root_dir_};
        Evaluator ev(std::move(scope));
        return ev.evaluate(e);
    }

    static const hcl::Attribute* find_attribute(const hcl::Body& body, std::string_view name) {
        for (const auto& a : body.attributes)
            if (a.name == name) return &a;
        return nullptr;
    }

    // A body's arguments and blocks; `meta` names arguments and blocks that are Terraform's, not
    // the resource's.
    Shaped body_value(ModuleInstance& m, const Binding& b, const hcl::Body& body, const std::set<std::string_view>& meta) {
        Shaped out;
        Attributes attrs;
        for (const auto& a : body.attributes) {
            if (meta.count(a.name)) continue;
            Value& v = attrs[std::string(a.name)] = eval(m, b, *a.value);
            const hcl::Expr& e = *a.value;
            if (!v.is_wholly_known() && e.kind == hcl::ExprKind::Call && (e.text == "jsonencode" || e.text == "yamlencode") && e.children.size() == 1 && !e.expand_final)
                out.encoded[std::string(a.name)] = eval(m, b, *e.children[0]);
        }
        std::map<std::string, std::optional<Value>> unknown_blocks;
        for (const auto& blk : body.blocks) {
            if (meta.count(blk.type)) continue;
            if (blk.type != "dynamic") {
                out.blocks[std::string(blk.type)].push_back(body_value(m, b, *blk.body, {}));
                continue;
            }
            if (blk.labels.size() != 1) fail_at(blk.range, "Invalid dynamic block: one label, the type of the blocks to generate, is required");
            const std::string type(blk.labels[0]);
            const hcl::Attribute* for_each = find_attribute(*blk.body, "for_each");
            if (!for_each) fail_at(blk.range, "Missing required argument: the argument \"for_each\" is required in a dynamic block");
            std::string iterator = type;
            if (const hcl::Attribute* it = find_attribute(*blk.body, "iterator")) {
                if (it->value->kind != hcl::ExprKind::Traversal || !it->value->steps.empty() || !it->value->children.empty())
                    fail_at(it->value->range, "Invalid dynamic iterator name: a single identifier is required");
                iterator = std::string(it->value->text);
            }
            const hcl::Block* content = nullptr;
            for (const auto& c : blk.body->blocks)
                if (c.type == "content") content = &c;
            if (!content) fail_at(blk.range, "Missing content block: a dynamic block requires a \"content\" block");
            Value collection = eval(m, b, *for_each->value);
            auto& list = out.blocks[type];
            if (!collection.is_wholly_known() || collection.is_null()) {
                if (collection.is_null()) fail_at(for_each->value->range, "Invalid dynamic for_each value: cannot use a null value in for_each");
                // How many blocks, or what they hold, is known only after apply.
                unknown_blocks[type] = Value::unknown(Type::dynamic(), collection.unknown_origins());
                continue;
            }
            auto add = [&](Value key, Value value) {
                Binding inner = b;
                inner.iterators.emplace_back(iterator, Value::object({{"key", std::move(key)}, {"value", std::move(value)}}));
                list.push_back(body_value(m, inner, *content->body, {}));
            };
            if (collection.is_mapping()) {
                for (const auto& [k, v] : collection.attributes()) add(Value::string(k), v);
            } else if (collection.is_sequence()) {
                const bool set = collection.type().kind() == Type::Kind::Set;
                std::int64_t i = 0;
                for (const auto& v : collection.elements()) add(set ? v : Value::number(i++), v);
            } else {
                fail_at(for_each->value->range, "Invalid dynamic for_each value: cannot use a " + collection.type().friendly() + " value in for_each. An iterable collection is required.");
            }
        }
        for (const auto& [type, list] : out.blocks) {
            std::vector<Value> objects;
            for (const auto& s : list) objects.push_back(s.object);
            attrs[type] = Value::tuple(std::move(objects));
        }
        for (auto& [type, u] : unknown_blocks) attrs[type] = *u;
        for (const auto& [type, _] : unknown_blocks) out.blocks.erase(type);
        out.object = Value::object(std::move(attrs));
        return out;
    }

    // The instance keys of a block's count / for_each (Terraform's rules, see the header).
    struct Expansion {
        bool count = false, for_each = false;
        std::vector<std::pair<Value, Binding>> instances;
    };
    Expansion expansion(ModuleInstance& m, const hcl::Body& body, const std::string& what) {
        Expansion x;
        const hcl::Attribute* count = find_attribute(body, "count");
        const hcl::Attribute* for_each = find_attribute(body, "for_each");
        if (count && for_each) fail_at(for_each->range, "Invalid combination of \"count\" and \"for_each\": the \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of " + what + " instances");
        if (count) {
            x.count = true;
            Value n = eval(m, Binding{}, *count->value);
            const auto& at = count->value->range;
            if (n.is_null()) fail_at(at, "Invalid count argument: the given \"count\" argument value is null. An integer is required.");
            if (!n.is_wholly_known())
                fail_at(at, "Invalid count argument: the \"count\" value depends on resource attributes that cannot be determined until apply (" +
                                (n.unknown_origins().empty() ? std::string("unknown") : n.unknown_origins().front()) + ")");
            if (n.sensitive()) fail_at(at, "Invalid count argument: sensitive values, or values derived from sensitive values, cannot be used as count arguments");
            Value num;
            try {
                num = convert(n, Type::number());
            } catch (const ConversionError& err) {
                fail_at(at, std::string("Invalid count argument: the given \"count\" argument value is unsuitable: ") + err.what());
            }
            auto i = num.as_number().to_int64();
            if (!i) fail_at(at, "Invalid count argument: the given \"count\" argument value is unsuitable: a whole number is required");
            if (*i < 0) fail_at(at, "Invalid count argument: the given \"count\" argument value is unsuitable: must be greater than or equal to zero");
            for (std::int64_t k = 0; k < *i; ++k) {
                Binding b;
                b.count_index = Value::number(k);
                x.instances.emplace_back(Value::number(k), std::move(b));
            }
            return x;
        }
        if (for_each) {
            x.for_each = true;
            Value c = eval(m, Binding{}, *for_each->value);
            const auto& at = for_each->value->range;
            if (c.is_null()) fail_at(at, "Invalid for_each argument: the given \"for_each\" argument value is null. A map, or set of strings, is allowed.");
            if (c.sensitive()) fail_at(at, "Invalid for_each argument: sensitive values, or values derived from sensitive values, cannot be used as for_each arguments");
            const auto k = c.type().kind();
            if (!c.is_known() || (k == Type::Kind::Set && !c.is_wholly_known()))
                fail_at(at, "Invalid for_each argument: the \"for_each\" set includes values derived from resource attributes that cannot be determined until apply (" +
                                (c.unknown_origins().empty() ? std::string("unknown") : c.unknown_origins().front()) + ")");
            if (k == Type::Kind::Map || k == Type::Kind::Object) {
                for (const auto& [key, v] : c.attributes()) {
                    Binding b;
                    b.each_key = Value::string(key);
                    b.each_value = v;
                    x.instances.emplace_back(Value::string(key), std::move(b));
                }
            } else if (k == Type::Kind::Set && (c.type().element().kind() == Type::Kind::String || c.elements().empty())) {
                for (const auto& v : c.elements()) {
                    if (v.is_null()) fail_at(at, "Invalid for_each set argument: the given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values");
                    Binding b;
                    b.each_key = v;
                    b.each_value = v;
                    x.instances.emplace_back(v, std::move(b));
                }
            } else {
                fail_at(at, "Invalid for_each argument: the given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type " +
                                c.type().friendly() + ".");
            }
            return x;
        }
        x.instances.emplace_back(Value::null(), Binding{});
        return x;
    }

    // ---- resources and data sources ------------------------------------------------------------

    static const std::set<std::string_view>& resource_meta() {
        static const std::set<std::string_view> meta{"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"};
        return meta;
    }

    const ExpandedResource& resource(ModuleInstance& m, bool data, const std::string& type, const std::string& name, const hcl::Range& at) {
        const auto& table = data ? m.config->data_sources : m.config->resources;
        auto bit = table.find(type + "." + name);
        if (bit == table.end())
            fail_at(at, std::string("Reference to undeclared resource: a ") + (data ? "data resource" : "managed resource") + " \"" + printable(type) + "\" \"" + printable(name) +
                            "\" has not been declared in " + (m.path.empty() ? "the root module" : m.path));
        const std::string label = (data ? "data." : "") + type + "." + name;
        const std::string key = m.path + '\x1f' + label;
        node(m, label, at, true, [&] {
            const hcl::Block& block = *bit->second;
            Expansion x = expansion(m, *block.body, "resource");
            ExpandedResource r;
            r.count = x.count;
            r.for_each = x.for_each;
            r.data = data;
            r.type = type;
            const Placement placement = provider_placement(m, block, type);
            r.placement = placement;
            std::vector<Value> whole_list;
            Attributes whole_map;
            std::vector<ResourceInstance> done;
            for (auto& [k, b] : x.instances) {
                Shaped s = body_value(m, b, *block.body, resource_meta());
                if (data) s.object = with_restated_attributes(type, s.object, placement);
                // Rendered locally: its document, structured (its `json` text stays unknown).
                if (data && type == "aws_iam_policy_document") {
                    Value doc = policy_document(s.object, [this](const std::string& origin) -> const Value* {
                        auto it = documents_.find(origin);
                        return it == documents_.end() ? nullptr : &it->second;
                    });
                    if (doc.is_known()) {
                        documents_[m.prefix() + label + key_suffix(k) + ".json"] = doc;
                        s.encoded["json"] = std::move(doc);
                    }
                }
                ResourceInstance inst;
                inst.module = m.path;
                inst.data = data;
                inst.type = type;
                inst.name = name;
                inst.key = k;
                inst.address = m.prefix() + label + key_suffix(k);
                inst.attributes = s.object;
                inst.encoded = s.encoded;
                inst.block = &block;
                inst.placement = placement;
                done.push_back(std::move(inst));
                whole_list.push_back(Value::unknown(Type::dynamic(), done.back().address).mark_exact());
                if (x.for_each) whole_map[k.as_string()] = whole_list.back();
                r.keys.push_back(k);
                r.instances.push_back(std::move(s));
            }
            if (const hcl::Attribute* deps = find_attribute(*block.body, "depends_on")) eval(m, Binding{}, *deps->value);
            // The dependencies found while evaluating (this node is on top of the stack).
            const auto& deps = nodes_.at(stack_.back()).deps;
            for (auto& inst : done) {
                inst.depends_on.assign(deps.begin(), deps.end());
                instances_.push_back(std::move(inst));
            }
            expanded_[key] = std::move(r);
            if (x.count) return Value::tuple(std::move(whole_list));
            if (x.for_each) return Value::object(std::move(whole_map));
            return whole_list.front();
        });
        return expanded_.at(key);
    }

    // Data sources that restate the provider configuration (AWS provider docs: aws_caller_identity
    // "get access to the effective Account ID ... in which Terraform is authorized"; aws_region
    // "the region ... of the provider"; aws_partition from the region).
    static Value with_restated_attributes(const std::string& type, const Value& object, const Placement& p) {
        Attributes a = object.attributes();
        auto set = [&](const std::string& name, const std::string& known, const std::string& why) {
            if (a.count(name)) return;
            if (!known.empty()) a[name] = Value::string(known);
            else a[name] = Value::unknown(Type::string(), p.provider + ": " + why);
        };
        if (type == "aws_caller_identity") {
            set("account_id", p.account, p.account_from);
            set("id", p.account, p.account_from);
        } else if (type == "aws_region") {
            std::string region = p.region;
            for (const char* arg : {"name", "region"})
                if (auto it = a.find(arg); it != a.end() && it->second.is_known() && !it->second.is_null()) region = it->second.as_string();
            set("name", region, p.region_from);
            set("region", region, p.region_from);
            set("id", region, p.region_from);
        } else if (type == "aws_partition") {
            // Partitions by region prefix (AWS General Reference, "Regions and zones").
            std::string partition = p.region.rfind("cn-", 0) == 0 ? "aws-cn" : p.region.rfind("us-gov-", 0) == 0 ? "aws-us-gov" : p.region.rfind("us-iso", 0) == 0 || p.region.empty() ? "" : "aws";
            set("partition", partition, p.region.empty() ? p.region_from : "partition of region " + p.region);
            set("dns_suffix", partition == "aws" ? "amazonaws.com" : partition == "aws-cn" ? "amazonaws.com.cn" : partition == "aws-us-gov" ? "amazonaws.com" : "", "dns suffix");
            set("id", partition, "partition");
        }
        return Value::object(std::move(a));
    }

    // Follows the keys of a reference into a resource instance (see Shaped).
    // `top`: the resource when `s` is one of its instances (not a nested block).
    Resolution walk(const Shaped& s, const Reference& ref, std::size_t i, const std::string& origin, const ExpandedResource* top = nullptr) {
        if (i == ref.keys.size()) return Resolution{Value::unknown(Type::dynamic(), origin).mark_exact(), i, {}};
        const Key& k = ref.keys[i];
        if (!k.attribute) fail_at(ref.range, "Invalid index: this resource instance is an object, not a collection (" + origin + ")");
        if (auto b = s.blocks.find(k.name); b != s.blocks.end()) {
            if (i + 1 < ref.keys.size() && !ref.keys[i + 1].attribute && ref.keys[i + 1].index.is_known() && !ref.keys[i + 1].index.is_null() &&
                ref.keys[i + 1].index.type().kind() == Type::Kind::Number) {
                auto n = ref.keys[i + 1].index.as_number().to_int64();
                if (n && *n >= 0 && static_cast<std::size_t>(*n) < b->second.size())
                    return walk(b->second[static_cast<std::size_t>(*n)], ref, i + 2, origin + "." + k.name + "[" + std::to_string(*n) + "]");
                fail_at(ref.range, "Invalid index: the resource has no \"" + printable(k.name) + "\" block at this index (" + origin + ")");
            }
            return Resolution{s.object.attributes().at(k.name), i + 1, {}};
        }
        if (auto a = s.object.attributes().find(k.name); a != s.object.attributes().end()) return Resolution{a->second, i + 1, {}};
        if (top && top->data && options_.read_data)
            if (auto v = options_.read_data(DataRead{top->type, s.object, top->placement, k.name})) return Resolution{std::move(*v), i + 1, {}};
        return Resolution{Value::unknown(Type::dynamic(), origin + "." + k.name).mark_exact(), i + 1, {}};
    }

    Resolution resource_reference(ModuleInstance& m, bool data, const Reference& ref) {
        const std::size_t first = data ? 1 : 0;  // data.TYPE.NAME: the type is keys[0]
        if (ref.keys.size() < first + 1 || !ref.keys[first].attribute || (data && !ref.keys[0].attribute))
            fail_at(ref.range, "Invalid reference: a reference to a resource type must be followed by at least one attribute access, specifying the resource name");
        const std::string type = data ? ref.keys[0].name : ref.root;
        const std::string name = ref.keys[first].name;
        const ExpandedResource& r = resource(m, data, type, name, ref.range);
        const Value& whole = nodes_.at(m.path + '\x1f' + (data ? "data." : "") + type + "." + name).value;
        const std::string base = m.prefix() + (data ? "data." : "") + type + "." + name;
        std::size_t i = first + 1;
        if (!r.count && !r.for_each) return walk(r.instances.front(), ref, i, base, &r);
        if (i == ref.keys.size() || (r.count && ref.keys[i].attribute)) return Resolution{whole, i, {}};
        const Key& k = ref.keys[i];
        Value key = k.attribute ? Value::string(k.name) : k.index;
        if (!key.is_known()) return Resolution{Value::unknown(Type::dynamic(), key.unknown_origins()), i + 1, {}};
        for (std::size_t n = 0; n < r.keys.size(); ++n) {
            bool match = false;
            if (r.count && key.type().kind() == Type::Kind::Number) match = key.as_number() == r.keys[n].as_number();
            if (r.for_each && key.type().kind() == Type::Kind::String) match = key.as_string() == r.keys[n].as_string();
            if (match) return walk(r.instances[n], ref, i + 1, base + key_suffix(r.keys[n]), &r);
        }
        fail_at(ref.range, "Invalid index: the given key does not identify an instance of " + base + " (" + printable(display(key)) + ")");
    }

    // ---- providers ----------------------------------------------------------------------------

    void add_provider(ModuleInstance& m, const hcl::Block& b) {
        std::string name(b.labels[0]);
        if (const hcl::Attribute* alias = find_attribute(*b.body, "alias")) {
            if (!alias->value->is_string_literal()) fail_at(alias->value->range, "Invalid provider alias: a string literal is required");
            name += "." + std::string(alias->value->children[0]->text);
        }
        if (m.providers.count(name)) fail_at(b.range, "Duplicate provider configuration: a provider configuration for \"" + printable(name) + "\" was already given");
        m.providers[name] = ProviderRef{&m, &b, name};
    }

    // The provider configuration `name` ("aws", "aws.east") means in module instance `m`.
    ProviderRef provider_ref(ModuleInstance& m, const std::string& name, const hcl::Range& at) {
        if (auto it = m.providers.find(name); it != m.providers.end()) return it->second;
        const bool aliased = name.find('.') != std::string::npos;
        if (aliased)
            fail_at(at, "Provider configuration not present: " + printable(name) + " is not configured in " + (m.path.empty() ? "the root module" : m.path) +
                            (m.path.empty() ? "" : " (aliased configurations must be passed with the module call's providers argument)"));
        // A default configuration: inherited from the parent, else Terraform's implied empty one in
        // the root. xc inherits also when the call has a `providers` argument that does not name
        // it (the docs say that argument "cancels" inheritance; Terraform's graph still finds the
        // parent's default configuration there) — README: Verify existing Terraform.
        if (m.parent) return provider_ref(*m.parent, name, at);
        m.providers[name] = ProviderRef{&m, nullptr, name};
        return m.providers[name];
    }

    Placement provider_placement(ModuleInstance& m, const hcl::Block& block, const std::string& type) {
        std::string name = type.substr(0, type.find('_'));
        hcl::Range at = block.range;
        if (const hcl::Attribute* p = find_attribute(*block.body, "provider")) {
            const hcl::Expr& e = *p->value;
            if (e.kind != hcl::ExprKind::Traversal || !e.children.empty() || e.steps.size() > 1 || (e.steps.size() == 1 && e.steps[0].kind != hcl::Step::Kind::Attr))
                fail_at(e.range, "Invalid provider reference: a provider configuration reference (NAME or NAME.ALIAS) is required");
            name = std::string(e.text) + (e.steps.empty() ? "" : "." + std::string(e.steps[0].name));
            at = p->range;
        }
        const ProviderRef ref = provider_ref(m, name, at);
        const std::string address = ref.address();
        if (auto it = placements_.find(address); it != placements_.end()) return it->second;
        Value config = Value::null();
        if (ref.block)
            config = node(*ref.owner, "provider." + ref.name, at, false, [&] { return body_value(*ref.owner, Binding{}, *ref.block->body, {"alias", "version"}).object; }).value;
        Placement p = placement_of(address, config, options_.placement, ref.block ? ref.block->range : at);
        placements_[address] = p;
        return p;
    }

    // ---- variables, locals, outputs -----------------------------------------------------------

    Value variable(ModuleInstance& m, const std::string& name, const hcl::Range& at) {
        auto vit = m.config->variables.find(name);
        if (vit == m.config->variables.end())
            fail_at(at, "Reference to undeclared input variable: an input variable with the name \"" + printable(name) + "\" has not been declared in " +
                            (m.path.empty() ? "the root module" : m.path));
        const hcl::Block& decl = *vit->second;
        return node(m, "var." + name, at, false, [&] {
            const hcl::Body& body = *decl.body;
            auto constant = [](const hcl::Expr& e) { return evaluate(e, Scope{}); };
            const hcl::Attribute* type = find_attribute(body, "type");
            Constraint c = type ? parse_constraint(*type->value, constant) : Constraint{};
            std::optional<Value> def;
            if (const hcl::Attribute* d = find_attribute(body, "default")) def = constant(*d->value);
            bool nullable = true, sensitive = false;
            if (const hcl::Attribute* n = find_attribute(body, "nullable")) nullable = !(constant(*n->value).is_known() && !constant(*n->value).is_null() && !constant(*n->value).as_bool());
            if (const hcl::Attribute* s = find_attribute(body, "sensitive")) {
                Value v = constant(*s->value);
                sensitive = v.is_known() && !v.is_null() && v.type().kind() == Type::Kind::Bool && v.as_bool();
            }
            std::optional<Value> raw;
            hcl::Range where = decl.range;
            std::string source = "default";
            if (!m.parent) {
                if (auto g = given_.find(name); g != given_.end()) {
                    raw = g->second.value ? *g->second.value : read_given_text(g->second, type ? type->value : nullptr);
                    source = g->second.source;
                }
            } else if (const hcl::Attribute* arg = find_attribute(*m.call->body, name)) {
                raw = eval(*m.parent, m.call_binding, *arg->value);
                where = arg->range;
                source = position_text(arg->range);
            }
            if (raw && raw->is_null() && !nullable) raw.reset();
            if (!raw) {
                if (!def) {
                    if (m.parent) fail_at(m.call->range, "Missing required argument: the argument \"" + printable(name) + "\" is required (" + m.path + "), but no definition was found");
                    fail_at(decl.range, "No value for required variable: the root module input variable \"" + printable(name) +
                                            "\" is not set, and has no default value. Use --var or --var-file to provide it.");
                }
                raw = def;
            }
            Value v;
            try {
                v = convert(*raw, c);
            } catch (const ConversionError& err) {
                fail_at(where, "Invalid value for input variable: the given value (from " + source + ") is not suitable for var." + printable(name) + " declared at " +
                                   position_text(decl.range) + ": " + err.what());
            }
            return v.mark_sensitive(sensitive);
        }).value;
    }

    Value local(ModuleInstance& m, const std::string& name, const hcl::Range& at) {
        auto it = m.config->locals.find(name);
        if (it == m.config->locals.end())
            fail_at(at, "Reference to undeclared local value: a local value with the name \"" + printable(name) + "\" has not been declared in " +
                            (m.path.empty() ? "the root module" : m.path));
        return node(m, "local." + name, at, false, [&] { return eval(m, Binding{}, *it->second->value); }).value;
    }

    Value output(ModuleInstance& m, const std::string& name, const hcl::Range& at) {
        auto it = m.config->outputs.find(name);
        if (it == m.config->outputs.end())
            fail_at(at, "Unsupported attribute: this object does not have an attribute named \"" + printable(name) + "\" (" +
                            (m.path.empty() ? "the root module" : m.path) + " declares no output of that name)");
        return node(m, "output." + name, at, false, [&] {
            const hcl::Attribute* v = find_attribute(*it->second->body, "value");
            if (!v) fail_at(it->second->range, "Missing required argument: the argument \"value\" is required");
            Value out = eval(m, Binding{}, *v->value);
            if (const hcl::Attribute* s = find_attribute(*it->second->body, "sensitive")) {
                Value sv = eval(m, Binding{}, *s->value);
                if (sv.is_known() && !sv.is_null() && sv.type().kind() == Type::Kind::Bool && sv.as_bool()) out.mark_sensitive();
            }
            if (const hcl::Attribute* d = find_attribute(*it->second->body, "depends_on")) eval(m, Binding{}, *d->value);
            return out;
        }).value;
    }

    // ---- module calls -----------------------------------------------------------------------

    std::shared_ptr<const ModuleConfig> module_config(const std::filesystem::path& dir) {
        std::error_code ec;
        auto canonical = std::filesystem::weakly_canonical(dir, ec);
        const std::string key = (ec ? dir : canonical).string();
        if (auto it = configs_.find(key); it != configs_.end()) return it->second;
        auto c = load_module_config(dir);
        configs_[key] = c;
        return c;
    }

    struct Call {
        bool count = false, for_each = false;
        std::vector<Value> keys;
        std::vector<ModuleInstance*> instances;
    };

    const Call& module_call(ModuleInstance& m, const std::string& name, const hcl::Range& at) {
        auto cit = m.config->module_calls.find(name);
        if (cit == m.config->module_calls.end())
            fail_at(at, "Reference to undeclared module: no module call named \"" + printable(name) + "\" is declared in " + (m.path.empty() ? "the root module" : m.path));
        const hcl::Block& call = *cit->second;
        const std::string key = m.path + '\x1f' + "module." + name;
        node(m, "module." + name, at, false, [&] {
            const hcl::Attribute* src = find_attribute(*call.body, "source");
            if (!src) fail_at(call.range, "Missing required argument: the argument \"source\" is required in module \"" + printable(name) + "\"");
            if (!src->value->is_string_literal()) fail_at(src->value->range, "Invalid module source: the module source must be a literal string");
            const std::string source(src->value->children[0]->text);
            if (source.rfind("./", 0) != 0 && source.rfind("../", 0) != 0)
                fail_at(src->value->range, "Unsupported module source \"" + printable(source) + "\" in module \"" + printable(name) +
                                               "\": xc reads only local modules (a path beginning with ./ or ../); download the module and refer to its directory");
            const std::filesystem::path dir = (m.config->dir / source).lexically_normal();
            std::shared_ptr<const ModuleConfig> config;
            try {
                config = module_config(dir);
            } catch (const InputError& e) {
                std::vector<Diagnostic> ds{diagnostic_at(src->value->range, "Unreadable module \"" + printable(name) + "\" at " + dir.string())};
                ds.insert(ds.end(), e.diagnostics().begin(), e.diagnostics().end());
                throw InputError(std::move(ds));
            }
            static const std::set<std::string_view> meta{"source", "version", "count", "for_each", "providers", "depends_on"};
            for (const auto& a : call.body->attributes)
                if (!meta.count(a.name) && !config->variables.count(std::string(a.name)))
                    fail_at(a.range, "Unsupported argument: an argument named \"" + printable(a.name) + "\" is not expected here (module \"" + printable(name) +
                                         "\" at " + dir.string() + " declares no such variable)");
            // Providers the call passes: { child_name = parent_name }.
            std::vector<std::pair<std::string, ProviderRef>> passed;
            const hcl::Attribute* providers = find_attribute(*call.body, "providers");
            if (providers) {
                const hcl::Expr& o = *providers->value;
                if (o.kind != hcl::ExprKind::Object) fail_at(o.range, "Invalid providers argument: an object of provider configuration references is required");
                auto reference = [&](const hcl::Expr& e) {
                    const hcl::Expr* t = e.kind == hcl::ExprKind::ObjectKey ? e.children[0] : &e;
                    if (t->kind != hcl::ExprKind::Traversal || !t->children.empty() || t->steps.size() > 1 || (t->steps.size() == 1 && t->steps[0].kind != hcl::Step::Kind::Attr))
                        fail_at(t->range, "Invalid provider configuration reference: NAME or NAME.ALIAS is required");
                    return std::string(t->text) + (t->steps.empty() ? "" : "." + std::string(t->steps[0].name));
                };
                for (std::size_t i = 0; i + 1 < o.children.size(); i += 2)
                    passed.emplace_back(reference(*o.children[i]), provider_ref(m, reference(*o.children[i + 1]), o.children[i + 1]->range));
            }
            Expansion x = expansion(m, *call.body, "module");
            Call c;
            c.count = x.count;
            c.for_each = x.for_each;
            std::string rel = (std::filesystem::path(m.relative_dir) / source).lexically_normal().generic_string();
            if (!rel.empty() && rel.back() == '/') rel.pop_back();
            for (auto& [k, b] : x.instances) {
                auto& child = modules_.emplace_back(std::make_unique<ModuleInstance>());
                child->path = m.prefix() + "module." + name + key_suffix(k);
                child->config = config;
                child->parent = &m;
                child->call = &call;
                child->call_binding = b;
                child->relative_dir = rel;
                for (const auto* pb : config->providers) add_provider(*child, *pb);
                for (const auto& [child_name, ref] : passed) child->providers[child_name] = ref;
                c.keys.push_back(k);
                c.instances.push_back(child.get());
            }
            if (const hcl::Attribute* deps = find_attribute(*call.body, "depends_on")) eval(m, Binding{}, *deps->value);
            calls_[key] = std::move(c);
            return Value::null();
        });
        return calls_.at(key);
    }

    Value module_outputs(ModuleInstance& child, const hcl::Range& at) {
        Attributes out;
        for (const auto& [name, _] : child.config->outputs) out[name] = output(child, name, at);
        return Value::object(std::move(out));
    }

    Resolution module_reference(ModuleInstance& m, const Reference& ref) {
        if (ref.keys.empty() || !ref.keys[0].attribute) fail_at(ref.range, "Invalid reference: the \"module\" object must be followed by a module name");
        const Call& c = module_call(m, ref.keys[0].name, ref.range);
        std::size_t i = 1;
        ModuleInstance* child = nullptr;
        if (!c.count && !c.for_each) {
            child = c.instances.front();
        } else {
            if (i == ref.keys.size() || (c.count && ref.keys[i].attribute)) {
                std::vector<Value> list;
                Attributes map;
                for (std::size_t n = 0; n < c.instances.size(); ++n) {
                    list.push_back(module_outputs(*c.instances[n], ref.range));
                    if (c.for_each) map[c.keys[n].as_string()] = list.back();
                }
                return Resolution{c.for_each ? Value::object(std::move(map)) : Value::tuple(std::move(list)), i, {}};
            }
            Value key = ref.keys[i].attribute ? Value::string(ref.keys[i].name) : ref.keys[i].index;
            if (!key.is_known()) return Resolution{Value::unknown(Type::dynamic(), key.unknown_origins()), i + 1, {}};
            for (std::size_t n = 0; n < c.keys.size() && !child; ++n) {
                if (c.count && key.type().kind() == Type::Kind::Number && key.as_number() == c.keys[n].as_number()) child = c.instances[n];
                if (c.for_each && key.type().kind() == Type::Kind::String && key.as_string() == c.keys[n].as_string()) child = c.instances[n];
            }
            if (!child) fail_at(ref.range, "Invalid index: the given key does not identify an instance of module." + printable(ref.keys[0].name) + " (" + printable(display(key)) + ")");
            ++i;
        }
        if (i < ref.keys.size() && ref.keys[i].attribute) return Resolution{output(*child, ref.keys[i].name, ref.range), i + 1, {}};
        return Resolution{module_outputs(*child, ref.range), i, {}};
    }

    // ---- references ---------------------------------------------------------------------------

    Resolution resolve(ModuleInstance& m, const Binding& b, const Reference& ref) {
        for (auto it = b.iterators.rbegin(); it != b.iterators.rend(); ++it)
            if (it->first == ref.root) return Resolution{it->second, 0, {}};
        auto attribute = [&](const char* what) -> const std::string& {
            if (ref.keys.empty() || !ref.keys[0].attribute) fail_at(ref.range, std::string("Invalid reference: the \"") + ref.root + "\" object must be followed by " + what);
            return ref.keys[0].name;
        };
        const std::string& root = ref.root;
        if (root == "var") return Resolution{variable(m, attribute("a variable name"), ref.range), 1, {}};
        if (root == "local") return Resolution{local(m, attribute("a local value's name"), ref.range), 1, {}};
        if (root == "each") {
            const std::string& a = attribute("key or value");
            if (!b.each_key) fail_at(ref.range, "Reference to \"each\" in context without for_each: the \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.");
            if (a == "key") return Resolution{*b.each_key, 1, {}};
            if (a == "value") return Resolution{*b.each_value, 1, {}};
            fail_at(ref.range, "Invalid \"each\" attribute: the \"each\" object has only \"key\" and \"value\"");
        }
        if (root == "count") {
            const std::string& a = attribute("index");
            if (!b.count_index) fail_at(ref.range, "Reference to \"count\" in non-counted context: the \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.");
            if (a != "index") fail_at(ref.range, "Invalid \"count\" attribute: the \"count\" object has only \"index\"");
            return Resolution{*b.count_index, 1, {}};
        }
        if (root == "path") {
            const std::string& a = attribute("module, root or cwd");
            if (a == "module") return Resolution{Value::string(m.relative_dir), 1, {}};
            if (a == "root") return Resolution{Value::string("."), 1, {}};
            if (a == "cwd") return Resolution{Value::string(std::filesystem::absolute(root_dir_).lexically_normal().generic_string()), 1, {}};
            fail_at(ref.range, "Invalid \"path\" attribute: the \"path\" object has only \"module\", \"root\" and \"cwd\"");
        }
        if (root == "terraform") {
            const std::string& a = attribute("workspace");
            if (a == "workspace") return Resolution{Value::string("default"), 1, {}};
            fail_at(ref.range, "Invalid \"terraform\" attribute: xc knows terraform.workspace only");
        }
        if (root == "self") fail_at(ref.range, "Invalid \"self\" reference: the \"self\" object is not available in this context");
        if (root == "module") return module_reference(m, ref);
        if (root == "data") return resource_reference(m, true, ref);
        return resource_reference(m, false, ref);
    }

    // ---- the whole configuration --------------------------------------------------------------

    void visit(ModuleInstance& m) {
        for (const hcl::Block* b : m.config->order) {
            if (b->type == "module") {
                const Call& c = module_call(m, std::string(b->labels[0]), b->range);
                for (ModuleInstance* child : c.instances) visit(*child);
            } else {
                resource(m, b->type == "data", std::string(b->labels[0]), std::string(b->labels[1]), b->range);
            }
        }
        // Terraform evaluates every value of a module: errors in unreferenced ones fail the plan.
        for (const auto& [name, v] : m.config->variables) variable(m, name, v->range);
        for (const auto& [name, l] : m.config->locals) local(m, name, l->range);
        for (const auto& [name, o] : m.config->outputs) output(m, name, o->range);
    }

    LoadOptions options_;
    std::filesystem::path root_dir_;
    std::map<std::string, GivenValue> given_;
    std::map<std::string, std::shared_ptr<const ModuleConfig>> configs_;
    std::deque<std::unique_ptr<ModuleInstance>> modules_;
    std::map<std::string, Node> nodes_;
    std::vector<std::string> stack_;
    std::map<std::string, ExpandedResource> expanded_;
    std::map<std::string, Call> calls_;
    std::map<std::string, Placement> placements_;
    std::map<std::string, Value> documents_;  // "data.aws_iam_policy_document.x.json" -> the document
    std::vector<ResourceInstance> instances_;
};

}  // namespace detail

// Reads the root module in `root` and every local module it calls, and evaluates them (see the
// header comment). Throws InputError (exit 2) with file:line:col for anything Terraform would
// refuse, and for what xc does not read (a non-local module source, JSON or override files).
inline Configuration load_configuration(const std::filesystem::path& root, const LoadOptions& options = {}) {
    detail::Loader loader(root, options);
    return loader.run();
}

}  // namespace xc::input::terraform
