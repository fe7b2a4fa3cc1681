// Evaluating CloudFormation templates as `aws cloudformation deploy` would deploy them, several
// stacks together: Parameters (overrides, Default, AllowedValues), Mappings, Conditions, the
// intrinsic functions, pseudo parameters, AWS::NoValue, Outputs/Export <-> Fn::ImportValue
// across the given stacks, and dynamic references.
//
// What only a deployment knows becomes a symbol (value.hpp), never a guess: a resource's Ref or
// attribute, a parameter of an SSM type, AWS::StackId, Fn::GetAZs, a dynamic reference. A
// `{{resolve:secretsmanager:<id>}}` whose secret one of the given stacks creates (its stated name
// or ARN, in that stack's account and region) is linked to that secret: the value is what the
// secret holds. Anything else stays an unknown that names itself.
//
// References (CloudFormation User Guide, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/):
//  * "Intrinsic function reference" (intrinsic-function-reference.html): the functions and their
//    argument shapes; "Fn::If ... AWS::NoValue ... removes the corresponding resource property";
//  * "Pseudo parameters reference" (pseudo-parameter-reference.html): AWS::Partition is
//    "aws-cn" in China and "aws-us-gov" in GovCloud, AWS::URLSuffix "amazonaws.com.cn" in China;
//  * "Fn::ImportValue": "You can't create cross-stack references across Regions" and exports are
//    per account and Region ("Export names must be unique within a Region" for the account);
//  * "Get values stored in other services using dynamic references" (dynamic-references.html):
//    "{{resolve:secretsmanager:secret-id:secret-string:json-key:version-stage:version-id}}",
//    secret-id "the name or ARN of the secret", and "to access a secret in another AWS account,
//    you must use the full ARN"; ssm and ssm-secure read Parameter Store.
//  * Parameters: "AWS::SSM::Parameter::Value<...>" parameters take the name of an SSM parameter
//    and resolve its value at deployment ("Parameters" section, SSM parameter types).
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/error.hpp>
#include <xc/input/cloudformation/template_source.hpp>
#include <xc/input/cloudformation/value.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace xc::input::cloudformation {

// One stack to deploy: a template and what `aws cloudformation deploy` would be told.
struct StackInput {
    std::string name;      // the stack (and model scope) name
    std::string file;      // the template
    std::string account;   // 12 digits
    std::string region;
    std::map<std::string, std::string> parameters;  // --parameter-overrides
    bool consumer = false;
};

// A resource as deployed: its properties evaluated (conditions applied, NoValue removed).
struct Resource {
    std::string logical_id;
    std::string type;
    std::string pointer;     // where it was written ("/Resources/<id>"; SAM: the source resource's)
    nlohmann::json properties = nlohmann::json::object();
    std::string generated_by;  // the SAM resource it was generated from, if any
};

struct Stack {
    StackInput input;
    std::shared_ptr<const TemplateSource> source;
    std::map<std::string, Resource> resources;            // deployed (condition true) resources
    std::map<std::string, std::string> not_deployed;      // logical id -> its false condition
    std::map<std::string, nlohmann::json> exports;        // export name -> value
    std::map<std::string, nlohmann::json> outputs;        // output logical id -> value
};

struct Evaluation {
    std::vector<Stack> stacks;
    std::vector<Symbol> symbols;
    const Stack* stack(const std::string& name) const {
        for (const auto& s : stacks)
            if (s.input.name == name) return &s;
        return nullptr;
    }
};

// A template after the transforms xc applies (SAM): the document and, per logical id, where its
// resource was written and which resource generated it.
struct Expanded {
    nlohmann::json document;
    std::map<std::string, std::string> pointer;       // logical id -> pointer in the source
    std::map<std::string, std::string> generated_by;  // logical id -> SAM resource
};

