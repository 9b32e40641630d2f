// Guards for reading untrusted JSON with a recursive parser such as RapidJSON's DOM.
//
// Why a plugin needs them: RapidJSON parses, copies, writes and destroys values recursively, so a
// 1 MB request body of "[[[[..." is a stack overflow, and a server crash, unless nesting is
// bounded before parsing. And RapidJSON decodes an unpaired "\udc00" escape into the
// surrogate's 3-byte form, which is not UTF-8: stored as is, it makes every later reader refuse
// the record. Go's decoder, and so Mattermost, reads such an escape as U+FFFD.
//
// And RapidJSON 1.1's kParseFullPrecisionFlag (the parse that keeps the numbers a client sent)
// reads some numbers wrong: a zero with an exponent or a long fraction ("0e308", "0e-23",
// "0.000...0" with 23 zeros) becomes garbage (-6.06e-269 for 0e308), a number below about
// 1e-300 or past 1e300 may too, and hundreds of zeros after the point read out of bounds
// (a crash). json_full_precision_safe() rewrites those numbers first.
//
// Two more RapidJSON traps the fuzzers found: a number just past DBL_MAX (2e308) parses as
// infinity and Writer::Double then fails half-way (check what Accept() returns, or refuse such
// numbers); and ParseInsitu with kParseValidateEncodingFlag reads up to three bytes past a
// truncated UTF-8 sequence at the end of the buffer (pad it with NULs, or use Parse).
//
// Header-only; needs only json_escape.hpp (its string scan). Threading: pure functions, any
// thread. Never throws.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "patchbay/json_escape.hpp"

namespace pb::sdk {

// Calls visit(i) for each byte text[i] outside JSON strings (quotes included in neither), in
// order; visit returns the offset to go on from (i + 1 to take the next byte), or
// std::string_view::npos to stop. Returns where it stopped, or npos after the end.
template <typename Visit>
std::size_t json_walk_outside_strings(std::string_view text, Visit&& visit) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    if (in_string) {
      i = json_string_stop<kJsonStopQuoteBackslash>(text, i);
      if (i == text.size()) break;
      if (text[i] == '\\') {
        i += 2;  // the escaped character, whatever it is
      } else {
        in_string = false;
        ++i;
      }
    } else if (text[i] == '"') {
      in_string = true;
      ++i;
    } else {
      const std::size_t next = visit(i);
      if (next == std::string_view::npos) return i;
      i = next;
    }
  }
  return std::string_view::npos;
}

// Offset of the '[' or '{' that first exceeds `max_depth` levels of nesting in `text`, or
// std::string_view::npos. Brackets inside strings do not count; malformed text is left for the
// parser to report.
inline std::size_t json_too_deep_at(std::string_view text, int max_depth) {
  int depth = 0;
  return json_walk_outside_strings(text, [&](std::size_t i) -> std::size_t {
    const char c = text[i];
    if (c == '{' || c == '[') {
      if (++depth > max_depth) return std::string_view::npos;
    } else if (c == '}' || c == ']') {
      --depth;
    }
    return i + 1;
  });
}

// Rewrites, in place, every encoded UTF-16 surrogate (ED A0..BF xx) in `bytes` as U+FFFD
// (EF BF BD, the same length). Text that was valid UTF-8 before decoding escapes cannot contain
// ED A0..BF, so only what an unpaired escape produced is touched.
inline void json_replace_surrogates(char* bytes, std::size_t size) {
  auto* b = reinterpret_cast<unsigned char*>(bytes);
  for (std::size_t i = 0; i + 2 < size;) {
    // memchr: the lead byte is rare, and this runs over every decoded body.
    const void* lead = std::memchr(b + i, 0xED, size - 2 - i);
    if (lead == nullptr) return;
    i = static_cast<std::size_t>(static_cast<const unsigned char*>(lead) - b);
    if (b[i + 1] >= 0xA0) {
      b[i] = 0xEF;
      b[i + 1] = 0xBF;
      b[i + 2] = 0xBD;
      i += 3;
    } else {
      ++i;
    }
  }
}

namespace json_number_detail {

// One number token of JSON text (outside strings), as RapidJSON's grammar reads it.
struct Token {
  std::size_t begin = 0, end = 0;
  bool zero = true;        // every mantissa digit is 0
  int leading_zeros = 0;   // zeros after the point before the first significant digit (int part 0)
  int fraction_digits = 0;
  bool has_exponent = false;
  long decimal_exponent = 0;  // of the first significant digit (meaningless when zero)
};

// Reads the token starting at text[i] ('-' or a digit). Returns its end.
inline Token read(std::string_view text, std::size_t i) {
  Token t;
  t.begin = i;
  if (i < text.size() && text[i] == '-') ++i;
  long int_digits = 0;
  long first_significant = -1;  // position among the mantissa digits
  long position = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++position, ++int_digits) {
    if (text[i] != '0' && first_significant < 0) first_significant = position;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++position) {
      ++t.fraction_digits;
      if (text[i] != '0' && first_significant < 0) first_significant = position;
      if (first_significant < 0 && int_digits <= 1) ++t.leading_zeros;
    }
  }
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    t.has_exponent = true;
    ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent < 100000) exponent = exponent * 10 + (text[i] - '0');  // clamped: far enough
    }
    if (negative) exponent = -exponent;
  }
  t.end = i;
  t.zero = first_significant < 0;
  if (!t.zero) t.decimal_exponent = exponent + (int_digits - 1 - first_significant);
  return t;
}

