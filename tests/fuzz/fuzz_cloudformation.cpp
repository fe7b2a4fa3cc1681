// libFuzzer entry point: the CloudFormation front end. See cloudformation_harness.hpp.
#include "cloudformation_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return xc::fuzz::cloudformation_one(data, size);
}
