// xc_verify_bench [SERVICES...]   (default 10 100 1000 10000)
// xc_verify_bench --slow-policy [STATEMENTS...]   (default 50 100 250)
// xc_verify_bench --diff [SERVICES...]   (default 1000 10000)
// xc_verify_bench --load [SERVICES...]   (default 1000 10000)
// xc_verify_bench --properties [SERVICES...]   (default 1000 10000)
//
// For each size, a child process generates a model from the reference one — N services in N
// accounts, every tenth with a wildcard endpoint condition (a violation), a shared secret and
// key per 500 services — and reports load,
// verify, per-API time and peak RSS. Then the process wall time of `xc verify` on the reference
// model (median of 11 runs).
//
// --diff: xc diff (issue 21) of a generated model against a copy whose policies differ in 1% of
// the services (half widened to any endpoint, half narrowed by an extra Deny), next to xc verify
// on the changed model: the library's time for each, then both as processes (what users run).
//
// --load: reading a model (issue 22's goal: >= 20 MB/s, <= 10 KB per service), stamped and
// distinct: JSON parse, loader, graph, MB/s and the memory the IR and graph keep per service.
//
// --properties: each property alone on the stamped and the distinct model (issue 22's goal 4):
// its subjects, the policy queries it solved (a check answered from the proof cache solves none),
// its time, and the time per subject and per solved query.
//
// --slow-policy: the star-heavy API policy of issue 16 (tests/support/slow_policy.hpp) with
// STATEMENTS statements on one API: one query (api-endpoint-only on that API) with budgets of 5,
// 200 and 1000 ms — verdict, time taken, how far past its budget it ran — and `xc verify` on the
// whole model as a process.
#include "generated_models.hpp"
#include "slow_policy.hpp"
#include "../arguments.hpp"
#include "../timing.hpp"

#include <xc/model/graph.hpp>
#include <xc/input/json/load.hpp>
#include <xc/verify/diff.hpp>
#include <xc/verify/verify.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using xc::bench::Clock;
using xc::bench::seconds_since;

std::string reference_text() { return xc::bench::reference_model_text(); }

std::string generate(std::size_t n) { return xc::bench::generated_services_model(n, xc::bench::ModelShape::stamped); }

int measure(std::size_t n) {
    std::string text = generate(n);
    auto t0 = Clock::now();
    auto graph = xc::model::build_graph(xc::input::json::load_model_text(text, "generated.json"));
    double load = seconds_since(t0);
    auto t1 = Clock::now();
    auto report = xc::verify::verify(graph);
    double verify = seconds_since(t1);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%8zu services  %7zu findings (%5zu violated)  load+graph %7.3f s  verify %7.3f s  per API %7.3f ms  peak RSS %7.1f MiB\n", n,
                report.findings.size(), report.count(xc::verify::Verdict::violated), load, verify, 1000 * verify / static_cast<double>(n),
                static_cast<double>(usage.ru_maxrss) / 1024.0);
    return 0;
}

// Reading a model: JSON parse (with positions), the loader (templates, checks), the graph; each
// the median of 5 rounds, per shape; MB/s of model JSON and memory per service kept by the IR
// and graph (heap bytes in use while one loaded graph is alive, beyond what was before), split
// into the model (the IR with the JSON it keeps for locating findings) and what the graph adds;
// and the CPU time of the three together (the figure to trust when other work shares the cores).
// In use: small chunks (uordblks) and the large blocks malloc maps on its own (hblkhd: the
// graph's vertex and edge arrays), summed over every thread's arena.
long heap_in_use_kib() {
    const auto m = mallinfo2();
    return static_cast<long>((m.uordblks + m.hblkhd) / 1024);
}

int measure_load(std::size_t n) {
    for (auto shape : {xc::bench::ModelShape::stamped, xc::bench::ModelShape::distinct}) {
        const std::string text = xc::bench::generated_services_model(n, shape);
        std::vector<double> parse, load, graph, cpu;
        long kept_kib = 0, model_kib = 0;
        for (int round = 0; round < 5; ++round) {
            const long before = heap_in_use_kib();
            const double cpu0 = xc::bench::cpu_seconds();
            auto t0 = Clock::now();
            auto source = xc::input::json::parse_json(text, "generated.json");
            parse.push_back(seconds_since(t0));
            auto t1 = Clock::now();
            auto model = xc::input::json::load_model(std::move(source));
            load.push_back(seconds_since(t1));
            model_kib = heap_in_use_kib() - before;
            auto t2 = Clock::now();
            auto g = xc::model::build_graph(std::move(model));
            graph.push_back(seconds_since(t2));
            cpu.push_back(xc::bench::cpu_seconds() - cpu0);
            kept_kib = heap_in_use_kib() - before;
        }
        auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        const double total = median(parse) + median(load) + median(graph);
        const double per_service = static_cast<double>(n);
        std::printf("%8zu services %-8s %7.2f MB  parse %6.3f s  load+check %6.3f s  graph %6.3f s  total %6.3f s (cpu %6.3f s)  %6.1f MB/s"
                    "  %6.1f KiB/service (model %5.1f, graph %5.1f)\n",
                    n, xc::bench::to_string(shape), static_cast<double>(text.size()) / 1e6, median(parse), median(load), median(graph), total,
                    median(cpu), static_cast<double>(text.size()) / 1e6 / total, static_cast<double>(kept_kib) / per_service,
                    static_cast<double>(model_kib) / per_service, static_cast<double>(kept_kib - model_kib) / per_service);
    }
    return 0;
}

