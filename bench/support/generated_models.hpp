// Generated models of any size, in the two shapes the benches measure:
// - stamped: N services stamped from the reference model's `orders-service` template, each in
//   its own account, every tenth with a wildcard endpoint condition (a violation), a shared
//   secret and key per 500 services (AWS caps secret and key policies at 20 KiB / 32 KiB);
// - distinct: the same, but every service's API has its own id and its own policy — a literal-ARN
//   Allow and a Deny of its own — so no proof of one service can be reused for another.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace xc::bench {

enum class ModelShape { stamped, distinct };

inline const char* to_string(ModelShape s) { return s == ModelShape::stamped ? "stamped" : "distinct"; }

inline std::string reference_model_text() {
    std::ifstream in(std::string(XC_SOURCE_DIR) + "/models/cross-account-microservices.json");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// 12-digit account patterns that match exactly the ids [first, first + n): at each digit from the
// most significant, whole blocks of 10^k ids become one pattern ending in k '?'.
inline std::vector<std::string> account_patterns(std::size_t first, std::size_t n) {
    std::vector<std::string> patterns;
    std::size_t at = first;
    const std::size_t end = first + n;
    while (at < end) {
        std::size_t block = 1;
        int wild = 0;
        while (at % (block * 10) == 0 && at + block * 10 <= end) block *= 10, ++wild;
        char id[24];  // 12 digits here; room for any size_t
        std::snprintf(id, sizeof id, "%012zu", at);
        std::string p(id);
        for (int k = 0; k < wild; ++k) p[p.size() - 1 - static_cast<std::size_t>(k)] = '?';
        patterns.push_back(p);
        at += block;
    }
    return patterns;
}

inline std::string generated_services_model(std::size_t n, ModelShape shape = ModelShape::stamped) {
    auto model = nlohmann::json::parse(reference_model_text());
    auto& accounts = model["accounts"];
    auto& services = model["services"];
    auto& consumer = model["consumer"];
    auto& records = consumer["hostedZones"]["services"]["records"];
    const std::string region = model["region"];
    const auto secret_template = consumer["secrets"]["endpoint-id"];
    const auto key_template = consumer["kmsKeys"]["shared-secret"];
    consumer["secrets"] = nlohmann::json::object();
    consumer["kmsKeys"] = nlohmann::json::object();
    services = nlohmann::json::object();
    records = nlohmann::json::object();
    for (auto it = accounts.begin(); it != accounts.end();)
        it = it.key() == "consumer" ? std::next(it) : accounts.erase(it);
    constexpr std::size_t group = 500;
    for (std::size_t i = 0; i < n; ++i) {
        std::string name = "svc" + std::to_string(i);
        std::string g = std::to_string(i / group);
        std::string secret = "endpoint-id-" + g, key = "shared-secret-" + g;
        if (!consumer["secrets"].contains(secret)) {
            consumer["secrets"][secret] = secret_template;
            consumer["secrets"][secret]["kmsKey"] = key;
            consumer["secrets"][secret]["policy"]["Statement"][0]["Principal"]["AWS"] = nlohmann::json::array();
            consumer["kmsKeys"][key] = key_template;
            consumer["kmsKeys"][key]["policy"]["Statement"][1]["Principal"]["AWS"] = nlohmann::json::array();
            // The key decrypts only its own secret (onlyItsSecrets): the template's condition names
            // the reference's secret; each group's key names its group's.
            consumer["kmsKeys"][key]["policy"]["Statement"][1]["Condition"]["StringLike"]["kms:EncryptionContext:SecretARN"] =
                "arn:aws:secretsmanager:" + region + ":" + accounts["consumer"]["id"].get<std::string>() + ":secret:" +
                model["name"].get<std::string>() + "/" + secret + "-??????";
        }
        char id[16];
        std::snprintf(id, sizeof id, "%012zu", 200000000000 + i);
        accounts[name] = {{"id", id}, {"role", "service"}};
        nlohmann::json service{{"account", name}, {"template", "orders-service"}, {"parameters", {{"orderOptions", {"a", "b"}}}}};
        auto& api = service["apis"]["orders"];
        api["endpointIdFrom"] = "consumer/" + secret;
        if (shape == ModelShape::distinct) {
            char api_id[32];
            std::snprintf(api_id, sizeof api_id, "d%09zu", i);
            api["id"] = api_id;
            const std::string arn = "arn:aws:execute-api:" + region + ":" + id + ":" + api_id;
            api["policy"] = {{"Version", "2012-10-17"},
                             {"Statement",
                              {{{"Sid", "OnlyTheConsumerEndpoint"}, {"Effect", "Allow"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"},
                                {"Resource", arn + "/v1/*/*"}, {"Condition", {{"StringEquals", {{"aws:SourceVpce", "vpce-0a1b2c3d4e5f60718"}}}}}},
                               {{"Sid", "NoDeletes"}, {"Effect", "Deny"}, {"Principal", "*"}, {"Action", "execute-api:Invoke"},
                                {"Resource", arn + "/v1/DELETE/orders/" + std::to_string(i) + "*"}}}}};
        }
        if (i % 10 == 9)  // a violation: any endpoint
            api["policy"] = nlohmann::json::parse(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
                "Condition": {"StringLike": {"aws:SourceVpce": "vpce-*"}}}]})");
        services[name] = service;
        records[name] = {{"alias", {{"loadBalancer", "internal"}}}};
        consumer["secrets"][secret]["policy"]["Statement"][0]["Principal"]["AWS"].push_back(std::string("arn:aws:iam::") + id + ":root");
        consumer["kmsKeys"][key]["policy"]["Statement"][1]["Principal"]["AWS"].push_back(std::string("arn:aws:iam::") + id + ":root");
    }
    // The endpoint reaches only the services' accounts (endpoint-egress): the ids [base, base + n)
    // as few account patterns as cover exactly them (a digit range per '?'), since an endpoint
    // policy cannot list 10,000 accounts (20,480 characters).
    auto& egress = consumer["vpcEndpoints"]["execute-api"]["policy"]["Statement"][0]["Resource"];
    egress = nlohmann::json::array();
    for (const auto& pattern : account_patterns(200000000000, n))
        egress.push_back("arn:aws:execute-api:" + region + ":" + pattern + ":*");
    return model.dump();
}

}  // namespace xc::bench
