// Bench: the emitted C++ handlers vs the reference's Python + boto3 handlers, same dynalite,
// same Runtime API emulator, same requests. Prints cold start (spawn -> first response),
// warm p50/p99 latency and peak RSS per handler, and the C++/Python ratios.
#include <xc/emit/lambda.hpp>
#include <xc/input/json/load.hpp>

#include "lambda_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <ctime>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using xc::test::quote;
using xc::test::run;

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}


struct Figures {
    double cold_ms = 0, p50_ms = 0, p99_ms = 0, rss_kb = 0;
};

}  // namespace

int main(int argc, char** argv) try {
    const int warm = argc > 1 ? std::stoi(argv[1]) : 300;
    const int cold = 10;
    const std::string service = "beverage";
    auto graph = xc::model::build_graph(xc::input::json::load_model_file(xc::test::reference_model_path().string()));
    const auto& table = graph.model().services.at(service).tables.at("orders");

    fs::path work = XC_LAMBDA_BENCH_WORK_DIR;
    xc::test::lambda::sync_files(xc::emit::emit_lambda(graph, {.services = {service}}), work);
    fs::path project = work / service;
    std::fprintf(stderr, "building %s ...\n", project.c_str());
    auto build = run("cmake -S " + quote(project.string()) + " -B " + quote((project / "build").string()) +
                     " >/dev/null && cmake --build " + quote((project / "build").string()) + " -j2");
    if (build.exit_code != 0) throw std::runtime_error("build failed:\n" + build.out + build.err);

    const std::vector<std::string> handlers = {"post-order", "get-orders", "get-order"};
    json env{{"AWS_ACCESS_KEY_ID", "AKIDTEST"}, {"AWS_SECRET_ACCESS_KEY", "secret"}, {"AWS_REGION", "eu-central-1"},
             {"AWS_DEFAULT_REGION", "eu-central-1"},  // Lambda sets both; botocore 1.29 reads only this one
             {"TABLE_NAME", table.table_name}, {"INDEX_NAME", "orderDateIndex"}, {"SERVICE", service}};
    json tables = json::array({{{"TableName", table.table_name},
                                {"AttributeDefinitions", {{{"AttributeName", "orderId"}, {"AttributeType", "S"}},
                                                          {{"AttributeName", "orderDate"}, {"AttributeType", "S"}}}},
                                {"KeySchema", {{{"AttributeName", "orderId"}, {"KeyType", "HASH"}}}},
                                {"GlobalSecondaryIndexes", {{{"IndexName", "orderDateIndex"},
                                                             {"KeySchema", {{{"AttributeName", "orderDate"}, {"KeyType", "HASH"}}}},
                                                             {"Projection", {{"ProjectionType", "ALL"}}}}}},
                                {"BillingMode", "PAY_PER_REQUEST"}}});
    json config{{"npmDir", std::string(XC_NPM_DIR) + "/node_modules"}, {"tables", tables}, {"functions", json::array()}};
    for (const auto& h : handlers) {
        fs::path dir = work / "unpacked" / h;
        fs::remove_all(dir);
        fs::create_directories(dir);
        if (run("cd " + quote(dir.string()) + " && cmake -E tar xf " + quote((project / "dist" / (h + ".zip")).string())).exit_code)
            throw std::runtime_error("cannot unpack " + h);
        config["functions"].push_back({{"name", "cpp-" + h}, {"command", {(dir / "bootstrap").string()}}, {"processes", 1}, {"env", env}});
        config["functions"].push_back({{"name", "py-" + h},
                                       {"command", {"/usr/bin/python3", std::string(XC_SOURCE_DIR) + "/bench/lambda/python_handlers.py", h}},
                                       {"processes", 1},
                                       {"env", env}});
    }
    xc::test::write_file(work / "harness.json", config.dump());
    xc::test::lambda::Child harness({"node", std::string(XC_SOURCE_DIR) + "/tests/emit/lambda/lambda_harness.js",
                                     (work / "harness.json").string()});
    int control = json::parse(harness.read_line(std::chrono::seconds(30))).at("control").get<int>();

    auto invoke = [&](const std::string& path, const json& event) {
        auto answer = xc::test::lambda::http_request(control, "POST", path, event.dump());
        json r = json::parse(answer.body);
        if (r.at("kind") != "response") throw std::runtime_error(path + ": " + answer.body);
        json response = json::parse(r.at("payload").get<std::string>());
        int status = response.at("statusCode").get<int>();
        if (status != 200 && status != 201) throw std::runtime_error(path + " answered " + response.dump());
        return std::make_pair(r, response);
    };
    // Seed one order so that get-order finds something and get-orders returns a day.
    auto [_, seeded] = invoke("/invoke/cpp-post-order", {{"body", R"({"fullName": "Seed", "beverage": "tea"})"}});
    std::string id = json::parse(seeded.at("body").get<std::string>()).at("orderId");
    std::map<std::string, json> events{
        {"post-order", {{"httpMethod", "POST"}, {"body", R"({"fullName": "Bench Mark", "beverage": "coffee"})"}}},
        {"get-orders", {{"httpMethod", "GET"}, {"queryStringParameters", {{"orderDate", "2000-01-01"}}}}},
        {"get-order", {{"httpMethod", "GET"}, {"pathParameters", {{"orderId", id}}}}}};

    std::map<std::string, Figures> figures;
    for (const auto& h : handlers)
        for (std::string lang : {"cpp", "py"}) {
            std::string fn = lang + "-" + h;
            std::vector<double> colds, lat;
            for (int i = 0; i < cold; ++i) colds.push_back(invoke("/coldstart/" + fn, events[h]).first.at("ms").get<double>());
            for (int i = 0; i < 20; ++i) invoke("/invoke/" + fn, events[h]);  // warm up
            for (int i = 0; i < warm; ++i) {
                auto t0 = std::chrono::steady_clock::now();
                invoke("/invoke/" + fn, events[h]);
                lat.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            }
            json stats = json::parse(xc::test::lambda::http_request(control, "GET", "/stats", "").body);
            double rss = 0;
            for (const auto& r : stats[fn]["rssKb"]) rss = std::max(rss, r.get<double>());
            figures[fn] = {percentile(colds, 0.5), percentile(lat, 0.5), percentile(lat, 0.99), rss};
        }

    // The stand-in's own latency, for the DynamoDB request each handler makes, asked through the
    // same control channel without a handler (/dynamodb/<Op>): a floor no handler's figure can go
    // below, so that a tail both languages share is seen as dynalite's (a Node process: its
    // event loop and garbage collector), not the handlers'.
    const std::map<std::string, std::pair<std::string, json>> direct{
        {"post-order", {"PutItem", {{"TableName", table.table_name},
                                     {"Item", {{"orderId", {{"S", "bench-direct"}}}, {"orderDate", {{"S", "2000-01-01"}}},
                                               {"fullName", {{"S", "Bench Mark"}}}, {"beverage", {{"S", "coffee"}}}}}}}},
        {"get-orders", {"Query", {{"TableName", table.table_name}, {"IndexName", "orderDateIndex"},
                                  {"KeyConditionExpression", "#date = :date"}, {"ExpressionAttributeNames", {{"#date", "orderDate"}}},
                                  {"ExpressionAttributeValues", {{":date", {{"S", "2000-01-01"}}}}}}}},
        {"get-order", {"GetItem", {{"TableName", table.table_name}, {"Key", {{"orderId", {{"S", id}}}}}}}}};
    std::map<std::string, Figures> floor;
    for (const auto& h : handlers) {
        const auto& [op, request] = direct.at(h);
        std::vector<double> lat;
        for (int i = 0; i < warm + 20; ++i) {
            auto t0 = std::chrono::steady_clock::now();
            auto answer = xc::test::lambda::http_request(control, "POST", "/dynamodb/" + op, request.dump());
            if (json::parse(answer.body).at("status") != 200) throw std::runtime_error(op + ": " + answer.body);
            if (i >= 20) lat.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        floor[h] = {0, percentile(lat, 0.5), percentile(lat, 0.99), 0};
    }

    std::printf("lambda bench: %d cold starts (median), %d warm invocations, same dynalite + Runtime API emulator\n", cold, warm);
    std::printf("%-12s %-4s %10s %10s %10s %10s\n", "handler", "lang", "cold ms", "p50 ms", "p99 ms", "RSS MiB");
    for (const auto& h : handlers)
        for (std::string lang : {"cpp", "py"}) {
            const auto& f = figures[lang + "-" + h];
            std::printf("%-12s %-4s %10.1f %10.2f %10.2f %10.1f\n", h.c_str(), lang.c_str(), f.cold_ms, f.p50_ms, f.p99_ms, f.rss_kb / 1024);
        }
    for (const auto& h : handlers) {
        const auto& f = floor[h];
        std::printf("%-12s %-4s %10s %10.2f %10.2f %10s   (dynalite alone: %s)\n", h.c_str(), "db", "", f.p50_ms, f.p99_ms, "",
                    direct.at(h).first.c_str());
    }
    std::printf("\nratios C++/Python (goal: cold <= 0.10, p50 <= 0.50, RSS <= 0.33)\n");
    for (const auto& h : handlers) {
        const auto& c = figures["cpp-" + h];
        const auto& p = figures["py-" + h];
        std::printf("%-12s cold %.3f  p50 %.3f  p99 %.3f  RSS %.3f\n", h.c_str(), c.cold_ms / p.cold_ms, c.p50_ms / p.p50_ms,
                    c.p99_ms / p.p99_ms, c.rss_kb / p.rss_kb);
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "xc_lambda_bench: %s\n", e.what());
    return 1;
}
