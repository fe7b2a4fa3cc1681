// libFuzzer entry point: the model loader. See model_harness.hpp.
#include "model_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return xc::fuzz::model_one(data, size);
}
