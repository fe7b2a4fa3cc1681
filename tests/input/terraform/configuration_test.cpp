// Reading whole Terraform configurations: variables and their precedence, expansion of count,
// for_each and dynamic blocks, local modules and their providers, references (known values,
// unknowns that name their origin), dependency order, and bad configurations (exit 2, located).
#include "xc/input/terraform/terraform.hpp"

#include "terraform_environment.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace configuration_test {

using namespace xc::input::terraform;
namespace fs = std::filesystem;

const fs::path fixtures = fs::path(XC_SOURCE_DIR) / "tests/input/terraform/fixtures";

const ResourceInstance& instance(const Configuration& c, const std::string& address) {
    for (const auto& i : c.instances)
        if (i.address == address) return i;
    throw std::runtime_error("no instance " + address);
}

std::size_t position(const Configuration& c, const std::string& address) {
    for (std::size_t n = 0; n < c.instances.size(); ++n)
        if (c.instances[n].address == address) return n;
    throw std::runtime_error("no instance " + address);
}

const Value& attr(const Value& object, const std::string& name) { return object.attributes().at(name); }

std::vector<std::string> addresses(const Configuration& c) {
    std::vector<std::string> out;
    for (const auto& i : c.instances) out.push_back(i.address);
    return out;
}

// A module directory written for one test: {file name -> text}.
fs::path write_module(xc::test::TempDir& tmp, const std::string& sub, const std::map<std::string, std::string>& files) {
    const fs::path dir = tmp.path() / sub;
    fs::create_directories(dir);
    for (const auto& [name, text] : files) {
        fs::create_directories((dir / name).parent_path());
        std::ofstream(dir / name) << text;
    }
    return dir;
}

// The first diagnostic of loading `dir`, "file:line:col: message"; fails if loading succeeds.
std::string load_error(const fs::path& dir, const LoadOptions& options = {}) {
    try {
        load_configuration(dir, options);
    } catch (const xc::InputError& e) {
        EXPECT_EQ(e.exit_code(), xc::exit_code::bad_input);
        const auto& d = e.diagnostics().at(0);
        return fs::path(d.file).filename().string() + ":" + std::to_string(d.position.line) + ":" + std::to_string(d.position.column) + ": " + d.message;
    }
    ADD_FAILURE() << "loading " << dir << " succeeded";
    return "";
}

class Expansion : public ::testing::Test {
protected:
    static void SetUpTestSuite() { config = new Configuration(load_configuration(fixtures / "expansion")); }
    static void TearDownTestSuite() { delete config; }
    static Configuration* config;
};
Configuration* Expansion::config = nullptr;

TEST_F(Expansion, InstancesAreAddressedAsTerraformAddressesThem) {
    auto all = addresses(*config);
    std::sort(all.begin(), all.end());
    const std::vector<std::string> expected{
        "aws_security_group.dynamic",
        "aws_sqs_queue.named[\"a\"]",
        "aws_sqs_queue.named[\"b\"]",
        "aws_sqs_queue.named[\"c\"]",
        "aws_subnet.counted[0]",
        "aws_subnet.counted[1]",
        "aws_vpc.main",
        "data.aws_caller_identity.me",
        "data.aws_region.east",
        "module.plain.aws_lb_target_group.this",
        "module.plain.data.aws_region.current",
        "module.svc[\"api\"].aws_lb_target_group.this",
        "module.svc[\"api\"].data.aws_region.current",
        "module.svc[\"web\"].aws_lb_target_group.this",
        "module.svc[\"web\"].data.aws_region.current",
    };
    EXPECT_EQ(all, expected);
}

TEST_F(Expansion, ForEachIteratesInTerraformsOrderAndSetsDropDuplicates) {
    // A set of strings iterates lexically (the variable's default lists "b", "a", "c", "a").
    EXPECT_LT(position(*config, "aws_sqs_queue.named[\"a\"]"), position(*config, "aws_sqs_queue.named[\"b\"]"));
    EXPECT_LT(position(*config, "aws_sqs_queue.named[\"b\"]"), position(*config, "aws_sqs_queue.named[\"c\"]"));
    EXPECT_EQ(display(attr(instance(*config, "aws_sqs_queue.named[\"b\"]").attributes, "name")), "\"app-eu-west-1-b\"");
    // A map iterates by key: api before web, though tfvars lists web first.
    EXPECT_LT(position(*config, "module.svc[\"api\"].aws_lb_target_group.this"), position(*config, "module.svc[\"web\"].aws_lb_target_group.this"));
    EXPECT_EQ(display(instance(*config, "aws_sqs_queue.named[\"c\"]").key), "\"c\"");
    EXPECT_TRUE(instance(*config, "module.svc[\"web\"].aws_lb_target_group.this").key.is_null());  // the module instance has the key
    EXPECT_EQ(instance(*config, "module.svc[\"web\"].aws_lb_target_group.this").module, "module.svc[\"web\"]");
}

