#include <xc/model/graph.hpp>
#include <xc/model/graph_render.hpp>
#include <xc/input/json/load.hpp>

#include <generated_models.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <map>
#include <set>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace graph_test {

using namespace xc::model;
using xc::input::json::load_model_file;
using xc::input::json::load_model_text;

namespace {

const Graph& reference_graph() {
    static const Graph g = build_graph(load_model_file(xc::test::reference_model_path().string()));
    return g;
}

}  // namespace

TEST(Graph, ReferenceModelHasTheExpectedResourcesPerKind) {
    const auto& g = reference_graph();
    // Consumer: VPC + IGW, 4 subnets, 3 route tables, 3 security groups, the execute-api
    // endpoint, a certificate, ALB + listener + target group, zone + 2 aliases, key, secret,
    // test client. Each service: VPC, 2 subnets, 2 route tables, 1 security group, the
    // DynamoDB gateway endpoint, table, role, 3 Lambdas, certificate, API + 3 routes + domain.
    const std::map<VertexKind, std::size_t> expected{
        {VertexKind::account, 3},       {VertexKind::vpc, 3},           {VertexKind::subnet, 8},
        {VertexKind::route_table, 7},   {VertexKind::internet_gateway, 1}, {VertexKind::security_group, 5},
        {VertexKind::vpc_endpoint, 3},  {VertexKind::load_balancer, 1}, {VertexKind::listener, 1},
        {VertexKind::target_group, 1},  {VertexKind::certificate, 3},   {VertexKind::hosted_zone, 1},
        {VertexKind::alias_record, 2},  {VertexKind::kms_key, 1},       {VertexKind::secret, 1},
        {VertexKind::instance, 1},      {VertexKind::table, 2},         {VertexKind::role, 2},
        {VertexKind::lambda, 6},        {VertexKind::rest_api, 2},      {VertexKind::api_route, 6},
        {VertexKind::custom_domain, 2},
    };
    std::size_t total = 0;
    for (std::size_t k = 0; k < vertex_kind_count; ++k) {
        auto kind = static_cast<VertexKind>(k);
        std::size_t want = expected.contains(kind) ? expected.at(kind) : 0;
        EXPECT_EQ(g.count(kind), want) << to_string(kind);
        total += want;
    }
    EXPECT_EQ(g.vertex_count(), total);
}

TEST(Graph, ReferenceModelHasTheExpectedRelationsPerKind) {
    const auto& g = reference_graph();
    const std::map<EdgeKind, std::size_t> expected{
        // 31 top-level resources in accounts, 16 VPC children, LB's listener and target group,
        // 2 zone records, 6 API routes.
        {EdgeKind::contains, 57},
        {EdgeKind::in_vpc, 16},          // 5 SGs, 3 endpoints, ALB, instance, 6 Lambdas
        {EdgeKind::in_subnet, 17},       // endpoint 2, ALB 2, instance 1, Lambdas 6x2
        {EdgeKind::uses_route_table, 12},  // 8 subnets, 2 gateway endpoints x 2
        {EdgeKind::routes_to, 5},        // public -> IGW, 4 route tables -> DynamoDB endpoints
        {EdgeKind::guarded_by, 9},       // endpoint, ALB, instance, 6 Lambdas
        {EdgeKind::admits_from, 1},      // endpoint SG admits the ALB SG
        {EdgeKind::sends_to, 3},         // ALB SG -> endpoint SG; Lambda SGs -> DynamoDB prefix lists
        {EdgeKind::forwards_to, 2},      // listener -> target group -> endpoint
        {EdgeKind::presents, 3},         // listener's wildcard, each domain's certificate
        {EdgeKind::resolves_to, 2},
        {EdgeKind::associated_with, 1},
        {EdgeKind::addresses, 2},
        {EdgeKind::bound_to, 2},
        {EdgeKind::has_domain, 2},
        {EdgeKind::integrates, 6},
        {EdgeKind::may_invoke, 6},
        {EdgeKind::executes_as, 6},
        {EdgeKind::uses_table, 6},
        {EdgeKind::encrypted_by, 1},
        {EdgeKind::holds_id_of, 1},
        {EdgeKind::reads_secret, 2},
    };
    std::size_t total = 0;
    for (std::size_t k = 0; k < edge_kind_count; ++k) {
        auto kind = static_cast<EdgeKind>(k);
        std::size_t want = expected.contains(kind) ? expected.at(kind) : 0;
        EXPECT_EQ(g.count(kind), want) << to_string(kind);
        total += want;
    }
    EXPECT_EQ(g.edge_count(), total);
}

