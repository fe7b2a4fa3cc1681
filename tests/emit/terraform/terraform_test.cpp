// The Terraform printer: what it emits for the shipped models, that HashiCorp's own parser
// and formatter accept it, that it is valid against the AWS (and TLS) provider schema with
// every reference resolving in its root, that it is deterministic, and that no model string
// can inject HCL.
#include <xc/emit/terraform.hpp>
#include <xc/input/json/load.hpp>

#include <generated_models.hpp>
#include <terraform_addresses.hpp>
#include <model_support.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace terraform_test {

namespace {

using nlohmann::json;
using xc::emit::FileSet;
using xc::emit::TerraformOptions;
namespace fs = std::filesystem;
namespace test = xc::test;

using test::graph_of_file;
using test::graph_of_text;

FileSet emit_reference(const TerraformOptions& o = {}) { return xc::emit::emit_terraform(graph_of_file(test::reference_model_path()), o); }

using test::terraform_addresses;
const auto& addresses = terraform_addresses;  // "type.name" / "data.type.name" declared in a root

std::set<std::string> roots(const FileSet& files) {
    std::set<std::string> out;
    for (const auto& [path, _] : files.files())
        if (auto slash = path.find('/'); slash != std::string::npos) out.insert(path.substr(0, slash));
    return out;
}

// Expected per root for the reference model (INVENTORY.md, resource by resource).
const std::set<std::string> expected_consumer{
    // network: VPC, IGW, public route table with the default route, 2 public + 2 private subnets
    "aws_vpc.main", "aws_internet_gateway.main", "aws_route_table.main_public", "aws_route.main_public_default",
    "aws_route_table.main_private_a", "aws_route_table.main_private_b", "aws_subnet.main_public_a",
    "aws_subnet.main_public_b", "aws_subnet.main_private_a", "aws_subnet.main_private_b",
    "aws_route_table_association.main_public_a", "aws_route_table_association.main_public_b",
    "aws_route_table_association.main_private_a", "aws_route_table_association.main_private_b",
    // security groups and their rules
    "aws_security_group.alb", "aws_security_group.endpoint", "aws_security_group.client",
    "aws_vpc_security_group_ingress_rule.alb_ingress_0", "aws_vpc_security_group_egress_rule.alb_egress_0",
    "aws_vpc_security_group_ingress_rule.endpoint_ingress_0", "aws_vpc_security_group_egress_rule.client_egress_0",
    // the execute-api endpoint
    "aws_vpc_endpoint.execute_api",
    // self-signed wildcard certificate imported into ACM
    "tls_private_key.wildcard", "tls_self_signed_cert.wildcard", "aws_acm_certificate.wildcard",
    // internal ALB: listener, target group, targets = the endpoint's interface IPs
    "aws_lb.internal", "aws_lb_listener.internal_https", "aws_lb_target_group.internal_execute_api",
    "data.aws_network_interface.execute_api_0", "data.aws_network_interface.execute_api_1",
    "aws_lb_target_group_attachment.internal_execute_api_0", "aws_lb_target_group_attachment.internal_execute_api_1",
    // private zone and one alias per service
    "aws_route53_zone.services", "aws_route53_record.services_beverage", "aws_route53_record.services_food",
    // KMS key + the secret sharing the endpoint id
    "aws_kms_key.shared_secret", "aws_secretsmanager_secret.endpoint_id", "aws_secretsmanager_secret_policy.endpoint_id",
    "aws_secretsmanager_secret_version.endpoint_id",
    // test client with SSM
    "data.aws_ssm_parameter.client_ami", "aws_iam_role.client_instance", "aws_iam_role_policy_attachment.client_instance_ssm",
    "aws_iam_instance_profile.client", "aws_instance.client",
};
const std::set<std::string> expected_service{
    "aws_vpc.main", "aws_subnet.main_private_a", "aws_subnet.main_private_b", "aws_route_table.main_private_a",
    "aws_route_table.main_private_b", "aws_route_table_association.main_private_a",
    "aws_route_table_association.main_private_b",
    // DynamoDB gateway endpoint and its route-table associations
    "aws_vpc_endpoint.dynamodb", "aws_vpc_endpoint_route_table_association.dynamodb_private_a",
    "aws_vpc_endpoint_route_table_association.dynamodb_private_b",
    "aws_security_group.lambda", "aws_vpc_security_group_egress_rule.lambda_egress_0",
    "aws_dynamodb_table.orders",
    "aws_iam_role.lambda", "aws_iam_role_policy_attachment.lambda_awslambdabasicexecutionrole",
    "aws_iam_role_policy_attachment.lambda_awslambdavpcaccessexecutionrole", "aws_iam_role_policy.lambda_orders_table",
    "aws_cloudwatch_log_group.get_order", "aws_cloudwatch_log_group.get_orders", "aws_cloudwatch_log_group.post_order",
    "aws_lambda_function.get_order", "aws_lambda_function.get_orders", "aws_lambda_function.post_order",
    "aws_lambda_permission.get_order_invoke_orders", "aws_lambda_permission.get_orders_invoke_orders",
    "aws_lambda_permission.post_order_invoke_orders",
    // the consumer's endpoint id, read from the shared secret
    "data.aws_secretsmanager_secret_version.consumer_endpoint_id",
    "aws_api_gateway_rest_api.orders", "aws_api_gateway_deployment.orders",
    "aws_api_gateway_stage.orders_v1",
    "tls_private_key.domain", "tls_self_signed_cert.domain", "aws_acm_certificate.domain",
    "aws_api_gateway_domain_name.orders", "aws_api_gateway_base_path_mapping.orders",
};

TEST(TerraformEmit, ReferenceModelEmitsTheExpectedAddressSetPerRoot) {
    FileSet files = emit_reference();
    EXPECT_EQ(roots(files), (std::set<std::string>{"consumer", "beverage", "food"}));
    EXPECT_EQ(addresses(files, "consumer"), expected_consumer);
    EXPECT_EQ(addresses(files, "beverage"), expected_service);
    EXPECT_EQ(addresses(files, "food"), expected_service);
    for (const auto& root : {"consumer", "beverage", "food"})
        for (const auto& f : {"versions.tf", "providers.tf", "variables.tf", "outputs.tf"})
            EXPECT_TRUE(files.contains(std::string(root) + "/" + f)) << root << "/" << f;
    ASSERT_TRUE(files.contains("README.md"));
}

TEST(TerraformEmit, ReadmeStatesTheApplyOrderConsumerFirst) {
    FileSet files = emit_reference();
    std::string_view readme = files.at("README.md");
    auto consumer = readme.find("1. `consumer/`");
    auto beverage = readme.find("`beverage/`");
    auto food = readme.find("`food/`");
    ASSERT_NE(consumer, std::string::npos) << readme;
    ASSERT_NE(beverage, std::string::npos);
    ASSERT_NE(food, std::string::npos);
    EXPECT_LT(consumer, beverage);
    EXPECT_NE(readme.find("terraform init"), std::string::npos);
    EXPECT_NE(readme.find("terraform apply"), std::string::npos);
}

TEST(TerraformEmit, ServiceRootsReadTheEndpointIdFromTheSecretByPartialArn) {
    FileSet files = emit_reference();
    std::string_view data = files.at("food/cross_account.tf");
    EXPECT_NE(data.find("secret_id = \"arn:aws:secretsmanager:eu-central-1:111111111111:secret:cross-account-microservices/endpoint-id\""),
              std::string::npos) << data;
    std::string_view secrets = files.at("consumer/secrets.tf");
    EXPECT_NE(secrets.find("name                    = \"cross-account-microservices/endpoint-id\""), std::string::npos) << secrets;
    EXPECT_NE(secrets.find("secret_string = aws_vpc_endpoint.execute_api.id"), std::string::npos) << secrets;
    // No placeholder endpoint id survives anywhere in the services: policy and endpoint configuration use the secret.
    std::string_view api = files.at("food/api.tf");
    EXPECT_EQ(api.find("vpce-"), std::string::npos) << api;
    EXPECT_NE(api.find("\"aws:SourceVpce\" = data.aws_secretsmanager_secret_version.consumer_endpoint_id.secret_string"),
              std::string::npos) << api;
    EXPECT_NE(api.find("vpc_endpoint_ids = [data.aws_secretsmanager_secret_version.consumer_endpoint_id.secret_string]"),
              std::string::npos) << api;
    EXPECT_NE(api.find("Resource  = \"execute-api:/*/*/*\""), std::string::npos) << "shorthand resources stay as written";
}

// Issue 24, fix 4: the secret can be destroyed and re-created (recovery window 0 unless the
// deployer sets one), the test client requires IMDSv2 and keeps its AMI when a new one appears,
// and every root carries the dependency lock file of the provider version the tests ran.
TEST(TerraformEmit, SecretRecoveryWindowImdsV2AmiAndLockFile) {
    FileSet files = emit_reference();
    std::string_view secrets = files.at("consumer/secrets.tf");
    EXPECT_NE(secrets.find("recovery_window_in_days = var.secret_recovery_window_in_days"), std::string::npos) << secrets;
    std::string_view variables = files.at("consumer/variables.tf");
    EXPECT_NE(variables.find("variable \"secret_recovery_window_in_days\" {"), std::string::npos) << variables;
    EXPECT_NE(variables.find("type        = number\n  default     = 0\n"), std::string::npos) << variables;
    std::string_view client = files.at("consumer/client.tf");
    EXPECT_NE(client.find("  metadata_options {\n    http_endpoint = \"enabled\"\n    http_tokens   = \"required\"\n  }"), std::string::npos) << client;
    EXPECT_NE(client.find("  lifecycle {\n    ignore_changes = [ami]\n  }"), std::string::npos) << client;
    EXPECT_NE(client.find("al2023-ami"), std::string::npos) << client;
    for (const char* root : {"consumer", "beverage", "food"}) {
        std::string_view lock = files.at(std::string(root) + "/.terraform.lock.hcl");
        EXPECT_NE(lock.find("version     = \"5.100.0\"\n  constraints = \">= 5.100.0, < 7.0.0\""), std::string::npos) << lock;
        EXPECT_NE(files.at(std::string(root) + "/versions.tf").find("version = \">= 5.100.0, < 7.0.0\""), std::string::npos);
    }
}

TEST(TerraformEmit, ApiBodyCarriesRoutesValidatorsEnumAndProxyIntegrations) {
    FileSet files = emit_reference();
    std::string_view api = files.at("food/api.tf");
    for (const char* needle : {"\"/orders\" = {", "\"/orders/{orderId}\" = {", "post = {", "enum = [\"pizza\", \"hamburger\", \"salat\"]",
                               "type                = \"aws_proxy\"", "uri                 = aws_lambda_function.post_order.invoke_arn",
                               "\"x-amazon-apigateway-request-validator\" = \"body-and-parameters\"",
                               "name     = \"orderDate\"", "\"$ref\" = \"#/definitions/newOrder\""})
        EXPECT_NE(api.find(needle), std::string::npos) << needle << "\n" << api;
}

TEST(TerraformEmit, LambdasUseTheDistDirVariableWithSourceCodeHash) {
    TerraformOptions o;
    FileSet files = emit_reference(o);
    std::string_view vars = files.at("beverage/variables.tf");
    EXPECT_NE(vars.find("variable \"lambda_dist_dir\" {"), std::string::npos) << vars;
    EXPECT_NE(vars.find("default     = \"../../lambda/beverage/dist\""), std::string::npos) << vars;
    std::string_view compute = files.at("beverage/compute.tf");
    EXPECT_NE(compute.find("filename         = \"${var.lambda_dist_dir}/post-order.zip\""), std::string::npos) << compute;
    EXPECT_NE(compute.find("source_code_hash = filebase64sha256(\"${var.lambda_dist_dir}/post-order.zip\")"), std::string::npos);
    EXPECT_NE(compute.find("runtime          = \"provided.al2023\""), std::string::npos);
    o.lambda_dist_dir = "/opt/zips/{service}";
    EXPECT_NE(emit_reference(o).at("food/variables.tf").find("default     = \"/opt/zips/food\""), std::string::npos);
}

TEST(TerraformEmit, OutputIsByteIdenticalAcrossRuns) {
    FileSet a = emit_reference();
    FileSet b = emit_reference();  // a fresh load and graph
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [path, file] : a.files()) {
        ASSERT_TRUE(b.contains(path)) << path;
        EXPECT_EQ(file.content, b.at(path)) << path;
    }
}

