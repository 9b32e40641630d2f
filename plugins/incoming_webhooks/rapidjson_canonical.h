// JSON text that RapidJSON's Writer would write back byte for byte: the test that lets this plugin
// copy JSON it would otherwise parse into a DOM and serialise again.
//
// Why: the attachments.process answer's props used to go through a RapidJSON DOM and Writer on
// every webhook (parse_processed), which normalises them (no whitespace, '/' unescaped, \b and
// \u00XX, numbers re-printed). Most answers are in that form already; for those, copying the text
// gives the same bytes for a fraction of the work. Anything else takes the old path.
//
// Canonical here (deliberately narrower than "what the Writer can produce", so that the claim is
// easy to check): valid UTF-8 (Go's rules, sdk/utf8.hpp); no whitespace outside strings; strings
// with no raw control character and no escapes but \" \\ \b \f \n \r \t; numbers that are
// integers of at most 18 digits, not -0 (RapidJSON reads them as Int/Uint/Int64 and writes them
// as they were); true, false, null; nesting at most kMaxCanonicalDepth.
//
// Pure functions, any thread, no allocation, never throw.
#pragma once

#include <cstddef>
#include <string_view>

namespace pb::incoming_webhooks {

inline constexpr int kMaxCanonicalDepth = 512;

// The offset just past the canonical value that starts at text[pos], or npos when what starts
// there is not a canonical value. `depth` is the nesting of the value's container (0: top
// level); containers nested deeper than kMaxCanonicalDepth levels in all are not canonical.
// Strings are checked for valid UTF-8 as they are scanned (outside strings only ASCII can be).
size_t canonical_value_end(std::string_view text, size_t pos, int depth = 0);

// True when the whole of `json` is one canonical value (no surrounding whitespace either).
bool is_rapidjson_canonical(std::string_view json);

}  // namespace pb::incoming_webhooks
