// Terraform roots -> the typed model: what `load_roots` read (every resource and data source
// instance, evaluated and linked across roots) becomes the same `model::Model` our JSON format
// yields, so that verify, graph and emit work on Terraform exactly as on a model.
//
// Scopes and names (how graph ids, and so findings' subjects, come about):
//  - A scope is a root, or a top-level module instance of a root (`module.svc["food"]` -> scope
//    "food", `module.svc` -> "svc", `module.svc[0]` -> "svc-0"). Every scope in the account
//    that creates the execute-api interface endpoints is the one consumer scope, "consumer";
//    the others are services. A model resource is named after its Terraform resource name and
//    key inside its scope (`aws_lambda_function.get_order` -> "get_order",
//    `aws_lambda_function.handler["get-order"]` -> "handler-get-order"; names inside nested
//    modules are prefixed by the module names). Accounts are named after the first root (in
//    the order given) that deploys into them.
//  - For roots `xc emit --target terraform` wrote, the model's subject `S/K/N` is
//    `S/K/identifier(N)` (emit/lowering/identifier.hpp), the consumer's scope stays "consumer",
//    and accounts keep their names (one root per account, named after it).
//
// Soundness: a value xc cannot map exactly is never guessed. An unknown that nothing links, a
// setting xc does not model, a resource type xc does not map that can change a verdict (a
// policy attachment, an authorizer, a second stage...) each become a `model::Unresolved` on the
// model resource it affects (model/unresolved.hpp); the value itself gets a placeholder. Other
// resource types are listed as not modelled. Provider defaults relied upon are cited where used.
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/error.hpp"
#include "xc/input/detail/api_callers.hpp"
#include "xc/input/detail/only_its_secrets.hpp"
#include "xc/input/detail/openapi_authorization.hpp"
#include "xc/input/terraform/link.hpp"
#include "xc/input/terraform/openapi_body.hpp"
#include "xc/model/check.hpp"
#include "xc/model/identity.hpp"
#include "xc/model/model.hpp"
#include "xc/model/policy_pool.hpp"
#include "xc/policy/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <unordered_map>
#include <vector>

namespace xc::input::terraform {

// A resource or data source instance xc read but does not model, and that changes no verdict
// xc proves (tags, log groups, deployments...): listed so that nothing is silently dropped.
struct NotModelled {
    std::string root;
    std::string address;
    std::string type;
    Location at;
};

struct MappedModel {
    model::Model model;
    std::vector<NotModelled> not_modelled;
};

namespace detail {

// Where each model path was written: the .tf file, line:column and the Terraform address.
class TerraformSourceMap : public model::SourceLocator {
public:
    void add(const std::string& path, Location at) { at_.emplace(path, std::move(at)); }
    Location locate(std::string_view path) const override {
        std::string p(path);
        while (true) {
            if (auto it = at_.find(p); it != at_.end()) return it->second;
            auto slash = p.rfind('/');
            if (slash == std::string::npos || p.empty()) return Location{"", {}, std::string(path)};
            p.resize(slash);
        }
    }

private:
    std::map<std::string, Location> at_;
};

inline std::string pointer_token(const std::string& s) { return json_pointer::escape(s); }

// A mapped instance: where it is and which model resource it became.
struct Inst {
    std::size_t root = 0;
    const ResourceInstance* r = nullptr;
    std::string scope;  // model scope name
    std::string name;   // model resource name within the scope
    std::string path;   // model path of what it became ("" until mapped)
};

// One row per resource type xc maps: when it is mapped (creators first, then what attaches to
// them) and how.
class Mapper;
struct TypeMapping {
    const char* type;
    int phase;  // 1: creates a model resource; 2: attaches to one; 3: attaches to what phase 2 made
    void (*map)(Mapper&, Inst&);
};

class Mapper {
public:
    Mapper(const std::vector<RootInput>& roots, const std::vector<Configuration>& configs) : roots_(roots), configs_(configs) {}

    MappedModel run();

    // --- helpers the type mappings use ----------------------------------------------------
    model::Model& m() { return model_; }
    model::Scope& scope(const Inst& i) { return i.scope == "consumer" ? model_.consumer : model_.services.at(i.scope); }
    std::string scope_path(const std::string& scope) const { return scope == "consumer" ? "/consumer" : "/services/" + pointer_token(scope); }

    static const Value* arg(const ResourceInstance& r, const std::string& name) {
        if (!r.attributes.is_known() || !r.attributes.is_mapping()) return nullptr;
        auto it = r.attributes.attributes().find(name);
        if (it == r.attributes.attributes().end() || (it->second.is_known() && it->second.is_null())) return nullptr;
        return &it->second;
    }
    static const Value* field(const Value& object, const std::string& name) {
        if (!object.is_known() || object.is_null() || !object.is_mapping()) return nullptr;
        auto it = object.attributes().find(name);
        if (it == object.attributes().end() || (it->second.is_known() && it->second.is_null())) return nullptr;
        return &it->second;
    }
    // Nested blocks (tuples of objects); empty when none.
    static std::vector<const Value*> blocks(const Value* v) {
        std::vector<const Value*> out;
        if (!v || !v->is_known() || v->is_null()) return out;
        if (v->is_mapping()) out.push_back(v);
        else if (v->is_sequence())
            for (const auto& e : v->elements()) out.push_back(&e);
        return out;
    }

    // Where `i` (or its argument `name`) is written.
    Location location(const Inst& i, const std::string& name = "") const {
        const hcl::Range r = name.empty() ? i.r->block->range : i.r->argument_range(name);
        return Location{std::string(r.file), {r.start.line, r.start.column}, qualified(i, i.r->address)};
    }
    std::string qualified(const Inst& i, const std::string& address) const {
        return roots_.size() > 1 ? "[" + roots_[i.root].name + "] " + address : address;
    }
    // Records that the model path `path` was written at instance `i` (argument `name`).
    void written(const std::string& path, const Inst& i, const std::string& name = "") { source_->add(path, location(i, name)); }

    [[noreturn]] void fail(const Inst& i, const std::string& name, const std::string& message) {
        Location at = location(i, name);
        throw InputError(Diagnostic{at.file, at.path, at.position, message, ""});
    }

    void unresolved(const std::string& resource, const std::string& value, const std::string& origin, const std::string& reason) {
        model::Unresolved u{resource, value, origin, reason};
        if (std::find(model_.unresolved.begin(), model_.unresolved.end(), u) == model_.unresolved.end()) model_.unresolved.push_back(std::move(u));
    }

    // A known string argument; nullopt when absent. An unknown one: nullopt, and Unresolved on
    // `affects` when given, else an error.
    std::optional<std::string> text(Inst& i, const Value* v, const std::string& name, const std::string& affects = "") {
        if (!v) return std::nullopt;
        if (v->is_known() && v->type().kind() == Type::Kind::String) return v->as_string();
        if (v->is_known() && (v->type().kind() == Type::Kind::Number || v->type().kind() == Type::Kind::Bool)) return convert(*v, Type::string()).as_string();
        if (!affects.empty()) {
            unresolved(affects, affects + "/" + name, origin_text(*v), "'" + name + "' is not known before apply");
            return std::nullopt;
        }
        fail(i, name, "'" + name + "' must be known before apply for xc to map " + i.r->type + (v->is_known() ? "" : " (it depends on " + origin_text(*v) + ")"));
    }
    std::optional<std::string> text(Inst& i, const std::string& name, const std::string& affects = "") { return text(i, arg(*i.r, name), name, affects); }
    std::string text_or(Inst& i, const std::string& name, const std::string& fallback, const std::string& affects = "") {
        auto t = text(i, name, affects);
        return t ? *t : fallback;
    }
    std::optional<bool> flag(Inst& i, const std::string& name, const std::string& affects) {
        const Value* v = arg(*i.r, name);
        if (!v) return std::nullopt;
        if (v->is_known() && v->type().kind() == Type::Kind::Bool) return v->as_bool();
        if (v->is_known()) {
            try {
                return convert(*v, Type::boolean()).as_bool();
            } catch (const ConversionError&) {
                fail(i, name, "'" + name + "' must be a bool");
            }
        }
        unresolved(affects, affects + "/" + name, origin_text(*v), "'" + name + "' is not known before apply");
        return std::nullopt;
    }
    std::optional<long long> number(Inst& i, const std::string& name, const std::string& affects) {
        const Value* v = arg(*i.r, name);
        if (!v) return std::nullopt;
        if (v->is_known()) {
            try {
                auto n = convert(*v, Type::number()).as_number().to_int64();
                if (n) return *n;
            } catch (const ConversionError&) {
            }
            fail(i, name, "'" + name + "' must be a whole number");
        }
        unresolved(affects, affects + "/" + name, origin_text(*v), "'" + name + "' is not known before apply");
        return std::nullopt;
    }
    static std::string origin_text(const Value& v) {
        auto o = v.unknown_origins();
        std::string s;
        for (const auto& x : o) s += (s.empty() ? "" : ", ") + x;
        return s.empty() ? "an unknown value" : s;
    }

    // The instance (and attribute) `v` is exactly an attribute of, seen from root `root`.
    std::optional<std::pair<Inst*, std::string>> target(std::size_t root, const Value& v) {
        if (v.is_known() || !v.exact()) return std::nullopt;
        return target_of_origin(root, v.origins().front());
    }
    std::optional<std::pair<Inst*, std::string>> target_of_origin(std::size_t root, std::string origin) {
        if (!origin.empty() && origin[0] == '[') {
            auto close = origin.find("] ");
            if (close == std::string::npos) return std::nullopt;
            auto name = origin.substr(1, close - 1);
            origin = origin.substr(close + 2);
            auto it = root_by_name_.find(name);
            if (it == root_by_name_.end()) return std::nullopt;
            root = it->second;
        }
        for (auto dot = origin.rfind('.'); dot != std::string::npos && dot > 0; dot = origin.rfind('.', dot - 1)) {
            auto it = by_address_.find(std::to_string(root) + '\x1f' + origin.substr(0, dot));
            if (it != by_address_.end()) return std::make_pair(it->second, origin.substr(dot + 1));
            if (dot == 0) break;
        }
        return std::nullopt;
    }
    // The mapped instance `v` refers to, of one of `types`, through one of `attributes`.
    Inst* ref(const Inst& from, const Value* v, std::initializer_list<const char*> types, std::initializer_list<const char*> attributes = {"id"}) {
        if (!v) return nullptr;
        if (v->is_known() && v->type().kind() == Type::Kind::String) {
            for (const char* x : types)
                if (Inst* t = by_name(from, x, v->as_string())) return t;
            return nullptr;
        }
        auto t = target(from.root, *v);
        if (!t) return nullptr;
        bool type_ok = false, attr_ok = false;
        for (const char* x : types) type_ok |= t->first->r->type == x;
        for (const char* a : attributes) attr_ok |= t->second == a;
        return type_ok && attr_ok ? t->first : nullptr;
    }
    // A reference to a configured attribute evaluates to its value (`aws_lambda_function.x.function_name`
    // is the name written there): the resource of `type` in `from`'s account and region that
    // configures that name (or whose ARN it is), if exactly one does.
    Inst* by_name(const Inst& from, const std::string& type, const std::string& text) {
        static const std::map<std::string, std::pair<const char*, const char*>> names{
            // type -> (argument holding the name, the ARN's text before the name)
            {"aws_lambda_function", {"function_name", ":function:"}},
            {"aws_dynamodb_table", {"name", ":table/"}},
            {"aws_api_gateway_domain_name", {"domain_name", nullptr}},
            {"aws_iam_role", {"name", ":role/"}},
            {"aws_secretsmanager_secret", {"name", nullptr}},
        };
        auto it = names.find(type);
        if (it == names.end()) return nullptr;
        // The instances of `type` by the name they configure (a scan per reference was quadratic
        // in the number of services).
        auto [index, fresh] = by_configured_name_.try_emplace(type);
        if (fresh)
            for (Inst* xp : managed(type))
                if (const Value* n = arg(*xp->r, it->second.first); n && n->is_known() && n->type().kind() == Type::Kind::String)
                    index->second[n->as_string()].push_back(xp);
        // The names `text` can stand for: itself, and for an ARN each tail after a ':' or '/' (the
        // text before a name in an ARN ends in one of them: ":function:", ":table/", and a role's
        // path, which "must begin and end with /" — IAM API Reference, CreateRole, Path).
        std::vector<std::string> tail_texts;
        tail_texts.push_back(text);
        if (it->second.second && text.rfind("arn:", 0) == 0)
            for (std::size_t at = 0; at < text.size(); ++at)
                if (text[at] == ':' || text[at] == '/') tail_texts.push_back(text.substr(at + 1));
        std::vector<Inst*> candidates;
        for (const auto& t : tail_texts)
            if (auto c = index->second.find(t); c != index->second.end())
                for (Inst* x : c->second)
                    if (std::find(candidates.begin(), candidates.end(), x) == candidates.end()) candidates.push_back(x);
        Inst* found = nullptr;
        for (Inst* xp : candidates) {
            Inst& x = *xp;
            if (x.path.empty()) continue;  // not (yet) mapped
            if (x.r->placement.account != from.r->placement.account || x.r->placement.region != from.r->placement.region) continue;
            const std::string& name = arg(*x.r, it->second.first)->as_string();
            bool match = text == name;
            if (!match && it->second.second) {
                std::string before_name = it->second.second;
                // A role's ARN holds its path: "arn:aws:iam::ACCOUNT:role/PATH/NAME" (IAM User
                // Guide, "IAM identifiers", "IAM ARNs"; the provider's `path` defaults to "/").
                if (type == "aws_iam_role")
                    if (const Value* p = arg(*x.r, "path")) {
                        if (!p->is_known() || p->type().kind() != Type::Kind::String) continue;
                        before_name = ":role" + p->as_string();
                    }
                const std::string suffix = before_name + name;
                match = text.rfind("arn:", 0) == 0 && text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                        text.find(":" + x.r->placement.account + ":") != std::string::npos;
            }
            if (!match) continue;
            if (found) return nullptr;
            found = &x;
        }
        return found;
    }

    // Like ref, but a value that names no mapped instance is an error, or Unresolved on `affects`.
    Inst* require(Inst& i, const std::string& name, std::initializer_list<const char*> types, std::initializer_list<const char*> attributes,
                  const std::string& affects = "") {
        const Value* v = arg(*i.r, name);
        if (Inst* t = ref(i, v, types, attributes); t && !t->path.empty()) return t;
        std::string what = !v ? "is not set" : v->is_known() ? "is a literal, not a reference to a resource the given roots create" : "depends on " + origin_text(*v);
        std::string expected;
        for (const char* x : types) expected += (expected.empty() ? "" : " or ") + std::string(x);
        if (!affects.empty()) {
            const std::string origin = !v ? i.r->address + "." + name : v->is_known() ? display(*v) : origin_text(*v);
            unresolved(affects, affects, origin, "'" + name + "' " + what + ": xc needs the " + expected + " it names");
            return nullptr;
        }
        fail(i, name, "'" + name + "' " + what + ": xc maps only a reference to a " + expected + " of the given roots");
    }
    std::vector<Inst*> refs(Inst& i, const std::string& name, std::initializer_list<const char*> types, const std::string& affects = "",
                            std::initializer_list<const char*> attributes = {"id"}) {
        std::vector<Inst*> out;
        const Value* v = arg(*i.r, name);
        if (!v) return out;
        if (!v->is_known() || !v->is_sequence()) {
            if (!affects.empty()) unresolved(affects, affects, origin_text(*v), "'" + name + "' is not known before apply");
            else fail(i, name, "'" + name + "' must be a list known before apply (it depends on " + origin_text(*v) + ")");
            return out;
        }
        for (const auto& e : v->elements()) {
            Inst* t = ref(i, &e, types, attributes);
            if (t && !t->path.empty()) {
                out.push_back(t);
                continue;
            }
            std::string expected;
            for (const char* x : types) expected += (expected.empty() ? "" : " or ") + std::string(x);
            std::string what = e.is_known() ? "'" + (e.type().kind() == Type::Kind::String ? e.as_string() : display(e)) + "'" : origin_text(e);
            if (!affects.empty()) unresolved(affects, affects, what, "an element of '" + name + "' is no " + expected + " the given roots create");
            else fail(i, name, "an element of '" + name + "' (" + what + ") is no " + expected + " the given roots create");
        }
        return out;
    }

