// The emitted project, built once per run: packaging, glibc, SigV4 against independent
// implementations, and every route end to end against dynalite through a Runtime API emulator.
#include <xc/emit/lambda.hpp>
#include <xc/input/json/load.hpp>

#include "lambda_test_support.hpp"
#include <authorization_variant.hpp>

#include <gtest/gtest.h>

#include <ctime>
#include <future>
#include <memory>
#include <regex>
#include <set>
#include <thread>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using xc::test::quote;
using xc::test::run;

const std::string service = "beverage";
const std::vector<std::string> functions = {"get-order", "get-orders", "post-order"};

std::string today_utc() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char b[16];
    std::strftime(b, sizeof b, "%Y-%m-%d", &utc);
    return b;
}

// CreateTable for the model's table, as the IaC targets would create it.
json create_table(const xc::model::Table& t) {
    std::map<std::string, std::string> attributes{{t.hash_key.name, t.hash_key.type}};
    json gsis = json::array();
    for (const auto& [name, i] : t.indexes) {
        attributes[i.hash_key.name] = i.hash_key.type;
        gsis.push_back({{"IndexName", name},
                        {"KeySchema", {{{"AttributeName", i.hash_key.name}, {"KeyType", "HASH"}}}},
                        {"Projection", {{"ProjectionType", i.projection}}}});
    }
    json defs = json::array();
    for (const auto& [n, type] : attributes) defs.push_back({{"AttributeName", n}, {"AttributeType", type}});
    json r{{"TableName", t.table_name},
           {"AttributeDefinitions", defs},
           {"KeySchema", {{{"AttributeName", t.hash_key.name}, {"KeyType", "HASH"}}}},
           {"BillingMode", "PAY_PER_REQUEST"}};
    if (!gsis.empty()) r["GlobalSecondaryIndexes"] = gsis;
    return r;
}

class LambdaProject : public ::testing::Test {
protected:
    static inline fs::path work;         // persistent across runs: incremental rebuilds
    static inline fs::path project;      // work/beverage
    static inline fs::path unpacked;     // the zips, extracted as Lambda would
    static inline std::string table_name;
    static inline std::unique_ptr<xc::test::lambda::Child> harness;
    static inline int control = 0;
    static inline std::string setup_error;

    static void SetUpTestSuite() {
        try {
            set_up();
        } catch (const std::exception& e) {
            setup_error = e.what();
        }
    }
    static void TearDownTestSuite() { harness.reset(); }

    // The request `input` describes, signed by the project's sigv4-sign and by the reference
    // implementations (sigv4_reference.js: aws4 and @smithy/signature-v4).
    static std::pair<xc::test::CommandResult, xc::test::CommandResult> sign_both(const json& input) {
        xc::test::TempDir dir;
        xc::test::write_file(dir / "in.json", input.dump());
        auto ours = run(quote((project / "build/sigv4-sign").string()) + " < " + quote((dir / "in.json").string()));
        auto theirs = run("node " + quote(std::string(XC_SOURCE_DIR) + "/tests/emit/lambda/sigv4_reference.js") + " " +
                          quote(std::string(XC_NPM_DIR) + "/node_modules") + " < " + quote((dir / "in.json").string()));
        return {std::move(ours), std::move(theirs)};
    }

