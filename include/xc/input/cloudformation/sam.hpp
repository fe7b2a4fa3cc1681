// The AWS SAM transform (AWS::Serverless-2016-10-31), as far as this architecture needs it:
// AWS::Serverless::Api, AWS::Serverless::Function (its Api events), AWS::Serverless::SimpleTable,
// and Globals for those. It runs before evaluation, as CloudFormation runs it: intrinsics stay in
// place (an Fn::If in a CustomStatement is evaluated afterwards with the stack's conditions).
//
// What it generates, from the SAM Developer Guide
// (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/):
//  * AWS::Serverless::Api ("sam-resource-api.html"; "Generated AWS CloudFormation resources for
//    AWS SAM", "sam-specification-generated-resources-api.html"): an AWS::ApiGateway::RestApi of
//    the same logical id, an AWS::ApiGateway::Deployment "<id>Deployment<hash>" and an
//    AWS::ApiGateway::Stage "<id><StageName>Stage". EndpointConfiguration: "Type" (REGIONAL, EDGE,
//    PRIVATE) and "VPCEndpointIds" ("sam-property-api-endpointconfiguration.html").
//  * Auth.ResourcePolicy ("sam-property-api-resourcepolicystatement.html": "Configures a resource
//    policy for all methods and paths of an API"), into the body's x-amazon-apigateway-policy, per
//    path and method of the API's events (resources "execute-api:/<stage>/<METHOD><path>", path
//    parameters as "*", ANY as "*"):
//      AwsAccountWhitelist / Blacklist: an Allow / Deny with Principal {"AWS": [accounts]};
//      IpRangeWhitelist / Blacklist: an Allow for "*" and a Deny with NotIpAddress / IpAddress aws:SourceIp;
//      SourceVpcWhitelist (vpc- and vpce- ids), IntrinsicVpcWhitelist (aws:SourceVpc),
//      IntrinsicVpceWhitelist (aws:SourceVpce): an Allow for "*" and a Deny with StringNotEquals
//      on those keys; the Blacklists the same with StringEquals;
//      CustomStatements: added as written (each once).
//    The generated statements follow SAM's translator (samtranslator/swagger/swagger.py,
//    add_resource_policy), read to learn the order: account lists, IP ranges, VPC blacklists,
//    VPC whitelists, then custom statements.
//  * Auth.DefaultAuthorizer AWS_IAM and an event's Auth.Authorizer (AWS_IAM or NONE), with
//    InvokeRole: the operation's awsSigv4 `security` and the integration's credentials (api_auth()).
//    Any other authorizer, API keys and usage plans are errors.
//  * AWS::Serverless::Function ("sam-resource-function.html"): an AWS::Lambda::Function of the
//    same id; without Role, an AWS::IAM::Role "<id>Role" trusted by lambda.amazonaws.com with
//    AWSLambdaBasicExecutionRole and the Policies (managed policy names or ARNs, policy documents;
//    SAM policy templates are refused: xc would have to guess what they grant); each Api event
//    ("sam-property-function-api.html") a method on its API (RestApiId, or the implicit
//    "ServerlessRestApi" with stage "Prod") with an aws_proxy integration, and an
//    AWS::Lambda::Permission "<id><event>Permission<stage>" for apigateway.amazonaws.com with
//    SourceArn "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${api}/*/<METHOD><path>".
//  * AWS::Serverless::SimpleTable ("sam-resource-simpletable.html"): an AWS::DynamoDB::Table with
//    the PrimaryKey (Type String | Number | Binary) as its hash key, on-demand unless
//    ProvisionedThroughput is given.
// Anything else of type AWS::Serverless::* is an error (xc does not know what it generates).
#pragma once

#include <xc/detail/fnv1a.hpp>
#include <xc/error.hpp>
#include <xc/input/cloudformation/evaluate.hpp>
#include <xc/input/cloudformation/template_source.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace xc::input::cloudformation {

inline constexpr const char* sam_transform = "AWS::Serverless-2016-10-31";

namespace detail {

using sam_json = nlohmann::json;

class SamTransform {
public:
    SamTransform(const TemplateSource& t, Expanded& e) : t_(t), e_(e) {}

