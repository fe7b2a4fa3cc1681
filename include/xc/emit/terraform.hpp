// `xc emit --target terraform`: the lowered deployment printed as one Terraform root module
// per stack (DIR/<stack>/: versions.tf, providers.tf, variables.tf, one file per concern,
// outputs.tf) plus DIR/README.md with the apply order.
//
// The printer knows HCL and the AWS provider's vocabulary, nothing about the model: every
// value comes from the lowering (include/xc/emit/lowering.hpp), which the CloudFormation
// printer shares. Model strings reach the output only through terraform::escape; the layout
// is what `terraform fmt` leaves unchanged; output is a pure function of the model.
#pragma once

#include <xc/emit/file_set.hpp>
#include <xc/emit/lowering.hpp>
#include <xc/emit/terraform/escape.hpp>
#include <xc/emit/terraform/hcl_writer.hpp>
#include <xc/emit/terraform/resource_types.hpp>
#include <xc/model/graph.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace xc::emit {

struct TerraformOptions {
    // Stamp a warning comment into every file: the model was not verified (--allow-unverified).
    bool unverified_warning = false;
    // Default of each service root's `lambda_dist_dir` variable, relative to the root module;
    // "{service}" is replaced by the service name.
    std::string lambda_dist_dir = "../../lambda/{service}/dist";
};

namespace terraform {

inline constexpr const char* aws_provider_version = "~> 6.25";
inline constexpr const char* tls_provider_version = "~> 4.1";
inline constexpr const char* terraform_version = ">= 1.5.0";

namespace detail {

using lowering::Value;

inline bool is_reserved(std::string_view k) {
    return k == "null" || k == "true" || k == "false" || k == "for" || k == "in" || k == "if" || k == "endfor" ||
           k == "endif" || k == "else";
}

// An object key: a bare identifier when it is one, else a quoted (escaped) string.
inline std::string object_key(const std::string& k) {
    bool bare = !k.empty() && ((k[0] >= 'A' && k[0] <= 'Z') || (k[0] >= 'a' && k[0] <= 'z')) && !is_reserved(k);
    for (char c : k) bare = bare && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    return bare ? k : hcl_string(k);
}

class ValuePrinter {
public:
    ValuePrinter(HclWriter& w, const lowering::Stack& stack) : w_(w), stack_(stack) {}

    std::string reference(const Value& v) const {
        std::string s;
        switch (v.target) {
            case lowering::RefTarget::input: return "var." + v.ref_name;
            case lowering::RefTarget::lookup:
                if (!stack_.find_lookup(v.ref_kind, v.ref_name))
                    throw lowering::LoweringError("dangling lookup reference " + lowering::ref_text(v) + " in stack " + stack_.name);
                s = "data." + data_source_type(v.ref_kind) + "." + v.ref_name + "." + v.text;
                break;
            case lowering::RefTarget::resource:
                if (!stack_.find(v.ref_kind, v.ref_name))
                    throw lowering::LoweringError("dangling reference " + lowering::ref_text(v) + " in stack " + stack_.name);
                s = resource_type(v.ref_kind) + "." + v.ref_name + "." + v.text;
                break;
        }
        if (v.index < 0) return s;
        if (is_set_attribute(v.text)) return "tolist(" + s + ")[" + std::to_string(v.index) + "]";
        return s + "[" + std::to_string(v.index) + "]";
    }

    static bool is_single_line(const Value& v) {
        switch (v.kind) {
            case Value::Kind::list:
                for (const auto& i : v.items)
                    if (!i.is_scalar()) return false;
                return true;
            case Value::Kind::object: return v.entries.empty();
            case Value::Kind::document: return is_single_line(v.items.front());
            default: return true;
        }
    }

