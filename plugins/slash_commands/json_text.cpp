#include "plugins/slash_commands/json_text.h"

#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>

namespace pb::slash {

bool parse_guarded(std::string_view json, int max_depth, std::string& buffer,
                   sdk::PooledDocument& doc) {
  if (sdk::json_too_deep_at(json, max_depth) != std::string_view::npos) return false;
  if (json.find('\0') != std::string_view::npos) return false;
  buffer.assign(json);
  // NUL padding: RapidJSON's UTF-8 validation may read up to three bytes past a truncated
  // sequence at the end of the text.
  buffer.append(4, '\0');
  sdk::parse_insitu_checking_utf8<rapidjson::kParseNoFlags>(doc, buffer);
  if (doc.HasParseError()) return false;
  // Strings were decoded in place: unpaired surrogate escapes become U+FFFD before use.
  sdk::json_replace_surrogates(buffer.data(), buffer.size());
  return true;
}

bool read_string(const rapidjson::Value& object, const char* key, std::string& out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return true;
  if (!it->value.IsString()) return false;
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool read_bool(const rapidjson::Value& object, const char* key, bool& out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return true;
  if (!it->value.IsBool()) return false;
  out = it->value.GetBool();
  return true;
}

bool read_int64(const rapidjson::Value& object, const char* key, int64_t& out) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return true;
  if (!it->value.IsInt64()) return false;
  out = it->value.GetInt64();
  return true;
}

void append_string_member(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty() && out.back() != '{') out += ',';
  out += '"';
  out += key;
  out += "\":\"";
  sdk::append_json_escaped(out, value);
  out += '"';
}

}  // namespace pb::slash
