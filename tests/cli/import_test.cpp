// xc import through the built binary: `xc emit --target terraform` a shipped model, `xc import`
// the emitted roots, `xc verify` the imported model: the model's verdicts, property by property
// and subject by subject (subjects named as the Terraform front end names them, see
// tests/input/terraform/round_trip_test.cpp). The reference model's Terraform carries nothing
// the front end leaves unresolved, so no UNDECIDED is allowed here; the other shipped model's
// does (existing ACM certificates, whose names Terraform does not state) and is refused, as are
// CloudFormation stacks whose functions' code the templates do not carry: exit 2, each item
// located, nothing written.
#include <xc/emit/lowering/identifier.hpp>

#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace import_test {

using nlohmann::json;
using xc::test::quote;
using xc::test::read_file;
using xc::test::write_file;

namespace {

namespace fs = std::filesystem;

class Workspace {
public:
    const fs::path& dir() const { return tmp_.path(); }
    xc::test::CommandResult xc(const std::string& args) const { return xc::test::run("cd " + quote(dir().string()) + " && " + quote(XC_CLI) + " " + args); }
    // `xc emit --target T` of a shipped model into DIR; the Terraform root directories, space-separated.
    std::string emit_terraform(const std::string& model, const std::string& into) const {
        return emit_terraform_of((xc::test::source_dir() / "models" / model).string(), into);
    }
    std::string emit_terraform_of(const std::string& model_file, const std::string& into) const {
        auto r = xc("emit --target terraform -o " + into + " " + quote(model_file));
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::set<std::string> roots;
        for (const auto& e : fs::recursive_directory_iterator(dir() / into))
            if (e.path().extension() == ".tf") roots.insert(fs::relative(e.path().parent_path(), dir()).string());
        std::string out;
        for (const auto& r : roots) out += " " + quote(r);
        return out;
    }

private:
    xc::test::TempDir tmp_;
};

// The model's subject as the Terraform front end names it: S/K/identifier(N).
std::string terraform_subject(const std::string& subject) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        auto slash = subject.find('/', start);
        parts.push_back(subject.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    if (parts.size() < 3) return subject;
    std::string out = parts[0] + "/" + parts[1];
    for (std::size_t i = 2; i < parts.size(); ++i) out += "/" + xc::emit::lowering::identifier(parts[i]);
    return out;
}

using Verdicts = std::map<std::pair<std::string, std::string>, std::multiset<std::string>>;

Verdicts verdicts(const std::string& report, bool rename) {
    Verdicts out;
    const json parsed = json::parse(report);
    for (const auto& model : parsed.at("models"))
        for (const auto& f : model.at("findings")) {
            const std::string subject = f.at("subject").get<std::string>();
            out[{f.at("property").get<std::string>(), rename ? terraform_subject(subject) : subject}].insert(f.at("verdict").get<std::string>());
        }
    return out;
}

}  // namespace