TEST_F(Expansion, CountIndexAndKnownAttributesOfOtherResources) {
    const auto& s1 = instance(*config, "aws_subnet.counted[1]");
    EXPECT_EQ(display(s1.key), "1");
    EXPECT_EQ(display(attr(s1.attributes, "cidr_block")), "\"10.0.1.0/24\"");  // cidrsubnet of aws_vpc.main's configured block
    // A whole instance (here through a splat) is unknown, naming the instance: without the
    // provider's schema xc cannot list the attributes it will have (README: Limits). Its
    // attributes are then unknown too, each exactly the instance's attribute.
    const Value& cidrs = config->outputs.at("subnet_cidrs");
    ASSERT_EQ(cidrs.elements().size(), 2u);
    EXPECT_EQ(cidrs.elements()[1].origins(), std::vector<std::string>{"aws_subnet.counted[1].cidr_block"});
    EXPECT_TRUE(cidrs.elements()[1].exact());
}

TEST_F(Expansion, AttributesKnownOnlyAfterApplyAreUnknownsNamingTheirOrigin) {
    const Value& vpc_id = attr(instance(*config, "aws_subnet.counted[0]").attributes, "vpc_id");
    ASSERT_FALSE(vpc_id.is_known());
    EXPECT_EQ(vpc_id.origins(), std::vector<std::string>{"aws_vpc.main.id"});
    // Through a module's variable and output, with the module's address.
    const Value& tg_vpc = attr(instance(*config, "module.svc[\"api\"].aws_lb_target_group.this").attributes, "vpc_id");
    EXPECT_EQ(tg_vpc.unknown_origins(), std::vector<std::string>{"aws_vpc.main.id"});
    const Value& arn = config->outputs.at("plain_arn");
    EXPECT_EQ(arn.unknown_origins(), std::vector<std::string>{"module.plain.aws_lb_target_group.this.arn"});
}

TEST_F(Expansion, DynamicBlocksExpandWithTheirIterator) {
    const Value& sg = instance(*config, "aws_security_group.dynamic").attributes;
    const Value& ingress = attr(sg, "ingress");
    ASSERT_EQ(ingress.elements().size(), 2u);
    EXPECT_EQ(display(attr(ingress.elements()[0], "description")), "\"api\"");
    EXPECT_EQ(display(attr(ingress.elements()[0], "from_port")), "8443");
    EXPECT_EQ(display(attr(ingress.elements()[1], "cidr_blocks")), "[\"10.0.0.0/16\"]");
    const Value& egress = attr(sg, "egress");
    ASSERT_EQ(egress.elements().size(), 2u);
    EXPECT_EQ(display(attr(egress.elements()[1], "description")), "\"rule 1\"");
    EXPECT_EQ(display(attr(egress.elements()[1], "from_port")), "80");
}

TEST_F(Expansion, ProvidersPlaceEachInstanceInItsAccountAndRegion) {
    const auto& vpc = instance(*config, "aws_vpc.main").placement;
    EXPECT_EQ(vpc.account, "111111111111");  // the only allowed account
    EXPECT_EQ(vpc.region, "eu-west-1");       // from a variable's default
    EXPECT_EQ(vpc.provider, "provider.aws");
    const auto& svc = instance(*config, "module.svc[\"web\"].aws_lb_target_group.this").placement;
    EXPECT_EQ(svc.account, "222222222222");  // the assumed role's account, passed as providers = { aws = aws.east }
    EXPECT_EQ(svc.region, "us-east-1");
    EXPECT_EQ(svc.provider, "provider.aws.east");
    const auto& plain = instance(*config, "module.plain.aws_lb_target_group.this").placement;
    EXPECT_EQ(plain.account, "111111111111");  // the default configuration, inherited
    EXPECT_EQ(instance(*config, "data.aws_region.east").placement.region, "us-east-1");
}

TEST_F(Expansion, DataSourcesThatRestateTheProviderAreComputed) {
    EXPECT_EQ(display(attr(instance(*config, "data.aws_caller_identity.me").attributes, "account_id")), "\"111111111111\"");
    EXPECT_EQ(display(attr(instance(*config, "data.aws_region.east").attributes, "name")), "\"us-east-1\"");
    EXPECT_EQ(display(config->outputs.at("svc_urls")), "{\"api\" = \"https://api.us-east-1:8443\", \"web\" = \"https://web.us-east-1:443\"}");
}