namespace detail {

inline std::string partition_of(const std::string& region) {
    if (region.rfind("cn-", 0) == 0) return "aws-cn";
    if (region.rfind("us-gov-", 0) == 0) return "aws-us-gov";
    return "aws";
}

inline std::string base64(const std::string& in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        std::uint32_t v = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8) | std::uint8_t(in[i + 2]);
        for (int k = 18; k >= 0; k -= 6) out += table[(v >> k) & 63];
    }
    if (i + 1 == in.size()) {
        std::uint32_t v = std::uint8_t(in[i]) << 16;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        std::uint32_t v = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// Fn::Cidr: `count` subnets of /(32 - bits) carved in order from `block` (IPv4).
inline std::optional<std::vector<std::string>> cidr_split(const std::string& block, long long count, long long bits) {
    unsigned a, b, c, d, prefix;
    char tail;
    if (std::sscanf(block.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &prefix, &tail) != 5 || a > 255 || b > 255 || c > 255 ||
        d > 255 || prefix > 32 || count < 1 || count > 256 || bits < 1 || bits > 32 || static_cast<long long>(32 - prefix) < bits)
        return std::nullopt;
    const std::uint32_t base = (a << 24) | (b << 16) | (c << 8) | d;
    const std::uint32_t size = bits == 32 ? 0 : (1u << bits);
    const std::uint64_t available = prefix == 32 ? 1 : (1ull << (32 - prefix)) / (bits == 32 ? (1ull << 32) : size);
    if (static_cast<std::uint64_t>(count) > available) return std::nullopt;
    std::vector<std::string> out;
    for (long long i = 0; i < count; ++i) {
        std::uint32_t net = base + static_cast<std::uint32_t>(i) * size;
        out.push_back(std::to_string(net >> 24) + "." + std::to_string((net >> 16) & 255) + "." + std::to_string((net >> 8) & 255) + "." +
                      std::to_string(net & 255) + "/" + std::to_string(32 - bits));
    }
    return out;
}

class Evaluator {
public:
    Evaluator(std::vector<StackInput> inputs, std::function<Expanded(const TemplateSource&)> expand) : expand_(std::move(expand)) {
        for (auto& in : inputs) {
            Stack s;
            s.input = std::move(in);
            out_.stacks.push_back(std::move(s));
        }
        states_.resize(out_.stacks.size());
    }

    Evaluation run(std::vector<std::shared_ptr<const TemplateSource>> sources) {
        for (std::size_t i = 0; i < sources.size(); ++i) out_.stacks[i].source = std::move(sources[i]);
        for (std::size_t i = 0; i < out_.stacks.size(); ++i) ensure(i);
        link_secrets();
        return std::move(out_);
    }

private:
    struct State {
        int phase = 0;  // 0 not started, 1 evaluating, 2 done
        Expanded expanded;
        std::map<std::string, nlohmann::json> parameters;
        std::map<std::string, int> conditions;  // 0 false, 1 true, 2 evaluating
    };
    // A secretsmanager dynamic reference waiting to be linked: symbol index, secret id, and the
    // stack it was read in.
    struct PendingSecret {
        std::size_t symbol;
        std::string secret_id;
        std::size_t stack;
    };

    // --- errors ----------------------------------------------------------------------------

    [[noreturn]] void fail(std::size_t s, const std::string& pointer, const std::string& message) const {
        throw InputError(out_.stacks[s].source->diagnostic(pointer, message));
    }
    static std::string token(const std::string& key) { return json_pointer::escape(key); }

    // --- symbols ---------------------------------------------------------------------------

    std::size_t intern(Symbol sym) {
        std::string key = std::to_string(static_cast<int>(sym.kind)) + '\n' + sym.stack + '\n' + sym.logical_id + '\n' + sym.attribute +
                          '\n' + sym.origin;
        if (auto it = interned_.find(key); it != interned_.end()) return it->second;
        out_.symbols.push_back(std::move(sym));
        interned_.emplace(std::move(key), out_.symbols.size() - 1);
        return out_.symbols.size() - 1;
    }
    nlohmann::json unknown(std::size_t s, const std::string& pointer, std::string origin, std::string reason) {
        Symbol sym{Symbol::Kind::unknown, out_.stacks[s].input.name, "", "", std::move(origin), std::move(reason),
                   out_.stacks[s].source->file(), pointer};
        return mark(intern(std::move(sym)));
    }

    // --- stacks ----------------------------------------------------------------------------

    void ensure(std::size_t s) {
        State& st = states_[s];
        if (st.phase == 2) return;
        if (st.phase == 1) fail(s, "", "stack '" + out_.stacks[s].input.name + "' imports, through other stacks, a value it exports itself (a cycle of Fn::ImportValue)");
        st.phase = 1;
        const TemplateSource& src = *out_.stacks[s].source;
        if (!src.root().is_object()) fail(s, "", "a template is an object with a \"Resources\" section");
        st.expanded = expand_(src);
        const auto& doc = st.expanded.document;
        if (!doc.contains("Resources") || !doc["Resources"].is_object() || doc["Resources"].empty())
            fail(s, "/Resources", "a template needs a \"Resources\" section with at least one resource");
        static const std::set<std::string> sections{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
                                                     "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Globals"};
        for (const auto& [k, _] : doc.items())
            if (!sections.contains(k)) fail(s, "/" + token(k), "unknown template section '" + printable(k) + "'");
        parameters(s);
        Stack& out = out_.stacks[s];
        for (const auto& [id, raw] : doc["Resources"].items()) {
            const std::string at = pointer_of(s, id);
            if (!raw.is_object() || !raw.contains("Type") || !raw["Type"].is_string())
                fail(s, at, "resource '" + printable(id) + "' needs a \"Type\" string");
            if (raw.contains("Condition")) {
                if (!raw["Condition"].is_string()) fail(s, at + "/Condition", "a resource's Condition is a condition name");
                if (!condition(s, raw["Condition"].get<std::string>(), at + "/Condition")) {
                    out.not_deployed[id] = raw["Condition"].get<std::string>();
                    continue;
                }
            }
            Resource r;
            r.logical_id = id;
            r.type = raw["Type"].get<std::string>();
            r.pointer = at;
            if (auto g = st.expanded.generated_by.find(id); g != st.expanded.generated_by.end()) r.generated_by = g->second;
            out.resources.emplace(id, std::move(r));
        }
        for (auto& [id, r] : out.resources) {
            const auto& raw = doc["Resources"][id];
            if (!raw.contains("Properties")) continue;
            auto v = eval(s, raw["Properties"], r.pointer + "/Properties");
            if (v && !v->is_object()) fail(s, r.pointer + "/Properties", "resource '" + printable(id) + "': Properties must be an object");
            if (v) r.properties = std::move(*v);
        }
        if (doc.contains("Outputs")) {
            if (!doc["Outputs"].is_object()) fail(s, "/Outputs", "Outputs must be an object");
            for (const auto& [id, o] : doc["Outputs"].items()) {
                const std::string at = "/Outputs/" + token(id);
                if (!o.is_object()) fail(s, at, "an output is an object with a Value");
                if (o.contains("Condition") && (!o["Condition"].is_string() || !condition(s, o["Condition"].get<std::string>(), at + "/Condition")))
                    continue;
                if (!o.contains("Value")) fail(s, at, "output '" + printable(id) + "' has no Value");
                auto value = eval(s, o["Value"], at + "/Value");
                if (!value) fail(s, at + "/Value", "an output's value cannot be AWS::NoValue");
                out.outputs[id] = *value;
                if (!o.contains("Export")) continue;
                auto name = eval(s, o["Export"].is_object() && o["Export"].contains("Name") ? o["Export"]["Name"] : nlohmann::json(), at + "/Export/Name");
                if (!name || !name->is_string() || has_symbol(name->get_ref<const std::string&>()))
                    fail(s, at + "/Export/Name", "an export's Name must evaluate to a string known before deployment");
                out.exports[name->get<std::string>()] = std::move(*value);
            }
        }
        st.phase = 2;
    }

    std::string pointer_of(std::size_t s, const std::string& id) const {
        const auto& p = states_[s].expanded.pointer;
        if (auto it = p.find(id); it != p.end()) return it->second;
        return "/Resources/" + json_pointer::escape(id);
    }

    void parameters(std::size_t s) {
        State& st = states_[s];
        const auto& doc = st.expanded.document;
        const StackInput& in = out_.stacks[s].input;
        nlohmann::json declared = doc.contains("Parameters") ? doc["Parameters"] : nlohmann::json::object();
        if (!declared.is_object()) fail(s, "/Parameters", "Parameters must be an object");
        for (const auto& [name, _] : in.parameters)
            if (!declared.contains(name))
                fail(s, "/Parameters", "--parameter-overrides names '" + printable(name) + "', which stack '" + printable(in.name) +
                                           "' does not declare");
        for (const auto& [name, p] : declared.items()) {
            const std::string at = "/Parameters/" + token(name);
            if (!p.is_object() || !p.contains("Type") || !p["Type"].is_string()) fail(s, at, "parameter '" + printable(name) + "' needs a \"Type\"");
            const std::string type = p["Type"].get<std::string>();
            std::string text;
            bool given = false;
            if (auto o = in.parameters.find(name); o != in.parameters.end()) {
                text = o->second;
                given = true;
            } else if (p.contains("Default")) {
                const auto& d = p["Default"];
                if (d.is_string()) text = d.get<std::string>();
                else if (d.is_number() || d.is_boolean()) text = d.dump();
                else if (d.is_array()) {  // YAML lists as defaults of list parameters
                    for (const auto& e : d) text += (text.empty() ? "" : ",") + (e.is_string() ? e.get<std::string>() : e.dump());
                } else fail(s, at + "/Default", "a parameter's Default is a string");
                given = true;
            }
            if (!valid_utf8(text)) fail(s, at, "parameter '" + printable(name) + "': its value is not UTF-8 text");
            if (text.find(symbol_mark) != std::string::npos) fail(s, at, "parameter '" + printable(name) + "': the character U+E000 is not accepted");
            if (!given)
                fail(s, at, "parameter '" + printable(name) + "' of stack '" + printable(in.name) +
                                "' has no Default and no value: give it with --parameter-overrides " + printable(name) + "=VALUE");
            if (p.contains("AllowedValues") && p["AllowedValues"].is_array()) {
                bool allowed = false;
                for (const auto& a : p["AllowedValues"]) allowed |= (a.is_string() ? a.get<std::string>() : a.dump()) == text;
                if (!allowed && text.rfind("{{resolve:", 0) != 0)
                    fail(s, at + "/AllowedValues", "parameter '" + printable(name) + "': value '" + printable(text) + "' is not one of its AllowedValues");
            }
            nlohmann::json value;
            if (type.rfind("AWS::SSM::Parameter::Value<", 0) == 0) {
                value = unknown(s, at, "parameter " + name + " (SSM parameter " + text + ")",
                                "an SSM parameter's value is read at deployment");
                if (type.find("List<") != std::string::npos || type.find("CommaDelimitedList") != std::string::npos) value = nlohmann::json::array({value});
            } else if (text.rfind("{{resolve:", 0) == 0) {
                value = dynamic_reference(s, text, at);
            } else if (text.rfind("{{xc:output:", 0) == 0) {
                value = output_reference(s, text, at);
            } else if (type == "CommaDelimitedList" || type.rfind("List<", 0) == 0) {
                value = nlohmann::json::array();
                std::size_t from = 0;
                while (true) {
                    auto comma = text.find(',', from);
                    std::string item = text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
                    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
                    while (!item.empty() && item.back() == ' ') item.pop_back();
                    value.push_back(item);
                    if (comma == std::string::npos) break;
                    from = comma + 1;
                }
            } else if (type == "Number" || type == "String" || type.rfind("AWS::", 0) == 0) {
                value = text;
            } else {
                fail(s, at + "/Type", "parameter '" + printable(name) + "': unknown parameter type '" + printable(type) + "'");
            }
            st.parameters[name] = std::move(value);
        }
    }

    // --- conditions --------------------------------------------------------------------------

    bool condition(std::size_t s, const std::string& name, const std::string& at) {
        State& st = states_[s];
        if (auto it = st.conditions.find(name); it != st.conditions.end()) {
            if (it->second == 2) fail(s, "/Conditions/" + token(name), "condition '" + printable(name) + "' depends on itself");
            return it->second == 1;
        }
        const auto& doc = st.expanded.document;
        if (!doc.contains("Conditions") || !doc["Conditions"].is_object() || !doc["Conditions"].contains(name))
            fail(s, at, "no condition named '" + printable(name) + "' in the template's Conditions");
        st.conditions[name] = 2;
        const std::string cat = "/Conditions/" + token(name);
        bool v = truth(s, doc["Conditions"][name], cat);
        st.conditions[name] = v ? 1 : 0;
        return v;
    }

    // A condition function's value.
    bool truth(std::size_t s, const nlohmann::json& j, const std::string& at) {
        if (j.is_boolean()) return j.get<bool>();
        if (j.is_string()) {
            const auto& t = j.get_ref<const std::string&>();
            if (t == "true") return true;
            if (t == "false") return false;
        }
        if (!j.is_object() || j.size() != 1) fail(s, at, "expected a condition: Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition");
        const std::string fn = j.begin().key();
        const nlohmann::json& arg = j.begin().value();
        const std::string a = at + "/" + token(fn);
        if (fn == "Condition") {
            if (!arg.is_string()) fail(s, a, "Condition names a condition");
            return condition(s, arg.get<std::string>(), a);
        }
        if (fn == "Fn::Equals") {
            if (!arg.is_array() || arg.size() != 2) fail(s, a, "Fn::Equals takes two values");
            auto x = eval(s, arg[0], a + "/0"), y = eval(s, arg[1], a + "/1");
            auto text = [](const std::optional<nlohmann::json>& v) { return !v ? std::string() : v->is_string() ? v->get<std::string>() : v->dump(); };
            const std::string tx = text(x), ty = text(y);
            if (tx == ty) return true;
            if (has_symbol(tx) || has_symbol(ty))
                fail(s, a, "Fn::Equals compares a value known only at deployment (" + describe(has_symbol(tx) ? tx : ty) +
                               "): xc cannot decide the condition; give the parameter a value");
            return false;
        }
        if (fn == "Fn::Not") {
            if (!arg.is_array() || arg.size() != 1) fail(s, a, "Fn::Not takes a list of one condition");
            return !truth(s, arg[0], a + "/0");
        }
        if (fn == "Fn::And" || fn == "Fn::Or") {
            if (!arg.is_array() || arg.size() < 2 || arg.size() > 10) fail(s, a, fn + " takes 2 to 10 conditions");
            // Every operand is evaluated (an error in any is reported), as CloudFormation validates all.
            bool all = true, any = false;
            for (std::size_t i = 0; i < arg.size(); ++i) {
                bool v = truth(s, arg[i], a + "/" + std::to_string(i));
                all &= v;
                any |= v;
            }
            return fn == "Fn::And" ? all : any;
        }
        fail(s, a, "'" + printable(fn) + "' is not a condition function (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition)");
    }

public:
    std::string describe(const std::string& text) const {
        for (const auto& p : pieces(text))
            if (p.symbol) return out_.symbols[*p.symbol].origin;
        return text;
    }

private:
    // --- values ------------------------------------------------------------------------------

    static bool is_function(const nlohmann::json& j) {
        if (!j.is_object() || j.size() != 1) return false;
        const auto& k = j.begin().key();
        return k == "Ref" || k == "Condition" || k.rfind("Fn::", 0) == 0;
    }

    std::string as_text(std::size_t s, const std::optional<nlohmann::json>& v, const std::string& at, const std::string& what) {
        if (v && v->is_string()) return v->get<std::string>();
        if (v && (v->is_number() || v->is_boolean())) return v->dump();
        fail(s, at, what + " must be a string");
    }

    // The value of `j`; nullopt for AWS::NoValue.
    std::optional<nlohmann::json> eval(std::size_t s, const nlohmann::json& j, const std::string& at) {
        if (++depth_ > 200) fail(s, at, "intrinsic functions nested too deeply");
        struct Leave {
            int& d;
            ~Leave() { --d; }
        } leave{depth_};
        if (j.is_string()) {
            const auto& t = j.get_ref<const std::string&>();
            if (t.find("{{resolve:") != std::string::npos) return dynamic_references(s, t, at);
            return j;
        }
        if (j.is_array()) {
            nlohmann::json a = nlohmann::json::array();
            for (std::size_t i = 0; i < j.size(); ++i)
                if (auto v = eval(s, j[i], at + "/" + std::to_string(i))) a.push_back(std::move(*v));
            return a;
        }
        if (!j.is_object()) return j;
        if (is_function(j)) {
            nlohmann::json v = function(s, j.begin().key(), j.begin().value(), at + "/" + token(j.begin().key()));
            if (is_no_value(v)) return std::nullopt;
            return v;
        }
        nlohmann::json o = nlohmann::json::object();
        for (const auto& [k, v] : j.items())
            if (auto e = eval(s, v, at + "/" + token(k))) o[k] = std::move(*e);
        return o;
    }

    nlohmann::json ref(std::size_t s, const std::string& name, const std::string& at, bool in_sub = false) {
        const Stack& st = out_.stacks[s];
        if (name == "AWS::AccountId") return st.input.account;
        if (name == "AWS::Region") return st.input.region;
        if (name == "AWS::Partition") return partition_of(st.input.region);
        if (name == "AWS::URLSuffix") return partition_of(st.input.region) == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
        if (name == "AWS::StackName") return st.input.name;
        if (name == "AWS::StackId") return unknown(s, at, "AWS::StackId", "CloudFormation assigns a stack's id when it creates the stack");
        if (name == "AWS::NotificationARNs") return nlohmann::json::array({unknown(s, at, "AWS::NotificationARNs", "given at deployment")});
        if (auto p = states_[s].parameters.find(name); p != states_[s].parameters.end()) {
            if (in_sub && p->second.is_array()) fail(s, at, "Fn::Sub cannot substitute the list parameter '" + printable(name) + "'");
            return p->second;
        }
        if (st.resources.contains(name)) {
            Symbol sym{Symbol::Kind::reference, st.input.name, name, "", "Ref " + name, "", st.source->file(), at};
            return mark(intern(std::move(sym)));
        }
        if (auto nd = st.not_deployed.find(name); nd != st.not_deployed.end())
            fail(s, at, "Ref to '" + printable(name) + "', which is not created (its condition " + printable(nd->second) + " is false)");
        fail(s, at, "Ref to '" + printable(name) + "': no parameter, resource or pseudo parameter of that name");
    }

    nlohmann::json get_att(std::size_t s, const std::string& id, const std::string& attribute, const std::string& at) {
        const Stack& st = out_.stacks[s];
        if (!st.resources.contains(id)) {
            if (auto nd = st.not_deployed.find(id); nd != st.not_deployed.end())
                fail(s, at, "Fn::GetAtt of '" + printable(id) + "', which is not created (its condition " + printable(nd->second) + " is false)");
            fail(s, at, "Fn::GetAtt of '" + printable(id) + "': no resource of that name");
        }
        Symbol sym{Symbol::Kind::attribute, st.input.name, id, attribute, "Fn::GetAtt " + id + "." + attribute, "", st.source->file(), at};
        return mark(intern(std::move(sym)));
    }

    nlohmann::json function(std::size_t s, const std::string& fn, const nlohmann::json& arg, const std::string& at) {
        auto args = [&](std::size_t n) {
            if (!arg.is_array() || arg.size() != n) fail(s, at, fn + " takes a list of " + std::to_string(n) + " values");
        };
        auto value = [&](const nlohmann::json& j, const std::string& p) {
            auto v = eval(s, j, p);
            if (!v) fail(s, p, "AWS::NoValue cannot be an argument of " + fn);
            return std::move(*v);
        };
        if (fn == "Ref") {
            if (!arg.is_string()) fail(s, at, "Ref takes a name");
            const std::string& name = arg.get_ref<const std::string&>();
            if (name == "AWS::NoValue") return no_value();
            return ref(s, name, at);
        }
        if (fn == "Fn::GetAtt") {
            if (!arg.is_array() || arg.size() != 2 || !arg[0].is_string()) fail(s, at, "Fn::GetAtt takes [LogicalId, Attribute]");
            std::string attribute = as_text(s, eval(s, arg[1], at + "/1"), at + "/1", "Fn::GetAtt's attribute");
            if (has_symbol(attribute)) fail(s, at + "/1", "Fn::GetAtt's attribute must be known before deployment");
            return get_att(s, arg[0].get<std::string>(), attribute, at);
        }
        if (fn == "Fn::Join") {
            args(2);
            std::string delimiter = as_text(s, eval(s, arg[0], at + "/0"), at + "/0", "Fn::Join's delimiter");
            nlohmann::json list = value(arg[1], at + "/1");
            if (list.is_string() && only_symbol(list.get<std::string>()))
                return unknown(s, at, "Fn::Join of " + describe(list.get<std::string>()), "the list is known only at deployment");
            if (!list.is_array()) fail(s, at + "/1", "Fn::Join joins a list");
            std::string out;
            for (std::size_t i = 0; i < list.size(); ++i) {
                if (list[i].is_array() || list[i].is_object() || list[i].is_null()) fail(s, at + "/1/" + std::to_string(i), "Fn::Join joins strings");
                out += (i ? delimiter : "") + (list[i].is_string() ? list[i].get<std::string>() : list[i].dump());
            }
            return out;
        }
        if (fn == "Fn::Sub") return sub(s, arg, at);
        if (fn == "Fn::Select") {
            args(2);
            std::string index_text = as_text(s, eval(s, arg[0], at + "/0"), at + "/0", "Fn::Select's index");
            if (has_symbol(index_text) || index_text.empty() || index_text.find_first_not_of("0123456789") != std::string::npos || index_text.size() > 9)
                fail(s, at + "/0", "Fn::Select's index must be a whole number");
            const std::size_t index = std::stoul(index_text);
            nlohmann::json list = value(arg[1], at + "/1");
            if (list.is_string()) {
                if (auto sym = only_symbol(list.get<std::string>())) {
                    Symbol e = out_.symbols[*sym];
                    e.origin = "Fn::Select " + index_text + " of " + e.origin;
                    e.attribute += "[" + index_text + "]";
                    e.pointer = at;
                    return mark(intern(std::move(e)));
                }
            }
            if (!list.is_array()) fail(s, at + "/1", "Fn::Select selects from a list");
            if (index >= list.size()) fail(s, at, "Fn::Select index " + index_text + " is beyond the list's " + std::to_string(list.size()) + " elements");
            return list[index];
        }
        if (fn == "Fn::Split") {
            args(2);
            std::string delimiter = as_text(s, eval(s, arg[0], at + "/0"), at + "/0", "Fn::Split's delimiter");
            std::string text = as_text(s, eval(s, arg[1], at + "/1"), at + "/1", "Fn::Split's source");
            if (delimiter.empty()) fail(s, at + "/0", "Fn::Split needs a delimiter");
            if (has_symbol(text))
                return unknown(s, at, "Fn::Split of " + describe(text), "the text is known only at deployment");
            nlohmann::json out = nlohmann::json::array();
            std::size_t from = 0;
            while (true) {
                auto d = text.find(delimiter, from);
                out.push_back(text.substr(from, d == std::string::npos ? std::string::npos : d - from));
                if (d == std::string::npos) break;
                from = d + delimiter.size();
            }
            return out;
        }
        if (fn == "Fn::If") {
            if (!arg.is_array() || arg.size() != 3 || !arg[0].is_string()) fail(s, at, "Fn::If takes [condition name, value if true, value if false]");
            bool c = condition(s, arg[0].get<std::string>(), at + "/0");
            auto v = eval(s, arg[c ? 1 : 2], at + (c ? "/1" : "/2"));
            return v ? *v : no_value();
        }
        if (fn == "Fn::FindInMap") {
            if (!arg.is_array() || arg.size() != 3) fail(s, at, "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]");
            std::string keys[3];
            for (int i = 0; i < 3; ++i) {
                keys[i] = as_text(s, eval(s, arg[i], at + "/" + std::to_string(i)), at + "/" + std::to_string(i), "a Fn::FindInMap key");
                if (has_symbol(keys[i])) fail(s, at + "/" + std::to_string(i), "a Fn::FindInMap key must be known before deployment (" + describe(keys[i]) + ")");
            }
            const auto& doc = states_[s].expanded.document;
            const nlohmann::json* m = doc.contains("Mappings") && doc["Mappings"].is_object() && doc["Mappings"].contains(keys[0]) ? &doc["Mappings"][keys[0]] : nullptr;
            if (!m) fail(s, at + "/0", "no mapping named '" + printable(keys[0]) + "'");
            if (!m->is_object() || !m->contains(keys[1]) || !(*m)[keys[1]].is_object())
                fail(s, at + "/1", "mapping '" + printable(keys[0]) + "' has no key '" + printable(keys[1]) + "'");
            if (!(*m)[keys[1]].contains(keys[2]))
                fail(s, at + "/2", "mapping '" + printable(keys[0]) + "' has no key '" + printable(keys[1]) + "' / '" + printable(keys[2]) + "'");
            return (*m)[keys[1]][keys[2]];
        }
        if (fn == "Fn::ImportValue") {
            std::string name = as_text(s, eval(s, arg, at), at, "Fn::ImportValue's export name");
            if (has_symbol(name)) fail(s, at, "Fn::ImportValue's export name must be known before deployment (" + describe(name) + ")");
            return import(s, name, at);
        }
        if (fn == "Fn::Base64") {
            std::string text = as_text(s, eval(s, arg, at), at, "Fn::Base64's value");
            if (has_symbol(text)) return unknown(s, at, "Fn::Base64 of " + describe(text), "its text is known only at deployment");
            return base64(text);
        }
        if (fn == "Fn::GetAZs")
            return unknown(s, at, "Fn::GetAZs", "the Availability Zones an account sees are known only to that account");
        if (fn == "Fn::Cidr") {
            args(3);
            std::string block = as_text(s, eval(s, arg[0], at + "/0"), at + "/0", "Fn::Cidr's block");
            std::string count = as_text(s, eval(s, arg[1], at + "/1"), at + "/1", "Fn::Cidr's count");
            std::string bits = as_text(s, eval(s, arg[2], at + "/2"), at + "/2", "Fn::Cidr's bits");
            if (has_symbol(block) || has_symbol(count) || has_symbol(bits))
                return unknown(s, at, "Fn::Cidr of " + describe(block + count + bits), "its block is known only at deployment");
            auto number = [&](const std::string& t, const std::string& p) {
                if (t.empty() || t.size() > 4 || t.find_first_not_of("0123456789") != std::string::npos) fail(s, p, "expected a whole number");
                return std::stoll(t);
            };
            auto list = cidr_split(block, number(count, at + "/1"), number(bits, at + "/2"));
            if (!list) fail(s, at, "Fn::Cidr cannot carve " + count + " subnets of " + bits + " host bits out of '" + printable(block) + "'");
            return *list;
        }
        if (fn == "Condition") fail(s, at, "Condition is valid only in a condition (Fn::If names conditions directly)");
        if (fn == "Fn::Equals" || fn == "Fn::And" || fn == "Fn::Or" || fn == "Fn::Not")
            fail(s, at, fn + " is a condition function: valid only in the Conditions section (use Fn::If with a condition name)");
        if (fn == "Fn::Transform") fail(s, at, "Fn::Transform (a macro) is not supported: xc cannot know what the macro generates");
        fail(s, at, "unknown intrinsic function '" + printable(fn) + "'");
    }

    static nlohmann::json no_value() { return nlohmann::json::object({{"\xEE\x80\x80novalue", true}}); }
    static bool is_no_value(const nlohmann::json& j) { return j.is_object() && j.size() == 1 && j.contains("\xEE\x80\x80novalue"); }

private:
    nlohmann::json sub(std::size_t s, const nlohmann::json& arg, const std::string& at) {
        std::string text;
        std::map<std::string, nlohmann::json> vars;
        std::string text_at = at;
        if (arg.is_string()) {
            text = arg.get<std::string>();
        } else if (arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_object()) {
            text = arg[0].get<std::string>();
            text_at = at + "/0";
            for (const auto& [k, v] : arg[1].items()) {
                auto e = eval(s, v, at + "/1/" + token(k));
                if (!e) fail(s, at + "/1/" + token(k), "a Fn::Sub variable cannot be AWS::NoValue");
                if (!e->is_string() && !e->is_number() && !e->is_boolean()) fail(s, at + "/1/" + token(k), "a Fn::Sub variable is a string");
                vars[k] = e->is_string() ? *e : nlohmann::json(e->dump());
            }
        } else {
            fail(s, at, "Fn::Sub takes a string, or [string, {variables}]");
        }
        std::string out;
        for (std::size_t i = 0; i < text.size();) {
            if (text.compare(i, 2, "${") != 0) {
                out += text[i++];
                continue;
            }
            auto close = text.find('}', i);
            if (close == std::string::npos) {
                out += text.substr(i);
                break;
            }
            std::string name = text.substr(i + 2, close - i - 2);
            i = close + 1;
            if (!name.empty() && name[0] == '!') {  // "${!Literal}" writes "${Literal}"
                out += "${" + name.substr(1) + "}";
                continue;
            }
            std::string trimmed = name;
            while (!trimmed.empty() && trimmed.front() == ' ') trimmed.erase(trimmed.begin());
            while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
            if (auto v = vars.find(trimmed); v != vars.end()) {
                out += v->second.get<std::string>();
                continue;
            }
            nlohmann::json value;
            if (auto dot = trimmed.find('.'); dot != std::string::npos && trimmed.rfind("AWS::", 0) != 0)
                value = get_att(s, trimmed.substr(0, dot), trimmed.substr(dot + 1), text_at);
            else
                value = ref(s, trimmed, text_at, true);
            if (is_no_value(value)) fail(s, text_at, "Fn::Sub cannot substitute AWS::NoValue");
            out += value.is_string() ? value.get<std::string>() : value.dump();
        }
        if (out.find("{{resolve:") != std::string::npos) return dynamic_references(s, out, at);
        return out;
    }

    // "{{xc:output:STACK/OUTPUT}}": a parameter given the value another given stack's output has
    // once deployed (what a deploy script reads with `aws cloudformation describe-stacks`).
    nlohmann::json output_reference(std::size_t s, const std::string& text, const std::string& at) {
        const std::string prefix = "{{xc:output:";
        const auto slash = text.find('/');
        if (!text.ends_with("}}") || slash == std::string::npos)
            fail(s, at, "malformed output reference '" + printable(text) + "' (expected {{xc:output:STACK/OUTPUT}})");
        const std::string stack = text.substr(prefix.size(), slash - prefix.size());
        const std::string output = text.substr(slash + 1, text.size() - 2 - slash - 1);
        for (std::size_t o = 0; o < out_.stacks.size(); ++o) {
            if (out_.stacks[o].input.name != stack) continue;
            if (o == s) fail(s, at, "a stack's parameter cannot be its own output");
            ensure(o);
            auto it = out_.stacks[o].outputs.find(output);
            if (it == out_.stacks[o].outputs.end()) fail(s, at, "stack '" + printable(stack) + "' has no output '" + printable(output) + "'");
            return it->second;
        }
        fail(s, at, "no given stack is named '" + printable(stack) + "' (in " + printable(text) + ")");
    }

    nlohmann::json import(std::size_t s, const std::string& name, const std::string& at) {
        const StackInput& in = out_.stacks[s].input;
        for (std::size_t o = 0; o < out_.stacks.size(); ++o) {
            if (o == s) continue;
            const StackInput& other = out_.stacks[o].input;
            if (other.account != in.account || other.region != in.region) continue;
            ensure(o);
            if (auto e = out_.stacks[o].exports.find(name); e != out_.stacks[o].exports.end()) return e->second;
        }
        return unknown(s, at, "Fn::ImportValue " + name,
                       "no given stack in account " + in.account + " and region " + in.region + " exports '" + name + "'");
    }

    // A string holding dynamic references: a whole-string reference is its value; references
    // inside a longer string are unknown parts of it.
    nlohmann::json dynamic_references(std::size_t s, const std::string& text, const std::string& at) {
        std::string out;
        std::size_t i = 0;
        while (i < text.size()) {
            auto open = text.find("{{resolve:", i);
            if (open == std::string::npos) {
                out += text.substr(i);
                break;
            }
            auto close = text.find("}}", open);
            if (close == std::string::npos) fail(s, at, "unterminated dynamic reference '{{resolve:...'");
            out += text.substr(i, open - i);
            out += dynamic_reference(s, text.substr(open, close + 2 - open), at).get<std::string>();
            i = close + 2;
        }
        return out;
    }

    nlohmann::json dynamic_reference(std::size_t s, const std::string& reference, const std::string& at) {
        if (reference.size() < 12 || reference.rfind("{{resolve:", 0) != 0 || reference.compare(reference.size() - 2, 2, "}}") != 0)
            fail(s, at, "malformed dynamic reference '" + printable(reference) + "' (expected {{resolve:service:reference}})");
        const std::string body = reference.substr(10, reference.size() - 12);
        const auto colon = body.find(':');
        const std::string service = body.substr(0, colon);
        if (colon == std::string::npos || (service != "secretsmanager" && service != "ssm" && service != "ssm-secure"))
            fail(s, at, "dynamic reference '" + printable(reference) + "': the service is secretsmanager, ssm or ssm-secure");
        std::string rest = body.substr(colon + 1);
        if (service != "secretsmanager")
            return unknown(s, at, reference, "a Parameter Store value is read at deployment; xc does not read it");
        // secret-id[:SecretString[:json-key[:version-stage[:version-id]]]]: the id is a name or an
        // ARN (whose own colons come first: arn:partition:secretsmanager:region:account:secret:name).
        std::string id = rest, tail;
        if (rest.rfind("arn:", 0) == 0) {
            std::size_t c = 0;
            for (int k = 0; k < 7 && c != std::string::npos; ++k) c = rest.find(':', c + (k ? 1 : 0));
            if (c != std::string::npos) {
                id = rest.substr(0, c);
                tail = rest.substr(c);
            }
        } else if (auto c = rest.find(':'); c != std::string::npos) {
            id = rest.substr(0, c);
            tail = rest.substr(c);
        }
        // Only the whole current value (no JSON key, the default stage) is linkable.
        const bool whole = tail.empty() || tail == ":SecretString" || tail == ":SecretString:" || tail == ":SecretString::" ||
                           tail == ":SecretString:::" || tail == ":SecretString::AWSCURRENT" || tail == ":SecretString::AWSCURRENT:";
        auto v = unknown(s, at, reference,
                         whole ? "no given stack creates the secret '" + id + "' in a place this stack can read it from"
                               : "a JSON key, version stage or version id of a secret is read at deployment; xc links only a secret's whole current value");
        if (whole) pending_.push_back({*only_symbol(v.get<std::string>()), id, s});
        return v;
    }

    // Links each secretsmanager reference to the secret a given stack creates, by ARN (the
    // secret's full or partial ARN) or, in the same account and region, by name.
    void link_secrets() {
        for (const auto& p : pending_) {
            const StackInput& reader = out_.stacks[p.stack].input;
            std::vector<std::pair<std::string, std::string>> found;  // (stack, logical id)
            for (const auto& st : out_.stacks)
                for (const auto& [id, r] : st.resources) {
                    if (r.type != "AWS::SecretsManager::Secret" || !r.properties.contains("Name") || !r.properties["Name"].is_string()) continue;
                    const std::string name = r.properties["Name"].get<std::string>();
                    if (has_symbol(name)) continue;
                    const std::string arn = "arn:" + partition_of(st.input.region) + ":secretsmanager:" + st.input.region + ":" + st.input.account + ":secret:" + name;
                    const bool same_place = st.input.account == reader.account && st.input.region == reader.region;
                    // "Secrets Manager adds a hyphen and six random characters after the secret name":
                    // a full ARN is the partial one, "-" and six characters.
                    const bool full_arn = p.secret_id.size() == arn.size() + 7 && p.secret_id.compare(0, arn.size() + 1, arn + "-") == 0;
                    if (p.secret_id == arn || full_arn || (same_place && p.secret_id == name)) found.emplace_back(st.input.name, id);
                }
            if (found.size() != 1) continue;  // none, or ambiguous: stays unknown
            Symbol& sym = out_.symbols[p.symbol];
            sym.kind = Symbol::Kind::secret;
            sym.stack = found[0].first;
            sym.logical_id = found[0].second;
        }
    }

    std::function<Expanded(const TemplateSource&)> expand_;
    Evaluation out_;
    std::vector<State> states_;
    std::map<std::string, std::size_t> interned_;
    std::vector<PendingSecret> pending_;
    int depth_ = 0;
};

}  // namespace detail

// Evaluate the stacks together (see the header comment). `expand` applies the transforms to a
// template (SAM); the identity keeps plain CloudFormation. Throws InputError, located, on the
// first template error.
inline Evaluation evaluate(std::vector<StackInput> inputs, std::vector<std::shared_ptr<const TemplateSource>> sources,
                           std::function<Expanded(const TemplateSource&)> expand) {
    detail::Evaluator e(std::move(inputs), std::move(expand));
    return e.run(std::move(sources));
}

}  // namespace xc::input::cloudformation
