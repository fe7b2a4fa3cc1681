// What a front end could not resolve makes every check that depends on it UNDECIDED, naming it,
// and leaves the checks that do not depend on it as they were (verify/dependencies.hpp).
#include <model_variants.hpp>

#include <xc/verify/dependencies.hpp>
#include <xc/verify/diff.hpp>

#include <gtest/gtest.h>

#include <map>
#include <set>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace dependencies_test {

namespace {

using xc::model::Unresolved;
using xc::model::VertexKind;
using xc::verify::Verdict;
using namespace xc::test;

struct Run {
    std::shared_ptr<const xc::model::Model> model;
    xc::model::Graph graph;
    xc::verify::Report report;
};

// The model `name` with `items`, verified.
Run verified(const std::string& name, std::vector<Unresolved> items) {
    auto m = xc::input::json::load_model_text(model_json(name).dump(1), name + ".json");
    m.unresolved = std::move(items);
    auto shared = std::make_shared<const xc::model::Model>(std::move(m));
    auto g = xc::model::build_graph(shared);
    auto r = xc::verify::verify(g);
    return Run{shared, std::move(g), std::move(r)};
}

Unresolved item_on(std::string_view resource, const std::string& origin) {
    return Unresolved{std::string(resource), std::string(resource) + "/policy", origin, "read at apply time; nothing given creates it"};
}

using Key = std::pair<std::string, std::string>;  // property, subject
std::map<Key, const xc::verify::Finding*> by_key(const xc::verify::Report& r) {
    std::map<Key, const xc::verify::Finding*> out;
    for (const auto& f : r.findings) out.emplace(Key{f.property, f.subject}, &f);
    return out;
}

// Against the model without items: the same findings, each either as it was or UNDECIDED naming
// `origin`. Returns the subjects whose findings became UNDECIDED.
std::set<Key> changed(const Run& base, const Run& with, const std::string& origin) {
    auto before = by_key(base.report);
    auto after = by_key(with.report);
    EXPECT_EQ(before.size(), after.size());
    std::set<Key> out;
    for (const auto& [key, f] : after) {
        auto it = before.find(key);
        if (it == before.end()) {
            ADD_FAILURE() << "new finding " << key.first << " " << key.second;
            continue;
        }
        if (f->verdict == it->second->verdict && f->message == it->second->message) continue;
        EXPECT_EQ(f->verdict, Verdict::undecided) << key.first << " " << key.second;
        EXPECT_NE(f->message.find(origin), std::string::npos) << f->message;
        EXPECT_NE(f->message.find("[with placeholders: " + std::string(xc::verify::to_string(it->second->verdict))), std::string::npos)
            << "says what the check found over the placeholders: " << f->message;
        EXPECT_TRUE(f->statements.empty());
        EXPECT_EQ(f->witness["unresolved"][0]["origin"], origin);
        out.insert(key);
    }
    return out;
}

const char* const models[] = {"cross-account-microservices", "three-services-private-domains"};

// Whatever the item is on, a check of that very resource depends on it: every subject kind.
TEST(Unresolved, EveryCheckOfTheAffectedResourceIsUndecided) {
    for (const char* name : models) {
        auto base = verified(name, {});
        ASSERT_EQ(base.report.exit_code(), 0) << name;
        std::set<std::string> subjects;
        for (const auto& f : base.report.findings) subjects.insert(f.subject);
        std::set<VertexKind> kinds_tried;
        for (const auto& subject : subjects) {
            auto v = *base.graph.find(subject);
            if (!kinds_tried.insert(base.graph[v].kind).second) continue;  // one subject of each kind
            const std::string origin = "data.aws_thing.on_" + subject;
            auto with = verified(name, {item_on(base.graph[v].path, origin)});
            auto undecided = changed(base, with, origin);
            for (const auto& f : base.report.findings)
                if (f.subject == subject) {
                    EXPECT_TRUE(undecided.contains(Key{f.property, subject})) << name << ": " << f.property << " " << subject;
                }
        }
        EXPECT_GE(kinds_tried.size(), 4u) << "APIs, the consumer's account, secrets, functions and roles are subjects";
    }
}

// An item on one service's API leaves every other service's APIs decided.
TEST(Unresolved, AnItemOnOneApiLeavesTheOtherApisDecided) {
    for (const char* name : models) {
        auto base = verified(name, {});
        auto apis = base.graph.private_apis();
        ASSERT_GE(apis.size(), 2u);
        for (auto api : apis) {
            const std::string origin = "module.x.data.aws_secretsmanager_secret_version.on_" + base.graph[api].id;
            auto with = verified(name, {item_on(base.graph[api].path, origin)});
            auto read = base.graph.out(api, xc::model::EdgeKind::reads_secret);
            for (const auto& key : changed(base, with, origin)) {
                auto v = *base.graph.find(key.second);
                if (std::find(read.begin(), read.end(), v) != read.end()) continue;  // "holds the endpoint the APIs admit"
                if (base.graph[v].kind == VertexKind::rest_api) {
                    EXPECT_EQ(v, api) << key.first << " " << key.second;
                }
                EXPECT_EQ(base.graph[v].scope, base.graph[api].scope) << "another service's " << key.first << " " << key.second;
            }
        }
    }
}

// The consumer's endpoint is on every request's path: every API's checks, the network's and
// those of the secret holding its id depend on it.
TEST(Unresolved, AnItemOnTheConsumersEndpointAffectsEveryApiAndTheSecret) {
    for (const char* name : models) {
        auto base = verified(name, {});
        for (auto endpoint : base.graph.vertices(VertexKind::vpc_endpoint)) {
            if (base.graph[endpoint].scope != base.model->consumer.name) continue;
            if (base.graph.in(endpoint, xc::model::EdgeKind::bound_to).empty()) continue;
            const std::string origin = "aws_vpc_endpoint.execute_api.id";
            auto with = verified(name, {item_on(base.graph[endpoint].path, origin)});
            auto undecided = changed(base, with, origin);
            auto holders = base.graph.in(endpoint, xc::model::EdgeKind::holds_id_of);
            for (const auto& f : base.report.findings) {
                auto v = *base.graph.find(f.subject);
                auto kind = base.graph[v].kind;
                bool holds = std::find(holders.begin(), holders.end(), v) != holders.end();
                if (kind == VertexKind::rest_api || holds || f.property == "network-ingress") {
                    EXPECT_TRUE(undecided.contains(Key{f.property, f.subject})) << name << ": " << f.property << " " << f.subject;
                }
            }
        }
    }
}

// A function's data access depends on its table; another service's functions do not.
TEST(Unresolved, AnItemOnATableAffectsTheFunctionsThatUseItOnly) {
    auto base = verified(models[0], {});
    auto table = base.graph.vertices(VertexKind::table).front();
    const std::string origin = "aws_dynamodb_table.orders.name";
    auto with = verified(models[0], {item_on(base.graph[table].path, origin)});
    auto undecided = changed(base, with, origin);
    std::set<std::string> users;
    for (auto fn : base.graph.in(table, xc::model::EdgeKind::uses_table)) {
        users.insert(base.graph[fn].id);
        for (auto role : base.graph.out(fn, xc::model::EdgeKind::executes_as)) users.insert(base.graph[role].id);
    }
    ASSERT_FALSE(users.empty());
    for (const auto& u : users) EXPECT_TRUE(undecided.contains(Key{"lambda-data", u})) << u;
    for (const auto& key : undecided) EXPECT_TRUE(users.contains(key.second)) << key.first << " " << key.second;
}

// What a function's code does (its handler) is read by one check only: the DynamoDB actions its
// role may grant (lambda-data on the role); the function's own checks do not read it.
TEST(Unresolved, AnItemOnAFunctionsHandlerAffectsItsRolesDataAccessOnly) {
    auto base = verified(models[0], {});
    auto fn = base.graph.vertices(VertexKind::lambda).front();
    const std::string origin = "aws_lambda_function.get_order (its code)";
    auto item = item_on(base.graph[fn].path, origin);
    item.value = std::string(base.graph[fn].path) + "/handler";
    auto with = verified(models[0], {item});
    auto undecided = changed(base, with, origin);
    std::set<std::string> roles;
    for (auto role : base.graph.out(fn, xc::model::EdgeKind::executes_as)) roles.insert(base.graph[role].id);
    ASSERT_FALSE(roles.empty());
    for (const auto& r : roles) EXPECT_TRUE(undecided.contains(Key{"lambda-data", r})) << r;
    for (const auto& key : undecided) EXPECT_TRUE(key.first == "lambda-data" && roles.contains(key.second)) << key.first << " " << key.second;
}

// An account's id, the region, or a value on no resource: every check reads it.
TEST(Unresolved, AnItemOnAnAccountOrOnNoResourceAffectsEveryCheck) {
    auto base = verified(models[0], {});
    auto account = *base.graph.find("account/" + base.model->consumer.account);
    for (const std::string& path : {std::string(base.graph[account].path), std::string("/region"), std::string()}) {
        auto with = verified(models[0], {Unresolved{path, path, "var.region", "no value given"}});
        EXPECT_EQ(changed(base, with, "var.region").size(), base.report.findings.size()) << "path '" << path << "'";
        EXPECT_EQ(with.report.exit_code(), 3);
    }
}

// A value inside a resource (an invoke permission of a function) is that resource's.
TEST(Unresolved, AnItemInsideAResourceIsThatResources) {
    auto base = verified(models[0], {});
    auto fn = base.graph.vertices(VertexKind::lambda).front();
    const std::string origin = "aws_lambda_permission.extra";
    auto with = verified(models[0], {item_on(std::string(base.graph[fn].path) + "/invokePermissions/0", origin)});
    auto undecided = changed(base, with, origin);
    EXPECT_TRUE(undecided.contains(Key{"lambda-invoke", base.graph[fn].id}));
}

// xc diff: a comparison whose OLD or NEW side depends on an item decides nothing; the others are
// compared as ever.
TEST(Unresolved, ADiffComparisonOverAnUnresolvedSideIsUndecided) {
    auto plain = verified(models[0], {});
    auto api = plain.graph.private_apis().front();
    const std::string origin = "data.aws_secretsmanager_secret_version.endpoint.secret_string";
    auto with = verified(models[0], {item_on(plain.graph[api].path, origin)});
    for (bool item_on_new : {true, false}) {
        auto report = item_on_new ? xc::verify::diff(plain.graph, with.graph) : xc::verify::diff(with.graph, plain.graph);
        EXPECT_EQ(report.exit_code(), 3);
        bool api_access = false;
        for (const auto& f : report.findings) {
            if (f.finding.subject == plain.graph[api].id && f.finding.property == "api-access") {
                api_access = true;
                EXPECT_EQ(f.change, xc::verify::Change::undecided);
                EXPECT_NE(f.finding.message.find(origin), std::string::npos) << f.finding.message;
            }
            if (f.finding.scope != plain.graph[api].scope && f.finding.scope != plain.model->consumer.name) {
                EXPECT_EQ(f.change, xc::verify::Change::no_new_access) << f.finding.property << " " << f.finding.subject;
            }
        }
        EXPECT_TRUE(api_access);
    }
}

// The same unknown at the same place on both sides is one value: where what a comparison reads is
// identical, unknowns included, it decides alike (no new access); where anything it reads
// differs, or the unknowns differ, it stays UNDECIDED.
TEST(Unresolved, IdenticalUnknownsOnBothSidesDecideAlike) {
    auto plain = verified(models[0], {});
    auto api = plain.graph.private_apis().front();
    const std::string origin = "data.aws_secretsmanager_secret_version.endpoint.secret_string";
    auto with = verified(models[0], {item_on(plain.graph[api].path, origin)});
    auto again = verified(models[0], {item_on(plain.graph[api].path, origin)});
    auto same = xc::verify::diff(with.graph, again.graph);
    EXPECT_EQ(same.exit_code(), 0);
    EXPECT_EQ(same.count(xc::verify::Change::undecided), 0u);
    // Another unknown on NEW at the same place: not the same value.
    auto other = verified(models[0], {item_on(plain.graph[api].path, origin + "_other")});
    auto changed = xc::verify::diff(with.graph, other.graph);
    EXPECT_EQ(changed.exit_code(), 3);
    bool api_access = false;
    for (const auto& f : changed.findings)
        if (f.finding.subject == plain.graph[api].id && f.finding.property == "api-access") {
            api_access = true;
            EXPECT_EQ(f.change, xc::verify::Change::undecided);
            EXPECT_NE(f.finding.message.find(origin + "_other"), std::string::npos) << f.finding.message;
        }
    EXPECT_TRUE(api_access);
}

}  // namespace

}  // namespace dependencies_test