TEST_F(Expansion, PathModuleIsTheModulesDirectoryRelativeToTheRoot) {
    const Value& tags = attr(instance(*config, "module.plain.aws_lb_target_group.this").attributes, "tags");
    EXPECT_EQ(display(attr(tags, "Module")), "\"modules/service\"");
}

TEST_F(Expansion, InstancesComeInDependencyOrderAndListWhatTheyReferTo) {
    EXPECT_LT(position(*config, "aws_vpc.main"), position(*config, "aws_subnet.counted[0]"));
    EXPECT_LT(position(*config, "aws_vpc.main"), position(*config, "module.svc[\"api\"].aws_lb_target_group.this"));
    EXPECT_EQ(instance(*config, "aws_subnet.counted[0]").depends_on, std::vector<std::string>{"aws_vpc.main"});
    // Through the module's variable.
    EXPECT_EQ(instance(*config, "module.svc[\"api\"].aws_lb_target_group.this").depends_on, std::vector<std::string>{"aws_vpc.main"});
    EXPECT_TRUE(instance(*config, "aws_vpc.main").depends_on.empty());
}

TEST_F(Expansion, InstancesKnowWhereTheyAreWritten) {
    const auto& tg = instance(*config, "module.svc[\"api\"].aws_lb_target_group.this");
    EXPECT_EQ(fs::path(std::string(tg.block->range.file)).filename(), "main.tf");
    EXPECT_NE(std::string(tg.block->range.file).find("modules/service"), std::string::npos);
    EXPECT_EQ(tg.block->range.start.line, 13u);
    EXPECT_EQ(tg.argument_range("port").start.line, 15u);
}

TEST(ConfigurationModules, CountedAndNestedModuleInstancesAreAddressedAndReferenced) {
    xc::test::TempDir tmp;
    auto dir = write_module(tmp, "root", {
        {"main.tf", "module \"a\" {\n  source = \"./a\"\n  count  = 2\n  n      = count.index\n}\n"
                    "output \"second\" {\n  value = module.a[1].name\n}\noutput \"all\" {\n  value = module.a[*].name\n}\n"},
        {"a/main.tf", "variable \"n\" {\n  type = number\n}\nmodule \"b\" {\n  source = \"../b\"\n  label = \"a${var.n}\"\n}\n"
                      "output \"name\" {\n  value = module.b.queue\n}\n"},
        {"b/main.tf", "variable \"label\" {\n  type = string\n}\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"q-${var.label}-${path.module}\"\n}\n"
                      "output \"queue\" {\n  value = aws_sqs_queue.q.name\n}\n"},
    });
    const Configuration c = load_configuration(dir);
    EXPECT_EQ(addresses(c), (std::vector<std::string>{"module.a[0].module.b.aws_sqs_queue.q", "module.a[1].module.b.aws_sqs_queue.q"}));
    EXPECT_EQ(display(c.outputs.at("second")), "\"q-a1-b\"");  // path.module of ./a's ../b is "b"
    EXPECT_EQ(display(c.outputs.at("all")), "[\"q-a0-b\", \"q-a1-b\"]");
    EXPECT_EQ(instance(c, "module.a[1].module.b.aws_sqs_queue.q").module, "module.a[1].module.b");
}

// ---- variables ----------------------------------------------------------------------------------

Value all_variables_in(const fs::path& dir, const LoadOptions& options) { return load_configuration(dir, options).outputs.at("all"); }
Value all_variables(const LoadOptions& options) { return all_variables_in(fixtures / "variables", options); }

TEST(ConfigurationVariables, LaterSourcesWinInTerraformsOrder) {
    LoadOptions o;
    o.environment = {{"a", "env"}, {"e", "env"}};
    const Value all = all_variables(o);
    EXPECT_EQ(display(attr(all, "a")), "\"tfvars\"");       // terraform.tfvars over the environment
    EXPECT_EQ(display(attr(all, "b")), "\"b.auto\"");       // .tfvars < .tfvars.json < a.auto.tfvars.json < b.auto.tfvars
    EXPECT_EQ(display(attr(all, "c")), "\"b.auto\"");
    EXPECT_EQ(display(attr(all, "d")), "\"tfvars.json\"");
    EXPECT_EQ(display(attr(all, "e")), "\"env\"");          // the environment over the default
    EXPECT_EQ(display(attr(all, "strict")), "\"fallback\"");  // null for a non-nullable variable: its default
}

