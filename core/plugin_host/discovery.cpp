#include "core/plugin_host/discovery.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "patchbay/plugin.h"

namespace pb::plugin_host {

namespace fs = std::filesystem;

Result<fs::path> executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error(PB_E_IO, fmt::format("/proc/self/exe: {}", ec.message()));
  return exe.parent_path();
}

Result<fs::path> default_plugin_dir() {
  auto dir = executable_dir();
  if (!dir) return dir.error();
  return (*dir / ".." / "plugins").lexically_normal();
}

Result<std::vector<fs::path>> list_plugin_folders(const fs::path& dir) {
  std::vector<fs::path> folders;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return folders;
  fs::directory_iterator it(dir, ec);
  if (ec) return make_error(PB_E_IO, fmt::format("{}: {}", dir.string(), ec.message()));
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return make_error(PB_E_IO, fmt::format("{}: {}", dir.string(), ec.message()));
    const auto name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code type_ec;
    if (fs::is_directory(it->path(), type_ec)) folders.push_back(it->path());  // follows symlinks
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

}  // namespace pb::plugin_host
