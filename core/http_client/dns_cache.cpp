#include "core/http_client/dns_cache.h"

#include <algorithm>

namespace pb::http_client {

void DnsCache::store_addresses(std::string_view host, std::span<const sockaddr_storage> addresses,
                               uint64_t now_ms) {
  if (addresses.empty()) return;
  Entry e;
  e.address_count = std::min(addresses.size(), kMaxCachedAddresses);
  std::copy_n(addresses.begin(), e.address_count, e.addresses.begin());
  entries_.put(host, std::move(e), now_ms + options_.positive_ttl_ms, now_ms);
}

void DnsCache::store_failure(std::string_view host, std::string_view failure, uint64_t now_ms) {
  if (options_.negative_ttl_ms == 0) return;
  Entry e;
  e.failure.assign(failure);
  entries_.put(host, std::move(e), now_ms + options_.negative_ttl_ms, now_ms);
}

}  // namespace pb::http_client
