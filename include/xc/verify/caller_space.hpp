// The callers a symbolic request may come from, and what AWS puts in the request context about
// each of them.
//
// A caller is not one of a finite list of names: an AWS principal is a symbolic string, its
// aws:PrincipalArn, under the same glob encoding as every other string of the request
// (policy_query.hpp), so that Principal elements and principal conditions (StringLike,
// ArnLike, ForAnyValue:..., on aws:PrincipalArn or aws:PrincipalAccount) constrain the same
// string. The kinds of caller, and what the request context holds for each:
//
//   kind            request principal                              aws:PrincipalArn         aws:PrincipalAccount
//   anonymous       none                                           absent                   "anonymous"
//   role session    arn:aws:sts::A:assumed-role/R/S                arn:aws:iam::A:role/P/R  A
//   IAM user        arn:aws:iam::A:user/P/N                        the same                 A
//   root user       arn:aws:iam::A:root                            the same                 A
//   federated user  arn:aws:sts::A:federated-user/N                the same                 A
//   service, web-identity/SAML provider, canonical user: a name    absent                   an account of AWS's
//
// with A a 12-digit account id. Sources (IAM User Guide, "AWS global condition context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
//  * aws:PrincipalArn: "For IAM roles, the request context returns the ARN of the role, not the
//    ARN of the user that assumed the role"; "Anonymous requests do not include this key"; the
//    types of principals it lists are "IAM role", "IAM user", "AWS STS federated user principal"
//    and "AWS account root user" only: a service principal has none.
//  * aws:PrincipalAccount: "For anonymous requests, the request context returns anonymous";
//    "This key is included in the request context for all requests, including anonymous
//    requests". For a service principal the value is not documented; the page says of a
//    Principal "*" policy limited by aws:PrincipalOrgID that it "prevents all principals outside
//    of the specified organization from accessing the Amazon S3 bucket. This includes any AWS
//    services that interact with your internal resources": a service principal belongs to AWS,
//    not to the customer. xc takes its account to be some 12-digit id that is none of the
//    customer's (CallerSpace::customer_accounts).
//  * Principal element (".../reference_policies_elements_principal.html"): an account id or
//    its root ARN delegates to that account's identity policies; a role ARN selects the role's
//    sessions ("the role session principal is granted the permissions based on the ARN of role
//    that was assumed"); a session ARN selects that session only (policy/principal.hpp).
//
// Other properties of the principal (aws:PrincipalOrgID, aws:PrincipalTag/*, aws:userid, ...)
// depend on facts the model does not give (organisations, tags, unique ids). Where a query looks
// for a violation (is there a caller that ...?), they range over every value AWS could send,
// absent included: an outsider's organisation and tags are its own. Where a query must show
// that an allow exists (availability), a policy that reads one of them cannot be decided:
// Unsupported, never a guess.
#pragma once

#include <xc/policy/policy.hpp>
#include <xc/verify/pattern_set.hpp>

#include <array>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xc::verify {

enum class CallerKind : std::uint8_t { anonymous, role_session, user, root, federated_user, service, web_federated, canonical_user };
inline constexpr std::size_t caller_kind_count = 8;

inline std::string_view to_string(CallerKind k) {
    switch (k) {
        case CallerKind::anonymous: return "anonymous";
        case CallerKind::role_session: return "role session";
        case CallerKind::user: return "IAM user";
        case CallerKind::root: return "root user";
        case CallerKind::federated_user: return "federated user";
        case CallerKind::service: return "service principal";
        case CallerKind::web_federated: return "federated principal";
        case CallerKind::canonical_user: return "canonical user";
    }
    return "?";
}

// An AWS principal: its request principal has type AWS, identity policies apply to it, and its
// aws:PrincipalArn is the caller string.
inline bool is_aws_principal(CallerKind k) {
    return k == CallerKind::role_session || k == CallerKind::user || k == CallerKind::root || k == CallerKind::federated_user;
}
// A principal known by a name only (Service / Federated / CanonicalUser).
inline bool is_named_principal(CallerKind k) {
    return k == CallerKind::service || k == CallerKind::web_federated || k == CallerKind::canonical_user;
}
inline policy::PrincipalType principal_type(CallerKind k) {
    switch (k) {
        case CallerKind::service: return policy::PrincipalType::Service;
        case CallerKind::web_federated: return policy::PrincipalType::Federated;
        case CallerKind::canonical_user: return policy::PrincipalType::CanonicalUser;
        default: return policy::PrincipalType::AWS;
    }
}

// Which kinds of caller a query ranges over.
struct CallerSpace {
    std::array<bool, caller_kind_count> kinds{};
    // The accounts of the model: a named (service, ...) principal's aws:PrincipalAccount is none.
    std::vector<std::string> customer_accounts;

    bool has(CallerKind k) const { return kinds[static_cast<std::size_t>(k)]; }
    CallerSpace& with(CallerKind k) {
        kinds[static_cast<std::size_t>(k)] = true;
        return *this;
    }
    bool any_aws() const {
        return has(CallerKind::role_session) || has(CallerKind::user) || has(CallerKind::root) || has(CallerKind::federated_user);
    }
    bool any_named() const { return has(CallerKind::service) || has(CallerKind::web_federated) || has(CallerKind::canonical_user); }

