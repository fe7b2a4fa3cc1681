#include <xc/input/json/load.hpp>

#include <test_support.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace load_test {

using xc::InputError;
using xc::input::json::load_model_text;
using xc::test::reference_model_text;
using xc::test::replace_once;

namespace {

std::vector<xc::Diagnostic> errors_of(const std::string& text) {
    try {
        load_model_text(text, "m.json");
    } catch (const InputError& e) {
        return e.diagnostics();
    }
    return {};
}

// The model must be rejected with a diagnostic at `path` whose message is `message`.
void expect_error(const std::string& text, const std::string& path, const std::string& message,
                  const std::string& hint = {}) {
    auto errors = errors_of(text);
    ASSERT_FALSE(errors.empty()) << "accepted, expected: " << path << ": " << message;
    for (const auto& d : errors)
        if (d.path == path && d.message == message) {
            EXPECT_EQ(d.hint, hint);
            EXPECT_EQ(d.file, "m.json");
            EXPECT_NE(d.position.line, 0u) << "no position for " << path;
            return;
        }
    std::string got;
    for (const auto& d : errors) got += "\n  " + xc::to_string(d);
    ADD_FAILURE() << "expected " << path << ": " << message << "\ngot:" << got;
}

std::string mutate(const std::string& from, const std::string& to) { return replace_once(reference_model_text(), from, to); }

}  // namespace

TEST(Load, TheReferenceModelLoadsAndExpandsItsTemplate) {
    auto m = xc::input::json::load_model_file(xc::test::reference_model_path().string());
    EXPECT_EQ(m.name, "cross-account-microservices");
    EXPECT_EQ(m.region, "eu-central-1");
    ASSERT_EQ(m.accounts.size(), 3u);
    EXPECT_EQ(m.accounts.at("food").id, "333333333333");
    ASSERT_EQ(m.services.size(), 2u);
    const auto& food = m.services.at("food");
    EXPECT_EQ(food.account, "food");
    EXPECT_EQ(food.template_name, "orders-service");
    EXPECT_EQ(food.tables.at("orders").table_name, "cross-account-microservices-food");
    const auto& api = food.apis.at("orders");
    EXPECT_TRUE(api.is_private);
    ASSERT_EQ(api.vpc_endpoints.size(), 1u);
    EXPECT_EQ(api.vpc_endpoints[0], (xc::model::Ref{"consumer", "execute-api"}));
    EXPECT_EQ(api.custom_domain->name, "food.cross-account-microservices.com");
    const auto& post = api.routes.at("POST /orders");
    EXPECT_EQ(post.method, "POST");
    EXPECT_EQ(post.resource_path, "/orders");
    EXPECT_EQ(post.lambda, (xc::model::Ref{"food", "post-order"}));
    EXPECT_EQ(post.body->properties.at("food").enum_values, (std::vector<std::string>{"pizza", "hamburger", "salat"}));
    EXPECT_EQ(m.services.at("beverage").apis.at("orders").routes.at("POST /orders").body->properties.at("beverage").enum_values,
              (std::vector<std::string>{"tea", "coffee", "water"}));
    // Placeholders expand inside policies too.
    const auto& statement = food.roles.at("lambda").policies.at("orders-table").document()["Statement"][0];
    EXPECT_EQ(statement["Resource"][0], "arn:aws:dynamodb:eu-central-1:333333333333:table/cross-account-microservices-food");
    EXPECT_EQ(food.lambdas.at("get-orders").vpc, "main");
    EXPECT_EQ(m.consumer.secrets.at("endpoint-id").kms_key, (xc::model::Ref{"consumer", "shared-secret"}));
    EXPECT_TRUE(m.consumer.kms_keys.at("shared-secret").only_its_secrets);
    EXPECT_EQ(api.path, "/services/food/apis/orders");
}

