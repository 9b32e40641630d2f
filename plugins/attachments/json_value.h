// A small JSON reader that keeps every value's exact source text, for the attachments plugin.
//
// Why not RapidJSON's DOM: the plugin must copy the props it does not own back out verbatim
// (numbers, escapes and key spellings unchanged), and Go's %v needs the numbers as written.
//
// Ownership: a parse returns a JsonDocument, which owns the tree. Every view in it (raw, text,
// keys, children) borrows either the input text or the document's arena (json_arena.h): the input
// must outlive the document, and nothing taken from the tree may outlive the document. Strings
// without escapes or invalid UTF-8 are views of the input; the others are decoded into the arena,
// as are the node arrays, so a parse on a thread that parsed before makes no heap call.
//
// Threading: a document is plain data (read it from any thread); parse_json may run on several
// threads at once (its scratch space is per thread) but is not re-entrant. Errors: a failed parse
// returns an empty document and fills *error (never throws on bad input; std::bad_alloc is the
// only exception it can raise).
#pragma once

#include <cstddef>
#include <cstdint>
#include <patchbay/json_escape.hpp>
#include <patchbay/utf8.hpp>
#include <string>
#include <string_view>

#include "plugins/attachments/json_arena.h"

namespace pb::attachments {

struct JsonMember;

// A read-only run of a node's children (in the document's arena).
template <typename T>
class JsonChildren {
 public:
  JsonChildren() = default;
  JsonChildren(const T* first, size_t count) : first_(first), count_(count) {}
  const T* begin() const { return first_; }
  const T* end() const { return first_ + count_; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const T& operator[](size_t i) const { return first_[i]; }

 private:
  const T* first_ = nullptr;
  size_t count_ = 0;
};

struct JsonValue {
  enum class Kind : unsigned char { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string_view raw;                // the exact source text of this value
  std::string_view text;               // String: the decoded UTF-8 text (invalid UTF-8 → U+FFFD)
  JsonChildren<JsonValue> items;       // Array
  JsonChildren<JsonMember> members;    // Object, in source order, duplicates kept

  bool is_null() const { return kind == Kind::Null; }
  bool is_string() const { return kind == Kind::String; }
  bool is_array() const { return kind == Kind::Array; }
  bool is_object() const { return kind == Kind::Object; }
};

struct JsonMember {
  std::string_view key;      // decoded
  std::string_view raw_key;  // as written, quotes included
  JsonValue value;
};

// The result of parse_json: the root value and the arena its tree lives in, or nothing when the
// parse failed. Used like an optional: `if (doc) use(doc->members)`. Movable (the tree does not
// move with it), not copyable.
class JsonDocument {
 public:
  JsonDocument() = default;
  explicit operator bool() const { return parsed_; }
  // Preconditions: the document holds a value.
  const JsonValue& operator*() const { return root_; }
  const JsonValue* operator->() const { return &root_; }

 private:
  friend JsonDocument parse_json(std::string_view, std::string*);
  JsonValue root_;
  JsonArena arena_;
  bool parsed_ = false;
};

// Nesting deeper than this is refused (recursion bound; Go allows 10000, no real sender nests
// attachments anywhere near this).
inline constexpr int kMaxJsonDepth = 512;

// Parses exactly one JSON value (surrounding whitespace allowed) per RFC 8259. Raw control
// characters inside strings are refused. On failure returns nullopt and, if `error` is non-null,
// a short reason with the byte offset.
JsonDocument parse_json(std::string_view text, std::string* error = nullptr);

// The reader parse_json is built on, for a caller that walks a document once and needs a tree for
// few of its values: the normaliser decodes attachments as it reads them (building the tree and
// then walking it was a third of the plugin's work per webhook). Same grammar, same decoding of
// strings, same nesting bound as parse_json.
//
// `depth` is the nesting of the value about to be read (0: the document itself); a value deeper
// than kMaxJsonDepth is refused. Every read skips the white space before its value. A read that
// fails returns false and leaves the reader where it stopped, error() saying why and at which
// offset (the first failure is kept). A caller's callback that returns false stops object() or
// array() without an error of the reader's: error() stays empty.
//
// Ownership: views returned borrow the text or `arena` (decoded strings, trees); both must
// outlive them. Threading: as parse_json (one reader, one thread; value() not re-entrant).
class JsonReader {
 public:
  JsonReader(std::string_view text, JsonArena& arena) : s_(text), arena_(arena) {}

  // The kind of the next value by its first byte: Number stands for anything that does not start
  // another kind (reading it says whether it is a number).
  JsonValue::Kind peek_kind();
  size_t pos() const { return pos_; }
  // Back to an offset this reader returned from pos() (to read a value again, e.g. skip it).
  void seek(size_t pos) { pos_ = pos; }

  bool null();                                                 // the literal null
  bool string(std::string_view& text, std::string_view& raw);  // decoded text, source literal
  bool skip(std::string_view& raw, int depth);                 // any value, checked, no tree
  bool value(JsonValue& v, int depth);                         // any value, as a tree

