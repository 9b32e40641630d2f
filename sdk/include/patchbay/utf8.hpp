// UTF-8 validation and repair for text from outside (request bodies, an integration's answer),
// by the rules of Go's utf8.DecodeRune, which Mattermost's server applies: shortest forms only,
// no surrogates (U+D800..U+DFFF), nothing past U+10FFFF. Repair turns every byte that does not
// start a valid sequence into U+FFFD, as Go's JSON decoder does when it unquotes a string.
//
// Header-only, pure; any thread. No allocation beyond the output string's growth.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pb::sdk {

// Length (1-4) of the valid UTF-8 sequence that starts at s[i]; 0 when it is not one.
// Precondition: i < s.size().
inline size_t utf8_length_at(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong three-byte forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // no overlong four-byte forms
    if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// The offset of the first byte >= 0x80 in s[from, size), or s.size(): where a check of the
// encoding has something to look at. Sixteen bytes at a time with SSE2 (every x86-64 has it),
// else eight: request bodies and posts are mostly ASCII, and each is checked on every request.
inline size_t skip_ascii(std::string_view s, size_t from) {
  size_t i = from;
#if defined(__SSE2__)
  for (; i + 16 <= s.size(); i += 16) {
    const auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i))));
    if (mask != 0) return i + static_cast<size_t>(std::countr_zero(mask));
  }
#endif
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
  }
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0x80) != 0) return i;
  }
  return s.size();
}

// True when every byte of `s` is below 0x80: such text is valid UTF-8 whatever it says, so a
// parser may skip its encoding checks (they cost more than the parse on mostly-ASCII JSON).
inline bool is_ascii(std::string_view s) { return skip_ascii(s, 0) == s.size(); }

// The number of code points in valid UTF-8 text: its bytes that do not continue a sequence. On
// valid text this is Go's utf8.RuneCountInString, which Mattermost's length limits use; a stray
// continuation byte in invalid text is not counted (Go counts it as one). Eight bytes at a time:
// post messages and props are counted on every post.
inline size_t count_code_points(std::string_view s) {
  constexpr uint64_t kHighs = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
  size_t continuations = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    // 10xxxxxx: bit 7 set, bit 6 (shifted up into bit 7's place) clear.
    const uint64_t continuation = (word & ~(word << 1) & kHighs) >> 7;
    continuations += (continuation * kOnes) >> 56;  // the sum of the eight 0/1 bytes
  }
  for (; i < s.size(); ++i) continuations += (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
  return s.size() - continuations;
}

// Offset of the first byte of `s` that does not start a valid sequence; npos when `s` is valid.
inline size_t first_invalid_utf8(std::string_view s) {
  for (size_t i = skip_ascii(s, 0); i < s.size(); i = skip_ascii(s, i)) {
    size_t n = utf8_length_at(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

// Appends `s` to `out` with every byte that does not start a valid sequence replaced by U+FFFD.
inline void append_valid_utf8(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_length_at(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
}

}  // namespace pb::sdk
