// HashingProcesses: argon2id runs in child processes of the server, not in its address space.
//
// Why: every argon2id call maps, faults in and unmaps its whole memory cost (64 MiB at the
// INTERACTIVE limits). Inside the server each of those changes the page tables of the process
// the event-loop thread runs in: TLB shootdowns, and on paravirtualised guests (this project's
// VM: PVM) shadow page tables rebuilt for every thread of the process. Measured on 2 cores with
// 20 logins in flight: users/me p99 1.2-2.5 ms with the hash in a worker thread at nice 19
// (the loop ran 0.5-2.5 ms stretches for requests that take 20 µs), 0.19-0.21 ms with the same
// hash in another process at nice 19. A smaller memory cost did not help (1 MiB: still
// 1.6-2.1 ms): the mappings churn, not their size, is what the loop pays for.
//
// How: a child is forked on first use (from the calling worker thread) and kept for further
// jobs; it serves one request at a time over a SOCK_SEQPACKET socketpair, at nice 19, named
// "pb-hasher", not dumpable, with every other descriptor closed, and exits when its socket
// closes (close_idle(), or the server ending in any way). At most as many children exist as jobs run at once (PasswordHasher bounds
// that). close_idle() ends the children not in use (PasswordHasher calls it a minute after the
// last job), so a server without logins keeps none.
//
// Errors: hash()/verify() return nullopt when no child could do the job (fork refused, a child
// killed mid-job twice, an input too large for one message); the caller then hashes in its own
// thread, as before. Nothing here throws.
// Threading: hash()/verify() from any thread, concurrently (each call uses its own child);
// close_idle() and the destructor from any thread (the destructor kills and reaps every child,
// so it must not run while a call is in progress: PasswordHasher shares ownership with its jobs).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pb::auth {

class HashingProcesses {
 public:
  HashingProcesses() = default;
  ~HashingProcesses();
  HashingProcesses(const HashingProcesses&) = delete;
  HashingProcesses& operator=(const HashingProcesses&) = delete;

  // crypto_pwhash_str in a child: true with the PHC string in `out`, false when libsodium
  // failed (out of memory), nullopt when no child could run it (see Errors above).
  std::optional<bool> hash(std::string_view password, unsigned long long opslimit,
                           size_t memlimit, std::string& out);
  // crypto_pwhash_str_verify in a child: whether `password` matches `stored`, or nullopt.
  std::optional<bool> verify(std::string_view stored, std::string_view password);

  // Ends every child not serving a call now.
  void close_idle();
  // The children alive and not serving a call (for tests and diagnostics).
  std::vector<pid_t> idle_children() const;

  // Inputs larger than this take the caller's fallback (password policy caps passwords at 72).
  static constexpr size_t kMaxPasswordBytes = 4096;
  static constexpr size_t kMaxStoredBytes = 256;

 private:
  struct Child {
    pid_t pid = -1;
    int fd = -1;
  };
  // One request/answer exchange; nullopt when no child could answer (after one retry).
  std::optional<std::string> exchange(const std::string& request);
  std::optional<Child> take();
  void give_back(Child child);
  static void end(Child child);
  static std::optional<Child> spawn();

  mutable std::mutex mutex_;
  std::vector<Child> idle_;  // guarded
};

}  // namespace pb::auth
