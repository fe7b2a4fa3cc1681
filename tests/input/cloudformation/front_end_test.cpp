// The CloudFormation front end: YAML short forms and positions, evaluation, bad input (exit 2
// with file:line:col), the SAM transform against what SAM documents, the fixtures' verdicts, and
// the rule for resource types xc does not model.
#include <xc/input/cloudformation/load.hpp>
#include <xc/verify/verify.hpp>

#include <test_support.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace front_end_test {

namespace {

using nlohmann::json;
using xc::verify::Verdict;
namespace cfn = xc::input::cloudformation;

std::filesystem::path fixtures() { return xc::test::source_dir() / "tests/input/cloudformation/fixtures"; }

cfn::StackInput stack(std::string name, std::string file, std::string account, bool consumer = false,
                      std::map<std::string, std::string> parameters = {}) {
    return cfn::StackInput{std::move(name), std::move(file), std::move(account), "eu-central-1", std::move(parameters), consumer};
}

// The consumer fixture and one service template (text), loaded together.
cfn::Loaded load_with_consumer(const std::string& service_text, std::map<std::string, std::string> parameters = {},
                               const std::string& file = "service.yaml") {
    std::vector<std::shared_ptr<const cfn::TemplateSource>> sources{
        std::make_shared<const cfn::TemplateSource>(cfn::load_template_file((fixtures() / "consumer.yaml").string())),
        std::make_shared<const cfn::TemplateSource>(cfn::parse_template(service_text, file))};
    parameters.emplace("EndpointId", "{{xc:output:consumer/EndpointId}}");
    return cfn::load_stacks({stack("consumer", "consumer.yaml", "111111111111", true), stack("service", file, "222222222222", false, parameters)},
                            sources);
}

// The first diagnostic of loading the service text (with the consumer), or "" when it loads.
std::string error_of(const std::string& service_text, std::map<std::string, std::string> parameters = {}) {
    try {
        load_with_consumer(service_text, std::move(parameters));
    } catch (const xc::InputError& e) {
        return xc::to_string(e.diagnostics().front());
    }
    return "";
}

Verdict verdict(const xc::verify::Report& r, const std::string& property, const std::string& subject) {
    std::optional<Verdict> v;
    for (const auto& f : r.findings)
        if (f.property == property && f.subject == subject && (!v || f.verdict == Verdict::violated)) v = f.verdict;
    if (!v) ADD_FAILURE() << "no finding for " << property << " " << subject;
    return v.value_or(Verdict::undecided);
}

xc::verify::Report verify_fixture(const std::string& file, std::map<std::string, std::string> parameters = {}) {
    auto loaded = load_with_consumer(xc::test::read_file(fixtures() / file), std::move(parameters), file);
    return xc::verify::verify(xc::model::build_graph(std::move(loaded.model)));
}

// --- reading ----------------------------------------------------------------------------------

TEST(CloudFormationTemplate, YamlShortFormsBecomeTheLongFormWithPositions) {
    auto t = cfn::parse_template("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      Name: !Sub '${AWS::StackName}-x'\n"
                                 "      Arn: !GetAtt B.Outputs.Value\n      Pick: !Select [1, !Split [',', 'a,b']]\n      Flag: true\n      Text: 'true'\n",
                                 "t.yaml");
    const json& p = t.root()["Resources"]["A"]["Properties"];
    EXPECT_EQ(p["Name"], json({{"Fn::Sub", "${AWS::StackName}-x"}}));
    EXPECT_EQ(p["Arn"], json({{"Fn::GetAtt", {"B", "Outputs.Value"}}}));
    EXPECT_EQ(p["Pick"]["Fn::Select"][1], json({{"Fn::Split", {",", "a,b"}}}));
    EXPECT_EQ(p["Flag"], json(true));
    EXPECT_EQ(p["Text"], json("true"));  // quoted: a string
    EXPECT_EQ(t.position("/Resources/A/Properties/Arn").line, 6u);
    EXPECT_EQ(t.position("/Resources/A/Properties/Arn").column, 7u);
}

TEST(CloudFormationTemplate, EveryShortFormTheIssueListsIsRead) {
    for (const char* tag : {"Ref", "Sub", "GetAtt", "If", "Join", "Split", "Select", "Equals", "Not", "And", "Or", "FindInMap", "ImportValue",
                            "Base64", "GetAZs", "Cidr", "Condition"}) {
        auto t = cfn::parse_template(std::string("X: !") + tag + " a.b\n", "t.yaml");
        const std::string name = std::string(tag) == "Ref" || std::string(tag) == "Condition" ? tag : std::string("Fn::") + tag;
        EXPECT_TRUE(t.root()["X"].contains(name)) << tag << ": " << t.root().dump();
    }
}

TEST(CloudFormationTemplate, BadInputIsLocated) {
    auto message = [](const std::string& text) {
        try {
            cfn::parse_template(text, "bad.yaml");
        } catch (const xc::InputError& e) {
            return xc::to_string(e.diagnostics().front());
        }
        return std::string();
    };
    EXPECT_NE(message("Resources:\n  A: [1, 2\n").find("bad.yaml:"), std::string::npos);
    EXPECT_NE(message("Resources:\n  A: !Foo x\n").find("bad.yaml:2:6"), std::string::npos);
    EXPECT_NE(message("Resources:\n  A: !Foo x\n").find("unknown tag !Foo"), std::string::npos);
    EXPECT_NE(message("A: 1\nA: 2\n").find("duplicate key 'A'"), std::string::npos);
    EXPECT_NE(message("X: \"\xEE\x80\x80\"\n").find("U+E000"), std::string::npos);
    EXPECT_NE(message("X: a\xff\n").find("bad.yaml:1:4: error: at /X: text that is not UTF-8"), std::string::npos);
}

// --- evaluation ---------------------------------------------------------------------------------

const char* minimal_api = R"(Parameters:
  EndpointId: {Type: String}
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: api
      EndpointConfiguration: {Types: [PRIVATE], VpcEndpointIds: [!Ref EndpointId]}
      Policy:
        Statement:
          - {Effect: Allow, Principal: "*", Action: execute-api:Invoke, Resource: "execute-api:/*", Condition: {StringEquals: {aws:SourceVpce: !Ref EndpointId}}}
)";

