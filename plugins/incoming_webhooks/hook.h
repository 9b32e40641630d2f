// The IncomingWebhook model (wire spec §3.1): the record, its JSON (the API's and the store's,
// which are the same text), the request bodies of create/update, and the field rules.
//
// Pure functions, no host: any thread. Untrusted JSON is bounded with json_guard before parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <patchbay/ids.hpp>

#include "plugins/incoming_webhooks/api_error.h"

namespace pb::incoming_webhooks {

struct IncomingHook {
  std::string id;
  int64_t create_at = 0, update_at = 0, delete_at = 0;
  std::string user_id, channel_id, team_id;
  std::string display_name, description, username, icon_url;
  bool channel_locked = false;
};

// Mattermost's JSON of the hook (keys in its order). The store keeps exactly this text.
std::string hook_to_json(const IncomingHook& hook);
void append_hook_json(std::string& out, const IncomingHook& hook);

// A stored record back into a hook; nullopt when it is not one (the store logs and skips it).
std::optional<IncomingHook> hook_from_json(std::string_view json);

// The members of a create/update body the API reads; absent members stay nullopt. Members of a
// wrong JSON type are a 400 (api.context.invalid_body_param.app_error), as Go's decoder fails.
struct HookFields {
  std::optional<std::string> id, user_id, channel_id, team_id, display_name, description,
      username, icon_url;
  std::optional<bool> channel_locked;
};
std::variant<HookFields, ApiError> parse_hook_fields(std::string_view body);

// §3.1's limits (model.incoming_hook.*.app_error, 400) on a hook about to be stored.
std::optional<ApiError> validate_hook(const IncomingHook& hook);

// Mattermost's IsValidUsername: 1..64 of [a-z0-9.-_], not all/channel/matterbot/system.
bool is_valid_username(std::string_view name);

// Ids (IsValidId, fresh hook ids) are the SDK's, shared with the other plugins.
using sdk::is_valid_id;
using sdk::new_id;

}  // namespace pb::incoming_webhooks
