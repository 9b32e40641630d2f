// Hook signing secrets at rest. An HMAC needs the secret in clear, so it cannot be hashed; it is
// sealed with the plugin setting SecretKey (64 hex digits, a 256-bit key; XSalsa20-Poly1305,
// libsodium's crypto_secretbox, a fresh random nonce per seal) when the operator set one:
//   "box1:<hex nonce||ciphertext>"
// Without a key it is kept as "plain:<secret>" (and the plugin warns at start): the server has no
// key of its own to use. A plain record is sealed the next time its hook is saved with a key.
//
// Pure, any thread; libsodium must be initialised. The secret never goes to a log or an answer.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <sodium.h>

namespace pb::incoming_webhooks {

class SecretBox {
 public:
  // No key: seal() writes plain records.
  SecretBox() = default;
  // nullopt unless `hex_key` is "" (no key) or exactly 64 hex digits.
  static std::optional<SecretBox> from_hex_key(std::string_view hex_key);

  bool has_key() const { return has_key_; }
  std::string seal(std::string_view secret) const;
  // nullopt when the record is malformed, sealed and there is no key, or does not open with it.
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  bool has_key_ = false;
  std::array<unsigned char, crypto_secretbox_KEYBYTES> key_{};
};

}  // namespace pb::incoming_webhooks
