// The concrete evaluator: is a request allowed, explicitly denied or implicitly denied, and
// which statements decided it.
//
// Statement level: a statement applies when its action, resource, principal (resource policies
// only) and condition all match. Element rules:
//   Action      some pattern matches the request action (case-insensitive, `*` `?`)
//   NotAction   no pattern matches
//   Resource    some pattern matches the request resource (arn.hpp); an unexpanded
//               execute-api shorthand matches nothing (call attach_to_api first)
//   NotResource no pattern matches; absent: any resource
//   Principal   some entry selects the caller (principal.hpp); NotPrincipal: none does, and
//               then the selection is Direct. A resource-policy statement without either
//               selects nobody (AWS requires one in resource policies).
//
// Decision (IAM User Guide, "Policy evaluation logic" and "Cross-account policy evaluation
// logic"), for identity policies I and an optional resource policy R:
//   1. Any applying Deny in I or R (R: whether it names the caller directly or through its
//      account) -> ExplicitDeny; the deciding statements are all applying Deny statements.
//   2. Anonymous caller: Allow iff an Allow in R selects it directly (only "*" can).
//   3. Service principal caller: Allow iff an Allow in R selects it directly.
//   4. Caller in the resource's account: Allow iff an Allow applies in I, or an Allow in R
//      selects it directly. An Allow in R that names only the account delegates to I.
//   5. Caller in another account: Allow iff an Allow applies in I and an Allow in R selects it
//      (directly or through its account).
//   6. Otherwise ImplicitDeny.
// Identity policies do not apply to anonymous or service callers. SCPs, RCPs, permission
// boundaries, session and VPC endpoint policies are outside this function (the caller composes
// them: each is an extra "must allow / must not deny" gate).
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xc/policy/arn.hpp"
#include "xc/policy/condition.hpp"
#include "xc/policy/document.hpp"
#include "xc/policy/principal.hpp"
#include "xc/policy/request.hpp"

namespace xc::policy {

enum class Verdict : std::uint8_t { Allow, ExplicitDeny, ImplicitDeny };

inline std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::Allow: return "Allow";
        case Verdict::ExplicitDeny: return "ExplicitDeny";
        case Verdict::ImplicitDeny: return "ImplicitDeny";
    }
    return "?";
}

enum class PolicyKind : std::uint8_t { Identity, Resource };

struct DecidingStatement {
    PolicyKind kind = PolicyKind::Resource;
    std::size_t policy = 0;     // index among the identity policies; 0 for the resource policy
    std::size_t statement = 0;  // Statement::index
    std::optional<std::string> sid;
    Effect effect = Effect::Allow;
    PrincipalMatch principal = PrincipalMatch::Direct;
    friend bool operator==(const DecidingStatement&, const DecidingStatement&) = default;
};

struct Outcome {
    Verdict verdict = Verdict::ImplicitDeny;
    // Resource policy alone (evaluate_resource_policy): the verdict rests only on statements
    // that name the caller's account ("AllowedForAccount" / "DeniedForAccount").
    bool account_level = false;
    std::vector<DecidingStatement> deciding;
};

// ---- element matching ---------------------------------------------------------------------------

inline bool action_matches(const ActionSpec& spec, std::string_view action) {
    bool any = false;
    for (const auto& p : spec.patterns)
        if (glob_match(p.pattern, action, CaseMode::Insensitive)) {
            any = true;
            break;
        }
    return spec.negated ? !any : any;
}

// The statements of `p` that can apply to a request for one of `actions`: a statement whose
// Action (NotAction) admits none of them applies to no such request, whatever else it says.
// A query about those actions only may drop the rest (the evaluator, on the whole policy,
// still referees its answers). Empty when no statement is left.
template <typename Actions>
std::vector<Statement> statements_for_actions(const Policy& p, const Actions& actions) {
    std::vector<Statement> kept;
    for (const auto& st : p.statements)
        if (std::any_of(std::begin(actions), std::end(actions), [&](const auto& a) { return action_matches(st.action, a); }))
            kept.push_back(st);
    return kept;
}

