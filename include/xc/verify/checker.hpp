// What every property check shares: the graph, the options, one Z3 context, the report.
#pragma once

#include <xc/model/graph.hpp>
#include <xc/verify/finding.hpp>
#include <xc/verify/policy_query.hpp>

#include <z3++.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

namespace xc::verify {

struct VerifyOptions {
    std::set<std::string> only;  // property ids to run (empty: all)
    std::set<std::string> skip;  // property ids not to run
    // The time one query may take: one property on one subject (an API, a secret, a role, ...),
    // every solver call, refinement round and pattern search in it. Exceeding it is UNDECIDED.
    unsigned timeout_ms = 10000;
    // The time the whole run may take; the checks it leaves are UNDECIDED. Queries started
    // before it end by it too.
    unsigned run_timeout_ms = 1800000;
    // A run of several verify() calls (one per model) shares one deadline: set it here, else each
    // call's run starts its own run_timeout_ms.
    std::optional<Deadline> run_deadline;
    // Threads verify() may use (0: one per core); the report is the same for any number.
    unsigned jobs = 0;
};

// Whether `options` ask for the check `id` (--properties/--checks, --skip).
inline bool enabled(const VerifyOptions& options, std::string_view id) {
    const std::string key(id);
    return (options.only.empty() || options.only.contains(key)) && !options.skip.contains(key);
}

// What a run of checks shares, whatever it checks (verify's properties, diff's comparisons):
// which checks are enabled, one Z3 context, and the time each check and the whole run may take.
class CheckRun {
public:
    explicit CheckRun(const VerifyOptions& options)
        : options_(options), in_effect_(options),
          run_deadline_(options.run_deadline ? *options.run_deadline : Deadline::after(options.run_timeout_ms, "run")) {}

    // The options in effect for the check in progress: its timeout is what is left of the query's
    // and the run's time, so a property that calls Z3 directly stays within both.
    const VerifyOptions& options() const { return in_effect_; }
    // The run's Z3 context, made when a check first asks for one: making and freeing a context
    // costs 0.4-3 ms (it faults in fresh tables), and a chunk whose subjects are all decided
    // concretely needs none (Lambdas and roles: 79 of the 140 chunks of a 10,000-service model).
    // A context made later has the same (empty) history, so it finds the same witnesses.
    SolverContext& z3() {
        if (!ctx_) {
            ctx_.emplace();
            ctx_->set_deadline(check_deadline_);
        }
        return *ctx_;
    }
    // Queries solved so far (benches count them); none when no check asked for a context.
    std::size_t queries_solved() const { return ctx_ ? ctx_->queries_solved() : 0; }

    bool enabled(std::string_view property) const { return verify::enabled(options_, property); }

    const Deadline& run_deadline() const { return run_deadline_; }
    // Start a check (one property on one subject): its deadline is the query timeout from now,
    // or the run's deadline if that comes first. Queries built on z3() read it.
    void begin_check() {
        check_deadline_ = Deadline::after(options_.timeout_ms, "query").earliest(run_deadline_);
        in_effect_.timeout_ms = std::max(1u, std::min(options_.timeout_ms, check_deadline_.remaining_ms()));
        if (ctx_) ctx_->set_deadline(check_deadline_);
    }

private:
    const VerifyOptions& options_;
    VerifyOptions in_effect_;
    Deadline run_deadline_;
    Deadline check_deadline_;  // the check in progress's (begin_check)
    std::optional<SolverContext> ctx_;
};

class Checker : public CheckRun {
public:
    Checker(const model::Graph& graph, const VerifyOptions& options) : CheckRun(options), graph_(graph) {}

    const model::Graph& graph() const { return graph_; }
    const model::Model& model() const { return graph_.model(); }
    Report& report() { return report_; }

    Finding& add(std::string property, model::Vertex subject, Verdict verdict, std::string message, std::string path = {}) {
        const auto& v = graph_[subject];
        Finding f;
        f.property = std::move(property);
        f.subject = v.id;
        f.scope = v.scope;
        f.verdict = verdict;
        f.message = std::move(message);
        f.path = path.empty() ? v.path : std::move(path);
        report_.findings.push_back(std::move(f));
        return report_.findings.back();
    }

