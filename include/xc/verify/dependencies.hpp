// What a check's verdict depends on, and the unresolved values among it (model/unresolved.hpp).
//
// A front end that reads a deployment records what it could not resolve on the resource it
// affects; the model then holds a placeholder there. A verdict computed over a placeholder proves
// nothing about the deployment — whichever way it came out — so every finding of a check whose
// dependencies carry an unresolved item is UNDECIDED, naming the items.
//
// The dependencies of a subject over-approximate what its checks read: everything reachable from
// the subject along the graph's edges (its policies, endpoints, domain, secret, key, role,
// tables, VPC placement; not from an API to the functions behind it), from the consumer's whole scope for the checks that follow a
// request through it (endpoint-only, liveness, DNS/TLS, network), from the APIs that take their
// allowlist from a secret, and from the functions that run as a role; a function's checks also
// read the APIs and routes that integrate it (their identity). An item on an account, or on a
// path that is no resource's (the model's region, say), affects every check.
// Over-approximating costs precision, never soundness: a check may end UNDECIDED for an item it
// did not read, never PROVED or VIOLATED over one it did.
#pragma once

#include <xc/model/graph.hpp>
#include <xc/verify/properties.hpp>

#include <boost/graph/adjacency_list.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace xc::verify {

class UnresolvedIndex {
public:
    explicit UnresolvedIndex(const model::Graph& g) : g_(g) {
        const auto& items = g.model().unresolved;
        if (items.empty()) return;
        std::map<std::string_view, model::Vertex> by_path;
        for (auto v : boost::make_iterator_range(boost::vertices(g.boost())))
            if (!g[v].path.empty()) by_path.emplace(g[v].path, v);
        for (const auto& item : items) {
            auto v = owner(by_path, item.resource);
            if (v && g[*v].kind != model::VertexKind::account) on_vertex_[*v].push_back(&item);
            else everywhere_.push_back(&item);
        }
    }

    bool empty() const { return on_vertex_.empty() && everywhere_.empty(); }

    // The unresolved items what `subject` itself holds and reaches depends on (diff's comparisons
    // of one resource with its former self), in the model's order.
    std::vector<const model::Unresolved*> affecting(model::Vertex subject) const {
        std::vector<const model::Unresolved*> out = everywhere_;
        if (on_vertex_.empty()) return out;
        std::unordered_set<model::Vertex> seen;
        closure({subject}, seen, nullptr);
        return with_items_of(seen, nullptr, std::move(out));
    }

    // The unresolved items a check of `kind` on `subject` depends on, in the model's order.
    std::vector<const model::Unresolved*> affecting(SubjectKind kind, model::Vertex subject) const {
        std::vector<const model::Unresolved*> out = everywhere_;
        if (on_vertex_.empty()) return out;
        std::unordered_set<model::Vertex> seen;
        std::vector<model::Vertex> roots{subject};
        const bool through_consumer = kind == SubjectKind::private_api || kind == SubjectKind::model;
        switch (kind) {
            case SubjectKind::private_api:
            case SubjectKind::model: break;  // the consumer's closure: consumer_closure()
            case SubjectKind::shared_secret:
                for (auto api : g_.in(subject, model::EdgeKind::reads_secret)) roots.push_back(api);
                break;
            case SubjectKind::shared_key:
                // Its scope is read against the ARNs of the secrets it encrypts, not what they reach.
                for (auto secret : g_.in(subject, model::EdgeKind::encrypted_by)) seen.insert(secret);
                break;
            case SubjectKind::lambda:
                // Its invoke permissions are read against the identity of the APIs and routes that
                // integrate it, not against what those reach.
                for (auto route : g_.in(subject, model::EdgeKind::integrates)) seen.insert(route);
                for (auto api : g_.in(subject, model::EdgeKind::may_invoke)) seen.insert(api);
                break;
            case SubjectKind::role:
                for (auto fn : g_.in(subject, model::EdgeKind::executes_as)) roots.push_back(fn);
                break;
        }
        // What the consumer's closure holds is counted once, not walked again per subject.
        const std::vector<bool>* consumer = through_consumer ? &consumer_closure() : nullptr;
        closure(roots, seen, consumer);
        return with_items_of(seen, consumer ? &consumer_items_ : nullptr, std::move(out));
    }

private:
    // `out`, then the items on `seen` and `more`, in the model's order.
    std::vector<const model::Unresolved*> with_items_of(const std::unordered_set<model::Vertex>& seen,
                                                        const std::vector<const model::Unresolved*>* more,
                                                        std::vector<const model::Unresolved*> out) const {
        std::vector<const model::Unresolved*> found;
        for (auto v : seen)
            if (auto it = on_vertex_.find(v); it != on_vertex_.end()) found.insert(found.end(), it->second.begin(), it->second.end());
        if (more) found.insert(found.end(), more->begin(), more->end());
        std::sort(found.begin(), found.end());  // model order: the items live in one vector
        found.erase(std::unique(found.begin(), found.end()), found.end());
        out.insert(out.end(), found.begin(), found.end());
        return out;
    }

