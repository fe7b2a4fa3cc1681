// Bench: the emitted C++ handlers vs the reference's Python + boto3 handlers, same dynalite,
// same Runtime API emulator, same requests. Prints cold start (spawn -> first response),
// warm p50/p99 latency (as the bench sees an invocation, and as Lambda's Duration: event handed
// out -> result posted), where the slowest 1% spent their time, peak RSS per handler, and the
// C++/Python ratios.
#include <xc/emit/lambda.hpp>
#include <xc/input/json/load.hpp>

#include "lambda_test_support.hpp"
#include "../arguments.hpp"

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
    double duration_p50_ms = 0, duration_p99_ms = 0;  // event handed out -> result posted
};

// One warm invocation (milliseconds): as the bench sees it, and the harness's split of it.
struct Timing {
    double total = 0;     // control request sent -> answer read, here
    double queued = 0;    // control request -> event handed out on /next
    double duration = 0;  // event handed out -> result posted (Lambda's "Duration")
    double db = 0;        // dynalite serving the handler's requests, within duration
    double gc = 0;        // the harness's (and dynalite's) GC pauses within the invocation
};

// Where the slowest 1% of invocations spent their time, against the median one.
void print_tail(const std::string& fn, std::vector<Timing> t) {
    std::sort(t.begin(), t.end(), [](const Timing& a, const Timing& b) { return a.total < b.total; });
    auto mean = [&](std::size_t from, std::size_t to) {
        Timing m;
        for (std::size_t i = from; i < to; ++i)
            m.total += t[i].total, m.queued += t[i].queued, m.duration += t[i].duration, m.db += t[i].db, m.gc += t[i].gc;
        double n = static_cast<double>(to - from);
        return Timing{m.total / n, m.queued / n, m.duration / n, m.db / n, m.gc / n};
    };
    std::size_t n = t.size(), tail = std::max<std::size_t>(1, n / 100);
    for (auto [label, m] : {std::pair{"middle", mean(n * 45 / 100, n * 55 / 100)}, std::pair{"slowest 1%", mean(n - tail, n)}})
        std::printf("%-16s %-10s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f\n", fn.c_str(), label, m.total, m.queued, m.duration - m.db,
                    m.db, m.total - m.queued - m.duration, m.gc);
}

}  // namespace

