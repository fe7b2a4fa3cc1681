// libFuzzer entry point: the HCL native-syntax parser. See hcl_harness.hpp.
#include "hcl_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return xc::fuzz::hcl_one(data, size);
}
