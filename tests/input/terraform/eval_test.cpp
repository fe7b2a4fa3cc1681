// Unit tests of the Terraform evaluator: values (numbers, order, equality, unknowns, marks),
// type constraints and conversion, functions, and expression evaluation with a Scope.
#include "eval_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <random>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace eval_test {

using namespace xc::test::terraform;
namespace hcl = xc::input::hcl;

std::string json(const std::string& expr, Scope scope = {}) { return json_or_marker(eval_text(expr, std::move(scope))); }

// ---- value.hpp ---------------------------------------------------------------------------------

TEST(TerraformNumber, PrintsAsTerraformDoes) {
    EXPECT_EQ(json("0.1 + 0.2"), "0.3");
    EXPECT_EQ(json("9223372036854775807 + 1"), "9223372036854775808");
    EXPECT_EQ(json("9223372036854775808 * 4"), "36893488147419103232");
    EXPECT_EQ(json("10 / 4"), "2.5");
    EXPECT_EQ(json("1e-7"), "0.0000001");
    EXPECT_EQ(json("-7 % 3"), "-1");
    EXPECT_EQ(json("7.5 % 2"), "1.5");
    // 512-bit binary: 1/3 has 157 significant digits, as `terraform console` prints it.
    EXPECT_EQ(json("1/3"), "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335");
    // An integer from a function has 64-bit precision (cty's NumberIntVal), and so has the
    // quotient of two such: Terraform prints 0.33333333333333333334.
    EXPECT_EQ(json("length(\"a\") / length(\"abc\")"), "0.33333333333333333334");
    EXPECT_EQ(json("-0"), "-0");
    // xc's range (README: Limits): beyond it, a located error rather than a gigabyte of digits.
    EXPECT_EQ(json("1e300000 > 1"), "true");
    auto o = eval_text("1e300000 * 1e300000");
    ASSERT_EQ(o.kind, Outcome::Kind::Error);
    EXPECT_NE(o.error.find("Number out of range"), std::string::npos) << o.error;
    EXPECT_EQ(eval_text("1e999999999").kind, Outcome::Kind::Error);
}

TEST(TerraformValue, SetsAndMapsIterateInTerraformsOrder) {
    EXPECT_EQ(json("toset([3, 1, 2, 10])"), "[1,2,3,10]");
    EXPECT_EQ(json("toset([\"b\", \"a\", \"B\", \"a\"])"), "[\"B\",\"a\",\"b\"]");
    EXPECT_EQ(json("toset([true, false])"), "[false,true]");
    EXPECT_EQ(json("{b = 1, a = 2}"), "{\"a\":2,\"b\":1}");
    EXPECT_EQ(json("[for k, v in {z = 1, a = 2} : k]"), "[\"a\",\"z\"]");
}

TEST(TerraformValue, EqualityDoesNotConvert) {
    EXPECT_EQ(json("1 == \"1\""), "false");
    EXPECT_EQ(json("[1, \"a\"] == [1, \"a\"]"), "true");
    EXPECT_EQ(json("tolist([1]) == [1]"), "false");
    EXPECT_EQ(json("null == null"), "true");
}

// A resolver with one known variable and one resource whose attributes are unknown.
Scope test_scope() {
    Scope s;
    s.resolve = [](const Reference& r) {
        Resolution out;
        if (r.root == "var" && !r.keys.empty() && r.keys[0].name == "region") {
            out.value = Value::string("eu-west-1");
            out.consumed = 1;
        } else if (r.root == "var" && !r.keys.empty() && r.keys[0].name == "secret") {
            out.value = Value::string("hunter2").mark_sensitive();
            out.consumed = 1;
        } else if (r.root == "aws_api_gateway_rest_api" && r.keys.size() >= 2) {
            out.value = Value::unknown(Type::string(), "aws_api_gateway_rest_api." + r.keys[0].name + "." + r.keys[1].name);
            out.consumed = 2;
        } else {
            out.error = "Reference to undeclared resource";
        }
        return out;
    };
    return s;
}

