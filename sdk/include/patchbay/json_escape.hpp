// Writing text as JSON string literals: the one escaper plugins share (plugin.hpp and
// json_scan.hpp re-export it, so existing includes keep working).
//
// '"' and '\\' are escaped, \n \r \t by name, other control characters as \u00XX (lower-case
// hex), everything else (bytes >= 0x80 included, so UTF-8 passes through) as it is. Callers pass
// valid UTF-8. (core/chat keeps its own RapidJSON-exact escaper for stored rows: \b \f by name,
// upper-case hex.)
//
// Runs of bytes that need no escaping are appended whole: most text has no escape at all and is
// one append, instead of a push_back (with its capacity check) per byte. The search for the end
// of such a run, json_string_stop, is also what the SDK's JSON readers (json_scan.hpp,
// json_guard.hpp) cross string content with, so it lives here, where they all include it.
//
// Header-only, pure; any thread; no allocation beyond the output string's growth.
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

// What ends a run of plain string content for json_string_stop: '"' and '\\' always; control
// characters (< 0x20) for writers and strict readers; bytes >= 0x80 for readers that check UTF-8.
inline constexpr unsigned kJsonStopQuoteBackslash = 0;
inline constexpr unsigned kJsonStopControl = 1;
inline constexpr unsigned kJsonStopNonAscii = 2;

// Offset of the first byte of s[from, size) that ends a run (kStops), or s.size(). Sixteen bytes
// at a time with SSE2 (every x86-64 has it), else eight: most JSON text is strings and most
// strings are plain, so this is the loop that matters (a sixth of the loop thread's instructions
// per webhook went through its eight-byte form).
template <unsigned kStops>
[[gnu::always_inline]] inline std::size_t json_string_stop(std::string_view s, std::size_t from) {
  std::size_t i = from;
#if defined(__SSE2__)
  {
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i below_space = _mm_set1_epi8(0x1F);
    for (; i + 16 <= s.size(); i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash));
      // Unsigned: a byte is below 0x20 exactly when min(byte, 0x1F) is the byte itself.
      if constexpr ((kStops & kJsonStopControl) != 0)
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(bytes, below_space), bytes));
      auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      if constexpr ((kStops & kJsonStopNonAscii) != 0)
        mask |= static_cast<unsigned>(_mm_movemask_epi8(bytes));  // the high bit of each byte
      if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
    }
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      const std::uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
      // Each term flags the bytes equal to (or, for controls, below) its value; a borrow can only
      // flag a byte above one truly flagged, so the lowest flag is the first stop.
      std::uint64_t hit = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash);
      if constexpr ((kStops & kJsonStopControl) != 0) hit |= (word - kOnes * 0x20) & ~word;
      if constexpr ((kStops & kJsonStopNonAscii) != 0) hit |= word;
      hit &= kHighs;
      if (hit != 0) return i + static_cast<std::size_t>(std::countr_zero(hit) >> 3);
    }
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') return i;
    if ((kStops & kJsonStopControl) != 0 && c < 0x20) return i;
    if ((kStops & kJsonStopNonAscii) != 0 && c >= 0x80) return i;
  }
  return s.size();
}

// Appends `s` to `out` as the inside of a JSON string literal (quotes not included).
inline void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;  // s[run, i) needs no escaping and is not yet appended
  for (size_t i = json_string_stop<kJsonStopControl>(s, 0); i < s.size();
       i = json_string_stop<kJsonStopControl>(s, i + 1)) {
    auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
}

// Appends `s` as a complete JSON string literal, quotes included.
inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

}  // namespace pb::sdk
