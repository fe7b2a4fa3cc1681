// The round trip: for every shipped model and every corpus variant (the correct ones and the
// mutants), `xc emit --target terraform`, then reading the emitted roots back (load_roots +
// to_model) and verifying them gives, property by property and subject by subject, the
// verdicts the model gave. This is what shows that the Terraform front end and the emitter mean
// the same thing.
//
// Subjects match by the front end's documented naming (to_model.hpp): a model subject S/K/N is
// S/K/identifier(N) (the emitter's resource names), accounts keep their names.
//
// What the emitted Terraform does not carry, the front end records as Unresolved, and a verdict
// on a subject with Unresolved items must be UNDECIDED where the model's was PROVED (never a
// proof xc did not make). Two things only:
//  - which names an existing ACM certificate (a literal ARN) covers;
//  - an endpoint id no secret of the model shares: the emitted root takes it from an input
//    variable defaulting to the model's id, a literal no given root creates.
// And one place where the model says more than any deployment can: a public hosted zone with
// VPCs listed (a Route 53 public zone has no VPC associations; the emitter writes none), where
// the model still finds the request path and Terraform finds none (`known_divergences`). A key's
// onlyItsSecrets, a requirement no AWS setting carries, travels as its tag xc:only-its-secrets.
#include "xc/emit/lowering/identifier.hpp"
#include "xc/emit/terraform.hpp"
#include "xc/input/terraform/link.hpp"
#include "xc/input/terraform/to_model.hpp"
#include "xc/verify/verify.hpp"

#include "authorization_variant.hpp"
#include "model_support.hpp"
#include "model_variants.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace round_trip_test {

namespace fs = std::filesystem;
using nlohmann::json;
using xc::verify::Verdict;

