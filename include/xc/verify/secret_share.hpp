// secret-share: the secret that carries the endpoint id is readable by the consumer and the
// service accounts, by no one else, and holds the endpoint the APIs admit.
//
// Confidentiality is a proof over every caller outside those accounts (caller_space.hpp: anonymous,
// every AWS principal of every other account, every service or other named principal — with the
// worst identity policies they could give themselves): the secret's resource policy must not let
// any of them GetSecretValue. Availability: the model names no principal that reads the secret
// (the services read it at deployment, as principals of their accounts), so it asks for one —
// some role session or user of each reading service account, whatever its name, whose
// GetSecretValue the secret policy allows and whose Decrypt (through Secrets Manager) the KMS
// key policy allows (cross-account, both are needed), each with its own identity policy allowing
// it. A reader named only by an aws:PrincipalArn condition is found the same way.
//
// Key scope (check_key_scope, the property's second check, on each key that encrypts such a
// secret; a finding names the key): what the key policy lets the service
// accounts do with the key is only what a read needs — kms:Decrypt, made by Secrets Manager
// (kms:ViaService), and, where the model says so (KmsKey::only_its_secrets), only for the secrets
// the model encrypts with the key (kms:EncryptionContext:SecretARN). Asked over every AWS
// principal of every account but the key's (of the model's other accounts where the key policy
// reads kms:CallerAccount, see check_key_scope), with an identity policy allowing
// everything, over every KMS request a caller can make (context_keys.hpp: kms-by-caller, where
// the caller sets kms:ViaService and the encryption context only by going through a service).
// AWS rules relied on:
// - A GetSecretValue needs only kms:Decrypt on the key: Secrets Manager User Guide, "Secret
//   encryption and decryption", Permissions for the KMS key: "GetSecretValue and
//   BatchGetSecretValue" need "kms:Decrypt" (GenerateDataKey only to create or change a value,
//   which other accounts must not: secret-integrity).
// - kms:ViaService: AWS KMS Developer Guide, "kms:ViaService": it "limits use of a KMS key to
//   requests from specified AWS services", value "<service>.<region>.amazonaws.com"; a direct
//   call (the AWS CLI, an SDK) carries no kms:ViaService, so StringEquals on it fails.
// - Secrets Manager's encryption context: same Secrets Manager page, "Secrets Manager uses ... the
//   encryption context" {"SecretARN": the secret's ARN, "SecretVersionId": ...}; in a key policy
//   it is the condition key kms:EncryptionContext:SecretARN (AWS KMS Developer Guide,
//   "kms:EncryptionContext:context-key").
#pragma once

#include <xc/verify/api_properties.hpp>
#include <xc/verify/checker.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace xc::verify {

namespace detail {


}  // namespace detail