TEST(CloudFormationEvaluation, BadTemplatesAreExit2WithFileLineColumnAndPath) {
    // A dangling Ref.
    EXPECT_NE(error_of(std::string(minimal_api) + "      Description: !Ref Nothing\n").find("service.yaml:12:"), std::string::npos);
    EXPECT_NE(error_of(std::string(minimal_api) + "      Description: !Ref Nothing\n").find("Ref to 'Nothing'"), std::string::npos);
    // Circular conditions.
    EXPECT_NE(error_of(std::string("Conditions:\n  A: !Condition B\n  B: !Condition A\n") + minimal_api + "    Condition: A\n").find("depends on itself"),
              std::string::npos);
    // A parameter without a value or default.
    const std::string missing = std::string("Parameters:\n  Extra: {Type: String}\n") + (minimal_api + std::string(minimal_api).find("  EndpointId"));
    EXPECT_NE(error_of(missing).find("parameter 'Extra' of stack 'service' has no Default and no value"), std::string::npos);
    EXPECT_NE(error_of(missing).find("service.yaml:2:3"), std::string::npos);
    // A value outside AllowedValues, an unknown function, an unknown Transform, an unknown override.
    EXPECT_NE(error_of(std::string("Parameters:\n  Mode: {Type: String, AllowedValues: [a, b]}\n") + (minimal_api + std::string(minimal_api).find("  EndpointId")),
                       {{"Mode", "c"}})
                  .find("not one of its AllowedValues"),
              std::string::npos);
    EXPECT_NE(error_of(std::string(minimal_api) + "      Description: {\"Fn::Nope\": 1}\n").find("unknown intrinsic function 'Fn::Nope'"), std::string::npos);
    EXPECT_NE(error_of(std::string("Transform: AWS::Include\n") + minimal_api).find("unknown Transform 'AWS::Include'"), std::string::npos);
    EXPECT_NE(error_of(minimal_api, {{"Typo", "x"}}).find("does not declare"), std::string::npos);
}

TEST(CloudFormationEvaluation, MappingsConditionsAndFunctions) {
    const std::string text = std::string(R"(Mappings:
  Stages: {eu-central-1: {Name: v1}}
Conditions:
  IsEu: !Equals [!Ref "AWS::Region", eu-central-1]
  Never: !Not [!Condition IsEu]
)") + minimal_api + R"(  Stage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref Deployment
      StageName: !If [IsEu, !FindInMap [Stages, !Ref "AWS::Region", Name], never]
      Description: !Join ["-", [!Select [1, !Split [",", "a,b,c"]], !Base64 "hi", !Ref "AWS::NoValue"]]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Api}
  Unused:
    Type: AWS::SNS::Topic
    Condition: Never
)";
    auto loaded = load_with_consumer(text);
    EXPECT_EQ(loaded.model.services.at("service").apis.at("Api").stage, "v1");
}

TEST(CloudFormationEvaluation, AnExportIsImportedInItsAccountAndRegionOnly) {
    const std::string exporter = "Resources:\n  T: {Type: AWS::SNS::Topic}\nOutputs:\n  Id: {Value: vpce-from-export, Export: {Name: shared-id}}\n";
    const std::string importer = std::string(minimal_api) + "      Description: !ImportValue shared-id\n";
    auto sources = [&](const std::string& second) {
        return std::vector<std::shared_ptr<const cfn::TemplateSource>>{
            std::make_shared<const cfn::TemplateSource>(cfn::load_template_file((fixtures() / "consumer.yaml").string())),
            std::make_shared<const cfn::TemplateSource>(cfn::parse_template(exporter, "exporter.yaml")),
            std::make_shared<const cfn::TemplateSource>(cfn::parse_template(second, "service.yaml"))};
    };
    auto eval = [&](const std::string& exporter_account) {
        return cfn::evaluate({stack("consumer", "c", "111111111111", true), stack("exporter", "e", exporter_account),
                              stack("service", "s", "222222222222", false, {{"EndpointId", "vpce-1"}})},
                             sources(importer), [](const cfn::TemplateSource& t) { return cfn::expand(t); });
    };
    auto same = eval("222222222222");
    EXPECT_EQ(same.stack("service")->resources.at("Api").properties["Description"], "vpce-from-export");
    auto other = eval("333333333333");
    const std::string text = other.stack("service")->resources.at("Api").properties["Description"].get<std::string>();
    ASSERT_TRUE(cfn::only_symbol(text));
    EXPECT_NE(other.symbols[*cfn::only_symbol(text)].reason.find("no given stack in account 222222222222"), std::string::npos);
}

// --- SAM ----------------------------------------------------------------------------------------

