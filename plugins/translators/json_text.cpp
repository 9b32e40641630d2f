#include "plugins/translators/json_text.h"

#include <charconv>
#include <cmath>

#include <patchbay/plugin.hpp>

namespace pb::translators {

namespace {

void append_number(std::string& out, const rapidjson::Value& v, bool as_json) {
  char buf[40];
  std::to_chars_result r{};
  if (v.IsInt64()) {
    r = std::to_chars(buf, buf + sizeof buf, v.GetInt64());
  } else if (v.IsUint64()) {
    r = std::to_chars(buf, buf + sizeof buf, v.GetUint64());
  } else {
    double d = v.GetDouble();
    if (!std::isfinite(d)) {
      if (as_json) out += "null";
      return;
    }
    r = std::to_chars(buf, buf + sizeof buf, d);
  }
  out.append(buf, r.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // The SDK's escaper (json_escape.hpp: runs that need no escaping appended whole), so the
  // escaping is the same as everywhere else.
  out += '"';
  sdk::append_json_escaped(out, s);
  out += '"';
}

void append_json(std::string& out, const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      out += "null";
      return;
    case rapidjson::kFalseType:
      out += "false";
      return;
    case rapidjson::kTrueType:
      out += "true";
      return;
    case rapidjson::kStringType:
      append_json_string(out, {v.GetString(), v.GetStringLength()});
      return;
    case rapidjson::kNumberType:
      append_number(out, v, true);
      return;
    case rapidjson::kArrayType: {
      out += '[';
      bool first = true;
      for (const auto& e : v.GetArray()) {
        if (!first) out += ',';
        first = false;
        append_json(out, e);
      }
      out += ']';
      return;
    }
    case rapidjson::kObjectType: {
      out += '{';
      bool first = true;
      for (const auto& m : v.GetObject()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, {m.name.GetString(), m.name.GetStringLength()});
        out += ':';
        append_json(out, m.value);
      }
      out += '}';
      return;
    }
  }
}

void append_text(std::string& out, const rapidjson::Value& v) {
  if (v.IsString()) {
    out.append(v.GetString(), v.GetStringLength());
  } else if (v.IsNumber()) {
    append_number(out, v, false);
  } else if (!v.IsNull()) {
    append_json(out, v);  // true, false, arrays and objects read as their JSON
  }
}


size_t rune_offset(std::string_view s, size_t rune) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (seen == rune) return i;
    ++seen;
  }
  return s.size();
}

}  // namespace pb::translators
