// What a callback's answer turns into (wire spec §4.4): nothing, a reply post, or an error for
// the log. The HTTP status is ignored by the caller; only the body counts.
//
// Pure: no host. Threading: any thread. Untrusted input: the body is bounded in nesting
// (json_guard.hpp) before RapidJSON sees it and unpaired surrogate escapes become U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace pb::outgoing {

// How deep a response body may nest (attachments hold fields hold values).
inline constexpr int kMaxResponseNesting = 32;

// What the reply is built from besides the body: the hook's configured names and whether the
// server lets posts override the author's name and icon.
struct ReplyContext {
  std::string_view hook_display_name;
  std::string_view hook_username;
  std::string_view hook_icon_url;
  bool username_override = false;  // ServiceSettings.EnablePostUsernameOverride
  bool icon_override = false;      // ServiceSettings.EnablePostIconOverride
};

struct ReplyOutcome {
  enum Kind { kNothing, kPost, kError } kind = kNothing;
  std::string error;       // kError: why, for the log
  std::string message;     // kPost: the response's text ("" when only attachments)
  std::string type;        // kPost: the response's post type ("" = plain)
  std::string props_json;  // kPost: a JSON object
  bool comment = false;    // kPost: response_type "comment" → reply in the triggering thread
};

// A body that is empty, or JSON without `text` and without attachments, is kNothing. Malformed
// JSON, wrong member types, too deep nesting, or a system_* type is kError.
ReplyOutcome parse_callback_response(std::string_view body, const ReplyContext& context);

}  // namespace pb::outgoing
