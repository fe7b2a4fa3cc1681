// model::check, the semantic pass every front end runs, on models built in C++ with no JSON at
// all (as a second front end would build them): references are resolved in place, each rule
// reports at the model path of the offending value, and a front end's SourceLocator decides
// what a location says (file, line:column and a path in the source's own terms).
#include <xc/model/check.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace check_test {

namespace {

using namespace xc::model;

Ipv4Cidr cidr(const char* text) { return *parse_ipv4_cidr(text); }

// A consumer with a VPC (two subnets, one route table), an interface endpoint for execute-api;
// one service whose API is bound to that endpoint and whose Lambda runs in its own VPC.
Model small_model() {
    Model m;
    m.name = "app";
    m.region = "eu-central-1";
    m.accounts["consumer"] = Account{"consumer", "111111111111", AccountRole::consumer, "/accounts/consumer"};
    m.accounts["svc"] = Account{"svc", "222222222222", AccountRole::service, "/accounts/svc"};

    auto vpc = [](const std::string& scope, const char* block, const char* a, const char* b) {
        Vpc v;
        v.name = "main";
        v.cidr = cidr(block);
        v.path = scope + "/vpcs/main";
        v.route_tables["rt"] = RouteTable{"rt", {}, v.path + "/routeTables/rt"};
        v.subnets["a"] = Subnet{"a", cidr(a), "eu-central-1a", false, "rt", v.path + "/subnets/a"};
        v.subnets["b"] = Subnet{"b", cidr(b), "eu-central-1b", false, "rt", v.path + "/subnets/b"};
        return v;
    };

    Scope& c = m.consumer;
    c.name = "consumer";
    c.kind = ScopeKind::consumer;
    c.account = "consumer";
    c.path = "/consumer";
    c.vpcs["main"] = vpc("/consumer", "10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24");
    c.security_groups["ep"] = SecurityGroup{"ep", "main", "", {}, {}, "/consumer/securityGroups/ep"};
    VpcEndpoint e;
    e.name = "execute-api";
    e.id = "vpce-0123456789abcdef0";
    e.vpc = "main";
    e.service = "execute-api";
    e.subnets = {"a", "b"};
    e.security_groups = {"ep"};
    e.path = "/consumer/vpcEndpoints/execute-api";
    c.vpc_endpoints[e.name] = e;

    Scope s;
    s.name = "svc";
    s.account = "svc";
    s.path = "/services/svc";
    s.vpcs["main"] = vpc("/services/svc", "10.1.0.0/16", "10.1.1.0/24", "10.1.2.0/24");
    s.security_groups["fn"] = SecurityGroup{"fn", "main", "", {}, {}, "/services/svc/securityGroups/fn"};
    Role role;
    role.name = "exec";
    role.path = "/services/svc/roles/exec";
    s.roles["exec"] = role;
    Lambda fn;
    fn.name = "fn";
    fn.handler = "get-order";
    fn.role = Ref{"", "exec"};  // as written: the referring scope's own role
    fn.subnets = {"a", "b"};
    fn.security_groups = {"fn"};
    fn.path = "/services/svc/lambdas/fn";
    s.lambdas["fn"] = fn;
    RestApi api;
    api.name = "orders";
    api.is_private = true;
    api.vpc_endpoints = {Ref{"consumer", "execute-api"}};
    api.stage = "v1";
    api.path = "/services/svc/apis/orders";
    ApiRoute route;
    route.key = "GET /orders";
    route.method = "GET";
    route.resource_path = "/orders";
    route.lambda = Ref{"", "fn"};
    route.path = api.path + "/routes/GET ~1orders";
    api.routes[route.key] = route;
    s.apis["orders"] = api;
    m.services["svc"] = s;
    return m;
}

std::vector<xc::Diagnostic> problems(Model m) {
    xc::Diagnostics d;
    check(m, d);
    return d.items();
}

// `m` must be refused with exactly one problem, at `path`, whose message contains `text`.
void expect_problem(const Model& m, const std::string& path, const std::string& text) {
    auto ds = problems(m);
    std::string all;
    for (const auto& d : ds) all += "\n  " + xc::to_string(d);
    ASSERT_EQ(ds.size(), 1u) << all;
    EXPECT_EQ(ds[0].path, path) << all;
    EXPECT_NE(ds[0].message.find(text), std::string::npos) << all;
    EXPECT_TRUE(ds[0].file.empty()) << "check reports model paths; locating them is the front end's part";
}

// A front end's locator in its own terms (here: a Terraform-like one).
class FakeLocator final : public SourceLocator {
public:
    xc::Location locate(std::string_view path) const override {
        if (path.rfind("/consumer/vpcs/main/subnets/b", 0) == 0) return {"net.tf", {12, 3}, "aws_subnet.consumer_b"};
        return {"main.tf", {1, 1}, std::string(path)};
    }
};

}  // namespace

