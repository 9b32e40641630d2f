// Preparing the directory a Store lives in.
#pragma once

#include <string>

#include "core/util/result.h"

namespace pb::store {

// Makes sure `path` is a directory this process can write: creates it and any missing parents
// with mode 0700 (the store holds password hashes and tokens). Errors (PB_E_IO) name the path
// and the cause: exists but is not a directory, not writable, mkdir failed.
Result<void> ensure_store_directory(const std::string& path);

// An Error (PB_E_IO) "<what>: <strerror(err)>".
Error errno_error(const std::string& what, int err);

// fsync of the directory itself, so that files created or renamed in it survive a crash.
// Errors: PB_E_IO.
Result<void> fsync_directory(const std::string& path);

}  // namespace pb::store