TEST(Load, WrongTypesNameTheExpectedType) {
    expect_error(mutate("\"rotation\": true", "\"rotation\": \"yes\""), "/consumer/kmsKeys/shared-secret/rotation",
                 "expected true or false, found a string");
    expect_error(mutate("\"onlyItsSecrets\": true", "\"onlyItsSecrets\": \"yes\""), "/consumer/kmsKeys/shared-secret/onlyItsSecrets",
                 "expected true or false, found a string");
    expect_error(mutate("\"port\": 443,\n            \"protocol\": \"HTTPS\",\n            \"sslPolicy\"",
                        "\"port\": 70000,\n            \"protocol\": \"HTTPS\",\n            \"sslPolicy\""),
                 "/consumer/loadBalancers/internal/listeners/https/port", "expected an integer from 1 to 65535, found 70000");
    expect_error(mutate("\"subnets\": [ \"private-a\", \"private-b\" ],\n        \"securityGroups\": [ \"alb\" ]",
                        "\"subnets\": \"private-a\",\n        \"securityGroups\": [ \"alb\" ]"),
                 "/consumer/loadBalancers/internal/subnets", "expected an array of strings, found a string");
    expect_error(mutate("\"scheme\": \"internal\"", "\"scheme\": \"intrnal\""), "/consumer/loadBalancers/internal/scheme",
                 "expected one of 'internal', 'internet-facing', found 'intrnal'", "did you mean 'internal'?");
    expect_error(mutate("\"xc\": 1,", "\"xc\": 2,"), "/xc", "unsupported format version 2; this xc reads version 1");
}

TEST(Load, WrongTypesInTemplatesAreReportedPerServiceAtTheTemplatesLine) {
    auto text = mutate("\"memory\": 512,\n          \"timeout\": 10,\n          \"network\": { \"subnets\": [ \"private-a\", \"private-b\" ], "
                       "\"securityGroups\": [ \"lambda\" ] },\n          \"logRetentionDays\": 14,\n          \"invokePermissions\": [ { \"principal\": "
                       "\"apigateway.amazonaws.com\", \"sourceApi\": \"orders\" } ]\n        },\n        \"get-orders\"",
                       "\"memory\": \"512\",\n          \"timeout\": 10,\n          \"network\": { \"subnets\": [ \"private-a\", \"private-b\" ], "
                       "\"securityGroups\": [ \"lambda\" ] },\n          \"logRetentionDays\": 14,\n          \"invokePermissions\": [ { \"principal\": "
                       "\"apigateway.amazonaws.com\", \"sourceApi\": \"orders\" } ]\n        },\n        \"get-orders\"");
    auto errors = errors_of(text);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].path, "/services/beverage/lambdas/post-order/memory");
    EXPECT_EQ(errors[1].path, "/services/food/lambdas/post-order/memory");
    EXPECT_EQ(errors[0].message, "expected an integer from 128 to 10240, found a string");
    // Both point at the line in the template where the value is written.
    auto line = text.substr(0, text.find("\"memory\": \"512\"")), nl = std::string("\n");
    std::size_t expected_line = static_cast<std::size_t>(std::count(line.begin(), line.end(), '\n')) + 1;
    EXPECT_EQ(errors[0].position.line, expected_line);
    EXPECT_EQ(errors[1].position, errors[0].position);
}

TEST(Load, UnknownFieldsSuggestTheClosestKnownField) {
    expect_error(mutate("\"subnets\": [ \"private-a\", \"private-b\" ],\n        \"securityGroups\": [ \"endpoint\" ]",
                        "\"subnet\": [ \"private-a\", \"private-b\" ],\n        \"securityGroups\": [ \"endpoint\" ]"),
                 "/consumer/vpcEndpoints/execute-api/subnet", "unknown field 'subnet' in a VPC endpoint", "did you mean 'subnets'?");
    expect_error(mutate("\"region\": \"eu-central-1\",", "\"region\": \"eu-central-1\", \"regions\": [],"), "/regions",
                 "unknown field 'regions' in the model", "did you mean 'region'?");
    // A misspelt collection in a service override is caught at the service.
    expect_error(mutate("\"account\": \"food\",", "\"account\": \"food\", \"lambda\": {},"), "/services/food/lambda",
                 "unknown field 'lambda' in a service", "did you mean 'lambdas'?");
}

