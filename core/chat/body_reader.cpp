#include "core/chat/body_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "patchbay/json_canonical.hpp"
#include "patchbay/json_guard.hpp"
#include "patchbay/json_parse.hpp"
#include "patchbay/json_scan.hpp"

namespace pb::chat {
namespace {

// Full precision: object_text() writes props back from the parsed numbers, and the stored
// post is parsed and written again on every read; only exact parses keep that text fixed.
// UTF-8 is checked (sdk::parse_checking_utf8).
constexpr unsigned kParseFlags = rapidjson::kParseFullPrecisionFlag;

// Request bodies nest a few levels (props, attachments); deeper is refused before RapidJSON's
// recursive parser sees it.
constexpr int kMaxBodyDepth = 64;

}  // namespace

BodyReader::BodyReader(std::string_view body, std::string_view what, Reading reading)
    : body_(body) {
  if (reading == Reading::fastest && index_as_written()) {
    as_written_ = true;
    return;
  }
  if (sdk::json_too_deep_at(body, kMaxBodyDepth) != std::string_view::npos) {
    error_ = invalid_body(what);
    doc_.SetObject();
    return;
  }
  std::string scratch;  // RapidJSON misreads some numbers at full precision (json_guard.hpp)
  std::optional<std::string_view> text = sdk::json_full_precision_safe(body, scratch);
  if (text) sdk::parse_checking_utf8<kParseFlags>(doc_, *text);
  if (!text || doc_.HasParseError() || !doc_.IsObject()) {
    error_ = invalid_body(what);
    doc_.SetObject();
    return;
  }
  // Only a \u escape can decode to a surrogate (the raw text was just validated as UTF-8, which
  // has none), so a body without one has nothing to rewrite: most bodies, spared the walk over
  // every string (~1% of the loop thread under POST /api/v4/posts).
  if (body.find("\\u") != std::string_view::npos) sdk::replace_unpaired_surrogates(doc_);
}

bool BodyReader::index_as_written() {
  // What the document path would refuse is never taken here: the Writer's form is valid JSON
  // (UTF-8 checked, integers RapidJSON reads exactly, no \u escape, so no surrogate to repair),
  // and its depth bound is kept one level under the document path's.
  constexpr int kStartDepth = sdk::kMaxCanonicalDepth - (kMaxBodyDepth - 1);
  if (body_.empty() || body_.front() != '{' ||
      sdk::canonical_value_end(body_, 0, kStartDepth) != body_.size()) {
    return false;
  }
  // Canonical: no white space, keys are strings, every value ends where canonical_value_end says.
  size_t i = 1;
  if (body_[i] == '}') return true;
  for (;;) {
    if (member_count_ == kMaxMembersAsWritten) return false;
    size_t key_end = sdk::canonical_value_end(body_, i, kStartDepth + 1);
    std::string_view key = body_.substr(i + 1, key_end - i - 2);
    if (key.find('\\') != std::string_view::npos) return false;  // the document decodes keys
    i = key_end + 1;  // past the ':'
    size_t value_end = sdk::canonical_value_end(body_, i, kStartDepth + 1);
    members_[member_count_++] = {key, body_.substr(i, value_end - i)};
    if (body_[value_end] == '}') return true;
    i = value_end + 1;  // past the ','
  }
}

const std::string_view* BodyReader::member_as_written(std::string_view key) const {
  for (size_t k = 0; k < member_count_; ++k) {
    if (members_[k].key == key) return members_[k].value == "null" ? nullptr : &members_[k].value;
  }
  return nullptr;
}

bool BodyReader::wrong_type(const char* key) {
  if (!error_) error_ = invalid_body(key);
  return false;
}

bool BodyReader::string(const char* key, std::string& out) {
  if (as_written_) {
    const std::string_view* value = member_as_written(key);
    if (value == nullptr) return false;
    if (value->front() != '"') return wrong_type(key);
    sdk::decode_json_string(*value, out);  // canonical: cannot fail
    return true;
  }
  auto it = doc_.FindMember(key);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsString()) return wrong_type(key);
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool BodyReader::boolean(const char* key, bool& out) {
  if (as_written_) {
    const std::string_view* value = member_as_written(key);
    if (value == nullptr) return false;
    if (*value != "true" && *value != "false") return wrong_type(key);
    out = *value == "true";
    return true;
  }
  auto it = doc_.FindMember(key);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsBool()) return wrong_type(key);
  out = it->value.GetBool();
  return true;
}

bool BodyReader::object_text(const char* key, std::string& out) {
  if (as_written_) {
    const std::string_view* value = member_as_written(key);
    if (value == nullptr) return false;
    if (value->front() != '{') return wrong_type(key);
    out.assign(*value);  // already what the Writer writes
    return true;
  }
  auto it = doc_.FindMember(key);
  if (it == doc_.MemberEnd() || it->value.IsNull()) return false;
  if (!it->value.IsObject()) return wrong_type(key);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  // RapidJSON reads a number just past DBL_MAX (2e308) as infinity, which its Writer refuses
  // half-way through: the text would not be JSON. Mattermost (Go) refuses such a number too.
  if (!it->value.Accept(w)) return wrong_type(key);
  out.assign(buffer.GetString(), buffer.GetSize());
  return true;
}

std::optional<std::vector<std::string>> BodyReader::string_array(std::string_view body) {
  if (sdk::json_too_deep_at(body, kMaxBodyDepth) != std::string_view::npos) return std::nullopt;
  std::string scratch;
  std::optional<std::string_view> text = sdk::json_full_precision_safe(body, scratch);
  if (!text) return std::nullopt;
  sdk::SmallDocument<> doc;
  doc.Parse<kParseFlags>(text->data(), text->size());
  if (doc.HasParseError() || !doc.IsArray()) return std::nullopt;
  sdk::replace_unpaired_surrogates(doc);
  std::vector<std::string> out;
  out.reserve(doc.Size());
  for (const auto& v : doc.GetArray()) {
    if (!v.IsString()) return std::nullopt;
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

}  // namespace pb::chat
