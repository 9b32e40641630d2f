// The slash commands plugin on a FakeHost with its chat model (channels, team and channel
// members, post_create): loads the plugin, drives requests as a chosen user and runs the
// host's queue until nothing is left, so a test reads outcomes right after a call.
//
// Threading: the test's thread only.
#pragma once

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include <patchbay/fake_host.hpp>

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::slash::testing {

class ChatFake {
 public:
  ChatFake() : host_(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)) {}

  sdk::FakeHost& fake() { return host_; }

  int init() { return host_.init(); }
  int start() { return host_.start(); }
  int configure() { return host_.configure("{}"); }

  // Runs the host's queue (kv commits, posts, bus chains, completions) until it is empty.
  void flush() {
    while (host_.run_pending() > 0) {
    }
  }

  // The user who makes the next requests, with these session roles.
  void act_as(std::string user_id, std::string roles = "system_user") {
    host_.set_fallback_identity(
        sdk::FakeHost::Identity{std::move(user_id), "sess", std::move(roles)});
  }

  const sdk::FakeHost::Response& call(std::string_view method, std::string_view target,
                                      std::string_view body = {},
                                      sdk::FakeHost::Headers headers = {}) {
    const auto& r = host_.request(method, target, std::move(headers), body);
    flush();
    return r;
  }

  const std::deque<sdk::FakeHost::Fetched>& fetches() const { return host_.fetched(); }
  // Answers outbound request `i` with an HTTP response / fails it, then flushes.
  void answer(size_t i, int status, std::string body, sdk::FakeHost::Headers headers = {}) {
    host_.complete_fetch(fetches().at(i).id,
                         sdk::FakeHost::FetchReply::ok(status, std::move(body), std::move(headers)));
    flush();
  }
  void fail(size_t i, int status) {
    host_.complete_fetch(fetches().at(i).id, sdk::FakeHost::FetchReply::error(status, "test"));
    flush();
  }
  // The posts the plugin created, oldest first.
  const std::vector<sdk::FakeHost::Post>& posts() const { return host_.plugin_posts(); }

 private:
  sdk::FakeHost host_;
};

}  // namespace pb::slash::testing