    // A value that fits on one line, as an expression.
    std::string expr(const Value& v) const {
        switch (v.kind) {
            case Value::Kind::null: return "null";
            case Value::Kind::boolean: return v.flag ? "true" : "false";
            case Value::Kind::integer: return std::to_string(v.integer);
            case Value::Kind::string: return hcl_string(v.text);
            case Value::Kind::ref: return reference(v);
            case Value::Kind::concat: {
                std::string s = "\"";
                for (const auto& p : v.items) s += p.kind == Value::Kind::string ? escape(p.text) : "${" + expr(p) + "}";
                return s + "\"";
            }
            case Value::Kind::list: {
                std::string s = "[";
                for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + expr(v.items[i]);
                return s + "]";
            }
            case Value::Kind::object: return "{}";
            case Value::Kind::document: return "jsonencode(" + expr(v.items.front()) + ")";
            case Value::Kind::file_hash: return "filebase64sha256(" + expr(v.items.front()) + ")";
            case Value::Kind::change_hash: {
                std::string s = "sha1(jsonencode([";
                for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + expr(v.items[i]);
                return s + "]))";
            }
        }
        return "null";
    }

    // `name = value`, over as many lines as the value needs.
    void attribute(const std::string& name, const Value& v) {
        if (is_single_line(v)) return w_.attribute(name, expr(v));
        if (v.kind == Value::Kind::document) {
            const Value& tree = v.items.front();
            bool is_object = tree.kind == Value::Kind::object;
            w_.open(name + " = jsonencode(" + (is_object ? "{" : "["));
            contents(tree);
            w_.close(is_object ? "})" : "])");
            return;
        }
        w_.open(name + (v.kind == Value::Kind::object ? " = {" : " = ["));
        contents(v);
        w_.close(v.kind == Value::Kind::object ? "}" : "]");
    }

private:
    void contents(const Value& v) {
        if (v.kind == Value::Kind::object) {
            for (const auto& [k, e] : v.entries) attribute(object_key(k), e);
            return;
        }
        for (const auto& item : v.items) {
            if (is_single_line(item) && item.kind != Value::Kind::object) {
                w_.line(expr(item) + ",");
            } else if (item.kind == Value::Kind::object && item.entries.empty()) {
                w_.line("{},");
            } else {
                bool is_object = item.kind == Value::Kind::object;
                w_.open(is_object ? "{" : "[");
                contents(item);
                w_.close(is_object ? "}," : "],");
            }
        }
    }

