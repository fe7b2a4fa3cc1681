// The architecture as a typed graph (Boost.Graph), shared by the verifier and the emitters.
//
// Vertices are resources of a closed set of kinds, each pointing at its definition in the
// model; edges are typed relations. The graph owns (shares) the model, so a vertex's resource
// pointer lives as long as the graph.
#pragma once

#include <xc/detail/parallel.hpp>
#include <xc/model/identity.hpp>
#include <xc/model/model.hpp>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/range/iterator_range.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace xc::model {

enum class VertexKind {
    account, vpc, subnet, route_table, internet_gateway, security_group, vpc_endpoint, load_balancer, listener,
    target_group, certificate, hosted_zone, alias_record, kms_key, secret, instance, table, role, lambda, rest_api,
    api_route, custom_domain,
};
inline constexpr std::size_t vertex_kind_count = 22;

enum class EdgeKind {
    contains,           // account -> resource; VPC -> subnet/route table/IGW; LB -> listener/target group; ...
    in_vpc,             // security group / endpoint / load balancer / instance / Lambda -> VPC
    in_subnet,          // endpoint / load balancer / instance / Lambda -> subnet
    uses_route_table,   // subnet / gateway endpoint -> route table
    routes_to,          // route table -> internet gateway / gateway endpoint (a route)
    guarded_by,         // endpoint / load balancer / instance / Lambda -> security group
    admits_from,        // security group -> security group its ingress admits
    sends_to,           // security group -> security group / gateway endpoint (prefix list) its egress allows
    forwards_to,        // listener -> target group; target group -> endpoint
    presents,           // listener / custom domain -> certificate
    resolves_to,        // alias record -> load balancer
    associated_with,    // hosted zone -> VPC
    addresses,          // alias record -> custom domain whose name it is
    bound_to,           // REST API -> VPC endpoint (endpoint configuration)
    access_association, // custom domain -> VPC endpoint
    has_domain,         // REST API -> custom domain
    integrates,         // route -> Lambda
    may_invoke,         // REST API -> Lambda (an invoke permission names the API)
    executes_as,        // Lambda -> role
    uses_table,         // Lambda -> table
    encrypted_by,       // secret -> KMS key
    holds_id_of,        // secret -> VPC endpoint (its value)
    reads_secret,       // REST API -> secret it takes its endpoint id from
};
inline constexpr std::size_t edge_kind_count = 23;

inline std::string_view to_string(VertexKind k) {
    static constexpr std::array<std::string_view, vertex_kind_count> names{
        "account", "vpc", "subnet", "route-table", "internet-gateway", "security-group", "vpc-endpoint",
        "load-balancer", "listener", "target-group", "certificate", "hosted-zone", "alias-record", "kms-key",
        "secret", "instance", "table", "role", "lambda", "rest-api", "api-route", "custom-domain"};
    return names[static_cast<std::size_t>(k)];
}

inline std::string_view to_string(EdgeKind k) {
    static constexpr std::array<std::string_view, edge_kind_count> names{
        "contains", "in-vpc", "in-subnet", "uses-route-table", "routes-to", "guarded-by", "admits-from",
        "sends-to", "forwards-to", "presents", "resolves-to", "associated-with", "addresses", "bound-to",
        "access-association", "has-domain", "integrates", "may-invoke", "executes-as", "uses-table",
        "encrypted-by", "holds-id-of", "reads-secret"};
    return names[static_cast<std::size_t>(k)];
}

// A VPC's internet gateway (the model states it as a flag on the VPC).
struct InternetGateway {
    const Vpc* vpc;
};

// What a vertex stands for (a pointer into the graph's model).
using Resource = std::variant<const Account*, const Vpc*, const Subnet*, const RouteTable*, InternetGateway,
                              const SecurityGroup*, const VpcEndpoint*, const LoadBalancer*, const Listener*,
                              const TargetGroup*, const Certificate*, const HostedZone*, const AliasRecord*,
                              const KmsKey*, const Secret*, const Instance*, const Table*, const Role*, const Lambda*,
                              const RestApi*, const ApiRoute*, const CustomDomain*>;

struct VertexData {
    VertexKind kind{};
    std::string id;         // unique: "<scope>/<kind>/<name>", nested names joined with '/'
    std::string scope;      // "consumer" or a service name ("" for an account)
    std::string account;    // account name
    // JSON Pointer of the definition: a view of the model's (the graph keeps the model) or, for an
    // internet gateway, of the graph's own; a vertex makes no copy.
    std::string_view path;
    Resource resource;
    // Its deployed names, id and ARN (model/identity.hpp), read through Graph::identity; null for
    // what has none (most vertices: a vertex is 200 bytes smaller than with one inline). Copies
    // of the graph share it, as they share the model.
    std::shared_ptr<const Identity> deployed;
};

struct EdgeData {
    EdgeKind kind{};
};

