// The model writer (emit/model_json.hpp) is the inverse of the model reader (input/json/load.hpp):
// for both shipped models and every corpus variant (correct and mutant), writing the loaded model
// and loading the text again gives the same graph (vertices with their identities, edges) and
// the same verdicts, property by property and subject by subject; writing that model again gives
// the same bytes; the text validates against the model format's JSON Schema. What the format
// cannot say is refused with every item listed and located, never dropped.
#include <xc/emit/model_json.hpp>
#include <xc/emit/terraform.hpp>
#include <xc/input/terraform/link.hpp>
#include <xc/input/terraform/to_model.hpp>
#include <xc/input/json/load.hpp>
#include <xc/model/graph.hpp>
#include <xc/model/graph_render.hpp>
#include <xc/verify/verify.hpp>

#include "model_support.hpp"
#include "model_variants.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace model_json_test {

namespace fs = std::filesystem;
using nlohmann::json;


// A vertex by what it is: its graph id, except that an alias record is its name (fqdn) in its
// zone — the key a record has in the model is its label, in a front end's model its source's
// name (Terraform: the resource's), and the writer keys it by its label.
std::string vertex_key(const xc::model::Graph& g, xc::model::Vertex v) {
    const auto& d = g[v];
    if (d.kind != xc::model::VertexKind::alias_record) return d.id;
    return d.scope + "/alias-record=" + g.resource<xc::model::AliasRecord>(v).fqdn;
}

// Everything the verifier and the emitters read from a graph: each vertex with its kind, place,
// source path and deployed identity, and each edge.
std::set<std::string> graph_facts(const xc::model::Graph& g) {
    std::set<std::string> out;
    for (auto v : boost::make_iterator_range(boost::vertices(g.boost()))) {
        const auto& d = g[v];
        const bool record = d.kind == xc::model::VertexKind::alias_record;
        out.insert("vertex " + vertex_key(g, v) + " kind=" + std::string(to_string(d.kind)) + " label=" + xc::model::label_of(g, v) + " scope=" + d.scope +
                   " account=" + d.account + " path=" + (record ? "(its key)" : std::string(d.path)) + " name=" + g.identity(v).name.display() +
                   " id=" + g.identity(v).id.display() + " arn=" + g.identity(v).arn().display());
    }
    for (auto e : boost::make_iterator_range(boost::edges(g.boost())))
        out.insert("edge " + vertex_key(g, boost::source(e, g.boost())) + " -" + std::string(to_string(g.boost()[e].kind)) + "-> " +
                   vertex_key(g, boost::target(e, g.boost())));
    return out;
}

// The facts only one side has ("-" the first, "+" the second): empty when the graphs agree.
std::vector<std::string> difference(const std::set<std::string>& a, const std::set<std::string>& b) {
    std::vector<std::string> out;
    for (const auto& x : a)
        if (!b.contains(x)) out.push_back("- " + x);
    for (const auto& x : b)
        if (!a.contains(x)) out.push_back("+ " + x);
    return out;
}

using Verdicts = std::map<std::pair<std::string, std::string>, std::multiset<std::string>>;  // (property, subject) -> verdicts

Verdicts verdicts(const xc::verify::Report& r) {
    Verdicts out;
    for (const auto& f : r.findings) out[{f.property, f.subject}].insert(std::string(to_string(f.verdict)));
    return out;
}

