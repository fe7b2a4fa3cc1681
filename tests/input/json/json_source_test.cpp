#include <xc/input/json/json_source.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace json_source_test {

using xc::InputError;
using xc::SourcePosition;
using xc::input::json::parse_json;

namespace {

xc::Diagnostic only_error(std::string_view text, xc::input::json::InputLimits limits = {}) {
    try {
        parse_json(text, "m.json", limits);
    } catch (const InputError& e) {
        EXPECT_EQ(e.diagnostics().size(), 1u);
        return e.diagnostics().front();
    }
    ADD_FAILURE() << "no error for: " << text;
    return {};
}

}  // namespace

TEST(JsonSource, RecordsThePositionOfEveryValueAndMemberKey) {
    auto doc = parse_json("{\n  \"a\": [1, 22,\n    {\"b\": true}],\n  \"c/d\": {\"e~f\": null}\n}", "m.json");
    EXPECT_EQ(doc.position(""), (SourcePosition{1, 1}));
    EXPECT_EQ(doc.position("/a"), (SourcePosition{2, 3}));
    EXPECT_EQ(doc.position("/a/0"), (SourcePosition{2, 9}));
    EXPECT_EQ(doc.position("/a/1"), (SourcePosition{2, 12}));
    EXPECT_EQ(doc.position("/a/2"), (SourcePosition{3, 5}));
    EXPECT_EQ(doc.position("/a/2/b"), (SourcePosition{3, 6}));
    EXPECT_EQ(doc.position("/c~1d"), (SourcePosition{4, 3}));
    EXPECT_EQ(doc.position("/c~1d/e~0f"), (SourcePosition{4, 11}));
    EXPECT_EQ(doc.root()["a"][1], 22);
}

// Positions are kept by the address of each value: elements of arrays that grew (and moved
// their elements) while being parsed, and values inside them, must still be found.
TEST(JsonSource, PositionsSurviveGrowingAndNestedArrays) {
    std::string text = "{\"xs\": [\n";
    for (int i = 0; i < 300; ++i) text += std::string(i ? ",\n" : "") + "  [" + std::to_string(i) + ", {\"k\": [\"v\"]}]";
    text += "\n]}";
    auto doc = parse_json(text, "m.json");
    for (int i : {0, 1, 57, 299}) {
        const auto line = static_cast<std::size_t>(i) + 2;
        const auto at = "/xs/" + std::to_string(i);
        EXPECT_EQ(doc.position(at), (SourcePosition{line, 3})) << at;
        EXPECT_EQ(doc.position(at + "/0"), (SourcePosition{line, 4})) << at;
        EXPECT_EQ(doc.position(at + "/1/k/0"), (SourcePosition{line, 13 + std::to_string(i).size()})) << at;
    }
    // Not an index of the array (leading zero, "-", past the end): the array's own position.
    for (const char* p : {"/xs/057", "/xs/-", "/xs/300", "/xs/1x"}) EXPECT_EQ(doc.position(p), doc.position("/xs")) << p;
    // Sources move (the loader keeps them behind a pointer), and positions move with them.
    auto moved = std::move(doc);
    EXPECT_EQ(moved.position("/xs/299/1/k"), (SourcePosition{301, 7 + 3}));
}

TEST(JsonSource, AMissingMemberTakesItsNearestAncestorsPosition) {
    auto doc = parse_json("{\"a\": {\n \"b\": 1}}");
    EXPECT_EQ(doc.position("/a/missing/deeper"), doc.position("/a"));
}

TEST(JsonSource, MalformedJsonNamesThePlaceAndTheReason) {
    auto d = only_error("{\"a\":\n [1,}");
    EXPECT_EQ(d.file, "m.json");
    EXPECT_EQ(d.path, "/a/1");
    EXPECT_EQ(d.position, (SourcePosition{2, 5}));
    EXPECT_EQ(d.message.rfind("malformed JSON: syntax error while parsing value", 0), 0u) << d.message;
}

