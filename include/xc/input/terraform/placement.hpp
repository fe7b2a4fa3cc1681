// Where an AWS resource lives: the account and region its provider configuration deploys to.
//
// The AWS provider's arguments (https://registry.terraform.io/providers/hashicorp/aws/latest/docs):
// `region` — "The AWS region where the provider will operate"; `assume_role { role_arn }` — the
// provider "will attempt to assume this role using the supplied credentials", so it acts in the
// role's account (the account field of an IAM role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME);
// `allowed_account_ids` — "List of allowed AWS account IDs to prevent you from mistakenly using
// an incorrect one"; `forbidden_account_ids` likewise. So a single allowed account, or the
// assumed role's account, is the account; several allowed ids leave it open. What the code does
// not say (ambient credentials, AWS_REGION) comes from the root's options, or stays unknown —
// an empty field — which a verdict depending on it must treat as unknown, never as a default.
#pragma once

#include "xc/diagnostic.hpp"
#include "xc/error.hpp"
#include "xc/input/terraform/value.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace xc::input::terraform {

struct Placement {
    std::string provider;  // the provider configuration's address: "provider.aws", "module.a.provider.aws.east"
    std::string account;   // 12 digits; empty: unknown
    std::string region;    // empty: unknown
    std::string account_from, region_from;  // what decided it ("assume_role.role_arn", "allowed_account_ids", "option") or why unknown
};

// What the user says for a root where its code does not (xc's --account / --region options).
struct PlacementDefaults {
    std::string account;
    std::string region;
};

namespace detail {

inline bool is_account_id(const std::string& s) {
    return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The account of an IAM role ARN ("arn:aws:iam::123456789012:role/x"), or "" if not one.
inline std::string role_arn_account(const std::string& arn) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (int i = 0; i < 5; ++i) {
        auto c = arn.find(':', start);
        if (c == std::string::npos) return "";
        parts.push_back(arn.substr(start, c - start));
        start = c + 1;
    }
    if (parts[0] != "arn" || parts[2] != "iam" || arn.compare(start, 5, "role/") != 0) return "";
    return is_account_id(parts[4]) ? parts[4] : "";
}

inline const Value* attribute(const Value& object, const std::string& name) {
    if (!object.is_known() || object.is_null() || !object.is_mapping()) return nullptr;
    auto it = object.attributes().find(name);
    return it == object.attributes().end() ? nullptr : &it->second;
}

inline std::string unknown_reason(const Value& v, const std::string& what) {
    auto o = v.unknown_origins();
    return what + " is not known before apply" + (o.empty() ? std::string() : " (depends on " + o.front() + ")");
}

}  // namespace detail

// The placement a provider configuration gives. `config` is the evaluated configuration body
// (an object; blocks as tuples of objects; null when the module has no configuration of its
// own and Terraform uses an empty one). Throws InputError where Terraform would refuse to run:
// an assumed role's account outside allowed_account_ids or inside forbidden_account_ids.
inline Placement placement_of(const std::string& address, const Value& config, const PlacementDefaults& defaults, const hcl::Range& at) {
    Placement p;
    p.provider = address;
    // Region.
    if (const Value* r = detail::attribute(config, "region"); r && !r->is_null()) {
        if (r->is_known() && r->type().kind() == Type::Kind::String) p.region = r->as_string(), p.region_from = "region";
        else p.region_from = detail::unknown_reason(*r, "region");
    } else if (!defaults.region.empty()) {
        p.region = defaults.region, p.region_from = "option";
    } else {
        p.region_from = "the provider configuration sets no region and no --region was given";
    }
    // Account: the assumed role's, else the only allowed one, else the option.
    std::string role_account, unknown_account;
    if (const Value* roles = detail::attribute(config, "assume_role"); roles && !roles->is_null()) {
        if (!roles->is_known()) unknown_account = detail::unknown_reason(*roles, "assume_role");
        else if (roles->is_sequence() && !roles->elements().empty()) {
            const Value* arn = detail::attribute(roles->elements().front(), "role_arn");
            if (arn && !arn->is_known()) unknown_account = detail::unknown_reason(*arn, "assume_role.role_arn");
            else if (arn && !arn->is_null() && arn->type().kind() == Type::Kind::String) {
                role_account = detail::role_arn_account(arn->as_string());
                if (role_account.empty()) unknown_account = "assume_role.role_arn \"" + arn->as_string() + "\" is not an IAM role ARN";
            }
        }
    }
    std::vector<std::string> allowed;
    bool allowed_known = true;
    if (const Value* a = detail::attribute(config, "allowed_account_ids"); a && !a->is_null()) {
        if (!a->is_wholly_known() || !a->is_sequence()) allowed_known = false;
        else
            for (const auto& e : a->elements())
                if (e.type().kind() == Type::Kind::String) allowed.push_back(e.as_string());
    }
    std::vector<std::string> forbidden;
    if (const Value* f = detail::attribute(config, "forbidden_account_ids"); f && f->is_wholly_known() && f->is_sequence())
        for (const auto& e : f->elements())
            if (e.type().kind() == Type::Kind::String) forbidden.push_back(e.as_string());
    auto check = [&](const std::string& account, const std::string& from) {
        if (allowed_known && !allowed.empty() && std::find(allowed.begin(), allowed.end(), account) == allowed.end())
            throw InputError(Diagnostic{std::string(at.file), address, {at.start.line, at.start.column},
                                        "the account " + account + " (" + from + ") is not in allowed_account_ids: Terraform would refuse to plan", ""});
        if (std::find(forbidden.begin(), forbidden.end(), account) != forbidden.end())
            throw InputError(Diagnostic{std::string(at.file), address, {at.start.line, at.start.column},
                                        "the account " + account + " (" + from + ") is in forbidden_account_ids: Terraform would refuse to plan", ""});
    };
    if (!role_account.empty()) {
        check(role_account, "assume_role.role_arn");
        p.account = role_account, p.account_from = "assume_role.role_arn";
    } else if (!unknown_account.empty()) {
        // The role decides the account, and it is not known: only a single allowed id pins it.
        if (allowed_known && allowed.size() == 1) p.account = allowed[0], p.account_from = "allowed_account_ids";
        else p.account_from = unknown_account;
    } else if (allowed_known && allowed.size() == 1) {
        p.account = allowed[0], p.account_from = "allowed_account_ids";
    } else if (!defaults.account.empty()) {
        check(defaults.account, "--account");
        p.account = defaults.account, p.account_from = "option";
    } else {
        p.account_from = allowed_known && allowed.size() > 1 ? "allowed_account_ids admits several accounts and no --account was given"
                                                             : "the provider configuration does not say and no --account was given";
    }
    return p;
}

}  // namespace xc::input::terraform