TEST(Load, MissingRequiredFieldsSayWhatIsExpected) {
    expect_error(mutate("\"cidr\": \"192.168.0.0/16\",\n        \"dnsHostnames\": true,", "\"dnsHostnames\": true,"), "/consumer/vpcs/main",
                 "missing required field 'cidr' (an IPv4 CIDR block such as \"10.0.0.0/16\")");
    expect_error(mutate("\"kmsKey\": \"shared-secret\",", ""), "/consumer/secrets/endpoint-id",
                 "missing required field 'kmsKey' (the name of a KMS key, or \"aws/secretsmanager\" for the AWS-managed key)");
}

TEST(Load, DuplicateNamesAreErrors) {
    expect_error(mutate("\"food\": {\n      \"account\": \"food\",", "\"food\": {},\n    \"food\": {\n      \"account\": \"food\","),
                 "/services/food", "duplicate key 'food' (JSON objects must not repeat a key)");
    expect_error(mutate("\"id\": \"333333333333\"", "\"id\": \"222222222222\""), "/accounts/food/id",
                 "account id 222222222222 is already used by account 'beverage'");
    expect_error(mutate("\"beverage\": {\n      \"account\": \"beverage\",", "\"consumer\": {\n      \"account\": \"beverage\","),
                 "/services/consumer", "'consumer' is reserved for the consumer's scope; choose another service name");
    expect_error(mutate("\"subnets\": [ \"private-a\", \"private-b\" ],\n        \"securityGroups\": [ \"endpoint\" ]",
                        "\"subnets\": [ \"private-a\", \"private-a\" ],\n        \"securityGroups\": [ \"endpoint\" ]"),
                 "/consumer/vpcEndpoints/execute-api/subnets/1", "duplicate entry 'private-a' (also at index 0)");
}

TEST(Load, DanglingReferencesSuggestExistingNames) {
    expect_error(mutate("\"GET /orders/{orderId}\": { \"lambda\": \"get-order\" }", "\"GET /orders/{orderId}\": { \"lambda\": \"get-ordr\" }"),
                 "/services/food/apis/orders/routes/GET ~1orders~1{orderId}/lambda", "no Lambda function named 'get-ordr'",
                 "did you mean 'get-order'?");
    expect_error(mutate("\"food\":     { \"alias\": { \"loadBalancer\": \"internal\" } }",
                        "\"food\":     { \"alias\": { \"loadBalancer\": \"nowhere\" } }"),
                 "/consumer/hostedZones/services/records/food/alias/loadBalancer", "no load balancer named 'nowhere'");
    expect_error(mutate("\"vpcEndpoints\": [ \"consumer/execute-api\" ]", "\"vpcEndpoints\": [ \"consumer/execute-ap\" ]"),
                 "/services/food/apis/orders/vpcEndpoints/0", "no VPC endpoint named 'execute-ap' in 'consumer'",
                 "did you mean 'execute-api'?");
    expect_error(mutate("\"vpcEndpoints\": [ \"consumer/execute-api\" ]", "\"vpcEndpoints\": [ \"consumr/execute-api\" ]"),
                 "/services/food/apis/orders/vpcEndpoints/0", "no scope named 'consumr' (in reference 'consumr/execute-api')",
                 "did you mean 'consumer'?");
    expect_error(mutate("\"template\": \"orders-service\",\n      \"parameters\": { \"orderOptions\": [ \"pizza\"",
                        "\"template\": \"order-service\",\n      \"parameters\": { \"orderOptions\": [ \"pizza\""),
                 "/services/food/template", "no template named 'order-service'", "did you mean 'orders-service'?");
    expect_error(mutate("\"account\": \"food\",", "\"account\": \"fod\","), "/services/food/account", "no account named 'fod'",
                 "did you mean 'food'?");
    expect_error(mutate("\"vpcEndpoints\": [ \"consumer/execute-api\" ]", "\"vpcEndpoints\": [ \"dynamodb\" ]"),
                 "/services/food/apis/orders/vpcEndpoints/0", "endpoint 'food/dynamodb' is not an execute-api interface endpoint");
}

