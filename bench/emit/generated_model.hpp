// A generated model of any size: the reference model's consumer plus N services stamped from its
// `orders-service` template, each in its own account (shared by the emit benches).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace xc::bench {

// `third_option` is the last of each service's order options: two values give two models whose
// outputs differ in every service (the kill stress test tells old from new output by it).
inline std::string generated_model(int services, const std::string& third_option = "water") {
    std::ifstream in(std::string(XC_SOURCE_DIR) + "/models/cross-account-microservices.json");
    std::stringstream text;
    text << in.rdbuf();
    auto m = nlohmann::json::parse(text.str());
    auto accounts = nlohmann::json::object();
    accounts["consumer"] = m["accounts"]["consumer"];
    auto stamped = nlohmann::json::object();
    for (int i = 0; i < services; ++i) {
        char name[32], id[16];
        std::snprintf(name, sizeof name, "svc-%05d", i);
        std::snprintf(id, sizeof id, "%012lld", 200000000000LL + i);
        accounts[name] = {{"id", id}, {"role", "service"}};
        stamped[name] = {{"account", name}, {"template", "orders-service"},
                         {"parameters", {{"orderOptions", {"tea", "coffee", third_option}}}}};
    }
    m["accounts"] = accounts;
    m["services"] = stamped;
    // The consumer's alias records name the reference's two services; keep the zone, drop them.
    m["consumer"]["hostedZones"]["services"]["records"] = nlohmann::json::object();
    return m.dump();
}

}  // namespace xc::bench
