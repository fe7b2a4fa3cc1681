// secret-integrity: no one outside the consumer's account can change the secret the APIs take
// their allowlist from, nor use or manage the key that encrypts it.
//
// Every service's API admits whatever endpoint id that secret holds: whoever can write it can, at
// the services' next deployment, make every API trust another endpoint. secret-share proves who
// reads it; this proves who can change it. The question is asked over every caller outside the
// secret's account (caller_space.hpp: anonymous, every principal of every other account — the
// service accounts included — and every service principal), each with the worst identity policy
// it could give itself, over every context AWS can set on a direct Secrets Manager call or on any
// KMS call (context_keys.hpp: secret-read, kms-by-caller).
//
// AWS rules relied on:
// - Cross-account, a resource policy is what can grant: "To allow users in one account to access
//   secrets in another account (cross-account access), you must allow access both in a resource
//   policy and in an identity policy" (Secrets Manager User Guide, "Access AWS Secrets Manager
//   secrets from a different account"); the same for KMS keys ("Allowing users in other accounts
//   to use a KMS key": the key policy and the caller's IAM policy). The caller's identity policy
//   is ranged over (allow everything), so the resource policy decides.
// - The actions that change a secret, among those "Cross-account permission is effective only
//   for" (same page): CancelRotateSecret, DeleteResourcePolicy, DeleteSecret, PutResourcePolicy,
//   PutSecretValue, RemoveRegionsFromReplication, ReplicateSecretToRegions, RestoreSecret,
//   RotateSecret, StopReplicationToReplica, TagResource, UntagResource, UpdateSecret,
//   UpdateSecretVersionStage. Tags count: policies may decide by them (ABAC).
// - The AWS-managed key aws/secretsmanager cannot be used across accounts: "you can't use the AWS
//   managed key (aws/secretsmanager) for cross-account access" (same page).
// - Key actions that encrypt under the key or change who may use it (Service Authorization
//   Reference, "Actions defined by AWS Key Management Service"): kms:Encrypt,
//   kms:GenerateDataKey*, kms:ReEncryptTo/From, kms:PutKeyPolicy, kms:CreateGrant,
//   kms:RetireGrant, kms:RevokeGrant, kms:ScheduleKeyDeletion, kms:DisableKey, kms:EnableKey,
//   kms:CancelKeyDeletion, kms:UpdateKeyDescription, kms:TagResource, kms:UntagResource,
//   kms:ImportKeyMaterial, kms:DeleteImportedKeyMaterial, kms:DisableKeyRotation,
//   kms:EnableKeyRotation, kms:UpdatePrimaryRegion, kms:ReplicateKey.
#pragma once

#include <xc/verify/api_properties.hpp>
#include <xc/verify/checker.hpp>
#include <xc/verify/secret_share.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace xc::verify {

inline constexpr std::array<std::string_view, 14> secret_changing_actions{
    "secretsmanager:CancelRotateSecret",     "secretsmanager:DeleteResourcePolicy",         "secretsmanager:DeleteSecret",
    "secretsmanager:PutResourcePolicy",      "secretsmanager:PutSecretValue",               "secretsmanager:RemoveRegionsFromReplication",
    "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RestoreSecret",              "secretsmanager:RotateSecret",
    "secretsmanager:StopReplicationToReplica", "secretsmanager:TagResource",                "secretsmanager:UntagResource",
    "secretsmanager:UpdateSecret",           "secretsmanager:UpdateSecretVersionStage"};

inline constexpr std::array<std::string_view, 24> key_changing_actions{
    "kms:Encrypt",           "kms:GenerateDataKey",        "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext", "kms:ReEncryptTo", "kms:ReEncryptFrom",      "kms:PutKeyPolicy",
    "kms:CreateGrant",       "kms:RetireGrant",            "kms:RevokeGrant",                     "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion", "kms:DisableKey",             "kms:EnableKey",                       "kms:UpdateKeyDescription",
    "kms:TagResource",       "kms:UntagResource",          "kms:ImportKeyMaterial",               "kms:DeleteImportedKeyMaterial",
    "kms:DisableKeyRotation", "kms:EnableKeyRotation",     "kms:UpdatePrimaryRegion",             "kms:ReplicateKey"};

