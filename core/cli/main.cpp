// patchbay's entry point: parses the command line and runs one subcommand (cli.h).
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <iostream>

#include "core/cli/cli.h"
#include "core/cli/external_command.h"
#include "core/cli/install_layout.h"

namespace {

// A runner that only exits with `code` (help, version, a bad command line: already printed).
std::function<int()> exit_code(int code) {
  return [code] { return code; };
}

// Parses the command line into the subcommand to run, bound to its arguments. A function of
// its own so that the parser (CLI11 keeps ~60 KiB of option objects on the heap) is freed before
// the subcommand runs: `serve` runs for months, and an idle server's memory is a goal.
std::function<int()> parse_command_line(int argc, char** argv) {
  CLI::App app{"patchbay — a small, fast, plugin-based integrations server (Mattermost API v4)",
               "patchbay"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] {
    pb::cli::run_version();
    return std::string();
  });
  // In an install tree <root>/config/config.json, else config/config.json (install_layout.h).
  std::string config_path = pb::cli::default_config_path();
  auto add_config = [&](CLI::App* cmd) {
    cmd->add_option(
        "--config", config_path,
        "config.json to use (default " + config_path + "; missing = built-in defaults)");
  };

  auto* serve = app.add_subcommand("serve", "Run the server");
  add_config(serve);
  auto* version = app.add_subcommand("version", "Print version, plugin ABI and build information");

  auto* config = app.add_subcommand("config", "Check or show the configuration");
  config->require_subcommand(1);
  auto* validate = config->add_subcommand("validate", "Check a config file; non-zero exit if bad");
  add_config(validate);
  auto* show = config->add_subcommand("show", "Print the effective configuration as JSON");
  add_config(show);
  auto* migrate = config->add_subcommand(
      "migrate", "Write FILE.migrated: the config with every key of this version (FILE untouched)");
  add_config(migrate);

  std::string backup_to, restore_from;
  bool restore_force = false;
  auto* backup = app.add_subcommand("backup", "Copy the store to a file (safe while serving)");
  add_config(backup);
  backup->add_option("--to", backup_to, "the backup file to create (never overwritten)")
      ->required();
  auto* restore = app.add_subcommand("restore", "Replace the store by a backup (server stopped)");
  add_config(restore);
  restore->add_option("--from", restore_from, "a file written by patchbay backup")->required();
  restore->add_flag("--force", restore_force, "replace a store that already holds data");

  auto* plugins = app.add_subcommand("plugins", "Inspect plugins");
  plugins->require_subcommand(1);
  auto* list = plugins->add_subcommand("list", "One line per plugin: id version state [reason]");
  add_config(list);
  auto* chain = plugins->add_subcommand("chain", "The order of every event chain");
  add_config(chain);

  pb::cli::KvCommand kv_command;
  auto* kv =
      app.add_subcommand("kv", "Read or write a plugin's key-value namespace (safe while serving)");
  add_config(kv);
  kv->add_option("action", kv_command.action, "get | put | delete | list")
      ->required()
      ->check(CLI::IsMember({"get", "put", "delete", "list"}));
  kv->add_option("--plugin", kv_command.plugin, "plugin id")->required();
  kv->add_option("key", kv_command.key, "key (prefix for list)");
  kv->add_option("value", kv_command.value, "value (put)");

  // The operator's commands on the store (safe while the server runs).
  auto add_as = [](CLI::App* cmd, std::string& as) {
    cmd->add_option("--as", as,
                    "act as this system admin (default: the store's first active system admin)");
  };
  auto* user = app.add_subcommand("user", "Create, list and unlock users");
  user->require_subcommand(1);
  pb::cli::UserCreateCommand user_create_command;
  auto* user_create = user->add_subcommand("create", "Create a user; prints its id");
  add_config(user_create);
  user_create->add_option("--email", user_create_command.email, "email address")->required();
  user_create->add_option("--username", user_create_command.username, "username")->required();
  user_create->add_option("--password", user_create_command.password, "password")->required();
  user_create->add_flag("--system-admin", user_create_command.system_admin,
                        "make the user a system admin (the first user always is)");
  add_as(user_create, user_create_command.as);
  auto* user_list =
      user->add_subcommand("list", "One line per user: id username email roles state");
  add_config(user_list);
  pb::cli::UserUnlockCommand user_unlock_command;
  auto* user_unlock =
      user->add_subcommand("unlock", "Clear a user's failed logins (lockout); prints its id");
  add_config(user_unlock);
  user_unlock->add_option("--user", user_unlock_command.user, "username")->required();
  add_as(user_unlock, user_unlock_command.as);

