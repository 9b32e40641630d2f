// The custom command management API (wire spec §5.2).
//
// Permissions as Mattermost's defaults: manage_slash_commands belongs to system admins and to
// team admins of the command's team; other users get 403 on create/list(custom_only) and 404 on
// a single command (existence hidden). Every route answers 501 while EnableCommands is false.
#include <algorithm>
#include <memory>

#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/builtin_commands.h"
#include <patchbay/ids.hpp>
#include "plugins/slash_commands/slash_plugin.h"

namespace pb::slash {
namespace {

using sdk::to_pb;
using sdk::to_sv;

ApiError save_failed() {
  return {500, "app.command.save.app_error", "Unable to save the command."};
}

}  // namespace

int SlashCommandsPlugin::register_routes() {
  auto& h = host();
  auto add = [&](std::string_view method, std::string_view pattern, uint32_t flags, auto member) {
    return h.route(method, pattern, [this, member](sdk::Request r) { return (this->*member)(r); },
                   flags);
  };
  constexpr uint32_t kAuth = PB_ROUTE_AUTHENTICATED;
  int rc = add("POST", "/api/v4/commands", kAuth, &SlashCommandsPlugin::create_command);
  if (rc == PB_OK) rc = add("GET", "/api/v4/commands", kAuth, &SlashCommandsPlugin::list_commands);
  if (rc == PB_OK) {
    rc = add("POST", "/api/v4/commands/execute", kAuth, &SlashCommandsPlugin::execute);
  }
  if (rc == PB_OK) {
    rc = add("GET", "/api/v4/commands/{command_id}", kAuth, &SlashCommandsPlugin::get_command);
  }
  if (rc == PB_OK) {
    rc = add("PUT", "/api/v4/commands/{command_id}", kAuth, &SlashCommandsPlugin::update_command);
  }
  if (rc == PB_OK) {
    rc = add("DELETE", "/api/v4/commands/{command_id}", kAuth,
             &SlashCommandsPlugin::delete_command);
  }
  if (rc == PB_OK) {
    rc = add("PUT", "/api/v4/commands/{command_id}/regen_token", kAuth,
             &SlashCommandsPlugin::regen_token);
  }
  if (rc == PB_OK) {
    rc = add("PUT", "/api/v4/commands/{command_id}/move", kAuth,
             &SlashCommandsPlugin::move_command);
  }
  if (rc == PB_OK) {
    rc = add("GET", "/api/v4/teams/{team_id}/commands/autocomplete", kAuth,
             &SlashCommandsPlugin::autocomplete);
  }
  if (rc == PB_OK) {
    rc = add("GET", "/api/v4/teams/{team_id}/commands/autocomplete_suggestions", kAuth,
             &SlashCommandsPlugin::autocomplete_suggestions);
  }
  if (rc == PB_OK) {
    rc = add("POST", "/hooks/commands/{id}", PB_ROUTE_PUBLIC,
             &SlashCommandsPlugin::command_webhook);
  }
  return rc;
}

bool SlashCommandsPlugin::may_manage_team(const sdk::Request& req,
                                          std::string_view team_id) const {
  if (has_role(req.roles(), "system_admin")) return true;
  bool team_admin = false;
  auto got = [](void* user, pb_str roles) {
    *static_cast<bool*>(user) = has_role(to_sv(roles), "team_admin");
  };
  host().api()->team_member_roles(host().self(), to_pb(team_id), to_pb(req.user_id()), got,
                                  &team_admin);
  return team_admin;
}

bool SlashCommandsPlugin::is_team_member(const sdk::Request& req,
                                         std::string_view team_id) const {
  auto ignore = [](void*, pb_str) {};
  return host().api()->team_member_roles(host().self(), to_pb(team_id), to_pb(req.user_id()),
                                         ignore, nullptr) == PB_OK;
}

const Command* SlashCommandsPlugin::command_for(const sdk::Request& req) {
  auto id = req.param("command_id");
  if (!id || !is_valid_id(*id)) {
    invalid_url_param(req, "command_id");
    return nullptr;
  }
  const Command* command = index_.find(*id);
  // Mattermost hides a command the caller may not manage behind the same 404.
  if (command == nullptr || !may_manage_team(req, command->team_id)) {
    req.respond_error(404, "store.sql_command.save.get.app_error", "Unable to get the command.");
    return nullptr;
  }
  return command;
}

std::optional<ApiError> SlashCommandsPlugin::check_trigger_free(const Command& command) const {
  const Command* same = index_.find_trigger(command.team_id, command.trigger);
  auto pending = pending_triggers_.find(command.team_id + '/' + command.trigger);
  bool being_written = pending != pending_triggers_.end() && pending->second != command.id;
  // A plugin's command would shadow it (plugin commands resolve first).
  bool plugin_held = plugin_commands_.find(command.team_id, command.trigger) != nullptr;
  if (is_builtin_trigger(command.trigger) || (same != nullptr && same->id != command.id) ||
      being_written || plugin_held) {
    return ApiError{400, "api.command.duplicate_trigger.app_error",
                    "This trigger word is already in use. Please choose another word."};
  }
  return std::nullopt;
}

int SlashCommandsPlugin::save_and_answer(const sdk::Request& req, Command command, int status,
                                         std::string answer) {
  std::string json = to_json(command);
  if (answer.empty()) answer = json;
  auto shared = std::make_shared<Command>(std::move(command));
  std::string pending = shared->team_id + '/' + shared->trigger;
  int rc = host().kv_put(std::string(kCommandPrefix) + shared->id, json,
                         [this, req, shared, status, answer = std::move(answer),
                          pending](int done) {
                           pending_triggers_.erase(pending);
                           if (done != PB_OK) {
                             fail(req, save_failed());
                             return;
                           }
                           index_.upsert(*shared);
                           req.respond_json(status, answer);
                         });
  if (rc != PB_OK) return fail(req, save_failed());
  pending_triggers_.insert_or_assign(std::move(pending), shared->id);
  return PB_OK;
}

int SlashCommandsPlugin::create_command(const sdk::Request& req) {
  if (!settings_.enabled) return commands_disabled(req);
  ApiError error;
  auto command = command_from_body(req.body(), error);
  if (!command) return fail(req, error);
  if (!is_valid_id(command->team_id)) return fail(req, invalid_body_param("team_id"));
  if (!may_manage_team(req, command->team_id)) return forbidden(req);
  command->creator_id = std::string(req.user_id());
  command->id = sdk::new_id();
  command->token = sdk::new_id();
  command->create_at = command->update_at = now_ms();
  command->delete_at = 0;
  normalise_trigger(*command);
  if (auto e = validate(*command)) return fail(req, *e);
  if (auto e = check_trigger_free(*command)) return fail(req, *e);
  return save_and_answer(req, std::move(*command), 201);
}

int SlashCommandsPlugin::list_commands(const sdk::Request& req) {
  if (!settings_.enabled) return commands_disabled(req);
  std::string_view query = req.query();
  auto team_id = query_value(query, "team_id");
  if (!team_id || !is_valid_id(*team_id)) return invalid_url_param(req, "team_id");
  auto custom_only = query_value(query, "custom_only");
  bool only_custom = custom_only && (*custom_only == "true" || *custom_only == "1");
  bool manager = may_manage_team(req, *team_id);
  if (only_custom && !manager) return forbidden(req);
  if (!manager && !is_team_member(req, *team_id)) return forbidden(req);
  std::vector<const Command*> commands = index_.of_team(*team_id);
  std::string out = "[";
  for (const Command* c : commands) {
    if (out.size() > 1) out += ',';
    out += manager ? to_json(*c) : to_sanitized_json(*c);
  }
  if (!only_custom) {
    for (const PluginCommand* c : plugin_commands_.of_team(*team_id)) {
      if (out.size() > 1) out += ',';
      out += to_json(*c);
    }
    if (out.size() > 1) out += ',';
    out += builtins_json();
  }
  out += ']';
  return req.respond_json(200, out);
}

int SlashCommandsPlugin::get_command(const sdk::Request& req) {
  if (!settings_.enabled) return commands_disabled(req);
  const Command* command = command_for(req);
  if (command == nullptr) return PB_OK;
  return req.respond_json(200, to_json(*command));
}

int SlashCommandsPlugin::update_command(const sdk::Request& req) {
  if (!settings_.enabled) return commands_disabled(req);
  ApiError error;
  auto body = command_from_body(req.body(), error);
  if (!body) return fail(req, error);
  auto id = req.param("command_id");
  if (!id || !is_valid_id(*id) || body->id != *id) return invalid_url_param(req, "command_id");
  const Command* old = command_for(req);
  if (old == nullptr) return PB_OK;
  if (!body->team_id.empty() && body->team_id != old->team_id) {
    return req.respond_error(400, "api.command.team_mismatch.app_error",
                             "Unable to update command across teams.");
  }
  Command updated = *old;  // token, creator, team and create_at are kept
  updated.trigger = body->trigger;
  updated.method = body->method;
  updated.url = body->url;
  updated.username = body->username;
  updated.icon_url = body->icon_url;
  updated.auto_complete = body->auto_complete;
  updated.auto_complete_desc = body->auto_complete_desc;
  updated.auto_complete_hint = body->auto_complete_hint;
  updated.display_name = body->display_name;
  updated.description = body->description;
  updated.update_at = std::max(now_ms(), old->update_at + 1);
  normalise_trigger(updated);
  if (auto e = validate(updated)) return fail(req, *e);
  if (auto e = check_trigger_free(updated)) return fail(req, *e);
  return save_and_answer(req, std::move(updated), 200);
}

int SlashCommandsPlugin::delete_command(const sdk::Request& req) {
  if (!settings_.enabled) return commands_disabled(req);
  const Command* command = command_for(req);
  if (command == nullptr) return PB_OK;
  std::string id = command->id;
  int rc = host().kv_delete(std::string(kCommandPrefix) + id, [this, req, id](int done) {
    if (done != PB_OK) {
      req.respond_error(500, "app.command.delete.app_error", "Unable to delete the command.");
      return;
    }
    index_.erase(id);
    req.respond_json(200, R"({"status":"OK"})");
  });
  if (rc != PB_OK) {
    return req.respond_error(500, "app.command.delete.app_error", "Unable to delete the command.");
  }
  return PB_OK;
}

int SlashCommandsPlugin::regen_token(const sdk::Request& req) {
  if (!settings_.enabled) return commands_disabled(req);
  const Command* command = command_for(req);
  if (command == nullptr) return PB_OK;
  Command updated = *command;
  updated.token = sdk::new_id();
  updated.update_at = std::max(now_ms(), command->update_at + 1);
  std::string answer = "{\"token\":" + sdk::json_string(updated.token) + "}";
  return save_and_answer(req, std::move(updated), 200, std::move(answer));
}

int SlashCommandsPlugin::move_command(const sdk::Request& req) {
  if (!settings_.enabled) return commands_disabled(req);
  std::string_view body = req.body();
  ApiError error;
  auto target = command_from_body(body, error);  // only team_id is read
  if (!target || !is_valid_id(target->team_id)) return fail(req, invalid_body_param("team_id"));
  const Command* command = command_for(req);
  if (command == nullptr) return PB_OK;
  if (!may_manage_team(req, target->team_id)) return forbidden(req);
  Command moved = *command;
  moved.team_id = target->team_id;
  moved.update_at = std::max(now_ms(), command->update_at + 1);
  if (auto e = check_trigger_free(moved)) return fail(req, *e);
  return save_and_answer(req, std::move(moved), 200, R"({"status":"OK"})");
}

// The commands a team member may see in autocomplete: the team's custom commands with
// auto_complete (sanitised) and the built-ins.
int SlashCommandsPlugin::autocomplete(const sdk::Request& req) {
  auto team_id = req.param("team_id");
  if (!team_id || !is_valid_id(*team_id)) return invalid_url_param(req, "team_id");
  if (!has_role(req.roles(), "system_admin") && !is_team_member(req, *team_id)) {
    return forbidden(req);
  }
  std::string out = "[";
  if (settings_.enabled) {
    for (const Command* c : index_.of_team(*team_id)) {
      if (!c->auto_complete) continue;
      out += to_sanitized_json(*c);
      out += ',';
    }
  }
  for (const PluginCommand* c : plugin_commands_.of_team(*team_id)) {
    if (!c->auto_complete) continue;
    out += to_json(*c);
    out += ',';
  }
  out += builtins_json();
  out += ']';
  return req.respond_json(200, out);
}

}  // namespace pb::slash
