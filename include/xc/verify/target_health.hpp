// Target health (a check of api-liveness): each target group of the model targets the network
// interfaces of an execute-api interface endpoint, and its health check can succeed there.
//
// The load balancer routes only to healthy targets and, when every target is unhealthy, "fails
// open" (Elastic Load Balancing User Guide, "Health checks for Application Load Balancer target
// groups": "If a target group contains only unhealthy registered targets, the load balancer
// routes requests to all those targets, regardless of their health status"). A health check that
// can never pass leaves the path working only by that fallback, with the target group reported
// unhealthy and every alarm on it firing: the consumer's calls depend on a failure mode.
//
// What the health check sends: the target group's protocol and port (the traffic port) and its
// path; the health check settings are protocol, port, path, timeout, interval, thresholds and
// the success codes (same page, "Health check settings") — no Host header nor any other header
// can be set, so the request names no API. What API Gateway answers on the endpoint's interfaces
// (health_check_response below, one row per case) is a documented table, and the check asks
// whether the matcher (`Matcher.HttpCode`: "For target groups with a protocol of HTTP or HTTPS,
// the range is 200-499", comma-separated codes or ranges, default 200 — ELB API Reference,
// Matcher / CreateTargetGroup) admits it.
#pragma once

#include <xc/verify/checker.hpp>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xc::verify {

// What the endpoint's interfaces answer to the load balancer's health check.
struct HealthCheckResponse {
    std::optional<int> status;  // nullopt: no HTTP response at all (the check fails whatever it accepts)
    std::string_view what;      // for the witness
    std::string_view source;    // where AWS documents it
};

// The table: by the health check's protocol and port; nullopt where AWS documents nothing (the
// check is then UNDECIDED, never guessed).
inline std::optional<HealthCheckResponse> health_check_response(std::string_view protocol, std::uint16_t port) {
    if (protocol == "HTTP")
        return HealthCheckResponse{std::nullopt, "no HTTP response: the endpoint serves execute-api over HTTPS only",
                                   "API Gateway Developer Guide, Data protection: \"API Gateway doesn't support unencrypted (HTTP) "
                                   "endpoints\""};
    if (protocol == "HTTPS" && port == 443)
        return HealthCheckResponse{403, "403 Forbidden: the request's Host names no API, so the endpoint routes it to none",
                                   "AWS Knowledge Center, \"Why do I get an HTTP 403 Forbidden error when connecting to my API Gateway "
                                   "APIs from a VPC?\": a request the endpoint cannot route to a private API gets \"an HTTP 403 error\"; "
                                   "calling the endpoint's own name a client \"need[s] to pass the hostname of the Private API Gateway "
                                   "in a custom header. This allows the VPC Endpoint to route the traffic to the correct API Gateway\" "
                                   "(Sentia, \"Connecting to a Private API Gateway over VPN or VPC Peering\", an ALB with the "
                                   "endpoint's interfaces as targets); the health check can set no header"};
    return std::nullopt;
}

// The status codes a matcher admits, as closed ranges; nullopt: not a matcher AWS accepts for
// HTTP/HTTPS target groups (codes or ranges within 200-499, separated by commas).
inline std::optional<std::vector<std::pair<int, int>>> matcher_ranges(std::string_view matcher) {
    std::vector<std::pair<int, int>> out;
    auto number = [](std::string_view s) -> std::optional<int> {
        int v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v < 200 || v > 499) return std::nullopt;
        return v;
    };
    std::size_t start = 0;
    while (true) {
        auto comma = matcher.find(',', start);
        std::string_view part = matcher.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        auto dash = part.find('-');
        auto lo = number(part.substr(0, dash));
        auto hi = dash == std::string_view::npos ? lo : number(part.substr(dash + 1));
        if (!lo || !hi || *lo > *hi) return std::nullopt;
        out.emplace_back(*lo, *hi);
        if (comma == std::string_view::npos) return out;
        start = comma + 1;
    }
}