namespace detail {

// Some caller outside `owner_account` whom `policy` (on `resource`, of `service`) lets make one of
// `actions`, with an identity policy allowing everything.
template <std::size_t N>
QueryResult outside_changer(Checker& checker, const policy::Policy& pol, const model::Identity& resource, const std::string& service,
                            RequestPath path, const std::string& owner_account, const std::array<std::string_view, N>& actions) {
    // Only the statements that can grant or deny one of `actions` (a key policy's Decrypt grant to
    // hundreds of service accounts cannot): the query's size no longer grows with the readers.
    policy::Policy relevant = pol;
    relevant.statements = policy::statements_for_actions(pol, actions);
    if (relevant.statements.empty()) return {QueryResult::Answer::unsatisfiable, std::nullopt, {}};
    const std::set<std::string>& accounts = checker.account_ids();
    PolicyQuery q(checker.z3());
    q.declare(relevant);
    q.set_path(path);
    CallerSpace everyone = CallerSpace::everyone();
    everyone.customer_accounts.assign(accounts.begin(), accounts.end());
    q.set_callers(everyone);
    q.caller_arn().prefer({"arn:aws:iam::" + fresh_account(accounts) + ":role/xc-outsider"});
    q.resource_segment(0).fix(resource.partition);
    q.resource_segment(1).fix(service);
    q.resource_segment(2).fix(resource.region);
    q.resource_segment(3).fix(resource.account);
    q.resource_segment(4).restrict({glob_of(resource.resource), policy::CaseMode::Sensitive, true});
    q.resource_segment(4).prefer({resource.resource.stand_in()});
    q.set_resource_account(owner_account);
    z3::expr_vector changing(checker.z3());
    std::vector<std::string> names;
    for (auto a : actions) {
        changing.push_back(q.action().equals(std::string(a)));
        names.emplace_back(a);
    }
    q.action().prefer(names);
    Decision d{&relevant, {&allow_everything()}, false, owner_account};
    auto concrete = [&](const policy::Request& r) {
        const bool outside = !r.principal || r.principal->type != policy::PrincipalType::AWS || r.principal->account() != owner_account;
        const bool changes = std::find(names.begin(), names.end(), r.action) != names.end();
        return outside && changes && policy::decide(policy::PolicySet{{&allow_everything()}, &pol}, r).verdict == policy::Verdict::Allow;
    };
    return q.solve(q.allowed(d) && !q.caller_in_account(owner_account) && z3::mk_or(changing), checker.options().timeout_ms, concrete);
}

}  // namespace detail

inline void check_secret_integrity(Checker& checker, model::Vertex secret_vertex) {
    const auto& g = checker.graph();
    const auto& secret = g.resource<model::Secret>(secret_vertex);
    const std::string property = "secret-integrity";
    const std::size_t before = checker.report().findings.size();
    const std::string owner = checker.account_of(secret_vertex).id;

    // One resource policy: the secret's or its key's.
    auto ask = [&](const model::PolicyDocument& doc, const model::Identity& id, const std::string& service, RequestPath path,
                   auto actions, const std::string& what) {
        try {
            detail::require_known_identity(doc.parsed(), id.resource, service, false);
            auto r = detail::outside_changer(checker, doc.parsed(), id, service, path, id.account, actions);
            if (r.answer == QueryResult::Answer::unknown) {
                checker.add(property, secret_vertex, Verdict::undecided, "could not decide who can change " + what + ": " + r.reason, doc.path);
            } else if (r.answer == QueryResult::Answer::satisfiable) {
                const auto& req = r.witness->request;
                auto outcome = policy::decide(policy::PolicySet{{&detail::allow_everything()}, &doc.parsed()}, req);
                auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                      r.witness->caller + ", outside the secret's account, may " + req.action + " on " + what, doc.path);
                f.witness = to_json(req);
                f.statements = statement_refs(outcome, doc);
                if (!f.statements.empty()) f.path = f.statements.front().path();
                f.fix = "grant other accounts only what reading needs (secretsmanager:GetSecretValue on the secret, kms:Decrypt "
                        "through Secrets Manager on the key), never an action that changes them";
            }
        } catch (const Unsupported& e) {
            checker.add(property, secret_vertex, Verdict::undecided, std::string("not decided: ") + e.what(), doc.path);
        }
    };
    // No secret policy: no other account is granted anything on it.
    // A direct Secrets Manager call carries the same context whatever its action (secret_read's).
    if (secret.policy)
        ask(*secret.policy, g.identity(secret_vertex), "secretsmanager", RequestPath::secret_read, secret_changing_actions, "the secret");
    // The AWS-managed key cannot be used across accounts.
    if (secret.kms_key) {
        auto key_vertex = g.out(secret_vertex, model::EdgeKind::encrypted_by).front();
        ask(g.resource<model::KmsKey>(key_vertex).policy, g.identity(key_vertex), "kms", RequestPath::kms_by_caller, key_changing_actions,
            "its KMS key");
    }
    if (checker.report().findings.size() == before)
        checker.add(property, secret_vertex, Verdict::proved,
                    "no one outside account " + owner + " can change the secret, its policy, rotation or deletion, nor encrypt with or "
                    "manage its key",
                    secret.path);
}

}  // namespace xc::verify
