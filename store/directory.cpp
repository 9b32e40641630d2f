#include "store/directory.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "patchbay/plugin.h"

namespace pb::store {
namespace {

Error io_error(const std::string& path, const char* what, int err) {
  return make_error(PB_E_IO,
                    fmt::format("store directory {}: {}: {}", path, what, std::strerror(err)));
}

// mkdir -p with 0700 for every directory it creates; existing ones are left as they are.
Result<void> make_directories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string part = path.substr(0, slash);
    if (!part.empty() && part.back() != '/') {
      if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
        return io_error(part, "cannot create", errno);
      }
    }
    if (slash == std::string::npos) return {};
  }
}

}  // namespace

Result<void> ensure_store_directory(const std::string& path) {
  if (path.empty()) return make_error(PB_E_INVALID, "store directory: empty path");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return io_error(path, "cannot stat", errno);
    auto made = make_directories(path);
    if (!made) return made;
    if (::stat(path.c_str(), &st) != 0) return io_error(path, "cannot stat", errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return make_error(PB_E_IO,
                      fmt::format("store directory {}: exists but is not a directory", path));
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) return io_error(path, "not writable", errno);
  return {};
}

Error errno_error(const std::string& what, int err) {
  return make_error(PB_E_IO, fmt::format("{}: {}", what, std::strerror(err)));
}

Result<void> fsync_directory(const std::string& path) {
  int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error(path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return errno_error(path, err);
  return {};
}

}  // namespace pb::store
