#include "plugins/incoming_webhooks/post_splitter.h"

namespace pb::incoming_webhooks {

namespace {

WebhookError as_webhook_error(sdk::SplitError&& error) {
  return WebhookError{400, std::move(error.id), std::move(error.message)};
}

std::variant<std::vector<SplitPost>, WebhookError> adapt(
    std::variant<std::vector<SplitPost>, sdk::SplitError> split) {
  if (auto* posts = std::get_if<std::vector<SplitPost>>(&split)) return std::move(*posts);
  return as_webhook_error(std::get<sdk::SplitError>(std::move(split)));
}

}  // namespace

std::variant<std::vector<SplitPost>, WebhookError> split_post(std::string_view message,
                                                             std::string_view props_json,
                                                             SplitLimits limits) {
  return adapt(sdk::split_webhook_post(message, props_json, limits));
}

std::optional<WebhookError> split_post_into(std::vector<SplitPost>& parts, std::string_view message,
                                            std::string_view props_json, SplitLimits limits) {
  auto error = sdk::split_webhook_post_into(parts, message, props_json, limits);
  if (!error) return std::nullopt;
  return as_webhook_error(std::move(*error));
}

std::variant<std::vector<SplitPost>, WebhookError> split_post(SplitPost whole,
                                                             SplitLimits limits) {
  return adapt(sdk::split_webhook_post(std::move(whole), limits));
}

}  // namespace pb::incoming_webhooks
