// The incoming_webhooks plugin's own parsers of untrusted text (the payload decoder has its own
// targets): the management API's hook bodies, stored hook records, the sender's props as the
// server rewrites them. The first byte picks the parser.
// Invariants checked: a stored record round-trips exactly; rewritten props are always a JSON
// object with the server's from_webhook, and the same bytes when appended to a buffer.
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plugins/incoming_webhooks/hook.h"
#include "plugins/incoming_webhooks/webhook_post.h"

using namespace pb::incoming_webhooks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      (void)parse_hook_fields(text);
      break;
    case 1: {
      auto hook = hook_from_json(text);
      if (hook) {
        std::string json = hook_to_json(*hook);
        auto again = hook_from_json(json);
        if (!again || hook_to_json(*again) != json) abort();
      }
      break;
    }
    default: {
      PropsInput in;
      in.client_props_json = text;
      in.display_name = "fuzz";
      auto props = build_webhook_props(in);
      // The endpoint's one-buffer form: the same props after a prefix, or the same refusal.
      std::string appended = "{\"message\":";
      auto refused = append_webhook_props(appended, in);
      if (refused.has_value() != std::holds_alternative<ApiError>(props)) abort();
      if (!refused && appended != "{\"message\":" + std::get<std::string>(props)) abort();
      if (auto* json = std::get_if<std::string>(&props)) {
        rapidjson::Document d;
        d.Parse(json->data(), json->size());
        if (d.HasParseError() || !d.IsObject()) abort();
        auto it = d.FindMember("from_webhook");
        if (it == d.MemberEnd() || !it->value.IsString() ||
            std::string_view(it->value.GetString()) != "true") {
          abort();
        }
      }
      break;
    }
  }
  return 0;
}
