#include "plugins/slash_commands/settings.h"

#include <rapidjson/document.h>

namespace pb::slash {
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
  out = Settings{};
  // The host's own configuration: trusted, parsed with the same checks anyway.
  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  if (doc.HasParseError()) return;
  if (auto* s = member(doc, "ServiceSettings")) {
    read_bool(*s, "EnableCommands", out.enabled);
    read_bool(*s, "EnablePostUsernameOverride", out.username_override);
    read_bool(*s, "EnablePostIconOverride", out.icon_override);
    if (auto* v = member(*s, "SiteURL"); v && v->IsString()) {
      out.site_url.assign(v->GetString(), v->GetStringLength());
      while (!out.site_url.empty() && out.site_url.back() == '/') out.site_url.pop_back();
    }
  }
}

}  // namespace pb::slash
