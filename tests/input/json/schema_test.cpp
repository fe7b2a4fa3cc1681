// The JSON Schema of the model format (models/xc-model.schema.json), checked with ajv through
// tests/input/json/schema/validate.mjs: every shipped model validates, typical mistakes are rejected
// at the right JSON Pointer, and the template rules (placeholders, merge-patch null) hold.
// The loader is the reference: every shipped model must also load, and every mistake the
// schema rejects (except the deliberately stricter ones) must be rejected by the loader too.
// Both directions over every model we have (shipped, the mutation corpus, the fuzz seeds):
// a model that loads is schema-valid, and a schema-valid model loads or is refused only by a
// rule that relates values across the model (which a JSON Schema cannot say), each documented
// in the README.
//
// Node.js and ajv (tests/npm/node_modules, installed by scripts/setup.sh --tests) are required:
// when they are missing the tests fail with a message saying so; they never skip.
#include <xc/input/json/load.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace schema_test {

#ifndef XC_SOURCE_DIR
#error "XC_SOURCE_DIR must name the source tree"
#endif
#ifndef XC_NPM_DIR
#error "XC_NPM_DIR must name the directory holding the test npm packages"
#endif

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path source_dir{XC_SOURCE_DIR};
const fs::path npm_dir{XC_NPM_DIR};
const fs::path models_dir = source_dir / "models";
const fs::path schema_file = models_dir / "xc-model.schema.json";
const fs::path validator = source_dir / "tests/input/json/schema/validate.mjs";

struct CommandResult {
    int status = -1;  // exit status, or -1 if the command could not be run
    std::string output;  // stdout and stderr
};

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a shell command, capturing its stdout and stderr.
CommandResult run(const std::string& command) {
    CommandResult r;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) r.output.append(buffer.data(), n);
    int status = pclose(pipe);
    r.status = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    return r;
}

// Why the toolchain cannot run the validator, or "" when it can.
std::string toolchain_problem() {
    CommandResult node = run("node --version");
    if (node.status != 0)
        return "Node.js is required to validate models against the JSON Schema, but `node --version` failed (" +
               node.output + "); install Node.js >= 18";
    for (const char* module : {"ajv/dist/2020.js", "ajv-formats/dist/index.js"})
        if (!fs::exists(npm_dir / "node_modules" / module))
            return std::string("the npm package file ") + (npm_dir / "node_modules" / module).string() +
                   " is missing; run `npm ci` in " + npm_dir.string() + " (scripts/setup.sh --tests does)";
    if (!fs::exists(schema_file)) return "the schema " + schema_file.string() + " is missing";
    if (!fs::exists(validator)) return "the validator " + validator.string() + " is missing";
    return {};
}

#define REQUIRE_TOOLCHAIN()                                     \
    do {                                                        \
        std::string problem_ = toolchain_problem();             \
        if (!problem_.empty()) GTEST_FAIL() << problem_;        \
    } while (false)

CommandResult validate(const std::vector<fs::path>& files, bool expect_invalid = false) {
    // NODE_PATH lets the validator find the packages in XC_NPM_DIR wherever the tree is.
    std::string cmd = "NODE_PATH=" + quote((npm_dir / "node_modules").string()) + " node " + quote(validator.string());
    if (expect_invalid) cmd += " --expect-invalid";
    cmd += " " + quote(schema_file.string());
    for (const auto& f : files) cmd += " " + quote(f.string());
    return run(cmd);
}

std::vector<fs::path> shipped_models() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(models_dir))
        if (e.is_regular_file() && e.path().extension() == ".json" && e.path().filename() != schema_file.filename())
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

json read_json(const fs::path& file) {
    std::ifstream in(file);
    return json::parse(in);
}

