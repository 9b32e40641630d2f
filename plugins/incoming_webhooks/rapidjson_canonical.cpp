#include "plugins/incoming_webhooks/rapidjson_canonical.h"

#include <patchbay/json_escape.hpp>
#include <patchbay/utf8.hpp>

namespace pb::incoming_webhooks {
namespace {

constexpr size_t kNpos = std::string_view::npos;
// More digits could leave int64 (RapidJSON then reads a double and writes it its own way).
constexpr size_t kMaxIntegerDigits = 18;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// At the opening quote: past the closing one, or npos.
size_t string_end(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    i = sdk::json_string_stop<sdk::kJsonStopControl | sdk::kJsonStopNonAscii>(s, i);
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') return i + 1;
    if (c < 0x20) return kNpos;
    if (c >= 0x80) {
      size_t n = sdk::utf8_length_at(s, i);
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

size_t integer_end(std::string_view s, size_t i) {
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

size_t literal_end(std::string_view s, size_t i, std::string_view word) {
  return s.substr(i, word.size()) == word ? i + word.size() : kNpos;
}

}  // namespace

size_t canonical_value_end(std::string_view s, size_t i, int depth) {
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
        i = canonical_value_end(s, i, depth + 1);
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

bool is_rapidjson_canonical(std::string_view json) {
  return canonical_value_end(json, 0) == json.size();
}

}  // namespace pb::incoming_webhooks
