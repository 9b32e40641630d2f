// POST /hooks/{id} (wire spec §2): public (the hook id is the secret), no CSRF. The pipeline:
//   decode (payload_decoder: §2.2/§2.3 errors, 400)  ->  EnableIncomingWebhooks (501)
//   -> empty text and no attachments (400)  ->  hook lookup in the in-memory index (400)
//   -> props: the sender's minus the reserved keys, plus from_webhook, webhook_display_name and
//      the overrides the config allows  ->  "attachments.process" on the bus (the attachments
//      plugin converts markup and normalises attachments, or rejects)  ->  target channel
//      (hook's, name, #name, @username = DM with the owner; 404/400)  ->  channel lock (403)
//   -> owner (403)  ->  read permission on a channel that is not open (403)  ->  system_* type
//      (400)  ->  split (post_splitter, §2.7)  ->  each part created in order through
//      post_create (PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED, never TRIGGER_WEBHOOKS)
//   -> 200 text/plain "ok" once the last part is durable.
//
// Issue 8, before all of that: a hook with a signature preset checks it on the raw body first
// (401 web.incoming_webhook.signature.app_error, signature.h). A hook with a translator takes a
// JSON body of any shape (or a form's payload=), has the translators plugin turn it into a Slack
// payload (translator_bus.h), and then goes down the same path from the empty-text check on.
// A translated payload's thread_key makes the post a reply to the key's root (thread_roots.h).
//
// Threading: loop thread; one Delivery per request lives until it is answered.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <patchbay/plugin.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugins/incoming_webhooks/chat.h"
#include "plugins/incoming_webhooks/hook_store.h"
#include "plugins/incoming_webhooks/payload_decoder.h"
#include "plugins/incoming_webhooks/settings.h"
#include "plugins/incoming_webhooks/thread_roots.h"
#include "plugins/incoming_webhooks/translator_bus.h"

namespace pb::incoming_webhooks {

inline constexpr std::string_view kProcessEvent = "attachments.process";

class WebhookEndpoint {
 public:
  WebhookEndpoint(sdk::Host& host, HookStore& store, Chat& chat, const WebhookSettings& settings,
                  TranslatorBus& translators, ThreadRoots& roots)
      : host_(host),
        store_(store),
        chat_(chat),
        settings_(settings),
        translators_(translators),
        roots_(roots) {}

  // Registers POST /hooks/{id} and looks up the attachments.process event (init only).
  int register_routes();

  // The current Unix time in seconds (the Slack replay window); replaceable by tests.
  std::function<int64_t()> clock;

 private:
  struct Delivery;
  // Shared ownership of a Delivery among the steps still to run for its request, counted in the
  // Delivery itself (every step runs on the loop thread: no atomics). The last owner gives it
  // back to the thread's spares, strings and parts with their capacity (webhook_endpoint.cpp).
  class DeliveryPtr {
   public:
    DeliveryPtr() = default;
    explicit DeliveryPtr(Delivery* d) noexcept;
    DeliveryPtr(const DeliveryPtr& other) noexcept;
    DeliveryPtr(DeliveryPtr&& other) noexcept : d_(std::exchange(other.d_, nullptr)) {}
    DeliveryPtr& operator=(DeliveryPtr other) noexcept {
      std::swap(d_, other.d_);
      return *this;
    }
    ~DeliveryPtr();
    Delivery* operator->() const noexcept { return d_; }
    Delivery& operator*() const noexcept { return *d_; }

   private:
    Delivery* d_ = nullptr;
  };
  // A Delivery for `request`: one of the thread's spares, or a new one.
  static DeliveryPtr new_delivery(const sdk::Request& request);
  // Deliveries whose request is answered, for the next requests (loop thread only).
  static std::vector<std::unique_ptr<Delivery>>& spare_deliveries();

  int handle(const sdk::Request& request);
  int handle_translated(const sdk::Request& request, std::shared_ptr<const IncomingHook> hook);
  // From the empty-text check on: the same for Slack and translated payloads. `payload` is read
  // before deliver returns, never later.
  int deliver(const sdk::Request& request, std::shared_ptr<const IncomingHook> hook,
              const IncomingPayload& payload, std::string thread_key);
  void on_processed(const DeliveryPtr& d, const pb_post_v1* processed);
  // `channel_id` is copied when it is not the hook's own channel (whose id the hook keeps).
  void on_channel(const DeliveryPtr& d, std::string_view channel_id, bool open);
  void create_next(const DeliveryPtr& d);

  sdk::Host& host_;
  HookStore& store_;
  Chat& chat_;
  const WebhookSettings& settings_;
  TranslatorBus& translators_;
  ThreadRoots& roots_;
  uint32_t process_event_ = 0;
};

}  // namespace pb::incoming_webhooks
