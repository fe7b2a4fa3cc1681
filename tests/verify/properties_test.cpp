// The property table is the one list of properties: every other list of them — the JSON report
// schema's and the baseline schema's enums, the SARIF rules — is held to it here, and every row's
// checks are wired to its id.
#include <xc/input/json/load.hpp>
#include <xc/verify/sarif.hpp>
#include <xc/verify/verify.hpp>

#include <model_support.hpp>
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <map>
#include <set>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace properties_test {

namespace {

using nlohmann::json;
using xc::verify::properties;

json table_ids() {
    json ids = json::array();
    for (const auto& p : properties) ids.push_back(std::string(p.id));
    return ids;
}

// Every array in `j` that holds a property id (the schemas' enums of property ids).
void property_id_lists(const json& j, const std::string& at, std::vector<std::pair<std::string, json>>& out) {
    if (j.is_array()) {
        for (const auto& v : j)
            if (v.is_string() && xc::verify::is_property(v.get<std::string>())) {
                out.emplace_back(at, j);
                break;
            }
    }
    if (j.is_structured())
        for (auto it = j.begin(); it != j.end(); ++it) property_id_lists(*it, at + "/" + (j.is_object() ? it.key() : "[]"), out);
}

TEST(PropertyTable, TheReportAndBaselineSchemasListExactlyTheTablesIds) {
    for (const char* schema : {"examples/ci/xc-report.schema.json", "examples/ci/xc-baseline.schema.json"}) {
        SCOPED_TRACE(schema);
        std::vector<std::pair<std::string, json>> lists;
        property_id_lists(json::parse(xc::test::read_file(xc::test::source_dir() / schema)), "", lists);
        ASSERT_FALSE(lists.empty()) << "no enum of property ids";
        for (const auto& [at, list] : lists) EXPECT_EQ(list, table_ids()) << "at " << at;
    }
}

TEST(PropertyTable, TheSarifRulesAreTheTablesRowsInOrder) {
    auto rules = xc::verify::to_sarif(xc::verify::RunReport{})["runs"][0]["tool"]["driver"]["rules"];
    ASSERT_EQ(rules.size(), properties.size());
    for (std::size_t i = 0; i < properties.size(); ++i) {
        const auto& p = properties[i];
        const auto& r = rules[i];
        SCOPED_TRACE(std::string(p.id));
        EXPECT_EQ(r["id"], std::string(p.id));
        EXPECT_EQ(r["name"], std::string(p.rule_name));
        EXPECT_EQ(r["shortDescription"]["text"], std::string(p.title));
        EXPECT_EQ(r["fullDescription"]["text"], std::string(p.description));
        EXPECT_EQ(r["help"]["text"], std::string(p.help));
        if (p.security_severity.empty()) {
            EXPECT_FALSE(r["properties"].contains("security-severity"));
            EXPECT_EQ(r["properties"]["tags"], json::array({"correctness"}));
        } else {
            EXPECT_EQ(r["properties"]["security-severity"], std::string(p.security_severity));
            EXPECT_EQ(r["properties"]["tags"], json::array({"security"}));
        }
    }
}

TEST(PropertyTable, RowsAreCompleteAndDistinct) {
    std::set<std::string_view> ids, names;
    for (const auto& p : properties) {
        SCOPED_TRACE(std::string(p.id));
        EXPECT_TRUE(ids.insert(p.id).second) << "duplicate id";
        EXPECT_TRUE(names.insert(p.rule_name).second) << "duplicate SARIF rule name";
        for (char c : p.id) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || c == '-') << "ids are kebab-case";
        for (char c : p.rule_name) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << "rule names are identifiers";
        EXPECT_FALSE(p.title.empty());
        EXPECT_FALSE(p.description.empty());
        EXPECT_FALSE(p.help.empty());
        if (!p.security_severity.empty()) {
            double s = std::stod(std::string(p.security_severity));
            EXPECT_TRUE(s >= 0.0 && s <= 10.0) << s;
        }
        EXPECT_NE(p.checks[0].run, nullptr) << "a property with no check proves nothing";
        EXPECT_EQ(xc::verify::find_property(p.id), &p);
    }
    EXPECT_FALSE(xc::verify::is_property("api-endpoint"));
    EXPECT_EQ(xc::verify::find_property(""), nullptr);
}

