#include "plugins/slash_commands/json_text.h"

#include <patchbay/json_guard.hpp>
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
  doc.ParseInsitu<rapidjson::kParseValidateEncodingFlag>(buffer.data());
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

void append_valid_utf8(std::string& out, std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = b(i);
    size_t n = 0;
    if (c < 0x80) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = cont(i + 1) ? 2 : 0;
    } else if (c >= 0xE0 && c <= 0xEF) {
      bool second_ok = i + 1 < s.size() && (c == 0xE0   ? b(i + 1) >= 0xA0 && b(i + 1) <= 0xBF
                                            : c == 0xED ? b(i + 1) >= 0x80 && b(i + 1) <= 0x9F
                                                        : cont(i + 1));
      n = second_ok && cont(i + 2) ? 3 : 0;
    } else if (c >= 0xF0 && c <= 0xF4) {
      bool second_ok = i + 1 < s.size() && (c == 0xF0   ? b(i + 1) >= 0x90 && b(i + 1) <= 0xBF
                                            : c == 0xF4 ? b(i + 1) >= 0x80 && b(i + 1) <= 0x8F
                                                        : cont(i + 1));
      n = second_ok && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
}

}  // namespace pb::slash
