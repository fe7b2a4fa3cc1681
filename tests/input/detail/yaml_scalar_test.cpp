// One typing of YAML scalars for every front end that reads YAML: the same text is the same value
// in a CloudFormation template and in a Terraform OpenAPI body.
#include <xc/input/cloudformation/template_source.hpp>
#include <xc/input/detail/yaml_scalar.hpp>
#include <xc/input/terraform/openapi_body.hpp>

#include <gtest/gtest.h>

#include <string>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace yaml_scalar_test {

// Plain and quoted scalars of every kind the typing tells apart, and what each must be.
const char* const scalars = R"(a: true
b: "true"
c: 12
d: '12'
e: 1.5
f: ~
g: 0755
h: !!str 3
i: -7
j: 1.
k: 12345678901234567890
l: False
m: execute-api:/*
)";

TEST(YamlScalar, EachKindOfScalarHasItsValue) {
    const auto d = xc::input::terraform::parse_openapi_body(scalars).document;
    EXPECT_EQ(d["a"], true);
    EXPECT_EQ(d["b"], "true");
    EXPECT_EQ(d["c"], 12);
    EXPECT_EQ(d["d"], "12");
    EXPECT_EQ(d["e"], 1.5);
    EXPECT_TRUE(d["f"].is_null());
    EXPECT_EQ(d["g"], "0755");  // octal in YAML 1.1, decimal in 1.2: kept as written
    EXPECT_EQ(d["h"], "3");
    EXPECT_EQ(d["i"], -7);
    EXPECT_EQ(d["j"], "1.");
    EXPECT_EQ(d["k"], "12345678901234567890");  // past 64 bits: kept as written
    EXPECT_EQ(d["l"], false);
    EXPECT_EQ(d["m"], "execute-api:/*");
}

TEST(YamlScalar, BothYamlFrontEndsReadTheSameTextAlike) {
    const auto body = xc::input::terraform::parse_openapi_body(scalars).document;
    const auto tmpl = xc::input::cloudformation::parse_template(scalars, "t.yaml").root();
    EXPECT_EQ(body, tmpl);
}

}  // namespace yaml_scalar_test