// One Resource entry against a concrete resource ARN. nullopt: a policy variable without a
// value (the entry is then neither matched nor excluded: see resource_matches).
inline std::optional<bool> resource_pattern_matches(const ResourcePattern& p, std::string_view resource,
                                                    const Context& context) {
    switch (p.kind) {
        case ResourcePattern::Kind::Any: return true;
        case ResourcePattern::Kind::Shorthand: return false;
        case ResourcePattern::Kind::Arn: {
            if (p.arn) return arn_matches(*p.arn, resource);
            auto pattern = resolve_pattern(p.value, context, true);
            if (!pattern) return std::nullopt;
            auto arn = compile_arn_pattern(*pattern);
            return arn && arn_matches(*arn, resource);
        }
    }
    return false;
}

inline bool resource_matches(const ResourceSpec& spec, std::string_view resource, const Context& context) {
    if (spec.kind == ResourceSpec::Kind::Absent) return true;
    if (spec.kind == ResourceSpec::Kind::Resource) {
        for (const auto& p : spec.patterns)
            if (resource_pattern_matches(p, resource, context).value_or(false)) return true;
        return false;
    }
    // NotResource: applies when no entry matches. An entry whose policy variable has no value
    // matches nothing ("Policy variables with no value"), so it excludes nothing.
    for (const auto& p : spec.patterns)
        if (resource_pattern_matches(p, resource, context).value_or(false)) return false;
    return true;
}

inline PrincipalMatch principal_matches(const PrincipalSpec& spec, const std::optional<RequestPrincipal>& caller) {
    PrincipalMatch best = PrincipalMatch::None;
    const CallerFacts facts(caller);
    // Takes one entry's match; true once the best there is (Direct) is found.
    auto take = [&](const PrincipalEntry& e) {
        const PrincipalMatch m = match_principal_entry(e, facts);
        if (m != PrincipalMatch::None) best = m;
        return m == PrincipalMatch::Direct;
    };
    if (const auto& index = spec.index; index.covers(spec.entries.size())) {
        // Only entries that can select the caller: those of no one account, and its account's.
        bool direct = false;
        for (auto i : index.others)
            if ((direct = take(spec.entries[i]))) break;
        if (!direct && !facts.account.empty()) {
            auto it = std::lower_bound(index.by_account.begin(), index.by_account.end(), facts.account,
                                       [](const auto& entry, std::string_view account) { return entry.first < account; });
            for (; it != index.by_account.end() && it->first == facts.account; ++it)
                if (take(spec.entries[it->second])) break;
        }
    } else {
        for (const auto& e : spec.entries)
            if (take(e)) break;
    }
    if (!spec.negated) return best;
    return best == PrincipalMatch::None ? PrincipalMatch::Direct : PrincipalMatch::None;
}

// How the statement applies to the request: None if it does not; otherwise the strength of
// the principal selection (always Direct for identity policies).
inline PrincipalMatch statement_applies(const Statement& st, const Request& request, PolicyKind kind) {
    PrincipalMatch who = PrincipalMatch::Direct;
    if (kind == PolicyKind::Resource) {
        if (!st.principal) return PrincipalMatch::None;
        who = principal_matches(*st.principal, request.principal);
        if (who == PrincipalMatch::None) return who;
    }
    if (!action_matches(st.action, request.action)) return PrincipalMatch::None;
    if (!resource_matches(st.resource, request.resource, request.context)) return PrincipalMatch::None;
    if (!evaluate_conditions(st.conditions, request.context)) return PrincipalMatch::None;
    return who;
}

// ---- policy level ----------------------------------------------------------------------------

struct PolicyMatches {
    std::vector<DecidingStatement> denies, direct_allows, account_allows;
    bool any_direct_deny = false;
};

