// xc::verify::diff: prove that a change grants no new access — or show the request it lets in.
//
//   auto report = xc::verify::diff(old_graph, new_graph);   // every diff check (diff_checks below)
//   report.exit_code();                                      // 0 no new access, 1 new access, 3 undecided
//
// Subjects are matched by deployed identity (model/identity.hpp): the ARN the resource has once
// deployed (with AWS-assigned parts named by their owner), so a resource that keeps its ARN is
// the same subject on both sides and one that changes it is removed and added. For each subject
// on both sides and each policy that decides access to it, one query asks: is there a request
// — any caller the check ranges over, any action, any resource the policy decides, any context
// AWS sets on that path — that NEW allows and OLD does not? A satisfying request is rebuilt and
// decided again by the concrete evaluator on both sides (NEW Allow, OLD not) before it is
// reported, with the statements that decide it on each side. The reverse question (OLD allows,
// NEW denies: access NEW removes) is reported as information; it never fails the gate.
//
// A query that is unknown, times out or meets an Unsupported construct is UNDECIDED (exit 3),
// never "no new access". Identical policies on identical resources are not asked about: they
// decide every request alike.
//
// What each check compares (and what it does not: README "Gate pull requests with xc diff"):
//  - api-access: each REST API's resource policy, for an anonymous caller (routes use
//    authorization NONE), any action, any stage/method/path under the API, any context of a
//    request through an interface endpoint; and its endpoint type (PRIVATE -> public is new access);
//  - domain-access: each private custom domain's policy, on the domain's ARN;
//  - endpoint-access: each execute-api interface endpoint's policy (no policy: AWS's full access),
//    for every caller, action and resource;
//  - secret-access / key-access: each secret's and KMS key's resource policy, for every caller
//    there is, any action on it, with the caller's identity policies allowing it or granting
//    nothing (the two cases that decide every identity policy a caller could have);
//  - data-access: each role's DynamoDB reach (inline and attached managed policies together);
//    role-access: everything else its sessions may do; trust-access: who may assume it;
//    function-role: a function running as another role may do no more than under its old one;
//  - invoke-access: each Lambda's invoke permissions (principal, source account, source ARN);
//  - network-access: who reaches each load balancer and interface endpoint over TCP (security
//    groups' ingress on the ports it listens on; internal -> internet-facing is new access);
//  - api-binding, function-callers, function-network, secret-key: what a subject connects to;
//  - name-resolution, tls-names, load-balancer-routing: what names resolve to and for whom, the
//    names the edge answers TLS for, and the targets each listener forwards to.
#pragma once

#include <xc/verify/api_properties.hpp>
#include <xc/verify/edge_properties.hpp>
#include <xc/verify/checker.hpp>
#include <xc/verify/dependencies.hpp>
#include <xc/verify/request_path.hpp>
#include <xc/verify/role_permissions.hpp>
#include <xc/verify/secret_share.hpp>

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace xc::verify {

// What a diff finding says about its subject.
enum class Change {
    no_new_access,   // proved: every request NEW allows, OLD allowed
    new_access,      // a re-checked request NEW allows and OLD denies (fails the gate, exit 1)
    undecided,       // could not decide (exit 3; never a pass)
    access_removed,  // information: a request OLD allowed and NEW denies (it can break liveness)
    added,           // information: the subject exists in NEW only
    removed,         // information: the subject exists in OLD only
};

inline std::string_view to_string(Change c) {
    switch (c) {
        case Change::no_new_access: return "NO-NEW-ACCESS";
        case Change::new_access: return "NEW-ACCESS";
        case Change::undecided: return "UNDECIDED";
        case Change::access_removed: return "ACCESS-REMOVED";
        case Change::added: return "ADDED";
        case Change::removed: return "REMOVED";
    }
    return "?";
}

// A verify Finding (property = the diff check's id; subject, path and statements in NEW — in OLD
// for a removed subject), with the change it reports and OLD's side of the decision.
struct DiffFinding {
    Finding finding;
    Change change = Change::undecided;
    bool on_old_side = false;                  // finding.path and finding.statements are OLD's (removed subjects)
    std::vector<StatementRef> old_statements;  // the statements deciding the witness in OLD (paths in OLD)
    std::string old_path;                      // the subject's policy (or definition) in OLD
    bool unchanged = false;                    // no new access because what decides it is the same on both sides
};

struct DiffReport {
    std::vector<DiffFinding> findings;

    std::size_t count(Change c) const {
        return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [&](const DiffFinding& f) { return f.change == c; }));
    }
    // 0 no new access (removed access and added/removed subjects are information), 1 new access, 3 undecided.
    int exit_code() const {
        if (count(Change::new_access)) return 1;
        if (count(Change::undecided)) return 3;
        return 0;
    }
};

namespace detail {

inline Verdict verdict_of(Change c) {
    return c == Change::new_access ? Verdict::violated : c == Change::undecided ? Verdict::undecided : Verdict::proved;
}

// Both graphs, the options, one Z3 context, the report.
class DiffContext : public CheckRun {
public:
    DiffContext(const model::Graph& old_graph, const model::Graph& new_graph, const VerifyOptions& options)
        : CheckRun(options), old_(old_graph), new_(new_graph) {}

    const model::Graph& old_graph() const { return old_; }
    const model::Graph& new_graph() const { return new_; }
    DiffReport& report() { return report_; }

    // A finding about the subject as NEW has it (`old_v`: the same subject in OLD, if any).
    DiffFinding& add(std::string check, model::Vertex new_v, std::optional<model::Vertex> old_v, Change change, std::string message,
                     std::string path = {}) {
        const auto& v = new_[new_v];
        DiffFinding f;
        f.finding.property = std::move(check);
        f.finding.subject = v.id;
        f.finding.scope = v.scope;
        f.finding.verdict = verdict_of(change);
        f.finding.message = std::move(message);
        f.finding.path = path.empty() ? v.path : std::move(path);
        f.change = change;
        if (old_v) f.old_path = old_[*old_v].path;
        report_.findings.push_back(std::move(f));
        return report_.findings.back();
    }
    // A finding about a subject OLD has and NEW does not.
    DiffFinding& add_removed(std::string check, model::Vertex old_v, std::string message) {
        const auto& v = old_[old_v];
        DiffFinding f;
        f.finding.property = std::move(check);
        f.finding.subject = v.id;
        f.finding.scope = v.scope;
        f.finding.verdict = Verdict::proved;
        f.finding.message = std::move(message);
        f.finding.path = v.path;
        f.change = Change::removed;
        f.on_old_side = true;
        f.old_path = v.path;
        report_.findings.push_back(std::move(f));
        return report_.findings.back();
    }

private:
    const model::Graph& old_;
    const model::Graph& new_;
    DiffReport report_;
};

// The deciding statements of a concrete outcome, located: the resource policy's (`resource`,
// may be absent) and the identity policies' (`identity[i]`; nullptr or past the end: a policy
// with no place in the model, e.g. the stand-in for a caller's own policies).
inline std::vector<StatementRef> located(const policy::Outcome& outcome, const model::PolicyDocument* resource,
                                         const std::vector<const model::PolicyDocument*>& identity) {
    std::vector<StatementRef> out;
    for (const auto& d : outcome.deciding) {
        const model::PolicyDocument* doc = d.kind == policy::PolicyKind::Resource ? resource
                                           : d.policy < identity.size()              ? identity[d.policy]
                                                                                     : nullptr;
        if (doc) out.push_back(StatementRef{doc->path, d.statement, d.sid.value_or(""), std::string(policy::to_string(d.effect))});
    }
    return out;
}

// One side of a comparison: the policies that decide a request about the subject.
struct PolicySide {
    const policy::Policy* resource = nullptr;               // as evaluated (nullptr: none)
    const model::PolicyDocument* resource_doc = nullptr;    // where it is written (nullptr: a default, e.g. no policy)
    std::vector<const policy::Policy*> identity;            // the caller's identity policies, as evaluated
    std::vector<const model::PolicyDocument*> identity_docs;  // where each is written (nullptr: not in the model)
    bool identity_allows_all = false;                       // the caller's own policies allow whatever is asked (endpoint filters)
    std::string account;                                    // the resource's account

