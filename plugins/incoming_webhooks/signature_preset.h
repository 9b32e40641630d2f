// The names of the signature presets a hook may require (signature.h verifies them). Header-only
// and dependency-free, so the pure hook model validates names without linking libsodium.
#pragma once

#include <optional>
#include <string_view>

namespace pb::incoming_webhooks {

enum class SignaturePreset { none, github, gitlab, slack, hmac_sha256 };

// "" → none; "github", "gitlab", "slack", "hmac-sha256"; anything else nullopt.
inline std::optional<SignaturePreset> parse_signature_preset(std::string_view name) {
  if (name.empty()) return SignaturePreset::none;
  if (name == "github") return SignaturePreset::github;
  if (name == "gitlab") return SignaturePreset::gitlab;
  if (name == "slack") return SignaturePreset::slack;
  if (name == "hmac-sha256") return SignaturePreset::hmac_sha256;
  return std::nullopt;
}

}  // namespace pb::incoming_webhooks
