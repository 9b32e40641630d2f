// JSON text in and out. Parsing untrusted JSON text into a RapidJSON document the one safe way
// of this plugin: the
// nesting is bounded (patchbay/json_guard.hpp) before RapidJSON sees the text, NUL bytes are
// refused (in-situ parsing would stop at one and hide what follows), UTF-8 is validated, and
// unpaired surrogate escapes become U+FFFD. Plus the typed member readers every reader of a
// flat object needs (null counts as absent, as Go's decoder has it).
//
// Pure. Threading: any thread. The document's strings live in `buffer`: keep it alive as long
// as the document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include <patchbay/json_document.hpp>
#include <patchbay/utf8.hpp>

namespace pb::slash {

// Parses `json` into `doc` (strings in place in `buffer`; declare the document as an
// sdk::SmallDocument<> on the stack: no 64 KiB pool chunk per parse). False when the text nests deeper
// than `max_depth`, holds a NUL, is not valid UTF-8 or not valid JSON.
bool parse_guarded(std::string_view json, int max_depth, std::string& buffer,
                   sdk::PooledDocument& doc);

// Member readers: true when the member is absent, null, or of the right type (then copied);
// false when it has another type.
bool read_string(const rapidjson::Value& object, const char* key, std::string& out);
bool read_bool(const rapidjson::Value& object, const char* key, bool& out);
bool read_int64(const rapidjson::Value& object, const char* key, int64_t& out);

// Appends "key":"value" (value escaped) to an object being written, after a ',' unless `out`
// ends with the '{' that opened it.
void append_string_member(std::string& out, std::string_view key, std::string_view value);

// Appends `s` with every byte that is not valid UTF-8 replaced by U+FFFD, as Go's JSON encoder
// writes such text: for text that ends up in JSON (a plain-text answer, typed autocomplete
// input). The SDK's, shared with the incoming webhooks' decoder.
using sdk::append_valid_utf8;

}  // namespace pb::slash
