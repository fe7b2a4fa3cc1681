// Whether a KMS key serves only the secrets it encrypts (KmsKey::only_its_secrets), for every
// front end.
//
// It is a requirement the model states, not an AWS setting: the deployment states it the way it
// states a function's handler, in the key's tag "xc:only-its-secrets" = "true" (the emitters
// write it, emit/lowering.hpp). "true" asks it; "false", or no such tag, does not; any other
// value, or a tag not known before apply, leaves the key Unresolved, so its key scope is
// UNDECIDED rather than checked against a guess. ("Key ... 1 to 128 Unicode characters ...
// digits, whitespace, _, ., :, /, =, +, @, -"; "Value ... the set of Unicode letters, digits,
// whitespace, _, ., /, =, +, and -", CloudFormation Template Reference, AWS::KMS::Key Tag.)
#pragma once

#include <optional>
#include <string_view>

namespace xc::input::detail {

inline constexpr const char* only_its_secrets_tag = "xc:only-its-secrets";

// The value the tag states; nullopt for a value that is neither "true" nor "false".
inline std::optional<bool> only_its_secrets_of(std::string_view tag_value) {
    if (tag_value == "true") return true;
    if (tag_value == "false") return false;
    return std::nullopt;
}

inline constexpr const char* only_its_secrets_unknown = "whether the key serves only its secrets (tag xc:only-its-secrets) is not known";
inline constexpr const char* only_its_secrets_bad = "the tag xc:only-its-secrets is neither \"true\" nor \"false\"";

}  // namespace xc::input::detail
