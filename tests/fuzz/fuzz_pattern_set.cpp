// libFuzzer entry point: glob / pattern-set realisability. See pattern_set_harness.hpp.
#include "pattern_set_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return xc::fuzz::pattern_set_one(data, size);
}
