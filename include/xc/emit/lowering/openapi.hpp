// The OpenAPI (Swagger 2.0) body of a REST API: routes, request validators, body models
// (with enums) and `aws_proxy` Lambda integrations, as a lowered JSON document.
#pragma once

#include <xc/emit/lowering/json_document.hpp>
#include <xc/emit/lowering/value.hpp>
#include <xc/model/model.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace xc::emit::lowering {

// The validator API Gateway applies to every method, named after what it checks.
inline std::string validator_name(const model::RestApi& api) {
    if (api.validate_body && api.validate_parameters) return "body-and-parameters";
    if (api.validate_body) return "body";
    if (api.validate_parameters) return "parameters";
    return "";
}

// `invoke_arn(lambda)` is the value of the route's Lambda's invoke ARN in the stack; `policy`
// (a document, or null) is the API's resource policy, carried in the body as well (see lower_api).
inline Value openapi_body(const model::RestApi& api, const std::string& title,
                          const std::function<Value(const model::Ref&)>& invoke_arn, const Value& policy) {
    std::map<std::string, Entries> paths;  // path -> method -> operation
    Entries definitions;
    for (const auto& [key, route] : api.routes) {
        std::vector<Value> parameters;
        // Path parameters: every {name} or {name+} segment.
        for (std::size_t at = route.resource_path.find('{'); at != std::string::npos;
             at = route.resource_path.find('{', at + 1)) {
            auto end = route.resource_path.find('}', at);
            if (end == std::string::npos) break;
            std::string name = route.resource_path.substr(at + 1, end - at - 1);
            if (!name.empty() && name.back() == '+') name.pop_back();
            parameters.push_back(object({{"in", str("path")}, {"name", str(name)}, {"required", boolean(true)},
                                         {"type", str("string")}}));
        }
        for (const auto& [name, q] : route.query)
            parameters.push_back(object({{"in", str("query")}, {"name", str(name)}, {"required", boolean(q.required)},
                                         {"type", str("string")}}));
        Entries op;
        if (route.body) {
            const auto& b = *route.body;
            parameters.push_back(object({{"in", str("body")}, {"name", str(b.model)}, {"required", boolean(true)},
                                         {"schema", object({{"$ref", str("#/definitions/" + b.model)}})}}));
            Entries properties;
            for (const auto& [pname, p] : b.properties) {
                Entries schema = entries({{"type", str(p.type)}});
                if (!p.enum_values.empty()) {
                    std::vector<Value> e;
                    for (const auto& x : p.enum_values) e.push_back(str(x));
                    schema.emplace_back("enum", list(std::move(e)));
                }
                properties.emplace_back(pname, object(std::move(schema)));
            }
            std::vector<Value> required;
            for (const auto& r : b.required) required.push_back(str(r));
            Entries def = entries({{"type", str("object")}, {"properties", object(std::move(properties))}});
            if (!required.empty()) def.emplace_back("required", list(std::move(required)));
            definitions.emplace_back(b.model, object(std::move(def)));
            op.emplace_back("consumes", list({str("application/json")}));
        }
        if (!parameters.empty()) op.emplace_back("parameters", list(std::move(parameters)));
        op.emplace_back("produces", list({str("application/json")}));
        // The route's authorization, on the operation: "x-amazon-apigateway-auth ... Specify
        // "NONE" for open access. Specify "AWS_IAM" to use IAM permissions" (API Gateway
        // Developer Guide, api-gateway-swagger-extensions-auth.html). Per operation: API Gateway
        // does not apply a document-level `security` (input/detail/openapi_authorization.hpp).
        if (api.authorization_of(route) == model::Authorization::aws_iam)
            op.emplace_back("x-amazon-apigateway-auth", object({{"type", str("AWS_IAM")}}));
        op.emplace_back("responses", object({{"200", object({{"description", str("OK")}})}}));
        op.emplace_back("x-amazon-apigateway-integration",
                        object({{"httpMethod", str("POST")}, {"passthroughBehavior", str("when_no_match")},
                                {"type", str("aws_proxy")}, {"uri", invoke_arn(route.lambda)}}));
        std::string method = route.method == "ANY" ? "x-amazon-apigateway-any-method" : route.method;
        for (auto& c : method) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        paths[route.resource_path].emplace_back(method, object(std::move(op)));
    }
    Entries path_entries;
    for (auto& [p, methods] : paths) path_entries.emplace_back(p, object(std::move(methods)));

    Entries doc = entries({
        {"swagger", str("2.0")},
        {"info", object({{"title", str(title)}, {"version", str("1.0")}})},
        {"schemes", list({str("https")})},
        {"paths", object(std::move(path_entries))},
    });
    if (!definitions.empty()) doc.emplace_back("definitions", object(std::move(definitions)));
    if (auto v = validator_name(api); !v.empty()) {
        doc.emplace_back("x-amazon-apigateway-request-validators",
                         object({{v, object({{"validateRequestBody", boolean(api.validate_body)},
                                             {"validateRequestParameters", boolean(api.validate_parameters)}})}}));
        doc.emplace_back("x-amazon-apigateway-request-validator", str(v));
    }
    // x-amazon-apigateway-policy "Specifies a resource policy for a REST API" (API Gateway
    // Developer Guide, "x-amazon-apigateway-policy",
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/openapi-extensions-policy.html).
    if (policy.kind == Value::Kind::document) doc.emplace_back("x-amazon-apigateway-policy", policy.items.front());
    return document(sorted(object(std::move(doc))));
}

}  // namespace xc::emit::lowering
