#include "plugins/slash_commands/processing.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>

namespace pb::slash {
namespace {

// Attachments hold fields hold values: as deep as a command's answer may be, plus the wrapper.
constexpr int kMaxProcessedNesting = 40;

}  // namespace

std::string process_request_json(std::string_view message, std::string_view type,
                                 std::string_view props_json) {
  std::string out;
  out.reserve(32 + message.size() + type.size() + props_json.size());
  out += "{\"message\":";
  out += sdk::json_string(message);
  out += ",\"type\":";
  out += sdk::json_string(type);
  out += ",\"props\":";
  out += props_json;
  out += '}';
  return out;
}

std::optional<ProcessedPost> parse_processed(std::string_view json) {
  if (sdk::json_too_deep_at(json, kMaxProcessedNesting) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string scratch;  // numbers RapidJSON would misread, rewritten first (json_guard.hpp)
  std::optional<std::string_view> text = sdk::json_full_precision_safe(json, scratch);
  if (!text) return std::nullopt;
  rapidjson::Document doc;
  // Full precision: the props are written back into the post (the default parse may move a
  // number to a neighbouring double).
  sdk::parse_checking_utf8<rapidjson::kParseFullPrecisionFlag>(doc, *text);
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto message = doc.FindMember("message");
  auto type = doc.FindMember("type");
  auto props = doc.FindMember("props");
  if (message == doc.MemberEnd() || !message->value.IsString() || type == doc.MemberEnd() ||
      !type->value.IsString() || props == doc.MemberEnd() || !props->value.IsObject()) {
    return std::nullopt;
  }
  ProcessedPost out;
  out.message.assign(message->value.GetString(), message->value.GetStringLength());
  out.type.assign(type->value.GetString(), type->value.GetStringLength());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  if (!props->value.Accept(w)) return std::nullopt;
  out.props_json.assign(buffer.GetString(), buffer.GetSize());
  return out;
}

}  // namespace pb::slash