// The model's subject as the Terraform front end names it.
std::string terraform_subject(const std::string& subject) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto slash = subject.find('/'); ; slash = subject.find('/', start)) {
        parts.push_back(subject.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    if (parts.size() < 3) return subject;  // account/NAME
    std::string out = parts[0] + "/" + parts[1];
    for (std::size_t i = 2; i < parts.size(); ++i) out += "/" + xc::emit::lowering::identifier(parts[i]);
    return out;
}

using Verdicts = std::map<std::pair<std::string, std::string>, std::multiset<std::string>>;  // (property, subject) -> verdicts

Verdicts verdicts(const xc::verify::Report& r, bool rename) {
    Verdicts out;
    for (const auto& f : r.findings) out[{f.property, rename ? terraform_subject(f.subject) : f.subject}].insert(std::string(to_string(f.verdict)));
    return out;
}


// The emitted roots, in the order xc names them (the consumer's account root before its
// phase-3 associations root).
std::vector<xc::input::terraform::RootInput> emit_roots(const xc::model::Graph& graph, const fs::path& into) {
    std::set<fs::path> dirs;
    const auto emitted = xc::emit::emit_terraform(graph);
    for (const auto& [path, file] : emitted.files()) {
        const fs::path p = into / path;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << file.content;
        if (p.extension() == ".tf") dirs.insert(p.parent_path());
    }
    std::vector<xc::input::terraform::RootInput> roots;
    for (const auto& d : dirs) roots.push_back({d.filename().string(), d, {}});
    return roots;
}

// The model the Terraform front end reads from the roots `graph` emits into `into`.
xc::input::terraform::MappedModel read_back(const xc::model::Graph& graph, const fs::path& into) {
    const auto roots = emit_roots(graph, into);
    return xc::input::terraform::to_model(roots, xc::input::terraform::load_roots(roots));
}

// (variant, property, subject) where the emitted Terraform says something else than the model,
// and why.
const std::map<std::tuple<std::string, std::string, std::string>, std::string>& known_divergences() {
    static const std::map<std::tuple<std::string, std::string, std::string>, std::string> d{
        {{"mutants/public-zone", "network-ingress", "consumer/load-balancer/internal"},
         "a public zone has no VPC association in Route 53: no request path reaches the load balancer by name"},
        {{"mutants/public-zone", "network-ingress", "consumer/vpc-endpoint/execute_api"},
         "a public zone has no VPC association in Route 53: no request path reaches the endpoint by name"},
        // No secret holds the endpoint the APIs are bound to, so the emitted APIs take its id from
        // an input (a literal no root creates: unresolved); without a bound endpoint no request
        // path reaches the load balancer or the endpoint, and network-ingress reports nothing.
        {{"mutants/secret-holds-other-endpoint", "network-ingress", "consumer/load-balancer/internal"}, "no request path"},
        {{"mutants/secret-holds-other-endpoint", "network-ingress", "consumer/vpc-endpoint/execute_api"}, "no request path"},
        // ... and no emitted API reads the secret any more, so the secret no longer fails to hold
        // what the APIs admit (the emitter drops the model's endpointIdFrom in this case).
        {{"mutants/secret-holds-other-endpoint", "secret-share", "consumer/secret/endpoint_id"}, "no API reads the secret"},
    };
    return d;
}

TEST(RoundTrip, EveryModelAndCorpusVariantVerifiesAlikeFromItsEmittedTerraform) {
    const auto all = xc::test::corpus_variants();
    ASSERT_GE(all.size(), 90u);
    std::size_t compared = 0, undecided = 0;
    for (const auto& v : all) {
        SCOPED_TRACE(v.name);
        const auto graph = xc::test::graph_of_text(v.text, v.name);
        const auto expected = verdicts(xc::verify::verify(graph), true);
        xc::test::TempDir tmp;
        auto mapped = read_back(graph, tmp.path());
        // The only unresolved items: see the header.
        for (const auto& u : mapped.model.unresolved) {
            const bool certificate = u.reason.find("an existing ACM certificate") != std::string::npos;
            const bool input_endpoint = u.reason.find("an endpoint of the API is none the given roots create") != std::string::npos &&
                                        u.origin.rfind("vpce-", 0) == 0;
            EXPECT_TRUE(certificate || input_endpoint) << u.resource << ": " << u.origin << ": " << u.reason;
        }
        const auto tf_graph = xc::model::build_graph(std::move(mapped.model));
        const auto tf_report = xc::verify::verify(tf_graph);
        const auto actual = verdicts(tf_report, false);
        // (property, subject) whose findings are UNDECIDED for what the Terraform does not say.
        std::set<std::pair<std::string, std::string>> open;
        for (const auto& f : tf_report.findings)
            if (f.verdict == Verdict::undecided && f.message.rfind("depends on what xc could not resolve: ", 0) == 0) open.insert({f.property, f.subject});
        for (const auto& [key, want] : expected) {
            auto it = actual.find(key);
            if (known_divergences().count({v.name, key.first, key.second})) {
                EXPECT_TRUE(it == actual.end() || it->second != want) << key.first << " on " << key.second << ": the divergence is gone; remove it from known_divergences";
                continue;
            }
            ASSERT_NE(it, actual.end()) << key.first << " on " << key.second << " is not reported from the Terraform";
            if (open.count(key) && it->second != want) {
                for (const auto& verdict : it->second) EXPECT_EQ(verdict, "UNDECIDED") << key.first << " on " << key.second;
                ++undecided;
                continue;
            }
            EXPECT_EQ(it->second, want) << key.first << " on " << key.second;
            ++compared;
        }
        for (const auto& [key, _] : actual) EXPECT_TRUE(expected.count(key)) << key.first << " on " << key.second << " is reported only from the Terraform";
    }
    EXPECT_GT(compared, 1000u);
    std::cout << "[ round trip ] " << all.size() << " variants, " << compared << " (property, subject) verdicts equal, " << undecided
              << " undecided where the Terraform does not say (see the header)\n";
}

// IAM authorization: the emitted Terraform carries each route's authorization (its body's
// x-amazon-apigateway-auth) and the callers (the consumer role's tag xc:calls), and reading it
// back gives every route the model's authorization, every API the model's callers, and the
// model's verdicts, with nothing Unresolved but the header's two.
TEST(RoundTrip, IamAuthorizationAndCallersComeBackFromTheEmittedTerraform) {
    const auto graph = xc::model::build_graph(xc::test::aws_iam_model());
    const auto& model = graph.model();
    const auto expected = verdicts(xc::verify::verify(graph), true);
    xc::test::TempDir tmp;
    auto mapped = read_back(graph, tmp.path());
    for (const auto& u : mapped.model.unresolved) {
        const bool certificate = u.reason.find("an existing ACM certificate") != std::string::npos;
        EXPECT_TRUE(certificate) << u.resource << ": " << u.origin << ": " << u.reason;
    }
    const std::string client = xc::emit::lowering::identifier(xc::test::api_client_role);
    ASSERT_TRUE(mapped.model.consumer.roles.count(client));
    std::size_t routes = 0, iam = 0;
    for (const auto& [sn, s] : model.services)
        for (const auto& [an, a] : s.apis) {
            SCOPED_TRACE(sn + "/" + an);
            const auto& back = mapped.model.services.at(sn).apis.at(xc::emit::lowering::identifier(an));
            xc::test::expect_same_authorization(a, back, routes, iam);
            ASSERT_EQ(back.callers.size(), 1u);
            EXPECT_EQ(back.callers.front().to_string(), "consumer/" + client);
        }
    EXPECT_EQ(routes, 6u);
    EXPECT_EQ(iam, 4u);
    const auto tf_report = xc::verify::verify(xc::model::build_graph(std::move(mapped.model)));
    const auto actual = verdicts(tf_report, false);
    std::set<std::pair<std::string, std::string>> open;  // UNDECIDED for what the Terraform does not say (the header)
    for (const auto& f : tf_report.findings)
        if (f.verdict == Verdict::undecided && f.message.rfind("depends on what xc could not resolve: ", 0) == 0) open.insert({f.property, f.subject});
    EXPECT_EQ(actual.size(), expected.size());
    for (const auto& [key, want] : expected) {
        auto it = actual.find(key);
        ASSERT_NE(it, actual.end()) << key.first << " on " << key.second;
        if (it->second == want) continue;
        EXPECT_TRUE(open.count(key)) << key.first << " on " << key.second;
        for (const auto& verdict : it->second) EXPECT_EQ(verdict, "UNDECIDED") << key.first << " on " << key.second;
    }
}

// Emit -> import -> emit is a fixed point: the Terraform emitted from the model read back is
// byte for byte the Terraform read, once the model's names are Terraform's (`-` -> `_`: the first
// read normalises them, so the fixed point is the second emission). A nested resource (subnet,
// route table, target group, listener), which the emitter names `<parent>_<name>`, must not gain
// its parent's name again each cycle.
TEST(RoundTrip, EmitImportEmitIsAFixedPointForTheShippedModels) {
    auto read_graph = [](const fs::path& dir, const xc::model::Graph& g) { return xc::model::build_graph(read_back(g, dir).model); };
    for (const char* name : {"cross-account-microservices", "three-services-private-domains"}) {
        SCOPED_TRACE(name);
        xc::test::TempDir first, second;
        const auto once = read_graph(first.path(), xc::test::graph_of_json(xc::test::model_json(name)));
        const auto emitted = xc::emit::emit_terraform(once);
        const auto twice = read_graph(second.path(), once);
        const auto again = xc::emit::emit_terraform(twice);
        ASSERT_EQ(emitted.files().size(), again.files().size());
        std::size_t tf = 0;
        for (const auto& [path, file] : emitted.files()) {
            auto it = again.files().find(path);
            ASSERT_NE(it, again.files().end()) << path;
            tf += path.ends_with(".tf");
            const std::string a(file.content), b(it->second.content);
            if (a == b) continue;
            // The first line that differs, not two whole files.
            std::size_t at = 0;
            while (at < a.size() && at < b.size() && a[at] == b[at]) ++at;
            const auto line = [&](const std::string& t) {
                const auto start = t.rfind('\n', at == 0 ? 0 : at - 1);
                const auto from = start == std::string::npos ? 0 : start + 1;
                return t.substr(from, t.find('\n', from) - from);
            };
            ADD_FAILURE() << path << " differs: \"" << line(a) << "\" then \"" << line(b) << "\"";
        }
        EXPECT_GT(tf, 3u);
    }
}

}  // namespace round_trip_test
