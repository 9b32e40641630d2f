// patchbay/fake_host.hpp — an in-process implementation of the whole pb_host_api, for unit tests
// of a plugin without a server. Header-only; needs only the C++20 standard library.
//
//   extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);
//   pb::sdk::FakeHost host(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR));
//   ASSERT_EQ(host.init(R"({"Greeting":"hi"})"), PB_OK);
//   ASSERT_EQ(host.start(), PB_OK);
//   auto& res = host.request("GET", "/api/v4/plugins/hello/greeting");
//   host.run_pending();            // kv completions, post_to_loop, queue_work, resumed chains
//   host.advance(1000);            // manual clock: fires due timers in order
//
// Semantics follow plugin.h: routes and subscriptions only during init; kv writes are applied
// and acknowledged on run_pending() (a "group commit"), cancelled with PB_E_CANCELED by stop();
// interceptors run by priority (ties in registration order) and may return PENDING and resume
// later (the rest of the chain runs on run_pending()); auth.check fails closed with 401 unless
// an interceptor allows, or the test set a fallback identity (set_fallback_identity); a callback
// is never called from inside the host call that registered it.
//
// Users (ABI minor 1): a user table the test fills (add_user) backs user_get, user_create and
// user_set_active. create_user() / user_create run user.will_be_created's interceptors (they may
// stage kv writes with intercept_stage_kv_put), then, unless one rejects, commit the user and the
// staged writes together, then call user.created's observers (password ""). Staged writes of
// post.will_be_created are committed with the post the same way. set_users_supported(false)
// makes the user functions answer PB_E_UNSUPPORTED, as a build without a chat model does.
//
// Chat model (ABI minor 2): channels (add_channel), team members with their roles
// (add_team_member) and channel members (add_channel_member), with the users table above, back
// channel_get, channel_get_by_name, channel_direct (which creates the direct channel on first
// use, as the server does), channel_can_read (the server's rule: system admin, channel member,
// or open channel of a team the user is in) and team_member_roles. post_create checks the
// channel (404 when missing or archived) and the root post (400 unless a committed post of the
// same channel), assigns id and times, then runs post.will_be_created like create_post (the
// interceptors may change message, type and props, not where the post goes), commits it with
// the staged writes, calls post.created's observers and completes, all on run_pending().
// plugin_posts() lists what post_create committed. set_chat_supported(false) makes these
// functions answer PB_E_UNSUPPORTED, as a build without a chat model does.
//
// Outbound HTTP (ABI minor 3): http_fetch records every request (fetched()); the test answers
// it with complete_fetch(id, reply) (the done callback runs at once), or queues replies in
// advance with script_fetch(reply) (each new request takes the next one; delivered on
// run_pending()). A reply body over the request's cap (max_response_bytes or 1 MiB) becomes
// PB_E_LIMIT, as the server does. http_cancel completes with PB_E_CANCELED on run_pending();
// stop() completes what is still in flight with PB_E_CANCELED after the plugin's stop().
//
// Teams (ABI minor 4): add_team puts a team into the model; team_get finds it by id (also
// archived ones), PB_E_UNSUPPORTED with set_chat_supported(false), like the channel functions.
//
// Metrics (ABI minor 5): scrape_metrics() runs the registered collect callback as a scrape
// would and returns the samples it added, in order. The fake records what it is given; the
// naming, label and value rules are the server's (core/metrics/plugin_samples.h), except that
// the fake also refuses an unknown type, NULL labels with a count, and a sink used after its
// collect call returned (PB_E_STATE), so a plugin unit test sees those mistakes.
//
// Clients that leave (ABI minor 6): disconnect(response) marks the request behind a Response as
// one whose client is gone; req_peer_gone then answers 1 for it. The request must still be
// answered (the fake records the answer as the server would drop it: `answered` turns true).
//
// Older hosts: simulate_abi_minor(n) makes the table what a host of minor n hands out
// (abi_minor n, struct_size ending at that minor's last function, later entries NULL), so a
// test can check that a plugin built against a newer minor still runs there.
//
// Threading: construct, drive and destroy the FakeHost on one thread (the "loop"). Host
// functions called from another thread return PB_E_STATE, except log and post_to_loop; queue_work
// runs its `work` on a real short-lived thread, joined before `after` runs.
//
// Handles (requests, interceptor turns, timers) stay allocated for the FakeHost's lifetime, so a
// plugin that uses one after it became invalid gets PB_E_STATE/PB_E_INVALID instead of a crash.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "patchbay/plugin.h"
#include "patchbay/plugin.hpp"

namespace pb::sdk {

class FakeHost {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct LogLine {
    int level = PB_LOG_INFO;
    std::string message;
  };

  // A captured HTTP response. `answered` turns true when the handler responds (maybe later).
  struct Response {
    bool answered = false;
    int status = 0;
    std::string content_type;
    Headers headers;
    std::string body;
    // The first response header called `name` (case-insensitive).
    std::optional<std::string> header(std::string_view name) const {
      for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
      }
      return std::nullopt;
    }
  };

  struct Identity {
    std::string user_id, session_id, roles;
  };

  // An owned post (the C struct pb_post_v1 borrows its strings).
  struct Post {
    std::string id, channel_id, user_id, root_id, type, message, props_json = "{}";
    int64_t create_at = 0, update_at = 0, delete_at = 0;
    uint32_t flags = 0;
  };

  // An owned user (the C struct pb_user_v1 borrows its strings). `password` is only meaningful
  // as the draft of a creation; the table never keeps it.
  struct User {
    std::string id, username, email, nickname, first_name, last_name, roles = "system_user",
        password;
    int64_t create_at = 0, update_at = 0, delete_at = 0;
    uint32_t flags = 0;
  };

  // The outcome of an intercept chain started by the test (create_post, publish_intercept).
  struct ChainResult {
    bool done = false;  // false while an interceptor is PENDING
    int verdict = PB_VERDICT_CONTINUE;
    int http_status = 0;
    std::string error_id, message;
    Post post;         // post events: the final (possibly modified) post
    User user;         // user events: the final user (as committed, password "")
    std::string blob;  // plugin-defined events: the final payload bytes
  };

