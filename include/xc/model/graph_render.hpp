// Pictures of the architecture graph: Graphviz DOT (one cluster per account) and Mermaid
// flowcharts.
#pragma once

#include <xc/model/graph.hpp>

#include <cctype>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace xc::model {

namespace detail {

// Relations worth drawing; the rest (e.g. "contains" from an account, which the clusters
// already show) would only add clutter.
inline bool drawn(EdgeKind k, VertexKind from) {
    return !(k == EdgeKind::contains && from == VertexKind::account) && k != EdgeKind::in_vpc;
}

inline std::string shape_of(VertexKind k) {
    switch (k) {
        case VertexKind::vpc_endpoint: return "hexagon";
        case VertexKind::load_balancer: return "trapezium";
        case VertexKind::rest_api: return "component";
        case VertexKind::lambda: return "ellipse";
        case VertexKind::table: return "cylinder";
        case VertexKind::secret:
        case VertexKind::kms_key: return "note";
        case VertexKind::security_group: return "octagon";
        default: return "box";
    }
}

}  // namespace detail

// A vertex's caption in pictures: what it is, its name, and what tells it apart at a glance.
// Made when drawn, not kept by every vertex (pictures are the only use).
inline std::string label_of(const Graph& graph, Vertex v) {
    const VertexData& d = graph[v];
    // The name from the id "<scope>/<kind>/<name>"; a nested resource's own is its last part.
    const std::string_view id = d.id;
    const std::string name(id.substr(id.find('/', id.find('/') + 1) + 1));
    const std::string own = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
    return std::visit(
        [&](const auto& r) -> std::string {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, InternetGateway>) return "internet gateway";
            else if constexpr (std::is_same_v<T, const Account*>) return r->name;
            else if constexpr (std::is_same_v<T, const Vpc*>) return "VPC " + name + "\n" + r->cidr.to_string();
            else if constexpr (std::is_same_v<T, const Subnet*>) return "subnet " + own + "\n" + r->cidr.to_string();
            else if constexpr (std::is_same_v<T, const RouteTable*>) return "route table " + own;
            else if constexpr (std::is_same_v<T, const SecurityGroup*>) return "SG " + name;
            else if constexpr (std::is_same_v<T, const VpcEndpoint*>) return "endpoint " + name + "\n" + r->service;
            else if constexpr (std::is_same_v<T, const Certificate*>) return "cert " + r->domain;
            else if constexpr (std::is_same_v<T, const LoadBalancer*>) return std::string(r->internal ? "internal" : "internet-facing") + " ALB " + name;
            else if constexpr (std::is_same_v<T, const Listener*>) return "listener " + r->protocol + ":" + std::to_string(r->port);
            else if constexpr (std::is_same_v<T, const TargetGroup*>) return "target group " + own;
            else if constexpr (std::is_same_v<T, const HostedZone*>) return std::string(r->is_private ? "private zone " : "zone ") + r->domain;
            else if constexpr (std::is_same_v<T, const AliasRecord*>) return "alias " + r->fqdn;
            else if constexpr (std::is_same_v<T, const KmsKey*>) return "KMS key " + name;
            else if constexpr (std::is_same_v<T, const Secret*>) return "secret " + name;
            else if constexpr (std::is_same_v<T, const Instance*>) return "instance " + name;
            else if constexpr (std::is_same_v<T, const Table*>) return "table " + r->table_name;
            else if constexpr (std::is_same_v<T, const Role*>) return "role " + name;
            else if constexpr (std::is_same_v<T, const Lambda*>) return "λ " + name;
            else if constexpr (std::is_same_v<T, const RestApi*>) return std::string(to_string(r->endpoint_type)) + " API " + name;
            else if constexpr (std::is_same_v<T, const ApiRoute*>) return r->key;
            else if constexpr (std::is_same_v<T, const CustomDomain*>) return "domain " + r->name;
            else static_assert(sizeof(T) == 0, "a kind of resource without a label");
        },
        d.resource);
}