int measure_properties(std::size_t n) {
    for (auto shape : {xc::bench::ModelShape::stamped, xc::bench::ModelShape::distinct}) {
        auto graph = xc::model::build_graph(xc::input::json::load_model_text(xc::bench::generated_services_model(n, shape), "generated.json"));
        std::printf("%zu services, %s:\n", n, xc::bench::to_string(shape));
        double total = 0;
        for (const auto& property : xc::verify::properties) {
            xc::verify::Checker checker(graph, {});
            auto t = Clock::now();
            xc::verify::check_property(checker, property);
            const double s = seconds_since(t);
            total += s;
            const std::size_t findings = checker.report().findings.size(), solved = checker.queries_solved();
            std::printf("  %-20s %6zu findings  %6zu queries solved  %7.3f s  %7.3f ms/finding  %7.3f ms/query\n", std::string(property.id).c_str(),
                        findings, solved, s, findings ? 1000 * s / static_cast<double>(findings) : 0.0,
                        solved ? 1000 * s / static_cast<double>(solved) : 0.0);
        }
        std::printf("  %-20s %7.3f s\n", "all", total);
    }
    return 0;
}

// A size given on the command line: a whole number of services (or statements).
std::size_t service_count(const std::string& text) {
    return xc::bench::count_argument(text, "SIZE", "xc_verify_bench [--load|--diff|--properties|--slow-policy] [SIZES...]", 1, 1000000);
}

int slow_policy(const std::vector<std::string>& sizes) {
    const auto reference = nlohmann::json::parse(reference_text());
    {  // the first Z3 context of a process costs ~50 ms: not part of any query
        xc::verify::VerifyOptions warm;
        warm.only = {"api-liveness"};
        xc::verify::verify(xc::model::build_graph(xc::input::json::load_model_text(reference_text(), "warm.json")), warm);
    }
    for (const auto& size : sizes) {
        const std::size_t n = service_count(size);
        const std::string text = xc::test::slow_policy_model(reference, n);
        const std::string file = "/tmp/xc-slow-policy-" + std::to_string(::getpid()) + "-" + size + ".json";
        { std::ofstream(file) << text; }
        auto graph = xc::model::build_graph(xc::input::json::load_model_text(text, file));
        std::printf("slow policy, %zu statements (model %zu bytes):\n", n, text.size());
        const auto& property = *xc::verify::find_property("api-endpoint-only");
        for (unsigned budget : {5u, 200u, 1000u}) {
            // One query: api-endpoint-only on the slow API (the checker's Z3 context is made before).
            xc::verify::VerifyOptions options;
            options.timeout_ms = budget;
            xc::verify::Checker checker(graph, options);
            auto t = Clock::now();
            xc::verify::run_check(checker, property, property.checks[0], graph.private_apis().front());
            double ms = 1000 * seconds_since(t);
            const auto& f = checker.report().findings.front();
            std::printf("  one query, --timeout-ms %4u: %-9s %8.1f ms (%+6.1f%% of budget)  %s\n", budget,
                        std::string(xc::verify::to_string(f.verdict)).c_str(), ms, 100 * (ms - budget) / budget, f.message.c_str());
        }
#ifdef XC_CLI
        for (unsigned budget : {5u, 200u}) {
            std::string command = std::string(XC_CLI) + " verify " + file + " --timeout-ms " + std::to_string(budget) + " > /dev/null";
            auto t = Clock::now();
            int status = std::system(command.c_str());
            std::printf("  xc verify (all properties) --timeout-ms %4u: exit %d, %8.1f ms process wall\n", budget,
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1, 1000 * seconds_since(t));
        }
#endif
        std::remove(file.c_str());
    }
    return 0;
}