TEST(Check, ResolvesEveryReferenceInPlaceAndDerivesTheLambdaVpc) {
    Model m = small_model();
    xc::Diagnostics d;
    check(m, d);
    ASSERT_TRUE(d.empty()) << xc::to_string(d.items().front());
    const auto& svc = m.services.at("svc");
    EXPECT_EQ(svc.lambdas.at("fn").role, (Ref{"svc", "exec"}));
    EXPECT_EQ(svc.lambdas.at("fn").vpc, "main");
    EXPECT_EQ(svc.apis.at("orders").routes.at("GET /orders").lambda, (Ref{"svc", "fn"}));
    EXPECT_EQ(svc.apis.at("orders").vpc_endpoints.at(0), (Ref{"consumer", "execute-api"}));
    // A checked model checks clean again: the pass is idempotent.
    check(m, d);
    EXPECT_TRUE(d.empty());
}

TEST(Check, EachRuleReportsAtTheModelPathOfTheOffendingValue) {
    {
        Model m = small_model();
        m.services.at("svc").lambdas.at("fn").role = Ref{"", "exce"};
        expect_problem(m, "/services/svc/lambdas/fn/role", "no IAM role named 'exce'");
        EXPECT_EQ(problems(m).at(0).hint, "did you mean 'exec'?");
    }
    {
        Model m = small_model();
        m.services.at("svc").apis.at("orders").vpc_endpoints = {Ref{"consumr", "execute-api"}};
        expect_problem(m, "/services/svc/apis/orders/vpcEndpoints/0", "no scope named 'consumr'");
    }
    {
        Model m = small_model();
        m.services.at("svc").lambdas.at("fn").role = Ref{"consumer", "exec"};
        expect_problem(m, "/services/svc/lambdas/fn/role", "must be in the same scope ('svc')");
    }
    {
        Model m = small_model();
        m.consumer.vpcs.at("main").subnets.at("b").cidr = cidr("10.9.0.0/24");
        expect_problem(m, "/consumer/vpcs/main/subnets/b/cidr", "is outside its VPC's 10.0.0.0/16");
    }
    {
        Model m = small_model();
        m.consumer.vpcs.at("main").subnets.at("b").cidr = cidr("10.0.1.128/25");
        expect_problem(m, "/consumer/vpcs/main/subnets/b/cidr", "overlaps subnet 'a'");
    }
    {
        Model m = small_model();
        m.consumer.vpcs.at("main").subnets.at("b").availability_zone = "us-east-1b";
        expect_problem(m, "/consumer/vpcs/main/subnets/b/az", "is not in region eu-central-1");
    }
    {
        Model m = small_model();
        m.consumer.vpc_endpoints.at("execute-api").subnets = {"a", "c"};
        expect_problem(m, "/consumer/vpcEndpoints/execute-api/subnets/1", "no subnet named 'c' in VPC 'main'");
    }
    {
        Model m = small_model();
        m.consumer.vpc_endpoints.at("execute-api").service = "sqs";
        expect_problem(m, "/services/svc/apis/orders/vpcEndpoints/0", "is not an execute-api interface endpoint");
    }
    {
        Model m = small_model();
        VpcEndpoint twin = m.consumer.vpc_endpoints.at("execute-api");
        twin.name = "twin";
        twin.path = "/consumer/vpcEndpoints/twin";
        m.consumer.vpc_endpoints["twin"] = twin;
        expect_problem(m, "/consumer/vpcEndpoints/twin/id", "is also used at /consumer/vpcEndpoints/execute-api");
    }
}