    Decision decision() const { return Decision{resource, identity, identity_allows_all, account}; }
    policy::Outcome decide(const policy::Request& r) const {
        if (!identity_allows_all) return policy::decide(policy::PolicySet{identity, resource}, r);
        std::vector<const policy::Policy*> all = identity;
        all.push_back(&allow_everything());
        return policy::decide(policy::PolicySet{all, resource}, r);
    }
    std::vector<StatementRef> statements(const policy::Outcome& o) const { return located(o, resource_doc, identity_docs); }
    void declare(PolicyQuery& q) const {
        if (resource) q.declare(*resource);
        for (const auto* p : identity) q.declare(*p);
    }
};

// What both sides of one comparison share: the request space.
struct RequestSpace {
    RequestPath path = RequestPath::unspecified;
    KnownValues known;
    CallerSpace callers;
    std::function<void(PolicyQuery&)> shape;  // fixes, restricts and prefers the request's strings
    std::function<z3::expr(PolicyQuery&)> only;  // what else every request of the space meets (nullptr: nothing)
    std::string what;                          // "the API's resource policy", for messages
};

// Is there a request in `space` that `allows` allows and `denies` does not? A witness has been
// decided again by the concrete evaluator on both sides.
inline QueryResult find_difference(DiffContext& dc, const RequestSpace& space, const PolicySide& allows, const PolicySide& denies) {
    PolicyQuery q(dc.z3());
    allows.declare(q);
    denies.declare(q);
    q.set_path(space.path, space.known);
    q.set_callers(space.callers);
    q.set_resource_account(allows.account);
    if (space.shape) space.shape(q);
    z3::expr goal = q.allowed(allows.decision()) && !q.allowed(denies.decision());
    if (space.only) goal = goal && space.only(q);
    return q.solve(goal, dc.options().timeout_ms, [&](const policy::Request& r) {
        return allows.decide(r).verdict == policy::Verdict::Allow && denies.decide(r).verdict != policy::Verdict::Allow;
    });
}

inline std::string caller_text(const policy::Request& r) {
    if (!r.principal) return "an anonymous caller";
    return std::string(policy::to_string(r.principal->type)) + " " + r.principal->id;
}

// Compare the sides of each variant (the same request space with other identity policies for
// the caller, say): the first request NEW allows and OLD denies is new access; none in any
// variant is a proof. Then, as information, the first request OLD allows and NEW denies.
struct SideVariant {
    PolicySide new_side, old_side;
    std::string caller_policies;  // how this variant reads the caller's own policies ("" for no note)
};

inline void compare(DiffContext& dc, const std::string& check, model::Vertex new_v, model::Vertex old_v, const RequestSpace& space,
                    const std::vector<SideVariant>& variants, const std::string& new_path, const std::string& fix) {
    try {
        for (const auto& v : variants) {
            auto r = find_difference(dc, space, v.new_side, v.old_side);
            if (r.answer == QueryResult::Answer::unknown) {
                dc.add(check, new_v, old_v, Change::undecided, "could not decide whether " + space.what + " grants new access: " + r.reason,
                       new_path);
                return;
            }
            if (r.answer == QueryResult::Answer::unsatisfiable) continue;
            const auto& request = r.witness->request;
            auto in_new = v.new_side.decide(request);
            auto in_old = v.old_side.decide(request);
            auto& f = dc.add(check, new_v, old_v, Change::new_access,
                             space.what + " in NEW allows " + caller_text(request) + " " + request.action + " on " + request.resource +
                                 (v.caller_policies.empty() ? "" : " (" + v.caller_policies + ")") + "; OLD denied it (" +
                                 std::string(policy::to_string(in_old.verdict)) + ")",
                             new_path);
            f.finding.witness = verify::to_json(request);
            f.finding.statements = v.new_side.statements(in_new);
            f.old_statements = v.old_side.statements(in_old);
            if (!f.finding.statements.empty()) f.finding.path = f.finding.statements.front().path();
            f.finding.fix = fix;
            return;
        }
        dc.add(check, new_v, old_v, Change::no_new_access, "every request " + space.what + " in NEW allows, OLD allowed", new_path);
        // Information: what NEW takes away. Undecided here fails nothing: it is not reported.
        for (const auto& v : variants) {
            auto r = find_difference(dc, space, v.old_side, v.new_side);
            if (r.answer != QueryResult::Answer::satisfiable) continue;
            const auto& request = r.witness->request;
            auto in_new = v.new_side.decide(request);
            auto in_old = v.old_side.decide(request);
            auto& f = dc.add(check, new_v, old_v, Change::access_removed,
                             space.what + " in NEW denies " + caller_text(request) + " " + request.action + " on " + request.resource +
                                 ", which OLD allowed (removed access can break a caller that needs it)",
                             new_path);
            f.finding.witness = verify::to_json(request);
            f.finding.statements = v.new_side.statements(in_new);
            f.old_statements = v.old_side.statements(in_old);
            return;
        }
    } catch (const Unsupported& e) {
        dc.add(check, new_v, old_v, Change::undecided, std::string("not decided: ") + e.what(), new_path);
    }
}

// The same policy on the same resource and path decides every request alike: nothing to ask.
inline void unchanged(DiffContext& dc, const std::string& check, model::Vertex new_v, model::Vertex old_v, const std::string& what,
                      const std::string& path) {
    dc.add(check, new_v, old_v, Change::no_new_access, what + " is unchanged", path).unchanged = true;
}

inline std::string dump_or_none(const model::PolicyDocument* d) { return d ? d->document().dump() : std::string("<none>"); }

inline const policy::Policy& full_access() {
    static const policy::Policy p =
        policy::parse_text(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})");
    return p;
}

inline std::string deployed_identity_key(const model::Graph& g, model::Vertex v) {
    const auto& d = g[v];
    std::string kind(model::to_string(d.kind));
    return g.identity(v).has_arn() ? kind + " " + g.identity(v).arn().display() : kind + " " + d.id;
}

// ---- api-access and domain-access -----------------------------------------------------------

// The actions API Gateway authorizes on an API, a domain and through an execute-api endpoint
// (Service Authorization Reference, "Actions defined by Amazon API Gateway" for execute-api):
// a policy's "execute-api:Inv?ke" differs from "execute-api:Invoke" on no request AWS makes.
inline z3::expr execute_api_actions(PolicyQuery& q) {
    z3::expr_vector any(q.context());
    for (const char* a : {"execute-api:Invoke", "execute-api:InvalidateCache", "execute-api:ManageConnections"})
        any.push_back(q.action().equals(a));
    return z3::mk_or(any);
}

// The gate of `kind` on the API's request path (request_path.hpp), or nullptr.
inline const PolicyGate* gate_of(const ApiRequestPaths& paths, GateKind kind) {
    for (const auto& g : paths.gates)
        if (g.kind == kind) return &g;
    return nullptr;
}

inline void compare_gates(DiffContext& dc, const std::string& check, const PolicyGate& ng, const PolicyGate& og, model::Vertex new_v,
                          model::Vertex old_v, const std::vector<std::string>& preferred) {
    const std::string path = ng.document ? ng.document->path : std::string(dc.new_graph()[new_v].path);
    const std::string what = ng.kind == GateKind::custom_domain ? "the domain's policy" : "the API's resource policy";
    if (dump_or_none(ng.document) == dump_or_none(og.document) && ng.arn() == og.arn() && ng.path == og.path)
        return unchanged(dc, check, new_v, old_v, what, path);
    try {
        for (const auto* g : {&ng, &og})
            if (g->document) require_known_identity(g->document->parsed(), g->resource, "execute-api", g->any_path);
        // A gate without a policy denies every request (API Gateway's default for a private API and
        // a private domain): no resource policy and no identity policy for an anonymous caller.
        const policy::Policy new_attached = ng.attached(), old_attached = og.attached();
        PolicySide n{ng.document ? &new_attached : nullptr, ng.document, {}, {}, false, ng.target.account};
        PolicySide o{og.document ? &old_attached : nullptr, og.document, {}, {}, false, og.target.account};
        RequestSpace space;
        space.path = ng.path;
        space.known = ng.known;
        space.callers = CallerSpace::only(CallerKind::anonymous);
        space.what = what;
        space.shape = [&](PolicyQuery& q) {
            q.resource_segment(0).fix(ng.target.partition);
            q.resource_segment(1).fix("execute-api");
            q.resource_segment(2).fix(ng.target.region);
            q.resource_segment(3).fix(ng.target.account);
            const std::string resource = ng.resource_text();
            // An API's request names "<id>/<stage>/<METHOD>/<path>" (stage and method never empty):
            // a wider space would report differences on ARNs no request carries ("<id>/").
            if (ng.any_path) {
                Glob g = Glob::literal(resource + "/");
                g.tokens.push_back({Glob::Kind::any_char, 0, false});
                g.append_run(false).append_literal("/");
                g.tokens.push_back({Glob::Kind::any_char, 0, false});
                g.append_run(false).append_literal("/").append_run(false);
                q.resource_segment(4).restrict({g, policy::CaseMode::Sensitive, true});
            }
            else q.resource_segment(4).fix(resource);
            q.resource_segment(4).prefer(preferred);
            q.action().prefer({"execute-api:Invoke", "execute-api:InvalidateCache", "execute-api:ManageConnections"});
            q.display("aws:SourceVpce");
            q.text_key("aws:sourcevpce").texts[0]->prefer({"vpce-0badc0ffee0000001", "vpce-0badc0ffee0000002"});
        };
        space.only = execute_api_actions;
        compare(dc, check, new_v, old_v, space, {{n, o, ""}}, path,
                "admit no more than OLD did, or accept the new access deliberately (review the witness: it is a request NEW lets in)");
    } catch (const Unsupported& e) {
        dc.add(check, new_v, old_v, Change::undecided, std::string("not decided: ") + e.what(), path);
    }
}

inline std::vector<std::string> preferred_routes(const model::RestApi& api, const std::string& id) {
    std::vector<std::string> out;
    for (const auto& [_, r] : api.routes)
        for (const char* method : {"GET", "POST", "PUT", "DELETE"})
            out.push_back(id + "/" + api.stage + "/" + method + "/" + sample_path(r.resource_path));
    out.push_back(id + "/" + api.stage + "/GET/");
    return out;
}