TEST(ConfigurationVariables, CommandLineOptionsApplyInTheOrderGiven) {
    LoadOptions o;
    const fs::path extra = fixtures / "variables/extra.tfvars";
    o.variables = {{VariableArgument::Kind::file, extra.string()}, {VariableArgument::Kind::value, "e=cli"}};
    EXPECT_EQ(display(attr(all_variables(o), "e")), "\"cli\"");
    o.variables = {{VariableArgument::Kind::value, "e=cli"}, {VariableArgument::Kind::file, extra.string()}};
    EXPECT_EQ(display(attr(all_variables(o), "e")), "\"extra\"");
}

TEST(ConfigurationVariables, CommandLineTextIsLiteralForPrimitiveTypesAndHclOtherwise) {
    LoadOptions o;
    o.variables = {{VariableArgument::Kind::value, "n=5"}, {VariableArgument::Kind::value, "list=[\"x\", \"y\"]"}, {VariableArgument::Kind::value, "untyped=[1]"}};
    const Value all = all_variables(o);
    EXPECT_EQ(display(attr(all, "n")), "5");
    EXPECT_EQ(display(attr(all, "list")), "tolist([\"x\", \"y\"])");
    EXPECT_EQ(display(attr(all, "untyped")), "\"[1]\"");
}

TEST(ConfigurationVariables, BadValuesAreLocatedErrors) {
    LoadOptions o;
    o.variables = {{VariableArgument::Kind::value, "nope=1"}};
    EXPECT_THROW(all_variables(o), xc::InputError);
    o.variables = {{VariableArgument::Kind::value, "n=five"}};
    EXPECT_NE(load_error(fixtures / "variables", o).find("Invalid value for input variable"), std::string::npos);
    o.variables = {{VariableArgument::Kind::value, "missing-equals"}};
    EXPECT_THROW(all_variables(o), xc::InputError);
}

// Terraform itself on the same fixture and options: `terraform console` reads variables as plan
// does (no init needed: the fixture has no providers or modules).
TEST(ConfigurationVariables, AgreeWithTerraformConsole) {
    if (xc::test::run("command -v terraform").exit_code != 0) {
        ADD_FAILURE() << "terraform is not on PATH: this test needs Terraform 1.11.4 (`terraform console`)";
        return;
    }
    xc::test::TempDir tmp;
    const fs::path dir = tmp / "variables";
    fs::copy(fixtures / "variables", dir);
    // The console shows no outputs: the same object as the fixture's output, as a local.
    std::ofstream(dir / "console.tf") << "locals {\n  all = {\n    a = var.a, b = var.b, c = var.c, d = var.d, e = var.e, n = var.n, list = var.list, untyped = var.untyped, strict = var.strict\n  }\n}\n";
    using K = VariableArgument::Kind;
    const std::vector<std::pair<std::map<std::string, std::string>, std::vector<VariableArgument>>> cases{
        {{}, {}},
        {{{"a", "env"}, {"e", "env"}, {"list", "[\"e\"]"}}, {}},
        {{}, {{K::file, "extra.tfvars"}, {K::value, "e=cli"}, {K::value, "n=5"}}},
        {{}, {{K::value, "e=cli"}, {K::file, "extra.tfvars"}, {K::value, "list=[\"x\", \"y\"]"}, {K::value, "untyped=[1]"}}},
        {{{"n", "7"}, {"untyped", "{a = 1}"}}, {{K::value, "b=x=y"}}},
    };
    for (const auto& [environment, arguments] : cases) {
        std::string env, flags;
        for (const auto& [k, v] : environment) env += "TF_VAR_" + k + "=" + xc::test::quote(v) + " ";
        for (const auto& a : arguments) flags += std::string(a.kind == K::file ? " -var-file=" : " -var=") + xc::test::quote(a.text);
        auto r = xc::test::run("cd " + xc::test::quote(dir.string()) + " && echo 'jsonencode(local.all)' | " + env + "terraform console -no-color" + flags);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        std::string line = r.out;
        while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
        line = line.substr(line.rfind('\n') + 1);
        LoadOptions o;
        o.environment = environment;
        o.variables = arguments;
        for (auto& a : o.variables)
            if (a.kind == K::file) a.text = (dir / a.text).string();
        std::string mine;
        xc::input::terraform::detail::json_encode(mine, all_variables_in(dir, o));
        EXPECT_EQ(line, display(Value::string(mine))) << flags;
    }
}