    // Every vertex reachable from `roots` along out-edges, into `seen`; vertices `skip` marks
    // (and what lies beyond them) are left out.
    void closure(const std::vector<model::Vertex>& roots, std::unordered_set<model::Vertex>& seen, const std::vector<bool>* skip) const {
        std::vector<model::Vertex> stack;
        auto visit = [&](model::Vertex v) {
            if ((!skip || !(*skip)[v]) && seen.insert(v).second) stack.push_back(v);
        };
        for (auto r : roots) visit(r);
        while (!stack.empty()) {
            auto v = stack.back();
            stack.pop_back();
            for (auto e : boost::make_iterator_range(boost::out_edges(v, g_.boost())))
                if (!leads_to_compute(g_.boost()[e].kind)) visit(boost::target(e, g_.boost()));
        }
    }

    // From an API to the functions behind it: no check of an API, secret or network reads what
    // a function does or may reach (a function's own checks start from the function).
    static bool leads_to_compute(model::EdgeKind k) { return k == model::EdgeKind::integrates || k == model::EdgeKind::may_invoke; }

    // The closure of the consumer's scope (once), and the items on it.
    const std::vector<bool>& consumer_closure() const {
        if (consumer_.empty()) {
            std::vector<model::Vertex> roots;
            for (auto v : boost::make_iterator_range(boost::vertices(g_.boost())))
                if (g_[v].scope == g_.model().consumer.name) roots.push_back(v);
            std::unordered_set<model::Vertex> seen;
            closure(roots, seen, nullptr);
            consumer_.assign(g_.vertex_count(), false);
            for (auto v : seen) {
                consumer_[v] = true;
                if (auto it = on_vertex_.find(v); it != on_vertex_.end())
                    consumer_items_.insert(consumer_items_.end(), it->second.begin(), it->second.end());
            }
        }
        return consumer_;
    }

    // The resource a model path is in: the vertex of that path, else of its longest prefix
    // ending at a '/' ("/services/a/lambdas/f/invokePermissions/0" is the function's).
    static std::optional<model::Vertex> owner(const std::map<std::string_view, model::Vertex>& by_path, std::string_view path) {
        while (!path.empty()) {
            if (auto it = by_path.find(path); it != by_path.end()) return it->second;
            auto slash = path.rfind('/');
            if (slash == std::string_view::npos) break;
            path = path.substr(0, slash);
        }
        return std::nullopt;
    }

    const model::Graph& g_;
    std::map<model::Vertex, std::vector<const model::Unresolved*>> on_vertex_;
    std::vector<const model::Unresolved*> everywhere_;
    mutable std::vector<bool> consumer_;  // lazily: consumer_closure()
    mutable std::vector<const model::Unresolved*> consumer_items_;
};

// Model values that exactly one property reads (on one kind of subject, where only that kind's
// check reads it): an unresolved item on such a value (its `value` path) leaves every other
// finding as it is. Kept next to the code that reads them:
//   a function's handler (what its code does): the actions its role needs, lambda-data on the
//     role (lambda_properties.hpp, needed_actions in check_role_data_access; the function's own
//     lambda-data check, check_lambda_network, reads its subnets and routes, not its handler);
//   a certificate's names: whether TLS covers a name, dns-tls (edge_properties.hpp, certificate_covers).
struct SingleReader {
    std::string_view collection;  // the value's resource is in this collection
    std::string_view field;       // the value's path ends with this
    std::string_view property;
    std::optional<SubjectKind> subject = std::nullopt;  // only findings on subjects of this kind
};
inline const SingleReader single_readers[] = {
    {"/lambdas/", "/handler", "lambda-data", SubjectKind::role},
    {"/certificates/", "/domain", "dns-tls"},
    {"/certificates/", "/alternativeNames", "dns-tls"},
};

// Whether `item` can change a finding of `property` on a subject of kind `subject` (unknown
// kind: any).
inline bool may_affect(const model::Unresolved& item, std::string_view property, std::optional<SubjectKind> subject = std::nullopt) {
    for (const auto& r : single_readers)
        if (item.resource.find(r.collection) != std::string::npos && item.value.size() > r.field.size() &&
            std::string_view(item.value).substr(item.value.size() - r.field.size()) == r.field)
            return r.property == property && (!r.subject || !subject || *r.subject == *subject);
    return true;
}

// The items of `items` that can change a finding of `property` on a subject of kind `subject`.
inline std::vector<const model::Unresolved*> affecting_property(const std::vector<const model::Unresolved*>& items, std::string_view property,
                                                                std::optional<SubjectKind> subject = std::nullopt) {
    std::vector<const model::Unresolved*> out;
    for (const auto* i : items)
        if (may_affect(*i, property, subject)) out.push_back(i);
    return out;
}

// A finding of a check whose dependencies carry `items`: UNDECIDED, naming each item; what the
// check found over the placeholders is said, not reported as a verdict. True if it changed.
inline bool mark_unresolved(Finding& f, const std::vector<const model::Unresolved*>& items) {
    if (items.empty()) return false;
    std::string because = "depends on what xc could not resolve: ";
    nlohmann::json unresolved = nlohmann::json::array();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) because += "; ";
        because += items[i]->origin;
        if (!items[i]->reason.empty()) because += " (" + items[i]->reason + ")";
        unresolved.push_back({{"origin", items[i]->origin}, {"reason", items[i]->reason}, {"resource", items[i]->resource}, {"value", items[i]->value}});
    }
    f.message = because + " [with placeholders: " + std::string(to_string(f.verdict)) + ": " + f.message + "]";
    f.verdict = Verdict::undecided;
    f.witness = nlohmann::json{{"unresolved", std::move(unresolved)}};
    f.statements.clear();
    f.fix.clear();
    return true;
}

}  // namespace xc::verify
