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
#include <xc/detail/parallel.hpp>
#include <xc/model/graph.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

namespace xc::emit {

struct TerraformOptions {
    // Stamp a warning comment into every file: the model was not verified (--allow-unverified).
    bool unverified_warning = false;
    // Default of each service root's `lambda_dist_dir` variable, relative to the root module;
    // "{service}" is replaced by the service name.
    std::string lambda_dist_dir = "../../lambda/{service}/dist";
    // Threads to lower and print on (0: one per core); the files are the same for any number.
    unsigned jobs = 0;
};

namespace terraform {

// The AWS provider versions the roots accept: from the one the real-tool tests run
// (tests/emit/tools/real_tools_test.cpp: validate, plan and apply with a mock provider) up to the
// next major version. No version in the range is known to lose what xc deploys: provider 6.48.0
// and later wipe a *separately managed* REST API policy on a body update (#49672), which xc
// does not emit (the policy is the API's own argument and in its body: lowering.hpp, lower_api).
inline constexpr const char* aws_provider_version = ">= 5.100.0, < 7.0.0";
// The version the emitted dependency lock file selects, and its checksums: `h1:` the unpacked
// package for linux_amd64 (what `terraform providers lock -platform=linux_amd64` computes; the
// real-tool test recomputes it from the machine's provider mirror), `zh:` the release zip of
// every platform as listed in the registry's signed terraform-provider-aws_5.100.0_SHA256SUMS.
// "If a particular provider already has a selection recorded in the lock file, Terraform will
// always re-select that version for installation, even if a newer version has become available"
// (Terraform docs, "Dependency Lock File", https://developer.hashicorp.com/terraform/language/files/dependency-lock):
// a deployer gets the tested version until `terraform init -upgrade`, and a package whose
// checksum is not listed is refused.
inline constexpr const char* aws_provider_locked_version = "5.100.0";
inline constexpr const char* aws_provider_hashes[] = {
    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
    "zh:054b8dd49f0549c9a7cc27d159e45327b7b65cf404da5e5a20da154b90b8a644",
    "zh:0b97bf8d5e03d15d83cc40b0530a1f84b459354939ba6f135a0086c20ebbe6b2",
    "zh:1589a2266af699cbd5d80737a0fe02e54ec9cf2ca54e7e00ac51c7359056f274",
    "zh:6330766f1d85f01ae6ea90d1b214b8b74cc8c1badc4696b165b36ddd4cc15f7b",
    "zh:7c8c2e30d8e55291b86fcb64bdf6c25489d538688545eb48fd74ad622e5d3862",
    "zh:99b1003bd9bd32ee323544da897148f46a527f622dc3971af63ea3e251596342",
    "zh:9b12af85486a96aedd8d7984b0ff811a4b42e3d88dad1a3fb4c0b580d04fa425",
    "zh:9f8b909d3ec50ade83c8062290378b1ec553edef6a447c56dadc01a99f4eaa93",
    "zh:aaef921ff9aabaf8b1869a86d692ebd24fbd4e12c21205034bb679b9caf883a2",
    "zh:ac882313207aba00dd5a76dbd572a0ddc818bb9cbf5c9d61b28fe30efaec951e",
    "zh:bb64e8aff37becab373a1a0cc1080990785304141af42ed6aa3dd4913b000421",
    "zh:dfe495f6621df5540d9c92ad40b8067376350b005c637ea6efac5dc15028add4",
    "zh:f0ddf0eaf052766cfe09dea8200a946519f653c384ab4336e2a4a64fdd6310e9",
    "zh:f1b7e684f4c7ae1eed272b6de7d2049bb87a0275cb04dbb7cda6636f600699c9",
    "zh:ff461571e3f233699bf690db319dfe46aec75e58726636a0d97dd9ac6e32fb70",
};
inline constexpr const char* tls_provider_version = "~> 4.1";
inline constexpr const char* terraform_version = ">= 1.5.0";

namespace detail {

using lowering::Value;

inline bool is_reserved(std::string_view k) {
    if (k.size() < 2 || k.size() > 6) return false;  // no word below is shorter or longer
    return k == "null" || k == "true" || k == "false" || k == "for" || k == "in" || k == "if" || k == "endfor" ||
           k == "endif" || k == "else";
}

// Whether an object key can be written bare (an identifier); otherwise it is quoted (escaped).
inline bool is_bare_key(std::string_view k) {
    bool bare = !k.empty() && ((k[0] >= 'A' && k[0] <= 'Z') || (k[0] >= 'a' && k[0] <= 'z')) && !is_reserved(k);
    for (char c : k) bare = bare && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    return bare;
}

// What a stack defines, to check every reference (a stack has 100s of resources): hashed,
// since names in a stack share long prefixes that a sorted search compares again at each step.
class StackIndex {
public:
    explicit StackIndex(const lowering::Stack& s) : stack(s), resources_(keys(s.resources)), lookups_(keys(s.lookups)) {}

