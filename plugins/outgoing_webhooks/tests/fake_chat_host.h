// A FakeHost plus what it does not implement yet: the ABI 1.2 chat functions (channel_get,
// team_member_roles, post_create), patched into a copy of its function table. Outbound HTTP is
// FakeHost's own (fetched(), complete_fetch()). Reply posts are queued and made through
// FakeHost's create_post on flush(), never from inside the host call (plugin.h's async
// contract).
//
// One FakeChatHost at a time (the patched functions find it through a static pointer).
// Threading: the test's thread only.
#pragma once

#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include <patchbay/fake_host.hpp>

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::outgoing::testing {

struct FakeChannel {
  std::string team_id, type, name;
};

class FakeChatHost {
 public:
  FakeChatHost() : descriptor_(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)), host_(descriptor_) {
    current_ = this;
    api_ = *host_.api();
    api_.channel_get = &channel_get;
    api_.team_member_roles = &team_member_roles;
    api_.post_create = &post_create;
  }
  ~FakeChatHost() {
    if (started_) stop();
    if (state_ != nullptr) descriptor_->destroy(state_);
    if (current_ == this) current_ = nullptr;
  }

  sdk::FakeHost& fake() { return host_; }

  int init(std::string_view settings = "{}") {
    return host_.run_in_init_phase([&] {
      return descriptor_->init(host_.self(), &api_, sdk::to_pb(settings), &state_);
    });
  }
  int start() {
    started_ = true;
    return descriptor_->start(state_);
  }
  void stop() {
    started_ = false;
    descriptor_->stop(state_);
    flush();
  }

  // Runs FakeHost's queue, then the reply posts the plugin asked for (through the real chain:
  // the plugin's own interceptor sees them), until nothing is left.
  void flush() {
    for (;;) {
      host_.run_pending();
      if (post_queue_.empty()) break;
      while (!post_queue_.empty()) {
        auto [draft, done, user] = post_queue_.front();
        post_queue_.pop_front();
        std::string seq = std::to_string(++post_seq_);
        draft.id = "post" + seq + std::string(26 - 4 - seq.size(), 'r');
        const auto& r = host_.create_post(draft);
        host_.run_pending();
        pb_post_v1 created = to_c(r.post);
        done(user, r.verdict == PB_VERDICT_REJECT ? PB_E_INVALID : PB_OK, r.http_status,
             sdk::to_pb(r.error_id), sdk::to_pb(r.message), &created);
        replies.push_back(r.post);
      }
    }
  }

  // Every outbound request so far, oldest first (FakeHost's record).
  const std::deque<sdk::FakeHost::Fetched>& fetches() const { return host_.fetched(); }
  // Completes fetch `i` (index into fetches()) with an HTTP response, then flushes.
  void respond(size_t i, int status, std::string body) {
    host_.complete_fetch(fetches().at(i).id, sdk::FakeHost::FetchReply::ok(status, std::move(body)));
    flush();
  }
  void fail(size_t i, int status, std::string detail) {
    host_.complete_fetch(fetches().at(i).id, sdk::FakeHost::FetchReply::error(status, std::move(detail)));
    flush();
  }

  std::map<std::string, FakeChannel> channels;
  std::map<std::pair<std::string, std::string>, std::string> team_roles;  // (team, user) → roles
  std::vector<sdk::FakeHost::Post> replies;

 private:
  static pb_post_v1 to_c(const sdk::FakeHost::Post& p) {
    pb_post_v1 c{};
    c.struct_size = sizeof c;
    c.id = sdk::to_pb(p.id);
    c.channel_id = sdk::to_pb(p.channel_id);
    c.user_id = sdk::to_pb(p.user_id);
    c.root_id = sdk::to_pb(p.root_id);
    c.type = sdk::to_pb(p.type);
    c.message = sdk::to_pb(p.message);
    c.props_json = sdk::to_pb(p.props_json);
    c.flags = p.flags;
    return c;
  }

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
  static int team_member_roles(pb_plugin*, pb_str team, pb_str user_id, pb_kv_value_fn fn,
                               void* user) {
    auto it = current_->team_roles.find({std::string(sdk::to_sv(team)), std::string(sdk::to_sv(user_id))});
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
    current_->post_queue_.push_back({std::move(p), done, user});
    return PB_OK;
  }

  struct QueuedPost {
    sdk::FakeHost::Post draft;
    pb_post_done_fn done;
    void* user;
  };

  static inline FakeChatHost* current_ = nullptr;
  const pb_plugin_descriptor* descriptor_;
  sdk::FakeHost host_;
  pb_host_api api_{};
  void* state_ = nullptr;
  bool started_ = false;
  uint64_t post_seq_ = 0;
  std::deque<QueuedPost> post_queue_;
};

}  // namespace pb::outgoing::testing
