// Guards for reading untrusted JSON with a recursive parser such as RapidJSON's DOM.
//
// Why a plugin needs them: RapidJSON parses, copies, writes and destroys values recursively, so a
// 1 MB request body of "[[[[..." is a stack overflow, and a server crash, unless nesting is
// bounded before parsing. And RapidJSON decodes an unpaired "\udc00" escape into the
// surrogate's 3-byte form, which is not UTF-8: stored as is, it makes every later reader refuse
// the record. Go's decoder, and so Mattermost, reads such an escape as U+FFFD.
//
// Two more RapidJSON traps the fuzzers found, which these helpers cannot cover: a number just
// past DBL_MAX (2e308) parses as infinity and Writer::Double then fails half-way (check what
// Accept() returns, or refuse such numbers); and ParseInsitu with kParseValidateEncodingFlag
// reads up to three bytes past a truncated UTF-8 sequence at the end of the buffer (pad it with
// NULs, or use Parse).
//
// Header-only, no dependencies. Threading: pure functions, any thread. Never throws.
#pragma once

#include <cstddef>
#include <string_view>

namespace pb::sdk {

// Offset of the '[' or '{' that first exceeds `max_depth` levels of nesting in `text`, or
// std::string_view::npos. Brackets inside strings do not count; malformed text is left for the
// parser to report.
inline std::size_t json_too_deep_at(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// Rewrites, in place, every encoded UTF-16 surrogate (ED A0..BF xx) in `bytes` as U+FFFD
// (EF BF BD, the same length). Text that was valid UTF-8 before decoding escapes cannot contain
// ED A0..BF, so only what an unpaired escape produced is touched.
inline void json_replace_surrogates(char* bytes, std::size_t size) {
  auto* b = reinterpret_cast<unsigned char*>(bytes);
  for (std::size_t i = 0; i + 2 < size; ++i) {
    if (b[i] == 0xED && b[i + 1] >= 0xA0) {
      b[i] = 0xEF;
      b[i + 1] = 0xBF;
      b[i + 2] = 0xBD;
      i += 2;
    }
  }
}

}  // namespace pb::sdk
