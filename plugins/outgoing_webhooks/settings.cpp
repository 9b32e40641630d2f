#include "plugins/outgoing_webhooks/settings.h"

#include <rapidjson/document.h>

namespace pb::outgoing {
namespace {

const rapidjson::Value* member(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}
void read_bool(const rapidjson::Value& obj, const char* key, bool& out) {
  if (auto* v = member(obj, key); v && v->IsBool()) out = v->GetBool();
}

}  // namespace

void read_server_config(std::string_view config_json, Settings& out) {
  const Settings defaults;
  out.enabled = defaults.enabled;
  out.username_override = defaults.username_override;
  out.icon_override = defaults.icon_override;
  // The host's own configuration: trusted, but parsed the same careful way.
  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  if (doc.HasParseError()) return;
  if (auto* s = member(doc, "ServiceSettings")) {
    read_bool(*s, "EnableOutgoingWebhooks", out.enabled);
    read_bool(*s, "EnablePostUsernameOverride", out.username_override);
    read_bool(*s, "EnablePostIconOverride", out.icon_override);
  }
}

void read_plugin_settings(std::string_view settings_json, Settings& out) {
  rapidjson::Document doc;
  doc.Parse(settings_json.data(), settings_json.size());
  if (doc.HasParseError()) return;
  if (auto* v = member(doc, "MaxInFlightPerHook"); v && v->IsInt64() && v->GetInt64() > 0) {
    out.max_in_flight_per_hook = static_cast<size_t>(v->GetInt64());
  }
  if (auto* v = member(doc, "MaxQueuedPerHook"); v && v->IsInt64() && v->GetInt64() > 0) {
    out.max_queued_per_hook = static_cast<size_t>(v->GetInt64());
  }
}

}  // namespace pb::outgoing