// A model written to a temporary file for the length of a test.
class TempModel {
public:
    explicit TempModel(const json& model) {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("xc-schema-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".json");
        std::ofstream(path_) << model.dump(2);
    }
    ~TempModel() {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    TempModel(const TempModel&) = delete;
    TempModel& operator=(const TempModel&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

json reference_model() { return read_json(models_dir / "cross-account-microservices.json"); }

// The loader's verdict: "" when the model loads, else its diagnostics.
std::string loader_errors(const json& model) {
    try {
        xc::input::json::load_model_text(model.dump(), "mutated.json");
        return {};
    } catch (const xc::InputError& e) {
        std::string out;
        for (const auto& d : e.diagnostics()) out += xc::to_string(d) + "\n";
        return out.empty() ? "rejected" : out;
    }
}

// The loader's diagnostics for a model file (empty when it loads).
std::vector<xc::Diagnostic> loader_diagnostics(const fs::path& file) {
    try {
        xc::input::json::load_model_file(file.string());
        return {};
    } catch (const xc::InputError& e) {
        return e.diagnostics();
    }
}

// The rules the schema cannot express, in the words of README's "What xc checks" and with the
// message that reports each: a schema-valid model may be refused for these and nothing else.
struct SemanticRule {
    std::string readme;   // the README's wording
    std::regex message;   // the diagnostic message
};
const std::vector<SemanticRule>& semantic_rules() {
    static const std::vector<SemanticRule> rules = {
        {"duplicate keys", std::regex("^duplicate key '")},
        {"dangling references", std::regex("^no [A-Za-z -]+ named '")},
        {"references that must stay in their scope", std::regex("must be in the same scope")},
        {"subnets inside their VPC", std::regex(" is outside its VPC's ")},
        {"no overlapping subnets", std::regex(" overlaps subnet ")},
        {"one subnet per availability zone where AWS requires it", std::regex("AWS allows one subnet per availability zone here$")},
        {"a load balancer in at least two availability zones", std::regex("needs subnets in at least two availability zones$")},
        {"availability zones in the model's region", std::regex(" is not in region ")},
        {"unique account ids", std::regex(" is already used by account ")},
        {"exactly one consumer account", std::regex("^expected exactly one account with role 'consumer'")},
        {"each scope in an account of its role", std::regex("^account '.*' has role '.*'; expected '")},
        {"security groups, subnets and endpoints of the resource's own VPC",
         std::regex("(belongs to VPC|is in VPC|, the others in|a rule can reference groups of its own VPC only)")},
        {"endpoint kinds (an execute-api interface endpoint for an API, a gateway endpoint for a prefix list)",
         std::regex("(is not an execute-api interface endpoint|prefix lists belong to gateway endpoints|only interface endpoints have network interfaces to target)")},
        {"an internet route only in a VPC with an internet gateway", std::regex("has no internet gateway")},
        {"distinct listener ports", std::regex(" both use port ")},
        {"an index that differs from its table's key", std::regex("has the table's own hash key")},
        {"a secret that shares the endpoint id", std::regex("holds no endpoint id")},
        {"endpoint ids, custom domains and table names (per account) used once",
         std::regex("(^endpoint id .* is also used at |^custom domain .* is also used at |^table name .* is also used in the same account at )")},
    };
    return rules;
}

const SemanticRule* documented_rule(const std::string& message) {
    for (const auto& rule : semantic_rules())
        if (std::regex_search(message, rule.message)) return &rule;
    return nullptr;
}

struct Mutation {
    std::string name;
    std::function<void(json&)> apply;
    std::string instance_path;  // where ajv must report the error
    std::string detail;         // text that must appear on that error's line
    bool loader_rejects = true;  // false where the schema is deliberately stricter than the loader
};

json& consumer(json& m) { return m["consumer"]; }
json& orders_template(json& m) { return m["templates"]["orders-service"]; }

const std::vector<Mutation> broken_models = {
    {"UnknownField", [](json& m) { consumer(m)["vpcs"]["main"]["cidrBlock"] = "10.0.0.0/16"; },
     "/consumer/vpcs/main", "must NOT have additional properties ('cidrBlock')"},
    {"WrongType", [](json& m) { consumer(m)["vpcs"]["main"]["dnsHostnames"] = "yes"; },
     "/consumer/vpcs/main/dnsHostnames", "must be boolean"},
    {"BadAccountId", [](json& m) { m["accounts"]["food"]["id"] = "33333333333"; },  // 11 digits
     "/accounts/food/id", "must match pattern"},
    {"BadCidr", [](json& m) { consumer(m)["vpcs"]["main"]["subnets"]["private-a"]["cidr"] = "192.168.2.0/33"; },
     "/consumer/vpcs/main/subnets/private-a/cidr", "must match pattern"},
    {"BadEnumValue", [](json& m) { consumer(m)["loadBalancers"]["internal"]["scheme"] = "private"; },
     "/consumer/loadBalancers/internal/scheme", "must be equal to one of the allowed values"},
    {"MissingRequiredField", [](json& m) { consumer(m)["vpcEndpoints"]["execute-api"].erase("id"); },
     "/consumer/vpcEndpoints/execute-api", "must have required property 'id'"},
    {"BadRouteKey",
     [](json& m) {
         auto& routes = orders_template(m)["apis"]["orders"]["routes"];
         routes["FETCH /orders"] = routes["GET /orders"];
         routes.erase("GET /orders");
     },
     "/templates/orders-service/apis/orders/routes", "key 'FETCH /orders'"},
    {"MisspelledTemplateCollection",
     [](json& m) {
         auto& t = orders_template(m);
         t["lambda"] = t["lambdas"];
         t.erase("lambdas");
     },
     "/templates/orders-service", "must NOT have unevaluated properties ('lambda')"},
    {"UnknownFieldInTemplateResource",
     [](json& m) { orders_template(m)["lambdas"]["post-order"]["memorySize"] = 512; },
     "/templates/orders-service/lambdas/post-order", "must NOT have additional properties ('memorySize')"},
    {"WrongTypeInTemplate", [](json& m) { orders_template(m)["lambdas"]["post-order"]["memory"] = "large"; },
     "/templates/orders-service/lambdas/post-order/memory", "must be integer"},
    {"MalformedPlaceholderInTemplate",
     [](json& m) { orders_template(m)["certificates"]["domain"]["domain"] = "{{service.cross-account-microservices.com"; },
     "/templates/orders-service/certificates/domain/domain", "must match pattern"},
    {"NullInTemplate", [](json& m) { orders_template(m)["tables"]["orders"]["indexes"] = nullptr; },
     "/templates/orders-service/tables/orders/indexes", "null is allowed only in a service that uses a template"},
    {"NullInConsumer", [](json& m) { consumer(m)["instances"]["client"]["ssm"] = nullptr; },
     "/consumer/instances/client/ssm", "null is allowed only in a service that uses a template"},
    {"PlaceholderInConsumer", [](json& m) { consumer(m)["vpcs"]["main"]["cidr"] = "{{cidr}}"; },
     "/consumer/vpcs/main/cidr", "the consumer is not template-expanded"},
    {"PlaceholderInConsumerText",  // the loader keeps it as literal text; the schema calls it a mistake
     [](json& m) { consumer(m)["securityGroups"]["alb"]["description"] = "HTTPS for {{service}}"; },
     "/consumer/securityGroups/alb/description", "the consumer is not template-expanded", false},
    {"TwoCertificateSources",
     [](json& m) {
         consumer(m)["certificates"]["wildcard"]["arn"] =
             "arn:aws:acm:eu-central-1:111111111111:certificate/0b7c7a52-1f2e-4c8e-9a51-3d1e2f4a5b6c";
     },
     "/consumer/certificates/wildcard/arn", "not allowed in combination"},
    {"TcpRuleWithoutPorts", [](json& m) { consumer(m)["securityGroups"]["alb"]["ingress"][0].erase("ports"); },
     "/consumer/securityGroups/alb/ingress/0", "must have required property 'ports'"},
    {"RuleWithTwoPeers", [](json& m) { consumer(m)["securityGroups"]["alb"]["ingress"][0]["securityGroup"] = "client"; },
     "/consumer/securityGroups/alb/ingress/0", "must match exactly one schema in oneOf"},
    {"BadVpcEndpointId", [](json& m) { consumer(m)["vpcEndpoints"]["execute-api"]["id"] = "vpce-0A1B2C3D"; },
     "/consumer/vpcEndpoints/execute-api/id", "must match pattern"},
    {"GatewayEndpointWithSubnets",
     [](json& m) {
         consumer(m)["vpcEndpoints"]["s3"] = {
             {"vpc", "main"}, {"type", "gateway"}, {"service", "s3"}, {"routeTables", {"private-a"}}, {"subnets", {"private-a"}}};
     },
     "/consumer/vpcEndpoints/s3/subnets", "not allowed in combination"},
    {"ServiceNamedConsumer", [](json& m) { m["services"]["consumer"] = m["services"]["food"]; },
     "/services", "key 'consumer'"},
    {"BuiltInParameterRedefined", [](json& m) { m["services"]["food"]["parameters"]["service"] = "pizza"; },
     "/services/food/parameters", "key 'service'"},
    {"ServiceWithoutTemplateIsComplete",
     [](json& m) {
         m["services"]["extra"] = json::parse(R"({
             "account": "food",
             "vpcs": {"main": {"cidr": "10.0.0.0/16", "subnets": {"a": {"cidr": "10.0.0.0/24", "az": "eu-central-1a"}}}}
         })");
     },
     "/services/extra/vpcs/main/subnets/a", "must have required property 'routeTable'"},
    {"ServiceWithoutTemplateHasNoNull",
     [](json& m) {
         json food = orders_template(m);
         food["account"] = "food";
         food["parameters"] = m["services"]["food"]["parameters"];
         food["apis"]["orders"]["customDomain"] = nullptr;
         m["services"]["food"] = food;
     },
     "/services/food/apis/orders/customDomain", "null is allowed only in a service that uses a template"},
    {"UnknownServiceMember", [](json& m) { m["services"]["food"]["lambda"] = json::object(); },
     "/services/food", "must NOT have unevaluated properties ('lambda')"},
    {"UnknownTopLevelMember", [](json& m) { m["service"] = json::object(); },
     "/", "must NOT have additional properties ('service')"},
    // Meta members belong to the service: the account decides the built-in parameters, so a
    // template carries none of them, and every service names its account itself.
    {"AccountInTemplate", [](json& m) { orders_template(m)["account"] = "food"; },
     "/templates/orders-service", "must NOT have unevaluated properties ('account')"},
    {"TemplateInTemplate", [](json& m) { orders_template(m)["template"] = "orders-service"; },
     "/templates/orders-service", "must NOT have unevaluated properties ('template')"},
    {"ParametersInTemplate", [](json& m) { orders_template(m)["parameters"] = {{"octet", 1}}; },
     "/templates/orders-service", "must NOT have unevaluated properties ('parameters')"},
    {"TemplatedServiceWithoutAccount", [](json& m) { m["services"]["food"].erase("account"); },
     "/services/food", "must have required property 'account'"},
    {"PlaceholderAsServiceAccount", [](json& m) { m["services"]["food"]["account"] = "{{account}}"; },
     "/services/food/account", "must match pattern"},
};

// The validator's report, split by file: "<file>: ok|invalid" and the indented error lines after it.
std::map<std::string, std::string> report_by_file(const std::string& output) {
    std::map<std::string, std::string> out;
    std::string current;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("  ", 0) == 0) {
            out[current] += line + "\n";
            continue;
        }
        auto colon = line.find(": ");  // "<file>: ok|invalid|unreadable: <why>|expected ..."
        if (colon == std::string::npos) continue;
        current = line.substr(0, colon);
        out[current] += line + "\n";
    }
    return out;
}

}  // namespace

