// patchbay/ids.hpp — Mattermost-shaped ids for plugins: new_id() makes one as model.NewId() does
// (16 bytes from the kernel's CSPRNG, base32 with the alphabet "ybndrfg8ejkmcpqxot1uwisza345h769",
// 26 characters, the last carrying 3 bits), is_valid_id() checks one as model.IsValidId() does.
// Header-only; needs Linux getrandom(2), no other library.
//
// Ids made here are secrets in some places (an incoming webhook's id is its only credential,
// tokens are ids), so new_id() never falls back to a weaker source: when the kernel refuses
// randomness (getrandom missing, seccomp, ...) it prints why and aborts the process.
//
// Threading: any thread. Errors: none returned; see above. Cost: one getrandom call per id, no
// heap besides the returned string (new_id(char*) writes into the caller's buffer instead).
#pragma once

#include <sys/random.h>

#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pb::sdk {

inline constexpr size_t kIdLength = 26;

namespace ids_detail {

inline constexpr char kIdAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";

// Fills `out` from getrandom(2), retrying after signals and short reads (possible above 256
// bytes, and for any size when a signal lands while the pool is still initialising).
inline void fill_random(uint8_t* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = getrandom(out + done, size - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // A weak id would be a guessable credential: stopping is the only safe answer.
    int err = n < 0 ? errno : EIO;
    std::fprintf(stderr, "patchbay: getrandom failed (%s); refusing to make ids without it\n",
                 std::strerror(err));
    std::abort();
  }
}

}  // namespace ids_detail

// The id of 16 random bytes: RFC 4648 base32 with the id alphabet, 25 full symbols and then the
// last 3 bits padded to a symbol. Writes out[0..26) (no terminating NUL). For callers that draw
// their own randomness (the core pools it per thread); everyone else wants new_id().
inline void encode_id(const uint8_t (&raw)[16], char* out) {
  // The 128 bits as two big-endian words; each symbol is then one shift and mask (a symbol per
  // byte-buffer step cost three times as much, and every request gets an id).
  uint64_t hi, lo;
  std::memcpy(&hi, raw, 8);
  std::memcpy(&lo, raw + 8, 8);
  if constexpr (std::endian::native == std::endian::little) {
    hi = __builtin_bswap64(hi);
    lo = __builtin_bswap64(lo);
  }
  const char* alphabet = ids_detail::kIdAlphabet;
#pragma GCC unroll 12
  for (int k = 0; k < 12; ++k) out[k] = alphabet[(hi >> (59 - 5 * k)) & 31];  // hi bits 63..4
  out[12] = alphabet[((hi & 15) << 1) | (lo >> 63)];                          // hi 3..0, lo 63
#pragma GCC unroll 12
  for (int k = 0; k < 12; ++k) out[13 + k] = alphabet[(lo >> (58 - 5 * k)) & 31];  // lo 62..3
  out[25] = alphabet[(lo & 7) << 2];  // the last 3 bits, padded
}

// Writes a fresh id into out[0..26) (no terminating NUL).
inline void new_id(char* out) {
  uint8_t raw[16];
  ids_detail::fill_random(raw, sizeof raw);
  encode_id(raw, out);
  explicit_bzero(raw, sizeof raw);  // ids can be credentials: leave no copy on the stack
}

inline std::string new_id() {
  std::string id(kIdLength, '\0');
  new_id(id.data());
  return id;
}

namespace ids_detail {

#if defined(__SSE2__)
// All 16 bytes at `p` are ASCII letters or digits: the scalar test below, 16 lanes at a time.
inline bool all_alnum16(const char* p) noexcept {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i letter = _mm_sub_epi8(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
  const __m128i digit = _mm_sub_epi8(bytes, _mm_set1_epi8('0'));
  // Unsigned x < n exactly when min(x, n - 1) == x.
  const __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(25)), letter);
  const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
  return _mm_movemask_epi8(_mm_or_si128(is_letter, is_digit)) == 0xFFFF;
}
#endif

}  // namespace ids_detail

// Mattermost's IsValidId as the wire spec states it and the core checks it: exactly 26 ASCII
// letters or digits, any case (not only new_id's alphabet: ids made elsewhere are accepted too).
// Every request checks a few (route ids, a post's channel and user): at run time two
// overlapping 16-byte checks, a fifth of the byte loop's instructions.
constexpr bool is_valid_id(std::string_view id) noexcept {
  if (id.size() != kIdLength) return false;
#if defined(__SSE2__)
  static_assert(kIdLength >= 16 && kIdLength <= 32);
  if (!std::is_constant_evaluated()) {
    return ids_detail::all_alnum16(id.data()) &&
           ids_detail::all_alnum16(id.data() + kIdLength - 16);
  }
#endif
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    // Setting bit 5 maps A-Z onto a-z (and nothing else onto them); one unsigned compare per range.
    const bool alnum = static_cast<unsigned char>((u | 0x20) - 'a') < 26 ||
                       static_cast<unsigned char>(u - '0') < 10;
    if (!alnum) return false;
  }
  return true;
}

}  // namespace pb::sdk
