// LocalApp: the real App started without a socket, for the operator commands that change the
// store (`patchbay user|team|channel|token ...`). Every plugin is loaded and every interceptor
// runs, and each operation is an in-process request through the same routes a client uses
// (App::call_local), so the CLI has no rules of its own: the auth plugin hashes passwords and
// applies the policy, the chat model validates and checks uniqueness, exactly as over HTTP.
// Safe while a server runs on the same store: LMDB arbitrates between processes, and a write
// is durable before its call returns.
//
// Threading: one thread (it runs its own libuv loop inside call()). Not copyable.
#pragma once

#include <uv.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/model.h"
#include "core/config/config.h"
#include "core/server/app.h"
#include "core/util/result.h"

namespace pb::cli {

struct LocalResponse {
  int status = 0;
  std::string body;
};

class LocalApp {
 public:
  // Creates and starts the App (store, chat model, plugins; no socket). Errors: whatever
  // App::create / App::start report (store cannot open, a Required plugin failed).
  static Result<std::unique_ptr<LocalApp>> start(config::Config config);
  // Drains the App (plugins stopped, store flushed and closed) and closes the loop.
  ~LocalApp();
  LocalApp(const LocalApp&) = delete;
  LocalApp& operator=(const LocalApp&) = delete;

  // One request through App::call_local, run to completion on this object's loop. `acting`:
  // a user id (an active system admin) or "" for none. Errors are call_local's refusals
  // (PB_E_INVALID, PB_E_NOT_FOUND, ...) with a message for people; an HTTP error status is a
  // successful call whose response says why.
  Result<LocalResponse> call(std::string_view method, std::string_view target,
                             std::string_view body, std::string_view acting);

  // Every user of the store, in id order (read directly: listing has no rule to bypass).
  std::vector<chat::User> users() const;
  // The first (oldest) active system admin, if any: who the CLI acts as by default.
  std::optional<chat::User> first_admin() const;
  // The user named `username` (any case), read directly.
  std::optional<chat::User> user_by_username(std::string_view username) const;

  server::App& app() { return *app_; }

 private:
  LocalApp() = default;

  uv_loop_t loop_{};
  bool loop_open_ = false;
  std::unique_ptr<server::App> app_;
};

}  // namespace pb::cli
