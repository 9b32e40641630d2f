#include "tests/integration/support/node_tools.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>

#include "tests/integration/support/child_process.h"

namespace pb::itest {

namespace fs = std::filesystem;

std::optional<fs::path> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / program;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::string npm_ci_once(const fs::path& npm, const fs::path& dir, const fs::path& installed) {
  if (fs::exists(dir / installed)) return {};
  SpawnOptions options;
  options.program = npm.string();
  options.args = {"ci", "--no-audit", "--no-fund", "--loglevel=error"};
  options.cwd = dir;
  CommandResult r = run_command(options, std::chrono::minutes(5));
  if (r.exit_code == 0) return {};
  return "npm ci in " + dir.string() + " exited " + std::to_string(r.exit_code) + ":\n" + r.out +
         r.err;
}

}  // namespace pb::itest
