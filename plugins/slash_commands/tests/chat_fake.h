// The slash commands plugin on a FakeHost, plus the ABI 1.2 chat functions FakeHost does not
// implement (channel_get, channel_can_read, team_member_roles, post_create), patched into a copy
// of its function table. Posts are queued and created through FakeHost's create_post on flush()
// (never from inside the host call, as plugin.h's async contract says).
//
// One ChatFake at a time (the patched functions find it through a static pointer). Threading:
// the test's thread only.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <patchbay/fake_host.hpp>

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::slash::testing {

struct Channel {
  std::string team_id, type = "O", name;
  std::set<std::string> readers;  // who channel_can_read allows
};

class ChatFake {
 public:
  ChatFake() : descriptor_(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)), host_(descriptor_) {
    current_ = this;
    api_ = *host_.api();
    api_.channel_get = &channel_get;
    api_.channel_can_read = &channel_can_read;
    api_.team_member_roles = &team_member_roles;
    api_.post_create = &post_create;
  }
  ~ChatFake() {
    if (started_) {
      descriptor_->stop(state_);
      host_.run_pending();
    }
    if (state_ != nullptr) descriptor_->destroy(state_);
    if (current_ == this) current_ = nullptr;
  }

  sdk::FakeHost& fake() { return host_; }

  int init() {
    return host_.run_in_init_phase(
        [&] { return descriptor_->init(host_.self(), &api_, sdk::to_pb("{}"), &state_); });
  }
  int start() {
    started_ = true;
    return descriptor_->start(state_);
  }
  int configure() { return descriptor_->configure(state_, sdk::to_pb("{}")); }

  // Runs FakeHost's queue and the queued posts until nothing is left.
  void flush() {
    for (;;) {
      host_.run_pending();
      if (queue_.empty()) break;
      while (!queue_.empty()) {
        Queued q = std::move(queue_.front());
        queue_.pop_front();
        if (refuse_posts) {
          q.done(q.user, PB_E_INVALID, 400, sdk::to_pb("refused.by.test"), sdk::to_pb("no"),
                 nullptr);
          continue;
        }
        std::string seq = std::to_string(++post_seq_);
        q.draft.id = "post" + seq + std::string(22 - seq.size(), 'p');
        const auto& r = host_.create_post(q.draft);
        host_.run_pending();
        pb_post_v1 c{};
        c.struct_size = sizeof c;
        c.id = sdk::to_pb(r.post.id);
        q.done(q.user, r.verdict == PB_VERDICT_REJECT ? PB_E_INVALID : PB_OK, r.http_status,
               sdk::to_pb(r.error_id), sdk::to_pb(r.message), &c);
      }
    }
  }

  // The user who makes requests (system roles "system_user" unless given).
  void act_as(std::string user_id, std::string roles = "system_user") {
    host_.set_fallback_identity(sdk::FakeHost::Identity{std::move(user_id), "sess", std::move(roles)});
  }

  const sdk::FakeHost::Response& call(std::string_view method, std::string_view target,
                                      std::string_view body = {},
                                      sdk::FakeHost::Headers headers = {}) {
    const auto& r = host_.request(method, target, std::move(headers), body);
    flush();
    return r;
  }

  const std::deque<sdk::FakeHost::Fetched>& fetches() const { return host_.fetched(); }
  void answer(size_t i, int status, std::string body, sdk::FakeHost::Headers headers = {}) {
    host_.complete_fetch(fetches().at(i).id,
                         sdk::FakeHost::FetchReply::ok(status, std::move(body), std::move(headers)));
    flush();
  }
  void fail(size_t i, int status) {
    host_.complete_fetch(fetches().at(i).id, sdk::FakeHost::FetchReply::error(status, "test"));
    flush();
  }
  const std::vector<sdk::FakeHost::Post>& posts() const { return host_.committed_posts(); }

  std::map<std::string, Channel> channels;
  std::map<std::pair<std::string, std::string>, std::string> team_roles;  // (team, user) → roles
  bool refuse_posts = false;

 private:
  struct Queued {
    sdk::FakeHost::Post draft;
    pb_post_done_fn done;
    void* user;
  };

  static int channel_get(pb_plugin*, pb_str id, pb_channel_fn fn, void* user) {
    auto it = current_->channels.find(std::string(sdk::to_sv(id)));
    if (it == current_->channels.end()) return PB_E_NOT_FOUND;
    pb_channel_v1 c{};
    c.struct_size = sizeof c;
    c.id = id;
    c.team_id = sdk::to_pb(it->second.team_id);
    c.type = sdk::to_pb(it->second.type);
    c.name = sdk::to_pb(it->second.name);
    fn(user, &c);
    return PB_OK;
  }
  static int channel_can_read(pb_plugin*, pb_str id, pb_str user_id) {
    auto it = current_->channels.find(std::string(sdk::to_sv(id)));
    if (it == current_->channels.end()) return PB_E_NOT_FOUND;
    return it->second.readers.count(std::string(sdk::to_sv(user_id))) ? 1 : 0;
  }
  static int team_member_roles(pb_plugin*, pb_str team, pb_str user_id, pb_kv_value_fn fn,
                               void* user) {
    auto it = current_->team_roles.find(
        {std::string(sdk::to_sv(team)), std::string(sdk::to_sv(user_id))});
    if (it == current_->team_roles.end()) return PB_E_NOT_FOUND;
    fn(user, sdk::to_pb(it->second));
    return PB_OK;
  }
  static int post_create(pb_plugin*, const pb_post_v1* d, pb_post_done_fn done, void* user) {
    sdk::FakeHost::Post p;
    p.channel_id = sdk::to_sv(d->channel_id);
    p.user_id = sdk::to_sv(d->user_id);
    p.root_id = sdk::to_sv(d->root_id);
    p.type = sdk::to_sv(d->type);
    p.message = sdk::to_sv(d->message);
    p.props_json = d->props_json.len ? std::string(sdk::to_sv(d->props_json)) : "{}";
    p.flags = d->flags;
    current_->queue_.push_back({std::move(p), done, user});
    return PB_OK;
  }

  static inline ChatFake* current_ = nullptr;
  const pb_plugin_descriptor* descriptor_;
  sdk::FakeHost host_;
  pb_host_api api_{};
  void* state_ = nullptr;
  bool started_ = false;
  uint64_t post_seq_ = 0;
  std::deque<Queued> queue_;
};

}  // namespace pb::slash::testing