inline void diff_api(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const std::string check = "api-access";
    const auto& napi = dc.new_graph().resource<model::RestApi>(new_v);
    const auto& oapi = dc.old_graph().resource<model::RestApi>(old_v);
    using T = model::ApiEndpointType;
    if (napi.endpoint_type != T::PRIVATE || oapi.endpoint_type != T::PRIVATE) {
        if (napi.endpoint_type != T::PRIVATE && oapi.endpoint_type == T::PRIVATE) {
            auto& f = dc.add(check, new_v, old_v, Change::new_access,
                             std::string("the API's endpoint type is ") + model::to_string(napi.endpoint_type) +
                                 " in NEW (PRIVATE in OLD): it is reachable from outside any VPC",
                             napi.path + "/endpointType");
            f.finding.witness = {{"endpointType", model::to_string(napi.endpoint_type)}};
            f.finding.fix = "keep \"endpointType\": \"PRIVATE\"";
        } else {
            dc.add(check, new_v, old_v, Change::undecided,
                   std::string("not compared: the API is ") + model::to_string(oapi.endpoint_type) + " in OLD and " +
                       model::to_string(napi.endpoint_type) + " in NEW; xc diff compares the policies of PRIVATE APIs only",
                   napi.path + "/endpointType");
        }
        return;
    }
    // AWS_IAM routes are called by IAM principals, with identity policies (api_properties.hpp); this
    // comparison ranges over anonymous callers only: UNDECIDED rather than miss new access.
    if (uses_iam(napi) || uses_iam(oapi)) {
        dc.add(check, new_v, old_v, Change::undecided,
               "not compared: a route uses AWS_IAM authorization in " + std::string(uses_iam(napi) ? "NEW" : "OLD") +
                   "; xc diff compares the access of anonymous callers only",
               napi.path);
        return;
    }
    auto np = request_paths(dc.new_graph(), new_v);
    auto op = request_paths(dc.old_graph(), old_v);
    const PolicyGate* ng = gate_of(np, GateKind::rest_api);
    const PolicyGate* og = gate_of(op, GateKind::rest_api);
    compare_gates(dc, check, *ng, *og, new_v, old_v, preferred_routes(napi, ng->resource_text()));
}

// The private custom domain's gate, found through the API it is the domain of.
inline std::optional<PolicyGate> domain_gate(const model::Graph& g, model::Vertex domain) {
    const auto& apis = g.in(domain, model::EdgeKind::has_domain);
    if (apis.empty()) return std::nullopt;
    auto paths = request_paths(g, apis.front());
    const PolicyGate* d = gate_of(paths, GateKind::custom_domain);
    if (!d) return std::nullopt;
    return *d;  // owns no pointer into `paths`: the document and identity belong to the graph
}

inline void diff_domain(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    auto ng = domain_gate(dc.new_graph(), new_v);
    auto og = domain_gate(dc.old_graph(), old_v);
    if (!ng || !og) {
        dc.add("domain-access", new_v, old_v, Change::undecided, "not compared: the domain is not a private API's private custom domain on both sides");
        return;
    }
    for (const auto* g : {&dc.new_graph(), &dc.old_graph()}) {
        auto domain = g == &dc.new_graph() ? new_v : old_v;
        if (uses_iam(g->resource<model::RestApi>(g->in(domain, model::EdgeKind::has_domain).front()))) {
            dc.add("domain-access", new_v, old_v, Change::undecided,
                   "not compared: the domain's API has a route with AWS_IAM authorization; xc diff compares anonymous callers only");
            return;
        }
    }
    compare_gates(dc, "domain-access", *ng, *og, new_v, old_v, {});
}

// ---- endpoint-access ------------------------------------------------------------------------

inline void diff_endpoint(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const std::string check = "endpoint-access";
    const auto& ne = dc.new_graph().resource<model::VpcEndpoint>(new_v);
    const auto& oe = dc.old_graph().resource<model::VpcEndpoint>(old_v);
    const model::PolicyDocument* nd = ne.policy ? &*ne.policy : nullptr;
    const model::PolicyDocument* od = oe.policy ? &*oe.policy : nullptr;
    const std::string path = nd ? nd->path : ne.path;
    if (dump_or_none(nd) == dump_or_none(od)) return unchanged(dc, check, new_v, old_v, "the endpoint's policy", path);
    // The endpoint's policy filters what passes through it, for every caller; no policy is AWS's
    // full-access default. The service behind it decides again with its own policies.
    PolicySide n{nd ? &nd->parsed() : &full_access(), nd, {}, {}, true, ""};
    PolicySide o{od ? &od->parsed() : &full_access(), od, {}, {}, true, ""};
    RequestSpace space;
    space.path = RequestPath::private_api;
    space.callers = CallerSpace::everyone();
    space.what = "the endpoint's policy";
    space.only = execute_api_actions;  // an execute-api endpoint carries execute-api requests only
    space.shape = [](PolicyQuery& q) {
        q.resource_segment(1).prefer({"execute-api"});
        q.action().prefer({"execute-api:Invoke"});
        q.caller_arn().prefer({"arn:aws:iam::999999999999:role/xc-outsider"});
    };
    compare(dc, check, new_v, old_v, space, {{n, o, ""}}, path, "admit through the endpoint no more than OLD did");
}

// ---- secret-access and key-access -----------------------------------------------------------

inline std::vector<std::string> customer_accounts(const model::Graph& a, const model::Graph& b) {
    std::set<std::string> ids;
    for (const auto* g : {&a, &b})
        for (const auto& [_, acc] : g->model().accounts) ids.insert(acc.id);
    return {ids.begin(), ids.end()};
}

// A resource policy over every caller, with the caller's identity policies allowing the request
// or granting nothing: for one request the identity policies matter only by whether they allow
// it (a Deny there denies on both sides), so the two variants cover every policy a caller has.
inline void diff_resource_policy(DiffContext& dc, const std::string& check, model::Vertex old_v, model::Vertex new_v,
                                 const model::PolicyDocument* nd, const model::PolicyDocument* od, RequestPath path,
                                 const std::string& service, const std::string& what, std::vector<std::string> actions) {
    const auto& ng = dc.new_graph();
    const auto& id = ng.identity(new_v);
    const std::string doc_path = nd ? nd->path : std::string(ng[new_v].path);
    if (dump_or_none(nd) == dump_or_none(od)) return unchanged(dc, check, new_v, old_v, what, doc_path);
    const std::vector<const model::PolicyDocument*> own{nullptr};
    auto side = [&](const model::PolicyDocument* d, bool identity_allows) {
        PolicySide s{d ? &d->parsed() : nullptr, d, {}, {}, false, id.account};
        if (identity_allows) {
            s.identity = {&allow_everything()};
            s.identity_docs = own;
        }
        return s;
    };
    auto accounts = customer_accounts(dc.old_graph(), ng);
    RequestSpace space;
    space.path = path;
    space.callers = CallerSpace::everyone();
    space.callers.customer_accounts = accounts;
    space.what = what;
    space.shape = [&](PolicyQuery& q) {
        q.resource_segment(0).fix(id.partition);
        q.resource_segment(1).fix(service);
        q.resource_segment(2).fix(id.region);
        q.resource_segment(3).fix(id.account);
        q.resource_segment(4).restrict({glob_of(id.resource), policy::CaseMode::Sensitive, true});
        q.resource_segment(4).prefer({id.resource.stand_in()});
        q.action().prefer(actions);
        q.caller_arn().prefer({"arn:aws:iam::" + fresh_account({accounts.begin(), accounts.end()}) + ":role/xc-outsider"});
    };
    compare(dc, check, new_v, old_v, space,
            {{side(nd, true), side(od, true), "with identity policies of its own that allow it"},
             {side(nd, false), side(od, false), "with identity policies that grant nothing"}},
            doc_path, "grant no more than OLD did, or accept the new reader deliberately (the witness is a request NEW lets in)");
}

inline void diff_secret(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const auto& ns = dc.new_graph().resource<model::Secret>(new_v);
    const auto& os = dc.old_graph().resource<model::Secret>(old_v);
    diff_resource_policy(dc, "secret-access", old_v, new_v, ns.policy ? &*ns.policy : nullptr, os.policy ? &*os.policy : nullptr,
                         RequestPath::secret_read, "secretsmanager", "the secret's policy", {"secretsmanager:GetSecretValue"});
}

inline void diff_key(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const auto& nk = dc.new_graph().resource<model::KmsKey>(new_v);
    const auto& ok = dc.old_graph().resource<model::KmsKey>(old_v);
    // Any KMS request by any caller: the unspecified path (every context key as the caller likes).
    diff_resource_policy(dc, "key-access", old_v, new_v, &nk.policy, &ok.policy, RequestPath::unspecified, "kms", "the key's policy",
                         {"kms:Decrypt"});
}

// ---- data-access ----------------------------------------------------------------------------

inline std::string identity_fingerprint(const RolePermissions& p) {
    std::string out;
    for (const auto* d : p.documents()) out += d->document().dump() + "\n";
    for (const auto& u : p.unknown()) out += "unknown " + u.arn + "\n";
    return out;
}