TEST(Import, EmittedTerraformImportsToAModelThatVerifiesAlike) {
    Workspace w;
    const std::string roots = w.emit_terraform("cross-account-microservices.json", "tf");
    auto imported = w.xc("import -o imported.json" + roots);
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_EQ(imported.out, "");
    EXPECT_NE(imported.err.find("xc import: imported.json: model '"), std::string::npos) << imported.err;
    const std::string text = read_file(w.dir() / "imported.json");

    auto original = w.xc("verify --format json " + quote(xc::test::reference_model_path().string()));
    auto reimported = w.xc("verify --format json imported.json");
    EXPECT_EQ(original.exit_code, 0) << original.err;
    EXPECT_EQ(reimported.exit_code, 0) << reimported.err;
    const auto want = verdicts(original.out, true);
    const auto got = verdicts(reimported.out, false);
    EXPECT_GE(want.size(), 20u);
    EXPECT_EQ(got, want);

    // The instance's SSM role, its attachment and profile are the instance's "ssm" again, not a
    // role of their own (which the emitter would write a second time), so the imported model
    // emits; what it emits verifies alike too.
    const json model = json::parse(text);
    EXPECT_EQ(model.at("consumer").at("instances").at("client").value("ssm", false), true) << text;
    EXPECT_FALSE(model.at("consumer").contains("roles")) << model.at("consumer").value("roles", json()).dump();
    auto emitted = w.xc("emit imported.json --target terraform -o tf-again");
    ASSERT_EQ(emitted.exit_code, 0) << emitted.err;
    std::string again_roots;
    for (const auto& d : std::filesystem::directory_iterator(w.dir() / "tf-again"))
        if (d.is_directory()) again_roots += " " + quote(d.path().string());
    auto reverified = w.xc("verify --format json" + again_roots);
    EXPECT_EQ(reverified.exit_code, 0) << reverified.err;
    EXPECT_EQ(verdicts(reverified.out, false), verdicts(reimported.out, true));  // named as Terraform names them, like the first time

    // Without -o the same bytes go to stdout; importing the imported model changes nothing.
    auto to_stdout = w.xc("import" + roots);
    EXPECT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
    EXPECT_EQ(to_stdout.out, text);
    auto again = w.xc("import imported.json");
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out, text);

    // The imported model is valid against the format's schema.
    auto valid = xc::test::run("node " + quote((xc::test::source_dir() / "tests/input/json/schema/validate.mjs").string()) + " " +
                               quote((xc::test::source_dir() / "models/xc-model.schema.json").string()) + " " +
                               quote((w.dir() / "imported.json").string()));
    EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
}

// IAM authorization survives emit -> import: every route's authorization and every API's callers
// (the consumer role the emitter tags xc:calls) are in the imported model file, and it verifies alike.
TEST(Import, IamAuthorizationAndCallersAreImported) {
    Workspace w;
    json model = json::parse(read_file(xc::test::reference_model_path()));
    model["consumer"]["roles"]["api-client"] = json::parse(R"({
        "trustPolicy": {"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "policies": {"invoke-apis": {"Version": "2012-10-17",
                                     "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*"}]}}})");
    json& api = model["templates"]["orders-service"]["apis"]["orders"];
    api["authorization"] = "AWS_IAM";
    api["callers"] = json::array({"consumer/api-client"});
    api["routes"]["GET /orders"]["authorization"] = "NONE";
    // With AWS_IAM a principal of the API's own account needs no Allow in the resource policy:
    // only a Deny keeps other endpoints out (api-endpoint-only), so the model verifies and emits.
    api["policy"]["Statement"].push_back(json::parse(R"({"Sid": "OnlyTheConsumerEndpoint", "Effect": "Deny", "Principal": "*",
        "Action": "execute-api:*", "Resource": "execute-api:/*", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}}})"));
    write_file(w.dir() / "iam.json", model.dump(1));
    const std::string roots = w.emit_terraform_of((w.dir() / "iam.json").string(), "tf");
    auto imported = w.xc("import -o imported.json" + roots);
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    const json back = json::parse(read_file(w.dir() / "imported.json"));
    const std::string client = xc::emit::lowering::identifier("api-client");
    ASSERT_TRUE(back.at("consumer").at("roles").contains(client)) << back.at("consumer").dump();
    std::size_t apis = 0;
    for (const auto& [name, service] : back.at("services").items())
        for (const auto& [_, a] : service.at("apis").items()) {
            SCOPED_TRACE(name);
            ++apis;
            EXPECT_EQ(a.value("callers", json::array()), json::array({"consumer/" + client}));
            for (const auto& [key, route] : a.at("routes").items()) {
                const std::string want = key == "GET /orders" ? "NONE" : "AWS_IAM";
                EXPECT_EQ(route.value("authorization", a.value("authorization", std::string("NONE"))), want) << key;
            }
        }
    EXPECT_EQ(apis, 2u);
    auto original = w.xc("verify --format json iam.json");
    auto reimported = w.xc("verify --format json imported.json");
    EXPECT_EQ(original.exit_code, 0) << original.out;
    EXPECT_EQ(reimported.exit_code, 0) << reimported.out;
    EXPECT_EQ(verdicts(reimported.out, false), verdicts(original.out, true));
}