// Every fixture is valid Terraform: `terraform validate` (AWS provider from the machine's mirror).
TEST(ConfigurationFixtures, TerraformValidatesThem) {
    const xc::test::TerraformEnvironment terraform;
    terraform.require();
    xc::test::TempDir tmp;
    for (const std::string root : {"expansion", "variables", "policy_document", "seed/consumer", "seed/microservices"}) {
        SCOPED_TRACE(root);
        const fs::path dir = tmp / root;
        fs::create_directories(dir.parent_path());
        fs::copy(fixtures / root, dir, fs::copy_options::recursive);
        auto init = terraform(dir, "init -backend=false -input=false");
        ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
        auto validate = terraform(dir, "validate");
        EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
        EXPECT_NE(validate.out.find("Success! The configuration is valid"), std::string::npos) << validate.out;
    }
}

// ---- bad configurations -------------------------------------------------------------------------

TEST(ConfigurationErrors, ACycleIsLocatedAndNamesItsChain) {
    xc::test::TempDir tmp;
    auto dir = write_module(tmp, "root", {{"main.tf", "locals {\n  a = local.b\n  b = \"${local.c}x\"\n  c = local.a\n}\n"}});
    const std::string e = load_error(dir);
    EXPECT_NE(e.find("main.tf:"), std::string::npos) << e;
    EXPECT_NE(e.find("Cycle: local.a -> local.b -> local.c -> local.a"), std::string::npos) << e;
}

TEST(ConfigurationErrors, ResourcesReferringToEachOtherAreACycle) {
    xc::test::TempDir tmp;
    auto dir = write_module(tmp, "root", {{"main.tf", "resource \"aws_vpc\" \"a\" {\n  cidr_block = aws_vpc.b.cidr_block\n}\n"
                                                      "resource \"aws_vpc\" \"b\" {\n  cidr_block = aws_vpc.a.cidr_block\n}\n"}});
    const std::string e = load_error(dir);
    EXPECT_EQ(e.substr(0, 13), "main.tf:5:16:") << e;  // the reference that closes the cycle
    EXPECT_NE(e.find("Cycle: aws_vpc.a -> aws_vpc.b -> aws_vpc.a"), std::string::npos) << e;
}

TEST(ConfigurationErrors, ModuleSourcesOtherThanLocalPathsAreRefusedByName) {
    xc::test::TempDir tmp;
    auto dir = write_module(tmp, "root", {{"main.tf", "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.0.0\"\n}\n"}});
    const std::string e = load_error(dir);
    EXPECT_EQ(e.substr(0, 13), "main.tf:2:13:") << e;
    EXPECT_NE(e.find("Unsupported module source \"terraform-aws-modules/vpc/aws\""), std::string::npos) << e;
}

TEST(ConfigurationErrors, UndeclaredNamesAndMissingValues) {
    xc::test::TempDir tmp;
    EXPECT_EQ(load_error(write_module(tmp, "a", {{"main.tf", "output \"x\" {\n  value = var.nope\n}\n"}})).substr(0, 13), "main.tf:2:11:");
    EXPECT_NE(load_error(write_module(tmp, "b", {{"main.tf", "output \"x\" {\n  value = aws_vpc.nope.id\n}\n"}})).find("Reference to undeclared resource"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "c", {{"main.tf", "variable \"x\" {\n  type = string\n}\n"}})).find("No value for required variable"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "d", {{"main.tf", "module \"m\" {\n  source = \"./m\"\n  extra = 1\n}\n"}, {"m/main.tf", "output \"o\" {\n  value = 1\n}\n"}}))
                  .find("Unsupported argument: an argument named \"extra\""),
              std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "e", {{"main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"}, {"m/main.tf", "variable \"v\" {}\n"}})).find("Missing required argument"),
              std::string::npos);
}

TEST(ConfigurationErrors, ExpansionNeedsKnownSuitableValues) {
    xc::test::TempDir tmp;
    const std::string unknown = load_error(write_module(tmp, "a", {{"main.tf", "resource \"aws_vpc\" \"v\" {}\nresource \"aws_subnet\" \"s\" {\n  for_each = toset([aws_vpc.v.id])\n}\n"}}));
    EXPECT_EQ(unknown.substr(0, 13), "main.tf:3:14:") << unknown;
    EXPECT_NE(unknown.find("aws_vpc.v.id"), std::string::npos) << unknown;
    EXPECT_NE(load_error(write_module(tmp, "b", {{"main.tf", "resource \"aws_vpc\" \"v\" {\n  for_each = [\"a\"]\n}\n"}})).find("must be a map, or set of strings"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "c", {{"main.tf", "resource \"aws_vpc\" \"v\" {\n  count = -1\n}\n"}})).find("greater than or equal to zero"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "d", {{"main.tf", "resource \"aws_vpc\" \"v\" {\n  count = 1\n  for_each = {}\n}\n"}})).find("mutually-exclusive"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "e", {{"main.tf", "resource \"aws_vpc\" \"v\" {\n  count = 2\n}\noutput \"o\" {\n  value = aws_vpc.v[2].id\n}\n"}})).find("Invalid index"),
              std::string::npos);
}