// "" is a key like any other: its member's pointer is "/", not the object's own "".
TEST(JsonSource, MalformedValueOfAnEmptyKeyIsNamedByItsPointer) {
    EXPECT_EQ(only_error("{\"a\": {\"\": tru}}").path, "/a/");
    EXPECT_EQ(only_error("{\"a\": {\"\": 1, }}").path, "/a");
}

TEST(JsonSource, UnterminatedStringAndEmptyInputAreErrors) {
    EXPECT_NE(only_error("{\"a\": \"x").message.find("missing closing quote"), std::string::npos);
    EXPECT_NE(only_error("").message.find("unexpected end of input"), std::string::npos);
    EXPECT_NE(only_error("{} trailing").message.find("malformed JSON"), std::string::npos);
}

TEST(JsonSource, DuplicateKeysAreErrorsAtTheSecondKey) {
    auto d = only_error("{\"services\": {\"food\": {},\n \"food\": {}}}");
    EXPECT_EQ(d.path, "/services/food");
    EXPECT_EQ(d.position, (SourcePosition{2, 2}));
    EXPECT_EQ(d.message, "duplicate key 'food' (JSON objects must not repeat a key)");
}

TEST(JsonSource, NestingBeyondTheLimitIsRefusedNotOverflowed) {
    std::string deep(100000, '[');
    auto d = only_error(deep);
    EXPECT_EQ(d.message, "nesting deeper than 64 levels");
    xc::input::json::InputLimits limits;
    limits.max_depth = 3;
    EXPECT_EQ(only_error("{\"a\": {\"b\": {\"c\": {}}}}", limits).path, "/a/b/c");
    EXPECT_NO_THROW(parse_json("{\"a\": {\"b\": {\"c\": 1}}}", "m.json", limits));
}

TEST(JsonSource, InputLargerThanTheLimitIsRefused) {
    xc::input::json::InputLimits limits;
    limits.max_bytes = 10;
    auto d = only_error("{\"abcdefghijk\": 1}", limits);
    EXPECT_EQ(d.message, "input is 18 bytes; the limit is 10");
}

TEST(JsonSource, AnUnreadableFileIsAnInputError) {
    try {
        xc::input::json::load_json_file("/nonexistent/model.json");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(xc::to_string(e.diagnostics().front()), "/nonexistent/model.json: error: at /: cannot open file");
    }
}

TEST(JsonPointer, TokensAreUnescapedAndIndicesAreStrictDecimals) {
    using xc::json_pointer::index;
    using xc::json_pointer::tokens;
    EXPECT_TRUE(tokens("").empty());
    EXPECT_EQ(tokens("/a~1b/~0c/"), (std::vector<std::string>{"a/b", "~c", ""}));
    EXPECT_EQ(tokens(xc::json_pointer::join("/x", "p/q~r")), (std::vector<std::string>{"x", "p/q~r"}));
    EXPECT_EQ(index("0"), 0u);
    EXPECT_EQ(index("42"), 42u);
    for (const char* bad : {"", "01", "-", "1x", "-1", "1234567890123456789"}) EXPECT_FALSE(index(bad)) << bad;
}

// join copies a token whole when it has nothing to escape, and escapes it otherwise; a lazy
// pointer's text is the same as joining eagerly, for members and elements at any depth.
TEST(JsonPointer, JoinEscapesWhatMustBeAndALazyPointerJoinsTheSame) {
    using xc::json_pointer::join;
    auto by_hand = [](const std::string& token) {
        std::string out;
        for (char c : token) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
        return out;
    };
    const std::vector<std::string> tokens{"", "a", "svc1", "p/q~r", "~", "/", "~1", "a~0b", "x//y", "GET /orders"};
    for (const std::string base : {"", "/services", "/a~1b"})
        for (const auto& t : tokens) {
            EXPECT_EQ(join(base, t), base + "/" + by_hand(t)) << base << " + " << t;
            const auto root = xc::json_pointer::Lazy::at(base);
            const auto member = root.member(t);
            const auto element = member.element(7);
            EXPECT_EQ(member.str(), join(base, t));
            EXPECT_EQ(element.member(t).str(), join(join(join(base, t), 7), t));
        }
}

}  // namespace json_source_test
