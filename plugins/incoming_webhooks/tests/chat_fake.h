// The chat-model functions of the host API (minor 2) for FakeHost-based tests: FakeHost
// implements users, kv, routes and the bus but not channels, team roles or post_create, so this
// fills those slots of its function table with an in-memory model. Posts go through
// FakeHost::create_post (post.will_be_created, committed_posts()); every asynchronous completion
// is deferred with post_to_loop, so it runs on run_pending() as plugin.h promises.
//
// One ChatFake per test, created before the plugin's init, on the test's thread.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <patchbay/fake_host.hpp>

namespace pb::incoming_webhooks::test {

class ChatFake {
 public:
  struct Channel {
    std::string id, team_id, type = "O", name;
    int64_t delete_at = 0;
  };

  explicit ChatFake(sdk::FakeHost& host) : host_(host) {
    current() = this;
    auto* api = const_cast<pb_host_api*>(host.api());  // FakeHost owns a mutable table
    api->channel_get = &channel_get;
    api->channel_get_by_name = &channel_get_by_name;
    api->channel_direct = &channel_direct;
    api->channel_can_read = &channel_can_read;
    api->team_member_roles = &team_member_roles;
    api->post_create = &post_create;
  }
  ~ChatFake() {
    if (current() == this) current() = nullptr;
  }

  void add_channel(Channel c) { channels_[c.id] = std::move(c); }
  void set_team_roles(const std::string& team, const std::string& user, std::string roles) {
    team_roles_[{team, user}] = std::move(roles);
  }
  void grant_read(const std::string& channel, const std::string& user) {
    readers_.insert({channel, user});
  }
  // The drafts post_create received (flags included), in order.
  const std::vector<sdk::FakeHost::Post>& drafts() const { return drafts_; }

 private:
  static ChatFake*& current() {
    static ChatFake* instance = nullptr;
    return instance;
  }
  static std::string s(pb_str v) { return std::string(sdk::to_sv(v)); }

  void later(std::function<void()> fn) {
    auto* task = new std::function<void()>(std::move(fn));
    host_.api()->post_to_loop(host_.self(), [](void* u) {
      std::unique_ptr<std::function<void()>> t(static_cast<std::function<void()>*>(u));
      (*t)();
    }, task);
  }
  static pb_channel_v1 view(const Channel& c) {
    return pb_channel_v1{sizeof(pb_channel_v1), sdk::to_pb(c.id), sdk::to_pb(c.team_id),
                         sdk::to_pb(c.type),    sdk::to_pb(c.name), sdk::to_pb(c.name),
                         1,                     c.delete_at};
  }

  static int channel_get(pb_plugin*, pb_str id, pb_channel_fn fn, void* user) {
    auto it = current()->channels_.find(s(id));
    if (it == current()->channels_.end()) return PB_E_NOT_FOUND;
    pb_channel_v1 v = view(it->second);
    fn(user, &v);
    return PB_OK;
  }
  static int channel_get_by_name(pb_plugin*, pb_str team, pb_str name, pb_channel_fn fn,
                                 void* user) {
    for (const auto& [id, c] : current()->channels_) {
      if (c.team_id == s(team) && c.name == s(name)) {
        pb_channel_v1 v = view(c);
        fn(user, &v);
        return PB_OK;
      }
    }
    return PB_E_NOT_FOUND;
  }
  static int channel_direct(pb_plugin*, pb_str a, pb_str b, pb_channel_done_fn done, void* user) {
    ChatFake* self = current();
    std::string ua = s(a), ub = s(b);
    self->later([self, ua, ub, done, user] {
      if (self->host_.find_user(ua) == nullptr || self->host_.find_user(ub) == nullptr) {
        return done(user, PB_E_NOT_FOUND, nullptr);
      }
      std::string id = "dm" + std::string(24, 'x');
      id.replace(2, std::min<size_t>(24, ub.size()), ub.substr(0, 24));
      Channel c{id, "", "D", ua + "__" + ub};
      self->channels_[id] = c;
      self->readers_.insert({id, ua});
      self->readers_.insert({id, ub});
      pb_channel_v1 v = view(c);
      done(user, PB_OK, &v);
    });
    return PB_OK;
  }
  static int channel_can_read(pb_plugin*, pb_str channel, pb_str user) {
    ChatFake* self = current();
    auto it = self->channels_.find(s(channel));
    if (it == self->channels_.end() || self->host_.find_user(s(user)) == nullptr) {
      return PB_E_NOT_FOUND;
    }
    if (it->second.type == "O") return 1;
    return self->readers_.count({s(channel), s(user)}) ? 1 : 0;
  }
  static int team_member_roles(pb_plugin*, pb_str team, pb_str user, pb_kv_value_fn fn,
                               void* u) {
    auto it = current()->team_roles_.find({s(team), s(user)});
    if (it == current()->team_roles_.end()) return PB_E_NOT_FOUND;
    fn(u, sdk::to_pb(it->second));
    return PB_OK;
  }
  static int post_create(pb_plugin*, const pb_post_v1* d, pb_post_done_fn done, void* user) {
    ChatFake* self = current();
    sdk::FakeHost::Post p{"",           s(d->channel_id), s(d->user_id), s(d->root_id),
                          s(d->type),   s(d->message),    s(d->props_json)};
    p.flags = d->flags;
    self->drafts_.push_back(p);
    self->later([self, p, done, user] {
      if (self->channels_.count(p.channel_id) == 0) {
        return done(user, PB_E_PLUGIN, 404, sdk::to_pb("app.channel.get.existing.app_error"),
                    sdk::to_pb("Unable to find the existing channel."), nullptr);
      }
      const auto& r = self->host_.create_post(p);
      if (r.verdict == PB_VERDICT_REJECT) {
        return done(user, PB_E_PLUGIN, r.http_status, sdk::to_pb(r.error_id),
                    sdk::to_pb(r.message), nullptr);
      }
      done(user, PB_OK, 200, sdk::to_pb(""), sdk::to_pb(""), nullptr);
    });
    return PB_OK;
  }

  sdk::FakeHost& host_;
  std::map<std::string, Channel> channels_;
  std::map<std::pair<std::string, std::string>, std::string> team_roles_;
  std::set<std::pair<std::string, std::string>> readers_;
  std::vector<sdk::FakeHost::Post> drafts_;
};

}  // namespace pb::incoming_webhooks::test