// What a session of a role may do: on DynamoDB (on the path of a function's DynamoDB calls),
// anything else, or everything (both over every context). The roles compared are `new_role` in
// NEW and `old_role` in OLD (the same role, or the roles a function runs as); the caller is a
// session of NEW's role on both sides — OLD's policies that read the caller's ARN then admit no
// more than for their own role, which can only report more, never less.
enum class RoleReach { dynamodb, other, everything };

inline void compare_role_reach(DiffContext& dc, const std::string& check, model::Vertex new_subject, model::Vertex old_subject,
                               model::Vertex new_role, model::Vertex old_role, RoleReach reach) {
    const bool dynamodb = reach == RoleReach::dynamodb;
    const auto& nr = dc.new_graph().resource<model::Role>(new_role);
    const auto& orole = dc.old_graph().resource<model::Role>(old_role);
    const std::string where = dc.new_graph()[new_subject].kind == model::VertexKind::role ? nr.path : std::string(dc.new_graph()[new_subject].path);
    RolePermissions np(nr), op(orole);
    if (identity_fingerprint(np) == identity_fingerprint(op) && dc.new_graph().identity(new_role).arn() == dc.old_graph().identity(old_role).arn())
        return unchanged(dc, check, new_subject, old_subject, "the role's policies", where);
    // An attachment whose document xc does not know: if both sides attach the same ones, they
    // decide each request alike on both sides (a Deny there denies on both; an Allow is asked
    // about below); one side's own unknown attachment could grant or deny anything.
    std::set<std::string> nu, ou;
    for (const auto& u : np.unknown()) nu.insert(u.arn);
    for (const auto& u : op.unknown()) ou.insert(u.arn);
    if (nu != ou) {
        std::string arns;
        for (const auto& a : nu)
            if (!ou.contains(a)) arns += (arns.empty() ? "" : ", ") + a + " (NEW only)";
        for (const auto& a : ou)
            if (!nu.contains(a)) arns += (arns.empty() ? "" : ", ") + a + " (OLD only)";
        dc.add(check, new_subject, old_subject, Change::undecided,
               "the role attaches " + arns + ", whose document xc does not know: it may grant (or, removed, have denied) " +
                   (dynamodb ? "DynamoDB access" : "access"),
               np.unknown().empty() ? where : np.unknown().front().path);
        return;
    }
    const auto& id = dc.new_graph().identity(new_role);
    auto side = [&](const RolePermissions& p, bool unknown_allows) {
        PolicySide s;
        s.identity = p.policies();
        s.identity_docs = p.documents();
        if (unknown_allows) s.identity.push_back(&allow_everything());
        s.account = id.account;
        return s;
    };
    RequestSpace space;
    space.path = dynamodb ? RequestPath::dynamodb_by_role : RequestPath::unspecified;
    space.callers = CallerSpace::only(CallerKind::role_session);
    space.what = dynamodb ? "the role's policies (on DynamoDB)" : "the role's policies";
    if (check == "function-role") space.what = "the policies of the role the function runs as";
    const std::string arn = id.arn().stand_in();
    const std::string region = dc.new_graph().model().region;
    space.shape = [&](PolicyQuery& q) {
        q.caller_arn().fix(arn);
        q.caller_session().prefer({"xc-session"});
        if (reach != RoleReach::everything)
            q.action().restrict({Glob::literal("dynamodb:").append_run(false), policy::CaseMode::Insensitive, dynamodb});
        if (reach != RoleReach::other)
            q.action().prefer({"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:DeleteTable"});
        else
            q.action().prefer({"secretsmanager:GetSecretValue", "kms:Decrypt", "s3:GetObject", "lambda:InvokeFunction", "sts:AssumeRole"});
        q.resource_segment(0).prefer({"aws"});
        if (reach != RoleReach::other) q.resource_segment(1).prefer({"dynamodb"});
        q.resource_segment(2).prefer({region});
        q.resource_segment(3).prefer({id.account});
        q.resource_segment(4).prefer({"table/xc-other-table"});
    };
    std::vector<SideVariant> variants{{side(np, false), side(op, false), ""}};
    if (!nu.empty()) variants.push_back({side(np, true), side(op, true), "with the unknown attachments allowing it"});
    compare(dc, check, new_subject, old_subject, space, variants, where,
            dynamodb ? "grant the role no more on DynamoDB than OLD did" : "grant the role no more than OLD did");
}

inline void diff_role(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    compare_role_reach(dc, "data-access", new_v, old_v, new_v, old_v, RoleReach::dynamodb);
}
inline void diff_role_other(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    compare_role_reach(dc, "role-access", new_v, old_v, new_v, old_v, RoleReach::other);
}

// A function that runs as another role in NEW (by deployed identity) may do what that role may:
// compare its policies with those of the role it ran as in OLD. The same role is compared by
// data-access and role-access.
inline void diff_function_role(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const auto& nroles = dc.new_graph().out(new_v, model::EdgeKind::executes_as);
    const auto& oroles = dc.old_graph().out(old_v, model::EdgeKind::executes_as);
    if (nroles.empty() || oroles.empty()) {
        dc.add("function-role", new_v, old_v, Change::undecided, "not compared: the function has no role on one side");
        return;
    }
    if (deployed_identity_key(dc.new_graph(), nroles.front()) == deployed_identity_key(dc.old_graph(), oroles.front())) {
        dc.add("function-role", new_v, old_v, Change::no_new_access, "the function runs as the same role (data-access and role-access compare it)").unchanged = true;
        return;
    }
    compare_role_reach(dc, "function-role", new_v, old_v, nroles.front(), oroles.front(), RoleReach::everything);
}

// Who may assume the role: its trust policy, a resource policy on the role's ARN.
inline void diff_trust(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const auto& nr = dc.new_graph().resource<model::Role>(new_v);
    const auto& orole = dc.old_graph().resource<model::Role>(old_v);
    diff_resource_policy(dc, "trust-access", old_v, new_v, &nr.trust_policy, &orole.trust_policy, RequestPath::unspecified, "iam",
                         "the role's trust policy", {"sts:AssumeRole"});
}

// ---- invoke-access --------------------------------------------------------------------------

// One invoke permission as one string "principal|source account|source ARN": the permission
// admits exactly the strings its glob matches. An API named by sourceApi stands as its ARN's
// display form (AWS-assigned ids as ${owner.attribute}): the same on both sides for the same
// API, and never equal to a literal a permission was written with.
inline Glob permission_glob(const model::Graph& g, const model::InvokePermission& p) {
    Glob out = Glob::literal(p.principal + "|");
    if (p.source_account.empty()) out.append_run(false);
    else out.append_literal(p.source_account);
    out.append_literal("|");
    if (p.source_api) {
        auto api = *g.find(p.source_api->scope + "/rest-api/" + p.source_api->name);
        out.append_literal(g.identity(api).arn().display()).append(Glob::from(policy::GlobPattern::wildcards(p.source_path)));
    } else if (!p.source_arn.empty()) {
        out.append(Glob::from(policy::GlobPattern::wildcards(p.source_arn)));
    } else {
        out.append_run(false);
    }
    return out;
}

inline void diff_lambda(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const std::string check = "invoke-access";
    const auto& nl = dc.new_graph().resource<model::Lambda>(new_v);
    const auto& ol = dc.old_graph().resource<model::Lambda>(old_v);
    std::vector<Glob> olds, news;
    for (const auto& p : ol.invoke_permissions) olds.push_back(permission_glob(dc.old_graph(), p));
    for (const auto& p : nl.invoke_permissions) news.push_back(permission_glob(dc.new_graph(), p));
    if (news == olds) return unchanged(dc, check, new_v, old_v, "the function's invoke permissions", nl.path);
    auto differs = [&](const std::vector<Glob>& in, const std::vector<Glob>& out) -> std::pair<std::optional<std::size_t>, Realisability> {
        SearchBudget budget;
        budget.deadline = &dc.z3().deadline();
        for (std::size_t i = 0; i < in.size(); ++i) {
            std::vector<PatternConstraint> cs{{in[i], policy::CaseMode::Sensitive, true}};
            for (const auto& o : out) cs.push_back({o, policy::CaseMode::Sensitive, false});
            auto r = realise(cs, budget);
            if (r.answer != Realisability::Answer::unrealisable) return {i, r};
        }
        return {std::nullopt, {}};
    };
    auto split = [](const std::string& s) {
        auto a = s.find('|');
        auto b = s.find('|', a + 1);
        return nlohmann::json{{"principal", s.substr(0, a)}, {"sourceAccount", s.substr(a + 1, b - a - 1)}, {"sourceArn", s.substr(b + 1)}};
    };
    auto [index, r] = differs(news, olds);
    if (index && r.answer == Realisability::Answer::unknown) {
        dc.add(check, new_v, old_v, Change::undecided, "could not decide whether the invoke permissions grant new access: " + r.reason,
               nl.invoke_permissions[*index].path);
        return;
    }
    if (index) {
        // Re-check the witness concretely: NEW's permission admits it, no OLD permission does.
        bool reproduces = detail::glob_matches(news[*index], r.witness, policy::CaseMode::Sensitive);
        for (const auto& o : olds) reproduces = reproduces && !detail::glob_matches(o, r.witness, policy::CaseMode::Sensitive);
        if (!reproduces) throw InternalError("the invoke-access witness does not reproduce: " + r.witness);
        const auto& p = nl.invoke_permissions[*index];
        auto w = split(r.witness);
        auto& f = dc.add(check, new_v, old_v, Change::new_access,
                         "NEW's invoke permission lets " + std::string(w["principal"]) + " invoke the function for source " +
                             std::string(w["sourceArn"]) + (std::string(w["sourceAccount"]).empty() ? "" : " (account " + std::string(w["sourceAccount"]) + ")") +
                             "; no permission of OLD did",
                         p.path);
        f.finding.witness = w;
        f.finding.fix = "grant lambda:InvokeFunction to no principal or source OLD did not admit";
        return;
    }
    dc.add(check, new_v, old_v, Change::no_new_access, "every principal and source NEW's invoke permissions admit, OLD's admitted", nl.path);
    auto [removed, rr] = differs(olds, news);
    if (removed && rr.answer == Realisability::Answer::realisable) {
        auto w = split(rr.witness);
        auto& f = dc.add(check, new_v, old_v, Change::access_removed,
                         "NEW no longer lets " + std::string(w["principal"]) + " invoke the function for source " + std::string(w["sourceArn"]),
                         nl.path);
        f.finding.witness = w;
    }
}

