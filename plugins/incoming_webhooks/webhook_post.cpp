#include "plugins/incoming_webhooks/webhook_post.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <patchbay/json_canonical.hpp>
#include <patchbay/json_document.hpp>
#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>

#include "plugins/incoming_webhooks/payload_decoder.h"

namespace pb::incoming_webhooks {
namespace {

// The decoder's bound: props it accepted are never refused here for their depth.
constexpr int kMaxDepth = kMaxPayloadDepth;

bool is_reserved(std::string_view key) {
  return key == "from_webhook" || key == "override_username" || key == "override_icon_url" ||
         key == "override_icon_emoji" || key == "webhook_display_name" || key == "attachments";
}

// Appends "key":"value" to the object that starts at out[start], after a comma unless it is the
// object's first member.
void add_string(std::string& out, size_t start, std::string_view key, std::string_view value) {
  if (out.size() > start + 1) out += ',';
  out += '"';
  out += key;
  out += "\":\"";
  sdk::append_json_escaped(out, value);
  out += '"';
}

ApiError parse_error() {
  return {400, "model.incoming_hook.parse_data.app_error", "Unable to parse incoming data."};
}

// Documents of a typical webhook fit in a stack buffer: no 64 KiB pool chunk per request.
using WebhookDocument = sdk::SmallDocument<8192>;

bool parse_object(std::string_view json, sdk::PooledDocument& doc) {
  if (sdk::json_too_deep_at(json, kMaxDepth) != std::string_view::npos) return false;
  // Invalid UTF-8 is refused here rather than stored (every later reader would refuse it). Full
  // precision: the sender's props numbers are written back, and RapidJSON's default parse may
  // put a long mantissa or an extreme exponent on a neighbouring double.
  std::string scratch;  // numbers RapidJSON would misread, rewritten first (json_guard.hpp)
  std::optional<std::string_view> text = sdk::json_full_precision_safe(json, scratch);
  if (!text) return false;
  sdk::parse_checking_utf8<rapidjson::kParseFullPrecisionFlag>(doc, *text);
  return !doc.HasParseError() && doc.IsObject();
}

// Top-level whitespace, as RapidJSON skips it.
size_t skip_ws(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

// parse_processed without a DOM, for an answer whose every top-level value is canonical
// (patchbay/json_canonical.hpp): message and type decoded (only short escapes can be in them),
// props copied as written, which is what the Writer would have written. nullopt means "take the
// DOM path" (which also reports what is wrong), never "refused": an answer with a repeated or
// escaped top-level key, a member of the wrong type, or anything out of the canonical form.
//
// One pass: canonical_value_end checks UTF-8 and bounds nesting itself (its bound is the DOM
// path's, kMaxDepth levels counting the answer's own object, hence depth 1 for member values).
std::optional<ProcessedPost> read_canonical_processed(std::string_view json) {
  static_assert(sdk::kMaxCanonicalDepth == kMaxDepth);
  std::string_view message, type, props;
  bool has_type = false;
  size_t i = skip_ws(json, 0);
  if (i >= json.size() || json[i] != '{') return std::nullopt;
  i = skip_ws(json, i + 1);
  if (i < json.size() && json[i] == '}') {
    ++i;
  } else {
    while (true) {
      if (i >= json.size() || json[i] != '"') return std::nullopt;
      size_t key_end = sdk::canonical_value_end(json, i, 1);
      if (key_end == std::string_view::npos) return std::nullopt;
      std::string_view key = json.substr(i + 1, key_end - i - 2);
      if (key.find('\\') != std::string_view::npos) return std::nullopt;
      i = skip_ws(json, key_end);
      if (i >= json.size() || json[i] != ':') return std::nullopt;
      i = skip_ws(json, i + 1);
      size_t value_end = sdk::canonical_value_end(json, i, 1);
      if (value_end == std::string_view::npos) return std::nullopt;
      std::string_view value = json.substr(i, value_end - i);
      std::string_view* slot = key == "message" ? &message
                               : key == "type"  ? &type
                               : key == "props" ? &props
                                                : nullptr;
      if (slot != nullptr) {
        if (!slot->empty()) return std::nullopt;  // RapidJSON finds the first: let it
        *slot = value;
        has_type = has_type || slot == &type;
      }
      i = skip_ws(json, value_end);
      if (i >= json.size()) return std::nullopt;
      if (json[i] == '}') {
        ++i;
        break;
      }
      if (json[i] != ',') return std::nullopt;
      i = skip_ws(json, i + 1);
    }
  }
  if (skip_ws(json, i) != json.size()) return std::nullopt;
  if (message.empty() || message.front() != '"') return std::nullopt;
  if (props.empty() || props.front() != '{') return std::nullopt;
  if (has_type && type.front() != '"') return std::nullopt;
  ProcessedPost out;
  if (!decode_json_string(message, out.message)) return std::nullopt;
  if (has_type && !decode_json_string(type, out.type)) return std::nullopt;
  out.props_json.assign(props);
  return out;
}

}  // namespace

std::variant<std::string, ApiError> build_webhook_props(const PropsInput& in) {
  std::string out;
  if (auto error = append_webhook_props(out, in)) return *std::move(error);
  return out;
}

std::optional<ApiError> append_webhook_props(std::string& out, const PropsInput& in) {
  const size_t start = out.size();
  out.reserve(start + 96 + in.client_props_json.size() + in.attachments_json.size() +
              in.display_name.size());
  out += '{';
  if (!in.client_props_json.empty()) {
    WebhookDocument doc;
    if (!parse_object(in.client_props_json, doc)) return parse_error();
    rapidjson::StringBuffer buffer;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (is_reserved(key)) continue;
      buffer.Clear();
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      if (!it->value.Accept(writer)) return parse_error();
      // An unpaired \ud800 escape decodes to bytes that are not UTF-8: U+FFFD, as Go.
      sdk::json_replace_surrogates(const_cast<char*>(buffer.GetString()), buffer.GetSize());
      if (out.size() > start + 1) out += ',';
      size_t key_at = out.size() + 1;
      out += '"';
      sdk::append_json_escaped(out, key);
      sdk::json_replace_surrogates(out.data() + key_at, out.size() - key_at);
      out += "\":";
      out.append(buffer.GetString(), buffer.GetSize());
    }
  }
  add_string(out, start, "from_webhook", "true");
  add_string(out, start, "webhook_display_name", in.display_name);
  if (in.override_username) add_string(out, start, "override_username", *in.override_username);
  if (in.override_icon_url) add_string(out, start, "override_icon_url", *in.override_icon_url);
  if (in.override_icon_emoji) {
    add_string(out, start, "override_icon_emoji", *in.override_icon_emoji);
  }
  if (in.has_attachments && !in.attachments_json.empty()) {
    out += ",\"attachments\":";
    out += in.attachments_json;
  }
  out += '}';
  return std::nullopt;
}

void append_process_request_head(std::string& out, std::string_view message,
                                 std::string_view type, size_t props_size_hint) {
  out.reserve(out.size() + 40 + message.size() + type.size() + props_size_hint);
  out += R"({"message":")";
  sdk::append_json_escaped(out, message);
  out += R"(","type":")";
  sdk::append_json_escaped(out, type);
  out += R"(","props":)";
}

