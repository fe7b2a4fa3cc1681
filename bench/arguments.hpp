// Command lines of the benchmarks: a count that is not one, an option without its value or an
// unknown name is a clear error (exit 2), not an uncaught std::invalid_argument from std::stoul
// (`xc_process_bench --help` used to abort) nor silently ignored.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace xc::bench {

// A command line the harness cannot run: says why, shows `usage`, and exits 2.
[[noreturn]] inline void usage_error(std::string_view why, std::string_view usage) {
    std::cerr << why << "\nusage: " << usage << '\n';
    std::exit(2);
}

// `text` as a whole number in [least, most]; otherwise a usage error naming `what`.
inline std::uint64_t count_argument(std::string_view text, std::string_view what, std::string_view usage, std::uint64_t least = 0,
                                    std::uint64_t most = UINT64_MAX) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < least || value > most)
        usage_error(std::string(what) + ": expected a whole number from " + std::to_string(least) + " to " + std::to_string(most) +
                        ", got '" + std::string(text) + "'",
                    usage);
    return value;
}

// The value after option argv[i] (and i moved past it); a usage error when it is missing.
inline const char* option_value(int& i, int argc, char** argv, std::string_view usage) {
    if (i + 1 >= argc) usage_error(std::string(argv[i]) + ": expected a value after it", usage);
    return argv[++i];
}

// The whole number after option argv[i] (and i moved past it), in [least, most].
inline std::uint64_t count_option(int& i, int argc, char** argv, std::string_view usage, std::uint64_t least = 0,
                                  std::uint64_t most = UINT64_MAX) {
    const std::string_view option = argv[i];
    return count_argument(option_value(i, argc, argv, usage), option, usage, least, most);
}

}  // namespace xc::bench