TEST(ModelJson, EveryModelAndCorpusVariantReadsBackToTheSameGraphAndVerdicts) {
    const auto all = xc::test::corpus_variants();
    ASSERT_GE(all.size(), 90u);
    xc::test::TempDir tmp;
    std::vector<std::string> written_files;
    std::size_t compared = 0;
    for (const auto& v : all) {
        SCOPED_TRACE(v.name);
        const auto original = xc::test::graph_of_text(v.text, v.name);
        const std::string written = xc::emit::model_json(original.model());
        const auto reread = xc::model::build_graph(xc::input::json::load_model_text(written, "written.json"));
        EXPECT_EQ(difference(graph_facts(original), graph_facts(reread)), std::vector<std::string>{});
        const auto want = verdicts(xc::verify::verify(original));
        const auto got = verdicts(xc::verify::verify(reread));
        EXPECT_EQ(got, want);
        compared += want.size();
        // A fixed point: what was read back is written to the same bytes.
        EXPECT_EQ(xc::emit::model_json(reread.model()), written);
        // Written concretely: no service templates remain.
        EXPECT_FALSE(json::parse(written).contains("templates"));
        const fs::path file = tmp / (std::to_string(written_files.size()) + ".json");
        xc::test::write_file(file, written);
        written_files.push_back(file.string());
    }
    EXPECT_GT(compared, 1000u);
    // Every written model is valid against the format's schema (one node process for all).
    std::string command = "node " + xc::test::quote((xc::test::source_dir() / "tests/input/json/schema/validate.mjs").string()) + " " +
                          xc::test::quote((xc::test::source_dir() / "models/xc-model.schema.json").string());
    for (const auto& f : written_files) command += " " + xc::test::quote(f);
    const auto r = xc::test::run(command);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// What `xc import` does with Terraform: the roots `xc emit --target terraform` writes, read by
// the Terraform front end, written and read back, give the front end's graph — the deployed
// names the roots state included (deployedName), which no verdict of these models depends on
// but a later `xc emit` must keep. Variants whose roots leave something unresolved are refused.
TEST(ModelJson, ImportedTerraformReadsBackToTheSameGraphAndVerdicts) {
    std::size_t imported = 0, refused = 0, named = 0;
    for (const auto& v : xc::test::corpus_variants()) {
        SCOPED_TRACE(v.name);
        const auto graph = xc::test::graph_of_text(v.text, v.name);
        xc::test::TempDir tmp;
        std::set<fs::path> dirs;
        const auto emitted = xc::emit::emit_terraform(graph);
        for (const auto& [path, file] : emitted.files()) {
            const fs::path p = tmp.path() / path;
            fs::create_directories(p.parent_path());
            std::ofstream(p) << file.content;
            if (p.extension() == ".tf") dirs.insert(p.parent_path());
        }
        std::vector<xc::input::terraform::RootInput> roots;
        for (const auto& d : dirs) roots.push_back({d.filename().string(), d, {}});
        const auto configs = xc::input::terraform::load_roots(roots);
        const auto from_terraform = xc::model::build_graph(xc::input::terraform::to_model(roots, configs).model);
        const auto& m = from_terraform.model();
        if (!m.unresolved.empty()) {
            try {
                (void)xc::emit::model_json(m);
                ADD_FAILURE() << "unresolved items were written";
            } catch (const xc::LoweringError& e) {
                EXPECT_EQ(e.diagnostics().size(), m.unresolved.size());
            }
            ++refused;
            continue;
        }
        const std::string written = xc::emit::model_json(m);
        const auto reread = xc::model::build_graph(xc::input::json::load_model_text(written, "imported.json"));
        EXPECT_EQ(difference(graph_facts(from_terraform), graph_facts(reread)), std::vector<std::string>{});
        EXPECT_EQ(verdicts(xc::verify::verify(reread)), verdicts(xc::verify::verify(from_terraform)));
        EXPECT_EQ(xc::emit::model_json(reread.model()), written);
        named += written.find("\"deployedName\"") != std::string::npos;
        ++imported;
    }
    EXPECT_GE(imported, 80u);
    EXPECT_GE(refused, 1u);  // three-services-private-domains: existing ACM certificates
    EXPECT_EQ(named, imported);
    std::cout << "[ import ] " << imported << " variants imported alike, " << refused << " refused (unresolved)\n";
}

TEST(ModelJson, OutputIsOrderedAndOmitsDefaults) {
    const auto graph = xc::test::graph_of_file(xc::test::reference_model_path());
    const json doc = json::parse(xc::emit::model_json(graph.model()));
    // Top-level keys in the reader's order.
    std::vector<std::string> keys;
    const auto ordered = xc::emit::model_json_document(graph.model());
    for (const auto& [k, _] : ordered.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"xc", "name", "region", "accounts", "consumer", "services"}));
    EXPECT_EQ(doc["xc"], 1);
    // A default (dnsSupport: true) left out.
    const auto& vpc = doc.at("consumer").at("vpcs").begin().value();
    EXPECT_FALSE(vpc.contains("dnsSupport"));
    // A cross-scope reference is written "scope/name", a reference within the scope by name.
    bool cross = false;
    for (const json& service : doc.at("services")) {
        if (!service.contains("apis")) continue;
        for (const json& api : service.at("apis")) {
            for (const json& e : api.value("vpcEndpoints", json::array())) cross = cross || e.get<std::string>().rfind("consumer/", 0) == 0;
            for (const json& route : api.at("routes")) EXPECT_EQ(route.at("lambda").get<std::string>().find('/'), std::string::npos);
        }
    }
    EXPECT_TRUE(cross);
}

