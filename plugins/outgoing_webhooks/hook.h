// The OutgoingWebhook model (wire spec §4.1): the record, its JSON (the API's and the store's are
// the same text), the client body reader and Mattermost's IsValid rules.
//
// Pure: no host, no I/O. Threading: any thread. Errors are returned as ApiError values, never
// thrown (except std::bad_alloc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <patchbay/ids.hpp>

namespace pb::outgoing {

// A Mattermost error answer: HTTP status, error id, message (wire spec §1.1).
struct ApiError {
  int status = 0;
  std::string id;
  std::string message;
};

ApiError invalid_body_param(std::string_view name);

inline constexpr int kTriggerWordsExactMatch = 0;
inline constexpr int kTriggerWordsStartsWith = 1;

struct OutgoingHook {
  std::string id;
  std::string token;
  int64_t create_at = 0;
  int64_t update_at = 0;
  int64_t delete_at = 0;
  std::string creator_id;
  std::string channel_id;
  std::string team_id;
  std::vector<std::string> trigger_words;
  int trigger_when = kTriggerWordsExactMatch;
  std::vector<std::string> callback_urls;
  std::string display_name;
  std::string description;
  std::string content_type;
  std::string username;
  std::string icon_url;

  // "application/json" sends JSON; anything else is form-encoded (wire spec §4.1).
  bool sends_json() const { return content_type == "application/json"; }
};

// The hook as Mattermost's API shows it (all fields, arrays never null).
std::string to_json(const OutgoingHook& hook);

// Reads a client's POST/PUT body. Missing keys keep their zero values; a key of the wrong type,
// malformed or too deeply nested JSON → 400 api.context.invalid_body_param.app_error naming
// "outgoing_webhook", as Mattermost's decoder failure does.
std::optional<OutgoingHook> hook_from_body(std::string_view json, ApiError& error);

// Reads a stored record (written by to_json); nullopt when it is damaged.
std::optional<OutgoingHook> hook_from_record(std::string_view json);

// Mattermost's OutgoingWebhook.IsValid (400 model.outgoing_hook.is_valid.<field>.app_error), for
// a hook whose id, token, times and creator have been filled in.
std::optional<ApiError> validate(const OutgoingHook& hook);

// Mattermost's IsValidId is the SDK's, shared with the other plugins.
using sdk::is_valid_id;

// Whether two hooks of one team would both fire for one post and call one URL: same channel,
// a shared callback URL and a shared trigger word (wire spec §4.1 "intersect").
bool intersects(const OutgoingHook& a, const OutgoingHook& b);

}  // namespace pb::outgoing