TEST(Load, NetworksAreChecked) {
    expect_error(mutate("\"cidr\": \"192.168.0.0/16\",\n        \"dnsHostnames\"", "\"cidr\": \"192.168.0.1/16\",\n        \"dnsHostnames\""),
                 "/consumer/vpcs/main/cidr", "invalid CIDR '192.168.0.1/16': host bits are set after the /16 prefix");
    expect_error(mutate("\"cidr\": \"192.168.0.0/16\",\n        \"dnsHostnames\"", "\"cidr\": \"192.168.0.256/16\",\n        \"dnsHostnames\""),
                 "/consumer/vpcs/main/cidr", "invalid CIDR '192.168.0.256/16': expected a.b.c.d/n with octets 0-255 and n 0-32");
    expect_error(mutate("\"public-b\":  { \"cidr\": \"192.168.1.0/24\"", "\"public-b\":  { \"cidr\": \"10.0.1.0/24\""),
                 "/consumer/vpcs/main/subnets/public-b/cidr", "subnet 10.0.1.0/24 is outside its VPC's 192.168.0.0/16");
    expect_error(mutate("\"public-b\":  { \"cidr\": \"192.168.1.0/24\"", "\"public-b\":  { \"cidr\": \"192.168.0.128/25\""),
                 "/consumer/vpcs/main/subnets/public-b/cidr",
                 "subnet 'public-b' (192.168.0.128/25) overlaps subnet 'public-a' (192.168.0.0/24)");
    expect_error(mutate("\"public-b\":  { \"cidr\": \"192.168.1.0/24\", \"az\": \"eu-central-1b\"",
                        "\"public-b\":  { \"cidr\": \"192.168.1.0/24\", \"az\": \"us-east-1b\""),
                 "/consumer/vpcs/main/subnets/public-b/az",
                 "availability zone 'us-east-1b' is not in region eu-central-1 (expected e.g. eu-central-1a)");
    expect_error(mutate("\"egress\":  [ { \"protocol\": \"tcp\", \"ports\": 443, \"securityGroup\": \"endpoint\" } ]",
                        "\"egress\":  [ { \"protocol\": \"tcp\", \"ports\": 443, \"securityGroup\": \"endpoint\", \"cidr\": \"10.0.0.0/8\" } ]"),
                 "/consumer/securityGroups/alb/egress/0",
                 "expected exactly one of 'cidr', 'securityGroup' or 'prefixList' as the rule's destination, found 2");
    expect_error(mutate("\"ingress\": [ { \"protocol\": \"tcp\", \"ports\": 443, \"securityGroup\": \"alb\" } ]",
                        "\"ingress\": [ { \"protocol\": \"tcp\", \"ports\": [ 444, 443 ], \"securityGroup\": \"alb\" } ]"),
                 "/consumer/securityGroups/endpoint/ingress/0/ports",
                 "expected a port 0-65535 or a range [from, to] with from <= to, found [444,443]");
    expect_error(mutate("\"subnets\": [ \"private-a\", \"private-b\" ],\n        \"securityGroups\": [ \"alb\" ]",
                        "\"subnets\": [ \"private-a\", \"public-a\" ],\n        \"securityGroups\": [ \"alb\" ]"),
                 "/consumer/loadBalancers/internal/subnets/1",
                 "subnets 'private-a' and 'public-a' are both in eu-central-1a; AWS allows one subnet per availability zone here");
}

