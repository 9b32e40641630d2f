// Commands that other plugins add, over the event bus (README "Plugin commands"). No ABI
// function is needed: two plugin-defined events carry JSON.
//
//   command.register  (intercepted by this plugin; published by the plugin adding a command,
//                      from its start() or later)
//     {"plugin_id":"acme","trigger":"deploy","team_id":"" (every team) or a team id,
//      "display_name","description","auto_complete":true,"auto_complete_desc",
//      "auto_complete_hint","autocomplete_data":{Mattermost AutocompleteData}}
//     ALLOW: registered (the same plugin registering a trigger again replaces it);
//     REJECT 400 model.command.is_valid.<field>.app_error or api.command.duplicate_trigger.app_error
//     (another plugin holds the trigger where the scopes overlap). CONTINUE: no slash_commands.
//   command.unregister  {"plugin_id","trigger","team_id"}: ALLOW, or REJECT 404.
//   command.invoked  (published by this plugin when such a command runs; the plugins that own
//                     commands intercept it)
//     {"plugin_id","trigger","command":"/deploy prod","text":"prod","user_id","user_name",
//      "channel_id","channel_name","team_id","root_id","trigger_id"}
//     The owner (plugin_id is its id; others return CONTINUE) replaces the payload with its
//     answer, a CommandResponse JSON (§5.5), and returns ALLOW, now or after PENDING. REJECT
//     with intercept_set_error fails the command with that error.
//
// Pure except for nothing: the registry and the JSON readers and writers. Threading: the
// registry is the loop thread's; the functions are pure (any thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/slash_commands/autocomplete_suggestions.h"
#include "plugins/slash_commands/command.h"

namespace pb::slash {

inline constexpr std::string_view kRegisterEvent = "command.register";
inline constexpr std::string_view kUnregisterEvent = "command.unregister";
inline constexpr std::string_view kInvokedEvent = "command.invoked";

struct PluginCommand {
  std::string plugin_id;
  std::string trigger;   // lower-cased
  std::string team_id;   // "" = every team
  std::string display_name, description;
  bool auto_complete = true;
  std::string auto_complete_desc, auto_complete_hint;
  AutocompleteNode autocomplete;  // the given tree, or one node of trigger, hint and desc
  std::string autocomplete_data_json;  // the given tree as sent, "" when none
};

// Reads and validates a command.register payload (errors: 400 as in the header comment).
std::optional<PluginCommand> plugin_command_from_json(std::string_view json, ApiError& error);

// The command as Mattermost lists a plugin's command (GET /commands, autocomplete).
std::string to_json(const PluginCommand& command);

// A command.unregister payload: plugin_id, trigger, team_id. nullopt when malformed.
struct PluginCommandKey {
  std::string plugin_id, trigger, team_id;
};
std::optional<PluginCommandKey> plugin_command_key_from_json(std::string_view json);

// What the owner of a plugin command is told when it runs. The strings are UTF-8 (the text
// comes from the validated execute body); they are JSON-escaped, not re-validated.
struct PluginInvocation {
  std::string_view plugin_id, trigger, text, user_id, user_name, channel_id, channel_name,
      team_id, root_id, trigger_id;
};
std::string invocation_json(const PluginInvocation& invocation);

// The registered plugin commands. Pointers stay valid until the next add/remove.
class PluginCommandRegistry {
 public:
  // Registers (or replaces the same plugin's) command; the error when another plugin holds the
  // trigger in an overlapping scope (the same team, or either of them every team).
  std::optional<ApiError> add(PluginCommand command);
  bool remove(const PluginCommandKey& key);
  // The command for `trigger` in `team_id`: a team's own first, then an every-team one.
  const PluginCommand* find(std::string_view team_id, std::string_view trigger) const;
  // The commands visible in the team, in registration order.
  std::vector<const PluginCommand*> of_team(std::string_view team_id) const;
  size_t size() const { return commands_.size(); }

 private:
  std::vector<PluginCommand> commands_;  // few: a linear search is the fastest index
};

}  // namespace pb::slash