  auto* team = app.add_subcommand("team", "Create teams");
  team->require_subcommand(1);
  pb::cli::TeamCreateCommand team_create_command;
  auto* team_create =
      team->add_subcommand("create", "Create a team (the acting admin joins it); prints its id");
  add_config(team_create);
  team_create->add_option("--name", team_create_command.name, "URL name")->required();
  team_create->add_option("--display-name", team_create_command.display_name, "display name")
      ->required();
  team_create->add_flag("--invite-only", team_create_command.invite_only,
                        "type I (invite only) instead of O (open)");
  add_as(team_create, team_create_command.as);

  auto* channel = app.add_subcommand("channel", "Create channels");
  channel->require_subcommand(1);
  pb::cli::ChannelCreateCommand channel_create_command;
  auto* channel_create = channel->add_subcommand("create", "Create a channel; prints its id");
  add_config(channel_create);
  channel_create->add_option("--team", channel_create_command.team, "team name")->required();
  channel_create->add_option("--name", channel_create_command.name, "URL name")->required();
  channel_create->add_option("--display-name", channel_create_command.display_name, "display name")
      ->required();
  channel_create->add_flag("--private", channel_create_command.private_channel,
                           "a private channel (type P) instead of an open one (O)");
  add_as(channel_create, channel_create_command.as);

  auto* token = app.add_subcommand("token", "Create personal access tokens");
  token->require_subcommand(1);
  pb::cli::TokenCreateCommand token_create_command;
  auto* token_create =
      token->add_subcommand("create", "Create a personal access token; prints it (only this once)");
  add_config(token_create);
  token_create->add_option("--user", token_create_command.user, "username")->required();
  token_create->add_option("--description", token_create_command.description, "what it is for")
      ->capture_default_str();
  add_as(token_create, token_create_command.as);

  // CLI11 reports a mistyped subcommand only as "a subcommand is required": name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->check_name(argv[1]);
    if (!known) {
      // Not built in: a `patchbay-NAME` tool installed beside the binary (external_command.h).
      if (auto tool = pb::cli::find_external_command(argv[1]); !tool.empty())
        return exit_code(pb::cli::exec_external_command(tool, argc, argv));
      std::cerr << "patchbay: unknown subcommand '" << argv[1] << "'\n\n" << app.help();
      return exit_code(2);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return exit_code(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return exit_code(app.exit(e));
  } catch (const CLI::CallForVersion&) {
    return exit_code(0);
  } catch (const CLI::ParseError& e) {
    // Unknown subcommands and flags: the reason and the usage on stderr, exit 2.
    std::cerr << "patchbay: " << e.what() << "\n\n" << app.help();
    return exit_code(2);
  }

  if (*serve) return [=] { return pb::cli::run_serve(config_path); };
  if (*version) return [=] { return pb::cli::run_version(); };
  if (*validate) return [=] { return pb::cli::run_config_validate(config_path); };
  if (*show) return [=] { return pb::cli::run_config_show(config_path); };
  if (*migrate) return [=] { return pb::cli::run_config_migrate(config_path); };
  if (*backup) return [=] { return pb::cli::run_backup(config_path, backup_to); };
  if (*restore)
    return [=] { return pb::cli::run_restore(config_path, restore_from, restore_force); };
  if (*list) return [=] { return pb::cli::run_plugins_list(config_path); };
  if (*chain) return [=] { return pb::cli::run_plugins_chain(config_path); };
  if (*kv) return [=] { return pb::cli::run_kv(config_path, kv_command); };
  if (*user_create)
    return [=] { return pb::cli::run_user_create(config_path, user_create_command); };
  if (*user_list) return [=] { return pb::cli::run_user_list(config_path); };
  if (*user_unlock)
    return [=] { return pb::cli::run_user_unlock(config_path, user_unlock_command); };
  if (*team_create)
    return [=] { return pb::cli::run_team_create(config_path, team_create_command); };
  if (*channel_create)
    return [=] { return pb::cli::run_channel_create(config_path, channel_create_command); };
  if (*token_create)
    return [=] { return pb::cli::run_token_create(config_path, token_create_command); };
  std::cerr << app.help();
  return exit_code(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "patchbay: libsodium failed to initialise\n");
    return 1;
  }
  std::function<int()> run = parse_command_line(argc, argv);
  return run();
}
