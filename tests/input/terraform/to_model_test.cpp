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
#include <initializer_list>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
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
    EXPECT_EQ(api.policy->document()["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"], endpoint.id);
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

// ---- the seed fixture: the reference deployment's shape, written by us (fixtures/seed) ----------
//
// A consumer root and a services root stamping a module per service with for_each; each API's
// Swagger body is YAML rendered by templatefile, and its endpoint id is read back from the
// consumer's secret. Mutations are edits of a copy (a small substitution table), not trees.

const fs::path seed_fixture = fs::path(XC_SOURCE_DIR) / "tests/input/terraform/fixtures/seed";

struct Edit {
    std::string file;  // under seed/
    std::string from;  // found exactly once
    std::string to;
};

// A copy of the seed fixture in `into`, with `edits` applied; the roots to read it as (the
// services root's provider does not state its account: --account, as a user gives it).
std::vector<RootInput> seed_roots(const fs::path& into, const std::vector<Edit>& edits = {}) {
    fs::copy(seed_fixture, into, fs::copy_options::recursive);
    for (const auto& e : edits) {
        const fs::path file = into / e.file;
        std::string text = xc::test::read_file(file);
        const auto at = text.find(e.from);
        EXPECT_NE(at, std::string::npos) << e.file << ": " << e.from;
        EXPECT_EQ(text.find(e.from, at + 1), std::string::npos) << e.file << ": not unique: " << e.from;
        if (at == std::string::npos) continue;
        text.replace(at, e.from.size(), e.to);
        std::ofstream(file) << text;
    }
    RootInput services{"microservices", into / "microservices", {}};
    services.options.placement.account = "222222222222";
    return {{"consumer", into / "consumer", {}}, services};
}

// Every finding by "property subject".
std::map<std::string, xc::verify::Finding> findings_of(const MappedModel& mapped) {
    const auto graph = xc::model::build_graph(mapped.model);
    std::map<std::string, xc::verify::Finding> out;
    for (auto& f : xc::verify::verify(graph).findings) out[f.property + " " + f.subject] = f;
    return out;
}

// The finding `key` ("property subject") is UNDECIDED and its message names each of `names`.
void expect_undecided_naming(const std::map<std::string, xc::verify::Finding>& findings, const std::string& key, std::initializer_list<std::string> names) {
    auto it = findings.find(key);
    ASSERT_NE(it, findings.end()) << "no finding " << key;
    EXPECT_EQ(it->second.verdict, Verdict::undecided) << key << ": " << it->second.message;
    for (const auto& n : names) EXPECT_NE(it->second.message.find(n), std::string::npos) << key << ": names no " << n << ": " << it->second.message;
}

const std::string module_tf = "microservices/modules/microservice/main.tf";
const std::string swagger_tpl = "microservices/modules/microservice/swagger.yaml.tpl";
const std::string policy_condition = "Condition = { StringEquals = { \"aws:sourceVpce\" = data.aws_secretsmanager_secret_version.endpoint_id.secret_string } }";

TEST(ToModelSeed, TheYamlSwaggerBodyRenderedByTemplatefileGivesTheRoutes) {
    xc::test::TempDir tmp;
    const auto mapped = read(seed_roots(tmp.path()));
    for (const std::string service : {"food", "beverage"}) {
        SCOPED_TRACE(service);
        const auto& api = mapped.model.services.at(service).apis.at("this");
        ASSERT_EQ(api.routes.size(), 3u);
        EXPECT_EQ(api.routes.at("POST /orders").lambda.name, "handler-post-order");
        EXPECT_EQ(api.routes.at("GET /orders/{orderId}").lambda.name, "handler-get-order");
        EXPECT_TRUE(api.routes.at("GET /orders").query.count("orderDate"));
        ASSERT_TRUE(api.routes.at("POST /orders").body);
        const auto& options = api.routes.at("POST /orders").body->properties.at(service).enum_values;
        EXPECT_EQ(options.size(), 3u);
        EXPECT_TRUE(api.validate_body);
        EXPECT_TRUE(api.validate_parameters);
        EXPECT_EQ(api.stage, "v1");
        ASSERT_TRUE(api.endpoint_id_from);
        EXPECT_EQ(api.endpoint_id_from->to_string(), "consumer/endpoint_id");
        // The literal role ARN names the role the module creates.
        EXPECT_EQ(mapped.model.services.at(service).lambdas.at("handler-get-order").role.name, "lambda");
    }
    EXPECT_EQ(mapped.model.services.at("food").apis.at("this").routes.at("POST /orders").body->properties.at("food").enum_values.front(), "pizza");
    // What stays open is only what Terraform does not say: what each function's code does.
    for (const auto& u : mapped.model.unresolved) EXPECT_NE(u.value.find("/handler"), std::string::npos) << u.value << ": " << u.reason;
}

// Every check is PROVED but the one that needs what each function's code does (which DynamoDB
// actions it needs: lambda-data on the role): Terraform names the code (handler "index.handler",
// a zip), not what it does, so that check is UNDECIDED naming each function — until the
// deployment states it with the tag "xc:handler", and then it is PROVED too. The functions' own
// lambda-data check (their network path to DynamoDB) does not read the handler: PROVED. And the
// reference deployment's weakness, which the seed keeps: its execute-api endpoint has no policy
// (AWS's full access), so endpoint-egress is VIOLATED — until the endpoint gets a policy limited
// to the services' account.
const std::string endpoint_policy_edit_from = "  private_dns_enabled = false\n}";
const std::string endpoint_policy_edit_to =
    "  private_dns_enabled = false\n"
    "  policy = jsonencode({\n"
    "    Version   = \"2012-10-17\"\n"
    "    Statement = [{ Effect = \"Allow\", Principal = \"*\", Action = \"execute-api:Invoke\",\n"
    "                   Resource = \"arn:aws:execute-api:${var.region}:222222222222:*\" }]\n"
    "  })\n}";
