#include "plugins/outgoing_webhooks/delivery_record.h"

#include <rapidjson/document.h>

#include <cstdio>

#include <patchbay/json_guard.hpp>
#include <patchbay/plugin.hpp>

namespace pb::outgoing {
namespace {

void add_field(std::string& out, const char* key, std::string_view value, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += key;
  out += "\":\"";
  sdk::append_json_escaped(out, value);
  out += '"';
}

void add_form(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += '&';
  out += key;
  out += '=';
  append_query_escaped(out, value);
}

}  // namespace

std::string delivery_key(const DeliveryRecord& r) {
  char ts[24];
  std::snprintf(ts, sizeof ts, "%013lld", static_cast<long long>(r.timestamp_ms < 0 ? 0 : r.timestamp_ms));
  std::string key(kDeliveryPrefix);
  key += ts;
  key += '/';
  key += r.post_id;
  key += '/';
  key += r.hook_id;
  return key;
}

std::string to_record_json(const DeliveryRecord& r) {
  std::string out;
  out.reserve(256 + r.text.size());
  out += '{';
  add_field(out, "hook_id", r.hook_id, true);
  add_field(out, "post_id", r.post_id);
  add_field(out, "root_id", r.root_id);
  add_field(out, "channel_id", r.channel_id);
  add_field(out, "channel_name", r.channel_name);
  add_field(out, "team_id", r.team_id);
  add_field(out, "team_domain", r.team_domain);
  add_field(out, "user_id", r.user_id);
  add_field(out, "user_name", r.user_name);
  add_field(out, "text", r.text);
  add_field(out, "trigger_word", r.trigger_word);
  add_field(out, "file_ids", r.file_ids);
  out += ",\"timestamp\":" + std::to_string(r.timestamp_ms) + '}';
  return out;
}

std::optional<DeliveryRecord> record_from_json(std::string_view json) {
  if (sdk::json_too_deep_at(json, 2) != std::string_view::npos) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  DeliveryRecord r;
  auto str = [&](const char* key, std::string& dst) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return false;
    dst.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto ts = doc.FindMember("timestamp");
  if (ts == doc.MemberEnd() || !ts->value.IsInt64()) return std::nullopt;
  r.timestamp_ms = ts->value.GetInt64();
  bool ok = str("hook_id", r.hook_id) && str("post_id", r.post_id) && str("root_id", r.root_id) &&
            str("channel_id", r.channel_id) && str("channel_name", r.channel_name) &&
            str("team_id", r.team_id) && str("team_domain", r.team_domain) &&
            str("user_id", r.user_id) && str("user_name", r.user_name) && str("text", r.text) &&
            str("trigger_word", r.trigger_word) && str("file_ids", r.file_ids);
  if (!ok) return std::nullopt;
  return r;
}

void append_query_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

std::string callback_body(const DeliveryRecord& r, std::string_view token, bool json) {
  std::string out;
  out.reserve(320 + r.text.size() * (json ? 1 : 3));
  if (json) {
    out += '{';
    add_field(out, "token", token, true);
    add_field(out, "team_id", r.team_id);
    add_field(out, "team_domain", r.team_domain);
    add_field(out, "channel_id", r.channel_id);
    add_field(out, "channel_name", r.channel_name);
    out += ",\"timestamp\":" + std::to_string(r.timestamp_ms);
    add_field(out, "user_id", r.user_id);
    add_field(out, "user_name", r.user_name);
    add_field(out, "post_id", r.post_id);
    add_field(out, "text", r.text);
    add_field(out, "trigger_word", r.trigger_word);
    add_field(out, "file_ids", r.file_ids);
    out += '}';
    return out;
  }
  // Alphabetical, as url.Values.Encode.
  add_form(out, "channel_id", r.channel_id);
  add_form(out, "channel_name", r.channel_name);
  add_form(out, "file_ids", r.file_ids);
  add_form(out, "post_id", r.post_id);
  add_form(out, "team_domain", r.team_domain);
  add_form(out, "team_id", r.team_id);
  add_form(out, "text", r.text);
  add_form(out, "timestamp", std::to_string(r.timestamp_ms / 1000));
  add_form(out, "token", token);
  add_form(out, "trigger_word", r.trigger_word);
  add_form(out, "user_id", r.user_id);
  add_form(out, "user_name", r.user_name);
  return out;
}

}  // namespace pb::outgoing
