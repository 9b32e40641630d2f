#include "plugins/incoming_webhooks/signature.h"

#include <sodium.h>

#include <array>
#include <string>

namespace pb::incoming_webhooks {
namespace {

using Digest = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

ApiError refused(std::string_view why) {
  return {401, "web.incoming_webhook.signature.app_error",
          "Invalid webhook signature: " + std::string(why) + "."};
}

Digest hmac(std::string_view key, std::initializer_list<std::string_view> message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  for (std::string_view piece : message) {
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(piece.data()),
                                  piece.size());
  }
  Digest out;
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Exactly 64 hex digits (either case, as senders differ) into a digest.
std::optional<Digest> parse_hex_digest(std::string_view hex) {
  Digest out;
  if (hex.size() != out.size() * 2) return std::nullopt;
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return out;
}

bool equal_digests(const Digest& a, const Digest& b) {
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<ApiError> check_hmac(std::optional<std::string_view> sent, std::string_view prefix,
                                   bool prefix_optional, std::string_view secret,
                                   std::initializer_list<std::string_view> message) {
  if (!sent) return refused("the signature header is missing");
  std::string_view value = *sent;
  if (value.substr(0, prefix.size()) == prefix) {
    value.remove_prefix(prefix.size());
  } else if (!prefix_optional) {
    return refused("the signature is malformed");
  }
  auto digest = parse_hex_digest(value);
  if (!digest) return refused("the signature is malformed");
  if (!equal_digests(*digest, hmac(secret, message))) return refused("the signature does not match");
  return std::nullopt;
}

// A Unix timestamp of at most 12 digits (enough until the year 33658), else nullopt.
std::optional<int64_t> parse_timestamp(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  int64_t out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    out = out * 10 + (c - '0');
  }
  return out;
}

}  // namespace

std::optional<ApiError> verify_signature(SignaturePreset preset, std::string_view custom_header,
                                         std::string_view secret, const HeaderLookup& header,
                                         std::string_view raw_body, int64_t now_seconds) {
  switch (preset) {
    case SignaturePreset::none:
      return std::nullopt;
    case SignaturePreset::github:
      return check_hmac(header("X-Hub-Signature-256"), "sha256=", false, secret, {raw_body});
    case SignaturePreset::hmac_sha256:
      return check_hmac(header(custom_header), "sha256=", true, secret, {raw_body});
    case SignaturePreset::gitlab: {
      auto sent = header("X-Gitlab-Token");
      if (!sent) return refused("the X-Gitlab-Token header is missing");
      // Compare digests, not the strings: constant time also when the lengths differ.
      Digest a = hmac("gitlab-token", {*sent}), b = hmac("gitlab-token", {secret});
      if (!equal_digests(a, b)) return refused("the token does not match");
      return std::nullopt;
    }
    case SignaturePreset::slack: {
      auto stamp_text = header("X-Slack-Request-Timestamp");
      if (!stamp_text) return refused("the X-Slack-Request-Timestamp header is missing");
      auto stamp = parse_timestamp(*stamp_text);
      if (!stamp) return refused("the timestamp is malformed");
      int64_t skew = now_seconds - *stamp;
      if (skew > kSlackMaxSkewSeconds || skew < -kSlackMaxSkewSeconds) {
        return refused("the timestamp is more than 5 minutes away (a replay?)");
      }
      return check_hmac(header("X-Slack-Signature"), "v0=", false, secret,
                        {"v0:", *stamp_text, ":", raw_body});
    }
  }
  return refused("unknown preset");
}

std::string hmac_sha256_hex(std::string_view key, std::initializer_list<std::string_view> message) {
  Digest d = hmac(key, message);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, d.data(), d.size());
  return std::string(hex, sizeof hex - 1);
}

}  // namespace pb::incoming_webhooks
