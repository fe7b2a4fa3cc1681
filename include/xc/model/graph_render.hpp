// Pictures of the architecture graph: Graphviz DOT (through Boost.Graph's graphviz writer,
// one cluster per account) and Mermaid flowcharts.
#pragma once

#include <xc/model/graph.hpp>

#include <boost/graph/graphviz.hpp>
#include <boost/graph/subgraph.hpp>

#include <map>
#include <ostream>
#include <sstream>
#include <string>

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

// DOT with a "cluster_<account>" subgraph per account.
inline void write_dot(std::ostream& os, const Graph& graph) {
    using Attributes = std::map<std::string, std::string>;
    using DotGraph = boost::subgraph<boost::adjacency_list<
        boost::vecS, boost::vecS, boost::directedS, boost::property<boost::vertex_attribute_t, Attributes>,
        boost::property<boost::edge_index_t, int, boost::property<boost::edge_attribute_t, Attributes>>,
        boost::property<boost::graph_name_t, std::string,
                        boost::property<boost::graph_graph_attribute_t, Attributes,
                                        boost::property<boost::graph_vertex_attribute_t, Attributes,
                                                        boost::property<boost::graph_edge_attribute_t, Attributes>>>>>>;
    const auto& g = graph.boost();
    DotGraph dot(boost::num_vertices(g));
    boost::get_property(dot, boost::graph_name) = "xc";
    boost::get_property(dot, boost::graph_graph_attribute)["rankdir"] = "LR";
    boost::get_property(dot, boost::graph_graph_attribute)["fontname"] = "Helvetica";
    boost::get_property(dot, boost::graph_vertex_attribute)["fontname"] = "Helvetica";
    boost::get_property(dot, boost::graph_vertex_attribute)["fontsize"] = "10";
    boost::get_property(dot, boost::graph_edge_attribute)["fontname"] = "Helvetica";
    boost::get_property(dot, boost::graph_edge_attribute)["fontsize"] = "8";

    std::map<std::string, DotGraph*> clusters;
    for (auto a : graph.vertices(VertexKind::account)) {
        const auto& acc = graph.resource<Account>(a);
        DotGraph& sub = dot.create_subgraph();
        boost::get_property(sub, boost::graph_name) = "cluster_" + acc.name;
        auto& attrs = boost::get_property(sub, boost::graph_graph_attribute);
        attrs["label"] = "account " + acc.name + " (" + acc.id + ", " +
                         (acc.role == AccountRole::consumer ? "consumer" : "service") + ")";
        attrs["style"] = "rounded";
        clusters[acc.name] = &sub;
    }
    for (auto v : boost::make_iterator_range(boost::vertices(g))) {
        const auto& d = g[v];
        auto& attrs = boost::get(boost::vertex_attribute, dot)[v];
        std::string label;
        for (char c : d.label) label += c == '\n' ? std::string("\\n") : std::string(1, c);
        attrs["label"] = label;
        attrs["shape"] = detail::shape_of(d.kind);
        if (d.kind == VertexKind::account) attrs["style"] = "invis";
        else boost::add_vertex(v, *clusters.at(d.account));
    }
    for (auto e : boost::make_iterator_range(boost::edges(g))) {
        auto s = boost::source(e, g), t = boost::target(e, g);
        if (!detail::drawn(g[e].kind, g[s].kind)) continue;
        auto [de, _] = boost::add_edge(s, t, dot);
        auto& attrs = boost::get(boost::edge_attribute, dot)[de];
        if (g[e].kind != EdgeKind::contains) attrs["label"] = std::string(to_string(g[e].kind));
        else attrs["style"] = "dotted";
    }
    boost::write_graphviz(os, dot);
}

inline std::string to_dot(const Graph& graph) {
    std::ostringstream os;
    write_dot(os, graph);
    return os.str();
}

// A Mermaid flowchart with a subgraph per account.
inline void write_mermaid(std::ostream& os, const Graph& graph) {
    const auto& g = graph.boost();
    auto node = [](std::size_t v) { return "n" + std::to_string(v); };
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
    for (auto a : graph.vertices(VertexKind::account)) {
        const auto& acc = graph.resource<Account>(a);
        os << "  subgraph " << node(a) << "[\"" << text("account " + acc.name + " (" + acc.id + ")") << "\"]\n";
        for (auto v : boost::make_iterator_range(boost::vertices(g)))
            if (g[v].kind != VertexKind::account && g[v].account == acc.name)
                os << "    " << node(v) << "[\"" << text(g[v].label) << "\"]\n";
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