TEST(Load, IdentifiersAndArnsAreChecked) {
    expect_error(mutate("\"id\": \"333333333333\"", "\"id\": \"33333333333\""), "/accounts/food/id",
                 "expected a 12-digit account id, found '33333333333'");
    expect_error(mutate("\"id\": \"vpce-0a1b2c3d4e5f60718\"", "\"id\": \"vpc-0a1b2c3d4e5f60718\""), "/consumer/vpcEndpoints/execute-api/id",
                 "expected a VPC endpoint id (\"vpce-\" and 8-17 lower-case hex digits), found 'vpc-0a1b2c3d4e5f60718'");
    expect_error(mutate("\"wildcard\": { \"domain\": \"*.cross-account-microservices.com\", \"selfSigned\": true }",
                        "\"wildcard\": { \"domain\": \"*.cross-account-microservices.com\", \"arn\": \"arn:aws:acm:eu-central-1:1111:certificate/x\" }"),
                 "/consumer/certificates/wildcard/arn",
                 "malformed ACM certificate ARN 'arn:aws:acm:eu-central-1:1111:certificate/x': expected "
                 "arn:aws:acm:<region>:<12-digit account>:certificate/<id>");
    expect_error(mutate("\"wildcard\": { \"domain\": \"*.cross-account-microservices.com\", \"selfSigned\": true }",
                        "\"wildcard\": { \"domain\": \"*.cross-account-microservices.com\" }"),
                 "/consumer/certificates/wildcard",
                 "expected exactly one certificate source: \"selfSigned\": true or \"arn\" of an ACM certificate");
    expect_error(mutate("\"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\"", "\"AWSLambdaBasicExecutionRole\""),
                 "/services/food/roles/lambda/managedPolicies/0",
                 "malformed managed policy ARN 'AWSLambdaBasicExecutionRole': expected arn:aws:iam::<account or aws>:policy/<name>");
    expect_error(mutate("\"wildcard\": { \"domain\": \"*.cross-account-microservices.com\"", "\"wildcard\": { \"domain\": \"a.*.example.com\""),
                 "/consumer/certificates/wildcard/domain",
                 "expected a lower-case domain name (a wildcard only as the first label), found 'a.*.example.com'");
}

TEST(Load, ApisAndRoutesAreChecked) {
    expect_error(mutate("\"GET /orders/{orderId}\": { \"lambda\": \"get-order\" }", "\"FETCH /orders/{orderId}\": { \"lambda\": \"get-order\" }"),
                 "/services/food/apis/orders/routes/FETCH ~1orders~1{orderId}",
                 "invalid route 'FETCH /orders/{orderId}': expected \"METHOD /path\" with METHOD one of GET, POST, PUT, PATCH, DELETE, "
                 "HEAD, OPTIONS, ANY and a path like /orders/{orderId}");
    expect_error(mutate("\"required\": [ \"fullName\", \"{{service}}\" ]", "\"required\": [ \"fullname\", \"{{service}}\" ]"),
                 "/services/food/apis/orders/routes/POST ~1orders/body/required/0", "required property 'fullname' is not among the properties",
                 "did you mean 'fullName'?");
    expect_error(mutate("\"endpointIdFrom\": \"consumer/endpoint-id\"", "\"endpointIdFrom\": \"consumer/endpoint\""),
                 "/services/food/apis/orders/endpointIdFrom", "no secret named 'endpoint' in 'consumer'", "did you mean 'endpoint-id'?");
    expect_error(mutate("\"endpointType\": \"PRIVATE\",\n          \"vpcEndpoints\"", "\"endpointType\": \"REGIONAL\",\n          \"vpcEndpoints\""),
                 "/services/food/apis/orders/vpcEndpoints", "only PRIVATE APIs are bound to VPC endpoints (endpointType is REGIONAL)");
}

TEST(Load, TemplateMistakesAreReportedWhereTheyAreWritten) {
    expect_error(mutate("\"enum\": \"{{orderOptions}}\"", "\"enum\": \"{{orderOption}}\""),
                 "/services/food/apis/orders/routes/POST ~1orders/body/properties/food/enum", "unknown template parameter 'orderOption'",
                 "did you mean 'orderOptions'?");
    expect_error(mutate("\"name\": \"{{app}}-{{service}}\"", "\"name\": \"{{app}}-{{service\""),
                 "/services/food/tables/orders/name",
                 "malformed template placeholder '{{service' (no closing '}}'); placeholders are {{name}} with letters, digits and '_'");
    expect_error(mutate("\"parameters\": { \"orderOptions\": [ \"pizza\"", "\"parameters\": { \"service\": \"x\", \"orderOptions\": [ \"pizza\""),
                 "/services/food/parameters/service", "parameter 'service' is built in and cannot be redefined");
    expect_error(mutate("\"name\": \"{{app}}-{{service}}\"", "\"name\": \"{{app}}-{{orderOptions}}\""),
                 "/services/food/tables/orders/name",
                 "template parameter 'orderOptions' is array; only a string or number can be spliced into text (use the placeholder as the "
                 "whole value to insert array)");
}

