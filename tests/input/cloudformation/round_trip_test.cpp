// Round trip: for every shipped model and every variant of the mutation corpus, the templates
// `xc emit --target cloudformation` writes, read back by the CloudFormation front end and
// verified, give the model's verdict for every property and subject.
//
// The stacks are given as the emitted README deploys them: each in its account and the model's
// region, the consumer's stack marked as the consumer, the endpoint-id parameter as the value of
// the consumer's secret (the README reads it with `aws secretsmanager get-secret-value`; xc's
// notation for that is "{{resolve:secretsmanager:<partial ARN>}}", linked to the secret the
// consumer stack creates), and an ACM certificate ARN for each certificate parameter.
//
// Two facts a template does not carry, and so are UNDECIDED by design (never PROVED and never
// VIOLATED on a guess): the names an ACM certificate given by ARN covers (dns-tls), and what a
// Lambda function's code does, which decides the table actions it needs (lambda-data). Every
// other verdict must be the model's; and no subject may be PROVED where the model is not.
#include <xc/emit/cloudformation.hpp>
#include <xc/input/cloudformation/load.hpp>
#include <xc/verify/verify.hpp>

#include <authorization_variant.hpp>
#include <model_variants.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace round_trip_test {

namespace {

using nlohmann::json;
using xc::verify::Verdict;
namespace cfn = xc::input::cloudformation;

int rank(Verdict v) { return v == Verdict::violated ? 2 : v == Verdict::undecided ? 1 : 0; }

// (property, subject) -> the worst verdict over its findings.
using Verdicts = std::map<std::pair<std::string, std::string>, Verdict>;
Verdicts worst(const xc::verify::Report& r, const std::function<std::optional<std::string>(const std::string&)>& subject) {
    Verdicts out;
    for (const auto& f : r.findings) {
        auto s = subject(f.subject);
        if (!s) continue;
        auto key = std::make_pair(f.property, *s);
        auto it = out.find(key);
        if (it == out.end() || rank(f.verdict) > rank(it->second)) out[key] = f.verdict;
    }
    return out;
}

struct Emitted {
    std::vector<cfn::StackInput> stacks;
    std::vector<std::shared_ptr<const cfn::TemplateSource>> sources;
    std::map<std::string, std::map<std::string, std::string>> source_of;  // stack -> logical id -> model path (Metadata.xc.Source)
};

// The emitted templates as the README deploys them; `edit`, if given, changes each template first.
Emitted emit(const xc::model::Graph& g, const std::function<void(json&)>& edit = {}) {
    xc::emit::CloudFormationOptions o;
    o.unverified_warning = true;  // mutants are emitted with --allow-unverified
    auto result = xc::emit::emit_cloudformation(g, o);
    const std::string readme(result.files.files().at("README.md").content);
    // NAME=$(aws secretsmanager get-secret-value --region R --secret-id 'ARN' ...): the secret a parameter reads.
    std::map<std::string, std::string> secret_of;
    static const std::regex read(R"(([A-Za-z0-9]+)=\$\(aws secretsmanager get-secret-value --region [a-z0-9-]+ --secret-id '([^']+)')");
    for (std::sregex_iterator it(readme.begin(), readme.end(), read), end; it != end; ++it) secret_of[(*it)[1]] = (*it)[2];
    std::string consumer_stack;
    for (const auto& [path, file] : result.files.files())
        if (path.ends_with("/template.json") && json::parse(file.content)["Metadata"]["xc"]["Phase"] == 1) consumer_stack = path.substr(0, path.find('/'));
    Emitted e;
    for (const auto& [path, file] : result.files.files()) {
        if (!path.ends_with("/template.json")) continue;
        std::string content(file.content);
        if (edit) {
            json t = json::parse(content);
            edit(t);
            content = t.dump(2);
        }
        auto source = std::make_shared<const cfn::TemplateSource>(cfn::parse_template(content, path));
        const json& t = source->root();
        cfn::StackInput s;
        s.name = path.substr(0, path.find('/'));
        s.file = path;
        s.account = t["Metadata"]["xc"]["Account"].get<std::string>();
        s.region = g.model().region;
        s.consumer = s.account == g.model().accounts.at(g.model().consumer.account).id && t["Metadata"]["xc"]["Phase"] == 1;
        const json parameters = t.value("Parameters", json::object());
        for (const auto& [name, p] : parameters.items()) {
            const json stands_for = t["Metadata"]["xc"].value("ParameterFor", json::object()).value(name, json::array());
            const std::string input = stands_for.empty() ? "" : stands_for[0].get<std::string>();
            if (auto sec = secret_of.find(name); sec != secret_of.end()) {
                s.parameters[name] = "{{resolve:secretsmanager:" + sec->second + "}}";
            } else if (input.rfind("input.consumer_", 0) == 0 && input.ends_with("_endpoint_id")) {
                // An endpoint id no secret shares: the deployer passes the consumer's endpoint's id,
                // which the consumer stack outputs as <Endpoint>EndpointId.
                s.parameters[name] = "{{xc:output:" + consumer_stack + "/" + name.substr(std::string("Consumer").size()) + "}}";
            }
            if (name.ends_with("CertificateArn"))
                s.parameters[name] = "arn:aws:acm:" + s.region + ":" + s.account + ":certificate/" + s.name + "-" + name;
        }
        for (const auto& [id, r] : t["Resources"].items())
            if (r.contains("Metadata") && r["Metadata"].contains("xc") && r["Metadata"]["xc"].contains("Source"))
                e.source_of[s.name][id] = r["Metadata"]["xc"]["Source"].get<std::string>();
        e.stacks.push_back(std::move(s));
        e.sources.push_back(std::move(source));
    }
    return e;
}

// Whether an Unresolved of the templates' model that the design expects (certificate names,
// function code) affects the subject `path`'s property.
bool expected_unknown(const xc::model::Model& m, const std::string& property) {
    for (const auto& u : m.unresolved) {
        if (property == "dns-tls" && u.reason.find("names it covers") != std::string::npos) return true;
        if (property == "lambda-data" && u.reason.find("function's code") != std::string::npos) return true;
    }
    return false;
}

// Where the emitted templates deploy something other than the model says, the front end must
// report what the templates deploy. Each entry must occur (else it is stale and fails).
struct Difference {
    const char* variant;
    const char* property;
    const char* subject;
    const char* why;
};
const std::vector<Difference>& differences() {
    static const std::vector<Difference> d{
        // The model keeps the public zone's VPC list; a public hosted zone has none, so the
        // templates' zone serves no request path from the consumer VPC and the path's
        // network-ingress checks have no subject.
        {"public-zone", "network-ingress", "consumer/load-balancer/internal", "public zone: no request path"},
        {"public-zone", "network-ingress", "consumer/vpc-endpoint/execute-api", "public zone: no request path"},
        // The model's API reads the endpoint id from a secret that holds another endpoint; the
        // emitter passes the admitted endpoint's id as a parameter instead (no secret holds it),
        // so the templates' secret is read by no API.
        {"secret-holds-other-endpoint", "secret-share", "consumer/secret/endpoint-id", "emitter: endpointIdFrom dropped"},
        // The emitter substitutes endpoint ids case-sensitively: the upper-case literal stays a
        // literal, which is not the deployed endpoint's id (AWS assigns ids; the model's id is a
        // placeholder), so the deployed API admits a foreign id and not the consumer's endpoint.
        {"ignore-case-endpoint-id", "api-endpoint-only", "beverage/rest-api/orders", "emitter: case-variant id not substituted"},
        {"ignore-case-endpoint-id", "api-endpoint-only", "food/rest-api/orders", "emitter: case-variant id not substituted"},
        {"ignore-case-endpoint-id", "api-liveness", "beverage/rest-api/orders", "emitter: case-variant id not substituted"},
        {"ignore-case-endpoint-id", "api-liveness", "food/rest-api/orders", "emitter: case-variant id not substituted"},
    };
    return d;
}
const Difference* known_difference(const std::string& variant, const std::string& property, const std::string& subject) {
    for (const auto& d : differences())
        if (variant == d.variant && property == d.property && subject == d.subject) return &d;
    return nullptr;
}
std::set<const Difference*> seen_differences;

// Emits `model`, reads the templates back and compares verdicts; returns how many subjects were compared.
std::size_t round_trip(const std::string& label, const xc::model::Graph& g) {
    const auto expected = xc::verify::verify(g);
    Emitted e = emit(g);
    auto loaded = cfn::load_stacks(e.stacks, e.sources, g.model().name);
    const auto cfn_graph = xc::model::build_graph(loaded.model);
    const auto actual = xc::verify::verify(cfn_graph);
    // A subject of the templates' model -> the model's: its resource's logical id -> Metadata.xc.Source -> the model vertex there.
    std::map<std::string, std::string> model_subject_of_path;
    for (auto v : boost::make_iterator_range(boost::vertices(g.boost()))) model_subject_of_path[std::string(g[v].path)] = g[v].id;
    // Where the templates' subject is written ("<stack>/template.json", "/Resources/<id>...") names
    // the emitted resource, whose Metadata.xc.Source is the model path of the model's subject.
    auto subject = [&](const std::string& s) -> std::optional<std::string> {
        auto v = cfn_graph.find(s);
        if (!v) return std::nullopt;
        const auto at = cfn_graph.model().locate(cfn_graph[*v].path);
        const std::string prefix = "/Resources/";
        if (at.path.rfind(prefix, 0) != 0) return std::nullopt;
        const std::string id = at.path.substr(prefix.size(), at.path.find('/', prefix.size()) - prefix.size());
        auto ids = e.source_of.find(at.file.substr(0, at.file.find('/')));
        if (ids == e.source_of.end()) return std::nullopt;
        auto src = ids->second.find(id);
        if (src == ids->second.end()) return std::nullopt;
        auto m = model_subject_of_path.find(src->second);
        if (m == model_subject_of_path.end()) return std::nullopt;
        return m->second;
    };
    const Verdicts want = worst(expected, [](const std::string& s) { return s; });
    const Verdicts got = worst(actual, subject);
    std::size_t compared = 0;
    for (const auto& [key, verdict] : want) {
        auto it = got.find(key);
        if (const auto* d = known_difference(label, key.first, key.second)) {
            seen_differences.insert(d);  // what the templates deploy differs from the model (see the table)
            continue;
        }
        if (it == got.end()) {
            ADD_FAILURE() << label << ": no finding for " << key.first << " " << key.second << " (model: " << to_string(verdict) << ")";
            continue;
        }
        ++compared;
        if (it->second == verdict) continue;
        if (it->second == Verdict::undecided && expected_unknown(loaded.model, key.first)) continue;
        ADD_FAILURE() << label << ": " << key.first << " " << key.second << ": model " << to_string(verdict) << ", templates "
                      << to_string(it->second);
    }
    return compared;
}

TEST(CloudFormationRoundTrip, EveryShippedModel) {
    for (const char* name : {"cross-account-microservices", "three-services-private-domains"}) {
        auto g = xc::test::graph_of_json(xc::test::model_json(name));
        EXPECT_GT(round_trip(name, g), 10u) << name;
    }
}

TEST(CloudFormationRoundTrip, EveryCorpusVariant) {
    const json corpus = json::parse(xc::test::read_file(xc::test::source_dir() / "tests/verify/corpus.json"));
    std::size_t variants = 0, refused = 0;
    for (const char* kind : {"mutants", "correct"})
        for (const auto& entry : corpus[kind]) {
            const json m = xc::test::model_json().patch(entry["patch"]);
            std::optional<xc::model::Graph> g;
            try {
                g.emplace(xc::test::graph_of_json(m));
            } catch (const xc::InputError&) {
                continue;  // a mutant the model's own checks refuse: no templates to read
            }
            try {
                round_trip(entry["name"].get<std::string>(), *g);
                ++variants;
            } catch (const xc::LoweringError& e) {
                ++refused;  // the emitter refuses it (its error names the construct): nothing deployable
            }
        }
    EXPECT_GE(variants, 80u);
    EXPECT_LE(refused, 5u);
    for (const auto& d : differences()) EXPECT_TRUE(seen_differences.contains(&d)) << "stale difference " << d.variant << " " << d.property << " " << d.subject;
}

// A key's onlyItsSecrets, a requirement of the model, travels as its tag xc:only-its-secrets:
// "true" asks it, "false" or no tag does not, and any other value, or one known only once
// deployed, leaves the key Unresolved and its key scope UNDECIDED, never a default.
TEST(CloudFormationRoundTrip, AKeysOnlyItsSecretsTravelsAsItsTag) {
    const auto g = xc::test::graph_of_json(xc::test::model_json("cross-account-microservices"));
    ASSERT_TRUE(g.model().consumer.kms_keys.at("shared-secret").only_its_secrets);
    struct Case {
        const char* label;
        std::optional<json> value;  // nullopt: the tag removed
        std::optional<bool> only_its_secrets;  // nullopt: Unresolved on the key
    };
    const json vpc_id{{"Ref", "VPC_ID"}};  // VPC_ID: the logical id of the consumer's VPC, set below
    for (const Case& c : {Case{"true", json("true"), true}, Case{"false", json("false"), false}, Case{"absent", std::nullopt, false},
                          Case{"yaml bool", json(true), true}, Case{"bad value", json("yes"), std::nullopt},
                          Case{"known once deployed", vpc_id, std::nullopt}}) {
        SCOPED_TRACE(c.label);
        std::size_t tags_seen = 0;
        Emitted e = emit(g, [&](json& t) {
            std::string vpc;
            for (const auto& [id, r] : t["Resources"].items())
                if (r["Type"] == "AWS::EC2::VPC") vpc = id;
            for (auto& [id, r] : t["Resources"].items()) {
                if (r["Type"] != "AWS::KMS::Key") continue;
                json& tags = r["Properties"]["Tags"];
                for (std::size_t n = 0; n < tags.size(); ++n) {
                    if (tags[n]["Key"] != "xc:only-its-secrets") continue;
                    ++tags_seen;
                    EXPECT_EQ(tags[n]["Value"], "true");
                    if (!c.value) tags.erase(n);
                    else tags[n]["Value"] = *c.value == vpc_id ? json{{"Ref", vpc}} : *c.value;
                    break;
                }
            }
        });
        EXPECT_EQ(tags_seen, 1u);
        auto loaded = cfn::load_stacks(e.stacks, e.sources, g.model().name);
        const xc::model::KmsKey* key = nullptr;
        loaded.model.for_each_scope([&](const xc::model::Scope& s) {
            for (const auto& [_, k] : s.kms_keys) key = &k;
        });
        ASSERT_NE(key, nullptr);
        const bool only_its_secrets = key->only_its_secrets;
        std::vector<std::string> on_key;
        for (const auto& u : loaded.model.unresolved)
            if (u.resource == key->path) on_key.push_back(u.value + ": " + u.reason);
        const auto report = xc::verify::verify(xc::model::build_graph(std::move(loaded.model)));
        std::optional<Verdict> scope;
        for (const auto& f : report.findings)
            if (f.property == "secret-share" && f.subject.find("/kms-key/") != std::string::npos) scope = f.verdict;
        ASSERT_TRUE(scope);
        if (c.only_its_secrets) {
            EXPECT_TRUE(on_key.empty()) << on_key.front();
            EXPECT_EQ(only_its_secrets, *c.only_its_secrets);
            EXPECT_EQ(*scope, Verdict::proved);  // the reference key's policy asks the context either way
        } else {
            ASSERT_EQ(on_key.size(), 1u);
            EXPECT_NE(on_key.front().find("/onlyItsSecrets: "), std::string::npos) << on_key.front();
            EXPECT_NE(on_key.front().find(c.value->is_string() ? "neither \"true\" nor \"false\": \"yes\"" : "is not known"), std::string::npos)
                << on_key.front();
            EXPECT_EQ(*scope, Verdict::undecided);
        }
    }
}

// IAM authorization: the templates carry each route's authorization (the body's
// x-amazon-apigateway-auth) and the callers (the consumer role's tag xc:calls); read back, every
// route has the model's authorization, every API the model's callers, and the verdicts are the
// model's, with nothing Unresolved but the header's two.
TEST(CloudFormationRoundTrip, IamAuthorizationAndCallers) {
    const auto g = xc::model::build_graph(xc::test::aws_iam_model());
    EXPECT_GT(round_trip("aws-iam", g), 10u);
    Emitted e = emit(g);
    const auto loaded = cfn::load_stacks(e.stacks, e.sources, g.model().name);
    for (const auto& u : loaded.model.unresolved)
        EXPECT_TRUE(u.reason.find("names it covers") != std::string::npos || u.reason.find("function's code") != std::string::npos)
            << u.resource << ": " << u.origin << ": " << u.reason;
    std::map<std::string, const xc::model::RestApi*> by_name;
    loaded.model.for_each_scope([&](const xc::model::Scope& s) {
        for (const auto& [_, a] : s.apis) by_name[a.deployed_name] = &a;
    });
    std::size_t routes = 0, iam = 0;
    for (const auto& [sn, s] : g.model().services)
        for (const auto& [an, a] : s.apis) {
            const std::string name = g.identity(g.vertex(xc::model::Ref{sn, an}, xc::model::VertexKind::rest_api)).name.stand_in();
            SCOPED_TRACE(name);
            ASSERT_TRUE(by_name.count(name));
            const auto& back = *by_name.at(name);
            xc::test::expect_same_authorization(a, back, routes, iam);
            ASSERT_EQ(back.callers.size(), 1u);
            EXPECT_EQ(back.callers.front().scope, loaded.model.consumer.name);
            EXPECT_TRUE(loaded.model.consumer.roles.count(back.callers.front().name)) << back.callers.front().to_string();
        }
    EXPECT_EQ(routes, 6u);
    EXPECT_EQ(iam, 4u);
}

}  // namespace