TEST(Graph, EachPrivateApiHasOneRequestPathFromTheConsumerVpc) {
    const auto& g = reference_graph();
    auto apis = g.private_apis();
    ASSERT_EQ(apis.size(), 2u);
    for (auto api : apis) {
        const std::string service = g[api].scope;
        auto paths = g.request_paths(api);
        ASSERT_EQ(paths.size(), 1u) << service;
        const auto& p = paths[0];
        EXPECT_EQ(g[p.client_vpc].id, "consumer/vpc/main");
        EXPECT_EQ(g[p.hosted_zone].id, "consumer/hosted-zone/services");
        EXPECT_EQ(g[p.alias_record].id, "consumer/alias-record/services/" + service);
        EXPECT_EQ(g.resource<AliasRecord>(p.alias_record).fqdn, service + ".cross-account-microservices.com");
        EXPECT_EQ(g[p.load_balancer].id, "consumer/load-balancer/internal");
        EXPECT_EQ(g[p.listener].id, "consumer/listener/internal/https");
        EXPECT_EQ(g[p.target_group].id, "consumer/target-group/internal/execute-api");
        EXPECT_EQ(g[p.vpc_endpoint].id, "consumer/vpc-endpoint/execute-api");
        EXPECT_EQ(g[p.custom_domain].id, service + "/custom-domain/orders/domain");
        EXPECT_EQ(g[p.api].id, service + "/rest-api/orders");
        EXPECT_EQ(g[g.account_of(api)].id, "account/" + service);
        EXPECT_EQ(g[g.account_of(p.vpc_endpoint)].id, "account/consumer");
    }
}

TEST(Graph, NoRequestPathWhenTheAliasNamesAnotherDomain) {
    auto text = xc::test::replace_once(xc::test::reference_model_text(), "\"food\":     { \"alias\"", "\"fod\":     { \"alias\"");
    auto g = build_graph(load_model_text(text));
    auto food = *g.find("food/rest-api/orders");
    EXPECT_TRUE(g.request_paths(food).empty());
    EXPECT_EQ(g.request_paths(*g.find("beverage/rest-api/orders")).size(), 1u);
}

TEST(Graph, VerticesPointAtTheirModelDefinitions) {
    const auto& g = reference_graph();
    auto lambda = *g.find("food/lambda/get-orders");
    EXPECT_EQ(g[lambda].kind, VertexKind::lambda);
    EXPECT_EQ(g[lambda].path, "/services/food/lambdas/get-orders");
    EXPECT_EQ(g.resource<Lambda>(lambda).index, "orderDateIndex");
    auto tables = g.out(lambda, EdgeKind::uses_table);
    ASSERT_EQ(tables.size(), 1u);
    EXPECT_EQ(g.resource<Table>(tables[0]).table_name, "cross-account-microservices-food");
    auto secret = *g.find("consumer/secret/endpoint-id");
    ASSERT_EQ(g.out(secret, EdgeKind::holds_id_of).size(), 1u);
    EXPECT_EQ(g[g.out(secret, EdgeKind::holds_id_of)[0]].id, "consumer/vpc-endpoint/execute-api");
    EXPECT_EQ(g.in(secret, EdgeKind::reads_secret).size(), 2u);
}