// And the reference deployment's key scope weakness (issue #20): its key policy lets the service
// accounts Decrypt (and DescribeKey) with no kms:ViaService — from anywhere, not only through
// Secrets Manager: secret-share on the key is VIOLATED with such a request as witness.
bool seed_key_scope(const xc::verify::Finding& f) { return f.property == "secret-share" && f.subject == "consumer/kms-key/secret"; }

TEST(ToModelSeed, TheSeedIsProvedButForWhatItsFunctionsDo) {
    xc::test::TempDir tmp;
    const auto findings = findings_of(read(seed_roots(tmp.path())));
    std::size_t proved = 0;
    for (const auto& [key, f] : findings) {
        if (f.property == "endpoint-egress") {
            EXPECT_EQ(f.verdict, Verdict::violated) << key << ": " << f.message;
            // No policy argument: the front end gives the endpoint AWS's default, full access.
            EXPECT_NE(f.message.find("outside the model"), std::string::npos) << f.message;
            continue;
        }
        if (f.property == "lambda-data" && f.subject.find("/role/") != std::string::npos) {
            EXPECT_EQ(f.verdict, Verdict::undecided) << key;
            EXPECT_NE(f.message.find("aws_lambda_function.handler["), std::string::npos) << f.message;
            continue;
        }
        if (seed_key_scope(f)) {
            EXPECT_EQ(f.verdict, Verdict::violated) << key;
            EXPECT_TRUE(f.witness.value("action", "") == "kms:DescribeKey" || !f.witness["context"].contains("kms:ViaService")) << f.witness.dump();
            continue;
        }
        EXPECT_EQ(f.verdict, Verdict::proved) << key << ": " << f.message;
        ++proved;
    }
    for (const std::string property : {"api-endpoint-only", "api-liveness", "dns-tls"})
        for (const std::string service : {"food", "beverage"}) EXPECT_TRUE(findings.count(property + " " + service + "/rest-api/this")) << property << service;
    for (const std::string property : {"secret-share", "secret-integrity"}) EXPECT_TRUE(findings.count(property + " consumer/secret/endpoint_id"));
    EXPECT_EQ(findings.count("network-ingress consumer/load-balancer/internal"), 1u);
    EXPECT_EQ(findings.at("lambda-data food/lambda/handler-get-order").verdict, Verdict::proved);
    EXPECT_EQ(findings.at("api-liveness consumer/target-group/internal/execute_api").verdict, Verdict::proved);  // 200-499 admits 403
    EXPECT_EQ(proved, 23u);

    EXPECT_EQ(findings.count("endpoint-egress consumer/vpc-endpoint/execute_api"), 1u);

    xc::test::TempDir tagged;
    const auto stated = findings_of(read(seed_roots(tagged.path(), {{module_tf, "  memory_size = 512\n", "  memory_size = 512\n  tags        = { \"xc:handler\" = each.key }\n"},
                                                                    {"consumer/main.tf", endpoint_policy_edit_from, endpoint_policy_edit_to}})));
    for (const auto& [key, f] : stated)
        if (!seed_key_scope(f)) {
            EXPECT_EQ(f.verdict, Verdict::proved) << key << ": " << f.message;
        }
    EXPECT_EQ(stated.count("lambda-data food/role/lambda"), 1u);
    EXPECT_EQ(stated.count("endpoint-egress consumer/vpc-endpoint/execute_api"), 1u);
}

// The issue's mutations of the seed, each with its verdict on both services' APIs (or one).
TEST(ToModelSeed, AForeignEndpointInThePolicyConditionIsViolatedWithAWitness) {
    xc::test::TempDir tmp;
    const std::string foreign = "vpce-0badc0ffee0000001";
    const auto findings = findings_of(read(seed_roots(
        tmp.path(), {{module_tf, policy_condition,
                      "Condition = { StringEquals = { \"aws:sourceVpce\" = [data.aws_secretsmanager_secret_version.endpoint_id.secret_string, \"" + foreign + "\"] } }"}})));
    for (const std::string service : {"food", "beverage"}) {
        const auto& f = findings.at("api-endpoint-only " + service + "/rest-api/this");
        EXPECT_EQ(f.verdict, Verdict::violated) << f.message;
        EXPECT_NE(f.witness.dump().find(foreign), std::string::npos) << f.witness.dump();
    }
}

TEST(ToModelSeed, AnOpenSecondStatementIsViolated) {
    xc::test::TempDir tmp;
    const auto findings = findings_of(read(seed_roots(
        tmp.path(), {{module_tf, policy_condition + "\n    }]",
                      policy_condition + "\n      }, {\n      Effect = \"Allow\", Principal = \"*\", Action = \"execute-api:Invoke\", Resource = \"${aws_api_gateway_rest_api.this.execution_arn}/*\"\n    }]"}})));
    for (const std::string service : {"food", "beverage"}) {
        const auto& f = findings.at("api-endpoint-only " + service + "/rest-api/this");
        EXPECT_EQ(f.verdict, Verdict::violated) << f.message;
        ASSERT_FALSE(f.statements.empty());
        EXPECT_EQ(f.statements.front().index, 1u);
    }
}