// emit_terraform lowers and prints stack by stack (association stacks last); the files must
// be those of printing the whole lowered deployment, README apply order included.
TEST(TerraformEmit, StackByStackEmitEqualsPrintingTheWholeDeployment) {
    for (const auto& entry : fs::directory_iterator(test::source_dir() / "models")) {
        const auto& p = entry.path();
        if (p.extension() != ".json" || p.filename().string().find(".schema.") != std::string::npos) continue;
        const auto graph = graph_of_file(p);
        TerraformOptions o;
        o.unverified_warning = true;
        FileSet streamed = xc::emit::emit_terraform(graph, o);
        FileSet whole = xc::emit::terraform::print(xc::emit::lowering::lower(graph), o);
        ASSERT_EQ(streamed.size(), whole.size()) << p;
        for (const auto& [path, file] : whole.files()) {
            ASSERT_TRUE(streamed.contains(path)) << p << ": " << path;
            EXPECT_EQ(file.content, streamed.at(path)) << p << ": " << path;
        }
    }
}

// The printer writes a reference only to what the stack defines: a resource of that kind and
// name, or a lookup (a data source) of that kind and name; each is its own namespace, and so is
// each kind. Anything else would be a Terraform configuration that names nothing.
TEST(TerraformEmit, AReferenceToNothingTheStackDefinesIsRefused) {
    namespace lw = xc::emit::lowering;
    auto print_with = [](lw::Value v, std::vector<std::pair<std::string, std::string>> depends_on = {}) -> std::string {
        lw::Deployment d{"m", "eu-central-1", {}};
        lw::Stack s;
        s.name = "consumer";
        s.account_id = "111111111111";
        s.region = "eu-central-1";
        auto resource = [](std::string kind, std::string name, std::string property, lw::Value value) {
            lw::Resource r;
            r.kind = std::move(kind);
            r.name = std::move(name);
            r.group = "network";
            r.set(std::move(property), std::move(value));
            return r;
        };
        s.resources.push_back(resource("vpc", "main", "cidr_block", lw::str("10.0.0.0/16")));
        s.lookups.push_back(resource("vpc_endpoint", "found", "vpc_endpoint_id", lw::str("vpce-0123456789abcdef0")));
        s.resources.push_back(resource("subnet", "a", "vpc_id", std::move(v)));
        s.resources.back().depends_on = std::move(depends_on);
        d.stacks.push_back(std::move(s));
        try {
            xc::emit::terraform::print(d);
            return "";
        } catch (const lw::LoweringError& e) {
            return e.what();
        }
    };
    EXPECT_EQ(print_with(lw::ref("vpc", "main", "id")), "");
    EXPECT_EQ(print_with(lw::lookup_ref("vpc_endpoint", "found", "id")), "");
    EXPECT_EQ(print_with(lw::str("x"), {{"vpc", "main"}}), "");
    EXPECT_NE(print_with(lw::ref("vpc", "mian", "id")).find("dangling reference"), std::string::npos);
    EXPECT_NE(print_with(lw::ref("subnet", "main", "id")).find("dangling reference"), std::string::npos);  // another kind
    EXPECT_NE(print_with(lw::ref("vpc_endpoint", "found", "id")).find("dangling reference"), std::string::npos);  // a lookup's
    EXPECT_NE(print_with(lw::lookup_ref("vpc", "main", "id")).find("dangling lookup reference"), std::string::npos);  // a resource's
    EXPECT_NE(print_with(lw::concat({lw::str("x-"), lw::ref("vpc", "other", "id")})).find("dangling reference"), std::string::npos);
    EXPECT_NE(print_with(lw::str("x"), {{"vpc", "mian"}}).find("dangling depends_on"), std::string::npos);
}

