#include "core/chat/service.h"

#include <memory>

#include "core/chat/json_object.h"
#include "core/chat/permissions.h"
#include "core/chat/validation.h"
#include "core/server/app.h"
#include "core/util/ids.h"
#include "store/kv_namespace.h"

namespace pb::chat {
namespace {

pb_str ps(std::string_view s) { return pb_str{s.data(), s.size()}; }
std::string_view sv(pb_str s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }

// A pb_user_v1 whose strings borrow `u` (and `password`): valid while both live.
pb_user_v1 user_view(const User& u, std::string_view password = {}) {
  pb_user_v1 v{};
  v.struct_size = sizeof v;
  v.id = ps(u.id);
  v.username = ps(u.username);
  v.email = ps(u.email);
  v.nickname = ps(u.nickname);
  v.first_name = ps(u.first_name);
  v.last_name = ps(u.last_name);
  v.roles = ps(u.roles);
  v.password = ps(password);
  v.create_at = u.create_at;
  v.update_at = u.update_at;
  v.delete_at = u.delete_at;
  v.flags = u.is_bot ? PB_USER_IS_BOT : 0u;
  return v;
}

pb_channel_v1 channel_view(const Channel& c) {
  pb_channel_v1 v{};
  v.struct_size = sizeof v;
  v.id = pb_str{c.id.data(), c.id.size()};
  v.team_id = pb_str{c.team_id.data(), c.team_id.size()};
  v.type = pb_str{c.type.data(), c.type.size()};
  v.name = pb_str{c.name.data(), c.name.size()};
  v.display_name = pb_str{c.display_name.data(), c.display_name.size()};
  v.create_at = c.create_at;
  v.delete_at = c.delete_at;
  return v;
}

pb_team_v1 team_view(const Team& t) {
  pb_team_v1 v{};
  v.struct_size = sizeof v;
  v.id = pb_str{t.id.data(), t.id.size()};
  v.name = pb_str{t.name.data(), t.name.size()};
  v.display_name = pb_str{t.display_name.data(), t.display_name.size()};
  v.type = pb_str{t.type.data(), t.type.size()};
  v.create_at = t.create_at;
  v.delete_at = t.delete_at;
  return v;
}

pb_post_v1 post_view(const Post& p, uint32_t flags) {
  pb_post_v1 v{};
  v.struct_size = sizeof v;
  v.id = ps(p.id);
  v.channel_id = ps(p.channel_id);
  v.user_id = ps(p.user_id);
  v.root_id = ps(p.root_id);
  v.type = ps(p.type);
  v.message = ps(p.message);
  v.props_json = ps(p.props_json);
  v.create_at = p.create_at;
  v.update_at = p.update_at;
  v.delete_at = p.delete_at;
  v.flags = flags;
  return v;
}

constexpr std::string_view kFirstUserKey = "chat.first_user";

ApiError draining() {
  return {503, "api.context.server_draining.app_error", "The server is shutting down."};
}

ApiError username_exists() {
  return {400, "app.user.save.username_exists.app_error",
          "An account with that username already exists."};
}
ApiError email_exists() {
  return {400, "app.user.save.email_exists.app_error", "An account with that email already exists."};
}

// Adds every write the chain's interceptors staged, each into its own plugin's namespace
// (the subscriber's plugin id is the namespace). A refused write poisons the batch.
void add_staged(store::Store& store, const bus::ChainResult& result, store::WriteBatch& batch) {
  for (const auto& staged : result.staged) {
    auto ns = store::KvNamespace::create(store, staged.who.plugin_id);
    if (!ns.ok()) {
      batch.refuse(ns.error().code);
      return;
    }
    ns->stage_put(batch, staged.key, staged.value);
  }
}

struct Deferred {
  std::function<void()> fn;
};

void run_deferred(void* arg) {
  std::unique_ptr<Deferred> d(static_cast<Deferred*>(arg));
  d->fn();
}

}  // namespace

bool defer(server::App& app, std::function<void()> fn) {
  auto* d = new Deferred{std::move(fn)};
  if (app.post_to_loop(run_deferred, d) != PB_OK) {
    delete d;
    return false;
  }
  return true;
}

ChatService::ChatService(server::App& app) : app_(&app), repo_(app.store()) {}

void ChatService::create_user(User u, std::string password, bool first_user, UserDone done) {
  u.username = lower(u.username);
  u.email = lower(u.email);
  if (auto error = validate(u)) return done(&*error, nullptr);
  if (repo_.user_by_username(u.username)) {
    ApiError e = username_exists();
    return done(&e, nullptr);
  }
  if (repo_.user_by_email(u.email)) {
    ApiError e = email_exists();
    return done(&e, nullptr);
  }
  u.id = new_id();
  u.create_at = u.update_at = now_ms();
  u.delete_at = 0;
  if (u.roles.empty()) u.roles = "system_user";
  if (first_user) u.roles = "system_admin system_user";

  pb_user_v1 payload = user_view(u, password);
  auto on_chain = [this, u, first_user, done](const bus::ChainResult& result, const void* final) {
    if (result.verdict == PB_VERDICT_REJECT) {
      ApiError e{result.http_status, result.error_id, result.message};
      return done(&e, nullptr);
    }
    // Interceptors may adjust the display names; identity (id, username, email, roles) stays
    // the core's.
    const auto* p = static_cast<const pb_user_v1*>(final);
    User user = u;
    user.nickname = sv(p->nickname);
    user.first_name = sv(p->first_name);
    user.last_name = sv(p->last_name);
    if (auto error = validate(user)) return done(&*error, nullptr);

    store::WriteBatch batch;
    Repository::add_user(batch, user);
    if (first_user) batch.insert(store::Table::meta, kFirstUserKey, user.id);
    add_staged(app_->store(), result, batch);
    int rc = app_->store().commit(std::move(batch), [this, user, done](int status) {
      if (status == PB_OK) {
        pb_user_v1 created = user_view(user);
        app_->bus().run_observe(PB_EVENT_USER_CREATED, &created);
        return done(nullptr, &user);
      }
      ApiError e = store_failed();
      if (status == PB_E_EXISTS) {
        // Someone else committed first: the same name, the same email, or the first user.
        if (repo_.user_by_username(user.username)) e = username_exists();
        else if (repo_.user_by_email(user.email)) e = email_exists();
        else e = {403, "api.user.create_user.no_open_server",
                  "This server does not allow open signups.  Please speak with your "
                  "Administrator to receive an invitation."};
      }
      done(&e, nullptr);
    });
    if (rc != PB_OK) {
      ApiError e = rc == PB_E_STATE ? draining() : store_failed();
      done(&e, nullptr);
    }
  };
  // A user's closure (the user itself) is bigger than a chain's inline room; creating users is
  // rare, so it lives on the heap.
  auto on_chain_owned = std::make_unique<decltype(on_chain)>(std::move(on_chain));
  int rc = app_->bus().run_intercept(
      PB_EVENT_USER_WILL_BE_CREATED, &payload,
      [f = std::move(on_chain_owned)](const bus::ChainResult& result, const void* final) {
        (*f)(result, final);
      });
  if (rc != PB_OK) {
    ApiError e{500, "app.user.create.bus.app_error", "The user.will_be_created chain failed."};
    done(&e, nullptr);
  }
}

int ChatService::get(int by, std::string_view value,
                     const std::function<void(const pb_user_v1&)>& fn) {
  std::shared_ptr<const User> user;  // the cached record: no copy
  switch (by) {
    case PB_USER_BY_ID: user = repo_.user_ref(value); break;
    case PB_USER_BY_USERNAME: user = repo_.user_ref_by_username(value); break;
    case PB_USER_BY_EMAIL: user = repo_.user_ref_by_email(value); break;
    default: return PB_E_INVALID;
  }
  if (!user) return PB_E_NOT_FOUND;
  pb_user_v1 view = user_view(*user);
  fn(view);
  return PB_OK;
}

int ChatService::create(const pb_user_v1& draft, CreateDone done) {
  if (app_->draining()) return PB_E_STATE;
  User u;
  u.username = sv(draft.username);
  u.email = sv(draft.email);
  u.nickname = sv(draft.nickname);
  u.first_name = sv(draft.first_name);
  u.last_name = sv(draft.last_name);
  u.roles = sv(draft.roles);
  u.is_bot = (draft.flags & PB_USER_IS_BOT) != 0;
  // The host API promises the completion later, never from inside user_create: answers that
  // are ready at once are deferred to the next loop turn.
  auto returned = std::make_shared<bool>(false);
  server::App* app = app_;
  create_user(std::move(u), std::string(sv(draft.password)), false,
              [app, returned, done](const ApiError* error, const User* user) {
                auto finish = [done](std::optional<ApiError> e, std::optional<User> created) {
                  if (e) {
                    done(PB_E_INVALID, e->status, e->id, e->message, nullptr);
                    return;
                  }
                  pb_user_v1 view = user_view(*created);
                  done(PB_OK, 0, "", "", &view);
                };
                std::optional<ApiError> e = error ? std::optional<ApiError>(*error) : std::nullopt;
                std::optional<User> created = user ? std::optional<User>(*user) : std::nullopt;
                if (*returned) return finish(std::move(e), std::move(created));
                defer(*app, [finish, e, created] { finish(e, created); });
              });
  *returned = true;
  return PB_OK;
}

int ChatService::set_active(std::string_view user_id, bool active, std::function<void(int)> done) {
  if (app_->draining()) return PB_E_STATE;
  auto before = repo_.user(user_id);
  if (!before) {
    defer(*app_, [done] { done(PB_E_NOT_FOUND); });
    return PB_OK;
  }
  User after = *before;
  after.update_at = now_ms();
  after.delete_at = active ? 0 : after.update_at;
  store::WriteBatch batch;
  Repository::update_user(batch, *before, after);
  return app_->store().commit(std::move(batch), std::move(done));
}

// One post on its way through post.will_be_created and the commit. The post lives here once,
// from the draft to the completion: each asynchronous step captures only this object's address
// (which std::function keeps inline) instead of a copy of the post (the webhook profile spent
// ~4% of the loop copying and freeing Post strings and the closures that held them).
struct ChatService::PostCreation {
  ChatService* service = nullptr;
  Post post;
  uint32_t flags = 0;
  // Exactly one is set: the REST route's completion or the host API's.
  chat::PostDone done;
  server::ChatDirectory::PostDone host_done;
  // For the REST route: the stored row, kept for its answer (the same text, written once).
  std::string row;
  // The post as post.will_be_created's interceptors see it: views of `post`, kept here (not on
  // the stack) so the chain runs on it without a copy (Bus::run_intercept_on).
  pb_post_v1 view{};

