// The target-neutral lowering: stacks and phases, cross-account values, documents, and that
// every reference resolves inside its stack (what lets each printer render it on its own).
#include <xc/emit/lowering.hpp>
#include <xc/input/json/load.hpp>

#include <authorization_variant.hpp>
#include <model_support.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace lowering_test {

namespace {

namespace lw = xc::emit::lowering;
namespace test = xc::test;
using lw::Value;

lw::Deployment lower_file(const std::filesystem::path& p) {
    return lw::lower(xc::model::build_graph(xc::input::json::load_model_file(p.string())));
}
lw::Deployment lower_text(const std::string& text) {
    test::TempDir dir;
    test::write_file(dir / "m.json", text);
    return lower_file(dir / "m.json");
}

void walk(const Value& v, const std::function<void(const Value&)>& f) {
    f(v);
    for (const auto& i : v.items) walk(i, f);
    for (const auto& [_, e] : v.entries) walk(e, f);
}
void walk(const lw::Stack& s, const std::function<void(const Value&)>& f) {
    for (const auto* list : {&s.lookups, &s.resources})
        for (const auto& r : *list)
            for (const auto& [_, v] : r.properties) walk(v, f);
    for (const auto& o : s.outputs) walk(o.value, f);
}

const lw::Stack& stack(const lw::Deployment& d, const std::string& name) {
    const auto* s = d.find(name);
    if (!s) throw std::runtime_error("no stack " + name);
    return *s;
}

TEST(Lowering, ReferenceModelHasOneStackPerAccountConsumerFirst) {
    auto d = lower_file(test::reference_model_path());
    ASSERT_EQ(d.stacks.size(), 3u);
    EXPECT_EQ(d.stacks[0].name, "consumer");
    EXPECT_EQ(d.stacks[0].phase, 1);
    EXPECT_EQ(d.stacks[0].role, lw::StackRole::consumer);
    EXPECT_EQ(d.stacks[1].name, "beverage");
    EXPECT_EQ(d.stacks[2].name, "food");
    for (int i : {1, 2}) {
        EXPECT_EQ(d.stacks[i].phase, 2);
        EXPECT_EQ(d.stacks[i].role, lw::StackRole::service);
    }
    EXPECT_EQ(stack(d, "food").account_id, "333333333333");
}

// A name becomes an identifier every target accepts: ASCII letters lower-cased, each run of
// anything else one '_' (none leading or trailing), "r_" in front of a leading digit, "r" for a
// name with no letter or digit (Terraform accepts "_" as a name). Made in place
// (make_identifier) or into a copy (identifier), the same; an identifier is its own, so a name
// read back from emitted files maps to itself.
TEST(Lowering, NamesBecomeIdentifiersByOneRule) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"food", "food"},
        {"Get-Order", "get_order"},
        {"a--b__c", "a_b_c"},
        {"--a b--", "a_b"},
        {"svc_1_", "svc_1"},
        {"9lives", "r_9lives"},
        {"_x", "x"},
        {"", "r"},
        {"---", "r"},
        {"_", "r"},
        {"r_", "r"},
        {"\xc3\x84pfel", "pfel"},
        {"caf\xc3\xa9-bar", "caf_bar"},
        {std::string("a\0b", 3), "a_b"},
        {"ABC", "abc"},
        {"x.y/z:w", "x_y_z_w"},
    };
    for (const auto& [name, expected] : cases) {
        EXPECT_EQ(lw::identifier(name), expected) << name;
        std::string in_place = name;
        lw::make_identifier(in_place);
        EXPECT_EQ(in_place, expected) << name;
        EXPECT_EQ(lw::identifier(expected), expected) << name;
    }
}

