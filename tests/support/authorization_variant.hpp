// The reference model with IAM authorization, built in C++ (the JSON format's "authorization"
// and "callers" come with the proof side): every service API AWS_IAM by default, its first
// route NONE on its own, and a consumer role "api-client" (allowed execute-api:Invoke) that calls
// every API. What the front-end round trips read back.
#pragma once

#include <model_variants.hpp>

#include <xc/input/json/load.hpp>
#include <xc/model/model.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace xc::test {

inline const char* const api_client_role = "api-client";

inline model::Model aws_iam_model(nlohmann::json j = model_json(), const std::string& name = "cross-account-microservices") {
    j["consumer"]["roles"][api_client_role] = nlohmann::json::parse(R"({
        "trustPolicy": {"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "policies": {"invoke-apis": {"Version": "2012-10-17",
                                     "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*"}]}}
    })");
    model::Model m = input::json::load_model_text(j.dump(1), name + ".json");
    for (auto& [_, s] : m.services)
        for (auto& [_, a] : s.apis) {
            a.authorization = model::Authorization::aws_iam;
            if (!a.routes.empty()) a.routes.begin()->second.authorization = model::Authorization::none;
            a.callers.push_back(model::Ref{m.consumer.name, api_client_role});
        }
    return m;
}

// Every route of `back` (an API read back) has the authorization `api`'s has; counts the routes
// and the AWS_IAM ones into `routes` and `iam`.
inline void expect_same_authorization(const model::RestApi& api, const model::RestApi& back, std::size_t& routes, std::size_t& iam) {
    ASSERT_EQ(back.routes.size(), api.routes.size());
    for (const auto& [key, r] : api.routes) {
        EXPECT_EQ(back.authorization_of(back.routes.at(key)), api.authorization_of(r)) << key;
        iam += api.authorization_of(r) == model::Authorization::aws_iam;
        ++routes;
    }
}

}  // namespace xc::test