  // The object (array) that starts here: on_member(key, raw_key, value_depth) (on_item(
  // value_depth)) is called at each value, must read exactly that value and return true, or
  // return false to stop.
  template <typename OnMember>
  bool object(int depth, OnMember&& on_member);
  template <typename OnItem>
  bool array(int depth, OnItem&& on_item);

  bool at_end();  // nothing but white space is left
  bool finish();  // at_end(), or an error ("trailing characters")
  const std::string& error() const { return error_; }

 private:
  friend class JsonTreeBuilder;  // json_value.cpp: parse_json's tree, on this reader's scanning

  bool failed(const char* why);
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool punctuation(char c, const char* missing);  // c, after white space
  // A container's opening `open_char` at `depth`; `empty` when `close` follows at once.
  bool open(int depth, char open_char, char close, const char* missing, bool& empty);
  // After a member or element: ',' (more follow) or `close` (`done`).
  bool next(char close, const char* unterminated, const char* expected, bool& done);
  bool literal(std::string_view word);
  bool number();
  bool digits();
  bool hex4(uint32_t& out);
  bool escape(std::string& out);
  bool decode_rest(std::string& out, size_t run);
  bool skip_string();
  bool skip_in(int depth);
  // Reads the string literal at pos_ (on the quote) into `out`: its text as Go decodes it
  // (invalid UTF-8 and lone surrogates become U+FFFD). Borrowed from the input when nothing in it
  // needs decoding (the common case: no escape, valid UTF-8), else decoded into the arena by
  // decode_string from `start` on. Inline: the call was a fifth of the cost of the short strings
  // attachments are made of.
  bool read_string(std::string_view& out);
  bool decode_string(std::string_view& out, size_t start);

  // Where a run of string text that needs no decoding ends: a quote, a backslash, a control
  // character or the first byte of a UTF-8 sequence (validated on its own).
  static constexpr unsigned kPlainAscii = sdk::kJsonStopControl | sdk::kJsonStopNonAscii;

  std::string_view s_;
  JsonArena& arena_;
  std::string error_;
  size_t pos_ = 0;
};

inline bool JsonReader::read_string(std::string_view& out) {
  const size_t start = ++pos_;
  while (pos_ < s_.size()) {
    pos_ = sdk::json_string_stop<kPlainAscii>(s_, pos_);
    if (pos_ == s_.size()) break;
    const auto c = static_cast<unsigned char>(s_[pos_]);
    const size_t n = c >= 0x80 ? sdk::utf8_length_at(s_, pos_) : 0;
    if (n == 0) break;
    pos_ += n;
  }
  if (pos_ < s_.size() && s_[pos_] == '"') {
    out = s_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  return decode_string(out, start);
}

// Inline: every container of every request opens and steps through these.
inline bool JsonReader::open(int depth, char open_char, char close, const char* missing,
                             bool& empty) {
  skip_ws();
  if (depth > kMaxJsonDepth) return failed("nesting too deep");
  if (!punctuation(open_char, missing)) return false;
  skip_ws();
  empty = pos_ < s_.size() && s_[pos_] == close;
  if (empty) ++pos_;
  return true;
}

inline bool JsonReader::next(char close, const char* unterminated, const char* expected,
                             bool& done) {
  skip_ws();
  if (pos_ >= s_.size()) return failed(unterminated);
  const char c = s_[pos_++];
  done = c == close;
  return done || c == ',' || failed(expected);
}

template <typename OnMember>
bool JsonReader::object(int depth, OnMember&& on_member) {
  bool done = false;
  if (!open(depth, '{', '}', "expected an object", done)) return false;
  while (!done) {
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != '"') return failed("expected a key");
    const size_t key_start = pos_;
    std::string_view key;
    if (!read_string(key)) return false;
    std::string_view raw_key = s_.substr(key_start, pos_ - key_start);
    if (!punctuation(':', "expected ':'")) return false;
    if (!on_member(key, raw_key, depth + 1)) return false;
    if (!next('}', "unterminated object", "expected ',' or '}'", done)) return false;
  }
  return true;
}

template <typename OnItem>
bool JsonReader::array(int depth, OnItem&& on_item) {
  bool done = false;
  if (!open(depth, '[', ']', "expected an array", done)) return false;
  while (!done) {
    if (!on_item(depth + 1)) return false;
    if (!next(']', "unterminated array", "expected ',' or ']'", done)) return false;
  }
  return true;
}

// Strings are written with the SDK's escaper (one in the tree): quotes included, '"', '\\' and
// control characters escaped, bytes >= 0x80 copied (callers pass valid UTF-8).
using sdk::append_json_string;

// Number of Unicode code points in UTF-8 text (each invalid byte counts as one, as Go's
// utf8.RuneCountInString does).
size_t count_runes(std::string_view s);

}  // namespace pb::attachments