// The graph is built once and never changed after: its edges are held in compressed rows (each
// vertex's out-edges side by side, by kind and, within a kind, in the order they were added), three
// flat arrays for the whole graph; Graph::out reads a kind's run of a row. An adjacency list held
// two vectors of edges per vertex (out and in) and a list of all edges besides: a fifth of a large
// graph's memory and a quarter of its allocations. Edges a reader follows backwards are found
// through Graph::in.
using BoostGraph = boost::compressed_sparse_row_graph<boost::directedS, VertexData, EdgeData>;
using Vertex = BoostGraph::vertex_descriptor;

namespace detail {

// Vertices by a key, in one open-addressing table of (code, vertex) slots: one allocation for
// the whole table, where a node-based map made one per vertex. The code is the key's hash, and
// `same(vertex)` tells the key read from a stored vertex from another of the same code (the key
// itself is not stored); where the code is the key (an address), no `same` is needed. The
// graph's index of ids and its builder's index of resource addresses are both this table.
class VertexTable {
public:
    struct SameCode {
        bool operator()(Vertex) const { return true; }
    };
    void reserve(std::size_t n) {
        bits_ = 4;
        while ((std::size_t{1} << bits_) < 2 * n) ++bits_;
        slots_.assign(std::size_t{1} << bits_, Slot{});
    }
    // `v` under `code`, unless a vertex of the same key is there (the first is kept).
    template <class Same = SameCode>
    void insert(std::uint64_t code, Vertex v, Same same = {}) {
        for (std::size_t i = slot(code);; i = (i + 1) & mask()) {
            Slot& s = slots_[i];
            if (s.vertex == none) {
                s = Slot{code, static_cast<std::uint32_t>(v)};
                return;
            }
            if (s.code == code && same(Vertex{s.vertex})) return;
        }
    }
    template <class Same = SameCode>
    std::optional<Vertex> find(std::uint64_t code, Same same = {}) const {
        if (slots_.empty()) return std::nullopt;
        for (std::size_t i = slot(code);; i = (i + 1) & mask()) {
            const Slot& s = slots_[i];
            if (s.vertex == none) return std::nullopt;
            if (s.code == code && same(Vertex{s.vertex})) return Vertex{s.vertex};
        }
    }
    bool empty() const { return slots_.empty(); }

private:
    static constexpr std::uint32_t none = ~std::uint32_t{0};  // graphs have fewer than 4G vertices
    struct Slot {
        std::uint64_t code = 0;
        std::uint32_t vertex = none;
    };
    std::size_t mask() const { return slots_.size() - 1; }
    std::size_t slot(std::uint64_t code) const {  // Fibonacci hashing: the top bits of code * 2^64/phi
        return static_cast<std::size_t>((code * 0x9E3779B97F4A7C15ull) >> (64 - bits_));
    }
    std::vector<Slot> slots_;
    unsigned bits_ = 0;
};

}  // namespace detail

// The end-to-end path of a request from a client in the consumer VPC to an API.
struct RequestPath {
    Vertex client_vpc;     // the VPC the private zone is associated with
    Vertex hosted_zone;
    Vertex alias_record;
    Vertex load_balancer;
    Vertex listener;
    Vertex target_group;
    Vertex vpc_endpoint;
    Vertex custom_domain;
    Vertex api;
};

class Graph {
public:
    explicit Graph(std::shared_ptr<const Model> model) : model_(std::move(model)) {}
    // The id index views the ids of this graph's own vertices, so a copy indexes its own. A move
    // takes the vertices where they are (the Boost graph is held on the heap); a moved-from graph
    // may only be destroyed or assigned to.
    Graph(const Graph& other)
        : in_(other.in_), added_(other.added_), model_(other.model_), strings_(other.strings_),
          g_(std::make_unique<BoostGraph>(*other.g_)) {
        if (!other.by_id_.empty()) index_vertices();
    }
    Graph(Graph&&) noexcept = default;
    Graph& operator=(const Graph& other) {
        if (this != &other) *this = Graph(other);
        return *this;
    }
    Graph& operator=(Graph&&) noexcept = default;

    const Model& model() const { return *model_; }
    // The Boost graph, edges laid out (an edge added after index_edges would be missing from it).
    const BoostGraph& boost() const {
        if (!added_.empty()) throw std::logic_error("graph: edges added and not laid out (index_edges)");
        return *g_;
    }
    std::size_t vertex_count() const { return boost::num_vertices(*g_); }
    std::size_t edge_count() const { return boost::num_edges(boost()); }
    const VertexData& operator[](Vertex v) const { return (*g_)[v]; }

    std::optional<Vertex> find(std::string_view id) const {
        return by_id_.find(std::hash<std::string_view>{}(id), [&](Vertex v) { return (*g_)[v].id == id; });
    }

    template <class T>
    const T& resource(Vertex v) const { return *std::get<const T*>((*g_)[v].resource); }

