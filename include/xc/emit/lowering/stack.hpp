// The lowered deployment: what both printers consume.
//
// A `Deployment` is a list of stacks (Terraform: root modules; CloudFormation: stacks), each
// deployed into one account in an apply phase. A stack holds inputs, lookups of existing
// infrastructure, resources and outputs. Resources have a target-neutral `kind` ("vpc",
// "subnet", "rest_api", ...) and a unique name per kind within the stack; properties use one
// neutral snake_case vocabulary (it follows the AWS resource attribute names, which the
// Terraform provider also uses, so the Terraform printer maps most of them 1:1 and the
// CloudFormation printer maps each to its PascalCase property).
#pragma once

#include <xc/emit/lowering/value.hpp>
#include <xc/error.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xc::emit::lowering {

// The model cannot be lowered (a construct no target can express): xc/error.hpp.
using xc::LoweringError;

// The hash of a resource's (kind, name), its identity within a stack: the lowering's duplicate
// check and a printer's reference check both look resources up by it.
inline std::size_t kind_name_hash(std::string_view kind, std::string_view name) {
    const std::hash<std::string_view> h;
    return h(kind) * 31 + h(name);
}

struct Resource {
    std::string kind;  // target-neutral: "vpc", "subnet", "security_group_ingress_rule", ...
    std::string name;  // unique per kind within the stack; a valid identifier ([a-z0-9_], leading letter)
    std::vector<std::pair<std::string, Value>> properties;  // in printing order
    std::vector<std::pair<std::string, std::string>> depends_on;  // (kind, name) of resources in the stack
    std::string group;   // what concern it belongs to ("network", "api", ...): Terraform's file name
    std::string source;  // JSON Pointer of the model definition it comes from
    bool create_before_destroy = false;  // replace without downtime (API deployments)
    // Arguments whose later changes the target leaves alone (Terraform lifecycle.ignore_changes):
    // values read at plan time that must not replace the resource each time they move.
    std::vector<std::string> ignore_changes;
    // Non-empty: the resource already exists with this id (the model's deployed identity names
    // it); the target adopts it and must never create another in its place.
    std::string adopt_id;

    const Value* property(const std::string& key) const {
        for (const auto& [k, v] : properties)
            if (k == key) return &v;
        return nullptr;
    }
    Resource& set(std::string key, Value v) {
        properties.emplace_back(std::move(key), std::move(v));
        return *this;
    }
};

// A stack input (Terraform variable, CloudFormation parameter).
struct Input {
    std::string name;
    std::string type = "string";  // string | number | bool
    std::string description;
    Value default_value;          // null: the input is required... unless `nullable_default`
    bool nullable_default = false;  // the default is explicitly null (optional input)
};

struct Output {
    std::string name;
    std::string description;
    Value value;
};

enum class StackRole { consumer, service, consumer_associations };

struct Stack {
    std::string name;          // directory / stack name: the account name (+ suffix for later phases)
    std::string account_name;  // the model's account
    std::string account_id;
    StackRole role = StackRole::service;
    int phase = 1;             // apply order: 1 consumer, 2 services, 3 consumer associations
    std::string region;
    std::vector<std::string> scopes;  // model scopes lowered into this stack
    std::string purpose;       // one sentence for the README
    std::vector<std::string> needs;  // what must exist before applying (README)
    std::vector<Input> inputs;
    std::vector<Resource> lookups;  // reads of existing infrastructure
    std::vector<Resource> resources;
    std::vector<Output> outputs;

    const Resource* find(const std::string& kind, const std::string& name) const {
        for (const auto& r : resources)
            if (r.kind == kind && r.name == name) return &r;
        return nullptr;
    }
    const Resource* find_lookup(const std::string& kind, const std::string& name) const {
        for (const auto& r : lookups)
            if (r.kind == kind && r.name == name) return &r;
        return nullptr;
    }
    bool uses_kind(const std::string& kind) const {
        for (const auto& r : resources)
            if (r.kind == kind) return true;
        return false;
    }
};

struct Deployment {
    std::string name;    // the model's name
    std::string region;
    std::vector<Stack> stacks;  // by phase, then name

    const Stack* find(const std::string& name) const {
        for (const auto& s : stacks)
            if (s.name == name) return &s;
        return nullptr;
    }
};

}  // namespace xc::emit::lowering
