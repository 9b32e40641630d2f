// The built-in commands /echo, /me and /shrug (wire spec §5.7). Their posts are ordinary user
// posts (no from_webhook, no overrides) that fire outgoing webhooks; they keep working while
// EnableCommands is false (decisions.md).
#include <charconv>

#include <patchbay/ids.hpp>

#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/builtin_commands.h"
#include "plugins/slash_commands/slash_plugin.h"

namespace pb::slash {
namespace {

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  if (s.starts_with('+')) s.remove_prefix(1);  // Go's strconv.Atoi takes a sign
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

CommandResponse ephemeral(std::string text) {
  CommandResponse r;
  r.response_type = "ephemeral";
  r.text = std::move(text);
  return r;
}

}  // namespace

std::string builtins_json() {
  std::string out;
  for (const BuiltinCommand& b : kImplementedBuiltins) {
    if (!out.empty()) out += ',';
    out += R"({"trigger":")";
    sdk::append_json_escaped(out, b.trigger);
    out += R"(","auto_complete":true,"auto_complete_desc":")";
    sdk::append_json_escaped(out, b.description);
    out += R"(","auto_complete_hint":")";
    sdk::append_json_escaped(out, b.hint);
    out += R"(","display_name":")";
    sdk::append_json_escaped(out, b.trigger);
    out += "\"}";
  }
  return out;
}

// The echo text and its delay in seconds, parsed as Mattermost's /echo: `"quoted text" 5`, or
// `text 5` (a trailing integer is the delay), else the whole text.
struct EchoArgs {
  std::string_view message;
  int64_t delay = 0;
};

static EchoArgs parse_echo(std::string_view message) {
  EchoArgs out{message, 0};
  if (message.empty()) return out;
  size_t end_quote = message.rfind('"');
  if (message.front() == '"' && end_quote != std::string_view::npos && end_quote > 1) {
    std::string_view tail = message.substr(end_quote);
    while (!tail.empty() && (tail.front() == ' ' || tail.front() == '"')) tail.remove_prefix(1);
    while (!tail.empty() && (tail.back() == ' ' || tail.back() == '"')) tail.remove_suffix(1);
    if (auto d = parse_int(tail)) out.delay = *d;
    out.message = message.substr(1, end_quote - 1);
  } else if (size_t sp = message.rfind(' '); sp != std::string_view::npos) {
    if (auto d = parse_int(trim_spaces(message.substr(sp)))) {
      out.delay = *d;
      out.message = message.substr(0, sp);
    }
  }
  return out;
}

int SlashCommandsPlugin::run_builtin(const sdk::Request& req, std::string_view trigger,
                                     std::string_view message, std::shared_ptr<Invocation> inv) {
  if (trigger == "echo") return run_echo(req, message, std::move(inv));
  auto response = std::make_shared<CommandResponse>();
  response->response_type = "in_channel";
  if (trigger == "me") {
    response->type = "me";
    response->text = "*" + std::string(message) + "*";
  } else {  // shrug
    static constexpr std::string_view kShrug = "¯\\\\\\_(ツ)\\_/¯";
    response->text = message.empty() ? std::string(kShrug)
                                     : std::string(message) + " " + std::string(kShrug);
  }
  answer_with_responses(req, std::move(response), std::move(inv));
  return PB_OK;
}

int SlashCommandsPlugin::run_echo(const sdk::Request& req, std::string_view message,
                                  std::shared_ptr<Invocation> inv) {
  EchoArgs args = parse_echo(message);
  if (trim_spaces(message).empty()) {
    return req.respond_json(
        200, response_to_json(ephemeral("A message must be provided with the /echo command."),
                              ""));
  }
  if (args.delay > kMaxEchoDelaySeconds) {
    return req.respond_json(
        200, response_to_json(ephemeral("Delays must be under 10000 seconds."), ""));
  }
  if (pending_echoes_ >= kMaxPendingEchoes) {
    return req.respond_json(
        200, response_to_json(ephemeral("High volume, cannot process request"), ""));
  }
  auto response = std::make_shared<CommandResponse>();
  response->response_type = "in_channel";
  response->text.assign(args.message);
  if (args.delay <= 0) {
    // Posted before the answer (Mattermost answers first and posts from a goroutine): the
    // client sees the post as soon as its command returns.
    post_responses(response, inv, [req](std::optional<ApiError> error) {
      if (error) {
        fail(req, *error);
        return;
      }
      req.respond_json(200, response_to_json(CommandResponse{}, ""));
    });
    return PB_OK;
  }
  ++pending_echoes_;
  sdk::Timer timer = host().timer_start(static_cast<uint64_t>(args.delay) * 1000, 0, [this, response, inv] {
    post_responses(response, inv, [this](std::optional<ApiError> error) {
      --pending_echoes_;
      if (error) host().info("delayed /echo not posted: " + error->id);
    });
  });
  if (!timer) {
    --pending_echoes_;
    return req.respond_error(500, "api.command.execute_command.failed.app_error",
                             "Command with a trigger of '/echo' failed.");
  }
  return req.respond_json(200, response_to_json(CommandResponse{}, ""));
}

namespace {

void append_help_line(std::string& out, std::string_view trigger, std::string_view hint,
                      std::string_view description) {
  out += "\n- `/";
  out += trigger;
  if (!hint.empty()) {
    out += ' ';
    out += hint;
  }
  out += '`';
  if (!description.empty()) {
    out += " ";
    out += description;
  }
}

}  // namespace

// /help: Mattermost's opens its help page; an integrations server has none, so it lists the
// commands a user can run here (the autocomplete list), as an ephemeral answer.
int SlashCommandsPlugin::run_help(const sdk::Request& req, const Invocation& inv) {
  CommandResponse r;
  r.response_type = "ephemeral";
  r.text = "Available commands:";
  for (const BuiltinCommand& b : kImplementedBuiltins) {
    append_help_line(r.text, b.trigger, b.hint, b.description);
  }
  for (const PluginCommand* c : plugin_commands_.of_team(inv.team_id)) {
    if (c->auto_complete) {
      append_help_line(r.text, c->trigger, c->auto_complete_hint, c->auto_complete_desc);
    }
  }
  if (settings_.enabled) {
    for (const Command* c : index_.of_team(inv.team_id)) {
      if (c->auto_complete) {
        append_help_line(r.text, c->trigger, c->auto_complete_hint, c->auto_complete_desc);
      }
    }
  }
  return req.respond_json(200, response_to_json(r, sdk::new_id()));
}

}  // namespace pb::slash
