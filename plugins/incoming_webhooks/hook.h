// The IncomingWebhook model (wire spec §3.1): the record, its JSON (the API's and the store's,
// which are the same text), the request bodies of create/update, and the field rules.
//
// Pure functions, no host: any thread. Untrusted JSON is bounded with json_guard before parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <patchbay/ids.hpp>

#include "plugins/incoming_webhooks/api_error.h"

namespace pb::incoming_webhooks {

struct IncomingHook {
  std::string id;
  int64_t create_at = 0, update_at = 0, delete_at = 0;
  std::string user_id, channel_id, team_id;
  std::string display_name, description, username, icon_url;
  bool channel_locked = false;
  // Issue 8. "" = a plain Slack payload hook; else the translators plugin's translator name.
  std::string translator;
  std::vector<std::pair<std::string, std::string>> translator_variables;  // in the order sent
  std::string signature;         // "" or a preset name (signature_preset.h)
  std::string signature_header;  // the header of the hmac-sha256 preset
  std::string sealed_secret;     // the secret as stored (secret_box.h); "" = none
  std::string secret;            // in clear, memory only: never serialised, never answered
};

// Bounds of the issue-8 fields (validate_hook answers 400 past them).
inline constexpr size_t kMaxTranslatorName = 64;
inline constexpr size_t kMaxTranslatorVariables = 32;
inline constexpr size_t kMaxVariableName = 64;
inline constexpr size_t kMaxVariableValue = 1024;
inline constexpr size_t kMaxSecret = 256;
inline constexpr size_t kMaxSignatureHeader = 64;

// The stored record: Mattermost's JSON of the hook (keys in its order), then the issue-8 fields
// including "signature_secret" (the sealed secret). The store keeps exactly this text.
std::string hook_to_json(const IncomingHook& hook);

// What the API answers: the record without the secret, with "signature_secret_set" instead.
std::string hook_to_api_json(const IncomingHook& hook);
void append_hook_api_json(std::string& out, const IncomingHook& hook);

// A stored record back into a hook (sealed_secret set, secret ""); nullopt when it is not one
// (the store logs and skips it). Records written before issue 8 lack its fields: they load with
// no translator and no signature.
std::optional<IncomingHook> hook_from_json(std::string_view json);

// The members of a create/update body the API reads; absent members stay nullopt. Members of a
// wrong JSON type are a 400 (api.context.invalid_body_param.app_error), as Go's decoder fails.
struct HookFields {
  std::optional<std::string> id, user_id, channel_id, team_id, display_name, description,
      username, icon_url;
  std::optional<bool> channel_locked;
  std::optional<std::string> translator, signature, signature_header, signature_secret;
  std::optional<std::vector<std::pair<std::string, std::string>>> translator_variables;
};
std::variant<HookFields, ApiError> parse_hook_fields(std::string_view body);

// §3.1's limits (model.incoming_hook.*.app_error, 400) on a hook about to be stored, and the
// issue-8 fields' (names, bounds, a signature needs a secret, hmac-sha256 a header name).
std::optional<ApiError> validate_hook(const IncomingHook& hook);

// Mattermost's IsValidUsername: 1..64 of [a-z0-9.-_], not all/channel/matterbot/system.
bool is_valid_username(std::string_view name);

// Ids (IsValidId, fresh hook ids) are the SDK's, shared with the other plugins.
using sdk::is_valid_id;
using sdk::new_id;

}  // namespace pb::incoming_webhooks