inline void collect(const Policy& policy, std::size_t policy_index, PolicyKind kind, const Request& request,
                    PolicyMatches& out) {
    for (const auto& st : policy.statements) {
        PrincipalMatch m = statement_applies(st, request, kind);
        if (m == PrincipalMatch::None) continue;
        DecidingStatement d{kind, policy_index, st.index, st.sid, st.effect, m};
        if (st.effect == Effect::Deny) {
            out.any_direct_deny = out.any_direct_deny || m == PrincipalMatch::Direct;
            out.denies.push_back(std::move(d));
        } else if (m == PrincipalMatch::Direct) {
            out.direct_allows.push_back(std::move(d));
        } else {
            out.account_allows.push_back(std::move(d));
        }
    }
}

// A resource policy on its own (what it says about this caller, without identity policies).
inline Outcome evaluate_resource_policy(const Policy& policy, const Request& request) {
    PolicyMatches m;
    collect(policy, 0, PolicyKind::Resource, request, m);
    if (!m.denies.empty()) return {Verdict::ExplicitDeny, !m.any_direct_deny, std::move(m.denies)};
    if (!m.direct_allows.empty()) return {Verdict::Allow, false, std::move(m.direct_allows)};
    if (!m.account_allows.empty()) return {Verdict::Allow, true, std::move(m.account_allows)};
    return {};
}

// Identity policies on their own (principal elements are ignored).
inline Outcome evaluate_identity_policies(std::span<const Policy* const> policies, const Request& request) {
    PolicyMatches m;
    for (std::size_t i = 0; i < policies.size(); ++i) collect(*policies[i], i, PolicyKind::Identity, request, m);
    if (!m.denies.empty()) return {Verdict::ExplicitDeny, false, std::move(m.denies)};
    if (!m.direct_allows.empty()) return {Verdict::Allow, false, std::move(m.direct_allows)};
    return {};
}

struct PolicySet {
    std::vector<const Policy*> identity;  // policies attached to the caller
    const Policy* resource = nullptr;     // the resource's policy, if any
};

// The full decision (rules 1-6 above).
inline Outcome decide(const PolicySet& policies, const Request& request) {
    const bool identity_applies = request.principal && request.principal->type != PrincipalType::Service;
    PolicyMatches identity, resource;
    if (identity_applies)
        for (std::size_t i = 0; i < policies.identity.size(); ++i)
            collect(*policies.identity[i], i, PolicyKind::Identity, request, identity);
    if (policies.resource) collect(*policies.resource, 0, PolicyKind::Resource, request, resource);

    Outcome out;
    if (!identity.denies.empty() || !resource.denies.empty()) {
        out.verdict = Verdict::ExplicitDeny;
        out.deciding = std::move(identity.denies);
        out.deciding.insert(out.deciding.end(), resource.denies.begin(), resource.denies.end());
        return out;
    }
    auto allow_with = [&](std::initializer_list<const std::vector<DecidingStatement>*> groups) {
        out.verdict = Verdict::Allow;
        for (auto* g : groups) out.deciding.insert(out.deciding.end(), g->begin(), g->end());
        return out;
    };
    if (!identity_applies) {  // anonymous or service principal
        if (!resource.direct_allows.empty()) return allow_with({&resource.direct_allows});
        return out;
    }
    const std::string caller_account = request.principal->account();
    const bool same_account = !caller_account.empty() && caller_account == request.resource_account;
    if (same_account) {
        if (!identity.direct_allows.empty() || !resource.direct_allows.empty())
            return allow_with({&identity.direct_allows, &resource.direct_allows});
        return out;
    }
    if (!identity.direct_allows.empty() && (!resource.direct_allows.empty() || !resource.account_allows.empty()))
        return allow_with({&identity.direct_allows, &resource.direct_allows, &resource.account_allows});
    return out;
}

// Convenience: a resource policy with no identity policies.
inline Outcome decide(const Policy& resource_policy, const Request& request) {
    return decide(PolicySet{{}, &resource_policy}, request);
}

}  // namespace xc::policy
