#include "plugins/incoming_webhooks/incoming_webhooks_plugin.h"

namespace pb::incoming_webhooks {

int IncomingWebhooksPlugin::init(std::string_view /*settings_json*/) {
  auto& h = host();
  chat_ = std::make_unique<Chat>(h);
  if (!chat_->available()) {
    h.error("the host has no chat model (ABI minor >= 2 with channels and posts): cannot run");
    return PB_E_UNSUPPORTED;
  }
  settings_ = read_server_config(h.config_json());
  store_ = std::make_unique<HookStore>(h);
  if (int rc = store_->load(); rc != PB_OK) {
    h.error("reading the stored hooks failed: " + std::string(h.status_name(rc)));
    return rc;
  }
  endpoint_ = std::make_unique<WebhookEndpoint>(h, *store_, *chat_, settings_);
  api_ = std::make_unique<ManagementApi>(h, *store_, *chat_, settings_);
  if (int rc = endpoint_->register_routes(); rc != PB_OK) return rc;
  return api_->register_routes();
}

int IncomingWebhooksPlugin::configure(std::string_view /*settings_json*/) {
  settings_ = read_server_config(host().config_json());
  return PB_OK;
}

}  // namespace pb::incoming_webhooks

PB_PLUGIN(pb::incoming_webhooks::IncomingWebhooksPlugin, "incoming_webhooks", "1.0.0")