TEST(ConfigurationErrors, FilesXcDoesNotReadAreRefusedNotSkipped) {
    xc::test::TempDir tmp;
    EXPECT_NE(load_error(write_module(tmp, "a", {{"main.tf", "\n"}, {"main_override.tf", "\n"}})).find("override files are not read"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "b", {{"main.tf.json", "{}"}})).find(".tf.json"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "c", {{"main.tf", "resource \"aws_vpc\" {\n}\n"}})).find("label"), std::string::npos);
    EXPECT_NE(load_error(write_module(tmp, "d", {{"a.tf", "locals {\n  x = 1\n}\n"}, {"b.tf", "locals {\n  x = 2\n}\n"}})).find("Duplicate local value \"x\""), std::string::npos);
    EXPECT_EQ(load_error(write_module(tmp, "e", {{"main.tf", "locals {\n  x = \n}\n"}})).substr(0, 8), "main.tf:");
}

// ---- providers ----------------------------------------------------------------------------------

TEST(ConfigurationProviders, TheCodeDecidesTheAccountElseTheOptionElseItIsUnknown) {
    xc::test::TempDir tmp;
    const std::string code =
        "variable \"role\" {\n  type    = string\n  default = null\n}\n"
        "provider \"aws\" {\n  dynamic \"assume_role\" {\n    for_each = var.role == null ? [] : [var.role]\n    content {\n      role_arn = assume_role.value\n    }\n  }\n}\n"
        "resource \"aws_vpc\" \"v\" {}\n";
    auto dir = write_module(tmp, "a", {{"main.tf", code}});
    auto placement = [&](const LoadOptions& o) { return load_configuration(dir, o).instances.at(0).placement; };
    LoadOptions o;
    EXPECT_EQ(placement(o).account, "");
    EXPECT_EQ(placement(o).region, "");
    EXPECT_NE(placement(o).account_from.find("no --account"), std::string::npos);
    o.placement = {"333333333333", "eu-north-1"};
    EXPECT_EQ(placement(o).account, "333333333333");
    EXPECT_EQ(placement(o).region, "eu-north-1");
    o.variables = {{VariableArgument::Kind::value, "role=arn:aws:iam::444444444444:role/deploy"}};
    EXPECT_EQ(placement(o).account, "444444444444");  // the code says: the option does not override it
    EXPECT_EQ(placement(o).account_from, "assume_role.role_arn");
}

TEST(ConfigurationProviders, AnAccountOutsideAllowedAccountIdsIsRefused) {
    xc::test::TempDir tmp;
    auto dir = write_module(tmp, "a", {{"main.tf", "provider \"aws\" {\n  allowed_account_ids = [\"111111111111\"]\n  assume_role {\n    role_arn = \"arn:aws:iam::222222222222:role/x\"\n  }\n}\n"
                                                   "resource \"aws_vpc\" \"v\" {}\n"}});
    EXPECT_NE(load_error(dir).find("not in allowed_account_ids"), std::string::npos);
}

TEST(ConfigurationProviders, AliasedConfigurationsAreNotInheritedImplicitly) {
    xc::test::TempDir tmp;
    auto dir = write_module(tmp, "a", {{"main.tf", "provider \"aws\" {\n  alias  = \"east\"\n  region = \"us-east-1\"\n}\nmodule \"m\" {\n  source = \"./m\"\n}\n"},
                                       {"m/main.tf", "resource \"aws_vpc\" \"v\" {\n  provider = aws.east\n}\n"}});
    EXPECT_NE(load_error(dir).find("Provider configuration not present"), std::string::npos);
}

