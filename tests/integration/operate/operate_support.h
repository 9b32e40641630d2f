// Shared pieces of the operate suite: installing the build into a prefix, running a binary from
// an installed tree (any cwd) and reading its port, and touching a store with raw LMDB the way
// another binary version would.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/support/child_process.h"

namespace pb::itest::operate {

namespace fs = std::filesystem;

// `cmake --install <build> --prefix <prefix>`.
::testing::AssertionResult install_build(const fs::path& prefix);

// A program run to completion (argv[0] = program).
CommandResult run(const std::string& program, std::vector<std::string> args, Env env = {},
                  const fs::path& cwd = {});

// A `serve` of an installed binary, with its stderr read until the listening line.
class InstalledServer {
 public:
  ~InstalledServer();
  // Starts `binary serve` (no --config) in `cwd` with `env`; waits for "listening on".
  ::testing::AssertionResult start(const fs::path& binary, const fs::path& cwd, Env env);
  uint16_t port() const { return port_; }
  const std::string& log() const { return log_; }
  std::optional<int> stop();  // SIGTERM and wait

 private:
  ChildProcess child_;
  std::string log_;
  uint16_t port_ = 0;
};

// meta.schema_version of the store in `dir`, read or rewritten with raw LMDB.
std::optional<unsigned> read_schema_version(const fs::path& dir);
bool write_schema_version(const fs::path& dir, unsigned version);

std::string file_bytes(const fs::path& file);

}  // namespace pb::itest::operate
