// The slash commands plugin (README.md): custom commands' management API (wire spec §5.1,
// §5.2), POST /api/v4/commands/execute (§5.3) with the call to the command's URL (§5.4) and its
// answer (§5.5), the built-ins /echo, /me, /shrug (§5.7) and delayed answers through
// response_url (§5.6).
//
// Store: "c/<id>" one command (its API JSON); "rb/<time>-<id>" the response_urls made in one
// flush, "r/<id>" one used response_url (response_url.h);
// "k/trigger_id" the key that signs trigger ids (trigger_id.h).
// Commands live in an in-memory CommandIndex loaded at start().
//
// Posts of responses are made with post_create as the invoking user, flag
// PB_POST_TRIGGER_WEBHOOKS (§5.5: in_channel answers fire outgoing webhooks). Custom commands'
// posts carry from_webhook "true" and are processed through the attachments plugin's
// attachments.process event first, then created with PB_POST_SLACK_PROCESSED (processing.h).
//
// Threading: everything on the loop thread. Errors: Mattermost error JSON with the ids of the
// wire spec; a request is answered exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <patchbay/plugin.hpp>

#include "plugins/slash_commands/command.h"
#include "plugins/slash_commands/command_index.h"
#include "plugins/slash_commands/command_request.h"
#include "plugins/slash_commands/command_response.h"
#include "plugins/slash_commands/id_pool.h"
#include "plugins/slash_commands/mentions.h"
#include "plugins/slash_commands/plugin_commands.h"
#include "plugins/slash_commands/response_url.h"
#include "plugins/slash_commands/settings.h"
#include "plugins/slash_commands/trigger_id.h"

namespace pb::slash {

inline constexpr std::string_view kCommandPrefix = "c/";
inline constexpr size_t kMaxPendingEchoes = 100;
inline constexpr int64_t kMaxEchoDelaySeconds = 10000;
// How often expired response_url records are dropped from memory and the store.
inline constexpr uint64_t kResponseUrlSweepMs = 60000;

struct AutocompleteRun;  // autocomplete_route.cpp

// Who ran a command where: what every response of that invocation is posted with.
struct Invocation {
  std::string user_id;
  std::string channel_id;
  std::string root_id;
  std::string team_id;
  bool custom = true;             // custom command: from_webhook, overrides
  std::string command_username;   // the command's configured username / icon_url
  std::string command_icon_url;
  // The id the caller gets back as trigger_id; the integration gets it signed (trigger_id.h).
  std::string client_trigger_id;
};

// A post to be created for a response.
struct PostDraft {
  std::string channel_id, type, message, props_json;
  uint32_t flags = 0;
};

// The outcome of posting the responses of one answer: ok, or the error to answer with.
using PostedFn = std::function<void(std::optional<ApiError> error)>;

class SlashCommandsPlugin : public sdk::Plugin {
 public:
  int init(std::string_view settings_json) override;
  int start() override;
  int configure(std::string_view settings_json) override;
  void stop() override;

  // Whether `trigger` names a built-in command (custom commands may not take these names).
  static bool is_builtin_trigger(std::string_view trigger);

 private:
  // Management API (commands_api.cpp).
  int register_routes();
  int create_command(const sdk::Request& req);
  int list_commands(const sdk::Request& req);
  int get_command(const sdk::Request& req);
  int update_command(const sdk::Request& req);
  int delete_command(const sdk::Request& req);
  int regen_token(const sdk::Request& req);
  int move_command(const sdk::Request& req);
  int autocomplete(const sdk::Request& req);
  // Rich autocomplete (autocomplete_route.cpp): a walk of the command trees, again after the
  // DynamicList URLs it needed are fetched; answers the request once a walk needs nothing new.
  int autocomplete_suggestions(const sdk::Request& req);
  void suggestion_round(const sdk::Request& req, std::shared_ptr<AutocompleteRun> run);
  bool may_manage_team(const sdk::Request& req, std::string_view team_id) const;
  bool is_team_member(const sdk::Request& req, std::string_view team_id) const;
  // Answers and returns nullptr when {command_id} is malformed, unknown or hidden from the
  // caller (404, as Mattermost hides existence), or 403 when `manage` and the caller may not.
  const Command* command_for(const sdk::Request& req);
  // Writes `command` durably, then indexes it and answers `status` with `answer`
  // (the command's JSON when empty).
  int save_and_answer(const sdk::Request& req, Command command, int status,
                      std::string answer = {});
  std::optional<ApiError> check_trigger_free(const Command& command) const;

