#include "plugins/auth/tokens.h"

#include <sodium.h>

namespace pb::auth {

std::string new_token() {
  static constexpr char kAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
  uint8_t bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  // base32 of 128 bits = 26 characters (the last one carries 3 bits), no padding.
  std::string out;
  out.reserve(26);
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

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