TEST(Load, RolesOfAccountsAndScopesMustAgree) {
    expect_error(mutate("\"role\": \"consumer\"", "\"role\": \"service\""), "/accounts",
                 "expected exactly one account with role 'consumer', found 0");
    expect_error(mutate("\"account\": \"food\",", "\"account\": \"consumer\","), "/services/food/account",
                 "account 'consumer' has role 'consumer'; expected 'service'");
}

TEST(Load, EveryIndependentMistakeIsReportedInOneRun) {
    auto text = mutate("\"rotation\": true", "\"rotation\": 1");
    text = replace_once(text, "\"food\":     { \"alias\": { \"loadBalancer\": \"internal\" } }", "\"food\":     { \"alias\": { \"loadBalancer\": 7 } }");
    EXPECT_EQ(errors_of(text).size(), 2u);
}

TEST(Load, FormatsDiagnosticsLikeACompiler) {
    auto errors = errors_of(mutate("\"scheme\": \"internal\"", "\"scheme\": \"intrnal\""));
    ASSERT_EQ(errors.size(), 1u);
    auto text = reference_model_text();
    auto before = text.substr(0, text.find("\"scheme\": \"internal\""));
    auto line = std::count(before.begin(), before.end(), '\n') + 1;
    auto column = before.size() - before.rfind('\n');
    EXPECT_EQ(xc::to_string(errors[0]), "m.json:" + std::to_string(line) + ":" + std::to_string(column) +
                                            ": error: at /consumer/loadBalancers/internal/scheme: expected one of 'internal', "
                                            "'internet-facing', found 'intrnal' (did you mean 'internal'?)");
}

TEST(Load, MalformedPoliciesAreReportedWithTheirFullPath) {
    expect_error(mutate("\"Sid\": \"OnlyTheConsumerEndpoint\",\n                \"Effect\": \"Allow\"",
                        "\"Sid\": \"OnlyTheConsumerEndpoint\",\n                \"Effect\": \"Permit\""),
                 "/services/food/apis/orders/policy/Statement/0/Effect", "Effect must be \"Allow\" or \"Deny\", got 'Permit'");
    expect_error(mutate("\"Condition\": { \"StringEquals\": { \"aws:SourceVpce\"", "\"Condition\": { \"StringEqual\": { \"aws:SourceVpce\""),
                 "/services/food/apis/orders/policy/Statement/0/Condition/StringEqual", "unknown condition operator 'StringEqual'",
                 "did you mean 'StringEquals'?");
    expect_error(mutate("\"Action\": [ \"kms:Decrypt\" ],", "\"Action\": [ \"kms:Decrypt\" ], \"NotAction\": \"kms:*\","),
                 "/consumer/kmsKeys/shared-secret/policy/Statement/1", "statement has both Action and NotAction; use one");
}

TEST(Load, TemplatesHoldNoServiceMetaMembers) {
    expect_error(mutate("\"orders-service\": {\n      \"vpcs\"", "\"orders-service\": {\n      \"account\": \"food\",\n      \"vpcs\""),
                 "/templates/orders-service/account", "'account' belongs on the service, not in a template");
    expect_error(mutate("\"orders-service\": {\n      \"vpcs\"", "\"orders-service\": {\n      \"template\": \"x\",\n      \"vpcs\""),
                 "/templates/orders-service/template", "'template' belongs on the service, not in a template");
}

TEST(Load, AGreedyPathParameterNeedsAName) {
    expect_error(mutate("\"GET /orders/{orderId}\": { \"lambda\": \"get-order\" }", "\"GET /orders/{+}\": { \"lambda\": \"get-order\" }"),
                 "/services/food/apis/orders/routes/GET ~1orders~1{+}",
                 "invalid route 'GET /orders/{+}': expected \"METHOD /path\" with METHOD one of GET, POST, PUT, PATCH, DELETE, HEAD, "
                 "OPTIONS, ANY and a path like /orders/{orderId}");
}


