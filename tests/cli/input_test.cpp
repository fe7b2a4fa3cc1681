// What the command line reads, through the built binary: standard input as "-", refusals of
// what is not a regular file (no hang on a FIFO), and diagnostics that stay one printable line
// each whatever the input holds. Every refusal exits 2 with nothing on stdout.
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace input_test {

using xc::test::quote;
using xc::test::run;

namespace {

std::string xc_cli(const std::string& args) { return quote(XC_CLI) + " " + args; }
std::string reference() { return quote(xc::test::reference_model_path().string()); }

std::size_t lines_of(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(CliInput, DashReadsTheModelFromStandardInput) {
    auto r = run(xc_cli("check - < " + reference()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("-: ok: model 'cross-account-microservices'", 0), 0u) << r.out;
    auto v = run(xc_cli("verify - --format json < " + reference()));
    EXPECT_EQ(v.exit_code, 0) << v.err;
    // Bad input on standard input is located like a file's.
    auto bad = run("printf '{\\n  \"xc\": 1,\\n  x' | " + xc_cli("check -"));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.out, "");
    EXPECT_EQ(bad.err.rfind("<stdin>:3:3: error: at /: malformed JSON", 0), 0u) << bad.err;
}

TEST(CliInput, WhatIsNotARegularFileExitsTwoAtOnce) {
    xc::test::TempDir dir;
    const auto fifo = dir / "model.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {dir.path().string(), "is a directory"},
        {fifo.string(), "is a FIFO (named pipe)"},  // no writer: reading would block for ever
        {"/dev/null", "is a character device"},
    };
    for (const auto& [file, what] : cases)
        for (const std::string& command : {"check " + quote(file), "verify " + quote(file), "graph " + quote(file),
                                           "verify " + reference() + " --baseline " + quote(file)}) {
            SCOPED_TRACE(command);
            auto r = run("timeout 20 " + xc_cli(command));
            EXPECT_EQ(r.exit_code, 2) << r.err;
            EXPECT_EQ(r.out, "");
            // `xc check|verify|graph DIR` reads a Terraform root: an empty directory is not one.
            if (command.find("--baseline") == std::string::npos && what == "is a directory")
                EXPECT_EQ(r.err, file + ": error: at /: no .tf files: not a Terraform module directory\n");
            else
                EXPECT_EQ(r.err, file + ": error: at /: " + what + "; expected a regular file (or - for standard input)\n");
        }
}

TEST(CliInput, ANulByteOrTextAfterTheModelExitsTwoWhereItIs) {
    xc::test::TempDir dir;
    const std::string model = xc::test::reference_model_text();
    const auto lines = lines_of(model);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {std::string("\0garbage{{{", 11), "NUL byte in the input"},
        {"garbage", "malformed JSON: unexpected text after the JSON value"},
        {"{}", "malformed JSON: unexpected text after the JSON value"},
    };
    for (const auto& [tail, message] : cases) {
        xc::test::write_file(dir / "m.json", model + tail);
        for (const char* command : {"check", "verify", "graph"}) {
            auto r = run(xc_cli(std::string(command) + " " + quote((dir / "m.json").string())));
            EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
            EXPECT_EQ(r.out, "") << command;
            const std::string where = (dir / "m.json").string() + ":" + std::to_string(lines + 1) + ":1: error: at /: ";
            EXPECT_EQ(r.err.rfind(where + message, 0), 0u) << command << ": " << r.err;
        }
    }
}

// A name can hold any character JSON can escape: the diagnostics still print one line each
// and nothing a terminal would act on.
TEST(CliInput, ControlCharactersInTheInputCannotForgeALineOrReachTheTerminal) {
    xc::test::TempDir dir;
    const std::string forged = "\\nm.json:1:1: error: at /: forged\\u001b[31m\\u0007\\u009b";
    std::string model = xc::test::replace_once(xc::test::reference_model_text(), "\"account\": \"consumer\"",
                                               "\"account\": \"consumer\", \"field" + forged + "\": 1");
    model = xc::test::replace_once(model, "\"scheme\": \"internal\"", "\"scheme\": \"int" + forged + "\"");
    xc::test::write_file(dir / "m.json", model);
    auto r = run(xc_cli("check " + quote((dir / "m.json").string())));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    // Every line is a diagnostic of the file (two here: the unknown field, the bad scheme).
    std::istringstream lines(r.err);
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line); ++count)
        EXPECT_EQ(line.rfind((dir / "m.json").string() + ":", 0), 0u) << "a forged or broken line: " << line;
    EXPECT_EQ(count, 2u) << r.err;
    for (char c : r.err) EXPECT_TRUE(c == '\n' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)) << int(c);
    EXPECT_EQ(r.err.find("\xc2\x9b"), std::string::npos);
    EXPECT_NE(r.err.find("\\nm.json:1:1: error: at /: forged\\u001b[31m\\u0007\\u009b"), std::string::npos) << r.err;
}

TEST(CliInput, TheApplicationNameIsValidatedBeforeAnythingIsEmitted) {
    xc::test::TempDir dir;
    for (const std::string& name : std::vector<std::string>{"app\\nname", "a\\\"b", "$(touch pwned)", std::string(61, 'a')}) {
        SCOPED_TRACE(name);
        xc::test::write_file(dir / "m.json", xc::test::replace_once(xc::test::reference_model_text(),
                                                                   "\"name\": \"cross-account-microservices\"",
                                                                   "\"name\": \"" + name + "\""));
        auto r = run(xc_cli("emit " + quote((dir / "m.json").string()) + " --target terraform -o " + quote((dir / "out").string())));
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find(":4:3: error: at /name: invalid application name"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir / "out"));
    }
}

}  // namespace input_test
