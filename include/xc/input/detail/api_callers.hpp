// Which of the consumer's roles call which APIs (RestApi::callers), for every front end.
//
// No AWS setting says it: an API's resource policy may name a whole account, and a role's identity
// policy may allow execute-api:Invoke on "*". The deployment states it the way it states a
// function's handler: the consumer's role carries the tag "xc:calls", whose value is the names of
// the APIs it calls (the APIs' `name` / `Name`), separated by spaces (IAM tag values allow
// letters, digits, spaces and _.:/=+-@; an API name with other characters cannot be listed). The
// emitters write it (emit/lowering.hpp). A name no API of the given roots / stacks has, or more
// than one has, leaves the role Unresolved; without the tag an API has no callers.
#pragma once

#include <xc/model/model.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xc::input::detail {

inline constexpr const char* caller_tag = "xc:calls";

inline std::vector<std::string> called_api_names(std::string_view value) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < value.size()) {
        const auto end = value.find(' ', at);
        const auto word = value.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (!word.empty()) out.emplace_back(word);
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    return out;
}

// Adds consumer role `role` to the callers of each API `api_names` names (by its deployed name);
// returns, for each name that names no API or several, why.
inline std::vector<std::string> add_api_caller(model::Model& m, const std::string& role, const std::vector<std::string>& api_names) {
    std::vector<std::string> open;
    for (const auto& name : api_names) {
        std::vector<model::RestApi*> found;
        auto look = [&](model::Scope& s) {
            for (auto& [_, a] : s.apis)
                if (a.deployed_name == name) found.push_back(&a);
        };
        look(m.consumer);
        for (auto& [_, s] : m.services) look(s);
        if (found.size() != 1) {
            open.push_back("the role calls the API '" + name + "' (tag " + caller_tag + "), which " +
                           (found.empty() ? "no API of the given input is named" : "several APIs of the given input are named"));
            continue;
        }
        const model::Ref ref{m.consumer.name, role};
        auto& callers = found.front()->callers;
        bool already = false;
        for (const auto& c : callers) already = already || c == ref;
        if (!already) callers.push_back(ref);
    }
    return open;
}

}  // namespace xc::input::detail