    HclWriter& w_;
    const lowering::Stack& stack_;
};

inline void body(HclWriter& w, ValuePrinter& p, const std::string& type,
                 const std::vector<std::pair<std::string, Value>>& properties, const std::string& path) {
    bool wrote = false;
    const Value* tags = nullptr;
    for (const auto& [name, v] : properties) {
        if (is_block(type, path + name)) continue;
        if (name == "tags" && path.empty()) {
            tags = &v;
            continue;
        }
        p.attribute(name, v);
        wrote = true;
    }
    if (tags) {
        p.attribute("tags", *tags);
        wrote = true;
    }
    for (const auto& [name, v] : properties) {
        if (!is_block(type, path + name)) continue;
        std::vector<const Value*> instances;
        if (v.kind == Value::Kind::list)
            for (const auto& i : v.items) instances.push_back(&i);
        else
            instances.push_back(&v);
        for (const Value* b : instances) {
            if (wrote) w.blank();
            w.open(name + " {");
            body(w, p, type, b->entries, path + name + ".");
            w.close();
            wrote = true;
        }
    }
}

inline std::string warning_comment(const std::string& model) {
    return "# WARNING: emitted with --allow-unverified: xc did NOT prove that only the consumer's endpoint\n"
           "# reaches the private APIs of model " + hcl_string(model) + ". Do not apply this to production.\n";
}

inline std::string header(const lowering::Deployment& d, const TerraformOptions& o) {
    std::string h = "# Generated by xc from model " + hcl_string(d.name) + ": change the model and re-emit rather than editing.\n";
    if (o.unverified_warning) h += warning_comment(d.name);
    return h + "\n";
}

inline void print_resource(HclWriter& w, const lowering::Stack& s, const lowering::Resource& r, bool lookup) {
    ValuePrinter p(w, s);
    const std::string& type = lookup ? data_source_type(r.kind) : resource_type(r.kind);
    if (!w.empty() && !w.last_is_blank()) w.blank();
    w.open(std::string(lookup ? "data" : "resource") + " " + hcl_string(type) + " " + hcl_string(r.name) + " {");
    body(w, p, type, r.properties, "");
    if (!r.depends_on.empty()) {
        std::vector<std::string> deps;
        for (const auto& [kind, name] : r.depends_on) {
            if (!s.find(kind, name)) throw lowering::LoweringError("dangling depends_on " + kind + "." + name + " in stack " + s.name);
            deps.push_back(resource_type(kind) + "." + name);
        }
        w.blank();
        if (deps.size() == 1) {
            w.attribute("depends_on", "[" + deps.front() + "]");
        } else {
            w.open("depends_on = [");
            for (const auto& d : deps) w.line(d + ",");
            w.close("]");
        }
    }
    if (r.create_before_destroy) {
        w.blank();
        w.open("lifecycle {");
        w.attribute("create_before_destroy", "true");
        w.close();
    }
    w.close();
}

inline bool uses_provider(const lowering::Stack& s, const std::string& provider) {
    for (const auto& r : s.resources)
        if (provider_of(resource_type(r.kind)) == provider) return true;
    return false;
}

inline std::string versions_tf(const lowering::Stack& s) {
    HclWriter w;
    w.open("terraform {");
    w.attribute("required_version", hcl_string(terraform_version));
    w.blank();
    w.open("required_providers {");
    w.open("aws = {");
    w.attribute("source", hcl_string("hashicorp/aws"));
    w.attribute("version", hcl_string(aws_provider_version));
    w.close();
    if (uses_provider(s, "tls")) {
        w.open("tls = {");
        w.attribute("source", hcl_string("hashicorp/tls"));
        w.attribute("version", hcl_string(tls_provider_version));
        w.close();
    }
    w.close();
    w.close();
    return w.str();
}

inline std::string providers_tf(const lowering::Deployment& d, const lowering::Stack& s) {
    HclWriter w;
    w.open("provider \"aws\" {");
    w.attribute("region", hcl_string(s.region));
    w.attribute("allowed_account_ids", "[" + hcl_string(s.account_id) + "]");
    w.blank();
    w.open("dynamic \"assume_role\" {");
    w.attribute("for_each", "var.deployment_role_arn == null ? [] : [var.deployment_role_arn]");
    w.blank();
    w.open("content {");
    w.attribute("role_arn", "assume_role.value");
    w.close();
    w.close();
    w.blank();
    w.open("default_tags {");
    w.open("tags = {");
    w.attribute("Application", hcl_string(d.name));
    w.attribute("ManagedBy", hcl_string("xc"));
    w.close();
    w.close();
    w.close();
    return w.str();
}

inline void variable(HclWriter& w, const std::string& name, const std::string& description, const std::string& type,
                     const std::string& default_expr) {
    if (!w.empty()) w.blank();
    w.open("variable " + hcl_string(name) + " {");
    w.attribute("description", hcl_string(description));
    w.attribute("type", type);
    if (!default_expr.empty()) w.attribute("default", default_expr);
    w.close();
}

inline std::string variables_tf(const lowering::Stack& s) {
    HclWriter w;
    variable(w, "deployment_role_arn",
             "Role to assume in account " + s.account_id + " to deploy this root; null = use the ambient credentials",
             "string", "null");
    ValuePrinter p(w, s);
    for (const auto& in : s.inputs) {
        std::string def = in.default_value.kind == Value::Kind::null ? (in.nullable_default ? "null" : "") : p.expr(in.default_value);
        variable(w, in.name, in.description, in.type, def);
    }
    return w.str();
}

inline std::string outputs_tf(const lowering::Stack& s) {
    HclWriter w;
    ValuePrinter p(w, s);
    for (const auto& o : s.outputs) {
        if (!w.empty()) w.blank();
        w.open("output " + hcl_string(o.name) + " {");
        w.attribute("description", hcl_string(o.description));
        p.attribute("value", o.value);
        w.close();
    }
    return w.str();
}

inline std::string readme(const lowering::Deployment& d, const TerraformOptions& o) {
    std::string r = "# Terraform for `" + d.name + "`\n\n";
    if (o.unverified_warning)
        r += "> **WARNING**: emitted with `--allow-unverified`: xc did NOT prove that only the consumer's endpoint reaches "
             "the private APIs. Do not apply this to production.\n\n";
    r += "Generated by `xc emit --target terraform` from the model; change the model and re-emit rather than editing.\n"
         "One root module per AWS account, in region `" + d.region + "`. Apply them in this order (each with credentials\n"
         "for its account, or `-var deployment_role_arn=arn:aws:iam::<account>:role/<role>`):\n\n";
    int step = 1;
    for (const auto& s : d.stacks) {
        r += std::to_string(step++) + ". `" + s.name + "/` (account " + s.account_id + ", phase " + std::to_string(s.phase) + "): " + s.purpose + "\n";
        for (const auto& n : s.needs) r += "   - needs " + n + "\n";
    }
    r += "\nFor each root:\n\n```sh\ncd <root>\nterraform init\nterraform plan -out tfplan\nterraform apply tfplan\n```\n\n"
         "Cross-account values: the consumer root writes each execute-api endpoint id into a KMS-encrypted Secrets Manager\n"
         "secret whose policy admits the service accounts; service roots read it with `data \"aws_secretsmanager_secret_version\"`\n"
         "by partial ARN (`arn:aws:secretsmanager:<region>:<consumer account>:secret:<name>`, without the random suffix), so no\n"
         "value has to be copied between roots.\n";
    bool has_lambda = false;
    for (const auto& s : d.stacks) has_lambda |= s.uses_kind("function");
    if (has_lambda)
        r += "\nLambda code: service roots deploy `<lambda_dist_dir>/<handler>.zip` (runtime `provided.al2023`); build them first with\n"
             "`xc emit --target lambda` (default `lambda_dist_dir`: `" + o.lambda_dist_dir + "`, relative to the root).\n";
    return r;
}

}  // namespace detail

// Print a lowered deployment as Terraform.
inline FileSet print(const lowering::Deployment& d, const TerraformOptions& options = {}) {
    FileSet files;
    const std::string head = detail::header(d, options);
    for (const auto& s : d.stacks) {
        const std::string dir = s.name + "/";
        files.add(dir + "versions.tf", head + detail::versions_tf(s));
        files.add(dir + "providers.tf", head + detail::providers_tf(d, s));
        files.add(dir + "variables.tf", head + detail::variables_tf(s));
        // One file per concern, lookups first, then resources, each in lowering order.
        std::vector<std::string> groups;
        std::map<std::string, HclWriter> by_group;
        auto writer = [&](const std::string& g) -> HclWriter& {
            if (!by_group.contains(g)) groups.push_back(g);
            return by_group[g];
        };
        for (const auto& r : s.lookups) detail::print_resource(writer(r.group), s, r, true);
        for (const auto& r : s.resources) detail::print_resource(writer(r.group), s, r, false);
        for (const auto& g : groups) files.add(dir + g + ".tf", head + by_group[g].str());
        if (!s.outputs.empty()) files.add(dir + "outputs.tf", head + detail::outputs_tf(s));
    }
    files.add("README.md", detail::readme(d, options));
    return files;
}

}  // namespace terraform

// Lower a verified model's graph and print it as Terraform (one root module per account).
// Throws lowering::LoweringError when the model has a construct Terraform cannot express.
inline FileSet emit_terraform(const model::Graph& graph, const TerraformOptions& options = {}) {
    lowering::LoweringOptions lo;
    lo.lambda_dist_dir = options.lambda_dist_dir;
    return terraform::print(lowering::lower(graph, lo), options);
}

}  // namespace xc::emit