int main(int argc, char** argv) try {
    constexpr std::string_view usage = "xc_lambda_bench [WARM]";
    if (argc > 2) xc::bench::usage_error(std::string("unexpected argument ") + argv[2], usage);
    const int warm = argc > 1 ? static_cast<int>(xc::bench::count_argument(argv[1], "WARM", usage, 100, 1000000)) : 300;
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

    // The Python handlers need boto3 under the interpreter they run with; without it each would
    // die at import and the bench would learn of it only from a 30 s invocation timeout.
    const std::string python = "/usr/bin/python3";
    if (auto probe = run(quote(python) + " -c 'import boto3'"); probe.exit_code != 0)
        throw std::runtime_error(python + " cannot import boto3 (install Debian's python3-boto3): " + probe.err);

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
                                       {"command", {python, std::string(XC_SOURCE_DIR) + "/bench/lambda/python_handlers.py", h}},
                                       {"processes", 1},
                                       {"env", env}});
    }
    xc::test::write_file(work / "harness.json", config.dump());
    xc::test::lambda::Child harness({"node", std::string(XC_SOURCE_DIR) + "/tests/emit/lambda/lambda_harness.js",
                                     (work / "harness.json").string()});
    int control = json::parse(harness.read_line(std::chrono::seconds(30))).at("control").get<int>();

    // A function that answers no response is reported with what its processes said: a handler
    // that cannot start shows why (its stderr), not only that the invocation timed out.
    auto failed = [&](const std::string& path, const std::string& answer) {
        const std::string fn = path.substr(path.rfind('/') + 1);
        const json stats = json::parse(xc::test::lambda::http_request(control, "GET", "/stats", "").body).value(fn, json::object());
        return std::runtime_error(path + ": " + answer + "; " + fn + ": " + std::to_string(stats.value("exits", 0)) +
                                  " unexpected exit(s), " + std::to_string(stats.value("initErrors", 0)) + " init error(s), stderr:\n" +
                                  stats.value("stderr", std::string()));
    };
    auto invoke = [&](const std::string& path, const json& event) {
        auto answer = xc::test::lambda::http_request(control, "POST", path, event.dump());
        json r = json::parse(answer.body);
        if (r.at("kind") != "response") throw failed(path, answer.body);
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

    // One warm measurement of `who` ("cpp", "py" or "db": dynalite alone) for handler h.
    std::map<std::string, std::vector<Timing>> timings;  // by function name, "db-<handler>" for the floor
    auto measure = [&](const std::string& who, const std::string& h) {
        auto t0 = std::chrono::steady_clock::now();
        Timing t;
        if (who == "db") {
            const auto& [op, request] = direct.at(h);
            auto answer = xc::test::lambda::http_request(control, "POST", "/dynamodb/" + op, request.dump());
            if (json::parse(answer.body).at("status") != 200) throw std::runtime_error(op + ": " + answer.body);
        } else {
            json harness_timing = invoke("/invoke/" + who + "-" + h, events[h]).first.at("timing");
            t = {0, harness_timing.at("queued").get<double>(), harness_timing.at("duration").get<double>(),
                 harness_timing.at("db").get<double>(), harness_timing.at("gc").get<double>()};
        }
        t.total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return t;
    };

    // The stand-in compiles its JavaScript lazily: whichever function ran first would pay for
    // that (it made post-order's C++ cold start look 3x slower). Warm every path first.
    const std::vector<std::string> kinds = {"cpp", "py", "db"};
    for (const auto& h : handlers)
        for (int i = 0; i < 100; ++i)
            for (const auto& who : kinds) measure(who, h);

    // C++, Python and dynalite alone are measured in alternation (rotating which goes first),
    // never one after the other: a burst of load from elsewhere on the machine, a garbage
    // collection of the stand-in's growing heap, or dynalite's table growing under post-order
    // then falls on all three alike.
    std::map<std::string, Figures> figures;
    for (const auto& h : handlers) {
        std::map<std::string, std::vector<double>> colds;
        for (int i = 0; i < cold; ++i)
            for (int k = 0; k < 2; ++k) {
                std::string fn = kinds[(i + k) % 2] + "-" + h;
                colds[fn].push_back(invoke("/coldstart/" + fn, events[h]).first.at("ms").get<double>());
            }
        for (int i = 0; i < warm; ++i)
            for (int k = 0; k < 3; ++k) {
                const std::string& who = kinds[(i + k) % 3];
                timings[who + "-" + h].push_back(measure(who, h));
            }
        json stats = json::parse(xc::test::lambda::http_request(control, "GET", "/stats", "").body);
        for (const auto& who : kinds) {
            std::string fn = who + "-" + h;
            double rss = 0;
            for (const auto& r : stats[fn]["rssKb"]) rss = std::max(rss, r.get<double>());
            std::vector<double> total, duration;
            for (const auto& t : timings[fn]) total.push_back(t.total), duration.push_back(t.duration);
            figures[fn] = {colds.count(fn) ? percentile(colds[fn], 0.5) : 0, percentile(total, 0.5), percentile(total, 0.99), rss,
                           percentile(duration, 0.5), percentile(duration, 0.99)};
        }
    }

    std::printf("lambda bench: %d cold starts (median), %d warm invocations, same dynalite + Runtime API emulator\n", cold, warm);
    std::printf("%-12s %-4s %10s %10s %10s %10s\n", "handler", "lang", "cold ms", "p50 ms", "p99 ms", "RSS MiB");
    for (const auto& h : handlers)
        for (std::string lang : {"cpp", "py"}) {
            const auto& f = figures[lang + "-" + h];
            std::printf("%-12s %-4s %10.1f %10.2f %10.2f %10.1f\n", h.c_str(), lang.c_str(), f.cold_ms, f.p50_ms, f.p99_ms, f.rss_kb / 1024);
        }
    for (const auto& h : handlers) {
        const auto& f = figures["db-" + h];
        std::printf("%-12s %-4s %10s %10.2f %10.2f %10s   (dynalite alone: %s)\n", h.c_str(), "db", "", f.p50_ms, f.p99_ms, "",
                    direct.at(h).first.c_str());
    }
    std::printf("\nwhere the time goes (ms, means): total = queued + handler + db + rest; gc overlaps any of them\n");
    std::printf("%-16s %-10s %8s %8s %8s %8s %8s %8s\n", "function", "invocations", "total", "queued", "handler", "db", "rest", "gc");
    for (const auto& h : handlers)
        for (std::string lang : {"cpp", "py"}) print_tail(lang + "-" + h, timings[lang + "-" + h]);
    std::printf("\nDuration (event handed out -> result posted), ms\n");
    for (const auto& h : handlers)
        for (std::string lang : {"cpp", "py"}) {
            const auto& f = figures[lang + "-" + h];
            std::printf("%-12s %-4s p50 %8.2f  p99 %8.2f\n", h.c_str(), lang.c_str(), f.duration_p50_ms, f.duration_p99_ms);
        }
    // "floor": dynalite alone / Python at p99, the best p99 ratio a handler that took no time at
    // all could show on this stand-in.
    std::printf("\nratios C++/Python (goal: cold <= 0.10, p50 <= 0.50, p99 <= 0.50, RSS <= 0.33)\n");
    for (const auto& h : handlers) {
        const auto& c = figures["cpp-" + h];
        const auto& p = figures["py-" + h];
        std::printf("%-12s cold %.3f  p50 %.3f  p99 %.3f (floor %.3f)  RSS %.3f  Duration p50 %.3f p99 %.3f\n", h.c_str(),
                    c.cold_ms / p.cold_ms, c.p50_ms / p.p50_ms, c.p99_ms / p.p99_ms, figures["db-" + h].p99_ms / p.p99_ms,
                    c.rss_kb / p.rss_kb, c.duration_p50_ms / p.duration_p50_ms, c.duration_p99_ms / p.duration_p99_ms);
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "xc_lambda_bench: %s\n", e.what());
    return 1;
}
