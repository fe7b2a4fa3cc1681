// A syntactic upper bound on what a set of policies allows, decided without a solver.
//
// IAM grants nothing that no Allow statement matches: "By default, all requests are implicitly
// denied ... An explicit allow in an identity-based or resource-based policy overrides this
// default" (IAM User Guide, "Policy evaluation logic",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
// Deny statements and conditions only take access away. So if every Allow statement that can
// match an action of one service names only listed actions, literally, and only listed resources
// (an exact ARN, or ARNs under a literal prefix), every request of that service the policies
// allow is within those lists — whatever the conditions and denies say. When a statement is not
// of that form the bound says nothing (`within` is false) and the caller asks the solver, which
// also finds the witness; this check never decides a violation.
#pragma once

#include "xc/policy/arn.hpp"
#include "xc/policy/document.hpp"
#include "xc/policy/glob.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace xc::policy {

struct AllowBound {
    std::string service_prefix;             // e.g. "dynamodb:": the actions the question is about
    std::vector<std::string> actions;       // allowed actions (case-insensitive, as IAM matches them)
    std::vector<std::string> resources;     // allowed ARNs, exactly
    std::vector<std::string> resource_prefixes;  // and every ARN that starts with one of these

    // Whether one concrete request is inside the bound.
    bool admits(std::string_view action, std::string_view resource) const {
        auto starts = [&](const std::string& prefix) { return resource.substr(0, prefix.size()) == prefix; };
        return std::any_of(actions.begin(), actions.end(), [&](const std::string& a) { return iequals(a, action); }) &&
               (std::find(resources.begin(), resources.end(), resource) != resources.end() ||
                std::any_of(resource_prefixes.begin(), resource_prefixes.end(), starts));
    }
};

namespace detail {

// Whether some action starting with `prefix` (case-insensitively) matches `pattern`.
inline bool may_match_prefix(const GlobPattern& pattern, std::string_view prefix) {
    std::size_t i = 0;
    for (; i < pattern.tokens.size() && i < prefix.size(); ++i) {
        if (pattern.tokens[i] == GlobPattern::Token::Star) return true;
        if (pattern.tokens[i] == GlobPattern::Token::Literal && !iequals(pattern.text.substr(i, 1), prefix.substr(i, 1))) return false;
    }
    return i == prefix.size();  // a pattern that ends first matches only shorter actions
}

// No wildcard in the partition, service, region or account.
inline bool literal_segments(const ArnPattern& p) {
    for (std::size_t s = 0; s < 4; ++s)
        if (p.segments[s].has_wildcards) return false;
    return true;
}

// The pattern written back as an ARN (a wildcard's character is its own: glob.hpp).
inline std::string arn_text(const ArnPattern& p) {
    return "arn:" + p.segments[0].text + ":" + p.segments[1].text + ":" + p.segments[2].text + ":" + p.segments[3].text + ":" +
           p.segments[4].text;
}

// Every ARN `pattern` matches is in the bound's resources.
inline bool resource_within(const ResourcePattern& pattern, const AllowBound& bound) {
    if (pattern.kind != ResourcePattern::Kind::Arn || !pattern.arn || !literal_segments(*pattern.arn)) return false;
    const GlobPattern& rest = pattern.arn->segments[4];
    const std::string text = arn_text(*pattern.arn);
    // No wildcard: IAM matches the one ARN that equals it, segment by segment (arn.hpp).
    if (!rest.has_wildcards) return std::find(bound.resources.begin(), bound.resources.end(), text) != bound.resources.end();
    // Wildcards only after a literal prefix that lies under an allowed prefix.
    const auto first_wildcard = std::find_if(rest.tokens.begin(), rest.tokens.end(), [](auto t) { return t != GlobPattern::Token::Literal; });
    const std::size_t literal_length = text.size() - rest.text.size() + static_cast<std::size_t>(first_wildcard - rest.tokens.begin());
    const std::string_view literal(text.data(), literal_length);
    return std::any_of(bound.resource_prefixes.begin(), bound.resource_prefixes.end(),
                       [&](const std::string& prefix) { return literal.substr(0, prefix.size()) == prefix; });
}

}  // namespace detail

// True when every request for an action starting with `bound.service_prefix` that `policies`
// allow has one of `bound.actions` and a resource in the bound; false when that cannot be told
// from the statements alone (not a violation: ask the solver).
inline bool allows_within(const std::vector<const Policy*>& policies, const AllowBound& bound) {
    for (const Policy* p : policies)
        for (const Statement& st : p->statements) {
            if (st.effect != Effect::Allow) continue;
            if (st.action.negated) return false;  // NotAction allows everything it does not list
            bool relevant = false;
            for (const auto& a : st.action.patterns) {
                if (!detail::may_match_prefix(a.pattern, bound.service_prefix)) continue;
                relevant = true;
                if (a.pattern.has_wildcards) return false;
                if (std::none_of(bound.actions.begin(), bound.actions.end(), [&](const std::string& n) { return iequals(n, a.text); }))
                    return false;
            }
            if (!relevant) continue;
            if (st.resource.kind != ResourceSpec::Kind::Resource) return false;  // NotResource, or no Resource at all
            for (const auto& r : st.resource.patterns)
                if (!detail::resource_within(r, bound)) return false;
        }
    return true;
}

}  // namespace xc::policy
