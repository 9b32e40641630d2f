// Whether post props are one JSON object: the check every post passes before it is stored (props
// are written into the post's row as they are, and every later reader of the row parses them).
//
// The authority is RapidJSON's reader (UTF-8 validated, numbers as its default parse reads them,
// nesting bounded): the readers of stored rows are RapidJSON, so its answer is the one that
// matters. Most props are plain (valid UTF-8, no escaped surrogates, numbers of ordinary size),
// and for those a scan with the SDK's JsonScanner says yes about three times faster (~0.5 µs
// instead of ~1.6 for the 491-byte props of a webhook with one attachment), and props already in
// the Writer's own form (the usual case) take one pass that checks just that. Anything else goes
// to RapidJSON.
//
// Threading: pure functions, any thread.
#pragma once

#include <string_view>

namespace pb::chat {

// True when `json` (surrounding white space allowed) is exactly one JSON object, nested at most
// sdk::kJsonScanMaxDepth levels, as RapidJSON reads it. Never throws.
bool is_json_object(std::string_view json);

// The two halves of is_json_object, apart for tests and fuzzing:
// true only for text RapidJSON surely accepts as such an object; false means "ask RapidJSON".
bool plainly_json_object(std::string_view json);
// RapidJSON's answer.
bool rapidjson_json_object(std::string_view json);

}  // namespace pb::chat
