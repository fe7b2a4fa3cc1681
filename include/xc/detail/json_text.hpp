// What every reader of JSON text (models, baselines, policies) refuses the same way: nlohmann's
// exception texts in xc's words, and NUL bytes, which nlohmann's lexer takes for the end of
// the input (so "{}\0garbage" would pass as "{}").
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace xc::detail {

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix (a diagnostic has its own position) and without "last read: '...'" (it
// echoes raw input); the cases users meet named plainly.
inline std::string json_error_text(const nlohmann::json::exception& e) {
    std::string what = e.what();
    if (what.rfind("[json.exception.", 0) == 0)
        if (auto bracket = what.find("] "); bracket != std::string::npos) what.erase(0, bracket + 2);
    if (what.rfind("parse error", 0) == 0)
        if (auto colon = what.find(": "); colon != std::string::npos) what.erase(0, colon + 2);
    if (auto overflow = what.find("number overflow parsing '"); overflow != std::string::npos) {
        std::string number = what.substr(overflow + 25);
        if (!number.empty() && number.back() == '\'') number.pop_back();
        return "number " + number + " is out of range (a number must fit a 64-bit integer or a double)";
    }
    if (what.size() >= 21 && what.compare(what.size() - 21, 21, "expected end of input") == 0)
        return "unexpected text after the JSON value (a document holds exactly one value)";
    if (auto last = what.find("; last read: '"); last != std::string::npos) {
        auto expected = what.rfind("'; expected ");
        what.erase(last, expected != std::string::npos && expected > last ? expected + 1 - last : std::string::npos);
    }
    return what;
}

inline std::string nul_byte_text() {
    return "NUL byte in the input (JSON text cannot hold one; inside a string write \\u0000)";
}

}  // namespace xc::detail
