// secret-share: the secret that carries the endpoint id is readable by the consumer and the
// service accounts, by no one else, and holds the endpoint the APIs admit.
//
// Confidentiality is a proof over every caller outside those accounts (with the worst identity
// policies they could give themselves): the secret's resource policy must not let any of them
// GetSecretValue. Availability is shown by example: a principal of each service account whose
// request the secret policy and the KMS key policy both allow (cross-account, both are needed).
#pragma once

#include <xc/verify/checker.hpp>

#include <set>
#include <string>
#include <vector>

namespace xc::verify {

namespace detail {

inline const policy::Policy& allow_everything() {
    static const policy::Policy p = policy::parse_text(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
    return p;
}

// Callers outside `allowed` accounts: each account and principal the policy names there, a fresh
// account, the service / federated names it names and a fresh service, and anonymous.
inline std::vector<Candidate> outsiders(const policy::Policy& p, const std::set<std::string>& allowed) {
    std::set<std::string> accounts, arns, services;
    std::set<std::pair<policy::PrincipalType, std::string>> names;
    for (const auto& st : p.statements) {
        if (!st.principal) continue;
        for (const auto& e : st.principal->entries) {
            if (e.form == policy::PrincipalEntry::Form::Account) accounts.insert(e.account);
            if (e.form == policy::PrincipalEntry::Form::Arn) {
                arns.insert(e.value);
                if (auto parts = policy::split_arn(e.value)) accounts.insert(std::string(parts->account));
            }
            if (e.form == policy::PrincipalEntry::Form::Name) names.emplace(e.type, e.value);
        }
    }
    std::string fresh = "999999999999";
    while (accounts.contains(fresh) || allowed.contains(fresh)) fresh = std::to_string(std::stoull(fresh) - 1);
    accounts.insert(fresh);
    std::vector<Candidate> out{Candidate{std::nullopt, "anonymous"}};
    for (const auto& a : accounts)
        if (!allowed.contains(a)) {
            std::string arn = "arn:aws:iam::" + a + ":role/xc-outsider";
            out.push_back(Candidate{aws_principal(arn), arn});
        }
    for (const auto& arn : arns) {
        auto parts = policy::split_arn(arn);
        if (parts && !allowed.contains(std::string(parts->account))) out.push_back(Candidate{aws_principal(arn), arn});
    }
    names.emplace(policy::PrincipalType::Service, "xc-outsider.amazonaws.com");
    for (const auto& [type, name] : names) out.push_back(Candidate{policy::RequestPrincipal{type, name}, name});
    return out;
}

}  // namespace detail

inline void check_secret_share(Checker& checker, model::Vertex secret_vertex) {
    const auto& g = checker.graph();
    const auto& m = checker.model();
    const auto& secret = g.resource<model::Secret>(secret_vertex);
    const std::string property = "secret-share";
    const auto& owner = checker.account_of(secret_vertex);
    std::set<std::string> allowed{owner.id};
    for (const auto& [_, a] : m.accounts) allowed.insert(a.id);  // the consumer and the service accounts
    std::size_t before = checker.report().findings.size();
    // The secret as deployed: "secret:<its deployed name>-" and six characters AWS assigns.
    const model::Identity& identity = g[secret_vertex].identity;
    const std::string secret_arn = identity.arn().stand_in();

    // 1. No one outside the consumer and service accounts can read it.
    if (secret.policy) {
        try {
            const auto& pol = secret.policy->parsed;
            PolicyQuery q(checker.z3());
            q.declare(pol);
            q.set_path(RequestPath::secret_read);
            q.set_candidates(detail::outsiders(pol, allowed));
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
                return policy::decide(policy::PolicySet{{&detail::allow_everything()}, &pol}, r).verdict == policy::Verdict::Allow;
            };
            auto result = q.solve(q.allowed(d), checker.options().timeout_ms, concrete);
            if (result.answer == QueryResult::Answer::unknown) {
                checker.add(property, secret_vertex, Verdict::undecided, "could not decide who reads the secret: " + result.reason,
                            secret.policy->path);
            } else if (result.answer == QueryResult::Answer::satisfiable) {
                const auto& r = result.witness->request;
                auto outcome = policy::decide(policy::PolicySet{{&detail::allow_everything()}, &pol}, r);
                auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                      result.witness->candidate + ", outside the consumer and service accounts, can read the secret",
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
        // Principals of the reader's account that the policies name, and a generic role.
        std::set<std::string> principals{"arn:aws:iam::" + account.id + ":role/xc-service-reader"};
        for (const auto* p : {&secret.policy->parsed, &key.policy.parsed})
            for (const auto& st : p->statements)
                if (st.principal)
                    for (const auto& e : st.principal->entries)
                        if (e.form == policy::PrincipalEntry::Form::Arn)
                            if (auto parts = policy::split_arn(e.value); parts && parts->account == account.id) principals.insert(e.value);
        bool can_read = false;
        policy::Outcome secret_outcome, key_outcome;
        // The reader's GetSecretValue (over TLS, made directly) and the kms:Decrypt Secrets Manager
        // then makes with the reader's credentials: what AWS sets on each (context_keys.hpp).
        // Values AWS chooses are stand-ins the decision must not depend on.
        const auto read_context = concrete_context(RequestPath::secret_read, {}, {{"aws:securetransport", "true"}, {"aws:viaawsservice", "false"}});
        const KnownValues decrypt_known{{"kms:viaservice", model::Term::literal("secretsmanager." + m.region + ".amazonaws.com")},
                                        {"kms:encryptioncontext:secretarn", identity.arn()},
                                        {"kms:calleraccount", model::Term::literal(account.id)}};
        const auto decrypt_context = concrete_context(RequestPath::kms_decrypt_for_secret, decrypt_known);
        try {
            require_independent(secret.policy->parsed, read_context, {});
            require_independent(key.policy.parsed, decrypt_context, decrypt_known);
        } catch (const Unsupported& e) {
            checker.add(property, secret_vertex, Verdict::undecided, std::string("not decided: ") + e.what(), secret.path);
            continue;
        }
        for (const auto& arn : principals) {
            policy::Request r;
            r.principal = detail::aws_principal(arn);
            r.resource_account = owner.id;
            r.context = read_context.context;
            r.context.set("aws:PrincipalArn", arn).set("aws:PrincipalAccount", account.id);
            r.action = "secretsmanager:GetSecretValue";
            r.resource = secret_arn;
            secret_outcome = policy::decide(policy::PolicySet{{&detail::allow_everything()}, &secret.policy->parsed}, r);
            policy::Request k = r;
            k.action = "kms:Decrypt";
            k.resource = g[key_vertex].identity.arn().stand_in();
            k.context = decrypt_context.context;
            k.context.set("aws:PrincipalArn", arn).set("aws:PrincipalAccount", account.id);
            key_outcome = policy::decide(policy::PolicySet{{&detail::allow_everything()}, &key.policy.parsed}, k);
            if (secret_outcome.verdict == policy::Verdict::Allow && key_outcome.verdict == policy::Verdict::Allow) {
                can_read = true;
                break;
            }
        }
        if (!can_read) {
            bool secret_denies = secret_outcome.verdict != policy::Verdict::Allow;
            const auto& doc = secret_denies ? *secret.policy : key.policy;
            auto& f = checker.add(property, secret_vertex, Verdict::violated,
                                  "account " + reader + " (" + account.id + ") cannot read the secret: " +
                                      (secret_denies ? "the secret policy does not grant secretsmanager:GetSecretValue"
                                                     : "the KMS key policy does not grant kms:Decrypt"),
                                  doc.path);
            f.witness = {{"reader", account.id}, {"action", secret_denies ? "secretsmanager:GetSecretValue" : "kms:Decrypt"}};
            f.statements = statement_refs(secret_denies ? secret_outcome : key_outcome, doc);
            f.fix = secret_denies ? "grant the account's principals secretsmanager:GetSecretValue in the secret policy"
                                  : "grant the account's principals kms:Decrypt in the key policy";
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

}  // namespace xc::verify