    // An IAM policy document argument (jsonencode with unknown parts, JSON text, or an
    // aws_iam_policy_document's json) as JSON, unknown parts resolved where they are exactly a
    // value the model knows, else placeholders with Unresolved on `affects`; nullopt if absent.
    std::optional<nlohmann::json> document(Inst& i, const std::string& name, const std::string& affects, const std::string& self_api_arn_origin = "") {
        const Value* v = arg(*i.r, name);
        if (!v) return std::nullopt;
        document_source_ = location(i, name);  // where the next policy_document() was written
        return document_of(i, name, *v, i.r->encoded.count(name) ? &i.r->encoded.at(name) : nullptr, affects, self_api_arn_origin);
    }
    std::optional<nlohmann::json> document_of(Inst& i, const std::string& name, const Value& v, const Value* encoded, const std::string& affects,
                                              const std::string& self_api_arn_origin) {
        if (encoded) return to_json(i, *encoded, affects, self_api_arn_origin);
        if (v.is_known() && v.type().kind() == Type::Kind::String) {
            try {
                return nlohmann::json::parse(v.as_string());
            } catch (const nlohmann::json::exception& e) {
                fail(i, name, "'" + name + "' is not JSON: " + e.what());
            }
        }
        if (auto t = target(i.root, v); t && t->first->r->type == "aws_iam_policy_document" && t->second == "json" && t->first->r->encoded.count("json"))
            return to_json(i, t->first->r->encoded.at("json"), affects, self_api_arn_origin);
        if (auto t = target(i.root, v); t && t->first->r->type == "aws_iam_policy" && t->second == "policy" && !t->first->r->data)
            return document(*t->first, "policy", affects, self_api_arn_origin);
        unresolved(affects, affects + "/" + name, origin_text(v), "the policy document '" + name + "' is not known before apply");
        return nlohmann::json::object({{"Version", "2012-10-17"}, {"Statement", nlohmann::json::array()}});
    }

    // A string's model value: known text, or an exact unknown the model knows (an endpoint's
    // id), or a template of those; else a placeholder naming the unknown, and Unresolved.
    std::string string_value(Inst& i, const Value& v, const std::string& affects, const std::string& self_api_arn_origin = "") {
        if (v.is_known()) return v.type().kind() == Type::Kind::String ? v.as_string() : convert(v, Type::string()).as_string();
        if (v.exact()) {
            if (auto s = known_attribute(i.root, v.origins().front(), self_api_arn_origin)) return *s;
        } else if (const auto* parts = v.template_parts()) {
            std::string out;
            bool ok = true;
            for (const auto& p : *parts) {
                if (!p.unknown) {
                    out += p.text;
                    continue;
                }
                auto s = known_attribute(i.root, p.text, self_api_arn_origin);
                if (!s) {
                    ok = false;
                    break;
                }
                out += *s;
            }
            if (ok) return out;
        }
        unresolved(affects, affects, origin_text(v), "not known before apply and not linked to anything the given roots create");
        return "${" + origin_text(v) + "}";
    }

    nlohmann::json to_json(Inst& i, const Value& v, const std::string& affects, const std::string& self_api_arn_origin) {
        if (!v.is_known() || (v.type().kind() == Type::Kind::String)) return string_value(i, v, affects, self_api_arn_origin);
        if (v.is_null()) return nullptr;
        switch (v.type().kind()) {
            case Type::Kind::Bool: return v.as_bool();
            case Type::Kind::Number: {
                if (auto n = v.as_number().to_int64()) return *n;
                return nlohmann::json::parse(v.as_number().text());
            }
            default: break;
        }
        if (v.is_sequence()) {
            auto out = nlohmann::json::array();
            for (const auto& e : v.elements()) out.push_back(to_json(i, e, affects, self_api_arn_origin));
            return out;
        }
        auto out = nlohmann::json::object();
        for (const auto& [k, e] : v.attributes()) out[k] = to_json(i, e, affects, self_api_arn_origin);
        return out;
    }

    // What the model knows an attribute by, exactly: an interface endpoint's id (its model
    // id), the API's own execution ARN inside its own policy ("execute-api:" — API Gateway
    // resource policies name the API itself so), a table's or function's name and ARN.
    std::optional<std::string> known_attribute(std::size_t root, const std::string& origin, const std::string& self_api_arn_origin) {
        auto qualified_self = [&] {
            if (self_api_arn_origin.empty()) return false;
            auto a = target_of_origin(root, origin), b = target_of_origin(root, self_api_arn_origin);
            return a && b && a->first == b->first && a->second == b->second;
        }();
        // "execute-api:/stage/method/path" in a REST API's resource policy is that API's own
        // ARN: API Gateway Developer Guide, "API Gateway resource policy examples": "the
        // execute-api:/ prefix ... refers to the current API" ("Resource": "execute-api:/*").
        if (qualified_self) return std::string("execute-api:");
        auto t = target_of_origin(root, origin);
        if (!t || t->first->path.empty()) return std::nullopt;
        Inst& x = *t->first;
        const std::string& attr = t->second;
        const auto& type = x.r->type;
        if (type == "aws_vpc_endpoint" && attr == "id") {
            const auto* e = endpoint_of(x);
            if (e && !e->id.empty()) return e->id;
        }
        if (type == "aws_dynamodb_table" && (attr == "name" || attr == "id")) return scope(x).tables.at(x.name).table_name;
        if (type == "aws_dynamodb_table" && attr == "arn")
            return "arn:aws:dynamodb:" + model_.region + ":" + model_.accounts.at(scope(x).account).id + ":table/" + scope(x).tables.at(x.name).table_name;
        if (type == "aws_lambda_function" && !scope(x).lambdas.at(x.name).deployed_name.empty()) {
            // "arn:aws:lambda:REGION:ACCOUNT:function:NAME"; the invoke ARN API Gateway integrations
            // use: "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations"
            // (API Gateway Developer Guide, "Set up Lambda proxy integrations", uri).
            const std::string& name = scope(x).lambdas.at(x.name).deployed_name;
            const std::string arn = "arn:aws:lambda:" + model_.region + ":" + model_.accounts.at(scope(x).account).id + ":function:" + name;
            if (attr == "function_name") return name;
            if (attr == "arn") return arn;
            if (attr == "invoke_arn") return "arn:aws:apigateway:" + model_.region + ":lambda:path/2015-03-31/functions/" + arn + "/invocations";
        }
        return std::nullopt;
    }
    const model::VpcEndpoint* endpoint_of(const Inst& x) {
        auto& s = scope(x);
        auto it = s.vpc_endpoints.find(x.name);
        return it == s.vpc_endpoints.end() ? nullptr : &it->second;
    }

    // A policy document, parsed; its errors located in the .tf file (by the model path's source).
    model::PolicyDocument policy_document(nlohmann::json doc, const std::string& path) {
        if (document_source_) source_->add(path, *std::exchange(document_source_, std::nullopt));
        try {
            return policies_.document(doc, path);
        } catch (const InputError& e) {
            std::vector<Diagnostic> out;
            for (auto d : e.diagnostics()) out.push_back(d.file.empty() ? model_.located(std::move(d)) : std::move(d));
            throw InputError(std::move(out));
        }
    }

    // The model path of what instance `x` became, once mapped.
    Inst* find_inst(std::size_t root, const std::string& address) {
        auto it = by_address_.find(std::to_string(root) + '\x1f' + address);
        return it == by_address_.end() ? nullptr : it->second;
    }
    std::vector<Inst>& instances() { return insts_; }
    const std::vector<RootInput>& roots() const { return roots_; }

    // The scope a resource instance belongs to, and its name within it.
    static std::string scope_key(const ResourceInstance& r) {
        if (r.module.empty()) return "";
        // "module.NAME" or "module.NAME[KEY]", up to the next ".module." or the end.
        auto next = r.module.find(".module.", 7);
        return r.module.substr(0, next);
    }

    // The instance an ARN of a custom domain names: exactly its `arn`, or the first resource of
    // a RAM share another root creates and this root reads by name (the domain shared with the
    // consumer, which associates its endpoint with it).
    Inst* domain_by_arn(const Inst& i, const Value& v);
    // The interface endpoint a value is the id of: exactly, or through an aws_vpc_endpoint data
    // source that selects it by tags alone, in its account and region.
    Inst* endpoint_by_value(const Inst& i, const Value& v);
    // The secret, created by another root, holding an endpoint's id, that a data source `api`
    // refers to reads (by name or partial ARN, as load_roots linked it).
    std::optional<model::Ref> secret_read(const Inst& api, const std::string& path);
    // Every mapped function's invoke ARN (as the model states it) -> its instance.
    const std::map<std::string, Inst*>& lambda_invoke_arns(std::size_t root);
    // The instance whose instance profile holds `x` (an aws_iam_role or aws_iam_instance_profile):
    // what the model states as the instance's `ssm` (emit/lowering.hpp writes that role, its
    // AmazonSSMManagedInstanceCore attachment and the profile); nullptr for any other, and for a
    // role a function also runs as.
    const Inst* instance_holding(const Inst& x);
    // The value of tag `key` of a resource (its `tags`), if stated.
    static const Value* tag_of(const Inst& x, const char* key) {
        const Value* tags = arg(*x.r, "tags");
        return tags && tags->is_known() && tags->is_mapping() ? field(*tags, key) : nullptr;
    }
    // Each API's callers: the consumer's roles tagged "xc:calls" (input/detail/api_callers.hpp).
    void link_api_callers();
    // The id an `import` block of the root module gives instance `i` (a literal string), if any.
    std::optional<std::string> imported_id(const Inst& i) const {
        if (!i.r->module.empty()) return std::nullopt;  // import blocks live in the root module
        const ModuleConfig* root = nullptr;
        for (const auto& m : configs_[i.root].modules)
            if (m->dir == configs_[i.root].root) root = m.get();
        if (!root) return std::nullopt;
        for (const hcl::Block* b : root->imports) {
            const hcl::Expr* to = nullptr;
            const hcl::Expr* id = nullptr;
            for (const auto& a : b->body->attributes) {
                if (a.name == "to") to = a.value;
                if (a.name == "id") id = a.value;
            }
            if (!to || !id || !to->is_scope_traversal() || !id->is_string_literal()) continue;
            std::string address(to->text);
            for (const auto& s : to->steps) {
                if (s.kind == hcl::Step::Kind::Attr) address += "." + std::string(s.name);
                else if (s.key && s.key->is_string_literal()) address += "[\"" + std::string(s.key->children[0]->text) + "\"]";
                else if (s.key && s.key->kind == hcl::ExprKind::Literal) address += "[" + std::string(s.key->text) + "]";
            }
            if (address == i.r->address) return std::string(id->children[0]->text);
        }
        return std::nullopt;
    }
    void not_modelled(const Inst& i) { not_modelled_.push_back(NotModelled{roots_[i.root].name, i.r->address, i.r->type, location(i)}); }

    // State the type mappings share while they attach resources to one another.
    std::map<const Inst*, model::Vpc*> subnet_vpc_, rt_vpc_;
    std::set<std::string> local_names_;  // the mapped instances' local names: "scope\x1ftype\x1fname"
    // Takes `name` for `x` if no instance of its type in its scope has it yet.
    bool claim_local_name(const Inst& x, const std::string& name) { return local_names_.insert(x.scope + '\x1f' + x.r->type + '\x1f' + name).second; }
    struct PendingTargetGroup {
        model::TargetGroup group;
        std::vector<std::pair<std::string, std::string>> unread;  // (origin, reason): Unresolved once it has a path
    };
    std::map<const Inst*, PendingTargetGroup> pending_target_groups_;
    std::map<const Inst*, Inst*> tg_lb_, listener_lb_;
    std::map<const Inst*, model::CustomDomain> pending_domains_;
    std::map<const Inst*, model::RestApi*> domain_api_;
    // The managed (not data) instances of a type, and the data sources of one, in reading order:
    // lookups by type scan these, not every instance (a scan per API of every instance was
    // quadratic in the number of services).
    const std::vector<Inst*>& managed(const std::string& type) const { return of_type(managed_by_type_, type); }
    const std::vector<Inst*>& data_sources(const std::string& type) const { return of_type(data_by_type_, type); }

    // (API, route key) -> a method's route, until its integration completes it (phase 8).
    struct PendingRoute {
        model::ApiRoute route;
        const Inst* method = nullptr;
        bool integrated = false;
    };
    std::map<std::pair<const Inst*, std::string>, PendingRoute> pending_routes_;

private:
    void make_scopes();
    std::map<std::string, Inst*> invoke_arns_;
    std::optional<std::map<const Inst*, const Inst*>> instance_holding_;  // instance_holding()
    std::optional<Location> document_source_;  // the argument document() last read (see policy_document)
    model::PolicyPool policies_;
    bool invoke_arns_done_ = false;

    const std::vector<RootInput>& roots_;
    const std::vector<Configuration>& configs_;
    model::Model model_;
    std::shared_ptr<TerraformSourceMap> source_ = std::make_shared<TerraformSourceMap>();
    std::vector<Inst> insts_;
    std::unordered_map<std::string, std::vector<Inst*>> managed_by_type_, data_by_type_;  // managed(), data_sources()
    static const std::vector<Inst*>& of_type(const std::unordered_map<std::string, std::vector<Inst*>>& index, const std::string& type) {
        static const std::vector<Inst*> none;
        auto it = index.find(type);
        return it == index.end() ? none : it->second;
    }
    std::map<std::string, Inst*> by_address_;  // "root\x1faddress"
    std::unordered_map<std::string, std::unordered_map<std::string, std::vector<Inst*>>> by_configured_name_;  // by_name(): type -> name -> instances
    std::map<std::string, std::size_t> root_by_name_;
    std::vector<NotModelled> not_modelled_;
    friend struct Mappings;
};

// --- the mapping of each resource type ------------------------------------------------------
//
// Provider defaults relied upon (AWS provider docs, https://registry.terraform.io/providers/hashicorp/aws/latest/docs):
//  aws_vpc: "enable_dns_support - (Optional) A boolean flag to enable/disable DNS support in the VPC.
//    Defaults to true."; "enable_dns_hostnames - (Optional) ... Defaults false."
//  aws_subnet: "map_public_ip_on_launch - (Optional) ... Default is false."
//  aws_security_group: "By default, AWS creates an ALLOW ALL egress rule when creating a new Security
//    Group inside of a VPC. When creating a new Security Group inside a VPC, Terraform will remove
//    this default rule" — so a group has exactly the rules the configuration states.
//  aws_vpc_endpoint: "vpc_endpoint_type - (Optional) The VPC endpoint type, Gateway,
//    GatewayLoadBalancer, or Interface. Defaults to Gateway."; "private_dns_enabled - (Optional;
//    AWS services and AWS Marketplace partner services only) Whether or not to associate a private
//    hosted zone with the specified VPC. Applicable for endpoints of type Interface. Defaults to false."
//    No `policy`: "Defaults to full access" (the endpoint admits everything).
//  aws_lb: "internal - (Optional) If true, the LB will be internal. Defaults to false."
//  aws_kms_key: without `policy`, "AWS applies a default key policy to the KMS key" (the account's
//    root full access: AWS KMS Developer Guide, "Default key policy": "gives the AWS account that
//    owns the KMS key full access to the KMS key"); "enable_key_rotation - ... Defaults to false."
//  aws_secretsmanager_secret: "kms_key_id - (Optional) ... If you don't specify this value, then
//    Secrets Manager defaults to using the AWS account's default KMS key (the one named
//    aws/secretsmanager)".
//  aws_lambda_function: "memory_size - (Optional) Amount of memory in MB ... Defaults to 128.";
//    "timeout - (Optional) Amount of time your Lambda Function has to run in seconds. Defaults to 3."
//  aws_dynamodb_table: "billing_mode - (Optional) Controls how you are charged for read and write
//    throughput ... PROVISIONED or PAY_PER_REQUEST. Defaults to PROVISIONED."
//  aws_api_gateway_rest_api: endpoint_configuration "types - (Required) List of endpoint types.
//    ... valid values are EDGE, REGIONAL or PRIVATE"; without the block API Gateway creates an
//    edge-optimized API (API Gateway API Reference, CreateRestApi endpointConfiguration: "the
//    default endpoint type is EDGE"). "policy - (Optional) JSON formatted policy document that
//    controls access to the API Gateway. ... If the argument value is provided and is different
//    than the OpenAPI value, the argument value will override the OpenAPI value."
struct Mappings {
    using M = Mapper;

    static std::string path_of(M& m, const Inst& i, const char* collection) { return m.scope_path(i.scope) + "/" + collection + "/" + pointer_token(i.name); }

    static model::Ipv4Cidr cidr(M& m, Inst& i, const std::string& name) {
        auto t = m.text(i, name);
        if (!t) m.fail(i, name, "'" + name + "' is required for xc to map " + i.r->type);
        auto c = model::parse_ipv4_cidr(*t);
        if (!c) m.fail(i, name, "'" + *t + "' is not an IPv4 CIDR block");
        return *c;
    }

