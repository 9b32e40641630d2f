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

// The children of the containers being parsed, as two stacks: a container's members or elements
// are parsed onto them and copied into the document's arena, exactly sized, when it closes; and
// the buffer a string with escapes (or invalid UTF-8) is decoded into before its copy into the
// arena. Thread-local so that the loop thread, which reads every webhook's attachments.process
// request, keeps the capacity from one call to the next. A tree built inside a reader's walk (the
// normaliser's field values) stacks on top of the walk's own use and leaves it as it found it.
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

}  // namespace

// parse_json's tree: the reader's scanning, with the children of each container gathered on the
// scratch stacks and copied into the arena, exactly sized, when it closes.
class JsonTreeBuilder {
 public:
  explicit JsonTreeBuilder(JsonReader& in) : in_(in) {}

  bool value(JsonValue& v, int depth) {
    in_.skip_ws();
    if (depth > kMaxJsonDepth) return in_.failed("nesting too deep");
    if (in_.pos_ >= in_.s_.size()) return in_.failed("unexpected end");
    const size_t start = in_.pos_;
    bool ok;
    switch (in_.s_[in_.pos_]) {
      case 'n':
        v.kind = JsonValue::Kind::Null;
        ok = in_.literal("null");
        break;
      case 't':
        v.kind = JsonValue::Kind::Bool;
        v.boolean = true;
        ok = in_.literal("true");
        break;
      case 'f':
        v.kind = JsonValue::Kind::Bool;
        ok = in_.literal("false");
        break;
      case '"':
        v.kind = JsonValue::Kind::String;
        ok = in_.read_string(v.text);
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
        ok = in_.number();
    }
    if (ok) v.raw = in_.s_.substr(start, in_.pos_ - start);
    return ok;
  }

 private:
  // Children are parsed into a local and then pushed: a nested container pushes onto the same
  // stack, so a reference into it would not survive.
  bool array(JsonValue& v, int depth) {
    auto& stack = scratch_.items;
    const size_t first = stack.size();
    bool ok = in_.array(depth, [&](int item_depth) {
      JsonValue item;
      if (!value(item, item_depth)) return false;
      stack.push_back(item);
      return true;
    });
    if (!ok) return false;
    v.items = {in_.arena_.copy(stack.data() + first, stack.size() - first), stack.size() - first};
    stack.resize(first);
    return true;
  }

  bool object(JsonValue& v, int depth) {
    auto& stack = scratch_.members;
    const size_t first = stack.size();
    bool ok =
        in_.object(depth, [&](std::string_view key, std::string_view raw_key, int value_depth) {
          JsonMember m;
          m.key = key;
          m.raw_key = raw_key;
          if (!value(m.value, value_depth)) return false;
          stack.push_back(m);
          return true;
        });
    if (!ok) return false;
    v.members = {in_.arena_.copy(stack.data() + first, stack.size() - first), stack.size() - first};
    stack.resize(first);
    return true;
  }

  JsonReader& in_;
  Scratch& scratch_ = scratch();
  ScratchScope scope_{scratch_};
};

JsonValue::Kind JsonReader::peek_kind() {
  skip_ws();
  if (pos_ >= s_.size()) return JsonValue::Kind::Number;
  switch (s_[pos_]) {
    case 'n':
      return JsonValue::Kind::Null;
    case 't':
    case 'f':
      return JsonValue::Kind::Bool;
    case '"':
      return JsonValue::Kind::String;
    case '[':
      return JsonValue::Kind::Array;
    case '{':
      return JsonValue::Kind::Object;
    default:
      return JsonValue::Kind::Number;
  }
}

bool JsonReader::null() {
  skip_ws();
  return literal("null");
}

bool JsonReader::string(std::string_view& text, std::string_view& raw) {
  skip_ws();
  if (pos_ >= s_.size() || s_[pos_] != '"') return failed("expected a string");
  const size_t start = pos_;
  if (!read_string(text)) return false;
  raw = s_.substr(start, pos_ - start);
  return true;
}

bool JsonReader::skip(std::string_view& raw, int depth) {
  skip_ws();
  const size_t start = pos_;
  if (!skip_in(depth)) return false;
  raw = s_.substr(start, pos_ - start);
  return true;
}