// The name a deployment states is kept: the reader reads "deployedName", identity uses it.
TEST(ModelJson, DeployedNamesAreWrittenAndReadBack) {
    auto model = xc::input::json::load_model_file(xc::test::reference_model_path().string());
    auto& service = model.services.begin()->second;
    ASSERT_FALSE(service.lambdas.empty());
    ASSERT_FALSE(service.apis.empty());
    ASSERT_FALSE(service.roles.empty());
    ASSERT_FALSE(model.consumer.secrets.empty());
    service.lambdas.begin()->second.deployed_name = "orders-handler";
    service.apis.begin()->second.deployed_name = "orders-api";
    service.roles.begin()->second.deployed_name = "orders-role";
    model.consumer.secrets.begin()->second.deployed_name = "shared/endpoint";
    const std::string written = xc::emit::model_json(model);
    const auto reread = xc::input::json::load_model_text(written);
    const auto& s2 = reread.services.at(service.name);
    EXPECT_EQ(s2.lambdas.begin()->second.deployed_name, "orders-handler");
    EXPECT_EQ(s2.apis.begin()->second.deployed_name, "orders-api");
    EXPECT_EQ(s2.roles.begin()->second.deployed_name, "orders-role");
    EXPECT_EQ(reread.consumer.secrets.begin()->second.deployed_name, "shared/endpoint");
    const auto graph = xc::model::build_graph(xc::input::json::load_model_text(written));
    const auto v = graph.find(service.name + "/lambda/" + service.lambdas.begin()->first);
    ASSERT_TRUE(v);
    EXPECT_EQ(graph.identity(*v).arn().display(), "arn:aws:lambda:" + model.region + ":" +
                                                       model.accounts.at(service.account).id + ":function:orders-handler");
    // An empty name is no name: the reader refuses it.
    auto doc = json::parse(written);
    doc["services"][service.name]["lambdas"].begin().value()["deployedName"] = "";
    EXPECT_THROW(xc::input::json::load_model_text(doc.dump()), xc::InputError);
}

// Unresolved items have no representation in the format: every one is refused, located, and
// nothing is written.
TEST(ModelJson, UnresolvedItemsAreRefusedAndListed) {
    auto model = xc::input::json::load_model_file(xc::test::reference_model_path().string());
    const auto& api = model.services.begin()->second.apis.begin()->second;
    model.unresolved.push_back({api.path, api.path + "/policy", "data.aws_iam_policy_document.x", "read at apply time"});
    model.unresolved.push_back({model.consumer.path, model.consumer.path, "aws_vpc_endpoint_policy.y (not modelled)", "a second policy"});
    try {
        (void)xc::emit::model_json(model);
        FAIL() << "expected a LoweringError";
    } catch (const xc::LoweringError& e) {
        EXPECT_EQ(e.exit_code(), 2);
        ASSERT_EQ(e.diagnostics().size(), 2u);
        EXPECT_EQ(e.diagnostics()[0].path, api.path + "/policy");
        EXPECT_GT(e.diagnostics()[0].position.line, 0u);  // located where the model wrote it
        EXPECT_NE(e.diagnostics()[0].message.find("data.aws_iam_policy_document.x is unresolved (read at apply time)"), std::string::npos);
        EXPECT_NE(e.diagnostics()[1].message.find("aws_vpc_endpoint_policy.y"), std::string::npos);
    }
}

// A record is keyed by its label in the zone: one that is not a single label is refused; one
// named otherwise (as the Terraform front end names them) is keyed by its label.
TEST(ModelJson, AliasRecordsAreKeyedByTheirLabel) {
    auto model = xc::input::json::load_model_file(xc::test::reference_model_path().string());
    auto& zone = model.consumer.hosted_zones.at("services");
    ASSERT_TRUE(zone.records.contains("food"));
    auto record = zone.records.at("food");
    zone.records.erase("food");
    record.name = "terraform_resource_name";
    zone.records.emplace(record.name, record);
    const json doc = json::parse(xc::emit::model_json(model));
    const auto& records = doc.at("consumer").at("hostedZones").at("services").at("records");
    EXPECT_TRUE(records.contains("food"));
    EXPECT_FALSE(records.contains("terraform_resource_name"));
    zone.records.at("terraform_resource_name").fqdn = "a.b." + zone.domain;
    try {
        (void)xc::emit::model_json(model);
        FAIL() << "expected a LoweringError";
    } catch (const xc::LoweringError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        EXPECT_NE(e.diagnostics()[0].message.find("'a.b." + zone.domain + "' is not one label of its zone"), std::string::npos);
    }
}

}  // namespace model_json_test
