// Harness body: the model loader (whole JSON model -> Model -> Graph).
//
// Every input either loads (and then builds a graph) or is refused with xc::InputError; any
// other exception, crash, hang or sanitizer report is a bug. Checked on the way:
//  * every diagnostic has a message, and its line:column lies inside the input;
//  * a model that loads still loads after re-serialisation (layout never matters);
//  * a model that loads is written by the model writer (emit/model_json.hpp, `xc import`) to a
//    text that loads and is written again to the same bytes.
#pragma once

#include "fuzz_check.hpp"

#include <xc/emit/model_json.hpp>
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

// A model of our format has nothing the writer refuses (no unresolved values; records keyed by
// their label): a LoweringError here is a bug.
inline std::string write_model(const model::Model& m) {
    try {
        return emit::model_json(m);
    } catch (const LoweringError& e) {
        XC_FUZZ_FAIL(std::string("a loaded model cannot be written: ") + e.what());
    }
    return {};  // not reached: XC_FUZZ_FAIL aborts (fuzzing) or throws (regression test)
}

inline int model_one(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string compact, written;
    try {
        auto source = input::json::parse_json(text, "fuzz.json", model_fuzz_limits);
        compact = source.root().dump();  // parsed once: the round trip below reuses it
        auto loaded = input::json::load_model(std::move(source));
        written = write_model(loaded);
        (void)model::build_graph(std::move(loaded));
    } catch (const InputError& e) {
        check_diagnostics(e, text);
        return 0;
    }
    // The writer's inverse: what it wrote loads (templates expanded, so without the fuzzing
    // limits) and is written again to the same bytes.
    try {
        XC_FUZZ_CHECK(write_model(input::json::load_model_text(written, "written.json")) == written,
                      "the written model is written differently once read back");
    } catch (const InputError& e) {
        XC_FUZZ_FAIL(std::string("the written model does not load: ") + e.what());
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
