#include "plugins/slash_commands/response_url.h"

#include <rapidjson/document.h>

#include <patchbay/json_guard.hpp>
#include <patchbay/plugin.hpp>

namespace pb::slash {

std::string to_json(const ResponseUrlRecord& r) {
  std::string out = "{\"id\":" + sdk::json_string(r.id);
  out += ",\"command_id\":" + sdk::json_string(r.command_id);
  out += ",\"user_id\":" + sdk::json_string(r.user_id);
  out += ",\"channel_id\":" + sdk::json_string(r.channel_id);
  out += ",\"root_id\":" + sdk::json_string(r.root_id);
  out += ",\"team_id\":" + sdk::json_string(r.team_id);
  out += ",\"command_username\":" + sdk::json_string(r.command_username);
  out += ",\"command_icon_url\":" + sdk::json_string(r.command_icon_url);
  out += ",\"create_at\":" + std::to_string(r.create_at);
  out += ",\"uses\":" + std::to_string(r.uses) + "}";
  return out;
}

std::optional<ResponseUrlRecord> response_url_from_record(std::string_view json) {
  if (sdk::json_too_deep_at(json, 2) != std::string_view::npos) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  ResponseUrlRecord r;
  auto str = [&](const char* key, std::string& dst) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return false;
    dst.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto create_at = doc.FindMember("create_at");
  auto uses = doc.FindMember("uses");
  if (create_at == doc.MemberEnd() || !create_at->value.IsInt64() || uses == doc.MemberEnd() ||
      !uses->value.IsInt()) {
    return std::nullopt;
  }
  r.create_at = create_at->value.GetInt64();
  r.uses = uses->value.GetInt();
  if (!str("id", r.id) || !str("command_id", r.command_id) || !str("user_id", r.user_id) ||
      !str("channel_id", r.channel_id) || !str("root_id", r.root_id) ||
      !str("team_id", r.team_id) || !str("command_username", r.command_username) ||
      !str("command_icon_url", r.command_icon_url)) {
    return std::nullopt;
  }
  return r;
}

void ResponseUrls::add(ResponseUrlRecord record) {
  std::string id = record.id;
  by_id_.insert_or_assign(std::move(id), std::move(record));
}

const ResponseUrlRecord* ResponseUrls::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

ResponseUrls::Use ResponseUrls::try_use(std::string_view id, int64_t now_ms,
                                        ResponseUrlRecord* out) {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return Use::kMissing;
  ResponseUrlRecord& r = it->second;
  if (now_ms - r.create_at > kResponseUrlLifetimeMs) return Use::kMissing;
  if (r.uses >= kMaxResponseUrlUses) return Use::kUsedUp;
  ++r.uses;
  if (out != nullptr) *out = r;
  return Use::kOk;
}

std::vector<std::string> ResponseUrls::expire(int64_t now_ms) {
  std::vector<std::string> gone;
  for (auto it = by_id_.begin(); it != by_id_.end();) {
    if (now_ms - it->second.create_at > kResponseUrlLifetimeMs) {
      gone.push_back(it->first);
      it = by_id_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

}  // namespace pb::slash
