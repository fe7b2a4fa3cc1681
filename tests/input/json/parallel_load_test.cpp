// The loader reads services on several threads (load.hpp: read_services): the model, its source
// locations and the messages of a bad model are the same for any number of threads, on models
// large enough for several chunks of services.
#include <xc/emit/model_json.hpp>
#include <xc/error.hpp>
#include <xc/input/json/load.hpp>

#include <generated_models.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace parallel_load_test {

namespace {

// More services than two chunks of the loader's (256), the last chunk a short one.
constexpr std::size_t services = 2 * 256 + 9;

xc::model::Model load_with(const std::string& text, unsigned jobs) {
    return xc::input::json::load_model(xc::input::json::parse_json(text, "generated.json"), jobs);
}

// What a bad model's load says, one line per diagnostic: file, position, path, message, hint.
std::vector<std::string> errors_with(const std::string& text, unsigned jobs) {
    std::vector<std::string> out;
    try {
        load_with(text, jobs);
    } catch (const xc::InputError& e) {
        for (const auto& d : e.diagnostics())
            out.push_back(d.file + ":" + std::to_string(d.position.line) + ":" + std::to_string(d.position.column) + " " + d.path +
                          ": " + d.message + " | " + d.hint);
    }
    return out;
}

}  // namespace

TEST(ParallelLoad, TheModelIsTheSameForAnyNumberOfThreads) {
    for (auto shape : {xc::bench::ModelShape::stamped, xc::bench::ModelShape::distinct}) {
        const std::string text = xc::bench::generated_services_model(services, shape);
        const auto one = load_with(text, 1);
        ASSERT_EQ(one.services.size(), services);
        const std::string expected = xc::emit::model_json(one);
        for (unsigned jobs : {2u, 3u, 8u}) {
            const auto many = load_with(text, jobs);
            EXPECT_EQ(xc::emit::model_json(many), expected) << jobs << " threads, " << to_string(shape);
            // Where each service's values were written (its template's or its own members).
            for (const auto& [name, scope] : one.services) {
                for (const auto& path : {scope.path + "/apis/orders/policy", scope.path + "/lambdas/get-order/role", scope.path + "/account"}) {
                    const auto a = one.source->locate(path), b = many.source->locate(path);
                    ASSERT_EQ(a.position.line, b.position.line) << path << ", " << jobs << " threads";
                    ASSERT_EQ(a.position.column, b.position.column) << path << ", " << jobs << " threads";
                }
            }
        }
    }
}

// Mistakes in services of different chunks are all reported, in the services' order, whatever
// the number of threads.
TEST(ParallelLoad, TheErrorsAreTheSameForAnyNumberOfThreads) {
    auto model = nlohmann::json::parse(xc::bench::generated_services_model(services, xc::bench::ModelShape::distinct));
    auto& all = model["services"];
    std::vector<std::string> names;
    for (const auto& [name, _] : all.items()) names.push_back(name);
    all[names[3]]["apis"]["orders"]["stage"] = 5;                // a number where a stage name goes
    all[names[300]]["template"] = "no-such-template";            // a template that does not exist
    all[names[services - 1]]["apis"]["orders"]["policy"] = "*";  // not a policy document
    const std::string text = model.dump(1);
    const auto one = errors_with(text, 1);
    ASSERT_EQ(one.size(), 3u);
    EXPECT_NE(one[0].find(names[3]), std::string::npos) << one[0];
    EXPECT_NE(one[1].find(names[300]), std::string::npos) << one[1];
    EXPECT_NE(one[2].find(names[services - 1]), std::string::npos) << one[2];
    for (unsigned jobs : {2u, 3u, 8u}) EXPECT_EQ(errors_with(text, jobs), one) << jobs << " threads";
}

// The semantic checks resolve the scopes on several threads too (model/check.hpp): references
// that name nothing, in services of different chunks, and one that reads another service's
// endpoint (resolved on another thread), are all reported in the services' order.
TEST(ParallelLoad, TheChecksErrorsAreTheSameForAnyNumberOfThreads) {
    auto model = nlohmann::json::parse(xc::bench::generated_services_model(services, xc::bench::ModelShape::distinct));
    auto& all = model["services"];
    std::vector<std::string> names;
    for (const auto& [name, _] : all.items()) names.push_back(name);
    all[names[3]]["apis"]["orders"]["endpointIdFrom"] = "consumer/no-such-secret";
    all[names[300]]["apis"]["orders"]["vpcEndpoints"] = {"consumer/no-such-endpoint"};
    all[names[301]]["apis"]["orders"]["vpcEndpoints"] = {names[2] + "/dynamodb"};  // a gateway endpoint
    all[names[services - 1]]["apis"]["orders"]["endpointIdFrom"] = names[0] + "/no-such-secret";
    const std::string text = model.dump(1);
    const auto one = errors_with(text, 1);
    ASSERT_EQ(one.size(), 4u);
    EXPECT_NE(one[0].find(names[3] + "/apis/orders/endpointIdFrom: no secret named 'no-such-secret'"), std::string::npos) << one[0];
    EXPECT_NE(one[1].find(names[300] + "/apis/orders/vpcEndpoints/0: no VPC endpoint named 'no-such-endpoint'"), std::string::npos) << one[1];
    EXPECT_NE(one[2].find("endpoint '" + names[2] + "/dynamodb' is not an execute-api interface endpoint"), std::string::npos) << one[2];
    EXPECT_NE(one[3].find("no secret named 'no-such-secret' in '" + names[0] + "'"), std::string::npos) << one[3];
    for (unsigned jobs : {2u, 3u, 8u}) EXPECT_EQ(errors_with(text, jobs), one) << jobs << " threads";
}

}  // namespace parallel_load_test
