// Symbolic policy decisions: "is there a request that these policies allow and that ...?"
//
// The request space is encoded for Z3 without its string theory (slow and incomplete in 4.8):
//  * every string the request carries (action, the five ARN segments of the resource, each
//    context key's value) is a StringVar, represented by Booleans "matches glob g" for the
//    finitely many globs the policies compare it with; which combinations are realisable is
//    decided exactly by pattern_set.hpp, and unrealisable ones are blocked lazily (CEGAR);
//  * numbers and dates are integers (numbers scaled so that every policy constant is integral
//    and a distinct value fits between any two), IP addresses are 32/128-bit bit-vectors;
//  * the context is the one AWS builds on the request's path (set_path, context_keys.hpp): keys it
//    never sets there are absent, keys it always sets present, values in their documented domain;
//  * the caller is one of the kinds of caller_space.hpp; an AWS principal is a string, its
//    aws:PrincipalArn (with the session name of a role session), so that Principal elements
//    and principal conditions constrain the same string; aws:PrincipalAccount is its account
//    segment. Only the kinds a query admits exist in it (one Boolean per kind).
// Each formula mirrors a function of the concrete evaluator (policy/evaluate.hpp,
// policy/condition.hpp) rule for rule; every satisfying request is rebuilt concretely and
// re-decided by that evaluator before it is reported.
//
// Policy variables are substituted where the query fixes either the variable's value or the
// string compared with it (see with_variables for why that is exact).
//
// What is not encoded raises Unsupported, which the verifier reports as UNDECIDED: a policy
// variable whose value and compared string both range, a context key compared in two different
// families (say as a string and an IP).
#pragma once

#include <xc/error.hpp>
#include <xc/policy/policy.hpp>
#include <xc/verify/bounded_check.hpp>
#include <xc/verify/caller_space.hpp>
#include <xc/verify/context_keys.hpp>
#include <xc/verify/deadline.hpp>
#include <xc/verify/pattern_set.hpp>

#include <z3++.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace xc::verify {

// A construct the encoding does not cover: the query is undecided, never guessed.
class Unsupported : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The query's deadline passed while the policies were being encoded. An Unsupported, so that
// every property reports it as it reports any query it cannot decide: UNDECIDED with the reason.
class QueryTimedOut : public Unsupported {
public:
    using Unsupported::Unsupported;
};

// A bug: a satisfying assignment whose concrete request the evaluator decides differently.
using xc::InternalError;

// A decision on a concrete request whose key `key_lower` holds a stand-in for values AWS chooses
// (the time of the request, the suffix AWS assigns to a secret's ARN) holds for every such value
// only if no condition of `p` on that key matches some of them and not others; otherwise it
// depends on a value nobody knows yet: Unsupported (UNDECIDED). `values`: the glob of what the
// key can hold; nullopt: unknown (then any comparison of the key depends on it). A Null test
// asks only for presence, which the context table fixes.
inline void require_independent(const policy::Policy& p, const std::string& key_lower, const std::optional<Glob>& values, std::string_view why) {
    // A policy variable reading the key puts its value into another comparison: assume it depends.
    auto reads_key = [&](const policy::ValueTemplate& t) {
        return std::any_of(t.parts.begin(), t.parts.end(), [&](const policy::ValueTemplate::Part& part) {
            return part.kind == policy::ValueTemplate::Part::Kind::Variable && part.text == key_lower;
        });
    };
    for (const auto& st : p.statements) {
        for (const auto& rp : st.resource.patterns)
            if (reads_key(rp.value))
                throw Unsupported("the policy variable '${" + key_lower + "}' in resource '" + rp.text + "' reads a value AWS may send there: " +
                                  std::string(why));
        for (const auto& c : st.conditions)
            for (const auto& v : c.values)
                if (reads_key(v.value))
                    throw Unsupported("the policy variable '${" + key_lower + "}' in the value of condition key '" + c.key +
                                      "' reads a value AWS may send there: " + std::string(why));
    }
    for (const auto& st : p.statements)
        for (const auto& c : st.conditions) {
            if (c.key_lower != key_lower || c.op.family == policy::OperatorFamily::Null) continue;
            bool depends = !values;
            for (std::size_t i = 0; !depends && i < c.values.size(); ++i) {
                const auto& v = c.values[i];
                std::optional<Glob> g;
                if (c.op.family == policy::OperatorFamily::String && v.pattern) g = Glob::from(*v.pattern);
                else if (c.op.family == policy::OperatorFamily::Arn && v.arn) g = detail::arn_glob(*v.arn);
                if (!g) {  // a reading not related to the glob: assume it depends
                    depends = true;
                    break;
                }
                auto mode = c.op.ignore_case ? policy::CaseMode::Insensitive : policy::CaseMode::Sensitive;
                auto some = realise({{*g, mode, true}, {*values, policy::CaseMode::Sensitive, true}});
                auto others = realise({{*g, mode, false}, {*values, policy::CaseMode::Sensitive, true}});
                depends = some.answer != Realisability::Answer::unrealisable && others.answer != Realisability::Answer::unrealisable;
            }
            if (depends)
                throw Unsupported("the condition on '" + c.key + "' (" + c.op.name + ") matches some values AWS may send there and not " +
                                  "others: " + std::string(why));
        }
}

// The same for every stand-in of a concrete context (`known`: the values it was built from).
inline void require_independent(const policy::Policy& p, const ConcreteContext& context, const KnownValues& known) {
    for (const auto& key : context.stand_ins) {
        auto it = known.find(key);
        require_independent(p, key, it == known.end() ? std::nullopt : std::optional<Glob>(glob_of(it->second)),
                            "the decision depends on a value AWS chooses per request or at deployment");
    }
}

// One string of the request.
class StringVar {
public:
    StringVar(z3::context& ctx, std::string name) : ctx_(ctx), name_(std::move(name)) {}

    const std::string& name() const { return name_; }
    z3::context& context() const { return ctx_; }
    const std::optional<std::string>& fixed() const { return fixed_; }
    void fix(std::string value) { fixed_ = std::move(value); }
    // Every value of this string meets `c` (e.g. "starts with the API's id").
    void restrict(PatternConstraint c) { domain_.push_back(std::move(c)); }
    // Readable values to try first when building a witness.
    void prefer(std::vector<std::string> values) { preferred_ = std::move(values); }
    // Every value meets one of `alternatives` (the solver picks which; a preferred value may
    // meet another than the one it picked).
    z3::expr one_of(const std::vector<Glob>& alternatives) {
        alternatives_ = alternatives;
        z3::expr_vector any(ctx_);
        for (const auto& g : alternatives) any.push_back(matches(g, policy::CaseMode::Sensitive));
        return z3::mk_or(any);
    }
    const std::vector<Glob>& alternatives() const { return alternatives_; }

    // "The value matches `g`": a constant for a fixed value, else a (shared) Boolean atom.
    z3::expr matches(const Glob& g, policy::CaseMode mode) {
        if (fixed_) return ctx_.bool_val(detail::glob_matches(g, *fixed_, mode));
        std::string key = g.text() + (mode == policy::CaseMode::Insensitive ? "\x01i" : "\x01s");
        if (auto it = index_.find(key); it != index_.end()) return atoms_[it->second].value;
        // Named by position, not by pattern: queries of services stamped from one template then
        // build the same terms, which the shared context stores once instead of growing by each.
        z3::expr b = ctx_.bool_const((name_ + " ~ #" + std::to_string(atoms_.size())).c_str());
        index_.emplace(std::move(key), atoms_.size());
        atoms_.push_back(Atom{PatternConstraint{g, mode, true}, b});
        return b;
    }
    z3::expr equals(std::string_view s, policy::CaseMode mode = policy::CaseMode::Sensitive) {
        return matches(Glob::literal(s), mode);
    }

    struct Atom {
        PatternConstraint constraint;
        z3::expr value;
    };
    const std::vector<Atom>& atoms() const { return atoms_; }
    const std::vector<PatternConstraint>& domain() const { return domain_; }
    const std::vector<std::string>& preferred() const { return preferred_; }

private:
    z3::context& ctx_;
    std::string name_;
    std::optional<std::string> fixed_;
    std::vector<PatternConstraint> domain_;
    std::vector<std::string> preferred_;
    std::vector<Glob> alternatives_;
    std::vector<Atom> atoms_;
    std::map<std::string, std::size_t> index_;
};

// Which policies decide a request about one resource.
struct Decision {
    const policy::Policy* resource_policy = nullptr;
    std::vector<const policy::Policy*> identity;  // the caller's own policies, if known
    bool identity_allows_all = false;             // unknown caller policies: assume the worst (allow)
    std::string resource_account;
};

// A concrete request found by a query, with who made it ("anonymous" or the principal's ARN).
struct Witness {
    policy::Request request;
    std::string caller;
    CallerKind kind = CallerKind::anonymous;
};

struct QueryResult {
    enum class Answer { satisfiable, unsatisfiable, unknown } answer = Answer::unknown;
    std::optional<Witness> witness;  // satisfiable
    std::string reason;              // unknown
};

namespace detail {

// What split_arn accepts: "arn:" and five more colons.
inline Glob arn_shape() {
    Glob g = Glob::literal("arn:");
    for (int i = 0; i < 4; ++i) g.append_run(true).append_literal(":");
    return g.append_run(false);
}

inline std::int64_t pow10(int n) {
    std::int64_t r = 1;
    while (n-- > 0) r *= 10;
    return r;
}

inline int decimals_of(std::string_view number_text) {
    auto dot = number_text.find('.');
    return dot == std::string_view::npos ? 0 : static_cast<int>(number_text.size() - dot - 1);
}

inline std::string format_scaled(std::int64_t value, std::int64_t scale) {
    std::string sign = value < 0 ? "-" : "";
    std::uint64_t v = value < 0 ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value);
    std::string out = sign + std::to_string(v / static_cast<std::uint64_t>(scale));
    std::uint64_t frac = v % static_cast<std::uint64_t>(scale);
    if (scale > 1 && frac) {
        std::string digits = std::to_string(frac);
        digits.insert(0, std::to_string(scale).size() - 1 - digits.size(), '0');
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        out += "." + digits;
    }
    return out;
}

