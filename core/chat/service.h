// ChatService: the chat model's operations that go through the bus and commit — creating users
// and posts — and the UserDirectory the host API (user_get / user_create / user_set_active)
// uses. One per App, created by register_chat(), living as long as the App.
//
// Threading: loop thread only (it uses the bus and Store::commit).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/bus/bus.h"
#include "core/chat/api_error.h"
#include "core/chat/model.h"
#include "core/chat/post_clock.h"
#include "core/chat/repository.h"
#include "core/server/chat_directory.h"
#include "core/server/user_directory.h"

namespace pb::server {
class App;
}

namespace pb::chat {

// Exactly one of error / result is non-null; both are borrowed for the call.
using UserDone = std::function<void(const ApiError* error, const User* user)>;
// With the post, `json` is the row stored for it, which is to_json(*post): the REST answer,
// so the post is not written out a second time. Empty with an error.
using PostDone =
    std::function<void(const ApiError* error, const Post* post, std::string_view json)>;

class ChatService final : public server::UserDirectory, public server::ChatDirectory {
 public:
  explicit ChatService(server::App& app);

  server::App& app() const { return *app_; }
  const Repository& repo() const { return repo_; }

  // The POST /api/v4/users path after its permission decision: normalisation and validation,
  // uniqueness, the user.will_be_created chain with the password, ONE commit of the user rows
  // and every staged write, then user.created observers. `first_user` claims the server's
  // first-user marker in the same batch (so of two racing first users one wins; the other gets
  // 403 api.user.create_user.no_open_server). `done` runs exactly once, possibly before this
  // returns.
  void create_user(User draft, std::string password, bool first_user, UserDone done);

  // Creates a post through the bus: checks the channel (exists, not deleted; 404) and the root
  // post of a reply (400), runs post.will_be_created (interceptors may modify message, type and
  // props, reject, or stage writes), commits the post with every staged write in one durable
  // batch, then runs post.created observers and calls `done`. Permissions are the CALLER's job
  // (the REST route checks membership; an incoming webhook checks its own rules). `done` runs
  // exactly once, on the loop, possibly before create_post returns.
  // create_at comes from the channel's PostClock, so posts keep the order they were made in.
  void create_post(PostDraft draft, chat::PostDone done);

  // ---- server::UserDirectory ----
  int get(int by, std::string_view value,
          const std::function<void(const pb_user_v1&)>& fn) override;
  int create(const pb_user_v1& draft, CreateDone done) override;
  int set_active(std::string_view user_id, bool active, std::function<void(int)> done) override;

  // The direct-message channel of users a and b, created durably on first use (a concurrent
  // creation by the other side answers with the winner). `creator` is recorded on a new
  // channel. Unknown users: 400 api.channel.create_direct_channel.invalid_user.app_error.
  // `done` runs exactly once, possibly before this returns.
  using ChannelDone = std::function<void(const ApiError* error, const Channel* channel)>;
  void get_or_create_direct(const std::string& a, const std::string& b, const std::string& creator,
                            ChannelDone done);

  // ---- server::ChatDirectory (host API minor 2) ----
  int channel(std::string_view id, const ChannelFn& fn) override;
  int channel_by_name(std::string_view team_id, std::string_view name, const ChannelFn& fn) override;
  int team(std::string_view id, const TeamFn& fn) override;
  int direct_channel(std::string_view user_a, std::string_view user_b,
                     server::ChatDirectory::ChannelDone done) override;
  int can_read(std::string_view channel_id, std::string_view user_id) override;
  int team_roles(std::string_view team_id, std::string_view user_id,
                 const std::function<void(std::string_view)>& fn) override;
  int create_post(const pb_post_v1& draft, server::ChatDirectory::PostDone done) override;

 private:
  // One post on its way from create_post to its completion (service.cpp). A finished one goes
  // back to the loop thread's spares instead of being freed (RecycleCreation), so the next post's
  // strings are written into capacity that is already there.
  struct PostCreation;
  struct RecycleCreation {
    void operator()(PostCreation* creation) const noexcept;
  };
  using CreationPtr = std::unique_ptr<PostCreation, RecycleCreation>;
  CreationPtr new_creation();
  void start_post(CreationPtr creation);
  static void on_post_chain(CreationPtr creation, const bus::ChainResult& result,
                            const void* final_payload);
  static void on_post_committed(void* creation, int status);
  static void run_posted_creation(void* creation);

  server::App* app_;
  Repository repo_;
  PostClock post_clock_;
};

// Runs `fn` on the loop soon (never from inside the caller). False when the server is
// shutting down: fn will not run.
bool defer(server::App& app, std::function<void()> fn);

}  // namespace pb::chat
