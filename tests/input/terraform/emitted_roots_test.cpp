// Every root module `xc emit --target terraform` writes for the shipped models reads as a
// Terraform configuration: no error, every AWS instance placed in its model account and region.
// Read alone, a service root's API policy admits an unknown that names the data source reading
// the consumer's secret; read together with the consumer root, the same value is the consumer's
// execute-api endpoint id — and stays the data source's unknown when the secret is read from a
// name no root creates.
#include "xc/emit/terraform.hpp"
#include "xc/input/terraform/configuration.hpp"
#include "xc/input/terraform/link.hpp"

#include "model_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <vector>
#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace emitted_roots_test {

namespace fs = std::filesystem;
using namespace xc::input::terraform;

// Writes the Terraform xc emits for `model_file` into `into`; returns the root directories.
std::set<fs::path> emit_roots(const xc::model::Graph& graph, const fs::path& into) {
    std::set<fs::path> roots;
    const auto emitted = xc::emit::emit_terraform(graph);
    for (const auto& [path, file] : emitted.files()) {
        const fs::path p = into / path;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << file.content;
        if (p.extension() == ".tf") roots.insert(p.parent_path());
    }
    return roots;
}

// The origins of the aws:SourceVpce values of every API policy (the REST API's `policy`), by root.
std::map<std::string, std::set<std::string>> source_vpce_origins(const std::vector<RootInput>& inputs, const std::vector<Configuration>& configs) {
    std::map<std::string, std::set<std::string>> out;
    for (std::size_t n = 0; n < configs.size(); ++n)
        for (const auto& i : configs[n].instances) {
            if (i.type != "aws_api_gateway_rest_api" || !i.encoded.contains("policy")) continue;
            for (const auto& s : i.encoded.at("policy").attributes().at("Statement").elements()) {
                const Value& equals = s.attributes().at("Condition").attributes().at("StringEquals");
                for (const auto& o : equals.attributes().at("aws:SourceVpce").unknown_origins()) out[inputs[n].name].insert(o);
            }
        }
    return out;
}

class EmittedRoots : public ::testing::TestWithParam<std::string> {};

TEST_P(EmittedRoots, ReadWithEveryInstancePlacedInItsModelAccount) {
    const auto graph = xc::test::graph_of_file(fs::path(XC_SOURCE_DIR) / "models" / GetParam());
    const auto& model = graph.model();
    xc::test::TempDir tmp;
    const std::set<fs::path> roots = emit_roots(graph, tmp.path());
    ASSERT_GE(roots.size(), 2u);
    std::set<std::string> accounts;
    for (const auto& [_, a] : model.accounts) accounts.insert(a.id);
    std::size_t endpoint_reads = 0;
    for (const auto& root : roots) {
        SCOPED_TRACE(root.filename().string());
        const Configuration c = load_configuration(root);
        ASSERT_FALSE(c.instances.empty());
        for (const auto& i : c.instances) {
            if (i.type.rfind("aws_", 0) != 0) continue;
            EXPECT_EQ(accounts.count(i.placement.account), 1u) << i.address << ": " << i.placement.account_from;
            EXPECT_EQ(i.placement.region, model.region) << i.address;
        }
        for (const auto& i : c.instances) {
            if (i.type != "aws_api_gateway_rest_api" || !i.encoded.contains("policy")) continue;
            for (const auto& o : i.encoded.at("policy").unknown_origins())
                if (o.rfind("data.aws_secretsmanager_secret_version.", 0) == 0 && o.find(".secret_string") != std::string::npos) ++endpoint_reads;
        }
    }
    EXPECT_GT(endpoint_reads, 0u);
}