// The range parse_date covers with ISO dates: years 0000-9999 in UTC, widened by the largest
// zone offset (23:59) on either side.
inline constexpr std::int64_t day_ms = 86'400'000;
inline constexpr std::int64_t max_offset_ms = (23 * 60 + 59) * 60'000LL;
inline std::int64_t iso_utc_min() { return policy::detail::days_from_civil(0, 1, 1) * day_ms; }
inline std::int64_t iso_utc_max() { return policy::detail::days_from_civil(9999, 12, 31) * day_ms + day_ms - 1; }

inline std::string format_civil(std::int64_t ms) {
    std::int64_t days = ms >= 0 ? ms / day_ms : -((-ms + day_ms - 1) / day_ms);
    std::int64_t rest = ms - days * day_ms;
    // civil_from_days (H. Hinnant)
    std::int64_t z = days + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = static_cast<unsigned>(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lld", static_cast<long long>(y), m, d,
                  static_cast<long long>(rest / 3'600'000), static_cast<long long>(rest / 60'000 % 60),
                  static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
    return buf;
}

// An ISO 8601 text for `ms` that parse_date reads back exactly: UTC when the year fits in four
// digits, else the nearest representable local time with a zone offset.
inline std::string format_date(std::int64_t ms) {
    auto offset_text = [](std::int64_t offset) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(offset / 3'600'000), static_cast<long long>(offset / 60'000 % 60));
        return std::string(buf);
    };
    if (ms > iso_utc_max()) {  // local time behind UTC: UTC = local + offset
        std::int64_t offset = (ms - iso_utc_max() + 59'999) / 60'000 * 60'000;
        return format_civil(ms - offset) + "-" + offset_text(offset);
    }
    if (ms < iso_utc_min()) {  // local time ahead of UTC: UTC = local - offset
        std::int64_t offset = (iso_utc_min() - ms + 59'999) / 60'000 * 60'000;
        return format_civil(ms + offset) + "+" + offset_text(offset);
    }
    return format_civil(ms) + "Z";
}

}  // namespace detail

// A text value a condition reads: a string of the request; the account segment of the caller
// string (aws:PrincipalAccount of an AWS principal); or a text known in advance.
class TextView {
public:
    TextView(StringVar& var) : var_(&var) {}  // NOLINT: a request string is a text view
    static TextView account_of(StringVar& caller_arn) {
        TextView t(caller_arn);
        t.account_ = true;
        return t;
    }
    TextView(z3::context& ctx, std::string known) : ctx_(&ctx), known_(std::move(known)) {}

    z3::expr matches(const Glob& g, policy::CaseMode mode) const {
        if (known_) return ctx_->bool_val(detail::glob_matches(g, *known_, mode));
        if (!account_) return var_->matches(g, mode);
        auto of_caller = detail::account_of_caller(g);
        return of_caller ? var_->matches(*of_caller, mode) : var_->context().bool_val(false);
    }
    z3::expr equals(std::string_view s, policy::CaseMode mode = policy::CaseMode::Sensitive) const { return matches(Glob::literal(s), mode); }
    // The text, when the query fixes it.
    std::optional<std::string> known() const {
        if (known_) return known_;
        if (!var_->fixed()) return std::nullopt;
        return account_ ? detail::account_of_arn(*var_->fixed()) : *var_->fixed();
    }

private:
    StringVar* var_ = nullptr;
    z3::context* ctx_ = nullptr;
    bool account_ = false;
    std::optional<std::string> known_;
};

// The Z3 context of a verifier run, carrying the deadline of the check in progress (one property
// on one subject, bounded by the run's deadline): queries built on it honour that deadline on
// top of their own timeout, without every property having to pass it along.
class SolverContext : public z3::context {
public:
    const Deadline& deadline() const { return deadline_; }
    void set_deadline(Deadline d) { deadline_ = std::move(d); }
    // How many queries were solved in this context (benches count them: a cached check solves none).
    std::size_t queries_solved() const { return queries_solved_; }
    void count_query() { ++queries_solved_; }

private:
    Deadline deadline_;
    std::size_t queries_solved_ = 0;
};

// A symbolic request space plus the policies deciding it.
class PolicyQuery {
public:
    // `deadline`: a bound on every solve() besides its own timeout (e.g. the run's).
    explicit PolicyQuery(z3::context& ctx, Deadline deadline = {})
        : ctx_(ctx), action_(ctx, "action"), caller_arn_(ctx, "caller.arn"), caller_session_(ctx, "caller.session"),
          caller_name_(ctx, "caller.name"), deadline_(std::move(deadline)) {
        // A session name: non-empty, no '/' (it ends the session ARN) and no ':'.
        caller_session_.restrict({Glob().append_run(false).append_literal("/").append_run(false), policy::CaseMode::Sensitive, false});
        caller_session_.restrict({Glob().append_run(false).append_literal(":").append_run(false), policy::CaseMode::Sensitive, false});
        Glob non_empty;
        non_empty.tokens.push_back({Glob::Kind::any_char, 0, false});
        caller_session_.restrict({non_empty.append_run(false), policy::CaseMode::Sensitive, true});
        caller_session_.prefer({"xc-session"});
        caller_name_.prefer({"xc-outsider.amazonaws.com"});
        static constexpr const char* names[] = {"partition", "service", "region", "account", "resource"};
        for (std::size_t i = 0; i < 5; ++i) {
            resource_[i] = std::make_unique<StringVar>(ctx, std::string("resource.") + names[i]);
            // split_arn cuts at the first five colons: the first four segments hold none.
            if (i < 4) resource_[i]->restrict({Glob::from(policy::GlobPattern::wildcards("*:*")), policy::CaseMode::Sensitive, false});
        }
    }
    explicit PolicyQuery(SolverContext& ctx) : PolicyQuery(static_cast<z3::context&>(ctx), ctx.deadline()) { counted_ = &ctx; }
    PolicyQuery(const PolicyQuery&) = delete;
    PolicyQuery& operator=(const PolicyQuery&) = delete;

    z3::context& context() { return ctx_; }
    StringVar& action() { return action_; }
    StringVar& resource_segment(std::size_t i) { return *resource_[i]; }
    void fix_resource(std::string_view arn) {
        auto parts = policy::split_arn(arn);
        if (!parts) throw std::invalid_argument("not an ARN: " + std::string(arn));
        std::string_view seg[5] = {parts->partition, parts->service, parts->region, parts->account, parts->resource};
        for (std::size_t i = 0; i < 5; ++i) resource_[i]->fix(std::string(seg[i]));
    }

    // --- the caller (caller_space.hpp) --------------------------------------------------
    // The kinds of caller the query ranges over (by default none: set before encoding).
    void set_callers(CallerSpace space) {
        space_ = space;
        for (std::size_t i = 0; i < caller_kind_count; ++i) {
            if (space.kinds[i]) kind_[i] = ctx_.bool_const(("caller is " + std::string(to_string(static_cast<CallerKind>(i)))).c_str());
            else kind_[i].reset();
        }
    }
    const CallerSpace& callers() const { return space_; }
    // "The caller is of kind k".
    z3::expr is(CallerKind k) const {
        const auto& b = kind_[static_cast<std::size_t>(k)];
        return b ? *b : ctx_.bool_val(false);
    }
    // "The caller is an AWS principal" (identity policies apply; it has an aws:PrincipalArn).
    z3::expr aws_caller() const {
        return is(CallerKind::role_session) || is(CallerKind::user) || is(CallerKind::root) || is(CallerKind::federated_user);
    }
    // aws:PrincipalArn of an AWS caller, the session name of a role session, the name of a
    // Service / Federated / CanonicalUser caller: properties may fix, restrict or prefer them.
    StringVar& caller_arn() { return caller_arn_; }
    StringVar& caller_session() { return caller_session_; }
    StringVar& caller_name() { return caller_name_; }
    // "The caller is an AWS principal of account `account`" (literal id).
    z3::expr caller_in_account(std::string_view account) {
        if (!space_.any_aws()) return ctx_.bool_val(false);
        return aws_caller() && caller_arn_.matches(*detail::account_of_caller(Glob::literal(account)), policy::CaseMode::Sensitive);
    }

    // --- context keys --------------------------------------------------------------
    enum class KeyKind { unset, text, number, date, ip };
    struct Key {
        std::string name;  // lower-case
        KeyKind kind = KeyKind::unset;
        std::string kind_family;  // the family that fixed the kind (for messages)
        bool multivalued = false;
        std::optional<z3::expr> present;
        std::vector<std::unique_ptr<StringVar>> texts;   // single: 1; multi: k elements
        std::vector<z3::expr> in_set;                     // multi: element j is in the set
        std::optional<z3::expr> number, parses;          // number (scaled) / date (ms); parses
        std::optional<z3::expr> is_v6, v4, v6;            // ip
        std::int64_t scale = 1;
    };

    // Declare the policies' keys before encoding: kinds, multivalued element counts, scales.
    void declare(const policy::Policy& p) {
        for (const auto& st : p.statements) {
            for (const auto& c : st.conditions) declare_clause(c);
            for (const auto& rp : st.resource.patterns) declare_variables(rp.value);
        }
    }
    // The request's path: the context table (context_keys.hpp) then decides which keys AWS sets on
    // it and what they can hold; `known` gives the values AWS takes from the architecture.
    void set_path(RequestPath path, KnownValues known = {}) {
        path_ = path;
        known_ = std::move(known);
    }
    RequestPath path() const { return path_; }

    // A key that the caller wants to constrain (e.g. aws:SourceVpce); created as text.
    Key& text_key(const std::string& name) {
        Key& k = key(name);
        set_kind(k, KeyKind::text, "String");
        ensure_storage(k);
        return k;
    }

    // --- encoding -------------------------------------------------------------------
    // "The request is allowed" under `d` (the decision of policy/evaluate.hpp's decide()).
    z3::expr allowed(const Decision& d) { return allowed_for(d); }

    // Solve `goal` (with the one-caller constraint); a satisfying request is rebuilt and checked
    // with `check` (the concrete counterpart of goal), whose disagreement is an InternalError.
    // Bounded by `timeout_ms` from now and the query's deadline, whichever comes first: every
    // Z3 call gets only the time left, and the refinement rounds, pattern-set searches and core
    // minimisations stop when it is gone (unknown, with the reason).
    QueryResult solve(const z3::expr& goal, unsigned timeout_ms, const std::function<bool(const policy::Request&)>& check,
                      std::size_t max_rounds = 2000) {
        const Deadline deadline = Deadline::after(timeout_ms, "query").earliest(deadline_);
        if (counted_) counted_->count_query();
        auto timed_out = [&](const std::string& where) { return QueryResult{QueryResult::Answer::unknown, std::nullopt, deadline.reason(where)}; };
        // The plain SMT core: the default solver's preprocessing cost tens of milliseconds per query here.
        z3::solver solver(ctx_, z3::solver::simple());
        solver.add(goal);
        add_caller_constraints(solver);
        for (auto& [_, k] : keys_) add_key_domain(solver, k);
        for (auto& [_, k] : keys_) add_context_rule(solver, k);
        for (std::size_t round = 0; round < max_rounds; ++round) {
            if (deadline.expired()) return timed_out(round ? "refinement round " + std::to_string(round + 1) : std::string("the encoding"));
            auto r = check_within(solver, deadline);
            if (r == z3::unsat) return {QueryResult::Answer::unsatisfiable, std::nullopt, {}};
            if (r == z3::unknown) {
                const std::string why = unknown_reason(solver, deadline);
                if (why == "timeout") return timed_out("the solver");
                return {QueryResult::Answer::unknown, std::nullopt, "solver: " + why};
            }
            z3::model m = solver.get_model();
            std::vector<std::pair<StringVar*, std::optional<z3::expr>>> strings;  // var, guard
            strings.emplace_back(&action_, std::nullopt);
            for (auto& r5 : resource_) strings.emplace_back(r5.get(), std::nullopt);
            if (space_.any_aws()) strings.emplace_back(&caller_arn_, aws_caller());
            if (space_.has(CallerKind::role_session)) strings.emplace_back(&caller_session_, is(CallerKind::role_session));
            if (space_.any_named()) strings.emplace_back(&caller_name_, named_caller());
            for (auto& [name, k] : keys_) {
                if (k.kind != KeyKind::text) continue;
                for (std::size_t j = 0; j < k.texts.size(); ++j) {
                    z3::expr guard = k.multivalued ? (*k.present && k.in_set[j]) : *k.present;
                    // A principal key's own storage holds aws:PrincipalAccount of named callers only.
                    if (detail::is_principal_key(name)) {
                        if (name != "aws:principalaccount") continue;
                        guard = named_caller();
                    }
                    strings.emplace_back(k.texts[j].get(), guard);
                }
            }
            bool blocked = false;
            std::map<const StringVar*, std::string> values;
            for (auto& [var, guard] : strings) {
                if (var->fixed()) {
                    values[var] = *var->fixed();
                    continue;
                }
                if (guard && !m.eval(*guard, true).is_true()) continue;
                std::vector<PatternConstraint> constraints = var->domain();
                std::vector<z3::expr> literals;
                for (const auto& a : var->atoms()) {
                    bool v = m.eval(a.value, true).is_true();
                    constraints.push_back({a.constraint.pattern, a.constraint.mode, v});
                    literals.push_back(v ? a.value : !a.value);
                }
                auto witness = realise_readably(*var, constraints, deadline);
                if (witness.answer == Realisability::Answer::unknown)
                    return {QueryResult::Answer::unknown, std::nullopt,
                            deadline.expired() ? deadline.reason("the pattern-set search for " + var->name())
                                               : witness.reason + " for " + var->name()};
                if (witness.answer == Realisability::Answer::realisable) {
                    values[var] = witness.witness;
                    continue;
                }
                // Block a minimal unrealisable subset of this assignment.
                auto core = minimal_core(var->domain().size(), constraints, literals, deadline);
                if (!core) return timed_out("core minimisation for " + var->name());
                z3::expr_vector lits(ctx_);
                for (auto i : *core) lits.push_back(literals[i]);
                z3::expr block = !z3::mk_and(lits);
                solver.add(guard ? z3::implies(*guard, block) : block);
                blocked = true;
            }
            if (blocked) continue;
            Witness w = build_witness(m, values);
            if (!check(w.request))
                throw InternalError("the solver's witness does not reproduce with the concrete evaluator: " + describe(w.request));
            if (auto bad = context_violations(w.request.context, path_, known_); !bad.empty())
                throw InternalError("the solver's witness is a request AWS cannot make (" + bad.front() + "): " + describe(w.request));
            return {QueryResult::Answer::satisfiable, std::move(w), {}};
        }
        return {QueryResult::Answer::unknown, std::nullopt, "too many refinement rounds"};
    }

    static std::string describe(const policy::Request& r) {
        std::string s = "caller " + (r.principal ? r.principal->id : std::string("anonymous")) + ", action " + r.action +
                        ", resource " + r.resource;
        for (const auto& e : r.context.entries()) {
            s += ", " + e.key + "=";
            if (e.value.multi_valued) s += "[";
            for (std::size_t i = 0; i < e.value.values.size(); ++i) s += (i ? "," : "") + e.value.values[i];
            if (e.value.multi_valued) s += "]";
        }
        return s;
    }

private:
    Key& key(const std::string& name_lower) {
        auto [it, fresh] = keys_.try_emplace(name_lower);
        if (fresh) {
            it->second.name = name_lower;
            const ContextKey* row = find_context_key(name_lower);
            it->second.multivalued = row && row->multivalued;
            it->second.present = ctx_.bool_const(("present " + name_lower).c_str());
        }
        return it->second;
    }

    static std::string_view family_name(policy::OperatorFamily f) {
        switch (f) {
            case policy::OperatorFamily::String: return "String";
            case policy::OperatorFamily::Numeric: return "Numeric";
            case policy::OperatorFamily::Date: return "Date";
            case policy::OperatorFamily::Bool: return "Bool";
            case policy::OperatorFamily::Binary: return "Binary";
            case policy::OperatorFamily::IpAddress: return "IpAddress";
            case policy::OperatorFamily::Arn: return "Arn";
            case policy::OperatorFamily::Null: return "Null";
        }
        return "?";
    }

    void set_kind(Key& k, KeyKind kind, std::string_view family) {
        if (k.kind == KeyKind::unset) {
            k.kind = kind;
            k.kind_family = std::string(family);
        } else if (k.kind != kind) {
            throw Unsupported("condition key '" + k.name + "' is compared both with " + k.kind_family + " and " +
                              std::string(family) + " operators; xc does not relate the two readings of one value");
        }
    }

    void declare_clause(const policy::ConditionClause& c) {
        using F = policy::OperatorFamily;
        for (const auto& v : c.values) declare_variables(v.value);
        Key& k = key(c.key_lower);
        switch (c.op.family) {
            case F::Null: break;
            case F::String:
            case F::Arn:
            case F::Bool:
            case F::Binary: set_kind(k, KeyKind::text, family_name(c.op.family)); break;
            case F::Numeric:
                set_kind(k, KeyKind::number, "Numeric");
                for (const auto& v : c.values) k.scale = std::max(k.scale, detail::pow10(detail::decimals_of(v.text) + 1));
                break;
            case F::Date: set_kind(k, KeyKind::date, "Date"); break;
            case F::IpAddress: set_kind(k, KeyKind::ip, "IpAddress"); break;
        }
        if (k.multivalued && c.op.set != policy::SetQualifier::None) ++multivalued_clauses_[c.key_lower];
    }

    void ensure_storage(Key& k) {
        if (k.kind == KeyKind::text && k.texts.empty()) {
            std::size_t n = k.multivalued ? std::max<std::size_t>(1, multivalued_clauses_[k.name]) : 1;
            for (std::size_t j = 0; j < n; ++j) {
                k.texts.push_back(std::make_unique<StringVar>(ctx_, k.multivalued ? k.name + "[" + std::to_string(j) + "]" : k.name));
                if (k.multivalued) k.in_set.push_back(ctx_.bool_const(("in " + k.name + "[" + std::to_string(j) + "]").c_str()));
            }
        }
        if (k.multivalued && k.kind != KeyKind::text && k.kind != KeyKind::unset)
            throw Unsupported("multivalued condition key '" + k.name + "' compared with " + k.kind_family + " operators");
        if ((k.kind == KeyKind::number || k.kind == KeyKind::date) && !k.number) {
            k.number = ctx_.int_const(("value " + k.name).c_str());
            k.parses = ctx_.bool_const(("parses " + k.name).c_str());
        }
        if (k.kind == KeyKind::ip && !k.v4) {
            k.is_v6 = ctx_.bool_const(("v6 " + k.name).c_str());
            k.v4 = ctx_.bv_const(("v4 " + k.name).c_str(), 32);
            k.v6 = ctx_.bv_const(("v6addr " + k.name).c_str(), 128);
            k.parses = ctx_.bool_const(("parses " + k.name).c_str());
        }
    }

    void add_key_domain(z3::solver& s, Key& k) {
        if (!k.number) return;  // declared, but no clause was encoded: unconstrained
        if (k.kind == KeyKind::date) {
            // What parse_date can produce: ISO dates (years 0000-9999, any zone offset), or whole
            // epoch seconds of up to 15 digits.
            z3::expr n = *k.number;
            s.add(z3::implies(*k.parses, (n >= ctx_.int_val(detail::iso_utc_min() - detail::max_offset_ms) &&
                                          n <= ctx_.int_val(detail::iso_utc_max() + detail::max_offset_ms)) ||
                                             (n >= 0 && n <= ctx_.int_val(std::int64_t{999999999999999} * 1000) &&
                                              z3::mod(n, ctx_.int_val(1000)) == 0)));
        }
        if (k.kind == KeyKind::number) {
            // Keep the witness printable as an int64 of scaled units.
            s.add(*k.number >= ctx_.int_val(std::int64_t{-1} << 52) && *k.number <= ctx_.int_val(std::int64_t{1} << 52));
        }
    }

    // What the context table says of `k` on the query's path: whether AWS sets it, and what a
    // value it sets can be. A key the table does not list stays as the caller likes.
    void add_context_rule(z3::solver& s, Key& k) {
        const ContextKey* row = find_context_key(k.name);
        if (!row || detail::is_principal_key(k.name)) return;
        const PathRule rule = row->on(path_);
        if (rule.presence == Presence::caller) return;
        if (rule.presence == Presence::never) {
            s.add(!*k.present);
            return;
        }
        if (rule.presence == Presence::always) s.add(*k.present);
        if (k.kind == KeyKind::unset) return;  // only tested with Null: presence is all it reads
        const auto domain = value_domain(*row, path_, known_);
        const bool typed_row = row->type == KeyType::ip || row->type == KeyType::date || row->type == KeyType::epoch;
        if (k.kind == KeyKind::text) {
            if (typed_row)
                throw Unsupported("condition key '" + k.name + "' holds " + (row->type == KeyType::ip ? "an IP address" : "a time") +
                                  " but is compared with " + k.kind_family + " operators; xc does not relate the two readings");
            std::string prefer;
            if (auto it = known_.find(k.name); rule.architecture && it != known_.end()) prefer = it->second.stand_in();
            else if (!rule.fixed.empty()) prefer = std::string(rule.fixed);
            else if (!row->sample.empty()) prefer = std::string(row->sample);
            for (std::size_t j = 0; j < k.texts.size(); ++j) {
                StringVar& t = *k.texts[j];
                if (domain.size() == 1) {
                    t.restrict({domain.front(), policy::CaseMode::Sensitive, true});
                } else if (!domain.empty()) {
                    s.add(z3::implies(k.multivalued ? (*k.present && k.in_set[j]) : *k.present, t.one_of(domain)));
                }
                if (!prefer.empty() && t.preferred().empty()) t.prefer({prefer});
            }
            return;
        }
        const bool fits = (row->type == KeyType::ip && k.kind == KeyKind::ip) || (row->type == KeyType::date && k.kind == KeyKind::date) ||
                          (row->type == KeyType::epoch && (k.kind == KeyKind::date || k.kind == KeyKind::number));
        if (!fits)
            throw Unsupported("condition key '" + k.name + "' is compared with " + k.kind_family +
                              " operators, which do not read the values AWS sends in it; xc does not relate the two readings");
        if (!k.parses) return;  // declared, never encoded
        // AWS sends a value of the key's type: it parses.
        s.add(z3::implies(*k.present, *k.parses));
        if (row->type == KeyType::epoch && k.kind == KeyKind::number) {
            // Read as a number (aws:EpochTime): whole seconds since 1970 that also read as a date.
            z3::expr n = *k.number, scale = ctx_.int_val(k.scale);
            s.add(z3::implies(*k.present, n >= 0 && z3::mod(n, scale) == 0 && n <= ctx_.int_val(std::int64_t{999999999999999}) * scale));
        }
    }

    // Exactly one kind of caller; an AWS caller's string has the shape of its kind.
    void add_caller_constraints(z3::solver& s) {
        std::vector<z3::expr> kinds;
        for (const auto& b : kind_)
            if (b) kinds.push_back(*b);
        if (kinds.empty()) throw std::logic_error("PolicyQuery: no caller (call set_callers before solving)");
        s.add(exactly_one(kinds));
        for (std::size_t i = 0; i < caller_kind_count; ++i) {
            auto k = static_cast<CallerKind>(i);
            if (!kind_[i] || !is_aws_principal(k)) continue;
            z3::expr shape = caller_arn_.matches(detail::caller_arn_shape(k), policy::CaseMode::Sensitive);
            if (k != CallerKind::root) shape = shape && !caller_arn_.matches(detail::ends_with_slash(), policy::CaseMode::Sensitive);
            s.add(z3::implies(*kind_[i], shape));
        }
        for (auto& [name, k] : keys_)
            if (detail::is_principal_key(name) && k.kind != KeyKind::text && k.kind != KeyKind::unset)
                throw Unsupported("'" + name + "' compared with " + k.kind_family + " operators");
    }

    // An account id that is none of the customer's (a named principal's, when no value is needed).
    std::string aws_owned_account() const {
        std::string a = "000000000000";
        while (std::find(space_.customer_accounts.begin(), space_.customer_accounts.end(), a) != space_.customer_accounts.end())
            a = std::to_string(std::stoull(a) + 100000000000ULL).substr(0, 12);
        return a;
    }

    z3::expr named_caller() const { return is(CallerKind::service) || is(CallerKind::web_federated) || is(CallerKind::canonical_user); }

    z3::expr exactly_one(const std::vector<z3::expr>& xs) {
        z3::expr_vector v(ctx_);
        for (const auto& x : xs) v.push_back(x);
        if (xs.empty()) return ctx_.bool_val(false);
        z3::expr_vector pairs(ctx_);
        for (std::size_t i = 0; i < xs.size(); ++i)
            for (std::size_t j = i + 1; j < xs.size(); ++j) pairs.push_back(!(xs[i] && xs[j]));
        return z3::mk_or(v) && z3::mk_and(pairs);
    }

    // --- policy variables (policy/variables.hpp) ---------------------------------------
    // A policy value with variables relates two strings: the one it is compared with (a key's
    // value, the resource) and the values of the variables' keys. The glob atoms cannot say
    // that, so the encoding reduces it, exactly, to comparisons with substituted values — each
    // decided by the concrete functions the evaluator uses (resolve_pattern, compile_arn_pattern),
    // so that both read defaults, escapes and "no value" alike:
    //  (a) Every variable's value is known on each branch (a case of variable_cases: a caller ARN
    //      the query fixes, "anonymous", a literal the context table fixes, a key absent on the
    //      path, hence the default or no value): substitute it and encode the glob obtained
    //      against the compared string as a value without variables.
    //  (b) A variable ranges but the compared string x is fixed. A Match means x matches the
    //      substituted pattern; the value is inserted as literal characters (variables.hpp), and
    //      every literal character of a pattern that matches x equals (up to ASCII case when the
    //      comparison folds case: glob_match folds character by character) the character of x it
    //      is matched with — also for an ARN, whose segments are matched one by one and joined by
    //      the same colons in pattern and x. So the value is a substring of x (up to case): finitely
    //      many candidates s. For each, the atom "value = s" (in the comparison's case mode, so it
    //      holds for exactly the values the comparison cannot tell from s) gets the evaluator's
    //      result for s. A value equal to no candidate gives no Match; it gives no Invalid either
    //      where only a missing value makes a comparison Invalid (String, Binary, Resource). For
    //      an Arn operator, whether the substituted text is a six-part ARN depends on the value
    //      itself: where Invalid matters (the negated operators), that shape is not encoded.
    //  Otherwise — both strings range, a Bool value built from a ranging key, more candidates
    //  than the bound — Unsupported (UNDECIDED), naming the variable.
    using MatchInvalid = std::pair<z3::expr, z3::expr>;

    struct VariableCase {
        z3::expr guard;                 // the branch of the query
        std::optional<TextView> value;  // the key's value there; nullopt: no value (the default applies)
    };

    // A key read through a variable holds text (the variable substitutes it as text), stored from
    // the start: a witness must carry it whenever it is present, read by an encoded clause or not.
    Key& variable_key(const std::string& name) {
        Key& k = key(name);
        if (k.multivalued) return k;  // never gives a variable a value: not read
        if (const ContextKey* row = find_context_key(name); row && !row->multivalued &&
                                                             (row->type == KeyType::ip || row->type == KeyType::date || row->type == KeyType::epoch))
            throw Unsupported("policy variable '${" + name + "}': the key holds " + (row->type == KeyType::ip ? "an IP address" : "a time") +
                              "; xc substitutes only keys read as text");
        if (k.kind != KeyKind::unset && k.kind != KeyKind::text)
            throw Unsupported("policy variable '${" + name + "}': the key is also compared with " + k.kind_family +
                              " operators; xc does not relate the two readings of one value");
        set_kind(k, KeyKind::text, "String");
        if (!detail::is_principal_key(name)) ensure_storage(k);  // principal keys: caller_space.hpp's
        return k;
    }

    void declare_variables(const policy::ValueTemplate& t) {
        for (const auto& part : t.parts)
            if (part.kind == policy::ValueTemplate::Part::Kind::Variable) variable_key(part.text);
    }

    // What the variable `${name}` stands for on each branch of the query (resolve_variable).
    std::vector<VariableCase> variable_cases(const std::string& name) {
        const z3::expr yes = ctx_.bool_val(true);
        Key& k = variable_key(name);
        if (detail::is_principal_key(name)) {  // as principal_clause reads them
            const bool account = name == "aws:principalaccount";
            std::vector<VariableCase> out;
            if (space_.has(CallerKind::anonymous))
                out.push_back({is(CallerKind::anonymous), account ? std::optional<TextView>(TextView(ctx_, "anonymous")) : std::nullopt});
            if (space_.any_aws()) out.push_back({aws_caller(), account ? TextView::account_of(caller_arn_) : TextView(caller_arn_)});
            if (space_.any_named()) {
                std::optional<TextView> value;
                if (account) value = TextView(*named_caller_account(k));
                out.push_back({named_caller(), value});
            }
            if (out.empty()) out.push_back({ctx_.bool_val(false), std::nullopt});  // no caller at all
            return out;
        }
        const ContextKey* row = find_context_key(name);
        // A multivalued key never holds the one value a variable needs.
        if (k.multivalued) return {{yes, std::nullopt}};
        const PathRule rule = row ? row->on(path_) : PathRule{};
        if (rule.presence == Presence::never) return {{yes, std::nullopt}};
        ensure_storage(k);
        std::vector<VariableCase> out{{!*k.present, std::nullopt}};
        if (rule.presence != Presence::caller) {
            // add_context_rule keeps a present value in the path's domain: when that is a few
            // literals, one known case each.
            std::vector<std::string> literals;
            for (const auto& g : value_domain(*row, path_, known_)) {
                std::string text;
                for (const auto& t : g.tokens) {
                    if (t.kind != Glob::Kind::literal) {
                        literals.clear();
                        break;
                    }
                    text.push_back(t.c);
                }
                if (text.size() != g.tokens.size()) break;
                literals.push_back(std::move(text));
            }
            if (!literals.empty()) {
                for (const auto& l : literals) out.push_back({*k.present && k.texts[0]->equals(l), TextView(ctx_, l)});
                return out;
            }
        }
        out.push_back({*k.present, TextView(*k.texts[0])});
        return out;
    }

    // A comparison with a policy value `t` that has variables (see above). `decide(context)`:
    // (Match, Invalid) of the comparison with the variables resolved from `context`;
    // `compared`: the compared string when the query fixes it; `mode`: its case folding;
    // `shape_matters`: whether Invalid is read and a present value's shape can make it Invalid.
    MatchInvalid with_variables(const policy::ValueTemplate& t, const std::optional<std::string>& compared, policy::CaseMode mode,
                                bool shape_matters, const std::string& where, const std::function<MatchInvalid(const policy::Context&)>& decide) {
        static constexpr std::size_t max_branches = 256, max_candidates = 50'000;
        std::vector<std::string> names;
        for (const auto& part : t.parts)
            if (part.kind == policy::ValueTemplate::Part::Kind::Variable && std::find(names.begin(), names.end(), part.text) == names.end())
                names.push_back(part.text);
        std::vector<std::vector<VariableCase>> cases;
        for (const auto& n : names) cases.push_back(variable_cases(n));
        auto variable_list = [&] {
            std::string out;
            for (const auto& n : names) out += (out.empty() ? "'${" : ", '${") + n + "}'";
            return out;
        };
        z3::expr_vector match(ctx_), invalid(ctx_);
        std::vector<std::size_t> pick(names.size(), 0);
        for (std::size_t branches = 1;; ++branches) {
            if (branches > max_branches) throw Unsupported("policy variables " + variable_list() + " in " + where + ": too many cases");
            policy::Context known;
            z3::expr_vector guards(ctx_);
            std::vector<std::size_t> ranging;
            for (std::size_t i = 0; i < names.size(); ++i) {
                const VariableCase& c = cases[i][pick[i]];
                guards.push_back(c.guard);
                if (!c.value) continue;
                if (auto v = c.value->known()) known.set(names[i], *v);
                else ranging.push_back(i);
            }
            const z3::expr guard = z3::mk_and(guards);
            if (ranging.empty()) {  // (a)
                auto [m, inv] = decide(known);
                match.push_back(guard && m);
                invalid.push_back(guard && inv);
            } else {  // (b)
                if (!compared)
                    throw Unsupported("policy variable '${" + names[ranging.front()] + "}' in " + where +
                                      ": the variable's value and the compared value both range over many strings; xc decides a "
                                      "policy variable only where the query fixes one of the two");
                // "No value" depends only on the keys that are absent here.
                policy::Context probe = known;
                for (auto i : ranging) probe.set(names[i], "");
                if (!policy::resolve_text(t, probe)) {
                    invalid.push_back(guard);
                } else {
                    if (shape_matters)
                        throw Unsupported("policy variable '${" + names[ranging.front()] + "}' in " + where +
                                          ": whether the substituted value is a well-formed ARN depends on the variable's value, "
                                          "which ranges; xc does not encode that shape");
                    const bool fold = mode == policy::CaseMode::Insensitive;
                    const std::string x = fold ? policy::ascii_lower(*compared) : *compared;
                    std::set<std::string> substrings;
                    for (std::size_t i = 0; i <= x.size(); ++i)
                        for (std::size_t j = i; j <= x.size(); ++j) substrings.insert(x.substr(i, j - i));
                    const std::vector<std::string> candidates(substrings.begin(), substrings.end());
                    double total = 1;
                    for (std::size_t r = 0; r < ranging.size(); ++r) total *= static_cast<double>(candidates.size());
                    if (total > static_cast<double>(max_candidates))
                        throw Unsupported("policy variables " + variable_list() + " in " + where + ": more than " +
                                          std::to_string(max_candidates) + " candidate values");
                    std::vector<std::size_t> choice(ranging.size(), 0);
                    for (std::size_t tried = 1;; ++tried) {
                        if (tried % 1024 == 0 && deadline_.expired()) throw QueryTimedOut(deadline_.reason("the encoding"));
                        policy::Context values = known;
                        z3::expr_vector equal(ctx_);
                        for (std::size_t r = 0; r < ranging.size(); ++r) {
                            values.set(names[ranging[r]], candidates[choice[r]]);
                            equal.push_back(cases[ranging[r]][pick[ranging[r]]].value->equals(candidates[choice[r]], mode));
                        }
                        auto [m, inv] = decide(values);
                        if (!m.is_false()) match.push_back(guard && z3::mk_and(equal) && m);
                        if (!inv.is_false()) invalid.push_back(guard && z3::mk_and(equal) && inv);
                        std::size_t r = 0;
                        while (r < choice.size() && ++choice[r] == candidates.size()) choice[r++] = 0;
                        if (r == choice.size()) break;
                    }
                }
            }
            std::size_t i = 0;
            while (i < pick.size() && ++pick[i] == cases[i].size()) pick[i++] = 0;
            if (i == pick.size()) break;
        }
        return {z3::mk_or(match), z3::mk_or(invalid)};
    }

    // compare_value for a condition value with variables.
    MatchInvalid compare_with_variables(const policy::ConditionClause& c, const policy::ConditionValue& v, const TextView& x) {
        using F = policy::OperatorFamily;
        const z3::expr no = ctx_.bool_val(false), yes = ctx_.bool_val(true);
        const std::string where = "the value '" + v.text + "' of condition key '" + c.key + "' (" + c.op.name + ")";
        switch (c.op.family) {
            case F::String: {
                const auto mode = c.op.ignore_case ? policy::CaseMode::Insensitive : policy::CaseMode::Sensitive;
                return with_variables(v.value, x.known(), mode, false, where, [&](const policy::Context& values) -> MatchInvalid {
                    auto p = policy::resolve_pattern(v.value, values, c.op.comparison == policy::Comparison::Like);
                    if (!p) return {no, yes};
                    return {x.matches(Glob::from(*p), mode), no};
                });
            }
            case F::Binary:
                return with_variables(v.value, x.known(), policy::CaseMode::Sensitive, false, where, [&](const policy::Context& values) -> MatchInvalid {
                    auto text = policy::resolve_text(v.value, values);
                    if (!text) return {no, yes};
                    return {x.equals(*text), no};
                });
            case F::Bool:  // the value need not be a substring of the request's ("TRUE" matches "true"): (a) only
                return with_variables(v.value, std::nullopt, policy::CaseMode::Sensitive, false, where, [&](const policy::Context& values) -> MatchInvalid {
                    auto text = policy::resolve_text(v.value, values);
                    auto b = text ? policy::parse_bool(*text) : std::nullopt;
                    if (!b) return {no, yes};
                    z3::expr t = x.equals("true", policy::CaseMode::Insensitive), f = x.equals("false", policy::CaseMode::Insensitive);
                    return {*b ? t : f, !t && !f};
                });
            case F::Arn:
                return with_variables(v.value, x.known(), policy::CaseMode::Sensitive, c.op.negated, where, [&](const policy::Context& values) -> MatchInvalid {
                    auto p = policy::resolve_pattern(v.value, values, true);
                    auto arn = p ? policy::compile_arn_pattern(*p, /*allow_short=*/false) : std::nullopt;
                    if (!arn) return {no, yes};
                    return {x.matches(detail::arn_glob(*arn), policy::CaseMode::Sensitive), !x.matches(detail::arn_shape(), policy::CaseMode::Sensitive)};
                });
            default: break;
        }
        throw Unsupported("internal: policy variables in " + c.op.name);
    }

    // --- statements ---------------------------------------------------------------
    z3::expr action_matches(const policy::ActionSpec& spec) {
        z3::expr_vector any(ctx_);
        for (const auto& p : spec.patterns) any.push_back(action_.matches(Glob::from(p.pattern), policy::CaseMode::Insensitive));
        z3::expr m = z3::mk_or(any);
        return spec.negated ? !m : m;
    }

    z3::expr resource_pattern(const policy::ResourcePattern& p) {
        switch (p.kind) {
            case policy::ResourcePattern::Kind::Any: return ctx_.bool_val(true);
            case policy::ResourcePattern::Kind::Shorthand: return ctx_.bool_val(false);
            case policy::ResourcePattern::Kind::Arn: break;
        }
        if (!p.arn) {  // variables: resource_pattern_matches with them substituted (see with_variables)
            std::optional<std::string> compared = "arn:" + resource_[0]->fixed().value_or("");
            for (const auto& segment : resource_)
                if (!segment->fixed()) compared.reset();
                else if (compared && segment != resource_[0]) *compared += ":" + *segment->fixed();
            const z3::expr no = ctx_.bool_val(false);
            return with_variables(p.value, compared, policy::CaseMode::Sensitive, false, "resource '" + p.text + "'",
                                  [&](const policy::Context& values) -> MatchInvalid {
                                      auto pattern = policy::resolve_pattern(p.value, values, true);
                                      if (!pattern) return {no, ctx_.bool_val(true)};  // no value: matches nothing, excludes nothing
                                      auto arn = policy::compile_arn_pattern(*pattern);
                                      if (!arn) return {no, no};
                                      z3::expr_vector all(ctx_);
                                      for (std::size_t i = 0; i < 5; ++i)
                                          all.push_back(resource_[i]->matches(Glob::from(arn->segments[i]), policy::CaseMode::Sensitive));
                                      return {z3::mk_and(all), no};
                                  })
                .first;
        }
        z3::expr_vector all(ctx_);
        for (std::size_t i = 0; i < 5; ++i) all.push_back(resource_[i]->matches(Glob::from(p.arn->segments[i]), policy::CaseMode::Sensitive));
        return z3::mk_and(all);
    }

    z3::expr resource_matches(const policy::ResourceSpec& spec) {
        if (spec.kind == policy::ResourceSpec::Kind::Absent) return ctx_.bool_val(true);
        z3::expr_vector any(ctx_);
        for (const auto& p : spec.patterns) any.push_back(resource_pattern(p));
        z3::expr m = z3::mk_or(any);
        return spec.kind == policy::ResourceSpec::Kind::Resource ? m : !m;
    }

    // compare_value's Match and NoMatch for one policy value against one text value.
    std::pair<z3::expr, z3::expr> compare_text(const policy::ConditionClause& c, const policy::ConditionValue& v, const TextView& x) {
        using F = policy::OperatorFamily;
        if (v.value.has_variables) {
            auto [match, invalid] = compare_with_variables(c, v, x);
            return {match, !match && !invalid};
        }
        switch (c.op.family) {
            case F::String: {
                auto mode = c.op.ignore_case ? policy::CaseMode::Insensitive : policy::CaseMode::Sensitive;
                z3::expr m = x.matches(Glob::from(*v.pattern), mode);
                return {m, !m};
            }
            case F::Binary: {
                z3::expr m = x.equals(v.value.parts.empty() ? v.text : v.text);
                return {m, !m};
            }
            case F::Bool: {
                z3::expr t = x.equals("true", policy::CaseMode::Insensitive), f = x.equals("false", policy::CaseMode::Insensitive);
                if (!v.boolean) return {ctx_.bool_val(false), ctx_.bool_val(false)};  // policy value not a bool: Invalid
                return *v.boolean ? std::pair{t, f} : std::pair{f, t};
            }
            case F::Arn: {
                z3::expr shape = x.matches(detail::arn_shape(), policy::CaseMode::Sensitive);
                if (!v.arn) return {ctx_.bool_val(false), ctx_.bool_val(false)};  // fewer than six parts: Invalid
                z3::expr m = x.matches(detail::arn_glob(*v.arn), policy::CaseMode::Sensitive);
                return {m, shape && !m};
            }
            default: break;
        }
        throw Unsupported("internal: text comparison for " + c.op.name);
    }

    // operator_holds on one text value.
    z3::expr text_holds(const policy::ConditionClause& c, const TextView& x) {
        z3::expr_vector parts(ctx_);
        for (const auto& v : c.values) {
            auto [match, no_match] = compare_text(c, v, x);
            parts.push_back(c.op.negated ? no_match : match);
        }
        return c.op.negated ? z3::mk_and(parts) : z3::mk_or(parts);
    }

    z3::expr scaled_constant(const Key& k, double value) {
        double scaled = value * static_cast<double>(k.scale);
        return ctx_.int_val(static_cast<std::int64_t>(std::llround(scaled)));
    }

    z3::expr ordered(policy::Comparison cmp, const z3::expr& request, const z3::expr& constant) {
        switch (cmp) {
            case policy::Comparison::Equals:
            case policy::Comparison::Like: return request == constant;
            case policy::Comparison::LessThan: return request < constant;
            case policy::Comparison::LessThanEquals: return request <= constant;
            case policy::Comparison::GreaterThan: return request > constant;
            case policy::Comparison::GreaterThanEquals: return request >= constant;
        }
        return ctx_.bool_val(false);
    }

    z3::expr ip_contains(const Key& k, const policy::IpCidr& cidr) {
        if (cidr.network.family == policy::IpAddress::Family::V4) {
            std::uint32_t mask = cidr.prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - cidr.prefix);
            return !*k.is_v6 && ((*k.v4 & ctx_.bv_val(static_cast<std::uint64_t>(mask), 32)) ==
                                 ctx_.bv_val(static_cast<std::uint64_t>(cidr.network.low), 32));
        }
        if (cidr.prefix == 0) return *k.is_v6;
        z3::expr net = z3::concat(ctx_.bv_val(cidr.network.high, 64), ctx_.bv_val(cidr.network.low, 64));
        unsigned hi = 127, lo = 128 - cidr.prefix;
        return *k.is_v6 && (k.v6->extract(hi, lo) == net.extract(hi, lo));
    }

    // operator_holds on a typed (number / date / ip) value.
    z3::expr typed_holds(const policy::ConditionClause& c, Key& k) {
        z3::expr_vector parts(ctx_);
        for (const auto& v : c.values) {
            std::optional<z3::expr> match;
            if (k.kind == KeyKind::number && v.number) match = ordered(c.op.comparison, *k.number, scaled_constant(k, *v.number));
            if (k.kind == KeyKind::date && v.date) match = ordered(c.op.comparison, *k.number, ctx_.int_val(*v.date));
            if (k.kind == KeyKind::ip && v.cidr) match = ip_contains(k, *v.cidr);
            if (!match) {  // the policy value cannot be read: Invalid
                parts.push_back(ctx_.bool_val(false));
                continue;
            }
            parts.push_back(c.op.negated ? (*k.parses && !*match) : (*k.parses && *match));
        }
        return c.op.negated ? z3::mk_and(parts) : z3::mk_or(parts);
    }

    // evaluate_clause
    z3::expr clause(const policy::ConditionClause& c) {
        using F = policy::OperatorFamily;
        Key& k = key(c.key_lower);
        if (detail::is_principal_key(c.key_lower)) return principal_clause(c, k);
        if (c.op.family == F::Null) {
            z3::expr_vector any(ctx_);
            for (const auto& v : c.values)
                if (v.boolean) any.push_back(*v.boolean ? !*k.present : *k.present);
            return z3::mk_or(any);
        }
        ensure_storage(k);
        z3::expr missing = ctx_.bool_val(policy::clause_when_key_missing(c.op));
        z3::expr when_present = ctx_.bool_val(false);
        if (k.kind == KeyKind::text) {
            if (!k.multivalued) {
                when_present = text_holds(c, *k.texts[0]);
            } else if (c.op.set == policy::SetQualifier::None) {
                when_present = ctx_.bool_val(false);  // multivalued key without a set operator
            } else {
                z3::expr_vector per(ctx_);
                for (std::size_t j = 0; j < k.texts.size(); ++j) {
                    z3::expr h = text_holds(c, *k.texts[j]);
                    per.push_back(c.op.set == policy::SetQualifier::ForAllValues ? z3::implies(k.in_set[j], h) : (k.in_set[j] && h));
                }
                when_present = c.op.set == policy::SetQualifier::ForAllValues ? z3::mk_and(per) : z3::mk_or(per);
            }
        } else {
            when_present = typed_holds(c, k);
        }
        return z3::ite(*k.present, when_present, missing);
    }

    // evaluate_clause on one single-valued text key that is `present` with value `value`.
    z3::expr single_clause(const policy::ConditionClause& c, const z3::expr& present, const std::optional<TextView>& value) {
        if (c.op.family == policy::OperatorFamily::Null) {
            z3::expr_vector any(ctx_);
            for (const auto& v : c.values)
                if (v.boolean) any.push_back(*v.boolean ? !present : present);
            return z3::mk_or(any);
        }
        z3::expr missing = ctx_.bool_val(policy::clause_when_key_missing(c.op));
        if (!value) return missing;
        return z3::ite(present, text_holds(c, *value), missing);
    }

    // A clause on aws:PrincipalArn / aws:PrincipalAccount: what the context holds for each kind
    // of caller (caller_space.hpp).
    z3::expr principal_clause(const policy::ConditionClause& c, Key& k) {
        if (c.op.family != policy::OperatorFamily::Null && k.kind != KeyKind::text)
            throw Unsupported("'" + c.key + "' compared with " + k.kind_family + " operators");
        const bool account = c.key_lower == "aws:principalaccount";
        z3::expr_vector cases(ctx_);
        if (space_.has(CallerKind::anonymous)) {
            if (account) cases.push_back(is(CallerKind::anonymous) && single_clause(c, ctx_.bool_val(true), TextView(ctx_, "anonymous")));
            else cases.push_back(is(CallerKind::anonymous) && single_clause(c, ctx_.bool_val(false), std::nullopt));
        }
        if (space_.any_aws())
            cases.push_back(aws_caller() &&
                            single_clause(c, ctx_.bool_val(true), account ? TextView::account_of(caller_arn_) : TextView(caller_arn_)));
        if (space_.any_named()) {
            if (!account) {
                cases.push_back(named_caller() && single_clause(c, ctx_.bool_val(false), std::nullopt));
            } else {
                std::optional<TextView> value;
                if (StringVar* v = named_caller_account(k)) value = TextView(*v);
                cases.push_back(named_caller() && single_clause(c, ctx_.bool_val(true), value));
            }
        }
        return z3::mk_or(cases);
    }

    // aws:PrincipalAccount of a named principal: the key's own storage, some AWS account id that
    // is none of the customer's. Nullptr when the policies read only its presence.
    StringVar* named_caller_account(Key& k) {
        if (k.kind != KeyKind::text) return nullptr;
        ensure_storage(k);
        StringVar& v = *k.texts[0];
        if (v.domain().empty()) {
            v.restrict({Glob().append_digits(12), policy::CaseMode::Sensitive, true});
            for (const auto& a : space_.customer_accounts) v.restrict({Glob::literal(a), policy::CaseMode::Sensitive, false});
        }
        return &v;
    }

    // The caller is the role session of role `role` of account `account`.
    z3::expr role_session_of(std::string_view account, std::string_view role) {
        if (!space_.has(CallerKind::role_session)) return ctx_.bool_val(false);
        auto arns = detail::role_arns(account, role);
        return is(CallerKind::role_session) &&
               (caller_arn_.matches(arns[0], policy::CaseMode::Sensitive) || caller_arn_.matches(arns[1], policy::CaseMode::Sensitive));
    }

    // match_principal_entry, symbolically: (selects the caller directly, through its account).
    std::pair<z3::expr, z3::expr> entry_selects(const policy::PrincipalEntry& e) {
        using Form = policy::PrincipalEntry::Form;
        const z3::expr no = ctx_.bool_val(false);
        if (e.form == Form::Wildcard) return {ctx_.bool_val(true), no};
        if (e.type != policy::PrincipalType::AWS) {
            CallerKind k = e.type == policy::PrincipalType::Service     ? CallerKind::service
                           : e.type == policy::PrincipalType::Federated ? CallerKind::web_federated
                                                                        : CallerKind::canonical_user;
            if (!space_.has(k) || e.form != Form::Name) return {no, no};
            return {is(k) && caller_name_.equals(e.value), no};
        }
        if (!space_.any_aws()) return {no, no};
        switch (e.form) {
            case Form::Account: return {no, caller_in_account(e.account)};
            case Form::Arn: {
                if (auto role = policy::detail::role_of(e.value)) return {role_session_of(role->first, role->second), no};
                if (auto session = policy::detail::assumed_role_of(e.value)) {
                    // Only that session: the request principal is exactly this ARN.
                    const std::string prefix =
                        "arn:aws:sts::" + std::string(session->first) + ":assumed-role/" + std::string(session->second) + "/";
                    if (!e.value.starts_with(prefix)) return {no, no};
                    return {role_session_of(session->first, session->second) && caller_session_.equals(e.value.substr(prefix.size())), no};
                }
                // A user, root or federated-user ARN: the caller string itself.
                z3::expr self = is(CallerKind::user) || is(CallerKind::root) || is(CallerKind::federated_user);
                return {self && caller_arn_.equals(e.value), no};
            }
            default: return {no, no};  // an AWS name that is no ARN (a unique id) names no caller here
        }
    }

    // principal_matches, symbolically: (Direct, Account). Constants are folded here: most
    // entries of most policies are constants for the query's callers ("*", other kinds).
    std::pair<z3::expr, z3::expr> principal_selects(const policy::PrincipalSpec& spec) {
        auto any = [&](const std::vector<z3::expr>& xs) {
            z3::expr_vector open(ctx_);
            for (const auto& x : xs) {
                if (x.is_true()) return ctx_.bool_val(true);
                if (!x.is_false()) open.push_back(x);
            }
            return open.empty() ? ctx_.bool_val(false) : open.size() == 1 ? open[0] : z3::mk_or(open);
        };
        auto negate = [&](const z3::expr& x) { return x.is_true() ? ctx_.bool_val(false) : x.is_false() ? ctx_.bool_val(true) : !x; };
        auto both = [&](const z3::expr& x, const z3::expr& y) {
            if (x.is_false() || y.is_false()) return ctx_.bool_val(false);
            return x.is_true() ? y : y.is_true() ? x : x && y;
        };
        std::vector<z3::expr> direct, account;
        for (const auto& e : spec.entries) {
            auto [d, a] = entry_selects(e);
            direct.push_back(d);
            account.push_back(a);
        }
        z3::expr d = any(direct), a = any(account);
        if (!spec.negated) return {d, both(negate(d), a)};
        return {both(negate(d), negate(a)), ctx_.bool_val(false)};
    }

    z3::expr applies(const policy::Statement& st) {
        auto it = applies_cache_.find(&st);
        if (it != applies_cache_.end()) return it->second;
        // Encoding a policy of hundreds of statements takes tens of milliseconds: part of the query's time.
        if (deadline_.expired()) throw QueryTimedOut(deadline_.reason("the encoding"));
        z3::expr_vector all(ctx_);
        all.push_back(action_matches(st.action));
        all.push_back(resource_matches(st.resource));
        for (const auto& c : st.conditions) all.push_back(clause(c));
        z3::expr e = z3::mk_and(all);
        applies_cache_.emplace(&st, e);
        return e;
    }

    // decide(), symbolically over the caller.
    z3::expr allowed_for(const Decision& d) {
        // As decide(): identity policies apply to every caller but anonymous and service principals.
        const z3::expr identity_applies = aws_caller() || is(CallerKind::web_federated) || is(CallerKind::canonical_user);
        z3::expr_vector deny(ctx_), direct(ctx_), account(ctx_), identity_allow(ctx_);
        if (d.resource_policy)
            for (const auto& st : d.resource_policy->statements) {
                if (!st.principal) continue;
                auto [who_direct, who_account] = principal_selects(*st.principal);
                if (who_direct.is_false() && who_account.is_false()) continue;
                z3::expr a = applies(st);
                if (st.effect == policy::Effect::Deny) {
                    deny.push_back(who_account.is_false() ? (who_direct.is_true() ? a : who_direct && a) : (who_direct || who_account) && a);
                } else {
                    if (!who_direct.is_false()) direct.push_back(who_direct.is_true() ? a : who_direct && a);
                    if (!who_account.is_false()) account.push_back(who_account.is_true() ? a : who_account && a);
                }
            }
        const bool identity_possible = space_.any_aws() || space_.has(CallerKind::web_federated) || space_.has(CallerKind::canonical_user);
        if (identity_possible) {
            for (const auto* p : d.identity)
                for (const auto& st : p->statements)
                    (st.effect == policy::Effect::Deny ? deny : identity_allow).push_back(identity_applies && applies(st));
            if (d.identity_allows_all) identity_allow.push_back(identity_applies);
        }
        z3::expr denied = z3::mk_or(deny);
        z3::expr direct_allow = z3::mk_or(direct), account_allow = z3::mk_or(account), id_allow = z3::mk_or(identity_allow);
        if (!identity_possible) return !denied && direct_allow;
        z3::expr same_account = d.resource_account.empty() ? ctx_.bool_val(false) : caller_in_account(d.resource_account);
        z3::expr allow = z3::ite(identity_applies, z3::ite(same_account, id_allow || direct_allow, id_allow && (direct_allow || account_allow)),
                                 direct_allow);
        return !denied && allow;
    }

    // --- witnesses -------------------------------------------------------------------
    Realisability realise_readably(const StringVar& var, const std::vector<PatternConstraint>& constraints, const Deadline& deadline) {
        // An alternative no policy can write (a character set): its atom is the domain's alone.
        auto alternative = [&](const Glob& g) {
            return std::find(var.alternatives().begin(), var.alternatives().end(), g) != var.alternatives().end() &&
                   std::any_of(g.tokens.begin(), g.tokens.end(), [](const Glob::Token& t) { return t.kind == Glob::Kind::one_of; });
        };
        for (const auto& p : var.preferred()) {
            if (satisfies(p, constraints)) return {Realisability::Answer::realisable, p, {}};
            // The solver's pick among the domain's alternatives is arbitrary: nothing else reads it.
            bool rest = std::all_of(constraints.begin(), constraints.end(), [&](const PatternConstraint& c) {
                return alternative(c.pattern) || detail::glob_matches(c.pattern, p, c.mode) == c.must_match;
            });
            bool in_domain = std::any_of(var.alternatives().begin(), var.alternatives().end(),
                                         [&](const Glob& g) { return detail::glob_matches(g, p, policy::CaseMode::Sensitive); });
            if (!var.alternatives().empty() && rest && in_domain) return {Realisability::Answer::realisable, p, {}};
        }
        SearchBudget budget;
        budget.deadline = &deadline;
        return realise(constraints, budget);
    }

    // Deletion-based minimal unrealisable subset (domain constraints always kept); nullopt when
    // the deadline passes first. A trial the search cannot decide keeps its literal: the core
    // may then be larger than minimal, never realisable.
    std::optional<std::vector<std::size_t>> minimal_core(std::size_t domain_size, const std::vector<PatternConstraint>& constraints,
                                                         const std::vector<z3::expr>& literals, const Deadline& deadline) {
        SearchBudget budget;
        budget.deadline = &deadline;
        std::vector<bool> keep(literals.size(), true);
        for (std::size_t i = 0; i < literals.size(); ++i) {
            if (deadline.expired()) return std::nullopt;
            keep[i] = false;
            std::vector<PatternConstraint> trial(constraints.begin(), constraints.begin() + static_cast<std::ptrdiff_t>(domain_size));
            for (std::size_t j = 0; j < literals.size(); ++j)
                if (keep[j]) trial.push_back(constraints[domain_size + j]);
            if (realise(trial, budget).answer != Realisability::Answer::unrealisable) keep[i] = true;
        }
        std::vector<std::size_t> core;
        for (std::size_t i = 0; i < keep.size(); ++i)
            if (keep[i]) core.push_back(i);
        return core;
    }

    std::int64_t int_of(const z3::model& m, const z3::expr& e) {
        z3::expr v = m.eval(e, true);
        std::int64_t out = 0;
        if (!v.is_numeral_i64(out)) throw InternalError("solver value out of range for " + e.to_string());
        return out;
    }

    std::string ip_text(const z3::model& m, const Key& k) {
        if (!m.eval(*k.is_v6, true).is_true()) {
            std::uint64_t a = m.eval(*k.v4, true).get_numeral_uint64();
            return std::to_string(a >> 24 & 255) + "." + std::to_string(a >> 16 & 255) + "." + std::to_string(a >> 8 & 255) + "." +
                   std::to_string(a & 255);
        }
        std::uint64_t hi = m.eval(k.v6->extract(127, 64), true).get_numeral_uint64();
        std::uint64_t lo = m.eval(k.v6->extract(63, 0), true).get_numeral_uint64();
        char buf[64];
        std::snprintf(buf, sizeof buf, "%llx:%llx:%llx:%llx:%llx:%llx:%llx:%llx", (unsigned long long)(hi >> 48 & 0xffff),
                      (unsigned long long)(hi >> 32 & 0xffff), (unsigned long long)(hi >> 16 & 0xffff), (unsigned long long)(hi & 0xffff),
                      (unsigned long long)(lo >> 48 & 0xffff), (unsigned long long)(lo >> 32 & 0xffff), (unsigned long long)(lo >> 16 & 0xffff),
                      (unsigned long long)(lo & 0xffff));
        return buf;
    }

    Witness build_witness(const z3::model& m, const std::map<const StringVar*, std::string>& values) {
        Witness w;
        for (std::size_t i = 0; i < caller_kind_count; ++i)
            if (kind_[i] && m.eval(*kind_[i], true).is_true()) w.kind = static_cast<CallerKind>(i);
        std::string caller_arn;
        if (is_aws_principal(w.kind)) {
            caller_arn = values.at(&caller_arn_);
            w.request.principal =
                aws_request_principal(w.kind, caller_arn, w.kind == CallerKind::role_session ? values.at(&caller_session_) : std::string());
        } else if (is_named_principal(w.kind)) {
            w.request.principal = policy::RequestPrincipal{principal_type(w.kind), values.at(&caller_name_)};
        }
        w.caller = w.request.principal ? w.request.principal->id : std::string("anonymous");
        w.request.action = values.at(&action_);
        w.request.resource = "arn:" + values.at(resource_[0].get());
        for (std::size_t i = 1; i < 5; ++i) w.request.resource += ":" + values.at(resource_[i].get());
        w.request.resource_account = resource_account_hint_;
        // The principal keys AWS sets for this caller (caller_space.hpp), read by a policy or not.
        for (std::string name : {"aws:principalarn", "aws:principalaccount"}) {
            const bool account = name == "aws:principalaccount";
            if (w.kind == CallerKind::anonymous && account) w.request.context.set(display_key(name), "anonymous");
            if (is_aws_principal(w.kind)) w.request.context.set(display_key(name), account ? detail::account_of_arn(caller_arn) : caller_arn);
            if (is_named_principal(w.kind) && account) {
                auto key = keys_.find(name);
                auto it = key == keys_.end() || key->second.texts.empty() ? values.end() : values.find(key->second.texts[0].get());
                w.request.context.set(display_key(name), it != values.end() ? it->second : aws_owned_account());
            }
        }
        for (auto& [name, k] : keys_) {
            if (detail::is_principal_key(name)) continue;
            if (!m.eval(*k.present, true).is_true()) continue;
            // A key the encoding never constrained (its statements select no candidate): any
            // value will do, and absent is the simplest (unless AWS always sets it: added below).
            const bool stored = k.kind == KeyKind::unset || (k.kind == KeyKind::text ? !k.texts.empty() : k.kind == KeyKind::ip ? k.v4.has_value() : k.number.has_value());
            if (!stored) continue;
            switch (k.kind) {
                case KeyKind::unset:  // only tested with Null: any value AWS could send
                    if (k.multivalued) w.request.context.set_multi(display_key(name), {});
                    else w.request.context.set(display_key(name), table_value(name).value_or("xc-any-value"));
                    break;
                case KeyKind::text:
                    if (k.multivalued) {
                        std::vector<std::string> elems;
                        for (std::size_t j = 0; j < k.texts.size(); ++j)
                            if (m.eval(k.in_set[j], true).is_true()) elems.push_back(values.at(k.texts[j].get()));
                        w.request.context.set_multi(display_key(name), std::move(elems));
                    } else {
                        w.request.context.set(display_key(name), values.at(k.texts[0].get()));
                    }
                    break;
                case KeyKind::number:
                    w.request.context.set(display_key(name), m.eval(*k.parses, true).is_true()
                                                                 ? detail::format_scaled(int_of(m, *k.number), k.scale)
                                                                 : "not-a-number");
                    break;
                case KeyKind::date:
                    if (!m.eval(*k.parses, true).is_true()) w.request.context.set(display_key(name), "not-a-date");
                    else {
                        std::int64_t ms = int_of(m, *k.number);
                        bool iso = ms >= detail::iso_utc_min() - detail::max_offset_ms && ms <= detail::iso_utc_max() + detail::max_offset_ms;
                        w.request.context.set(display_key(name), iso ? detail::format_date(ms) : std::to_string(ms / 1000));
                    }
                    break;
                case KeyKind::ip:
                    w.request.context.set(display_key(name), m.eval(*k.parses, true).is_true() ? ip_text(m, k) : "not-an-address");
                    break;
            }
        }
        // Keys AWS always sets on the path that no encoded condition reads: any value of their
        // domain leaves the decision as it is.
        for (const auto& row : context_keys()) {
            if (row.on(path_).presence != Presence::always || w.request.context.find(row.name)) continue;
            if (auto v = table_value(policy::ascii_lower(row.name))) w.request.context.set(row.name, *v);
        }
        return w;
    }

    // A value of the key's domain on the path: the architecture's (its stand-in), the fixed one, or the row's sample.
    std::optional<std::string> table_value(const std::string& name_lower) const {
        const ContextKey* row = find_context_key(name_lower);
        if (!row) return std::nullopt;
        const PathRule rule = row->on(path_);
        if (auto it = known_.find(name_lower); rule.architecture && it != known_.end()) return it->second.stand_in();
        if (!rule.fixed.empty()) return std::string(rule.fixed);
        return std::string(row->sample);
    }

public:
    // The account that owns the resource, for the witness request (set by the property).
    void set_resource_account(std::string account) { resource_account_hint_ = std::move(account); }
    // How a key is written in witnesses ("aws:SourceVpce" rather than "aws:sourcevpce").
    void display(std::string name) { display_names_[policy::ascii_lower(name)] = std::move(name); }

private:
    std::string display_key(const std::string& lower) const {
        auto it = display_names_.find(lower);
        if (it != display_names_.end()) return it->second;
        if (lower == "aws:principalarn") return "aws:PrincipalArn";
        if (lower == "aws:principalaccount") return "aws:PrincipalAccount";
        const ContextKey* row = find_context_key(lower);
        return row ? std::string(row->name) : lower;
    }

    z3::context& ctx_;
    StringVar action_;
    std::array<std::unique_ptr<StringVar>, 5> resource_;
    StringVar caller_arn_, caller_session_, caller_name_;
    CallerSpace space_;
    std::array<std::optional<z3::expr>, caller_kind_count> kind_;
    std::map<std::string, Key> keys_;
    std::map<std::string, std::size_t> multivalued_clauses_;
    std::map<const policy::Statement*, z3::expr> applies_cache_;
    std::string resource_account_hint_;
    std::map<std::string, std::string> display_names_;
    Deadline deadline_;
    RequestPath path_ = RequestPath::unspecified;
    KnownValues known_;
    SolverContext* counted_ = nullptr;  // where solve() counts itself, if made from one
};

namespace detail {

// Whether `st` applies to `r` made by some caller: its action, resource and clauses on keys
// other than the principal's match `r`. Throws Unsupported for what xc cannot decide that way.
inline bool may_apply_to_a_caller_of(const policy::Statement& st, const policy::Request& r) {
    // A variable reading a key of `r`'s context is decided below with it; one reading a property
    // of the caller would differ from caller to caller; and a clause kept for the caller would read
    // its variables from the query's context instead of `r`'s.
    auto caller_variable = [](const policy::ValueTemplate& t) -> std::optional<std::string> {
        for (const auto& part : t.parts)
            if (part.kind == policy::ValueTemplate::Part::Kind::Variable && (is_principal_key(part.text) || is_unmodelled_principal_key(part.text)))
                return part.text;
        return std::nullopt;
    };
    for (const auto& rp : st.resource.patterns)
        if (auto name = caller_variable(rp.value))
            throw Unsupported("policy variable '${" + *name + "}' in resource '" + rp.text +
                              "' reads a property of the caller; xc does not specialise it to one request for every caller");
    for (const auto& c : st.conditions)
        for (const auto& v : c.values) {
            if (!v.value.has_variables) continue;
            if (auto name = caller_variable(v.value))
                throw Unsupported("policy variable '${" + *name + "}' in the value of condition key '" + c.key +
                                  "' reads a property of the caller; xc does not specialise it to one request for every caller");
            if (is_principal_key(c.key_lower))
                throw Unsupported("policy variable in the value of condition key '" + c.key +
                                  "', which the caller's query decides: its variables would not read the request's context");
        }
    if (!policy::action_matches(st.action, r.action) || !policy::resource_matches(st.resource, r.resource, r.context)) return false;
    bool applies = true;
    for (const auto& c : st.conditions) {
        if (is_principal_key(c.key_lower)) continue;
        if (is_unmodelled_principal_key(c.key_lower))
            throw Unsupported("the policy reads '" + c.key + "', a property of the principal the model does not give; xc cannot "
                              "show that the reader's requests meet it");
        applies = applies && policy::evaluate_clause(c, r.context);
    }
    return applies;
}

}  // namespace detail

// `p` specialised to requests whose action, resource and context (but for the principal keys)
// are those of `r`: statements that cannot apply to it are dropped; the rest keep their
// principal element and their clauses on principal keys, with action and resource "*". What
// the result decides for a caller is what `p` decides for `r` made by that caller — which lets
// one query ask about one caller making several requests (a GetSecretValue and the Decrypt it
// needs). A clause on a principal property the model does not hold is Unsupported.
inline policy::Policy specialise_to_caller(const policy::Policy& p, const policy::Request& r) {
    policy::Policy out;
    out.version = p.version;
    for (const auto& st : p.statements) {
        if (!detail::may_apply_to_a_caller_of(st, r)) continue;
        policy::Statement s = st;
        s.action = policy::ActionSpec{false, {policy::ActionPattern{"*", policy::GlobPattern::wildcards("*")}}};
        s.resource = policy::ResourceSpec{};
        s.conditions.clear();
        for (const auto& c : st.conditions)
            if (detail::is_principal_key(c.key_lower)) s.conditions.push_back(c);
        out.statements.push_back(std::move(s));
    }
    return out;
}

// Throws what specialise_to_caller(p, r) would throw, without building it.
inline void require_specialisable(const policy::Policy& p, const policy::Request& r) {
    for (const auto& st : p.statements) detail::may_apply_to_a_caller_of(st, r);
}

}  // namespace xc::verify