TEST(ToModelSeed, TheSecretReadFromANameNoRootCreatesIsUndecidedNamingTheUnknown) {
    xc::test::TempDir tmp;
    const auto findings = findings_of(read(seed_roots(tmp.path(), {{"microservices/main.tf", "${local.app}/endpoint-id", "${local.app}/other-id"}})));
    for (const std::string service : {"food", "beverage"}) {
        expect_undecided_naming(findings, "api-endpoint-only " + service + "/rest-api/this",
                                {"module.microservice[\"" + service + "\"].data.aws_secretsmanager_secret_version.endpoint_id.secret_string"});
    }
}

TEST(ToModelSeed, AModuleInputThatWidensThePolicyIsViolatedWhereItIsGiven) {
    xc::test::TempDir tmp;
    const std::string extra = "vpce-0123456789abcdef0";
    const auto findings = findings_of(read(seed_roots(
        tmp.path(),
        {{module_tf, "variable \"account_id\" {", "variable \"source_vpces\" {\n  type    = list(string)\n  default = []\n}\n\nvariable \"account_id\" {"},
         {module_tf, policy_condition,
          "Condition = { StringEquals = { \"aws:sourceVpce\" = concat([data.aws_secretsmanager_secret_version.endpoint_id.secret_string], var.source_vpces) } }"},
         {"microservices/main.tf", "  account_id         = local.services_account_id\n",
          "  account_id         = local.services_account_id\n  source_vpces       = each.key == \"food\" ? [\"" + extra + "\"] : []\n"}})));
    const auto& food = findings.at("api-endpoint-only food/rest-api/this");
    EXPECT_EQ(food.verdict, Verdict::violated) << food.message;
    EXPECT_NE(food.witness.dump().find(extra), std::string::npos) << food.witness.dump();
    EXPECT_EQ(findings.at("api-endpoint-only beverage/rest-api/this").verdict, Verdict::proved);
}

// ---- OpenAPI bodies as YAML text ---------------------------------------------------------------

// The body itself may carry the policy and the endpoint ids (the extensions API Gateway reads).
const std::vector<Edit> policy_in_body{
    {module_tf, "    post_order_uri = aws_lambda_function.handler[\"post-order\"].invoke_arn\n",
     "    post_order_uri = aws_lambda_function.handler[\"post-order\"].invoke_arn\n    endpoint_id    = data.aws_secretsmanager_secret_version.endpoint_id.secret_string\n"},
    {module_tf, "    vpc_endpoint_ids = [data.aws_secretsmanager_secret_version.endpoint_id.secret_string]\n", ""},
    {module_tf, "resource \"aws_api_gateway_rest_api_policy\" \"this\" {", "resource \"aws_api_gateway_rest_api_policy\" \"unused\" {\n  count = 0"},
    {swagger_tpl, "paths:\n",
     "x-amazon-apigateway-endpoint-configuration:\n  vpcEndpointIds:\n    - ${endpoint_id}\n"
     "x-amazon-apigateway-policy:\n  Version: \"2012-10-17\"\n  Statement:\n    - Effect: Allow\n      Principal: \"*\"\n"
     "      Action: execute-api:Invoke\n      Resource: execute-api:/*\n      Condition:\n        StringEquals:\n          aws:SourceVpce: ${endpoint_id}\n"
     "paths:\n"},
};

TEST(ToModelYamlBody, ItsPolicyAndEndpointConfigurationAreRead) {
    xc::test::TempDir tmp;
    const auto mapped = read(seed_roots(tmp.path(), policy_in_body));
    const auto& api = mapped.model.services.at("food").apis.at("this");
    ASSERT_EQ(api.vpc_endpoints.size(), 1u);
    EXPECT_EQ(api.vpc_endpoints.front().to_string(), "consumer/execute_api");
    ASSERT_TRUE(api.policy);
    EXPECT_EQ(api.policy->document()["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"], mapped.model.consumer.vpc_endpoints.at("execute_api").id);
    const auto findings = findings_of(mapped);
    EXPECT_EQ(findings.at("api-endpoint-only food/rest-api/this").verdict, Verdict::proved) << findings.at("api-endpoint-only food/rest-api/this").message;

    // A foreign endpoint in the body's policy: VIOLATED.
    xc::test::TempDir foreign;
    auto edits = policy_in_body;
    edits.push_back({swagger_tpl, "paths:\n", "    - Effect: Allow\n      Principal: \"*\"\n      Action: execute-api:Invoke\n      Resource: execute-api:/*\n"
                                               "      Condition:\n        StringEquals:\n          aws:SourceVpce: vpce-0badc0ffee0000001\npaths:\n"});
    const auto widened = findings_of(read(seed_roots(foreign.path(), edits)));
    EXPECT_EQ(widened.at("api-endpoint-only food/rest-api/this").verdict, Verdict::violated);

    // The body's policy and an aws_api_gateway_rest_api_policy both: which one holds depends on
    // the order of apply.
    xc::test::TempDir both;
    edits = policy_in_body;
    edits.erase(edits.begin() + 2);  // keep the aws_api_gateway_rest_api_policy
    const auto fighting = findings_of(read(seed_roots(both.path(), edits)));
    expect_undecided_naming(fighting, "api-endpoint-only food/rest-api/this", {"x-amazon-apigateway-policy and by aws_api_gateway_rest_api_policy"});
}