  // What a new creation is, keeping the strings' capacity for the next post.
  void clear() {
    // A field added to Post must be reset here too (this assert fails when Post changes size).
    static_assert(sizeof(Post) == 7 * sizeof(std::string) + 5 * sizeof(int64_t));
    service = nullptr;
    for (std::string* s : {&post.id, &post.channel_id, &post.user_id, &post.root_id, &post.type,
                           &post.message, &row}) {
      s->clear();
    }
    post.props_json.assign("{}");
    post.create_at = post.update_at = post.edit_at = post.delete_at = 0;
    post.is_pinned = false;
    flags = 0;
    done = nullptr;
    host_done = nullptr;
    view = {};
  }
  size_t capacity() const {
    return post.id.capacity() + post.channel_id.capacity() + post.user_id.capacity() +
           post.root_id.capacity() + post.type.capacity() + post.message.capacity() +
           post.props_json.capacity() + row.capacity();
  }

  // Finished creations of this thread (the loop's: every post is made there). The webhook
  // profile had 8 heap blocks per post here: the creation, the draft's channel and user ids,
  // type, message and props (each past the short-string buffer), the new id, the row.
  static std::vector<std::unique_ptr<PostCreation>>& spares() {
    static thread_local std::vector<std::unique_ptr<PostCreation>> kept;
    return kept;
  }
  // Enough for every post in flight at a few hundred connections; a creation that held a huge
  // post is freed rather than kept (idle RSS).
  static constexpr size_t kMaxSpares = 256;
  static constexpr size_t kMaxSpareBytes = 16 * 1024;

