#include "plugins/incoming_webhooks/settings.h"

#include <rapidjson/document.h>

namespace pb::incoming_webhooks {
namespace {

void read_bool(const rapidjson::Value& obj, const char* key, bool& out) {
  auto it = obj.FindMember(key);
  if (it != obj.MemberEnd() && it->value.IsBool()) out = it->value.GetBool();
}

}  // namespace

WebhookSettings read_server_config(std::string_view config_json) {
  WebhookSettings out;
  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  auto s = doc.FindMember("ServiceSettings");
  if (s == doc.MemberEnd() || !s->value.IsObject()) return out;
  read_bool(s->value, "EnableIncomingWebhooks", out.enable_incoming_webhooks);
  read_bool(s->value, "EnablePostUsernameOverride", out.enable_post_username_override);
  read_bool(s->value, "EnablePostIconOverride", out.enable_post_icon_override);
  return out;
}

std::string read_secret_key(std::string_view settings_json) {
  rapidjson::Document doc;
  doc.Parse(settings_json.data(), settings_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  auto it = doc.FindMember("SecretKey");
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace pb::incoming_webhooks