    // The graph id of a resource: "<scope>/<kind>/<name>", nested names joined with '/'. The one
    // place ids are made.
    static std::string vertex_id(std::string_view scope, VertexKind kind, std::string_view name) {
        std::string id;
        vertex_id_into(id, scope, kind, name);
        return id;
    }
    // The same, into `out` (a buffer reused for lookups).
    static void vertex_id_into(std::string& out, std::string_view scope, VertexKind kind, std::string_view name) {
        out.assign(scope).append(1, '/').append(to_string(kind)).append(1, '/').append(name);
    }
    // The vertex a resolved model reference names (the loader guarantees it exists).
    Vertex vertex(const Ref& r, VertexKind kind) const { return *find(vertex_id(r.scope, kind, r.name)); }
    // Its deployed names, id and ARN (empty for what has none).
    const Identity& identity(Vertex v) const {
        static const Identity none;
        return (*g_)[v].deployed ? *(*g_)[v].deployed : none;
    }

    std::vector<Vertex> vertices(VertexKind kind) const {
        std::vector<Vertex> out;
        for (auto v : boost::make_iterator_range(boost::vertices(*g_)))
            if ((*g_)[v].kind == kind) out.push_back(v);
        return out;
    }
    std::size_t count(VertexKind kind) const { return vertices(kind).size(); }
    std::size_t count(EdgeKind kind) const {
        std::size_t n = 0;
        const auto& g = boost();
        for (auto e : boost::make_iterator_range(boost::edges(g))) n += g[e].kind == kind;
        return n;
    }

    // Targets of `v`'s outgoing edges of `kind` (in insertion order): a run of v's row in Boost's graph.
    std::span<const Vertex> out(Vertex v, EdgeKind kind) const {
        const auto& rows = g_->m_forward;
        if (v + 1 >= rows.m_rowstart.size()) return {};
        return run_of(kind, rows.m_edge_properties.data(), rows.m_column.data(), rows.m_rowstart[v], rows.m_rowstart[v + 1]);
    }
    // Sources of `v`'s incoming edges of `kind` (in insertion order): a run of v's row in in_.
    std::span<const Vertex> in(Vertex v, EdgeKind kind) const {
        if (v + 1 >= in_.start.size()) return {};
        return run_of(kind, in_.kinds.data(), in_.ends.data(), in_.start[v], in_.start[v + 1]);
    }

    // --- queries the verifier and emitters share ---------------------------------

    // APIs the model marks private (the ones whose reachability xc proves).
    std::vector<Vertex> private_apis() const {
        std::vector<Vertex> r;
        for (auto v : vertices(VertexKind::rest_api))
            if (resource<RestApi>(v).is_private) r.push_back(v);
        return r;
    }

    // The consumer endpoints an API is bound to.
    std::vector<Vertex> endpoints_of(Vertex api) const {
        auto e = out(api, EdgeKind::bound_to);
        return {e.begin(), e.end()};
    }

    // The account vertex a resource belongs to.
    Vertex account_of(Vertex v) const { return *find("account/" + (*g_)[v].account); }

    // Whether clients in `vpc` can reach the load balancer `lb`'s addresses. The model has no
    // VPC-to-VPC routes (peering, transit gateways), and an internal ALB's addresses are private
    // to its own VPC: only a client in the same VPC reaches it.
    bool reaches(Vertex vpc, Vertex lb) const {
        const auto& lb_vpcs = out(lb, EdgeKind::in_vpc);
        return std::find(lb_vpcs.begin(), lb_vpcs.end(), vpc) != lb_vpcs.end();
    }

    // Every complete client -> zone -> alias -> ALB -> listener -> target group -> endpoint
    // -> API path, following the graph's edges (the API must be bound to that endpoint). A
    // client of the consumer is a host in a VPC that both resolves the name (the private zone
    // is associated with it) and reaches the load balancer the name resolves to.
    std::vector<RequestPath> request_paths(Vertex api) const {
        std::vector<RequestPath> paths;
        auto bound = endpoints_of(api);
        for (Vertex domain : out(api, EdgeKind::has_domain))
            for (Vertex record : in(domain, EdgeKind::addresses)) {
                Vertex zone = in(record, EdgeKind::contains).front();
                for (Vertex lb : out(record, EdgeKind::resolves_to))
                    for (Vertex listener : out(lb, EdgeKind::contains)) {
                        if ((*g_)[listener].kind != VertexKind::listener) continue;
                        for (Vertex tg : out(listener, EdgeKind::forwards_to))
                            for (Vertex endpoint : out(tg, EdgeKind::forwards_to)) {
                                if (std::find(bound.begin(), bound.end(), endpoint) == bound.end()) continue;
                                for (Vertex vpc : out(zone, EdgeKind::associated_with))
                                    if (reaches(vpc, lb))
                                        paths.push_back(RequestPath{vpc, zone, record, lb, listener, tg, endpoint, domain, api});
                            }
                    }
            }
        return paths;
    }