// The id index views the vertices' own ids: a graph copied or moved finds every vertex by id
// once the graph it came from is gone, and its edges too. A move takes the vertices where they
// are (it copied the whole Boost graph once, as Boost's adjacency_list has no move constructor);
// a copy has its own.
TEST(Graph, ACopiedOrMovedGraphFindsEveryVertexById) {
    const auto& reference = reference_graph();
    std::vector<std::string> ids;
    for (auto v : boost::make_iterator_range(boost::vertices(reference.boost()))) ids.push_back(reference[v].id);
    auto expect_all_found = [&](const Graph& g) {
        ASSERT_EQ(g.vertex_count(), ids.size());
        for (std::size_t v = 0; v < ids.size(); ++v) {
            auto found = g.find(ids[v]);
            ASSERT_TRUE(found) << ids[v];
            EXPECT_EQ(*found, v) << ids[v];
        }
        EXPECT_FALSE(g.find("consumer/vpc/no-such-vpc"));
        EXPECT_EQ(g.count(EdgeKind::contains), reference.count(EdgeKind::contains));
    };
    auto copy = std::make_unique<Graph>(reference);
    EXPECT_NE(&(*copy)[0], &reference[0]);  // a copy's own vertices
    const VertexData* first = &(*copy)[0];
    Graph moved = std::move(*copy);
    EXPECT_EQ(&moved[0], first);  // moved, not copied
    copy.reset();
    expect_all_found(moved);
    Graph assigned(std::make_shared<const Model>());
    {
        Graph source = reference;
        first = &source[0];
        assigned = std::move(source);
    }
    EXPECT_EQ(&assigned[0], first);
    expect_all_found(assigned);
    Graph copy_assigned(std::make_shared<const Model>());
    {
        Graph source = reference;
        copy_assigned = source;
    }
    expect_all_found(copy_assigned);
    for (auto api : copy_assigned.private_apis()) EXPECT_EQ(copy_assigned.request_paths(api).size(), reference.request_paths(api).size());
}

// The id index is a table of its own (open addressing over the ids' hashes, the ids read from the
// vertices): on a graph of thousands of vertices, whose probes run into each other, every vertex
// is found by its id and nothing else is found, not even an id's prefix or an id one letter longer.
TEST(Graph, EveryVertexOfALargeGraphIsFoundByItsIdAndNoOtherIdIs) {
    const Graph g = build_graph(load_model_text(xc::bench::generated_services_model(300, xc::bench::ModelShape::distinct), "generated.json", {}));
    ASSERT_GT(g.vertex_count(), 5000u);
    std::set<std::string> ids;
    for (Vertex v = 0; v < g.vertex_count(); ++v) {
        ids.insert(g[v].id);
        const auto found = g.find(g[v].id);
        ASSERT_TRUE(found) << g[v].id;
        EXPECT_EQ(*found, v) << g[v].id;
    }
    EXPECT_EQ(ids.size(), g.vertex_count());  // ids are unique
    std::size_t asked = 0;
    for (const auto& id : ids)
        for (const std::string& other : {id + "x", id.substr(0, id.size() - 1), "x" + id, std::string(id).replace(0, 1, "#")})
            if (!ids.contains(other)) {
                EXPECT_FALSE(g.find(other)) << other;
                ++asked;
            }
    EXPECT_GT(asked, 3 * ids.size());
    EXPECT_FALSE(g.find(""));
    EXPECT_FALSE(Graph(std::make_shared<const Model>()).find("consumer/vpc/main"));  // no vertices, no index
}