    bool has_resource(std::string_view kind, std::string_view name) const { return resources_.contains(Key{kind, name}); }
    bool has_lookup(std::string_view kind, std::string_view name) const { return lookups_.contains(Key{kind, name}); }

    const lowering::Stack& stack;

private:
    using Key = std::pair<std::string_view, std::string_view>;  // (kind, name)
    struct KeyHash {
        std::size_t operator()(const Key& k) const { return lowering::kind_name_hash(k.first, k.second); }
    };
    using Keys = std::unordered_set<Key, KeyHash>;
    static Keys keys(const std::vector<lowering::Resource>& rs) {
        Keys k(rs.size() * 2);
        for (const auto& r : rs) k.emplace(r.kind, r.name);
        return k;
    }
    Keys resources_, lookups_;
};

class ValuePrinter {
public:
    ValuePrinter(HclWriter& w, const StackIndex& stack) : w_(w), stack_(stack), line_(w.line_buffer()) {}

    // Appends the reference's expression to `out`.
    void reference(std::string& out, const Value& v) const {
        switch (v.target) {
            case lowering::RefTarget::input:
                out += "var.";
                out += v.ref_name;
                return;
            case lowering::RefTarget::lookup:
                if (!stack_.has_lookup(v.ref_kind, v.ref_name))
                    throw lowering::LoweringError("dangling lookup reference " + lowering::ref_text(v) + " in stack " + stack_.stack.name);
                break;
            case lowering::RefTarget::resource:
                if (!stack_.has_resource(v.ref_kind, v.ref_name))
                    throw lowering::LoweringError("dangling reference " + lowering::ref_text(v) + " in stack " + stack_.stack.name);
                break;
        }
        const bool set = v.index >= 0 && is_set_attribute(v.text);
        if (set) out += "tolist(";
        if (v.target == lowering::RefTarget::lookup) {
            out += "data.";
            out += data_source_type(v.ref_kind);
        } else {
            out += resource_type(v.ref_kind);
        }
        out += '.';
        out += v.ref_name;
        out += '.';
        out += v.text;
        if (v.index < 0) return;
        if (set) out += ')';
        out += '[';
        out += std::to_string(v.index);
        out += ']';
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
        std::string s;
        expr(s, v);
        return s;
    }
    // The same, appended to `out`.
    void expr(std::string& out, const Value& v) const {
        switch (v.kind) {
            case Value::Kind::null: out += "null"; return;
            case Value::Kind::boolean: out += v.flag ? "true" : "false"; return;
            case Value::Kind::integer: out += std::to_string(v.integer); return;
            case Value::Kind::string: append_hcl_string(out, v.text); return;
            case Value::Kind::ref: reference(out, v); return;
            case Value::Kind::concat:
                out += '"';
                for (const auto& p : v.items) {
                    if (p.kind == Value::Kind::string) {
                        append_escaped(out, p.text);
                    } else {
                        out += "${";
                        expr(out, p);
                        out += '}';
                    }
                }
                out += '"';
                return;
            case Value::Kind::list: items(out, "[", v, "]"); return;
            case Value::Kind::object: out += "{}"; return;
            case Value::Kind::document: call(out, "jsonencode(", v); return;
            case Value::Kind::file_hash: call(out, "filebase64sha256(", v); return;
            case Value::Kind::change_hash: items(out, "sha1(jsonencode([", v, "]))"); return;
        }
        out += "null";
    }

    // `name = value`, over as many lines as the value needs.
    void attribute(std::string_view name, const Value& v) {
        if (is_single_line(v)) {
            line_.clear();
            expr(line_, v);
            return w_.attribute(name, line_);
        }
        const bool document = v.kind == Value::Kind::document;
        const Value& tree = document ? v.items.front() : v;
        const bool is_object = tree.kind == Value::Kind::object;
        line_.assign(name);
        line_ += document ? " = jsonencode(" : " = ";
        line_ += is_object ? '{' : '[';
        w_.open(line_);
        contents(tree);
        if (document) w_.close(is_object ? "})" : "])");
        else w_.close(is_object ? "}" : "]");
    }

private:
    void items(std::string& out, std::string_view open, const Value& v, std::string_view close) const {
        out += open;
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i) out += ", ";
            expr(out, v.items[i]);
        }
        out += close;
    }
    void call(std::string& out, std::string_view function, const Value& v) const {
        out += function;
        expr(out, v.items.front());
        out += ')';
    }

