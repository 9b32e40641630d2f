// What the plugin reads from the server configuration (host config_json, ServiceSettings): the
// feature gate and the two override switches. Parsed on the loop thread at init and on every
// configure(); request handlers read the plain values.
#pragma once

#include <string>
#include <string_view>

namespace pb::incoming_webhooks {

struct WebhookSettings {
  bool enable_incoming_webhooks = true;        // off: /hooks 501, API 501
  bool enable_post_username_override = false;  // override_username, hook username storage
  bool enable_post_icon_override = false;      // override_icon_*, hook icon_url storage
};

// Missing or malformed keys keep their defaults (the host validated the file already).
WebhookSettings read_server_config(std::string_view config_json);

// The plugin setting SecretKey (manifest settings_schema; "" when absent): the key that seals
// hook signing secrets at rest (secret_box.h).
std::string read_secret_key(std::string_view settings_json);

}  // namespace pb::incoming_webhooks
