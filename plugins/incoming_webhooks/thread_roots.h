// thread_key → root post, per channel (issue 8): the first post made with a key in a channel is
// the root; later posts with that key in that channel are its replies.
//
// Durable in the plugin's kv as "thread/<channel_id>/<key>" = root post id, written IN THE SAME
// commit as the root post: the root's first part carries a one-off marker prop
// ("pb_thread_root": a random token this class handed out); this class intercepts
// post.will_be_created (late, priority 2000), and for a post carrying a token it handed out it
// stages the record with intercept_stage_kv_put and removes the marker from the post. If the
// marker never reaches the interceptor (an earlier interceptor dropped it), root_done() writes
// the record with kv_put after the post is durable: a crash in between forgets the root (the
// next post with the key starts a new thread). Posts whose token is unknown are left alone, so a
// user cannot make their own post the root of a hook's thread.
//
// While a root is being created, later requests with the same channel and key wait for it
// (instead of each becoming a root); if the root fails, the first waiter tries next.
//
// Threading: loop thread only.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <patchbay/plugin.hpp>

namespace pb::incoming_webhooks {

inline constexpr std::string_view kThreadMarkerProp = "pb_thread_root";
inline constexpr int32_t kThreadInterceptPriority = 2000;

class ThreadRoots {
 public:
  explicit ThreadRoots(sdk::Host& host) : host_(host) {}

  // Subscribes the post.will_be_created interceptor (init only).
  int init();

  // What acquire() hands back: the root to reply to, or (root_id "") the token the caller puts
  // on its post (with_marker) to become the root, after which it must call root_done().
  struct Slot {
    std::string root_id;
    std::string token;
  };
  using Ready = std::function<void(const Slot& slot)>;
  // Calls `ready` now, or later once a pending root of the same channel and key is done. A stored
  // root equal to `stale_root` (one the core refused: deleted) counts as none.
  void acquire(std::string_view channel_id, std::string_view key, Ready ready,
               std::string_view stale_root = {});

  // The root post with `token` was created (post_id) or failed (post_id "").
  void root_done(const std::string& token, std::string_view post_id);

  // `props_json` (an object) with the marker member added last.
  static std::string with_marker(std::string_view props_json, std::string_view token);

  static std::string record_key(std::string_view channel_id, std::string_view key);

 private:
  struct Pending {
    std::string channel_id, key;
    bool staged = false;
    std::vector<Ready> waiters;
  };
  int on_post(const sdk::Intercept& turn, const pb_post_v1& post);

  sdk::Host& host_;
  std::map<std::string, Pending, std::less<>> by_token_;
  std::map<std::string, std::string, std::less<>> token_of_;  // record key → token
};

// The marker member removed from `props_json`; false when it is not there exactly as
// with_marker wrote it (last member).
bool strip_thread_marker(std::string_view props_json, std::string_view token, std::string& out);

}  // namespace pb::incoming_webhooks