TEST(Lowering, EveryReferenceResolvesInsideItsStackAndNamesAreUniqueIdentifiers) {
    for (const auto& entry : std::filesystem::directory_iterator(test::source_dir() / "models")) {
        const auto& p = entry.path();
        if (p.extension() != ".json" || p.filename().string().find(".schema.") != std::string::npos) continue;
        SCOPED_TRACE(p.filename().string());
        auto d = lower_file(p);
        for (const auto& s : d.stacks) {
            std::set<std::pair<std::string, std::string>> seen;
            for (const auto& r : s.resources) {
                EXPECT_TRUE(seen.emplace(r.kind, r.name).second) << s.name << ": " << r.kind << "." << r.name;
                EXPECT_EQ(lw::identifier(r.name), r.name);
                for (const auto& [kind, name] : r.depends_on) EXPECT_NE(s.find(kind, name), nullptr) << kind << "." << name;
            }
            walk(s, [&](const Value& v) {
                if (v.kind != Value::Kind::ref) return;
                bool found = false;
                if (v.target == lw::RefTarget::resource) found = s.find(v.ref_kind, v.ref_name) != nullptr;
                if (v.target == lw::RefTarget::lookup) found = s.find_lookup(v.ref_kind, v.ref_name) != nullptr;
                if (v.target == lw::RefTarget::input) {
                    for (const auto& in : s.inputs) found |= in.name == v.ref_name;
                }
                EXPECT_TRUE(found) << s.name << ": dangling " << lw::ref_text(v);
            });
        }
    }
}

TEST(Lowering, ServiceStacksKnowTheConsumerEndpointOnlyThroughTheSecret) {
    auto d = lower_file(test::reference_model_path());
    for (const char* name : {"beverage", "food"}) {
        const auto& s = stack(d, name);
        walk(s, [&](const Value& v) {
            if (v.kind == Value::Kind::string) {
                EXPECT_EQ(v.text.find("vpce-"), std::string::npos) << name << ": " << v.text;
            }
        });
        const auto* lookup = s.find_lookup("secret_version", "consumer_endpoint_id");
        ASSERT_NE(lookup, nullptr);
        EXPECT_EQ(lookup->property("secret_id")->text,
                  "arn:aws:secretsmanager:eu-central-1:111111111111:secret:cross-account-microservices/endpoint-id");
    }
    // The consumer's secret holds its own endpoint's id.
    const auto* version = stack(d, "consumer").find("secret_version", "endpoint_id");
    ASSERT_NE(version, nullptr);
    EXPECT_EQ(*version->property("secret_string"), lw::ref("vpc_endpoint", "execute_api", "id"));
}

TEST(Lowering, PolicyDocumentsAreOneJsonTextForEveryPrinter) {
    auto d = lower_file(test::reference_model_path());
    const auto* api = stack(d, "food").find("rest_api", "orders");
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(lw::canonical_json(*api->property("policy")),
              R"({"Statement":[{"Action":"execute-api:Invoke","Condition":{"StringEquals":{"aws:SourceVpce":"${lookup.secret_version.consumer_endpoint_id.secret_string}"}},"Effect":"Allow","Principal":"*","Resource":"execute-api:/*/*/*","Sid":"OnlyTheConsumerEndpoint"}],"Version":"2012-10-17"})");
    const auto* key = stack(d, "consumer").find("kms_key", "shared_secret");
    ASSERT_NE(key, nullptr);
    EXPECT_NE(lw::canonical_json(*key->property("policy")).find(R"("AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:root"])"),
              std::string::npos);
}

TEST(Lowering, OpenApiBodyHasRoutesValidatorEnumAndProxyIntegrations) {
    auto d = lower_file(test::reference_model_path());
    const auto* api = stack(d, "beverage").find("rest_api", "orders");
    ASSERT_NE(api, nullptr);
    std::string body = lw::canonical_json(*api->property("body"));
    for (const char* needle : {R"("/orders":{"get":)", R"("/orders/{orderId}":{"get":)", R"("enum":["tea","coffee","water"])",
                               R"("uri":"${function.post_order.invoke_arn}")", R"("type":"aws_proxy")",
                               R"("x-amazon-apigateway-request-validator":"body-and-parameters")",
                               R"({"in":"query","name":"orderDate","required":false,"type":"string"})"})
        EXPECT_NE(body.find(needle), std::string::npos) << needle << "\n" << body;
}

