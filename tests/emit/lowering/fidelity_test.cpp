// One truth: what the emitters deploy is what verify reasons about. For every shipped model and
// every variant of the mutation corpus, every name, id and ARN the lowering gives a resource or
// writes into a document, an environment or a generated Lambda is the deployed identity the graph
// holds for that resource (model/identity.hpp) — the one the proofs used.
#include <model_variants.hpp>

#include <xc/emit/lambda.hpp>
#include <xc/emit/lowering.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <regex>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace fidelity_test {

namespace {

namespace lw = xc::emit::lowering;
using nlohmann::json;
using xc::model::VertexKind;

// Every model the fidelity check runs on: the shipped ones and each corpus variant.
// Each model: its name, its text, and for a mutant the text of its patch — a mutant may name a
// resource that is deliberately not deployed (that is what makes it a mutant), and the check of
// secret ARNs below leaves what the patch itself wrote to the property it mutates.
struct FidelityModel {
    std::string name, text, mutation;
};
std::vector<FidelityModel> models() {
    std::vector<FidelityModel> out;
    for (const char* name : {"cross-account-microservices", "three-services-private-domains"})
        out.push_back({name, xc::test::model_json(name).dump(), ""});
    const json corpus = json::parse(xc::test::read_file(xc::test::source_dir() / "tests/verify/corpus.json"));
    const json reference = xc::test::model_json();
    for (const char* kind : {"mutants", "correct"})
        for (const auto& e : corpus[kind])
            out.push_back({e["name"].get<std::string>(), reference.patch(e["patch"]).dump(),
                           std::string(kind) == "mutants" ? e["patch"].dump() : std::string()});
    return out;
}

void walk(const lw::Value& v, const std::function<void(const lw::Value&)>& f) {
    f(v);
    for (const auto& i : v.items) walk(i, f);
    for (const auto& [_, e] : v.entries) walk(e, f);
}

// The lowered resource kinds that carry a name xc chooses, the property it is printed in, and the
// kind of graph vertex whose identity names it. One row each.
struct NamedKind {
    const char* lowered;
    const char* property;
    VertexKind vertex;
    const char* prefix;  // printed before the identity's name
};
constexpr NamedKind named_kinds[] = {
    {"secret", "name", VertexKind::secret, ""},
    {"function", "function_name", VertexKind::lambda, ""},
    {"log_group", "name", VertexKind::lambda, "/aws/lambda/"},
    {"table", "name", VertexKind::table, ""},
    {"rest_api", "name", VertexKind::rest_api, ""},
    {"domain_name", "domain_name", VertexKind::custom_domain, ""},
};

TEST(Fidelity, EmittedNamesIdsAndArnsAreTheDeployedIdentity) {
    std::size_t names_checked = 0, arns_checked = 0, tables_checked = 0;
    for (const auto& [name, text, mutation] : models()) {
        SCOPED_TRACE(name);
        auto g = xc::test::graph_of_text(text);
        std::map<std::pair<std::string, VertexKind>, xc::model::Vertex> by_path;
        std::vector<xc::model::Vertex> secrets;
        for (auto v : boost::make_iterator_range(boost::vertices(g.boost()))) {
            by_path[{std::string(g[v].path), g[v].kind}] = v;
            if (g[v].kind == VertexKind::secret) secrets.push_back(v);
        }
        auto d = lw::lower(g);
        for (const auto& stack : d.stacks)
            for (const auto* list : {&stack.resources, &stack.lookups})
                for (const auto& r : *list) {
                    // 1. A resource xc names is named by its vertex's identity.
                    for (const auto& k : named_kinds) {
                        if (r.kind != k.lowered || list == &stack.lookups) continue;
                        const auto* value = r.property(k.property);
                        ASSERT_NE(value, nullptr) << r.kind << " " << r.name;
                        ASSERT_EQ(value->kind, lw::Value::Kind::string) << r.kind << " " << r.name;
                        auto v = by_path.find({r.source, k.vertex});
                        ASSERT_NE(v, by_path.end()) << r.kind << " " << r.name << " from " << r.source << " has no vertex";
                        const auto& id = g.identity(v->second).name;
                        ASSERT_TRUE(id.is_literal()) << id.display();
                        EXPECT_EQ(value->text, k.prefix + id.stand_in()) << r.kind << " " << r.name;
                        ++names_checked;
                    }
                    // 2. An adopted resource is adopted under the id the proofs used.
                    if (!r.adopt_id.empty()) {
                        auto v = by_path.find({r.source, VertexKind::rest_api});
                        ASSERT_NE(v, by_path.end());
                        EXPECT_EQ(r.adopt_id, g.identity(v->second).id.stand_in());
                    }
                    // 3. Every literal secret ARN in a property or document is a deployed secret's
                    //    ARN, whole or partial (without the suffix AWS assigns).
                    for (const auto& [_, value] : r.properties)
                        walk(value, [&](const lw::Value& leaf) {
                            if (leaf.kind != lw::Value::Kind::string || leaf.text.rfind("arn:aws:secretsmanager:", 0) != 0) return;
                            if (!mutation.empty() && mutation.find(json(leaf.text).dump()) != std::string::npos) return;
                            bool deployed = false;
                            for (auto s : secrets) {
                                std::string partial = g.identity(s).arn().literal_prefix();
                                partial.pop_back();  // the '-' before the assigned suffix
                                deployed = deployed || leaf.text == partial ||
                                           xc::policy::glob_match(xc::policy::GlobPattern::wildcards(xc::test::pattern_of(g.identity(s).arn())),
                                                                  leaf.text);
                            }
                            EXPECT_TRUE(deployed) << "a secret ARN no secret is deployed under: " << leaf.text << " in " << r.kind << " " << r.name;
                            ++arns_checked;
                        });
                }
        // 4. The generated Lambdas read the tables the stacks create and the proofs reason about.
        auto lambdas = xc::emit::emit_lambda(g);
        std::set<std::string> table_names;
        for (auto t : g.vertices(VertexKind::table)) table_names.insert(g.identity(t).name.stand_in());
        const std::regex table_field(R"re(\.table = "([^"]*)")re");
        for (const auto& [path, file] : lambdas.files()) {
            if (path.find("/src/") == std::string::npos) continue;
            std::string content(file.content);
            for (std::sregex_iterator it(content.begin(), content.end(), table_field), end; it != end; ++it) {
                EXPECT_TRUE(table_names.contains((*it)[1].str())) << path << " reads table " << (*it)[1];
                ++tables_checked;
            }
        }
    }
    EXPECT_GT(names_checked, 0u);
    EXPECT_GT(arns_checked, 0u);
    EXPECT_GT(tables_checked, 0u);
}

// The resource policy verify proves is the one every REST API carries, in both places a provider
// or an update mode could take it from (its `policy` and its body's x-amazon-apigateway-policy),
// never as a separate resource (provider >= 6.48.0 wipes that on a body update), and the API's
// deployment is keyed on the body, which holds the policy (issue 24, fixes 1 and 2).
TEST(Fidelity, EveryApiCarriesItsVerifiedPolicyInItsBodyAndIsRedeployedWhenTheBodyChanges) {
    std::size_t apis_checked = 0;
    for (const auto& [name, text, mutation] : models()) {
        SCOPED_TRACE(name);
        auto g = xc::test::graph_of_text(text);
        std::map<std::string, const xc::model::RestApi*> api_at;  // model path -> API
        for (auto v : g.vertices(VertexKind::rest_api)) api_at[std::string(g[v].path)] = &g.resource<xc::model::RestApi>(v);
        auto d = lw::lower(g);
        for (const auto& stack : d.stacks)
            for (const auto& r : stack.resources) {
                EXPECT_NE(r.kind, "rest_api_policy") << r.name;
                if (r.kind != "rest_api") continue;
                const auto& api = *api_at.at(r.source);
                const lw::Value* body = r.property("body");
                const lw::Value* policy = r.property("policy");
                ASSERT_NE(body, nullptr);
                const lw::Value* in_body = body->items.front().find("x-amazon-apigateway-policy");
                if (!api.policy) {
                    EXPECT_EQ(policy, nullptr);
                    EXPECT_EQ(in_body, nullptr);
                    continue;
                }
                ASSERT_NE(policy, nullptr) << r.name;
                ASSERT_NE(in_body, nullptr) << r.name;
                EXPECT_EQ(lw::canonical_json(*in_body), lw::canonical_json(policy->items.front()));
                // The document verify read (its endpoint ids as the stack knows them: compared apart).
                json deployed = json::parse(lw::canonical_json(*policy)), verified = api.policy->document();
                ASSERT_EQ(deployed["Statement"].size(), verified["Statement"].size());
                for (std::size_t i = 0; i < verified["Statement"].size(); ++i) {
                    for (const char* key : {"Effect", "Action", "NotAction", "Principal", "Resource", "NotResource"})
                        EXPECT_EQ(deployed["Statement"][i].value(key, json()), verified["Statement"][i].value(key, json())) << i << " " << key;
                }
                const auto* deployment = stack.find("deployment", r.name);
                ASSERT_NE(deployment, nullptr);
                const lw::Value* trigger = deployment->property("triggers")->find("redeployment");
                ASSERT_NE(trigger, nullptr);
                EXPECT_EQ(trigger->items.front(), lw::ref("rest_api", r.name, "body"));
                ++apis_checked;
            }
    }
    EXPECT_GT(apis_checked, 100u);
}

}  // namespace

}  // namespace fidelity_test
