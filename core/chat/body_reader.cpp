#include "core/chat/body_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace pb::chat {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag;

}  // namespace

BodyReader::BodyReader(std::string_view body, std::string_view what) {
  doc_.Parse<kParseFlags>(body.data(), body.size());
  if (doc_.HasParseError() || !doc_.IsObject()) {
    error_ = invalid_body(what);
    doc_.SetObject();
  }
}

bool BodyReader::string(const char* key, std::string& out) {
  auto it = doc_.FindMember(key);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsString()) {
    if (!error_) error_ = invalid_body(key);
    return false;
  }
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool BodyReader::boolean(const char* key, bool& out) {
  auto it = doc_.FindMember(key);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsBool()) {
    if (!error_) error_ = invalid_body(key);
    return false;
  }
  out = it->value.GetBool();
  return true;
}

bool BodyReader::object_text(const char* key, std::string& out) {
  auto it = doc_.FindMember(key);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsObject()) {
    if (!error_) error_ = invalid_body(key);
    return false;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  it->value.Accept(w);
  out.assign(buffer.GetString(), buffer.GetSize());
  return true;
}

std::optional<std::vector<std::string>> BodyReader::string_array(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsArray()) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(doc.Size());
  for (const auto& v : doc.GetArray()) {
    if (!v.IsString()) return std::nullopt;
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

}  // namespace pb::chat
