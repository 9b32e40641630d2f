#include "plugins/auth/hashing_processes.h"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>

namespace pb::auth {
namespace {

// One request: kind ('H' hash, 'V' verify), opslimit, memlimit, password length (host order:
// both ends are this binary), the password, then (verify) the stored PHC string.
// One answer: a status byte ('1' yes/done, '0' no/failed), then (hash) the PHC string.
constexpr size_t kHeaderBytes = 1 + 8 + 8 + 4;
constexpr size_t kMaxRequestBytes =
    kHeaderBytes + HashingProcesses::kMaxPasswordBytes + HashingProcesses::kMaxStoredBytes;
constexpr size_t kMaxAnswerBytes = 1 + crypto_pwhash_STRBYTES;

std::string encode(char kind, unsigned long long opslimit, size_t memlimit,
                   std::string_view password, std::string_view stored) {
  std::string request(kHeaderBytes + password.size() + stored.size(), '\0');
  uint64_t ops = opslimit, mem = memlimit;
  auto length = static_cast<uint32_t>(password.size());
  char* at = request.data();
  *at++ = kind;
  std::memcpy(at, &ops, 8);
  std::memcpy(at + 8, &mem, 8);
  std::memcpy(at + 16, &length, 4);
  // (An empty view may have a null data(): memcpy must not see it, even for 0 bytes.)
  if (!password.empty()) std::memcpy(at + 20, password.data(), password.size());
  if (!stored.empty()) std::memcpy(at + 20 + password.size(), stored.data(), stored.size());
  return request;
}

// In the child: the answer to one request, written to `answer`; returns its length.
size_t answer_request(const char* request, size_t size, char* answer) {
  answer[0] = '0';
  if (size < kHeaderBytes) return 1;
  uint64_t ops, mem;
  uint32_t length;
  std::memcpy(&ops, request + 1, 8);
  std::memcpy(&mem, request + 9, 8);
  std::memcpy(&length, request + 17, 4);
  if (length > size - kHeaderBytes) return 1;
  const char* password = request + kHeaderBytes;
  if (request[0] == 'H') {
    char* out = answer + 1;
    if (crypto_pwhash_str(out, password, length, ops, mem) != 0) return 1;
    answer[0] = '1';
    return 1 + std::strlen(out);
  }
  if (request[0] == 'V') {
    size_t stored_length = size - kHeaderBytes - length;
    char stored[HashingProcesses::kMaxStoredBytes + 1];
    if (stored_length > HashingProcesses::kMaxStoredBytes) return 1;
    std::memcpy(stored, password + length, stored_length);
    stored[stored_length] = '\0';  // libsodium reads a C string
    if (crypto_pwhash_str_verify(stored, password, length) == 0) answer[0] = '1';
    return 1;
  }
  return 1;
}

// The child's whole life: answer requests until the server closes its end (or ends: a child in
// the middle of a hash then finishes it, fails to answer, and exits).
[[noreturn]] void serve(int fd) {
  static char request[kMaxRequestBytes];
  static char answer[kMaxAnswerBytes];
  for (;;) {
    ssize_t n = recv(fd, request, sizeof request, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(0);
    size_t length = answer_request(request, static_cast<size_t>(n), answer);
    sodium_memzero(request, static_cast<size_t>(n));
    ssize_t sent;
    do {
      sent = send(fd, answer, length, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent != static_cast<ssize_t>(length)) _exit(0);
  }
}

// Right after fork(), in the child (one thread, a copy of the server's memory).
// Not PR_SET_PDEATHSIG: it fires when the forking THREAD ends, and a host's worker threads may
// come and go. The socket is enough: when the server ends, however it ends, its end of the
// socket closes and recv() here returns 0.
[[noreturn]] void run_child(int fd, int servers_end) {
  close(servers_end);  // or the server closing its end would not end this process
  if (fd != 3) {
    if (dup2(fd, 3) < 0) _exit(1);
    fd = 3;
  }
  close_range(4, ~0u, 0);  // the server's sockets, store, logs: not this process's business
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2}) signal(sig, SIG_DFL);
  setpriority(PRIO_PROCESS, 0, 19);
  prctl(PR_SET_NAME, "pb-hasher");
  prctl(PR_SET_DUMPABLE, 0);  // it holds passwords
  serve(fd);
}

}  // namespace

HashingProcesses::~HashingProcesses() { close_idle(); }

std::optional<bool> HashingProcesses::hash(std::string_view password,
                                           unsigned long long opslimit, size_t memlimit,
                                           std::string& out) {
  if (password.size() > kMaxPasswordBytes) return std::nullopt;
  std::string request = encode('H', opslimit, memlimit, password, {});
  std::optional<std::string> answer = exchange(request);
  sodium_memzero(request.data(), request.size());
  if (!answer || answer->empty()) return std::nullopt;
  if ((*answer)[0] != '1') return false;
  out.assign(*answer, 1);
  return true;
}

std::optional<bool> HashingProcesses::verify(std::string_view stored, std::string_view password) {
  if (password.size() > kMaxPasswordBytes || stored.size() > kMaxStoredBytes) return std::nullopt;
  std::string request = encode('V', 0, 0, password, stored);
  std::optional<std::string> answer = exchange(request);
  sodium_memzero(request.data(), request.size());
  if (!answer || answer->empty()) return std::nullopt;
  return (*answer)[0] == '1';
}

std::optional<std::string> HashingProcesses::exchange(const std::string& request) {
  // A second try covers a child that ended while idle (killed, OOM) or mid-job.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<Child> child = take();
    if (!child) return std::nullopt;
    ssize_t sent;
    do {
      sent = send(child->fd, request.data(), request.size(), MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent != static_cast<ssize_t>(request.size())) {
      end(*child);
      continue;
    }
    char answer[kMaxAnswerBytes];
    ssize_t got;
    do {
      got = recv(child->fd, answer, sizeof answer, 0);
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
      end(*child);
      continue;
    }
    give_back(*child);
    return std::string(answer, static_cast<size_t>(got));
  }
  return std::nullopt;
}

std::optional<HashingProcesses::Child> HashingProcesses::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Child child = idle_.back();
      idle_.pop_back();
      return child;
    }
  }
  return spawn();
}

void HashingProcesses::give_back(Child child) {
  std::lock_guard lock(mutex_);
  idle_.push_back(child);
}

void HashingProcesses::close_idle() {
  std::vector<Child> ending;
  {
    std::lock_guard lock(mutex_);
    ending.swap(idle_);
  }
  for (Child child : ending) end(child);
}

std::vector<pid_t> HashingProcesses::idle_children() const {
  std::lock_guard lock(mutex_);
  std::vector<pid_t> pids;
  for (const Child& child : idle_) pids.push_back(child.pid);
  return pids;
}

void HashingProcesses::end(Child child) {
  close(child.fd);
  kill(child.pid, SIGKILL);  // it holds no state: no need to wait for a clean exit
  while (waitpid(child.pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

std::optional<HashingProcesses::Child> HashingProcesses::spawn() {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return std::nullopt;
  pid_t pid = fork();
  if (pid == 0) run_child(pair[1], pair[0]);
  close(pair[1]);
  if (pid < 0) {
    close(pair[0]);
    return std::nullopt;
  }
  return Child{pid, pair[0]};
}

}  // namespace pb::auth