    // --- construction (used by build_graph) ------------------------------------------
    // Vertices first, then edges: an edge is held back until index_edges, which lays them all out
    // at once (compressed rows have no room for one more edge). Until then the graph has no edges.
    Vertex add_vertex(VertexData data) {
        const Vertex v = boost::num_vertices(*g_);
        add_vertices(1);
        (*g_)[v] = std::move(data);
        return v;
    }
    // `n` more vertices, their data set later by set_vertex (from several threads: each vertex's
    // own; nothing moves once they are all there).
    void add_vertices(std::size_t n) { boost::add_vertices(n, *g_); }
    void set_vertex(Vertex v, VertexData data) { (*g_)[v] = std::move(data); }
    // Strings kept as long as the graph (and its copies), for vertices to view.
    void keep_all(std::vector<std::deque<std::string>> made) {
        for (auto& d : made) strings_->push_back(std::move(d));
    }
    // Room for `n` edges to come.
    void reserve_edges(std::size_t n) { added_.reserve(n); }
    // After the last vertex, before the first find(): index them by id in a table sized once
    // (growing it vertex by vertex rehashed it ~20 times for a large model). The index views the
    // vertices' own ids (no vertex is added after it).
    void index_vertices() {
        const std::size_t n = boost::num_vertices(*g_);
        by_id_.reserve(n);
        for (Vertex v = 0; v < n; ++v) {
            const std::string_view id = (*g_)[v].id;
            by_id_.insert(std::hash<std::string_view>{}(id), v, [&](Vertex other) { return (*g_)[other].id == id; });
        }
    }
    void add_edge(Vertex from, Vertex to, EdgeKind kind) { added_.push_back(AddedEdge{from, to, kind}); }
    // After the last edge: lay the edges out as rows by source (Boost's graph) and by target
    // (in_), each row by kind and, within a kind, in the order the edges were added. The edges are
    // ordered by kind once (a stable counting sort); each set of rows is then filled from them by
    // another stable counting sort, by source in Boost, by target here; the two on up to `jobs`
    // threads.
    void index_edges(unsigned jobs = 1) {
        const std::size_t n = boost::num_vertices(*g_);
        std::array<std::size_t, edge_kind_count + 1> next{};
        for (const auto& e : added_) ++next[static_cast<std::size_t>(e.kind) + 1];
        for (std::size_t k = 0; k < edge_kind_count; ++k) next[k + 1] += next[k];
        std::vector<std::pair<Vertex, Vertex>> ends(added_.size());  // (source, target), by kind
        std::vector<EdgeData> data(added_.size());
        for (const auto& e : added_) {
            const std::size_t at = next[static_cast<std::size_t>(e.kind)]++;
            ends[at] = {e.from, e.to};
            data[at] = EdgeData{e.kind};
        }
        added_ = {};
        xc::detail::run_parallel(2, jobs, [&](std::size_t task) {
            if (task == 0) {
                g_->m_forward.assign_unsorted_multi_pass_edges(ends.begin(), ends.end(), data.begin(), n,
                                                               boost::typed_identity_property_map<Vertex>(), boost::keep_all());
                return;
            }
            in_.start.assign(n + 1, 0);
            for (const auto& [from, to] : ends) ++in_.start[to + 1];
            for (std::size_t v = 0; v < n; ++v) in_.start[v + 1] += in_.start[v];
            in_.kinds.resize(ends.size());
            in_.ends.resize(ends.size());
            std::vector<std::uint32_t> at(in_.start.begin(), in_.start.end() - 1);
            for (std::size_t i = 0; i < ends.size(); ++i) {
                const std::uint32_t j = at[ends[i].second]++;
                in_.kinds[j] = data[i];
                in_.ends[j] = ends[i].first;
            }
        });
    }

private:
    // The run of `kind` in the row [first, last) of rows sorted by kind: `kinds` and `ends` are the
    // rows' edge kinds and other ends, side by side. Found by binary search: a zone with 10,000
    // records is not scanned for its one VPC.
    static std::span<const Vertex> run_of(EdgeKind kind, const EdgeData* kinds, const Vertex* ends, std::size_t first, std::size_t last) {
        const EdgeData* from = std::partition_point(kinds + first, kinds + last, [&](const EdgeData& e) { return e.kind < kind; });
        const EdgeData* to = std::partition_point(from, kinds + last, [&](const EdgeData& e) { return e.kind == kind; });
        return {ends + (from - kinds), static_cast<std::size_t>(to - from)};
    }
    // The edges as rows by target, laid out like Boost's rows by source: row v is
    // [start[v], start[v + 1]) of `kinds` and `ends` (the sources). 32-bit offsets: graphs have
    // fewer than 4G edges.
    struct RowsByTarget {
        std::vector<std::uint32_t> start;
        std::vector<EdgeData> kinds;
        std::vector<Vertex> ends;
    };
    RowsByTarget in_;
    // Edges added and not yet laid out (index_edges), in the order they were added.
    struct AddedEdge {
        Vertex from, to;
        EdgeKind kind;
    };
    std::vector<AddedEdge> added_;

