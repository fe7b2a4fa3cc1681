// What the commands share: reading models into graphs that live as long as the process, and, for
// the proving commands (verify, diff), the selection of what to check and the options it gives
// the library.
#pragma once

#include <xc/xc.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace xc::cli {

// What a proving command checks, how long it may take and on how many threads (--properties/--checks,
// --skip, --timeout-ms, --run-timeout-ms, --jobs).
struct CheckSelection {
    std::vector<std::string> only, skip;
    unsigned timeout_ms = verify::VerifyOptions{}.timeout_ms;          // per query (one check on one subject)
    unsigned run_timeout_ms = verify::VerifyOptions{}.run_timeout_ms;  // the whole run
    unsigned jobs = 0;                                                 // threads (0: one per core)

    verify::VerifyOptions options() const {
        verify::VerifyOptions o;
        o.only = {only.begin(), only.end()};
        o.skip = {skip.begin(), skip.end()};
        o.timeout_ms = timeout_ms;
        o.run_timeout_ms = run_timeout_ms;
        o.jobs = jobs;
        return o;
    }
};

// "unknown <what> 'x' (did you mean 'y'?)" for the first of `only` and `skip` that is not one of
// `known`, else "".
inline std::string unknown_id(const CheckSelection& s, const std::vector<std::string>& known, std::string_view what) {
    for (const auto* ids : {&s.only, &s.skip})
        for (const auto& id : *ids)
            if (std::find(known.begin(), known.end(), id) == known.end()) {
                std::string hint = did_you_mean(id, known);
                return "unknown " + std::string(what) + " '" + id + "'" + (hint.empty() ? "" : " (" + hint + ")");
            }
    return {};
}

// What a command builds in proportion to the model (its graphs, its reports, the files it emits)
// lives until the process ends and is deliberately never freed: a graph is ~40 KB of small
// allocations per service, and destroying a 10,000-service one at exit took 15 % of `xc verify`'s
// time, the 100,000 findings of its report another 3-5 %, for memory the OS takes back at once.
// `make()` returns the value, which is built in place (a graph is neither copied nor moved).
template <class Make>
auto& kept_until_exit(Make&& make) {
    using T = decltype(make());
    return *new T(make());
}

// Loading uses up to `jobs` threads (0: one per core), as proving does.
inline const model::Graph& load_graph(const std::string& file, unsigned jobs = 0) {
    return kept_until_exit([&] { return model::build_graph(input::json::load_model_file(file, {}, jobs), jobs); });
}

// The graph of the CloudFormation stacks `stack_args` name (cloudformation_stacks.hpp); `label`
// is set to their template files. What xc does not model is noted on stderr.
inline const model::Graph& load_stacks_graph(const std::vector<std::string>& stack_args, std::string& label, unsigned jobs = 0);

}  // namespace xc::cli
