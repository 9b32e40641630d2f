#include "core/cli/install_layout.h"

#include <system_error>

namespace pb::cli {
namespace fs = std::filesystem;
namespace {

void make_absolute(const fs::path& root, std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return;
  path = (root / path).lexically_normal().string();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
}

}  // namespace

std::optional<fs::path> install_root() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  fs::path bin = exe.parent_path();
  if (bin.filename() != "bin") return std::nullopt;
  fs::path root = bin.parent_path();
  if (!fs::is_regular_file(root / "config" / "config.json", ec)) return std::nullopt;
  return root;
}

std::string default_config_path() {
  if (auto root = install_root()) return (*root / "config" / "config.json").string();
  return "config/config.json";
}

void resolve_install_paths(config::Config& config) {
  auto root = install_root();
  if (!root) return;
  make_absolute(*root, config.store.Directory);
  if (config.log.FileLocation.empty()) config.log.FileLocation = "logs";
  make_absolute(*root, config.log.FileLocation);
  make_absolute(*root, config.plugins.Directory);
}

std::string log_directory(const config::Config& config) {
  return config.log.FileLocation.empty() ? std::string("logs") : config.log.FileLocation;
}

}  // namespace pb::cli