    void run() {
        sam_json& doc = e_.document;
        if (!doc.contains("Resources") || !doc["Resources"].is_object()) return;
        globals_ = doc.value("Globals", sam_json::object());
        const sam_json& globals = globals_;
        doc.erase("Globals");
        doc.erase("Transform");
        in_ = doc["Resources"];
        const sam_json& in = in_;
        sam_json out = sam_json::object();
        for (const auto& [id, r] : in.items()) {
            if (!r.is_object() || !r.value("Type", sam_json()).is_string() || r["Type"].get<std::string>().rfind("AWS::Serverless::", 0) != 0) {
                out[id] = r;
                continue;
            }
        }
        // APIs first: functions' events add their methods and policies to them.
        for (const auto& [id, r] : in.items())
            if (r.is_object() && r.value("Type", sam_json()) == "AWS::Serverless::Api") apis_[id] = with_globals(properties(id, r), globals, "Api");
        for (const auto& [id, r] : in.items()) {
            if (!r.is_object() || !r.value("Type", sam_json()).is_string()) continue;
            const std::string type = r["Type"].get<std::string>();
            if (type.rfind("AWS::Serverless::", 0) != 0 || type == "AWS::Serverless::Api") continue;
            const sam_json props = properties(id, r);
            if (type == "AWS::Serverless::Function") function(id, r, with_globals(props, globals, "Function"), out);
            else if (type == "AWS::Serverless::SimpleTable") table(id, r, props, out);
            else fail("/Resources/" + json_pointer::escape(id) + "/Type", "SAM resource type '" + printable(type) + "' is not supported by xc (it cannot know what it generates)");
        }
        for (auto& [id, props] : apis_) api(id, in.contains(id) ? in[id] : sam_json::object(), props, out);
        doc["Resources"] = std::move(out);
    }

private:
    [[noreturn]] void fail(const std::string& pointer, const std::string& message) const { throw InputError(t_.diagnostic(pointer, message)); }
    // The Properties of SAM resource `id`, the one way every SAM resource's are read: an object
    // (absent: empty), else an error there — before any of them is looked into (the fuzzer found
    // a null Function's, a string Api event's and a string SimpleTable's read unchecked).
    sam_json properties(const std::string& id, const sam_json& r) const {
        const sam_json props = r.value("Properties", sam_json::object());
        if (!props.is_object()) fail(at(id) + "/Properties", "Properties must be an object");
        return props;
    }
    std::string at(const std::string& id) const { return "/Resources/" + json_pointer::escape(id); }
    // A property of SAM resource `id` (`rel` under its Properties) that is not supported: an error
    // where it was written, its own Properties or the Globals `section` it was merged from (that
    // pointer does not name the resource: the message does).
    [[noreturn]] void unsupported(const std::string& id, const char* section, const std::string& rel, const std::string& message) const {
        const std::string own = at(id) + "/Properties" + rel;
        const std::string global = "/Globals/" + std::string(section) + rel;
        if (!has(in_, own.substr(std::string("/Resources").size())) && has(globals_, global.substr(std::string("/Globals").size())))
            fail(global, "resource " + printable(id) + " (from Globals): " + message);
        fail(own, message);
    }
    static bool has(const sam_json& doc, const std::string& pointer) {
        try {
            return doc.contains(sam_json::json_pointer(pointer));
        } catch (const std::exception&) {
            return false;
        }
    }
    void generated(const std::string& id, const std::string& from, sam_json& out, sam_json resource) {
        if (out.contains(id)) fail(at(from), "the SAM transform generates '" + printable(id) + "', which the template already defines");
        out[id] = std::move(resource);
        e_.pointer[id] = at(from);
        e_.generated_by[id] = from;
    }

    // Globals.<section> under a resource's own properties (an object: properties()): missing keys
    // are taken; objects merge.
    sam_json with_globals(sam_json props, const sam_json& globals, const char* section) {
        if (!globals.is_object() || !globals.contains(section)) return props;
        merge(props, globals[section]);
        return props;
    }
    static void merge(sam_json& into, const sam_json& from) {
        if (!from.is_object()) return;
        for (const auto& [k, v] : from.items()) {
            if (!into.contains(k)) into[k] = v;
            else if (into[k].is_object() && v.is_object()) merge(into[k], v);
        }
    }

