// The values a root module's input variables are given from outside, as Terraform gathers them.
//
// Terraform's documentation (Input Variables, "Variable Definition Precedence",
// https://developer.hashicorp.com/terraform/language/values/variables): "Terraform loads
// variables in the following order, with later sources taking precedence over earlier ones:
// Environment variables; The terraform.tfvars file, if present; The terraform.tfvars.json file,
// if present; Any *.auto.tfvars or *.auto.tfvars.json files, processed in lexical order of their
// filenames; Any -var and -var-file options on the command line, in the order they are provided."
//
// Values from files are HCL (or JSON) expressions. Values given as text (`-var name=value`,
// `TF_VAR_name`) are taken literally for a variable whose type constraint is a primitive type
// (or absent) and parsed as an HCL expression otherwise — Terraform's VariableParseLiteral /
// VariableParseHCL modes (internal/configs/named_values.go, decodeVariableType; the docs: "-var
// ... values for complex types use HCL syntax", Input Variables, "Variables on the Command
// Line"). A name in a file that the root does not declare is only a warning in Terraform and is
// ignored here too; on the command line it is an error ("Value for undeclared variable").
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/error.hpp"
#include "xc/input/hcl/parser.hpp"
#include "xc/input/terraform/eval.hpp"
#include "xc/input/terraform/functions.hpp"
#include "xc/input/terraform/module_config.hpp"
#include "xc/input/terraform/value.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace xc::input::terraform {

// One `-var name=value` or `-var-file FILE` option, kept in command-line order.
struct VariableArgument {
    enum class Kind { value, file } kind = Kind::value;
    std::string text;  // "name=value", or the file's path (relative paths: to the working directory)
};

// A value given from outside: already a value (files), or text to read by the variable's mode.
struct GivenValue {
    std::optional<Value> value;
    std::string text;
    std::string source;  // where it came from, for messages: "terraform.tfvars:3:1", "-var", "TF_VAR_x"
};

namespace detail {

inline void read_tfvars_file(const std::filesystem::path& p, std::map<std::string, GivenValue>& out) {
    const std::string text = read_text_file(p);
    if (ends_with(p.filename().string(), ".json")) {
        Value doc;
        try {
            doc = JsonReader(text).document();
        } catch (const FunctionError& e) {
            throw InputError(Diagnostic{p.string(), "", {}, std::string("invalid variables file: ") + e.what(), ""});
        }
        if (doc.type().kind() != Type::Kind::Object)
            throw InputError(Diagnostic{p.string(), "", {}, "invalid variables file: the root must be a JSON object of variable values", ""});
        for (const auto& [k, v] : doc.attributes()) out[k] = GivenValue{v, {}, p.string()};
        return;
    }
    hcl::File f = hcl::parse(text, p.string());
    for (const auto& b : f.body.blocks)
        throw InputError(diagnostic_at(b.range, "Unexpected \"" + printable(b.type) + "\" block: only variable values (name = value) are expected in a variables file"));
    for (const auto& a : f.body.attributes) {
        // No variables or resources in scope: Terraform evaluates these without a context.
        Value v = evaluate(*a.value, Scope{nullptr, p.parent_path()});
        out[std::string(a.name)] = GivenValue{std::move(v), {}, position_text(a.range)};
    }
}

}  // namespace detail

// The values given to `root`'s variables, by name (later sources already override earlier
// ones). `environment` holds the TF_VAR_ variables (name without the prefix -> text).
inline std::map<std::string, GivenValue> given_variable_values(const ModuleConfig& root, const std::vector<VariableArgument>& arguments,
                                                               const std::map<std::string, std::string>& environment = {}) {
    std::map<std::string, GivenValue> out;
    for (const auto& [name, text] : environment)
        if (root.variables.count(name)) out[name] = GivenValue{std::nullopt, text, "TF_VAR_" + name};
    std::error_code ec;
    for (const char* fixed : {"terraform.tfvars", "terraform.tfvars.json"})
        if (std::filesystem::is_regular_file(root.dir / fixed, ec)) detail::read_tfvars_file(root.dir / fixed, out);
    std::vector<std::filesystem::path> autos;
    for (const auto& e : std::filesystem::directory_iterator(root.dir, ec)) {
        const std::string n = e.path().filename().string();
        if (e.is_regular_file() && (detail::ends_with(n, ".auto.tfvars") || detail::ends_with(n, ".auto.tfvars.json"))) autos.push_back(e.path());
    }
    std::sort(autos.begin(), autos.end(), [](const auto& a, const auto& b) { return a.filename().string() < b.filename().string(); });
    for (const auto& p : autos) detail::read_tfvars_file(p, out);
    for (const auto& arg : arguments) {
        if (arg.kind == VariableArgument::Kind::file) {
            if (!std::filesystem::is_regular_file(arg.text, ec))
                throw InputError(Diagnostic{arg.text, "", {}, "Failed to read variables file: no such file", ""});
            detail::read_tfvars_file(arg.text, out);
            continue;
        }
        const auto eq = arg.text.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InputError("--var", "Invalid -var option \"" + printable(arg.text) + "\": the given -var option must be a variable name and value separated by an equals sign, like --var=\"key=value\"");
        const std::string name = arg.text.substr(0, eq);
        if (!root.variables.count(name))
            throw InputError("--var", "Value for undeclared variable: a variable named \"" + printable(name) + "\" was assigned on the command line, but the root module " +
                                          root.dir.string() + " does not declare a variable of that name");
        out[name] = GivenValue{std::nullopt, arg.text.substr(eq + 1), "--var " + name};
    }
    return out;
}

// Whether a text value for a variable with this `type` expression is taken literally (see the
// header comment): no type, or a primitive type keyword.
inline bool literal_variable_text(const hcl::Expr* type) {
    if (!type) return true;
    return type->kind == hcl::ExprKind::Traversal && type->children.empty() && type->steps.empty() &&
           (type->text == "string" || type->text == "number" || type->text == "bool");
}

// The value of a given text, read in the variable's mode.
inline Value read_given_text(const GivenValue& g, const hcl::Expr* type) {
    if (literal_variable_text(type)) return Value::string(g.text);
    hcl::File f = hcl::parse("v = " + g.text + "\n", g.source);
    if (f.body.attributes.size() != 1) throw InputError(Diagnostic{g.source, "", {}, "Invalid value: a single expression is required", ""});
    return evaluate(*f.body.attributes[0].value, Scope{});
}

}  // namespace xc::input::terraform
