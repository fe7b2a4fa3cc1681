// The policy shape that once ran a verify query for minutes (issue 16): many Allow statements
// whose resource and condition globs are star-heavy, `*a*a*a*a*a*a*a*a*b<i>`, each statement's
// two StringLike conditions on aws:SourceVpce contradictory (`...b<i>` and `...b<i+1>`). Every
// refinement round the solver proposes a statement; proving it unrealisable searches the whole
// product of a few hundred automata, and core minimisation repeats that search once per atom.
// Measured before the time bounds, `xc verify --timeout-ms 5`: 50 statements 3.0 s, 100
// statements 41.6 s. Shared by the bench (bench/verify), the tests (tests/verify) and the fuzz
// regression inputs, so they all measure the same thing.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace xc::test {

// `*a*a*a*a*a*a*a*a*b<i>`: `stars` runs of `*a`, then `*b` and the statement's number.
inline std::string slow_glob(std::size_t i, std::size_t stars = 8) {
    std::string g;
    for (std::size_t k = 0; k < stars; ++k) g += "*a";
    return g + "*b" + std::to_string(i);
}

// An API resource policy of `statements` such Allow statements (250: 62 KB of compact JSON,
// near the 64 KiB policy limit).
inline nlohmann::json slow_api_policy(std::size_t statements) {
    nlohmann::json st = nlohmann::json::array();
    for (std::size_t i = 0; i < statements; ++i)
        st.push_back({{"Effect", "Allow"},
                      {"Principal", "*"},
                      {"Action", "execute-api:Invoke"},
                      {"Resource", "execute-api:/*/" + slow_glob(i)},
                      {"Condition",
                       {{"StringLike", {{"aws:SourceVpce", slow_glob(i)}}}, {"StringLikeIfExists", {{"aws:SourceVpce", slow_glob(i + 1)}}}}}});
    return {{"Version", "2012-10-17"}, {"Statement", st}};
}

// `model` (the reference model's JSON) with that policy on its first service's API.
inline std::string slow_policy_model(nlohmann::json model, std::size_t statements) {
    model["services"].begin().value()["apis"]["orders"]["policy"] = slow_api_policy(statements);
    return model.dump(1);
}

}  // namespace xc::test