TEST(Check, AccountsAreCheckedWhateverTheFrontEndChecked) {
    {
        Model m = small_model();
        m.services.at("svc").account = "consumer";
        expect_problem(m, "/services/svc/account", "account 'consumer' has role 'consumer'; expected 'service'");
    }
    {
        Model m = small_model();
        m.services.at("svc").account = "sv";
        expect_problem(m, "/services/svc/account", "no account named 'sv'");
    }
    {
        Model m = small_model();
        m.accounts.at("svc").id = "111111111111";
        expect_problem(m, "/accounts/svc/id", "account id 111111111111 is already used by account 'consumer'");
    }
    {
        Model m = small_model();
        m.accounts.at("svc").role = AccountRole::consumer;
        auto ds = problems(m);
        ASSERT_FALSE(ds.empty());
        EXPECT_EQ(ds[0].path, "/accounts");
        EXPECT_EQ(ds[0].message, "expected exactly one account with role 'consumer', found 2");
    }
}

TEST(Check, EveryIndependentProblemIsReportedInOneRun) {
    Model m = small_model();
    m.services.at("svc").lambdas.at("fn").role = Ref{"", "nobody"};
    m.consumer.vpcs.at("main").subnets.at("b").availability_zone = "us-east-1b";
    m.services.at("svc").apis.at("orders").routes.at("GET /orders").lambda = Ref{"", "gone"};
    EXPECT_EQ(problems(m).size(), 3u);
}

TEST(Check, ThrowingFormLocatesThroughTheFrontEndsLocator) {
    Model m = small_model();
    m.source = std::make_shared<FakeLocator>();
    m.consumer.vpcs.at("main").subnets.at("b").availability_zone = "us-east-1b";
    try {
        check(m);
        FAIL() << "accepted";
    } catch (const xc::InputError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        const auto& d = e.diagnostics()[0];
        EXPECT_EQ(d.file, "net.tf");
        EXPECT_EQ(d.position, (xc::SourcePosition{12, 3}));
        EXPECT_EQ(d.path, "aws_subnet.consumer_b");
        EXPECT_EQ(xc::to_string(d).rfind("net.tf:12:3: error: at aws_subnet.consumer_b: availability zone 'us-east-1b'", 0), 0u)
            << xc::to_string(d);
        EXPECT_EQ(e.exit_code(), xc::exit_code::bad_input);
    }
    // Without a locator, a location is the model path alone.
    Model bare = small_model();
    EXPECT_EQ(bare.locate("/consumer/vpcs/main").path, "/consumer/vpcs/main");
    EXPECT_EQ(bare.position("/consumer/vpcs/main"), xc::SourcePosition{});
}

// One hierarchy: every error xc throws is an xc::Error carrying the exit code the CLI maps it to.
TEST(ErrorHierarchy, EachClassCarriesItsExitCode) {
    const xc::InputError input("/a", "bad");
    const xc::OutputError output("out: cannot create");
    const xc::LoweringError lowering("no target can express it");
    const xc::LoweringError located("/services/svc/apis/orders", "no target can express it");
    const xc::InternalError internal("solver and evaluator disagree");
    for (const xc::Error* e : std::vector<const xc::Error*>{&input, &output, &lowering, &located})
        EXPECT_EQ(e->exit_code(), xc::exit_code::bad_input) << e->what();
    EXPECT_EQ(internal.exit_code(), xc::exit_code::undecided);
    EXPECT_EQ(output.context(), "cannot write the output");
    EXPECT_TRUE(lowering.diagnostics().empty());
    ASSERT_EQ(located.diagnostics().size(), 1u);
    EXPECT_EQ(located.diagnostics()[0].path, "/services/svc/apis/orders");
    // A lowering error located like any diagnostic, through the model.
    Model m = small_model();
    m.source = std::make_shared<FakeLocator>();
    m.file = "main.tf";
    const auto d = m.located(located.diagnostics()[0]);
    EXPECT_EQ(d.file, "main.tf");
    EXPECT_EQ(d.position, (xc::SourcePosition{1, 1}));
}

// The IR knows no format: nothing under include/xc/model/ includes a front end (input/).
TEST(Layers, TheModelIncludesNoFrontEnd) {
    namespace fs = std::filesystem;
    const fs::path model_dir = fs::path(XC_SOURCE_DIR) / "include/xc/model";
    const std::regex include(R"(#\s*include\s*[<"]xc/input/)");
    std::size_t headers = 0;
    for (const auto& e : fs::recursive_directory_iterator(model_dir)) {
        if (!e.is_regular_file()) continue;
        ++headers;
        std::ifstream in(e.path());
        std::stringstream text;
        text << in.rdbuf();
        EXPECT_FALSE(std::regex_search(text.str(), include)) << e.path() << " includes a front end";
    }
    EXPECT_GE(headers, 5u);
}

}  // namespace check_test