// ---- network-access -------------------------------------------------------------------------

// Who reaches a load balancer or an interface endpoint over the network: a TCP source (an IPv4
// address, or a security group or prefix list by its graph id) on a port the resource listens
// on (the load balancer's listeners; 443 for an endpoint), admitted by an ingress rule of one of
// its security groups. An internet-facing load balancer is reached from outside any VPC.
struct NetworkReach {
    struct Rule {
        std::uint16_t from = 0, to = 65535;
        std::optional<model::Ipv4Cidr> cidr;  // else the peer
        std::string peer;                     // a security group's or a prefix list's graph id
        std::string path;
    };
    std::vector<Rule> rules;
    std::set<std::uint16_t> ports;
    bool internet_facing = false;
    std::string fingerprint;

    static NetworkReach of(const model::Graph& g, model::Vertex v) {
        NetworkReach r;
        if (g[v].kind == model::VertexKind::load_balancer) {
            const auto& lb = g.resource<model::LoadBalancer>(v);
            r.internet_facing = !lb.internal;
            for (const auto& [_, l] : lb.listeners) r.ports.insert(l.port);
        } else {
            r.ports.insert(443);
        }
        for (auto sg : g.out(v, model::EdgeKind::guarded_by))
            for (const auto& rule : g.resource<model::SecurityGroup>(sg).ingress) {
                if (rule.protocol != model::Protocol::tcp && rule.protocol != model::Protocol::all) continue;  // nothing TCP
                Rule x{rule.protocol == model::Protocol::all ? std::uint16_t{0} : rule.from_port,
                       rule.protocol == model::Protocol::all ? std::uint16_t{65535} : rule.to_port, rule.peer.cidr, {}, rule.path};
                if (rule.peer.security_group)
                    x.peer = model::Graph::vertex_id(rule.peer.security_group->scope, model::VertexKind::security_group, rule.peer.security_group->name);
                if (rule.peer.prefix_list)
                    x.peer = model::Graph::vertex_id(rule.peer.prefix_list->scope, model::VertexKind::vpc_endpoint, rule.peer.prefix_list->name);
                r.rules.push_back(std::move(x));
            }
        r.fingerprint = std::string(r.internet_facing ? "public" : "internal");
        for (auto p : r.ports) r.fingerprint += " " + std::to_string(p);
        for (const auto& x : r.rules)
            r.fingerprint += "|" + std::to_string(x.from) + "-" + std::to_string(x.to) + " " +
                             (x.cidr ? std::to_string(x.cidr->network) + "/" + std::to_string(x.cidr->prefix) : x.peer);
        return r;
    }
    // The rules admitting `source` (an address, or a peer id) on `port`, concretely.
    std::vector<const Rule*> admitting(const std::variant<std::uint32_t, std::string>& source, std::uint16_t port) const {
        std::vector<const Rule*> out;
        if (!ports.contains(port)) return out;
        for (const auto& x : rules) {
            if (port < x.from || port > x.to) continue;
            if (const auto* ip = std::get_if<std::uint32_t>(&source); ip && x.cidr && (*ip & x.cidr->mask()) == x.cidr->network) out.push_back(&x);
            if (const auto* peer = std::get_if<std::string>(&source); peer && !x.cidr && x.peer == *peer) out.push_back(&x);
        }
        return out;
    }
};

inline void diff_network(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const std::string check = "network-access";
    auto n = NetworkReach::of(dc.new_graph(), new_v), o = NetworkReach::of(dc.old_graph(), old_v);
    const std::string path(dc.new_graph()[new_v].path);
    if (n.fingerprint == o.fingerprint) return unchanged(dc, check, new_v, old_v, "who reaches it over the network", path);
    if (n.internet_facing && !o.internet_facing) {
        auto& f = dc.add(check, new_v, old_v, Change::new_access,
                         "the load balancer is internet-facing in NEW (internal in OLD): sources outside any VPC reach it", path + "/scheme");
        f.finding.witness = {{"scheme", "internet-facing"}};
        f.finding.fix = "keep \"scheme\": \"internal\"";
        return;
    }
    // The sources: an address (kind 0) or one of the peers either side names (kind i).
    std::vector<std::string> peers;
    for (const auto* side : {&n, &o})
        for (const auto& x : side->rules)
            if (!x.cidr && std::find(peers.begin(), peers.end(), x.peer) == peers.end()) peers.push_back(x.peer);
    auto& ctx = dc.z3();
    z3::expr ip = ctx.bv_const("source ip", 32), port = ctx.int_const("port"), kind = ctx.int_const("source kind");
    auto reach = [&](const NetworkReach& r) {
        z3::expr_vector listens(ctx), admits(ctx);
        for (auto p : r.ports) listens.push_back(port == ctx.int_val(p));
        for (const auto& x : r.rules) {
            z3::expr who = x.cidr ? (kind == 0 && in_cidr(ctx, ip, *x.cidr))
                                  : kind == ctx.int_val(static_cast<int>(std::find(peers.begin(), peers.end(), x.peer) - peers.begin()) + 1);
            admits.push_back(who && port >= ctx.int_val(x.from) && port <= ctx.int_val(x.to));
        }
        return z3::mk_or(listens) && z3::mk_or(admits);
    };
    auto ask = [&](const NetworkReach& allows, const NetworkReach& denies) -> std::optional<std::pair<std::variant<std::uint32_t, std::string>, std::uint16_t>> {
        z3::solver solver(ctx, z3::solver::simple());
        solver.add(kind >= 0 && kind <= static_cast<int>(peers.size()) && port >= 0 && port <= 65535);
        solver.add(reach(allows) && !reach(denies));
        auto r = check_within(solver, ctx.deadline());
        if (r == z3::unsat) return std::nullopt;
        if (r == z3::unknown)
            throw Unsupported("the solver answered unknown (" + unknown_reason(solver, ctx.deadline()) + ") on the network reach");
        auto m = solver.get_model();
        std::int64_t k = m.eval(kind, true).get_numeral_int64();
        auto p = static_cast<std::uint16_t>(m.eval(port, true).get_numeral_int64());
        std::variant<std::uint32_t, std::string> source;
        if (k == 0) source = static_cast<std::uint32_t>(m.eval(ip, true).get_numeral_uint64());
        else source = peers[static_cast<std::size_t>(k - 1)];
        // Re-checked concretely: NEW's rules admit it, OLD's do not.
        if (allows.admitting(source, p).empty() || !denies.admitting(source, p).empty())
            throw InternalError("the network-access witness does not reproduce");
        return std::pair{source, p};
    };
    auto source_text = [](const std::variant<std::uint32_t, std::string>& s) {
        return s.index() == 0 ? ip_text(std::get<std::uint32_t>(s)) : "members of " + std::get<std::string>(s);
    };
    auto source_json = [](const std::variant<std::uint32_t, std::string>& s) {
        return s.index() == 0 ? nlohmann::json{{"sourceIp", ip_text(std::get<std::uint32_t>(s))}} : nlohmann::json{{"sourcePeer", std::get<std::string>(s)}};
    };
    // The ingress rules that admit the witness, as model paths (rules are not policy statements).
    auto rule_paths = [](const std::vector<const NetworkReach::Rule*>& rules) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto* x : rules) out.push_back(x->path);
        return out;
    };
    try {
        if (auto w = ask(n, o)) {
            auto& f = dc.add(check, new_v, old_v, Change::new_access,
                             "NEW admits " + source_text(w->first) + " on TCP port " + std::to_string(w->second) + "; OLD did not", path);
            f.finding.witness = source_json(w->first);
            f.finding.witness["port"] = w->second;
            auto rules = n.admitting(w->first, w->second);
            f.finding.witness["admittedBy"] = rule_paths(rules);
            if (!rules.empty()) f.finding.path = rules.front()->path;
            f.finding.fix = "admit no source or port OLD did not";
            return;
        }
        dc.add(check, new_v, old_v, Change::no_new_access, "every source and port NEW admits, OLD admitted", path);
        if (auto w = ask(o, n)) {
            auto& f = dc.add(check, new_v, old_v, Change::access_removed,
                             "NEW no longer admits " + source_text(w->first) + " on TCP port " + std::to_string(w->second), path);
            f.finding.witness = source_json(w->first);
            f.finding.witness["port"] = w->second;
            f.finding.witness["admittedInOldBy"] = rule_paths(o.admitting(w->first, w->second));
        }
    } catch (const Unsupported& e) {
        dc.add(check, new_v, old_v, Change::undecided, std::string("not decided: ") + e.what(), path);
    }
}

