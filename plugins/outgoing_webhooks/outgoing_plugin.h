// The outgoing webhooks plugin (README.md): management API (wire spec §4.1, §4.5), which posts
// fire (§4.2), durable at-least-once delivery (§4.3) and replies from callback answers (§4.4).
//
// - post.will_be_created, priority kInterceptPriority (after the other interceptors, so a later
//   rejection is unlikely): for posts with PB_POST_TRIGGER_WEBHOOKS (never PB_POST_FROM_WEBHOOK)
//   in public channels, not of a system_* type, matches the in-memory HookIndex and stages one
//   delivery record per hook with intercept_stage_kv_put: the records commit with the post.
// - post.created: the staged deliveries of that post go to the Dispatcher.
// - start(): loads hooks ("h/<id>") into the index and resumes pending deliveries ("q/...").
// - Replies are made with post_create as the hook's creator, flags PB_POST_FROM_WEBHOOK only,
//   so they never trigger hooks; the attachments plugin processes them on the bus. A reply too
//   long for one post is split as Mattermost splits webhook posts (patchbay/post_splitter.hpp)
//   and its parts are created in order, each after the previous one is stored.
//
// Threading: everything on the loop thread. Errors: API errors are Mattermost error JSON;
// delivery and reply errors are logged and counted (GET /api/v4/outgoing_webhooks/metrics).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <patchbay/plugin.hpp>
#include <patchbay/post_splitter.hpp>
#include <patchbay/ttl_cache.hpp>

#include "plugins/outgoing_webhooks/delivery_record.h"
#include "plugins/outgoing_webhooks/dispatcher.h"
#include "plugins/outgoing_webhooks/hook.h"
#include "plugins/outgoing_webhooks/hook_index.h"
#include "plugins/outgoing_webhooks/settings.h"

namespace pb::outgoing {

inline constexpr int32_t kInterceptPriority = 1000;
inline constexpr std::string_view kHookPrefix = "h/";
// Staged deliveries of a post that never got committed (a later interceptor rejected it) are
// forgotten after one to two sweeps.
inline constexpr uint64_t kStagedSweepMs = 60000;
// Team names (sent as team_domain) are looked up once per this many ms per team, not per post:
// teams are renamed rarely, and a rename shows in requests within this delay.
inline constexpr uint64_t kTeamNameTtlMs = 30000;
inline constexpr size_t kTeamNameCacheEntries = 1024;

class OutgoingWebhooksPlugin : public sdk::Plugin {
 public:
  int init(std::string_view settings_json) override;
  int start() override;
  int configure(std::string_view settings_json) override;
  void stop() override;

 private:
  // Delivery side (outgoing_plugin.cpp).
  int on_post_will_be_created(sdk::Intercept turn, const pb_post_v1& post);
  void on_post_created(const pb_post_v1& post);
  void on_callback_response(const DeliveryRecord& record, std::string_view body);
  struct Reply;  // below
  void post_reply_part(std::unique_ptr<Reply> reply);
  static void reply_part_done(void* user, int status, int http_status, pb_str error_id,
                              pb_str message, const pb_post_v1* created);
  void sweep_staged();
  // The team's name (its URL slug, Mattermost's team_domain) from the cache or the host's
  // team_get (ABI 1.4); "" when the host has no team_get or the team is unknown.
  const std::string& team_name(std::string_view team_id);
  void load_hooks();
  void resume_deliveries();

  // Management API (hooks_api.cpp).
  int register_routes();
  int create_hook(const sdk::Request& req);
  int list_hooks(const sdk::Request& req);
  int get_hook(const sdk::Request& req);
  int update_hook(const sdk::Request& req);
  int delete_hook(const sdk::Request& req);
  int regen_token(const sdk::Request& req);
  int metrics(const sdk::Request& req);
  bool may_manage_team(const sdk::Request& req, std::string_view team_id) const;
  // Answers and returns nullptr when the {hook_id} parameter is malformed, unknown, or the
  // caller may not manage its team.
  const OutgoingHook* hook_for(const sdk::Request& req);
  // The channel checks of create/update: exists, open, same team. nullopt when fine.
  std::optional<ApiError> check_channel(const OutgoingHook& hook, bool updating) const;
  // Writes `hook` durably, then puts it in the index and answers `status` with its JSON.
  int save_and_answer(const sdk::Request& req, OutgoingHook hook, int status);

  // A reply being posted, one part after the other.
  struct Reply {
    OutgoingWebhooksPlugin* plugin = nullptr;
    std::string hook_id;
    std::string channel_id;
    std::string user_id;  // the hook's creator
    std::string root_id;  // "" unless response_type "comment"
    std::string type;
    std::vector<sdk::SplitPost> parts;
    size_t next = 0;
  };

  struct Staged {
    std::vector<std::pair<std::string, DeliveryRecord>> deliveries;  // (store key, record)
    uint64_t generation = 0;
  };

  Settings settings_;
  HookIndex index_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unordered_map<std::string, Staged> staged_;  // by post id, until post.created
  uint64_t sweep_generation_ = 0;
  sdk::Timer sweep_timer_;
  bool has_chat_ = false;  // the host has the ABI 1.2 channel/post functions
  bool has_team_get_ = false;  // ABI 1.4
  sdk::TtlCache<std::string> team_names_{kTeamNameCacheEntries};  // by team id
  uint64_t replies_posted_ = 0;
  uint64_t reply_errors_ = 0;
};

}  // namespace pb::outgoing
