#include "store/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <lmdb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "patchbay/plugin.h"
#include "store/directory.h"
#include "store/lmdb_util.h"
#include "store/migrations.h"
#include "store/redo_log.h"

namespace pb::store {
namespace {

namespace fs = std::filesystem;

// Room for every table of this and future schema versions (Store::open uses the same bound).
constexpr MDB_dbi kMaxDatabases = 32;

struct EnvCloser {
  void operator()(MDB_env* env) const { mdb_env_close(env); }
};
using EnvPtr = std::unique_ptr<MDB_env, EnvCloser>;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<EnvPtr> open_env(const std::string& path, unsigned flags) {
  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != MDB_SUCCESS) return lmdb_error(path, rc);
  EnvPtr env(raw);
  mdb_env_set_maxdbs(raw, kMaxDatabases);
  rc = mdb_env_open(raw, path.c_str(), flags | MDB_RDONLY | MDB_NOTLS, 0600);
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("{}: open", path), rc);
  return env;
}

// Schema version and store id of an open environment (one read snapshot).
Result<BackupInfo> read_facts(MDB_env* env, const std::string& where) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("{}: read", where), rc);
  BackupInfo info;
  auto version = read_schema_version(txn);
  if (!version) {
    mdb_txn_abort(txn);
    return make_error(PB_E_IO, fmt::format("{}: {}", where, version.error().message));
  }
  info.schema_version = *version;
  MDB_dbi meta;
  if (mdb_dbi_open(txn, "meta", 0, &meta) == MDB_SUCCESS) {
    MDB_val k = to_val(kStoreIdKey);
    MDB_val v;
    if (mdb_get(txn, meta, &k, &v) == MDB_SUCCESS) info.store_id = std::string(to_view(v));
  }
  mdb_txn_abort(txn);
  if (info.schema_version == 0)
    return make_error(PB_E_IO, fmt::format("{}: not a patchbay store (no schema version)", where));
  return info;
}


// Copies `from` to `to` (created 0600, must not exist) and fsyncs it.
Result<uint64_t> copy_file(const std::string& from, const std::string& to) {
  Fd in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) return errno_error(from, errno);
  Fd out{::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (out.fd < 0) return errno_error(to, errno);
  uint64_t total = 0;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(in.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(from, errno);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.fd, buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return errno_error(to, errno);
      done += w;
    }
    total += static_cast<uint64_t>(n);
  }
  if (::fsync(out.fd) != 0) return errno_error(to, errno);
  return total;
}

}  // namespace

Result<BackupInfo> backup_store(const std::string& directory, const std::string& file) {
  std::error_code ec;
  if (fs::exists(file, ec))
    return make_error(PB_E_EXISTS, fmt::format("{} exists; a backup never overwrites a file", file));
  if (!fs::is_regular_file(fs::path(directory) / "data.mdb", ec))
    return make_error(PB_E_NOT_FOUND, fmt::format("no store in {}", directory));
  auto env = open_env(directory, 0);
  if (!env) return env.error();
  auto info = read_facts(env->get(), directory);
  if (!info) return info.error();

  std::string partial = file + ".partial";
  ::unlink(partial.c_str());  // a leftover of an interrupted backup
  {
    Fd out{::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
    if (out.fd < 0) return errno_error(partial, errno);
    // One read transaction for the whole copy: a consistent snapshot; compaction drops free pages.
    int rc = mdb_env_copyfd2(env->get(), out.fd, MDB_CP_COMPACT);
    if (rc != MDB_SUCCESS) {
      ::unlink(partial.c_str());
      return lmdb_error(fmt::format("backup of {} to {}", directory, partial), rc);
    }
    if (::fsync(out.fd) != 0) {
      int err = errno;
      ::unlink(partial.c_str());
      return errno_error(partial, err);
    }
  }
  if (::rename(partial.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(partial.c_str());
    return errno_error(file, err);
  }
  if (auto synced = fsync_directory(fs::path(file).parent_path().string()); !synced) return synced.error();
  info->bytes = fs::file_size(file, ec);
  return info;
}

Result<BackupInfo> inspect_backup(const std::string& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    return make_error(PB_E_IO, fmt::format("{}: not a file", file));
  // MDB_NOLOCK: no lock file is created beside the backup, nothing is written.
  auto env = open_env(file, MDB_NOSUBDIR | MDB_NOLOCK);
  if (!env) return make_error(PB_E_IO, fmt::format("{} is not a patchbay backup: {}", file,
                                                   env.error().message));
  auto info = read_facts(env->get(), file);
  if (!info) return info.error();
  info->bytes = fs::file_size(file, ec);
  return info;
}

bool store_in_use(const std::string& directory) {
  std::string lock = (fs::path(directory) / "lock.mdb").string();
  Fd fd{::open(lock.c_str(), O_RDWR | O_CLOEXEC)};
  if (fd.fd < 0) return false;  // no lock file: nobody has opened it since it was made
  // LMDB keeps a shared fcntl lock on byte 0 of lock.mdb while the environment is open.
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = 0;
  probe.l_len = 1;
  if (::fcntl(fd.fd, F_GETLK, &probe) != 0) return true;  // cannot tell: assume in use
  return probe.l_type != F_UNLCK;
}

Result<BackupInfo> restore_store(const std::string& file, const std::string& directory,
                                 bool force) {
  auto info = inspect_backup(file);
  if (!info) return info.error();
  if (info->schema_version > kSchemaVersion)
    return make_error(PB_E_IO, fmt::format("{} has schema version {}, newer than this binary's {}",
                                           file, info->schema_version, kSchemaVersion));
  if (store_in_use(directory))
    return make_error(PB_E_STATE,
                      fmt::format("the store in {} is in use (is the server running?); stop it "
                                  "first", directory));
  fs::path dir(directory);
  fs::path data = dir / "data.mdb";
  std::error_code ec;
  if (fs::exists(data, ec) && fs::file_size(data, ec) > 0 && !force)
    return make_error(PB_E_EXISTS,
                      fmt::format("{} already holds a store; --force replaces it", directory));
  fs::create_directories(dir, ec);
  if (ec) return make_error(PB_E_IO, fmt::format("{}: {}", directory, ec.message()));
  ::chmod(dir.c_str(), 0700);

  std::string incoming = (dir / "data.mdb.restoring").string();
  ::unlink(incoming.c_str());
  auto copied = copy_file(file, incoming);
  if (!copied) {
    ::unlink(incoming.c_str());
    return copied.error();
  }
  // The old lock file describes readers of the old data; the next opener makes a fresh one.
  ::unlink((dir / "lock.mdb").c_str());
  // Redo records continue the old data's transactions, not the restored ones' (redo_log.h).
  ::unlink((dir / RedoLog::kFileName).c_str());
  if (::rename(incoming.c_str(), data.c_str()) != 0) {
    int err = errno;
    ::unlink(incoming.c_str());
    return errno_error(data.string(), err);
  }
  if (auto synced = fsync_directory(dir.string()); !synced) return synced.error();
  return info;
}

}  // namespace pb::store