    static CallerSpace only(CallerKind k) { return CallerSpace{}.with(k); }
    // Every caller there is.
    static CallerSpace everyone() {
        CallerSpace s;
        s.kinds.fill(true);
        return s;
    }
};

namespace detail {

// The principal keys xc derives from the caller (see the table above); lower-case.
inline bool is_principal_key(std::string_view key_lower) { return key_lower == "aws:principalarn" || key_lower == "aws:principalaccount"; }

// Keys AWS derives from facts about the principal that the model does not hold (IAM User
// Guide, "AWS global condition context keys", "Properties of the principal").
inline bool is_unmodelled_principal_key(std::string_view key_lower) {
    if (is_principal_key(key_lower)) return false;
    return key_lower.starts_with("aws:principal") || key_lower == "aws:userid" || key_lower == "aws:username";
}

// ARNs the caller string takes, per kind (A: 12 digits; names without ':' and not ending in '/').
inline Glob caller_arn_shape(CallerKind k) {
    Glob g;
    switch (k) {
        case CallerKind::role_session: g = Glob::literal("arn:aws:iam::").append_digits(12).append_literal(":role/"); break;
        case CallerKind::user: g = Glob::literal("arn:aws:iam::").append_digits(12).append_literal(":user/"); break;
        case CallerKind::root: return Glob::literal("arn:aws:iam::").append_digits(12).append_literal(":root");
        case CallerKind::federated_user: g = Glob::literal("arn:aws:sts::").append_digits(12).append_literal(":federated-user/"); break;
        default: throw std::logic_error("caller_arn_shape: not an AWS principal");
    }
    g.tokens.push_back({Glob::Kind::any_char, 0, true});
    return g.append_run(true);
}
// "Ends with '/'": no principal name does (the caller string must not match it).
inline Glob ends_with_slash() { return Glob().append_run(false).append_literal("/"); }

// The caller string matches this iff its account matches `account` (a glob on the account id):
// the fourth segment of a colon-free-segmented ARN. Nullopt: no account matches (a ':' in it).
inline std::optional<Glob> account_of_caller(const Glob& account) {
    Glob g = Glob::literal("arn:aws:").append_run(true).append_literal("::");
    for (auto t : account.tokens) {
        if (t.kind == Glob::Kind::literal && t.c == ':') return std::nullopt;
        if (t.kind != Glob::Kind::literal) t.no_colon = true;  // an account id holds no ':'
        g.tokens.push_back(t);
    }
    return g.append_literal(":").append_run(false);
}

// The sessions of role R of account A: its ARN with any path (role names are unique in an
// account, paths are not part of that: principal.hpp matches a role ARN by (account, name)).
inline std::array<Glob, 2> role_arns(std::string_view account, std::string_view role) {
    std::string base = "arn:aws:iam::" + std::string(account) + ":role/";
    return {Glob::literal(base + std::string(role)), Glob::literal(base).append_run(true).append_literal("/" + std::string(role))};
}

// An outsider's identity policies are its own: where a query looks for a violation they allow
// everything (the worst case).
inline const policy::Policy& allow_everything() {
    static const policy::Policy p = policy::parse_text(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
    return p;
}

// A readable account id outside `allowed`, for witnesses.
inline std::string fresh_account(const std::set<std::string>& allowed) {
    std::string fresh = "999999999999";
    while (allowed.contains(fresh)) fresh = std::to_string(std::stoull(fresh) - 1);
    return fresh;
}

// "arn:aws:iam::A:role/p/R" -> "R" (the last segment of the resource); the ARN's account.
inline std::string_view last_segment(std::string_view arn) {
    auto slash = arn.rfind('/');
    return slash == std::string_view::npos ? arn : arn.substr(slash + 1);
}
inline std::string account_of_arn(std::string_view arn) {
    auto parts = policy::split_arn(arn);
    return parts ? std::string(parts->account) : std::string();
}

}  // namespace detail

// The request principal of an AWS caller whose aws:PrincipalArn is `principal_arn`; `session`
// names a role session.
inline policy::RequestPrincipal aws_request_principal(CallerKind k, const std::string& principal_arn, const std::string& session) {
    if (k != CallerKind::role_session) return {policy::PrincipalType::AWS, principal_arn};
    return {policy::PrincipalType::AWS, "arn:aws:sts::" + detail::account_of_arn(principal_arn) + ":assumed-role/" +
                                            std::string(detail::last_segment(principal_arn)) + "/" + session};
}

// The principal keys of the context for a concrete caller (the table above); the named kinds'
// are left to the caller of this function.
inline void set_principal_keys(policy::Context& ctx, CallerKind k, const std::string& principal_arn) {
    if (k == CallerKind::anonymous) {
        ctx.erase("aws:PrincipalArn");
        ctx.set("aws:PrincipalAccount", "anonymous");
    } else if (is_aws_principal(k)) {
        ctx.set("aws:PrincipalArn", principal_arn);
        ctx.set("aws:PrincipalAccount", detail::account_of_arn(principal_arn));
    }
}

}  // namespace xc::verify