inline void check_secret_share(Checker& checker, model::Vertex secret_vertex) {
    const auto& g = checker.graph();
    const auto& m = checker.model();
    const auto& secret = g.resource<model::Secret>(secret_vertex);
    const std::string property = "secret-share";
    const auto& owner = checker.account_of(secret_vertex);
    // The consumer and the service accounts: every account of the model, the owner's included.
    const std::set<std::string>& allowed = checker.account_ids();
    std::size_t before = checker.report().findings.size();
    // The secret as deployed: "secret:<its deployed name>-" and six characters AWS assigns.
    const model::Identity& identity = g.identity(secret_vertex);
    const std::string secret_arn = identity.arn().stand_in();

    // 1. No one outside the consumer and service accounts can read it.
    if (secret.policy) {
        try {
            const auto& pol = secret.policy->parsed();
            // Some caller whose account is none of `inside` that the secret's policy lets read it.
            auto reader_outside = [&](const std::set<std::string>& inside_accounts) {
                PolicyQuery q(checker.z3());
                q.declare(pol);
                q.set_path(RequestPath::secret_read);
                CallerSpace everyone = CallerSpace::everyone();
                everyone.customer_accounts.assign(allowed.begin(), allowed.end());
                q.set_callers(everyone);
                q.caller_arn().prefer({"arn:aws:iam::" + detail::fresh_account(allowed) + ":role/xc-outsider"});
                z3::expr_vector inside(checker.z3());
                for (const auto& a : inside_accounts) inside.push_back(q.caller_in_account(a));
                const z3::expr outsider = !z3::mk_or(inside);
                q.action().fix("secretsmanager:GetSecretValue");
                q.resource_segment(0).fix("aws");
                q.resource_segment(1).fix("secretsmanager");
                q.resource_segment(2).fix(m.region);
                q.resource_segment(3).fix(owner.id);
                q.resource_segment(4).restrict({glob_of(identity.resource), policy::CaseMode::Sensitive, true});
                q.resource_segment(4).prefer({identity.resource.stand_in()});
                q.set_resource_account(owner.id);
                Decision d{&pol, {&detail::allow_everything()}, false, owner.id};
                auto concrete = [&](const policy::Request& r) {
                    const bool outside = !r.principal || r.principal->type != policy::PrincipalType::AWS ||
                                         !inside_accounts.contains(r.principal->account());
                    return outside && policy::decide(policy::PolicySet{{&detail::allow_everything()}, &pol}, r).verdict == policy::Verdict::Allow;
                };
                return q.solve(q.allowed(d) && outsider, checker.options().timeout_ms, concrete);
            };
            // First with the allowed accounts the policy names (and the owner's): no reader outside
            // those is none outside all of them — a proof from a query the size of the policy, where
            // a secret shared with 500 of 10,000 accounts would otherwise rule out each of the
            // 10,000 one by one. A reader found there may be in an allowed account the policy does
            // not name: then the whole question is asked, for the proof or the witness.
            std::set<std::string> named{owner.id};
            const std::string text = secret.policy->document().dump();
            for (std::size_t i = 0; i + 12 <= text.size(); ++i)  // every 12-digit window of the policy's text
                if (std::all_of(text.begin() + i, text.begin() + i + 12, [](char c) { return c >= '0' && c <= '9'; }))
                    if (auto a = text.substr(i, 12); allowed.contains(a)) named.insert(a);
            auto result = reader_outside(named);
            if (result.answer != QueryResult::Answer::unsatisfiable && named.size() < allowed.size()) result = reader_outside(allowed);
            if (result.answer == QueryResult::Answer::unknown) {
                checker.add(property, secret_vertex, Verdict::undecided, "could not decide who reads the secret: " + result.reason,
                            secret.policy->path);
            } else if (result.answer == QueryResult::Answer::satisfiable) {
                const auto& r = result.witness->request;
                auto outcome = policy::decide(policy::PolicySet{{&detail::allow_everything()}, &pol}, r);
                auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                      result.witness->caller + ", outside the consumer and service accounts, can read the secret",
                                      secret.policy->path);
                f.witness = to_json(r);
                f.statements = statement_refs(outcome, *secret.policy);
                if (!f.statements.empty()) f.path = f.statements.front().path();
                f.fix = "grant secretsmanager:GetSecretValue only to the service accounts' principals";
            }
        } catch (const Unsupported& e) {
            checker.add(property, secret_vertex, Verdict::undecided, std::string("not decided: ") + e.what(), secret.policy->path);
        }
    }

    // 2. Each service that takes its endpoint id from the secret can read it.
    std::set<std::string> readers;
    for (auto api : g.in(secret_vertex, model::EdgeKind::reads_secret)) readers.insert(g[api].account);
    // The principal ARNs the secret's and key's policies name, by account (read once: the policies
    // of a secret shared by many accounts list them all).
    std::map<std::string, std::vector<std::string>> named_by_account;
    if (secret.policy && secret.kms_key) {
        const auto& key = g.resource<model::KmsKey>(g.out(secret_vertex, model::EdgeKind::encrypted_by).front());
        for (const auto* p : {&secret.policy->parsed(), &key.policy.parsed()})
            for (const auto& st : p->statements)
                if (st.principal)
                    for (const auto& e : st.principal->entries)
                        if (e.form == policy::PrincipalEntry::Form::Arn) named_by_account[detail::account_of_arn(e.value)].push_back(e.value);
    }
    // Whether a decision depends on a value AWS chooses is the same for every reader: the stand-ins
    // (the request's time, the suffix AWS assigns to the secret's ARN) are alike for all, and the
    // reader's account is a literal, never a stand-in. So it is asked of the first reader only
    // (it was two automaton searches per reader, most of secret-share at 10,000 readers).
    std::optional<std::string> dependence;  // why not, once asked; empty: independent
    bool dependence_asked = false;
    // The reader's GetSecretValue (over TLS, made directly), with the context AWS sets on its path
    // (context_keys.hpp), and whether the model gives what the secret's policy reads of it: the
    // same for every reader (the caller is set per reader), so made once.
    const auto read_context = concrete_context(RequestPath::secret_read, {}, {{"aws:securetransport", "true"}, {"aws:viaawsservice", "false"}});
    policy::Request read;
    read.action = "secretsmanager:GetSecretValue";
    read.resource = secret_arn;
    read.resource_account = owner.id;
    read.context = read_context.context;
    std::optional<std::string> read_unspecialisable;  // why the secret's policy cannot be decided for a reader
    if (secret.policy) {
        try {
            require_specialisable(secret.policy->parsed(), read);
        } catch (const Unsupported& e) {
            read_unspecialisable = e.what();
        }
    }
    const model::Term secret_arn_term = identity.arn();
    for (const auto& reader : readers) {
        const auto& account = checker.account(reader);
        if (account.id == owner.id) continue;
        if (!secret.kms_key) {
            auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                  "the secret is encrypted with the AWS-managed key aws/secretsmanager, which account " + reader + " (" +
                                      account.id + ") can never use: it cannot read the secret",
                                  secret.path + "/kmsKey");
            f.witness = {{"reader", account.id}, {"kmsKey", "aws/secretsmanager"}};
            f.fix = "encrypt the secret with a customer-managed KMS key whose policy lets the service accounts kms:Decrypt";
            continue;
        }
        if (!secret.policy) {
            auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                  "the secret has no resource policy: account " + reader + " (" + account.id + ") cannot read it", secret.path);
            f.fix = "add a secret policy granting the service accounts secretsmanager:GetSecretValue";
            continue;
        }
        auto key_vertex = g.out(secret_vertex, model::EdgeKind::encrypted_by).front();
        const auto& key = g.resource<model::KmsKey>(key_vertex);
        const std::string key_account = checker.account_of(key_vertex).id;
        // The two requests of one read, but for the caller: the reader's GetSecretValue (`read`,
        // above) and the kms:Decrypt Secrets Manager then makes with the reader's credentials,
        // each with the context AWS sets on its path (context_keys.hpp). Values AWS chooses are
        // stand-ins the decision must not depend on (require_independent below).
        const KnownValues decrypt_known{{"kms:viaservice", model::Term::literal("secretsmanager." + m.region + ".amazonaws.com")},
                                        {"kms:encryptioncontext:secretarn", secret_arn_term},
                                        {"kms:calleraccount", model::Term::literal(account.id)}};
        const auto decrypt_context = concrete_context(RequestPath::kms_decrypt_for_secret, decrypt_known);
        policy::Request decrypt;
        decrypt.action = "kms:Decrypt";
        decrypt.resource = g.identity(key_vertex).arn().stand_in();
        decrypt.resource_account = key_account;
        decrypt.context = decrypt_context.context;
        // Principals of the reader's account that the policies name, then a role of any name.
        std::vector<std::string> named = named_by_account[account.id];
        named.push_back("arn:aws:iam::" + account.id + ":role/xc-service-reader");
        // `r` made by the (AWS principal) caller of `by`, with the principal keys AWS sets for it.
        auto as_caller = [](policy::Request r, const policy::Request& by) {
            r.principal = by.principal;
            std::string arn = by.principal->id;
            if (const auto* given = by.context.find("aws:PrincipalArn")) arn = given->values.front();
            else if (auto session = policy::detail::assumed_role_of(arn))
                arn = "arn:aws:iam::" + std::string(session->first) + ":role/" + std::string(session->second);
            set_principal_keys(r.context, CallerKind::user, arn);  // every AWS kind: the ARN and its account
            return r;
        };
        const std::vector<const policy::Policy*> any_identity{&detail::allow_everything()};
        auto allows = [&](const policy::Policy& p, const policy::Request& r) {
            return policy::decide(policy::PolicySet{any_identity, &p}, r).verdict == policy::Verdict::Allow;
        };
        // Some role session or user of the reader's account that both policies let read.
        auto reader_query = [&](bool need_secret, bool need_key) {
            auto secret_view = specialise_to_caller(secret.policy->parsed(), read);
            auto key_view = specialise_to_caller(key.policy.parsed(), decrypt);
            PolicyQuery q(checker.z3());
            q.declare(secret_view);
            q.declare(key_view);
            q.set_callers(CallerSpace::only(CallerKind::role_session).with(CallerKind::user));
            q.caller_arn().prefer(named);
            q.action().fix(read.action);
            q.fix_resource(read.resource);
            q.set_resource_account(owner.id);
            z3::expr goal = q.caller_in_account(account.id);
            if (need_secret) goal = goal && q.allowed(Decision{&secret_view, any_identity, false, owner.id});
            if (need_key) goal = goal && q.allowed(Decision{&key_view, any_identity, false, key_account});
            return q.solve(goal, checker.options().timeout_ms, [&](const policy::Request& r) {
                return r.principal && r.principal->account() == account.id &&
                       (!need_secret || allows(secret.policy->parsed(), as_caller(read, r))) &&
                       (!need_key || allows(key.policy.parsed(), as_caller(decrypt, r)));
            });
        };
        QueryResult both;
        try {
            // Cheap first: a principal of the account that the policies name, or a role of any
            // name, decided concretely; the solver searches only when none of them can read.
            if (!dependence_asked) {
                dependence_asked = true;
                try {
                    require_independent(secret.policy->parsed(), read_context, {});
                    require_independent(key.policy.parsed(), decrypt_context, decrypt_known);
                } catch (const Unsupported& e) {
                    dependence = e.what();
                }
            }
            if (dependence) throw Unsupported(*dependence);
            if (read_unspecialisable) throw Unsupported(*read_unspecialisable);  // what the model does not give
            require_specialisable(key.policy.parsed(), decrypt);
            bool named_reader = false;
            for (const auto& arn : named) {
                const bool user = arn.find(":user/") != std::string::npos;
                if (!user && !policy::detail::role_of(arn)) continue;
                policy::Request by;
                by.principal = aws_request_principal(user ? CallerKind::user : CallerKind::role_session, arn, "xc-session");
                by.context.set("aws:PrincipalArn", arn);
                if (allows(secret.policy->parsed(), as_caller(read, by)) && allows(key.policy.parsed(), as_caller(decrypt, by))) {
                    named_reader = true;
                    break;
                }
            }
            if (named_reader) continue;
            both = reader_query(true, true);
            if (both.answer == QueryResult::Answer::unknown) {
                checker.add(property, secret_vertex, Verdict::undecided,
                            "could not decide whether account " + reader + " (" + account.id + ") can read the secret: " + both.reason,
                            secret.path);
                continue;
            }
            if (both.answer == QueryResult::Answer::satisfiable) continue;
            // Which policy stands in the way: the secret's, else the key's (alone or together).
            QueryResult secret_only = reader_query(true, false);
            if (secret_only.answer == QueryResult::Answer::unknown) {
                checker.add(property, secret_vertex, Verdict::undecided,
                            "could not decide whether account " + reader + " (" + account.id + ") can read the secret: " + secret_only.reason,
                            secret.path);
                continue;
            }
            const bool secret_denies = secret_only.answer == QueryResult::Answer::unsatisfiable;
            const auto& doc = secret_denies ? *secret.policy : key.policy;
            // The deciding statements, for a principal of the account.
            policy::Request example;
            example.principal =
                aws_request_principal(CallerKind::role_session, "arn:aws:iam::" + account.id + ":role/xc-service-reader", "xc-session");
            auto outcome = policy::decide(policy::PolicySet{any_identity, &doc.parsed()}, as_caller(secret_denies ? read : decrypt, example));
            auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                  "account " + reader + " (" + account.id + ") cannot read the secret: " +
                                      (secret_denies ? "the secret policy does not grant secretsmanager:GetSecretValue"
                                                     : "the KMS key policy does not grant kms:Decrypt"),
                                  doc.path);
            f.witness = {{"reader", account.id}, {"action", secret_denies ? "secretsmanager:GetSecretValue" : "kms:Decrypt"}};
            f.statements = statement_refs(outcome, doc);
            f.fix = secret_denies ? "grant the account's principals secretsmanager:GetSecretValue in the secret policy"
                                  : "grant the account's principals kms:Decrypt in the key policy";
        } catch (const Unsupported& e) {
            checker.add(property, secret_vertex, Verdict::undecided,
                        "could not decide whether account " + reader + " (" + account.id + ") can read the secret: " + e.what(), secret.path);
        }
    }

    // 3. The value is the endpoint the reading APIs admit.
    for (auto holds : g.out(secret_vertex, model::EdgeKind::holds_id_of))
        for (auto api : g.in(secret_vertex, model::EdgeKind::reads_secret)) {
            auto bound = g.endpoints_of(api);
            if (std::find(bound.begin(), bound.end(), holds) != bound.end()) continue;
            auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                  "the secret holds " + g[holds].id + ", but " + g[api].id + " is not bound to that endpoint",
                                  secret.path + "/value/vpcEndpointId");
            f.witness = {{"holds", g.resource<model::VpcEndpoint>(holds).id}, {"api", g[api].id}};
            f.fix = "store the id of the endpoint the APIs admit";
        }

    if (checker.report().findings.size() == before)
        checker.add(property, secret_vertex, Verdict::proved,
                    "only the consumer and service accounts can read it; " + std::to_string(readers.size()) +
                        " reading service account(s) can decrypt it; it holds the endpoint the APIs admit",
                    secret.path);
}