// The generated model with 1% of its services changed: every 100th service's API policy,
// alternately widened (any endpoint: new access) and narrowed (an extra Deny of plain HTTP).
std::string changed_copy(const std::string& text) {
    auto model = nlohmann::json::parse(text);
    auto narrowed = model["templates"]["orders-service"]["apis"]["orders"]["policy"];
    narrowed["Statement"].push_back(nlohmann::json::parse(R"({"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})"));
    const auto widened = nlohmann::json::parse(R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "execute-api:Invoke", "Resource": "execute-api:/*", "Condition": {"StringLike": {"aws:SourceVpce": "vpce-*"}}}]})");
    for (auto& [name, service] : model["services"].items()) {
        const std::size_t i = std::stoul(name.substr(3));  // "svc<i>"; i % 10 == 9 is already a violation
        if (i % 100 == 0) service["apis"]["orders"]["policy"] = (i / 100) % 2 == 0 ? widened : narrowed;
    }
    return model.dump();
}

int measure_diff(std::size_t n) {
    const std::string old_text = generate(n), new_text = changed_copy(old_text);
    auto old_graph = xc::model::build_graph(xc::input::json::load_model_text(old_text, "old.json"));
    auto new_graph = xc::model::build_graph(xc::input::json::load_model_text(new_text, "new.json"));
    auto t0 = Clock::now();
    auto d = xc::verify::diff(old_graph, new_graph);
    double diff = seconds_since(t0);
    auto t1 = Clock::now();
    auto v = xc::verify::verify(new_graph);
    double verify = seconds_since(t1);
    std::printf("%8zu services, 1%% changed: diff %7.3f s (%zu new access, %zu undecided, %zu no new access, %zu access removed)  "
                "verify of NEW %7.3f s\n",
                n, diff, d.count(xc::verify::Change::new_access), d.count(xc::verify::Change::undecided),
                d.count(xc::verify::Change::no_new_access), d.count(xc::verify::Change::access_removed), verify);
#ifdef XC_CLI
    const std::string dir = "/tmp/xc-diff-bench-" + std::to_string(::getpid());
    const std::string a = dir + "-old.json", b = dir + "-new.json";
    { std::ofstream(a) << old_text; }
    { std::ofstream(b) << new_text; }
    for (const std::string& args : {"diff " + a + " " + b, "verify " + b}) {
        const auto p = xc::bench::time_process(std::string(XC_CLI) + " " + args + " > /dev/null", 3);
        std::printf("    xc %-6s as a process: exit %d, %7.3f s wall (median of 3)\n", args.substr(0, args.find(' ')).c_str(), p.exit_status, p.median_seconds);
    }
    if (std::getenv("XC_BENCH_KEEP")) std::printf("    kept %s and %s\n", a.c_str(), b.c_str());
    else {
        std::remove(a.c_str());
        std::remove(b.c_str());
    }
#endif
    return 0;
}

// Run `self MODE size` for each size, one child process each (a fresh heap and a true peak RSS).
void in_children(const char* self, const char* mode, const std::vector<std::string>& sizes) {
    for (const auto& s : sizes) {
        std::fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/proc/self/exe", self, mode, s.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
    }
}

// The sizes given from argv[first] on (each checked here, before any child runs), or `fallback`.
std::vector<std::string> sizes_or(int argc, char** argv, int first, std::vector<std::string> fallback) {
    std::vector<std::string> sizes(argv + first, argv + argc);
    for (const auto& s : sizes) service_count(s);
    return sizes.empty() ? fallback : sizes;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--one-diff") return measure_diff(service_count(argv[2]));
    if (argc == 3 && std::string(argv[1]) == "--one-load") return measure_load(service_count(argv[2]));
    if (argc == 3 && std::string(argv[1]) == "--one") return measure(service_count(argv[2]));
    if (argc >= 2 && std::string(argv[1]) == "--diff") {
        in_children(argv[0], "--one-diff", sizes_or(argc, argv, 2, {"1000", "10000"}));
        return 0;
    }
    if (argc >= 2 && std::string(argv[1]) == "--load") {
        in_children(argv[0], "--one-load", sizes_or(argc, argv, 2, {"1000", "10000"}));
        return 0;
    }
    if (argc == 3 && std::string(argv[1]) == "--one-properties") return measure_properties(service_count(argv[2]));
    if (argc >= 2 && std::string(argv[1]) == "--properties") {
        in_children(argv[0], "--one-properties", sizes_or(argc, argv, 2, {"1000", "10000"}));
        return 0;
    }
    if (argc >= 2 && std::string(argv[1]) == "--slow-policy") return slow_policy(sizes_or(argc, argv, 2, {"50", "100", "250"}));
    in_children(argv[0], "--one", sizes_or(argc, argv, 1, {"10", "100", "1000", "10000"}));
#ifdef XC_CLI
    const auto p = xc::bench::time_process(std::string(XC_CLI) + " verify " + XC_SOURCE_DIR + "/models/cross-account-microservices.json > /dev/null", 11);
    if (p.exit_status != 0) std::cerr << "xc verify did not exit 0\n";
    std::printf("xc verify on the reference model: %.1f ms process wall (median of 11)\n", 1000 * p.median_seconds);
#endif
}
