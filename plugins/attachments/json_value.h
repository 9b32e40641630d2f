// A small JSON reader that keeps every value's exact source text, for the attachments plugin.
//
// Why not RapidJSON's DOM: the plugin must copy the props it does not own back out verbatim
// (numbers, escapes and key spellings unchanged), and Go's %v needs the numbers as written.
// Values borrow `raw` from the input text, so the input must outlive the parsed tree.
//
// Threading: plain data, no shared state. Errors: parse_json returns std::nullopt and fills
// *error (never throws on bad input; std::bad_alloc is the only exception it can raise).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pb::attachments {

struct JsonMember;

struct JsonValue {
  enum class Kind : unsigned char { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string_view raw;           // the exact source text of this value (borrowed)
  std::string text;               // String: the decoded UTF-8 text (invalid UTF-8 → U+FFFD)
  std::vector<JsonValue> items;   // Array
  std::vector<JsonMember> members;  // Object, in source order, duplicates kept

  bool is_null() const { return kind == Kind::Null; }
  bool is_string() const { return kind == Kind::String; }
  bool is_array() const { return kind == Kind::Array; }
  bool is_object() const { return kind == Kind::Object; }
};

struct JsonMember {
  std::string key;         // decoded
  std::string_view raw_key;  // as written, quotes included (borrowed)
  JsonValue value;
};

// Nesting deeper than this is refused (recursion bound; Go allows 10000, no real sender nests
// attachments anywhere near this).
inline constexpr int kMaxJsonDepth = 512;

// Parses exactly one JSON value (surrounding whitespace allowed) per RFC 8259. Raw control
// characters inside strings are refused. On failure returns nullopt and, if `error` is non-null,
// a short reason with the byte offset.
std::optional<JsonValue> parse_json(std::string_view text, std::string* error = nullptr);

// Appends `s` as a JSON string literal (quotes included), escaping '"', '\\' and control
// characters; bytes >= 0x80 are copied (callers pass valid UTF-8).
void append_json_string(std::string& out, std::string_view s);

// Number of Unicode code points in UTF-8 text (each invalid byte counts as one, as Go's
// utf8.RuneCountInString does).
size_t count_runes(std::string_view s);

}  // namespace pb::attachments
