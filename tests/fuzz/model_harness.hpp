// Harness body: the model loader (whole JSON model -> Model -> Graph).
//
// Every input either loads (and then builds a graph) or is refused with xc::InputError; any
// other exception, crash, hang or sanitizer report is a bug. Checked on the way:
//  * every diagnostic has a message, and its line:column lies inside the input;
//  * a model that loads still loads after re-serialisation (layout never matters).
#pragma once

#include "fuzz_check.hpp"

#include <xc/model/graph.hpp>
#include <xc/input/json/load.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace xc::fuzz {

// Smaller limits than the CLI's so that the fuzzer spends its time on structure, not bulk.
inline constexpr input::json::InputLimits model_fuzz_limits{1u << 20, 64};

inline void check_diagnostics(const InputError& e, std::string_view text) {
    XC_FUZZ_CHECK(!e.diagnostics().empty(), "InputError without diagnostics");
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& d : e.diagnostics()) {
        XC_FUZZ_CHECK(!d.message.empty(), "diagnostic without a message at " + d.path);
        XC_FUZZ_CHECK(d.path.empty() || d.path.front() == '/', "not a JSON Pointer: " + d.path);
        if (d.position.line == 0) continue;
        XC_FUZZ_CHECK(d.position.line <= lines, "line beyond the input: " + to_string(d));
        XC_FUZZ_CHECK(d.position.column >= 1 && d.position.column <= text.size() + 1,
                      "column beyond the input: " + to_string(d));
    }
}

inline int model_one(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string compact;
    try {
        auto source = input::json::parse_json(text, "fuzz.json", model_fuzz_limits);
        compact = source.root().dump();  // parsed once: the round trip below reuses it
        (void)model::build_graph(input::json::load_model(std::move(source)));
    } catch (const InputError& e) {
        check_diagnostics(e, text);
        return 0;
    }
    // Loaded: the same document in another layout must load too (an input already in the
    // compact layout would only repeat the load above).
    if (compact == text) return 0;
    try {
        (void)input::json::load_model_text(compact, "compact.json", model_fuzz_limits);
    } catch (const InputError& e) {
        XC_FUZZ_FAIL(std::string("model loads but not after re-serialisation: ") + e.what());
    }
    return 0;
}

}  // namespace xc::fuzz