    std::shared_ptr<const Model> model_;
    // Strings vertices view that the model does not hold; shared by copies, as the model is. Kept
    // in the deques they were made in: moving a deque leaves its elements where they are.
    std::shared_ptr<std::vector<std::deque<std::string>>> strings_ = std::make_shared<std::vector<std::deque<std::string>>>();
    std::unique_ptr<BoostGraph> g_ = std::make_unique<BoostGraph>();  // on the heap: a move leaves the vertices where they are
    detail::VertexTable by_id_;  // by id (the ids are read from the vertices, not copied)
};

namespace detail {

// Builds the graph in three passes: every scope's vertices (numbered in advance, scope by scope,
// so each scope's are filled on any thread), the index of ids, then every scope's edges
// (collected per chunk of scopes on any thread, added in scope order). Vertex numbers and edge
// order are the same for any number of threads.
class GraphBuilder {
public:
    GraphBuilder(Graph& g, unsigned jobs) : g_(g), m_(g.model()), jobs_(xc::detail::jobs_or_cores(jobs)) {}

    void build() {
        std::vector<const Scope*> scopes;
        m_.for_each_scope([&](const Scope& s) { scopes.push_back(&s); });
        std::vector<Vertex> first(scopes.size() + 1);  // scope i's vertices are [first[i], first[i + 1])
        first[0] = m_.accounts.size();
        for (std::size_t i = 0; i < scopes.size(); ++i) first[i + 1] = first[i] + ScopeWriter::count_vertices(*scopes[i]);
        g_.add_vertices(first.back());
        Vertex next = 0;
        for (const auto& [name, a] : m_.accounts)
            g_.set_vertex(next++, VertexData{VertexKind::account, "account/" + name, "", name, a.path, &a, {}});

        constexpr std::size_t per_chunk = 256;
        const std::size_t chunks = xc::detail::chunk_count(scopes.size(), per_chunk);
        std::vector<std::deque<std::string>> made(chunks);
        xc::detail::run_chunks(scopes.size(), per_chunk, jobs_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            ScopeWriter w(*this);
            for (std::size_t i = begin; i < end; ++i) {
                w.next_ = first[i];
                w.end_ = first[i + 1];
                w.add_vertices(*scopes[i]);
                if (w.next_ != first[i + 1]) throw std::logic_error("graph: a scope's vertices were miscounted");
            }
            made[c] = std::move(w.owned_);
        });
        g_.keep_all(std::move(made));
        // The two indexes edges are found by, side by side (each reads the vertices, writes its own).
        xc::detail::run_parallel(2, jobs_, [&](std::size_t index) {
            if (index == 0) {
                by_address_.reserve(first.back());
                for (Vertex v = 0; v < first.back(); ++v)
                    std::visit(
                        [&](const auto& r) {
                            if constexpr (std::is_pointer_v<std::decay_t<decltype(r)>>) by_address_.insert(address_code(r), v);
                        },
                        g_[v].resource);
            } else {
                g_.index_vertices();
                for (Vertex d : g_.vertices(VertexKind::custom_domain))
                    domains_by_name_.emplace(g_.resource<CustomDomain>(d).name, d);
            }
        });

        std::vector<std::vector<PlannedEdge>> edges(chunks);
        xc::detail::run_chunks(scopes.size(), per_chunk, jobs_, [&](std::size_t c, std::size_t begin, std::size_t end) {
            ScopeWriter w(*this);
            for (std::size_t i = begin; i < end; ++i) w.add_edges(*scopes[i]);
            edges[c] = std::move(w.edges_);
        });
        std::size_t total = 0;
        for (const auto& chunk : edges) total += chunk.size();
        g_.reserve_edges(total);
        for (const auto& chunk : edges)
            for (const auto& e : chunk) g_.add_edge(e.from, e.to, e.kind);
    }

private:
    struct PlannedEdge {
        Vertex from, to;
        EdgeKind kind;
    };

    Graph& g_;
    const Model& m_;
    unsigned jobs_;
    std::map<std::string, Vertex> domains_by_name_;  // custom domains are unique by name
    // Each resource's vertex by the resource's address (the model's, which the graph keeps alive),
    // filled as vertices are added, so that adding an edge finds its ends without making their
    // ids (looking ids up took a quarter of building a large graph).
    VertexTable by_address_;
    static std::uint64_t address_code(const void* address) { return reinterpret_cast<std::uintptr_t>(address); }

    // One thread's writer of scopes' vertices and edges: reads what the builder shares.
    class ScopeWriter {
    public:
        explicit ScopeWriter(GraphBuilder& b) : g_(b.g_), m_(b.m_), domains_by_name_(b.domains_by_name_), by_address_(b.by_address_) {}

