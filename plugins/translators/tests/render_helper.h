// Test helpers: compile and render a template or a rule file against JSON text.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <rapidjson/document.h>

#include "plugins/translators/registry.h"
#include "plugins/translators/template.h"
#include "plugins/translators/translate_request.h"

namespace pb::translators::test {

// The rendered text, or "ERROR: <reason>" (compile error, or a render failure).
inline std::string render(std::string_view tmpl, std::string_view json,
                          std::string_view variables = "{}", Limits limits = {}) {
  auto compiled = Template::compile(tmpl, limits);
  if (auto* e = std::get_if<std::string>(&compiled)) return "ERROR: " + *e;
  rapidjson::Document doc, vars;
  doc.Parse(json.data(), json.size());
  vars.Parse(variables.data(), variables.size());
  if (doc.HasParseError() || vars.HasParseError()) return "ERROR: bad test JSON";
  RenderState state;
  state.limits = &limits;
  std::vector<Frame> frames;
  std::string out;
  std::get<Template>(compiled).render(RenderInput{&doc, &vars}, frames, state, out);
  if (state.failed()) return "ERROR: " + state.error;
  return out;
}

// A translate request for `translator` with the given headers object and body JSON.
inline std::string translate_request(std::string_view translator, std::string_view headers,
                                     std::string_view body, std::string_view variables = "{}") {
  return std::string("{\"op\":\"translate\",\"translator\":\"") + std::string(translator) +
         "\",\"variables\":" + std::string(variables) + ",\"headers\":" + std::string(headers) +
         ",\"body\":" + std::string(body) + "}";
}

}  // namespace pb::translators::test
