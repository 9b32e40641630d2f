// Users as the host API (minor 1: user_get, user_create, user_set_active) sees them. The chat
// model implements this and hands it to the App; a build without a chat model has none, and
// those functions answer PB_E_UNSUPPORTED.
#pragma once

#include <functional>
#include <string_view>

#include "patchbay/plugin.h"

namespace pb::server {

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;

  // Calls fn(found) before returning. PB_OK, PB_E_NOT_FOUND, PB_E_INVALID (bad `by`).
  virtual int get(int by, std::string_view value, const std::function<void(const pb_user_v1&)>& fn) = 0;

  // The POST /api/v4/users path without its permission check. `done` runs once, later, on the
  // loop: status PB_OK with the created user, or an error with HTTP status, id and message.
  using CreateDone = std::function<void(int status, int http_status, std::string_view error_id,
                                        std::string_view message, const pb_user_v1* created)>;
  virtual int create(const pb_user_v1& draft, CreateDone done) = 0;

  // Durably (de)activates a user; done(PB_OK | PB_E_NOT_FOUND | PB_E_IO) later, on the loop.
  virtual int set_active(std::string_view user_id, bool active, std::function<void(int)> done) = 0;
};

}  // namespace pb::server