    // --- network
    static void vpc(M& m, Inst& i) {
        model::Vpc v;
        v.name = i.name;
        v.path = i.path = path_of(m, i, "vpcs");
        v.cidr = cidr(m, i, "cidr_block");
        v.dns_hostnames = m.flag(i, "enable_dns_hostnames", v.path).value_or(false);
        v.dns_support = m.flag(i, "enable_dns_support", v.path).value_or(true);
        m.written(v.path, i);
        m.scope(i).vpcs.emplace(v.name, std::move(v));
    }
    static model::Vpc* vpc_of(M& m, Inst& i, const std::string& name) {
        Inst* v = m.require(i, name, {"aws_vpc"}, {"id"});
        if (v->scope != i.scope) m.fail(i, name, "the VPC is in another scope (" + v->scope + ")");
        return &m.scope(*v).vpcs.at(v->name);
    }
    static void internet_gateway(M& m, Inst& i) {
        model::Vpc* v = vpc_of(m, i, "vpc_id");
        v->internet_gateway = true;
        i.path = v->path + "/internetGateway";
        m.written(i.path, i);
    }
    // The emitter names a nested resource (subnet, route table, target group, listener, record)
    // `<parent>_<name>` (emit/lowering.hpp): read back, it is `<name>` again, so that emit ->
    // import -> emit is a fixed point, not a name that gains its parent's each cycle; unless
    // another instance of its type in its scope is named `<name>` already.
    static void strip_parent(M& m, Inst& i, const std::string& parent) {
        const std::string prefix = parent + "_";
        if (i.name.size() <= prefix.size() || !i.name.starts_with(prefix)) return;
        std::string name = i.name.substr(prefix.size());
        if (!m.claim_local_name(i, name)) return;
        i.name = std::move(name);
    }
    static void subnet(M& m, Inst& i) {
        model::Vpc* v = vpc_of(m, i, "vpc_id");
        strip_parent(m, i, v->name);
        model::Subnet s;
        s.name = i.name;
        s.path = i.path = v->path + "/subnets/" + pointer_token(i.name);
        s.cidr = cidr(m, i, "cidr_block");
        s.availability_zone = m.text_or(i, "availability_zone", "", s.path);
        s.is_public = m.flag(i, "map_public_ip_on_launch", s.path).value_or(false);
        m.written(s.path, i);
        m.subnet_vpc_[&i] = v;
        v->subnets.emplace(s.name, std::move(s));
    }
    static model::Subnet* subnet_of(M& m, Inst& s) { return &m.subnet_vpc_.at(&s)->subnets.at(s.name); }
    static void route_table(M& m, Inst& i) {
        model::Vpc* v = vpc_of(m, i, "vpc_id");
        strip_parent(m, i, v->name);
        model::RouteTable t;
        t.name = i.name;
        t.path = i.path = v->path + "/routeTables/" + pointer_token(i.name);
        m.written(t.path, i);
        m.rt_vpc_[&i] = v;
        v->route_tables.emplace(t.name, std::move(t));
        for (const Value* r : M::blocks(M::arg(*i.r, "route"))) add_route(m, i, i, *r, i.path);
    }
    // A route (an aws_route, or a route block of an aws_route_table) in route table `table`.
    static void add_route(M& m, Inst& at, Inst& table, const Value& route, const std::string& path) {
        auto& rt = m.rt_vpc_.at(&table)->route_tables.at(table.name);
        const Value* dest = M::field(route, at.r->type == "aws_route" ? "destination_cidr_block" : "cidr_block");
        const Value* gw = M::field(route, "gateway_id");
        if (!gw) return;  // NAT, peering, transit gateways...: no internet gateway route
        auto target = m.target(at.root, *gw);
        if (!target || target->first->r->type != "aws_internet_gateway" || target->first->path.empty()) {
            m.unresolved(m.rt_vpc_.at(&table)->path, path, M::origin_text(*gw),
                         "a route's gateway_id is no internet gateway the given roots create: it may route the subnets to the internet");
            return;
        }
        if (!dest || !dest->is_known() || dest->type().kind() != Type::Kind::String) {
            m.unresolved(m.rt_vpc_.at(&table)->path, path, dest ? M::origin_text(*dest) : "destination", "an internet route's destination is not known (or IPv6)");
            return;
        }
        auto c = model::parse_ipv4_cidr(dest->as_string());
        if (!c) m.fail(at, "destination_cidr_block", "not an IPv4 CIDR block");
        model::Route r;
        r.destination = *c;
        r.target.kind = model::RouteTarget::Kind::internet_gateway;
        r.path = path;
        rt.routes.push_back(std::move(r));
    }
    static void route(M& m, Inst& i) {
        Inst* t = m.require(i, "route_table_id", {"aws_route_table"}, {"id"});
        i.path = t->path + "/routes/" + pointer_token(i.name);
        m.written(i.path, i);
        add_route(m, i, *t, i.r->attributes, i.path);
    }
    static void route_table_association(M& m, Inst& i) {
        if (!M::arg(*i.r, "subnet_id")) return m.not_modelled(i);  // an edge (gateway) association
        Inst* s = m.require(i, "subnet_id", {"aws_subnet"}, {"id"});
        Inst* t = m.require(i, "route_table_id", {"aws_route_table"}, {"id"});
        if (m.rt_vpc_.at(t) != m.subnet_vpc_.at(s)) m.fail(i, "route_table_id", "the route table is in another VPC than the subnet");
        subnet_of(m, *s)->route_table = t->name;
        i.path = s->path + "/routeTable";
        m.written(i.path, i);
    }
    static void endpoint_route_table_association(M& m, Inst& i) {
        Inst* e = m.require(i, "vpc_endpoint_id", {"aws_vpc_endpoint"}, {"id"});
        Inst* t = m.require(i, "route_table_id", {"aws_route_table"}, {"id"});
        auto& ep = m.scope(*e).vpc_endpoints.at(e->name);
        ep.route_tables.push_back(t->name);
        i.path = ep.path + "/routeTables";
        m.written(i.path, i);
    }

    static void security_group(M& m, Inst& i) {
        model::SecurityGroup g;
        g.name = i.name;
        g.path = i.path = path_of(m, i, "securityGroups");
        Inst* v = m.require(i, "vpc_id", {"aws_vpc"}, {"id"});
        g.vpc = v->name;
        g.description = m.text_or(i, "description", "", g.path);
        m.written(g.path, i);
        auto& sg = m.scope(i).security_groups.emplace(g.name, std::move(g)).first->second;
        // Inline rules: a block lists peers; each peer is one model rule.
        for (const char* direction : {"ingress", "egress"}) {
            auto& list = std::string(direction) == "ingress" ? sg.ingress : sg.egress;
            std::size_t n = 0;
            for (const Value* b : M::blocks(M::arg(*i.r, direction))) {
                std::string path = sg.path + "/" + direction + "/" + std::to_string(n++);
                m.written(path, i, direction);
                add_rules(m, i, *b, "protocol", "cidr_blocks", "security_groups", "prefix_list_ids", path, list, sg);
            }
        }
    }
    static model::Protocol protocol(M& m, Inst& i, const std::string& p, const std::string& field) {
        if (p == "-1" || p == "all") return model::Protocol::all;
        if (p == "tcp" || p == "6") return model::Protocol::tcp;
        if (p == "udp" || p == "17") return model::Protocol::udp;
        if (p == "icmp" || p == "1") return model::Protocol::icmp;
        m.fail(i, field, "protocol '" + p + "' is not one xc models (tcp, udp, icmp, -1)");
    }
    // Rules from one rule object (an inline block, an aws_security_group_rule, or a
    // aws_vpc_security_group_*_rule): peers named by the given fields (lists, or single values).
    static void add_rules(M& m, Inst& i, const Value& rule, const char* protocol_field, const char* cidr_field, const char* group_field,
                          const char* prefix_field, const std::string& path, std::vector<model::SecurityGroupRule>& out, const model::SecurityGroup& sg) {
        model::SecurityGroupRule base;
        base.path = path;
        auto proto = M::field(rule, protocol_field);
        if (!proto || !proto->is_known()) {
            m.unresolved(sg.path, path, proto ? M::origin_text(*proto) : protocol_field, "the rule's protocol is not known");
            return;
        }
        base.protocol = protocol(m, i, convert(*proto, Type::string()).as_string(), protocol_field);
        if (base.protocol != model::Protocol::all) {
            for (auto [f, to] : {std::pair{"from_port", &base.from_port}, std::pair{"to_port", &base.to_port}}) {
                const Value* v = M::field(rule, f);
                if (!v || !v->is_known()) {
                    m.unresolved(sg.path, path, v ? M::origin_text(*v) : f, std::string("the rule's ") + f + " is not known");
                    return;
                }
                auto n = convert(*v, Type::number()).as_number().to_int64();
                // ICMP rules use -1 for "all types/codes".
                *to = static_cast<std::uint16_t>(n && *n >= 0 && *n <= 65535 ? *n : (f == std::string("from_port") ? 0 : 65535));
            }
        } else {
            base.from_port = 0, base.to_port = 65535;
        }
        if (const Value* d = M::field(rule, "description"); d && d->is_known() && d->type().kind() == Type::Kind::String) base.description = d->as_string();
        auto each = [&](const char* field, auto&& add) {
            const Value* v = M::field(rule, field);
            if (!v) return;
            const auto kind = v->type().kind();
            if (!v->is_known() && (kind == Type::Kind::List || kind == Type::Kind::Set || kind == Type::Kind::Tuple)) {
                m.unresolved(sg.path, path, M::origin_text(*v), std::string("the rule's ") + field + " is not known before apply");
                return;
            }
            if (v->is_known() && v->is_sequence())
                for (const auto& e : v->elements()) add(e);
            else
                add(*v);
        };
        each(cidr_field, [&](const Value& e) {
            if (!e.is_known()) return m.unresolved(sg.path, path, M::origin_text(e), "a CIDR block of the rule is not known before apply");
            auto c = model::parse_ipv4_cidr(e.as_string());
            if (!c) return m.fail(i, cidr_field, "'" + e.as_string() + "' is not an IPv4 CIDR block");
            auto r = base;
            r.peer.kind = model::RulePeer::Kind::cidr;
            r.peer.cidr = *c;
            out.push_back(r);
        });
        each(group_field, [&](const Value& e) {
            Inst* g = m.ref(i, &e, {"aws_security_group"}, {"id"});
            if (!g || g->path.empty()) return m.unresolved(sg.path, path, e.is_known() ? e.as_string() : M::origin_text(e), "the rule names a security group the given roots do not create");
            auto r = base;
            r.peer.kind = model::RulePeer::Kind::security_group;
            r.peer.security_group = model::Ref{g->scope == i.scope ? "" : g->scope, g->name};
            out.push_back(r);
        });
        each(prefix_field, [&](const Value& e) {
            auto t = m.target(i.root, e);
            if (!t || t->first->r->type != "aws_vpc_endpoint" || t->second != "prefix_list_id" || t->first->path.empty())
                return m.unresolved(sg.path, path, e.is_known() ? e.as_string() : M::origin_text(e), "the rule names a prefix list that is no gateway endpoint's of the given roots");
            auto r = base;
            r.peer.kind = model::RulePeer::Kind::prefix_list;
            r.peer.prefix_list = model::Ref{t->first->scope == i.scope ? "" : t->first->scope, t->first->name};
            out.push_back(r);
        });
        if (rule.is_known()) {
            if (const Value* self = M::field(rule, "self"); self && self->is_known() && self->as_bool()) {
                auto r = base;
                r.peer.kind = model::RulePeer::Kind::security_group;
                r.peer.security_group = model::Ref{"", sg.name};
                out.push_back(r);
            }
            for (const char* v6 : {"ipv6_cidr_blocks", "cidr_ipv6"})
                if (const Value* v = M::field(rule, v6); v && !(v->is_known() && v->is_sequence() && v->elements().empty()))
                    m.unresolved(sg.path, path, v6, "IPv6 peers are not modelled (xc models IPv4 only)");
        }
    }
    static void vpc_security_group_rule(M& m, Inst& i) {
        Inst* g = m.require(i, "security_group_id", {"aws_security_group"}, {"id"});
        auto& sg = m.scope(*g).security_groups.at(g->name);
        const bool ingress = i.r->type == "aws_vpc_security_group_ingress_rule";
        auto& list = ingress ? sg.ingress : sg.egress;
        i.path = sg.path + (ingress ? "/ingress/" : "/egress/") + pointer_token(i.name);
        m.written(i.path, i);
        add_rules(m, i, i.r->attributes, "ip_protocol", "cidr_ipv4", "referenced_security_group_id", "prefix_list_id", i.path, list, sg);
    }
    static void security_group_rule(M& m, Inst& i) {
        Inst* g = m.require(i, "security_group_id", {"aws_security_group"}, {"id"});
        auto& sg = m.scope(*g).security_groups.at(g->name);
        auto type = m.text(i, "type");
        if (!type || (*type != "ingress" && *type != "egress")) m.fail(i, "type", "'type' must be ingress or egress");
        auto& list = *type == "ingress" ? sg.ingress : sg.egress;
        i.path = sg.path + "/" + *type + "/" + pointer_token(i.name);
        m.written(i.path, i);
        add_rules(m, i, i.r->attributes, "protocol", "cidr_blocks", "source_security_group_id", "prefix_list_ids", i.path, list, sg);
        if (auto self = m.flag(i, "self", sg.path); self && *self) {
            // add_rules read `self` from the same object already.
        }
    }

    static void vpc_endpoint(M& m, Inst& i) {
        model::VpcEndpoint e;
        e.name = i.name;
        e.path = i.path = path_of(m, i, "vpcEndpoints");
        Inst* v = m.require(i, "vpc_id", {"aws_vpc"}, {"id"});
        e.vpc = v->name;
        auto service = m.text(i, "service_name");
        if (!service) m.fail(i, "service_name", "'service_name' is required");
        const std::string prefix = "com.amazonaws." + m.m().region + ".";
        e.service = service->rfind(prefix, 0) == 0 ? service->substr(prefix.size()) : *service;
        auto type = m.text_or(i, "vpc_endpoint_type", "Gateway");
        e.type = type == "Interface" ? model::EndpointType::interface : model::EndpointType::gateway;
        if (type != "Interface" && type != "Gateway") m.fail(i, "vpc_endpoint_type", "endpoint type '" + type + "' is not modelled (Interface, Gateway)");
        // The model's id: a placeholder from the address, which the emitters replace by the
        // deployed id (the deployed id is assigned at creation).
        e.id = model::detail::stand_in("vpce-", m.roots()[i.root].name + "/" + i.r->address, 22, "0123456789abcdef");
        for (Inst* s : m.refs(i, "subnet_ids", {"aws_subnet"}, e.path)) e.subnets.push_back(s->name);
        for (Inst* g : m.refs(i, "security_group_ids", {"aws_security_group"}, e.path)) e.security_groups.push_back(g->name);
        e.private_dns = m.flag(i, "private_dns_enabled", e.path).value_or(false);
        if (auto doc = m.document(i, "policy", e.path)) e.policy = m.policy_document(*doc, e.path + "/policy");
        else if (e.type == model::EndpointType::interface) {
            // "Defaults to full access": the documented default endpoint policy.
            e.policy = m.policy_document({{"Version", "2008-10-17"}, {"Statement", {{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "*"}, {"Resource", "*"}}}}},
                                         e.path + "/policy");
        }
        if (M::arg(*i.r, "route_table_ids"))
            for (Inst* t : m.refs(i, "route_table_ids", {"aws_route_table"}, e.path)) e.route_tables.push_back(t->name);
        m.written(e.path, i);
        m.scope(i).vpc_endpoints.emplace(e.name, std::move(e));
    }

    // --- certificates, load balancer, DNS
    static void acm_certificate(M& m, Inst& i) {
        model::Certificate c;
        c.name = i.name;
        c.path = i.path = path_of(m, i, "certificates");
        if (const Value* body = M::arg(*i.r, "certificate_body")) {
            // An imported certificate: its names are the self-signed certificate's it is made of.
            Inst* cert = m.ref(i, body, {"tls_self_signed_cert"}, {"cert_pem"});
            // The key and the self-signed certificate are this certificate's parts.
            if (Inst* key = m.ref(i, M::arg(*i.r, "private_key"), {"tls_private_key"}, {"private_key_pem"})) key->path = c.path;
            if (cert) cert->path = c.path;
            if (!cert) {
                m.unresolved(c.path, c.path, M::origin_text(*body), "an imported certificate whose names xc cannot read");
            } else {
                c.self_signed = true;
                const Value* names = M::arg(*cert->r, "dns_names");
                if (names && names->is_wholly_known() && names->is_sequence() && !names->elements().empty()) {
                    c.domain = names->elements().front().as_string();
                    for (std::size_t n = 1; n < names->elements().size(); ++n) c.alternative_names.push_back(names->elements()[n].as_string());
                } else {
                    m.unresolved(c.path, c.path, cert->r->address + ".dns_names", "the certificate's DNS names are not known");
                }
            }
        } else {
            c.domain = m.text_or(i, "domain_name", "", c.path);
            if (const Value* alt = M::arg(*i.r, "subject_alternative_names"); alt && alt->is_wholly_known() && alt->is_sequence())
                for (const auto& e : alt->elements())
                    if (e.as_string() != c.domain) c.alternative_names.push_back(e.as_string());
            // An ACM-issued certificate: self_signed is the model's "xc creates it" flag.
            c.self_signed = true;
        }
        m.written(c.path, i);
        m.scope(i).certificates.emplace(c.name, std::move(c));
    }
    // The certificate an ARN argument names: a mapped aws_acm_certificate, or an existing one
    // by literal ARN (whose names xc does not know: Unresolved on `affects`).
    static std::optional<model::Ref> certificate(M& m, Inst& i, const std::string& name, const std::string& affects) {
        const Value* v = M::arg(*i.r, name);
        if (!v) return std::nullopt;
        if (Inst* c = m.ref(i, v, {"aws_acm_certificate"}, {"arn", "id"}); c && !c->path.empty()) return model::Ref{c->scope == i.scope ? "" : c->scope, c->name};
        if (v->is_known() && v->type().kind() == Type::Kind::String) {
            const std::string arn = v->as_string();
            auto& s = m.scope(i);
            for (const auto& [n, c] : s.certificates)
                if (c.arn == arn) return model::Ref{"", n};
            model::Certificate c;
            c.name = "existing-" + std::to_string(s.certificates.size());
            c.arn = arn;
            c.path = m.scope_path(i.scope) + "/certificates/" + pointer_token(c.name);
            m.written(c.path, i, name);
            m.unresolved(affects, c.path, arn, "an existing ACM certificate: xc does not read which names it covers");
            s.certificates.emplace(c.name, c);
            return model::Ref{"", c.name};
        }
        m.unresolved(affects, affects, M::origin_text(*v), "the certificate is not one the given roots create");
        return std::nullopt;
    }

