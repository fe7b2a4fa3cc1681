// Command-line numbers for the benchmarks: a count that is not one is a clear error (exit 2), not
// an uncaught std::invalid_argument from std::stoul (`xc_process_bench --help` used to abort).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace xc::bench {

// `text` as a whole number in [least, most]; otherwise says what `what` expected, shows `usage`,
// and exits 2.
inline std::uint64_t count_argument(std::string_view text, std::string_view what, std::string_view usage, std::uint64_t least = 0,
                                    std::uint64_t most = UINT64_MAX) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < least || value > most) {
        std::cerr << what << ": expected a whole number from " << least << " to " << most << ", got '" << text << "'\nusage: " << usage
                  << '\n';
        std::exit(2);
    }
    return value;
}

}  // namespace xc::bench