TEST(ToModelYamlBody, AnUnknownPartNothingLinksLeavesTheApiUndecidedNamingIt) {
    xc::test::TempDir tmp;
    const auto findings = findings_of(read(seed_roots(
        tmp.path(), {{module_tf, "get_order_uri  = aws_lambda_function.handler[\"get-order\"].invoke_arn", "get_order_uri  = aws_security_group.lambda.arn"}})));
    expect_undecided_naming(findings, "api-endpoint-only food/rest-api/this", {"module.microservice[\"food\"].aws_security_group.lambda.arn"});
}

TEST(ToModelYamlBody, ABodyThatIsNeitherJsonNorYamlIsALocatedError) {
    xc::test::TempDir tmp;
    const auto roots = seed_roots(tmp.path(), {{swagger_tpl, "info:\n  title: ${service}\n", "info:\n  title: [${service}\n"}});
    try {
        read(roots);
        FAIL() << "no error";
    } catch (const xc::InputError& e) {
        const auto& d = e.diagnostics().front();
        EXPECT_EQ(fs::path(d.file).filename(), "main.tf");
        EXPECT_EQ(d.position.line, 185u) << d.message;  // the body argument
        EXPECT_NE(d.path.find("aws_api_gateway_rest_api.this"), std::string::npos) << d.path;
        EXPECT_NE(d.message.find("the body is no OpenAPI document (JSON or YAML): at "), std::string::npos) << d.message;
        EXPECT_NE(d.message.find("malformed YAML"), std::string::npos) << d.message;
    }
}

TEST(ToModelYamlBody, AYamlencodedBodyIsReadAsItsValue) {
    xc::test::TempDir tmp;
    const std::string templated = R"(  body = templatefile("${path.module}/swagger.yaml.tpl", {
    service        = var.service
    order_options  = var.order_options
    get_order_uri  = aws_lambda_function.handler["get-order"].invoke_arn
    get_orders_uri = aws_lambda_function.handler["get-orders"].invoke_arn
    post_order_uri = aws_lambda_function.handler["post-order"].invoke_arn
  })
)";
    const std::string encoded = R"(  body = yamlencode({
    swagger = "2.0"
    info    = { title = var.service }
    paths = { "/orders" = { post = { "x-amazon-apigateway-integration" = {
      type = "aws_proxy", httpMethod = "POST", uri = aws_lambda_function.handler["post-order"].invoke_arn
    } } } }
  })
)";
    const auto mapped = read(seed_roots(tmp.path(), {{module_tf, templated, encoded}}));
    const auto& api = mapped.model.services.at("food").apis.at("this");
    ASSERT_EQ(api.routes.size(), 1u);
    EXPECT_EQ(api.routes.at("POST /orders").lambda.name, "handler-post-order");
    for (const auto& u : mapped.model.unresolved) EXPECT_NE(u.value.find("/handler"), std::string::npos) << u.value << ": " << u.reason;
}

// ---- an API built from resources, methods and integrations --------------------------------------

const std::string templated_body = R"(  body = templatefile("${path.module}/swagger.yaml.tpl", {
    service        = var.service
    order_options  = var.order_options
    get_order_uri  = aws_lambda_function.handler["get-order"].invoke_arn
    get_orders_uri = aws_lambda_function.handler["get-orders"].invoke_arn
    post_order_uri = aws_lambda_function.handler["post-order"].invoke_arn
  })
)";

