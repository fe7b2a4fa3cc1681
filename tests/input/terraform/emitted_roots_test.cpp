// Every root module `xc emit --target terraform` writes for the shipped models reads as a
// Terraform configuration: no error, every AWS instance placed in its model account and region,
// and the cross-account values (the endpoint id read back from the consumer's secret) are
// unknowns that name the data source they come from — the inputs the model mapping will read.
#include "xc/emit/terraform.hpp"
#include "xc/input/terraform/configuration.hpp"

#include "model_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace emitted_roots_test {

namespace fs = std::filesystem;
using namespace xc::input::terraform;

class EmittedRoots : public ::testing::TestWithParam<std::string> {};

TEST_P(EmittedRoots, ReadWithEveryInstancePlacedInItsModelAccount) {
    const auto graph = xc::test::graph_of_file(fs::path(XC_SOURCE_DIR) / "models" / GetParam());
    const auto& model = graph.model();
    xc::test::TempDir tmp;
    std::set<fs::path> roots;
    const auto emitted = xc::emit::emit_terraform(graph);
    for (const auto& [path, file] : emitted.files()) {
        const fs::path p = tmp.path() / path;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << file.content;
        if (p.extension() == ".tf") roots.insert(p.parent_path());
    }
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
            if (i.type != "aws_api_gateway_rest_api_policy") continue;
            for (const auto& o : i.encoded.at("policy").unknown_origins())
                if (o.rfind("data.aws_secretsmanager_secret_version.", 0) == 0 && o.find(".secret_string") != std::string::npos) ++endpoint_reads;
        }
    }
    EXPECT_GT(endpoint_reads, 0u);
}

INSTANTIATE_TEST_SUITE_P(ShippedModels, EmittedRoots, ::testing::Values("cross-account-microservices.json", "three-services-private-domains.json"),
                         [](const auto& info) {
                             std::string n = info.param.substr(0, info.param.find('.'));
                             for (auto& ch : n)
                                 if (ch == '-') ch = '_';
                             return n;
                         });

}  // namespace emitted_roots_test