TEST(ModelSchema, NodeAndAjvAreAvailable) {
    REQUIRE_TOOLCHAIN();
    CommandResult r = run("node " + quote(validator.string()));
    EXPECT_EQ(r.status, 2) << "without arguments the validator must fail with usage:\n" << r.output;
    EXPECT_NE(r.output.find("usage:"), std::string::npos) << r.output;
}

TEST(ModelSchema, IsDraft2020AndDocumentsItsModes) {
    json schema = read_json(schema_file);
    EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    EXPECT_FALSE(schema.value("description", "").empty());
    for (const char* def : {"consumer", "template", "service", "vpc", "vpcEndpoint", "loadBalancer", "api", "customDomain"})
        EXPECT_TRUE(schema["$defs"].contains(def)) << def;
}

TEST(ModelSchema, EveryShippedModelValidates) {
    REQUIRE_TOOLCHAIN();
    auto models = shipped_models();
    ASSERT_GE(models.size(), 2u) << "expected at least two models in " << models_dir;
    CommandResult r = validate(models);
    EXPECT_EQ(r.status, 0) << r.output;
    for (const auto& m : models) {
        EXPECT_NE(r.output.find(m.string() + ": ok"), std::string::npos) << m << "\n" << r.output;
        EXPECT_EQ(read_json(m).value("$schema", ""), "./xc-model.schema.json") << m;
    }
}

