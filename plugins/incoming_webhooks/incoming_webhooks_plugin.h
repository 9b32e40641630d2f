// The incoming_webhooks plugin (README.md): owns the hook store, POST /hooks/{id} and the
// management API. Needs a host of ABI minor >= 2 (channels, team roles, posts); on an older
// host init fails with PB_E_UNSUPPORTED and the server runs on without it.
//
// Threading: everything on the loop thread.
#pragma once

#include <memory>
#include <string_view>

#include <patchbay/plugin.hpp>

#include "plugins/incoming_webhooks/chat.h"
#include "plugins/incoming_webhooks/hook_store.h"
#include "plugins/incoming_webhooks/management_api.h"
#include "plugins/incoming_webhooks/secret_box.h"
#include "plugins/incoming_webhooks/settings.h"
#include "plugins/incoming_webhooks/thread_roots.h"
#include "plugins/incoming_webhooks/translator_bus.h"
#include "plugins/incoming_webhooks/webhook_endpoint.h"

namespace pb::incoming_webhooks {

class IncomingWebhooksPlugin : public sdk::Plugin {
 public:
  int init(std::string_view settings_json) override;
  // Server configuration changes arrive through configure (config_json is then re-read).
  int configure(std::string_view settings_json) override;

 private:
  WebhookSettings settings_;
  SecretBox box_;
  std::unique_ptr<Chat> chat_;
  std::unique_ptr<TranslatorBus> translators_;
  std::unique_ptr<ThreadRoots> roots_;
  std::unique_ptr<HookStore> store_;
  std::unique_ptr<WebhookEndpoint> endpoint_;
  std::unique_ptr<ManagementApi> api_;
};

}  // namespace pb::incoming_webhooks
