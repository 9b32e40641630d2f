// ApiError: what a chat operation answers when it refuses: the HTTP status and Mattermost's
// error id and message (wire spec §1.1). Handlers send it with Request::respond_error.
#pragma once

#include <string>

namespace pb::chat {

struct ApiError {
  int status = 500;
  std::string id;
  std::string message;
};

inline ApiError invalid_body(std::string_view name) {
  return {400, "api.context.invalid_body_param.app_error",
          "Invalid or missing " + std::string(name) + " in request body."};
}
inline ApiError invalid_url(std::string_view name) {
  return {400, "api.context.invalid_url_param.app_error",
          "Invalid or missing " + std::string(name) + " parameter in request URL."};
}
inline ApiError forbidden() {
  return {403, "api.context.permissions.app_error",
          "You do not have the appropriate permissions."};
}
inline ApiError session_expired() {
  return {401, "api.context.session_expired.app_error",
          "Invalid or expired session, please login again."};
}
inline ApiError store_failed() {
  return {500, "app.store.write.app_error", "The store could not save the change."};
}

}  // namespace pb::chat