// emit_terraform prints as it lowers: a lowering error reaches the caller as lowering the whole
// deployment raises it, located in the model's source.
TEST(TerraformEmit, ALoweringErrorIsTheSameAsLoweringTheWholeDeployment) {
    const auto graph = graph_of_text(test::colliding_names_model_text(), "collide.json");
    auto error_of = [](auto&& run) -> std::string {
        try {
            run();
        } catch (const xc::emit::lowering::LoweringError& e) {
            return e.what();
        }
        return "no LoweringError";
    };
    const std::string whole = error_of([&] { xc::emit::lowering::lower(graph); });
    EXPECT_NE(whole.find("collide.json:"), std::string::npos) << whole;
    EXPECT_NE(whole.find("rename one of them"), std::string::npos) << whole;
    EXPECT_EQ(error_of([&] { xc::emit::emit_terraform(graph); }), whole);
}

FileSet emit_with(const xc::model::Graph& graph, unsigned jobs, bool unverified) {
    TerraformOptions o;
    o.jobs = jobs;
    return xc::emit::emit_terraform(graph, o, [&] { return unverified; });
}

// Lowered and printed on several threads (a part of the accounts each), the files are those of
// one thread, byte for byte: the shipped models (their association stacks gather resources of
// accounts in different parts) and generated ones of both shapes, with and without the warning.
TEST(TerraformEmit, TheFilesAreTheSameForAnyNumberOfThreads) {
    std::vector<std::pair<std::string, xc::model::Graph>> graphs;
    graphs.reserve(8);
    for (const auto& entry : fs::directory_iterator(test::source_dir() / "models")) {
        const auto& p = entry.path();
        if (p.extension() == ".json" && p.filename().string().find(".schema.") == std::string::npos)
            graphs.emplace_back(p.filename().string(), graph_of_file(p));
    }
    for (auto shape : {xc::bench::ModelShape::stamped, xc::bench::ModelShape::distinct})
        graphs.emplace_back(to_string(shape), graph_of_text(xc::bench::generated_services_model(13, shape)));
    for (const auto& [name, graph] : graphs) {
        for (bool unverified : {false, true}) {
            const FileSet one = emit_with(graph, 1, unverified);
            for (unsigned jobs : {2u, 3u, 4u, 8u, 64u}) {
                const FileSet many = emit_with(graph, jobs, unverified);
                ASSERT_EQ(many.size(), one.size()) << name << ", " << jobs << " threads";
                for (const auto& [path, file] : one.files()) {
                    ASSERT_TRUE(many.contains(path)) << name << ": " << path << ", " << jobs << " threads";
                    EXPECT_EQ(many.at(path), file.content) << name << ": " << path << ", " << jobs << " threads";
                    EXPECT_EQ(many.files().at(path).seed, file.seed) << name << ": " << path;
                }
            }
        }
    }
}

