#include "plugins/outgoing_webhooks/callback_response.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>

namespace pb::outgoing {
namespace {

using rapidjson::Value;

ReplyOutcome error(std::string why) {
  ReplyOutcome out;
  out.kind = ReplyOutcome::kError;
  out.error = std::move(why);
  return out;
}

bool blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// The member `key` when it is a string; `ok` turns false when it is present, not null and not a
// string (Go's decoder fails the whole body then).
const Value* string_member(const Value& doc, const char* key, bool& ok) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || it->value.IsNull()) return nullptr;
  if (!it->value.IsString()) {
    ok = false;
    return nullptr;
  }
  return &it->value;
}

std::string_view view(const Value* v) {
  return v == nullptr ? std::string_view{} : std::string_view(v->GetString(), v->GetStringLength());
}

}  // namespace

ReplyOutcome parse_callback_response(std::string_view body, const ReplyContext& context) {
  if (blank(body)) return {};
  if (sdk::json_too_deep_at(body, kMaxResponseNesting) != std::string_view::npos) {
    return error("response nests deeper than " + std::to_string(kMaxResponseNesting) + " levels");
  }
  if (body.find('\0') != std::string_view::npos) return error("response holds a NUL byte");
  std::string text(body);
  // RapidJSON's UTF-8 validation takes up to three continuation bytes of a truncated sequence
  // without checking for the end: in-situ, that reads past the terminating NUL (the fuzz target
  // found it). Three more NULs keep those reads inside the buffer.
  text.append(3, '\0');
  // Numbers RapidJSON's full-precision parse would misread, rewritten first (json_guard.hpp).
  if (!sdk::json_rewrite_misread_numbers(text.data(), text.size()))
    return error("response is not JSON (or not UTF-8)");
  rapidjson::Document doc;
  // Invalid UTF-8 is refused: the props are stored and every later reader validates them. Full
  // precision: the props' numbers are written back, and RapidJSON's default parse may put a long
  // mantissa on a neighbouring double (the stored number would differ from the one sent).
  sdk::parse_insitu_checking_utf8<rapidjson::kParseFullPrecisionFlag>(doc, text);
  if (doc.HasParseError()) return error("response is not JSON (or not UTF-8)");
  if (!doc.IsObject()) return error("response is not a JSON object");
  sdk::json_replace_surrogates(text.data(), text.size());

  bool ok = true;
  const Value* message = string_member(doc, "text", ok);
  const Value* username = string_member(doc, "username", ok);
  const Value* icon_url = string_member(doc, "icon_url", ok);
  const Value* type = string_member(doc, "type", ok);
  const Value* response_type = string_member(doc, "response_type", ok);
  const Value* props = nullptr;
  const Value* attachments = nullptr;
  if (auto it = doc.FindMember("props"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) return error("response props is not an object");
    props = &it->value;
  }
  if (auto it = doc.FindMember("attachments"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsArray()) return error("response attachments is not an array");
    attachments = &it->value;
  }
  if (!ok) return error("response has a member of the wrong type");
  bool has_attachments = attachments != nullptr && !attachments->Empty();
  if (message == nullptr && !has_attachments) return {};
  if (view(type).starts_with("system_")) return error("response asks for a system post type");

  std::string_view name = view(username);
  if (name.empty()) name = context.hook_username;
  std::string_view icon = view(icon_url);
  if (icon.empty()) icon = context.hook_icon_url;

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto key = [&](std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); };
  auto str = [&](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  if (props != nullptr) {
    for (const auto& m : props->GetObject()) {
      std::string_view k(m.name.GetString(), m.name.GetStringLength());
      // Mattermost's CreateWebhookPost drops these from the given props, and we write our own
      // webhook_display_name / attachments below (a duplicate key would be ambiguous JSON).
      if (k == "override_icon_url" || k == "override_username" || k == "from_webhook" ||
          k == "webhook_display_name" || (has_attachments && k == "attachments")) {
        continue;
      }
      key(k);
      // The Writer refuses what JSON cannot hold (a number that overflowed to infinity, as
      // RapidJSON reads "2e308") and leaves the output broken: refuse the answer instead.
      if (!m.value.Accept(w)) return error("response props hold a number out of range");
    }
  }
  key("webhook_display_name");
  str(context.hook_display_name);
  if (has_attachments) {
    key("attachments");
    if (!attachments->Accept(w)) return error("response attachments hold a number out of range");
  }
  key("from_webhook");
  str("true");
  if (context.username_override && !name.empty()) {
    key("override_username");
    str(name);
  }
  if (context.icon_override && !icon.empty()) {
    key("override_icon_url");
    str(icon);
  }
  w.EndObject();

  ReplyOutcome out;
  out.kind = ReplyOutcome::kPost;
  out.message = std::string(view(message));
  out.type = std::string(view(type));
  out.props_json.assign(buffer.GetString(), buffer.GetSize());
  out.comment = view(response_type) == "comment";
  return out;
}

}  // namespace pb::outgoing