// The policy SAM generates for IntrinsicVpceWhitelist, per method of the API's events: an Allow
// for everyone and a Deny with StringNotEquals aws:SourceVpce on the same resources
// (sam-property-api-resourcepolicystatement.html; samtranslator's add_resource_policy).
TEST(SamTransform, IntrinsicVpceWhitelistGeneratesAllowAndDenyStringNotEquals) {
    auto t = cfn::load_template_file((fixtures() / "sam-vpce-whitelist.yaml").string());
    auto e = cfn::expand(t);
    const json& api = e.document["Resources"]["OrdersApi"];
    EXPECT_EQ(api["Type"], "AWS::ApiGateway::RestApi");
    const json expected = json::parse(R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": ["execute-api:/v1/GET/orders"], "Principal": "*"},
        {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": ["execute-api:/v1/GET/orders"], "Principal": "*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": [{"Ref": "EndpointId"}]}}}]})");
    EXPECT_EQ(api["Properties"]["Body"]["x-amazon-apigateway-policy"], expected);
    EXPECT_EQ(api["Properties"]["EndpointConfiguration"], json::parse(R"({"Types": ["PRIVATE"], "VpcEndpointIds": [{"Ref": "EndpointId"}]})"));
    EXPECT_EQ(e.document["Resources"]["GetOrdersListPermissionProd"]["Type"], "AWS::Lambda::Permission");
    EXPECT_EQ(e.document["Resources"]["GetOrdersRole"]["Type"], "AWS::IAM::Role");
    EXPECT_EQ(e.document["Resources"]["Orders"]["Properties"]["KeySchema"], json::parse(R"([{"AttributeName": "orderId", "KeyType": "HASH"}])"));
    EXPECT_EQ(e.pointer.at("GetOrdersRole"), "/Resources/GetOrders");  // findings on generated resources point at their SAM resource
}

TEST(SamTransform, EveryListOfTheResourcePolicyBecomesItsStatements) {
    auto e = cfn::expand(cfn::parse_template(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: s
      Auth:
        ResourcePolicy:
          AwsAccountWhitelist: ["111111111111"]
          AwsAccountBlacklist: ["999999999999"]
          IpRangeBlacklist: [10.0.0.0/8]
          SourceVpcWhitelist: [vpc-1, vpce-2]
          IntrinsicVpcBlacklist: [vpc-3]
  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: h
      Runtime: provided.al2023
      Events: {E: {Type: Api, Properties: {RestApiId: !Ref Api, Path: "/a/{id}", Method: any}}}
)", "t.yaml"));
    const json& statements = e.document["Resources"]["Api"]["Properties"]["Body"]["x-amazon-apigateway-policy"]["Statement"];
    const json resources = json::array({"execute-api:/s/*/a/*"});
    ASSERT_EQ(statements.size(), 6u) << statements.dump(1);
    EXPECT_EQ(statements[0], json({{"Effect", "Allow"}, {"Action", "execute-api:Invoke"}, {"Resource", resources}, {"Principal", {{"AWS", {"111111111111"}}}}}));
    EXPECT_EQ(statements[1]["Effect"], "Deny");
    EXPECT_EQ(statements[1]["Principal"], json({{"AWS", {"999999999999"}}}));
    EXPECT_EQ(statements[2], json({{"Effect", "Allow"}, {"Action", "execute-api:Invoke"}, {"Resource", resources}, {"Principal", "*"}}));
    EXPECT_EQ(statements[3]["Condition"], json({{"IpAddress", {{"aws:SourceIp", {"10.0.0.0/8"}}}}}));
    EXPECT_EQ(statements[4]["Condition"], json({{"StringEquals", {{"aws:SourceVpc", {"vpc-3"}}}}}));
    EXPECT_EQ(statements[5]["Condition"], json({{"StringNotEquals", {{"aws:SourceVpc", {"vpc-1"}}, {"aws:SourceVpce", {"vpce-2"}}}}}));
}

// What SAM generates that xc cannot know (HTTP APIs, policy templates, authorizers) is an error
// located where it was written — the resource's own Properties or the Globals it took them from —
// naming the logical id (in the pointer, or in the message for Globals).
TEST(SamTransform, UnsupportedSamIsALocatedError) {
    auto message = [](const std::string& text) {
        try {
            cfn::expand(cfn::parse_template(text, "t.yaml"));
        } catch (const xc::InputError& e) {
            return xc::to_string(e.diagnostics().front());
        }
        return std::string();
    };
    const std::string sam = "Transform: AWS::Serverless-2016-10-31\n";
    const std::string function = "  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: h\n";
    const std::string api = "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n";
    const std::vector<std::pair<std::string, std::string>> cases{
        {sam + "Resources:\n  Http:\n    Type: AWS::Serverless::HttpApi\n",
         "t.yaml:4:5: error: at /Resources/Http/Type: SAM resource type 'AWS::Serverless::HttpApi' is not supported by xc"},
        {sam + "Resources:\n" + function + "      Policies:\n        - DynamoDBCrudPolicy: {TableName: t}\n",
         "t.yaml:8:11: error: at /Resources/F/Properties/Policies/0: SAM policy templates are not supported"},
        {sam + "Globals:\n  Function:\n    Policies:\n      - SQSPollerPolicy: {QueueName: q}\nResources:\n" + function,
         "t.yaml:5:9: error: at /Globals/Function/Policies/0: resource F (from Globals): SAM policy templates are not supported"},
        {sam + "Resources:\n" + api + "      Auth:\n        Authorizers: {Pool: {UserPoolArn: arn}}\n",
         "t.yaml:8:9: error: at /Resources/Api/Properties/Auth/Authorizers: Auth.Authorizers is not supported"},
        {sam + "Globals:\n  Api:\n    Auth:\n      DefaultAuthorizer: MyCognito\nResources:\n" + api,
         "t.yaml:5:7: error: at /Globals/Api/Auth/DefaultAuthorizer: resource Api (from Globals): Auth.DefaultAuthorizer is not supported"},
        {sam + "Resources:\n" + function + "      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n"
                                        "            Auth: {Authorizer: MyLambdaAuthorizer}\n",
         "t.yaml:13:20: error: at /Resources/F/Properties/Events/Get/Properties/Auth/Authorizer: an Api event's Auth.Authorizer is not supported"},
        {sam + "Resources:\n" + function + "      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n"
                                        "            Auth: {ApiKeyRequired: true}\n",
         "t.yaml:13:20: error: at /Resources/F/Properties/Events/Get/Properties/Auth/ApiKeyRequired: an Api event's Auth.ApiKeyRequired is not supported"},
        {sam + "Resources:\n" + function + "      Events:\n        Get:\n          Type: HttpApi\n",
         "t.yaml:9:11: error: at /Resources/F/Properties/Events/Get/Type: event type 'HttpApi' is not supported"},
    };
    for (const auto& [text, expected] : cases) {
        const std::string got = message(text);
        EXPECT_EQ(got.substr(0, expected.size()), expected) << text;
    }
    EXPECT_NE(message("Resources:\n  X: {Type: AWS::Serverless::Function}\n").find("needs \"Transform"), std::string::npos);
}

// The fixtures' verdicts (README "Verify CloudFormation and SAM").
TEST(CloudFormationFixtures, Verdicts) {
    EXPECT_EQ(verdict(verify_fixture("sam-vpce-whitelist.yaml"), "api-endpoint-only", "service/rest-api/OrdersApi"), Verdict::proved);
    EXPECT_EQ(verdict(verify_fixture("sam-vpce-whitelist.yaml"), "api-liveness", "service/rest-api/OrdersApi"), Verdict::proved);
    EXPECT_EQ(verdict(verify_fixture("sam-custom-if-deny.yaml", {{"PinToEndpoint", "true"}}), "api-endpoint-only", "service/rest-api/OrdersApi"),
              Verdict::proved);
    EXPECT_EQ(verdict(verify_fixture("sam-custom-if-deny.yaml", {{"PinToEndpoint", "false"}}), "api-endpoint-only", "service/rest-api/OrdersApi"),
              Verdict::violated);
    EXPECT_EQ(verdict(verify_fixture("cfn-openapi-policy.json"), "api-endpoint-only", "service/rest-api/Api"), Verdict::proved);
    EXPECT_EQ(verdict(verify_fixture("cfn-openapi-policy.json"), "lambda-invoke", "service/lambda/GetItem"), Verdict::proved);
}

TEST(CloudFormationFixtures, FindingsPointAtTheTemplate) {
    auto loaded = load_with_consumer(xc::test::read_file(fixtures() / "sam-custom-if-deny.yaml"), {{"PinToEndpoint", "false"}}, "sam-custom-if-deny.yaml");
    auto at = loaded.model.locate("/services/service/apis/OrdersApi/policy");
    EXPECT_EQ(at.file, "sam-custom-if-deny.yaml");
    EXPECT_EQ(at.path, "/Resources/OrdersApi/Properties/Body/x-amazon-apigateway-policy");
    EXPECT_EQ(at.position.line, 20u);  // the SAM resource (the policy is generated)
}

// --- REST APIs from AWS::ApiGateway::Resource and ::Method -------------------------------------

// `text` with its first `from` replaced by `to` (the replaced text must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

// What a report says, finding by finding: property, subject, verdict.
std::multiset<std::tuple<std::string, std::string, Verdict>> verdicts(const xc::verify::Report& r) {
    std::multiset<std::tuple<std::string, std::string, Verdict>> out;
    for (const auto& f : r.findings) out.emplace(f.property, f.subject, f.verdict);
    return out;
}
xc::verify::Report verify_text(const std::string& text, const std::string& file) {
    return xc::verify::verify(xc::model::build_graph(load_with_consumer(text, {}, file).model));
}

const std::string methods_file = "cfn-methods.yaml";
const std::string body_file = "cfn-openapi-policy.json";

// SAM's IAM authorization: Auth.DefaultAuthorizer AWS_IAM is every event method's, an event's
// Auth.Authorizer NONE overrides it; SAM writes the security scheme AWS_IAM (awsSigv4) into the
// body, which the front end reads as any body. InvokeRole NONE keeps the integration without
// credentials; SAM's default (CALLER_CREDENTIALS: the caller's) is Unresolved on the route. With a
// DefinitionBody, which operations SAM gives the default is not read: an error.
TEST(SamTransform, DefaultAuthorizerAwsIamAndAnEventsOverride) {
    const std::string fixture = xc::test::read_file(fixtures() / "sam-vpce-whitelist.yaml");
    const std::string second_event = "            Method: get\n        One:\n          Type: Api\n          Properties:\n            RestApiId: !Ref OrdersApi\n"
                                     "            Path: /orders/{orderId}\n            Method: get\n            Auth: {Authorizer: NONE}\n";
    auto text = [&](const std::string& auth) {
        return replaced(replaced(fixture, "      Auth:\n        ResourcePolicy:", "      Auth:\n" + auth + "        ResourcePolicy:"), "            Method: get\n", second_event);
    };
    {
        auto loaded = load_with_consumer(text("        DefaultAuthorizer: AWS_IAM\n        InvokeRole: NONE\n"), {}, "sam.yaml");
        const auto& api = loaded.model.services.at("service").apis.at("OrdersApi");
        ASSERT_EQ(api.routes.size(), 2u);
        EXPECT_EQ(api.routes.at("GET /orders").authorization, xc::model::Authorization::aws_iam);
        EXPECT_EQ(api.authorization_of(api.routes.at("GET /orders/{orderId}")), xc::model::Authorization::none);
        for (const auto& u : loaded.model.unresolved) EXPECT_EQ(u.resource.find("/apis/"), std::string::npos) << u.origin << ": " << u.reason;
    }
    {
        auto loaded = load_with_consumer(text("        DefaultAuthorizer: AWS_IAM\n"), {}, "sam.yaml");
        bool found = false;
        for (const auto& u : loaded.model.unresolved)
            found |= u.resource == "/services/service/apis/OrdersApi" && u.origin.find("GET /orders credentials") != std::string::npos;
        EXPECT_TRUE(found);
        EXPECT_EQ(loaded.model.services.at("service").apis.at("OrdersApi").routes.at("GET /orders").authorization, xc::model::Authorization::aws_iam);
    }
    {
        const std::string with_body = replaced(text("        DefaultAuthorizer: AWS_IAM\n"), "      StageName: v1\n", "      StageName: v1\n      DefinitionBody: {swagger: \"2.0\", paths: {}}\n");
        EXPECT_THROW(load_with_consumer(with_body, {}, "sam.yaml"), xc::InputError);
    }
}

// The same API written with Resource/Method resources and with an OpenAPI body: the same routes
// (method, path, integrated function) and the same verdicts, check by check.
TEST(CloudFormationMethods, ResourcesAndMethodsMapAsTheBodysPaths) {
    auto methods = load_with_consumer(xc::test::read_file(fixtures() / methods_file), {}, methods_file);
    auto body = load_with_consumer(xc::test::read_file(fixtures() / body_file), {}, body_file);
    const auto& m = methods.model.services.at("service").apis.at("Api");
    const auto& b = body.model.services.at("service").apis.at("Api");
    ASSERT_EQ(m.routes.size(), 1u);
    ASSERT_EQ(b.routes.size(), 1u);
    const auto& route = m.routes.begin()->second;
    EXPECT_EQ(route.key, "GET /items/{itemId}");
    EXPECT_EQ(route.key, b.routes.begin()->second.key);
    EXPECT_EQ(route.resource_path, b.routes.begin()->second.resource_path);
    EXPECT_EQ(route.lambda, b.routes.begin()->second.lambda);
    EXPECT_EQ(route.lambda.name, "GetItem");
    EXPECT_EQ(methods.model.unresolved.size(), body.model.unresolved.size());
    auto at = methods.model.locate(route.path);
    EXPECT_EQ(at.file, methods_file);
    EXPECT_EQ(at.path, "/Resources/GetItemMethod");
    const auto mv = verdicts(xc::verify::verify(xc::model::build_graph(std::move(methods.model))));
    EXPECT_EQ(mv, verdicts(xc::verify::verify(xc::model::build_graph(std::move(body.model)))));
    EXPECT_TRUE(mv.contains({"api-endpoint-only", "service/rest-api/Api", Verdict::proved}));
    EXPECT_TRUE(mv.contains({"lambda-invoke", "service/lambda/GetItem", Verdict::proved}));
}

// A method on the root resource is "/"; query parameters are the route's, required or not; a
// deployment waits for the method when its DependsOn list names it.
TEST(CloudFormationMethods, RootResourceAndQueryParameters) {
    const std::string text = replaced(replaced(replaced(xc::test::read_file(fixtures() / methods_file), "ResourceId: !Ref Item", "ResourceId: !GetAtt Api.RootResourceId"),
                                               "DependsOn: GetItemMethod", "DependsOn: [Items, GetItemMethod]"),
                                      "      AuthorizationType: NONE\n",
                                      "      AuthorizationType: NONE\n      RequestParameters: {method.request.querystring.limit: true, "
                                      "method.request.querystring.page: false, method.request.header.x-trace: true}\n");
    auto loaded = load_with_consumer(text, {}, methods_file);
    const auto& routes = loaded.model.services.at("service").apis.at("Api").routes;
    ASSERT_TRUE(routes.contains("GET /"));
    const auto& query = routes.at("GET /").query;
    ASSERT_EQ(query.size(), 2u);
    EXPECT_TRUE(query.at("limit").required);
    EXPECT_FALSE(query.at("page").required);
    for (const auto& u : loaded.model.unresolved) EXPECT_EQ(u.origin.find("(deployment)"), std::string::npos) << u.origin;
}

// AuthorizationType NONE or AWS_IAM is the route's, as a body's x-amazon-apigateway-auth says it
// (the same verdicts); any other (or none stated), an API key, or integration credentials are
// Unresolved on the route, naming it, and the verdicts are those of the body whose operation names
// an authorizer (x-amazon-apigateway-auth CUSTOM).
TEST(CloudFormationMethods, AuthorizationNoneOrAwsIamIsTheRoutesAnyOtherIsUndecidedAndNamed) {
    const std::string fixture = xc::test::read_file(fixtures() / methods_file);
    const std::string body = xc::test::read_file(fixtures() / body_file);
    auto body_auth = [&](const std::string& type) {
        return replaced(body, "\"get\": {", "\"get\": {\"x-amazon-apigateway-auth\": {\"type\": \"" + type + "\"},");
    };
    auto body_iam = load_with_consumer(body_auth("AWS_IAM"), {}, body_file);
    auto methods_iam = load_with_consumer(replaced(fixture, "      AuthorizationType: NONE\n", "      AuthorizationType: AWS_IAM\n"), {}, methods_file);
    for (const auto* loaded : {&body_iam, &methods_iam}) {
        const auto& routes = loaded->model.services.at("service").apis.at("Api").routes;
        ASSERT_TRUE(routes.contains("GET /items/{itemId}"));
        EXPECT_EQ(routes.at("GET /items/{itemId}").authorization, xc::model::Authorization::aws_iam);
        for (const auto& u : loaded->model.unresolved) EXPECT_EQ(u.resource.find("/apis/"), std::string::npos) << u.origin << ": " << u.reason;
    }
    EXPECT_EQ(verdicts(xc::verify::verify(xc::model::build_graph(std::move(methods_iam.model)))),
              verdicts(xc::verify::verify(xc::model::build_graph(std::move(body_iam.model)))));

    const auto body_custom = verdicts(verify_text(body_auth("CUSTOM"), body_file));
    EXPECT_TRUE(body_custom.contains({"api-endpoint-only", "service/rest-api/Api", Verdict::undecided}));
    const std::vector<std::pair<std::string, std::string>> settings{
        {"      AuthorizationType: CUSTOM\n", "AuthorizationType CUSTOM"},
        {"      AuthorizationType: COGNITO_USER_POOLS\n", "AuthorizationType COGNITO_USER_POOLS"},
        {"", "AuthorizationType (not stated)"},
        {"      AuthorizationType: NONE\n      ApiKeyRequired: true\n", "ApiKeyRequired"},
    };
    for (const auto& [setting, named] : settings) {
        auto loaded = load_with_consumer(replaced(fixture, "      AuthorizationType: NONE\n", setting), {}, methods_file);
        bool found = false;
        for (const auto& u : loaded.model.unresolved)
            found |= u.resource == "/services/service/apis/Api" && u.origin == "[service] GetItemMethod GET /items/{itemId} " + named;
        EXPECT_TRUE(found) << setting;
        EXPECT_EQ(verdicts(xc::verify::verify(xc::model::build_graph(std::move(loaded.model)))), body_custom) << setting;
    }
}

// What xc cannot follow is Unresolved on the API it affects: a resource path known only at
// deployment, an integration that is not a Lambda proxy, a stage's deployment that does not wait
// for the method, a body next to Method resources, a
// method another stack adds. A method on an API no given stack creates is Unresolved on what it
// references (the function it integrates).
TEST(CloudFormationMethods, WhatCannotBeFollowedIsUnresolvedOnTheApi) {
    const std::string fixture = xc::test::read_file(fixtures() / methods_file);
    auto unresolved_on = [](const xc::model::Model& m, const std::string& resource, const std::string& origin) {
        for (const auto& u : m.unresolved)
            if (u.resource == resource && u.origin.find(origin) != std::string::npos) return true;
        return false;
    };
    struct Case {
        std::string from, to, resource, origin;
        std::string property, subject;
    };
    const std::vector<Case> cases{
        {"PathPart: \"{itemId}\"", "PathPart: !Ref EndpointId", "/services/service/apis/Api", "GetItemMethod.ResourceId", "api-endpoint-only", "service/rest-api/Api"},
        {"Type: AWS_PROXY", "Type: AWS", "/services/service/apis/Api", "GetItemMethod GET /items/{itemId}", "api-endpoint-only", "service/rest-api/Api"},
        {"      Integration:\n", "      Integration: none\n      Other:\n", "/services/service/apis/Api", "GetItemMethod GET /items/{itemId}", "api-endpoint-only",
         "service/rest-api/Api"},
        {"    DependsOn: GetItemMethod\n", "", "/services/service/apis/Api", "GetItemMethod GET /items/{itemId} (deployment)", "api-liveness",
         "service/rest-api/Api"},
        {"      Policy:\n", "      Body: {swagger: \"2.0\", info: {title: t, version: \"1\"}, paths: {}}\n      Policy:\n", "/services/service/apis/Api",
         "GetItemMethod (AWS::ApiGateway::Method) and Api.Body", "api-endpoint-only", "service/rest-api/Api"},
        {"RestApiId: !Ref Api\n      ResourceId", "RestApiId: !ImportValue shared-api\n      ResourceId", "/services/service/lambdas/GetItem",
         "GetItemMethod (AWS::ApiGateway::Method, not modelled)", "lambda-invoke", "service/lambda/GetItem"},
    };
    for (const auto& c : cases) {
        auto loaded = load_with_consumer(replaced(fixture, c.from, c.to), {}, methods_file);
        EXPECT_TRUE(unresolved_on(loaded.model, c.resource, c.origin)) << c.to;
        EXPECT_EQ(verdict(xc::verify::verify(xc::model::build_graph(std::move(loaded.model))), c.property, c.subject), Verdict::undecided) << c.to;
    }
    // A body operation without an integration is Unresolved, not a crash.
    auto bare = load_with_consumer(replaced(xc::test::read_file(fixtures() / body_file), "\"x-amazon-apigateway-integration\"", "\"x-other\""), {}, body_file);
    EXPECT_EQ(verdict(xc::verify::verify(xc::model::build_graph(std::move(bare.model))), "api-endpoint-only", "service/rest-api/Api"), Verdict::undecided);
    // A method a second stack (same account) adds to the first's API through an export.
    const std::string api_only = replaced(fixture.substr(0, fixture.find("  Items:")), "Parameters:", "Outputs:\n  ApiId: {Value: !Ref Api, Export: {Name: shared-api}}\nParameters:") +
                                 "  Deployment:\n    Type: AWS::ApiGateway::Deployment\n    Properties: {RestApiId: !Ref Api}\n"
                                 "  Stage:\n    Type: AWS::ApiGateway::Stage\n    Properties: {RestApiId: !Ref Api, DeploymentId: !Ref Deployment, StageName: prod}\n";
    const std::string routes = "Resources:\n  Method:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !ImportValue shared-api\n"
                               "      ResourceId: root\n      HttpMethod: GET\n      AuthorizationType: NONE\n      Integration: {Type: MOCK}\n";
    std::vector<std::shared_ptr<const cfn::TemplateSource>> sources{
        std::make_shared<const cfn::TemplateSource>(cfn::load_template_file((fixtures() / "consumer.yaml").string())),
        std::make_shared<const cfn::TemplateSource>(cfn::parse_template(api_only, "service.yaml")),
        std::make_shared<const cfn::TemplateSource>(cfn::parse_template(routes, "routes.yaml"))};
    auto loaded = cfn::load_stacks({stack("consumer", "consumer.yaml", "111111111111", true),
                                    stack("service", "service.yaml", "222222222222", false, {{"EndpointId", "{{xc:output:consumer/EndpointId}}"}}),
                                    stack("routes", "routes.yaml", "222222222222")},
                                   sources);
    EXPECT_TRUE(unresolved_on(loaded.model, "/services/service/apis/Api", "[routes] Method (AWS::ApiGateway::Method)"));
    EXPECT_EQ(verdict(xc::verify::verify(xc::model::build_graph(std::move(loaded.model))), "api-endpoint-only", "service/rest-api/Api"), Verdict::undecided);
}

// Bad methods and resources are located errors (file:line:col, the logical id, what was expected).
TEST(CloudFormationMethods, BadMethodsAndResourcesAreLocated) {
    const std::string fixture = xc::test::read_file(fixtures() / methods_file);
    auto error = [&](const std::string& from, const std::string& to) {
        try {
            load_with_consumer(replaced(fixture, from, to), {}, methods_file);
        } catch (const xc::InputError& e) {
            return xc::to_string(e.diagnostics().front());
        }
        return std::string();
    };
    const std::string verb = error("HttpMethod: GET", "HttpMethod: FETCH");
    EXPECT_NE(verb.find("cfn-methods.yaml:32:7"), std::string::npos) << verb;
    EXPECT_NE(verb.find("GetItemMethod"), std::string::npos) << verb;
    EXPECT_NE(verb.find("'FETCH' is not an HTTP method"), std::string::npos) << verb;
    const std::string loop = error("ParentId: !GetAtt Api.RootResourceId", "ParentId: !Ref Item");
    EXPECT_NE(loop.find("cfn-methods.yaml:26:"), std::string::npos) << loop;
    EXPECT_NE(loop.find("Item (AWS::ApiGateway::Resource): its ParentId chain leads back to itself"), std::string::npos) << loop;
    const std::string part = error("PathPart: items", "PathPart: items/all");
    EXPECT_NE(part.find("cfn-methods.yaml:23:"), std::string::npos) << part;
    EXPECT_NE(part.find("PathPart must be one path segment"), std::string::npos) << part;
    const std::string twice = error("  Deployment:\n", "  Again:\n    Type: AWS::ApiGateway::Method\n    Properties: {RestApiId: !Ref Api, ResourceId: !Ref Item, HttpMethod: get, "
                                                     "AuthorizationType: NONE, Integration: {Type: MOCK}}\n  Deployment:\n");
    EXPECT_NE(twice.find("already has the method GET /items/{itemId}"), std::string::npos) << twice;
    EXPECT_NE(twice.find("cfn-methods.yaml:"), std::string::npos) << twice;
}

// --- certificates given by ARN ------------------------------------------------------------------

// The names an existing ACM certificate covers are in no template value: without a statement they
// are Unresolved (dns-tls UNDECIDED); Metadata.xc.CertificateNames states them, for a parameter
// holding the ARN or for the ARN itself, and dns-tls then decides on them.
std::string with_domain(const std::string& metadata, const std::string& certificate = "!Ref ApiCertificateArn") {
    const std::string fixture = xc::test::read_file(fixtures() / methods_file);
    return metadata + replaced(fixture, "Parameters:\n", "Parameters:\n  ApiCertificateArn: {Type: String, Default: \"arn:aws:acm:eu-central-1:222222222222:certificate/api\"}\n") +
           "  Domain:\n    Type: AWS::ApiGateway::DomainName\n    Properties:\n      DomainName: api.example.com\n"
           "      EndpointConfiguration: {Types: [REGIONAL]}\n      RegionalCertificateArn: " + certificate + "\n"
           "  Mapping:\n    Type: AWS::ApiGateway::BasePathMapping\n    Properties: {DomainName: !Ref Domain, RestApiId: !Ref Api, Stage: prod}\n";
}

TEST(CloudFormationCertificates, NamesStatedInMetadataDecideDnsTls) {
    // dns-tls of the API: its verdict and what its findings say.
    auto dns_tls = [](const std::string& text) {
        auto loaded = load_with_consumer(text, {}, methods_file);
        auto report = xc::verify::verify(xc::model::build_graph(std::move(loaded.model)));
        std::string messages;
        for (const auto& f : report.findings)
            if (f.property == "dns-tls" && f.subject == "service/rest-api/Api") messages += f.message + "\n";
        return std::make_pair(verdict(report, "dns-tls", "service/rest-api/Api"), messages);
    };
    const std::string does_not_cover = "the custom domain's certificate (other.example.com) does not cover api.example.com";
    auto [unstated, unstated_says] = dns_tls(with_domain(""));
    EXPECT_EQ(unstated, Verdict::undecided);
    auto [other, other_says] = dns_tls(with_domain("Metadata:\n  xc:\n    CertificateNames:\n      ApiCertificateArn: [other.example.com]\n"));
    EXPECT_EQ(other, Verdict::violated);
    EXPECT_NE(other_says.find(does_not_cover), std::string::npos) << other_says;
    // Covering names (a wildcard among them): the certificate is no longer what fails; this API
    // has no alias record in the consumer's zone, which dns-tls then reports.
    auto [covered, covered_says] =
        dns_tls(with_domain("Metadata:\n  xc:\n    CertificateNames:\n      ApiCertificateArn: [www.example.com, \"*.example.com\"]\n"));
    EXPECT_EQ(covered, Verdict::violated);
    EXPECT_EQ(covered_says.find("does not cover"), std::string::npos) << covered_says;
    EXPECT_NE(covered_says.find("no alias record named api.example.com"), std::string::npos) << covered_says;
    // The ARN itself as the key, and the certificate as stated in the model.
    auto loaded = load_with_consumer(
        with_domain("Metadata:\n  xc:\n    CertificateNames:\n      \"arn:aws:acm:eu-central-1:222222222222:certificate/lit\": [api.example.com, www.example.com]\n",
                    "\"arn:aws:acm:eu-central-1:222222222222:certificate/lit\""),
        {}, methods_file);
    const auto& certificates = loaded.model.services.at("service").certificates;
    ASSERT_EQ(certificates.size(), 1u);
    const auto& c = certificates.begin()->second;
    EXPECT_EQ(c.arn, "arn:aws:acm:eu-central-1:222222222222:certificate/lit");
    EXPECT_EQ(c.domain, "api.example.com");
    EXPECT_EQ(c.alternative_names, std::vector<std::string>{"www.example.com"});
    for (const auto& u : loaded.model.unresolved) EXPECT_EQ(u.reason.find("names it covers"), std::string::npos) << u.origin;
    EXPECT_EQ(loaded.model.locate(c.path).path, "/Metadata/xc/CertificateNames/arn:aws:acm:eu-central-1:222222222222:certificate~1lit");
}

TEST(CloudFormationCertificates, BadStatedNamesAreLocated) {
    auto error = [](const std::string& text) {
        try {
            load_with_consumer(text, {}, methods_file);
        } catch (const xc::InputError& e) {
            return xc::to_string(e.diagnostics().front());
        }
        return std::string();
    };
    const std::string e1 = error(with_domain("Metadata:\n  xc:\n    CertificateNames:\n      EndpointId: [api.example.com]\n"));
    EXPECT_NE(e1.find("cfn-methods.yaml:4:7: error: at /Metadata/xc/CertificateNames/EndpointId: 'EndpointId' is neither an ACM certificate ARN nor a parameter"),
              std::string::npos)
        << e1;
    const std::string e2 = error(with_domain("Metadata:\n  xc:\n    CertificateNames:\n      ApiCertificateArn: []\n"));
    EXPECT_NE(e2.find("cfn-methods.yaml:4:7: error: at /Metadata/xc/CertificateNames/ApiCertificateArn: the names certificate 'ApiCertificateArn' covers"),
              std::string::npos)
        << e2;
    const std::string e3 = error(with_domain("Metadata:\n  xc:\n    CertificateNames: [api.example.com]\n"));
    EXPECT_NE(e3.find("cfn-methods.yaml:3:5: error: at /Metadata/xc/CertificateNames: CertificateNames maps"), std::string::npos) << e3;
}

// --- layering --------------------------------------------------------------------------------------

// Input front ends depend on the model, never on an output back end: the reader recognises xc's
// lookup function and names SAM deployments through the neutral headers (xc/detail/).
TEST(CloudFormationLayering, TheFrontEndIncludesNoEmitHeader) {
    std::size_t headers = 0;
    for (const auto& entry : std::filesystem::directory_iterator(xc::test::source_dir() / "include/xc/input/cloudformation")) {
        ++headers;
        const std::string text = xc::test::read_file(entry.path());
        EXPECT_EQ(text.find("#include <xc/emit/"), std::string::npos) << entry.path();
        EXPECT_EQ(text.find("emit::"), std::string::npos) << entry.path();
    }
    EXPECT_GE(headers, 6u);
}

// --- what is not modelled -------------------------------------------------------------------------

// A type xc does not model that references a modelled resource makes that resource's checks
// UNDECIDED; one that references nothing modelled is reported. For every such type alike.
TEST(CloudFormationUnmodelled, ReferencingTypesAreUnresolvedOthersReported) {
    for (const char* type : {"AWS::ApiGateway::GatewayResponse", "AWS::WAFv2::WebACLAssociation", "AWS::ApiGateway::Authorizer", "AWS::Lambda::Url",
                             "AWS::ApiGateway::UsagePlan"}) {
        const std::string text = std::string(minimal_api) + "  Extra:\n    Type: " + type + "\n    Properties: {Target: !Ref Api}\n  Lonely:\n    Type: " +
                                 type + "\n    Properties: {Target: somewhere}\n";
        auto loaded = load_with_consumer(text);
        bool on_api = false;
        for (const auto& u : loaded.model.unresolved) on_api |= u.resource == "/services/service/apis/Api" && u.origin.find("Extra") != std::string::npos;
        EXPECT_TRUE(on_api) << type;
        EXPECT_NE(std::find(loaded.not_modelled.begin(), loaded.not_modelled.end(), "service: Lonely (" + std::string(type) + ")"), loaded.not_modelled.end())
            << type;
        auto report = xc::verify::verify(xc::model::build_graph(std::move(loaded.model)));
        EXPECT_EQ(verdict(report, "api-endpoint-only", "service/rest-api/Api"), Verdict::undecided) << type;
    }
}

// Values known only at deployment that nothing links are UNDECIDED, never a pass.
// The API's default endpoint, which the consumer calls, disabled: UNDECIDED, not the default.
TEST(CloudFormationUnknowns, ADisabledDefaultEndpointLeavesTheApiUndecided) {
    const std::string api(minimal_api);
    const std::string at = "      Name: api\n";
    for (const std::string value : {"true", "\"true\""}) {
        SCOPED_TRACE(value);
        std::string text = api;
        text.replace(text.find(at), at.size(), at + "      DisableExecuteApiEndpoint: " + value + "\n");
        auto report = xc::verify::verify(xc::model::build_graph(std::move(load_with_consumer(text).model)));
        EXPECT_EQ(verdict(report, "api-liveness", "service/rest-api/Api"), Verdict::undecided);
    }
    std::string text = api;
    text.replace(text.find(at), at.size(), at + "      DisableExecuteApiEndpoint: false\n");
    auto report = xc::verify::verify(xc::model::build_graph(std::move(load_with_consumer(text).model)));
    EXPECT_NE(verdict(report, "api-endpoint-only", "service/rest-api/Api"), Verdict::undecided);
}

TEST(CloudFormationUnknowns, AnUnlinkedDynamicReferenceInThePolicyIsUndecided) {
    auto loaded = load_with_consumer(minimal_api, {{"EndpointId", "{{resolve:ssm:/endpoint/id}}"}});
    auto report = xc::verify::verify(xc::model::build_graph(std::move(loaded.model)));
    EXPECT_EQ(verdict(report, "api-endpoint-only", "service/rest-api/Api"), Verdict::undecided);
}

}  // namespace

}  // namespace front_end_test