  // Execute (execute.cpp).
  int execute(const sdk::Request& req);
  // The team members and public channels of `team_id` that `text` mentions (mentions.h).
  Mentions user_mentions(std::string_view team_id, std::string_view text);
  Mentions channel_mentions(std::string_view team_id, std::string_view text);
  void call_command_url(const sdk::Request& req, const Command& command, Invocation inv,
                        std::string trigger, std::string message, std::string channel_name);
  void answer_with_responses(const sdk::Request& req, std::shared_ptr<CommandResponse> response,
                             std::shared_ptr<Invocation> inv);
  // Posts the in_channel responses among `response` and its extra responses, in order.
  void post_responses(std::shared_ptr<CommandResponse> response,
                      std::shared_ptr<Invocation> inv, PostedFn done);
  void post_one(std::shared_ptr<CommandResponse> main, std::shared_ptr<Invocation> inv,
                size_t index, PostedFn done);
  // Creates `post`, then continues with response `next` (post_one), or calls `done` with
  // create_post_failed when the post is refused.
  void create_response_post(std::shared_ptr<CommandResponse> main,
                            std::shared_ptr<Invocation> inv, size_t next, PostDraft post,
                            PostedFn done);

  // Plugin commands over the bus (plugin_commands_bus.cpp, plugin_commands.h).
  int subscribe_plugin_commands();
  int on_register(const sdk::Intercept& turn, const void* payload);
  int on_unregister(const sdk::Intercept& turn, const void* payload);
  void run_plugin_command(const sdk::Request& req, const PluginCommand& command,
                          std::shared_ptr<Invocation> inv, std::string_view message,
                          std::string_view channel_name);

  // Built-ins (builtins.cpp). Answers the request.
  int run_builtin(const sdk::Request& req, std::string_view trigger, std::string_view message,
                  std::shared_ptr<Invocation> inv);
  int run_echo(const sdk::Request& req, std::string_view message,
               std::shared_ptr<Invocation> inv);
  int run_help(const sdk::Request& req, const Invocation& inv);

  // response_url (response_url_route.cpp).
  int command_webhook(const sdk::Request& req);
  void load_response_urls();
  void load_trigger_key();
  // A fresh client trigger id in `inv`, and the signed trigger id for the integration.
  std::string new_trigger_id(Invocation& inv) const;
  void sweep_response_urls();
  // Keeps a new record in memory at once (usable immediately) and queues it for the next
  // batch write (kResponseUrlFlushMs).
  void add_response_url(ResponseUrlRecord record);
  // Writes every queued record as it is now (uses included), as one batch value; not awaited,
  // a failed write is logged. Also called by stop(), before the host drains the store.
  void write_response_urls();
  std::string response_url_base(const sdk::Request& req) const;

  Settings settings_;
  uint32_t process_event_ = 0;  // attachments.process
  uint32_t invoked_event_ = 0;  // command.invoked
  PluginCommandRegistry plugin_commands_;
  TriggerKey trigger_key_;  // loaded or made at start (store key kTriggerKeyName)
  mutable IdPool ids_;      // client trigger ids (new_trigger_id is const: the pool is not state)
  CommandIndex index_;
  ResponseUrls response_urls_;
  sdk::Timer sweep_timer_;
  // Ids of records made since the last write_response_urls(), and its one-shot timer (valid
  // while flush_scheduled_: a fired one-shot timer is gone).
  std::vector<std::string> unwritten_response_urls_;
  std::string response_url_batch_;  // write_response_urls()'s buffer, reused
  OutboundRequest outbound_;        // call_command_url()'s request buffers, reused
  sdk::Timer flush_timer_;
  bool flush_scheduled_ = false;
  // (team_id + '/' + trigger) of commands being written: a second create or update taking the
  // same trigger before the first is durable and indexed is refused as a duplicate.
  std::unordered_map<std::string, std::string> pending_triggers_;  // → the command's id
  size_t pending_echoes_ = 0;
};

}  // namespace pb::slash