    const model::Account& account(const std::string& name) const { return model().accounts.at(name); }

    // Queries already answered, by a key that determines the query up to renaming of its subject
    // (services stamped from one template ask the same question many times). A proof is reused
    // as it is. A witness is only a candidate: the property moves it to its own subject and has
    // the concrete evaluator confirm it, and solves when that fails — a cached answer never
    // decides a verdict alone.
    struct KnownWitness {
        policy::Request request;
        std::string subject;  // what the property must replace in the request to move it to another subject
    };
    bool known_proved(const std::string& key) const { return proved_.contains(key); }
    void remember_proved(std::string key) { proved_.insert(std::move(key)); }
    const KnownWitness* known_witness(const std::string& key) const {
        auto it = witnesses_.find(key);
        return it == witnesses_.end() ? nullptr : &it->second;
    }
    void remember_witness(std::string key, KnownWitness w) { witnesses_.insert_or_assign(std::move(key), std::move(w)); }
    const model::Account& account_of(model::Vertex v) const { return account(graph_[v].account); }

    // The ids of the model's accounts, gathered once (a property that asks per subject must not
    // walk every account per subject: 10,000 APIs x 10,000 accounts).
    const std::set<std::string>& account_ids() {
        if (!account_ids_) {
            account_ids_.emplace();
            for (const auto& [_, a] : model().accounts) account_ids_->insert(a.id);
        }
        return *account_ids_;
    }

    // What checks derive from a subject alone and another check of the same subject needs again
    // (an API's request paths: api-endpoint-only and api-liveness), made once per subject. verify
    // runs every check of a subject before the next one and then calls `next_subject`, which
    // drops them: a reference stays valid while the subject's checks run. Held in place: a value
    // may point into itself (a request path's gates).
    template <class T, class Make>
    const T& derived(model::Vertex subject, Make&& make) {
        for (const auto& d : derived_)
            if (d.subject == subject && d.type == typeid(T)) return *static_cast<const T*>(d.value.get());
        auto value = std::make_shared<const T>(std::forward<Make>(make)());
        const T& made = *value;
        derived_.push_back({subject, std::type_index(typeid(T)), std::move(value)});
        return made;
    }
    void next_subject() { derived_.clear(); }

private:
    const model::Graph& graph_;
    Report report_;
    std::set<std::string> proved_;
    std::map<std::string, KnownWitness> witnesses_;
    std::optional<std::set<std::string>> account_ids_;
    struct Derived {
        model::Vertex subject;
        std::type_index type;
        std::shared_ptr<const void> value;
    };
    std::vector<Derived> derived_;
};

namespace detail {
inline policy::RequestPrincipal aws_principal(const std::string& arn) { return {policy::PrincipalType::AWS, arn}; }
}  // namespace detail

// The deciding statements of a concrete outcome, located in the model.
inline std::vector<StatementRef> statement_refs(const policy::Outcome& outcome, const model::PolicyDocument& resource_policy,
                                                const std::vector<const model::PolicyDocument*>& identity = {}) {
    std::vector<StatementRef> out;
    for (const auto& d : outcome.deciding) {
        const model::PolicyDocument* doc = d.kind == policy::PolicyKind::Resource ? &resource_policy
                                           : d.policy < identity.size()              ? identity[d.policy]
                                                                                     : nullptr;
        if (!doc) continue;
        out.push_back(StatementRef{doc->path, d.statement, d.sid.value_or(""), std::string(policy::to_string(d.effect))});
    }
    return out;
}

// A request as JSON, for witnesses.
inline nlohmann::json to_json(const policy::Request& r) {
    nlohmann::json j;
    j["principal"] = r.principal ? nlohmann::json(r.principal->id) : nlohmann::json("anonymous");
    if (r.principal) j["principalType"] = std::string(policy::to_string(r.principal->type));
    j["action"] = r.action;
    j["resource"] = r.resource;
    nlohmann::json ctx = nlohmann::json::object();
    for (const auto& e : r.context.entries()) {
        if (e.value.multi_valued) ctx[e.key] = e.value.values;
        else ctx[e.key] = e.value.values.front();
    }
    j["context"] = ctx;
    return j;
}

}  // namespace xc::verify