TEST(ConfigurationUnknowns, UnsetDataSourceAttributesAndJsonencodedDocumentsKeepTheirStructure) {
    xc::test::TempDir tmp;
    auto dir = write_module(tmp, "a", {{"main.tf",
                                        "data \"aws_secretsmanager_secret_version\" \"s\" {\n  secret_id = \"arn:aws:secretsmanager:eu-west-1:111111111111:secret:x\"\n}\n"
                                        "resource \"aws_api_gateway_rest_api_policy\" \"p\" {\n  rest_api_id = \"abc\"\n  policy = jsonencode({\n    Statement = [{ Condition = { StringEquals = { \"aws:SourceVpce\" = data.aws_secretsmanager_secret_version.s.secret_string } } }]\n  })\n}\n"}});
    const Configuration c = load_configuration(dir);
    const auto& p = instance(c, "aws_api_gateway_rest_api_policy.p");
    EXPECT_FALSE(attr(p.attributes, "policy").is_known());
    ASSERT_EQ(p.encoded.count("policy"), 1u);
    const Value& statement = attr(p.encoded.at("policy"), "Statement").elements().at(0);
    const Value& vpce = attr(attr(attr(statement, "Condition"), "StringEquals"), "aws:SourceVpce");
    EXPECT_EQ(vpce.origins(), std::vector<std::string>{"data.aws_secretsmanager_secret_version.s.secret_string"});
    EXPECT_EQ(display(attr(instance(c, "data.aws_secretsmanager_secret_version.s").attributes, "secret_id")),
              "\"arn:aws:secretsmanager:eu-west-1:111111111111:secret:x\"");
}

// ---- aws_iam_policy_document ------------------------------------------------------------------

TEST(ConfigurationPolicyDocument, RenderedWithMergingPrincipalsConditionsAndPolicyVariables) {
    const Configuration c = load_configuration(fixtures / "policy_document");
    const auto& merged = instance(c, "data.aws_iam_policy_document.merged");
    ASSERT_EQ(merged.encoded.count("json"), 1u);
    const Value& doc = merged.encoded.at("json");
    EXPECT_EQ(display(attr(doc, "Version")), "\"2012-10-17\"");
    EXPECT_EQ(display(attr(doc, "Id")), "\"merged\"");
    const auto& statements = attr(doc, "Statement").elements();
    ASSERT_EQ(statements.size(), 3u);
    // The source's statements first; the override replaces "Replaced" where it stood.
    EXPECT_EQ(display(attr(statements[0], "Sid")), "\"Read\"");
    EXPECT_EQ(display(attr(statements[0], "Principal")), "{\"AWS\" = [\"arn:aws:iam::111111111111:root\"]}");
    EXPECT_EQ(display(statements[1]), "{\"Action\" = \"sqs:SendMessage\", \"Effect\" = \"Allow\", \"Resource\" = \"*\", \"Sid\" = \"Replaced\"}");
    // This document's own statement: principals of one type together, &{...} as ${...}, the
    // queue's ARN unknown and named.
    const Value& own = statements[2];
    EXPECT_EQ(display(attr(own, "Effect")), "\"Allow\"");
    EXPECT_EQ(display(attr(own, "Principal")), "{\"AWS\" = [\"arn:aws:iam::222222222222:root\", \"arn:aws:iam::333333333333:root\"]}");
    const Value& resources = attr(own, "Resource");
    ASSERT_EQ(resources.elements().size(), 2u);
    EXPECT_EQ(resources.elements()[0].unknown_origins(), std::vector<std::string>{"aws_sqs_queue.q.arn"});
    EXPECT_EQ(display(resources.elements()[1]), "\"arn:aws:sqs:eu-west-1:111111111111:home-${aws:username}\"");
    EXPECT_EQ(display(attr(own, "Condition")), "{\"StringEquals\" = {\"aws:SourceVpce\" = [\"vpce-1234567890abcdef0\"]}}");
    // The anonymous principal.
    const auto& base = instance(c, "data.aws_iam_policy_document.base").encoded.at("json");
    EXPECT_EQ(display(attr(attr(base, "Statement").elements()[1], "Principal")), "\"*\"");
    // The text is the provider's: unknown, naming the data source, wherever it is used.
    EXPECT_EQ(attr(instance(c, "aws_sqs_queue_policy.p").attributes, "policy").unknown_origins(),
              std::vector<std::string>{"data.aws_iam_policy_document.merged.json"});
}