// With mistakes in the first and the last account's stacks, which fall into different parts,
// every number of threads reports the one-thread emit's error: the first account's.
TEST(TerraformEmit, AnErrorIsTheSameForAnyNumberOfThreads) {
    auto model = nlohmann::json::parse(test::read_file(test::source_dir() / "models/three-services-private-domains.json"));
    // "lambda_" becomes the identifier of the template's group "lambda": a collision lowering refuses.
    const json colliding = {{"vpc", "main"}, {"description", "collides"}, {"egress", json::array()}};
    for (const char* service : {"inventory", "shipping"}) model["services"][service]["securityGroups"]["lambda_"] = colliding;
    const auto graph = graph_of_text(model.dump(1), "collide.json");
    auto error_of = [&](unsigned jobs) -> std::string {
        try {
            emit_with(graph, jobs, false);
        } catch (const xc::emit::lowering::LoweringError& e) {
            return e.what();
        }
        return "no LoweringError";
    };
    const std::string one = error_of(1);
    EXPECT_NE(one.find("collide.json:"), std::string::npos) << one;
    EXPECT_NE(one.find("/services/inventory/"), std::string::npos) << one;
    for (unsigned jobs : {2u, 3u, 4u, 8u}) EXPECT_EQ(error_of(jobs), one) << jobs << " threads";
}