    static void load_balancer(M& m, Inst& i) {
        model::LoadBalancer lb;
        lb.name = i.name;
        lb.path = i.path = path_of(m, i, "loadBalancers");
        auto type = m.text_or(i, "load_balancer_type", "application");
        if (type != "application") return m.not_modelled(i);
        lb.internal = m.flag(i, "internal", lb.path).value_or(false);
        for (Inst* s : m.refs(i, "subnets", {"aws_subnet"}, lb.path)) {
            lb.subnets.push_back(s->name);
            lb.vpc = m.subnet_vpc_.at(s)->name;
        }
        if (M::arg(*i.r, "subnet_mapping")) m.unresolved(lb.path, lb.path + "/subnets", "subnet_mapping", "subnet_mapping blocks are not modelled");
        for (Inst* g : m.refs(i, "security_groups", {"aws_security_group"}, lb.path)) lb.security_groups.push_back(g->name);
        m.written(lb.path, i);
        m.scope(i).load_balancers.emplace(lb.name, std::move(lb));
    }
    static void target_group(M& m, Inst& i) {
        model::TargetGroup t;
        t.name = i.name;
        t.protocol = m.text_or(i, "protocol", "HTTP");
        t.port = static_cast<std::uint16_t>(m.number(i, "port", m.scope_path(i.scope)).value_or(0));
        // The health check: the model states its path and success codes, and checks it with the
        // target group's protocol on its port (target_health.hpp). A protocol or port of its own
        // ("health_check ... port - (Optional) The port to use to connect with the target. ...
        // Defaults to traffic-port", aws_lb_target_group), or a value not known before apply, is
        // not taken for those: it leaves the target group's check UNDECIDED.
        std::vector<std::pair<std::string, std::string>> unread;  // (origin, reason)
        for (const Value* h : M::blocks(M::arg(*i.r, "health_check"))) {
            auto known_text = [&](const char* name, std::string& into) {
                const Value* v = M::field(*h, name);
                if (!v || v->is_null()) return;
                if (v->is_known() && v->type().kind() == Type::Kind::String) into = v->as_string();
                else if (v->is_known() && v->type().kind() == Type::Kind::Number) into = v->as_number().text();
                else unread.emplace_back(i.r->address + ".health_check." + name, "the health check's " + std::string(name) + " is not known before apply");
            };
            known_text("path", t.health_check_path);
            known_text("matcher", t.health_check_matcher);
            std::string protocol = t.protocol, port = "traffic-port";
            known_text("protocol", protocol);
            known_text("port", port);
            if (protocol != t.protocol || (port != "traffic-port" && port != std::to_string(t.port)))
                unread.emplace_back(i.r->address + ".health_check", "a health check on another protocol or port than the traffic's is not modelled");
        }
        m.pending_target_groups_[&i] = {std::move(t), std::move(unread)};
    }
    // The target group `name` forwards to, moved into load balancer `lb` if not there yet.
    static std::string forward_to(M& m, Inst& i, const Value& action, model::LoadBalancer& lb, Inst& lb_inst) {
        const Value* tg = M::field(action, "target_group_arn");
        const Value* type = M::field(action, "type");
        if (!type || !type->is_known() || type->as_string() != "forward" || !tg) {
            m.unresolved(lb.path, lb.path, i.r->address, "a listener action other than a forward to one target group is not modelled");
            return "";
        }
        Inst* t = m.ref(i, tg, {"aws_lb_target_group"}, {"arn", "id"});
        if (!t || !m.pending_target_groups_.count(t)) {
            m.unresolved(lb.path, lb.path, M::origin_text(*tg), "the listener forwards to a target group the given roots do not create");
            return "";
        }
        if (!m.tg_lb_.count(t)) strip_parent(m, *t, lb.name);  // named after the first load balancer forwarding to it
        if (!lb.target_groups.count(t->name)) {
            auto [g, unread] = m.pending_target_groups_.at(t);
            g.name = t->name;
            g.path = t->path = lb.path + "/targetGroups/" + pointer_token(t->name);
            for (const auto& [origin, reason] : unread) m.unresolved(g.path, g.path + "/healthCheck", origin, reason);
            m.written(g.path, *t);
            m.tg_lb_[t] = &lb_inst;
            lb.target_groups.emplace(t->name, std::move(g));
        }
        return t->name;
    }
    static model::LoadBalancer& lb_of(M& m, Inst& lb) { return m.scope(lb).load_balancers.at(lb.name); }
    static void listener(M& m, Inst& i) {
        Inst* lbi = m.require(i, "load_balancer_arn", {"aws_lb"}, {"arn", "id"});
        auto& lb = lb_of(m, *lbi);
        strip_parent(m, i, lbi->name);
        model::Listener l;
        l.name = i.name;
        l.path = i.path = lb.path + "/listeners/" + pointer_token(i.name);
        m.written(l.path, i);
        l.port = static_cast<std::uint16_t>(m.number(i, "port", lb.path).value_or(0));
        l.protocol = m.text_or(i, "protocol", "HTTP", lb.path);
        l.ssl_policy = m.text_or(i, "ssl_policy", "", lb.path);
        if (auto c = certificate(m, i, "certificate_arn", lb.path)) l.certificates.push_back(*c);
        auto actions = M::blocks(M::arg(*i.r, "default_action"));
        if (actions.size() != 1) m.unresolved(lb.path, l.path, i.r->address, "a listener without exactly one default action is not modelled");
        else l.default_forward = forward_to(m, i, *actions.front(), lb, *lbi);
        m.listener_lb_[&i] = lbi;
        lb.listeners.emplace(l.name, std::move(l));
    }
    static void listener_certificate(M& m, Inst& i) {
        Inst* li = m.require(i, "listener_arn", {"aws_lb_listener"}, {"arn", "id"});
        auto& lb = lb_of(m, *m.listener_lb_.at(li));
        if (auto c = certificate(m, i, "certificate_arn", lb.path)) lb.listeners.at(li->name).certificates.push_back(*c);
        i.path = li->path + "/certificates";
        m.written(i.path, i);
    }
    static void listener_rule(M& m, Inst& i) {
        Inst* li = m.require(i, "listener_arn", {"aws_lb_listener"}, {"arn", "id"});
        Inst* lbi = m.listener_lb_.at(li);
        auto& lb = lb_of(m, *lbi);
        model::ListenerRule r;
        r.priority = static_cast<int>(m.number(i, "priority", lb.path).value_or(0));
        r.path = i.path = li->path + "/rules/" + pointer_token(i.name);
        m.written(r.path, i);
        auto actions = M::blocks(M::arg(*i.r, "action"));
        if (actions.size() != 1) m.unresolved(lb.path, r.path, i.r->address, "a listener rule without exactly one action is not modelled");
        else r.forward = forward_to(m, i, *actions.front(), lb, *lbi);
        for (const Value* c : M::blocks(M::arg(*i.r, "condition"))) {
            auto hosts = M::blocks(M::field(*c, "host_header"));
            if (hosts.empty()) {
                m.unresolved(lb.path, r.path, i.r->address, "listener rule conditions other than host_header are not modelled");
                continue;
            }
            for (const Value* h : hosts)
                if (const Value* vs = M::field(*h, "values"); vs && vs->is_wholly_known())
                    for (const auto& v : vs->elements()) r.hosts.push_back(v.as_string());
        }
        lb.listeners.at(li->name).rules.push_back(std::move(r));
    }
    static void target_group_attachment(M& m, Inst& i) {
        Inst* t = m.require(i, "target_group_arn", {"aws_lb_target_group"}, {"arn", "id"});
        if (!m.tg_lb_.count(t)) return m.not_modelled(i);
        auto& lb = lb_of(m, *m.tg_lb_.at(t));
        auto& tg = lb.target_groups.at(t->name);
        i.path = tg.path + "/targets";
        m.written(i.path, i);
        // The target: a private IP of an interface endpoint's network interface, read by an
        // aws_network_interface data source whose id is one of the endpoint's network_interface_ids.
        const Value* target = M::arg(*i.r, "target_id");
        Inst* endpoint = nullptr;
        if (target) {
            if (auto eni = m.target(i.root, *target); eni && eni->first->r->type == "aws_network_interface" && eni->first->r->data && eni->second == "private_ip")
                if (const Value* id = M::arg(*eni->first->r, "id"))
                    for (const auto& o : id->unknown_origins())
                        if (auto e = m.target_of_origin(eni->first->root, o); e && e->first->r->type == "aws_vpc_endpoint" && e->second == "network_interface_ids")
                            endpoint = e->first;
        }
        if (endpoint && target) {
            if (auto eni = m.target(i.root, *target)) eni->first->path = tg.path + "/targets";  // the read this attachment names
        }
        if (!endpoint || endpoint->path.empty()) {
            m.unresolved(lb.path, tg.path, target ? M::origin_text(*target) : "target_id", "the target is not an interface endpoint's network interface the given roots create");
            return;
        }
        tg.vpc_endpoint = model::Ref{endpoint->scope == i.scope ? "" : endpoint->scope, endpoint->name};
    }

    static void route53_zone(M& m, Inst& i) {
        model::HostedZone z;
        z.name = i.name;
        z.path = i.path = path_of(m, i, "hostedZones");
        z.domain = m.text_or(i, "name", "", z.path);
        while (!z.domain.empty() && z.domain.back() == '.') z.domain.pop_back();
        auto vpcs = M::blocks(M::arg(*i.r, "vpc"));
        z.is_private = !vpcs.empty();
        for (const Value* v : vpcs) {
            Inst* vi = m.ref(i, M::field(*v, "vpc_id"), {"aws_vpc"}, {"id"});
            if (!vi) m.unresolved(z.path, z.path + "/vpcs", M::origin_text(*M::field(*v, "vpc_id")), "the zone's VPC is not one the given roots create");
            else z.vpcs.push_back(model::Ref{vi->scope == i.scope ? "" : vi->scope, vi->name});
        }
        m.written(z.path, i);
        m.scope(i).hosted_zones.emplace(z.name, std::move(z));
    }
    static void zone_association(M& m, Inst& i) {
        Inst* z = m.require(i, "zone_id", {"aws_route53_zone"}, {"zone_id", "id"});
        auto& zone = m.scope(*z).hosted_zones.at(z->name);
        Inst* v = m.require(i, "vpc_id", {"aws_vpc"}, {"id"}, zone.path);
        if (v) zone.vpcs.push_back(model::Ref{v->scope, v->name});
        i.path = zone.path + "/vpcs";
        m.written(i.path, i);
    }
    static void route53_record(M& m, Inst& i) {
        Inst* z = m.require(i, "zone_id", {"aws_route53_zone"}, {"zone_id", "id"});
        auto& zone = m.scope(*z).hosted_zones.at(z->name);
        strip_parent(m, i, z->name);
        model::AliasRecord r;
        r.name = i.name;
        r.path = i.path = zone.path + "/records/" + pointer_token(i.name);
        m.written(r.path, i);
        r.fqdn = m.text_or(i, "name", "", zone.path);
        while (!r.fqdn.empty() && r.fqdn.back() == '.') r.fqdn.pop_back();
        auto alias = M::blocks(M::arg(*i.r, "alias"));
        Inst* lb = alias.size() == 1 ? m.ref(i, M::field(*alias.front(), "name"), {"aws_lb"}, {"dns_name"}) : nullptr;
        if (!lb || lb->path.empty()) {
            m.unresolved(zone.path, r.path, i.r->address, "a record that is no alias to a load balancer the given roots create is not modelled");
            return;
        }
        r.load_balancer = model::Ref{lb->scope == i.scope ? "" : lb->scope, lb->name};
        if (const Value* e = M::field(*alias.front(), "evaluate_target_health"); e && e->is_known()) r.evaluate_target_health = e->as_bool();
        zone.records.emplace(r.name, std::move(r));
    }

    // --- keys and secrets
    static void kms_key(M& m, Inst& i) {
        model::KmsKey k;
        k.name = i.name;
        k.path = i.path = path_of(m, i, "kmsKeys");
        k.description = m.text_or(i, "description", "", k.path);
        k.rotation = m.flag(i, "enable_key_rotation", k.path).value_or(false);
        auto doc = m.document(i, "policy", k.path);
        if (!doc) {
            const std::string account = m.m().accounts.at(m.scope(i).account).id;
            doc = nlohmann::json{{"Version", "2012-10-17"},
                                 {"Statement", {{{"Sid", "Enable IAM User Permissions"}, {"Effect", "Allow"}, {"Principal", {{"AWS", "arn:aws:iam::" + account + ":root"}}},
                                                 {"Action", "kms:*"}, {"Resource", "*"}}}}};
        }
        k.policy = m.policy_document(*doc, k.path + "/policy");
        m.written(k.path, i);
        only_its_secrets(m, i, k);
        m.scope(i).kms_keys.emplace(k.name, std::move(k));
    }
    // The key's tag xc:only-its-secrets (input/detail/only_its_secrets.hpp); tags not known
    // before apply may state it, so they are not taken for its absence.
    static void only_its_secrets(M& m, const Inst& i, model::KmsKey& k) {
        using namespace input::detail;
        const std::string value = k.path + "/onlyItsSecrets";
        const std::string origin = i.r->address + ".tags[\"" + only_its_secrets_tag + "\"]";
        if (const Value* tags = M::arg(*i.r, "tags"); tags && !tags->is_known()) {
            m.unresolved(k.path, value, i.r->address + ".tags", std::string("the key's tags are not known: ") + only_its_secrets_unknown);
            return;
        }
        const Value* tag = M::tag_of(i, only_its_secrets_tag);
        if (!tag || tag->is_null()) return;
        // A bool literal is the string the provider's map(string) converts it to.
        if (tag->is_known() && tag->type().kind() == Type::Kind::Bool) {
            k.only_its_secrets = tag->as_bool();
            return;
        }
        if (!tag->is_known() || tag->type().kind() != Type::Kind::String) {
            m.unresolved(k.path, value, origin, only_its_secrets_unknown);
            return;
        }
        if (auto v = only_its_secrets_of(tag->as_string())) k.only_its_secrets = *v;
        else m.unresolved(k.path, value, origin, std::string(only_its_secrets_bad) + ": \"" + tag->as_string() + "\"");
    }
    static void kms_key_policy(M& m, Inst& i) {
        Inst* k = m.require(i, "key_id", {"aws_kms_key"}, {"id", "arn", "key_id"});
        auto& key = m.scope(*k).kms_keys.at(k->name);
        if (auto doc = m.document(i, "policy", key.path)) key.policy = m.policy_document(*doc, key.path + "/policy");
        i.path = key.path + "/policy";
        m.written(i.path, i);
    }
    static void secret(M& m, Inst& i) {
        model::Secret s;
        s.name = i.name;
        s.path = i.path = path_of(m, i, "secrets");
        if (auto n = m.text(i, "name", s.path)) s.deployed_name = *n;
        else m.unresolved(s.path, s.path + "/name", i.r->address + ".name", "the secret's name is not stated (name_prefix or unknown): xc cannot tell who reads it");
        s.description = m.text_or(i, "description", "", s.path);
        if (const Value* k = M::arg(*i.r, "kms_key_id")) {
            Inst* key = m.ref(i, k, {"aws_kms_key"}, {"arn", "id", "key_id"});
            if (key && !key->path.empty()) s.kms_key = model::Ref{key->scope == i.scope ? "" : key->scope, key->name};
            else m.unresolved(s.path, s.path + "/kmsKey", M::origin_text(*k), "the secret's KMS key is not one the given roots create");
        }
        if (auto doc = m.document(i, "policy", s.path)) s.policy = m.policy_document(*doc, s.path + "/policy");
        m.written(s.path, i);
        m.scope(i).secrets.emplace(s.name, std::move(s));
    }
    static void secret_policy(M& m, Inst& i) {
        Inst* s = m.require(i, "secret_arn", {"aws_secretsmanager_secret"}, {"arn", "id"});
        auto& secret = m.scope(*s).secrets.at(s->name);
        if (secret.policy) m.unresolved(secret.path, secret.path + "/policy", i.r->address, "the secret has two policies (its own argument and this resource)");
        if (auto doc = m.document(i, "policy", secret.path)) secret.policy = m.policy_document(*doc, secret.path + "/policy");
        i.path = secret.path + "/policy";
        m.written(i.path, i);
    }
    static void secret_version(M& m, Inst& i) {
        Inst* s = m.require(i, "secret_id", {"aws_secretsmanager_secret"}, {"arn", "id"});
        auto& secret = m.scope(*s).secrets.at(s->name);
        i.path = secret.path + "/value";
        m.written(i.path, i);
        const Value* v = M::arg(*i.r, "secret_string");
        if (!v) return;
        if (Inst* e = m.ref(i, v, {"aws_vpc_endpoint"}, {"id"}); e && !e->path.empty())
            secret.value_vpc_endpoint_id = model::Ref{e->scope == s->scope ? "" : e->scope, e->name};
        // Any other value is data the properties do not read.
    }

