#include "plugins/auth/tokens.h"

#include <sodium.h>

#include <patchbay/ids.hpp>

namespace pb::auth {

// A token has exactly the shape of an id (model.NewId()), so the SDK's generator makes both.
std::string new_token() { return sdk::new_id(); }

TokenDigest digest_token(std::string_view token) {
  TokenDigest d{};
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return d;
}

std::string to_hex(const TokenDigest& d) {
  std::string out(d.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), d.data(), d.size());
  out.pop_back();
  return out;
}

bool from_hex(std::string_view hex, TokenDigest& out) {
  size_t len = 0;
  if (hex.size() != out.size() * 2) return false;
  return sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) ==
             0 &&
         len == out.size();
}

bool digest_equal(const TokenDigest& a, const TokenDigest& b) {
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool secret_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace pb::auth
