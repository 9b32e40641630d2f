#include "plugins/incoming_webhooks/incoming_webhooks_plugin.h"

#include <sodium.h>

namespace pb::incoming_webhooks {

int IncomingWebhooksPlugin::init(std::string_view settings_json) {
  auto& h = host();
  if (sodium_init() < 0) {
    h.error("libsodium failed to initialise");
    return PB_E_PLUGIN;
  }
  auto box = SecretBox::from_hex_key(read_secret_key(settings_json));
  if (!box) {
    h.error("SecretKey must be empty or 64 hex digits (a 256-bit key)");
    return PB_E_INVALID;
  }
  box_ = std::move(*box);
  if (!box_.has_key()) {
    h.warn("SecretKey is not set: hook signing secrets are stored in clear in the plugin's store");
  }
  chat_ = std::make_unique<Chat>(h);
  if (!chat_->available()) {
    h.error("the host has no chat model (ABI minor >= 2 with channels and posts): cannot run");
    return PB_E_UNSUPPORTED;
  }
  settings_ = read_server_config(h.config_json());
  store_ = std::make_unique<HookStore>(h, box_);
  if (int rc = store_->load(); rc != PB_OK) {
    h.error("reading the stored hooks failed: " + std::string(h.status_name(rc)));
    return rc;
  }
  translators_ = std::make_unique<TranslatorBus>(h);
  roots_ = std::make_unique<ThreadRoots>(h);
  if (int rc = translators_->init(); rc != PB_OK) return rc;
  if (int rc = roots_->init(); rc != PB_OK) return rc;
  endpoint_ = std::make_unique<WebhookEndpoint>(h, *store_, *chat_, settings_, *translators_,
                                                *roots_);
  api_ = std::make_unique<ManagementApi>(h, *store_, *chat_, settings_, box_, *translators_);
  if (int rc = endpoint_->register_routes(); rc != PB_OK) return rc;
  return api_->register_routes();
}

int IncomingWebhooksPlugin::configure(std::string_view /*settings_json*/) {
  settings_ = read_server_config(host().config_json());
  return PB_OK;
}

}  // namespace pb::incoming_webhooks

PB_PLUGIN(pb::incoming_webhooks::IncomingWebhooksPlugin, "incoming_webhooks", "1.0.0")
