// Text helpers for the translators engine: a RapidJSON value as display text or as compact JSON,
// and UTF-8 aware cutting. Pure functions, any thread, never throw (beyond std::bad_alloc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include <patchbay/utf8.hpp>  // sdk::count_code_points, for the length limits

namespace pb::translators {

// Appends `v` as display text: a string as it is, a number in its shortest round-trip form
// (a non-finite double as ""), true/false, null as "", arrays and objects as compact JSON.
void append_text(std::string& out, const rapidjson::Value& v);

// Appends `v` as compact JSON (a non-finite double is written null, so the output is always JSON).
void append_json(std::string& out, const rapidjson::Value& v);

// Appends `s` as a complete JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

// The byte offset of code point number `rune` in `s` (s.size() when past the end).
size_t rune_offset(std::string_view s, size_t rune);

}  // namespace pb::translators