TEST(ModelSchema, EveryShippedModelLoads) {
    // The schema and the loader must agree on the shipped models.
    for (const auto& m : shipped_models()) EXPECT_EQ(loader_errors(read_json(m)), "") << m;
}

TEST(ModelSchema, ExpectInvalidFailsOnAValidModel) {
    REQUIRE_TOOLCHAIN();
    CommandResult r = validate({models_dir / "cross-account-microservices.json"}, true);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("expected invalid"), std::string::npos) << r.output;
}

TEST(ModelSchema, OneInvalidFileFailsTheRun) {
    REQUIRE_TOOLCHAIN();
    json broken = reference_model();
    broken["xc"] = 2;
    TempModel bad(broken);
    CommandResult r = validate({models_dir / "cross-account-microservices.json", bad.path()});
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("cross-account-microservices.json: ok"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("  /xc: "), std::string::npos) << r.output;
}

// Valid models the template rules must accept (and the loader does).
TEST(ModelSchema, TemplateFeaturesAreAccepted) {
    REQUIRE_TOOLCHAIN();
    std::vector<std::pair<std::string, std::function<void(json&)>>> variants = {
        {"a service deletes template members with null",
         [](json& m) {
             m["services"]["food"]["apis"] = {{"orders", {{"customDomain", nullptr}}}};
             m["services"]["food"]["tables"] = {{"orders", {{"indexes", nullptr}}}};
             m["services"]["food"]["lambdas"] = {{"get-orders", {{"index", nullptr}}}};
         }},
        {"a service overrides template fields",
         [](json& m) { m["services"]["food"]["lambdas"] = {{"get-order", {{"memory", 1024}, {"timeout", 30}}}}; }},
        {"a whole-value placeholder stands for an object",
         [](json& m) {
             json policy = orders_template(m)["apis"]["orders"]["policy"];
             orders_template(m)["apis"]["orders"]["policy"] = "{{apiPolicy}}";
             for (auto& [_, s] : m["services"].items()) s["parameters"]["apiPolicy"] = policy;
         }},
        {"placeholders splice into pattern-checked strings",
         [](json& m) {
             orders_template(m)["vpcs"]["main"]["subnets"]["private-a"]["az"] = "{{region}}a";
             orders_template(m)["vpcs"]["main"]["cidr"] = "10.{{octet}}.0.0/16";
             orders_template(m)["vpcs"]["main"]["subnets"]["private-a"]["cidr"] = "10.{{octet}}.2.0/24";
             orders_template(m)["vpcs"]["main"]["subnets"]["private-b"]["cidr"] = "10.{{octet}}.3.0/24";
             m["services"]["food"]["parameters"]["octet"] = 20;
             m["services"]["beverage"]["parameters"]["octet"] = 21;
         }},
        {"a service without a template uses placeholders",
         [](json& m) {
             json food = orders_template(m);
             food["account"] = "food";
             food["parameters"] = m["services"]["food"]["parameters"];
             m["services"]["food"] = food;
         }},
    };
    std::vector<std::unique_ptr<TempModel>> files;
    std::vector<fs::path> paths;
    for (const auto& [what, apply] : variants) {
        json model = reference_model();
        apply(model);
        EXPECT_EQ(loader_errors(model), "") << what;
        files.push_back(std::make_unique<TempModel>(model));
        paths.push_back(files.back()->path());
    }
    CommandResult r = validate(paths);
    EXPECT_EQ(r.status, 0) << r.output;
    for (std::size_t i = 0; i < variants.size(); ++i)
        EXPECT_NE(r.output.find(paths[i].string() + ": ok"), std::string::npos) << variants[i].first << "\n" << r.output;
}

