// POST /api/v4/commands/execute (wire spec §5.3), the call to a custom command's URL (§5.4)
// and the handling of its answer (§5.5).
#include <rapidjson/document.h>

#include <patchbay/ids.hpp>
#include <patchbay/utf8.hpp>

#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/command_request.h"
#include "plugins/slash_commands/command_text.h"
#include "plugins/slash_commands/json_text.h"
#include "plugins/slash_commands/processing.h"
#include "plugins/slash_commands/slash_plugin.h"

namespace pb::slash {
namespace {

using sdk::to_pb;
using sdk::to_sv;

// The CommandArgs body: flat strings.
struct CommandArgs {
  std::string command, channel_id, team_id, root_id;
};

std::optional<CommandArgs> read_args(std::string_view body) {
  std::string buffer;
  sdk::SmallDocument<> doc;
  if (!parse_guarded(body, 2, buffer, doc) || !doc.IsObject()) return std::nullopt;
  CommandArgs args;
  if (!read_string(doc, "command", args.command) ||
      !read_string(doc, "channel_id", args.channel_id) ||
      !read_string(doc, "team_id", args.team_id) || !read_string(doc, "root_id", args.root_id)) {
    return std::nullopt;
  }
  if (args.root_id.empty()) read_string(doc, "parent_id", args.root_id);  // deprecated spelling
  return args;
}

struct ChannelFacts {
  bool found = false;
  std::string team_id, name, type;
};

ChannelFacts channel_facts(const sdk::Host& host, std::string_view channel_id) {
  ChannelFacts f;
  auto got = [](void* user, const pb_channel_v1* c) {
    auto* out = static_cast<ChannelFacts*>(user);
    out->found = c->delete_at == 0;
    out->team_id.assign(to_sv(c->team_id));
    out->name.assign(to_sv(c->name));
    out->type.assign(to_sv(c->type));
  };
  host.api()->channel_get(host.self(), to_pb(channel_id), got, &f);
  return f;
}

ApiError command_failed(std::string_view trigger) {
  return {500, "api.command.execute_command.failed.app_error",
          "Command with a trigger of '/" + std::string(trigger) + "' failed."};
}

ApiError create_post_failed() {
  return {500, "api.command.execute_command.create_post_failed.app_error",
          "Command response could not be posted."};
}

}  // namespace

int SlashCommandsPlugin::execute(const sdk::Request& req) {
  auto args = read_args(req.body());
  if (!args) return fail(req, invalid_body_param("command_args"));
  auto text = parse_command_text(args->command);
  if (!text || !is_valid_id(args->channel_id)) {
    return req.respond_error(400, "api.command.execute_command.start.app_error",
                             "No command trigger found.");
  }
  std::string user_id(req.user_id());
  // use_slash_commands on the channel: who may read it may run commands in it.
  if (host().api()->channel_can_read(host().self(), to_pb(args->channel_id), to_pb(user_id)) != 1) {
    return forbidden(req);
  }
  ChannelFacts channel = channel_facts(host(), args->channel_id);
  if (!channel.found) return forbidden(req);
  auto inv = std::make_shared<Invocation>();
  inv->user_id = user_id;
  inv->channel_id = args->channel_id;
  inv->root_id = args->root_id;
  if (!channel.team_id.empty()) {
    inv->team_id = channel.team_id;  // the client's team_id is ignored for team channels
  } else {
    if (!is_valid_id(args->team_id)) return forbidden(req);
    if (!has_role(req.roles(), "system_admin") && !is_team_member(req, args->team_id)) {
      return forbidden(req);
    }
    inv->team_id = args->team_id;
  }

  // Resolution order (§5.3 step 5): plugin commands, custom commands, built-ins.
  if (const PluginCommand* command = plugin_commands_.find(inv->team_id, text->trigger)) {
    run_plugin_command(req, *command, inv, text->message, channel.name);
    return PB_OK;
  }
  if (const Command* command = index_.find_trigger(inv->team_id, text->trigger)) {
    if (!settings_.enabled) return commands_disabled(req);
    inv->command_username = command->username;
    inv->command_icon_url = command->icon_url;
    call_command_url(req, *command, std::move(*inv), text->trigger, std::string(text->message),
                     channel.name);
    return PB_OK;
  }
  inv->custom = false;
  if (text->trigger == "echo" || text->trigger == "me" || text->trigger == "shrug") {
    return run_builtin(req, text->trigger, text->message, inv);
  }
  if (text->trigger == "help") return run_help(req, *inv);
  return req.respond_error(404, "api.command.execute_command.not_found.app_error",
                           "Command with a trigger of '/" + text->trigger + "' not found.");
}

void SlashCommandsPlugin::call_command_url(const sdk::Request& req, const Command& command,
                                           Invocation inv, std::string trigger,
                                           std::string message, std::string channel_name) {
  std::string user_name;
  auto got_user = [](void* user, const pb_user_v1* u) {
    static_cast<std::string*>(user)->assign(to_sv(u->username));
  };
  host().api()->user_get(host().self(), PB_USER_BY_ID, to_pb(inv.user_id), got_user, &user_name);

  ResponseUrlRecord hook;
  hook.id = ids_.next();  // a credential: pooled getrandom bytes, as strong as sdk::new_id
  hook.command_id = command.id;
  hook.user_id = inv.user_id;
  hook.channel_id = inv.channel_id;
  hook.root_id = inv.root_id;
  hook.team_id = inv.team_id;
  hook.command_username = command.username;
  hook.command_icon_url = command.icon_url;
  hook.create_at = now_ms();
  std::string response_url = response_url_base(req) + "/hooks/commands/" + hook.id;
  add_response_url(std::move(hook));

  std::string command_name = "/" + trigger;
  std::string trigger_id = new_trigger_id(inv);
  InvocationParams params;
  params.token = command.token;
  params.team_id = inv.team_id;
  // team_domain is the team's name, as Mattermost sends it (team_get, ABI 1.4; "" without it).
  std::string team_domain;
  if (PB_HOST_HAS(host().api(), team_get)) {
    host().api()->team_get(host().self(), to_pb(inv.team_id),
                           [](void* user, const pb_team_v1* team) {
                             static_cast<std::string*>(user)->assign(to_sv(team->name));
                           },
                           &team_domain);
  }
  params.team_domain = team_domain;
  params.channel_id = inv.channel_id;
  params.channel_name = channel_name;
  params.user_id = inv.user_id;
  params.user_name = user_name;
  params.command = command_name;
  params.text = message;
  params.trigger_id = trigger_id;
  params.response_url = response_url;
  params.root_id = inv.root_id;
  Mentions users = user_mentions(inv.team_id, message);
  Mentions channels = channel_mentions(inv.team_id, message);
  params.user_mentions = &users;
  params.channel_mentions = &channels;
  // The plugin's request buffers, reused: http_fetch copies what it sends before returning.
  OutboundRequest& out = outbound_;
  build_request(command.method, command.url, params, out);

  sdk::FetchRequest fetch;
  fetch.headers.reserve(3);
  fetch.method = out.method;
  fetch.url = out.url;
  fetch.body = out.body;
  fetch.headers.push_back(sdk::http_header("Accept", "application/json"));
  fetch.headers.push_back(sdk::http_header("Authorization", out.authorization));
  if (out.form_body) {
    fetch.headers.push_back(
        sdk::http_header("Content-Type", "application/x-www-form-urlencoded"));
  }
  auto shared_inv = std::make_shared<Invocation>(std::move(inv));
  int rc = host().http_fetch(
      fetch, [this, req, shared_inv, trigger](int status, const sdk::FetchResponse* response,
                                              std::string_view detail) {
        if (status != PB_OK || response == nullptr) {
          ApiError e = command_failed(trigger);
          req.respond_error(e.status, e.id, e.message, detail);
          return;
        }
        if (response->status() != 200) {
          req.respond_error(500, "api.command.execute_command.failed_resp.app_error",
                            "Command with a trigger of '/" + trigger +
                                "' returned response " + std::to_string(response->status()) + ".",
                            response->body());
          return;
        }
        ParsedResponse parsed =
            parse_command_response(response->header("Content-Type").value_or(""),
                                   response->body());
        if (!parsed.ok) {
          ApiError e = command_failed(trigger);
          req.respond_error(e.status, e.id, e.message, parsed.error);
          return;
        }
        answer_with_responses(req, std::make_shared<CommandResponse>(std::move(parsed.response)),
                              shared_inv);
      });
  if (rc != PB_OK) {
    ApiError e = command_failed(trigger);
    req.respond_error(e.status, e.id, e.message, host().status_name(rc));
  }
}

Mentions SlashCommandsPlugin::user_mentions(std::string_view team_id, std::string_view text) {
  Mentions out;
  if (text.find('@') == std::string_view::npos) return out;
  for (const std::string& name : user_mention_candidates(text)) {
    std::string id;
    auto got = [](void* user, const pb_user_v1* u) {
      if (u->delete_at == 0) static_cast<std::string*>(user)->assign(to_sv(u->id));
    };
    if (host().api()->user_get(host().self(), PB_USER_BY_USERNAME, to_pb(name), got, &id) != PB_OK ||
        id.empty()) {
      continue;
    }
    auto ignore = [](void*, pb_str) {};
    if (host().api()->team_member_roles(host().self(), to_pb(team_id), to_pb(id), ignore,
                                        nullptr) == PB_OK) {
      out.emplace_back(name, std::move(id));
    }
  }
  return out;
}

Mentions SlashCommandsPlugin::channel_mentions(std::string_view team_id,
                                               std::string_view text) {
  Mentions out;
  if (text.find('~') == std::string_view::npos) return out;
  for (const std::string& name : channel_mention_candidates(text)) {
    std::string id;
    auto got = [](void* user, const pb_channel_v1* c) {
      if (c->delete_at == 0 && to_sv(c->type) == "O") {
        static_cast<std::string*>(user)->assign(to_sv(c->id));
      }
    };
    host().api()->channel_get_by_name(host().self(), to_pb(team_id), to_pb(name), got, &id);
    if (!id.empty()) out.emplace_back(name, std::move(id));
  }
  return out;
}

void SlashCommandsPlugin::answer_with_responses(const sdk::Request& req,
                                                std::shared_ptr<CommandResponse> response,
                                                std::shared_ptr<Invocation> inv) {
  post_responses(response, inv, [req, response, inv](std::optional<ApiError> error) {
    if (error) {
      fail(req, *error);
      return;
    }
    // The client's trigger id: the unsigned half of the one the integration got.
    req.respond_json(200, response_to_json(*response, inv->client_trigger_id.empty()
                                                          ? sdk::new_id()
                                                          : inv->client_trigger_id));
  });
}

void SlashCommandsPlugin::post_responses(std::shared_ptr<CommandResponse> response,
                                         std::shared_ptr<Invocation> inv, PostedFn done) {
  post_one(std::move(response), std::move(inv), 0, std::move(done));
}

// Posts response `index` (0 = the main one, i = extra_responses[i - 1]) when it is an
// in_channel response with something to show, then the next; ephemeral ones are only
// returned to the caller (never stored), other response types are ignored.
void SlashCommandsPlugin::post_one(std::shared_ptr<CommandResponse> main,
                                   std::shared_ptr<Invocation> inv, size_t index,
                                   PostedFn done) {
  for (; index <= main->extra_responses.size(); ++index) {
    const CommandResponse& r = index == 0 ? *main : main->extra_responses[index - 1];
    if (r.in_channel() && r.has_content()) break;
  }
  if (index > main->extra_responses.size()) {
    done(std::nullopt);
    return;
  }
  const CommandResponse& r = index == 0 ? *main : main->extra_responses[index - 1];
  std::string_view channel_id = r.channel_id.empty() ? std::string_view(inv->channel_id)
                                                      : std::string_view(r.channel_id);
  if (std::string_view(r.type).starts_with("system_")) {
    done(create_post_failed());
    return;
  }
  if (channel_id != inv->channel_id &&
      host().api()->channel_can_read(host().self(), to_pb(channel_id), to_pb(inv->user_id)) != 1) {
    done(create_post_failed());
    return;
  }
  PostPropsContext context;
  context.from_webhook = inv->custom;
  if (inv->custom) {
    context.command_username = inv->command_username;
    context.command_icon_url = inv->command_icon_url;
    context.username_override = settings_.username_override;
    context.icon_override = settings_.icon_override;
  }
  PostDraft draft{std::string(channel_id), r.type, r.text, post_props_json(r, context),
                  PB_POST_TRIGGER_WEBHOOKS};
  if (!inv->custom) {
    create_response_post(std::move(main), std::move(inv), index + 1, std::move(draft),
                         std::move(done));
    return;
  }
  // A custom command's post gets the Slack processing of webhook posts through the attachments
  // plugin first (processing.h); skip_slack_parsing keeps the text as sent.
  bool keep_text = r.skip_slack_parsing;
  pb_post_v1 request{};
  request.struct_size = sizeof request;
  request.type = to_pb(r.type);
  request.message = to_pb(keep_text ? std::string_view{} : std::string_view(r.text));
  request.props_json = to_pb(draft.props_json);
  request.flags = draft.flags;
  auto pending = std::make_shared<PostDraft>(std::move(draft));
  auto on_processed = [this, main, inv, index, pending, keep_text, done](
                          int verdict, int http_status, std::string_view error_id,
                          std::string_view message, const void* payload) {
    if (verdict == PB_VERDICT_REJECT) {
      host().info("command response refused by attachments.process: " +
                  std::to_string(http_status) + " " + std::string(error_id) + " " +
                  std::string(message));
      done(create_post_failed());
      return;
    }
    // The props are the core's to check when the post is created; the texts are checked here.
    const auto* processed = static_cast<const pb_post_v1*>(payload);
    if (processed == nullptr ||
        sdk::first_invalid_utf8(to_sv(processed->message)) != std::string_view::npos ||
        sdk::first_invalid_utf8(to_sv(processed->type)) != std::string_view::npos) {
      done(create_post_failed());
      return;
    }
    if (!keep_text) pending->message.assign(to_sv(processed->message));
    pending->type.assign(to_sv(processed->type));
    pending->props_json.assign(to_sv(processed->props_json));
    pending->flags |= PB_POST_SLACK_PROCESSED;
    create_response_post(main, inv, index + 1, std::move(*pending), done);
  };
  if (host().publish_intercept(process_event_, request, std::move(on_processed)) != PB_OK) {
    done(create_post_failed());
  }
}

void SlashCommandsPlugin::create_response_post(std::shared_ptr<CommandResponse> main,
                                               std::shared_ptr<Invocation> inv, size_t next,
                                               PostDraft post, PostedFn done) {
  pb_post_v1 draft{};
  draft.struct_size = sizeof draft;
  draft.channel_id = to_pb(post.channel_id);
  draft.user_id = to_pb(inv->user_id);
  draft.root_id = to_pb(inv->root_id);
  draft.type = to_pb(post.type);
  draft.message = to_pb(post.message);
  draft.props_json = to_pb(post.props_json);
  draft.flags = post.flags;
  struct Ctx {
    SlashCommandsPlugin* self;
    std::shared_ptr<CommandResponse> main;
    std::shared_ptr<Invocation> inv;
    size_t next;
    PostedFn done;
  };
  auto* ctx = new Ctx{this, std::move(main), std::move(inv), next, std::move(done)};
  auto on_created = [](void* user, int status, int http_status, pb_str error_id, pb_str message,
                       const pb_post_v1*) {
    std::unique_ptr<Ctx> c(static_cast<Ctx*>(user));
    // A C callback: nothing may escape it.
    try {
      if (status != PB_OK) {
        c->self->host().info("command response not posted: " + std::to_string(http_status) +
                             " " + std::string(to_sv(error_id)) + " " +
                             std::string(to_sv(message)));
        c->done(create_post_failed());
        return;
      }
      c->self->post_one(std::move(c->main), std::move(c->inv), c->next, std::move(c->done));
    } catch (...) {
      c->self->host().error("posting a command response failed with an exception");
    }
  };
  int rc = host().api()->post_create(host().self(), &draft, on_created, ctx);
  if (rc != PB_OK) {
    std::unique_ptr<Ctx> c(ctx);
    c->done(create_post_failed());
  }
}

}  // namespace pb::slash
