// A small validating reader of JSON with Go's rules (encoding/json, so Mattermost's), and the
// views built on it that plugins share: the members of an object and the elements of an array
// as written (keys decoded, values as raw text), JSON string literals read and written.
//
// Why not RapidJSON: these keep the text as sent (numbers, escapes, duplicate keys, member
// order), which is what Mattermost's byte-exact behaviours (the webhook post splitter's
// measures, the incoming-webhook decoder) need, and they are iterative with a fixed nesting
// bound (kJsonScanMaxDepth), so hostile input cannot exhaust the stack.
//
// Go's rules: an escaped surrogate pair is one code point, any other escaped surrogate is
// U+FFFD; raw control characters in strings are refused; numbers as RFC 8259 (optionally
// refused when they overflow a float64, as Go decoding into interface{} does). The input must
// already be valid UTF-8 (the caller checks or repairs it); nothing here validates encoding.
//
// Header-only; its one include is json_escape.hpp (append_json_string, re-exported here).
// Threading: pure functions, any thread. Never throws (std::bad_alloc aside). Views borrow the
// text they were made from.
#pragma once

#include <bitset>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "patchbay/json_canonical.hpp"
#include "patchbay/json_escape.hpp"

namespace pb::sdk {

// Deeper nesting is refused (no webhook sender nests anywhere near this; Go allows 10000).
inline constexpr int kJsonScanMaxDepth = 512;
static_assert(kJsonScanMaxDepth == kMaxCanonicalDepth, "skip_value relies on the same bound");

// Appends code point `cp` (at most U+10FFFF) as UTF-8.
inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Where JsonScanner::string puts what it decodes: nowhere (validation only) or a std::string.
// Any type with add(std::string_view) and add_code_point(uint32_t) will do.
struct JsonDiscardSink {
  void add(std::string_view) {}
  void add_code_point(uint32_t) {}
};
struct JsonStringSink {
  std::string& out;
  void add(std::string_view s) { out.append(s); }
  void add_code_point(uint32_t cp) { append_utf8(out, cp); }
};

inline int json_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A validating, non-recursive reader of Go-flavoured JSON over already valid UTF-8 text: the
// caller drives it (consume, key, string, number, skip_value) and reads positions for raw views.
class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : s_(text) {}

  size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  std::string_view since(size_t start) const { return s_.substr(start, pos_ - start); }

