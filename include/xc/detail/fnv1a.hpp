// FNV-1a 64 as 16 hex digits: a change trigger, not a security boundary. The CloudFormation
// emitter and SAM's transform both name a deployment by the hash of what it deploys, so a
// change to the API gets a new deployment.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace xc::detail {

inline std::string fnv1a_hex(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace xc::detail
