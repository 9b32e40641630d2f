// What parse_processed's DOM-free fast path is checked against, shared by its unit test and its
// fuzz target: RapidJSON's own round trip of a value (parsed as parse_processed_with_dom parses,
// written by its Writer), which patchbay/json_canonical.hpp claims is the identity on canonical text,
// and the comparison of two readings of an answer.
//
// Test code only. Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <patchbay/json_guard.hpp>

#include "plugins/incoming_webhooks/payload_decoder.h"
#include "plugins/incoming_webhooks/webhook_post.h"

namespace pb::incoming_webhooks::testing {

// nullopt when RapidJSON does not parse it (or it is nested beyond the payload bound).
inline std::optional<std::string> rapidjson_round_trip(std::string_view json) {
  if (sdk::json_too_deep_at(json, kMaxPayloadDepth) != std::string_view::npos) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) return std::nullopt;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  if (!doc.Accept(writer)) return std::nullopt;
  return std::string(buffer.GetString(), buffer.GetSize());
}

inline bool same_post(const std::optional<ProcessedPost>& a, const std::optional<ProcessedPost>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->message == b->message && a->type == b->type && a->props_json == b->props_json);
}

}  // namespace pb::incoming_webhooks::testing