bool JsonReader::value(JsonValue& v, int depth) { return JsonTreeBuilder(*this).value(v, depth); }

bool JsonReader::at_end() {
  skip_ws();
  return pos_ == s_.size();
}

bool JsonReader::finish() { return at_end() || failed("trailing characters"); }

bool JsonReader::failed(const char* why) {
  if (error_.empty()) error_ = std::string(why) + " at offset " + std::to_string(pos_);
  return false;
}

bool JsonReader::punctuation(char c, const char* missing) {
  skip_ws();
  if (pos_ >= s_.size() || s_[pos_] != c) return failed(missing);
  ++pos_;
  return true;
}

bool JsonReader::literal(std::string_view word) {
  if (s_.substr(pos_, word.size()) != word) return failed("invalid literal");
  pos_ += word.size();
  return true;
}

bool JsonReader::digits() {
  size_t start = pos_;
  while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
  return pos_ > start;
}

bool JsonReader::number() {
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

bool JsonReader::hex4(uint32_t& out) {
  if (pos_ + 4 > s_.size()) return failed("short \\u escape");
  out = 0;
  for (int i = 0; i < 4; ++i) {
    char c = s_[pos_++];
    out <<= 4;
    if (c >= '0' && c <= '9')
      out |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      out |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      out |= static_cast<uint32_t>(c - 'A' + 10);
    else
      return failed("invalid \\u escape");
  }
  return true;
}

bool JsonReader::decode_string(std::string_view& out, size_t start) {
  std::string& decoded = scratch().decoded;
  decoded.clear();
  const bool ok = decode_rest(decoded, start);
  if (ok) out = arena_.copy(decoded);
  if (decoded.capacity() > kDecodedKept) std::string().swap(decoded);
  return ok;
}

// Decodes the rest of a string literal from pos_ into `out`, s_[run, pos_) being plain text
// not yet appended. Runs of characters that need no decoding are appended whole.
bool JsonReader::decode_rest(std::string& out, size_t run) {
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
bool JsonReader::escape(std::string& out) {
  if (++pos_ >= s_.size()) return failed("unterminated string");
  char e = s_[pos_++];
  switch (e) {
    case '"':
      out += '"';
      return true;
    case '\\':
      out += '\\';
      return true;
    case '/':
      out += '/';
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'u':
      break;
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

// A string checked as read_string reads it, nothing decoded: bytes >= 0x80 are never an error
// (invalid ones decode to U+FFFD), so only quotes, backslashes and controls stop the scan, and an
// escape is checked for its form alone (a surrogate escape of any kind decodes to something).
bool JsonReader::skip_string() {
  ++pos_;
  while (true) {
    pos_ = sdk::json_string_stop<sdk::kJsonStopControl>(s_, pos_);
    if (pos_ >= s_.size()) return failed("unterminated string");
    char c = s_[pos_];
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c != '\\') return failed("control character in string");
    if (++pos_ >= s_.size()) return failed("unterminated string");
    switch (s_[pos_++]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        break;
      case 'u': {
        uint32_t cp;
        if (!hex4(cp)) return false;
        break;
      }
      default:
        --pos_;
        return failed("invalid escape");
    }
  }
}

bool JsonReader::skip_in(int depth) {
  if (depth > kMaxJsonDepth) return failed("nesting too deep");
  if (pos_ >= s_.size()) return failed("unexpected end");
  switch (s_[pos_]) {
    case 'n':
      return literal("null");
    case 't':
      return literal("true");
    case 'f':
      return literal("false");
    case '"':
      return skip_string();
    case '[':
      return array(depth, [this](int item_depth) {
        skip_ws();
        return skip_in(item_depth);
      });
    case '{':
      return object(depth, [this](std::string_view, std::string_view, int value_depth) {
        skip_ws();
        return skip_in(value_depth);
      });
    default:
      return number();
  }
}

JsonDocument parse_json(std::string_view text, std::string* error) {
  JsonDocument doc;
  JsonReader in(text, doc.arena_);
  doc.parsed_ = in.value(doc.root_, 0) && in.finish();
  if (error != nullptr) *error = in.error();
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
