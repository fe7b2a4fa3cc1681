// The CloudFormation printer: what it emits for the shipped models, that every template is
// valid against the CloudFormation registry schema (@aws-cdk/aws-service-spec) with every
// Ref/GetAtt/DependsOn resolving, that it describes the same infrastructure as the Terraform
// target (same lowered resources, same policy JSON, same routes), that it is deterministic,
// and that no model string can become an intrinsic function or a dynamic reference.
//
// Refusal of a violating model is the CLI's (it verifies before emitting): tested in tests/cli.
#include <xc/emit/cloudformation.hpp>
#include <xc/emit/terraform.hpp>
#include <xc/input/json/load.hpp>
#include <xc/policy/parse.hpp>

#include <terraform_addresses.hpp>
#include <model_support.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace cloudformation_test {

namespace {

using nlohmann::json;
using xc::emit::CloudFormationOptions;
using xc::emit::CloudFormationResult;
using xc::emit::FileSet;
namespace fs = std::filesystem;
namespace test = xc::test;
namespace lw = xc::emit::lowering;
namespace cfn = xc::emit::cloudformation;
using OJson = nlohmann::ordered_json;

using test::graph_of_file;
using test::graph_of_text;

CloudFormationResult emit_reference(const CloudFormationOptions& o = {}) {
    return xc::emit::emit_cloudformation(graph_of_file(test::reference_model_path()), o);
}
OJson template_of(const FileSet& files, const std::string& stack) { return OJson::parse(files.at(stack + "/template.json")); }

std::vector<fs::path> shipped_models() {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(test::source_dir() / "models")) {
        const auto& p = entry.path();
        if (p.extension() == ".json" && p.filename().string().find(".schema.") == std::string::npos) out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::set<std::string> logical_ids(const OJson& t) {
    std::set<std::string> out;
    for (const auto& [id, _] : t["Resources"].items()) out.insert(id);
    return out;
}

std::string join_lines(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& e : v) s += e + "\n";
    return s;
}

// --- the reference model -----------------------------------------------------------------------

const std::set<std::string> expected_consumer{
    "MainVpc", "MainInternetGateway", "MainGatewayAttachment", "MainPublicRouteTable", "MainPublicDefaultRoute",
    "MainPrivateARouteTable", "MainPrivateBRouteTable", "MainPublicASubnet", "MainPublicBSubnet", "MainPrivateASubnet",
    "MainPrivateBSubnet", "MainPublicARouteTableAssociation", "MainPublicBRouteTableAssociation",
    "MainPrivateARouteTableAssociation", "MainPrivateBRouteTableAssociation",
    "AlbSecurityGroup", "EndpointSecurityGroup", "ClientSecurityGroup", "AlbIngress0SecurityGroupIngressRule",
    "AlbEgress0SecurityGroupEgressRule", "EndpointIngress0SecurityGroupIngressRule", "ClientEgress0SecurityGroupEgressRule",
    "ExecuteApiVpcEndpoint",
    // the ALB; its targets (the endpoint's ENI IPs) are the target group's Targets, read by the lookup function
    "InternalLoadBalancer", "InternalHttpsListener", "InternalExecuteApiTargetGroup",
    "ExecuteApi0NetworkInterfaceLookup", "ExecuteApi1NetworkInterfaceLookup", "XcLookupFunction", "XcLookupFunctionRole",
    "ServicesHostedZone", "ServicesBeverageDnsRecord", "ServicesFoodDnsRecord",
    // the secret's value is its SecretString
    "SharedSecretKmsKey", "EndpointIdSecret", "EndpointIdSecretPolicy",
    // the instance role's managed policy is its ManagedPolicyArns
    "ClientInstanceRole", "ClientInstanceProfile", "ClientInstance",
};

std::set<std::string> expected_service(const std::string& deployment_id) {
    return {"MainVpc", "MainPrivateASubnet", "MainPrivateBSubnet", "MainPrivateARouteTable", "MainPrivateBRouteTable",
            "MainPrivateARouteTableAssociation", "MainPrivateBRouteTableAssociation",
            "DynamodbVpcEndpoint",  // its route-table associations are its RouteTableIds
            "LambdaSecurityGroup", "LambdaEgress0SecurityGroupEgressRule", "DynamodbPrefixListLookup", "XcLookupFunction",
            "XcLookupFunctionRole", "OrdersTable", "LambdaRole", "LambdaOrdersTableRolePolicy",
            "GetOrderLogGroup", "GetOrdersLogGroup", "PostOrderLogGroup", "GetOrderFunction", "GetOrdersFunction", "PostOrderFunction",
            "GetOrderInvokeOrdersLambdaPermission", "GetOrdersInvokeOrdersLambdaPermission", "PostOrderInvokeOrdersLambdaPermission",
            "OrdersRestApi", deployment_id, "OrdersV1Stage", "OrdersDomainName", "OrdersBasePathMapping"};
}

std::string deployment_id(const OJson& t) {
    for (const auto& [id, r] : t["Resources"].items())
        if (r["Type"] == "Custom::XcDeployment") return id;
    return "";
}

TEST(CloudFormationEmit, ReferenceModelEmitsTheExpectedLogicalIdsPerStack) {
    auto result = emit_reference();
    std::set<std::string> files;
    for (const auto& [p, _] : result.files.files()) files.insert(p);
    EXPECT_EQ(files, (std::set<std::string>{"README.md", "beverage/template.json", "consumer/template.json", "food/template.json"}));
    EXPECT_EQ(logical_ids(template_of(result.files, "consumer")), expected_consumer);
    for (const auto& service : {"beverage", "food"}) {
        OJson t = template_of(result.files, service);
        std::string dep = deployment_id(t);
        EXPECT_EQ(dep, "OrdersDeployment");
        EXPECT_EQ(logical_ids(t), expected_service(dep)) << service;
        EXPECT_EQ(t["Resources"]["OrdersV1Stage"]["Properties"]["DeploymentId"], OJson({{"Ref", dep}}));
    }
}

// CloudFormation's view of a property after parameters are resolved: every {"Ref": parameter}
// replaced by its value and every Fn::Join of strings joined (what the change set compares).
OJson resolved(const OJson& j, const std::map<std::string, std::string>& parameters) {
    if (j.is_object() && j.size() == 1 && j.contains("Ref") && parameters.contains(j["Ref"].get<std::string>()))
        return parameters.at(j["Ref"].get<std::string>());
    if (j.is_object() && j.size() == 1 && j.contains("Fn::Join")) {
        OJson parts = resolved(j["Fn::Join"][1], parameters);
        std::string joined;
        for (const auto& p : parts) {
            if (!p.is_string()) return OJson{{"Fn::Join", OJson::array({j["Fn::Join"][0], parts})}};
            joined += (joined.empty() && &p == &parts.front() ? "" : j["Fn::Join"][0].get<std::string>()) + p.get<std::string>();
        }
        return joined;
    }
    if (!j.is_structured()) return j;
    OJson out = j;
    for (auto it = out.begin(); it != out.end(); ++it) *it = resolved(*it, parameters);
    return out;
}

// Fix 2 of issue 24: a new ConsumerEndpointId changes the API's policy, so the stage must get a
// new deployment. The deployment is a custom resource, which CloudFormation updates whenever a
// property's resolved value changes: with the parameter resolved, its properties differ.
TEST(CloudFormationEmit, ANewEndpointIdParameterValueRedeploysTheApi) {
    auto result = emit_reference();
    for (const char* service : {"beverage", "food"}) {
        SCOPED_TRACE(service);
        OJson t = template_of(result.files, service);
        const OJson& deployment = t["Resources"]["OrdersDeployment"];
        EXPECT_EQ(deployment["Type"], "Custom::XcDeployment");
        EXPECT_EQ(t["Resources"]["OrdersV1Stage"]["Properties"]["DeploymentId"], OJson({{"Ref", "OrdersDeployment"}}));
        const OJson& props = deployment["Properties"];
        OJson before = resolved(props, {{"ConsumerEndpointId", "vpce-0123456789abcdef0"}});
        OJson after = resolved(props, {{"ConsumerEndpointId", "vpce-0fedcba9876543210"}});
        EXPECT_NE(before, after) << props.dump();
        EXPECT_EQ(before, resolved(props, {{"ConsumerEndpointId", "vpce-0123456789abcdef0"}}));
        // The deployment function may create and delete this API's deployments, nothing else.
        const OJson& role = t["Resources"]["XcLookupFunctionRole"]["Properties"]["Policies"];
        ASSERT_EQ(role.size(), 2u);
        EXPECT_EQ(role[1]["PolicyName"], "xc-deploy");
        EXPECT_NE(role[1]["PolicyDocument"].dump().find(R"({"Ref":"OrdersRestApi"})"), std::string::npos);
    }
}

// Every value a REST API's Body or Policy references is in its deployment's properties (so no
// parameter or attribute can change what the stage serves without a redeployment), for every
// shipped model.
TEST(CloudFormationEmit, EveryDeploymentIsKeyedOnEveryValueItsApiReferences) {
    std::size_t checked = 0;
    for (const auto& model_path : shipped_models()) {
        SCOPED_TRACE(model_path.filename().string());
        auto cf = xc::emit::emit_cloudformation(graph_of_file(model_path));
        for (const auto& [path, f] : cf.files.files()) {
            if (!path.ends_with(".json")) continue;
            OJson t = OJson::parse(f.content);
            for (const auto& [id, r] : t["Resources"].items()) {
                if (r["Type"] != "Custom::XcDeployment") continue;
                const std::string api = r["Properties"]["RestApiId"]["Ref"];
                const OJson& api_props = t["Resources"][api]["Properties"];
                std::set<std::string> needed, keyed;
                xc::emit::cloudformation::collect_references(api_props["Body"], needed);
                if (api_props.contains("Policy")) xc::emit::cloudformation::collect_references(api_props["Policy"], needed);
                xc::emit::cloudformation::collect_references(r["Properties"]["Redeployment"], keyed);
                EXPECT_EQ(keyed, needed) << path << " " << id;
                ++checked;
            }
        }
    }
    EXPECT_GE(checked, 5u);
}

// Issue 24, fix 4: the test client requires IMDSv2; security groups get names from
// CloudFormation (a replacement can create the new one first); an input CloudFormation has no
// property for (the secret's recovery window) is no parameter.
TEST(CloudFormationEmit, ImdsV2UnnamedSecurityGroupsAndNoUnusedParameters) {
    auto result = emit_reference();
    OJson consumer = template_of(result.files, "consumer");
    EXPECT_EQ(consumer["Resources"]["ClientInstance"]["Properties"]["MetadataOptions"],
              OJson({{"HttpEndpoint", "enabled"}, {"HttpTokens", "required"}}));
    EXPECT_FALSE(consumer.value("Parameters", OJson::object()).contains("SecretRecoveryWindowInDays"));
    for (const auto& [path, f] : result.files.files()) {
        if (!path.ends_with(".json")) continue;
        OJson t = OJson::parse(f.content);
        for (const auto& [id, r] : t["Resources"].items())
            if (r["Type"] == "AWS::EC2::SecurityGroup") {
                EXPECT_FALSE(r["Properties"].contains("GroupName")) << path << " " << id;
            }
    }
}

TEST(CloudFormationEmit, ServicesTakeTheEndpointIdAsAParameterFilledFromTheSecret) {
    auto result = emit_reference();
    OJson food = template_of(result.files, "food");
    const OJson& p = food["Parameters"]["ConsumerEndpointId"];
    EXPECT_EQ(p["Type"], "String");
    EXPECT_EQ(p["AllowedPattern"], "^vpce-[0-9a-f]{8,17}$");
    EXPECT_FALSE(p.contains("Default")) << "the endpoint id must come from the secret, not a guess";
    const OJson& api = food["Resources"]["OrdersRestApi"]["Properties"];
    EXPECT_EQ(api["EndpointConfiguration"]["VpcEndpointIds"], OJson::array({{{"Ref", "ConsumerEndpointId"}}}));
    EXPECT_EQ(api["Policy"]["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"], OJson({{"Ref", "ConsumerEndpointId"}}))
        << api["Policy"].dump();
    EXPECT_EQ(result.files.at("food/template.json").find("vpce-0a1b2c3d4e5f60718"), std::string::npos) << "no placeholder id survives";
    EXPECT_EQ(result.files.at("food/template.json").find("{{resolve:"), std::string::npos);
    OJson consumer = template_of(result.files, "consumer");
    EXPECT_EQ(consumer["Resources"]["EndpointIdSecret"]["Properties"]["SecretString"], OJson({{"Ref", "ExecuteApiVpcEndpoint"}}));
    EXPECT_EQ(consumer["Resources"]["EndpointIdSecret"]["Properties"]["Name"], "cross-account-microservices/endpoint-id");
    std::string_view readme = result.files.at("README.md");
    EXPECT_NE(readme.find("ConsumerEndpointId=$(aws secretsmanager get-secret-value --region eu-central-1 --secret-id "
                          "'arn:aws:secretsmanager:eu-central-1:111111111111:secret:cross-account-microservices/endpoint-id' "
                          "--query SecretString --output text)"),
              std::string::npos) << readme;
    EXPECT_NE(readme.find("--parameter-overrides DomainCertificateArn=\"$DomainCertificateArn\" ConsumerEndpointId=\"$ConsumerEndpointId\""),
              std::string::npos) << readme;
    auto consumer_at = readme.find("1. `consumer/`"), food_at = readme.find("`food/`"), beverage_at = readme.find("`beverage/`");
    ASSERT_NE(consumer_at, std::string::npos);
    EXPECT_LT(consumer_at, food_at);
    EXPECT_LT(consumer_at, beverage_at);
    EXPECT_NE(readme.find("aws cloudformation deploy --region eu-central-1 --stack-name cross-account-microservices-food"), std::string::npos);
}

TEST(CloudFormationEmit, SelfSignedCertificatesBecomeAcmArnParametersAndAreReported) {
    auto result = emit_reference();
    ASSERT_EQ(result.notes.size(), 3u) << join_lines(result.notes);  // consumer wildcard + one domain per service
    EXPECT_NE(result.notes[0].find("self-signed"), std::string::npos) << result.notes[0];
    EXPECT_NE(result.notes[0].find("WildcardCertificateArn"), std::string::npos) << result.notes[0];
    OJson consumer = template_of(result.files, "consumer");
    EXPECT_TRUE(consumer["Parameters"].contains("WildcardCertificateArn"));
    EXPECT_EQ(consumer["Resources"]["InternalHttpsListener"]["Properties"]["Certificates"][0]["CertificateArn"],
              OJson({{"Ref", "WildcardCertificateArn"}}));
    OJson food = template_of(result.files, "food");
    EXPECT_EQ(food["Resources"]["OrdersDomainName"]["Properties"]["RegionalCertificateArn"], OJson({{"Ref", "DomainCertificateArn"}}));
    std::string_view readme = result.files.at("README.md");
    EXPECT_NE(readme.find("aws acm import-certificate"), std::string::npos);
    // A model with ACM ARNs needs no manual step.
    auto other = xc::emit::emit_cloudformation(graph_of_file(test::source_dir() / "models/three-services-private-domains.json"));
    EXPECT_TRUE(other.notes.empty()) << join_lines(other.notes);
    EXPECT_EQ(other.files.at("README.md").find("import-certificate"), std::string::npos);
}

TEST(CloudFormationEmit, PrivateCustomDomainsUseTheV2ResourcesAndPhaseThreeAssociations) {
    auto result = xc::emit::emit_cloudformation(graph_of_file(test::source_dir() / "models/three-services-private-domains.json"));
    std::map<std::string, int> types;
    for (const auto& [path, f] : result.files.files()) {
        if (!path.ends_with("template.json")) continue;
        OJson t = OJson::parse(f.content);
        for (const auto& [id, r] : t["Resources"].items()) types[r["Type"].get<std::string>()]++;
    }
    EXPECT_GT(types["AWS::ApiGateway::DomainNameV2"], 0);
    EXPECT_GT(types["AWS::ApiGateway::BasePathMappingV2"], 0);
    EXPECT_GT(types["AWS::ApiGateway::DomainNameAccessAssociation"], 0);
    EXPECT_EQ(types["AWS::ApiGateway::DomainName"], 0);
    EXPECT_EQ(types["AWS::ApiGateway::BasePathMapping"], 0);
    for (const auto& [path, f] : result.files.files()) {
        if (path.find("-associations/") == std::string::npos) continue;
        OJson t = OJson::parse(f.content);
        for (const auto& [id, r] : t["Resources"].items()) {
            if (r["Type"] != "AWS::ApiGateway::DomainNameAccessAssociation") continue;
            EXPECT_TRUE(r["Properties"]["DomainNameArn"].contains("Fn::GetAtt")) << r.dump();
            EXPECT_TRUE(r["Properties"]["AccessAssociationSource"].contains("Fn::GetAtt")) << r.dump();
        }
    }
}

TEST(CloudFormationEmit, OutputIsByteIdenticalAcrossRuns) {
    auto a = emit_reference();
    auto b = emit_reference();
    ASSERT_EQ(a.files.size(), b.files.size());
    for (const auto& [path, file] : a.files.files()) {
        ASSERT_TRUE(b.files.contains(path)) << path;
        EXPECT_EQ(file.content, b.files.at(path)) << path;
    }
    EXPECT_EQ(a.notes, b.notes);
}

TEST(CloudFormationEmit, UnverifiedWarningIsStampedIntoEveryTemplateAndTheReadme) {
    CloudFormationOptions o;
    o.unverified_warning = true;
    auto result = emit_reference(o);
    for (const auto& [path, file] : result.files.files()) {
        EXPECT_NE(file.content.find("--allow-unverified"), std::string::npos) << path;
        if (!path.ends_with(".json")) continue;
        OJson t = OJson::parse(file.content);
        EXPECT_EQ(t["Description"].get<std::string>().rfind("WARNING", 0), 0u) << path;
        EXPECT_TRUE(t["Metadata"]["xc"].contains("Warning")) << path;
    }
    auto verified = emit_reference();  // kept alive: a range-for over a temporary's member dangles
    for (const auto& [path, file] : verified.files.files())
        EXPECT_EQ(file.content.find("--allow-unverified"), std::string::npos) << path;
}

TEST(CloudFormationEmit, LambdaCodeIsALocalZipForPackage) {
    CloudFormationOptions o;
    auto result = emit_reference(o);
    OJson t = template_of(result.files, "beverage");
    EXPECT_EQ(t["Resources"]["PostOrderFunction"]["Properties"]["Code"], "../../lambda/beverage/dist/post-order.zip");
    EXPECT_FALSE(t["Parameters"].contains("LambdaDistDir"));
    EXPECT_NE(result.files.at("README.md").find("aws cloudformation package"), std::string::npos);
    o.lambda_dist_dir = "/opt/zips/{service}";
    EXPECT_EQ(template_of(emit_reference(o).files, "food")["Resources"]["PostOrderFunction"]["Properties"]["Code"],
              "/opt/zips/food/post-order.zip");
}

TEST(CloudFormationIntrinsics, LiteralsAndKeysCannotBecomeIntrinsicsOrDynamicReferences) {
    EXPECT_EQ(cfn::literal("${AWS::Region} \"x\"\n").dump(), "\"${AWS::Region} \\\"x\\\"\\n\"");
    EXPECT_THROW(cfn::literal("a {{resolve:ssm:/x}}"), lw::LoweringError);
    EXPECT_THROW(cfn::object_key("Ref", true), lw::LoweringError);
    EXPECT_THROW(cfn::object_key("Fn::GetAtt", true), lw::LoweringError);
    EXPECT_THROW(cfn::object_key("Condition", true), lw::LoweringError);
    EXPECT_EQ(cfn::object_key("Ref", false), "Ref");  // not the only key: not an intrinsic
    EXPECT_EQ(cfn::object_key("StringEquals", true), "StringEquals");
    EXPECT_EQ(cfn::pascal("main_public_a"), "MainPublicA");
    EXPECT_EQ(cfn::join({OJson("a"), OJson("b")}), OJson("ab"));
}

// --- agreement with the Terraform target ----------------------------------------------------------

// A document with every reference (and every concatenation holding one) replaced by "${ref}":
// the lowered form and the CloudFormation form must then be the same JSON bytes.
OJson neutral_lowered(const lw::Value& v) {
    using K = lw::Value::Kind;
    switch (v.kind) {
        case K::null: return nullptr;
        case K::boolean: return v.flag;
        case K::integer: return v.integer;
        case K::string: return v.text;
        case K::ref: return v.text == "invoke_arn" ? "${invoke_arn}" : "${ref}";
        case K::concat: {
            std::string s;
            for (const auto& p : v.items) s += p.kind == K::string ? p.text : "${ref}";
            return s;
        }
        case K::list: {
            OJson a = OJson::array();
            for (const auto& i : v.items) a.push_back(neutral_lowered(i));
            return a;
        }
        case K::object: {
            OJson o = OJson::object();
            for (const auto& [k, e] : v.entries) o[k] = neutral_lowered(e);
            return o;
        }
        case K::document: return neutral_lowered(v.items.front());
        default: return "<hash>";
    }
}
bool is_intrinsic(const OJson& j) {
    return j.is_object() && j.size() == 1 && (j.begin().key() == "Ref" || j.begin().key().rfind("Fn::", 0) == 0);
}
OJson neutral_cfn(const OJson& j) {
    if (is_intrinsic(j)) {
        if (j.begin().key() != "Fn::Join") return "${ref}";
        std::string s;
        for (const auto& p : j["Fn::Join"][1]) s += p.is_string() ? p.get<std::string>() : "${ref}";
        // A Lambda's invoke ARN has no GetAtt: the printer builds it from the function's ARN.
        if (s == "arn:${ref}:apigateway:${ref}:lambda:path/2015-03-31/functions/${ref}/invocations") return "${invoke_arn}";
        return s;
    }
    if (j.is_array()) {
        OJson a = OJson::array();
        for (const auto& i : j) a.push_back(neutral_cfn(i));
        return a;
    }
    if (j.is_object()) {
        OJson o = OJson::object();
        for (const auto& [k, e] : j.items()) o[k] = neutral_cfn(e);
        return o;
    }
    return j;
}
// References replaced by something every policy field accepts, for xc's policy parser.
json parseable(const OJson& j) {
    std::string s = neutral_cfn(j).dump();
    for (auto at = s.find("${ref}"); at != std::string::npos; at = s.find("${ref}", at)) s.replace(at, 6, "vpce-0123456789abcdef0");
    return json::parse(s);
}

// Where each lowered document lands in CloudFormation (on its resource or the one it folds into).
const std::map<std::pair<std::string, std::string>, std::string> document_properties{
    {{"vpc_endpoint", "policy"}, "PolicyDocument"},    {{"kms_key", "policy"}, "KeyPolicy"},
    {{"secret_policy", "policy"}, "ResourcePolicy"},   {{"role", "assume_role_policy"}, "AssumeRolePolicyDocument"},
    {{"role_policy", "policy"}, "PolicyDocument"},     {{"rest_api", "policy"}, "Policy"},
    {{"rest_api", "body"}, "Body"},                    {{"domain_name", "policy"}, "Policy"},
};

// Route set "METHOD /path" of an OpenAPI body.
std::set<std::string> routes_of_body(const OJson& body) {
    std::set<std::string> out;
    for (const auto& [path, methods] : body["paths"].items())
        for (const auto& [m, _] : methods.items()) {
            std::string method = m == "x-amazon-apigateway-any-method" ? "ANY" : m;
            for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            out.insert(method + " " + path);
        }
    return out;
}


TEST(CloudFormationAgreesWithTerraform, SameResourcesPoliciesAndRoutesForEveryShippedModel) {
    for (const auto& model_path : shipped_models()) {
        SCOPED_TRACE(model_path.filename().string());
        auto graph = graph_of_file(model_path);
        lw::Deployment d = lw::lower(graph);
        FileSet tf = xc::emit::terraform::print(d);
        auto cf = cfn::print(d);
        for (const auto& s : d.stacks) {
            SCOPED_TRACE(s.name);
            // Terraform: exactly the lowered resources and lookups.
            std::set<std::string> lowered_tf;
            for (const auto& r : s.resources) lowered_tf.insert(xc::emit::terraform::resource_type(r.kind) + "." + r.name);
            for (const auto& l : s.lookups) lowered_tf.insert("data." + xc::emit::terraform::data_source_type(l.kind) + "." + l.name);
            EXPECT_EQ(test::terraform_addresses(tf, s.name), lowered_tf);

            // CloudFormation: every lowered resource and lookup is a resource, folded into one,
            // or a parameter; everything else is a documented CloudFormation-only resource.
            std::set<std::string> lowered;
            for (const auto& r : s.resources) lowered.insert(r.kind + "." + r.name);
            for (const auto& l : s.lookups) lowered.insert("lookup." + l.kind + "." + l.name);
            OJson t = template_of(cf.files, s.name);
            std::set<std::string> covered;
            std::map<std::string, std::string> id_of;  // "kind.name" -> logical id
            for (const auto& [id, r] : t["Resources"].items()) {
                const OJson& x = r["Metadata"]["xc"];
                std::string kind = x.at("Kind");
                if (kind == "lookup") {
                    std::string name = x.at("Name");
                    if (name.rfind("lookup.", 0) == 0) covered.insert(name);
                    else EXPECT_TRUE(cfn::cloudformation_only_types().contains(r["Type"])) << id;
                    continue;
                }
                if (!x.contains("Name") || kind == "internet_gateway_attachment") {
                    EXPECT_TRUE(cfn::cloudformation_only_types().contains(r["Type"])) << id << " " << r["Type"];
                    continue;
                }
                std::string k = kind + "." + x["Name"].get<std::string>();
                EXPECT_TRUE(covered.insert(k).second) << k;
                id_of[k] = id;
                OJson folds = x.value("Folds", OJson::array());
                for (const auto& f : folds) {
                    EXPECT_TRUE(covered.insert(f.get<std::string>()).second) << f;
                    id_of[f.get<std::string>()] = id;
                }
            }
            OJson parameter_for = t["Metadata"]["xc"].value("ParameterFor", OJson::object());
            for (const auto& [param, stands_for] : parameter_for.items())
                for (const auto& sf : stands_for)
                    if (sf.get<std::string>().rfind("input.", 0) != 0) covered.insert(sf.get<std::string>());
            EXPECT_EQ(covered, lowered);

            // Policies and API bodies: the same JSON bytes, references aside; every policy parses.
            for (const auto& r : s.resources)
                for (const auto& [prop, v] : r.properties) {
                    if (v.kind != lw::Value::Kind::document) continue;
                    auto where = document_properties.find({r.kind, prop});
                    ASSERT_NE(where, document_properties.end()) << r.kind << "." << prop << ": no CloudFormation property known";
                    const OJson& res = t["Resources"][id_of.at(r.kind + "." + r.name)]["Properties"];
                    ASSERT_TRUE(res.contains(where->second)) << r.kind << "." << r.name << " " << where->second;
                    EXPECT_EQ(neutral_cfn(res[where->second]).dump(), neutral_lowered(v).dump()) << r.kind << "." << r.name;
                    if (prop == "body") {
                        EXPECT_EQ(routes_of_body(res["Body"]), routes_of_body(neutral_lowered(v)));
                        continue;
                    }
                    try {
                        xc::policy::parse(parseable(res[where->second]));
                    } catch (const std::exception& e) {
                        ADD_FAILURE() << r.kind << "." << r.name << ": policy does not parse: " << e.what();
                    }
                }
        }
        // Routes: every API's CloudFormation body serves exactly the model's routes.
        std::set<std::string> model_routes, cfn_routes;
        graph.model().for_each_scope([&](const xc::model::Scope& sc) {
            for (const auto& [an, api] : sc.apis)
                for (const auto& [_, route] : api.routes) model_routes.insert(sc.name + " " + route.method + " " + route.resource_path);
        });
        for (const auto& s : d.stacks) {
            OJson t = template_of(cf.files, s.name);
            for (const auto& [id, r] : t["Resources"].items())
                if (r["Type"] == "AWS::ApiGateway::RestApi")
                    for (const auto& route : routes_of_body(r["Properties"]["Body"]))
                        cfn_routes.insert(s.scopes.front() + " " + route);
        }
        EXPECT_EQ(cfn_routes, model_routes);
    }
}

// --- the registry-schema checks: one node process for every shipped model and the hostile one ------

const std::string hostile_description =
    "x\" }, \"Ref\": \"AWS::AccountId\", \"y\": \"${AWS::Region} ${!Literal} ]}\n\t\\ é";
const std::string hostile_option = "${AWS::AccountId}\"}]}";
const std::string hostile_env = "\"}\n${ExecuteApiVpcEndpoint}\u0001";
const std::string hostile_policy_resource = "arn:aws:s3:::bucket/${aws:username}/${AWS::StackName}/*";

std::string hostile_model_text() {
    return test::hostile_model_text({hostile_description, hostile_option, hostile_env, hostile_policy_resource});
}

TEST(CloudFormationInjection, DynamicReferencesAndIntrinsicKeysInTheModelAreRefused) {
    std::string text = test::replace_once(test::reference_model_text(),
                                          "\"HTTPS from inside the VPC to the internal ALB; out only to the endpoint\"",
                                          "\"{{resolve:secretsmanager:prod/db:SecretString:password}}\"");
    auto g = graph_of_text(text);
    try {
        xc::emit::emit_cloudformation(g);
        ADD_FAILURE() << "a dynamic reference in the model was emitted";
    } catch (const lw::LoweringError& e) {
        EXPECT_NE(std::string(e.what()).find("dynamic reference"), std::string::npos) << e.what();
        // Located where the model defines the resource that carries the text.
        ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
        EXPECT_EQ(e.diagnostics().front().path, "/consumer/securityGroups/alb") << e.what();
        EXPECT_GT(e.diagnostics().front().position.line, 0u) << e.what();
    }
    EXPECT_NO_THROW(xc::emit::emit_terraform(g)) << "Terraform has no dynamic references: the same text is inert there";

    std::string keyed = test::replace_once(test::reference_model_text(), "\"required\": [ \"fullName\", \"{{service}}\" ],", "");
    keyed = test::replace_once(keyed,
                               "\"fullName\":    { \"type\": \"string\" },\n"
                               "                  \"{{service}}\": { \"type\": \"string\", \"enum\": \"{{orderOptions}}\" }",
                               "\"Fn::GetAtt\": { \"type\": \"string\" }");
    try {
        xc::emit::emit_cloudformation(graph_of_text(keyed));
        ADD_FAILURE() << "a model object with the single key Fn::GetAtt was emitted";
    } catch (const lw::LoweringError& e) {
        EXPECT_NE(std::string(e.what()).find("intrinsic function"), std::string::npos) << e.what();
        ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
        EXPECT_EQ(e.diagnostics().front().path.rfind("/services/", 0), 0u) << e.what();
        EXPECT_GT(e.diagnostics().front().position.line, 0u) << e.what();
    }
}

TEST(CloudFormationSchema, ShippedModelsAndTheHostileModelPassTheRegistrySchemaChecks) {
    auto node = test::run("node --version");
    ASSERT_EQ(node.exit_code, 0) << "node is required for the CloudFormation schema checks (run scripts/setup.sh --tests): " << node.err;
    ASSERT_TRUE(fs::exists(fs::path(XC_NPM_DIR) / "node_modules/@aws-cdk/aws-service-spec/db.json.gz"))
        << "@aws-cdk/aws-service-spec missing in " << XC_NPM_DIR << ": run scripts/setup.sh --tests";

    test::TempDir out;
    std::vector<std::string> trees;
    for (const auto& p : shipped_models()) {
        std::string tree = "model-" + p.stem().string();
        xc::emit::write_atomically(xc::emit::emit_cloudformation(graph_of_file(p)).files, out / tree);
        trees.push_back(tree);
    }
    ASSERT_GE(trees.size(), 2u);
    auto hostile = xc::emit::emit_cloudformation(graph_of_text(hostile_model_text()));
    xc::emit::write_atomically(hostile.files, out / "hostile");
    // The checker itself: a template with one mistake of each kind must be rejected for each.
    OJson broken = template_of(emit_reference().files, "consumer");
    broken["Resources"]["MainVpc"]["Type"] = "AWS::EC2::Vpc";
    broken["Resources"]["MainPublicASubnet"]["Properties"]["CidrBlok"] = "10.0.0.0/24";
    broken["Resources"]["MainPublicASubnet"]["Properties"].erase("VpcId");
    broken["Resources"]["ServicesBeverageDnsRecord"]["Properties"]["AliasTarget"]["DNSName"] =
        OJson({{"Fn::GetAtt", {"InternalLoadBalancer", "DnsName"}}});
    broken["Resources"]["ClientInstance"]["Properties"]["SubnetId"] = OJson({{"Ref", "NoSuchSubnet"}});
    broken["Resources"]["ClientInstance"]["DependsOn"] = OJson::array({"NoSuchResource"});
    broken["Resources"]["ClientInstance"]["Properties"]["InstanceType"] = OJson({{"Fn::Sub", "${NoSuchParameter}.large"}});
    broken["Resources"]["InternalHttpsListener"]["Properties"]["DefaultActions"] = "forward";
    fs::create_directories(out / "broken/consumer");
    test::write_file(out / "broken/consumer/template.json", broken.dump(2));

    auto r = test::run("node " + test::quote((fs::path(XC_CLOUDFORMATION_TEST_DIR) / "check_templates.mjs").string()) + " " +
                       test::quote(XC_NPM_DIR) + " " + test::quote(out.path().string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json files = json::parse(r.out)["files"];

    std::size_t templates = 0, artifacts = 0;
    ASSERT_TRUE(files.contains("broken/consumer/template.json"));
    std::string broken_errors = join_lines(files["broken/consumer/template.json"]["errors"].get<std::vector<std::string>>());
    for (const char* expected : {"resource type AWS::EC2::Vpc is not in the CloudFormation registry",
                                 "Resources/MainPublicASubnet/Properties: no property CidrBlok",
                                 "Resources/MainPublicASubnet/Properties: required property VpcId missing",
                                 "AWS::ElasticLoadBalancingV2::LoadBalancer has no attribute DnsName",
                                 "Ref to unknown NoSuchSubnet", "DependsOn unknown resource NoSuchResource",
                                 "Fn::Sub variable ${NoSuchParameter} resolves to nothing",
                                 "Resources/InternalHttpsListener/Properties/DefaultActions: expected an array"})
        EXPECT_NE(broken_errors.find(expected), std::string::npos) << expected << "\n" << broken_errors;
    files.erase("broken/consumer/template.json");
    for (const auto& [rel, result] : files.items()) {
        ++templates;
        std::vector<std::string> errors = result["errors"].get<std::vector<std::string>>();
        EXPECT_TRUE(errors.empty()) << rel << ":\n" << join_lines(errors);
        for (const auto& a : result["artifacts"]) {
            ++artifacts;
            EXPECT_TRUE(std::regex_match(a["path"].get<std::string>(), std::regex(R"(\.\./\.\./lambda/[a-z0-9-]+/dist/[a-z0-9-]+\.zip)"))) << a;
        }
    }
    // Every template of every tree was checked (none silently skipped).
    std::size_t emitted = 0;
    for (const auto& e : fs::recursive_directory_iterator(out.path()))
        emitted += e.path().filename() == "template.json" && e.path().string().find("/broken/") == std::string::npos;
    EXPECT_EQ(templates, emitted);
    EXPECT_GE(templates, 3u + 3u);
    EXPECT_GT(artifacts, 0u);

    // The hostile model: the same resources as the reference; every hostile string is one
    // inert JSON string that decodes to exactly what the model said; no Fn::Sub anywhere.
    auto reference = emit_reference();
    for (const auto& stack : {"consumer", "beverage", "food"}) {
        OJson h = template_of(hostile.files, stack), ref = template_of(reference.files, stack);
        std::set<std::string> hid = logical_ids(h), rid = logical_ids(ref);
        hid.erase(deployment_id(h));
        rid.erase(deployment_id(ref));
        EXPECT_EQ(hid, rid) << stack;
    }
    for (const auto& [path, f] : hostile.files.files()) EXPECT_EQ(f.content.find("Fn::Sub"), std::string::npos) << path;
    OJson consumer = template_of(hostile.files, "consumer");
    EXPECT_EQ(consumer["Resources"]["AlbSecurityGroup"]["Properties"]["GroupDescription"], hostile_description);
    OJson beverage = template_of(hostile.files, "beverage");
    EXPECT_EQ(beverage["Resources"]["PostOrderFunction"]["Properties"]["Environment"]["Variables"]["EVIL"], hostile_env);
    std::string body = beverage["Resources"]["OrdersRestApi"]["Properties"]["Body"].dump();
    EXPECT_NE(body.find(OJson(hostile_option).dump()), std::string::npos) << body;
    std::string policy = beverage["Resources"]["LambdaOrdersTableRolePolicy"]["Properties"]["PolicyDocument"].dump();
    EXPECT_NE(policy.find(OJson(hostile_policy_resource).dump()), std::string::npos) << policy;
}

}  // namespace

}  // namespace cloudformation_test