    // --- compute and data
    static void table(M& m, Inst& i) {
        model::Table t;
        t.name = i.name;
        t.path = i.path = path_of(m, i, "tables");
        auto n = m.text(i, "name");
        t.table_name = n ? *n : "";
        t.billing = m.text_or(i, "billing_mode", "PROVISIONED", t.path);
        std::map<std::string, std::string> types;
        for (const Value* a : M::blocks(M::arg(*i.r, "attribute")))
            if (const Value* an = M::field(*a, "name"); an && an->is_known())
                if (const Value* at = M::field(*a, "type"); at && at->is_known()) types[an->as_string()] = at->as_string();
        auto key = [&](const std::string& name) { return model::KeyAttribute{name, types.count(name) ? types.at(name) : "S"}; };
        t.hash_key = key(m.text_or(i, "hash_key", ""));
        if (auto r = m.text(i, "range_key", t.path)) t.range_key = key(*r);
        for (const Value* g : M::blocks(M::arg(*i.r, "global_secondary_index"))) {
            model::TableIndex x;
            const Value* gn = M::field(*g, "name");
            if (!gn || !gn->is_known()) continue;
            x.name = gn->as_string();
            x.path = t.path + "/indexes/" + pointer_token(x.name);
            if (const Value* h = M::field(*g, "hash_key"); h && h->is_known()) x.hash_key = key(h->as_string());
            if (const Value* r = M::field(*g, "range_key"); r && r->is_known()) x.range_key = key(r->as_string());
            if (const Value* p = M::field(*g, "projection_type"); p && p->is_known()) x.projection = p->as_string();
            t.indexes.emplace(x.name, std::move(x));
        }
        m.written(t.path, i);
        m.scope(i).tables.emplace(t.name, std::move(t));
    }
    // The role, policy attachment and profile the model writes for an instance's `ssm` are that
    // flag (instance()); anything else they grant is listed as not modelled: what an instance
    // of the consumer may do changes no property (the consumer's account is trusted).
    static constexpr const char* ssm_core_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
    static bool held_by_instance(M& m, Inst& i, const Inst& holder) {
        const Inst* instance = m.instance_holding(holder);
        if (!instance) return false;
        i.path = path_of(m, *instance, "instances") + "/ssm";
        m.written(i.path, i);
        return true;
    }
    static void instance_profile(M& m, Inst& i) { held_by_instance(m, i, i); }
    static void role(M& m, Inst& i) {
        if (held_by_instance(m, i, i)) {
            const Value* arns = M::arg(*i.r, "managed_policy_arns");
            const bool only_ssm = !arns || (arns->is_wholly_known() && arns->is_sequence() &&
                                            std::all_of(arns->elements().begin(), arns->elements().end(),
                                                        [](const Value& a) { return a.type().kind() == Type::Kind::String && a.as_string() == ssm_core_arn; }));
            if (!only_ssm || !M::blocks(M::arg(*i.r, "inline_policy")).empty()) m.not_modelled(i);
            return;
        }
        model::Role r;
        r.name = i.name;
        r.path = i.path = path_of(m, i, "roles");
        // No `name`: Terraform generates one (the identity's assigned name).
        if (auto n = m.text(i, "name", r.path)) r.deployed_name = *n;
        auto trust = m.document(i, "assume_role_policy", r.path);
        if (!trust) m.fail(i, "assume_role_policy", "'assume_role_policy' is required");
        r.trust_policy = m.policy_document(*trust, r.path + "/trustPolicy");
        m.written(r.path, i);
        std::size_t n = 0;
        for (const Value* p : M::blocks(M::arg(*i.r, "inline_policy"))) {
            const Value* pn = M::field(*p, "name");
            const Value* doc = M::field(*p, "policy");
            if (!doc) continue;
            std::string name = pn && pn->is_known() ? pn->as_string() : "inline-" + std::to_string(n++);
            auto d = m.document_of(i, "inline_policy", *doc, nullptr, r.path, "");
            r.policies.emplace(name, m.policy_document(*d, r.path + "/policies/" + pointer_token(name)));
        }
        if (const Value* arns = M::arg(*i.r, "managed_policy_arns")) attach_arns(m, i, *arns, r);
        m.scope(i).roles.emplace(r.name, std::move(r));
    }
    static void attach_arns(M& m, Inst& i, const Value& arns, model::Role& r) {
        if (!arns.is_known() || !arns.is_sequence()) return m.unresolved(r.path, r.path + "/managedPolicies", M::origin_text(arns), "the attached policies are not known");
        for (const auto& a : arns.elements()) attach(m, i, a, r);
    }
    // A policy attachment: a policy the given roots create is its document (inline, exactly as
    // IAM evaluates identity policies: every attached and inline policy together); an ARN is an
    // AWS-managed policy (the verifier knows some and leaves the others open).
    static void attach(M& m, Inst& i, const Value& arn, model::Role& r) {
        if (Inst* p = m.ref(i, &arn, {"aws_iam_policy"}, {"arn", "id"})) {
            auto doc = m.document(*p, "policy", r.path);
            std::string name = "policy:" + p->name;
            r.policies.emplace(name, m.policy_document(*doc, r.path + "/policies/" + pointer_token(name)));
            return;
        }
        if (!arn.is_known()) return m.unresolved(r.path, r.path + "/managedPolicies", M::origin_text(arn), "an attached policy is not known");
        r.managed_policies.push_back(arn.as_string());
    }
    // The model role `name` refers to; nullptr for an instance's role (role()), whose policies
    // are then listed as not modelled, except its AmazonSSMManagedInstanceCore attachment.
    static model::Role* role_of(M& m, Inst& i, const std::string& name) {
        Inst* r = m.require(i, name, {"aws_iam_role"}, {"name", "id", "arn"});
        if (held_by_instance(m, i, *r)) {
            const Value* a = M::arg(*i.r, "policy_arn");
            if (i.r->type != "aws_iam_role_policy_attachment" || !a || !a->is_known() || a->type().kind() != Type::Kind::String || a->as_string() != ssm_core_arn)
                m.not_modelled(i);
            return nullptr;
        }
        return &m.scope(*r).roles.at(r->name);
    }
    static void role_policy(M& m, Inst& i) {
        model::Role* r = role_of(m, i, "role");
        if (!r) return;
        std::string name = m.text_or(i, "name", i.name, r->path);
        auto doc = m.document(i, "policy", r->path);
        i.path = r->path + "/policies/" + pointer_token(name);
        m.written(i.path, i);
        r->policies.emplace(name, m.policy_document(*doc, i.path));
    }
    static void role_policy_attachment(M& m, Inst& i) {
        model::Role* r = role_of(m, i, "role");
        if (!r) return;
        i.path = r->path + "/managedPolicies";
        m.written(i.path, i);
        if (const Value* a = M::arg(*i.r, "policy_arn")) attach(m, i, *a, *r);
    }
    static void iam_policy(M&, Inst& i) { i.path = "/iamPolicies/" + pointer_token(i.r->address); }  // its document is read where it is attached

    // The handler (what the function does, hence what data access it needs) is not in
    // Terraform: `handler`, `runtime` and `filename` name the code's entry point and package,
    // not which DynamoDB actions the code performs. The deployment states it in the tag
    // "xc:handler"; without it, Unresolved on the handler value, which only the role's
    // lambda-data check reads (verify/dependencies.hpp, single_readers). A `role` given as a
    // literal ARN links to the role the roots create under that name in that account
    // (Mapper::by_name).
    static void lambda(M& m, Inst& i) {
        model::Lambda l;
        l.name = i.name;
        l.path = i.path = path_of(m, i, "lambdas");
        m.written(l.path, i);
        if (auto n = m.text(i, "function_name", l.path)) l.deployed_name = *n;
        else m.unresolved(l.path, l.path + "/name", i.r->address + ".function_name", "the function's name is not known");
        Inst* role = m.require(i, "role", {"aws_iam_role"}, {"arn"}, l.path);
        if (role) l.role = model::Ref{role->scope == i.scope ? "" : role->scope, role->name};
        else {
            // A placeholder role, so that the model stays whole; the Unresolved keeps it from any proof.
            auto& roles = m.scope(i).roles;
            model::Role r;
            r.name = "unresolved-role-of-" + l.name;
            r.path = m.scope_path(i.scope) + "/roles/" + pointer_token(r.name);
            m.written(r.path, i, "role");
            r.trust_policy = m.policy_document({{"Version", "2012-10-17"},
                                                {"Statement", {{{"Effect", "Allow"}, {"Principal", {{"Service", "lambda.amazonaws.com"}}}, {"Action", "sts:AssumeRole"}}}}},
                                               r.path + "/trustPolicy");
            roles.emplace(r.name, r);
            l.role = model::Ref{"", r.name};
        }
        if (const Value* tags = M::arg(*i.r, "tags"); tags && tags->is_known() && tags->is_mapping()) {
            if (const Value* h = M::field(*tags, "xc:handler"); h && h->is_known()) l.handler = h->as_string();
        }
        if (l.handler.empty()) m.unresolved(l.path, l.path + "/handler", i.r->address, "what the function does (its handler's data access) is not stated: tag it \"xc:handler\"");
        l.memory_mb = static_cast<int>(m.number(i, "memory_size", l.path).value_or(128));
        l.timeout_s = static_cast<int>(m.number(i, "timeout", l.path).value_or(3));
        for (const Value* v : M::blocks(M::arg(*i.r, "vpc_config"))) {
            if (const Value* s = M::field(*v, "subnet_ids"); s && s->is_known() && s->is_sequence())
                for (const auto& e : s->elements()) {
                    Inst* si = m.ref(i, &e, {"aws_subnet"}, {"id"});
                    if (si && !si->path.empty()) l.subnets.push_back(si->name);
                    else m.unresolved(l.path, l.path + "/subnets", M::origin_text(e), "a subnet the given roots do not create");
                }
            if (const Value* g = M::field(*v, "security_group_ids"); g && g->is_known() && g->is_sequence())
                for (const auto& e : g->elements()) {
                    Inst* gi = m.ref(i, &e, {"aws_security_group"}, {"id"});
                    if (gi && !gi->path.empty()) l.security_groups.push_back(gi->name);
                    else m.unresolved(l.path, l.path + "/securityGroups", M::origin_text(e), "a security group the given roots do not create");
                }
        }
        for (const Value* e : M::blocks(M::arg(*i.r, "environment"))) {
            const Value* vars = M::field(*e, "variables");
            if (!vars || !vars->is_known() || !vars->is_mapping()) continue;
            for (const auto& [k, v] : vars->attributes()) {
                if (Inst* t = m.ref(i, &v, {"aws_dynamodb_table"}, {"name", "id"}); t && k == "TABLE_NAME") {
                    l.table = model::Ref{t->scope == i.scope ? "" : t->scope, t->name};
                    continue;
                }
                if (k == "INDEX_NAME" && v.is_known()) {
                    l.index = v.as_string();
                    continue;
                }
                if (v.is_known()) l.environment[k] = convert(v, Type::string()).as_string();
            }
        }
        m.scope(i).lambdas.emplace(l.name, std::move(l));
    }
    static void lambda_permission(M& m, Inst& i) {
        Inst* f = m.require(i, "function_name", {"aws_lambda_function"}, {"function_name", "arn", "id"});
        auto& fn = m.scope(*f).lambdas.at(f->name);
        model::InvokePermission p;
        p.path = i.path = fn.path + "/invokePermissions/" + pointer_token(i.name);
        m.written(p.path, i);
        if (M::arg(*i.r, "qualifier")) m.unresolved(fn.path, p.path, "qualifier", "a permission on a qualified function (version or alias) is not modelled");
        const std::string action = m.text_or(i, "action", "", fn.path);
        if (action != "lambda:InvokeFunction") return m.unresolved(fn.path, p.path, i.r->address, "a permission for '" + action + "' is not modelled");
        p.principal = m.text_or(i, "principal", "", fn.path);
        p.source_account = m.text_or(i, "source_account", "", fn.path);
        if (const Value* src = M::arg(*i.r, "source_arn")) {
            const auto* parts = src->template_parts();
            std::optional<std::pair<Inst*, std::string>> api;
            if (src->exact()) api = m.target(i.root, *src);
            else if (parts && !parts->empty() && parts->front().unknown) api = m.target_of_origin(i.root, parts->front().text);
            if (api && api->first->r->type == "aws_api_gateway_rest_api" && api->second == "execution_arn" && !api->first->path.empty()) {
                p.source_api = model::Ref{api->first->scope == i.scope ? "" : api->first->scope, api->first->name};
                p.source_path.clear();
                bool ok = true;
                if (parts)
                    for (std::size_t n = 1; n < parts->size(); ++n) {
                        if ((*parts)[n].unknown) ok = false;
                        p.source_path += (*parts)[n].text;
                    }
                if (!ok) m.unresolved(fn.path, p.path, M::origin_text(*src), "the source ARN's path is not known");
            } else if (src->is_known()) {
                p.source_arn = src->as_string();
            } else {
                p.source_arn = "${" + M::origin_text(*src) + "}";
                m.unresolved(fn.path, p.path, M::origin_text(*src), "the permission's source ARN is not known before apply");
            }
        }
        fn.invoke_permissions.push_back(std::move(p));
    }
    static void instance(M& m, Inst& i) {
        model::Instance x;
        x.name = i.name;
        x.path = i.path = path_of(m, i, "instances");
        m.written(x.path, i);
        Inst* s = m.require(i, "subnet_id", {"aws_subnet"}, {"id"});
        x.subnet = s->name;
        x.vpc = m.subnet_vpc_.at(s)->name;
        x.instance_type = m.text_or(i, "instance_type", "", x.path);
        x.image = "amazon-linux-2023";
        if (const Value* ami = M::arg(*i.r, "ami"); ami && ami->is_known()) x.image = ami->as_string();
        for (Inst* g : m.refs(i, "vpc_security_group_ids", {"aws_security_group"}, x.path)) x.security_groups.push_back(g->name);
        x.ssm = M::arg(*i.r, "iam_instance_profile") != nullptr;
        m.scope(i).instances.emplace(x.name, std::move(x));
    }

