// The mapping of Terraform roots into the model (to_model.hpp): what it reads from the emitted
// roots, that nothing is silently dropped (every resource type that can change a verdict xc does
// not map makes the resource it names Unresolved, and its checks UNDECIDED; others are listed as
// not modelled), and that findings are located at the .tf lines.
#include "xc/emit/terraform.hpp"
#include "xc/input/terraform/link.hpp"
#include "xc/input/terraform/to_model.hpp"
#include "xc/verify/report_format.hpp"
#include "xc/verify/verify.hpp"

#include "model_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace to_model_test {

namespace fs = std::filesystem;
using namespace xc::input::terraform;
using xc::verify::Verdict;

// The reference model's emitted roots, written into `into` (consumer, beverage, food).
std::vector<RootInput> reference_roots(const fs::path& into) {
    const auto graph = xc::test::graph_of_file(xc::test::reference_model_path());
    const auto emitted = xc::emit::emit_terraform(graph);
    std::map<std::string, fs::path> dirs;
    for (const auto& [path, file] : emitted.files()) {
        const fs::path p = into / path;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << file.content;
        if (p.extension() == ".tf") dirs[p.parent_path().filename().string()] = p.parent_path();
    }
    std::vector<RootInput> roots;
    for (const auto& [name, dir] : dirs) roots.push_back({name, dir, {}});
    return roots;
}

MappedModel read(const std::vector<RootInput>& roots) { return to_model(roots, load_roots(roots)); }

// Replaces the last `from` in the emitted file `file` by `to`.
void edit(const fs::path& file, const std::string& from, const std::string& to) {
    std::string text = xc::test::read_file(file);
    ASSERT_NE(text.find(from), std::string::npos) << from;
    text.replace(text.rfind(from), from.size(), to);
    std::ofstream(file) << text;
}

TEST(ToModel, TheEmittedReferenceRootsMapToTheModelsResourcesWithTheirDeployedNames) {
    xc::test::TempDir tmp;
    const auto mapped = read(reference_roots(tmp.path()));
    const auto& m = mapped.model;
    EXPECT_TRUE(m.unresolved.empty());
    EXPECT_EQ(m.region, "eu-central-1");
    EXPECT_EQ(m.accounts.at("consumer").id, "111111111111");
    EXPECT_EQ(m.accounts.at("food").id, "333333333333");
    ASSERT_EQ(m.services.size(), 2u);
    const auto& api = m.services.at("food").apis.at("orders");
    EXPECT_TRUE(api.is_private);
    EXPECT_EQ(api.deployed_name, "cross-account-microservices-food-orders");
    EXPECT_EQ(api.stage, "v1");
    EXPECT_EQ(api.routes.size(), 3u);
    ASSERT_EQ(api.vpc_endpoints.size(), 1u);
    EXPECT_EQ(api.vpc_endpoints.front().to_string(), "consumer/execute_api");
    ASSERT_TRUE(api.endpoint_id_from);
    EXPECT_EQ(api.endpoint_id_from->to_string(), "consumer/endpoint_id");
    // The API's policy names the consumer endpoint by the placeholder id of its model endpoint.
    const auto& endpoint = m.consumer.vpc_endpoints.at("execute_api");
    EXPECT_EQ(api.policy->document["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"], endpoint.id);
    EXPECT_EQ(m.services.at("food").lambdas.at("get_order").handler, "get-order");
    EXPECT_EQ(m.services.at("food").lambdas.at("get_order").invoke_permissions.front().source_api->name, "orders");
    // Findings are located at the .tf lines, with the Terraform address.
    const auto at = m.locate(api.path + "/policy");
    EXPECT_EQ(fs::path(at.file).filename(), "api.tf");
    EXPECT_GT(at.position.line, 0u);
    EXPECT_EQ(at.path, "[food] aws_api_gateway_rest_api.orders");
    // What it does not model is listed, never dropped.
    bool log_group = false;
    for (const auto& n : mapped.not_modelled) log_group |= n.type == "aws_cloudwatch_log_group";
    EXPECT_TRUE(log_group);
}

