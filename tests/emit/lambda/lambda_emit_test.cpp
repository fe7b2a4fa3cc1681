// The Lambda emitter without building anything: layout, determinism, escaping, model errors.
#include <xc/emit/lambda.hpp>
#include <xc/input/json/load.hpp>

#include "lambda_test_support.hpp"
#include <authorization_variant.hpp>

#include <gtest/gtest.h>

#include <functional>

// Its own namespace: the area's test files are compiled as one translation unit.
namespace lambda_emit_test {

namespace {

using xc::test::TempDir;

xc::model::Graph load(const std::string& text) {
    TempDir dir;
    xc::test::write_file(dir / "model.json", text);
    return xc::model::build_graph(xc::input::json::load_model_file((dir / "model.json").string()));
}

const std::vector<std::string> hostile = {
    "quote\" backslash\\ end",
    "line\nbreak\r\ttab",
    "?\?/ trigraph ?\?= ?\?' ?\?( ?\?)",
    "*/ /* // comment openers",
    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8d\xb5",
    std::string("nul\0inside", 10),
    "\\x41\\101 \\u0041 escapes-as-text",
    "\"); system(\"rm -rf /\"); (\"",
    "\x7f\x01\x1f" "7 digits after an octal escape",
};

// Compiles (trigraphs enabled, -Werror) a program whose statement `print(s)` writes each hostile
// value's bytes, and checks it prints exactly them.
void expect_every_byte_round_trips(const std::function<std::string(const std::string&)>& print) {
    std::string program = "#include <cstdio>\n#include <string>\nint main() {\n";
    for (const auto& s : hostile) program += "  { " + print(s) + " std::fputc('|', stdout); }\n";
    program += "}\n";
    TempDir dir;
    xc::test::write_file(dir / "p.cpp", program);
    auto build = xc::test::run("g++ -std=c++20 -trigraphs -Wall -Wextra -Werror -Wno-trigraphs -o " +
                               (dir / "p").string() + " " + (dir / "p.cpp").string());
    ASSERT_EQ(build.exit_code, 0) << build.err << "\n" << program;
    auto out = xc::test::run((dir / "p").string());
    std::string expected;
    for (const auto& s : hostile) expected += s + "|";
    EXPECT_EQ(out.out, expected);
}

TEST(LambdaCppLiteral, EveryByteRoundTripsThroughTheCompiler) {
    expect_every_byte_round_trips([](const std::string& s) {
        return "static const char v[] = " + xc::emit::detail::cpp_string_literal(s) + "; std::fwrite(v, 1, sizeof v - 1, stdout);";
    });
}

// What the generated Lambdas do with model text: initialise std::string config fields. A NUL
// inside must not end the value there ("nul\0x" must not become "nul").
TEST(LambdaCppLiteral, EveryByteRoundTripsIntoAStdString) {
    expect_every_byte_round_trips([](const std::string& s) {
        return "const std::string v = " + xc::emit::detail::cpp_string_value(s) + "; std::fwrite(v.data(), 1, v.size(), stdout);";
    });
}

TEST(LambdaCppLiteral, UsesOnlyPrintableAsciiAndNoTrigraphText) {
    for (const auto& s : hostile) {
        auto lit = xc::emit::detail::cpp_string_literal(s);
        for (char c : lit) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << lit;
        EXPECT_EQ(lit.find("??"), std::string::npos) << lit;
        EXPECT_EQ(lit.front(), '"');
        EXPECT_EQ(lit.back(), '"');
    }
}

// Each API of a service gets a client, src/client.<api>.cpp, listed in functions.cmake: its
// routes, each signed (AWS_IAM) or not (NONE) as the model authorizes it.
TEST(LambdaEmit, EachApiHasAClientThatSignsItsAwsIamRoutes) {
    const auto files = xc::emit::emit_lambda(xc::model::build_graph(xc::test::aws_iam_model()));
    for (std::string service : {"beverage", "food"}) {
        SCOPED_TRACE(service);
        EXPECT_NE(files.at(service + "/functions.cmake").find("set(XC_API_CLIENTS orders)"), std::string::npos);
        const auto& client = files.at(service + "/src/client.orders.cpp");
        EXPECT_NE(client.find(R"({"GET", "/orders", false},)"), std::string::npos) << client;
        EXPECT_NE(client.find(R"({"POST", "/orders", true},)"), std::string::npos) << client;
        EXPECT_NE(client.find(R"({"GET", "/orders/{orderId}", true},)"), std::string::npos) << client;
        EXPECT_NE(client.find(R"(run_client(argc, argv, routes, "eu-central-1"))"), std::string::npos) << client;
    }
    // The reference model's routes are NONE: nothing signed.
    const auto plain = xc::emit::emit_lambda(load(xc::test::reference_model_text()));
    EXPECT_EQ(plain.at("food/src/client.orders.cpp").find("true}"), std::string::npos);
}

TEST(LambdaEmit, ReferenceModelLayout) {
    auto files = xc::emit::emit_lambda(load(xc::test::reference_model_text()));
    for (std::string service : {"beverage", "food"}) {
        for (std::string f : {"CMakeLists.txt", "functions.cmake", "support/package.cmake", "support/xc_lambda/runtime.cpp",
                              "support/xc_lambda/sigv4.cpp", "support/xc_lambda/dynamodb.cpp", "src/post-order.cpp",
                              "src/get-orders.cpp", "src/get-order.cpp"})
            EXPECT_TRUE(files.contains(service + "/" + f)) << service << "/" << f;
        EXPECT_EQ(files.at(service + "/functions.cmake").find("set(XC_LAMBDA_FUNCTIONS get-order get-orders post-order)") ==
                      std::string::npos,
                  false);
    }
    EXPECT_FALSE(files.contains("consumer/CMakeLists.txt"));  // no functions there
    // Support code is identical across services: one source, copied verbatim.
    EXPECT_EQ(files.at("beverage/support/xc_lambda/orders.cpp"), files.at("food/support/xc_lambda/orders.cpp"));

    const auto& post = files.at("beverage/src/post-order.cpp");
    EXPECT_NE(post.find(".table = \"cross-account-microservices-beverage\""), std::string::npos) << post;
    EXPECT_NE(post.find(".options = {\"tea\", \"coffee\", \"water\"}"), std::string::npos) << post;
    EXPECT_NE(post.find(".name = \"fullName\", .type = \"string\", .required = true"), std::string::npos) << post;
    EXPECT_NE(post.find(".date_attribute = \"orderDate\""), std::string::npos) << post;
    const auto& food = files.at("food/src/post-order.cpp");
    EXPECT_NE(food.find("{\"pizza\", \"hamburger\", \"salat\"}"), std::string::npos) << food;
    const auto& list = files.at("beverage/src/get-orders.cpp");
    EXPECT_NE(list.find(".index = \"orderDateIndex\""), std::string::npos) << list;
    EXPECT_NE(list.find(".query_parameter = \"orderDate\""), std::string::npos) << list;
    const auto& one = files.at("beverage/src/get-order.cpp");
    EXPECT_NE(one.find(".path_parameter = \"orderId\""), std::string::npos) << one;
}

TEST(LambdaEmit, SameModelSameFiles) {
    auto a = xc::emit::emit_lambda(load(xc::test::reference_model_text()));
    auto b = xc::emit::emit_lambda(load(xc::test::reference_model_text()));
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [path, file] : a.files()) {
        ASSERT_TRUE(b.contains(path)) << path;
        EXPECT_EQ(file.content, b.at(path)) << path;
    }
}

TEST(LambdaEmit, ServiceFilter) {
    auto files = xc::emit::emit_lambda(load(xc::test::reference_model_text()), {.services = {"food"}});
    EXPECT_TRUE(files.contains("food/src/post-order.cpp"));
    EXPECT_FALSE(files.contains("beverage/src/post-order.cpp"));
    EXPECT_THROW(xc::emit::emit_lambda(load(xc::test::reference_model_text()), {.services = {"nope"}}), xc::InputError);
}

TEST(LambdaEmit, HostileOrderOptionsStayStringLiteralsAndCompile) {
    nlohmann::json options = nlohmann::json::array();
    for (const auto& s : hostile)
        if (s.find('\0') == std::string::npos) options.push_back(s);  // JSON text may carry it, the loader's choice
    auto text = xc::test::replace_once(xc::test::reference_model_text(), R"([ "tea", "coffee", "water" ])", options.dump());
    auto files = xc::emit::emit_lambda(load(text));
    const auto& post = files.at("beverage/src/post-order.cpp");
    for (const auto& o : options) EXPECT_NE(post.find(xc::emit::detail::cpp_string_literal(o.get<std::string>())), std::string::npos);

    TempDir dir;
    xc::test::lambda::sync_files(files, dir.path());
    auto project = dir / "beverage";
    auto check = xc::test::run("g++ -std=c++20 -trigraphs -Wall -Wextra -Werror -Wno-trigraphs -fsyntax-only -I " +
                               xc::test::quote((project / "support").string()) + " " +
                               xc::test::quote((project / "src/post-order.cpp").string()));
    EXPECT_EQ(check.exit_code, 0) << check.err << "\n" << post;
}

TEST(LambdaEmit, GetOrdersWithoutAnIndexIsAModelError) {
    auto text = xc::test::replace_once(xc::test::reference_model_text(), R"("index": "orderDateIndex",)", "");
    try {
        xc::emit::emit_lambda(load(text));
        FAIL() << "expected InputError";
    } catch (const xc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("needs the index"), std::string::npos) << e.what();
    }
}

}  // namespace

}  // namespace lambda_emit_test