// The seed's APIs without their body: the same three routes as resources, methods, integrations.
std::vector<Edit> methods_instead_of_body(const std::string& authorization) {
    return {{module_tf, templated_body, ""},
            {module_tf, "redeployment = sha1(aws_api_gateway_rest_api.this.body)", "redeployment = sha1(jsonencode([for m in aws_api_gateway_integration.route : m.id]))"},
            {module_tf, "resource \"aws_api_gateway_rest_api_policy\" \"this\" {", R"(resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{orderId}"
}

locals {
  routes = {
    "get-orders" = { method = "GET", resource = aws_api_gateway_resource.orders.id }
    "post-order" = { method = "POST", resource = aws_api_gateway_resource.orders.id }
    "get-order"  = { method = "GET", resource = aws_api_gateway_resource.order.id }
  }
}

resource "aws_api_gateway_method" "route" {
  for_each      = local.routes
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = each.value.resource
  http_method   = each.value.method
  authorization = )" + authorization + R"(
  request_parameters = each.key == "get-orders" ? { "method.request.querystring.orderDate" = false } : {}
}

resource "aws_api_gateway_integration" "route" {
  for_each                = local.routes
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.route[each.key].resource_id
  http_method             = aws_api_gateway_method.route[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.handler[each.key].invoke_arn
}

resource "aws_api_gateway_rest_api_policy" "this" {)"}};
}

TEST(ToModelMethods, AnApiBuiltFromMethodsAndIntegrationsHasTheirRoutes) {
    xc::test::TempDir tmp;
    const auto mapped = read(seed_roots(tmp.path(), methods_instead_of_body("\"NONE\"")));
    const auto& api = mapped.model.services.at("food").apis.at("this");
    ASSERT_EQ(api.routes.size(), 3u);
    EXPECT_EQ(api.routes.at("GET /orders").lambda.name, "handler-get-orders");
    EXPECT_EQ(api.routes.at("POST /orders").lambda.name, "handler-post-order");
    EXPECT_EQ(api.routes.at("GET /orders/{orderId}").lambda.name, "handler-get-order");
    EXPECT_TRUE(api.routes.at("GET /orders").query.count("orderDate"));
    EXPECT_FALSE(api.routes.at("GET /orders").query.at("orderDate").required);
    for (const auto& u : mapped.model.unresolved) EXPECT_NE(u.value.find("/handler"), std::string::npos) << u.value << ": " << u.reason;
    const auto findings = findings_of(mapped);
    for (const std::string property : {"api-endpoint-only", "api-liveness", "dns-tls"})
        EXPECT_EQ(findings.at(property + " food/rest-api/this").verdict, Verdict::proved) << property << ": " << findings.at(property + " food/rest-api/this").message;
    EXPECT_EQ(findings.at("lambda-invoke food/lambda/handler-get-order").verdict, Verdict::proved);
}

// A method's authorization NONE or AWS_IAM is the route's own.
TEST(ToModelMethods, AMethodsAuthorizationNoneOrAwsIamIsTheRoutes) {
    xc::test::TempDir tmp;
    const auto mapped = read(seed_roots(tmp.path(), methods_instead_of_body("each.key == \"get-order\" ? \"AWS_IAM\" : \"NONE\"")));
    for (const std::string service : {"food", "beverage"}) {
        const auto& api = mapped.model.services.at(service).apis.at("this");
        ASSERT_EQ(api.routes.size(), 3u);
        EXPECT_EQ(api.routes.at("GET /orders/{orderId}").authorization, xc::model::Authorization::aws_iam);
        EXPECT_EQ(api.routes.at("GET /orders").authorization, xc::model::Authorization::none);
        EXPECT_EQ(api.routes.at("POST /orders").authorization, xc::model::Authorization::none);
        EXPECT_TRUE(api.callers.empty());  // no role says it calls the API
    }
    for (const auto& u : mapped.model.unresolved) EXPECT_NE(u.value.find("/handler"), std::string::npos) << u.value << ": " << u.reason;
}

// An authorizer (CUSTOM) or a Cognito user pool is not modelled: never NONE or AWS_IAM silently.
TEST(ToModelMethods, AMethodWithAnAuthorizerOrCognitoLeavesItsApiUndecided) {
    for (const std::string type : {"CUSTOM", "COGNITO_USER_POOLS"}) {
        SCOPED_TRACE(type);
        xc::test::TempDir tmp;
        const auto findings = findings_of(read(seed_roots(tmp.path(), methods_instead_of_body("each.key == \"get-order\" ? \"" + type + "\" : \"NONE\""))));
        for (const std::string service : {"food", "beverage"})
            for (const std::string property : {"api-endpoint-only", "api-liveness"})
                expect_undecided_naming(findings, property + " " + service + "/rest-api/this", {"aws_api_gateway_method.route[\"get-order\"].authorization", type});
    }
}

// A method that sets no authorization (the provider requires one) is not taken for NONE either.
TEST(ToModelMethods, AMethodWithoutAuthorizationLeavesItsApiUndecided) {
    xc::test::TempDir tmp;
    const auto findings = findings_of(read(seed_roots(tmp.path(), methods_instead_of_body("each.key == \"get-order\" ? null : \"NONE\""))));
    for (const std::string property : {"api-endpoint-only", "api-liveness"})
        expect_undecided_naming(findings, property + " food/rest-api/this", {"aws_api_gateway_method.route[\"get-order\"].authorization", "sets no authorization"});
}

// A method no integration completes is no route to leave out unsaid: its API is UNDECIDED, naming it.
TEST(ToModelMethods, AMethodWithoutAnIntegrationLeavesItsApiUndecided) {
    xc::test::TempDir tmp;
    auto edits = methods_instead_of_body("\"NONE\"");
    edits.push_back({module_tf, "resource \"aws_api_gateway_integration\" \"route\" {\n  for_each                = local.routes",
                     "resource \"aws_api_gateway_integration\" \"route\" {\n  for_each = { for k, v in local.routes : k => v if k != \"get-order\" }"});
    const auto mapped = read(seed_roots(tmp.path(), edits));
    EXPECT_EQ(mapped.model.services.at("food").apis.at("this").routes.size(), 2u);
    const auto findings = findings_of(mapped);
    for (const std::string property : {"api-endpoint-only", "api-liveness"})
        expect_undecided_naming(findings, property + " food/rest-api/this", {"aws_api_gateway_method.route[\"get-order\"]", "has no aws_api_gateway_integration"});
}

// The API's default endpoint, which the consumer calls, disabled (or not known to be enabled):
// not taken for the default; its checks are UNDECIDED, naming the argument. Known false is the
// default and decides as before.
TEST(ToModelSeed, ADisabledDefaultEndpointLeavesTheApiUndecided) {
    for (const std::string value : {"true", "var.service == \"food\""}) {
        SCOPED_TRACE(value);
        xc::test::TempDir tmp;
        const auto findings = findings_of(read(seed_roots(tmp.path(), {{module_tf, "  name = local.name\n  body = templatefile(",
                                                                        "  name = local.name\n  disable_execute_api_endpoint = " + value + "\n  body = templatefile("}})));
        for (const std::string property : {"api-endpoint-only", "api-liveness"})
            expect_undecided_naming(findings, property + " food/rest-api/this", {"default execute-api endpoint may be disabled"});
    }
    xc::test::TempDir tmp;
    const auto findings = findings_of(read(seed_roots(tmp.path(), {{module_tf, "  name = local.name\n  body = templatefile(",
                                                                    "  name = local.name\n  disable_execute_api_endpoint = false\n  body = templatefile("}})));
    EXPECT_EQ(findings.at("api-endpoint-only food/rest-api/this").verdict, Verdict::proved);
}

// A health check on another protocol or port than the traffic's, or with a part not known before
// apply, is not checked as if it were the traffic's: the target group's check is UNDECIDED.
TEST(ToModelSeed, AHealthCheckOnAnotherProtocolOrPortLeavesTargetHealthUndecided) {
    const std::string key = "api-liveness consumer/target-group/internal/execute_api";
    for (const std::string edit : {"    protocol = \"HTTP\"\n", "    protocol = \"HTTPS\"\n    port     = 8443\n",
                                   "    protocol = \"HTTPS\"\n    port     = aws_lb.internal.arn\n"}) {
        SCOPED_TRACE(edit);
        xc::test::TempDir tmp;
        const auto findings = findings_of(read(seed_roots(tmp.path(), {{"consumer/main.tf", "    protocol = \"HTTPS\"\n    path     = \"/login\"", edit + "    path     = \"/login\""}})));
        expect_undecided_naming(findings, key, {"health_check"});
    }
    xc::test::TempDir tmp;  // the traffic port, named: as before
    const auto findings = findings_of(read(seed_roots(tmp.path(), {{"consumer/main.tf", "    protocol = \"HTTPS\"\n    path     = \"/login\"",
                                                                    "    protocol = \"HTTPS\"\n    port     = \"traffic-port\"\n    path     = \"/login\""}})));
    EXPECT_EQ(findings.at(key).verdict, Verdict::proved) << findings.at(key).message;
}

// A `security` naming no scheme the body declares is not read as any authorization.
TEST(ToModelMethods, ABodyRouteWithSecurityLeavesItsApiUndecided) {
    xc::test::TempDir tmp;
    const auto findings = findings_of(read(seed_roots(
        tmp.path(), {{swagger_tpl, "  /orders/{orderId}:\n    get:\n", "  /orders/{orderId}:\n    get:\n      security:\n        - sigv4: []\n"}})));
    expect_undecided_naming(findings, "api-liveness food/rest-api/this", {"GET /orders/{orderId} security"});
}

const std::string order_operation = "  /orders/{orderId}:\n    get:\n";

// The body's authorization of an operation (API Gateway's OpenAPI extensions): x-amazon-apigateway-auth
// NONE / AWS_IAM (any case), or `security` naming an awsSigv4 apiKey scheme; an operation stating
// none is NONE (the route states nothing; the API's default is NONE).
TEST(ToModelBody, TheBodysAuthorizationOfAnOperationIsTheRoutes) {
    const std::string sigv4_scheme = "securityDefinitions:\n  sigv4:\n    type: apiKey\n    name: Authorization\n    in: header\n    x-amazon-apigateway-authtype: awsSigv4\n";
    struct Case {
        std::vector<Edit> edits;
        std::optional<xc::model::Authorization> want;
    };
    const std::vector<Case> cases{
        {{{swagger_tpl, order_operation, order_operation + "      x-amazon-apigateway-auth:\n        type: AWS_IAM\n"}}, xc::model::Authorization::aws_iam},
        {{{swagger_tpl, order_operation, order_operation + "      x-amazon-apigateway-auth:\n        type: aws_iam\n"}}, xc::model::Authorization::aws_iam},
        {{{swagger_tpl, order_operation, order_operation + "      x-amazon-apigateway-auth:\n        type: NONE\n"}}, xc::model::Authorization::none},
        {{{swagger_tpl, order_operation, order_operation + "      security:\n        - sigv4: []\n"}, {swagger_tpl, "definitions:\n", sigv4_scheme + "definitions:\n"}},
         xc::model::Authorization::aws_iam},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.edits.front().to);
        xc::test::TempDir tmp;
        const auto mapped = read(seed_roots(tmp.path(), c.edits));
        const auto& api = mapped.model.services.at("food").apis.at("this");
        EXPECT_EQ(api.routes.at("GET /orders/{orderId}").authorization, c.want);
        EXPECT_EQ(api.routes.at("GET /orders").authorization, std::nullopt);
        EXPECT_EQ(api.authorization_of(api.routes.at("GET /orders")), xc::model::Authorization::none);
        for (const auto& u : mapped.model.unresolved) EXPECT_NE(u.value.find("/handler"), std::string::npos) << u.value << ": " << u.reason;
    }
}

// What the body's authorization does not say for sure stays open: a Lambda authorizer or Cognito
// type, an authorizer scheme, a document-level `security` (which API Gateway does not apply),
// both forms on one operation, and integration credentials (the function invoked as a role).
TEST(ToModelBody, AuthorizersCognitoDocumentSecurityAndCredentialsLeaveTheApiUndecided) {
    const std::string custom_scheme =
        "securityDefinitions:\n  mine:\n    type: apiKey\n    name: Authorization\n    in: header\n    x-amazon-apigateway-authtype: custom\n";
    const std::vector<std::pair<std::vector<Edit>, std::string>> cases{
        {{{swagger_tpl, order_operation, order_operation + "      x-amazon-apigateway-auth:\n        type: CUSTOM\n"}}, "x-amazon-apigateway-auth"},
        {{{swagger_tpl, order_operation, order_operation + "      x-amazon-apigateway-auth:\n        type: COGNITO_USER_POOLS\n"}}, "x-amazon-apigateway-auth"},
        {{{swagger_tpl, order_operation, order_operation + "      security:\n        - mine: []\n"}, {swagger_tpl, "definitions:\n", custom_scheme + "definitions:\n"}},
         "not one awsSigv4 scheme"},
        {{{swagger_tpl, "paths:\n", "security:\n  - sigv4: []\npaths:\n"}}, "document-level"},
        {{{swagger_tpl, order_operation, order_operation + "      security: []\n      x-amazon-apigateway-auth:\n        type: AWS_IAM\n"}}, "both"},
        {{{swagger_tpl, "        uri: ${get_order_uri}\n", "        uri: ${get_order_uri}\n        credentials: arn:aws:iam::*:user/*\n"}}, "credentials"},
    };
    for (const auto& [edits, why] : cases) {
        SCOPED_TRACE(edits.front().to);
        xc::test::TempDir tmp;
        const auto findings = findings_of(read(seed_roots(tmp.path(), edits)));
        for (const std::string property : {"api-endpoint-only", "api-liveness"})
            expect_undecided_naming(findings, property + " food/rest-api/this", {"GET /orders/{orderId}", why});
    }
}

// The consumer's roles tagged "xc:calls" (the names of the APIs they call) are the APIs' callers;
// a name no API has leaves the role Unresolved; a service's role is no caller.
TEST(ToModelCallers, TheConsumersRolesTaggedXcCallsAreTheCallersOfTheApisTheyName) {
    const std::string anchor = "resource \"aws_secretsmanager_secret\" \"endpoint_id\" {";
    const std::string role = R"(resource "aws_iam_role" "client" {
  name               = "client"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  tags               = { "xc:calls" = CALLS }
}

resource "aws_iam_role_policy" "client" {
  role   = aws_iam_role.client.id
  name   = "invoke"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "execute-api:Invoke", Resource = "*" }] })
}

)";
    auto with = [&](const std::string& calls) {
        std::string r = role;
        r.replace(r.find("CALLS"), 5, calls);
        return std::vector<Edit>{{"consumer/main.tf", anchor, r + anchor}};
    };
    {
        xc::test::TempDir tmp;
        const auto mapped = read(seed_roots(tmp.path(), with("\"${var.app}-food  ${var.app}-beverage\"")));
        for (const std::string service : {"food", "beverage"}) {
            const auto& api = mapped.model.services.at(service).apis.at("this");
            ASSERT_EQ(api.callers.size(), 1u) << service;
            EXPECT_EQ(api.callers.front().to_string(), "consumer/client");
        }
        ASSERT_TRUE(mapped.model.consumer.roles.count("client"));
        EXPECT_EQ(mapped.model.consumer.roles.at("client").policies.size(), 1u);
        for (const auto& u : mapped.model.unresolved) EXPECT_NE(u.value.find("/handler"), std::string::npos) << u.value << ": " << u.reason;
    }
    {
        xc::test::TempDir tmp;
        const auto mapped = read(seed_roots(tmp.path(), with("\"${var.app}-food no-such-api\"")));
        EXPECT_EQ(mapped.model.services.at("food").apis.at("this").callers.size(), 1u);
        EXPECT_TRUE(mapped.model.services.at("beverage").apis.at("this").callers.empty());
        bool open = false;
        for (const auto& u : mapped.model.unresolved)
            open = open || (u.resource == "/consumer/roles/client" && u.reason.find("'no-such-api'") != std::string::npos);
        EXPECT_TRUE(open);
    }
    {  // a value known only after apply: Unresolved on the role, no caller
        xc::test::TempDir tmp;
        const auto mapped = read(seed_roots(tmp.path(), with("aws_lb.internal.arn")));
        EXPECT_TRUE(mapped.model.services.at("food").apis.at("this").callers.empty());
        bool open = false;
        for (const auto& u : mapped.model.unresolved)
            open = open || (u.resource == "/consumer/roles/client" && u.reason.find("is not known") != std::string::npos);
        EXPECT_TRUE(open);
    }
    {  // a service's role: Unresolved there, no caller
        xc::test::TempDir tmp;
        const auto mapped = read(seed_roots(tmp.path(), {{module_tf, "  name = \"${local.name}-lambda\"\n", "  name = \"${local.name}-lambda\"\n  tags = { \"xc:calls\" = local.name }\n"}}));
        EXPECT_TRUE(mapped.model.services.at("food").apis.at("this").callers.empty());
        bool open = false;
        for (const auto& u : mapped.model.unresolved) open = open || u.reason.find("only a role of the consumer") != std::string::npos;
        EXPECT_TRUE(open);
    }
}

