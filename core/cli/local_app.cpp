#include "core/cli/local_app.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/chat/repository.h"
#include "store/store.h"

namespace pb::cli {

Result<std::unique_ptr<LocalApp>> LocalApp::start(config::Config config) {
  std::unique_ptr<LocalApp> self(new LocalApp());
  if (uv_loop_init(&self->loop_) != 0) return make_error(PB_E_IO, "cannot create an event loop");
  self->loop_open_ = true;
  auto app = server::App::create(&self->loop_, server::AppOptions{std::move(config), false});
  if (!app.ok()) return app.error();
  self->app_ = std::move(*app);
  if (auto started = self->app_->start(); !started.ok()) return started.error();
  return self;
}

LocalApp::~LocalApp() {
  if (app_) {
    // Also after a failed start: drain stops and destroys what did start, and closes the
    // App's wake-up handle so the loop can finish.
    app_->drain([] {});
    uv_run(&loop_, UV_RUN_DEFAULT);
    app_.reset();
  }
  if (loop_open_) {
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
  }
}

Result<LocalResponse> LocalApp::call(std::string_view method, std::string_view target,
                                     std::string_view body, std::string_view acting) {
  std::optional<LocalResponse> answer;
  int rc = app_->call_local(method, target, body, acting,
                            [&answer](int status, std::string_view response) {
                              answer = LocalResponse{status, std::string(response)};
                            });
  if (rc == PB_E_NOT_FOUND) return make_error(rc, fmt::format("no user with id {}", acting));
  if (rc == PB_E_INVALID && !acting.empty()) {
    return make_error(rc, fmt::format("{} {}: the acting user must be an active system admin",
                                      method, target));
  }
  if (rc != PB_OK) return make_error(rc, fmt::format("{} {}: refused ({})", method, target, rc));
  // The answer comes from a store commit or a worker task, each of which wakes the loop; the
  // App's wake-up handle keeps the loop alive meanwhile, so UV_RUN_ONCE blocks until then.
  while (!answer) uv_run(&loop_, UV_RUN_ONCE);
  return std::move(*answer);
}

std::vector<chat::User> LocalApp::users() const {
  std::vector<chat::User> out;
  store::Store& store = app_->store();
  auto txn = store.begin_read();
  if (!txn.ok()) return out;
  store.for_each_prefix(*txn, store::Table::users, "", [&out](std::string_view, std::string_view json) {
    if (auto user = chat::parse_user(json)) out.push_back(std::move(*user));
    return true;
  });
  return out;
}

std::optional<chat::User> LocalApp::first_admin() const {
  std::optional<chat::User> best;
  for (auto& user : users()) {
    if (!user.active() || !user.is_system_admin() || user.is_bot) continue;
    if (!best || user.create_at < best->create_at) best = std::move(user);
  }
  return best;
}

std::optional<chat::User> LocalApp::user_by_username(std::string_view username) const {
  return chat::Repository(app_->store()).user_by_username(username);
}

}  // namespace pb::cli
