// The post an incoming webhook makes, before and after the attachments plugin (wire spec §2.4
// steps 4-6, §2.6): the props the server sets, and the JSON exchanged on "attachments.process".
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

// {"message":...,"type":...,"props":...}: the payload of "attachments.process".
std::string process_request_json(std::string_view message, std::string_view type,
                                 std::string_view props_json);
// Its head, {"message":...,"type":...,"props": appended to `out` (room reserved for props of
// about props_size_hint bytes): followed by a props object and '}', it is process_request_json.
void append_process_request_head(std::string& out, std::string_view message,
                                 std::string_view type, size_t props_size_hint);

struct ProcessedPost {
  std::string message, type, props_json;
};
// The attachments plugin's answer (or the request itself when nobody handled the event);
// nullopt when it is not such an object.
// An answer whose values are all in RapidJSON's canonical form (patchbay/json_canonical.hpp) is read
// without a DOM; any other goes through parse_processed_with_dom, with the same result.
std::optional<ProcessedPost> parse_processed(std::string_view json);
// The DOM reading alone (RapidJSON; the first of duplicate members counts; props re-serialised
// by its Writer; unpaired surrogate escapes as U+FFFD): the reference the fast path must match.
std::optional<ProcessedPost> parse_processed_with_dom(std::string_view json);

// The effective override values of §2.4 step 12 / §2.6 ("webhook" when no username at all).
std::string_view effective_username(std::string_view sent, std::string_view hook);
std::string_view effective_icon_url(std::string_view sent, std::string_view hook);

}  // namespace pb::incoming_webhooks