inline bool matcher_admits(const std::vector<std::pair<int, int>>& ranges, int status) {
    for (const auto& [lo, hi] : ranges)
        if (lo <= status && status <= hi) return true;
    return false;
}

inline void check_target_health(Checker& checker, model::Vertex) {
    const auto& g = checker.graph();
    const std::string property = "api-liveness";
    // Every target group of the model: each targets an endpoint (model::TargetGroup), and a
    // listener forwarding the consumer's calls to a wrong one is dns-tls's to report.
    for (auto tg_vertex : g.vertices(model::VertexKind::target_group)) {
        const auto& tg = g.resource<model::TargetGroup>(tg_vertex);
        // The targets: an execute-api interface endpoint's network interfaces.
        auto targets = g.out(tg_vertex, model::EdgeKind::forwards_to);
        const model::VpcEndpoint* endpoint = targets.empty() ? nullptr : &g.resource<model::VpcEndpoint>(targets.front());
        if (!endpoint || endpoint->type != model::EndpointType::interface || endpoint->service != "execute-api") {
            auto& f = checker.add(property, tg_vertex, Verdict::violated,
                                  endpoint ? "the targets are the " + endpoint->service + " endpoint " + g[targets.front()].id +
                                                 ", not an execute-api interface endpoint's interfaces"
                                           : "the target group has no targets",
                                  tg.path + "/targets");
            f.witness = {{"targets", endpoint ? nlohmann::json(g[targets.front()].id) : nlohmann::json(nullptr)}};
            f.fix = "register the execute-api interface endpoint's network interfaces as the targets (\"targets\": {\"vpcEndpoint\": ...})";
            continue;
        }
        const nlohmann::json request = {{"protocol", tg.protocol},
                                        {"port", tg.port},
                                        {"path", tg.health_check_path},
                                        {"host", "the target's IP address (no API's host name)"},
                                        {"target", g[targets.front()].id}};
        auto response = health_check_response(tg.protocol, tg.port);
        if (!response) {
            checker.add(property, tg_vertex, Verdict::undecided,
                        "what API Gateway answers to " + tg.protocol + " on port " + std::to_string(tg.port) +
                            " of the endpoint's interfaces is not documented",
                        tg.path);
            continue;
        }
        auto ranges = matcher_ranges(tg.health_check_matcher);
        if (!ranges) {
            checker.add(property, tg_vertex, Verdict::undecided,
                        "the health check's success codes '" + tg.health_check_matcher +
                            "' are not a matcher AWS accepts (codes or ranges within 200-499, separated by commas)",
                        tg.path + "/healthCheck/matcher");
            continue;
        }
        if (response->status && matcher_admits(*ranges, *response->status)) {
            checker.add(property, tg_vertex, Verdict::proved,
                        "the health check of " + tg.protocol + ":" + std::to_string(tg.port) + tg.health_check_path + " gets " +
                            std::to_string(*response->status) + " from API Gateway, which its success codes " + tg.health_check_matcher +
                            " admit",
                        tg.path);
            continue;
        }
        auto& f = checker.add(property, tg_vertex, Verdict::violated,
                              "the health check can never pass: " + tg.protocol + " " + tg.health_check_path + " on port " +
                                  std::to_string(tg.port) + " of the endpoint's interfaces gets " + std::string(response->what) +
                                  (response->status ? ", which the success codes '" + tg.health_check_matcher + "' do not admit"
                                                    : std::string(", which no success code matches")) +
                                  "; the load balancer reaches the API only by failing open",
                              tg.path + "/healthCheck/matcher");
        f.witness = {{"request", request},
                     {"response", response->status ? nlohmann::json{{"status", *response->status}} : nlohmann::json{{"status", nullptr}}},
                     {"matcher", tg.health_check_matcher},
                     {"source", response->source}};
        f.fix = "health-check HTTPS on port 443 and accept what API Gateway answers there: \"healthCheck\": {\"matcher\": \"200-403\"} "
                "(any range that includes 403)";
    }
}

}  // namespace xc::verify