    // --- APIs
    static void rest_api(M& m, Inst& i) {
        model::RestApi a;
        a.name = i.name;
        a.path = i.path = path_of(m, i, "apis");
        m.written(a.path, i);
        if (auto n = m.text(i, "name", a.path)) a.deployed_name = *n;
        // An existing API adopted by an `import` block: its id is known ("import { to = ADDRESS
        // id = ID }", Terraform language docs, "Import").
        if (auto id = m.imported_id(i)) a.id = *id;
        a.is_private = false;
        a.endpoint_type = model::ApiEndpointType::EDGE;
        const std::string self = i.r->address + ".execution_arn";
        auto configs = M::blocks(M::arg(*i.r, "endpoint_configuration"));
        bool argument_ids = false;
        if (!configs.empty()) {
            const Value* types = M::field(*configs.front(), "types");
            if (!types || !types->is_wholly_known() || types->elements().size() != 1)
                m.unresolved(a.path, a.path + "/endpointType", types ? M::origin_text(*types) : "types", "the API's endpoint type is not one known value");
            else {
                const auto t = types->elements().front().as_string();
                a.endpoint_type = t == "PRIVATE" ? model::ApiEndpointType::PRIVATE : t == "REGIONAL" ? model::ApiEndpointType::REGIONAL : model::ApiEndpointType::EDGE;
            }
            if (const Value* ids = M::field(*configs.front(), "vpc_endpoint_ids")) {
                endpoint_ids(m, i, *ids, a);
                argument_ids = true;
            }
        }
        // The default endpoint disabled: "disable_execute_api_endpoint - (Optional) Whether clients
        // can invoke your API by using the default execute-api endpoint. By default, clients can
        // invoke your API with the default https://{api_id}.execute-api.{region}.amazonaws.com
        // endpoint" (aws_api_gateway_rest_api) — the endpoint a client of the consumer calls
        // (verify/request_path.hpp). The model does not say it, so anything but a known false
        // leaves the API's checks UNDECIDED rather than taken for the default.
        if (const Value* d = M::arg(*i.r, "disable_execute_api_endpoint");
            d && !d->is_null() && !(d->is_known() && d->type().kind() == Type::Kind::Bool && !d->as_bool()))
            m.unresolved(a.path, a.path + "/disableExecuteApiEndpoint", d->is_known() ? display(*d) : M::origin_text(*d),
                         "the API's default execute-api endpoint may be disabled, which xc does not model");
        // Intent: every PRIVATE API must admit only the consumer's endpoints, and so must an API
        // tagged "xc:private" = "true" whatever its type (README: the tag states the intent
        // where the configuration may not yet meet it).
        a.is_private = a.endpoint_type == model::ApiEndpointType::PRIVATE;
        if (const Value* tags = M::arg(*i.r, "tags"); tags && tags->is_known() && tags->is_mapping())
            if (const Value* p = M::field(*tags, "xc:private"); p && p->is_known() && p->type().kind() == Type::Kind::String && p->as_string() == "true")
                a.is_private = true;
        // The body: routes, validators, and the policy it carries.
        std::optional<nlohmann::json> body;
        if (const Value* b = M::arg(*i.r, "body")) body = body_document(m, i, *b, a, self);
        if (body) {
            try {
                read_body(m, i, *body, a);
            } catch (const nlohmann::json::exception& e) {
                m.fail(i, "body", std::string("the body is no OpenAPI document API Gateway imports (a member has the wrong type): ") + e.what());
            }
        }
        if (body && body->is_object() && !argument_ids) body_endpoint_ids(m, *body, a);
        // The secret the API takes its endpoint id from: one another root writes an endpoint's id
        // into, read by a data source the API's configuration refers to.
        a.endpoint_id_from = m.secret_read(i, a.path + "/endpointIdFrom");
        if (auto doc = m.document(i, "policy", a.path, self)) a.policy = m.policy_document(*doc, a.path + "/policy");
        else if (body && body->contains("x-amazon-apigateway-policy")) a.policy = m.policy_document((*body)["x-amazon-apigateway-policy"], a.path + "/policy");
        m.scope(i).apis.emplace(a.name, std::move(a));
    }
    // The body as a document. Written as jsonencode(V) or yamlencode(V), V itself (both encode a
    // value one to one; Terraform's functions page: "jsonencode encodes a given value to a string
    // using JSON syntax", "yamlencode encodes a given value to a string using YAML 1.2 block
    // syntax"), so that its unknown parts stay values; otherwise its text — known, or a template
    // (templatefile, "${...}") whose unknown parts are substituted by what the model knows them
    // to be, exactly as Terraform substitutes them at apply — read as JSON or YAML
    // (openapi_body.hpp). An unknown part the model does not know leaves a placeholder and makes
    // the API Unresolved; text that is neither JSON nor YAML is an error at the body argument.
    static std::optional<nlohmann::json> body_document(M& m, Inst& i, const Value& b, model::RestApi& a, const std::string& self) {
        if (i.r->encoded.count("body")) return m.to_json(i, i.r->encoded.at("body"), a.path, self);
        std::string text;
        std::vector<std::string> unknown;  // origins of the parts a placeholder stands for
        // A placeholder: private-use characters no OpenAPI text is expected to hold, plain in YAML.
        auto placeholder = [](std::size_t n) { return "\xEE\x80\x80" + std::to_string(n) + "\xEE\x80\x80"; };
        if (b.is_known() && b.type().kind() == Type::Kind::String) {
            text = b.as_string();
        } else if (const auto* parts = b.template_parts()) {
            for (const auto& p : *parts) {
                if (!p.unknown) text += p.text;
                else if (auto s = m.known_attribute(i.root, p.text, self)) text += *s;
                else {
                    text += placeholder(unknown.size());
                    unknown.push_back(p.text);
                }
            }
        } else if (b.is_known()) {
            m.fail(i, "body", "'body' must be a string (an OpenAPI document)");
        } else {
            m.unresolved(a.path, a.path + "/routes", M::origin_text(b), "the body is not known before apply");
            return std::nullopt;
        }
        OpenApiBody parsed;
        try {
            parsed = parse_openapi_body(text);
        } catch (const BodySyntaxError& e) {
            m.fail(i, "body", "the body is no OpenAPI document (JSON or YAML): " + (e.at.line ? "at " + std::to_string(e.at.line) + ":" + std::to_string(e.at.column) + " of its text: " : std::string()) + e.message);
        }
        if (!unknown.empty()) {
            std::string origins;
            for (const auto& o : unknown) origins += (origins.empty() ? "" : ", ") + o;
            m.unresolved(a.path, a.path + "/routes", origins, "not known before apply and not linked to anything the given roots create (in the body)");
            // The placeholders, named: what a finding over them shows.
            std::function<void(nlohmann::json&)> name = [&](nlohmann::json& j) {
                if (j.is_string()) {
                    std::string s = j.get<std::string>();
                    for (std::size_t n = 0; n < unknown.size(); ++n)
                        for (auto at = s.find(placeholder(n)); at != std::string::npos; at = s.find(placeholder(n)))
                            s.replace(at, placeholder(n).size(), "${" + unknown[n] + "}");
                    j = s;
                } else if (j.is_structured()) {
                    for (auto& e : j) name(e);
                }
            };
            if (parsed.document.is_structured()) name(parsed.document);
        }
        for (const auto& at : parsed.unread) m.unresolved(a.path, a.path + "/routes", "body" + at, "a YAML merge key ('<<'), which xc does not expand");
        return std::move(parsed.document);
    }
    // The body's endpoint configuration: "x-amazon-apigateway-endpoint-configuration ... vpcEndpointIds
    // ... A list of VpcEndpoint identifiers against which to create Route 53 alias records for a
    // REST API. It is only supported for REST APIs the PRIVATE endpoint type." (API Gateway
    // Developer Guide, "x-amazon-apigateway-endpoint-configuration object"). The argument wins:
    // "The REST API can be configured via importing an OpenAPI specification in the body argument
    // (with other arguments serving as overrides)" (aws_api_gateway_rest_api).
    static void body_endpoint_ids(M& m, const nlohmann::json& body, model::RestApi& a) {
        auto c = body.find("x-amazon-apigateway-endpoint-configuration");
        if (c == body.end() || !c->is_object() || !c->contains("vpcEndpointIds")) return;
        const auto& ids = (*c)["vpcEndpointIds"];
        if (!ids.is_array()) return m.unresolved(a.path, a.path + "/vpcEndpoints", "x-amazon-apigateway-endpoint-configuration", "vpcEndpointIds is not a list");
        for (const auto& id : ids) {
            const Inst* found = nullptr;
            if (id.is_string())
                for (const Inst* x : m.managed("aws_vpc_endpoint"))
                    if (!x->path.empty())
                        if (const auto* e = m.endpoint_of(*x); e && e->id == id.get<std::string>()) found = x;
            if (!found) {
                m.unresolved(a.path, a.path + "/vpcEndpoints", id.is_string() ? id.get<std::string>() : id.dump(), "an endpoint of the API (in its body) is none the given roots create");
                continue;
            }
            a.vpc_endpoints.push_back(model::Ref{found->scope, found->name});
        }
    }
    static void endpoint_ids(M& m, Inst& i, const Value& ids, model::RestApi& a) {
        if (!ids.is_known() || !ids.is_sequence()) return m.unresolved(a.path, a.path + "/vpcEndpoints", M::origin_text(ids), "the API's endpoints are not known");
        for (const auto& e : ids.elements()) {
            Inst* ep = m.ref(i, &e, {"aws_vpc_endpoint"}, {"id"});
            if (!ep || ep->path.empty()) {
                m.unresolved(a.path, a.path + "/vpcEndpoints", e.is_known() ? e.as_string() : M::origin_text(e), "an endpoint of the API is none the given roots create");
                continue;
            }
            a.vpc_endpoints.push_back(model::Ref{ep->scope, ep->name});
        }
    }
    static void read_body(M& m, Inst& i, const nlohmann::json& body, model::RestApi& a) {
        if (!body.is_object() || !body.contains("paths")) return m.unresolved(a.path, a.path + "/routes", "body", "the body has no paths");
        if (body.contains("openapi")) m.unresolved(a.path, a.path + "/routes", "body", "OpenAPI 3 bodies are read as Swagger 2.0 (paths, methods, integrations)");
        std::string validator;
        if (auto v = body.find("x-amazon-apigateway-request-validator"); v != body.end() && v->is_string()) validator = *v;
        if (!validator.empty()) {
            auto vs = body.value("/x-amazon-apigateway-request-validators"_json_pointer, nlohmann::json::object());
            if (vs.contains(validator)) {
                a.validate_body = vs[validator].value("validateRequestBody", false);
                a.validate_parameters = vs[validator].value("validateRequestParameters", false);
            }
        }
        for (const auto& [path, methods] : body["paths"].items()) {
            if (!methods.is_object()) continue;
            for (const auto& [method, op] : methods.items()) {
                if (method == "parameters") continue;
                std::string verb = method == "x-amazon-apigateway-any-method" ? "ANY" : method;
                for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                model::ApiRoute r;
                r.method = verb;
                r.resource_path = path;
                r.key = verb + " " + path;
                r.path = a.path + "/routes/" + pointer_token(r.key);
                if (op.contains("x-amazon-apigateway-request-validator"))
                    m.unresolved(a.path, r.path, "x-amazon-apigateway-request-validator", "per-method validators are not modelled");
                const auto integration = op.value("x-amazon-apigateway-integration", nlohmann::json::object());
                const std::string uri = integration.value("uri", "");
                Inst* fn = nullptr;
                if (auto f = m.lambda_invoke_arns(i.root).find(uri); f != m.lambda_invoke_arns(i.root).end()) fn = f->second;
                if (!fn) {
                    m.unresolved(a.path, r.path, uri, "the route's integration is no aws_proxy integration of a function the given roots create");
                    continue;
                }
                r.lambda = model::Ref{fn->scope == i.scope ? "" : fn->scope, fn->name};
                // Who may call the route: NONE or AWS_IAM, as the body states it
                // (input/detail/openapi_authorization.hpp); anything else stays open.
                const auto authorization = input::detail::openapi_operation_authorization(body, op);
                if (!authorization.open.empty()) m.unresolved(a.path, r.path, m.qualified(i, i.r->address) + " body " + r.key + " security", authorization.open);
                r.authorization = authorization.stated;
                // An integration with credentials invokes the function as that role (or, with
                // "arn:aws:iam::*:user/*", as the caller), not through its resource policy.
                if (integration.contains("credentials"))
                    m.unresolved(a.path, r.path, m.qualified(i, i.r->address) + " body " + r.key + " credentials",
                                 "the integration invokes the function with credentials (a role's or the caller's), which xc does not model");
                const auto parameters = op.value("parameters", nlohmann::json::array());
                for (const auto& p : parameters) {
                    if (p.value("in", "") == "query") r.query[p.value("name", "")] = model::QueryParameter{p.value("name", ""), p.value("required", false)};
                    if (p.value("in", "") == "body" && p.contains("schema")) {
                        std::string ref = p["schema"].value("$ref", "");
                        const std::string prefix = "#/definitions/";
                        if (ref.rfind(prefix, 0) != 0) continue;
                        model::BodyModel bm;
                        bm.model = ref.substr(prefix.size());
                        bm.path = r.path + "/body";
                        const auto def = body.value("/definitions"_json_pointer, nlohmann::json::object()).value(bm.model, nlohmann::json::object());
                        for (const auto& q : def.value("required", nlohmann::json::array())) bm.required.push_back(q.get<std::string>());
                        const auto properties = def.value("properties", nlohmann::json::object());
                        for (const auto& [pn, ps] : properties.items()) {
                            model::BodyProperty bp;
                            bp.name = pn;
                            bp.type = ps.value("type", "string");
                            for (const auto& e : ps.value("enum", nlohmann::json::array())) bp.enum_values.push_back(e.is_string() ? e.get<std::string>() : e.dump());
                            bp.path = bm.path + "/properties/" + pointer_token(pn);
                            bm.properties.emplace(pn, std::move(bp));
                        }
                        r.body = std::move(bm);
                    }
                }
                m.written(r.path, i, "body");
                a.routes.emplace(r.key, std::move(r));
            }
        }
    }
    static model::RestApi& api_of(M& m, Inst& i, const std::string& name) {
        Inst* a = m.require(i, name, {"aws_api_gateway_rest_api"}, {"id"});
        return m.scope(*a).apis.at(a->name);
    }
    static void rest_api_policy(M& m, Inst& i) {
        Inst* ai = m.require(i, "rest_api_id", {"aws_api_gateway_rest_api"}, {"id"});
        auto& a = m.scope(*ai).apis.at(ai->name);
        i.path = a.path + "/policy";
        m.written(i.path, i);
        // Two sources of the one policy fight (the provider docs warn against mixing them).
        if (M::arg(*ai->r, "policy")) m.unresolved(a.path, i.path, i.r->address, "the API's policy is set both by its own `policy` and by aws_api_gateway_rest_api_policy");
        // The body's x-amazon-apigateway-policy is applied whenever the body is imported again:
        // which policy the API holds depends on the order of apply.
        else if (a.policy) m.unresolved(a.path, i.path, i.r->address, "the API's policy is set both by its body's x-amazon-apigateway-policy and by aws_api_gateway_rest_api_policy");
        if (auto doc = m.document(i, "policy", a.path, ai->r->address + ".execution_arn")) a.policy = m.policy_document(*doc, a.path + "/policy");
    }
    static void stage(M& m, Inst& i) {
        auto& a = api_of(m, i, "rest_api_id");
        auto name = m.text(i, "stage_name", a.path);
        i.path = a.path + "/stage";
        m.written(i.path, i);
        if (!name) return;
        if (!a.stage.empty()) m.unresolved(a.path, i.path, i.r->address, "the API has several stages; xc models one");
        else a.stage = *name;
    }
    // --- an API built from resources, methods and integrations (instead of a body)
    //
    // API Gateway API Reference: Resource "parentId: The parent resource's identifier",
    // "pathPart: The last path segment for this resource"; Method "authorizationType: The
    // method's authorization type. Valid values are NONE for open access, AWS_IAM for using AWS
    // IAM permissions, CUSTOM for using a custom authorizer, or COGNITO_USER_POOLS for using a
    // Cognito user pool"; Integration type "AWS_PROXY: for integrating the API method request
    // with the Lambda function-invoking action with the client request passed through as-is"
    // (the provider's resource_id, path_part, authorization, type). A route is a method with an AWS_PROXY integration of a function the
    // roots create; its authorization is NONE or AWS_IAM (the route's own), any other (an
    // authorizer, a Cognito user pool), or a required API key, leaves the route Unresolved.

