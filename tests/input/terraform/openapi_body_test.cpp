// Reading an API's body text (openapi_body.hpp): JSON and YAML into one document shape, YAML's
// core types, and errors with the line:column in the text.
#include "xc/input/terraform/openapi_body.hpp"

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace openapi_body_test {

using xc::input::terraform::BodySyntaxError;
using xc::input::terraform::parse_openapi_body;

BodySyntaxError error_of(const std::string& text) {
    try {
        parse_openapi_body(text);
    } catch (const BodySyntaxError& e) {
        return e;
    }
    ADD_FAILURE() << "no error for: " << text;
    return {};
}

TEST(OpenApiBody, JsonAndYamlGiveTheSameDocument) {
    const auto json = parse_openapi_body(R"({"swagger": "2.0", "paths": {"/a": {"get": {"parameters": [{"in": "query", "required": true}]}}}})");
    const auto yaml = parse_openapi_body("swagger: \"2.0\"\npaths:\n  /a:\n    get:\n      parameters:\n        - in: query\n          required: true\n");
    EXPECT_EQ(json.document, yaml.document);
    EXPECT_TRUE(yaml.unread.empty());
}

TEST(OpenApiBody, PlainYamlScalarsTakeTheCoreSchemasTypesAndQuotedOnesStayText) {
    const auto b = parse_openapi_body("a: true\nb: \"true\"\nc: 12\nd: '12'\ne: 1.5\nf: ~\ng: 0755x\nh: !!str 3\ni: execute-api:/*\n");
    EXPECT_EQ(b.document["a"], true);
    EXPECT_EQ(b.document["b"], "true");
    EXPECT_EQ(b.document["c"], 12);
    EXPECT_EQ(b.document["d"], "12");
    EXPECT_EQ(b.document["e"], 1.5);
    EXPECT_TRUE(b.document["f"].is_null());
    EXPECT_EQ(b.document["g"], "0755x");
    EXPECT_EQ(b.document["h"], "3");
    EXPECT_EQ(b.document["i"], "execute-api:/*");
}

TEST(OpenApiBody, ErrorsGiveTheLineAndColumnInTheText) {
    const auto yaml = error_of("swagger: \"2.0\"\ninfo:\n  title: [food\n");
    EXPECT_EQ(yaml.at.line, 4u) << yaml.message;
    EXPECT_NE(yaml.message.find("malformed YAML"), std::string::npos);
    const auto json = error_of("{\n  \"paths\": {,}\n}");
    EXPECT_EQ(json.at.line, 2u) << json.message;
    EXPECT_NE(json.message.find("malformed JSON"), std::string::npos);
    const auto duplicate = error_of("paths: {}\npaths: {}\n");
    EXPECT_EQ(duplicate.at.line, 2u);
    EXPECT_NE(duplicate.message.find("duplicate key 'paths'"), std::string::npos);
    const auto tag = error_of("paths: !Ref Paths\n");
    EXPECT_EQ(tag.at.line, 1u);
    EXPECT_NE(tag.message.find("!Ref"), std::string::npos) << tag.message;
}

TEST(OpenApiBody, AMergeKeyIsReportedNotReadSilently) {
    const auto b = parse_openapi_body("base: &base\n  type: aws_proxy\nx:\n  <<: *base\n  uri: u\n");
    ASSERT_EQ(b.unread.size(), 1u);
    EXPECT_EQ(b.unread.front(), "/x/<<");
}

}  // namespace openapi_body_test
