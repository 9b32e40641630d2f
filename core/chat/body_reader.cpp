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

BodyReader::BodyReader(std::string_view body, std::string_view what) : body_(body) {
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
  // Most clients send props compact, as the Writer would write them: then the body's own text
  // is the answer, at a third of the cost of writing the parsed tree (POST /api/v4/posts).
  if (auto raw = canonical_member(key)) {
    out.assign(*raw);
    return true;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  // RapidJSON reads a number just past DBL_MAX (2e308) as infinity, which its Writer refuses
  // half-way through: the text would not be JSON. Mattermost (Go) refuses such a number too.
  if (!it->value.Accept(w)) {
    if (!error_) error_ = invalid_body(key);
    return false;
  }
  out.assign(buffer.GetString(), buffer.GetSize());
  return true;
}

std::optional<std::string_view> BodyReader::canonical_member(std::string_view key) const {
  constexpr size_t kNpos = std::string_view::npos;
  auto skip_ws = [this](size_t i) {
    while (i < body_.size() && (body_[i] == ' ' || body_[i] == '\t' || body_[i] == '\n' ||
                                body_[i] == '\r')) {
      ++i;
    }
    return i;
  };
  size_t i = skip_ws(0);
  if (i >= body_.size() || body_[i] != '{') return std::nullopt;
  for (;;) {
    i = skip_ws(i + 1);
    // A key is a string; one with any escape ends the search (see the header).
    size_t key_end = i < body_.size() && body_[i] == '"' ? sdk::canonical_value_end(body_, i, 1)
                                                          : kNpos;
    if (key_end == kNpos) return std::nullopt;
    std::string_view spelled = body_.substr(i + 1, key_end - i - 2);
    if (spelled.find('\\') != std::string_view::npos) return std::nullopt;
    i = skip_ws(key_end);
    if (i >= body_.size() || body_[i] != ':') return std::nullopt;
    i = skip_ws(i + 1);
    // One pass finds where the value ends and whether it is canonical; a value that is not
    // (whitespace inside, a float) is crossed by the general scanner instead.
    size_t value_end = sdk::canonical_value_end(body_, i, 1);
    if (spelled == key) {
      if (value_end == kNpos) return std::nullopt;
      return body_.substr(i, value_end - i);
    }
    if (value_end == kNpos) {
      sdk::JsonScanner scan(body_.substr(i));
      // The document parsed this body already: depth and numbers are known to be fine.
      if (!scan.skip_value(0, false)) return std::nullopt;
      value_end = i + scan.pos();
    }
    i = skip_ws(value_end);
    if (i >= body_.size() || body_[i] != ',') return std::nullopt;
  }
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