// Every resource type that can change a verdict and that xc does not map makes the resource it
// names Unresolved, and the checks reading it UNDECIDED naming it.
TEST(ToModel, EveryVerdictChangingTypeXcDoesNotMapMakesWhatItNamesUndecided) {
    // Where each argument finds a mapped resource of the right kind: (root, expression).
    const std::map<std::string, std::pair<std::string, std::string>> target{
        {"rest_api_id", {"food", "aws_api_gateway_rest_api.orders.id"}},
        {"vpc_endpoint_id", {"consumer", "aws_vpc_endpoint.execute_api.id"}},
        {"function_name", {"food", "aws_lambda_function.get_order.function_name"}},
        {"key_id", {"consumer", "aws_kms_key.shared_secret.id"}},
        {"roles", {"food", "[aws_iam_role.lambda.name]"}},
        {"default_route_table_id", {"consumer", "aws_vpc.main.default_route_table_id"}},
        {"vpc_id", {"consumer", "aws_vpc.main.id"}},
        {"security_group_id", {"consumer", "aws_security_group.alb.id"}},
    };
    for (const auto& t : detail::verdict_changing_types()) {
        SCOPED_TRACE(t.type);
        ASSERT_TRUE(target.count(t.argument)) << "no test target for argument " << t.argument;
        const auto& [root, expression] = target.at(t.argument);
        xc::test::TempDir tmp;
        const auto roots = reference_roots(tmp.path());
        std::ofstream(tmp.path() / root / "extra.tf") << "resource \"" << t.type << "\" \"extra\" {\n  " << t.argument << " = " << expression << "\n}\n";
        const auto mapped = read(roots);
        const std::string origin = "[" + root + "] " + t.type + ".extra (not modelled)";
        bool recorded = false;
        for (const auto& u : mapped.model.unresolved) recorded |= u.origin == origin;
        EXPECT_TRUE(recorded);
        const auto graph = xc::model::build_graph(mapped.model);
        const auto report = xc::verify::verify(graph);
        std::size_t undecided = 0;
        for (const auto& f : report.findings) {
            if (f.message.find(origin) == std::string::npos) continue;
            EXPECT_EQ(f.verdict, Verdict::undecided) << f.property << " " << f.subject;
            ++undecided;
        }
        EXPECT_GT(undecided, 0u) << "no finding names " << origin;
    }
}

TEST(ToModel, AnUnknownTheRootsDoNotLinkIsUndecidedNamingTheDataSource) {
    xc::test::TempDir tmp;
    const auto roots = reference_roots(tmp.path());
    // The food service reads the endpoint id from a secret no root creates.
    edit(tmp.path() / "food/cross_account.tf", "secret:cross-account-microservices/endpoint-id", "secret:cross-account-microservices/other-id");
    const auto mapped = read(roots);
    const auto graph = xc::model::build_graph(mapped.model);
    const auto report = xc::verify::verify(graph);
    bool endpoint_only = false;
    for (const auto& f : report.findings) {
        if (f.subject != "food/rest-api/orders") continue;
        EXPECT_NE(f.verdict, Verdict::proved) << f.property;
        if (f.property == "api-endpoint-only") {
            endpoint_only = true;
            EXPECT_EQ(f.verdict, Verdict::undecided);
            EXPECT_NE(f.message.find("data.aws_secretsmanager_secret_version.consumer_endpoint_id.secret_string"), std::string::npos) << f.message;
        }
    }
    EXPECT_TRUE(endpoint_only);
}

TEST(ToModel, AWideningPolicyInTheTerraformIsViolatedAtItsLine) {
    xc::test::TempDir tmp;
    const auto roots = reference_roots(tmp.path());
    // A second, open statement in the food API's policy argument (which overrides the body's).
    const std::string sid = "Sid       = \"OnlyTheConsumerEndpoint\"\n      },";
    edit(tmp.path() / "food/api.tf", sid, sid + "\n      { Action = \"execute-api:Invoke\", Effect = \"Allow\", Principal = \"*\", Resource = \"execute-api:/*\" },");
    const auto mapped = read(roots);
    const auto graph = xc::model::build_graph(mapped.model);
    auto report = xc::verify::verify(graph);
    const auto located = xc::verify::locate("roots", std::move(report), graph.model());
    bool violated = false;
    for (const auto& f : located.report.findings) {
        if (f.property != "api-endpoint-only" || f.subject != "food/rest-api/orders") continue;
        EXPECT_EQ(f.verdict, Verdict::violated);
        violated = true;
        EXPECT_EQ(fs::path(located.file_of(f.path)).filename(), "api.tf");
        EXPECT_NE(located.source_path(f.path).find("[food] aws_api_gateway_rest_api.orders"), std::string::npos);
    }
    EXPECT_TRUE(violated);
}

}  // namespace to_model_test
