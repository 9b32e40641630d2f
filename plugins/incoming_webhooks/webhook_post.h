// The post an incoming webhook makes, before and after the attachments plugin (wire spec §2.4
// steps 4-6, §2.6): the props the server sets before "attachments.process" sees them.
//
// Pure functions, any thread, no host. The sender's props are untrusted: nesting is bounded
// (json_guard) before RapidJSON sees them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "plugins/incoming_webhooks/api_error.h"

namespace pb::incoming_webhooks {

// What goes into the props besides the sender's own.
struct PropsInput {
  std::string_view client_props_json;  // "" or the sender's JSON object
  std::string_view attachments_json;   // "" or the sender's JSON array
  bool has_attachments = false;        // at least one non-null attachment
  std::string_view display_name;       // the hook's, always set (may be "")
  // Set only when the config allows the override (nullopt: no such prop).
  std::optional<std::string_view> override_username, override_icon_url, override_icon_emoji;
};

// Props JSON: the sender's members except the reserved ones (from_webhook, override_*,
// webhook_display_name) and "attachments" (only top-level attachments count), then
// from_webhook "true", webhook_display_name, the overrides and the attachments.
// Malformed or too deeply nested sender props: 400 model.incoming_hook.parse_data.app_error.
std::variant<std::string, ApiError> build_webhook_props(const PropsInput& in);
// The same props appended to `out` (what is in it stays); nullopt when done, else the error
// (and `out` holds a partial object then). For a caller that reuses one buffer per request.
std::optional<ApiError> append_webhook_props(std::string& out, const PropsInput& in);

// The effective override values of §2.4 step 12 / §2.6 ("webhook" when no username at all).
std::string_view effective_username(std::string_view sent, std::string_view hook);
std::string_view effective_icon_url(std::string_view sent, std::string_view hook);

}  // namespace pb::incoming_webhooks
