// The translators plugin as this plugin reaches it: "translators.translate" on the bus
// (plugins/translators/translators_event.h). describe() when a hook is saved with a translator,
// translate() for each request to such a hook. Answers are mapped onto the webhook's errors:
//   nobody intercepts (no translators plugin)  → 501 web.incoming_webhook.translator.unavailable
//   translator unknown                         → 400 (the hook names something not installed)
//   any other translator error                 → its own status and id, passed through
//
// Threading: loop thread. `done` runs exactly once, possibly before the call returns; on an
// error return it never runs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <patchbay/plugin.hpp>

#include "plugins/incoming_webhooks/translator_json.h"

namespace pb::incoming_webhooks {

class TranslatorBus {
 public:
  explicit TranslatorBus(sdk::Host& host) : host_(host) {}

  // Looks the event up (init only). Returns PB_OK or the host's status.
  int init();

  using DescribeDone = std::function<void(std::optional<ApiError> error)>;
  int describe(std::string_view translator, DescribeDone done);

  using TranslateDone = std::function<void(std::variant<Translated, ApiError> result)>;
  int translate(std::string_view request_json, TranslateDone done);

 private:
  sdk::Host& host_;
  uint32_t event_ = 0;
};

ApiError translator_unavailable();

}  // namespace pb::incoming_webhooks