  void skip_ws() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // A string starting at pos_ ('"'), decoded into `sink`.
  template <typename Sink>
  bool string(Sink& sink) {
    if (!consume('"')) return false;
    while (pos_ < s_.size()) {
      size_t run = pos_;
      pos_ = json_string_stop<kJsonStopControl>(s_, pos_);
      sink.add(s_.substr(run, pos_ - run));
      if (pos_ >= s_.size()) return false;
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') return false;  // a raw control character
      if (++pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      switch (e) {
        case '"': sink.add("\""); break;
        case '\\': sink.add("\\"); break;
        case '/': sink.add("/"); break;
        case 'b': sink.add("\b"); break;
        case 'f': sink.add("\f"); break;
        case 'n': sink.add("\n"); break;
        case 'r': sink.add("\r"); break;
        case 't': sink.add("\t"); break;
        case 'u': {
          auto cp = hex4();
          if (!cp) return false;
          uint32_t r = *cp;
          if (r >= 0xD800 && r <= 0xDFFF) {
            // Go: a valid pair is one code point; anything else is U+FFFD, and a following
            // escape is read on its own.
            r = 0xFFFD;
            if (*cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
              size_t save = pos_;
              pos_ += 2;
              auto low = hex4();
              if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
                r = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
              } else {
                pos_ = save;
              }
            }
          }
          sink.add_code_point(r);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  // A number per RFC 8259; with check_range, one that overflows a float64 is refused (Go decodes
  // numbers in interface{} values as float64 and fails on 1e400).
  bool number(bool check_range) {
    size_t start = pos_;
    return number_grammar() && (!check_range || fits_float64(since(start)));
  }

  // Any value, iteratively (no recursion), nested at most kJsonScanMaxDepth - depth levels; with
  // check_numbers, as number(true) reads numbers.
  bool skip_value(int depth, bool check_numbers) {
    // A value in RapidJSON's written form (json_canonical.hpp) is one these rules accept too: a
    // narrower grammar (short escapes, integers of at most 18 digits, which fit a float64), the
    // same depth bound. Most integrations send compact JSON, and that one-pass check crosses it
    // for about half of what the general walk costs; anything else takes the general walk.
    if (size_t end = canonical_value_end(s_, pos_, depth); end != std::string_view::npos) {
      pos_ = end;
      return true;
    }
    return skip_value_with(depth, [check_numbers](std::string_view token) {
      return !check_numbers || fits_float64(token);
    });
  }

  // skip_value, with `number_ok(std::string_view token)` deciding whether each number (its text,
  // already read as RFC 8259 grammar) is acceptable.
  template <typename NumberOk>
  bool skip_value_with(int depth, NumberOk&& number_ok) {
    std::bitset<kJsonScanMaxDepth> in_object;
    int level = 0;  // open containers of this value
    while (true) {
      skip_ws();
      // A value.
      char c = peek();
      if (c == '{' || c == '[') {
        if (depth + level >= kJsonScanMaxDepth) return false;
        ++pos_;
        in_object[level++] = (c == '{');
        skip_ws();
        if (consume(c == '{' ? '}' : ']')) {
          --level;
        } else {
          if (c == '{' && !member_key()) return false;
          continue;
        }
      } else if (c == '"') {
        JsonDiscardSink sink;
        if (!string(sink)) return false;
      } else if (c == 't') {
        if (!literal("true")) return false;
      } else if (c == 'f') {
        if (!literal("false")) return false;
      } else if (c == 'n') {
        if (!literal("null")) return false;
      } else {
        size_t start = pos_;
        if (!number_grammar() || !number_ok(since(start))) return false;
      }
      // After a value: close containers or move to the next element.
      while (true) {
        if (level == 0) return true;
        skip_ws();
        bool object = in_object[level - 1];
        if (consume(',')) {
          skip_ws();
          if (object && !member_key()) return false;
          break;
        }
        if (!consume(object ? '}' : ']')) return false;
        --level;
      }
    }
  }

  // `"key"` then ':' (whitespace around), decoded into `sink`.
  template <typename Sink>
  bool key(Sink& sink) {
    if (!string(sink)) return false;
    skip_ws();
    return consume(':');
  }

 private:
  bool number_grammar() {
    consume('-');
    if (consume('0')) {
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++pos_;
    } else {
      return false;
    }
    if (consume('.')) {
      if (!(peek() >= '0' && peek() <= '9')) return false;
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) return false;
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    return true;
  }

  bool member_key() {
    JsonDiscardSink sink;
    return key(sink);
  }

  std::optional<uint32_t> hex4() {
    if (pos_ + 4 > s_.size()) return std::nullopt;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int d = json_hex_digit(s_[pos_ + i]);
      if (d < 0) return std::nullopt;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    pos_ += 4;
    return v;
  }

  static bool fits_float64(std::string_view n) {
    double value;
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), value);
    if (ec != std::errc::result_out_of_range) return true;
    // from_chars also reports underflow (1e-400), which Go accepts as 0: only a magnitude of at
    // least 1 can have overflowed. Decide by the position of the first significant digit.
    if (!n.empty() && n.front() == '-') n.remove_prefix(1);
    size_t exp_at = n.find_first_of("eE");
    std::string_view mantissa = n.substr(0, exp_at);
    long long exponent = 0;
    if (exp_at != std::string_view::npos) {
      std::string_view e = n.substr(exp_at + 1);
      bool negative = !e.empty() && e.front() == '-';
      if (!e.empty() && (e.front() == '-' || e.front() == '+')) e.remove_prefix(1);
      for (char d : e) {
        exponent = exponent * 10 + (d - '0');
        if (exponent > 1'000'000'000) break;
      }
      if (negative) exponent = -exponent;
    }
    size_t dot = mantissa.find('.');
    std::string_view int_part = mantissa.substr(0, dot);
    long long magnitude;  // decimal position of the first significant digit
    size_t first = int_part.find_first_not_of('0');
    if (first != std::string_view::npos) {
      magnitude = static_cast<long long>(int_part.size() - first);
    } else {
      std::string_view frac = dot == std::string_view::npos ? std::string_view{} : mantissa.substr(dot + 1);
      size_t nz = frac.find_first_not_of('0');
      if (nz == std::string_view::npos) return true;  // zero
      magnitude = -static_cast<long long>(nz);
    }
    return magnitude + exponent <= 0;  // below 1: an underflow, fine
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// One member of a JSON object as written.
struct JsonMemberView {
  std::string_view raw_key;    // as written, quotes included
  std::string key;             // decoded
  std::string_view raw_value;  // as written
};

// The members of one JSON object, in order, duplicates kept; false when `json` (surrounding
// white space allowed) is not exactly one valid object.
inline bool split_json_object(std::string_view json, std::vector<JsonMemberView>& members) {
  members.clear();
  JsonScanner in(json);
  in.skip_ws();
  if (!in.consume('{')) return false;
  in.skip_ws();
  if (!in.consume('}')) {
    while (true) {
      in.skip_ws();
      JsonMemberView m;
      size_t key_start = in.pos();
      JsonStringSink sink{m.key};
      if (!in.string(sink)) return false;
      m.raw_key = in.since(key_start);
      in.skip_ws();
      if (!in.consume(':')) return false;
      in.skip_ws();
      size_t value_start = in.pos();
      if (!in.skip_value(1, false)) return false;
      m.raw_value = in.since(value_start);
      members.push_back(std::move(m));
      in.skip_ws();
      if (in.consume('}')) break;
      if (!in.consume(',')) return false;
    }
  }
  in.skip_ws();
  return in.at_end();
}

// The elements of one JSON array; false when `json` is not exactly one valid array.
inline bool split_json_array(std::string_view json, std::vector<std::string_view>& elements) {
  elements.clear();
  JsonScanner in(json);
  in.skip_ws();
  if (!in.consume('[')) return false;
  in.skip_ws();
  if (!in.consume(']')) {
    while (true) {
      in.skip_ws();
      size_t start = in.pos();
      if (!in.skip_value(1, false)) return false;
      elements.push_back(in.since(start));
      in.skip_ws();
      if (in.consume(']')) break;
      if (!in.consume(',')) return false;
    }
  }
  in.skip_ws();
  return in.at_end();
}

// Decodes a JSON string literal (quotes included); false when it is not one.
inline bool decode_json_string(std::string_view literal, std::string& out) {
  out.clear();
  JsonScanner in(literal);
  JsonStringSink sink{out};
  return in.string(sink) && in.at_end();
}

}  // namespace pb::sdk
