// fork/exec of a child process with its stdout and stderr on pipes. Used both for one-shot CLI
// runs (run_command) and for the long-running server (server_process.h).
//
// Threading: a ChildProcess is used from one thread; spawn() may be called while other threads
// run (everything the child does between fork and exec is async-signal-safe).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pb::itest {

using Env = std::vector<std::pair<std::string, std::string>>;

struct SpawnOptions {
  std::string program;             // absolute path of the executable
  std::vector<std::string> args;   // argv[1..]
  Env env;                         // set (or replaced) on top of the parent's environment
  std::filesystem::path cwd;       // empty: the parent's working directory
};

// Exit codes as shells report them: 0..255 for a normal exit, 128 + N when killed by signal N.
constexpr int kExitBySignal = 128;

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // SIGKILLs and reaps a child still running; closes the pipes
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts the child. Inherited PB_* variables are dropped so a test sees only what it sets; the
  // child gets SIGKILL if the test process dies. Returns false (with errno-based text in *why)
  // if the pipes or the fork fail; an exec failure shows as exit code 127 with a message on
  // stderr.
  bool spawn(const SpawnOptions& options, std::string* why);

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  int stdout_fd() const { return out_fd_; }
  int stderr_fd() const { return err_fd_; }
  void close_stdout();
  void close_stderr();

  // Sends `signal` if the child is still running (not yet reaped).
  void send_signal(int signal);

  // Waits up to `timeout` for the child to exit and reaps it. Returns the exit code (see
  // kExitBySignal), or nullopt if it is still running at the deadline (or was never started).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // SIGKILL and reap. Returns the exit code (normally 128 + SIGKILL).
  int kill_and_reap();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
};

struct CommandResult {
  int exit_code = -1;  // -1: did not finish within the timeout (it was killed)
  std::string out;
  std::string err;
};

// Runs a command to completion, collecting stdout and stderr. A command that outlives `timeout`
// is killed and reported with exit_code -1.
CommandResult run_command(const SpawnOptions& options,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace pb::itest