// Each row's checks report under its id, on the subjects they name: run alone, a property
// yields findings, and only its own (the reference model has a subject of every kind).
TEST(PropertyTable, EachPropertyRunsItsOwnChecks) {
    auto graph = xc::test::graph_of_file(xc::test::reference_model_path());
    for (const auto& p : properties) {
        SCOPED_TRACE(std::string(p.id));
        xc::verify::VerifyOptions options;
        options.only = {std::string(p.id)};
        auto report = xc::verify::verify(graph, options);
        ASSERT_FALSE(report.findings.empty());
        std::set<std::string> subjects;
        for (const auto& f : report.findings) {
            EXPECT_EQ(f.property, p.id);
            EXPECT_EQ(f.verdict, xc::verify::Verdict::proved) << f.subject << ": " << f.message;
            subjects.insert(f.subject);
        }
        // check_property runs the same checks over the same subjects.
        xc::verify::Checker checker(graph, options);
        xc::verify::check_property(checker, p);
        std::set<std::string> again;
        for (const auto& f : checker.report().findings) again.insert(f.subject);
        EXPECT_EQ(again, subjects);
    }
}

// An API no stage serves is not deployed: nothing can call it, whatever its policies say. A front
// end that finds no stage (Terraform without aws_api_gateway_stage) leaves the stage empty.
TEST(ApiLiveness, AnApiWithNoStageIsNotCallable) {
    auto model = xc::input::json::load_model_file(xc::test::reference_model_path().string());
    for (auto& [name, service] : model.services)
        for (auto& [api_name, api] : service.apis) api.stage.clear();
    auto graph = xc::model::build_graph(std::move(model));
    xc::verify::VerifyOptions options;
    options.only = {"api-liveness"};
    auto report = xc::verify::verify(graph, options);
    ASSERT_FALSE(report.findings.empty());
    for (const auto& f : report.findings) {
        if (graph[*graph.find(f.subject)].kind != xc::model::VertexKind::rest_api) continue;  // target health: no stage involved
        EXPECT_EQ(f.verdict, xc::verify::Verdict::violated) << f.subject << ": " << f.message;
        EXPECT_NE(f.message.find("no stage"), std::string::npos) << f.message;
    }
}

// verify() reports subject by subject: all of one API's findings before the next API's.
TEST(PropertyTable, FindingsAreGroupedBySubjectInTableOrder) {
    auto graph = xc::test::graph_of_file(xc::test::reference_model_path());
    auto report = xc::verify::verify(graph);
    auto apis = graph.private_apis();
    ASSERT_EQ(apis.size(), 2u);
    std::vector<std::string> first;
    for (const auto& f : report.findings)
        if (f.subject == graph[apis[0]].id) first.push_back(f.property);
        else if (f.subject == graph[apis[1]].id) break;
    EXPECT_EQ(first, (std::vector<std::string>{"api-endpoint-only", "api-liveness", "dns-tls"}));
}

// dns-tls on a public (REGIONAL) custom domain in front of a private API says what AWS requires
// and the model cannot show (issue 24, fix 3): a publicly trusted certificate (a self-signed one
// is named as such) and a name nobody else holds in the Region; on a PRIVATE custom domain,
// neither is required and nothing is said.
TEST(DnsTls, APublicCustomDomainsVerdictStatesWhatAwsRequiresOfIt) {
    std::size_t public_domains = 0, private_domains = 0;
    for (const char* model : {"cross-account-microservices", "three-services-private-domains"}) {
        auto graph = xc::test::graph_of_file(xc::test::source_dir() / "models" / (std::string(model) + ".json"));
        std::map<std::string, const xc::model::RestApi*> api_of;  // subject -> API
        for (auto v : graph.private_apis()) api_of[graph[v].id] = &graph.resource<xc::model::RestApi>(v);
        for (const auto& f : xc::verify::verify(graph).findings) {
            if (f.property != "dns-tls") continue;
            const auto& api = *api_of.at(f.subject);
            ASSERT_TRUE(api.custom_domain) << f.subject;
            EXPECT_EQ(f.verdict, xc::verify::Verdict::proved) << f.message;
            if (api.custom_domain->endpoint_type == xc::model::ApiEndpointType::PRIVATE) {
                EXPECT_EQ(f.message.find("AWS also requires"), std::string::npos) << f.message;
                EXPECT_TRUE(f.witness.is_null()) << f.witness.dump();
                ++private_domains;
                continue;
            }
            EXPECT_NE(f.message.find("a certificate from a publicly trusted CA (this one is self-signed"), std::string::npos) << f.message;
            EXPECT_NE(f.message.find("a name no other AWS account uses as a custom domain in the Region"), std::string::npos) << f.message;
            EXPECT_EQ(f.witness["awsRequires"].size(), 2u) << f.witness.dump();
            EXPECT_EQ(f.witness["certificate"], "self-signed");
            ++public_domains;
        }
    }
    EXPECT_EQ(public_domains, 2u);
    EXPECT_GE(private_domains, 3u);
}

}  // namespace

}  // namespace properties_test
