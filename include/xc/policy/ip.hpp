// IPv4 / IPv6 addresses and CIDR blocks, as used by `IpAddress` / `NotIpAddress`.
//
// Both families live in one 128-bit value; an IPv4 block never contains an IPv6 address and
// vice versa (IPv4-mapped IPv6 forms are not unified: IAM compares the address the request
// came from in the family it came in). A policy value without a prefix length is a single host
// (/32 or /128), per the IAM condition-operator reference ("IP address condition operators").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xc::policy {

struct IpAddress {
    enum class Family : std::uint8_t { V4, V6 };
    Family family = Family::V4;
    std::uint64_t high = 0;  // V6: bits 127..64; V4: 0
    std::uint64_t low = 0;   // V6: bits 63..0;   V4: the 32-bit address
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

struct IpCidr {
    IpAddress network;      // host bits already cleared
    unsigned prefix = 0;    // 0..32 or 0..128
    friend bool operator==(const IpCidr&, const IpCidr&) = default;
};

namespace detail {

inline std::optional<std::uint32_t> parse_ipv4(std::string_view s) {
    std::uint32_t value = 0;
    int parts = 0;
    std::size_t i = 0;
    while (parts < 4) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return std::nullopt;
        std::size_t start = i;
        unsigned octet = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            octet = octet * 10 + static_cast<unsigned>(s[i] - '0');
            if (i - start >= 3 || octet > 255) return std::nullopt;
            ++i;
        }
        if (i - start > 1 && s[start] == '0') return std::nullopt;  // no leading zeros
        value = (value << 8) | octet;
        ++parts;
        if (parts < 4) {
            if (i >= s.size() || s[i] != '.') return std::nullopt;
            ++i;
        }
    }
    if (i != s.size()) return std::nullopt;
    return value;
}

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

inline std::optional<std::array<std::uint16_t, 8>> parse_ipv6(std::string_view s) {
    std::array<std::uint16_t, 8> groups{};
    std::array<std::uint16_t, 8> head{}, tail{};
    int head_n = 0, tail_n = 0;
    bool compressed = false;
    std::size_t i = 0;
    if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
        compressed = true;
        i = 2;
    } else if (!s.empty() && s[0] == ':') {
        return std::nullopt;
    }
    while (i < s.size()) {
        std::size_t start = i;
        unsigned value = 0;
        while (i < s.size() && hex_digit(s[i]) >= 0) {
            value = value * 16 + static_cast<unsigned>(hex_digit(s[i]));
            ++i;
        }
        std::size_t len = i - start;
        if (len == 0 || len > 4) return std::nullopt;
        if (compressed) {
            if (tail_n == 8) return std::nullopt;
            tail[tail_n++] = static_cast<std::uint16_t>(value);
        } else {
            if (head_n == 8) return std::nullopt;
            head[head_n++] = static_cast<std::uint16_t>(value);
        }
        if (i == s.size()) break;
        if (s[i] != ':') return std::nullopt;
        ++i;
        if (i < s.size() && s[i] == ':') {
            if (compressed) return std::nullopt;  // second "::"
            compressed = true;
            ++i;
        } else if (i == s.size()) {
            return std::nullopt;  // trailing single ':'
        }
    }
    int total = head_n + tail_n;
    if (compressed ? total > 7 : total != 8) return std::nullopt;
    for (int k = 0; k < head_n; ++k) groups[static_cast<std::size_t>(k)] = head[static_cast<std::size_t>(k)];
    for (int k = 0; k < tail_n; ++k) groups[static_cast<std::size_t>(8 - tail_n + k)] = tail[static_cast<std::size_t>(k)];
    return groups;
}

inline std::optional<unsigned> parse_prefix(std::string_view s, unsigned max) {
    if (s.empty() || s.size() > 3) return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (s.size() > 1 && s[0] == '0') return std::nullopt;
    if (v > max) return std::nullopt;
    return v;
}

}  // namespace detail

inline std::optional<IpAddress> parse_ip_address(std::string_view s) {
    if (auto v4 = detail::parse_ipv4(s)) return IpAddress{IpAddress::Family::V4, 0, *v4};
    if (auto v6 = detail::parse_ipv6(s)) {
        IpAddress a{IpAddress::Family::V6, 0, 0};
        for (std::size_t k = 0; k < 4; ++k) a.high = (a.high << 16) | (*v6)[k];
        for (std::size_t k = 4; k < 8; ++k) a.low = (a.low << 16) | (*v6)[k];
        return a;
    }
    return std::nullopt;
}

namespace detail {
inline IpAddress mask(IpAddress a, unsigned prefix) {
    if (a.family == IpAddress::Family::V4) {
        std::uint64_t m = prefix == 0 ? 0 : (0xFFFFFFFFull << (32 - prefix)) & 0xFFFFFFFFull;
        a.low &= m;
        return a;
    }
    if (prefix <= 64) {
        a.high &= prefix == 0 ? 0 : ~0ull << (64 - prefix);
        a.low = 0;
    } else {
        a.low &= ~0ull << (128 - prefix);
    }
    return a;
}
}  // namespace detail

// "10.0.0.0/8", "2001:db8::/32", or a bare address (a single host).
inline std::optional<IpCidr> parse_cidr(std::string_view s) {
    auto slash = s.find('/');
    auto addr = parse_ip_address(s.substr(0, slash));
    if (!addr) return std::nullopt;
    unsigned max = addr->family == IpAddress::Family::V4 ? 32u : 128u;
    unsigned prefix = max;
    if (slash != std::string_view::npos) {
        auto p = detail::parse_prefix(s.substr(slash + 1), max);
        if (!p) return std::nullopt;
        prefix = *p;
    }
    return IpCidr{detail::mask(*addr, prefix), prefix};
}

inline bool cidr_contains(const IpCidr& block, const IpAddress& address) {
    if (block.network.family != address.family) return false;
    return detail::mask(address, block.prefix) == block.network;
}

}  // namespace xc::policy
