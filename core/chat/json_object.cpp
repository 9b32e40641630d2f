#include "core/chat/json_object.h"

#include <rapidjson/reader.h>

#include <algorithm>

#include "patchbay/json_canonical.hpp"
#include "patchbay/json_parse.hpp"
#include "patchbay/json_scan.hpp"
#include "patchbay/utf8.hpp"

namespace pb::chat {
namespace {

// Deeper props are refused: no producer makes deeper ones (incoming-webhook payloads, the
// deepest, stop at this bound), and every later reader of the stored post parses recursively.
constexpr int kMaxPropsDepth = sdk::kJsonScanMaxDepth;

// SAX handler: stops the parse (false) at a root that is not an object or nesting past the
// bound, so the recursive reader never goes deeper than kMaxPropsDepth frames.
struct ObjectRootCheck : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ObjectRootCheck> {
  int depth = 0;
  bool Default() { return depth > 0; }  // a scalar: fine inside the object, not as the root
  bool StartObject() { return ++depth <= kMaxPropsDepth; }
  bool StartArray() { return depth > 0 && ++depth <= kMaxPropsDepth; }
  bool EndObject(rapidjson::SizeType) { return --depth, true; }
  bool EndArray(rapidjson::SizeType) { return --depth, true; }
};

// Where JsonScanner's Go rules and RapidJSON's could part, the plain scan declines:
// - an escaped surrogate ("\ud83d..."): Go reads a lone one as U+FFFD, RapidJSON refuses it.
//   Every such escape starts with a backslash, 'u', 'd' or 'D'; a false alarm ("\\ud") only
//   costs the slow path.
bool has_surrogate_escape(std::string_view json) {
  for (size_t i = json.find('\\'); i != std::string_view::npos; i = json.find('\\', i + 1)) {
    if (i + 2 < json.size() && json[i + 1] == 'u' && (json[i + 2] == 'd' || json[i + 2] == 'D'))
      return true;
  }
  return false;
}

// - a number RapidJSON might find too big: its limit is near DBL_MAX, where its rounding and
//   strtod's may differ. At most 100 mantissa digits and a two-digit exponent stay below 1e200
//   (and above 1e-200, or zero), far inside: RapidJSON reads every such number without error.
bool ordinary_number(std::string_view token) {
  size_t exponent_at = std::min(token.find_first_of("eE"), token.size());
  std::string_view mantissa = token.substr(0, exponent_at);
  size_t digits = mantissa.size() - (mantissa.front() == '-') -
                  (mantissa.find('.') != std::string_view::npos);
  if (digits > 100) return false;
  if (exponent_at == token.size()) return true;
  std::string_view exponent = token.substr(exponent_at + 1);
  if (exponent.front() == '+' || exponent.front() == '-') exponent.remove_prefix(1);
  return exponent.size() <= 2;
}

}  // namespace

bool plainly_json_object(std::string_view json) {
  // Props in the form RapidJSON's Writer gives them (patchbay/json_canonical.hpp: valid UTF-8,
  // no \u escape, integers of at most 18 digits, nesting within the same 512) are an object
  // RapidJSON reads, and one pass says so: webhook and REST props almost always are.
  if (!json.empty() && json.front() == '{' && sdk::is_rapidjson_canonical(json)) return true;
  // RapidJSON validates the UTF-8 of strings; the same rule over the whole text (bytes >= 0x80
  // outside strings are refused by both) decides the same for valid text and declines the rest.
  if (!sdk::is_ascii(json) && sdk::first_invalid_utf8(json) != std::string_view::npos)
    return false;
  if (has_surrogate_escape(json)) return false;
  sdk::JsonScanner in(json);
  in.skip_ws();
  if (in.peek() != '{') return false;
  // The scanner's other rules are RapidJSON's: RFC 8259 grammar and white space, raw control
  // characters refused in strings, the same escapes, the same nesting bound (512 containers).
  if (!in.skip_value_with(0, ordinary_number)) return false;
  in.skip_ws();
  return in.at_end();
}

// RapidJSON's reader with the flags the DOM parse used before (so the same grammar, number
// limits and UTF-8 validation), minus the DOM: it answered yes/no by building a whole Document
// (a 64 KiB pool chunk per call; 3.7% of the loop in the webhook profile). Three kinds of
// answer changed, all of them "yes" before to props that broke the server or the post row they
// were written into: a leading UTF-8 BOM (the old stream skipped it), a NUL after the object
// (the old parse stopped there, e.g. "{}\0x"), and nesting past kMaxPropsDepth (the old parse
// recursed without a bound).
bool rapidjson_json_object(std::string_view json) {
  ObjectRootCheck check;
  return sdk::sax_parse_checking_utf8<rapidjson::kParseNoFlags>(json, check) == json.size();
}

bool is_json_object(std::string_view json) {
  return plainly_json_object(json) || rapidjson_json_object(json);
}

}  // namespace pb::chat