// ---- connections: api-binding, function-callers, function-network, secret-key -----------------
//
// What connects subjects changes who reaches them even where no policy changes: an endpoint newly
// bound to an API, a route newly integrating a function, a function leaving its VPC, a secret
// re-encrypted with another key. Each connection is named by the deployed identity of what it
// connects to, so a connection OLD had to the same resource is no change.

// The targets `v` connects to, by deployed identity, each with the model path that makes it.
using Connections = std::map<std::string, std::string>;

// Whether one side's connection `key` is among `others`' (by default: the same key).
using CoveredBy = bool (*)(const std::string& key, const Connections& others);
inline bool same_connection(const std::string& key, const Connections& others) { return others.contains(key); }

// Reports the connections NEW has and OLD had not (new access, `what` names them), and those OLD
// had and NEW has not (access removed); `covered` says whether a side already had a connection.
inline void compare_connections(DiffContext& dc, const std::string& check, model::Vertex old_v, model::Vertex new_v,
                                const Connections& news, const Connections& olds, const std::string& what, const std::string& fix,
                                CoveredBy covered = same_connection) {
    const std::string path(dc.new_graph()[new_v].path);
    if (news == olds) return unchanged(dc, check, new_v, old_v, what, path);
    bool added = false;
    for (const auto& [key, at] : news) {
        if (covered(key, olds)) continue;
        added = true;
        auto& f = dc.add(check, new_v, old_v, Change::new_access, what + " in NEW include " + key + "; OLD's did not", at);
        f.finding.witness = {{"connectsTo", key}};
        f.finding.fix = fix;
    }
    if (!added) dc.add(check, new_v, old_v, Change::no_new_access, "every one of " + what + " in NEW was there in OLD", path);
    for (const auto& [key, at] : olds)
        if (!covered(key, news)) {
            auto& f = dc.add(check, new_v, old_v, Change::access_removed, what + " in NEW no longer include " + key, path);
            f.finding.witness = {{"connectsTo", key}};
        }
}

// api-binding: the endpoints an API is bound to. A bound endpoint gets the API's endpoint-specific
// name ("When you associate a VPC endpoint with your private API, API Gateway generates a new
// Route 53 alias record ... https://{rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com",
// API Gateway developer guide, "Associate or disassociate a VPC endpoint with a private REST API"):
// a new way in for that endpoint's clients, whatever the policy says of it.
inline void diff_binding(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    auto bound = [](const model::Graph& g, model::Vertex api) {
        Connections out;
        const auto& a = g.resource<model::RestApi>(api);
        for (auto e : g.out(api, model::EdgeKind::bound_to)) out.emplace(deployed_identity_key(g, e), a.path + "/vpcEndpoints");
        return out;
    };
    compare_connections(dc, "api-binding", old_v, new_v, bound(dc.new_graph(), new_v), bound(dc.old_graph(), old_v),
                        "the endpoints the API is bound to", "bind the API to no endpoint OLD did not bind it to");
}

// function-callers: the routes whose requests run a function (by their API's deployed identity and
// the route's method and path). A route newly integrating it lets every caller the API admits run it.
inline void diff_callers(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    auto routes = [](const model::Graph& g, model::Vertex fn) {
        Connections out;
        for (auto r : g.in(fn, model::EdgeKind::integrates)) {
            const auto& route = g.resource<model::ApiRoute>(r);
            for (auto api : g.in(r, model::EdgeKind::contains))
                if (g[api].kind == model::VertexKind::rest_api) out.emplace(deployed_identity_key(g, api) + " " + route.key, route.path);
        }
        return out;
    };
    compare_connections(dc, "function-callers", old_v, new_v, routes(dc.new_graph(), new_v), routes(dc.old_graph(), old_v),
                        "the routes that run the function", "integrate the function with no route OLD did not");
}

// function-network: where a function's requests can go. In a VPC it reaches what its subnets'
// route tables send to a gateway endpoint (DynamoDB, S3) and nothing on the internet ("Lambda
// functions connected to a VPC ... can't access the internet unless the VPC provides access" —
// xc models no NAT gateway, and an internet gateway route gives a function no public address:
// "Connecting a function to a public subnet doesn't give it internet access or a public IP
// address", Lambda developer guide, "Enable internet access for VPC-connected Lambda functions").
// Outside any VPC it reaches the internet and every public AWS endpoint ("By default, Lambda runs
// your functions in a secure VPC with access to AWS services and the internet", Lambda developer
// guide, "Giving Lambda functions access to resources in an Amazon VPC").
inline void diff_function_network(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    static const std::string everywhere = "the internet and every public AWS endpoint (the function runs outside any VPC)";
    auto reach = [](const model::Graph& g, model::Vertex fn) {
        Connections out;
        const auto& f = g.resource<model::Lambda>(fn);
        if (g.out(fn, model::EdgeKind::in_vpc).empty()) {
            out.emplace(everywhere, f.path);
            return out;
        }
        for (auto subnet : g.out(fn, model::EdgeKind::in_subnet))
            for (auto table : g.out(subnet, model::EdgeKind::uses_route_table))
                for (auto target : g.out(table, model::EdgeKind::routes_to))
                    if (g[target].kind == model::VertexKind::vpc_endpoint)
                        out.emplace(deployed_identity_key(g, target) + " from " + g[subnet].id, f.path + "/network");
        return out;
    };
    Connections news = reach(dc.new_graph(), new_v), olds = reach(dc.old_graph(), old_v);
    // Outside a VPC a function reaches every service a gateway endpoint leads to (by its public
    // endpoint): moving into a VPC adds no destination.
    if (olds.contains(everywhere))
        for (const auto& [key, at] : news) olds.emplace(key, at);
    compare_connections(dc, "function-network", old_v, new_v, news, olds, "where the function's requests can go",
                        "keep the function in private subnets routed only where OLD's were");
}

// secret-key: the key that encrypts a secret. A reader needs kms:Decrypt on it too, so another key
// admits whom its policy admits: compared as key-access compares one key with its former self,
// the new key's policy against the old key's. The AWS-managed key aws/secretsmanager has a policy
// xc does not model (it has none in the model): a change to or from it is UNDECIDED.
inline void diff_secret_key(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    const std::string check = "secret-key";
    auto nk = dc.new_graph().out(new_v, model::EdgeKind::encrypted_by);
    auto ok = dc.old_graph().out(old_v, model::EdgeKind::encrypted_by);
    auto key_of = [](const model::Graph& g, std::span<const model::Vertex> k) {
        return k.empty() ? std::string("the AWS-managed key aws/secretsmanager") : deployed_identity_key(g, k.front());
    };
    const std::string nkey = key_of(dc.new_graph(), nk), okey = key_of(dc.old_graph(), ok);
    const std::string path(dc.new_graph()[new_v].path);
    if (nkey == okey) return unchanged(dc, check, new_v, old_v, "the key that encrypts the secret", path);
    if (nk.empty() || ok.empty()) {
        dc.add(check, new_v, old_v, Change::undecided,
               "not compared: the secret is encrypted with " + nkey + " in NEW and " + okey + " in OLD; xc has no policy of the AWS-managed key",
               path);
        return;
    }
    const auto& npol = dc.new_graph().resource<model::KmsKey>(nk.front()).policy;
    const auto& opol = dc.old_graph().resource<model::KmsKey>(ok.front()).policy;
    const std::size_t first = dc.report().findings.size();
    diff_resource_policy(dc, check, ok.front(), nk.front(), &npol, &opol, RequestPath::unspecified, "kms",
                         "the secret's key's policy (" + nkey + " in NEW, " + okey + " in OLD)", {"kms:Decrypt"});
    // The findings are the secret's: its subject and definition.
    for (std::size_t i = first; i < dc.report().findings.size(); ++i) {
        auto& f = dc.report().findings[i];
        f.finding.subject = dc.new_graph()[new_v].id;
        f.finding.scope = dc.new_graph()[new_v].scope;
    }
}

// ---- names and TLS: name-resolution, tls-names, load-balancer-routing ---------------------------
//
// Who reaches a load balancer, and where it sends them, also follows from names: which names
// resolve where and for whom, which names the edge answers TLS for, and which targets a listener
// forwards to.