  // Calls the completion once, with either an error or the created post.
  void finish(const ApiError* error) {
    if (host_done) {
      if (error != nullptr) {
        return host_done(PB_E_PLUGIN, error->status, error->id, error->message, nullptr);
      }
      pb_post_v1 view = post_view(post, flags);
      return host_done(PB_OK, 200, "", "", &view);
    }
    if (error != nullptr) return done(error, nullptr, {});
    done(nullptr, &post, row);
  }
};

void ChatService::RecycleCreation::operator()(PostCreation* creation) const noexcept {
  auto& spares = PostCreation::spares();
  std::unique_ptr<PostCreation> owned(creation);
  if (spares.size() >= PostCreation::kMaxSpares ||
      owned->capacity() > PostCreation::kMaxSpareBytes) {
    return;  // freed
  }
  owned->clear();
  try {
    spares.push_back(std::move(owned));
  } catch (...) {  // no room to keep it: freed, as without spares
  }
}

ChatService::CreationPtr ChatService::new_creation() {
  auto& spares = PostCreation::spares();
  CreationPtr creation;
  if (spares.empty()) {
    creation.reset(new PostCreation);
  } else {
    creation.reset(spares.back().release());
    spares.pop_back();
  }
  creation->service = this;
  return creation;
}

void ChatService::create_post(PostDraft draft, chat::PostDone done) {
  CreationPtr creation = new_creation();
  Post& post = creation->post;
  creation->flags = draft.flags;
  take_draft(post, std::move(draft));
  creation->done = std::move(done);
  start_post(std::move(creation));
}

void ChatService::start_post(CreationPtr creation) {
  const Repository& repo = repo_;
  Post& post = creation->post;
  auto channel = repo.channel_ref(post.channel_id);
  if (!channel || channel->delete_at != 0) {
    ApiError e{404, "app.channel.get.existing.app_error", "Unable to find the existing channel."};
    return creation->finish(&e);
  }
  post.create_at = post.update_at = post_clock_.next(post.channel_id, now_ms());
  // Posts are the table that grows with every webhook: time-ordered ids append to it. Written
  // into the creation's own string (capacity kept from an earlier post).
  post.id.resize(26);
  new_time_ordered_id(post.create_at, post.id.data());
  if (auto error = validate(post)) return creation->finish(&*error);
  if (!post.root_id.empty()) {
    auto root = repo.post(post.root_id);
    if (!root || root->channel_id != post.channel_id || root->delete_at != 0) {
      ApiError e{400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter."};
      return creation->finish(&e);
    }
  }
  creation->view = post_view(post, creation->flags);
  // From here the chain's completion owns the creation (run_intercept_on calls it exactly once
  // when it returns PB_OK, and never otherwise); the post and its view stay as they are until
  // then.
  PostCreation* owned = creation.release();
  int rc = app_->bus().run_intercept_on(
      PB_EVENT_POST_WILL_BE_CREATED, &owned->view,
      [owned](const bus::ChainResult& result, const void* final_payload) {
        on_post_chain(CreationPtr(owned), result, final_payload);
      });
  if (rc != PB_OK) {
    CreationPtr back(owned);
    ApiError e{500, "api.post.create_post.bus.app_error", "The post.will_be_created chain failed."};
    back->finish(&e);
  }
}

void ChatService::on_post_chain(CreationPtr creation,
                                const bus::ChainResult& result, const void* final_payload) {
  if (result.verdict == PB_VERDICT_REJECT) {
    ApiError e{result.http_status, result.error_id, result.message};
    return creation->finish(&e);
  }
  // Interceptors may rewrite what the post says (message, type, props), not where it goes
  // or who wrote it. A replacement is the bus's own copy (it never aliases the post); without
  // one the final payload is the creation's view of the post itself, which is already so.
  Post& post = creation->post;
  if (final_payload != &creation->view) {
    const auto* p = static_cast<const pb_post_v1*>(final_payload);
    post.message = sv(p->message);
    post.type = sv(p->type);
    if (p->props_json.len == 0) {
      post.props_json = "{}";
    } else {
      post.props_json = sv(p->props_json);
    }
  }
  if (!is_json_object(post.props_json)) {
    ApiError e{500, "api.post.create_post.props.app_error", "A plugin set invalid post props."};
    return creation->finish(&e);
  }
  // The ids were checked before the chain, which cannot change them.
  if (auto error = validate_content(post)) return creation->finish(&*error);

  server::App& app = *creation->service->app_;
  store::WriteBatch batch = app.store().new_batch();
  if (creation->done) {
    append_json(creation->row, post);
    Repository::add_post(batch, post, creation->row);
  } else {
    Repository::add_post(batch, post);
  }
  add_staged(app.store(), result, batch);
  // The store calls on_post_committed exactly once when commit returns PB_OK, never otherwise.
  PostCreation* owned = creation.release();
  int rc = app.store().commit(std::move(batch), &ChatService::on_post_committed, owned);
  if (rc != PB_OK) {
    CreationPtr back(owned);
    ApiError e = rc == PB_E_STATE ? draining() : store_failed();
    back->finish(&e);
  }
}

void ChatService::on_post_committed(void* arg, int status) {
  CreationPtr creation(static_cast<PostCreation*>(arg));
  if (status != PB_OK) {
    ApiError e = store_failed();
    return creation->finish(&e);
  }
  pb_post_v1 created = post_view(creation->post, creation->flags);
  creation->service->app_->bus().run_observe(PB_EVENT_POST_CREATED, &created);
  creation->finish(nullptr);
}

void ChatService::run_posted_creation(void* arg) {
  CreationPtr creation(static_cast<PostCreation*>(arg));
  ChatService* service = creation->service;
  service->start_post(std::move(creation));
}

void ChatService::get_or_create_direct(const std::string& a, const std::string& b,
                                       const std::string& creator, ChannelDone done) {
  for (const auto& id : {a, b}) {
    if (!repo_.user_ref(id)) {
      ApiError e{400, "api.channel.create_direct_channel.invalid_user.app_error",
                 "Invalid user ID for direct channel creation."};
      return done(&e, nullptr);
    }
  }
  std::string name = Repository::direct_channel_name(a, b);
  if (auto existing = repo_.channel_by_name("", name)) return done(nullptr, &*existing);

  int64_t now = now_ms();
  Channel channel;
  channel.id = new_id();
  channel.type = "D";
  channel.name = name;
  channel.creator_id = creator;
  channel.create_at = channel.update_at = now;
  store::WriteBatch batch;
  Repository::add_channel(batch, channel);
  Repository::put_channel_member(batch, channel, ChannelMember{channel.id, a, "channel_user", 0, now});
  if (b != a) {
    Repository::put_channel_member(batch, channel, ChannelMember{channel.id, b, "channel_user", 0, now});
  }
  int rc = app_->store().commit(std::move(batch), [this, channel, done](int status) {
    if (status == PB_OK) return done(nullptr, &channel);
    // Created concurrently by the other side: answer with the channel that won.
    auto winner = status == PB_E_EXISTS ? repo_.channel_by_name("", channel.name) : std::nullopt;
    if (winner) return done(nullptr, &*winner);
    ApiError e = store_failed();
    done(&e, nullptr);
  });
  if (rc != PB_OK) {
    ApiError e = store_failed();
    done(&e, nullptr);
  }
}

int ChatService::channel(std::string_view id, const ChannelFn& fn) {
  auto found = repo_.channel_ref(id);
  if (!found) return PB_E_NOT_FOUND;
  fn(channel_view(*found));
  return PB_OK;
}

int ChatService::channel_by_name(std::string_view team_id, std::string_view name,
                                 const ChannelFn& fn) {
  auto found = repo_.channel_ref_by_name(team_id, name);
  if (!found) return PB_E_NOT_FOUND;
  fn(channel_view(*found));
  return PB_OK;
}

int ChatService::team(std::string_view id, const TeamFn& fn) {
  auto found = repo_.team_ref(id);  // the cached record: no copy
  if (!found) return PB_E_NOT_FOUND;
  fn(team_view(*found));
  return PB_OK;
}

int ChatService::direct_channel(std::string_view user_a, std::string_view user_b,
                                server::ChatDirectory::ChannelDone done) {
  std::string a(user_a), b(user_b);
  // The host API promises a later callback: never call back from inside the call.
  bool queued = defer(*app_, [this, a, b, done = std::move(done)] {
    get_or_create_direct(a, b, a, [done](const ApiError* error, const Channel* channel) {
      if (error != nullptr) return done(error->status == 400 ? PB_E_NOT_FOUND : PB_E_IO, nullptr);
      pb_channel_v1 view = channel_view(*channel);
      done(PB_OK, &view);
    });
  });
  return queued ? PB_OK : PB_E_STATE;
}

int ChatService::can_read(std::string_view channel_id, std::string_view user_id) {
  auto user = repo_.user_ref(user_id);
  auto channel = repo_.channel_ref(channel_id);
  if (!user || !channel) return PB_E_NOT_FOUND;
  return can_read_channel(repo_, *user, *channel) ? 1 : 0;
}

int ChatService::team_roles(std::string_view team_id, std::string_view user_id,
                            const std::function<void(std::string_view)>& fn) {
  auto member = repo_.team_member_ref(team_id, user_id);  // the cached record: no copy
  if (!member) return PB_E_NOT_FOUND;
  fn(member->roles);
  return PB_OK;
}

int ChatService::create_post(const pb_post_v1& draft, server::ChatDirectory::PostDone done) {
  CreationPtr creation = new_creation();
  Post& post = creation->post;
  post.channel_id = sv(draft.channel_id);
  post.user_id = sv(draft.user_id);
  post.root_id = sv(draft.root_id);
  post.type = sv(draft.type);
  post.message = sv(draft.message);
  if (draft.props_json.len != 0) post.props_json = sv(draft.props_json);  // else "{}"
  creation->flags = draft.flags;
  creation->host_done = std::move(done);
  // The host API promises the completion later, never from inside post_create: the post starts
  // on the next loop turn. The posted task owns the creation once post_to_loop took it.
  if (app_->post_to_loop(&ChatService::run_posted_creation, creation.get()) != PB_OK) {
    return PB_E_STATE;
  }
  creation.release();
  return PB_OK;
}

}  // namespace pb::chat
