// Lifecycle of the slash commands plugin and its entry point (slash_plugin.h).
#include "plugins/slash_commands/slash_plugin.h"

#include <array>
#include <chrono>

#include <sodium.h>

#include <patchbay/ids.hpp>

#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/processing.h"

namespace pb::slash {
namespace {

// Mattermost v5.38's built-in triggers (wire spec §5.7): custom commands may not take them.
constexpr std::array<std::string_view, 32> kBuiltinTriggers = {
    "away",    "online",   "offline",  "dnd",          "code",     "collapse", "expand",
    "echo",    "me",       "shrug",    "header",       "purpose",  "rename",   "join",
    "open",    "leave",    "invite",   "kick",         "remove",   "msg",      "groupmsg",
    "mute",    "search",   "settings", "shortcuts",    "help",     "logout",   "invite_people",
    "status",  "remote",   "share-channel", "loadtest"};

}  // namespace

bool SlashCommandsPlugin::is_builtin_trigger(std::string_view trigger) {
  for (std::string_view t : kBuiltinTriggers) {
    if (t == trigger) return true;
  }
  return false;
}

int SlashCommandsPlugin::init(std::string_view /*settings_json*/) {
  auto& h = host();
  bool has_chat = PB_HOST_HAS(h.api(), post_create) && PB_HOST_HAS(h.api(), channel_get) &&
                  PB_HOST_HAS(h.api(), team_member_roles) && PB_HOST_HAS(h.api(), user_get) &&
                  PB_HOST_HAS(h.api(), channel_can_read) && PB_HOST_HAS(h.api(), http_fetch);
  if (sodium_init() < 0) return PB_E_PLUGIN;  // the trigger_id key and signatures
  if (!has_chat) {
    h.error("host lacks the ABI 1.3 functions (channel_get, post_create, http_fetch, ...)");
    return PB_E_UNSUPPORTED;
  }
  read_server_config(h.config_json(), settings_);
  auto process = h.event_id(kProcessEvent, PB_PAYLOAD_POST);
  if (!process) {
    h.error("cannot declare attachments.process (the host needs ABI minor 7)");
    return PB_E_PLUGIN;
  }
  process_event_ = *process;
  int rc = subscribe_plugin_commands();
  return rc == PB_OK ? register_routes() : rc;
}

int SlashCommandsPlugin::start() {
  size_t damaged = 0;
  host().kv_list(kCommandPrefix, [&](std::string_view key, std::string_view value) {
    auto command = command_from_record(value);
    if (command && key.substr(kCommandPrefix.size()) == command->id) {
      index_.upsert(std::move(*command));
    } else {
      ++damaged;
    }
    return false;
  });
  if (damaged > 0) host().error(std::to_string(damaged) + " damaged command records skipped");
  load_response_urls();
  load_trigger_key();
  sweep_timer_ = host().timer_start(kResponseUrlSweepMs, kResponseUrlSweepMs,
                                    [this] { sweep_response_urls(); });
  host().info("loaded " + std::to_string(index_.size()) + " slash commands");
  return PB_OK;
}

void SlashCommandsPlugin::load_trigger_key() {
  if (auto stored = host().kv_get(kTriggerKeyName)) {
    if (auto key = trigger_key_from_record(*stored)) {
      trigger_key_ = *key;
      return;
    }
    host().error("damaged trigger_id key replaced: earlier trigger ids no longer verify");
  }
  trigger_key_ = new_trigger_key();
  host().kv_put(kTriggerKeyName, trigger_key_record(trigger_key_), [this](int status) {
    if (status != PB_OK) host().warn("trigger_id key not stored: ids will not verify after a restart");
  });
}

std::string SlashCommandsPlugin::new_trigger_id(Invocation& inv) const {
  inv.client_trigger_id = ids_.next();
  return sign_trigger_id(trigger_key_, inv.client_trigger_id, inv.user_id, now_ms());
}

int SlashCommandsPlugin::configure(std::string_view /*settings_json*/) {
  read_server_config(host().config_json(), settings_);
  return PB_OK;
}

void SlashCommandsPlugin::stop() {
  if (sweep_timer_) host().timer_stop(sweep_timer_);
  // The host drains the store after stop(): records not yet written are durable by shutdown.
  write_response_urls();
}

}  // namespace pb::slash

PB_PLUGIN(pb::slash::SlashCommandsPlugin, "slash_commands", "1.0.0")