// Route authorization: NONE or AWS_IAM on the API (every route's default) and per route; the
// consumer's roles that call the API. Bad values and references are located errors.
namespace {
std::string with_authorization(const nlohmann::json& patch) {
    return nlohmann::json::parse(reference_model_text()).patch(patch).dump(1);
}
const nlohmann::json caller_role = nlohmann::json::parse(R"({"trustPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}})");
}  // namespace

TEST(Load, AuthorizationAndCallersAreRead) {
    auto m = load_model_text(with_authorization(nlohmann::json::parse(R"([
        {"op":"add","path":"/consumer/roles","value":{"client":)" + caller_role.dump() + R"(}},
        {"op":"add","path":"/templates/orders-service/apis/orders/authorization","value":"AWS_IAM"},
        {"op":"add","path":"/templates/orders-service/apis/orders/callers","value":["consumer/client"]},
        {"op":"add","path":"/templates/orders-service/apis/orders/routes/GET ~1orders/authorization","value":"NONE"}])")),
                             "m.json");
    const auto& api = m.services.at("food").apis.at("orders");
    EXPECT_EQ(api.authorization, xc::model::Authorization::aws_iam);
    ASSERT_EQ(api.callers.size(), 1u);
    EXPECT_EQ(api.callers[0], (xc::model::Ref{"consumer", "client"}));
    EXPECT_EQ(api.routes.at("GET /orders").authorization, xc::model::Authorization::none);
    EXPECT_EQ(api.routes.at("POST /orders").authorization, std::nullopt);  // the API's
    EXPECT_EQ(api.authorization_of(api.routes.at("POST /orders")), xc::model::Authorization::aws_iam);
    EXPECT_EQ(api.authorization_of(api.routes.at("GET /orders")), xc::model::Authorization::none);
    // Absent everywhere: NONE, no callers.
    auto plain = xc::input::json::load_model_file(xc::test::reference_model_path().string());
    EXPECT_EQ(plain.services.at("food").apis.at("orders").authorization, xc::model::Authorization::none);
    EXPECT_TRUE(plain.services.at("food").apis.at("orders").callers.empty());
}

TEST(Load, BadAuthorizationAndCallersAreLocatedErrors) {
    const std::string api = "/templates/orders-service/apis/orders";
    expect_error(with_authorization({{{"op", "add"}, {"path", api + "/authorization"}, {"value", "IAM"}}}),
                 "/services/food/apis/orders/authorization", "expected one of 'NONE', 'AWS_IAM', found 'IAM'");
    expect_error(with_authorization({{{"op", "add"}, {"path", api + "/routes/POST ~1orders/authorization"}, {"value", "aws_iam"}}}),
                 "/services/food/apis/orders/routes/POST ~1orders/authorization", "expected one of 'NONE', 'AWS_IAM', found 'aws_iam'");
    expect_error(with_authorization({{{"op", "add"}, {"path", api + "/authorization"}, {"value", true}}}),
                 "/services/food/apis/orders/authorization", "expected one of 'NONE', 'AWS_IAM', found a boolean");
    expect_error(with_authorization({{{"op", "add"}, {"path", api + "/callers"}, {"value", "consumer/client"}}}),
                 "/services/food/apis/orders/callers", "expected an array of strings, found a string");
    expect_error(with_authorization({{{"op", "add"}, {"path", "/consumer/roles"}, {"value", {{"client", caller_role}}}},
                                     {{"op", "add"}, {"path", api + "/callers"}, {"value", {"consumer/clent"}}}}),
                 "/services/food/apis/orders/callers/0", "no IAM role named 'clent' in 'consumer'", "did you mean 'client'?");
    // A service's own role is no consumer principal.
    expect_error(with_authorization({{{"op", "add"}, {"path", api + "/callers"}, {"value", {"lambda"}}}}),
                 "/services/food/apis/orders/callers/0",
                 "caller 'food/lambda' is not a role of the consumer ('consumer/<role>'): callers are the consumer's principals that call the API");
}
}  // namespace load_test