// A key's onlyItsSecrets, a requirement of the model, travels as its tag xc:only-its-secrets:
// "true" asks it, "false" or no tag does not, and any other value, or tags known only after
// apply, leave the key Unresolved and its key scope UNDECIDED, never a default.
TEST(ToModelTags, AKeysOnlyItsSecretsIsItsTagXcOnlyItsSecrets) {
    struct Case {
        const char* label;
        const char* tag;  // what replaces the emitted `"xc:only-its-secrets" = "true"`
        std::optional<bool> only_its_secrets;  // nullopt: Unresolved on the key
        const char* reason;
    };
    for (const Case& c : {Case{"true", "\"xc:only-its-secrets\" = \"true\"", true, ""}, Case{"false", "\"xc:only-its-secrets\" = \"false\"", false, ""},
                          Case{"absent", "", false, ""}, Case{"bool", "\"xc:only-its-secrets\" = true", true, ""},
                          Case{"bad value", "\"xc:only-its-secrets\" = \"yes\"", std::nullopt, "neither \"true\" nor \"false\": \"yes\""},
                          Case{"value after apply", "\"xc:only-its-secrets\" = aws_vpc.main.id", std::nullopt, "is not known"},
                          Case{"tags after apply", "(aws_vpc.main.id) = \"true\"", std::nullopt, "the key's tags are not known"}}) {
        SCOPED_TRACE(c.label);
        xc::test::TempDir tmp;
        const auto roots = reference_roots(tmp.path());
        std::size_t tagged = 0;
        static const std::regex emitted(R"re("xc:only-its-secrets"\s*=\s*"true")re");
        for (const auto& f : fs::recursive_directory_iterator(tmp.path())) {
            if (f.path().extension() != ".tf") continue;
            const std::string text = xc::test::read_file(f.path());
            if (!std::regex_search(text, emitted)) continue;
            ++tagged;
            std::ofstream(f.path()) << std::regex_replace(text, emitted, c.tag);
        }
        ASSERT_EQ(tagged, 1u);
        const auto mapped = read(roots);
        const auto& key = mapped.model.consumer.kms_keys.at("shared_secret");
        std::vector<std::string> on_key;
        for (const auto& u : mapped.model.unresolved)
            if (u.resource == key.path) on_key.push_back(u.value + ": " + u.reason);
        const auto findings = findings_of(mapped);
        const auto scope = findings.find("secret-share consumer/kms-key/shared_secret");
        ASSERT_NE(scope, findings.end());
        if (c.only_its_secrets) {
            EXPECT_TRUE(on_key.empty()) << on_key.front();
            EXPECT_EQ(key.only_its_secrets, *c.only_its_secrets);
            EXPECT_EQ(scope->second.verdict, Verdict::proved) << scope->second.message;  // the reference key's policy asks the context either way
        } else {
            ASSERT_EQ(on_key.size(), 1u);
            EXPECT_EQ(on_key.front().rfind(key.path + "/onlyItsSecrets: ", 0), 0u) << on_key.front();
            EXPECT_NE(on_key.front().find(c.reason), std::string::npos) << on_key.front();
            EXPECT_EQ(scope->second.verdict, Verdict::undecided);
            EXPECT_NE(scope->second.message.find("xc:only-its-secrets"), std::string::npos) << scope->second.message;
        }
    }
}

