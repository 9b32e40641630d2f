// libFuzzer target for the slash commands plugin's untrusted inputs, all from the same bytes:
// the command text a user types (command_text.h), a command URL's answer read as JSON and as
// plain text (command_response.h), a management API body (command.h) and a stored
// response_url record or batch of records (response_url.h). Nothing may crash, and:
// - a parsed command text has a non-empty trigger without ASCII upper case and a message that
//   is a suffix of the input;
// - an answer that parses gives valid JSON for the execute reply and a valid JSON object for
//   the post's props, with from_webhook "true";
// - a command body that reads survives to_json → command_from_record unchanged, and the form
//   encoding holds only URL-safe bytes;
// - a stored response_url record, and a batch of them, survive being written again unchanged.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plugins/slash_commands/command.h"
#include "plugins/slash_commands/command_request.h"
#include "plugins/slash_commands/command_response.h"
#include "plugins/slash_commands/command_text.h"
#include "plugins/slash_commands/response_url.h"

namespace {

bool valid_json(const std::string& text, bool must_be_object) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  return !doc.HasParseError() && (!must_be_object || doc.IsObject());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pb::slash;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto text = parse_command_text(input)) {
    if (text->trigger.empty()) std::abort();
    for (char c : text->trigger) {
      if (c >= 'A' && c <= 'Z') std::abort();
    }
    if (!input.ends_with(text->message)) std::abort();
    InvocationParams params;
    params.text = text->message;
    params.command = text->trigger;
    for (char c : encode_params(params)) {
      bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == '~' || c == '%' || c == '+' ||
                  c == '=' || c == '&';
      if (!safe) std::abort();
    }
  }

  for (std::string_view type : {"application/json", "text/plain"}) {
    ParsedResponse parsed = parse_command_response(type, input);
    if (!parsed.ok) {
      if (parsed.error.empty()) std::abort();
      continue;
    }
    if (!valid_json(response_to_json(parsed.response, "trigger"), true)) std::abort();
    if (type == "application/json") {
      PostPropsContext context{"cmd", "http://icon/", size % 2 == 0, size % 3 == 0, true};
      std::string props = post_props_json(parsed.response, context);
      if (!valid_json(props, true)) std::abort();
      if (props.find("\"from_webhook\":\"true\"") == std::string::npos) std::abort();
      for (const auto& extra : parsed.response.extra_responses) {
        if (!valid_json(post_props_json(extra, context), true)) std::abort();
      }
    }
  }

  ApiError error;
  if (auto command = command_from_body(input, error)) {
    normalise_trigger(*command);
    std::string json = to_json(*command);
    auto back = command_from_record(json);
    if (!back || to_json(*back) != json) std::abort();
    if (!valid_json(to_sanitized_json(*command), true)) std::abort();
  } else if (error.status != 400) {
    std::abort();
  }

  if (auto record = response_url_from_record(input)) {
    auto back = response_url_from_record(to_json(*record));
    if (!back || to_json(*back) != to_json(*record)) std::abort();
  }
  // A stored batch of records (what a flush writes) that reads survives being written again.
  if (auto batch = response_url_batch_from_record(input)) {
    std::string text = "[";
    for (size_t i = 0; i < batch->size(); ++i) {
      if (i != 0) text += ',';
      append_json(text, (*batch)[i]);
    }
    text += ']';
    auto back = response_url_batch_from_record(text);
    if (!back || back->size() != batch->size()) std::abort();
    for (size_t i = 0; i < batch->size(); ++i) {
      if (to_json((*back)[i]) != to_json((*batch)[i])) std::abort();
    }
  }
  return 0;
}
