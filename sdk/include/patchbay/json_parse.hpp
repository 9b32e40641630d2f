// RapidJSON parses of untrusted text that must be valid UTF-8, without paying for the check
// where it cannot fail.
//
// Why: kParseValidateEncodingFlag decodes every character of every string to validate it, which
// costs about as much as the parse itself (12 % of the event loop on translated GitHub pushes,
// two checks of the same body). A byte below 0x80 is always valid UTF-8, so on all-ASCII text
// (most webhook and API bodies) the check is skipped: the answer is the same, parse errors
// included (escapes such as "\ud800" are checked either way).
//
// Header-only. Threading: none shared. Errors: RapidJSON's (HasParseError).
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "patchbay/json_guard.hpp"
#include "patchbay/utf8.hpp"

namespace pb::sdk {

// doc.Parse<kFlags | kParseValidateEncodingFlag>(text), the check only when text is not ASCII.
template <unsigned kFlags, typename Document>
void parse_checking_utf8(Document& doc, std::string_view text) {
  if (is_ascii(text)) {
    doc.template Parse<kFlags>(text.data(), text.size());
  } else {
    doc.template Parse<kFlags | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  }
}

// The same with ParseInsitu over `text` (decoded in place; the parse stops at its first NUL).
// With the check, RapidJSON 1.1 reads up to three bytes past a truncated UTF-8 sequence at the
// end: pad such text with NULs first (json_guard.hpp).
template <unsigned kFlags, typename Document>
void parse_insitu_checking_utf8(Document& doc, std::string& text) {
  if (is_ascii(text)) {
    doc.template ParseInsitu<kFlags>(text.data());
  } else {
    doc.template ParseInsitu<kFlags | rapidjson::kParseValidateEncodingFlag>(text.data());
  }
}

// The SAX form, for yes/no checks that need no tree: runs `handler` over `text` with kFlags (the
// UTF-8 check only when text is not ASCII), the reader's string stack in a buffer on this stack
// frame (no allocation for strings under 1 KiB). Returns how many bytes the reader consumed, or
// std::string_view::npos on a parse error (a handler returning false is one).
template <unsigned kFlags, typename Handler>
std::size_t sax_parse_checking_utf8(std::string_view text, Handler& handler) {
  alignas(std::max_align_t) char buffer[1024];
  rapidjson::MemoryPoolAllocator<> pool(buffer, sizeof buffer, 4096);
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>>
      reader(&pool, 256);
  rapidjson::MemoryStream stream(text.data(), text.size());
  const rapidjson::ParseResult result =
      is_ascii(text) ? reader.template Parse<kFlags>(stream, handler)
                     : reader.template Parse<kFlags | rapidjson::kParseValidateEncodingFlag>(
                           stream, handler);
  return result.IsError() ? std::string_view::npos : stream.Tell();
}

// Rewrites, in every string (keys too) of a parsed tree, the encoded UTF-16 surrogates an unpaired
// escape decodes to ("\udc00": RapidJSON 1.1 writes it as ED B0 80, which is not UTF-8) as U+FFFD,
// as Go's decoder, and so Mattermost, reads them. Without it the tree's strings are not valid
// UTF-8, and text written from them is refused by every later validating parse. Recursive: run it
// only on trees whose nesting was bounded before parsing (json_too_deep_at).
template <typename Value>
void replace_unpaired_surrogates(Value& value) {
  if (value.IsString()) {
    // The tree owns the bytes; json_replace_surrogates keeps the length.
    json_replace_surrogates(const_cast<char*>(value.GetString()), value.GetStringLength());
  } else if (value.IsArray()) {
    for (auto& element : value.GetArray()) replace_unpaired_surrogates(element);
  } else if (value.IsObject()) {
    for (auto& member : value.GetObject()) {
      replace_unpaired_surrogates(member.name);
      replace_unpaired_surrogates(member.value);
    }
  }
}

}  // namespace pb::sdk
