// HashingProcesses: argon2id in child processes — right answers, one child reused, a killed child
// replaced, children at nice 19 and ended when idle or when the server dies; and PasswordHasher
// ending them a minute after its last job.
#include "plugins/auth/hashing_processes.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <patchbay/fake_host.hpp>

#include "plugins/auth/password_hasher.h"

namespace pb::auth {
namespace {

using sdk::FakeHost;

// The fields of /proc/<pid>/stat after the command name: [0] is the state, [16] the nice value.
std::vector<std::string> stat_fields(pid_t pid, std::string* name = nullptr) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  size_t open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return {};
  if (name != nullptr) *name = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

// Gone, or a zombie waiting for whoever inherited it: either way it runs no more.
bool ended(pid_t pid) {
  std::vector<std::string> fields = stat_fields(pid);
  return fields.empty() || fields[0] == "Z" || fields[0] == "X";
}

bool ends_within(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ended(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string hash_or_fail(HashingProcesses& processes, const std::string& password) {
  std::string out;
  std::optional<bool> ok = processes.hash(password, crypto_pwhash_OPSLIMIT_MIN,
                                          crypto_pwhash_MEMLIMIT_MIN, out);
  EXPECT_TRUE(ok.has_value() && *ok);
  return out;
}

TEST(HashingProcesses, HashesAndVerifiesLikeLibsodiumInProcess) {
  ASSERT_GE(sodium_init(), 0);
  HashingProcesses processes;
  std::string stored = hash_or_fail(processes, "correct horse");
  EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u) << stored;
  EXPECT_EQ(crypto_pwhash_str_verify(stored.c_str(), "correct horse", 13), 0);
  EXPECT_EQ(processes.verify(stored, "correct horse"), std::optional<bool>(true));
  EXPECT_EQ(processes.verify(stored, "correct horsf"), std::optional<bool>(false));
  EXPECT_EQ(processes.verify(stored, ""), std::optional<bool>(false));
  // A password with NUL bytes is hashed whole, not up to the first NUL.
  std::string with_nul("ab\0cd", 5);
  std::string stored_nul = hash_or_fail(processes, with_nul);
  EXPECT_EQ(processes.verify(stored_nul, with_nul), std::optional<bool>(true));
  EXPECT_EQ(processes.verify(stored_nul, "ab"), std::optional<bool>(false));
  // A malformed stored hash is a mismatch, answered by the child (not a failure to run).
  EXPECT_EQ(processes.verify("$argon2id$garbage", "x"), std::optional<bool>(false));
  EXPECT_EQ(processes.verify("", "x"), std::optional<bool>(false));
}

TEST(HashingProcesses, OneChildServesCallAfterCallAtNice19AsPbHasher) {
  HashingProcesses processes;
  std::string stored = hash_or_fail(processes, "pw");
  std::vector<pid_t> idle = processes.idle_children();
  ASSERT_EQ(idle.size(), 1u);
  ASSERT_NE(idle[0], getpid());
  std::string name;
  std::vector<std::string> fields = stat_fields(idle[0], &name);
  ASSERT_GT(fields.size(), 16u);
  EXPECT_EQ(name, "pb-hasher");
  EXPECT_EQ(fields[16], "19");
  EXPECT_EQ(processes.verify(stored, "pw"), std::optional<bool>(true));
  EXPECT_EQ(processes.idle_children(), idle);  // the same child again
}

TEST(HashingProcesses, AKilledChildIsReplacedAndReaped) {
  HashingProcesses processes;
  std::string stored = hash_or_fail(processes, "pw");
  pid_t first = processes.idle_children().at(0);
  ASSERT_EQ(kill(first, SIGKILL), 0);
  ASSERT_TRUE(ends_within(first, std::chrono::seconds(5)));
  EXPECT_EQ(processes.verify(stored, "pw"), std::optional<bool>(true));
  std::vector<pid_t> now = processes.idle_children();
  ASSERT_EQ(now.size(), 1u);
  EXPECT_NE(now[0], first);
  EXPECT_EQ(waitpid(first, nullptr, WNOHANG), -1);  // already reaped: no zombie left behind
}

TEST(HashingProcesses, ConcurrentCallsEachGetTheirOwnChild) {
  HashingProcesses processes;
  std::string stored = hash_or_fail(processes, "pw");
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::vector<std::optional<bool>> right(kThreads), wrong(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      right[i] = processes.verify(stored, "pw");
      wrong[i] = processes.verify(stored, "pw" + std::to_string(i));
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(right[i], std::optional<bool>(true));
    EXPECT_EQ(wrong[i], std::optional<bool>(false));
  }
  size_t children = processes.idle_children().size();
  EXPECT_GE(children, 1u);
  EXPECT_LE(children, static_cast<size_t>(kThreads));
}

TEST(HashingProcesses, CloseIdleEndsAndReapsEveryChild) {
  HashingProcesses processes;
  hash_or_fail(processes, "pw");
  pid_t child = processes.idle_children().at(0);
  processes.close_idle();
  EXPECT_TRUE(processes.idle_children().empty());
  EXPECT_EQ(kill(child, 0), -1);  // reaped, not a zombie
  // The next call forks a new one.
  hash_or_fail(processes, "pw");
  EXPECT_EQ(processes.idle_children().size(), 1u);
}

TEST(HashingProcesses, InputsTooLargeForAMessageAreLeftToTheCaller) {
  HashingProcesses processes;
  std::string big(HashingProcesses::kMaxPasswordBytes + 1, 'p');
  std::string out;
  EXPECT_FALSE(processes.hash(big, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN, out));
  EXPECT_FALSE(processes.verify("$argon2id$x", big).has_value());
  EXPECT_FALSE(processes.verify(std::string(HashingProcesses::kMaxStoredBytes + 1, 's'), "pw")
                   .has_value());
  EXPECT_TRUE(processes.idle_children().empty());  // nothing was forked for them
}

TEST(HashingProcesses, ChildrenDieWithTheServer) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t server = fork();
  ASSERT_GE(server, 0);
  if (server == 0) {  // a "server": starts a child, reports it, dies without cleaning up
    close(pipe_fds[0]);
    auto* processes = new HashingProcesses();  // never destroyed
    std::string out;
    if (!processes->hash("pw", crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN, out)) {
      _exit(1);
    }
    pid_t child = processes->idle_children().at(0);
    if (write(pipe_fds[1], &child, sizeof child) != sizeof child) _exit(1);
    _exit(0);
  }
  close(pipe_fds[1]);
  pid_t child = -1;
  ASSERT_EQ(read(pipe_fds[0], &child, sizeof child), static_cast<ssize_t>(sizeof child));
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(server, &status, 0), server);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(ends_within(child, std::chrono::seconds(5)));
}

TEST(PasswordHasher, EndsItsHashingChildrenAMinuteAfterTheLastJob) {
  FakeHost fake;
  sdk::Host host(fake.self(), fake.api());
  PasswordHasher hasher(host);
  hasher.configure(1, AuthSettings::HashCost::minimum);
  std::optional<std::string> stored;
  hasher.hash("pw", [&](std::optional<std::string> h) { stored = std::move(h); });
  fake.run_pending();
  ASSERT_TRUE(stored);
  std::vector<pid_t> children = hasher.processes().idle_children();
  ASSERT_EQ(children.size(), 1u);
  fake.advance(PasswordHasher::kIdleCloseMs / 2);
  bool match = false;
  hasher.verify(*stored, "pw", [&](bool m) { match = m; });  // a job restarts the minute
  fake.run_pending();
  EXPECT_TRUE(match);
  fake.advance(PasswordHasher::kIdleCloseMs - 1);
  EXPECT_EQ(hasher.processes().idle_children(), children);
  fake.advance(1);
  EXPECT_TRUE(hasher.processes().idle_children().empty());
  EXPECT_EQ(kill(children[0], 0), -1);
  host.release_all();
}

}  // namespace
}  // namespace pb::auth