// out() and in() give a vertex's neighbours of one kind in the order the edges were added, for a
// vertex of a few edges (sorted by kind in place) and of many (a zone of many records), and
// nothing for a kind it has no edge of.
TEST(Graph, NeighboursOfOneKindComeInTheOrderTheirEdgesWereAdded) {
    Graph g(std::make_shared<const Model>());
    g.add_vertices(200);
    const EdgeKind kinds[] = {EdgeKind::contains, EdgeKind::executes_as, EdgeKind::resolves_to};
    std::map<std::pair<Vertex, int>, std::vector<Vertex>> out, in;
    for (Vertex from : {Vertex{0}, Vertex{1}, Vertex{2}})
        for (Vertex k = 0; k < (from == 0 ? 150u : from == 1 ? 7u : 16u); ++k) {
            const Vertex to = 199 - (k * 37 + from) % 190;
            const int kind = static_cast<int>((k * 7 + from) % 3 == 0 ? 2 : (k + from) % 2);
            g.add_edge(from, to, kinds[kind]);
            out[{from, kind}].push_back(to);
            in[{to, kind}].push_back(from);
        }
    EXPECT_THROW(g.boost(), std::logic_error);  // the edges are laid out by index_edges, not before
    g.index_edges(2);
    for (Vertex v = 0; v < 200; ++v)
        for (int kind = 0; kind < 3; ++kind) {
            const auto o = g.out(v, kinds[kind]), i = g.in(v, kinds[kind]);
            EXPECT_EQ(std::vector<Vertex>(o.begin(), o.end()), (out[{v, kind}])) << v << " " << kind;
            EXPECT_EQ(std::vector<Vertex>(i.begin(), i.end()), (in[{v, kind}])) << v << " " << kind;
        }
    // Boost's graph holds every edge once, each vertex's out-edges by kind and, within a kind, in
    // the order they were added (out() reads a kind's run of the row).
    std::map<Vertex, std::vector<std::pair<Vertex, EdgeKind>>> laid_out;
    ASSERT_EQ(g.edge_count(), 150u + 7u + 16u);
    for (Vertex v = 0; v < 200; ++v)
        for (auto e : boost::make_iterator_range(boost::out_edges(v, g.boost()))) laid_out[v].emplace_back(boost::target(e, g.boost()), g.boost()[e].kind);
    for (Vertex from : {Vertex{0}, Vertex{1}, Vertex{2}}) {
        std::vector<std::pair<Vertex, EdgeKind>> in_order;  // as added above, the kinds interleaved
        for (Vertex k = 0; k < (from == 0 ? 150u : from == 1 ? 7u : 16u); ++k)
            in_order.emplace_back(199 - (k * 37 + from) % 190, kinds[(k * 7 + from) % 3 == 0 ? 2 : (k + from) % 2]);
        std::stable_sort(in_order.begin(), in_order.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        EXPECT_EQ(laid_out[from], in_order) << from;
    }
    EXPECT_EQ(laid_out.size(), 3u);
}

TEST(GraphRender, DotHasAClusterPerAccountAndEveryResource) {
    const auto& g = reference_graph();
    auto dot = to_dot(g);
    for (const auto* account : {"consumer", "beverage", "food"})
        EXPECT_NE(dot.find("subgraph cluster_" + std::string(account) + " {"), std::string::npos) << account;
    EXPECT_NE(dot.find("label=\"account food (333333333333, service)\""), std::string::npos);
    EXPECT_NE(dot.find("label=\"bound-to\""), std::string::npos);
    EXPECT_NE(dot.find("VPC main\\n192.168.0.0/16"), std::string::npos);
    EXPECT_EQ(to_dot(g), dot);  // deterministic
}

// Whatever a label holds (quotes, backslashes, a DOT keyword, a line break), the DOT is one
// Graphviz reads, and the labels come back as written.
TEST(GraphRender, DotQuotesEveryLabelGraphvizReadsBack) {
    // A label is "role <name>", or an account's name alone (the DOT keyword).
    Account account{"node", "123456789012", AccountRole::consumer, "/accounts/node"};
    Account keyword{"graph", "123456789013", AccountRole::service, "/accounts/graph"};
    Graph g(std::make_shared<const Model>());
    const Vertex a = g.add_vertex(VertexData{VertexKind::account, "account/node", "", "node", "", Resource(std::in_place_type<const Account*>, &account), {}});
    g.add_vertex(VertexData{VertexKind::account, "account/graph", "", "graph", "", Resource(std::in_place_type<const Account*>, &keyword), {}});
    const std::vector<std::string> names{"say \"hi\" \\", "ends in \\", "two\nlines", "a;b}c{ -> d"};
    std::deque<Role> roles;
    for (std::size_t n = 0; n < names.size(); ++n) {
        Role& role = roles.emplace_back();
        role.name = names[n];
        const Vertex v = g.add_vertex(VertexData{VertexKind::role, "node/role/" + names[n], "node", "node", "", Resource(std::in_place_type<const Role*>, &role), {}});
        g.add_edge(a, v, EdgeKind::contains);
        if (n) g.add_edge(v, v - 1, EdgeKind::executes_as);
    }
    g.index_edges();
    xc::test::TempDir tmp;
    std::ofstream(tmp / "g.dot") << to_dot(g);
    const auto r = xc::test::run("dot -Tcanon " + (tmp / "g.dot").string());
    ASSERT_EQ(r.exit_code, 0) << r.err << to_dot(g);
    EXPECT_NE(r.out.find("subgraph cluster_node"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("label=\"role say \\\"hi\\\" \\\\\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("label=\"role two\\nlines\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("label=\"role a;b}c{ -> d\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("label=\"graph\""), std::string::npos) << r.out;  // a keyword, as text
    EXPECT_NE(r.out.find("label=\"role ends in \\\\\""), std::string::npos) << r.out;
}

TEST(GraphRender, MermaidHasASubgraphPerAccount) {
    auto mermaid = to_mermaid(reference_graph());
    EXPECT_EQ(mermaid.rfind("flowchart LR\n", 0), 0u);
    EXPECT_NE(mermaid.find("subgraph n0[\"account beverage (222222222222)\"]"), std::string::npos);
    EXPECT_NE(mermaid.find("-->|resolves-to|"), std::string::npos);
    EXPECT_NE(mermaid.find("VPC main<br/>192.168.0.0/16"), std::string::npos);
}

// The builder fills each chunk of scopes' vertices and finds their edges on several threads
// (graph.hpp: GraphBuilder): vertex numbers, their data and the edges in order are the same for
// any number of threads, on a model of several chunks.
TEST(ParallelGraph, TheGraphIsTheSameForAnyNumberOfThreads) {
    auto model = std::make_shared<const Model>(
        load_model_text(xc::bench::generated_services_model(2 * 256 + 9, xc::bench::ModelShape::distinct), "generated.json", {}));
    auto describe = [](const Graph& g) {
        std::vector<std::string> out;
        for (auto v : boost::make_iterator_range(boost::vertices(g.boost()))) {
            const auto& d = g[v];
            out.push_back(std::to_string(static_cast<int>(d.kind)) + " " + d.id + " " + label_of(g, v) + " " + d.scope + " " + d.account + " " +
                          std::string(d.path) + " name=" + g.identity(v).name.display() + " id=" + g.identity(v).id.display() +
                          " arn=" + g.identity(v).arn().display());
        }
        for (auto e : boost::make_iterator_range(boost::edges(g.boost())))
            out.push_back(g[boost::source(e, g.boost())].id + " -" + std::to_string(static_cast<int>(g.boost()[e].kind)) + "-> " +
                          g[boost::target(e, g.boost())].id);
        for (auto v : boost::make_iterator_range(boost::vertices(g.boost())))
            for (auto kind : {EdgeKind::contains, EdgeKind::integrates, EdgeKind::bound_to})
                for (auto w : g.out(v, kind)) out.push_back(g[v].id + " out " + g[w].id);
        return out;
    };
    const auto one = describe(build_graph(model, 1));
    ASSERT_GT(one.size(), 20000u);
    for (unsigned jobs : {2u, 3u, 8u}) {
        const auto many = describe(build_graph(model, jobs));
        ASSERT_EQ(many.size(), one.size()) << jobs << " threads";
        for (std::size_t i = 0; i < one.size(); ++i) ASSERT_EQ(many[i], one[i]) << jobs << " threads, line " << i;
    }
}

// A vertex keeps its deployed identity unless the identity is empty in every part (the graph
// drops empty ones): each part alone makes it non-empty, so none is lost.
TEST(Graph, AnIdentityWithAnyPartSetIsKept) {
    using xc::model::Identity;
    using xc::model::Term;
    EXPECT_TRUE(Identity{}.empty());
    std::vector<Identity> one_part(7);
    one_part[0].name = Term::literal("n");
    one_part[1].id = Term::literal("i");
    one_part[2].partition = "aws";
    one_part[3].service = "s3";
    one_part[4].region = "eu-central-1";
    one_part[5].account = "111111111111";
    one_part[6].resource = Term::literal("r");
    for (std::size_t i = 0; i < one_part.size(); ++i) EXPECT_FALSE(one_part[i].empty()) << "part " << i;
}

}  // namespace graph_test
