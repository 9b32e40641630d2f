// JSON text that RapidJSON's Writer would write back byte for byte: the test that lets a reader
// copy JSON it would otherwise parse into a DOM and serialise again.
//
// Why: props (a post's, an attachments.process answer's) are kept in the form RapidJSON's Writer
// gives them (no whitespace, '/' unescaped, \b and \u00XX, numbers re-printed). Most props
// arrive in that form already; for those, copying the text gives the same bytes for a fraction
// of the work (the incoming_webhooks plugin's processed answers, POST /api/v4/posts' props).
// Anything else takes the DOM path.
//
// Canonical here (deliberately narrower than "what the Writer can produce", so that the claim is
// easy to check): valid UTF-8 (Go's rules, utf8.hpp); no whitespace outside strings; strings
// with no raw control character and no escapes but \" \\ \b \f \n \r \t; numbers that are
// integers of at most 18 digits, not -0 (RapidJSON reads them as Int/Uint/Int64 and writes them
// as they were); true, false, null; nesting at most kMaxCanonicalDepth.
//
// Header-only, pure; any thread, no allocation, never throws.
#pragma once

#include <cstddef>
#include <string_view>

#include "patchbay/json_escape.hpp"
#include "patchbay/utf8.hpp"

namespace pb::sdk {

inline constexpr int kMaxCanonicalDepth = 512;

namespace json_canonical_detail {

constexpr size_t kNpos = std::string_view::npos;
// More digits could leave int64 (RapidJSON then reads a double and writes it its own way).
constexpr size_t kMaxIntegerDigits = 18;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// At the opening quote: past the closing one, or npos. Inlined into canonical_value_end: props
// are dozens of short strings, and the call cost a fifth of each one's scan.
[[gnu::always_inline]] inline size_t string_end(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    i = json_string_stop<kJsonStopControl | kJsonStopNonAscii>(s, i);
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') return i + 1;
    if (c < 0x20) return kNpos;
    if (c >= 0x80) {
      size_t n = utf8_length_at(s, i);
      if (n == 0) return kNpos;
      i += n - 1;
      continue;
    }
    if (c == '\\') {
      // The escapes the Writer itself writes for these characters; \/ and \uXXXX it does not.
      if (++i >= s.size()) return kNpos;
      char e = s[i];
      if (e != '"' && e != '\\' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
        return kNpos;
    }
  }
  return kNpos;
}

inline size_t integer_end(std::string_view s, size_t i) {
  bool negative = s[i] == '-';
  if (negative) ++i;
  size_t start = i;
  if (i < s.size() && s[i] == '0') {
    ++i;
    if (negative) return kNpos;  // -0 is written back as 0
  } else {
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  size_t digits = i - start;
  if (digits == 0 || digits > kMaxIntegerDigits) return kNpos;
  // A fraction or exponent is a double (printed RapidJSON's way); a digit after 0 is malformed.
  if (i < s.size() && (s[i] == '.' || s[i] == 'e' || s[i] == 'E' || is_digit(s[i]))) return kNpos;
  return i;
}

inline size_t literal_end(std::string_view s, size_t i, std::string_view word) {
  return s.substr(i, word.size()) == word ? i + word.size() : kNpos;
}

}  // namespace json_canonical_detail

// The offset just past the canonical value that starts at text[pos], or npos when what starts
// there is not a canonical value. `depth` is the nesting of the value's container (0: top
// level); containers nested deeper than kMaxCanonicalDepth levels in all are not canonical.
// Strings are checked for valid UTF-8 as they are scanned (outside strings only ASCII can be).
inline size_t canonical_value_end(std::string_view s, size_t i, int depth = 0) {
  using namespace json_canonical_detail;
  if (i >= s.size()) return kNpos;
  char c = s[i];
  switch (c) {
    case '"': return string_end(s, i);
    case 't': return literal_end(s, i, "true");
    case 'f': return literal_end(s, i, "false");
    case 'n': return literal_end(s, i, "null");
    case '{':
    case '[': {
      if (depth >= kMaxCanonicalDepth) return kNpos;
      const bool object = c == '{';
      const char close = object ? '}' : ']';
      ++i;
      if (i < s.size() && s[i] == close) return i + 1;
      while (true) {
        if (object) {
          if (i >= s.size() || s[i] != '"') return kNpos;
          i = string_end(s, i);
          if (i == kNpos || i >= s.size() || s[i] != ':') return kNpos;
          ++i;
        }
        // A string (most values) is scanned here, not by a recursive call: for a short one the
        // call's prologue and epilogue cost more than the scan itself.
        if (i >= s.size()) return kNpos;
        i = s[i] == '"' ? string_end(s, i) : canonical_value_end(s, i, depth + 1);
        if (i == kNpos || i >= s.size()) return kNpos;
        if (s[i] == close) return i + 1;
        if (s[i] != ',') return kNpos;
        ++i;
      }
    }
    default:
      if (c == '-' || is_digit(c)) return integer_end(s, i);
      return kNpos;
  }
}

// True when the whole of `json` is one canonical value (no surrounding whitespace either).
inline bool is_rapidjson_canonical(std::string_view json) {
  return canonical_value_end(json, 0) == json.size();
}

}  // namespace pb::sdk
