// Plugin commands over the event bus (plugin_commands.h): this plugin intercepts
// command.register / command.unregister and publishes command.invoked when such a command runs.
#include <patchbay/ids.hpp>

#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/slash_plugin.h"

namespace pb::slash {
namespace {

using sdk::to_sv;

std::string_view blob_text(const void* payload) {
  const auto* blob = static_cast<const pb_blob_v1*>(payload);
  return blob != nullptr ? to_sv(blob->data) : std::string_view{};
}

int reject(const sdk::Intercept& turn, const ApiError& e) {
  turn.set_error(e.status, e.id, e.message);
  return PB_VERDICT_REJECT;
}

}  // namespace

int SlashCommandsPlugin::subscribe_plugin_commands() {
  auto& h = host();
  auto reg = h.event_id(kRegisterEvent);
  auto unreg = h.event_id(kUnregisterEvent);
  auto invoked = h.event_id(kInvokedEvent);
  if (!reg || !unreg || !invoked) return PB_E_PLUGIN;
  invoked_event_ = *invoked;
  int rc = h.intercept(*reg, 0, [this](sdk::Intercept turn, uint32_t, const void* payload) {
    return on_register(turn, payload);
  });
  if (rc != PB_OK) return rc;
  return h.intercept(*unreg, 0, [this](sdk::Intercept turn, uint32_t, const void* payload) {
    return on_unregister(turn, payload);
  });
}

int SlashCommandsPlugin::on_register(const sdk::Intercept& turn, const void* payload) {
  ApiError error;
  auto command = plugin_command_from_json(blob_text(payload), error);
  if (!command) return reject(turn, error);
  std::string name = command->plugin_id + " /" + command->trigger;
  if (auto e = plugin_commands_.add(std::move(*command))) return reject(turn, *e);
  host().info("plugin command registered: " + name);
  return PB_VERDICT_ALLOW;
}

int SlashCommandsPlugin::on_unregister(const sdk::Intercept& turn, const void* payload) {
  auto key = plugin_command_key_from_json(blob_text(payload));
  if (!key) return reject(turn, invalid_body_param("command"));
  if (!plugin_commands_.remove(*key)) {
    return reject(turn, {404, "api.command.execute_command.not_found.app_error",
                         "Command with a trigger of '/" + key->trigger + "' not found."});
  }
  return PB_VERDICT_ALLOW;
}

// Mattermost handles a plugin command's answer as a custom command's (not built-in): posts get
// from_webhook and the Slack processing; the plugin's command has no username or icon.
void SlashCommandsPlugin::run_plugin_command(const sdk::Request& req,
                                             const PluginCommand& command,
                                             std::shared_ptr<Invocation> inv,
                                             std::string_view message,
                                             std::string_view channel_name) {
  std::string user_name;
  auto got_user = [](void* user, const pb_user_v1* u) {
    static_cast<std::string*>(user)->assign(to_sv(u->username));
  };
  host().api()->user_get(host().self(), PB_USER_BY_ID, sdk::to_pb(inv->user_id), got_user,
                         &user_name);
  std::string trigger_id = new_trigger_id(*inv);
  PluginInvocation pi{command.plugin_id, command.trigger, message,       inv->user_id,
                      user_name,         inv->channel_id, channel_name, inv->team_id,
                      inv->root_id,      trigger_id};
  auto published = std::make_shared<std::string>(invocation_json(pi));
  std::string trigger = command.trigger;
  inv->custom = true;
  auto on_answer = [this, req, inv, published, trigger](
                       int verdict, int http_status, std::string_view error_id,
                       std::string_view error_message, const void* payload) {
    if (verdict == PB_VERDICT_REJECT) {
      if (http_status == 0) http_status = 500;
      req.respond_error(http_status, error_id, error_message);
      return;
    }
    ApiError failed{500, "api.command.execute_command.failed.app_error",
                    "Command with a trigger of '/" + trigger + "' failed."};
    if (verdict != PB_VERDICT_ALLOW) {
      req.respond_error(failed.status, failed.id, failed.message,
                        "no plugin answered command.invoked");
      return;
    }
    std::string_view answer = blob_text(payload);
    // ALLOW without a replaced payload: the owner answered nothing.
    ParsedResponse parsed = answer == *published
                                ? ParsedResponse{true, {}, {}}
                                : parse_command_response("application/json", answer);
    if (!parsed.ok) {
      req.respond_error(failed.status, failed.id, failed.message, parsed.error);
      return;
    }
    answer_with_responses(req, std::make_shared<CommandResponse>(std::move(parsed.response)),
                          inv);
  };
  if (host().publish_intercept(invoked_event_, *published, std::move(on_answer)) != PB_OK) {
    req.respond_error(500, "api.command.execute_command.failed.app_error",
                      "Command with a trigger of '/" + trigger + "' failed.");
  }
}

}  // namespace pb::slash
