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
#include <string>
#include <string_view>

#include <patchbay/json_escape.hpp>

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

// Strings are written with the SDK's escaper (one in the tree): quotes included, '"', '\\' and
// control characters escaped, bytes >= 0x80 copied (callers pass valid UTF-8).
using sdk::append_json_string;

// Number of Unicode code points in UTF-8 text (each invalid byte counts as one, as Go's
// utf8.RuneCountInString does).
size_t count_runes(std::string_view s);

}  // namespace pb::attachments
