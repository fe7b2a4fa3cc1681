// IPv4 networks as the model writes them ("192.168.0.0/16").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xc::model {

struct Ipv4Cidr {
    std::uint32_t network = 0;  // host bits are zero
    unsigned prefix = 0;        // 0..32

    std::uint32_t mask() const { return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix); }
    std::uint32_t first() const { return network; }
    std::uint32_t last() const { return network | ~mask(); }
    bool contains(const Ipv4Cidr& inner) const {
        return inner.prefix >= prefix && (inner.network & mask()) == network;
    }
    bool overlaps(const Ipv4Cidr& other) const { return first() <= other.last() && other.first() <= last(); }
    friend bool operator==(const Ipv4Cidr&, const Ipv4Cidr&) = default;

    std::string to_string() const {
        std::string s;
        for (int shift = 24; shift >= 0; shift -= 8) {
            if (!s.empty()) s += '.';
            s += std::to_string((network >> shift) & 0xffu);
        }
        return s + '/' + std::to_string(prefix);
    }
};

namespace detail {
inline std::optional<std::uint32_t> parse_ipv4_address(std::string_view s) {
    std::uint32_t value = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (s.empty() || s.front() != '.') return std::nullopt;
            s.remove_prefix(1);
        }
        std::size_t digits = 0;
        unsigned part = 0;
        while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9' && digits < 4)
            part = part * 10 + static_cast<unsigned>(s[digits++] - '0');
        if (digits == 0 || digits > 3 || part > 255 || (digits > 1 && s[0] == '0')) return std::nullopt;
        s.remove_prefix(digits);
        value = (value << 8) | part;
    }
    if (!s.empty()) return std::nullopt;
    return value;
}
}  // namespace detail

// Strict: four decimal octets without leading zeros, a prefix 0..32, and no host bits set
// (AWS rejects "10.0.0.1/16" for a VPC; accepting it would hide a typo).
enum class CidrError { none, syntax, host_bits };

inline std::optional<Ipv4Cidr> parse_ipv4_cidr(std::string_view s, CidrError* error = nullptr) {
    auto fail = [&](CidrError e) -> std::optional<Ipv4Cidr> {
        if (error) *error = e;
        return std::nullopt;
    };
    auto slash = s.find('/');
    if (slash == std::string_view::npos) return fail(CidrError::syntax);
    auto address = detail::parse_ipv4_address(s.substr(0, slash));
    auto bits = s.substr(slash + 1);
    if (!address || bits.empty() || bits.size() > 2 || (bits.size() == 2 && bits[0] == '0'))
        return fail(CidrError::syntax);
    unsigned prefix = 0;
    for (char c : bits) {
        if (c < '0' || c > '9') return fail(CidrError::syntax);
        prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    }
    if (prefix > 32) return fail(CidrError::syntax);
    Ipv4Cidr cidr{*address, prefix};
    if ((*address & cidr.mask()) != *address) return fail(CidrError::host_bits);
    if (error) *error = CidrError::none;
    return cidr;
}

}  // namespace xc::model
