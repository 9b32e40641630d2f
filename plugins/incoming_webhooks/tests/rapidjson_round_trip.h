// What the canonical-form test (patchbay/json_canonical.hpp) is checked against, shared by its unit
// test and its fuzz target: RapidJSON's own round trip of a value (parsed, written by its Writer),
// which json_canonical.hpp claims is the identity on canonical text.
//
// Test code only. Pure functions, any thread.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <patchbay/json_guard.hpp>
#include <string>
#include <string_view>

#include "plugins/incoming_webhooks/payload_decoder.h"

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

}  // namespace pb::incoming_webhooks::testing