// Node and ajv take most of a second to start and compile the schema, so all broken models are
// validated in one run (one process under ctest too); each failure names its mutation.
TEST(ModelSchema, BrokenModelsAreRejectedAtTheRightPlace) {
    REQUIRE_TOOLCHAIN();
    std::vector<std::unique_ptr<TempModel>> files;
    std::vector<fs::path> paths;
    for (const auto& m : broken_models) {
        json model = reference_model();
        m.apply(model);
        files.push_back(std::make_unique<TempModel>(model));
        paths.push_back(files.back()->path());
    }
    CommandResult result = validate(paths, true);
    EXPECT_EQ(result.status, 0) << "some broken model was accepted:\n" << result.output;
    auto reports = report_by_file(result.output);

    for (std::size_t i = 0; i < broken_models.size(); ++i) {
        const Mutation& mutation = broken_models[i];
        SCOPED_TRACE("mutation " + mutation.name);
        const std::string file = paths[i].string();
        ASSERT_TRUE(reports.contains(file)) << "no report for " << file << ":\n" << result.output;
        const std::string& report = reports.at(file);
        EXPECT_NE(report.find(file + ": invalid"), std::string::npos) << "the schema accepted it:\n" << report;
        // An error line: "  <instancePath>: <message> (<details>)".
        bool found = false;
        std::istringstream lines(report);
        for (std::string line; std::getline(lines, line);)
            found = found || (line.rfind("  " + mutation.instance_path + ": ", 0) == 0 &&
                              line.find(mutation.detail) != std::string::npos);
        EXPECT_TRUE(found) << "expected an error at " << mutation.instance_path << " mentioning \"" << mutation.detail
                           << "\", got:\n"
                           << report;
        json model = reference_model();
        mutation.apply(model);
        if (mutation.loader_rejects) EXPECT_NE(loader_errors(model), "") << "the loader accepts what the schema rejects";
        else EXPECT_EQ(loader_errors(model), "") << "the loader now rejects it too: set loader_rejects";
    }
}

