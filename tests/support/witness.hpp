// A finding's witness (verify's to_json of a request) read back as a concrete request, for tests
// that re-decide witnesses with the concrete evaluator.
#pragma once

#include <xc/policy/request.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace xc::test {

inline xc::policy::Request request_of(const nlohmann::json& w) {
    xc::policy::Request r;
    if (w["principal"] != "anonymous") {
        auto type = xc::policy::PrincipalType::AWS;
        for (auto t : {xc::policy::PrincipalType::Service, xc::policy::PrincipalType::Federated, xc::policy::PrincipalType::CanonicalUser})
            if (w.value("principalType", "AWS") == xc::policy::to_string(t)) type = t;
        r.principal = xc::policy::RequestPrincipal{type, w["principal"]};
    }
    r.action = w["action"];
    r.resource = w["resource"];
    for (const auto& [k, v] : w["context"].items()) {
        if (v.is_array()) r.context.set_multi(k, v.get<std::vector<std::string>>());
        else r.context.set(k, v.get<std::string>());
    }
    return r;
}

}  // namespace xc::test
