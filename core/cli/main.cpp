// patchbay's entry point: parses the command line and runs one subcommand (cli.h).
#include <CLI/CLI.hpp>
#include <sodium.h>

#include <cstdio>
#include <iostream>

#include "core/cli/cli.h"

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "patchbay: libsodium failed to initialise\n");
    return 1;
  }
  CLI::App app{"patchbay — a small, fast, plugin-based integrations server (Mattermost API v4)",
               "patchbay"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] {
    pb::cli::run_version();
    return std::string();
  });
  std::string config_path = "config/config.json";
  auto add_config = [&](CLI::App* cmd) {
    cmd->add_option("--config", config_path,
                    "config.json to use (default config/config.json; missing = built-in defaults)");
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

  auto* plugins = app.add_subcommand("plugins", "Inspect plugins");
  plugins->require_subcommand(1);
  auto* list = plugins->add_subcommand("list", "One line per plugin: id version state [reason]");
  add_config(list);
  auto* chain = plugins->add_subcommand("chain", "The order of every event chain");
  add_config(chain);

  pb::cli::KvCommand kv_command;
  auto* kv = app.add_subcommand("kv", "Read or write a plugin's key-value namespace (safe while serving)");
  add_config(kv);
  kv->add_option("action", kv_command.action, "get | put | delete | list")
      ->required()
      ->check(CLI::IsMember({"get", "put", "delete", "list"}));
  kv->add_option("--plugin", kv_command.plugin, "plugin id")->required();
  kv->add_option("key", kv_command.key, "key (prefix for list)");
  kv->add_option("value", kv_command.value, "value (put)");

  // CLI11 reports a mistyped subcommand only as "a subcommand is required": name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->check_name(argv[1]);
    if (!known) {
      std::cerr << "patchbay: unknown subcommand '" << argv[1] << "'\n\n" << app.help();
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion&) {
    return 0;
  } catch (const CLI::ParseError& e) {
    // Unknown subcommands and flags: the reason and the usage on stderr, exit 2.
    std::cerr << "patchbay: " << e.what() << "\n\n" << app.help();
    return 2;
  }

  if (*serve) return pb::cli::run_serve(config_path);
  if (*version) return pb::cli::run_version();
  if (*validate) return pb::cli::run_config_validate(config_path);
  if (*show) return pb::cli::run_config_show(config_path);
  if (*list) return pb::cli::run_plugins_list(config_path);
  if (*chain) return pb::cli::run_plugins_chain(config_path);
  if (*kv) return pb::cli::run_kv(config_path, kv_command);
  std::cerr << app.help();
  return 2;
}