TEST(Import, UnresolvedValuesAreRefusedLocatedAndNothingIsWritten) {
    Workspace w;
    const std::string roots = w.emit_terraform("three-services-private-domains.json", "tf");
    write_file(w.dir() / "previous.json", "previous\n");
    auto r = w.xc("import -o previous.json" + roots);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(read_file(w.dir() / "previous.json"), "previous\n");
    // One located error per existing certificate, at the Terraform that names it.
    std::size_t certificates = 0;
    for (std::size_t at = 0; (at = r.err.find("is unresolved (an existing ACM certificate", at)) != std::string::npos; ++at) ++certificates;
    EXPECT_EQ(certificates, 4u) << r.err;
    EXPECT_NE(r.err.find("tf/platform/load_balancer.tf:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": error: at [platform] aws_lb_listener."), std::string::npos) << r.err;
    auto stdout_run = w.xc("import" + roots);
    EXPECT_EQ(stdout_run.exit_code, 2);
    EXPECT_EQ(stdout_run.out, "");
}

// A value the Terraform front end maps but the model format does not admit (a function with
// less memory than the format's 128 MB minimum) is found by reading the written model back:
// refused, located at the Terraform that states it.
TEST(Import, ValuesTheFormatRefusesAreLocatedInTheTerraform) {
    Workspace w;
    const std::string roots = w.emit_terraform("cross-account-microservices.json", "tf");
    std::string compute = read_file(w.dir() / "tf/food/compute.tf");
    const auto at = compute.find("memory_size      = 512");
    ASSERT_NE(at, std::string::npos);
    compute.replace(at, std::string("memory_size      = 512").size(), "memory_size      = 100");
    write_file(w.dir() / "tf/food/compute.tf", compute);
    auto r = w.xc("import -o model.json" + roots);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(fs::exists(w.dir() / "model.json"));
    EXPECT_NE(r.err.find("tf/food/compute.tf:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("aws_lambda_function.get_order: cannot be written as a model: expected an integer from 128 to 10240, found 100"),
              std::string::npos)
        << r.err;
}

TEST(Import, CloudFormationStacksWhoseFunctionCodeIsUnknownAreRefused) {
    Workspace w;
    auto e = w.xc("emit --target cloudformation -o cfn " + quote(xc::test::reference_model_path().string()));
    ASSERT_EQ(e.exit_code, 0) << e.err;
    const std::string secret = "{{resolve:secretsmanager:arn:aws:secretsmanager:eu-central-1:111111111111:secret:cross-account-microservices/endpoint-id}}";
    auto service = [&](const std::string& name, const std::string& account) {
        return " cfn/" + name + "/template.json --account " + account + " --parameter-overrides DomainCertificateArn=arn:aws:acm:eu-central-1:" +
               account + ":certificate/" + name + " " + quote("ConsumerEndpointId=" + secret);
    };
    auto r = w.xc("import -o model.json --region eu-central-1 cfn/consumer/template.json --account 111111111111 --consumer "
                  "--parameter-overrides WildcardCertificateArn=arn:aws:acm:eu-central-1:111111111111:certificate/consumer ClientAmi=ami-12345678" +
                  service("food", "333333333333") + service("beverage", "222222222222"));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(fs::exists(w.dir() / "model.json"));
    EXPECT_NE(r.err.find("cfn/food/template.json:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("GetOrderFunction.Code is unresolved (what the function's code does"), std::string::npos) << r.err;
}

TEST(Import, UsageErrorsExitTwo) {
    Workspace w;
    write_file(w.dir() / "model.json", xc::test::reference_model_text());
    fs::create_directories(w.dir() / "root");
    for (const std::string args : {"import", "import -o '' model.json", "import model.json model.json", "import model.json root",
                                   "import --unknown model.json"}) {
        auto r = w.xc(args);
        EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
        EXPECT_EQ(r.out, "") << args;
        EXPECT_FALSE(r.err.empty()) << args;
    }
    // Bad input: the reader's located error, nothing written.
    write_file(w.dir() / "bad.json", "{\"xc\": 1}\n");
    auto bad = w.xc("import -o out.json bad.json");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("bad.json:"), std::string::npos) << bad.err;
    EXPECT_FALSE(fs::exists(w.dir() / "out.json"));
}

}  // namespace import_test
