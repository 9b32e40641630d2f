#include "ids.h"

#include <sodium.h>

#include <cstdint>

namespace pb {
namespace {
constexpr char kAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
}

namespace {

// Every request gets an id, so one getrandom() per id would be a syscall on the hot path. Each
// thread draws 4 KiB at a time and hands out 16 bytes per id. (A process that forks must not
// use ids in the child before drawing new ones; patchbay does not fork after start-up.)
struct RandomPool {
  uint8_t bytes[4096];
  size_t used = sizeof bytes;

  const uint8_t* take16() {
    if (used + 16 > sizeof bytes) {
      randombytes_buf(bytes, sizeof bytes);
      used = 0;
    }
    const uint8_t* out = bytes + used;
    used += 16;
    return out;
  }
};

}  // namespace

void new_id(char out[26]) {
  thread_local RandomPool pool;
  uint8_t raw[16];
  const uint8_t* drawn = pool.take16();
  for (int i = 0; i < 16; ++i) raw[i] = drawn[i];
  // The bytes are spent: wipe them so the pool never holds a handed-out id.
  sodium_memzero(const_cast<uint8_t*>(drawn), 16);
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
