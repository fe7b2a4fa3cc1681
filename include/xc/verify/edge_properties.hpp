// network-ingress and dns-tls: the consumer's edge in front of the endpoint.
//
// Both follow the graph's request paths (client VPC -> private zone alias -> ALB -> listener ->
// target group -> endpoint -> API); security-group reasoning is over all IPv4 source addresses
// as 32-bit vectors.
#pragma once

#include <xc/verify/checker.hpp>

#include <set>
#include <string>
#include <vector>

namespace xc::verify {

namespace detail {

inline z3::expr in_cidr(z3::context& ctx, const z3::expr& ip, const model::Ipv4Cidr& c) {
    return (ip & ctx.bv_val(static_cast<std::uint64_t>(c.mask()), 32)) == ctx.bv_val(static_cast<std::uint64_t>(c.network), 32);
}

inline std::string ip_text(std::uint64_t a) {
    return std::to_string(a >> 24 & 255) + "." + std::to_string(a >> 16 & 255) + "." + std::to_string(a >> 8 & 255) + "." +
           std::to_string(a & 255);
}

inline bool covers_port(const model::SecurityGroupRule& r, std::uint16_t port) {
    return (r.protocol == model::Protocol::all || r.protocol == model::Protocol::tcp) && r.from_port <= port && port <= r.to_port;
}

// Does the certificate name (possibly "*.example.com") cover `name`? A wildcard covers exactly
// one label (RFC 6125 6.4.3, as ACM and browsers apply it).
inline bool name_covers(const std::string& pattern, const std::string& name) {
    if (pattern.rfind("*.", 0) != 0) return policy::iequals(pattern, name);
    auto dot = name.find('.');
    return dot != std::string::npos && dot > 0 && policy::iequals(pattern.substr(2), name.substr(dot + 1));
}

inline bool certificate_covers(const model::Certificate& c, const std::string& name) {
    if (name_covers(c.domain, name)) return true;
    for (const auto& alt : c.alternative_names)
        if (name_covers(alt, name)) return true;
    return false;
}

// Subnets of `v` routed to an internet gateway, as "subnet -> route table" descriptions.
inline std::vector<std::string> internet_routed_subnets(const model::Graph& g, model::Vertex v) {
    std::vector<std::string> out;
    for (auto subnet : g.out(v, model::EdgeKind::in_subnet))
        for (auto rt : g.out(subnet, model::EdgeKind::uses_route_table))
            for (auto target : g.out(rt, model::EdgeKind::routes_to))
                if (g[target].kind == model::VertexKind::internet_gateway) out.push_back(g[subnet].id + " (route table " + g[rt].id + ")");
    return out;
}

}  // namespace detail

inline void check_network_ingress(Checker& checker) {
    const auto& g = checker.graph();
    const std::string property = "network-ingress";
    std::set<model::Vertex> lbs, endpoints;
    std::map<model::Vertex, std::set<std::uint16_t>> listener_ports;
    std::map<model::Vertex, std::set<model::Vertex>> lbs_of_endpoint;
    for (auto api : g.private_apis())
        for (const auto& p : g.request_paths(api)) {
            lbs.insert(p.load_balancer);
            endpoints.insert(p.vpc_endpoint);
            listener_ports[p.load_balancer].insert(g.resource<model::Listener>(p.listener).port);
            lbs_of_endpoint[p.vpc_endpoint].insert(p.load_balancer);
        }
    auto& ctx = checker.z3();
    for (auto lb_vertex : lbs) {
        const auto& lb = g.resource<model::LoadBalancer>(lb_vertex);
        const auto& vpc = g.resource<model::Vpc>(g.out(lb_vertex, model::EdgeKind::in_vpc).front());
        std::size_t before = checker.report().findings.size();
        if (!lb.internal) {
            auto& f = checker.add(property, lb_vertex, Verdict::violated, "the load balancer is internet-facing", lb.path + "/scheme");
            f.witness = {{"scheme", "internet-facing"}};
            f.fix = "set \"scheme\": \"internal\"";
        }
        for (auto port : listener_ports[lb_vertex]) {
            z3::expr src = ctx.bv_const("source", 32);
            z3::expr_vector admitted(ctx);
            std::vector<const model::SecurityGroupRule*> rules;
            for (auto sg : g.out(lb_vertex, model::EdgeKind::guarded_by))
                for (const auto& r : g.resource<model::SecurityGroup>(sg).ingress) {
                    if (!detail::covers_port(r, port)) continue;
                    rules.push_back(&r);
                    if (r.peer.cidr) admitted.push_back(detail::in_cidr(ctx, src, *r.peer.cidr));
                    else if (r.peer.security_group) {
                        // Members of a group are interfaces in its VPC.
                        const auto& peer = checker.model().scope(r.peer.security_group->scope)->security_groups.at(r.peer.security_group->name);
                        const auto& peer_vpc = checker.model().scope(r.peer.security_group->scope)->vpcs.at(peer.vpc);
                        admitted.push_back(detail::in_cidr(ctx, src, peer_vpc.cidr));
                    } else {
                        admitted.push_back(ctx.bool_val(true));  // a prefix list: public service ranges
                    }
                }
            z3::solver s(ctx, z3::solver::simple());
            s.add(z3::mk_or(admitted) && !detail::in_cidr(ctx, src, vpc.cidr));
            auto r = check_within(s, ctx.deadline());
            if (r == z3::unknown) {
                checker.add(property, lb_vertex, Verdict::undecided,
                            "could not decide listener port " + std::to_string(port) + ": " + unknown_reason(s, ctx.deadline()));
                continue;
            }
            if (r == z3::sat) {
                std::uint64_t a = s.get_model().eval(src, true).get_numeral_uint64();
                const model::SecurityGroupRule* culprit = nullptr;
                for (const auto* rule : rules)
                    if (!rule->peer.cidr || (rule->peer.cidr->first() <= a && a <= rule->peer.cidr->last())) culprit = culprit ? culprit : rule;
                auto& f = checker.add(property, lb_vertex, Verdict::violated,
                                      "the listener on port " + std::to_string(port) + " admits " + detail::ip_text(a) +
                                          ", outside the consumer VPC " + vpc.cidr.to_string(),
                                      culprit ? culprit->path : lb.path);
                f.witness = {{"source", detail::ip_text(a)}, {"port", port}, {"protocol", "tcp"}};
                f.fix = "admit only the consumer VPC's CIDR (" + vpc.cidr.to_string() + ") or its security groups on the listener port";
            }
        }
        for (const auto& routed : detail::internet_routed_subnets(g, lb_vertex)) {
            auto& f = checker.add(property, lb_vertex, Verdict::violated, "the load balancer sits in " + routed + ", routed to an internet gateway",
                                  lb.path + "/subnets");
            f.witness = {{"subnet", routed}};
            f.fix = "place the load balancer in private subnets";
        }
        if (checker.report().findings.size() == before)
            checker.add(property, lb_vertex, Verdict::proved,
                        "internal, in private subnets, and its listeners admit only sources inside " + vpc.cidr.to_string());
    }
    for (auto e_vertex : endpoints) {
        const auto& endpoint = g.resource<model::VpcEndpoint>(e_vertex);
        std::size_t before = checker.report().findings.size();
        const auto& allowed_lbs = lbs_of_endpoint[e_vertex];
        for (auto sg : g.out(e_vertex, model::EdgeKind::guarded_by))
            for (const auto& r : g.resource<model::SecurityGroup>(sg).ingress) {
                if (!detail::covers_port(r, 443)) continue;
                if (r.peer.security_group) {
                    auto peer = *g.find(r.peer.security_group->scope + "/security-group/" + r.peer.security_group->name);
                    for (auto member : g.in(peer, model::EdgeKind::guarded_by)) {
                        if (allowed_lbs.contains(member)) continue;
                        auto& f = checker.add(property, e_vertex, Verdict::violated,
                                              "the endpoint admits " + g[member].id + " (a member of security group " + g[peer].id +
                                                  "), not only the load balancer",
                                              r.path);
                        f.witness = {{"source", g[member].id}, {"port", 443}};
                        f.fix = "reference a security group that only the load balancer uses";
                    }
                    continue;
                }
                // A CIDR or prefix-list peer admits addresses, not just the load balancer.
                z3::expr src = checker.z3().bv_const("source", 32);
                z3::solver s(checker.z3(), z3::solver::simple());
                std::string source = "any address of the prefix list";
                if (r.peer.cidr) {
                    s.add(detail::in_cidr(checker.z3(), src, *r.peer.cidr));
                    if (check_within(s, checker.z3().deadline()) == z3::sat)
                        source = detail::ip_text(s.get_model().eval(src, true).get_numeral_uint64());
                }
                auto& f = checker.add(property, e_vertex, Verdict::violated,
                                      "the endpoint's interfaces admit " + source + " on port 443, not only the load balancer", r.path);
                f.witness = {{"source", source}, {"port", 443}};
                f.fix = "admit only the load balancer's security group on port 443";
            }
        for (const auto& routed : detail::internet_routed_subnets(g, e_vertex)) {
            auto& f = checker.add(property, e_vertex, Verdict::violated, "the endpoint sits in " + routed + ", routed to an internet gateway",
                                  endpoint.path + "/subnets");
            f.witness = {{"subnet", routed}};
            f.fix = "place the endpoint in private subnets";
        }
        if (checker.report().findings.size() == before)
            checker.add(property, e_vertex, Verdict::proved, "only the load balancer reaches the endpoint's interfaces, in private subnets");
    }
}

namespace detail {

// What AWS requires of a public (REGIONAL or EDGE) custom domain that the model cannot show,
// appended to dns-tls's verdict: a private API reached through one (by Host header through the
// endpoint) works only if API Gateway accepts the domain. "For an API Gateway Regional custom
// domain name, you must request or import the certificate in the same Region as your API. The
// certificate must be signed by a publicly trusted Certificate Authority and cover the custom
// domain name" (API Gateway Developer Guide, "Getting certificates ready in AWS Certificate
// Manager", https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains-prerequisites.html);
// a Regional custom domain name is shared only by "other Regional custom domain names that are in
// different AWS Regions" (AWS Knowledge Center, https://aws.amazon.com/premiumsupport/knowledge-center/custom-domain-name-amazon-api-gateway/):
// nobody else may hold the name in this Region. A PRIVATE custom domain name has neither
// requirement and is the supported way to name a private API (README, "Deploy").
inline std::string public_domain_requirements(const model::CustomDomain& domain, const model::Certificate& cert) {
    if (domain.endpoint_type == model::ApiEndpointType::PRIVATE) return "";
    return std::string("; AWS also requires, which the model cannot show: a certificate from a publicly trusted CA (") +
           (cert.self_signed ? "this one is self-signed, which AWS documents as not accepted" : "check that this ACM certificate is one") +
           ") and a name no other AWS account uses as a custom domain in the Region (use a PRIVATE custom domain to need neither)";
}

}  // namespace detail

inline void check_dns_tls(Checker& checker, model::Vertex api_vertex) {
    const auto& g = checker.graph();
    const auto& api = g.resource<model::RestApi>(api_vertex);
    const std::string property = "dns-tls";
    if (!api.custom_domain) {
        auto& f = checker.add(property, api_vertex, Verdict::violated,
                              "the API has no custom domain: the load balancer cannot route to it by name", api.path);
        f.fix = "give the API a \"customDomain\" named as its alias record";
        return;
    }
    const auto& domain = *api.custom_domain;
    std::size_t before = checker.report().findings.size();
    auto domain_vertex = g.out(api_vertex, model::EdgeKind::has_domain).front();
    const auto& domain_cert = g.resource<model::Certificate>(g.out(domain_vertex, model::EdgeKind::presents).front());
    if (!detail::certificate_covers(domain_cert, domain.name)) {
        auto& f = checker.add(property, api_vertex, Verdict::violated,
                              "the custom domain's certificate (" + domain_cert.domain + ") does not cover " + domain.name,
                              domain.path + "/certificate");
        f.witness = {{"name", domain.name}, {"certificate", domain_cert.domain}};
        f.fix = "use a certificate for " + domain.name;
    }
    auto paths = g.request_paths(api_vertex);
    if (paths.empty()) {
        std::string why = "no alias record named " + domain.name + " resolves to a load balancer that forwards to one of the API's endpoints";
        auto records = g.in(domain_vertex, model::EdgeKind::addresses);
        if (!records.empty()) {
            why = "the alias record " + g[records.front()].id + " resolves to a load balancer that does not forward to the API's endpoints";
            // Or it does, but no VPC that resolves the name can reach that load balancer.
            for (auto record : records) {
                auto zone = g.in(record, model::EdgeKind::contains).front();
                for (auto lb : g.out(record, model::EdgeKind::resolves_to)) {
                    bool reached = false;
                    std::string vpcs;
                    for (auto vpc : g.out(zone, model::EdgeKind::associated_with)) {
                        reached = reached || g.reaches(vpc, lb);
                        vpcs += (vpcs.empty() ? "" : ", ") + g[vpc].id;
                    }
                    if (!reached)
                        why = "the alias record " + g[record].id + " resolves only in " + (vpcs.empty() ? std::string("no VPC") : vpcs) +
                              ", from which no client can reach the load balancer " + g[lb].id + " (an internal load balancer is "
                              "reachable from its own VPC only)";
                }
            }
        }
        auto& f = checker.add(property, api_vertex, Verdict::violated, why, domain.path + "/name");
        f.witness = {{"name", domain.name}};
        f.fix = "add an alias record " + domain.name + " in the consumer's private zone pointing at the load balancer";
    }
    for (const auto& p : paths) {
        const auto& zone = g.resource<model::HostedZone>(p.hosted_zone);
        const auto& record = g.resource<model::AliasRecord>(p.alias_record);
        const auto& listener = g.resource<model::Listener>(p.listener);
        if (!zone.is_private || g[p.client_vpc].scope != "consumer") {
            auto& f = checker.add(property, api_vertex, Verdict::violated,
                                  record.fqdn + " resolves in " + (zone.is_private ? "a zone not associated with the consumer VPC" : "a public zone"),
                                  zone.path);
            f.witness = {{"name", record.fqdn}};
            f.fix = "resolve the name in a private zone associated with the consumer VPC";
        }
        bool covered = false;
        std::string names;
        for (auto c : g.out(p.listener, model::EdgeKind::presents)) {
            const auto& cert = g.resource<model::Certificate>(c);
            covered = covered || detail::certificate_covers(cert, record.fqdn);
            names += (names.empty() ? "" : ", ") + cert.domain;
            for (const auto& alt : cert.alternative_names) names += ", " + alt;
        }
        if (listener.protocol != "HTTPS" || !covered) {
            auto& f = checker.add(property, api_vertex, Verdict::violated,
                                  listener.protocol != "HTTPS" ? "the listener serving " + record.fqdn + " is plain HTTP"
                                                               : "the listener's certificates (" + names + ") do not cover " + record.fqdn,
                                  listener.path);
            f.witness = {{"name", record.fqdn}, {"certificates", names}};
            f.fix = "present a certificate whose name or alternative names cover " + record.fqdn + " (a wildcard covers one label)";
        }
    }
    if (checker.report().findings.size() == before) {
        auto& f = checker.add(property, api_vertex, Verdict::proved,
                              domain.name + " resolves privately to the load balancer, whose certificate covers it; the domain's certificate "
                              "covers it and base path '" + domain.base_path + "' maps to stage " + api.stage + detail::public_domain_requirements(domain, domain_cert),
                              domain.path);
        if (domain.endpoint_type != model::ApiEndpointType::PRIVATE)
            f.witness = {{"awsRequires", {"a certificate signed by a publicly trusted certificate authority",
                                          "a name no other AWS account uses as a custom domain name in the Region"}},
                         {"certificate", domain_cert.self_signed ? "self-signed" : "ACM"}};
    }
}

}  // namespace xc::verify
