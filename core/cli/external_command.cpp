#include "core/cli/external_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

namespace pb::cli {

namespace {

bool is_plain_word(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string find_external_command(const std::string& name) {
  if (!is_plain_word(name)) return "";
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  auto candidate = self.parent_path() / ("patchbay-" + name);
  if (!std::filesystem::is_regular_file(candidate, ec)) return "";
  if (access(candidate.c_str(), X_OK) != 0) return "";
  return candidate.string();
}

int exec_external_command(const std::string& path, int argc, char** argv) {
  std::vector<char*> args;
  args.push_back(const_cast<char*>(path.c_str()));
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(path.c_str(), args.data());
  std::cerr << "patchbay: cannot run " << path << ": " << std::strerror(errno) << "\n";
  return 126;
}

}  // namespace pb::cli
