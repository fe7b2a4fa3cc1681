// Seed-corpus helper: writes N policy-harness inputs (policy JSON, "---", request lines) made by
// the differential tests' seeded generator (tests/policy/differential.hpp).
//   xc_fuzz_seed_policies <out-dir> [count]
#include "../policy/differential.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: xc_fuzz_seed_policies <out-dir> [count]\n";
        return 2;
    }
    const std::filesystem::path out = argv[1];
    const int count = argc > 2 ? std::atoi(argv[2]) : 200;
    std::filesystem::create_directories(out);
    xc::policy::difftest::Generator gen(20240601);
    for (int i = 0; i < count; ++i) {
        auto c = gen.next();
        const auto& req = c.sim["request"];
        std::string text = c.xc_resource_policy.dump(1) + "\n---\n";
        if (req["principal"].is_string()) {
            const auto p = req["principal"].get<std::string>();
            text += (p.ends_with(".amazonaws.com") ? "service=" : "principal=") + p + "\n";
        }
        text += "action=" + req["action"].get<std::string>() + "\n";
        text += "resource=" + req["resource"]["resource"].get<std::string>() + "\n";
        text += "account=" + req["resource"]["accountId"].get<std::string>() + "\n";
        for (auto it = req["contextVariables"].begin(); it != req["contextVariables"].end(); ++it) {
            if (it.value().is_array()) {
                std::string joined;
                for (const auto& v : it.value()) joined += (joined.empty() ? "" : ",") + v.get<std::string>();
                text += it.key() + "[]=" + joined + "\n";
            } else {
                text += it.key() + "=" + it.value().get<std::string>() + "\n";
            }
        }
        std::ofstream(out / ("differential-" + std::to_string(i) + ".txt"), std::ios::binary) << text;
    }
    return 0;
}
