// A Mattermost AppError as the plugin's routes answer it (wire spec §1.1): the HTTP status, the
// stable error id and the message. Plain value; the host writes the JSON body.
#pragma once

#include <string>
#include <string_view>

#include <patchbay/plugin.hpp>

namespace pb::incoming_webhooks {

struct ApiError {
  int status = 500;
  std::string id;
  std::string message;
};

inline int respond(const sdk::Request& request, const ApiError& e) {
  return request.respond_error(e.status, e.id, e.message);
}

inline ApiError permission_denied() {
  return {403, "api.context.permissions.app_error",
          "You do not have the appropriate permissions."};
}
inline ApiError invalid_param(std::string_view name) {
  return {400, "api.context.invalid_param.app_error",
          "Invalid " + std::string(name) + " parameter."};
}
inline ApiError invalid_url_param(std::string_view name) {
  return {400, "api.context.invalid_url_param.app_error",
          "Invalid or missing " + std::string(name) + " parameter in request URL."};
}
inline ApiError invalid_body_param(std::string_view name) {
  return {400, "api.context.invalid_body_param.app_error",
          "Invalid or missing " + std::string(name) + " in request body."};
}
inline ApiError store_failed() {
  return {500, "app.webhooks.save_incoming.app_error", "Unable to save the incoming webhook."};
}

}  // namespace pb::incoming_webhooks