// name-resolution: what a hosted zone answers and to whom, and whether an interface endpoint's
// private DNS name answers in its VPC. "To get an answer from a private hosted zone you also have to
// be running an EC2 instance in one of the associated VPCs" (Route 53 developer guide, "Working with
// private hosted zones"); a public zone answers anyone on the internet. A name newly resolving to a
// load balancer, a zone newly answering in a VPC or publicly, an endpoint newly taking its
// service's public names in its VPC ("With private DNS enabled ... requests to the default DNS name
// of the service resolve to the endpoint", AWS PrivateLink guide, "DNS hostnames") is new access.
inline void diff_names(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    auto answers = [](const model::Graph& g, model::Vertex v) {
        Connections out;
        if (g[v].kind == model::VertexKind::vpc_endpoint) {
            const auto& e = g.resource<model::VpcEndpoint>(v);
            if (e.private_dns) out.emplace("the public names of " + e.service + " resolve to the endpoint in its VPC", e.path + "/privateDns");
            return out;
        }
        const auto& z = g.resource<model::HostedZone>(v);
        if (!z.is_private) out.emplace("anyone on the internet (public zone)", z.path + "/private");
        for (auto vpc : g.out(v, model::EdgeKind::associated_with)) out.emplace("clients in " + deployed_identity_key(g, vpc), z.path + "/vpcs");
        for (auto record : g.out(v, model::EdgeKind::contains)) {
            const auto& r = g.resource<model::AliasRecord>(record);
            for (auto lb : g.out(record, model::EdgeKind::resolves_to))
                out.emplace(policy::ascii_lower(r.fqdn) + " -> " + deployed_identity_key(g, lb), r.path);
        }
        return out;
    };
    compare_connections(dc, "name-resolution", old_v, new_v, answers(dc.new_graph(), new_v), answers(dc.old_graph(), old_v),
                        "the answers and audience of its names", "resolve no name to a target, and for no client, OLD did not");
}

// A "<listener> TLS for <name>" connection is covered by one of the same listener for a name whose
// pattern covers it (a wildcard covers exactly one label, name_covers): a certificate for
// *.example.com that becomes one for food.example.com presents no new name.
inline bool tls_name_covered(const std::string& key, const Connections& others) {
    static const std::string sep = " TLS for ";
    const auto at = key.find(sep);
    if (at == std::string::npos) return others.contains(key);
    const std::string scope = key.substr(0, at), name = key.substr(at + sep.size());
    for (auto it = others.lower_bound(scope + sep); it != others.end() && it->first.compare(0, scope.size() + sep.size(), scope + sep) == 0; ++it)
        if (name_covers(it->first.substr(scope.size() + sep.size()), name)) return true;
    return false;
}

// tls-names: the names a load balancer's listeners and a custom domain answer TLS for (a
// certificate's domain and alternative names), and each listener that answers without TLS. "To use
// an HTTPS listener, you must deploy at least one SSL/TLS server certificate on your load balancer"
// (ELB guide, "SSL certificates for your Application Load Balancer"): a client that trusts a name
// reaches whatever presents a certificate for it; a plain HTTP listener reaches anyone on the path.
inline void diff_tls_names(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    auto names = [](const model::Graph& g, model::Vertex v) {
        Connections out;
        auto present = [&](const std::string& scope, model::Vertex presenter, const std::string& at) {
            for (auto c : g.out(presenter, model::EdgeKind::presents)) {
                const auto& cert = g.resource<model::Certificate>(c);
                out.emplace(scope + " TLS for " + policy::ascii_lower(cert.domain), at);
                for (const auto& alt : cert.alternative_names) out.emplace(scope + " TLS for " + policy::ascii_lower(alt), at);
            }
        };
        if (g[v].kind == model::VertexKind::custom_domain) {
            present("the domain", v, g.resource<model::CustomDomain>(v).path + "/certificate");
            return out;
        }
        for (auto li : g.out(v, model::EdgeKind::contains)) {
            if (g[li].kind != model::VertexKind::listener) continue;
            const auto& l = g.resource<model::Listener>(li);
            const std::string scope = l.protocol + ":" + std::to_string(l.port);
            if (l.protocol == "HTTP") out.emplace(scope + " answers without TLS", l.path);
            present(scope, li, l.path + "/certificates");
        }
        return out;
    };
    compare_connections(dc, "tls-names", old_v, new_v, names(dc.new_graph(), new_v), names(dc.old_graph(), old_v),
                        "the names answered with TLS (and listeners without it)", "present certificates for no name OLD did not; keep every listener on TLS",
                        tls_name_covered);
}

// load-balancer-routing: the targets each listener port forwards to. A client chooses the Host
// header and path it sends, and a listener "evaluates the request against each rule in priority
// order ... If none of the conditions for the other rules are met, then the action for the default
// rule is performed" (ELB guide, "Listener rules for your Application Load Balancer"): what a
// client of the load balancer reaches on a port is every target a rule or the default action of
// that port's listener forwards to.
inline void diff_routing(DiffContext& dc, model::Vertex old_v, model::Vertex new_v) {
    auto targets = [](const model::Graph& g, model::Vertex lb) {
        Connections out;
        for (auto li : g.out(lb, model::EdgeKind::contains)) {
            if (g[li].kind != model::VertexKind::listener) continue;
            const auto& l = g.resource<model::Listener>(li);
            for (auto tg : g.out(li, model::EdgeKind::forwards_to))
                for (auto target : g.out(tg, model::EdgeKind::forwards_to))
                    out.emplace(l.protocol + ":" + std::to_string(l.port) + " -> " + deployed_identity_key(g, target), l.path);
        }
        return out;
    };
    compare_connections(dc, "load-balancer-routing", old_v, new_v, targets(dc.new_graph(), new_v), targets(dc.old_graph(), old_v),
                        "the targets its listeners forward to", "forward no listener port to a target OLD did not");
}

}  // namespace detail

// ---- the checks ------------------------------------------------------------------------------

// One row per kind of subject a diff compares: the id reports, --properties/--skip and SARIF rules use.
struct DiffCheck {
    std::string_view id;
    std::string_view title;
    std::string_view description;
    std::string_view rule_name;
    std::string_view help;
    std::string_view security_severity;
    bool (*selects)(const model::Graph&, model::Vertex);  // the vertices it compares
    void (*run)(detail::DiffContext&, model::Vertex old_v, model::Vertex new_v);
};

namespace detail {
inline bool is_kind(const model::Graph& g, model::Vertex v, model::VertexKind k) { return g[v].kind == k; }
}  // namespace detail