// The one KMS action a service account's read needs (see the header).
inline constexpr std::string_view key_scope_action = "kms:Decrypt";

inline void check_key_scope(Checker& checker, model::Vertex key_vertex) {
    const auto& g = checker.graph();
    const std::string property = "secret-share";
    // The encryption contexts it admits are those of every secret the model encrypts with it.
    const auto its_secrets = g.in(key_vertex, model::EdgeKind::encrypted_by);
    const auto& key = g.resource<model::KmsKey>(key_vertex);
    const model::Identity& key_id = g.identity(key_vertex);
    const std::string owner = key_id.account;
    // Every account of the model; "the others" are all of them but the key's own.
    const std::set<std::string>& all_accounts = checker.account_ids();
    const std::size_t others = all_accounts.size() - all_accounts.count(owner);
    const std::string via = "secretsmanager." + key_id.region + ".amazonaws.com";
    // The encryption contexts of its secrets. The characters AWS assigns may here be any, ':'
    // included: through Secrets Manager the context is a real secret's ARN, and none holds ':'
    // after "secret:" (Secrets Manager API Reference, CreateSecret, Name: "The secret name can
    // contain ASCII letters, numbers, and the following characters: /_+=.@-"; the suffix is six
    // random characters), so a value that differs from one of these only there is no secret's.
    std::vector<Glob> secret_arns;
    for (auto s : its_secrets) {
        Glob arn = glob_of(g.identity(s).arn());
        for (auto& t : arn.tokens)
            if (t.kind == Glob::Kind::any_char) t.no_colon = false;
        secret_arns.push_back(std::move(arn));
    }
    const std::string scope = std::string(key_scope_action) + " through Secrets Manager (kms:ViaService " + via + ")" +
                              (key.only_its_secrets ? ", for the secrets it encrypts (kms:EncryptionContext:SecretARN)" : "");
    // Who is asked about: a caller of any account but the key's — unless the key policy reads
    // kms:CallerAccount, which the context table leaves free on this path: then the model's
    // other accounts, each tied to its own kms:CallerAccount, so that no witness pairs a
    // caller with another account's kms:CallerAccount. (The disjunction over every model
    // account timed out with a thousand service accounts; "any other account" is one literal.)
    std::string policy_text = key.policy.document().dump();
    for (auto& c : policy_text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool reads_caller_account = policy_text.find("kms:calleraccount") != std::string::npos;
    if (others == 0 && reads_caller_account) {
        checker.add(property, key_vertex, Verdict::proved, "no other account: the key serves only its own", key.policy.path);
        return;
    }
    const auto& pol = key.policy.parsed();
    try {
        detail::require_known_identity(pol, key_id.resource, "kms", false);
        PolicyQuery q(checker.z3());
        q.declare(pol);
        q.set_path(RequestPath::kms_by_caller);
        CallerSpace callers =
            CallerSpace::only(CallerKind::role_session).with(CallerKind::user).with(CallerKind::root).with(CallerKind::federated_user);
        callers.customer_accounts.assign(all_accounts.begin(), all_accounts.end());
        q.set_callers(callers);
        if (others > 0) {
            const auto& other = *std::find_if(all_accounts.begin(), all_accounts.end(), [&](const std::string& a) { return a != owner; });
            q.caller_arn().prefer({"arn:aws:iam::" + other + ":role/xc-service-caller"});
        }
        q.resource_segment(0).fix(key_id.partition);
        q.resource_segment(1).fix("kms");
        q.resource_segment(2).fix(key_id.region);
        q.resource_segment(3).fix(owner);
        q.resource_segment(4).restrict({glob_of(key_id.resource), policy::CaseMode::Sensitive, true});
        q.resource_segment(4).prefer({key_id.resource.stand_in()});
        q.set_resource_account(owner);
        // KMS receives only its own actions.
        q.action().restrict({Glob::literal("kms:").append_run(false), policy::CaseMode::Insensitive, true});
        q.action().prefer({std::string(key_scope_action), "kms:GenerateDataKey", "kms:Encrypt", "kms:ReEncryptFrom", "kms:DescribeKey"});
        q.display("kms:ViaService");
        q.display("kms:EncryptionContext:SecretARN");
        auto& via_key = q.text_key("kms:viaservice");
        via_key.texts[0]->prefer({via});
        auto& context_key = q.text_key("kms:encryptioncontext:secretarn");
        // kms:CallerAccount is the caller's account (AWS KMS Developer Guide, kms:CallerAccount: "the
        // AWS account of the caller"), which the context table leaves free on this path: tied here,
        // so that a witness reads as one caller's request.
        z3::expr_vector inside(checker.z3());
        if (reads_caller_account) {
            auto& caller_account = q.text_key("kms:calleraccount");
            for (const auto& a : all_accounts)
                if (a != owner) inside.push_back(q.caller_in_account(a) && *caller_account.present && caller_account.texts[0]->equals(a));
        } else {
            inside.push_back(!q.caller_in_account(owner));
        }
        z3::expr_vector its(checker.z3());
        for (const auto& arn : secret_arns) its.push_back(context_key.texts[0]->matches(arn, policy::CaseMode::Sensitive));
        z3::expr in_scope = q.action().equals(key_scope_action, policy::CaseMode::Insensitive) && *via_key.present &&
                            via_key.texts[0]->equals(via);
        if (key.only_its_secrets) in_scope = in_scope && *context_key.present && z3::mk_or(its);
        // The same, concretely: why `r` is outside the scope ("" if it is not).
        auto outside = [&](const policy::Request& r) -> std::string {
            if (policy::ascii_lower(r.action) != policy::ascii_lower(key_scope_action)) return r.action + " is not " + std::string(key_scope_action);
            const auto* v = r.context.find("kms:ViaService");
            if (!v) return "a direct call, not through Secrets Manager (no kms:ViaService)";
            if (v->values.size() != 1 || v->values.front() != via) return "a call through " + v->values.front() + ", not Secrets Manager";
            if (!key.only_its_secrets) return "";
            const auto* c = r.context.find("kms:EncryptionContext:SecretARN");
            if (!c) return "no SecretARN encryption context: not for a secret the model encrypts with the key";
            const bool ours = c->values.size() == 1 && std::any_of(secret_arns.begin(), secret_arns.end(), [&](const Glob& gl) {
                                  return detail::glob_matches(gl, c->values.front(), policy::CaseMode::Sensitive);
                              });
            return ours ? "" : "for SecretARN " + c->values.front() + ", which is no secret the model encrypts with the key";
        };
        Decision d{&pol, {&detail::allow_everything()}, false, owner};
        auto concrete = [&](const policy::Request& r) {
            if (!r.principal || r.principal->type != policy::PrincipalType::AWS || r.principal->account() == owner) return false;
            if (reads_caller_account) {
                const auto* ca = r.context.find("kms:CallerAccount");
                if (!all_accounts.contains(r.principal->account()) || !ca || ca->values.size() != 1 || ca->values.front() != r.principal->account())
                    return false;
            }
            return !outside(r).empty() &&
                   policy::decide(policy::PolicySet{{&detail::allow_everything()}, &pol}, r).verdict == policy::Verdict::Allow;
        };
        auto result = q.solve(q.allowed(d) && z3::mk_or(inside) && !in_scope, checker.options().timeout_ms, concrete);
        if (result.answer == QueryResult::Answer::unknown) {
            checker.add(property, key_vertex, Verdict::undecided, "could not decide what other accounts may do with the key: " + result.reason,
                        key.policy.path);
        } else if (result.answer == QueryResult::Answer::unsatisfiable) {
            checker.add(property, key_vertex, Verdict::proved, "other accounts may use the key only for " + scope, key.policy.path);
        } else {
            const auto& req = result.witness->request;
            auto outcome = policy::decide(policy::PolicySet{{&detail::allow_everything()}, &pol}, req);
            auto& f = checker.add(property, key_vertex, Verdict::violated,
                                  result.witness->caller + ", of account " + req.principal->account() + ", may " + req.action +
                                      " with the key: " + outside(req),
                                  key.policy.path);
            f.witness = to_json(req);
            f.statements = statement_refs(outcome, key.policy);
            if (!f.statements.empty()) f.path = f.statements.front().path();
            f.fix = "grant other accounts only kms:Decrypt, with a Condition {\"StringEquals\": {\"kms:ViaService\": \"" + via + "\"}}" +
                    (key.only_its_secrets ? std::string(" and {\"StringLike\": {\"kms:EncryptionContext:SecretARN\": [the ARNs of the "
                                                        "secrets it encrypts]}}")
                                          : std::string());
        }
    } catch (const Unsupported& e) {
        checker.add(property, key_vertex, Verdict::undecided, std::string("not decided: ") + e.what(), key.policy.path);
    }
}

}  // namespace xc::verify