    void contents(const Value& v) {
        if (v.kind == Value::Kind::object) {
            for (const auto& [k, e] : v.entries) {
                if (is_bare_key(k)) attribute(k, e);
                else attribute(hcl_string(k), e);
            }
            return;
        }
        for (const auto& item : v.items) {
            if (is_single_line(item) && item.kind != Value::Kind::object) {
                line_.clear();
                expr(line_, item);
                line_ += ',';
                w_.line(line_);
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
    const StackIndex& stack_;
    std::string& line_;  // the line being built (the writer's, reused)
};

// The resource's (or block's) arguments, then its nested blocks; `blocks` are those of its type.
inline void body(HclWriter& w, ValuePrinter& p, const std::set<std::string, std::less<>>* blocks,
                 const std::vector<std::pair<std::string, Value>>& properties, const std::string& path) {
    auto is_block = [&](const std::string& name) {
        return blocks && (path.empty() ? blocks->contains(name) : blocks->contains(path + name));
    };
    bool wrote = false;
    const Value* tags = nullptr;
    for (const auto& [name, v] : properties) {
        if (is_block(name)) continue;
        if (path.empty() && name == std::string_view("tags")) {
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
    if (!blocks) return;
    for (const auto& [name, v] : properties) {
        if (!is_block(name)) continue;
        std::vector<const Value*> instances;
        if (v.kind == Value::Kind::list)
            for (const auto& i : v.items) instances.push_back(&i);
        else
            instances.push_back(&v);
        for (const Value* b : instances) {
            if (wrote) w.blank();
            w.open(name + " {");
            body(w, p, blocks, b->entries, path + name + ".");
            w.close();
            wrote = true;
        }
    }
}

inline std::string warning_comment(const std::string& model) {
    return "# WARNING: emitted with --allow-unverified: xc did NOT prove that only the consumer's endpoint\n"
           "# reaches the private APIs of model " + hcl_string(model) + ". Do not apply this to production.\n";
}

inline std::string header(const lowering::Deployment& d, bool unverified_warning) {
    std::string h = "# Generated by xc from model " + hcl_string(d.name) + ": change the model and re-emit rather than editing.\n";
    if (unverified_warning) h += warning_comment(d.name);
    return h + "\n";
}

inline void print_resource(HclWriter& w, const StackIndex& index, const lowering::Resource& r, bool lookup) {
    const lowering::Stack& s = index.stack;
    ValuePrinter p(w, index);
    const std::string& type = lookup ? data_source_type(r.kind) : resource_type(r.kind);
    if (!w.empty() && !w.last_is_blank()) w.blank();
    std::string& head = w.line_buffer();  // shared with p: each line is written before the next is built
    head = lookup ? "data " : "resource ";
    append_hcl_string(head, type);
    head += ' ';
    append_hcl_string(head, r.name);
    head += " {";
    w.open(head);
    body(w, p, blocks_of(type), r.properties, "");
    if (!r.depends_on.empty()) {
        std::vector<std::string> deps;
        for (const auto& [kind, name] : r.depends_on) {
            if (!index.has_resource(kind, name)) throw lowering::LoweringError("dangling depends_on " + kind + "." + name + " in stack " + s.name);
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
    if (r.create_before_destroy || !r.ignore_changes.empty()) {
        w.blank();
        w.open("lifecycle {");
        if (r.create_before_destroy) w.attribute("create_before_destroy", "true");
        if (!r.ignore_changes.empty()) {
            std::string list = "[";
            for (const auto& a : r.ignore_changes) list += (list.size() > 1 ? ", " : "") + a;
            w.attribute("ignore_changes", list + "]");
        }
        w.close();
    }
    w.close();
    if (!r.adopt_id.empty()) {
        // Terraform >= 1.5 import block: the plan adopts the existing object instead of creating
        // a new one with another id ("import { to = ADDRESS  id = ID }", Terraform language
        // docs, "Import": "Use the import block to import existing infrastructure resources").
        w.blank();
        w.open("import {");
        w.attribute("to", type + "." + r.name);
        w.attribute("id", hcl_string(r.adopt_id));
        w.close();
    }
}

inline bool uses_provider(const lowering::Stack& s, const std::string& provider) {
    for (const auto& r : s.resources)
        if (provider_of(resource_type(r.kind)) == provider) return true;
    return false;
}

// The files every root has, written into `w` (restarted with the file header).
inline void versions_tf(HclWriter& w, const lowering::Stack& s) {
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
}

// The dependency lock file, as `terraform init` writes it (the tls provider, when a root needs
// it, is added by the deployer's first `terraform init`), after the warning_comment if any.
inline std::string lock_file() {
    std::string t = "# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n\n"
                    "provider \"registry.terraform.io/hashicorp/aws\" {\n  version     = " + hcl_string(aws_provider_locked_version) +
                    "\n  constraints = " + hcl_string(aws_provider_version) + "\n  hashes = [\n";
    for (const char* h : aws_provider_hashes) t += "    " + hcl_string(h) + ",\n";
    return t + "  ]\n}\n";
}

inline void providers_tf(HclWriter& w, const lowering::Deployment& d, const lowering::Stack& s) {
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

inline void variables_tf(HclWriter& w, const StackIndex& index) {
    const lowering::Stack& s = index.stack;
    variable(w, "deployment_role_arn",
             "Role to assume in account " + s.account_id + " to deploy this root; null = use the ambient credentials",
             "string", "null");
    ValuePrinter p(w, index);
    for (const auto& in : s.inputs) {
        std::string def = in.default_value.kind == Value::Kind::null ? (in.nullable_default ? "null" : "") : p.expr(in.default_value);
        variable(w, in.name, in.description, in.type, def);
    }
}

inline void outputs_tf(HclWriter& w, const StackIndex& index) {
    ValuePrinter p(w, index);
    for (const auto& o : index.stack.outputs) {
        if (!w.empty()) w.blank();
        w.open("output " + hcl_string(o.name) + " {");
        w.attribute("description", hcl_string(o.description));
        p.attribute("value", o.value);
        w.close();
    }
}

// What the README says about a root module (printed stacks are not kept for it).
struct RootSummary {
    std::string name, account_id, purpose;
    int phase = 0;
    std::vector<std::string> needs;
    bool has_functions = false;
    bool has_private_keys = false;  // tls_private_key: a key in the root's state
};

// `roots` in apply order.
inline std::string readme(const lowering::Deployment& d, const std::vector<RootSummary>& roots, const TerraformOptions& o) {
    std::string r = "# Terraform for `" + d.name + "`\n\n";
    if (o.unverified_warning)
        r += "> **WARNING**: emitted with `--allow-unverified`: xc did NOT prove that only the consumer's endpoint reaches "
             "the private APIs. Do not apply this to production.\n\n";
    r += "Generated by `xc emit --target terraform` from the model; change the model and re-emit rather than editing.\n"
         "One root module per AWS account, in region `" + d.region + "`. Apply them in this order (each with credentials\n"
         "for its account, or `-var deployment_role_arn=arn:aws:iam::<account>:role/<role>`):\n\n";
    int step = 1;
    for (const auto& s : roots) {
        r += std::to_string(step++) + ". `" + s.name + "/` (account " + s.account_id + ", phase " + std::to_string(s.phase) + "): " + s.purpose + "\n";
        for (const auto& n : s.needs) r += "   - needs " + n + "\n";
    }
    r += "\nFor each root:\n\n```sh\ncd <root>\nterraform init\nterraform plan -out tfplan\nterraform apply tfplan\n```\n\n"
         "Cross-account values: the consumer root writes each execute-api endpoint id into a KMS-encrypted Secrets Manager\n"
         "secret whose policy admits the service accounts; service roots read it with `data \"aws_secretsmanager_secret_version\"`\n"
         "by partial ARN (`arn:aws:secretsmanager:<region>:<consumer account>:secret:<name>`, without the random suffix), so no\n"
         "value has to be copied between roots. A restricted `deployment_role_arn` for a service root needs, in its own\n"
         "account's IAM policy, `secretsmanager:GetSecretValue` on that secret (`...:secret:<name>-??????`) and `kms:Decrypt`\n"
         "on the consumer's KMS key: the secret's and key's policies admit the service account, not yet its roles.\n"
         "\nEach root carries a `.terraform.lock.hcl` selecting the AWS provider version xc's tests ran (" +
         std::string(aws_provider_locked_version) + "); `terraform init -upgrade` moves within `" + aws_provider_version + "`.\n";
    bool keys = false;
    for (const auto& s : roots) keys |= s.has_private_keys;
    if (keys)
        r += "\nSelf-signed certificates: `tls_private_key` keeps each private key unencrypted in the root's Terraform state.\n"
             "Keep that state in an encrypted remote backend (e.g. `backend \"s3\"` with `encrypt = true`, in a `backend.tf` of your\n"
             "own beside these files), or give the model an existing ACM certificate's `arn` instead of `selfSigned`.\n";
    bool has_lambda = false;
    for (const auto& s : roots) has_lambda |= s.has_functions;
    if (has_lambda)
        r += "\nLambda code: service roots deploy `<lambda_dist_dir>/<handler>.zip` (runtime `provided.al2023`); build them first with\n"
             "`xc emit --target lambda` (default `lambda_dist_dir`: `" + o.lambda_dist_dir + "`, relative to the root).\n";
    return r;
}

}  // namespace detail

// Prints stack by stack: each stack's files are rendered when it is added, so the lowering
// can hand over one stack at a time; `finish` adds the README (every root, in apply order).
// Whether the files carry the unverified-model warning can be decided as late as `finish`
// (verification may still be running while stacks are printed): the header of the .tf files
// and of the lock files is a FileSet prefix, set there.
class Printer {
public:
    // `d`: the deployment's name and region (its stacks, if any, are not printed here).
    explicit Printer(const lowering::Deployment& d, const TerraformOptions& options = {})
        : deployment_(lowering::Deployment{d.name, d.region, {}}),
          options_(options),
          tf_head_(files_.reserve_prefix(detail::header(d, true).size())),
          lock_head_(files_.reserve_prefix(detail::warning_comment(d.name).size())),
          lock_file_(detail::lock_file()) {}

    void add(const lowering::Stack& s) {
        const std::string dir = s.name + "/";
        const detail::StackIndex index(s);
        auto file = [&](const std::string& name, auto&& write) {
            HclWriter& w = writer(name);
            write(w);
            files_.add(dir + name, tf_head_, w.text());
        };
        file("versions.tf", [&](HclWriter& w) { detail::versions_tf(w, s); });
        // A seed: once `terraform init` owns it (e.g. after `-upgrade`), re-emitting must never
        // move the provider back to an older version than the state was written with.
        files_.add(dir + ".terraform.lock.hcl", lock_head_, lock_file_, false, true);
        file("providers.tf", [&](HclWriter& w) { detail::providers_tf(w, deployment_, s); });
        file("variables.tf", [&](HclWriter& w) { detail::variables_tf(w, index); });
        // One file per concern, lookups first, then resources, each in lowering order.
        std::vector<std::pair<std::string_view, HclWriter*>> groups;  // this stack's, by first use
        auto group = [&](const std::string& g) -> HclWriter& {
            for (const auto& [name, w] : groups)
                if (name == g) return *w;
            return *groups.emplace_back(g, &writer(g + ".tf")).second;
        };
        for (const auto& r : s.lookups) detail::print_resource(group(r.group), index, r, true);
        for (const auto& r : s.resources) detail::print_resource(group(r.group), index, r, false);
        for (const auto& [name, w] : groups) files_.add(dir + std::string(name) + ".tf", tf_head_, w->text());
        if (!s.outputs.empty()) file("outputs.tf", [&](HclWriter& w) { detail::outputs_tf(w, index); });
        roots_.push_back({s.name, s.account_id, s.purpose, s.phase, s.needs, s.uses_kind("function"), s.uses_kind("private_key")});
    }

    FileSet finish() && { return std::move(*this).finish(options_.unverified_warning); }
    // The same, deciding here whether the files carry the unverified-model warning.
    FileSet finish(bool unverified_warning) && {
        set_heads(unverified_warning);
        return std::move(*this).with_readme();
    }
    // The files of printers that printed one deployment's stacks between them (e.g. on threads
    // of their own), `parts` in stack order: the same as one printer adding every stack.
    static FileSet finish(std::vector<Printer>&& parts, bool unverified_warning) {
        // Each part writes its own files' headers (120,000 files at 10,000 services), on its own core.
        xc::detail::run_parallel(parts.size(), xc::detail::jobs_or_cores(parts.front().options_.jobs),
                                 [&](std::size_t i) { parts[i].set_heads(unverified_warning); });
        Printer& all = parts.front();
        for (std::size_t i = 1; i < parts.size(); ++i) {
            all.files_.absorb(std::move(parts[i].files_));
            all.roots_.insert(all.roots_.end(), parts[i].roots_.begin(), parts[i].roots_.end());
        }
        return std::move(all).with_readme();
    }

private:
    void set_heads(bool unverified_warning) {
        options_.unverified_warning = unverified_warning;
        files_.set_prefix(tf_head_, detail::header(deployment_, unverified_warning));
        files_.set_prefix(lock_head_, unverified_warning ? detail::warning_comment(deployment_.name) : std::string());
    }
    FileSet with_readme() && {
        // Apply order: by phase, then name (stable: the order the lowering orders stacks in).
        std::stable_sort(roots_.begin(), roots_.end(), [](const detail::RootSummary& a, const detail::RootSummary& b) {
            return std::tie(a.phase, a.name) < std::tie(b.phase, b.name);
        });
        files_.add("README.md", detail::readme(deployment_, roots_, options_));
        return std::move(files_);
    }

    // The writer of the files named `file_name`, restarted (the header is the prefix tf_head_).
    HclWriter& writer(const std::string& file_name) {
        HclWriter& w = writers_[file_name];
        w.restart({});
        return w;
    }

    lowering::Deployment deployment_;  // name and region only
    TerraformOptions options_;
    FileSet files_;
    FileSet::Prefix tf_head_;    // every .tf file's header comment
    FileSet::Prefix lock_head_;  // the lock files' warning, if any
    std::string lock_file_;      // every root's lock file after that
    // File name -> its writer, reused for every stack: buffers keep their capacity.
    std::map<std::string, HclWriter, std::less<>> writers_;
    std::vector<detail::RootSummary> roots_;
};

// Print a lowered deployment as Terraform.
inline FileSet print(const lowering::Deployment& d, const TerraformOptions& options = {}) {
    Printer p(d, options);
    for (const auto& s : d.stacks) p.add(s);
    return std::move(p).finish();
}

}  // namespace terraform

// Lower a model's graph and print it as Terraform (one root module per account), asking
// `unverified_warning()` only once every stack is printed (whether to stamp the warning that
// the model is not verified: the caller may still be verifying it on another thread).
// Throws lowering::LoweringError when the model has a construct Terraform cannot express.
inline FileSet emit_terraform(const model::Graph& graph, const TerraformOptions& options, const std::function<bool()>& unverified_warning) {
    lowering::LoweringOptions lo;
    lo.lambda_dist_dir = options.lambda_dist_dir;
    const lowering::Deployment d = lowering::deployment_of(graph);
    // Stack by stack, each printed and dropped before the next is lowered, by a printer per part
    // of the accounts on that part's thread (no stack crosses threads): the printers of the parts.
    auto print_in_parts = [&](std::size_t most, unsigned threads) {
        std::vector<terraform::Printer> printers;
        printers.reserve(most);
        for (std::size_t p = 0; p < most; ++p) printers.emplace_back(d, options);
        const std::size_t parts = lowering::lower_stacks_in_parts(
            graph, lo, most, threads, [&](std::size_t part, lowering::Stack&& s) { printers[part].add(s); });
        printers.erase(printers.begin() + static_cast<std::ptrdiff_t>(parts), printers.end());
        return printers;
    };
    // Several parts per thread, taken in turn: a thread whose core was busier (verification runs
    // beside the emit in `xc emit`) takes fewer, so the threads finish together rather than one
    // lowering the last half part alone. No more parts than accounts.
    const unsigned threads = xc::detail::jobs_or_cores(options.jobs);
    constexpr std::size_t parts_per_thread = 8;
    const std::size_t most = std::max<std::size_t>(1, std::min<std::size_t>(threads == 1 ? 1 : threads * parts_per_thread,
                                                                            graph.model().accounts.size()));
    // The error of a failed emit in parts is the one-part emit's (which stops at its first),
    // found by running it: errors are rare, and "which came first" then means the same for any -j.
    auto as_in_one_part = [&](auto&& run) {
        try {
            return run();
        } catch (...) {
            if (most > 1) print_in_parts(1, 1);
            throw;
        }
    };
    auto printers = as_in_one_part([&] { return print_in_parts(most, threads); });
    const bool warning = unverified_warning();  // may wait for the verdict, or end the emit
    return as_in_one_part([&] { return terraform::Printer::finish(std::move(printers), warning); });
}

// Lower a verified model's graph and print it as Terraform (options.unverified_warning: the
// model is not verified).
inline FileSet emit_terraform(const model::Graph& graph, const TerraformOptions& options = {}) {
    return emit_terraform(graph, options, [&] { return options.unverified_warning; });
}

}  // namespace xc::emit
