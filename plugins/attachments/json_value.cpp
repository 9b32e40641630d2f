#include "plugins/attachments/json_value.h"

#include <patchbay/json_scan.hpp>

#include <cstdint>

namespace pb::attachments {
namespace {

using sdk::append_utf8;

constexpr uint32_t kReplacement = 0xFFFD;

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

class Parser {
 public:
  Parser(std::string_view text, std::string* error) : s_(text), error_(error) {}

  std::optional<JsonValue> run() {
    JsonValue v;
    skip_ws();
    if (!value(v, 0)) return std::nullopt;
    skip_ws();
    if (pos_ != s_.size()) return fail("trailing characters");
    return v;
  }

 private:
  std::nullopt_t fail(const char* why) {
    if (error_ != nullptr && error_->empty()) {
      *error_ = std::string(why) + " at offset " + std::to_string(pos_);
    }
    return std::nullopt;
  }
  bool failed(const char* why) {
    fail(why);
    return false;
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return failed("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool value(JsonValue& v, int depth) {
    if (depth > kMaxJsonDepth) return failed("nesting too deep");
    if (pos_ >= s_.size()) return failed("unexpected end");
    size_t start = pos_;
    bool ok;
    switch (s_[pos_]) {
      case 'n':
        v.kind = JsonValue::Kind::Null;
        ok = literal("null");
        break;
      case 't':
        v.kind = JsonValue::Kind::Bool;
        v.boolean = true;
        ok = literal("true");
        break;
      case 'f':
        v.kind = JsonValue::Kind::Bool;
        ok = literal("false");
        break;
      case '"':
        v.kind = JsonValue::Kind::String;
        ok = string(v.text);
        break;
      case '[':
        v.kind = JsonValue::Kind::Array;
        ok = array(v, depth);
        break;
      case '{':
        v.kind = JsonValue::Kind::Object;
        ok = object(v, depth);
        break;
      default:
        v.kind = JsonValue::Kind::Number;
        ok = number();
    }
    if (ok) v.raw = s_.substr(start, pos_ - start);
    return ok;
  }

  bool digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool number() {
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return failed("invalid value");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return failed("invalid number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return failed("invalid number");
    }
    return true;
  }

  bool hex4(uint32_t& out) {
    if (pos_ + 4 > s_.size()) return failed("short \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      out <<= 4;
      if (c >= '0' && c <= '9') out |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') out |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= static_cast<uint32_t>(c - 'A' + 10);
      else return failed("invalid \\u escape");
    }
    return true;
  }

  // Decodes a string literal at pos_ (on the opening quote) into `out`, as Go does: invalid
  // UTF-8 and lone surrogates become U+FFFD.
  bool string(std::string& out) {
    ++pos_;
    while (true) {
      if (pos_ >= s_.size()) return failed("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return failed("control character in string");
      if (c == '\\') {
        if (++pos_ >= s_.size()) return failed("unterminated string");
        char e = s_[pos_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            uint32_t cp;
            if (!hex4(cp)) return false;
            if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
              size_t save = pos_;
              pos_ += 2;
              uint32_t lo;
              if (!hex4(lo)) return false;
              if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              } else {
                pos_ = save;  // not a pair: the second escape is decoded on its own
                cp = kReplacement;
              }
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
              cp = kReplacement;
            }
            append_utf8(out, cp);
            break;
          }
          default:
            --pos_;
            return failed("invalid escape");
        }
        continue;
      }
      size_t n = utf8_sequence_length(s_, pos_);
      if (n == 0) {
        append_utf8(out, kReplacement);
        ++pos_;
      } else {
        out.append(s_.substr(pos_, n));
        pos_ += n;
      }
    }
  }

  bool array(JsonValue& v, int depth) {
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_ws();
      v.items.emplace_back();
      if (!value(v.items.back(), depth + 1)) return false;
      skip_ws();
      if (pos_ >= s_.size()) return failed("unterminated array");
      char c = s_[pos_++];
      if (c == ']') return true;
      if (c != ',') return failed("expected ',' or ']'");
    }
  }

  bool object(JsonValue& v, int depth) {
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return failed("expected a key");
      JsonMember m;
      size_t key_start = pos_;
      if (!string(m.key)) return false;
      m.raw_key = s_.substr(key_start, pos_ - key_start);
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return failed("expected ':'");
      ++pos_;
      skip_ws();
      if (!value(m.value, depth + 1)) return false;
      v.members.push_back(std::move(m));
      skip_ws();
      if (pos_ >= s_.size()) return failed("unterminated object");
      char c = s_[pos_++];
      if (c == '}') return true;
      if (c != ',') return failed("expected ',' or '}'");
    }
  }

  std::string_view s_;
  std::string* error_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<JsonValue> parse_json(std::string_view text, std::string* error) {
  if (error != nullptr) error->clear();
  return Parser(text, error).run();
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

size_t count_runes(std::string_view s) {
  size_t runes = 0;
  for (size_t i = 0; i < s.size(); ++runes) {
    size_t n = utf8_sequence_length(s, i);
    i += n == 0 ? 1 : n;
  }
  return runes;
}

}  // namespace pb::attachments
