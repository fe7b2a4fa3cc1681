// libFuzzer entry point: the policy parser and evaluator. See policy_harness.hpp.
#include "policy_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return xc::fuzz::policy_one(data, size);
}
