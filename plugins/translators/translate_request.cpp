#include "plugins/translators/translate_request.h"

#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>

#include <rapidjson/error/en.h>

#include "plugins/translators/json_text.h"
#include "plugins/translators/translators_event.h"

namespace pb::translators {

namespace {

std::string_view sv(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

const rapidjson::Value* member(const rapidjson::Value& obj, std::string_view name) {
  for (const auto& m : obj.GetObject()) {
    if (sv(m.name) == name) return &m.value;
  }
  return nullptr;
}

void fail(Answer& a, int status, std::string_view id, std::string message) {
  a.status = status;
  a.error_id = id;
  a.message = std::move(message);
  a.json.clear();
  a.json += "{\"error\":{\"status\":";
  a.json += std::to_string(status);
  a.json += ",\"id\":";
  append_json_string(a.json, id);
  a.json += ",\"message\":";
  append_json_string(a.json, a.message);
  a.json += "}}";
}

}  // namespace

void RequestHandler::handle(std::string_view blob, Answer& answer) {
  answer.status = 200;
  answer.error_id = {};
  answer.message.clear();
  answer.json.clear();
  if (size_t at = sdk::json_too_deep_at(blob, kMaxRequestDepth); at != std::string_view::npos) {
    return fail(answer, 400, kErrorPayload,
                "the payload nests deeper than " + std::to_string(kMaxRequestDepth - 2) + " levels");
  }
  // In-place parse of a copy (the blob is the host's); NUL padding because the UTF-8 validation
  // of a truncated sequence reads up to three bytes past the end (json_guard.hpp).
  buffer_.assign(blob);
  buffer_.append(4, '\0');
  rapidjson::Document doc;
  sdk::parse_insitu_checking_utf8<rapidjson::kParseNoFlags>(doc, buffer_);
  if (doc.HasParseError()) {
    return fail(answer, 400, kErrorPayload,
                std::string("the payload is not JSON: ") +
                    rapidjson::GetParseError_En(doc.GetParseError()));
  }
  sdk::json_replace_surrogates(buffer_.data(), blob.size());
  if (!doc.IsObject()) return fail(answer, 400, kErrorRequest, "the request is not a JSON object");
  const rapidjson::Value* op = member(doc, "op");
  const rapidjson::Value* name = member(doc, "translator");
  if (op == nullptr || !op->IsString() || name == nullptr || !name->IsString()) {
    return fail(answer, 400, kErrorRequest, "the request needs string \"op\" and \"translator\"");
  }
  const Translator* t = registry_.find(sv(*name));
  if (t == nullptr) {
    return fail(answer, 404, kErrorUnknown,
                "translator " + std::string(sv(*name)) + " is not installed");
  }
  if (sv(*op) == kOpDescribe) {
    answer.json += "{\"name\":";
    append_json_string(answer.json, t->name());
    answer.json += ",\"description\":";
    append_json_string(answer.json, t->description());
    answer.json += ",\"variables\":[";
    for (size_t i = 0; i < t->variables().size(); ++i) {
      if (i != 0) answer.json += ',';
      append_json_string(answer.json, t->variables()[i]);
    }
    answer.json += "]}";
    return;
  }
  if (sv(*op) != kOpTranslate) {
    return fail(answer, 400, kErrorRequest, "unknown op \"" + std::string(sv(*op)) + "\"");
  }
  const rapidjson::Value* headers = member(doc, "headers");
  const rapidjson::Value* variables = member(doc, "variables");
  const rapidjson::Value* body = member(doc, "body");
  if ((headers != nullptr && !headers->IsObject()) ||
      (variables != nullptr && !variables->IsObject())) {
    return fail(answer, 400, kErrorRequest, "\"headers\" and \"variables\" must be objects");
  }
  if (body == nullptr) {
    return fail(answer, 400, kErrorPayload, "translator " + t->name() + ": no payload");
  }
  const Rule* rule = t->match(headers, *body);
  if (rule == nullptr) {
    std::string summary = t->match_summary(headers, *body);
    return fail(answer, 400, kErrorNoMatch,
                "translator " + t->name() + ": no rule matches" +
                    (summary.empty() ? "" : " (" + summary + ")"));
  }
  RenderState state;
  state.limits = &registry_.limits();
  RenderInput in{body, variables};
  std::vector<Frame> frames;
  answer.json += "{\"payload\":";
  rule->post.render(in, frames, state, answer.json);
  if (!state.failed() && rule->thread_key) {
    scratch_.clear();
    state.output_bytes = answer.json.size();
    rule->thread_key->render(in, frames, state, scratch_);
    if (!state.failed() && !scratch_.empty()) {
      answer.json += ",\"thread_key\":";
      append_json_string(answer.json, scratch_);
    }
  }
  if (state.failed()) {
    bool limit = state.failure == RenderState::Failure::limit;
    return fail(answer, limit ? 413 : 400, limit ? kErrorLimit : kErrorPayload,
                "translator " + t->name() + " rule " + rule->name + ": " + state.error);
  }
  answer.json += '}';
}

}  // namespace pb::translators