    static void set_up() {
        for (const char* tool : {"node", "cmake", "g++", "ldd", "objdump"})
            if (run(std::string("command -v ") + tool).exit_code != 0)
                throw std::runtime_error(std::string("required tool not found on PATH: ") + tool);
        if (!fs::exists(fs::path(XC_NPM_DIR) / "node_modules/dynalite"))
            throw std::runtime_error("dynalite is not installed: run scripts/setup.sh --tests");

        // The reference model with IAM authorization (its first route NONE), so that the API
        // client signs some routes and not others.
        auto graph = xc::model::build_graph(xc::test::aws_iam_model());
        const auto& scope = graph.model().services.at(service);
        table_name = scope.tables.at("orders").table_name;
        auto files = xc::emit::emit_lambda(graph, {.services = {service}});

        work = fs::path(XC_LAMBDA_TEST_WORK_DIR);
        project = work / service;
        xc::test::lambda::sync_files(files, work);
        auto configure = run("cmake -S " + quote(project.string()) + " -B " + quote((project / "build").string()) +
                             " -DXC_LAMBDA_TOOLS=ON -DXC_LAMBDA_WERROR=ON");
        if (configure.exit_code != 0) throw std::runtime_error("configure failed:\n" + configure.out + configure.err);
        auto build = run("cmake --build " + quote((project / "build").string()) + " -j2");
        if (build.exit_code != 0) throw std::runtime_error("build failed:\n" + build.out + build.err);

        unpacked = work / "unpacked";
        fs::remove_all(unpacked);
        for (const auto& f : functions) {
            fs::create_directories(unpacked / f);
            auto x = run("cd " + quote((unpacked / f).string()) + " && cmake -E tar xf " +
                         quote((project / "dist" / (f + ".zip")).string()));
            if (x.exit_code != 0) throw std::runtime_error("cannot unpack " + f + ".zip: " + x.err);
        }

        json config{{"npmDir", std::string(XC_NPM_DIR) + "/node_modules"},
                    {"tables", {create_table(scope.tables.at("orders"))}},
                    {"functions", json::array()}};
        json env{{"AWS_ACCESS_KEY_ID", "AKIDTEST"}, {"AWS_SECRET_ACCESS_KEY", "secret"},
                 {"AWS_SESSION_TOKEN", "token"}, {"AWS_REGION", "eu-central-1"}};
        for (const auto& f : functions)
            config["functions"].push_back({{"name", f},
                                           {"command", {(unpacked / f / "bootstrap").string()}},
                                           {"processes", f == "post-order" ? 4 : 2},
                                           {"env", env}});
        json broken = env;
        broken["AWS_REGION"] = nullptr;  // removed: the init error path
        config["functions"].push_back(
            {{"name", "no-region"}, {"command", {(unpacked / "get-order" / "bootstrap").string()}}, {"processes", 1}, {"env", broken}});
        xc::test::write_file(work / "harness.json", config.dump());
        harness = std::make_unique<xc::test::lambda::Child>(std::vector<std::string>{
            "node", std::string(XC_SOURCE_DIR) + "/tests/emit/lambda/lambda_harness.js", (work / "harness.json").string()});
        control = json::parse(harness->read_line(std::chrono::seconds(30))).at("control").get<int>();
    }

    void SetUp() override { ASSERT_TRUE(setup_error.empty()) << setup_error; }

    // Invoke a function with an API Gateway proxy event; returns (statusCode, parsed body).
    static std::pair<int, json> invoke(const std::string& function, const json& event) {
        auto answer = xc::test::lambda::http_request(control, "POST", "/invoke/" + function, event.dump());
        if (answer.status != 200) throw std::runtime_error("harness: " + answer.body);
        json result = json::parse(answer.body);
        if (result.at("kind") != "response") throw std::runtime_error("invocation did not answer: " + answer.body);
        json response = json::parse(result.at("payload").get<std::string>());
        json body = json::parse(response.at("body").get<std::string>());
        return {response.at("statusCode").get<int>(), body};
    }
    static std::pair<int, json> post_order(const json& event_body) {
        return invoke("post-order", {{"httpMethod", "POST"}, {"resource", "/orders"}, {"path", "/orders"},
                                     {"body", event_body}, {"isBase64Encoded", false}});
    }
    static std::pair<int, json> get_orders(const json& query) {
        return invoke("get-orders", {{"httpMethod", "GET"}, {"resource", "/orders"}, {"path", "/orders"},
                                     {"queryStringParameters", query}, {"body", nullptr}});
    }
    static std::pair<int, json> get_order(const json& path_parameters) {
        return invoke("get-order", {{"httpMethod", "GET"}, {"resource", "/orders/{orderId}"},
                                    {"pathParameters", path_parameters}, {"body", nullptr}});
    }
    static json stats() { return json::parse(xc::test::lambda::http_request(control, "GET", "/stats", "").body); }
    static json dynamodb(const std::string& op, const json& request) {
        json r = json::parse(xc::test::lambda::http_request(control, "POST", "/dynamodb/" + op, request.dump()).body);
        if (r.at("status") != 200) throw std::runtime_error(op + " failed: " + r.dump());
        return json::parse(r.at("body").get<std::string>());
    }
    static void expect_no_crash() {
        json s = stats();
        for (const auto& f : functions) {
            EXPECT_EQ(s[f]["exits"], 0) << f << " exited; stderr:\n" << s[f]["stderr"].get<std::string>();
            EXPECT_EQ(s[f]["invocationErrors"], 0) << f;
        }
    }
};

