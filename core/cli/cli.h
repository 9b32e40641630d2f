// The `patchbay` command line: one function per subcommand. Each returns the process exit code:
// 0 success, 1 the command failed (the reason is on stderr), 2 usage error.
#pragma once

#include <string>

namespace pb::cli {

int run_serve(const std::string& config_path);
int run_version();
int run_config_validate(const std::string& config_path);
int run_config_show(const std::string& config_path);
int run_plugins_list(const std::string& config_path);
int run_plugins_chain(const std::string& config_path);

struct KvCommand {
  std::string action;  // get, put, delete, list
  std::string plugin;
  std::string key;
  std::string value;
};
int run_kv(const std::string& config_path, const KvCommand& command);

}  // namespace pb::cli
