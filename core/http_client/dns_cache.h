// What the HTTP client remembers of its DNS lookups, so that a busy callback host is not
// resolved on the libuv thread pool for every request (a delivery to a named callback URL would
// otherwise pay a getaddrinfo each time a pooled connection is not at hand).
//
// Stored per host name: the addresses getaddrinfo gave (at most kMaxCachedAddresses, in its
// order, the port as asked — the client sets its own), kept `positive_ttl_ms`; or the failure
// text, kept `negative_ttl_ms` so a name that does not resolve cannot flood the thread pool.
// Only addresses are cached, never a verdict: the client runs the AddressGuard on every address
// right before connecting to it, cached or fresh, so what is checked is still what is connected
// to. At most `max_entries` names (patchbay/ttl_cache.hpp: a full cache drops the expired
// entries, then the one that expires first).
//
// Time is whatever monotonic milliseconds the caller passes (the client: uv_now()), so tests
// need no clock. Threading: one thread (the loop's). Errors: none; find() answers nullptr.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <patchbay/ttl_cache.hpp>

namespace pb::http_client {

inline constexpr size_t kMaxCachedAddresses = 8;

struct DnsCacheOptions {
  uint32_t positive_ttl_ms = 30000;
  uint32_t negative_ttl_ms = 5000;
  size_t max_entries = 256;  // 0 disables the cache
};

class DnsCache {
 public:
  struct Entry {
    std::array<sockaddr_storage, kMaxCachedAddresses> addresses{};
    size_t address_count = 0;  // 0: a failure, described by `failure`
    std::string failure;
  };

  explicit DnsCache(DnsCacheOptions options) : options_(options), entries_(options.max_entries) {}

  // The live entry for `host`, or nullptr (never stored, or expired: then it is dropped). The
  // pointer is valid until the next store_*() call.
  const Entry* find(std::string_view host, uint64_t now_ms) { return entries_.find(host, now_ms); }

  // Remembers `addresses` (IPv4/IPv6 sockaddrs; the first kMaxCachedAddresses) for `host`.
  // An empty span is not stored (the caller reports that as a failure).
  void store_addresses(std::string_view host, std::span<const sockaddr_storage> addresses,
                       uint64_t now_ms);

  // Remembers that resolving `host` failed with `failure` (the text the request ended with).
  void store_failure(std::string_view host, std::string_view failure, uint64_t now_ms);

  size_t size() const { return entries_.size(); }

 private:
  DnsCacheOptions options_;
  sdk::TtlCache<Entry> entries_;
};

}  // namespace pb::http_client