  explicit FakeHost(const pb_plugin_descriptor* descriptor = nullptr)
      : descriptor_(descriptor), loop_thread_(std::this_thread::get_id()) {
    self_.host = this;
    build_api();
  }
  ~FakeHost() {
    if (initialized_ && !stopped_) stop();
    if (initialized_) destroy();
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  // The table and handle a plugin gets; usable with a descriptor from dlopen too.
  const pb_host_api* api() const noexcept { return &api_; }
  pb_plugin* self() noexcept { return reinterpret_cast<pb_plugin*>(&self_); }

  // ---- lifecycle (each calls the descriptor's function; PB_E_STATE when out of order) ----

  int init(std::string_view settings_json = "{}") {
    if (descriptor_ == nullptr || descriptor_->init == nullptr || initialized_) return PB_E_STATE;
    in_init_ = true;
    settings_ = std::string(settings_json);
    int rc = descriptor_->init(self(), &api_, to_pb(settings_), &state_);
    in_init_ = false;
    if (rc != PB_OK) {  // plugin.h: nothing it registered is kept, destroy is not called
      routes_.clear();
      subs_.clear();
      observers_.clear();
      return rc;
    }
    initialized_ = true;
    return PB_OK;
  }
  int start() {
    if (!initialized_ || started_) return PB_E_STATE;
    started_ = true;
    return descriptor_->start ? descriptor_->start(state_) : PB_OK;
  }
  int configure(std::string_view settings_json) {
    if (!initialized_ || stopped_) return PB_E_STATE;
    std::string copy(settings_json);
    int rc = descriptor_->configure ? descriptor_->configure(state_, to_pb(copy)) : PB_OK;
    if (rc == PB_OK) settings_ = std::move(copy);
    return rc;
  }
  // Calls stop, then cancels what is pending: kv writes get PB_E_CANCELED, timers are dropped
  // without firing, queued tasks are discarded.
  void stop() {
    if (!initialized_ || stopped_) return;
    if (descriptor_->stop) descriptor_->stop(state_);
    stopped_ = true;
    auto writes = std::move(kv_pending_);
    kv_pending_.clear();
    for (auto& w : writes) {
      if (w.done) w.done(w.user, PB_E_CANCELED);
    }
    for (auto& f : fetches_) {
      if (!f.completed) deliver_fetch(f, FetchReply::error(PB_E_CANCELED, "the plugin stopped"));
    }
    for (auto& t : timers_) t->live = false;
    std::lock_guard lock(tasks_mu_);
    tasks_.clear();
  }
  void destroy() {
    if (!initialized_) return;
    if (!stopped_) stop();
    initialized_ = false;
    if (descriptor_->destroy) descriptor_->destroy(state_);
    state_ = nullptr;
  }
  bool initialized() const { return initialized_; }

  // Runs `fn` as if inside init(), so registrations are accepted, without touching this
  // FakeHost's own lifecycle. For a plugin whose init is called by someone else with api() and
  // self() (e.g. the plugin loader's tests). Returns what fn returns.
  template <typename Fn>
  int run_in_init_phase(Fn&& fn) {
    in_init_ = true;
    int rc = fn();
    in_init_ = false;
    return rc;
  }
  const std::string& settings() const { return settings_; }

  // ---- configuration ----
  void set_config_json(std::string json) { config_ = std::move(json); }
  // ServiceSettings.EnableDeveloper: respond_error sends detailed_error only when true.
  void set_developer_mode(bool on) { developer_ = on; }

  // ---- HTTP ----

  // Routes the request like the server would: 404 JSON error when no route matches; auth.check
  // for PB_ROUTE_AUTHENTICATED routes; 500 when the handler returns an error without answering.
  // `target` is a path with an optional "?query". The Response stays valid (and is filled in
  // later if the handler answers later) for the FakeHost's lifetime.
  const Response& request(std::string_view method, std::string_view target, Headers headers = {},
                          std::string_view body = {}) {
    responses_.emplace_back();
    auto req = std::make_unique<Req>();
    Req& r = *req;
    requests_.push_back(std::move(req));
    r.host = this;
    r.response = &responses_.back();
    r.method = std::string(method);
    auto q = target.find('?');
    r.raw_path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
    r.body = std::string(body);
    r.headers = std::move(headers);
    char id[32];
    std::snprintf(id, sizeof id, "fakereq%019llu", static_cast<unsigned long long>(++request_seq_));
    r.request_id = id;

    const Route* route = match(r);
    if (route == nullptr) {
      answer_error(r, 404, "api.context.404.app_error", "Sorry, we could not find the page.");
      return *r.response;
    }
    if ((route->flags & PB_ROUTE_AUTHENTICATED) == 0) {
      call_handler(r, *route);
      return *r.response;
    }
    Chain& chain = new_chain(PB_EVENT_AUTH_CHECK);
    pb_auth_check_v1 check{sizeof(pb_auth_check_v1), reinterpret_cast<const pb_http_request*>(&r),
                           to_pb(route->permission)};
    chain.payload.assign(PB_EVENT_AUTH_CHECK, &check);
    chain.finish = [this, &r, route](Chain& c, int verdict) {
      if (verdict == PB_VERDICT_CONTINUE && fallback_identity_) {
        verdict = PB_VERDICT_ALLOW;
        c.identity = *fallback_identity_;
      }
      if (verdict == PB_VERDICT_ALLOW) {
        r.identity = c.identity;
        call_handler(r, *route);
      } else if (c.http_status != 0) {
        answer_error(r, c.http_status, c.error_id, c.message);
      } else {
        answer_error(r, 401, "api.context.session_expired.app_error",
                     "Invalid or expired session, please login again.");
      }
    };
    run_chain(chain);
    return *r.response;
  }

  // The client of the request behind `response` (a Response that request() returned) leaves:
  // from now on req_peer_gone answers 1 for it. False when `response` is not one of ours.
  bool disconnect(const Response& response) {
    for (auto& r : requests_) {
      if (r->response != &response) continue;
      r->peer_gone = true;
      return true;
    }
    return false;
  }

  // When every auth.check interceptor says CONTINUE, allow as `id` instead of failing closed
  // (for testing authenticated routes of plugins other than auth). nullopt restores fail-closed.
  void set_fallback_identity(std::optional<Identity> id) { fallback_identity_ = std::move(id); }

  bool has_route(std::string_view method, std::string_view pattern) const {
    for (const auto& r : routes_) {
      if (r.method == method && r.pattern == pattern) return true;
    }
    return false;
  }
  size_t route_count() const { return routes_.size(); }

  // ---- event bus ----

  // Runs post.will_be_created's interceptors; unless one rejects, "commits" the final post
  // (committed_posts()) and calls post.created's observers with it.
  const ChainResult& create_post(Post post) {
    results_.emplace_back();
    ChainResult& result = results_.back();
    Chain& chain = new_chain(PB_EVENT_POST_WILL_BE_CREATED);
    OwnedPayload tmp;
    tmp.set_post(post);
    chain.payload.assign(PB_EVENT_POST_WILL_BE_CREATED, tmp.view());
    chain.finish = [this, &result](Chain& c, int verdict) {
      fill_result(result, c, verdict);
      if (verdict == PB_VERDICT_REJECT) return;
      posts_.push_back(result.post);
      for (auto& [k, v] : c.staged) kv_[k] = v;
      notify(PB_EVENT_POST_CREATED, c.payload.view());
    };
    run_chain(chain);
    return result;
  }
  // Calls post.created's observers only (as if the core had committed `post`).
  void notify_post_created(const Post& post) {
    OwnedPayload p;
    p.set_post(post);
    notify(PB_EVENT_POST_CREATED, p.view());
  }
  const std::vector<Post>& committed_posts() const { return posts_; }

  // The id of a plugin-defined event (registering it), as host->event_id would give it; 0 when
  // `name` was declared before with another payload kind (event_id_typed).
  uint32_t event_id(std::string_view name, pb_payload_kind kind = PB_PAYLOAD_BLOB) {
    auto it = dynamic_events_.find(std::string(name));
    if (it != dynamic_events_.end()) {
      return (post_events_.count(it->second) != 0) == (kind == PB_PAYLOAD_POST) ? it->second : 0;
    }
    uint32_t id = next_dynamic_++;
    dynamic_events_.emplace(std::string(name), id);
    if (kind == PB_PAYLOAD_POST) post_events_.insert(id);
    return id;
  }
  // Runs the intercept chain of plugin-defined event `name`, declared with PB_PAYLOAD_POST, with
  // `post`; the result's `post` is the final payload.
  const ChainResult& publish_intercept_post(std::string_view name, const Post& post) {
    results_.emplace_back();
    ChainResult& result = results_.back();
    uint32_t id = event_id(name, PB_PAYLOAD_POST);
    Chain& chain = new_chain(id);
    chain.payload.set_post(post);
    chain.finish = [this, &result](Chain& c, int verdict) { fill_result(result, c, verdict); };
    run_chain(chain);
    return result;
  }
  // Runs the intercept chain of plugin-defined event `name` with `data`.
  const ChainResult& publish_intercept(std::string_view name, std::string_view data) {
    results_.emplace_back();
    ChainResult& result = results_.back();
    uint32_t id = event_id(name);
    Chain& chain = new_chain(id);
    pb_blob_v1 blob{sizeof(pb_blob_v1), to_pb(data)};
    chain.payload.assign(id, &blob);
    chain.finish = [this, &result](Chain& c, int verdict) { fill_result(result, c, verdict); };
    run_chain(chain);
    return result;
  }
  void publish_observe(std::string_view name, std::string_view data) {
    pb_blob_v1 blob{sizeof(pb_blob_v1), to_pb(data)};
    notify(event_id(name), &blob);
  }
  // The priorities of `event`'s interceptors in the order they run.
  std::vector<int32_t> intercept_order(uint32_t event) const {
    std::vector<int32_t> out;
    for (const Sub* s : chain_order(event)) out.push_back(s->priority);
    return out;
  }
  size_t observer_count(uint32_t event) const {
    return static_cast<size_t>(std::count_if(observers_.begin(), observers_.end(),
                                             [&](const Obs& o) { return o.event == event; }));
  }

  // ---- users (minor 1) ----

  // Puts `user` into the table as committed (no chain runs). An empty id gets a fresh one.
  // Returns the id.
  std::string add_user(User user) {
    if (user.id.empty()) user.id = fresh_id();
    user.password.clear();
    std::string id = user.id;
    users_.push_back(std::move(user));
    return id;
  }
  // The committed user with `id`, or nullptr.
  const User* find_user(std::string_view id) const {
    for (const auto& u : users_) {
      if (u.id == id) return &u;
    }
    return nullptr;
  }
  const std::vector<User>& users() const { return users_; }
  void set_users_supported(bool on) { users_supported_ = on; }

  // Creates a user as the core's POST /api/v4/users would: checks username/email are free
  // (400 app.user.save.username_exists.app_error / email_exists), assigns id and create_at,
  // runs user.will_be_created (PENDING interceptors finish on run_pending()), then commits the
  // user with the staged kv writes and calls user.created's observers.
  const ChainResult& create_user(User draft) {
    results_.emplace_back();
    ChainResult& result = results_.back();
    start_user_creation(std::move(draft), [&result](const ChainResult& r) { result = r; });
    return result;
  }

  // ---- chat model (minor 2) ----

  // An owned channel (pb_channel_v1 borrows its strings). type: "O" open, "P" private, "D"
  // direct (team_id ""); delete_at non-zero: archived.
  struct Channel {
    std::string id, team_id, type = "O", name, display_name;
    int64_t create_at = 0, delete_at = 0;
  };

  // Puts `channel` into the model. An empty id gets a fresh one; an empty display_name is the
  // name. Returns the id.
  std::string add_channel(Channel channel) {
    if (channel.id.empty()) channel.id = fresh_id();
    if (channel.display_name.empty()) channel.display_name = channel.name;
    std::string id = channel.id;
    channels_.push_back(std::move(channel));
    return id;
  }
  // The same from the usual fields.
  std::string add_channel(std::string id, std::string team_id, std::string type,
                          std::string name) {
    Channel c;
    c.id = std::move(id);
    c.team_id = std::move(team_id);
    c.type = std::move(type);
    c.name = std::move(name);
    return add_channel(std::move(c));
  }
  // The channel with `id`, or nullptr (valid until the next channel is added).
  const Channel* find_channel(std::string_view id) const {
    for (const auto& c : channels_) {
      if (c.id == id) return &c;
    }
    return nullptr;
  }
  const std::vector<Channel>& channels() const { return channels_; }
  // An owned team (pb_team_v1 borrows its strings). type: "O" open, "I" invite only.
  struct Team {
    std::string id, name, display_name, type = "O";
    int64_t create_at = 0, delete_at = 0;
  };
  // Puts `team` into the model (again with the same id: replaces it, as a rename does). An empty
  // id gets a fresh one; an empty display_name is the name. Returns the id.
  std::string add_team(Team team) {
    if (team.id.empty()) team.id = fresh_id();
    if (team.display_name.empty()) team.display_name = team.name;
    std::string id = team.id;
    teams_[id] = std::move(team);
    return id;
  }
  // How many times team_get was called (to test a plugin's cache).
  size_t team_lookups() const { return team_lookups_; }

  // ---- older hosts ----

  // Makes api() the table of a host of ABI minor `minor` (<= PB_ABI_MINOR): abi_minor, a
  // struct_size that ends with that minor's last function, and every later entry NULL. Call it
  // before init(). Returns PB_E_INVALID for a minor this fake does not know.
  int simulate_abi_minor(uint32_t minor) {
    size_t size = 0;
    switch (minor) {
      case 0: size = table_end(offsetof(pb_host_api, queue_work)); break;
      case 1: size = table_end(offsetof(pb_host_api, intercept_stage_kv_put)); break;
      case 2: size = table_end(offsetof(pb_host_api, post_create)); break;
      case 3: size = table_end(offsetof(pb_host_api, http_cancel)); break;
      case 4: size = table_end(offsetof(pb_host_api, team_get)); break;
      case 5: size = table_end(offsetof(pb_host_api, metrics_sample)); break;
      case 6: size = table_end(offsetof(pb_host_api, req_peer_gone)); break;
      default: return PB_E_INVALID;
    }
    build_api();
    api_.abi_minor = minor;
    api_.struct_size = size;
    // What a real older host has past its struct_size is not ours to read: NULL here, so a
    // plugin that calls without PB_HOST_HAS crashes in its test instead of in the field.
    std::memset(reinterpret_cast<char*>(&api_) + size, 0, sizeof(pb_host_api) - size);
    return PB_OK;
  }

  // ---- metrics (minor 5) ----
  struct MetricSample {
    std::string name, help;
    int type = PB_METRIC_GAUGE;
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
  };
  // Whether the plugin registered a collect callback.
  bool has_metrics_collect() const { return metrics_fn_ != nullptr; }
  // Runs the collect callback (nothing if none) and returns the samples it added.
  std::vector<MetricSample> scrape_metrics() {
    metrics_scrape_.clear();
    if (metrics_fn_ == nullptr) return {};
    metrics_sink_live_ = true;
    metrics_fn_(metrics_user_, reinterpret_cast<pb_metrics_sink*>(&self_));
    metrics_sink_live_ = false;
    return std::move(metrics_scrape_);
  }
  // Makes `user_id` a member of `team_id` with `roles` (again: replaces the roles).
  void add_team_member(std::string_view team_id, std::string_view user_id,
                       std::string roles = "team_user") {
    team_roles_[{std::string(team_id), std::string(user_id)}] = std::move(roles);
  }
  // Makes `user_id` a member of `channel_id` (what a private channel needs to be readable).
  void add_channel_member(std::string_view channel_id, std::string_view user_id) {
    channel_members_.emplace(std::string(channel_id), std::string(user_id));
  }
  // The posts host->post_create committed, oldest first (they are in committed_posts() too).
  const std::vector<Post>& plugin_posts() const { return plugin_posts_; }
  void set_chat_supported(bool on) { chat_supported_ = on; }

  // ---- key-value store ----

  // The committed data (tests may seed or inspect it).
  std::map<std::string, std::string>& kv() { return kv_; }
  size_t pending_kv_writes() const { return kv_pending_.size(); }
  // The next `count` kv writes complete with `status` (e.g. PB_E_IO) and change nothing.
  void fail_next_kv_writes(int status, size_t count = 1) {
    kv_fail_status_ = status;
    kv_fail_count_ = count;
  }

  // ---- loop ----

  // Runs queued work until nothing is left: kv commits and their completions, post_to_loop
  // tasks, queue_work pairs, continuations of resumed chains. Returns how many ran.
  size_t run_pending() {
    size_t ran = 0;
    for (;;) {
      if (!kv_pending_.empty()) {
        commit_kv();
        ++ran;
        continue;
      }
      if (deliver_one_ready_fetch()) {
        ++ran;
        continue;
      }
      std::function<void()> task;
      {
        std::lock_guard lock(tasks_mu_);
        if (tasks_.empty()) break;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
      ++ran;
    }
    return ran;
  }
  // Moves the manual clock forward, firing due timers in time order (ties: start order).
  void advance(uint64_t ms) {
    const uint64_t target = now_ + ms;
    for (;;) {
      Timer* next = nullptr;
      for (auto& t : timers_) {
        if (t->live && t->due <= target && (next == nullptr || t->due < next->due)) next = t.get();
      }
      if (next == nullptr) break;
      now_ = next->due;
      if (next->repeat == 0) {
        next->live = false;
      } else {
        next->due += next->repeat;
      }
      next->fn(next->user);
    }
    now_ = target;
  }
  uint64_t now_ms() const { return now_; }
  size_t active_timers() const {
    return static_cast<size_t>(
        std::count_if(timers_.begin(), timers_.end(), [](const auto& t) { return t->live; }));
  }

  // ---- outbound HTTP (minor 3) ----

  // How a fetch ends: `status` PB_OK with an HTTP response, or an error status (PB_E_TIMEOUT,
  // PB_E_IO, PB_E_DENIED, ...) and `detail`.
  struct FetchReply {
    int status = PB_OK;
    int http_status = 200;
    Headers headers;
    std::string body;
    std::string detail;
    static FetchReply ok(int http_status, std::string body, Headers headers = {}) {
      FetchReply r;
      r.http_status = http_status;
      r.body = std::move(body);
      r.headers = std::move(headers);
      return r;
    }
    static FetchReply error(int status, std::string detail = {}) {
      FetchReply r;
      r.status = status;
      r.detail = std::move(detail);
      return r;
    }
  };
  // One request a plugin made with http_fetch, as sent (copied), and how it ended.
  struct Fetched {
    uint64_t id = 0;
    std::string method, url, body;
    Headers headers;
    uint32_t timeout_ms = 0;
    size_t max_response_bytes = 0;
    bool completed = false;
    int completed_with = 0;  // the status its callback got
    // The first request header called `name` (case-insensitive).
    std::optional<std::string> header(std::string_view name) const {
      for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
      }
      return std::nullopt;
    }
  };

  // Every request made so far, oldest first (stable references).
  const std::deque<Fetched>& fetched() const { return fetches_; }
  size_t pending_fetches() const {
    return static_cast<size_t>(std::count_if(fetches_.begin(), fetches_.end(),
                                             [](const Fetched& f) { return !f.completed; }));
  }
  // The next request made takes this reply (FIFO); it is delivered on run_pending().
  void script_fetch(FetchReply reply) { fetch_script_.push_back(std::move(reply)); }
  // Ends request `id` now with `reply` (its callback runs before this returns). False when the
  // id is unknown or the request already ended.
  bool complete_fetch(uint64_t id, FetchReply reply) {
    Fetched* f = find_fetch(id);
    if (f == nullptr || f->completed) return false;
    deliver_fetch(*f, reply);
    return true;
  }

  // ---- logs ----
  std::vector<LogLine> logs() const {
    std::lock_guard lock(log_mu_);
    return logs_;
  }
  bool logged(std::string_view needle) const {
    std::lock_guard lock(log_mu_);
    for (const auto& l : logs_) {
      if (l.message.find(needle) != std::string::npos) return true;
    }
    return false;
  }

 private:
  struct SelfTag {
    FakeHost* host;
  };

  struct Req {
    FakeHost* host = nullptr;
    Response* response = nullptr;
    std::string method, raw_path, query, body, request_id;  // raw_path: as sent
    Headers headers;
    std::vector<std::pair<std::string, std::string>> params;
    Identity identity;
    bool peer_gone = false;  // disconnect()
  };

  struct Route {
    std::string method, pattern;
    std::vector<std::string> segments;
    uint32_t flags;
    std::string permission;
    pb_http_handler handler;
    void* user;
  };

  struct Sub {
    uint32_t event;
    int32_t priority;
    uint64_t seq;
    pb_intercept_fn fn;
    void* user;
  };
  struct Obs {
    uint32_t event;
    pb_observe_fn fn;
    void* user;
  };

  // A payload the host owns, whatever the event's struct type.
  struct OwnedPayload {
    uint32_t kind = 0;  // PB_EVENT_AUTH_CHECK, PB_EVENT_POST_WILL_BE_CREATED (posts) or 0 (blob)
    pb_auth_check_v1 auth{};
    std::string permission;
    Post post;
    pb_post_v1 post_view{};
    User user;
    pb_user_v1 user_view{};
    std::string blob;
    pb_blob_v1 blob_view{};

    void set_user(const User& u) {
      kind = PB_EVENT_USER_WILL_BE_CREATED;
      user = u;
      refresh();
    }
    void set_post(const Post& p) {
      kind = PB_EVENT_POST_WILL_BE_CREATED;
      post = p;
      refresh();
    }
    // Deep-copies `p`, a payload of `event`'s type (`post_events`: the plugin-defined events
    // declared with PB_PAYLOAD_POST). False when it is malformed.
    bool assign(uint32_t event, const void* p, const std::set<uint32_t>& post_events = {}) {
      if (p == nullptr) return false;
      if (event == PB_EVENT_AUTH_CHECK) {
        auto* a = static_cast<const pb_auth_check_v1*>(p);
        if (a->struct_size < sizeof(pb_auth_check_v1)) return false;
        std::string perm(to_sv(a->permission));
        kind = PB_EVENT_AUTH_CHECK;
        auth = *a;
        permission = std::move(perm);
      } else if (event == PB_EVENT_POST_WILL_BE_CREATED || event == PB_EVENT_POST_CREATED ||
                 post_events.count(event) != 0) {
        auto* in = static_cast<const pb_post_v1*>(p);
        if (in->struct_size < sizeof(pb_post_v1)) return false;
        Post copy{std::string(to_sv(in->id)),
                  std::string(to_sv(in->channel_id)),
                  std::string(to_sv(in->user_id)),
                  std::string(to_sv(in->root_id)),
                  std::string(to_sv(in->type)),
                  std::string(to_sv(in->message)),
                  std::string(to_sv(in->props_json)),
                  in->create_at,
                  in->update_at,
                  in->delete_at,
                  in->flags};
        kind = PB_EVENT_POST_WILL_BE_CREATED;
        post = std::move(copy);
      } else if (event == PB_EVENT_USER_WILL_BE_CREATED || event == PB_EVENT_USER_CREATED) {
        auto* in = static_cast<const pb_user_v1*>(p);
        if (in->struct_size < sizeof(pb_user_v1)) return false;
        User copy{std::string(to_sv(in->id)),         std::string(to_sv(in->username)),
                  std::string(to_sv(in->email)),      std::string(to_sv(in->nickname)),
                  std::string(to_sv(in->first_name)), std::string(to_sv(in->last_name)),
                  std::string(to_sv(in->roles)),      std::string(to_sv(in->password)),
                  in->create_at,                      in->update_at,
                  in->delete_at,                      in->flags};
        kind = PB_EVENT_USER_WILL_BE_CREATED;
        user = std::move(copy);
      } else {
        auto* b = static_cast<const pb_blob_v1*>(p);
        if (b->struct_size < sizeof(pb_blob_v1)) return false;
        std::string data(to_sv(b->data));
        kind = 0;
        blob = std::move(data);
      }
      refresh();
      return true;
    }
    void refresh() {
      auth.struct_size = sizeof(pb_auth_check_v1);
      auth.permission = to_pb(permission);
      post_view = post_to_c(post);
      user_view = user_to_c(user);
      blob_view = pb_blob_v1{sizeof(pb_blob_v1), to_pb(blob)};
    }
    const void* view() const {
      if (kind == PB_EVENT_AUTH_CHECK) return &auth;
      if (kind == PB_EVENT_POST_WILL_BE_CREATED) return &post_view;
      if (kind == PB_EVENT_USER_WILL_BE_CREATED) return &user_view;
      return &blob_view;
    }
  };

  struct Chain;
  struct Turn {
    Chain* chain;
    bool in_call = true;
    bool pending = false;
    bool over = false;
  };
  struct Chain {
    FakeHost* owner = nullptr;
    uint32_t event = 0;
    OwnedPayload payload;
    std::vector<const Sub*> order;
    size_t next = 0;
    std::function<void(Chain&, int verdict)> finish;
    int http_status = 0;
    std::string error_id, message;
    Identity identity;
    std::vector<std::unique_ptr<Turn>> turns;
    std::vector<std::pair<std::string, std::string>> staged;  // intercept_stage_kv_put
  };

  struct Timer {
    uint64_t due, repeat;
    pb_timer_fn fn;
    void* user;
    bool live = true;
  };

  struct KvWrite {
    std::string key, value;
    bool erase;
    pb_done_fn done;
    void* user;
  };

  // ---- helpers ----

  static bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) !=
          std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }
  static std::string percent_decode(std::string_view s) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
        out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }
  static std::vector<std::string> split_path(std::string_view p) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < p.size()) {
      if (p[i] == '/') {
        ++i;
        continue;
      }
      size_t j = p.find('/', i);
      if (j == std::string_view::npos) j = p.size();
      out.emplace_back(p.substr(i, j - i));
      i = j;
    }
    return out;
  }
  static pb_user_v1 user_to_c(const User& u) {
    return pb_user_v1{sizeof(pb_user_v1), to_pb(u.id),         to_pb(u.username),
                      to_pb(u.email),     to_pb(u.nickname),   to_pb(u.first_name),
                      to_pb(u.last_name), to_pb(u.roles),      to_pb(u.password),
                      u.create_at,        u.update_at,         u.delete_at,
                      u.flags};
  }
  static pb_post_v1 post_to_c(const Post& p) {
    return pb_post_v1{sizeof(pb_post_v1), to_pb(p.id),         to_pb(p.channel_id),
                      to_pb(p.user_id),   to_pb(p.root_id),    to_pb(p.type),
                      to_pb(p.message),   to_pb(p.props_json), p.create_at,
                      p.update_at,        p.delete_at,         p.flags};
  }
  static pb_channel_v1 channel_to_c(const Channel& c) {
    return pb_channel_v1{sizeof(pb_channel_v1), to_pb(c.id),           to_pb(c.team_id),
                         to_pb(c.type),         to_pb(c.name),         to_pb(c.display_name),
                         c.create_at,           c.delete_at};
  }
  // 26 characters of Mattermost's id alphabet; deterministic (a counter), unique per FakeHost.
  std::string fresh_id() {
    static constexpr char kAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
    uint64_t n = ++id_seq_;
    std::string id(26, 'y');
    for (size_t i = 26; i-- > 0 && n != 0; n /= 32) id[i] = kAlphabet[n % 32];
    return id;
  }
  User* find_user_mut(std::string_view id) {
    for (auto& u : users_) {
      if (u.id == id) return &u;
    }
    return nullptr;
  }

  // The body of create_user and host->user_create: validation, then the chain (started from
  // the task queue, never re-entrantly), then the commit. `done` gets the outcome.
  void start_user_creation(User draft, std::function<void(const ChainResult&)> done) {
    auto fail = [done](int status, std::string id, std::string message) {
      ChainResult r;
      r.done = true;
      r.verdict = PB_VERDICT_REJECT;
      r.http_status = status;
      r.error_id = std::move(id);
      r.message = std::move(message);
      done(r);
    };
    for (const auto& u : users_) {
      if (iequals(u.username, draft.username)) {
        return fail(400, "app.user.save.username_exists.app_error",
                    "An account with that username already exists.");
      }
      if (!draft.email.empty() && iequals(u.email, draft.email)) {
        return fail(400, "app.user.save.email_exists.app_error",
                    "An account with that email already exists.");
      }
    }
    draft.id = fresh_id();
    draft.create_at = draft.update_at = static_cast<int64_t>(now_);
    draft.delete_at = 0;
    if (draft.roles.empty()) draft.roles = "system_user";
    Chain& chain = new_chain(PB_EVENT_USER_WILL_BE_CREATED);
    OwnedPayload tmp;
    tmp.set_user(draft);
    chain.payload.assign(PB_EVENT_USER_WILL_BE_CREATED, tmp.view());
    chain.finish = [this, done](Chain& c, int verdict) {
      ChainResult r;
      fill_result(r, c, verdict);
      r.user.password.clear();
      if (verdict != PB_VERDICT_REJECT) {
        for (const auto& u : users_) {  // someone took the name while the chain ran
          if (iequals(u.username, r.user.username)) {
            r.verdict = PB_VERDICT_REJECT;
            r.http_status = 400;
            r.error_id = "app.user.save.username_exists.app_error";
            r.message = "An account with that username already exists.";
            done(r);
            return;
          }
        }
        users_.push_back(r.user);  // the user and the staged writes: one commit
        for (auto& [k, v] : c.staged) kv_[k] = v;
        pb_user_v1 view = user_to_c(r.user);
        notify(PB_EVENT_USER_CREATED, &view);
      }
      done(r);
    };
    enqueue([this, &chain] { run_chain(chain); });
  }

  // The server's can_read_channel: system admin, channel member, or an open channel of a team
  // the user is in. PB_E_NOT_FOUND for an unknown user or channel.
  int can_read(std::string_view channel_id, std::string_view user_id) const {
    const Channel* c = find_channel(channel_id);
    const User* u = find_user(user_id);
    if (c == nullptr || u == nullptr) return PB_E_NOT_FOUND;
    bool admin = (" " + u->roles + " ").find(" system_admin ") != std::string::npos;
    if (admin || channel_members_.count({c->id, u->id}) != 0) return 1;
    return c->type == "O" && team_roles_.count({c->team_id, u->id}) != 0 ? 1 : 0;
  }

  // The direct channel of `a` and `b` (named "<lower id>__<higher id>", as Mattermost does),
  // created with both as members on first use; nullptr when a user is unknown.
  const Channel* direct_channel(const std::string& a, const std::string& b) {
    if (find_user(a) == nullptr || find_user(b) == nullptr) return nullptr;
    std::string name = a < b ? a + "__" + b : b + "__" + a;
    for (const auto& c : channels_) {
      if (c.type == "D" && c.name == name) return &c;
    }
    Channel c;
    c.type = "D";
    c.name = name;
    c.create_at = static_cast<int64_t>(now_);
    std::string id = add_channel(std::move(c));
    add_channel_member(id, a);
    add_channel_member(id, b);
    return find_channel(id);
  }

  // The body of host->post_create, run from the task queue: checks, the chain, the commit, then
  // `done` (the plugin's completion).
  void create_plugin_post(Post draft, pb_post_done_fn done, void* user) {
    auto fail = [&](int http_status, const char* id, const char* message) {
      done(user, PB_E_PLUGIN, http_status, to_pb(id), to_pb(message), nullptr);
    };
    const Channel* channel = find_channel(draft.channel_id);
    if (channel == nullptr || channel->delete_at != 0) {
      return fail(404, "app.channel.get.existing.app_error", "Unable to find the existing channel.");
    }
    if (!draft.root_id.empty()) {
      auto root = std::find_if(posts_.begin(), posts_.end(),
                               [&](const Post& p) { return p.id == draft.root_id; });
      if (root == posts_.end() || root->channel_id != draft.channel_id || root->delete_at != 0) {
        return fail(400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter.");
      }
    }
    draft.id = fresh_id();
    draft.create_at = draft.update_at = static_cast<int64_t>(now_);
    draft.delete_at = 0;
    Chain& chain = new_chain(PB_EVENT_POST_WILL_BE_CREATED);
    OwnedPayload tmp;
    tmp.set_post(draft);
    chain.payload.assign(PB_EVENT_POST_WILL_BE_CREATED, tmp.view());
    chain.finish = [this, draft, done, user](Chain& c, int verdict) {
      if (verdict == PB_VERDICT_REJECT) {
        done(user, PB_E_PLUGIN, c.http_status, to_pb(c.error_id), to_pb(c.message), nullptr);
        return;
      }
      // As the server: interceptors rewrite what the post says, not where it goes or who wrote it.
      Post out = draft;
      out.message = c.payload.post.message;
      out.type = c.payload.post.type;
      out.props_json = c.payload.post.props_json.empty() ? "{}" : c.payload.post.props_json;
      posts_.push_back(out);
      plugin_posts_.push_back(out);
      for (auto& [k, v] : c.staged) kv_[k] = v;
      pb_post_v1 view = post_to_c(out);
      notify(PB_EVENT_POST_CREATED, &view);
      done(user, PB_OK, 200, pb_str{"", 0}, pb_str{"", 0}, &view);
    };
    run_chain(chain);
  }

  static FakeHost* from(pb_plugin* self) {
    return self == nullptr ? nullptr : reinterpret_cast<SelfTag*>(self)->host;
  }
  static const Req* req(const pb_http_request* r) { return reinterpret_cast<const Req*>(r); }
  // Where a table ends whose last function pointer starts at `last_offset`.
  static constexpr size_t table_end(size_t last_offset) { return last_offset + sizeof(void*); }
  static Req* req(pb_http_request* r) { return reinterpret_cast<Req*>(r); }
  static Turn* turn(pb_intercept_ctx* c) { return reinterpret_cast<Turn*>(c); }

  bool on_loop() const { return std::this_thread::get_id() == loop_thread_; }
  static bool is_core_event(uint32_t e) {
    return e == PB_EVENT_AUTH_CHECK || e == PB_EVENT_POST_WILL_BE_CREATED ||
           e == PB_EVENT_POST_CREATED || e == PB_EVENT_USER_WILL_BE_CREATED ||
           e == PB_EVENT_USER_CREATED;
  }
  // Events whose publisher commits an effect that interceptors may stage writes into.
  static bool commits(uint32_t e) {
    return e == PB_EVENT_POST_WILL_BE_CREATED || e == PB_EVENT_USER_WILL_BE_CREATED;
  }
  bool is_dynamic_event(uint32_t e) const {
    return e >= PB_EVENT_FIRST_DYNAMIC && e < next_dynamic_;
  }

  const Route* match(Req& r) {
    auto segs = split_path(r.raw_path);
    for (const auto& route : routes_) {
      if (route.method != r.method || route.segments.size() != segs.size()) continue;
      std::vector<std::pair<std::string, std::string>> params;
      bool ok = true;
      for (size_t i = 0; i < segs.size() && ok; ++i) {
        const auto& ps = route.segments[i];
        if (ps.size() > 2 && ps.front() == '{' && ps.back() == '}') {
          params.emplace_back(ps.substr(1, ps.size() - 2), percent_decode(segs[i]));
        } else {
          ok = ps == segs[i];
        }
      }
      if (ok) {
        r.params = std::move(params);
        return &route;
      }
    }
    return nullptr;
  }

  void call_handler(Req& r, const Route& route) {
    int rc = route.handler(route.user, reinterpret_cast<pb_http_request*>(&r));
    if (rc < 0 && !r.response->answered) {
      answer_error(r, 500, "api.plugin.handler.app_error",
                   "The plugin failed to handle the request.");
    }
  }

  void answer_error(Req& r, int status, std::string_view id, std::string_view message,
                    std::string_view detailed = {}) {
    std::string body = "{\"id\":" + json_string(id) + ",\"message\":" + json_string(message) +
                       ",\"detailed_error\":" + json_string(developer_ ? detailed : "") +
                       ",\"request_id\":" + json_string(r.request_id) +
                       ",\"status_code\":" + std::to_string(status) + "}";
    Response& out = *r.response;
    out.answered = true;
    out.status = status;
    out.content_type = "application/json";
    out.body = std::move(body);
    out.headers.emplace_back("X-Request-Id", r.request_id);
  }

  std::vector<const Sub*> chain_order(uint32_t event) const {
    std::vector<const Sub*> order;
    for (const auto& s : subs_) {
      if (s.event == event) order.push_back(&s);
    }
    std::stable_sort(order.begin(), order.end(), [](const Sub* a, const Sub* b) {
      return a->priority != b->priority ? a->priority < b->priority : a->seq < b->seq;
    });
    return order;
  }

  Chain& new_chain(uint32_t event) {
    chains_.push_back(std::make_unique<Chain>());
    Chain& c = *chains_.back();
    c.owner = this;
    c.event = event;
    c.order = chain_order(event);
    return c;
  }

  // Applies one interceptor's verdict. True when the chain goes on.
  bool apply_verdict(Chain& c, int verdict) {
    if (verdict == PB_VERDICT_CONTINUE) return true;
    if (verdict == PB_VERDICT_ALLOW) {
      c.finish(c, PB_VERDICT_ALLOW);
      return false;
    }
    if (verdict != PB_VERDICT_REJECT) {  // a negative status or nonsense: reject with 500
      c.http_status = 500;
      c.error_id = "api.plugin.intercept.app_error";
      c.message = "A plugin failed while handling this request.";
    } else if (c.http_status == 0 && c.event != PB_EVENT_AUTH_CHECK) {
      c.http_status = 403;
      c.error_id = "api.context.permissions.app_error";
      c.message = "You do not have the appropriate permissions.";
    }
    c.finish(c, PB_VERDICT_REJECT);
    return false;
  }

  void run_chain(Chain& c) {
    while (c.next < c.order.size()) {
      const Sub* s = c.order[c.next];
      c.turns.push_back(std::make_unique<Turn>());
      Turn* t = c.turns.back().get();
      t->chain = &c;
      int v = s->fn(s->user, reinterpret_cast<pb_intercept_ctx*>(t), c.event, c.payload.view());
      t->in_call = false;
      if (v == PB_VERDICT_PENDING) {
        t->pending = true;
        return;
      }
      t->over = true;
      if (!apply_verdict(c, v)) return;
      ++c.next;
    }
    c.finish(c, PB_VERDICT_CONTINUE);
  }

  void fill_result(ChainResult& r, Chain& c, int verdict) {
    r.done = true;
    r.verdict = verdict;
    r.http_status = c.http_status;
    r.error_id = c.error_id;
    r.message = c.message;
    r.post = c.payload.post;
    r.user = c.payload.user;
    r.blob = c.payload.blob;
  }

  void notify(uint32_t event, const void* payload) {
    for (size_t i = 0; i < observers_.size(); ++i) {
      if (observers_[i].event == event) observers_[i].fn(observers_[i].user, event, payload);
    }
  }

  void enqueue(std::function<void()> task) {
    std::lock_guard lock(tasks_mu_);
    tasks_.push_back(std::move(task));
  }

  // One "group commit": every pending write is applied, then every completion runs.
  void commit_kv() {
    auto batch = std::move(kv_pending_);
    kv_pending_.clear();
    std::vector<int> status(batch.size(), PB_OK);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (kv_fail_count_ > 0) {
        --kv_fail_count_;
        status[i] = kv_fail_status_;
        continue;
      }
      if (batch[i].erase)
        kv_.erase(batch[i].key);
      else
        kv_[batch[i].key] = batch[i].value;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(batch[i].user, status[i]);
    }
  }

  Fetched* find_fetch(uint64_t id) {
    for (auto& f : fetches_) {
      if (f.id == id) return &f;
    }
    return nullptr;
  }
  void deliver_fetch(Fetched& f, const FetchReply& reply) {
    FetchRecord& rec = fetch_records_[f.id];
    size_t cap = f.max_response_bytes ? f.max_response_bytes : (size_t{1} << 20);
    int status = reply.status;
    std::string detail = reply.detail;
    if (status == PB_OK && reply.body.size() > cap) {
      status = PB_E_LIMIT;
      detail = "the response body exceeds " + std::to_string(cap) + " bytes";
    }
    f.completed = true;
    f.completed_with = status;
    rec.ready.reset();
    if (status != PB_OK) {
      rec.done(rec.user, status, nullptr, to_pb(detail));
      return;
    }
    std::vector<pb_http_header> headers;
    headers.reserve(reply.headers.size());
    for (const auto& [k, v] : reply.headers) headers.push_back(pb_http_header{to_pb(k), to_pb(v)});
    pb_http_response_v1 response{sizeof(pb_http_response_v1), reply.http_status,
                                 headers.empty() ? nullptr : headers.data(), headers.size(),
                                 to_pb(reply.body)};
    rec.done(rec.user, PB_OK, &response, to_pb(detail));
  }
  bool deliver_one_ready_fetch() {
    for (auto& f : fetches_) {
      if (f.completed) continue;
      FetchRecord& rec = fetch_records_[f.id];
      if (!rec.ready) continue;
      FetchReply reply = std::move(*rec.ready);
      deliver_fetch(f, reply);
      return true;
    }
    return false;
  }

  static bool valid_key(pb_str key) {
    return key.len >= 1 && key.len <= 511 && key.data != nullptr;
  }

  // ---- the table ----

  void build_api() {
    api_ = pb_host_api{};
    api_.struct_size = sizeof(pb_host_api);
    api_.abi_major = PB_ABI_MAJOR;
    api_.abi_minor = PB_ABI_MINOR;

    api_.log = [](pb_plugin* self, int level, pb_str message) {
      FakeHost* h = from(self);
      if (h == nullptr) return;
      std::lock_guard lock(h->log_mu_);
      h->logs_.push_back(LogLine{level, std::string(to_sv(message))});
    };
    api_.status_name = [](int status) -> const char* {
      switch (status) {
        case PB_OK:
          return "PB_OK";
        case PB_E_INVALID:
          return "PB_E_INVALID";
        case PB_E_NOT_FOUND:
          return "PB_E_NOT_FOUND";
        case PB_E_EXISTS:
          return "PB_E_EXISTS";
        case PB_E_NO_MEMORY:
          return "PB_E_NO_MEMORY";
        case PB_E_UNSUPPORTED:
          return "PB_E_UNSUPPORTED";
        case PB_E_STATE:
          return "PB_E_STATE";
        case PB_E_IO:
          return "PB_E_IO";
        case PB_E_LIMIT:
          return "PB_E_LIMIT";
        case PB_E_CANCELED:
          return "PB_E_CANCELED";
        case PB_E_PLUGIN:
          return "PB_E_PLUGIN";
        default:
          return "PB_E_UNKNOWN";
      }
    };
    api_.config_json = [](pb_plugin* self, pb_str* out) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || out == nullptr) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      *out = to_pb(h->config_);
      return PB_OK;
    };

    api_.route_add = [](pb_plugin* self, pb_str method, pb_str pattern, uint32_t flags,
                        pb_str permission, pb_http_handler handler, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || handler == nullptr) return PB_E_INVALID;
      if (!h->on_loop() || !h->in_init_) return PB_E_STATE;
      std::string m(to_sv(method)), p(to_sv(pattern));
      static constexpr std::string_view kMethods[] = {"GET",   "POST", "PUT",    "DELETE",
                                                      "PATCH", "HEAD", "OPTIONS"};
      if (std::find(std::begin(kMethods), std::end(kMethods), m) == std::end(kMethods))
        return PB_E_INVALID;
      if (p.empty() || p[0] != '/' || p.find_first_of("?# \r\n") != std::string::npos)
        return PB_E_INVALID;
      if (flags > PB_ROUTE_AUTHENTICATED) return PB_E_INVALID;
      if (h->has_route(m, p)) return PB_E_EXISTS;
      h->routes_.push_back(
          Route{m, p, split_path(p), flags, std::string(to_sv(permission)), handler, user});
      return PB_OK;
    };
    api_.req_method = [](const pb_http_request* r) { return to_pb(req(r)->method); };
    // As the server: the path as sent, not percent-decoded (route parameters are decoded).
    api_.req_path = [](const pb_http_request* r) { return to_pb(req(r)->raw_path); };
    api_.req_query = [](const pb_http_request* r) { return to_pb(req(r)->query); };
    api_.req_body = [](const pb_http_request* r) { return to_pb(req(r)->body); };
    api_.req_request_id = [](const pb_http_request* r) { return to_pb(req(r)->request_id); };
    api_.req_header = [](const pb_http_request* r, pb_str name, pb_str* out) -> int {
      if (r == nullptr || out == nullptr) return PB_E_INVALID;
      for (const auto& [k, v] : req(r)->headers) {
        if (iequals(k, to_sv(name))) {
          *out = to_pb(v);
          return PB_OK;
        }
      }
      return PB_E_NOT_FOUND;
    };
    api_.req_header_at = [](const pb_http_request* r, size_t i, pb_str* name,
                            pb_str* value) -> int {
      if (r == nullptr || name == nullptr || value == nullptr) return PB_E_INVALID;
      if (i >= req(r)->headers.size()) return PB_E_NOT_FOUND;
      *name = to_pb(req(r)->headers[i].first);
      *value = to_pb(req(r)->headers[i].second);
      return PB_OK;
    };
    api_.req_param = [](const pb_http_request* r, pb_str name, pb_str* out) -> int {
      if (r == nullptr || out == nullptr) return PB_E_INVALID;
      for (const auto& [k, v] : req(r)->params) {
        if (k == to_sv(name)) {
          *out = to_pb(v);
          return PB_OK;
        }
      }
      return PB_E_NOT_FOUND;
    };
    api_.req_user_id = [](const pb_http_request* r) { return to_pb(req(r)->identity.user_id); };
    api_.req_session_id = [](const pb_http_request* r) {
      return to_pb(req(r)->identity.session_id);
    };
    api_.req_roles = [](const pb_http_request* r) { return to_pb(req(r)->identity.roles); };
    api_.resp_header = [](pb_http_request* r, pb_str name, pb_str value) -> int {
      if (r == nullptr) return PB_E_INVALID;
      Req* q = req(r);
      if (!q->host->on_loop() || q->response->answered) return PB_E_STATE;
      auto n = to_sv(name), v = to_sv(value);
      if (n.empty() || n.find_first_of("\r\n:") != std::string_view::npos ||
          v.find_first_of("\r\n") != std::string_view::npos) {
        return PB_E_INVALID;
      }
      for (std::string_view owned : {"Content-Length", "Transfer-Encoding", "Connection"}) {
        if (iequals(n, owned)) return PB_E_INVALID;
      }
      q->response->headers.emplace_back(std::string(n), std::string(v));
      return PB_OK;
    };
    api_.respond = [](pb_http_request* r, int status, pb_str content_type, pb_str body) -> int {
      if (r == nullptr || status < 200 || status > 599) return PB_E_INVALID;
      Req* q = req(r);
      if (!q->host->on_loop() || q->response->answered) return PB_E_STATE;
      Response& out = *q->response;
      out.answered = true;
      out.status = status;
      out.content_type = std::string(to_sv(content_type));
      out.body = std::string(to_sv(body));
      out.headers.emplace_back("X-Request-Id", q->request_id);
      return PB_OK;
    };
    api_.respond_error = [](pb_http_request* r, int status, pb_str error_id, pb_str message,
                            pb_str detailed) -> int {
      if (r == nullptr || status < 400 || status > 599) return PB_E_INVALID;
      Req* q = req(r);
      if (!q->host->on_loop() || q->response->answered) return PB_E_STATE;
      q->host->answer_error(*q, status, to_sv(error_id), to_sv(message), to_sv(detailed));
      return PB_OK;
    };

    api_.event_id = [](pb_plugin* self, pb_str name, uint32_t* out) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || out == nullptr || name.len == 0) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      auto n = to_sv(name);
      if (n == "auth.check" || n == "post.will_be_created" || n == "post.created" ||
          n == "user.will_be_created" || n == "user.created")
        return PB_E_INVALID;
      uint32_t id = h->event_id(n);
      if (id == 0) return PB_E_INVALID;  // declared with another payload kind
      *out = id;
      return PB_OK;
    };
    api_.event_id_typed = [](pb_plugin* self, pb_str name, int kind, uint32_t* out) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || out == nullptr || name.len == 0) return PB_E_INVALID;
      if (kind != PB_PAYLOAD_BLOB && kind != PB_PAYLOAD_POST) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      auto n = to_sv(name);
      if (n == "auth.check" || n == "post.will_be_created" || n == "post.created" ||
          n == "user.will_be_created" || n == "user.created")
        return PB_E_INVALID;
      uint32_t id = h->event_id(n, static_cast<pb_payload_kind>(kind));
      if (id == 0) return PB_E_INVALID;
      *out = id;
      return PB_OK;
    };
    api_.subscribe_intercept = [](pb_plugin* self, uint32_t event, int32_t priority,
                                  pb_intercept_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr) return PB_E_INVALID;
      if (!h->on_loop() || !h->in_init_) return PB_E_STATE;
      if (event == PB_EVENT_POST_CREATED || event == PB_EVENT_USER_CREATED)
        return PB_E_UNSUPPORTED;
      if (!is_core_event(event) && !h->is_dynamic_event(event)) return PB_E_NOT_FOUND;
      h->subs_.push_back(Sub{event, priority, h->sub_seq_++, fn, user});
      return PB_OK;
    };
    api_.subscribe_observe = [](pb_plugin* self, uint32_t event, pb_observe_fn fn,
                                void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr) return PB_E_INVALID;
      if (!h->on_loop() || !h->in_init_) return PB_E_STATE;
      if (event == PB_EVENT_AUTH_CHECK || event == PB_EVENT_POST_WILL_BE_CREATED ||
          event == PB_EVENT_USER_WILL_BE_CREATED)
        return PB_E_UNSUPPORTED;
      if (!is_core_event(event) && !h->is_dynamic_event(event)) return PB_E_NOT_FOUND;
      h->observers_.push_back(Obs{event, fn, user});
      return PB_OK;
    };
    api_.intercept_replace = [](pb_intercept_ctx* ctx, const void* payload) -> int {
      if (ctx == nullptr || payload == nullptr) return PB_E_INVALID;
      Turn* t = turn(ctx);
      if (t->over) return PB_E_STATE;
      const auto& post_events = t->chain->owner->post_events_;
      return t->chain->payload.assign(t->chain->event, payload, post_events) ? PB_OK : PB_E_INVALID;
    };
    api_.intercept_set_error = [](pb_intercept_ctx* ctx, int status, pb_str id,
                                  pb_str message) -> int {
      if (ctx == nullptr || status < 400 || status > 599) return PB_E_INVALID;
      Turn* t = turn(ctx);
      if (t->over) return PB_E_STATE;
      t->chain->http_status = status;
      t->chain->error_id = std::string(to_sv(id));
      t->chain->message = std::string(to_sv(message));
      return PB_OK;
    };
    api_.auth_set_identity = [](pb_intercept_ctx* ctx, pb_str user_id, pb_str session_id,
                                pb_str roles) -> int {
      if (ctx == nullptr) return PB_E_INVALID;
      Turn* t = turn(ctx);
      if (t->chain->event != PB_EVENT_AUTH_CHECK) return PB_E_INVALID;
      if (t->over) return PB_E_STATE;
      t->chain->identity = Identity{std::string(to_sv(user_id)), std::string(to_sv(session_id)),
                                    std::string(to_sv(roles))};
      return PB_OK;
    };
    api_.intercept_resume = [](pb_intercept_ctx* ctx, int verdict) -> int {
      if (ctx == nullptr || verdict == PB_VERDICT_PENDING) return PB_E_INVALID;
      Turn* t = turn(ctx);
      if (!t->pending || t->over) return PB_E_STATE;
      t->pending = false;
      t->over = true;
      Chain* c = t->chain;
      FakeHost* h = c->owner;
      if (!h->on_loop()) return PB_E_STATE;
      h->enqueue([h, c, verdict] {
        if (h->apply_verdict(*c, verdict)) {
          ++c->next;
          h->run_chain(*c);
        }
      });
      return PB_OK;
    };
    api_.publish_intercept = [](pb_plugin* self, uint32_t event, const void* payload,
                                pb_publish_done_fn done, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || payload == nullptr || done == nullptr) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->is_dynamic_event(event)) return PB_E_NOT_FOUND;
      Chain& c = h->new_chain(event);
      if (!c.payload.assign(event, payload, h->post_events_)) return PB_E_INVALID;
      c.finish = [done, user](Chain& ch, int verdict) {
        done(user, verdict, ch.http_status, to_pb(ch.error_id), to_pb(ch.message),
             ch.payload.view());
      };
      h->enqueue([h, &c] { h->run_chain(c); });  // never re-entrantly from inside this call
      return PB_OK;
    };
    api_.publish_observe = [](pb_plugin* self, uint32_t event, const void* payload) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || payload == nullptr) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->is_dynamic_event(event)) return PB_E_NOT_FOUND;
      OwnedPayload copy;
      if (!copy.assign(event, payload, h->post_events_)) return PB_E_INVALID;
      h->notify(event, copy.view());
      return PB_OK;
    };

    api_.kv_get = [](pb_plugin* self, pb_str key, pb_kv_value_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr || !valid_key(key)) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      auto it = h->kv_.find(std::string(to_sv(key)));
      if (it == h->kv_.end()) return PB_E_NOT_FOUND;
      fn(user, to_pb(it->second));
      return PB_OK;
    };
    api_.kv_list = [](pb_plugin* self, pb_str prefix, pb_kv_each_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      std::string p(to_sv(prefix));
      // Snapshot first: the callback may not write (writes are async) but stay safe anyway.
      std::vector<std::pair<std::string, std::string>> rows;
      for (auto it = h->kv_.lower_bound(p);
           it != h->kv_.end() && it->first.compare(0, p.size(), p) == 0; ++it) {
        rows.emplace_back(it->first, it->second);
      }
      for (const auto& [k, v] : rows) {
        if (fn(user, to_pb(k), to_pb(v)) != 0) break;
      }
      return PB_OK;
    };
    api_.kv_put = [](pb_plugin* self, pb_str key, pb_str value, pb_done_fn done,
                     void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || !valid_key(key) || (value.data == nullptr && value.len != 0))
        return PB_E_INVALID;
      if (value.len > (size_t{16} << 20)) return PB_E_LIMIT;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      h->kv_pending_.push_back(
          KvWrite{std::string(to_sv(key)), std::string(to_sv(value)), false, done, user});
      return PB_OK;
    };
    api_.kv_delete = [](pb_plugin* self, pb_str key, pb_done_fn done, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || !valid_key(key)) return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      h->kv_pending_.push_back(KvWrite{std::string(to_sv(key)), {}, true, done, user});
      return PB_OK;
    };

    api_.timer_start = [](pb_plugin* self, uint64_t timeout, uint64_t repeat, pb_timer_fn fn,
                          void* user, pb_timer** out) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr) return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      h->timers_.push_back(std::make_unique<Timer>(Timer{h->now_ + timeout, repeat, fn, user}));
      if (out != nullptr) *out = reinterpret_cast<pb_timer*>(h->timers_.back().get());
      return PB_OK;
    };
    api_.timer_stop = [](pb_timer* timer) -> int {
      auto* t = reinterpret_cast<Timer*>(timer);
      if (t == nullptr || !t->live) return PB_E_INVALID;
      t->live = false;
      return PB_OK;
    };
    api_.post_to_loop = [](pb_plugin* self, pb_task_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr) return PB_E_INVALID;
      std::lock_guard lock(h->tasks_mu_);
      if (h->stopped_) return PB_E_STATE;
      h->tasks_.push_back([fn, user] { fn(user); });
      return PB_OK;
    };
    api_.queue_work = [](pb_plugin* self, pb_task_fn work, pb_task_fn after, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || work == nullptr || after == nullptr) return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      h->enqueue([work, after, user] {
        std::thread worker(work, user);  // a real other thread: loop-only calls fail as for real
        worker.join();
        after(user);
      });
      return PB_OK;
    };

    api_.user_get = [](pb_plugin* self, int by, pb_str value, pb_user_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr || (value.data == nullptr && value.len != 0))
        return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->users_supported_) return PB_E_UNSUPPORTED;
      if (by != PB_USER_BY_ID && by != PB_USER_BY_USERNAME && by != PB_USER_BY_EMAIL)
        return PB_E_INVALID;
      auto v = to_sv(value);
      for (const auto& u : h->users_) {
        bool hit = by == PB_USER_BY_ID         ? u.id == v
                   : by == PB_USER_BY_USERNAME ? iequals(u.username, v)
                                               : (!v.empty() && iequals(u.email, v));
        if (!hit) continue;
        User copy = u;  // the callback may add users; hand it a stable view
        pb_user_v1 view = user_to_c(copy);
        fn(user, &view);
        return PB_OK;
      }
      return PB_E_NOT_FOUND;
    };
    api_.user_create = [](pb_plugin* self, const pb_user_v1* draft, pb_user_done_fn done,
                          void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || draft == nullptr || done == nullptr ||
          draft->struct_size < sizeof(pb_user_v1))
        return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      if (!h->users_supported_) return PB_E_UNSUPPORTED;
      OwnedPayload copy;
      copy.assign(PB_EVENT_USER_WILL_BE_CREATED, draft);
      h->enqueue([h, u = copy.user, done, user]() mutable {
        h->start_user_creation(std::move(u), [done, user](const ChainResult& r) {
          if (r.verdict == PB_VERDICT_REJECT) {
            done(user, PB_E_INVALID, r.http_status, to_pb(r.error_id), to_pb(r.message), nullptr);
            return;
          }
          pb_user_v1 view = user_to_c(r.user);
          done(user, PB_OK, 201, pb_str{"", 0}, pb_str{"", 0}, &view);
        });
      });
      return PB_OK;
    };
    api_.user_set_active = [](pb_plugin* self, pb_str user_id, int active, pb_done_fn done,
                              void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || user_id.len == 0 || user_id.data == nullptr) return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      if (!h->users_supported_) return PB_E_UNSUPPORTED;
      h->enqueue([h, id = std::string(to_sv(user_id)), active, done, user] {
        User* u = h->find_user_mut(id);
        if (u != nullptr) {
          u->delete_at = active != 0 ? 0 : static_cast<int64_t>(h->now_ == 0 ? 1 : h->now_);
          u->update_at = static_cast<int64_t>(h->now_);
        }
        if (done != nullptr) done(user, u != nullptr ? PB_OK : PB_E_NOT_FOUND);
      });
      return PB_OK;
    };
    api_.intercept_stage_kv_put = [](pb_intercept_ctx* ctx, pb_str key, pb_str value) -> int {
      if (ctx == nullptr || !valid_key(key) || (value.data == nullptr && value.len != 0))
        return PB_E_INVALID;
      if (value.len > (size_t{16} << 20)) return PB_E_LIMIT;
      Turn* t = turn(ctx);
      if (!commits(t->chain->event)) return PB_E_UNSUPPORTED;
      if (t->over) return PB_E_STATE;
      t->chain->staged.emplace_back(std::string(to_sv(key)), std::string(to_sv(value)));
      return PB_OK;
    };

    // ---- minor 2: the chat model ----
    api_.channel_get = [](pb_plugin* self, pb_str channel_id, pb_channel_fn fn,
                          void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr || (channel_id.data == nullptr && channel_id.len != 0))
        return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->chat_supported_) return PB_E_UNSUPPORTED;
      const Channel* c = h->find_channel(to_sv(channel_id));
      if (c == nullptr) return PB_E_NOT_FOUND;
      Channel copy = *c;  // the callback may add channels; hand it a stable view
      pb_channel_v1 view = channel_to_c(copy);
      fn(user, &view);
      return PB_OK;
    };
    api_.channel_get_by_name = [](pb_plugin* self, pb_str team_id, pb_str name, pb_channel_fn fn,
                                  void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr || (team_id.data == nullptr && team_id.len != 0) ||
          (name.data == nullptr && name.len != 0))
        return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->chat_supported_) return PB_E_UNSUPPORTED;
      for (const auto& c : h->channels_) {
        if (c.team_id != to_sv(team_id) || c.name != to_sv(name)) continue;
        Channel copy = c;
        pb_channel_v1 view = channel_to_c(copy);
        fn(user, &view);
        return PB_OK;
      }
      return PB_E_NOT_FOUND;
    };
    api_.channel_direct = [](pb_plugin* self, pb_str user_a, pb_str user_b,
                             pb_channel_done_fn done, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || done == nullptr || user_a.len == 0 || user_a.data == nullptr ||
          user_b.len == 0 || user_b.data == nullptr)
        return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      if (!h->chat_supported_) return PB_E_UNSUPPORTED;
      h->enqueue([h, a = std::string(to_sv(user_a)), b = std::string(to_sv(user_b)), done, user] {
        const Channel* c = h->direct_channel(a, b);
        if (c == nullptr) return done(user, PB_E_NOT_FOUND, nullptr);
        Channel copy = *c;
        pb_channel_v1 view = channel_to_c(copy);
        done(user, PB_OK, &view);
      });
      return PB_OK;
    };
    api_.channel_can_read = [](pb_plugin* self, pb_str channel_id, pb_str user_id) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || (channel_id.data == nullptr && channel_id.len != 0) ||
          (user_id.data == nullptr && user_id.len != 0))
        return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->chat_supported_) return PB_E_UNSUPPORTED;
      return h->can_read(to_sv(channel_id), to_sv(user_id));
    };
    api_.team_member_roles = [](pb_plugin* self, pb_str team_id, pb_str user_id,
                                pb_kv_value_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr || (team_id.data == nullptr && team_id.len != 0) ||
          (user_id.data == nullptr && user_id.len != 0))
        return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->chat_supported_) return PB_E_UNSUPPORTED;
      auto it = h->team_roles_.find({std::string(to_sv(team_id)), std::string(to_sv(user_id))});
      if (it == h->team_roles_.end()) return PB_E_NOT_FOUND;
      std::string roles = it->second;  // stable while the callback runs
      fn(user, to_pb(roles));
      return PB_OK;
    };
    api_.post_create = [](pb_plugin* self, const pb_post_v1* draft, pb_post_done_fn done,
                          void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || draft == nullptr || done == nullptr ||
          draft->struct_size < sizeof(pb_post_v1))
        return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      if (!h->chat_supported_) return PB_E_UNSUPPORTED;
      OwnedPayload copy;
      if (!copy.assign(PB_EVENT_POST_WILL_BE_CREATED, draft)) return PB_E_INVALID;
      Post post = std::move(copy.post);
      if (post.props_json.empty()) post.props_json = "{}";
      h->enqueue([h, post = std::move(post), done, user]() mutable {
        h->create_plugin_post(std::move(post), done, user);
      });
      return PB_OK;
    };

    api_.http_fetch = [](pb_plugin* self, const pb_http_fetch_v1* request,
                         pb_http_fetch_done_fn done, void* user, uint64_t* request_id) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || request == nullptr || done == nullptr ||
          request->struct_size < sizeof(pb_http_fetch_v1))
        return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      std::string_view method = to_sv(request->method), url = to_sv(request->url);
      bool method_ok = !method.empty() && std::all_of(method.begin(), method.end(),
                                                      [](char c) { return c >= 'A' && c <= 'Z'; });
      auto scheme = [&](std::string_view prefix) {
        return url.size() > prefix.size() && iequals(url.substr(0, prefix.size()), prefix);
      };
      if (!method_ok || !(scheme("http://") || scheme("https://"))) return PB_E_INVALID;
      if (request->header_count > 0 && request->headers == nullptr) return PB_E_INVALID;
      Fetched f;
      f.id = ++h->fetch_seq_;
      f.method = std::string(method);
      f.url = std::string(url);
      f.body = std::string(to_sv(request->body));
      for (size_t i = 0; i < request->header_count; ++i) {
        f.headers.emplace_back(std::string(to_sv(request->headers[i].name)),
                               std::string(to_sv(request->headers[i].value)));
      }
      f.timeout_ms = request->timeout_ms;
      f.max_response_bytes = request->max_response_bytes;
      FetchRecord rec;
      rec.done = done;
      rec.user = user;
      if (!h->fetch_script_.empty()) {
        rec.ready = std::move(h->fetch_script_.front());
        h->fetch_script_.pop_front();
      }
      h->fetch_records_[f.id] = std::move(rec);
      if (request_id != nullptr) *request_id = f.id;
      h->fetches_.push_back(std::move(f));
      return PB_OK;
    };
    // ---- minor 4: teams ----
    api_.team_get = [](pb_plugin* self, pb_str team_id, pb_team_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr || fn == nullptr || (team_id.data == nullptr && team_id.len != 0))
        return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      if (!h->chat_supported_) return PB_E_UNSUPPORTED;
      ++h->team_lookups_;
      auto it = h->teams_.find(std::string(to_sv(team_id)));
      if (it == h->teams_.end()) return PB_E_NOT_FOUND;
      Team copy = it->second;  // the callback may add teams; hand it a stable view
      pb_team_v1 view{sizeof(pb_team_v1), to_pb(copy.id),   to_pb(copy.name),
                      to_pb(copy.display_name), to_pb(copy.type), copy.create_at,
                      copy.delete_at};
      fn(user, &view);
      return PB_OK;
    };
    // ---- minor 6: requests whose client left ----
    api_.req_peer_gone = [](const pb_http_request* r) -> int {
      if (r == nullptr) return PB_E_INVALID;
      if (!req(r)->host->on_loop()) return PB_E_STATE;
      return req(r)->peer_gone ? 1 : 0;
    };
    // ---- minor 5: metrics ----
    api_.metrics_register = [](pb_plugin* self, pb_metrics_collect_fn fn, void* user) -> int {
      FakeHost* h = from(self);
      if (h == nullptr) return PB_E_INVALID;
      if (!h->on_loop() || h->stopped_) return PB_E_STATE;
      h->metrics_fn_ = fn;
      h->metrics_user_ = user;
      return PB_OK;
    };
    api_.metrics_sample = [](pb_metrics_sink* sink, pb_str name, pb_str help, int type,
                             const pb_metric_label* labels, size_t label_count,
                             double value) -> int {
      FakeHost* h = sink == nullptr ? nullptr : reinterpret_cast<SelfTag*>(sink)->host;
      if (h == nullptr || !h->on_loop() || !h->metrics_sink_live_) return PB_E_STATE;
      if ((type != PB_METRIC_COUNTER && type != PB_METRIC_GAUGE) ||
          (labels == nullptr && label_count > 0))
        return PB_E_INVALID;
      MetricSample sample{std::string(to_sv(name)), std::string(to_sv(help)), type, {}, value};
      for (size_t i = 0; i < label_count; ++i)
        sample.labels.emplace_back(to_sv(labels[i].name), to_sv(labels[i].value));
      h->metrics_scrape_.push_back(std::move(sample));
      return PB_OK;
    };
    api_.http_cancel = [](pb_plugin* self, uint64_t request_id) -> int {
      FakeHost* h = from(self);
      if (h == nullptr) return PB_E_INVALID;
      if (!h->on_loop()) return PB_E_STATE;
      Fetched* f = h->find_fetch(request_id);
      if (f == nullptr || f->completed) return PB_E_NOT_FOUND;
      FetchRecord& rec = h->fetch_records_[request_id];
      if (rec.ready && rec.ready->status == PB_E_CANCELED) return PB_E_NOT_FOUND;
      rec.ready = FetchReply::error(PB_E_CANCELED, "canceled");
      return PB_OK;
    };
  }

  const pb_plugin_descriptor* descriptor_;
  std::thread::id loop_thread_;
  pb_host_api api_{};
  SelfTag self_{};
  void* state_ = nullptr;
  bool in_init_ = false, initialized_ = false, started_ = false, stopped_ = false;
  bool developer_ = false;
  std::string settings_, config_ = "{}";

  std::vector<Route> routes_;
  std::deque<Response> responses_;
  std::vector<std::unique_ptr<Req>> requests_;
  uint64_t request_seq_ = 0;
  std::optional<Identity> fallback_identity_;

  std::deque<Sub> subs_;  // deque: chains hold pointers to entries
  uint64_t sub_seq_ = 0;
  std::vector<Obs> observers_;
  std::vector<std::unique_ptr<Chain>> chains_;
  std::deque<ChainResult> results_;
  std::vector<Post> posts_;
  std::vector<User> users_;
  bool users_supported_ = true;
  std::vector<Channel> channels_;
  std::map<std::string, Team> teams_;  // by id
  size_t team_lookups_ = 0;
  pb_metrics_collect_fn metrics_fn_ = nullptr;
  void* metrics_user_ = nullptr;
  bool metrics_sink_live_ = false;
  std::vector<MetricSample> metrics_scrape_;
  std::map<std::pair<std::string, std::string>, std::string> team_roles_;  // (team, user)
  std::set<std::pair<std::string, std::string>> channel_members_;          // (channel, user)
  std::vector<Post> plugin_posts_;
  bool chat_supported_ = true;
  uint64_t id_seq_ = 0;
  std::map<std::string, uint32_t> dynamic_events_;
  std::set<uint32_t> post_events_;  // the dynamic events declared with PB_PAYLOAD_POST
  uint32_t next_dynamic_ = PB_EVENT_FIRST_DYNAMIC;

  std::map<std::string, std::string> kv_;
  std::vector<KvWrite> kv_pending_;
  int kv_fail_status_ = PB_OK;
  size_t kv_fail_count_ = 0;

  std::vector<std::unique_ptr<Timer>> timers_;
  uint64_t now_ = 0;

  struct FetchRecord {
    pb_http_fetch_done_fn done = nullptr;
    void* user = nullptr;
    std::optional<FetchReply> ready;  // delivered on run_pending()
  };
  std::deque<Fetched> fetches_;
  std::map<uint64_t, FetchRecord> fetch_records_;
  std::deque<FetchReply> fetch_script_;
  uint64_t fetch_seq_ = 0;

  mutable std::mutex tasks_mu_;
  std::deque<std::function<void()>> tasks_;
  mutable std::mutex log_mu_;
  std::vector<LogLine> logs_;
};

}  // namespace pb::sdk