// A literal role ARN names the role only with its path: a role created under another path is
// not the one the ARN names, and the functions' role stays unknown (their checks UNDECIDED).
TEST(ToModelSeed, ALiteralRoleArnLinksOnlyToTheRoleItNamesPathIncluded) {
    xc::test::TempDir tmp;
    const auto mapped = read(seed_roots(tmp.path(), {{module_tf, "  name = \"${local.name}-lambda\"\n", "  name = \"${local.name}-lambda\"\n  path = \"/service/\"\n"}}));
    EXPECT_NE(mapped.model.services.at("food").lambdas.at("handler-get-order").role.name, "lambda");
    const auto findings = findings_of(mapped);
    const auto& f = findings.at("lambda-invoke food/lambda/handler-get-order");
    EXPECT_EQ(f.verdict, Verdict::undecided);
    EXPECT_NE(f.message.find("arn:aws:iam::222222222222:role/cross-account-microservices-food-lambda"), std::string::npos) << f.message;

    xc::test::TempDir with_path;
    const auto linked = read(seed_roots(with_path.path(), {{module_tf, "  name = \"${local.name}-lambda\"\n", "  name = \"${local.name}-lambda\"\n  path = \"/service/\"\n"},
                                                           {module_tf, ":role/${local.name}-lambda", ":role/service/${local.name}-lambda"}}));
    EXPECT_EQ(linked.model.services.at("food").lambdas.at("handler-get-order").role.name, "lambda");
}