// Each AWS_IAM route's operation carries x-amazon-apigateway-auth (a NONE route nothing: API
// Gateway's default), and the consumer's caller role the tag xc:calls with the APIs' names.
TEST(Lowering, IamRoutesAndCallersAreWrittenForTheFrontEndsToReadBack) {
    const auto g = xc::model::build_graph(test::aws_iam_model());
    auto d = lw::lower(g);
    const auto* api = stack(d, "beverage").find("rest_api", "orders");
    ASSERT_NE(api, nullptr);
    const std::string body = lw::canonical_json(*api->property("body"));
    // The first route (GET /orders) states NONE; the other two take the API's AWS_IAM.
    std::size_t count = 0;
    for (auto at = body.find(R"("x-amazon-apigateway-auth":{"type":"AWS_IAM"})"); at != std::string::npos;
         at = body.find(R"("x-amazon-apigateway-auth":{"type":"AWS_IAM"})", at + 1))
        ++count;
    EXPECT_EQ(count, 2u) << body;
    const auto get_orders = body.find(R"("/orders":{"get":)");
    ASSERT_NE(get_orders, std::string::npos);
    EXPECT_GT(body.find(R"("x-amazon-apigateway-auth")", get_orders), body.find(R"("post":)", get_orders)) << "GET /orders is NONE: " << body;
    const auto* role = stack(d, "consumer").find("role", "api_client");
    ASSERT_NE(role, nullptr);
    const auto* calls = role->property("tags")->find("xc:calls");
    ASSERT_NE(calls, nullptr);
    std::string names;
    for (const auto& [sn, s] : g.model().services)
        for (const auto& [an, _] : s.apis)
            names += (names.empty() ? "" : " ") + g.identity(g.vertex(xc::model::Ref{sn, an}, xc::model::VertexKind::rest_api)).name.stand_in();
    EXPECT_EQ(calls->text, names);
    EXPECT_NE(names.find(' '), std::string::npos) << names;  // two APIs
    const auto* instance_role = stack(d, "consumer").find("role", "client_instance");
    ASSERT_NE(instance_role, nullptr);
    const auto* instance_tags = instance_role->property("tags");
    EXPECT_TRUE(instance_tags == nullptr || instance_tags->find("xc:calls") == nullptr);
}

// A key's onlyItsSecrets, which no AWS setting states, is its tag xc:only-its-secrets = "true"
// (input/detail/only_its_secrets.hpp); a key that does not ask it has no such tag.
TEST(Lowering, AKeyThatServesOnlyItsSecretsIsTaggedSo) {
    // The tag's value, copied: a pointer into the deployment would dangle once a temporary
    // deployment is gone (it did, found by ThreadSanitizer as a heap use after free).
    auto tag_of = [](const lw::Deployment& d) -> std::optional<std::string> {
        const auto* key = stack(d, "consumer").find("kms_key", "shared_secret");
        if (!key) throw std::runtime_error("no kms_key shared_secret");
        const Value* tag = key->property("tags")->find("xc:only-its-secrets");
        if (!tag) return std::nullopt;
        return tag->text;
    };
    EXPECT_EQ(tag_of(lower_file(test::reference_model_path())), "true");
    EXPECT_EQ(tag_of(lower_text(test::replace_once(test::reference_model_text(), "\"onlyItsSecrets\": true", "\"onlyItsSecrets\": false"))),
              std::nullopt);
}

TEST(Lowering, NamesThatCollideAfterSanitisingAreRefused) {
    const std::string t = test::colliding_names_model_text();
    try {
        lower_text(t);
        ADD_FAILURE() << "no LoweringError";
    } catch (const lw::LoweringError& e) {
        // Both model places are named, and what they both become; the error stands at the second,
        // located in the source (file, line:column).
        const std::string what = e.what();
        ASSERT_EQ(e.diagnostics().size(), 1u) << what;
        const auto& d = e.diagnostics().front();
        EXPECT_EQ(d.path, "/consumer/securityGroups/alb_") << what;
        EXPECT_TRUE(d.file.ends_with("m.json")) << what;
        EXPECT_GT(d.position.line, 0u) << what;
        EXPECT_NE(d.message.find("the model's /consumer/securityGroups/alb both become"), std::string::npos) << what;
        EXPECT_NE(what.find("in stack consumer: rename one of them"), std::string::npos) << what;
    }
}

