// One Terraform module as written: the `.tf` files of a directory, parsed, and their top-level
// declarations by kind and name (variables, locals, outputs, module calls, managed resources,
// data sources, provider configurations).
//
// Terraform reads every file whose name ends in `.tf` in the module's directory ("A module is a
// collection of .tf and/or .tf.json files kept together in a directory",
// https://developer.hashicorp.com/terraform/language/modules); files whose names start with
// `.` or end in `~` are editor leftovers it ignores. xc reads files in lexical order (which
// makes diagnostics deterministic; declaration order does not change meaning). Two kinds of
// file xc does not read are refused rather than skipped, because skipping them could change
// what the module means: JSON-syntax files (`*.tf.json`) and override files (`override.tf`,
// `*_override.tf`, which Terraform merges into the other files' blocks).
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/error.hpp"
#include "xc/input/hcl/parser.hpp"
#include "xc/input/hcl/syntax.hpp"
#include "xc/input/terraform/eval.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace xc::input::terraform {

inline std::string position_text(const hcl::Range& r) {
    return std::string(r.file) + ":" + std::to_string(r.start.line) + ":" + std::to_string(r.start.column);
}

struct ModuleConfig {
    std::filesystem::path dir;             // as given (root) or resolved from the caller's source
    std::vector<hcl::File> files;          // owns every block below (syntax.hpp's ownership rule)
    std::map<std::string, const hcl::Block*> variables, outputs, module_calls;
    std::map<std::string, const hcl::Attribute*> locals;
    std::map<std::string, const hcl::Block*> resources;     // "type.name"
    std::map<std::string, const hcl::Block*> data_sources;  // "type.name"
    std::vector<const hcl::Block*> providers;
    std::vector<const hcl::Block*> imports;  // `import` blocks (the root's adopt existing objects)
    // Block order as written (files in lexical order): resources and data sources, then module
    // calls — the order in which the loader visits them.
    std::vector<const hcl::Block*> order;
};

namespace detail {

inline std::string read_text_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(Diagnostic{p.string(), "", {}, "cannot read the file", ""});
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Declares `key` in `table`, or reports the earlier declaration (Terraform: "Duplicate ...").
template <class T>
void declare(std::map<std::string, const T*>& table, const std::string& key, const T* item, const hcl::Range& at,
             const std::string& what, std::vector<Diagnostic>& errors) {
    auto [it, fresh] = table.emplace(key, item);
    if (!fresh)
        errors.push_back(diagnostic_at(at, "Duplicate " + what + " \"" + printable(key) + "\": it was already declared at " + position_text(it->second->range)));
}

}  // namespace detail

// Reads and parses the module in `dir`. Throws InputError: an unreadable or empty directory, a
// syntax error, a file kind xc does not read, an unknown top-level block, a duplicate name.
inline std::shared_ptr<ModuleConfig> load_module_config(const std::filesystem::path& dir) {
    auto m = std::make_shared<ModuleConfig>();
    m->dir = dir;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw InputError(Diagnostic{dir.string(), "", {}, "not a directory: a Terraform module is a directory of .tf files", ""});
    std::vector<std::filesystem::path> paths;
    std::vector<Diagnostic> errors;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.' || name.back() == '~') continue;
        if (detail::ends_with(name, ".tf.json")) {
            errors.push_back(Diagnostic{entry.path().string(), "", {}, "Terraform JSON syntax (.tf.json) is not read by xc; write the module in native syntax (README: Verify existing Terraform)", ""});
            continue;
        }
        if (!detail::ends_with(name, ".tf") || !entry.is_regular_file()) continue;
        if (name == "override.tf" || detail::ends_with(name, "_override.tf")) {
            errors.push_back(Diagnostic{entry.path().string(), "", {}, "override files are not read by xc (Terraform merges them into other blocks); merge it into the module (README: Verify existing Terraform)", ""});
            continue;
        }
        paths.push_back(entry.path());
    }
    if (ec) throw InputError(Diagnostic{dir.string(), "", {}, "cannot list the directory: " + ec.message(), ""});
    std::sort(paths.begin(), paths.end());
    if (paths.empty() && errors.empty())
        throw InputError(Diagnostic{dir.string(), "", {}, "no .tf files: not a Terraform module directory", ""});
    for (const auto& p : paths) {
        try {
            m->files.push_back(hcl::parse(detail::read_text_file(p), p.string()));
        } catch (const InputError& e) {
            errors.insert(errors.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    }
    if (!errors.empty()) throw InputError(std::move(errors));

    // Top-level blocks: https://developer.hashicorp.com/terraform/language/syntax/configuration
    auto labels = [&](const hcl::Block& b, std::size_t n) {
        if (b.labels.size() == n) return true;
        errors.push_back(diagnostic_at(b.range, "Invalid " + std::string(b.type) + " block: " + std::to_string(n) + " label(s) required, " +
                                              std::to_string(b.labels.size()) + " given"));
        return false;
    };
    for (const auto& f : m->files) {
        for (const auto& a : f.body.attributes)
            errors.push_back(diagnostic_at(a.range, "Unsupported argument: an argument named \"" + printable(a.name) + "\" is not expected here"));
        for (const auto& b : f.body.blocks) {
            const std::string type(b.type);
            if (type == "resource" || type == "data") {
                if (!labels(b, 2)) continue;
                const std::string key = std::string(b.labels[0]) + "." + std::string(b.labels[1]);
                detail::declare(type == "data" ? m->data_sources : m->resources, key, &b, b.range, type == "data" ? "data source" : "resource", errors);
                m->order.push_back(&b);
            } else if (type == "variable" || type == "output" || type == "module") {
                if (!labels(b, 1)) continue;
                auto& table = type == "variable" ? m->variables : type == "output" ? m->outputs : m->module_calls;
                detail::declare(table, std::string(b.labels[0]), &b, b.range, type, errors);
                if (type == "module") m->order.push_back(&b);
            } else if (type == "locals") {
                if (!labels(b, 0)) continue;
                for (const auto& a : b.body->attributes) detail::declare(m->locals, std::string(a.name), &a, a.range, "local value", errors);
                for (const auto& inner : b.body->blocks)
                    errors.push_back(diagnostic_at(inner.range, "Unexpected \"" + printable(inner.type) + "\" block: blocks are not allowed in locals"));
            } else if (type == "provider") {
                if (!labels(b, 1)) continue;
                m->providers.push_back(&b);
            } else if (type == "import") {
                m->imports.push_back(&b);  // read by the model mapping (to_model.hpp): the object's id
            } else if (type == "terraform" || type == "moved" || type == "removed" || type == "check") {
                // No resource instance of their own and no value others can refer to: `check`
                // assertions and `import`/`moved`/`removed` only affect plans and state.
            } else {
                errors.push_back(diagnostic_at(b.type_range, "Unsupported block type: blocks of type \"" + printable(type) +
                                                           "\" are not expected here (or not read by xc: README, Verify existing Terraform)"));
            }
        }
    }
    if (!errors.empty()) throw InputError(std::move(errors));
    return m;
}

}  // namespace xc::input::terraform
