// The text of an API Gateway REST API's `body` (an OpenAPI or Swagger definition), read into the
// JSON document the mapping reads routes, validators, the policy and the endpoint configuration
// from (to_model.hpp) — the same structure whether the text is JSON or YAML.
//
// API Gateway imports either: "API Gateway supports ... OpenAPI definition files ... in JSON or
// YAML" (API Gateway Developer Guide, "Develop REST APIs using OpenAPI in API Gateway"), and the
// provider passes `body` through: "body - (Optional) OpenAPI specification that defines the set
// of routes and integrations to create as part of the REST API" (aws_api_gateway_rest_api).
// Text whose first non-blank character is '{' is read as JSON, anything else as YAML (with
// yaml-cpp, which keeps each node's line:column). Scalars are typed as every YAML front end
// types them (input/detail/yaml_scalar.hpp); any tag but !!str is refused (no OpenAPI document
// uses one). A merge key ("<<")
// is not expanded by yaml-cpp: it is reported, so the caller can leave what depends on the
// document undecided instead of reading it without the merged members.
#pragma once

#include <xc/diagnostic.hpp>
#include <xc/input/detail/yaml_scalar.hpp>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace xc::input::terraform {

// The body could not be read: where in the text (line:column, 1-based) and why.
struct BodySyntaxError {
    SourcePosition at;
    std::string message;
};

struct OpenApiBody {
    nlohmann::json document;
    std::vector<std::string> unread;  // constructs read without their meaning (YAML merge keys), by pointer
};

namespace detail {

class BodyYamlReader {
public:
    explicit BodyYamlReader(OpenApiBody& out) : out_(out) {}

    nlohmann::json read(const YAML::Node& node, const std::string& pointer, std::size_t depth) {
        // Aliases share nodes: a document of a few lines can stand for billions (YAML's
        // "billion laughs"); a real OpenAPI body is far below these bounds.
        if (depth > 256) fail(node, "nesting deeper than 256 levels");
        if (++nodes_ > 1'000'000) fail(node, "more than 1,000,000 values (after expanding aliases)");
        const std::string& tag = node.Tag();
        if (!tag.empty() && tag != "?" && tag != "!" && tag.rfind("tag:yaml.org,2002:", 0) != 0)
            fail(node, "the tag " + printable(tag) + " is not accepted in an OpenAPI body");
        switch (node.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null: return nullptr;
            case YAML::NodeType::Scalar: return scalar(node);
            case YAML::NodeType::Sequence: {
                nlohmann::json a = nlohmann::json::array();
                std::size_t i = 0;
                for (const auto& item : node) a.push_back(read(item, pointer + "/" + std::to_string(i++), depth + 1));
                return a;
            }
            case YAML::NodeType::Map: {
                nlohmann::json o = nlohmann::json::object();
                for (const auto& kv : node) {
                    if (kv.first.Type() != YAML::NodeType::Scalar) fail(kv.first, "a mapping key must be a string");
                    const std::string key = kv.first.Scalar();
                    const std::string member = pointer + "/" + json_pointer::escape(key);
                    if (key == "<<" && kv.first.Tag() == "?") out_.unread.push_back(member);
                    if (o.contains(key)) fail(kv.first, "duplicate key '" + printable(key) + "'");
                    o[key] = read(kv.second, member, depth + 1);
                }
                return o;
            }
        }
        return nullptr;
    }

private:
    [[noreturn]] static void fail(const YAML::Node& n, std::string message) {
        const auto m = n.Mark();
        throw BodySyntaxError{m.is_null() ? SourcePosition{} : SourcePosition{std::size_t(m.line) + 1, std::size_t(m.column) + 1}, std::move(message)};
    }

    static nlohmann::json scalar(const YAML::Node& node) { return input::detail::yaml_scalar_value(node.Scalar(), node.Tag()); }

    OpenApiBody& out_;
    std::size_t nodes_ = 0;
};

// Line and column (1-based) of byte `offset` in `text`.
inline SourcePosition body_position_of(std::string_view text, std::size_t offset) {
    SourcePosition at{1, 1};
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') ++at.line, at.column = 1;
        else ++at.column;
    }
    return at;
}

}  // namespace detail

// The body text as a document; throws BodySyntaxError where it is neither JSON nor YAML.
inline OpenApiBody parse_openapi_body(std::string_view text) {
    OpenApiBody out;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') {
        try {
            out.document = nlohmann::json::parse(text);
        } catch (const nlohmann::json::parse_error& e) {
            throw BodySyntaxError{detail::body_position_of(text, e.byte > 0 ? e.byte - 1 : 0), std::string("malformed JSON: ") + e.what()};
        }
        return out;
    }
    if (text.find('\0') != std::string_view::npos) throw BodySyntaxError{detail::body_position_of(text, text.find('\0')), "a NUL byte"};
    YAML::Node node;
    try {
        node = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw BodySyntaxError{e.mark.is_null() ? SourcePosition{} : SourcePosition{std::size_t(e.mark.line) + 1, std::size_t(e.mark.column) + 1},
                              "malformed YAML: " + printable(e.msg)};
    }
    out.document = detail::BodyYamlReader(out).read(node, "", 0);
    return out;
}

}  // namespace xc::input::terraform