TEST(TerraformEmit, UnverifiedWarningIsStampedIntoEveryFile) {
    TerraformOptions o;
    o.unverified_warning = true;
    FileSet files = emit_reference(o);
    for (const auto& [path, file] : files.files())
        EXPECT_NE(file.content.find("--allow-unverified"), std::string::npos) << path;
    FileSet verified = emit_reference();
    for (const auto& [path, file] : verified.files())
        EXPECT_EQ(file.content.find("--allow-unverified"), std::string::npos) << path;
}

// xc emit verifies while it prints: the warning is decided by a function asked once, after
// every stack is printed, and gives the same bytes as the option known up front.
TEST(TerraformEmit, TheWarningDecidedAfterPrintingGivesTheSameFiles) {
    const auto graph = graph_of_file(test::source_dir() / "models/cross-account-microservices.json");
    for (bool warn : {false, true}) {
        TerraformOptions o;
        o.unverified_warning = warn;
        const FileSet known = xc::emit::emit_terraform(graph, o);
        int asked = 0;
        const FileSet later = xc::emit::emit_terraform(graph, {}, [&] {
            ++asked;
            return warn;
        });
        EXPECT_EQ(asked, 1);
        ASSERT_EQ(later.size(), known.size());
        for (const auto& [path, file] : known.files()) {
            ASSERT_TRUE(later.contains(path)) << path;
            EXPECT_EQ(later.at(path), file.content) << path;
            EXPECT_EQ(later.files().at(path).seed, file.seed) << path;
        }
    }
}

TEST(TerraformEscape, EscapesEveryCharacterThatCouldEndTheStringOrStartAnExpression) {
    using xc::emit::terraform::escape;
    EXPECT_EQ(escape("plain"), "plain");
    EXPECT_EQ(escape("a\"b"), "a\\\"b");
    EXPECT_EQ(escape("a\\b"), "a\\\\b");
    EXPECT_EQ(escape("a\nb\rc\td"), "a\\nb\\rc\\td");
    EXPECT_EQ(escape(std::string("\x01\x1f\x7f", 3)), "\\u0001\\u001f\\u007f");
    EXPECT_EQ(escape(std::string("a\0b", 3)), "a\\u0000b");
    EXPECT_EQ(escape("${var.x}"), "$${var.x}");
    EXPECT_EQ(escape("%{ if x }"), "%%{ if x }");
    EXPECT_EQ(escape("$${x}"), "$$${x}");  // decodes to "$${x}": the first '$' is literal
    EXPECT_EQ(escape("$ % $x %x {}"), "$ % $x %x {}");
    EXPECT_EQ(escape("trailing $"), "trailing $");
    EXPECT_EQ(escape("é ☃"), "é ☃");
}

// Every byte, inside a run of plain text and alone: a plain one is copied, '$' and '%' are
// doubled before '{', any other is written as an escape (the scan looks bytes up in a table
// built from is_plain; this holds the table to the rule).
TEST(TerraformEscape, EveryByteIsCopiedIfPlainAndEscapedOtherwise) {
    using xc::emit::terraform::escape;
    using xc::emit::terraform::is_plain;
    int plain = 0;
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        const std::string alone(1, c), inside = "ab" + alone + "cd";
        if (is_plain(c)) {
            ++plain;
            EXPECT_EQ(escape(alone), alone) << "byte " << b;
            EXPECT_EQ(escape(inside), inside) << "byte " << b;
        } else if (c == '$' || c == '%') {
            // What follows decides: before '{' it is doubled (no template starts), else it stays.
            EXPECT_EQ(escape(inside), inside) << "byte " << b;
            EXPECT_EQ(escape(alone + "{"), alone + alone + "{") << "byte " << b;
            EXPECT_EQ(escape("ab" + alone + "{cd"), "ab" + alone + alone + "{cd") << "byte " << b;
        } else {
            const std::string e = escape(alone);
            EXPECT_NE(e, alone) << "byte " << b;
            EXPECT_EQ(escape(inside), "ab" + e + "cd") << "byte " << b;
        }
    }
    EXPECT_EQ(plain, 256 - 0x20 - 1 - 4);  // not: the control characters, DEL, '\\', '"', '$', '%'
}