// Both directions over every model we have. The fuzz seeds are made the way scripts/fuzz.sh
// makes them (tests/fuzz/build_corpus.py: the shipped models, the corpus patches, the kept
// regression inputs), so a seed added there is covered here.
TEST(ModelSchema, SchemaAndLoaderAgreeOnEveryModelWeHave) {
    REQUIRE_TOOLCHAIN();
    const fs::path dir = fs::temp_directory_path() / ("xc-schema-agreement-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::vector<fs::path> models = shipped_models();
    const json corpus = read_json(source_dir / "tests/verify/corpus.json");
    for (const char* kind : {"mutants", "correct"})
        for (const auto& e : corpus[kind]) {
            json model = reference_model().patch(e["patch"]);
            models.push_back(dir / ("corpus-" + e["name"].get<std::string>() + ".json"));
            std::ofstream(models.back()) << model.dump(1);
        }
    CommandResult seeds = run("python3 " + quote((source_dir / "tests/fuzz/build_corpus.py").string()) + " " +
                              quote((dir / "seeds").string()));
    ASSERT_EQ(seeds.status, 0) << seeds.output;
    std::vector<fs::path> seed_files;
    for (const auto& e : fs::directory_iterator(dir / "seeds" / "model"))
        if (e.is_regular_file()) seed_files.push_back(e.path());
    std::sort(seed_files.begin(), seed_files.end());
    ASSERT_GE(seed_files.size(), 10u) << "build_corpus.py made too few model seeds";
    models.insert(models.end(), seed_files.begin(), seed_files.end());

    CommandResult r = validate(models);
    ASSERT_TRUE(r.status == 0 || r.status == 1) << r.output;
    auto reports = report_by_file(r.output);
    std::size_t loaded = 0;
    for (const auto& file : models) {
        SCOPED_TRACE(file.string());
        ASSERT_TRUE(reports.contains(file.string())) << "no schema verdict:\n" << r.output;
        const std::string& report = reports.at(file.string());
        const bool schema_valid = report.find(file.string() + ": ok") != std::string::npos;
        const auto diagnostics = loader_diagnostics(file);
        if (diagnostics.empty()) {
            ++loaded;
            EXPECT_TRUE(schema_valid) << "the model loads but the schema rejects it:\n" << report;
            continue;
        }
        if (!schema_valid) continue;
        for (const auto& d : diagnostics)
            EXPECT_NE(documented_rule(d.message), nullptr)
                << "schema-valid, but refused for a reason that is not a documented cross-model rule: " << xc::to_string(d);
    }
    EXPECT_GE(loaded, models.size() / 2) << "most of these models are meant to load";
    fs::remove_all(dir);
}

// A schema-valid model refused by each rule: the rule table above recognises what the loader
// says (so the agreement test cannot pass by a message drifting out of the table).
TEST(ModelSchema, CrossModelRulesAreSchemaValidAndRecognised) {
    REQUIRE_TOOLCHAIN();
    std::vector<std::pair<std::string, std::function<void(json&)>>> variants = {
        {"a dangling reference", [](json& m) { consumer(m)["loadBalancers"]["internal"]["vpc"] = "mian"; }},
        {"a subnet outside its VPC", [](json& m) { consumer(m)["vpcs"]["main"]["subnets"]["private-a"]["cidr"] = "10.99.0.0/24"; }},
        {"an availability zone in another region",
         [](json& m) { consumer(m)["vpcs"]["main"]["subnets"]["private-a"]["az"] = "us-east-1a"; }},
        {"a repeated account id", [](json& m) { m["accounts"]["food"]["id"] = m["accounts"]["beverage"]["id"]; }},
        {"a service in the consumer's account", [](json& m) { m["services"]["food"]["account"] = "consumer"; }},
    };
    std::vector<std::unique_ptr<TempModel>> files;
    std::vector<fs::path> paths;
    for (const auto& [what, apply] : variants) {
        json model = reference_model();
        apply(model);
        files.push_back(std::make_unique<TempModel>(model));
        paths.push_back(files.back()->path());
    }
    CommandResult r = validate(paths);
    EXPECT_EQ(r.status, 0) << r.output;
    for (std::size_t i = 0; i < variants.size(); ++i) {
        SCOPED_TRACE(variants[i].first);
        EXPECT_NE(r.output.find(paths[i].string() + ": ok"), std::string::npos) << r.output;
        auto diagnostics = loader_diagnostics(paths[i]);
        ASSERT_FALSE(diagnostics.empty()) << "the loader accepts it";
        for (const auto& d : diagnostics) EXPECT_NE(documented_rule(d.message), nullptr) << xc::to_string(d);
    }
}

TEST(ModelSchema, CrossModelRulesAreDocumentedInTheReadme) {
    std::ifstream in(source_dir / "README.md");
    std::stringstream text;
    text << in.rdbuf();
    // Line breaks are layout: compare with runs of white space as one space.
    const std::string readme = std::regex_replace(text.str(), std::regex("\\s+"), " ");
    for (const auto& rule : semantic_rules())
        EXPECT_NE(readme.find(rule.readme), std::string::npos) << "README does not document: " << rule.readme;
}

}  // namespace schema_test
