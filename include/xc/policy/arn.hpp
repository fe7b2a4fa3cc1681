// ARNs: splitting, segment-wise wildcard matching, and API Gateway's execute-api forms.
//
// IAM matches ARNs segment by segment (IAM User Guide, "IAM JSON policy elements: Resource",
// section "Using wildcards in resource ARNs"): `*` and `?` work within each colon-separated
// segment, case-sensitively; a `*` that is the last character of the ARN pattern extends across
// colon boundaries. We apply that as: partition, service, region and account are matched one
// segment each; the resource part (everything after the fifth colon, which may itself contain
// colons and slashes) is matched as one string in which `*` spans anything; and a pattern with
// fewer than six segments whose last character is `*` has its missing segments read as `*`.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "xc/policy/glob.hpp"

namespace xc::policy {

// arn:partition:service:region:account:resource
struct ArnParts {
    std::string_view partition, service, region, account, resource;
};

// Splits a concrete ARN (or an ARN pattern). Needs "arn:" and at least six segments.
inline std::optional<ArnParts> split_arn(std::string_view arn) {
    if (arn.size() < 4 || arn.substr(0, 4) != "arn:") return std::nullopt;
    std::array<std::string_view, 5> seg{};
    std::size_t start = 0;
    for (std::size_t k = 0; k < 5; ++k) {
        auto colon = arn.find(':', start);
        if (colon == std::string_view::npos) return std::nullopt;
        seg[k] = arn.substr(start, colon - start);
        start = colon + 1;
    }
    return ArnParts{seg[1], seg[2], seg[3], seg[4], arn.substr(start)};
}

// A policy-side ARN pattern compiled for segment-wise matching.
struct ArnPattern {
    std::array<GlobPattern, 5> segments;  // partition, service, region, account, resource
    friend bool operator==(const ArnPattern&, const ArnPattern&) = default;
};

namespace detail {
inline GlobPattern slice(const GlobPattern& p, std::size_t from, std::size_t to) {
    GlobPattern out;
    out.text = p.text.substr(from, to - from);
    out.tokens.assign(p.tokens.begin() + static_cast<std::ptrdiff_t>(from),
                      p.tokens.begin() + static_cast<std::ptrdiff_t>(to));
    for (auto t : out.tokens) out.has_wildcards = out.has_wildcards || t != GlobPattern::Token::Literal;
    return out;
}
}  // namespace detail

// Compiles a pattern (whose wildcard positions are already decided, e.g. after policy-variable
// substitution) into an ArnPattern. A pattern with fewer than six segments is accepted only
// when it ends in `*` (the missing segments become `*`) and `allow_short` is set: that is the
// Resource element's rule. Arn* condition operators check "each of the six colon-delimited
// components" and take no short form.
inline std::optional<ArnPattern> compile_arn_pattern(const GlobPattern& p, bool allow_short = true) {
    const std::string& text = p.text;
    if (text.size() < 4 || text.compare(0, 4, "arn:") != 0) return std::nullopt;
    auto next_colon = [&](std::size_t from) {
        for (std::size_t k = from; k < text.size(); ++k)
            if (text[k] == ':' && p.tokens[k] == GlobPattern::Token::Literal) return k;
        return std::string::npos;
    };
    ArnPattern out;
    std::size_t start = 4;
    for (std::size_t k = 0; k < 4; ++k) {
        auto colon = next_colon(start);
        if (colon == std::string::npos) {
            // Short ARN: only a trailing '*' reaches over the missing segments.
            if (!allow_short || p.tokens.back() != GlobPattern::Token::Star) return std::nullopt;
            out.segments[k] = detail::slice(p, start, text.size());
            for (std::size_t r = k + 1; r < 5; ++r) out.segments[r] = GlobPattern::wildcards("*");
            return out;
        }
        out.segments[k] = detail::slice(p, start, colon);
        start = colon + 1;
    }
    out.segments[4] = detail::slice(p, start, text.size());
    return out;
}

// `*` and `?` in `text` are wildcards.
inline std::optional<ArnPattern> compile_arn_pattern(std::string_view text, bool allow_short = true) {
    return compile_arn_pattern(GlobPattern::wildcards(text), allow_short);
}

inline bool arn_matches(const ArnPattern& pattern, const ArnParts& arn) {
    return glob_match(pattern.segments[4], arn.resource) && glob_match(pattern.segments[3], arn.account) &&
           glob_match(pattern.segments[2], arn.region) && glob_match(pattern.segments[1], arn.service) &&
           glob_match(pattern.segments[0], arn.partition);
}

inline bool arn_matches(const ArnPattern& pattern, std::string_view arn) {
    auto parts = split_arn(arn);
    return parts && arn_matches(pattern, *parts);
}

// ---- API Gateway -----------------------------------------------------------------------------

// arn:<partition>:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path...>
struct ExecuteApiArn {
    std::string partition = "aws";
    std::string region;
    std::string account;
    std::string api_id;
    std::string stage;
    std::string method;  // HTTP verb as sent, e.g. "GET"
    std::string path;    // without leading '/', may be empty or contain '/'

    std::string to_string() const {
        return "arn:" + partition + ":execute-api:" + region + ":" + account + ":" + api_id + "/" + stage + "/" +
               method + "/" + path;
    }
};

inline std::optional<ExecuteApiArn> parse_execute_api_arn(std::string_view arn) {
    auto parts = split_arn(arn);
    if (!parts || parts->service != "execute-api") return std::nullopt;
    ExecuteApiArn out;
    out.partition = parts->partition;
    out.region = parts->region;
    out.account = parts->account;
    std::string_view rest = parts->resource;
    std::array<std::string_view, 3> head{};
    for (auto& h : head) {
        auto slash = rest.find('/');
        if (slash == std::string_view::npos) return std::nullopt;
        h = rest.substr(0, slash);
        rest = rest.substr(slash + 1);
    }
    if (head[0].empty() || head[1].empty() || head[2].empty()) return std::nullopt;
    out.api_id = head[0];
    out.stage = head[1];
    out.method = head[2];
    out.path = rest;
    return out;
}

// The API a resource policy is attached to; shorthand resources are expanded against it.
struct ExecuteApiTarget {
    std::string partition = "aws";
    std::string region;
    std::string account;
    std::string api_id;
};

inline constexpr std::string_view execute_api_shorthand_prefix = "execute-api:/";

inline bool is_execute_api_shorthand(std::string_view resource) {
    return resource.substr(0, execute_api_shorthand_prefix.size()) == execute_api_shorthand_prefix;
}

// "execute-api:/prod/GET/pets" -> "arn:aws:execute-api:<region>:<account>:<api-id>/prod/GET/pets"
// (API Gateway Developer Guide, "API Gateway resource policy examples": the console and API
// expand the shorthand to the full ARN of the API the policy is saved on).
inline std::string expand_execute_api_shorthand(std::string_view resource, const ExecuteApiTarget& api) {
    return "arn:" + api.partition + ":execute-api:" + api.region + ":" + api.account + ":" + api.api_id +
           std::string(resource.substr(execute_api_shorthand_prefix.size() - 1));
}

}  // namespace xc::policy
