// DnsCache (core/http_client/dns_cache.h): positive and negative lifetimes, the size bound and
// which entry a full cache gives up, with the clock passed in.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <vector>

#include "core/http_client/dns_cache.h"

namespace pb::http_client {
namespace {

sockaddr_storage v4(const char* ip) {
  sockaddr_storage s{};
  auto* in = reinterpret_cast<sockaddr_in*>(&s);
  in->sin_family = AF_INET;
  inet_pton(AF_INET, ip, &in->sin_addr);
  return s;
}

std::string ip_of(const sockaddr_storage& s) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&s)->sin_addr, text, sizeof text);
  return text;
}

TEST(DnsCache, AddressesLiveForThePositiveTtlInTheirOrder) {
  DnsCache cache({.positive_ttl_ms = 30000, .negative_ttl_ms = 5000, .max_entries = 4});
  std::vector<sockaddr_storage> got{v4("93.184.216.34"), v4("93.184.216.35")};
  cache.store_addresses("example.com", got, 1000);
  const DnsCache::Entry* e = cache.find("example.com", 1000 + 29999);
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->address_count, 2u);
  EXPECT_EQ(ip_of(e->addresses[0]), "93.184.216.34");
  EXPECT_EQ(ip_of(e->addresses[1]), "93.184.216.35");
  EXPECT_EQ(cache.find("example.com", 1000 + 30000), nullptr);
  EXPECT_EQ(cache.size(), 0u) << "an expired entry is dropped when found";
}

TEST(DnsCache, FailuresLiveForTheNegativeTtl) {
  DnsCache cache({.positive_ttl_ms = 30000, .negative_ttl_ms = 5000, .max_entries = 4});
  cache.store_failure("no-such.invalid", "resolve no-such.invalid: unknown node", 0);
  const DnsCache::Entry* e = cache.find("no-such.invalid", 4999);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->address_count, 0u);
  EXPECT_EQ(e->failure, "resolve no-such.invalid: unknown node");
  EXPECT_EQ(cache.find("no-such.invalid", 5000), nullptr);
}

TEST(DnsCache, ASuccessReplacesAFailure) {
  DnsCache cache({});
  cache.store_failure("flaky.example", "resolve flaky.example: temporary failure", 0);
  std::vector<sockaddr_storage> got{v4("203.0.113.7")};
  cache.store_addresses("flaky.example", got, 10);
  const DnsCache::Entry* e = cache.find("flaky.example", 20);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->address_count, 1u);
  EXPECT_TRUE(e->failure.empty());
}

TEST(DnsCache, KeepsAtMostEightAddressesAndNoEmptyAnswer) {
  DnsCache cache({});
  std::vector<sockaddr_storage> many(12, v4("198.51.100.1"));
  cache.store_addresses("wide.example", many, 0);
  ASSERT_NE(cache.find("wide.example", 1), nullptr);
  EXPECT_EQ(cache.find("wide.example", 1)->address_count, kMaxCachedAddresses);
  cache.store_addresses("empty.example", std::vector<sockaddr_storage>{}, 0);
  EXPECT_EQ(cache.find("empty.example", 1), nullptr);
}

TEST(DnsCache, AFullCacheDropsTheExpiredFirstThenTheSoonestToExpire) {
  DnsCache cache({.positive_ttl_ms = 1000, .negative_ttl_ms = 100, .max_entries = 3});
  std::vector<sockaddr_storage> one{v4("192.0.2.1")};
  cache.store_addresses("a", one, 0);     // expires 1000
  cache.store_failure("b", "failed", 0);  // expires 100
  cache.store_addresses("c", one, 50);    // expires 1050
  cache.store_addresses("d", one, 200);   // full: "b" has expired and goes
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_NE(cache.find("a", 200), nullptr);
  EXPECT_EQ(cache.find("b", 200), nullptr);
  cache.store_addresses("e", one, 300);   // full, nothing expired: "a" expires first and goes
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.find("a", 300), nullptr);
  EXPECT_NE(cache.find("c", 300), nullptr);
  EXPECT_NE(cache.find("d", 300), nullptr);
  EXPECT_NE(cache.find("e", 300), nullptr);
}

TEST(DnsCache, ZeroEntriesDisablesIt) {
  DnsCache cache({.positive_ttl_ms = 1000, .negative_ttl_ms = 1000, .max_entries = 0});
  std::vector<sockaddr_storage> one{v4("192.0.2.1")};
  cache.store_addresses("a", one, 0);
  cache.store_failure("b", "failed", 0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find("a", 1), nullptr);
}

}  // namespace
}  // namespace pb::http_client