TEST(TerraformEval, UnknownsRememberTheirOrigin) {
    auto o = eval_text("\"${aws_api_gateway_rest_api.this.execution_arn}/*/GET/${var.region}\"", test_scope());
    ASSERT_EQ(o.kind, Outcome::Kind::Unknown) << o.error;
    EXPECT_EQ(o.value.type(), Type::string());
    ASSERT_EQ(o.value.origins().size(), 1u);
    EXPECT_EQ(o.value.origins()[0], "aws_api_gateway_rest_api.this.execution_arn");
    // Through functions, and a known-length list with an unknown element.
    o = eval_text("upper(aws_api_gateway_rest_api.this.id)", test_scope());
    EXPECT_EQ(o.kind, Outcome::Kind::Unknown);
    EXPECT_EQ(o.value.unknown_origins().at(0), "aws_api_gateway_rest_api.this.id");
    EXPECT_EQ(json("length([aws_api_gateway_rest_api.this.id, 1])", test_scope()), "2");
    // && and || decide when one side is known and decisive.
    EXPECT_EQ(json("false && aws_api_gateway_rest_api.this.id == \"x\"", test_scope()), "false");
    EXPECT_EQ(json("aws_api_gateway_rest_api.this.id == \"x\" || true", test_scope()), "true");
    EXPECT_EQ(json("aws_api_gateway_rest_api.this.id == \"x\" && true", test_scope()), "XCUNKNOWN");
}

TEST(TerraformEval, SensitiveMarkPropagates) {
    auto o = eval_text("\"pw=${var.secret}\"", test_scope());
    ASSERT_EQ(o.kind, Outcome::Kind::Value);
    EXPECT_TRUE(o.value.sensitive());
    o = eval_text("nonsensitive(upper(var.secret))", test_scope());
    EXPECT_FALSE(o.value.deep_sensitive());
    EXPECT_EQ(o.value.as_string(), "HUNTER2");
}