TEST(Lowering, PrivateCustomDomainsAreSharedAndAssociatedByTheConsumerInALaterPhase) {
    auto path = test::source_dir() / "models/three-services-private-domains.json";
    ASSERT_TRUE(std::filesystem::exists(path)) << "the private-domains model is part of the shipped models";
    auto d = lower_file(path);
    const auto& last = d.stacks.back();
    EXPECT_EQ(last.phase, 3);
    EXPECT_EQ(last.role, lw::StackRole::consumer_associations);
    EXPECT_EQ(last.account_name, "platform");
    for (const char* service : {"payments", "inventory", "shipping"}) {
        const auto& s = stack(d, service);
        const auto* domain = s.find("domain_name", "orders");
        ASSERT_NE(domain, nullptr);
        EXPECT_EQ(domain->property("endpoint_configuration")->find("types")->items.at(0).text, "PRIVATE");
        EXPECT_NE(domain->property("policy"), nullptr);
        EXPECT_NE(s.find("base_path_mapping", "orders")->property("domain_name_id"), nullptr);
        EXPECT_NE(s.find("ram_resource_share", "orders_domain"), nullptr);
        EXPECT_EQ(s.find("ram_principal_association", "orders_domain_platform")->property("principal")->text, "401122334455");
        for (const char* ep : {"execute_api_a", "execute_api_b"}) {
            const auto* a = last.find("domain_name_access_association", std::string(service) + "_orders_" + ep);
            ASSERT_NE(a, nullptr) << service << " " << ep;
            EXPECT_EQ(a->property("access_association_source_type")->text, "VPCE");
        }
    }
}

// Lowered in parts, the stacks taken part by part are lower_stacks' sequence: each part a run
// of whole accounts, the association stacks last in the last part.
TEST(Lowering, PartsTakenInOrderAreTheStacksOfOneLowering) {
    const auto graph = test::graph_of_file(test::source_dir() / "models/three-services-private-domains.json");
    std::vector<std::string> one;
    lw::lower_stacks(graph, {}, [&](lw::Stack&& s) { one.push_back(s.name + " " + std::to_string(s.resources.size()) + " " + std::to_string(s.lookups.size())); });
    ASSERT_EQ(one.size(), 5u);  // four accounts and the consumer's associations
    for (std::size_t asked : {1u, 2u, 3u, 4u, 9u}) {
        for (unsigned threads : {0u, 1u, 2u}) {  // 0: a thread per part; fewer threads take the parts in turn
            std::vector<std::vector<std::string>> by_part(asked);
            std::mutex m;
            const std::size_t parts = lw::lower_stacks_in_parts(graph, {}, asked, threads, [&](std::size_t part, lw::Stack&& s) {
                std::lock_guard lock(m);
                ASSERT_LT(part, asked);
                by_part[part].push_back(s.name + " " + std::to_string(s.resources.size()) + " " + std::to_string(s.lookups.size()));
            });
            // Even parts by resources, so perhaps fewer than asked; never more than the accounts.
            EXPECT_LE(parts, std::min<std::size_t>(asked, 4)) << asked;
            EXPECT_GE(parts, std::min<std::size_t>(asked, 2)) << asked;
            std::vector<std::string> joined;
            for (std::size_t p = 0; p < parts; ++p) {
                EXPECT_FALSE(by_part[p].empty()) << "part " << p << " of " << parts;
                joined.insert(joined.end(), by_part[p].begin(), by_part[p].end());
            }
            EXPECT_EQ(joined, one) << asked << " parts, " << threads << " threads";
        }
    }
}

// An error in several parts is the first part's: the one a single lowering meets first.
TEST(Lowering, AnErrorInPartsIsTheFirstPartsError) {
    auto model = nlohmann::json::parse(test::read_file(test::source_dir() / "models/three-services-private-domains.json"));
    const nlohmann::json colliding = {{"vpc", "main"}, {"description", "collides"}, {"egress", nlohmann::json::array()}};
    for (const char* service : {"inventory", "shipping"}) model["services"][service]["securityGroups"]["lambda_"] = colliding;
    const auto graph = test::graph_of_text(model.dump(1), "collide.json");
    for (std::size_t parts : {1u, 2u, 4u}) {
        try {
            lw::lower_stacks_in_parts(graph, {}, parts, 0, [](std::size_t, lw::Stack&&) {});
            ADD_FAILURE() << "no LoweringError with " << parts << " parts";
        } catch (const lw::LoweringError& e) {
            ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
            EXPECT_EQ(e.diagnostics().front().path, "/services/inventory/securityGroups/lambda_") << parts << " parts";
            EXPECT_TRUE(e.diagnostics().front().file.ends_with("collide.json")) << parts << " parts: " << e.what();
        }
    }
}

}  // namespace

}  // namespace lowering_test
