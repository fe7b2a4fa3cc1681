// The authorization an OpenAPI body gives one operation, for every front end that reads bodies
// (Terraform's aws_api_gateway_rest_api.body, CloudFormation's Body and SAM's generated one):
// one reading, so that the same body means the same routes whichever front end reads it.
//
// What API Gateway reads (API Gateway Developer Guide, OpenAPI extensions):
//  * x-amazon-apigateway-auth ("api-gateway-swagger-extensions-auth.html"): "Defines an
//    authorization type to be applied for authorization of method invocations in API Gateway.
//    type: Specifies the authorization type. Specify "NONE" for open access. Specify "AWS_IAM"
//    to use IAM permissions. Values are case insensitive." — on an operation.
//  * x-amazon-apigateway-authtype ("api-gateway-swagger-extensions-authtype.html"): "it can also
//    be used as a way to define IAM authorization across several operations that share the same
//    security scheme. In this case, the term awsSigv4 is a reserved term ... This extension
//    applies to the apiKey type security scheme in OpenAPI 2 and OpenAPI 3" — a scheme in
//    securityDefinitions (Swagger 2.0) or components.securitySchemes (OpenAPI 3) that an
//    operation's `security` names.
// Anything else stays open (the caller records it Unresolved on the route): another authtype or
// scheme (a Lambda authorizer: CUSTOM; a Cognito user pool; an API key), several requirements,
// scopes, both forms on one operation (which one API Gateway keeps is not documented), an empty
// `security` list, and a document-level `security` — "API Gateway doesn't support the API level
// security field. You have to apply it per method" (an API Gateway engineer,
// amazon-archives/aws-apigateway-importer#204), so reading it as every operation's could call a
// route IAM-authorized that API Gateway left open. An operation with neither is NONE, API
// Gateway's authorization for a method the body states none for.
#pragma once

#include <xc/model/model.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <optional>
#include <string>

namespace xc::input::detail {

struct OperationAuthorization {
    // The operation's own authorization; nullopt: it states none (API Gateway's NONE), or `open`.
    std::optional<model::Authorization> stated;
    std::string open;  // non-empty: why the authorization is not known (Unresolved on the route)
};

inline std::string upper_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// The security scheme `name` of `body`, Swagger 2.0's or OpenAPI 3's; null when there is none.
inline const nlohmann::json* openapi_security_scheme(const nlohmann::json& body, const std::string& name) {
    for (const auto* pointer : {"/securityDefinitions", "/components/securitySchemes"}) {
        const nlohmann::json::json_pointer p(pointer);
        if (!body.contains(p)) continue;
        const auto& schemes = body.at(p);
        if (schemes.is_object() && schemes.contains(name)) return &schemes.at(name);
    }
    return nullptr;
}

inline OperationAuthorization openapi_operation_authorization(const nlohmann::json& body, const nlohmann::json& op) {
    OperationAuthorization out;
    if (body.is_object() && body.contains("security")) {
        out.open = "the body states a document-level `security`, which API Gateway does not apply to its methods";
        return out;
    }
    if (body.is_object() && body.contains("x-amazon-apigateway-api-key-source")) {
        out.open = "the body names an API key source: API keys are not modelled";
        return out;
    }
    if (!op.is_object()) return out;
    const bool auth = op.contains("x-amazon-apigateway-auth"), security = op.contains("security");
    if (auth && security) {
        out.open = "the operation states both x-amazon-apigateway-auth and `security`: which one API Gateway applies is not documented";
        return out;
    }
    if (auth) {
        const auto& a = op["x-amazon-apigateway-auth"];
        const std::string type = a.is_object() && a.contains("type") && a["type"].is_string() ? upper_ascii(a["type"].get<std::string>()) : "";
        if (type == "NONE") out.stated = model::Authorization::none;
        else if (type == "AWS_IAM") out.stated = model::Authorization::aws_iam;
        else out.open = "x-amazon-apigateway-auth is not {type: NONE | AWS_IAM}: only those are modelled";
        return out;
    }
    if (security) {
        // Exactly one requirement naming exactly one awsSigv4 scheme, without scopes.
        const auto& s = op["security"];
        const bool one = s.is_array() && s.size() == 1 && s[0].is_object() && s[0].size() == 1 && s[0].begin().value().is_array() &&
                         s[0].begin().value().empty();
        const nlohmann::json* scheme = one ? openapi_security_scheme(body, s[0].begin().key()) : nullptr;
        if (scheme && scheme->is_object() && scheme->value("type", nlohmann::json()) == "apiKey" &&
            scheme->value("x-amazon-apigateway-authtype", nlohmann::json()) == "awsSigv4" && !scheme->contains("x-amazon-apigateway-authorizer"))
            out.stated = model::Authorization::aws_iam;
        else
            out.open = "the operation's `security` is not one awsSigv4 scheme (IAM): authorizers, Cognito user pools and API keys are not modelled";
    }
    return out;
}

}  // namespace xc::input::detail
