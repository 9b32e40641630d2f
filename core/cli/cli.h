// The `patchbay` command line: one function per subcommand. Each returns the process exit code:
// 0 success, 1 the command failed (the reason is on stderr), 2 usage error.
#pragma once

#include <string>

namespace pb::cli {

int run_serve(const std::string& config_path);
int run_version();
int run_config_validate(const std::string& config_path);
int run_config_show(const std::string& config_path);
// Writes <config_path>.migrated: the file's settings with every key this version knows (new keys
// at their defaults, unknown keys dropped after a warning). The original is never rewritten.
int run_config_migrate(const std::string& config_path);
// A consistent copy of the running (or stopped) store into the new file `to` (store/backup.h).
int run_backup(const std::string& config_path, const std::string& to);
// Replaces StoreSettings.Directory's store by the backup `from`: refused while a server has it
// open, and over an existing store unless `force`.
int run_restore(const std::string& config_path, const std::string& from, bool force);
int run_plugins_list(const std::string& config_path);
int run_plugins_chain(const std::string& config_path);

struct KvCommand {
  std::string action;  // get, put, delete, list
  std::string plugin;
  std::string key;
  std::string value;
};
int run_kv(const std::string& config_path, const KvCommand& command);

// The operator's commands on the store (admin_commands.cpp). Each runs the real App without a
// socket and performs its writes through the same routes a client uses, acting as `as` (a
// username; "" = the store's first active system admin). They print the new object's id (the
// token, for token create) on stdout; an error as "patchbay: <Mattermost error id>: <message>"
// on stderr, exit 1.
struct UserCreateCommand {
  std::string email, username, password;
  bool system_admin = false;
  std::string as;
};
int run_user_create(const std::string& config_path, const UserCreateCommand& command);
// One line per user, oldest first, tab-separated: id, username, email, roles, state (active,
// locked: the auth plugin counted MaximumLoginAttempts failed logins, or deactivated).
int run_user_list(const std::string& config_path);
struct UserUnlockCommand {
  std::string user;  // username
  std::string as;
};
int run_user_unlock(const std::string& config_path, const UserUnlockCommand& command);
struct TeamCreateCommand {
  std::string name, display_name;
  bool invite_only = false;
  std::string as;
};
int run_team_create(const std::string& config_path, const TeamCreateCommand& command);
struct ChannelCreateCommand {
  std::string team;  // team name
  std::string name, display_name;
  bool private_channel = false;
  std::string as;
};
int run_channel_create(const std::string& config_path, const ChannelCreateCommand& command);
struct TokenCreateCommand {
  std::string user;  // username
  std::string description = "created with patchbay token create";
  std::string as;
};
int run_token_create(const std::string& config_path, const TokenCreateCommand& command);

}  // namespace pb::cli
