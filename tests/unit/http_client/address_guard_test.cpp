#include "core/http_client/address_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace pb::http_client {
namespace {

IpAddress ip(const char* text) {
  IpAddress out;
  EXPECT_TRUE(parse_ip(text, &out)) << text;
  return out;
}

TEST(AddressGuard, EveryInternalIpv4RangeIsRefused) {
  AddressGuard guard;
  for (const char* a : {"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254", "10.0.0.1",
                        "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.0.1",
                        "192.168.255.255", "169.254.169.254", "169.254.0.1", "100.64.0.1",
                        "100.127.255.255", "224.0.0.1", "239.255.255.255", "240.0.0.1",
                        "255.255.255.255"}) {
    EXPECT_TRUE(is_internal(ip(a))) << a;
    EXPECT_FALSE(guard.allows("example.com", ip(a))) << a;
  }
}

TEST(AddressGuard, RangeEdgesOutsideArePublic) {
  for (const char* a : {"1.1.1.1", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
                        "192.167.255.255", "192.169.0.0", "169.253.255.255", "169.255.0.0",
                        "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
                        "223.255.255.255", "93.184.216.34"}) {
    EXPECT_FALSE(is_internal(ip(a))) << a;
    EXPECT_TRUE(AddressGuard().allows("example.com", ip(a))) << a;
  }
}

TEST(AddressGuard, EveryInternalIpv6RangeIsRefused) {
  for (const char* a : {"::", "::1", "fe80::1", "febf:ffff::1", "fc00::1", "fd12:3456::1",
                        "ff02::1", "ff0e::1"}) {
    EXPECT_TRUE(is_internal(ip(a))) << a;
  }
  for (const char* a : {"2001:db8::1", "2606:4700::1111", "fec0::1", "fe7f::1", "fbff::1", "::2"}) {
    EXPECT_FALSE(is_internal(ip(a))) << a;
  }
}

TEST(AddressGuard, MappedIpv4IsJudgedByItsIpv4Address) {
  for (const char* a : {"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
                        "::ffff:192.168.1.1", "::ffff:100.64.0.1", "::ffff:0.0.0.0",
                        "::ffff:7f00:1"}) {
    EXPECT_TRUE(is_internal(ip(a))) << a;
  }
  EXPECT_FALSE(is_internal(ip("::ffff:8.8.8.8")));
  EXPECT_EQ(ip("::ffff:127.0.0.1"), ip("127.0.0.1"));
  EXPECT_EQ(to_string(ip("::ffff:10.1.2.3")), "10.1.2.3");
  EXPECT_EQ(to_string(ip("fe80::1")), "fe80::1");
}

TEST(AddressGuard, SockaddrOfBothFamilies) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "10.0.0.1", &v4.sin_addr);
  IpAddress a;
  ASSERT_TRUE(from_sockaddr(reinterpret_cast<sockaddr*>(&v4), &a));
  EXPECT_EQ(a, ip("10.0.0.1"));
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &v6.sin6_addr);
  ASSERT_TRUE(from_sockaddr(reinterpret_cast<sockaddr*>(&v6), &a));
  EXPECT_TRUE(is_internal(a));
  sockaddr other{};
  other.sa_family = AF_UNIX;
  EXPECT_FALSE(from_sockaddr(&other, &a));
}

TEST(AddressGuard, AllowListByHostName) {
  AddressGuard guard("hooks.internal, Build.Local.");
  EXPECT_TRUE(guard.allows("hooks.internal", ip("10.0.0.5")));
  EXPECT_TRUE(guard.allows("build.local", ip("127.0.0.1")));
  EXPECT_TRUE(guard.allows("build.local.", ip("127.0.0.1")));
  EXPECT_FALSE(guard.allows("other.internal", ip("10.0.0.5")));
  EXPECT_FALSE(guard.allows("sub.hooks.internal", ip("10.0.0.5")));  // names match exactly
}

TEST(AddressGuard, AllowListByIp) {
  AddressGuard guard("127.0.0.1 ::1");
  EXPECT_TRUE(guard.allows("x", ip("127.0.0.1")));
  EXPECT_TRUE(guard.allows("x", ip("::ffff:127.0.0.1")));
  EXPECT_TRUE(guard.allows("x", ip("::1")));
  EXPECT_FALSE(guard.allows("x", ip("127.0.0.2")));
  EXPECT_FALSE(guard.allows("x", ip("10.0.0.1")));
}

TEST(AddressGuard, AllowListByCidr) {
  AddressGuard guard("10.1.0.0/16,fd00::/8 192.168.1.0/24");
  EXPECT_TRUE(guard.allows("x", ip("10.1.2.3")));
  EXPECT_TRUE(guard.allows("x", ip("::ffff:10.1.255.255")));
  EXPECT_FALSE(guard.allows("x", ip("10.2.0.1")));
  EXPECT_TRUE(guard.allows("x", ip("fd12::1")));
  EXPECT_FALSE(guard.allows("x", ip("fc00::1")));
  EXPECT_TRUE(guard.allows("x", ip("192.168.1.77")));
  EXPECT_FALSE(guard.allows("x", ip("192.168.2.1")));
}

TEST(AddressGuard, MalformedEntriesAreIgnored) {
  AddressGuard guard("10.0.0.0/33 10.0.0.0/x /8 ::/129 ,, ");
  EXPECT_FALSE(guard.allows("x", ip("10.0.0.1")));
  EXPECT_FALSE(guard.allows("x", ip("::1")));
}

TEST(AddressGuard, WholeSpaceCidrAllowsEverything) {
  AddressGuard guard("0.0.0.0/0");
  EXPECT_TRUE(guard.allows("x", ip("127.0.0.1")));
  EXPECT_FALSE(guard.allows("x", ip("::1")));  // a v4 CIDR covers only IPv4 (and mapped)
}

TEST(AddressGuard, ParseIpRefusesNonAddresses) {
  IpAddress a;
  for (const char* bad : {"", "localhost", "1.2.3", "1.2.3.4.5", "[::1]", "::1%eth0", "256.0.0.1"}) {
    EXPECT_FALSE(parse_ip(bad, &a)) << bad;
  }
}

}  // namespace
}  // namespace pb::http_client