inline constexpr std::array<DiffCheck, 18> diff_checks{{
    {"api-access", "No new request reaches an API",
     "Every request (anonymous caller, any action, stage, method, path and context through an interface endpoint) that NEW's "
     "API resource policy allows, OLD's allowed; a PRIVATE API stays PRIVATE.",
     "NoNewApiAccess",
     "Narrow the API's resource policy back to what OLD allowed, or accept the change deliberately: the witness is a request "
     "NEW lets in that OLD kept out.",
     "9.1",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::rest_api); }, detail::diff_api},
    {"domain-access", "No new request reaches a private custom domain",
     "Every request on a private custom domain's ARN that NEW's domain policy allows, OLD's allowed.", "NoNewDomainAccess",
     "Narrow the domain's policy back to what OLD allowed; the witness is a request NEW lets in.", "9.1",
     [](const model::Graph& g, model::Vertex v) {
         return detail::is_kind(g, v, model::VertexKind::custom_domain) && g.resource<model::CustomDomain>(v).endpoint_type == model::ApiEndpointType::PRIVATE;
     },
     detail::diff_domain},
    {"endpoint-access", "No new request passes an execute-api endpoint",
     "Every request (any caller, action and resource) that NEW's interface endpoint policy lets through, OLD's did (no policy: "
     "AWS's full access).",
     "NoNewEndpointAccess", "Narrow the endpoint policy back to what OLD let through; the witness is a request NEW lets pass.", "6.5",
     [](const model::Graph& g, model::Vertex v) {
         if (!detail::is_kind(g, v, model::VertexKind::vpc_endpoint)) return false;
         const auto& e = g.resource<model::VpcEndpoint>(v);
         return e.type == model::EndpointType::interface && e.service == "execute-api";
     },
     detail::diff_endpoint},
    {"secret-access", "No new reader of a secret",
     "Every request on a secret (any caller, any action) that NEW's secret policy allows, OLD's allowed — with the caller's "
     "identity policies allowing it or granting nothing.",
     "NoNewSecretAccess", "Grant on the secret no more than OLD did; the witness is a request NEW lets in.", "7.5",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::secret); }, detail::diff_secret},
    {"key-access", "No new user of a KMS key",
     "Every request on a KMS key (any caller, any action, any context) that NEW's key policy allows, OLD's allowed — with the "
     "caller's identity policies allowing it or granting nothing.",
     "NoNewKeyAccess", "Grant on the key no more than OLD did; the witness is a request NEW lets in.", "7.5",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::kms_key); }, detail::diff_key},
    {"data-access", "No new DynamoDB access for a role",
     "Every DynamoDB request by a session of the role that NEW's inline and attached managed policies allow, OLD's allowed.",
     "NoNewDataAccess", "Grant the role no more on DynamoDB than OLD did; the witness is a request NEW allows.", "6.4",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::role); }, detail::diff_role},
    {"role-access", "No new access for a role beyond DynamoDB",
     "Every request but DynamoDB's (any action, resource and context) by a session of the role that NEW's inline and attached "
     "managed policies allow, OLD's allowed.",
     "NoNewRoleAccess", "Grant the role no more than OLD did; the witness is a request NEW allows.", "6.4",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::role); }, detail::diff_role_other},
    {"trust-access", "No new principal may assume a role",
     "Every request on the role (any caller, any action, any context) that NEW's trust policy allows, OLD's allowed — with the "
     "caller's identity policies allowing it or granting nothing.",
     "NoNewTrustAccess", "Let no principal assume the role that OLD did not let; the witness is a request NEW allows.", "8.0",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::role); }, detail::diff_trust},
    {"function-role", "No new access for a function through another role",
     "A function that runs as another role in NEW may make no request (any action, resource and context) that the role it ran "
     "as in OLD might not.",
     "NoNewFunctionRoleAccess", "Run the function as a role that grants no more than the one it ran as in OLD.", "6.4",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::lambda); }, detail::diff_function_role},
    {"network-access", "No new source reaches a load balancer or an endpoint",
     "Every TCP source (address, security group or prefix list) and port that NEW lets reach a load balancer (its listeners) "
     "or an interface endpoint (443) through their security groups, OLD let; an internal load balancer stays internal.",
     "NoNewNetworkAccess", "Admit no source or port OLD did not; keep the load balancer internal.", "8.2",
     [](const model::Graph& g, model::Vertex v) {
         if (detail::is_kind(g, v, model::VertexKind::load_balancer)) return true;
         return detail::is_kind(g, v, model::VertexKind::vpc_endpoint) && g.resource<model::VpcEndpoint>(v).type == model::EndpointType::interface;
     },
     detail::diff_network},
    {"api-binding", "No new endpoint bound to an API",
     "Every interface endpoint NEW binds a REST API to (endpoint configuration), OLD bound it to: a bound endpoint's clients "
     "reach the API by its endpoint-specific name.",
     "NoNewApiBinding", "Bind the API to no endpoint OLD did not bind it to.", "6.5",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::rest_api); }, detail::diff_binding},
    {"function-callers", "No new route runs a Lambda",
     "Every route (API by deployed identity, method and path) whose requests run the function in NEW, ran it in OLD.",
     "NoNewFunctionCallers", "Integrate the function with no route OLD did not.", "6.5",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::lambda); }, detail::diff_callers},
    {"function-network", "No new network reach for a Lambda",
     "Every place a function's requests can go in NEW (a gateway endpoint its subnets route to; the internet and public AWS "
     "endpoints outside a VPC), they could go in OLD.",
     "NoNewFunctionNetwork", "Keep the function in private subnets routed only where OLD's were.", "6.4",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::lambda); }, detail::diff_function_network},
    {"secret-key", "No new decrypter of a secret through another key",
     "A secret encrypted with another KMS key in NEW: every request that key's policy allows, the old key's allowed (the "
     "AWS-managed key on one side: UNDECIDED).",
     "NoNewSecretKeyAccess", "Encrypt the secret with a key whose policy grants no more than the old key's.", "7.5",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::secret); }, detail::diff_secret_key},
    {"name-resolution", "No name newly resolves, or resolves for someone new",
     "Every answer a hosted zone gives in NEW (a name to a load balancer) and every audience it answers (associated VPCs, the "
     "internet for a public zone), it gave in OLD; an interface endpoint takes its service's public names in its VPC only if it did.",
     "NoNewNameResolution", "Resolve no name to a target, and for no client, that OLD did not.", "6.5",
     [](const model::Graph& g, model::Vertex v) {
         if (detail::is_kind(g, v, model::VertexKind::hosted_zone)) return true;
         return detail::is_kind(g, v, model::VertexKind::vpc_endpoint) && g.resource<model::VpcEndpoint>(v).type == model::EndpointType::interface;
     },
     detail::diff_names},
    {"tls-names", "No new name answered with TLS, no listener without it",
     "Every name a load balancer's listeners or a custom domain present a certificate for in NEW, a certificate covered in OLD; "
     "no listener answers without TLS that did not.",
     "NoNewTlsNames", "Present certificates for no name OLD did not; keep every listener on TLS.", "5.9",
     [](const model::Graph& g, model::Vertex v) {
         return detail::is_kind(g, v, model::VertexKind::load_balancer) || detail::is_kind(g, v, model::VertexKind::custom_domain);
     },
     detail::diff_tls_names},
    {"load-balancer-routing", "No new target behind a load balancer",
     "Every target (by deployed identity) a listener port forwards to in NEW, by a rule or its default action, it forwarded to in OLD.",
     "NoNewLoadBalancerRouting", "Forward no listener port to a target OLD did not.", "6.5",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::load_balancer); }, detail::diff_routing},
    {"invoke-access", "No new invoker of a Lambda",
     "Every principal, source account and source ARN that NEW's invoke permissions admit, OLD's admitted.", "NoNewInvokeAccess",
     "Grant lambda:InvokeFunction to no principal or source OLD did not admit.", "7.3",
     [](const model::Graph& g, model::Vertex v) { return detail::is_kind(g, v, model::VertexKind::lambda); }, detail::diff_lambda},
}};

inline const DiffCheck* find_diff_check(std::string_view id) {
    auto it = std::find_if(diff_checks.begin(), diff_checks.end(), [&](const DiffCheck& c) { return c.id == id; });
    return it == diff_checks.end() ? nullptr : &*it;
}

// What identifies a subject across the two models: its kind and deployed ARN (assigned parts by
// their owner); the graph id where a resource has no ARN.
inline std::string deployed_identity(const model::Graph& g, model::Vertex v) { return detail::deployed_identity_key(g, v); }

// Compare OLD and NEW check by check, subject by subject (NEW's subjects in graph order, then
// the subjects OLD has and NEW does not). `options.only` / `skip` select diff checks by id.
inline DiffReport diff(const model::Graph& old_graph, const model::Graph& new_graph, const VerifyOptions& options = {}) {
    detail::DiffContext dc(old_graph, new_graph, options);
    const UnresolvedIndex old_unresolved(old_graph), new_unresolved(new_graph);
    for (const auto& check : diff_checks) {
        if (!dc.enabled(check.id)) continue;
        const std::string id(check.id);
        // Two subjects with one deployed identity on a side cannot be told apart: neither is
        // compared as if it were the other (UNDECIDED).
        std::map<std::string, model::Vertex> olds;
        std::set<std::string> ambiguous;
        for (auto v : boost::make_iterator_range(boost::vertices(old_graph.boost())))
            if (check.selects(old_graph, v) && !olds.emplace(deployed_identity(old_graph, v), v).second)
                ambiguous.insert(deployed_identity(old_graph, v));
        std::set<std::string> seen;
        for (auto v : boost::make_iterator_range(boost::vertices(new_graph.boost())))
            if (check.selects(new_graph, v) && !seen.insert(deployed_identity(new_graph, v)).second) ambiguous.insert(deployed_identity(new_graph, v));
        for (auto v : boost::make_iterator_range(boost::vertices(new_graph.boost()))) {
            if (!check.selects(new_graph, v)) continue;
            const std::string key = deployed_identity(new_graph, v);
            if (ambiguous.contains(key)) {
                dc.add(id, v, std::nullopt, Change::undecided, "not compared: more than one subject has the deployed identity " + key);
                continue;
            }
            auto it = olds.find(key);
            if (it == olds.end()) {
                dc.add(id, v, std::nullopt, Change::added,
                       "added in NEW (" + key + "): not compared — every access to it is new; `xc verify` proves its properties");
                continue;
            }
            if (dc.run_deadline().expired()) {
                dc.add(id, v, it->second, Change::undecided, "not compared: " + dc.run_deadline().what() + " before this comparison");
                continue;
            }
            dc.begin_check();
            const std::size_t first = dc.report().findings.size();
            check.run(dc, it->second, v);
            // A side that holds what its front end could not resolve decides nothing (dependencies.hpp)
            // — except that what is identical on both sides, unknowns included, decides alike: an
            // unknown of one origin at one place takes one value, as both sides are read against
            // the same world (a certificate given by ARN names the same names in OLD and NEW).
            if (!old_unresolved.empty() || !new_unresolved.empty()) {
                auto items = new_unresolved.affecting(v);
                const auto old_items = old_unresolved.affecting(it->second);
                const bool same_unknowns = std::equal(items.begin(), items.end(), old_items.begin(), old_items.end(),
                                                      [](const model::Unresolved* a, const model::Unresolved* b) { return *a == *b; });
                for (const auto* o : old_items)
                    if (std::none_of(items.begin(), items.end(), [&](const model::Unresolved* n) { return *n == *o; })) items.push_back(o);
                for (std::size_t i = first; i < dc.report().findings.size(); ++i) {
                    auto& f = dc.report().findings[i];
                    if (f.unchanged && same_unknowns) continue;
                    if (mark_unresolved(f.finding, items)) f.change = Change::undecided;
                }
            }
        }
        for (const auto& [key, v] : olds)
            if (!seen.contains(key)) dc.add_removed(id, v, "removed in NEW (" + key + "): every access OLD granted to it is gone");
    }
    return std::move(dc.report());
}

}  // namespace xc::verify