TEST(ConfigurationPolicyDocument, WhatTheProviderMergesInWaysXcDoesNotIsNotGuessed) {
    const Configuration c = load_configuration(fixtures / "policy_document");
    EXPECT_EQ(instance(c, "data.aws_iam_policy_document.repeated_condition").encoded.count("json"), 0u);
    const Value doc = policy_document(Value::object({{"statement", Value::tuple({Value::object({{"sid", Value::string("A")}}), Value::object({{"sid", Value::string("A")}})})}}));
    EXPECT_FALSE(doc.is_known());
    const Value unknown_source = policy_document(Value::object({{"source_policy_documents", Value::tuple({Value::unknown(Type::string(), "data.x.y.json")})}}));
    EXPECT_EQ(unknown_source.origins(), std::vector<std::string>{"data.x.y.json"});
}

// ---- the reference deployment's shape: two roots, a module per service, the secret link --------

std::vector<std::string> policy_vpce_origins(const ResourceInstance& policy) {
    const Value& statement = attr(policy.encoded.at("policy"), "Statement").elements().at(0);
    return attr(attr(attr(statement, "Condition"), "StringEquals"), "aws:sourceVpce").unknown_origins();
}

TEST(ConfigurationSeedShape, EachServiceAdmitsTheConsumersEndpointThroughTheSecret) {
    LoadOptions services;
    services.placement.account = "222222222222";  // the services root's provider does not say
    const std::vector<RootInput> roots{{"consumer", fixtures / "seed/consumer", {}}, {"microservices", fixtures / "seed/microservices", services}};
    const auto configs = load_roots(roots);
    const Configuration& consumer = configs[0];
    const Configuration& ms = configs[1];
    EXPECT_EQ(instance(consumer, "aws_secretsmanager_secret.endpoint_id").placement.account, "111111111111");
    EXPECT_EQ(instance(consumer, "aws_secretsmanager_secret.endpoint_id").placement.region, "eu-central-1");
    const std::vector<std::string> endpoint{"[consumer] aws_vpc_endpoint.execute_api.id"};
    for (const std::string service : {"beverage", "food"}) {
        SCOPED_TRACE(service);
        const std::string module = "module.microservice[\"" + service + "\"]";
        const auto& api = instance(ms, module + ".aws_api_gateway_rest_api.this");
        EXPECT_EQ(api.placement.account, "222222222222");
        EXPECT_EQ(api.placement.account_from, "option");
        const auto& policy = instance(ms, module + ".aws_api_gateway_rest_api_policy.this");
        EXPECT_EQ(policy_vpce_origins(policy), endpoint);
        const Value& ids = attr(attr(api.attributes, "endpoint_configuration").elements().at(0), "vpc_endpoint_ids");
        EXPECT_EQ(ids.unknown_origins(), endpoint);
        // The rest of the policy names where it comes from.
        const Value& resource = attr(attr(policy.encoded.at("policy"), "Statement").elements().at(0), "Resource");
        EXPECT_EQ(resource.unknown_origins(), std::vector<std::string>{module + ".aws_api_gateway_rest_api.this.execution_arn"});
        // The Swagger body (templatefile) holds the functions' invoke ARNs: unknown until apply.
        const auto body = attr(api.attributes, "body").unknown_origins();
        EXPECT_NE(std::find(body.begin(), body.end(), module + ".aws_lambda_function.handler[\"post-order\"].invoke_arn"), body.end());
        EXPECT_EQ(display(attr(instance(ms, module + ".aws_lambda_function.handler[\"get-orders\"]").attributes, "function_name")),
                  "\"cross-account-microservices-" + service + "-get-orders\"");
    }
    // Read alone, the services root cannot know the endpoint: the data source's unknown.
    const Configuration alone = load_configuration(fixtures / "seed/microservices", services);
    EXPECT_EQ(policy_vpce_origins(instance(alone, "module.microservice[\"food\"].aws_api_gateway_rest_api_policy.this")),
              std::vector<std::string>{"module.microservice[\"food\"].data.aws_secretsmanager_secret_version.endpoint_id.secret_string"});
}

TEST(ConfigurationSeedShape, ASecretReadByArnLinksWhereTheReadersAccountIsUnknown) {
    // The secret is read by ARN, but a root whose account nobody states still reads it: the ARN
    // names the consumer's account and region (the services' own account does not matter).
    const auto configs = load_roots({{"consumer", fixtures / "seed/consumer", {}}, {"microservices", fixtures / "seed/microservices", {}}});
    EXPECT_EQ(policy_vpce_origins(instance(configs[1], "module.microservice[\"food\"].aws_api_gateway_rest_api_policy.this")),
              std::vector<std::string>{"[consumer] aws_vpc_endpoint.execute_api.id"});
    EXPECT_EQ(instance(configs[1], "module.microservice[\"food\"].aws_api_gateway_rest_api.this").placement.account, "");
}

}  // namespace configuration_test