// The instance's role (its profile's) tagged xc:calls is a role of the model, every policy read
// (the AmazonSSMManagedInstanceCore attachment among them), and the instance keeps its ssm.
TEST(ToModelCallers, AnInstancesRoleTaggedXcCallsIsARoleOfTheModelAndTheInstanceKeepsItsSsm) {
    xc::test::TempDir tmp;
    const auto roots = reference_roots(tmp.path());
    const std::string api_name = read(roots).model.services.at("food").apis.at("orders").deployed_name;
    ASSERT_FALSE(api_name.empty());
    const std::string header = "resource \"aws_iam_role\" \"client_instance\" {";
    bool tagged = false;
    for (const auto& root : roots)
        for (const auto& entry : fs::directory_iterator(root.dir)) {
            std::string text = xc::test::read_file(entry.path());
            const auto at = text.find(header);
            if (at == std::string::npos) continue;
            const std::string block = text.substr(at, text.find("\n}\n", at) - at);
            ASSERT_EQ(block.find("tags"), std::string::npos) << "the emitted role has tags of its own: edit them instead";
            text.insert(at + header.size(), "\n  tags = { \"xc:calls\" = \"" + api_name + "\" }");
            std::ofstream(entry.path()) << text;
            tagged = true;
        }
    ASSERT_TRUE(tagged);
    const auto mapped = read(roots);
    const auto& m = mapped.model;
    ASSERT_TRUE(m.consumer.roles.count("client_instance"));
    EXPECT_EQ(m.consumer.roles.at("client_instance").managed_policies, std::vector<std::string>{"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"});
    EXPECT_TRUE(m.consumer.instances.at("client").ssm);
    ASSERT_EQ(m.services.at("food").apis.at("orders").callers.size(), 1u);
    EXPECT_EQ(m.services.at("food").apis.at("orders").callers.front().to_string(), "consumer/client_instance");
    EXPECT_TRUE(m.services.at("beverage").apis.at("orders").callers.empty());
    EXPECT_TRUE(m.unresolved.empty());
}

}  // namespace to_model_test