    struct Method {
        std::string path, method;  // "/orders", "get" (lower case; "any" for ANY)
        sam_json integration_uri;
        sam_json auth;  // the event's Auth (an object), or null
    };

    void function(const std::string& id, const sam_json& r, sam_json props, sam_json& out) {
        const std::string where = at(id) + "/Properties";
        sam_json fn = sam_json::object();
        static const std::set<std::string> copied{"FunctionName", "Handler", "Runtime", "MemorySize", "Timeout", "Environment", "VpcConfig",
                                                  "Role", "Description", "Architectures", "Layers", "KmsKeyArn", "ReservedConcurrentExecutions",
                                                  "Tags", "TracingConfig", "DeadLetterConfig", "EphemeralStorage", "PackageType", "ImageConfig"};
        for (const auto& [k, v] : props.items())
            if (copied.contains(k)) fn[k] = v;
        if (props.contains("CodeUri")) fn["Code"] = props["CodeUri"].is_string() ? sam_json{{"S3Key", props["CodeUri"]}} : props["CodeUri"];
        if (props.contains("InlineCode")) fn["Code"] = sam_json{{"ZipFile", props["InlineCode"]}};
        if (props.contains("Tags") && props["Tags"].is_object()) {
            sam_json tags = sam_json::array();
            for (const auto& [k, v] : props["Tags"].items()) tags.push_back({{"Key", k}, {"Value", v}});
            fn["Tags"] = tags;
        }
        if (!props.contains("Role")) {
            sam_json role{{"Type", "AWS::IAM::Role"},
                          {"Properties",
                           {{"AssumeRolePolicyDocument",
                             {{"Version", "2012-10-17"},
                              {"Statement", sam_json::array({{{"Effect", "Allow"}, {"Action", sam_json::array({"sts:AssumeRole"})},
                                                              {"Principal", {{"Service", sam_json::array({"lambda.amazonaws.com"})}}}}})}}},
                            {"ManagedPolicyArns", sam_json::array({sam_json{{"Fn::Sub", "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}})}}}};
            if (props.contains("VpcConfig"))
                role["Properties"]["ManagedPolicyArns"].push_back(sam_json{{"Fn::Sub", "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}});
            sam_json policies = props.value("Policies", sam_json());
            if (policies.is_string() || policies.is_object()) policies = sam_json::array({policies});
            sam_json inline_policies = sam_json::array();
            for (std::size_t i = 0; i < policies.size(); ++i) {
                const auto& p = policies[i];
                if (p.is_string()) {
                    const std::string name = p.get<std::string>();
                    role["Properties"]["ManagedPolicyArns"].push_back(name.rfind("arn:", 0) == 0 ? sam_json(name) : sam_json{{"Fn::Sub", "arn:${AWS::Partition}:iam::aws:policy/" + name}});
                } else if (p.is_object() && p.contains("Statement")) {
                    inline_policies.push_back({{"PolicyName", id + "RolePolicy" + std::to_string(inline_policies.size())}, {"PolicyDocument", p}});
                } else if (p.is_object() && p.size() == 1 && (p.begin().key() == "Ref" || p.begin().key().rfind("Fn::", 0) == 0)) {
                    role["Properties"]["ManagedPolicyArns"].push_back(p);
                } else {
                    unsupported(id, "Function", "/Policies/" + std::to_string(i),
                                "SAM policy templates are not supported: xc would have to guess what they grant; write the policy document (Statement) instead");
                }
            }
            if (!inline_policies.empty()) role["Properties"]["Policies"] = inline_policies;
            generated(id + "Role", id, out, std::move(role));
            fn["Role"] = sam_json{{"Fn::GetAtt", sam_json::array({id + "Role", "Arn"})}};
        }
        if (!fn.contains("Handler") && props.value("PackageType", sam_json("Zip")) == "Zip") fail(where, "a SAM function needs a Handler");
        sam_json resource{{"Type", "AWS::Lambda::Function"}, {"Properties", fn}};
        if (r.contains("Condition")) resource["Condition"] = r["Condition"];
        out[id] = std::move(resource);
        e_.pointer[id] = at(id);

        const sam_json events = props.value("Events", sam_json::object());
        if (!events.is_object()) fail(where + "/Events", "Events must be an object");
        for (const auto& [ev, e] : events.items()) {
            const std::string eat = where + "/Events/" + json_pointer::escape(ev);
            if (!e.is_object() || !e.value("Type", sam_json()).is_string()) fail(eat, "an event needs a Type");
            if (e["Type"] != "Api") {
                fail(eat + "/Type", "event type '" + printable(e["Type"].get<std::string>()) +
                                        "' is not supported (xc models API Gateway REST API events only)");
            }
            const sam_json ep = e.value("Properties", sam_json::object());
            // Read only once its shape is known (the fuzzer's crash: a string here reached ep.value()).
            if (!ep.is_object()) fail(eat + "/Properties", "an Api event's Properties must be an object");
            for (const char* key : {"RequestParameters", "RequestModel"})
                if (ep.contains(key))
                    fail(eat + "/Properties/" + key, std::string("an Api event's ") + key + " is not supported (nor RequestParameters, RequestModel)");
            // Auth: only Authorizer (AWS_IAM or NONE) and InvokeRole (api_auth()).
            sam_json event_auth;
            if (ep.contains("Auth")) {
                event_auth = ep["Auth"];
                if (!event_auth.is_object()) fail(eat + "/Properties/Auth", "an Api event's Auth must be an object");
                for (const auto& [k, v] : event_auth.items()) {
                    const bool known = (k == "Authorizer" && (v == "AWS_IAM" || v == "NONE")) || (k == "InvokeRole" && v.is_string());
                    if (!known)
                        fail(eat + "/Properties/Auth/" + json_pointer::escape(k),
                             "an Api event's Auth." + printable(k) + " is not supported: xc models Authorizer AWS_IAM or NONE and InvokeRole only");
                }
            }
            if (!ep.value("Path", sam_json()).is_string() || !ep.value("Method", sam_json()).is_string())
                fail(eat + "/Properties", "an Api event needs Path and Method strings");
            std::string api = "ServerlessRestApi";
            if (ep.contains("RestApiId")) {
                const sam_json& ref = ep["RestApiId"];
                if (!ref.is_object() || !ref.contains("Ref") || !ref["Ref"].is_string() || !apis_.contains(ref["Ref"].get<std::string>()))
                    fail(eat + "/Properties/RestApiId", "RestApiId must be a Ref to an AWS::Serverless::Api of this template");
                api = ref["Ref"].get<std::string>();
            } else if (!apis_.contains(api)) {
                apis_[api] = sam_json{{"StageName", "Prod"}};
                implicit_.insert(api);
            }
            std::string method = ep["Method"].get<std::string>();
            for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (method == "any") method = "x-amazon-apigateway-any-method";
            const std::string path = ep["Path"].get<std::string>();
            methods_[api].push_back({path, method, sam_json{{"Fn::Sub", "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${" + id + ".Arn}/invocations"}},
                                     event_auth});
            std::string upper = method == "x-amazon-apigateway-any-method" ? "*" : method;
            for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            sam_json permission{{"Type", "AWS::Lambda::Permission"},
                                {"Properties",
                                 {{"Action", "lambda:InvokeFunction"},
                                  {"FunctionName", sam_json{{"Ref", id}}},
                                  {"Principal", "apigateway.amazonaws.com"},
                                  {"SourceArn", sam_json{{"Fn::Sub", sam_json::array({"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/" + upper + resource_path(path),
                                                                                      sam_json{{"__ApiId__", sam_json{{"Ref", api}}}, {"__Stage__", "*"}}})}}}}}};
            generated(id + ev + "PermissionProd", id, out, std::move(permission));
        }
    }

    // A path in a policy or source ARN: path parameters as "*" ("{id}", "{proxy+}").
    static std::string resource_path(const std::string& path) {
        std::string out;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (path[i] == '{') {
                auto close = path.find('}', i);
                if (close != std::string::npos) {
                    out += '*';
                    i = close;
                    continue;
                }
            }
            out += path[i];
        }
        return out;
    }

    void api(const std::string& id, const sam_json& r, sam_json props, sam_json& out) {
        const std::string where = at(id) + "/Properties";
        if (!props.contains("StageName")) fail(where, "a SAM Api needs a StageName");
        const sam_json stage = props["StageName"];
        sam_json body;
        if (props.contains("DefinitionBody")) body = props["DefinitionBody"];
        else if (props.contains("DefinitionUri")) fail(where + "/DefinitionUri", "a DefinitionUri (an OpenAPI file in S3 or on disk) is not read; inline it as DefinitionBody");
        else body = sam_json{{"swagger", "2.0"}, {"info", {{"version", "1.0"}, {"title", sam_json{{"Ref", "AWS::StackName"}}}}}, {"paths", sam_json::object()}};
        if (!body.is_object()) fail(where + "/DefinitionBody", "DefinitionBody must be an OpenAPI object");
        if (!body.contains("paths") || !body["paths"].is_object()) body["paths"] = sam_json::object();
        for (const auto& m : methods_[id])
            if (body["paths"].contains(m.path) && !body["paths"][m.path].is_object())
                fail(where + "/DefinitionBody/paths/" + json_pointer::escape(m.path), "an OpenAPI path item must be an object");
        // Auth.ResourcePolicy: per path and method of the API's events, then custom statements.
        const sam_json auth = props.value("Auth", sam_json::object());
        // Authorizers, API keys and usage plans decide who may call a route (api-liveness): xc
        // models AWS_IAM and NONE only, and dropping the others could prove a route callable that
        // is not.
        if (auth.is_object())
            for (const auto& [k, v] : auth.items())
                if (k != "ResourcePolicy" && !(k == "DefaultAuthorizer" && v == "AWS_IAM") && !(k == "InvokeRole" && v.is_string()))
                    unsupported(id, "Api", "/Auth/" + json_pointer::escape(k),
                                "Auth." + printable(k) + " is not supported: xc models resource policies, DefaultAuthorizer AWS_IAM and InvokeRole only");
        const bool events_auth = std::any_of(methods_[id].begin(), methods_[id].end(), [](const Method& m) { return m.auth.is_object(); });
        // "If you use the DefinitionBody property ... you must use OverrideApiAuth with Authorizer
        // to override your global authorizer" (ApiFunctionAuth): which operations of a written
        // body SAM gives the default, and which events override it, is not read.
        if (props.contains("DefinitionBody") && auth.is_object() && (auth.contains("DefaultAuthorizer") || (events_auth && auth.contains("InvokeRole"))))
            unsupported(id, "Api", "/Auth", "Auth.DefaultAuthorizer or InvokeRole with a DefinitionBody is not supported (state the body's own x-amazon-apigateway-auth)");
        if (props.contains("DefinitionBody") && events_auth)
            fail(where + "/DefinitionBody", "an Api event's Auth on an API with a DefinitionBody is not supported (state the body's own x-amazon-apigateway-auth)");
        for (const auto& m : methods_[id]) {
            sam_json& op = body["paths"][m.path][m.method];
            if (!op.is_object()) op = sam_json::object();
            if (!op.contains("x-amazon-apigateway-integration")) {
                op["x-amazon-apigateway-integration"] = {{"httpMethod", "POST"}, {"type", "aws_proxy"}, {"uri", m.integration_uri}};
                if (auto credentials = api_auth(auth, m, body, op); !credentials.is_null()) op["x-amazon-apigateway-integration"]["credentials"] = credentials;
            }
            if (!op.contains("responses")) op["responses"] = sam_json::object();
        }
        if (auth.is_object() && auth.contains("ResourcePolicy")) {
            const sam_json& rp = auth["ResourcePolicy"];
            if (!rp.is_object()) fail(where + "/Auth/ResourcePolicy", "ResourcePolicy must be an object");
            static const std::set<std::string> keys{"AwsAccountWhitelist", "AwsAccountBlacklist", "IpRangeWhitelist", "IpRangeBlacklist", "SourceVpcWhitelist",
                                                    "SourceVpcBlacklist", "IntrinsicVpcWhitelist", "IntrinsicVpcBlacklist", "IntrinsicVpceWhitelist",
                                                    "IntrinsicVpceBlacklist", "CustomStatements"};
            for (const auto& [k, _] : rp.items())
                if (!keys.contains(k)) fail(where + "/Auth/ResourcePolicy/" + json_pointer::escape(k), "unknown ResourcePolicy key '" + printable(k) + "'");
            sam_json statements = sam_json::array();
            auto add = [&](const sam_json& s) {
                if (std::find(statements.begin(), statements.end(), s) == statements.end()) statements.push_back(s);
            };
            std::set<std::string> paths;
            for (const auto& m : methods_[id]) paths.insert(m.path);
            for (const auto& path : paths) {
                sam_json resources = sam_json::array();
                for (const auto& [method, _] : body["paths"][path].items()) {
                    if (method == "parameters") continue;
                    std::string upper = method == "x-amazon-apigateway-any-method" || method == "any" ? "*" : method;
                    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                    const std::string text = "/" + upper + resource_path(path);
                    resources.push_back(stage.is_string() ? sam_json("execute-api:/" + stage.get<std::string>() + text)
                                                          : sam_json{{"Fn::Sub", sam_json::array({"execute-api:/${__Stage__}" + text, sam_json{{"__Stage__", stage}}})}});
                }
                auto list = [&](const char* key) { return rp.contains(key) ? (rp[key].is_array() ? rp[key] : sam_json::array({rp[key]})) : sam_json(); };
                auto statement = [&](const char* effect, sam_json principal) {
                    return sam_json{{"Effect", effect}, {"Action", "execute-api:Invoke"}, {"Resource", resources}, {"Principal", std::move(principal)}};
                };
                if (auto a = list("AwsAccountWhitelist"); !a.is_null() && !a.empty()) add(statement("Allow", {{"AWS", a}}));
                if (auto a = list("AwsAccountBlacklist"); !a.is_null() && !a.empty()) add(statement("Deny", {{"AWS", a}}));
                for (const auto& [key, op] : {std::pair{"IpRangeWhitelist", "NotIpAddress"}, std::pair{"IpRangeBlacklist", "IpAddress"}})
                    if (auto ips = list(key); !ips.is_null() && !ips.empty()) {
                        add(statement("Allow", "*"));
                        sam_json deny = statement("Deny", "*");
                        deny["Condition"] = {{op, {{"aws:SourceIp", ips}}}};
                        add(deny);
                    }
                for (const auto& [suffix, op] : {std::pair{"Blacklist", "StringEquals"}, std::pair{"Whitelist", "StringNotEquals"}}) {
                    sam_json condition = sam_json::object();
                    if (auto ids = list(("SourceVpc" + std::string(suffix)).c_str()); !ids.is_null())
                        for (const auto& v : ids) {
                            if (!v.is_string()) fail(where + "/Auth/ResourcePolicy/SourceVpc" + suffix, "SourceVpc lists are strings (vpc-... or vpce-...); use IntrinsicVpc(e) lists for intrinsics");
                            const std::string s = v.get<std::string>();
                            if (s.rfind("vpce-", 0) == 0) condition["aws:SourceVpce"].push_back(s);
                            else if (s.rfind("vpc-", 0) == 0) condition["aws:SourceVpc"].push_back(s);
                        }
                    if (auto ids = list(("IntrinsicVpc" + std::string(suffix)).c_str()); !ids.is_null())
                        for (const auto& v : ids) condition["aws:SourceVpc"].push_back(v);
                    if (auto ids = list(("IntrinsicVpce" + std::string(suffix)).c_str()); !ids.is_null())
                        for (const auto& v : ids) condition["aws:SourceVpce"].push_back(v);
                    if (condition.empty()) continue;
                    add(statement("Allow", "*"));
                    sam_json deny = statement("Deny", "*");
                    deny["Condition"] = {{op, condition}};
                    add(deny);
                }
            }
            if (rp.contains("CustomStatements")) {
                const sam_json custom = rp["CustomStatements"].is_array() ? rp["CustomStatements"] : sam_json::array({rp["CustomStatements"]});
                for (const auto& s : custom) add(s);
            }
            if (!statements.empty()) body["x-amazon-apigateway-policy"] = {{"Version", "2012-10-17"}, {"Statement", statements}};
        }
        sam_json rest{{"Body", body}};
        if (props.contains("Name")) rest["Name"] = props["Name"];
        if (props.contains("EndpointConfiguration")) {
            const sam_json& ec = props["EndpointConfiguration"];
            sam_json config = sam_json::object();
            if (ec.is_string()) config["Types"] = sam_json::array({ec});
            else if (ec.is_object()) {
                if (ec.contains("Type")) config["Types"] = sam_json::array({ec["Type"]});
                if (ec.contains("VPCEndpointIds")) config["VpcEndpointIds"] = ec["VPCEndpointIds"];
            } else {
                fail(where + "/EndpointConfiguration", "EndpointConfiguration is a type or {Type, VPCEndpointIds}");
            }
            rest["EndpointConfiguration"] = config;
        }
        sam_json resource{{"Type", "AWS::ApiGateway::RestApi"}, {"Properties", rest}};
        if (r.contains("Condition")) resource["Condition"] = r["Condition"];
        const std::string from = implicit_.contains(id) ? first_function(id) : id;
        if (implicit_.contains(id)) generated(id, from, out, std::move(resource));
        else {
            out[id] = std::move(resource);
            e_.pointer[id] = at(id);
        }
        const std::string hash = xc::detail::fnv1a_hex(body.dump()).substr(0, 10);
        generated(id + "Deployment" + hash, from, out,
                  sam_json{{"Type", "AWS::ApiGateway::Deployment"}, {"Properties", {{"RestApiId", {{"Ref", id}}}, {"StageName", "Stage"}}}});
        const std::string stage_id = id + (stage.is_string() ? stage.get<std::string>() : std::string()) + "Stage";
        generated(stage_id, from, out,
                  sam_json{{"Type", "AWS::ApiGateway::Stage"},
                           {"Properties", {{"RestApiId", {{"Ref", id}}}, {"DeploymentId", {{"Ref", id + "Deployment" + hash}}}, {"StageName", stage}}}});
    }
    // AWS_IAM on an event's method, as SAM writes it: the event's Auth.Authorizer, else the API's
    // Auth.DefaultAuthorizer ("DefaultAuthorizer: Specify a default authorizer for an API Gateway
    // API"; ApiFunctionAuth "Authorizer: ... you can override the authorizer by setting Authorizer
    // to NONE. Valid values: AWS_IAM, NONE, or the logical ID for any authorizer", SAM Developer
    // Guide, sam-property-api-apiauth.html, sam-property-function-apifunctionauth.html). SAM
    // declares IAM as the security scheme "AWS_IAM" (x-amazon-apigateway-authtype awsSigv4) and
    // names it in the operation's `security`. With AWS_IAM, SAM sets the integration's credentials
    // from InvokeRole (the event's, else the API's), CALLER_CREDENTIALS by default, which is
    // "arn:aws:iam::*:user/*": the function is invoked with the caller's credentials
    // (samtranslator's _get_invoke_role; aws/serverless-application-model#923), and NONE sets none.
    // Returns the integration's credentials (null: none).
    static sam_json api_auth(const sam_json& api_auth, const Method& m, sam_json& body, sam_json& op) {
        const sam_json def = api_auth.is_object() ? api_auth.value("DefaultAuthorizer", sam_json()) : sam_json();
        const sam_json authorizer = m.auth.is_object() && m.auth.contains("Authorizer") ? m.auth["Authorizer"] : def;
        if (authorizer != "AWS_IAM") return nullptr;
        body["securityDefinitions"]["AWS_IAM"] = {{"type", "apiKey"}, {"name", "Authorization"}, {"in", "header"}, {"x-amazon-apigateway-authtype", "awsSigv4"}};
        op["security"] = sam_json::array({sam_json{{"AWS_IAM", sam_json::array()}}});
        sam_json role = m.auth.is_object() && m.auth.contains("InvokeRole") ? m.auth["InvokeRole"]
                        : api_auth.is_object() && api_auth.contains("InvokeRole") ? api_auth["InvokeRole"]
                                                                                  : sam_json("CALLER_CREDENTIALS");
        if (role == "NONE") return nullptr;
        if (role == "CALLER_CREDENTIALS") return sam_json{{"Fn::Sub", "arn:${AWS::Partition}:iam::*:user/*"}};
        return role;
    }
    std::string first_function(const std::string&) const {
        for (const auto& [id, from] : e_.generated_by)
            if (id.find("Permission") != std::string::npos) return from;
        return "";
    }

    void table(const std::string& id, const sam_json& r, const sam_json& props, sam_json& out) {
        const std::string where = at(id) + "/Properties";
        sam_json key = props.value("PrimaryKey", sam_json{{"Name", "id"}, {"Type", "String"}});
        if (!key.is_object() || !key.value("Name", sam_json()).is_string()) fail(where + "/PrimaryKey", "PrimaryKey needs a Name");
        static const std::map<std::string, std::string> types{{"String", "S"}, {"Number", "N"}, {"Binary", "B"}};
        const std::string type = key.value("Type", sam_json("String")).is_string() ? key.value("Type", sam_json("String")).get<std::string>() : "";
        if (!types.contains(type)) fail(where + "/PrimaryKey/Type", "PrimaryKey Type is String, Number or Binary");
        sam_json t{{"KeySchema", sam_json::array({{{"AttributeName", key["Name"]}, {"KeyType", "HASH"}}})},
                   {"AttributeDefinitions", sam_json::array({{{"AttributeName", key["Name"]}, {"AttributeType", types.at(type)}}})}};
        if (props.contains("TableName")) t["TableName"] = props["TableName"];
        if (props.contains("ProvisionedThroughput")) t["ProvisionedThroughput"] = props["ProvisionedThroughput"];
        else t["BillingMode"] = "PAY_PER_REQUEST";
        if (props.contains("SSESpecification")) t["SSESpecification"] = props["SSESpecification"];
        sam_json resource{{"Type", "AWS::DynamoDB::Table"}, {"Properties", t}};
        if (r.contains("Condition")) resource["Condition"] = r["Condition"];
        out[id] = std::move(resource);
        e_.pointer[id] = at(id);
    }

    const TemplateSource& t_;
    Expanded& e_;
    sam_json globals_, in_;  // the template's Globals and Resources as written
    std::map<std::string, sam_json> apis_;                  // logical id -> properties (Globals merged)
    std::set<std::string> implicit_;                        // ServerlessRestApi, when events need it
    std::map<std::string, std::vector<Method>> methods_;    // api -> the methods its events add
};

}  // namespace detail

// The template with its transforms applied. A Transform xc does not know is an error: xc cannot
// know what a macro generates.
inline Expanded expand(const TemplateSource& t) {
    Expanded e;
    e.document = t.root();
    if (!e.document.is_object() || !e.document.contains("Transform")) {
        if (e.document.is_object() && e.document.contains("Resources") && e.document["Resources"].is_object())
            for (const auto& [id, r] : e.document["Resources"].items())
                if (r.is_object() && r.value("Type", nlohmann::json()).is_string() && r["Type"].get<std::string>().rfind("AWS::Serverless::", 0) == 0)
                    throw InputError(t.diagnostic("/Resources/" + json_pointer::escape(id) + "/Type",
                                                  "an AWS::Serverless resource needs \"Transform: " + std::string(sam_transform) + "\""));
        return e;
    }
    const nlohmann::json& tr = e.document["Transform"];
    nlohmann::json names = tr.is_array() ? tr : nlohmann::json::array({tr});
    bool sam = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string at = tr.is_array() ? "/Transform/" + std::to_string(i) : "/Transform";
        if (names[i].is_string() && names[i].get<std::string>() == sam_transform) {
            sam = true;
            continue;
        }
        throw InputError(t.diagnostic(at, "unknown Transform " + (names[i].is_string() ? "'" + printable(names[i].get<std::string>()) + "'" : names[i].dump()) +
                                              ": xc applies only " + sam_transform + " (a macro's output is unknown to xc)"));
    }
    if (sam) detail::SamTransform(t, e).run();
    return e;
}

}  // namespace xc::input::cloudformation