// A health check on another protocol or port than the traffic's is not checked as if it were the
// traffic's (target_health.hpp knows API Gateway's answer on the traffic's only): the target
// group's api-liveness is UNDECIDED naming it; the traffic port, named, decides as before.
TEST(CloudFormationRoundTrip, AHealthCheckOnAnotherProtocolOrPortLeavesTargetHealthUndecided) {
    const auto g = xc::test::graph_of_json(xc::test::model_json());
    auto target_health = [&](const json& properties) {
        Emitted e = emit(g, [&](json& t) {
            for (auto& [id, r] : t["Resources"].items())
                if (r["Type"] == "AWS::ElasticLoadBalancingV2::TargetGroup") r["Properties"].update(properties);
        });
        const auto loaded = cfn::load_stacks(e.stacks, e.sources, g.model().name);
        const auto report = xc::verify::verify(xc::model::build_graph(loaded.model));
        std::vector<const xc::verify::Finding*> found;
        for (const auto& f : report.findings)
            if (f.property == "api-liveness" && f.subject.find("/target-group/") != std::string::npos) found.push_back(&f);
        EXPECT_FALSE(found.empty());
        return found;
    };
    for (const json& other : {json{{"HealthCheckProtocol", "HTTP"}}, json{{"HealthCheckPort", "8443"}}}) {
        SCOPED_TRACE(other.dump());
        for (const auto* f : target_health(other)) {
            EXPECT_EQ(f->verdict, Verdict::undecided) << f->message;
            EXPECT_NE(f->message.find(other.begin().key()), std::string::npos) << f->message;
        }
    }
    for (const json& same : {json{{"HealthCheckPort", "traffic-port"}}, json{{"HealthCheckProtocol", "HTTPS"}}})
        for (const auto* f : target_health(same)) EXPECT_EQ(f->verdict, Verdict::proved) << same.dump() << ": " << f->message;
}

}  // namespace round_trip_test