// DOT with a "cluster_<account>" subgraph per account. Written directly, not through
// boost::subgraph, whose add_vertex scans the whole graph for edges each time (quadratic:
// five minutes for 10,000 services).
inline void write_dot(std::ostream& os, const Graph& graph) {
    const auto& g = graph.boost();
    // A DOT ID: bare when it is an identifier, else a quoted string, where `"` and `\` are
    // escaped and a newline is the label line break `\n` (Graphviz, "The DOT Language", IDs;
    // "escString").
    auto id = [](const std::string& text) {
        bool bare = !text.empty() && !std::isdigit(static_cast<unsigned char>(text[0]));
        std::string lower;
        for (char c : text) {
            bare = bare && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        for (const char* keyword : {"node", "edge", "graph", "digraph", "subgraph", "strict"}) bare = bare && lower != keyword;  // "The DOT Language": keywords
        if (bare) return text;
        std::string out = "\"";
        for (char c : text) {
            if (c == '"' || c == '\\') out += '\\';
            if (c == '\n') out += "\\n";
            else out += c;
        }
        return out + "\"";
    };
    os << "digraph xc {\nfontname=\"Helvetica\";\nrankdir=\"LR\";\n"
       << "node [fontname=\"Helvetica\", fontsize=\"10\"];\nedge [fontname=\"Helvetica\", fontsize=\"8\"];\n";
    std::map<std::string, std::vector<Vertex>> members;  // account name -> its vertices
    for (auto v : boost::make_iterator_range(boost::vertices(g)))
        if (g[v].kind != VertexKind::account) members[g[v].account].push_back(v);
    for (auto a : graph.vertices(VertexKind::account)) {
        const auto& acc = graph.resource<Account>(a);
        os << "subgraph " << id("cluster_" + acc.name) << " {\nlabel="
           << id("account " + acc.name + " (" + acc.id + ", " + (acc.role == AccountRole::consumer ? "consumer" : "service") + ")")
           << ";\nstyle=\"rounded\";\n";
        for (auto v : members[acc.name]) os << v << ";\n";
        os << "}\n";
    }
    for (auto v : boost::make_iterator_range(boost::vertices(g))) {
        const auto& d = g[v];
        os << v << " [label=" << id(label_of(graph, v)) << ", shape=" << id(detail::shape_of(d.kind)) << (d.kind == VertexKind::account ? ", style=\"invis\"" : "") << "];\n";
    }
    for (auto e : boost::make_iterator_range(boost::edges(g))) {
        auto s = boost::source(e, g), t = boost::target(e, g);
        if (!detail::drawn(g[e].kind, g[s].kind)) continue;
        os << s << "->" << t << " [" << (g[e].kind == EdgeKind::contains ? std::string("style=\"dotted\"") : "label=" + id(std::string(to_string(g[e].kind)))) << "];\n";
    }
    os << "}\n";
}

inline std::string to_dot(const Graph& graph) {
    std::ostringstream os;
    write_dot(os, graph);
    return os.str();
}

// A Mermaid flowchart with a subgraph per account.
inline void write_mermaid(std::ostream& os, const Graph& graph) {
    const auto& g = graph.boost();
    auto node = [](std::size_t v) {
        std::string id = "n";  // not "n" + to_string(v): GCC 12 warns of an overlapping copy there (a false positive)
        return id += std::to_string(v);
    };
    auto text = [](std::string s) {
        std::string out;
        for (char c : s) {
            if (c == '"') out += "#quot;";
            else if (c == '\n') out += "<br/>";
            else out += c;
        }
        return out;
    };
    os << "flowchart LR\n";
    std::map<std::string, std::vector<Vertex>> members;  // account name -> its vertices
    for (auto v : boost::make_iterator_range(boost::vertices(g)))
        if (g[v].kind != VertexKind::account) members[g[v].account].push_back(v);
    for (auto a : graph.vertices(VertexKind::account)) {
        const auto& acc = graph.resource<Account>(a);
        os << "  subgraph " << node(a) << "[\"" << text("account " + acc.name + " (" + acc.id + ")") << "\"]\n";
        for (auto v : members[acc.name]) os << "    " << node(v) << "[\"" << text(label_of(graph, v)) << "\"]\n";
        os << "  end\n";
    }
    for (auto e : boost::make_iterator_range(boost::edges(g))) {
        auto s = boost::source(e, g), t = boost::target(e, g);
        if (!detail::drawn(g[e].kind, g[s].kind)) continue;
        if (g[e].kind == EdgeKind::contains) os << "  " << node(s) << " -.- " << node(t) << "\n";
        else os << "  " << node(s) << " -->|" << to_string(g[e].kind) << "| " << node(t) << "\n";
    }
}

inline std::string to_mermaid(const Graph& graph) {
    std::ostringstream os;
    write_mermaid(os, graph);
    return os.str();
}

}  // namespace xc::model