        static std::string id(const std::string& scope, VertexKind k, const std::string& name) { return Graph::vertex_id(scope, k, name); }

        // Looked up once per edge: the id is built in one reused buffer, not a fresh string each time.
        // A nested resource's name is "<parent>/<nested>": given as two parts, it is joined there too.
        Vertex v(std::string_view scope, VertexKind k, std::string_view name) const {
            Graph::vertex_id_into(key_, scope, k, name);
            return *g_.find(key_);
        }
        Vertex v(std::string_view scope, VertexKind k, std::string_view name, std::string_view nested) const {
            Graph::vertex_id_into(key_, scope, k, name);
            key_.append(1, '/').append(nested);
            return *g_.find(key_);
        }
        Vertex v(const Ref& r, VertexKind k) const { return v(r.scope, k, r.name); }

        // How many vertices add_vertices(s) adds (for one allocation of them all).
        static std::size_t count_vertices(const Scope& s) {
            std::size_t n = s.security_groups.size() + s.vpc_endpoints.size() + s.certificates.size() + s.kms_keys.size() +
                            s.secrets.size() + s.instances.size() + s.tables.size() + s.roles.size() + s.lambdas.size();
            for (const auto& [_, vpc] : s.vpcs) n += 1 + vpc.internet_gateway + vpc.subnets.size() + vpc.route_tables.size();
            for (const auto& [_, lb] : s.load_balancers) n += 1 + lb.listeners.size() + lb.target_groups.size();
            for (const auto& [_, z] : s.hosted_zones) n += 1 + z.records.size();
            for (const auto& [_, api] : s.apis) n += 1 + api.routes.size() + api.custom_domain.has_value();
            return n;
        }

        template <class T>
        Vertex add(const Scope& s, VertexKind k, const std::string& name, const T* resource, const std::string& path) {
            std::string vertex_id = id(s.name, k, name);
            Identity identity = identity_of(IdentityScope{m_, s, vertex_id}, *resource);
            std::shared_ptr<const Identity> deployed;
            if (!identity.empty()) deployed = std::make_shared<const Identity>(std::move(identity));
            const Vertex v = claim();
            g_.set_vertex(v, VertexData{k, std::move(vertex_id), s.name, s.account, path, Resource(std::in_place_type<const T*>, resource),
                                        std::move(deployed)});
            return v;
        }

        // The vertex of a resource of the model (added by add()).
        template <class T>
        Vertex of(const T& resource) const {
            if (auto v = by_address_.find(address_code(&resource))) return *v;
            throw std::logic_error("graph: a resource without a vertex");
        }
        // The vertex of the resource `name` of kind `k` in scope `s` (nested: "<parent>/<name>").
        Vertex of(const Scope& s, VertexKind k, const std::string& name) const {
            using K = VertexKind;
            switch (k) {
                case K::vpc: return of(s.vpcs.at(name));
                case K::security_group: return of(s.security_groups.at(name));
                case K::vpc_endpoint: return of(s.vpc_endpoints.at(name));
                case K::certificate: return of(s.certificates.at(name));
                case K::load_balancer: return of(s.load_balancers.at(name));
                case K::kms_key: return of(s.kms_keys.at(name));
                case K::secret: return of(s.secrets.at(name));
                case K::table: return of(s.tables.at(name));
                case K::role: return of(s.roles.at(name));
                case K::lambda: return of(s.lambdas.at(name));
                case K::rest_api: return of(s.apis.at(name));
                default: return v(s.name, k, name);
            }
        }
        // The vertex a resolved reference names: most name their own scope or the consumer's.
        Vertex of(const Ref& r, VertexKind k, const Scope& from) const {
            const Scope* scope = r.scope == from.name ? &from : m_.scope(r.scope);
            return scope ? of(*scope, k, r.name) : v(r, k);
        }