    // The path of the API resource `v` names: "/" for `api`'s root_resource_id, else the path of
    // the aws_api_gateway_resource it is the id of (its parents' paths and its path_part).
    static std::optional<std::string> resource_path(M& m, const Inst& from, const Value* v, const Inst* api, int depth = 0) {
        if (!v || depth > 64) return std::nullopt;
        auto t = m.target(from.root, *v);
        if (!t) return std::nullopt;
        Inst& x = *t->first;
        if (x.r->type == "aws_api_gateway_rest_api" && t->second == "root_resource_id") return &x == api ? std::optional<std::string>("/") : std::nullopt;
        if (x.r->type != "aws_api_gateway_resource" || t->second != "id" || x.r->data) return std::nullopt;
        if (m.ref(x, M::arg(*x.r, "rest_api_id"), {"aws_api_gateway_rest_api"}, {"id"}) != api) return std::nullopt;
        auto parent = resource_path(m, x, M::arg(*x.r, "parent_id"), api, depth + 1);
        const Value* part = M::arg(*x.r, "path_part");
        if (!parent || !part || !part->is_known() || part->type().kind() != Type::Kind::String) return std::nullopt;
        return (*parent == "/" ? "" : *parent) + "/" + part->as_string();
    }
    // The route key ("GET /orders/{orderId}") a method or an integration is for, or nullopt (and
    // Unresolved on the API) when its resource or method is not known.
    static std::optional<std::string> route_key(M& m, Inst& i, const Inst* api, model::RestApi& a) {
        auto path = resource_path(m, i, M::arg(*i.r, "resource_id"), api);
        auto verb = m.text(i, "http_method", a.path);
        if (!path) {
            const Value* r = M::arg(*i.r, "resource_id");
            m.unresolved(a.path, a.path + "/routes", r ? M::origin_text(*r) : m.qualified(i, i.r->address) + ".resource_id",
                         "the API resource of " + m.qualified(i, i.r->address) + " is none of this API's the given roots create");
        }
        if (!path || !verb) return std::nullopt;
        std::string method = *verb;
        for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return method + " " + *path;
    }
    // The mapped API a resource, method or integration belongs to, written at its routes; nullptr
    // (and listed as not modelled) for one of an API the given roots do not create.
    static Inst* api_part_of(M& m, Inst& i) {
        Inst* ai = m.ref(i, M::arg(*i.r, "rest_api_id"), {"aws_api_gateway_rest_api"}, {"id"});
        if (!ai || ai->path.empty()) {
            m.not_modelled(i);
            return nullptr;
        }
        i.path = ai->path + "/routes";  // a resource's paths are the routes' (resource_path)
        m.written(i.path, i);
        return ai;
    }
    static void api_resource(M& m, Inst& i) { api_part_of(m, i); }
    static void api_method(M& m, Inst& i) {
        Inst* ai = api_part_of(m, i);
        if (!ai) return;
        auto& a = m.scope(*ai).apis.at(ai->name);
        if (M::arg(*ai->r, "body"))
            m.unresolved(a.path, a.path + "/routes", m.qualified(i, i.r->address),
                         "the API has both an OpenAPI body and methods: which routes it keeps depends on put_rest_api_mode and the order of apply");
        auto key = route_key(m, i, ai, a);
        if (!key) return;
        model::ApiRoute r;
        r.key = *key;
        r.method = key->substr(0, key->find(' '));
        r.resource_path = key->substr(key->find(' ') + 1);
        r.path = i.path = a.path + "/routes/" + pointer_token(r.key);
        m.written(r.path, i);
        if (m.pending_routes_.count({ai, r.key})) m.fail(i, "http_method", "the API already has a method " + r.key);
        // "authorization - (Required) Type of authorization used for the method" (AWS provider,
        // aws_api_gateway_method): not set is no NONE to rely on; unknown, text() records it.
        // NONE and AWS_IAM are the route's; CUSTOM (an authorizer) and COGNITO_USER_POOLS stay open.
        const Value* authorization = M::arg(*i.r, "authorization");
        if (!authorization || (authorization->is_known() && authorization->is_null()))
            m.unresolved(a.path, r.path, m.qualified(i, i.r->address) + ".authorization",
                         "the method sets no authorization (the provider requires one): xc models NONE and AWS_IAM");
        else if (auto type = m.text(i, "authorization", a.path); type && *type == "NONE")
            r.authorization = model::Authorization::none;
        else if (type && *type == "AWS_IAM")
            r.authorization = model::Authorization::aws_iam;
        else if (type)
            m.unresolved(a.path, r.path, m.qualified(i, i.r->address) + ".authorization",
                         "the method's authorization is " + *type + ": xc models NONE and AWS_IAM (no authorizers, no Cognito user pools)");
        if (m.flag(i, "api_key_required", a.path).value_or(false))
            m.unresolved(a.path, r.path, m.qualified(i, i.r->address) + ".api_key_required", "the method requires an API key, which xc does not model");
        // "method.request.querystring.NAME" = required (the API Gateway names of request parameters).
        if (const Value* ps = M::arg(*i.r, "request_parameters"); ps && ps->is_known() && ps->is_mapping())
            for (const auto& [k, required] : ps->attributes()) {
                const std::string prefix = "method.request.querystring.";
                if (k.rfind(prefix, 0) == 0)
                    r.query[k.substr(prefix.size())] = model::QueryParameter{k.substr(prefix.size()), required.is_known() && required.type().kind() == Type::Kind::Bool && required.as_bool()};
            }
        std::pair<const Inst*, std::string> at{ai, r.key};  // the key first: r is moved from below
        m.pending_routes_.emplace(std::move(at), M::PendingRoute{std::move(r), &i, false});
    }
    static void api_integration(M& m, Inst& i) {
        Inst* ai = api_part_of(m, i);
        if (!ai) return;
        auto& a = m.scope(*ai).apis.at(ai->name);
        auto key = route_key(m, i, ai, a);
        if (!key) return;
        auto pending = m.pending_routes_.find({ai, *key});
        if (pending == m.pending_routes_.end()) m.fail(i, "http_method", "the API has no method " + *key + " for this integration");
        if (pending->second.integrated) m.fail(i, "http_method", "the method " + *key + " already has an integration");
        pending->second.integrated = true;
        model::ApiRoute r = pending->second.route;
        i.path = r.path + "/integration";
        m.written(i.path, i);
        const std::string type = m.text_or(i, "type", "", a.path);
        const Value* uri = M::arg(*i.r, "uri");
        Inst* fn = m.ref(i, uri, {"aws_lambda_function"}, {"invoke_arn"});
        if (!fn && uri && uri->is_known() && uri->type().kind() == Type::Kind::String)
            if (auto it = m.lambda_invoke_arns(i.root).find(uri->as_string()); it != m.lambda_invoke_arns(i.root).end()) fn = it->second;
        if (type != "AWS_PROXY" || !fn || fn->path.empty())
            return m.unresolved(a.path, r.path, uri ? M::origin_text(*uri) : m.qualified(i, i.r->address),
                                "the route's integration is no AWS_PROXY integration of a function the given roots create");
        r.lambda = model::Ref{fn->scope == ai->scope ? "" : fn->scope, fn->name};
        if (a.routes.count(r.key)) m.fail(i, "http_method", "the API already has a route " + r.key + " (from its body)");
        a.routes.emplace(r.key, std::move(r));
    }
    // A method no integration completes is no route xc can read ("a method must have an
    // integration" before API Gateway deploys the API: CreateDeployment answers "No integration
    // defined for method"): Unresolved on its API, never dropped unsaid.
    static void methods_without_integration(M& m) {
        for (const auto& [at, pending] : m.pending_routes_) {
            if (pending.integrated) continue;
            const auto& a = m.scope(*at.first).apis.at(at.first->name);
            m.unresolved(a.path, pending.route.path, m.qualified(*pending.method, pending.method->r->address),
                         "the method " + pending.route.key + " has no aws_api_gateway_integration the given roots create");
        }
    }