// An object key is written bare only when HCL reads it as that name: an identifier that is no
// keyword; anything else is quoted (and escaped).
TEST(TerraformEscape, OnlyIdentifiersThatAreNoKeywordAreBareKeys) {
    using xc::emit::terraform::detail::is_bare_key;
    for (const char* keyword : {"null", "true", "false", "for", "in", "if", "endfor", "endif", "else"})
        EXPECT_FALSE(is_bare_key(keyword)) << keyword;
    for (const char* bare : {"a", "iff", "format", "Statement", "Effect", "aws_x1", "elsewhere", "endfors", "x_"})
        EXPECT_TRUE(is_bare_key(bare)) << bare;
    for (const char* quoted : {"", "1a", "_a", "a-b", "a.b", "a b", "aws:SourceVpce", "\xc3\xa9"})
        EXPECT_FALSE(is_bare_key(quoted)) << quoted;
}

// --- the HCL checks: one node process for every shipped model and the hostile one ------------

// Strings a model may carry that must reach HCL as inert text.
const std::string hostile_description =
    "x\" }\nresource \"aws_instance\" \"evil\" {\n  ami = \"${file(\"/etc/passwd\")}\"\n} # %{ if true }y%{ endif } \\ \t é";
const std::string hostile_option = "${jsonencode(var.deployment_role_arn)}%{for x in [1]}\"\\";
const std::string hostile_env = "\"}\n${data.aws_caller_identity.x.id}\u0001";
const std::string hostile_policy_resource = "arn:aws:s3:::bucket/${aws:username}/%{x}/*";

std::string hostile_model_text() {
    return test::hostile_model_text({hostile_description, hostile_option, hostile_env, hostile_policy_resource});
}