TEST_F(LambdaProject, EveryFunctionIsPackagedAsAZipWithBootstrap) {
    for (const auto& f : functions) {
        EXPECT_TRUE(fs::exists(project / "dist" / (f + ".zip"))) << f;
        auto bootstrap = unpacked / f / "bootstrap";
        ASSERT_TRUE(fs::exists(bootstrap)) << f;
        EXPECT_NE(fs::status(bootstrap).permissions() & fs::perms::owner_exec, fs::perms::none);
        EXPECT_TRUE(fs::exists(unpacked / f / "bin" / f));
        EXPECT_TRUE(fs::exists(unpacked / f / "lib/libc.so.6"));
    }
}

TEST_F(LambdaProject, ZipsAreDeterministic) {
    // Package again into another zip: same bytes.
    auto again = work / "again.zip";
    auto r = run("cmake -DEXECUTABLE=" + quote((project / "build/bin/post-order").string()) + " -DNAME=post-order -DSTAGING=" +
                 quote((work / "again-staging").string()) + " -DZIP=" + quote(again.string()) +
                 " -DMAKE_ZIP=" + quote((project / "build/make_zip").string()) + " -P " +
                 quote((project / "support/package.cmake").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(xc::test::read_file(again), xc::test::read_file(project / "dist/post-order.zip"));
}

// Amazon Linux 2023 has glibc 2.34. The executable itself needs nothing newer; every library
// it loads (libc included) travels in the zip and resolves only to files inside it.
TEST_F(LambdaProject, RunsOnGlibc234) {
    std::regex version(R"(GLIBC_([0-9]+)\.([0-9]+))");
    for (const auto& f : functions) {
        auto binary = unpacked / f / "bin" / f;
        auto dump = run("objdump -T " + quote(binary.string()));
        ASSERT_EQ(dump.exit_code, 0) << dump.err;
        int found = 0;
        for (std::sregex_iterator it(dump.out.begin(), dump.out.end(), version), end; it != end; ++it, ++found) {
            int major = std::stoi((*it)[1]), minor = std::stoi((*it)[2]);
            EXPECT_TRUE(major < 2 || (major == 2 && minor <= 34)) << f << " requires " << it->str();
        }
        EXPECT_GT(found, 0) << "objdump -T found no GLIBC versions in " << binary;

        auto dir = unpacked / f;
        auto list = run("cd " + quote(dir.string()) + " && lib/ld-linux-x86-64.so.2 --library-path lib --list bin/" + f);
        ASSERT_EQ(list.exit_code, 0) << list.err;
        std::istringstream lines(list.out);
        for (std::string line; std::getline(lines, line);) {
            auto arrow = line.find("=> ");
            if (arrow == std::string::npos) continue;
            EXPECT_EQ(line.compare(arrow + 3, 4, "lib/"), 0) << f << ": loaded from outside the zip: " << line;
        }
    }
}

// SigV4 byte for byte against aws4 and @smithy/signature-v4, with and without a session token.
TEST_F(LambdaProject, SigV4MatchesIndependentImplementations) {
    for (std::string token : {"", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+fixed/token=="}) {
        for (std::string body : {std::string(R"({"TableName":"orders","Key":{"orderId":{"S":"x y"}}})"),
                                 std::string("{}"), std::string("{\"fullName\":\"caf\xc3\xa9\"}")}) {
            json input{{"accessKeyId", "AKIDEXAMPLE"}, {"secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                       {"sessionToken", token}, {"region", "eu-central-1"}, {"host", "dynamodb.eu-central-1.amazonaws.com"},
                       {"path", "/"}, {"operation", "GetItem"}, {"body", body}, {"amzDate", "20240229T235959Z"}};
            const auto [ours, theirs] = sign_both(input);
            ASSERT_EQ(ours.exit_code, 0) << ours.err;
            ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
            std::string authorization;
            bool has_token = false;
            const json signed_request = json::parse(ours.out);  // named: a range-for over a temporary's member dangles
            for (const auto& h : signed_request.at("headers")) {
                if (h[0] == "Authorization") authorization = h[1].get<std::string>();
                if (h[0] == "X-Amz-Security-Token") has_token = h[1].get<std::string>() == token;
            }
            EXPECT_EQ(has_token, !token.empty());
            EXPECT_EQ(authorization.find("x-amz-security-token") != std::string::npos, !token.empty()) << authorization;
            json reference = json::parse(theirs.out);
            EXPECT_EQ(authorization, reference.at("aws4").get<std::string>()) << "token '" << token << "', body " << body;
            EXPECT_EQ(authorization, reference.at("smithy").get<std::string>()) << "token '" << token << "', body " << body;
        }
    }
}

// An API call signed for execute-api, byte for byte as aws4 and @smithy/signature-v4 sign it:
// methods, a base path, a query, a body, with and without a session token.
TEST_F(LambdaProject, ExecuteApiSigV4MatchesIndependentImplementations) {
    struct Call {
        std::string method, path;
        json query;
        std::string body;
    };
    const std::vector<Call> calls{{"GET", "/v1/orders/abc-123", json::array(), ""},
                                  {"GET", "/orders", json::array({json::array({"orderDate", "2024-02-29"}), json::array({"a", "b~c"})}), ""},
                                  {"POST", "/v1/orders", json::array(), R"({"fullName":"Ada","beverage":"tea"})"}};
    for (std::string token : {"", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+fixed/token=="})
        for (const auto& c : calls) {
            json input{{"service", "execute-api"}, {"accessKeyId", "AKIDEXAMPLE"}, {"secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                       {"sessionToken", token}, {"region", "eu-central-1"}, {"host", "beverage.cross-account-microservices.com"},
                       {"method", c.method}, {"path", c.path}, {"query", c.query}, {"body", c.body}, {"amzDate", "20240229T235959Z"}};
            const auto [ours, theirs] = sign_both(input);
            ASSERT_EQ(ours.exit_code, 0) << ours.err;
            ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
            std::string authorization;
            const json signed_request = json::parse(ours.out);
            for (const auto& h : signed_request.at("headers"))
                if (h[0] == "Authorization") authorization = h[1].get<std::string>();
            EXPECT_NE(authorization.find("/execute-api/aws4_request"), std::string::npos) << authorization;
            const json reference = json::parse(theirs.out);
            EXPECT_EQ(authorization, reference.at("aws4").get<std::string>()) << c.method << " " << c.path << " token '" << token << "'";
            EXPECT_EQ(authorization, reference.at("smithy").get<std::string>()) << c.method << " " << c.path << " token '" << token << "'";
        }
}

// The emitted API client, run against a local server that echoes what it receives: an AWS_IAM
// route's call carries the signature the references compute for exactly that request (host,
// base path, query, date); a NONE route's carries none; an AWS_IAM route without credentials,
// or a path that is no route, is refused (exit 2) without a request.
TEST_F(LambdaProject, TheApiClientSignsItsAwsIamRoutesAndOnlyThose) {
    xc::test::TempDir dir;
    xc::test::write_file(dir / "echo.js", R"(const http = require('http');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
  });
});
server.listen(0, '127.0.0.1', () => { process.stdout.write(server.address().port + '\n'); });
)");
    xc::test::lambda::Child server({"node", (dir / "echo.js").string()});
    const std::string port = server.read_line(std::chrono::seconds(10));
    const std::string client = quote((project / "build/bin/orders-client").string());
    const std::string credentials = "AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_SESSION_TOKEN=tok AWS_REGION=eu-central-1 ";
    const std::string base = "http://127.0.0.1:" + port + "/v1";
    auto call = [&](const std::string& env, const std::string& args) { return run(env + client + " " + args); };
    auto echoed = [](const std::string& out) { return json::parse(out.substr(out.find('\n') + 1)); };

    // AWS_IAM: GET /orders/{orderId}, through the base path, with a query.
    auto signed_call = call(credentials, quote(base) + " GET '/orders/abc-123?x=1'");
    ASSERT_EQ(signed_call.exit_code, 0) << signed_call.out << signed_call.err;
    const json request = echoed(signed_call.out);
    EXPECT_EQ(request.at("url"), "/v1/orders/abc-123?x=1");
    json input{{"service", "execute-api"}, {"accessKeyId", "AKIDEXAMPLE"}, {"secretAccessKey", "secret"}, {"sessionToken", "tok"},
               {"region", "eu-central-1"}, {"host", "127.0.0.1:" + port}, {"method", "GET"}, {"path", "/v1/orders/abc-123"},
               {"query", json::array({json::array({"x", "1"})})}, {"body", ""}, {"amzDate", request.at("headers").at("x-amz-date")}};
    xc::test::write_file(dir / "in.json", input.dump());
    auto reference = run("node " + quote(std::string(XC_SOURCE_DIR) + "/tests/emit/lambda/sigv4_reference.js") + " " +
                         quote(std::string(XC_NPM_DIR) + "/node_modules") + " < " + quote((dir / "in.json").string()));
    ASSERT_EQ(reference.exit_code, 0) << reference.err;
    EXPECT_EQ(request.at("headers").at("authorization"), json::parse(reference.out).at("smithy"));
    EXPECT_EQ(request.at("headers").at("x-amz-security-token"), "tok");

    // NONE: GET /orders, unsigned even with credentials at hand.
    auto plain = call(credentials, quote(base) + " GET /orders");
    ASSERT_EQ(plain.exit_code, 0) << plain.out << plain.err;
    EXPECT_FALSE(echoed(plain.out).at("headers").contains("authorization")) << plain.out;

    // Refused: AWS_IAM without credentials; no such route.
    auto no_credentials = call("env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY ", quote(base) + " POST /orders '{}'");
    EXPECT_EQ(no_credentials.exit_code, 2);
    EXPECT_NE(no_credentials.err.find("AWS_IAM"), std::string::npos) << no_credentials.err;
    auto no_route = call(credentials, quote(base) + " DELETE /orders");
    EXPECT_EQ(no_route.exit_code, 2);
    EXPECT_NE(no_route.err.find("no route DELETE /orders"), std::string::npos) << no_route.err;
}

TEST_F(LambdaProject, PostThenGetOneThenGetTheDay) {
    auto [status, order] = post_order(R"({"fullName": "Ada Lovelace", "beverage": "coffee"})");
    ASSERT_EQ(status, 201) << order;
    EXPECT_TRUE(std::regex_match(order.at("orderId").get<std::string>(), std::regex("[0-9a-f]{32}"))) << order;
    EXPECT_EQ(order.at("orderDate"), today_utc());
    EXPECT_EQ(order.at("fullName"), "Ada Lovelace");
    EXPECT_EQ(order.at("beverage"), "coffee");
    EXPECT_EQ(order.size(), 4u) << order;

    auto [s1, stored] = get_order({{"orderId", order.at("orderId")}});
    EXPECT_EQ(s1, 200);
    EXPECT_EQ(stored, order);

    auto [s2, day] = get_orders({{"orderDate", today_utc()}});
    ASSERT_EQ(s2, 200) << day;
    bool found = false;
    for (const auto& o : day.at("orders")) found = found || o == order;
    EXPECT_TRUE(found) << day.dump().substr(0, 2000);
    expect_no_crash();
}

TEST_F(LambdaProject, EveryBadInputIsA4xxWithAJsonError) {
    struct Case {
        json body;
        const char* what;
    };
    const std::vector<Case> cases = {
        {nullptr, "no body"},
        {"", "empty body"},
        {"{\"fullName\": \"Ann\", ", "invalid JSON"},
        {"[\"Ann\", \"tea\"]", "not an object"},
        {R"({"beverage": "tea"})", "missing fullName"},
        {R"({"fullName": "Ann"})", "missing beverage"},
        {R"({"fullName": "", "beverage": "tea"})", "empty fullName"},
        {R"({"fullName": "Ann", "beverage": "beer"})", "wrong option"},
        {R"({"fullName": 42, "beverage": "tea"})", "number instead of string"},
        {R"({"fullName": "Ann", "beverage": 1})", "number instead of option"},
        {R"({"fullName": null, "beverage": "tea"})", "null field"},
        // Text after the object, hidden behind a NUL byte or not: nlohmann's parser stops at a NUL.
        {std::string(R"({"fullName":"a","beverage":"tea"})") + std::string(1, '\0') + "xyz", "a NUL byte, then more"},
        {std::string(R"({"fullName":"a","beverage":"tea"})") + std::string(1, '\0'), "a trailing NUL byte"},
        {std::string(R"({"fullName":"a)") + std::string(1, '\0') + R"(","beverage":"tea"})", "a NUL byte inside a string"},
        {R"({"fullName":"a","beverage":"tea"} {})", "a second value"},
    };
    for (const auto& c : cases) {
        auto [status, body] = post_order(c.body);
        EXPECT_EQ(status, 400) << c.what << ": " << body;
        EXPECT_TRUE(body.contains("error") && body.contains("message")) << c.what << ": " << body;
    }
    // API Gateway base64-encodes what is not text: a body of invalid UTF-8 arrives that way.
    // base64("{\"fullName\": \"\xff\xfe\", \"beverage\": \"tea\"}")
    auto [utf8, utf8_body] = invoke("post-order", {{"httpMethod", "POST"}, {"body", "eyJmdWxsTmFtZSI6ICL//iIsICJiZXZlcmFnZSI6ICJ0ZWEifQ=="},
                                                   {"isBase64Encoded", true}});
    EXPECT_EQ(utf8, 400) << utf8_body;
    auto [b64, b64_body] = invoke("post-order", {{"httpMethod", "POST"}, {"body", "not*base64"}, {"isBase64Encoded", true}});
    EXPECT_EQ(b64, 400) << b64_body;
    auto [big, big_body] = post_order(json{{"fullName", std::string(300 * 1024, 'x')}, {"beverage", "tea"}}.dump());
    EXPECT_EQ(big, 413) << big_body;

    auto [s1, b1] = get_order({{"orderId", "0123456789abcdef0123456789abcdef"}});
    EXPECT_EQ(s1, 404) << b1;
    auto [s2, b2] = get_order(nullptr);
    EXPECT_EQ(s2, 400) << b2;
    auto [s3, b3] = get_orders(nullptr);
    EXPECT_EQ(s3, 400) << b3;
    for (const char* date : {"2024-13-01", "2023-02-29", "2024-1-01", "yesterday", "2024-01-01T00:00", ""}) {
        auto [s, b] = get_orders({{"orderDate", date}});
        EXPECT_EQ(s, 400) << date << ": " << b;
    }
    auto [leap, leap_body] = get_orders({{"orderDate", "2024-02-29"}});
    EXPECT_EQ(leap, 200) << leap_body;
    expect_no_crash();
    // And the processes still serve valid requests.
    EXPECT_EQ(post_order(R"({"fullName": "Still", "beverage": "tea"})").first, 201);
}

TEST_F(LambdaProject, UnexpectedFailureIsA500WithRequestIdAndTheLoopSurvives) {
    auto answer = xc::test::lambda::http_request(control, "POST", "/invoke/get-order", "not an API Gateway event");
    json result = json::parse(answer.body);
    ASSERT_EQ(result.at("kind"), "response") << answer.body;
    json response = json::parse(result.at("payload").get<std::string>());
    EXPECT_EQ(response.at("statusCode"), 500);
    json body = json::parse(response.at("body").get<std::string>());
    EXPECT_FALSE(body.at("requestId").get<std::string>().empty()) << body;
    EXPECT_NE(stats()["get-order"]["stderr"].get<std::string>().find(body.at("requestId").get<std::string>()), std::string::npos);
    EXPECT_EQ(get_order({{"orderId", "nope"}}).first, 404);
    expect_no_crash();
}

TEST_F(LambdaProject, MissingConfigurationIsAnInitError) {
    for (int i = 0; i < 100 && stats()["no-region"]["initErrors"] == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    json s = stats()["no-region"];
    EXPECT_EQ(s["initErrors"], 1) << s;
    EXPECT_EQ(s["exits"], 1) << s;
}

// More than 1 MB of orders on one day: DynamoDB pages the query; get-orders must follow it.
TEST_F(LambdaProject, GetOrdersFollowsPagination) {
    const std::string day = "2001-02-03";
    std::set<std::string> written;
    const std::string big_name(10 * 1024, 'n');
    for (int i = 0; i < 130; ++i) {  // 130 x ~10 KB > 1 MB
        std::string id = "page-" + std::to_string(i);
        dynamodb("PutItem", {{"TableName", table_name},
                             {"Item", {{"orderId", {{"S", id}}}, {"orderDate", {{"S", day}}},
                                       {"fullName", {{"S", big_name}}}, {"beverage", {{"S", "tea"}}}}}});
        written.insert(id);
    }
    json first = dynamodb("Query", {{"TableName", table_name}, {"IndexName", "orderDateIndex"},
                                    {"KeyConditionExpression", "orderDate = :d"},
                                    {"ExpressionAttributeValues", {{":d", {{"S", day}}}}}});
    ASSERT_TRUE(first.contains("LastEvaluatedKey")) << "the test data must span more than one page";

    auto [status, body] = get_orders({{"orderDate", day}});
    ASSERT_EQ(status, 200);
    std::set<std::string> read;
    for (const auto& o : body.at("orders")) {
        read.insert(o.at("orderId").get<std::string>());
        EXPECT_EQ(o.at("fullName").get<std::string>().size(), big_name.size());
    }
    EXPECT_EQ(body.at("orders").size(), written.size());
    EXPECT_EQ(read, written);
}

// 8 clients post at once (4 warm processes); every order is stored and listed exactly once.
TEST_F(LambdaProject, ConcurrentClientsLoseNoOrder) {
    constexpr int clients = 8, per_client = 25;
    std::vector<std::future<std::vector<std::string>>> results;
    for (int c = 0; c < clients; ++c)
        results.push_back(std::async(std::launch::async, [c] {
            std::vector<std::string> ids;
            for (int i = 0; i < per_client; ++i) {
                auto [status, order] = post_order(json{{"fullName", "client " + std::to_string(c) + " #" + std::to_string(i)},
                                                       {"beverage", "water"}}.dump());
                if (status != 201) throw std::runtime_error("POST answered " + std::to_string(status) + ": " + order.dump());
                ids.push_back(order.at("orderId").get<std::string>());
            }
            return ids;
        }));
    std::set<std::string> posted;
    for (auto& r : results)
        for (auto& id : r.get()) posted.insert(id);
    ASSERT_EQ(posted.size(), static_cast<std::size_t>(clients * per_client));

    auto [status, body] = get_orders({{"orderDate", today_utc()}});
    ASSERT_EQ(status, 200);
    std::multiset<std::string> listed;
    for (const auto& o : body.at("orders")) listed.insert(o.at("orderId").get<std::string>());
    for (const auto& id : posted) EXPECT_EQ(listed.count(id), 1u) << id;
    expect_no_crash();
}

}  // namespace
