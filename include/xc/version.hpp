#pragma once

namespace xc {
// The library's version; the CMake package's version is the same.
inline constexpr const char* version = "0.1.0";
}  // namespace xc