// The hcl2json form keeps literal "${" / "%{" escaped as "$${" / "%%{" (Terraform JSON syntax).
bool has_unescaped_template(const std::string& s) {
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        if (s[i] != '$' && s[i] != '%') continue;
        if (i + 2 < s.size() && s[i + 1] == s[i] && s[i + 2] == '{') {
            i += 2;
            continue;
        }
        if (s[i + 1] == '{') return true;
    }
    return false;
}
std::string unescape_templates(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((s[i] == '$' || s[i] == '%') && i + 2 < s.size() && s[i + 1] == s[i] && s[i + 2] == '{') {
            out += s[i];
            out += '{';
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

json load_json(const fs::path& p) { return json::parse(test::read_file(p)); }

struct Schemas {
    json aws = load_json(fs::path(XC_TERRAFORM_TEST_DIR) / "aws-provider-schema.json");
    json tls = load_json(fs::path(XC_TERRAFORM_TEST_DIR) / "tls-provider-schema.json");
    const json* resource(const std::string& type) const {
        const json& s = type.rfind("tls_", 0) == 0 ? tls : aws;
        auto it = s["resources"].find(type);
        return it == s["resources"].end() ? nullptr : &*it;
    }
    const json* data_source(const std::string& type) const {
        auto it = aws["data_sources"].find(type);
        return it == aws["data_sources"].end() ? nullptr : &*it;
    }
};

// Every argument and block exists in the schema; every required one is present.
void check_body(const json& body, const json& schema, const std::string& where, std::vector<std::string>& errors) {
    static const std::set<std::string> meta{"depends_on", "lifecycle", "count", "for_each", "provider"};
    for (const auto& [key, value] : body.items()) {
        if (meta.contains(key)) continue;
        if (schema["arguments"].contains(key)) continue;
        if (schema["blocks"].contains(key)) {
            const json& b = schema["blocks"][key];
            if (!value.is_array()) {
                errors.push_back(where + ": '" + key + "' must be a block");
                continue;
            }
            if (b["max_one"].get<bool>() && value.size() > 1) errors.push_back(where + ": at most one '" + key + "' block");
            for (const auto& inst : value) check_body(inst, b, where + "." + key, errors);
            continue;
        }
        errors.push_back(where + ": no argument or block '" + key + "' in the provider schema");
    }
    for (const auto& [arg, required] : schema["arguments"].items())
        if (required.get<bool>() && !body.contains(arg)) errors.push_back(where + ": required argument '" + arg + "' missing");
    for (const auto& [blk, b] : schema["blocks"].items())
        if (b["required"].get<bool>() && !body.contains(blk)) errors.push_back(where + ": required block '" + blk + "' missing");
}

struct RootDecls {
    std::set<std::string> resources, data, variables;
};

// Schema and reference checks over one emitted tree (parsed by check_hcl.mjs).
std::vector<std::string> check_tree(const json& files, const std::string& prefix, const Schemas& schemas) {
    std::vector<std::string> errors;
    std::map<std::string, RootDecls> decls;
    for (const auto& [rel, r] : files.items()) {
        if (rel.rfind(prefix, 0) != 0) continue;
        if (!r["error"].is_null()) errors.push_back(rel + ": " + r["error"].get<std::string>());
        if (!r["format_ok"].get<bool>()) {
            const json& d = r["format_diff"];
            errors.push_back(rel + ":" + std::to_string(d.value("line", 0)) + ": not formatted: have '" + d.value("actual", "") +
                             "', the formatter writes '" + d.value("expected", "") + "'");
        }
        if (r["parsed"].is_null()) continue;
        std::string root = rel.substr(prefix.size(), rel.find('/', prefix.size()) - prefix.size());
        const json& p = r["parsed"];
        for (const char* section : {"resource", "data"}) {
            if (!p.contains(section)) continue;
            bool is_data = std::string(section) == "data";
            for (const auto& [type, named] : p[section].items())
                for (const auto& [name, bodies] : named.items()) {
                    std::string address = (is_data ? "data." : "") + type + "." + name;
                    if (!(is_data ? decls[root].data : decls[root].resources).insert(type + "." + name).second)
                        errors.push_back(root + ": " + address + " declared twice");
                    const json* schema = is_data ? schemas.data_source(type) : schemas.resource(type);
                    if (!schema) {
                        errors.push_back(rel + ": " + std::string(is_data ? "data source" : "resource type") + " '" + type + "' is not in the provider schema");
                        continue;
                    }
                    for (const auto& body : bodies) check_body(body, *schema, rel + ": " + address, errors);
                }
        }
        if (p.contains("variable"))
            for (const auto& [name, _] : p["variable"].items()) decls[root].variables.insert(name);
    }
    // References resolve within their root, to attributes the schema knows.
    for (const auto& [rel, r] : files.items()) {
        if (rel.rfind(prefix, 0) != 0) continue;
        std::string root = rel.substr(prefix.size(), rel.find('/', prefix.size()) - prefix.size());
        const RootDecls& d = decls[root];
        for (const auto& ref_json : r["references"]) {
            std::string ref = ref_json.get<std::string>();
            std::vector<std::string> parts;
            for (std::size_t at = 0; at <= ref.size();) {
                auto dot = ref.find('.', at);
                if (dot == std::string::npos) dot = ref.size();
                parts.push_back(ref.substr(at, dot - at));
                at = dot + 1;
            }
            auto attribute_known = [&](const json* schema, const std::string& attr) {
                if (!schema) return false;
                for (const auto& a : (*schema)["attributes"])
                    if (a.get<std::string>() == attr) return true;
                return false;
            };
            if (parts[0] == "var") {
                if (parts.size() < 2 || !d.variables.contains(parts[1])) errors.push_back(rel + ": undeclared variable in " + ref);
            } else if (parts[0] == "data") {
                if (parts.size() < 3 || !d.data.contains(parts[1] + "." + parts[2])) errors.push_back(rel + ": undeclared data source in " + ref);
                else if (parts.size() > 3 && !attribute_known(schemas.data_source(parts[1]), parts[3]))
                    errors.push_back(rel + ": data source " + parts[1] + " has no attribute '" + parts[3] + "' (" + ref + ")");
            } else if (ref == "assume_role.value" && rel.ends_with("providers.tf")) {
                // the dynamic block's iterator
            } else if ((ref == "string" || ref == "number" || ref == "bool") && rel.ends_with("variables.tf")) {
                // a variable's type keyword
            } else if (parts.size() == 1 && std::any_of(d.resources.begin(), d.resources.end(), [&](const std::string& address) {
                           return attribute_known(schemas.resource(address.substr(0, address.find('.'))), ref);
                       })) {
                // lifecycle.ignore_changes: an argument of the resource it is in
            } else if (parts.size() >= 2 && (parts[0].rfind("aws_", 0) == 0 || parts[0].rfind("tls_", 0) == 0)) {
                if (!d.resources.contains(parts[0] + "." + parts[1])) errors.push_back(rel + ": undeclared resource in " + ref);
                else if (parts.size() > 2 && !attribute_known(schemas.resource(parts[0]), parts[2]))
                    errors.push_back(rel + ": resource " + parts[0] + " has no attribute '" + parts[2] + "' (" + ref + ")");
            } else {
                errors.push_back(rel + ": unexpected reference " + ref);
            }
        }
    }
    return errors;
}

const json* parsed_attribute(const json& files, const std::string& file, const std::string& type, const std::string& name,
                             const std::string& attribute) {
    auto f = files.find(file);
    if (f == files.end() || (*f)["parsed"].is_null()) return nullptr;
    const json& p = (*f)["parsed"];
    if (!p.contains("resource") || !p["resource"].contains(type) || !p["resource"][type].contains(name)) return nullptr;
    const json& body = p["resource"][type][name][0];
    return body.contains(attribute) ? &body[attribute] : nullptr;
}

TEST(TerraformHcl, ShippedModelsAndTheHostileModelPassParserFormatterSchemaAndReferenceChecks) {
    auto node = test::run("node --version");
    ASSERT_EQ(node.exit_code, 0) << "node is required for the HCL checks (run scripts/setup.sh --tests): " << node.err;
    ASSERT_TRUE(fs::exists(fs::path(XC_NPM_DIR) / "node_modules/@cdktf/hcl2json"))
        << "@cdktf/hcl2json missing in " << XC_NPM_DIR << ": run scripts/setup.sh --tests";

    test::TempDir out;
    std::vector<std::string> trees;
    for (const auto& entry : fs::directory_iterator(test::source_dir() / "models")) {
        const auto& p = entry.path();
        if (p.extension() != ".json" || p.filename().string().find(".schema.") != std::string::npos) continue;
        std::string tree = "model-" + p.stem().string();
        xc::emit::write_atomically(xc::emit::emit_terraform(graph_of_file(p)), out / tree);
        trees.push_back(tree);
    }
    ASSERT_GE(trees.size(), 1u);
    FileSet hostile = xc::emit::emit_terraform(graph_of_text(hostile_model_text()));
    xc::emit::write_atomically(hostile, out / "hostile");

    auto r = test::run("node " + test::quote((fs::path(XC_TERRAFORM_TEST_DIR) / "check_hcl.mjs").string()) + " " +
                       test::quote(XC_NPM_DIR) + " " + test::quote(out.path().string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json files = json::parse(r.out)["files"];
    Schemas schemas;

    for (const auto& tree : trees) {
        SCOPED_TRACE(tree);
        auto errors = check_tree(files, tree + "/", schemas);
        EXPECT_TRUE(errors.empty()) << [&] {
            std::string s;
            for (const auto& e : errors) s += e + "\n";
            return s;
        }();
    }

    // The hostile model: same checks, the same resources as the reference, and every hostile
    // string is one inert literal that decodes to exactly what the model said.
    auto errors = check_tree(files, "hostile/", schemas);
    EXPECT_TRUE(errors.empty()) << [&] {
        std::string s;
        for (const auto& e : errors) s += e + "\n";
        return s;
    }();
    FileSet reference = emit_reference();
    for (const auto& root : {"consumer", "beverage", "food"}) EXPECT_EQ(addresses(hostile, root), addresses(reference, root)) << root;

    const json* description = parsed_attribute(files, "hostile/consumer/network.tf", "aws_security_group", "alb", "description");
    ASSERT_NE(description, nullptr);
    EXPECT_FALSE(has_unescaped_template(description->get<std::string>())) << *description;
    EXPECT_EQ(unescape_templates(description->get<std::string>()), hostile_description);

    const json* env = parsed_attribute(files, "hostile/beverage/compute.tf", "aws_lambda_function", "post_order", "environment");
    ASSERT_NE(env, nullptr);
    std::string evil = (*env)[0]["variables"]["EVIL"].get<std::string>();
    EXPECT_FALSE(has_unescaped_template(evil)) << evil;
    EXPECT_EQ(unescape_templates(evil), hostile_env);

    // Inside jsonencode(...) the whole document is one expression: its only references are the
    // ones the emitter put there (checked above); the hostile text is literal inside it.
    std::string_view body = hostile.at("beverage/api.tf");
    EXPECT_NE(body.find(xc::emit::terraform::hcl_string(hostile_option)), std::string::npos);
    std::string_view iam = hostile.at("beverage/iam.tf");
    EXPECT_NE(iam.find("\"arn:aws:s3:::bucket/$${aws:username}/%%{x}/*\""), std::string::npos) << iam;
    // What the hostile strings would have referenced, had they become expressions.
    for (const auto& [rel, f] : files.items()) {
        if (rel.rfind("hostile/", 0) != 0) continue;
        for (const auto& ref : f["references"]) {
                std::string s = ref.get<std::string>();
                EXPECT_EQ(s.find("aws_caller_identity"), std::string::npos) << rel << ": " << s;
            if (!rel.ends_with("providers.tf")) {
                EXPECT_NE(s, "var.deployment_role_arn") << rel;
            }
        }
    }
}

}  // namespace

}  // namespace terraform_test
