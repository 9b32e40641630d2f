#include "ids.h"

#include <sodium.h>
#include <sys/random.h>

#include <cerrno>
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
      fill(bytes, sizeof bytes);
      used = 0;
    }
    const uint8_t* out = bytes + used;
    used += 16;
    return out;
  }

  // The kernel's CSPRNG, in one getrandom() for the whole pool: libsodium's randombytes_buf asks
  // for 256 bytes per call, 16 syscalls per refill (one per 8 webhooks on the loop thread). A
  // call interrupted by a signal returns what it has; the rest is asked for again. Without
  // getrandom (ENOSYS), libsodium's own source.
  static void fill(uint8_t* out, size_t size) {
    while (size > 0) {
      ssize_t got = ::getrandom(out, size, 0);
      if (got < 0) {
        if (errno == EINTR) continue;
        randombytes_buf(out, size);
        return;
      }
      out += got;
      size -= static_cast<size_t>(got);
    }
  }
};

RandomPool& random_pool() {
  thread_local RandomPool pool;
  return pool;
}

}  // namespace

void new_id(char out[26]) {
  uint8_t raw[16];
  const uint8_t* drawn = random_pool().take16();
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

void new_time_ordered_id(int64_t now_ms, char out[26]) {
  static constexpr char kSorted[] = "13456789abcdefghijkmnopqrstuwxyz";
  // 50 bits of milliseconds last until the year 37,000; a clock before 1970 counts as 1970.
  const auto ms = static_cast<uint64_t>(now_ms < 0 ? 0 : now_ms);
  auto t = ms;
  for (int i = 9; i >= 0; --i, t >>= 5) out[i] = kSorted[t & 31];
  const uint8_t* drawn = random_pool().take16();
  // The last 16 symbols carry 80 bits, 5 each. The first id of a millisecond takes 79 random
  // bits; the next ones in the same millisecond (on this thread) add a random 1..2^32 to the
  // previous value, so that ids made in one millisecond also sort in creation order: the
  // store then appends every post to the end of its table (MDB_APPEND, which fills leaves
  // instead of splitting them in halves), and a commit flushes fewer pages. 2^79 leaves room
  // for 2^47 such steps in one millisecond.
  struct Last {
    uint64_t ms = UINT64_MAX;
    unsigned __int128 bits = 0;
  };
  thread_local Last last;
  unsigned __int128 bits = 0;
  if (ms == last.ms) {
    uint32_t step = 0;
    for (int i = 0; i < 4; ++i) step = (step << 8) | drawn[i];
    bits = last.bits + step + 1;
  } else {
    for (int i = 0; i < 10; ++i) bits = (bits << 8) | drawn[i];
    bits &= (static_cast<unsigned __int128>(1) << 79) - 1;
  }
  last = {ms, bits};
  sodium_memzero(const_cast<uint8_t*>(drawn), 16);
  for (int i = 25; i >= 10; --i, bits >>= 5) out[i] = kSorted[static_cast<unsigned>(bits & 31)];
}

std::string new_time_ordered_id(int64_t now_ms) {
  std::string id(26, '\0');
  new_time_ordered_id(now_ms, id.data());
  return id;
}

bool is_valid_id(std::string_view id) { return sdk::is_valid_id(id); }

}  // namespace pb