// Whether RapidJSON 1.1's full-precision parse reads `t` right (measured against strtod:
// 0.0 to 0.0000000000000000 and plain zeros are read right, other zeros are not; non-zero
// numbers are, within 1e-300..1e300 and with few zeros after the point).
inline bool read_right(const Token& t) {
  if (t.zero) return !t.has_exponent && t.fraction_digits <= 16;
  return t.decimal_exponent >= -300 && t.decimal_exponent <= 300 && t.leading_zeros <= 40;
}

// Writes the shortest text of the same double over the token (spaces after it), when it fits.
// A number past DBL_MAX becomes "1e999", which the parser refuses as too big (left as it was,
// a long one trips an assertion inside RapidJSON). False when it does not fit.
inline bool rewrite(char* text, const Token& t) {
  const char* first = text + t.begin;
  const char* last = text + t.end;
  const bool negative = *first == '-';
  double value = 0;
  bool too_big = false;
  auto parsed = std::from_chars(first, last, value);
  if (parsed.ec == std::errc::result_out_of_range) {
    too_big = t.decimal_exponent > 0;
    value = negative ? -0.0 : 0.0;  // underflow: the number is a zero
  } else if (parsed.ec != std::errc() || parsed.ptr != last) {
    return true;  // not a number after all: the parser reports the syntax error
  }
  char out[40];
  std::size_t n = 0;
  if (too_big) {
    const char* big = negative ? "-1e999" : "1e999";
    n = std::strlen(big);
    std::memcpy(out, big, n);
  } else if (value == 0) {
    const char* zero = negative ? "-0.0" : "0.0";  // a double, as the token was
    n = std::strlen(zero);
    std::memcpy(out, zero, n);
  } else {
    // The shortest digits as an integer with an exponent ("944e301", not "9.44e303"): never
    // longer than the number sent, which has at least as many significant digits.
    char sci[40];
    auto written = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
    if (written.ec != std::errc()) return false;
    const char* e = static_cast<const char*>(std::memchr(sci, 'e', written.ptr - sci));
    if (e == nullptr) return false;
    long exponent = 0;
    std::from_chars(e + 1 + (e[1] == '+'), written.ptr, exponent);
    for (const char* c = sci; c < e; ++c) {
      if (*c == '.') {
        exponent -= e - c - 1;  // the digits after the point move into the exponent
      } else {
        out[n++] = *c;
      }
    }
    if (exponent != 0) {
      out[n++] = 'e';
      n = static_cast<std::size_t>(std::to_chars(out + n, out + sizeof out, exponent).ptr - out);
    }
  }
  const std::size_t size = t.end - t.begin;
  if (n > size) return false;
  std::memcpy(text + t.begin, out, n);
  std::memset(text + t.begin + n, ' ', size - n);
  return true;
}

// Calls fn(token) for each number outside strings until fn returns false. False if stopped.
template <typename Fn>
bool each_number(std::string_view text, Fn&& fn) {
  return json_walk_outside_strings(text, [&](std::size_t i) -> std::size_t {
    const char c = text[i];
    if (c != '-' && (c < '0' || c > '9')) return i + 1;
    Token t = read(text, i);
    if (!fn(t)) return std::string_view::npos;
    return t.end > i ? t.end : i + 1;
  }) == std::string_view::npos;
}

}  // namespace json_number_detail

// Rewrites in place, at the same length (spaces after), every number of `text` that RapidJSON
// 1.1's kParseFullPrecisionFlag parse reads wrong, as the shortest text of the same double (a
// zero as "0.0"), so the parse then gives what strtod gives; numbers past DBL_MAX as "1e999",
// which the parse refuses (as Go's decoder, and so Mattermost, refuses them). False when a
// number could not be rewritten: refuse the text. Run it before any full-precision parse of
// text from outside.
inline bool json_rewrite_misread_numbers(char* text, std::size_t size) {
  return json_number_detail::each_number(std::string_view(text, size), [&](const auto& t) {
    return json_number_detail::read_right(t) || json_number_detail::rewrite(text, t);
  });
}

// The text to give a full-precision parse: `text` itself when RapidJSON reads all its numbers
// right (the usual case: one scan, no copy), else a copy in `scratch` rewritten as above.
// nullopt when a number could not be rewritten: refuse the text.
inline std::optional<std::string_view> json_full_precision_safe(std::string_view text,
                                                                std::string& scratch) {
  const bool all_right = json_number_detail::each_number(
      text, [](const auto& t) { return json_number_detail::read_right(t); });
  if (all_right) return text;
  scratch.assign(text.data(), text.size());
  if (!json_rewrite_misread_numbers(scratch.data(), scratch.size())) return std::nullopt;
  return std::string_view(scratch);
}

}  // namespace pb::sdk
