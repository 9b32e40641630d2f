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

std::string_view effective_username(std::string_view sent, std::string_view hook) {
  if (!sent.empty()) return sent;
  return hook.empty() ? std::string_view("webhook") : hook;
}

std::string_view effective_icon_url(std::string_view sent, std::string_view hook) {
  return sent.empty() ? hook : sent;
}

}  // namespace pb::incoming_webhooks