        void add_vertices(const Scope& s) {
            using K = VertexKind;
            for (const auto& [n, vpc] : s.vpcs) {
                add(s, K::vpc, n, &vpc, vpc.path);
                if (vpc.internet_gateway)
                    g_.set_vertex(claim(), VertexData{K::internet_gateway, id(s.name, K::internet_gateway, n), s.name, s.account,
                                                      owned_.emplace_back(vpc.path + "/internetGateway"), InternetGateway{&vpc}, {}});
                for (const auto& [sn, subnet] : vpc.subnets)
                    add(s, K::subnet, n + "/" + sn, &subnet, subnet.path);
                for (const auto& [rn, rt] : vpc.route_tables) add(s, K::route_table, n + "/" + rn, &rt, rt.path);
            }
            for (const auto& [n, x] : s.security_groups) add(s, K::security_group, n, &x, x.path);
            for (const auto& [n, x] : s.vpc_endpoints) add(s, K::vpc_endpoint, n, &x, x.path);
            for (const auto& [n, x] : s.certificates) add(s, K::certificate, n, &x, x.path);
            for (const auto& [n, lb] : s.load_balancers) {
                add(s, K::load_balancer, n, &lb, lb.path);
                for (const auto& [ln, l] : lb.listeners)
                    add(s, K::listener, n + "/" + ln, &l, l.path);
                for (const auto& [tn, tg] : lb.target_groups) add(s, K::target_group, n + "/" + tn, &tg, tg.path);
            }
            for (const auto& [n, z] : s.hosted_zones) {
                add(s, K::hosted_zone, n, &z, z.path);
                for (const auto& [rn, r] : z.records) add(s, K::alias_record, n + "/" + rn, &r, r.path);
            }
            for (const auto& [n, x] : s.kms_keys) add(s, K::kms_key, n, &x, x.path);
            for (const auto& [n, x] : s.secrets) add(s, K::secret, n, &x, x.path);
            for (const auto& [n, x] : s.instances) add(s, K::instance, n, &x, x.path);
            for (const auto& [n, x] : s.tables) add(s, K::table, n, &x, x.path);
            for (const auto& [n, x] : s.roles) add(s, K::role, n, &x, x.path);
            for (const auto& [n, x] : s.lambdas) add(s, K::lambda, n, &x, x.path);
            for (const auto& [n, api] : s.apis) {
                add(s, K::rest_api, n, &api, api.path);
                for (const auto& [rk, r] : api.routes) add(s, K::api_route, n + "/" + rk, &r, r.path);
                if (api.custom_domain)
                    add(s, K::custom_domain, n + "/domain", &*api.custom_domain, api.custom_domain->path);
            }
        }

        void edge(Vertex a, Vertex b, EdgeKind k) { edges_.push_back(PlannedEdge{a, b, k}); }

