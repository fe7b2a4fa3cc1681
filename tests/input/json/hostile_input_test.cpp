// Hostile and edge inputs, as classes: every kind of JSON input xc reads (model, baseline,
// policy) x {NUL bytes, bytes after the top-level value, control characters in what the
// diagnostics quote}; numbers out of range; what is not a regular file; the model's name.
// Every refusal is an InputError with a path (a JSON Pointer), and for files a line:column.
#include <xc/input/json/load.hpp>
#include <xc/policy/parse.hpp>
#include <xc/verify/baseline.hpp>

#include <test_support.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace hostile_input_test {

namespace {

using xc::Diagnostic;
using xc::InputError;

// One kind of JSON input and a valid document of it.
struct InputKind {
    std::string name;
    std::string valid;
    std::function<void(const std::string&)> read;  // throws InputError when refused
};

std::string baseline_text() {
    return R"({"xcBaseline": 1, "suppressions": [{"property": "api-endpoint-only", "subject": "food/rest-api/orders", "reason": "known"}]})";
}

const std::vector<InputKind>& kinds() {
    static const std::vector<InputKind> all = {
        {"model", xc::test::reference_model_text(), [](const std::string& t) { xc::input::json::load_model_text(t, "m.json"); }},
        {"baseline", baseline_text(), [](const std::string& t) { xc::verify::load_baseline_text(t, "b.json"); }},
        {"policy", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}]})",
         [](const std::string& t) { xc::policy::parse_text(t, "/policy"); }},
    };
    return all;
}

std::vector<Diagnostic> refusal(const InputKind& kind, const std::string& text) {
    try {
        kind.read(text);
    } catch (const InputError& e) {
        return e.diagnostics();
    }
    return {};
}

bool printable_line(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x20 || b == 0x7f) return false;
        if (b == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(s[i + 1]) <= 0x9f)
            return false;
    }
    return true;
}

}  // namespace

TEST(HostileInput, EveryKindIsValidAsWrittenHere) {
    for (const auto& kind : kinds()) EXPECT_TRUE(refusal(kind, kind.valid).empty()) << kind.name;
}

// nlohmann's lexer takes a NUL for the end of the input: "{...}\0garbage" must not pass as
// "{...}", and a NUL anywhere else is refused too, at the value being read.
TEST(HostileInput, ANulByteAnywhereIsRefused) {
    for (const auto& kind : kinds()) {
        const std::string& v = kind.valid;
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"after the value", v + std::string("\0garbage{{{", 11)},
            {"after the value and a newline", v + "\n" + std::string(1, '\0')},
            {"inside the first string", v.substr(0, v.find('"') + 2) + std::string(1, '\0') + v.substr(v.find('"') + 2)},
            {"between tokens", v.substr(0, v.find(':') + 1) + std::string(1, '\0') + v.substr(v.find(':') + 1)},
            {"alone", std::string(1, '\0')},
        };
        for (const auto& [where, text] : cases) {
            SCOPED_TRACE(kind.name + ": NUL " + where);
            auto ds = refusal(kind, text);
            ASSERT_EQ(ds.size(), 1u);
            EXPECT_NE(ds[0].message.find("NUL byte"), std::string::npos) << xc::to_string(ds[0]);
            EXPECT_TRUE(ds[0].path.empty() || ds[0].path.front() == '/') << ds[0].path;
            if (kind.name != "policy") {
                EXPECT_NE(ds[0].position.line, 0u) << "no line:column";
            }
        }
    }
}

TEST(HostileInput, AnyTextAfterTheTopLevelValueIsRefused) {
    for (const auto& kind : kinds())
        for (const std::string trailer : {"x", "{}", "[]", "\"s\"", "0", "null", "}", ",", "// comment"}) {
            SCOPED_TRACE(kind.name + ": followed by " + trailer);
            auto ds = refusal(kind, kind.valid + "\n " + trailer);
            ASSERT_EQ(ds.size(), 1u);
            EXPECT_NE(ds[0].message.find("after the JSON value"), std::string::npos) << xc::to_string(ds[0]);
            EXPECT_EQ(ds[0].message.find("last read"), std::string::npos) << "nlohmann's text";
            if (kind.name != "policy") {
                // The first byte after the value: the line after the document, column 2.
                const auto lines = static_cast<std::size_t>(std::count(kind.valid.begin(), kind.valid.end(), '\n'));
                EXPECT_EQ(ds[0].position, (xc::SourcePosition{lines + 2, 2})) << xc::to_string(ds[0]);
            }
        }
    // White space after the value is layout, not content.
    for (const auto& kind : kinds()) EXPECT_TRUE(refusal(kind, kind.valid + " \n\t\r\n").empty()) << kind.name;
}

TEST(HostileInput, NumbersOutOfRangeAreReportedInOurWords) {
    for (const auto& kind : kinds()) {
        std::string text = kind.valid;
        const auto colon = text.find(':');
        text.insert(colon + 1, " 1e99999, \"pad\":");
        SCOPED_TRACE(kind.name);
        auto ds = refusal(kind, text);
        ASSERT_EQ(ds.size(), 1u);
        EXPECT_NE(ds[0].message.find("number 1e99999 is out of range"), std::string::npos) << xc::to_string(ds[0]);
        EXPECT_EQ(ds[0].message.find("json.exception"), std::string::npos) << ds[0].message;
    }
}