std::string process_request_json(std::string_view message, std::string_view type,
                                 std::string_view props_json) {
  std::string out;
  append_process_request_head(out, message, type, props_json.size());
  out += props_json.empty() ? std::string_view("{}") : props_json;
  out += '}';
  return out;
}

std::optional<ProcessedPost> parse_processed(std::string_view json) {
  if (auto post = read_canonical_processed(json)) return post;
  return parse_processed_with_dom(json);
}

std::optional<ProcessedPost> parse_processed_with_dom(std::string_view json) {
  WebhookDocument doc;
  if (!parse_object(json, doc)) return std::nullopt;
  auto message = doc.FindMember("message");
  auto type = doc.FindMember("type");
  auto props = doc.FindMember("props");
  if (message == doc.MemberEnd() || !message->value.IsString()) return std::nullopt;
  if (props == doc.MemberEnd() || !props->value.IsObject()) return std::nullopt;
  ProcessedPost out;
  out.message.assign(message->value.GetString(), message->value.GetStringLength());
  if (type != doc.MemberEnd()) {
    if (!type->value.IsString()) return std::nullopt;
    out.type.assign(type->value.GetString(), type->value.GetStringLength());
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  if (!props->value.Accept(writer)) return std::nullopt;
  out.props_json.assign(buffer.GetString(), buffer.GetSize());
  sdk::json_replace_surrogates(out.props_json.data(), out.props_json.size());
  sdk::json_replace_surrogates(out.message.data(), out.message.size());
  return out;
}

std::string_view effective_username(std::string_view sent, std::string_view hook) {
  if (!sent.empty()) return sent;
  return hook.empty() ? std::string_view("webhook") : hook;
}

std::string_view effective_icon_url(std::string_view sent, std::string_view hook) {
  return sent.empty() ? hook : sent;
}

}  // namespace pb::incoming_webhooks