        void add_edges(const Scope& s) {
            using K = VertexKind;
            using E = EdgeKind;
            const std::string& sc = s.name;
            Vertex account = *g_.find(key_.assign("account/").append(s.account));
            auto contain = [&](Vertex x) { edge(account, x, E::contains); };
            auto ref = [&](const Ref& r, VertexKind k) { return of(r, k, s); };
            auto in_network = [&](Vertex x, const std::string& vpc, const std::vector<std::string>& subnets,
                                  const std::vector<std::string>& groups) {
                if (vpc.empty()) return;
                const Vpc& in = s.vpcs.at(vpc);
                edge(x, of(in), E::in_vpc);
                for (const auto& sn : subnets) edge(x, of(in.subnets.at(sn)), E::in_subnet);
                for (const auto& sg : groups) edge(x, of(s.security_groups.at(sg)), E::guarded_by);
            };
            for (const auto& [n, vpc] : s.vpcs) {
                Vertex x = of(vpc);
                contain(x);
                if (vpc.internet_gateway) edge(x, v(sc, K::internet_gateway, n), E::contains);
                for (const auto& [rn, rt] : vpc.route_tables) {
                    Vertex r = of(rt);
                    edge(x, r, E::contains);
                    for (const auto& route : rt.routes) {
                        if (route.target.kind == RouteTarget::Kind::internet_gateway) edge(r, v(sc, K::internet_gateway, n), E::routes_to);
                        else edge(r, ref(*route.target.vpc_endpoint, K::vpc_endpoint), E::routes_to);
                    }
                }
                for (const auto& [sn, subnet_def] : vpc.subnets) {
                    Vertex sv = of(subnet_def);
                    edge(x, sv, E::contains);
                    edge(sv, of(vpc.route_tables.at(subnet_def.route_table)), E::uses_route_table);
                }
            }
            for (const auto& [n, sg] : s.security_groups) {
                Vertex x = of(sg);
                contain(x);
                edge(x, of(s.vpcs.at(sg.vpc)), E::in_vpc);
                for (const auto& r : sg.ingress)
                    if (r.peer.security_group) edge(x, ref(*r.peer.security_group, K::security_group), E::admits_from);
                for (const auto& r : sg.egress) {
                    if (r.peer.security_group) edge(x, ref(*r.peer.security_group, K::security_group), E::sends_to);
                    if (r.peer.prefix_list) edge(x, ref(*r.peer.prefix_list, K::vpc_endpoint), E::sends_to);
                }
            }
            for (const auto& [n, e] : s.vpc_endpoints) {
                Vertex x = of(e);
                contain(x);
                in_network(x, e.vpc, e.subnets, e.security_groups);
                for (const auto& rt : e.route_tables) {
                    Vertex r = of(s.vpcs.at(e.vpc).route_tables.at(rt));
                    edge(x, r, E::uses_route_table);
                    edge(r, x, E::routes_to);  // the gateway endpoint adds a prefix-list route
                }
            }
            for (const auto& [n, c] : s.certificates) contain(of(c));
            for (const auto& [n, lb] : s.load_balancers) {
                Vertex x = of(lb);
                contain(x);
                in_network(x, lb.vpc, lb.subnets, lb.security_groups);
                for (const auto& [tn, tg] : lb.target_groups) {
                    Vertex t = of(tg);
                    edge(x, t, E::contains);
                    edge(t, ref(tg.vpc_endpoint, K::vpc_endpoint), E::forwards_to);
                }
                for (const auto& [ln, l] : lb.listeners) {
                    Vertex li = of(l);
                    edge(x, li, E::contains);
                    for (const auto& c : l.certificates) edge(li, ref(c, K::certificate), E::presents);
                    edge(li, of(lb.target_groups.at(l.default_forward)), E::forwards_to);
                    for (const auto& rule : l.rules) edge(li, of(lb.target_groups.at(rule.forward)), E::forwards_to);
                }
            }
            for (const auto& [n, z] : s.hosted_zones) {
                Vertex x = of(z);
                contain(x);
                for (const auto& vpc : z.vpcs) edge(x, ref(vpc, K::vpc), E::associated_with);
                for (const auto& [rn, r] : z.records) {
                    Vertex rec = of(r);
                    edge(x, rec, E::contains);
                    edge(rec, ref(r.load_balancer, K::load_balancer), E::resolves_to);
                    // The record addresses every API custom domain of the same name (API Gateway
                    // picks the API by the Host header).
                    if (auto d = domains_by_name_.find(r.fqdn); d != domains_by_name_.end())
                        edge(rec, d->second, E::addresses);
                }
            }
            for (const auto& [n, k] : s.kms_keys) contain(of(k));
            for (const auto& [n, sec] : s.secrets) {
                Vertex x = of(sec);
                contain(x);
                if (sec.kms_key) edge(x, ref(*sec.kms_key, K::kms_key), E::encrypted_by);
                if (sec.value_vpc_endpoint_id) edge(x, ref(*sec.value_vpc_endpoint_id, K::vpc_endpoint), E::holds_id_of);
            }
            for (const auto& [n, inst] : s.instances) {
                Vertex x = of(inst);
                contain(x);
                in_network(x, inst.vpc, {inst.subnet}, inst.security_groups);
            }
            for (const auto& [n, t] : s.tables) contain(of(t));
            for (const auto& [n, r] : s.roles) contain(of(r));
            for (const auto& [n, l] : s.lambdas) {
                Vertex x = of(l);
                contain(x);
                in_network(x, l.vpc, l.subnets, l.security_groups);
                edge(x, ref(l.role, K::role), E::executes_as);
                if (l.table) edge(x, ref(*l.table, K::table), E::uses_table);
                for (const auto& p : l.invoke_permissions)
                    if (p.source_api) edge(ref(*p.source_api, K::rest_api), x, E::may_invoke);
            }
            for (const auto& [n, api] : s.apis) {
                Vertex x = of(api);
                contain(x);
                for (const auto& e : api.vpc_endpoints) edge(x, ref(e, K::vpc_endpoint), E::bound_to);
                if (api.endpoint_id_from) edge(x, ref(*api.endpoint_id_from, K::secret), E::reads_secret);
                for (const auto& [rk, r] : api.routes) {
                    Vertex rv = of(r);
                    edge(x, rv, E::contains);
                    edge(rv, ref(r.lambda, K::lambda), E::integrates);
                }
                if (api.custom_domain) {
                    Vertex d = of(*api.custom_domain);
                    edge(x, d, E::has_domain);
                    edge(d, ref(api.custom_domain->certificate, K::certificate), E::presents);
                    for (const auto& e : api.custom_domain->access_vpc_endpoints) edge(d, ref(e, K::vpc_endpoint), E::access_association);
                }
            }
        }

    public:
        Vertex next_ = 0;                  // the vertex add() fills next
        Vertex end_ = 0;                   // past the scope's last: its vertices were counted in advance
        std::vector<PlannedEdge> edges_;   // what add_edges() found, in order
        std::deque<std::string> owned_;    // strings add_vertices() made for vertices to view

    private:
        // The next of the scope's vertices; a miscount is a bug, never a write into another scope's.
        Vertex claim() {
            if (next_ >= end_) throw std::logic_error("graph: a scope has more vertices than were counted");
            return next_++;
        }

        Graph& g_;
        const Model& m_;
        const std::map<std::string, Vertex>& domains_by_name_;
        const VertexTable& by_address_;
        mutable std::string key_;  // v()'s lookup buffer
    };
};

}  // namespace detail

// Build the graph of a loaded (hence structurally valid) model on up to `jobs` threads (0: one
// per core); the graph is the same for any number.
inline Graph build_graph(std::shared_ptr<const Model> model, unsigned jobs = 0) {
    Graph g(std::move(model));
    detail::GraphBuilder(g, jobs).build();
    g.index_edges(xc::detail::jobs_or_cores(jobs));
    return g;
}
inline Graph build_graph(Model model, unsigned jobs = 0) { return build_graph(std::make_shared<const Model>(std::move(model)), jobs); }

}  // namespace xc::model
