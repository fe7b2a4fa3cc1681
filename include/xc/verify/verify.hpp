// xc::verify: prove the model's properties, or find concrete counterexamples.
//
//   auto report = xc::verify::verify(graph);          // every property
//   report.exit_code();                                // 0 proved, 1 violated, 3 undecided
//
// One Z3 context serves every query of a run; each query gets a fresh solver (push/pop on one
// solver was measured to answer `unknown` where a fresh one answered in milliseconds).
#pragma once

#include <xc/verify/api_properties.hpp>
#include <xc/verify/checker.hpp>
#include <xc/verify/edge_properties.hpp>
#include <xc/verify/finding.hpp>
#include <xc/verify/lambda_properties.hpp>
#include <xc/verify/secret_share.hpp>

#include <functional>

namespace xc::verify {

// Called after each private API's properties are checked (count done, total), for progress.
using Progress = std::function<void(std::size_t, std::size_t)>;

inline Report verify(const model::Graph& graph, const VerifyOptions& options = {}, const Progress& progress = {}) {
    Checker checker(graph, options);
    auto apis = graph.private_apis();
    std::size_t done = 0;
    for (auto api : apis) {
        if (checker.enabled("api-endpoint-only")) check_api_endpoint_only(checker, api);
        if (checker.enabled("api-liveness")) check_api_liveness(checker, api);
        if (checker.enabled("dns-tls")) check_dns_tls(checker, api);
        if (progress) progress(++done, apis.size());
    }
    if (checker.enabled("network-ingress")) check_network_ingress(checker);
    if (checker.enabled("secret-share"))
        for (auto s : graph.vertices(model::VertexKind::secret))
            if (!graph.out(s, model::EdgeKind::holds_id_of).empty()) check_secret_share(checker, s);
    for (auto l : graph.vertices(model::VertexKind::lambda)) {
        if (checker.enabled("lambda-invoke")) check_lambda_invoke(checker, l);
        if (checker.enabled("lambda-data")) check_lambda_network(checker, l);
    }
    if (checker.enabled("lambda-data"))
        for (auto r : graph.vertices(model::VertexKind::role)) check_role_data_access(checker, r);
    return std::move(checker.report());
}

}  // namespace xc::verify
