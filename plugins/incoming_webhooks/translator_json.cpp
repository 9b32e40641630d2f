#include "plugins/incoming_webhooks/translator_json.h"

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <patchbay/json_canonical.hpp>
#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>

#include "plugins/incoming_webhooks/payload_decoder.h"

namespace pb::incoming_webhooks {
namespace {

// Translator answers carry a whole post; their nesting is bounded like the body's.
constexpr int kMaxAnswerDepth = kMaxTranslatedBodyDepth + 8;

void append_string(std::string& out, std::string_view s) {
  out += '"';
  sdk::append_json_escaped(out, s);
  out += '"';
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_name_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

ApiError bad_answer() {
  return {500, "web.incoming_webhook.translator.answer.app_error",
          "The translator answered something that is not a translation."};
}

// The error object of an answer, if it has one: {"error":{"status":..,"id":..,"message":..}}.
std::optional<ApiError> answer_error(const rapidjson::Document& doc) {
  auto it = doc.FindMember("error");
  if (it == doc.MemberEnd()) return std::nullopt;
  const auto& e = it->value;
  if (!e.IsObject()) return bad_answer();
  ApiError out{400, "web.incoming_webhook.translator.app_error", "The translator failed."};
  auto status = e.FindMember("status");
  if (status != e.MemberEnd() && status->value.IsInt() && status->value.GetInt() >= 400 &&
      status->value.GetInt() <= 599) {
    out.status = status->value.GetInt();
  }
  auto id = e.FindMember("id");
  if (id != e.MemberEnd() && id->value.IsString() && id->value.GetStringLength() > 0) {
    out.id.assign(id->value.GetString(), id->value.GetStringLength());
  }
  auto message = e.FindMember("message");
  if (message != e.MemberEnd() && message->value.IsString()) {
    out.message.assign(message->value.GetString(), message->value.GetStringLength());
  }
  return out;
}

bool parse_answer(std::string_view answer, rapidjson::Document& doc) {
  if (sdk::json_too_deep_at(answer, kMaxAnswerDepth) != std::string_view::npos) return false;
  doc.Parse(answer.data(), answer.size());
  return !doc.HasParseError() && doc.IsObject();
}

bool is_request_echo(const rapidjson::Document& doc) { return doc.HasMember("op"); }

}  // namespace

std::string describe_request_json(std::string_view translator) {
  std::string out = R"({"op":"describe","translator":)";
  append_string(out, translator);
  out += '}';
  return out;
}

std::string translate_request_json(std::string_view translator, const Variables& variables,
                                   const HeaderList& headers, std::string_view body) {
  std::string out;
  size_t hint = 96 + translator.size() + body.size();
  for (const auto& [n, v] : headers) hint += n.size() + v.size() + 6;
  for (const auto& [n, v] : variables) hint += n.size() + v.size() + 6;
  out.reserve(hint);
  out += R"({"op":"translate","translator":)";
  append_string(out, translator);
  out += R"(,"variables":{)";
  for (size_t i = 0; i < variables.size(); ++i) {
    if (i != 0) out += ',';
    append_string(out, variables[i].first);
    out += ':';
    append_string(out, variables[i].second);
  }
  out += R"(},"headers":{)";
  bool first = true;
  for (size_t i = 0; i < headers.size(); ++i) {
    bool repeated = false;
    for (size_t j = 0; j < i && !repeated; ++j) {
      repeated = same_name_ci(headers[j].first, headers[i].first);
    }
    if (repeated) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    size_t start = out.size();
    sdk::append_json_escaped(out, headers[i].first);
    for (size_t k = start; k < out.size(); ++k) out[k] = lower(out[k]);
    out += "\":";
    append_string(out, headers[i].second);
  }
  out += R"(},"body":)";
  out += body;
  out += '}';
  return out;
}

namespace {

// SAX handler of is_json_value: stops the parse (false) at the '[' or '{' that opens level
// kMaxTranslatedBodyDepth + 1, the nesting sdk::json_too_deep_at measures; anything else goes.
struct DepthLimit : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DepthLimit> {
  int depth = 0;
  bool StartObject() { return ++depth <= kMaxTranslatedBodyDepth; }
  bool StartArray() { return ++depth <= kMaxTranslatedBodyDepth; }
  bool EndObject(rapidjson::SizeType) { return --depth, true; }
  bool EndArray(rapidjson::SizeType) { return --depth, true; }
};

}  // namespace

// One SAX pass (no tree, the depth counted by the handler) instead of a depth scan, a
// heap-stacked reader and UTF-8 checks on every character: 12 % of the loop on translated GitHub
// pushes.
bool is_json_value(std::string_view body) {
  // Compact JSON in RapidJSON's canonical form (patchbay/json_canonical.hpp; GitHub's pushes, for
  // one) is one valid JSON value: checking that costs a third of the SAX pass (which was a fifth
  // of a translated push). Started this deep, it refuses the nesting the SAX pass refuses too.
  constexpr int kCanonicalStart = sdk::kMaxCanonicalDepth - kMaxTranslatedBodyDepth;
  if (sdk::canonical_value_end(body, 0, kCanonicalStart) == body.size()) return true;
  DepthLimit limit;
  // Iterative: no recursion whatever the input; stop when done: only whitespace may follow.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
  const size_t end = sdk::sax_parse_checking_utf8<kFlags>(body, limit);
  if (end == std::string_view::npos) return false;
  for (size_t i = end; i < body.size(); ++i) {
    char c = body[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::variant<Described, ApiError, NotTranslated> parse_describe_answer(std::string_view answer) {
  rapidjson::Document doc;
  if (!parse_answer(answer, doc)) return bad_answer();
  if (is_request_echo(doc)) return NotTranslated{};
  if (auto e = answer_error(doc)) return *e;
  auto name = doc.FindMember("name");
  if (name == doc.MemberEnd() || !name->value.IsString()) return bad_answer();
  return Described{std::string(name->value.GetString(), name->value.GetStringLength())};
}

std::variant<Translated, ApiError, NotTranslated> parse_translate_answer(std::string_view answer) {
  // The payload is taken as the translator wrote it (no re-serialisation): split the top level
  // without a tree, and parse a tree only for the small error object.
  std::vector<JsonMemberView> members;
  if (sdk::json_too_deep_at(answer, kMaxAnswerDepth) != std::string_view::npos ||
      !split_json_object(answer, members)) {
    return bad_answer();
  }
  Translated out;
  bool has_payload = false;
  for (const auto& m : members) {
    if (m.key == "op") return NotTranslated{};
    if (m.key == "error") {
      rapidjson::Document doc;
      if (!parse_answer(answer, doc)) return bad_answer();
      return *answer_error(doc);
    }
    if (m.key == "payload") {
      if (m.raw_value.empty() || m.raw_value.front() != '{') return bad_answer();
      out.payload_json.assign(m.raw_value);
      has_payload = true;
    } else if (m.key == "thread_key") {
      if (m.raw_value == "null") continue;
      if (!decode_json_string(m.raw_value, out.thread_key)) return bad_answer();
      if (out.thread_key.size() > kMaxThreadKey) {
        return ApiError{400, "web.incoming_webhook.thread_key.app_error",
                        "The thread key is longer than " + std::to_string(kMaxThreadKey) +
                            " bytes."};
      }
    }
  }
  if (!has_payload) return bad_answer();
  return out;
}

}  // namespace pb::incoming_webhooks
