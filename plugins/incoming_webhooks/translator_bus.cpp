#include "plugins/incoming_webhooks/translator_bus.h"

#include "plugins/translators/translators_event.h"

namespace pb::incoming_webhooks {
namespace {

ApiError from_reject(int http_status, std::string_view id, std::string_view message) {
  ApiError e{http_status != 0 ? http_status : 400, std::string(id), std::string(message)};
  if (e.id.empty()) e.id = "web.incoming_webhook.translator.app_error";
  // The hook names a translator that is not installed: the hook is wrong, not the path.
  if (e.id == translators::kErrorUnknown) e.status = 400;
  return e;
}

std::string_view blob_text(const void* final_payload) {
  const auto* blob = static_cast<const pb_blob_v1*>(final_payload);
  return blob != nullptr ? sdk::to_sv(blob->data) : std::string_view{};
}

}  // namespace

ApiError translator_unavailable() {
  return {501, std::string(translators::kErrorUnavailable),
          "No translators plugin is loaded: this hook's translator cannot run."};
}

int TranslatorBus::init() {
  auto id = host_.event_id(translators::kTranslateEvent);
  if (!id) return PB_E_PLUGIN;
  event_ = *id;
  return PB_OK;
}

int TranslatorBus::describe(std::string_view translator, DescribeDone done) {
  return host_.publish_intercept(
      event_, describe_request_json(translator),
      [done = std::move(done)](int verdict, int http_status, std::string_view error_id,
                               std::string_view message, const void* final_payload) {
        if (verdict == PB_VERDICT_REJECT) return done(from_reject(http_status, error_id, message));
        auto answer = parse_describe_answer(blob_text(final_payload));
        if (std::holds_alternative<NotTranslated>(answer)) return done(translator_unavailable());
        if (auto* e = std::get_if<ApiError>(&answer)) {
          if (e->id == translators::kErrorUnknown) e->status = 400;
          return done(std::move(*e));
        }
        done(std::nullopt);
      });
}

int TranslatorBus::translate(std::string_view request_json, TranslateDone done) {
  return host_.publish_intercept(
      event_, request_json,
      [done = std::move(done)](int verdict, int http_status, std::string_view error_id,
                               std::string_view message, const void* final_payload) {
        if (verdict == PB_VERDICT_REJECT) return done(from_reject(http_status, error_id, message));
        auto answer = parse_translate_answer(blob_text(final_payload));
        if (std::holds_alternative<NotTranslated>(answer)) return done(translator_unavailable());
        if (auto* e = std::get_if<ApiError>(&answer)) {
          if (e->id == translators::kErrorUnknown) e->status = 400;
          return done(std::move(*e));
        }
        done(std::move(std::get<Translated>(answer)));
      });
}

}  // namespace pb::incoming_webhooks
