#include <xc/input/json/json_source.hpp>
#include <xc/input/json/top_level_members.hpp>

#include <gtest/gtest.h>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace top_level_members_test {

using xc::input::json::MemberPresence;
using xc::input::json::top_level_members;

namespace {

std::vector<MemberPresence> scan(std::string_view text) { return top_level_members(text, {"Resources", "xc"}); }

const auto absent = MemberPresence::absent;
const auto present = MemberPresence::present;
const auto unknown = MemberPresence::unknown;

}  // namespace

TEST(TopLevelMembers, FindsMembersOfTheTopLevelObjectOnly) {
    EXPECT_EQ(scan(R"({"xc": 1, "services": {"Resources": {}}})"), (std::vector{absent, present}));
    EXPECT_EQ(scan(R"( {"a": [{"xc": 1}, "Resources"], "Resources": {"xc": 2}} )"), (std::vector{present, absent}));
    EXPECT_EQ(scan(R"({"a": "Resources", "b": {"c": ["xc"]}})"), (std::vector{absent, absent}));
    EXPECT_EQ(scan("{}"), (std::vector{absent, absent}));
}

TEST(TopLevelMembers, SkipsQuotesAndBracketsInsideStrings) {
    EXPECT_EQ(scan(R"({"a": "}{\"", "b": {"c\\": "]"}, "xc": 1})"), (std::vector{absent, present}));
    EXPECT_EQ(scan(R"({"a": "\\\\", "Resources": 1})"), (std::vector{present, absent}));
}

TEST(TopLevelMembers, CannotTellAKeyWrittenWithEscapesOrATextThatIsNoObject) {
    // "\u0078c" is "xc": the scan does not decode escapes, so it cannot say the member is absent.
    EXPECT_EQ(scan(R"({"Resources": {}, "\u0078c": 1})"), (std::vector{present, unknown}));
    EXPECT_EQ(scan("[1, 2]"), (std::vector{unknown, unknown}));
    EXPECT_EQ(scan(R"({"xc": 1, "a": {)"), (std::vector{unknown, present}));
    EXPECT_EQ(scan(R"({"a": "no end)"), (std::vector{unknown, unknown}));
    EXPECT_EQ(scan(""), (std::vector{unknown, unknown}));
}

// Against the parser: on well-formed documents every answer the scan gives is the parser's.
TEST(TopLevelMembers, AgreesWithTheParserOnWellFormedDocuments) {
    const std::vector<std::string> documents{
        R"({"Resources": {"A": {"Type": "AWS::S3::Bucket"}}, "Outputs": {"xc": "x"}})",
        R"({"xc": 1, "name": "n", "services": {"s": {"apis": {"Resources": [1, {"xc": [[]]}]}}}})",
        R"({"a b": "Resources", "c": ["{", "[", "\\", "\"}"], "d": {"e\"": 1}, "Resources": null})",
        R"({"Resources": 1, "xc": 2})",
    };
    for (const auto& text : documents) {
        const auto doc = xc::input::json::parse_json(text);
        const auto found = scan(text);
        for (std::size_t i = 0; i < 2; ++i) {
            const bool member = doc.root().contains(i == 0 ? "Resources" : "xc");
            ASSERT_NE(found[i], unknown) << text;
            EXPECT_EQ(found[i] == present, member) << text;
        }
    }
}

}  // namespace top_level_members_test