TEST(TerraformEval, ErrorsAreLocatedAtTheOffendingExpression) {
    auto o = eval_text("[1, 2][var.nope]", test_scope());
    ASSERT_EQ(o.kind, Outcome::Kind::Error);
    EXPECT_NE(o.error.find("test.tf:1:12"), std::string::npos) << o.error;
    o = eval_text("{for x in [\"a\", \"a\"] : x => 1}");
    ASSERT_EQ(o.kind, Outcome::Kind::Error);
    EXPECT_NE(o.error.find("Duplicate object key"), std::string::npos) << o.error;
    o = eval_text("upper([1])");
    ASSERT_EQ(o.kind, Outcome::Kind::Error);
    EXPECT_NE(o.error.find("test.tf:1:11"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find("string required"), std::string::npos) << o.error;
    o = eval_text("nosuchfunction(1)");
    EXPECT_NE(o.error.find("There is no function named \"nosuchfunction\""), std::string::npos) << o.error;
}

TEST(TerraformEval, ForExpressionsSplatsAndConditionals) {
    EXPECT_EQ(json("{for x in [\"a\", \"b\", \"a\"] : x => x...}"), "{\"a\":[\"a\",\"a\"],\"b\":[\"b\"]}");
    EXPECT_EQ(json("[for i, x in [\"a\", \"b\"] : \"${i}${x}\" if x != \"a\"]"), "[\"1b\"]");
    EXPECT_EQ(json("[{a = 1}, {a = 2}][*].a"), "[1,2]");
    EXPECT_EQ(json("null[*]"), "[]");
    EXPECT_EQ(json("\"x\"[*]"), "[\"x\"]");
    EXPECT_EQ(json("[[1, 2]].0[1]"), "2");
    EXPECT_EQ(json("true ? 1 : \"a\""), "\"1\"");
    EXPECT_EQ(json("\"%{ for x in [1, 2] ~} ${x} %{~ endfor }\""), "\"12\"");
    EXPECT_EQ(json("\"%{if true}y%{else}n%{endif}\""), "\"y\"");
    EXPECT_EQ(json("max([3, 9, 2]...)"), "9");
}

// ---- convert.hpp -------------------------------------------------------------------------------

Constraint constraint(const std::string& text) {
    auto f = hcl::parse("type = " + text + "\n", "variables.tf");
    return parse_constraint(*f.body.attributes[0].value, [](const hcl::Expr& e) { return evaluate(e, Scope{}); });
}

TEST(TerraformConvert, ConstraintsConvertAndFillOptionalDefaults) {
    auto c = constraint("list(object({name = string, port = optional(number, 443), tags = optional(map(string))}))");
    auto v = eval_text("[{name = \"a\"}, {name = \"b\", port = \"80\", tags = {x = 1}}]").value;
    std::string s;
    xc::input::terraform::detail::json_encode(s, convert(v, c));
    EXPECT_EQ(s, "[{\"name\":\"a\",\"port\":443,\"tags\":null},{\"name\":\"b\",\"port\":80,\"tags\":{\"x\":\"1\"}}]");
    EXPECT_EQ(c.type().text(), "list(object({name=string, port=number, tags=map(string)}))");
}

TEST(TerraformConvert, ErrorsNameThePath) {
    auto c = constraint("object({a = list(number)})");
    auto v = eval_text("{a = [1, \"x\"]}").value;
    try {
        convert(v, c);
        FAIL() << "expected a conversion error";
    } catch (const ConversionError& e) {
        EXPECT_EQ(std::string(e.what()), "attribute \"a\": element 1: a number is required");
    }
    EXPECT_THROW(convert(eval_text("{}").value, c), ConversionError);
    EXPECT_THROW(constraint("strin"), xc::InputError);
    EXPECT_THROW(constraint("list(optional(string))"), xc::InputError);
}

TEST(TerraformConvert, UnificationAsTerraform) {
    EXPECT_EQ(json("tolist([1, \"a\", true])"), "[\"1\",\"a\",\"true\"]");
    EXPECT_EQ(json("tobool(\"1\")"), "true");
    EXPECT_EQ(json("tonumber(\"x\")"), "XCERR");
    EXPECT_EQ(json("tomap({a = 1, b = \"x\"})"), "{\"a\":\"1\",\"b\":\"x\"}");
}

// ---- functions.hpp ------------------------------------------------------------------------------

TEST(TerraformFunctions, UnsupportedFormsAreUnknownWithAReason) {
    auto o = eval_text("replace(\"abc\", \"/b+/\", \"x\")");
    ASSERT_EQ(o.kind, Outcome::Kind::Unknown);
    EXPECT_NE(o.value.origins().at(0).find("RE2"), std::string::npos);
    o = eval_text("yamldecode(\"a: 1\")");
    EXPECT_EQ(o.kind, Outcome::Kind::Unknown);
    o = eval_text("cidrsubnet(\"fd00::/8\", 8, 1)");
    EXPECT_EQ(o.kind, Outcome::Kind::Unknown);
    // Terraform's functions xc does not compute, and provider-defined ones: unknown, named;
    // their arguments are still evaluated.
    o = eval_text("\"id-${uuid()}\"");
    ASSERT_EQ(o.kind, Outcome::Kind::Unknown);
    EXPECT_EQ(o.value.origins().at(0), "xc: function uuid() is not evaluated by xc");
    EXPECT_EQ(eval_text("provider::aws::arn_parse(\"arn:aws:s3:::b\")").kind, Outcome::Kind::Unknown);
    EXPECT_EQ(eval_text("timestamp(1 + \"x\")").kind, Outcome::Kind::Error);
}

TEST(TerraformFunctions, FileAndTemplatefileReadRelativeToTheModule) {
    xc::test::TempDir dir;
    xc::test::write_file(dir / "policy.json.tftpl", "{\n%{ for s in services ~}\n  \"${s}\": ${jsonencode(port)},\n%{ endfor ~}\n}\n");
    xc::test::write_file(dir / "plain.txt", "hello\n");
    Scope scope;
    scope.base_dir = dir.path();
    EXPECT_EQ(json("file(\"plain.txt\")", scope), "\"hello\\n\"");
    EXPECT_EQ(json("templatefile(\"policy.json.tftpl\", {services = [\"a\", \"b\"], port = 443})", scope),
              "\"{\\n  \\\"a\\\": 443,\\n  \\\"b\\\": 443,\\n}\\n\"");
    auto o = eval_text("file(\"missing.txt\")", scope);
    ASSERT_EQ(o.kind, Outcome::Kind::Error);
    EXPECT_NE(o.error.find("test.tf:1:10"), std::string::npos) << o.error;
    // An error inside a template is located in the template file.
    xc::test::write_file(dir / "bad.tftpl", "line one\n${nope}\n");
    o = eval_text("templatefile(\"bad.tftpl\", {})", scope);
    ASSERT_EQ(o.kind, Outcome::Kind::Error);
    EXPECT_NE(o.error.find("bad.tftpl:2:3"), std::string::npos) << o.error;
}

TEST(TerraformFunctions, HashesAndEncodings) {
    EXPECT_EQ(json("sha256(\"abc\")"), "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
    EXPECT_EQ(json("md5(\"abc\")"), "\"900150983cd24fb0d6963f7d28e17f72\"");
    EXPECT_EQ(json("base64decode(base64encode(\"xc!\"))"), "\"xc!\"");
    EXPECT_EQ(json("jsondecode(\"{\\\"a\\\": [1.5, null, true]}\")"), "{\"a\":[1.5,null,true]}");
    EXPECT_EQ(json("cidrsubnet(\"10.0.0.0/16\", 8, 3)"), "\"10.0.3.0/24\"");
    EXPECT_EQ(json("cidrhost(\"10.0.3.0/24\", -2)"), "\"10.0.3.254\"");
}

}  // namespace eval_test

// ---- documented differences and explicit limits ------------------------------------------------
namespace eval_test {

// Terraform, Types and Values (developer.hashicorp.com/terraform/language/expressions/types):
// "set: a collection of unique values that do not have any secondary identifiers or ordering";
// tolist (…/functions/tolist): "Since set elements are not ordered, the resulting list will
// have an undefined order that will be consistent within a particular run of Terraform."
// Terraform iterates sets of strings lexically and of numbers numerically (xc does the same);
// a set of other elements follows cty's internal hash, which xc does not reproduce: xc orders
// them structurally — deterministic, documented, and tolerated by the differential test.
TEST(TerraformDocumentedDifference, SetOfStructuresIteratesInStructuralOrder) {
    EXPECT_EQ(json("toset([[2], [1], [10], [1, 2]])"), "[[1],[1,2],[2],[10]]");
    EXPECT_EQ(json("toset([{a = 2}, {a = 1}])"), "[{\"a\":1},{\"a\":2}]");
}

// Where Terraform's own result type depends on the order it unifies object attributes (its
// objects of different shapes holding null), or where a value xc does not compute (here a
// non-ASCII upper()) could be an error in Terraform, a conditional is unknown with the reason.
TEST(TerraformDocumentedDifference, UnstableConditionalTypesAreUnknown) {
    auto o = eval_text("true ? {x = true, z = null} : {a = 1}");
    ASSERT_EQ(o.kind, Outcome::Kind::Unknown);
    EXPECT_NE(o.value.origins().at(0).find("different shapes"), std::string::npos);
    o = eval_text("true ? 1 : upper(\"\\u00e9\")");
    ASSERT_EQ(o.kind, Outcome::Kind::Unknown);
    EXPECT_NE(o.value.origins().at(0).find("non-ASCII"), std::string::npos);
}

// Terraform 1.11.4 crashes ("TERRAFORM CRASH", a panic; inside try() an error) on a splat over
// a list whose results differ in type, e.g. a nested splat over a list holding null: xc reports
// a located error rather than a value Terraform never produces.
TEST(TerraformEval, ListSplatResultsOfDifferentTypesFail) {
    auto o = eval_text("tolist([\"a\", null])[*][*]");
    ASSERT_EQ(o.kind, Outcome::Kind::Error);
    EXPECT_NE(o.error.find("test.tf:1:5"), std::string::npos) << o.error;
    EXPECT_EQ(json("[\"a\", null][*][*]"), "[[\"a\"],[]]");  // a tuple's splat is a tuple: fine
}

// Errors in the result a conditional does not choose are dropped, as in HCL; the type of that
// result still counts.
TEST(TerraformEval, ConditionalDropsTheOtherResultsErrors) {
    EXPECT_EQ(json("true ? \"a\" : upper(tonumber(\"x\"))"), "\"a\"");
    EXPECT_EQ(json("true ? \"a\" : [tonumber(\"x\")][*]"), "\"a\"");
    EXPECT_EQ(json("true ? \"a\" : [for x in [1, 2] : tonumber(\"x\")]"), "XCERR");  // a tuple is no string
    EXPECT_EQ(json("false ? \"a\" : upper(tonumber(\"x\"))"), "XCERR");
}

// No input crashes the evaluator: random token soups that parse evaluate to a value, an
// unknown or a located error.
TEST(TerraformEval, RandomExpressionsNeverCrash) {
    static const char* tokens[] = {"1", "0", "-", "+", "*", "/", "%", "(", ")", "[", "]", "{", "}", ",", "?", ":", "==", "!", "&&", "||",
                                   "\"a${", "}\"", "\"x\"", "null", "true", "for", "in", "if", "x", "=>", "...", ".", "[*]", ".*", "upper(", "length(",
                                   "format(\"%v\",", "tolist(", "tomap({a=", "jsonencode(", "range(", "1e308", "1e-308", "9e99999"};
    std::mt19937_64 rng(18);
    std::size_t parsed = 0;
    for (int i = 0; i < 60000; ++i) {
        std::string e;
        const int n = 1 + static_cast<int>(rng() % 12);
        for (int k = 0; k < n; ++k) e += std::string(tokens[rng() % (sizeof(tokens) / sizeof(*tokens))]) + " ";
        Outcome o;
        ASSERT_NO_THROW(o = eval_text(e)) << e;
        if (o.error.rfind("syntax:", 0) != 0) ++parsed;
        if (o.kind == Outcome::Kind::Error && o.error.rfind("syntax:", 0) != 0) {
            EXPECT_NE(o.error.find("test.tf:1:"), std::string::npos) << e << "\n" << o.error;
        }
    }
    EXPECT_GT(parsed, 1000u);
}

}  // namespace eval_test