    static void domain_name(M& m, Inst& i) {
        model::CustomDomain d;
        d.name = m.text_or(i, "domain_name", "");
        d.endpoint_type = model::ApiEndpointType::EDGE;
        i.path = m.scope_path(i.scope) + "/domains/" + pointer_token(i.name);
        for (const Value* c : M::blocks(M::arg(*i.r, "endpoint_configuration")))
            if (const Value* t = M::field(*c, "types"); t && t->is_wholly_known() && t->elements().size() == 1) {
                const auto s = t->elements().front().as_string();
                d.endpoint_type = s == "PRIVATE" ? model::ApiEndpointType::PRIVATE : s == "REGIONAL" ? model::ApiEndpointType::REGIONAL : model::ApiEndpointType::EDGE;
            }
        auto cert = certificate(m, i, d.endpoint_type == model::ApiEndpointType::REGIONAL ? "regional_certificate_arn" : "certificate_arn", i.path);
        if (cert) d.certificate = *cert;
        if (auto doc = m.document(i, "policy", i.path)) d.policy = m.policy_document(*doc, i.path + "/policy");
        m.pending_domains_[&i] = std::move(d);
    }
    static void base_path_mapping(M& m, Inst& i) {
        auto& a = api_of(m, i, "api_id");
        Inst* d = m.require(i, "domain_name", {"aws_api_gateway_domain_name"}, {"domain_name", "id"});
        if (!m.pending_domains_.count(d)) return m.not_modelled(i);
        if (a.custom_domain) return m.unresolved(a.path, a.path + "/customDomain", i.r->address, "the API has several custom domains; xc models one");
        auto cd = m.pending_domains_.at(d);
        cd.base_path = m.text_or(i, "base_path", "", a.path);
        // Unresolved items recorded on the domain before it was the API's now affect the API.
        std::string old = d->path;
        cd.path = d->path = a.path + "/customDomain";
        if (cd.policy) cd.policy->path = cd.path + "/policy";
        for (auto& u : m.m().unresolved)
            if (u.resource == old) u.resource = a.path;
        m.written(cd.path, *d);
        i.path = cd.path + "/basePath";
        m.written(i.path, i);
        a.custom_domain = std::move(cd);
        m.domain_api_[d] = &a;
    }
    static void domain_access_association(M& m, Inst& i) {
        const Value* arn = M::arg(*i.r, "domain_name_arn");
        Inst* d = arn ? m.domain_by_arn(i, *arn) : nullptr;
        if (!d || !m.domain_api_.count(d)) return m.not_modelled(i);
        auto& a = *m.domain_api_.at(d);
        i.path = a.custom_domain->path + "/accessVpcEndpoints";
        m.written(i.path, i);
        const Value* src = M::arg(*i.r, "access_association_source");
        Inst* ep = src ? m.endpoint_by_value(i, *src) : nullptr;
        if (!ep) return m.unresolved(a.path, i.path, src ? M::origin_text(*src) : "access_association_source", "the associated endpoint is none the given roots create");
        a.custom_domain->access_vpc_endpoints.push_back(model::Ref{ep->scope, ep->name});
    }
};


// The one table: every resource type xc maps, its phase and its mapping.
inline const std::vector<TypeMapping>& type_mappings() {
    using T = Mappings;
    static const std::vector<TypeMapping> table{
        {"aws_vpc", 1, T::vpc},
        {"aws_kms_key", 1, T::kms_key},
        {"aws_dynamodb_table", 1, T::table},
        {"aws_iam_role", 1, T::role},
        {"aws_iam_policy", 1, T::iam_policy},
        {"aws_subnet", 2, T::subnet},
        {"aws_route_table", 2, T::route_table},
        {"aws_internet_gateway", 2, T::internet_gateway},
        {"aws_security_group", 2, T::security_group},
        {"aws_acm_certificate", 2, T::acm_certificate},
        {"aws_route53_zone", 2, T::route53_zone},
        {"aws_secretsmanager_secret", 2, T::secret},
        {"aws_iam_role_policy", 2, T::role_policy},
        {"aws_iam_role_policy_attachment", 2, T::role_policy_attachment},
        {"aws_kms_key_policy", 2, T::kms_key_policy},
        {"aws_vpc_endpoint", 3, T::vpc_endpoint},
        {"aws_route", 3, T::route},
        {"aws_route_table_association", 3, T::route_table_association},
        {"aws_vpc_security_group_ingress_rule", 3, T::vpc_security_group_rule},
        {"aws_vpc_security_group_egress_rule", 3, T::vpc_security_group_rule},
        {"aws_security_group_rule", 3, T::security_group_rule},
        {"aws_lb", 3, T::load_balancer},
        {"aws_lambda_function", 3, T::lambda},
        {"aws_instance", 3, T::instance},
        {"aws_iam_instance_profile", 3, T::instance_profile},
        {"aws_route53_zone_association", 3, T::zone_association},
        {"aws_lb_target_group", 4, T::target_group},
        {"aws_vpc_endpoint_route_table_association", 4, T::endpoint_route_table_association},
        {"aws_secretsmanager_secret_version", 4, T::secret_version},
        {"aws_secretsmanager_secret_policy", 4, T::secret_policy},
        {"aws_lb_listener", 5, T::listener},
        {"aws_api_gateway_rest_api", 5, T::rest_api},
        {"aws_lb_listener_rule", 6, T::listener_rule},
        {"aws_lb_listener_certificate", 6, T::listener_certificate},
        {"aws_lb_target_group_attachment", 7, T::target_group_attachment},
        {"aws_route53_record", 6, T::route53_record},
        {"aws_lambda_permission", 6, T::lambda_permission},
        {"aws_api_gateway_stage", 6, T::stage},
        {"aws_api_gateway_rest_api_policy", 6, T::rest_api_policy},
        {"aws_api_gateway_resource", 6, T::api_resource},
        {"aws_api_gateway_method", 7, T::api_method},
        {"aws_api_gateway_integration", 8, T::api_integration},
        {"aws_api_gateway_domain_name", 6, T::domain_name},
        {"aws_api_gateway_base_path_mapping", 8, T::base_path_mapping},
        {"aws_api_gateway_domain_name_access_association", 9, T::domain_access_association},
    };
    return table;
}
inline const TypeMapping* type_mapping(const std::string& type) {
    for (const auto& t : type_mappings())
        if (type == t.type) return &t;
    return nullptr;
}

// Resource types xc does not map that can change a verdict on the resource one of their
// arguments names: that resource becomes Unresolved (its properties UNDECIDED), never dropped.
struct VerdictChanging {
    const char* type;
    const char* argument;  // names the affected resource
    const char* why;
};
inline const std::vector<VerdictChanging>& verdict_changing_types() {
    static const std::vector<VerdictChanging> table{
        {"aws_api_gateway_method_settings", "rest_api_id", "changes the API's method settings, which xc does not model"},
        {"aws_api_gateway_authorizer", "rest_api_id", "adds an authorizer, which xc does not model"},
        {"aws_api_gateway_gateway_response", "rest_api_id", "changes the API's responses, which xc does not model"},
        {"aws_vpc_endpoint_policy", "vpc_endpoint_id", "sets the endpoint's policy, which xc does not read from this resource"},
        {"aws_vpc_endpoint_subnet_association", "vpc_endpoint_id", "places the endpoint in another subnet"},
        {"aws_vpc_endpoint_security_group_association", "vpc_endpoint_id", "adds a security group to the endpoint"},
        {"aws_lambda_function_url", "function_name", "gives the function a URL that bypasses its API"},
        {"aws_lambda_alias", "function_name", "adds an alias, whose permissions xc does not model"},
        {"aws_kms_grant", "key_id", "grants use of the key outside its key policy"},
        {"aws_iam_policy_attachment", "roles", "attaches a policy to roles (exclusively), which xc does not model"},
        {"aws_default_route_table", "default_route_table_id", "changes the VPC's main route table"},
        {"aws_main_route_table_association", "vpc_id", "changes the VPC's main route table"},
        {"aws_internet_gateway_attachment", "vpc_id", "attaches an internet gateway to the VPC"},
        {"aws_default_security_group", "vpc_id", "changes the VPC's default security group"},
        {"aws_network_interface_sg_attachment", "security_group_id", "attaches the security group to another interface"},
    };
    return table;
}

inline Inst* Mapper::domain_by_arn(const Inst& i, const Value& v) {
    if (auto t = target(i.root, v); t && t->first->r->type == "aws_api_gateway_domain_name" && t->second == "arn") return t->first;
    // data.aws_ram_resource_share.X.resource_arns[N]: X reads a share by name, owned by another account.
    const auto origins = v.unknown_origins();
    if (origins.size() != 1) return nullptr;
    auto share_read = target_of_origin(i.root, origins.front());
    if (!share_read || share_read->first->r->type != "aws_ram_resource_share" || !share_read->first->r->data || share_read->second != "resource_arns") return nullptr;
    const Value* name = arg(*share_read->first->r, "name");
    if (!name || !name->is_known()) return nullptr;
    Inst* share = nullptr;
    for (Inst* x : managed("aws_ram_resource_share"))
        if (x->root != i.root)
            if (const Value* n = arg(*x->r, "name"); n && n->is_known() && n->as_string() == name->as_string()) {
                if (share) return nullptr;  // ambiguous
                share = x;
            }
    if (!share) return nullptr;
    Inst* domain = nullptr;
    for (Inst* x : managed("aws_ram_resource_association")) {
        if (x->root != share->root || ref(*x, arg(*x->r, "resource_share_arn"), {"aws_ram_resource_share"}, {"arn", "id"}) != share) continue;
        Inst* d = ref(*x, arg(*x->r, "resource_arn"), {"aws_api_gateway_domain_name"}, {"arn"});
        if (!d || (domain && domain != d)) return nullptr;  // a share of several resources: resource_arns[N] is not known to be this one
        domain = d;
    }
    return domain;
}

inline Inst* Mapper::endpoint_by_value(const Inst& i, const Value& v) {
    auto t = target(i.root, v);
    if (!t || t->second != "id") return nullptr;
    if (!t->first->r->data) return t->first->r->type == "aws_vpc_endpoint" && !t->first->path.empty() ? t->first : nullptr;
    if (t->first->r->type != "aws_vpc_endpoint") return nullptr;
    const ResourceInstance& d = *t->first->r;
    // Only a selection by tags alone (any other argument narrows it in ways xc does not follow).
    for (const auto& [k, a] : d.attributes.attributes())
        if (k != "tags" && !(a.is_known() && a.is_null())) return nullptr;
    const Value* tags = arg(d, "tags");
    if (!tags || !tags->is_wholly_known() || !tags->is_mapping() || tags->attributes().empty()) return nullptr;
    Inst* found = nullptr;
    for (Inst* xp : managed("aws_vpc_endpoint")) {
        Inst& x = *xp;
        if (x.path.empty()) continue;
        if (x.r->placement.account != d.placement.account || x.r->placement.region != d.placement.region) continue;
        const Value* xt = arg(*x.r, "tags");
        if (!xt || !xt->is_known() || !xt->is_mapping()) continue;
        bool all = true;
        for (const auto& [k, want] : tags->attributes()) {
            const Value* have = field(*xt, k);
            all = all && have && have->is_known() && raw_equal(have->unmarked_deep(), want.unmarked_deep());
        }
        if (!all) continue;
        if (found) return nullptr;  // several match: the data source fails, or reads another
        found = &x;
    }
    return found;
}

inline std::optional<model::Ref> Mapper::secret_read(const Inst& api, const std::string& path) {
    const auto& deps = api.r->depends_on;
    for (Inst* xp : data_sources("aws_secretsmanager_secret_version")) {
        Inst& x = *xp;
        if (x.root != api.root) continue;
        const std::string block = x.r->address.substr(0, x.r->address.size() - key_suffix(x.r->key).size());
        if (std::find(deps.begin(), deps.end(), x.r->address) == deps.end() && std::find(deps.begin(), deps.end(), block) == deps.end()) continue;
        const Value* id = arg(*x.r, "secret_id");
        if (!id || !id->is_known() || id->type().kind() != Type::Kind::String) continue;
        std::string name = id->as_string();
        if (auto at = name.find(":secret:"); name.rfind("arn:", 0) == 0 && at != std::string::npos) name = name.substr(at + 8);
        for (Inst* yp : managed("aws_secretsmanager_secret")) {
            Inst& y = *yp;
            if (y.path.empty()) continue;
            const auto& secret = scope(y).secrets.at(y.name);
            // A name means the reader's account and region; an ARN names its own.
            const std::string& id_text = id->as_string();
            const bool same_place = id_text.rfind("arn:", 0) == 0
                                        ? id_text.find(":" + y.r->placement.region + ":" + y.r->placement.account + ":secret:") != std::string::npos
                                        : y.r->placement.account == x.r->placement.account && y.r->placement.region == x.r->placement.region;
            if (y.root != api.root && same_place && secret.deployed_name == name && secret.value_vpc_endpoint_id) {
                x.path = path;
                source_->add(path, location(x));
                return model::Ref{y.scope, y.name};
            }
        }
    }
    return std::nullopt;
}

inline const std::map<std::string, Inst*>& Mapper::lambda_invoke_arns(std::size_t root) {
    if (!invoke_arns_done_) {
        for (Inst* x : managed("aws_lambda_function"))
            if (!x->path.empty())
                if (auto a = known_attribute(x->root, x->r->address + ".invoke_arn", "")) invoke_arns_[*a] = x;
        invoke_arns_done_ = true;
    }
    (void)root;
    return invoke_arns_;
}

inline const Inst* Mapper::instance_holding(const Inst& x) {
    if (!instance_holding_) {
        instance_holding_.emplace();
        // `v` names an instance of `type` with configured `name` argument: a reference, or the
        // name it evaluates to in the same account.
        auto named = [&](const Inst& from, const Value* v, const char* type) -> Inst* {
            if (!v) return nullptr;
            if (auto t = target(from.root, *v); t && t->first->r->type == type) return t->first;
            if (!v->is_known() || v->type().kind() != Type::Kind::String) return nullptr;
            Inst* found = nullptr;
            for (Inst* c : managed(type))
                if (const Value* n = arg(*c->r, "name"); n && n->is_known() && n->type().kind() == Type::Kind::String && n->as_string() == v->as_string() &&
                                                          c->r->placement.account == from.r->placement.account) {
                    if (found) return nullptr;
                    found = c;
                }
            return found;
        };
        std::set<const Inst*> function_roles;
        for (Inst* f : managed("aws_lambda_function"))
            if (const Value* r = arg(*f->r, "role")) {
                if (auto t = target(f->root, *r)) function_roles.insert(t->first);
                else if (r->is_known() && r->type().kind() == Type::Kind::String)
                    for (Inst* c : managed("aws_iam_role"))
                        if (const Value* n = arg(*c->r, "name"); n && n->is_known() && n->type().kind() == Type::Kind::String &&
                                                                  r->as_string().ends_with("/" + n->as_string()))
                            function_roles.insert(c);
            }
        for (Inst* instance : managed("aws_instance")) {
            Inst* profile = named(*instance, arg(*instance->r, "iam_instance_profile"), "aws_iam_instance_profile");
            if (!profile) continue;
            (*instance_holding_)[profile] = instance;
            // A role that calls APIs (tag xc:calls) is a model role, its policies read: the
            // proofs of who may call the APIs need them; the instance keeps its `ssm`.
            if (Inst* role = named(*profile, arg(*profile->r, "role"), "aws_iam_role"); role && !function_roles.count(role) && !tag_of(*role, input::detail::caller_tag))
                (*instance_holding_)[role] = instance;
        }
    }
    auto it = instance_holding_->find(&x);
    return it == instance_holding_->end() ? nullptr : it->second;
}

// The model name of an instance within its scope: module names below the scope's, then the
// resource name, then its key.
inline std::string local_name(const ResourceInstance& r, const std::string& scope_key) {
    std::string rest = r.address.substr(scope_key.empty() ? 0 : scope_key.size() + 1);
    if (r.data) rest = rest.substr(5);
    std::string out;
    // "module.a[\"k\"].module.b.TYPE.NAME[KEY]"
    while (rest.rfind("module.", 0) == 0) {
        rest = rest.substr(7);
        auto dot = rest.find('.');
        auto bracket = rest.find('[');
        std::string name = rest.substr(0, std::min(dot, bracket));
        out += name + "-";
        if (bracket < dot) {
            auto close = rest.find("].", bracket);
            std::string key = rest.substr(bracket + 1, close - bracket - 1);
            if (key.size() >= 2 && key.front() == '"') key = key.substr(1, key.size() - 2);
            out += key + "-";
            rest = rest.substr(close + 2);
        } else {
            rest = rest.substr(dot + 1);
        }
    }
    rest = rest.substr(rest.find('.') + 1);  // the type
    auto bracket = rest.find('[');
    out += rest.substr(0, bracket);
    if (bracket != std::string::npos) {
        std::string key = rest.substr(bracket + 1, rest.size() - bracket - 2);
        if (key.size() >= 2 && key.front() == '"') key = key.substr(1, key.size() - 2);
        out += "-" + key;
    }
    return out;
}

// The scope name of a top-level module instance: its key, else its name ("svc", "svc-0").
inline std::string module_scope_name(const std::string& key) {
    std::string rest = key.substr(7);
    auto bracket = rest.find('[');
    if (bracket == std::string::npos) return rest;
    std::string k = rest.substr(bracket + 1, rest.size() - bracket - 2);
    if (k.size() >= 2 && k.front() == '"') return k.substr(1, k.size() - 2);
    return rest.substr(0, bracket) + "-" + k;
}

inline void Mapper::make_scopes() {
    // Which instances xc maps, and where they live.
    std::string region;
    std::set<std::string> consumer_accounts;
    for (auto& x : insts_) {
        if (x.r->data || !type_mapping(x.r->type)) continue;
        const auto& p = x.r->placement;
        if (p.account.empty()) fail(x, "", "the AWS account of " + x.r->address + " is not known: " + p.account_from + " (give --account for root '" + roots_[x.root].name + "')");
        if (p.region.empty()) fail(x, "", "the AWS region of " + x.r->address + " is not known: " + p.region_from + " (give --region for root '" + roots_[x.root].name + "')");
        if (region.empty()) region = p.region;
        else if (p.region != region) fail(x, "", x.r->address + " is in region " + p.region + ", other resources in " + region + ": xc verifies one region at a time");
        if (x.r->type == "aws_vpc_endpoint") {
            const Value* service = arg(*x.r, "service_name");
            const Value* type = arg(*x.r, "vpc_endpoint_type");
            if (service && service->is_known() && service->as_string() == "com.amazonaws." + p.region + ".execute-api" && type && type->is_known() && type->as_string() == "Interface")
                consumer_accounts.insert(p.account);
        }
    }
    if (region.empty()) throw InputError("", "the given Terraform roots create no AWS resource xc maps");
    model_.region = region;
    if (consumer_accounts.size() != 1) {
        std::string list;
        for (const auto& a : consumer_accounts) list += (list.empty() ? "" : ", ") + a;
        throw InputError("", consumer_accounts.empty() ? "no root creates an execute-api interface endpoint: xc needs the consumer's root, whose endpoints the private APIs must admit"
                                                       : "execute-api interface endpoints in several accounts (" + list + "): xc verifies one consumer account");
    }
    const std::string consumer_account = *consumer_accounts.begin();
    // Accounts, named after the first root deploying into them.
    std::map<std::string, std::string> account_name;  // id -> name
    std::set<std::string> used;
    for (auto& x : insts_) {
        if (x.r->data || !type_mapping(x.r->type) || account_name.count(x.r->placement.account)) continue;
        std::string n = roots_[x.root].name;
        if (used.count(n)) n += "-" + x.r->placement.account;
        used.insert(n);
        account_name[x.r->placement.account] = n;
        model::Account a;
        a.name = n;
        a.id = x.r->placement.account;
        a.role = a.id == consumer_account ? model::AccountRole::consumer : model::AccountRole::service;
        a.path = "/accounts/" + pointer_token(n);
        source_->add(a.path, Location{location(x).file, location(x).position, qualified(x, x.r->placement.provider)});
        model_.accounts.emplace(n, a);
    }
    // Scopes.
    model_.consumer.name = "consumer";
    model_.consumer.kind = model::ScopeKind::consumer;
    model_.consumer.account = account_name.at(consumer_account);
    model_.consumer.path = "/consumer";
    std::map<std::string, std::string> scope_of_key;  // "root\x1fkey" -> scope name
    std::map<std::string, std::string> key_of_scope;
    for (auto& x : insts_) {
        if (x.r->data || !type_mapping(x.r->type)) continue;
        const std::string key = scope_key(*x.r);
        const std::string k = std::to_string(x.root) + '\x1f' + key;
        if (x.r->placement.account == consumer_account) {
            x.scope = "consumer";
        } else if (auto it = scope_of_key.find(k); it != scope_of_key.end()) {
            x.scope = it->second;
        } else {
            std::string n = key.empty() ? roots_[x.root].name : module_scope_name(key);
            if (n == "consumer" || key_of_scope.count(n)) n = roots_[x.root].name + "-" + n;
            scope_of_key[k] = n;
            key_of_scope[n] = k;
            x.scope = n;
            model::Scope s;
            s.name = n;
            s.kind = model::ScopeKind::service;
            s.account = account_name.at(x.r->placement.account);
            s.path = scope_path(n);
            source_->add(s.path, location(x));
            model_.services.emplace(n, std::move(s));
        }
        if (x.scope != "consumer" && model_.services.at(x.scope).account != account_name.at(x.r->placement.account))
            fail(x, "", x.r->address + " is in account " + x.r->placement.account + ", the rest of its scope '" + x.scope + "' elsewhere: xc maps a module instance to one account");
        x.name = local_name(*x.r, key);
        if (!claim_local_name(x, x.name)) {
            x.name = roots_[x.root].name + "-" + x.name;
            claim_local_name(x, x.name);
        }
    }
}

inline void Mapper::link_api_callers() {
    for (Inst* x : managed("aws_iam_role")) {
        const Value* calls = tag_of(*x, input::detail::caller_tag);
        // Tags not known before apply may name APIs the role calls: not taken for none.
        if (const Value* tags = arg(*x->r, "tags"); !calls && tags && !tags->is_known() && x->scope == "consumer" && !x->path.empty())
            unresolved(x->path, x->path, qualified(*x, x->r->address) + ".tags", "the role's tags are not known: which APIs it calls (tag xc:calls) is not known");
        if (!calls || x->path.empty()) continue;
        const std::string origin = qualified(*x, x->r->address) + ".tags[\"" + input::detail::caller_tag + "\"]";
        if (x->scope != "consumer" || !model_.consumer.roles.count(x->name)) {
            unresolved(x->path, x->path, origin, "only a role of the consumer is modelled as an API's caller");
            continue;
        }
        if (!calls->is_known() || calls->type().kind() != Type::Kind::String) {
            unresolved(x->path, x->path, origin, "which APIs the role calls is not known");
            continue;
        }
        for (const auto& why : input::detail::add_api_caller(model_, x->name, input::detail::called_api_names(calls->as_string())))
            unresolved(x->path, x->path, origin, why);
    }
}

inline MappedModel Mapper::run() {
    for (std::size_t n = 0; n < roots_.size(); ++n) root_by_name_[roots_[n].name] = n;
    for (std::size_t n = 0; n < configs_.size(); ++n)
        for (const auto& r : configs_[n].instances) insts_.push_back(Inst{n, &r, "", "", ""});
    for (auto& x : insts_) {
        by_address_[std::to_string(x.root) + '\x1f' + x.r->address] = &x;
        (x.r->data ? data_by_type_ : managed_by_type_)[x.r->type].push_back(&x);
    }
    model_.source = source_;
    model_.name = roots_.empty() ? "terraform" : roots_.front().name;
    make_scopes();
    int last = 0;
    for (const auto& t : type_mappings()) last = std::max(last, t.phase);
    for (int phase = 1; phase <= last; ++phase)
        for (auto& x : insts_)
            if (const TypeMapping* t = x.r->data ? nullptr : type_mapping(x.r->type); t && t->phase == phase) t->map(*this, x);
    Mappings::methods_without_integration(*this);
    link_api_callers();
    // What xc does not map: Unresolved on what it affects, or listed (each once).
    std::set<std::pair<std::string, std::string>> listed;  // (root, address)
    for (const auto& n : not_modelled_) listed.emplace(n.root, n.address);
    for (auto& x : insts_) {
        if (!x.path.empty()) continue;
        if (!x.r->data && type_mapping(x.r->type)) {
            if (listed.emplace(roots_[x.root].name, x.r->address).second) not_modelled(x);
            continue;
        }
        bool affected = false;
        if (!x.r->data)
            for (const auto& v : verdict_changing_types()) {
                if (x.r->type != v.type) continue;
                const Value* a = arg(*x.r, v.argument);
                std::vector<const Value*> values;
                if (a && a->is_known() && a->is_sequence())
                    for (const auto& e : a->elements()) values.push_back(&e);
                else if (a)
                    values.push_back(a);
                for (const Value* e : values) {
                    // A reference, or the name a reference to a configured name evaluates to.
                    Inst* named = nullptr;
                    if (auto t = target(x.root, *e)) named = t->first;
                    else if (e->is_known() && e->type().kind() == Type::Kind::String)
                        for (const char* type : {"aws_lambda_function", "aws_iam_role", "aws_dynamodb_table", "aws_secretsmanager_secret", "aws_api_gateway_domain_name"})
                            if (!named) named = by_name(x, type, e->as_string());
                    if (!named || named->path.empty()) continue;
                    // The resource the model keeps Unresolved items on: the API, endpoint, function, key, VPC...
                    std::string resource = named->path;
                    unresolved(resource, resource, qualified(x, x.r->address) + " (not modelled)", v.why);
                    source_->add("/notModelled/" + pointer_token(qualified(x, x.r->address)), location(x));
                    affected = true;
                }
            }
        if (!affected && !(x.r->data && (x.r->type == "aws_caller_identity" || x.r->type == "aws_region" || x.r->type == "aws_partition" || x.r->type == "aws_iam_policy_document")))
            not_modelled(x);
    }
    // "A subnet that's not explicitly associated with any route table is implicitly associated
    // with the main route table" (Amazon VPC User Guide, "Route tables", "Main route table"),
    // which has only the VPC's local route unless aws_default_route_table or
    // aws_main_route_table_association change it (those make the VPC Unresolved, above).
    model_.for_each_scope([&](const model::Scope& scope) {
        for (const auto& [vn, v] : scope.vpcs) {
            auto& vpc = const_cast<model::Vpc&>(v);
            for (auto& [sn, subnet] : vpc.subnets) {
                if (!subnet.route_table.empty()) continue;
                const std::string main = "main-route-table";
                if (!vpc.route_tables.count(main)) {
                    model::RouteTable t;
                    t.name = main;
                    t.path = vpc.path + "/routeTables/" + main;
                    vpc.route_tables.emplace(main, std::move(t));
                }
                subnet.route_table = main;
            }
        }
    });
    // The checks every front end runs, located in the .tf files.
    Diagnostics diags;
    model::check(model_, diags);
    if (!diags.empty()) {
        std::vector<Diagnostic> out;
        for (auto d : diags.items()) out.push_back(model_.located(std::move(d)));
        throw InputError(std::move(out));
    }
    return MappedModel{std::move(model_), std::move(not_modelled_)};
}

}  // namespace detail

// The model the given roots (read together by load_roots) describe; throws InputError (exit 2)
// where the configuration cannot be mapped, located in the .tf files.
inline MappedModel to_model(const std::vector<RootInput>& roots, const std::vector<Configuration>& configs) {
    return detail::Mapper(roots, configs).run();
}

}  // namespace xc::input::terraform