// Names, keys and values come back in diagnostics: whatever control character they hold, every
// diagnostic prints as one line with no control character (no forged "file:1:1: error:" line,
// no ESC or BEL reaching the terminal).
TEST(HostileInput, ControlCharactersInQuotedInputArePrintedEscaped) {
    std::vector<std::string> controls;
    for (int c = 0; c < 0x20; ++c) controls.push_back(std::string(1, static_cast<char>(c)));
    controls.push_back("\x7f");
    controls.push_back("\xc2\x9b");  // U+009B, CSI
    controls.push_back("\nm.json:1:1: error: at /: forged\x1b[31m\x07");
    for (const auto& kind : kinds())
        for (const auto& control : controls) {
            const std::string escaped = nlohmann::json(control).dump();  // a JSON string literal
            // As a key (unknown field / invalid name) and as a value (a wrong choice).
            std::string as_key = kind.valid;
            as_key.insert(as_key.find('{') + 1, escaped + ": 1, ");
            std::string as_value = kind.valid;
            const auto first_value = as_value.find(':') + 1;
            as_value.insert(first_value, " " + escaped + ", \"pad\":");
            for (const auto& text : {as_key, as_value}) {
                SCOPED_TRACE(kind.name + " with control " + nlohmann::json(control).dump());
                auto ds = refusal(kind, text);
                ASSERT_FALSE(ds.empty());
                for (const auto& d : ds) {
                    const std::string line = xc::to_string(d);
                    EXPECT_TRUE(printable_line(line)) << nlohmann::json(line).dump();
                }
            }
        }
}

TEST(Printable, EscapesControlsAndBrokenUtf8AndKeepsTheRest) {
    using xc::printable;
    EXPECT_EQ(printable("plain 'text' /a~1b"), "plain 'text' /a~1b");
    EXPECT_EQ(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
    EXPECT_EQ(printable(std::string("\0\x1b\x07\x7f", 4)), "\\u0000\\u001b\\u0007\\u007f");
    EXPECT_EQ(printable("\xc2\x9b" "1m"), "\\u009b1m");
    EXPECT_EQ(printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    EXPECT_EQ(printable("\x9b\xff\xc3"), "\\x9b\\xff\\xc3");
    EXPECT_EQ(printable("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");  // overlong
    EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

// Only regular files are read: the rest is refused at once (a FIFO with no writer must not hang).
TEST(HostileInput, WhatIsNotARegularFileIsRefusedWithoutReading) {
    xc::test::TempDir dir;
    const auto fifo = dir / "fifo.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {dir.path().string(), "is a directory; expected a regular file"},
        {fifo.string(), "is a FIFO (named pipe); expected a regular file"},
        {"/dev/null", "is a character device; expected a regular file"},
    };
    for (const auto& [file, message] : cases) {
        for (auto read : std::vector<std::function<void()>>{[&] { xc::input::json::load_model_file(file); },
                                                            [&] { xc::verify::load_baseline_file(file); }}) {
            try {
                read();
                ADD_FAILURE() << file << " was read";
            } catch (const InputError& e) {
                ASSERT_EQ(e.diagnostics().size(), 1u);
                EXPECT_EQ(e.diagnostics()[0].file, file);
                EXPECT_EQ(e.diagnostics()[0].message.rfind(message, 0), 0u) << e.diagnostics()[0].message;
            }
        }
    }
}

TEST(HostileInput, TheApplicationNameIsANameWithALimitFromTheNamesItBegins) {
    const std::string model = xc::test::reference_model_text();
    const std::string written = "\"name\": \"cross-account-microservices\"";
    auto with_name = [&](const std::string& name) {
        return xc::test::replace_once(model, written, "\"name\": " + nlohmann::json(name).dump());
    };
    const std::size_t limit = xc::input::json::max_application_name;
    EXPECT_EQ(limit, 60u) << "a Lambda function is <name>-<scope>-<function>, 64 at most";
    for (const std::string& bad : std::vector<std::string>{"a\nb", "a\"b", "$(rm -rf ~)", "a b", "-a", "a/b", "\xc3\xa9t\xc3\xa9", std::string(limit + 1, 'a')}) {
        SCOPED_TRACE(nlohmann::json(bad).dump());
        auto ds = refusal(kinds()[0], with_name(bad));
        ASSERT_EQ(ds.size(), 1u);
        EXPECT_EQ(ds[0].path, "/name");
        EXPECT_NE(ds[0].position.line, 0u);
        EXPECT_EQ(ds[0].message.rfind("invalid application name", 0), 0u) << ds[0].message;
    }
    EXPECT_TRUE(refusal(kinds()[0], with_name(std::string(limit, 'a'))).empty());
}

}  // namespace hostile_input_test
