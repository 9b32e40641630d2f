#include "plugins/attachments/json_value.h"

#include <patchbay/json_scan.hpp>
#include <patchbay/utf8.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace pb::attachments {
namespace {

using sdk::append_utf8;

constexpr uint32_t kReplacement = 0xFFFD;

// Go's rules (shortest forms, no surrogates, nothing past U+10FFFF): one copy, in the SDK.
using sdk::utf8_length_at;

// Where a run of string text that needs no decoding ends: a quote, a backslash, a control
// character or the first byte of a UTF-8 sequence (validated on its own).
constexpr unsigned kPlainAscii = sdk::kJsonStopControl | sdk::kJsonStopNonAscii;

// The children of the containers being parsed, as two stacks: a container's members or elements
// are parsed onto them and copied into the document's arena, exactly sized, when it closes; and
// the buffer a string with escapes (or invalid UTF-8) is decoded into before its copy into the
// arena. Thread-local so that the loop thread, which parses every webhook's attachments.process
// request, keeps the capacity from one call to the next; parse_json is not re-entrant (no
// callbacks).
struct Scratch {
  std::vector<JsonMember> members;
  std::vector<JsonValue> items;
  std::string decoded;
};
// Capacity kept between calls: enough for any webhook's attachments; a hostile document with more
// children at once (or a longer escaped string) gets its scratch released afterwards rather than
// kept for the thread's life.
constexpr size_t kScratchKept = 256;
constexpr size_t kDecodedKept = 64 * 1024;

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Empties the stacks down to where this parse found them, whatever way it ends.
class ScratchScope {
 public:
  explicit ScratchScope(Scratch& s) : s_(s), members_(s.members.size()), items_(s.items.size()) {}
  ~ScratchScope() {
    s_.members.resize(members_);
    s_.items.resize(items_);
    if (s_.members.capacity() > kScratchKept) std::vector<JsonMember>().swap(s_.members);
    if (s_.items.capacity() > kScratchKept) std::vector<JsonValue>().swap(s_.items);
    if (s_.decoded.capacity() > kDecodedKept) std::string().swap(s_.decoded);
  }
  ScratchScope(const ScratchScope&) = delete;
  ScratchScope& operator=(const ScratchScope&) = delete;

 private:
  Scratch& s_;
  size_t members_, items_;
};

class Parser {
 public:
  Parser(std::string_view text, JsonArena& arena, std::string* error)
      : s_(text), arena_(arena), error_(error) {}

  bool run(JsonValue& root) {
    skip_ws();
    if (!value(root, 0)) return false;
    skip_ws();
    if (pos_ != s_.size()) return failed("trailing characters");
    return true;
  }

 private:
  bool failed(const char* why) {
    if (error_ != nullptr && error_->empty()) {
      *error_ = std::string(why) + " at offset " + std::to_string(pos_);
    }
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

  // Reads the string literal at pos_ (on the opening quote) into `out`: its decoded text, as Go
  // decodes it (invalid UTF-8 and lone surrogates become U+FFFD). A string with nothing to decode
  // (the common case: no escape, valid UTF-8) is borrowed from the input; any other is decoded
  // into the scratch buffer and copied into the arena. Inlined (keys and values): the call was a
  // fifth of the cost of the short strings attachments are made of.
  [[gnu::always_inline]] bool string(std::string_view& out) {
    const size_t start = ++pos_;
    while (pos_ < s_.size()) {
      pos_ = sdk::json_string_stop<kPlainAscii>(s_, pos_);
      if (pos_ == s_.size()) break;
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (size_t n = c >= 0x80 ? utf8_length_at(s_, pos_) : 0; n != 0) {
        pos_ += n;
      } else {
        break;
      }
    }
    if (pos_ < s_.size() && s_[pos_] == '"') {
      out = s_.substr(start, pos_ - start);
      ++pos_;
      return true;
    }
    std::string& decoded = scratch_.decoded;
    decoded.clear();
    if (!decode_rest(decoded, start)) return false;
    out = arena_.copy(decoded);
    return true;
  }

  // Decodes the rest of a string literal from pos_ into `out`, s_[run, pos_) being plain text
  // not yet appended. Runs of characters that need no decoding are appended whole.
  bool decode_rest(std::string& out, size_t run) {
    while (true) {
      pos_ = sdk::json_string_stop<kPlainAscii>(s_, pos_);
      if (pos_ >= s_.size()) return failed("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      size_t n = c >= 0x80 ? utf8_length_at(s_, pos_) : 0;
      if (n != 0) {
        pos_ += n;
        continue;
      }
      out.append(s_.data() + run, pos_ - run);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return failed("control character in string");
      if (c >= 0x80) {  // not the start of a valid sequence
        append_utf8(out, kReplacement);
        run = ++pos_;
        continue;
      }
      if (!escape(out)) return false;
      run = pos_;
    }
  }

  // At a backslash inside a string: appends what the escape stands for.
  bool escape(std::string& out) {
    if (++pos_ >= s_.size()) return failed("unterminated string");
    char e = s_[pos_++];
    switch (e) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default:
        --pos_;
        return failed("invalid escape");
    }
    uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
      size_t save = pos_;
      pos_ += 2;
      uint32_t lo = 0;
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
    return true;
  }

  // Children are parsed into a local and then pushed: a nested container pushes onto the same
  // stack, so a reference into it would not survive.
  bool array(JsonValue& v, int depth) {
    ++pos_;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    auto& stack = scratch_.items;
    const size_t first = stack.size();
    while (true) {
      skip_ws();
      JsonValue item;
      if (!value(item, depth + 1)) return false;
      stack.push_back(item);
      skip_ws();
      if (pos_ >= s_.size()) return failed("unterminated array");
      char c = s_[pos_++];
      if (c == ']') {
        v.items = {arena_.copy(stack.data() + first, stack.size() - first), stack.size() - first};
        stack.resize(first);
        return true;
      }
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
    auto& stack = scratch_.members;
    const size_t first = stack.size();
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
      stack.push_back(m);
      skip_ws();
      if (pos_ >= s_.size()) return failed("unterminated object");
      char c = s_[pos_++];
      if (c == '}') {
        v.members = {arena_.copy(stack.data() + first, stack.size() - first),
                     stack.size() - first};
        stack.resize(first);
        return true;
      }
      if (c != ',') return failed("expected ',' or '}'");
    }
  }

  std::string_view s_;
  JsonArena& arena_;
  std::string* error_;
  Scratch& scratch_ = scratch();
  ScratchScope scope_{scratch_};
  size_t pos_ = 0;
};

}  // namespace

JsonDocument parse_json(std::string_view text, std::string* error) {
  if (error != nullptr) error->clear();
  JsonDocument doc;
  doc.parsed_ = Parser(text, doc.arena_, error).run(doc.root_);
  return doc;
}

size_t count_runes(std::string_view s) {
  size_t runes = 0;
  size_t i = 0;
  while (i < s.size()) {
    // Eight ASCII bytes at a time (props are mostly ASCII): eight runes.
    if (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        runes += 8;
        continue;
      }
    }
    size_t n = utf8_length_at(s, i);
    i += n == 0 ? 1 : n;
    ++runes;
  }
  return runes;
}

}  // namespace pb::attachments
