#include "ids.h"

#include <sodium.h>

#include <cstdint>

#include "patchbay/ids.hpp"

namespace pb {
namespace {

// Every request gets an id, so one getrandom() per id would be a syscall on the hot path. Each
// thread draws 4 KiB at a time and hands out 16 bytes per id. (A process that forks must not
// use ids in the child before drawing new ones; patchbay does not fork after start-up.) The
// encoding and the validity rule are the SDK's, shared with the plugins.
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
  sdk::encode_id(raw, out);
  sodium_memzero(raw, sizeof raw);
}

std::string new_id() {
  std::string id(26, '\0');
  new_id(id.data());
  return id;
}

bool is_valid_id(std::string_view id) { return sdk::is_valid_id(id); }

}  // namespace pb
