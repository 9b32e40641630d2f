#include "ids.h"

#include <sodium.h>

#include <cstdint>

namespace pb {
namespace {
constexpr char kAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
}

void new_id(char out[26]) {
  uint8_t raw[16];
  randombytes_buf(raw, sizeof raw);
  // RFC 4648 base32 over 128 bits gives 26 symbols (the last one carries 3 bits).
  uint32_t buffer = 0;
  int bits = 0;
  int n = 0;
  for (uint8_t byte : raw) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out[n++] = kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  out[n++] = kAlphabet[(buffer << (5 - bits)) & 31];
}

std::string new_id() {
  std::string id(26, '\0');
  new_id(id.data());
  return id;
}

bool is_valid_id(std::string_view id) {
  if (id.size() != 26) return false;
  for (char c : id) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) return false;
  }
  return true;
}

}  // namespace pb