TEST(EmittedRootsTogether, TheServicesAdmitTheEndpointIdTheConsumerWritesIntoTheSecret) {
    const auto graph = xc::test::graph_of_file(fs::path(XC_SOURCE_DIR) / "models/cross-account-microservices.json");
    xc::test::TempDir tmp;
    std::vector<RootInput> inputs;
    for (const auto& dir : emit_roots(graph, tmp.path())) inputs.push_back(RootInput{dir.filename().string(), dir, {}});
    const auto linked = source_vpce_origins(inputs, load_roots(inputs));
    const std::set<std::string> endpoint{"[consumer] aws_vpc_endpoint.execute_api.id"};
    EXPECT_EQ(linked.at("food"), endpoint);
    EXPECT_EQ(linked.at("beverage"), endpoint);

    // Mutation: the food service reads a secret no root creates.
    const fs::path cross = tmp.path() / "food/cross_account.tf";
    std::string text = xc::test::read_file(cross);
    const std::string name = "secret:cross-account-microservices/endpoint-id";
    ASSERT_NE(text.find(name), std::string::npos);
    text.replace(text.find(name), name.size(), "secret:cross-account-microservices/other-id");
    std::ofstream(cross) << text;
    const auto unlinked = source_vpce_origins(inputs, load_roots(inputs));
    EXPECT_EQ(unlinked.at("food"), std::set<std::string>{"data.aws_secretsmanager_secret_version.consumer_endpoint_id.secret_string"});
    EXPECT_EQ(unlinked.at("beverage"), endpoint);
}

TEST(EmittedRootsTogether, AnAmbiguousOrUnplacedSecretLinksNothing) {
    xc::test::TempDir tmp;
    auto root = [&](const std::string& name, const std::string& provider, const std::string& body) {
        fs::create_directories(tmp.path() / name);
        std::ofstream(tmp.path() / name / "main.tf") << "provider \"aws\" {\n" << provider << "}\n" << body;
        return RootInput{name, tmp.path() / name, {}};
    };
    const std::string creates = "resource \"aws_secretsmanager_secret\" \"s\" {\n  name = \"shared\"\n}\n"
                                "resource \"aws_secretsmanager_secret_version\" \"v\" {\n  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = \"hello\"\n}\n";
    const std::string reads = "data \"aws_secretsmanager_secret_version\" \"r\" {\n  secret_id = \"shared\"\n}\noutput \"o\" {\n  value = data.aws_secretsmanager_secret_version.r.secret_string\n}\n";
    const std::string here = "  region = \"eu-west-1\"\n  allowed_account_ids = [\"111111111111\"]\n";
    // By name, in the same account and region: linked (a known value, here).
    auto linked = load_roots({root("a", here, creates), root("b", here, reads)});
    EXPECT_EQ(display(linked[1].outputs.at("o")), "\"hello\"");
    // Two roots create it: nothing decides which, so it stays unknown.
    auto ambiguous = load_roots({root("c", here, creates), root("d", here, creates), root("e", here, reads)});
    EXPECT_EQ(ambiguous[2].outputs.at("o").unknown_origins(), std::vector<std::string>{"data.aws_secretsmanager_secret_version.r.secret_string"});
    // The reader's account is not known: a name means the reader's own account, so no link.
    auto unplaced = load_roots({root("f", here, creates), root("g", "  region = \"eu-west-1\"\n", reads)});
    EXPECT_FALSE(unplaced[1].outputs.at("o").is_known());
    // A version whose secret_id is computed from the secret's id (not exactly it) links nothing.
    std::string computed = creates;
    computed.replace(computed.find("aws_secretsmanager_secret.s.id"), 30, "lower(aws_secretsmanager_secret.s.id)");
    auto indirect = load_roots({root("j", here, computed), root("k", here, reads)});
    EXPECT_FALSE(indirect[1].outputs.at("o").is_known());
    // Another region: another secret.
    auto elsewhere = load_roots({root("h", here, creates), root("i", "  region = \"us-east-1\"\n  allowed_account_ids = [\"111111111111\"]\n", reads)});
    EXPECT_FALSE(elsewhere[1].outputs.at("o").is_known());
}

INSTANTIATE_TEST_SUITE_P(ShippedModels, EmittedRoots, ::testing::Values("cross-account-microservices.json", "three-services-private-domains.json"),
                         [](const auto& info) {
                             std::string n = info.param.substr(0, info.param.find('.'));
                             for (auto& ch : n)
                                 if (ch == '-') ch = '_';
                             return n;
                         });

}  // namespace emitted_roots_test
