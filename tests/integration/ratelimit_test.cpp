// RateLimitSettings through the real binary (wire spec §8, decisions.md "429 body"): the
// X-Ratelimit-* headers on every response, the 102nd request of a burst refused with the plain
// text 429, and keys per client address behind a trusted proxy header or per token.
//
// The server's clock is real, so a check that a request is refused only holds while less than
// one emission interval (PerSec=1: one second) has passed since the bucket was emptied; each such
// check measures that and says so instead of failing when the machine was slower than that.
// "Allowed" checks hold whatever the timing: time only ever adds capacity.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kInterval = std::chrono::seconds(1);  // PerSec=1 in every test below

ServerConfig limited(std::string per_sec, std::string max_burst) {
  ServerConfig config;
  config.env = {{"PB_RATELIMITSETTINGS_ENABLE", "true"},
                {"PB_RATELIMITSETTINGS_PERSEC", std::move(per_sec)},
                {"PB_RATELIMITSETTINGS_MAXBURST", std::move(max_burst)}};
  return config;
}

TEST(RateLimit, NoHeadersWhenDisabled) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  auto r = round_trip(server.host(), server.port(), get_request("/api/v4/system/ping"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header_count("X-Ratelimit-Limit"), 0u);
}

TEST(RateLimit, HeadersOnEveryResponseWhenEnabled) {
  ServerProcess server(limited("10", "100"));
  ASSERT_TRUE(server.start());
  HttpConnection c(server.host(), server.port());
  ASSERT_TRUE(c.connected());

  ASSERT_TRUE(c.send(get_request("/api/v4/system/ping")));
  auto ping = c.next();
  ASSERT_TRUE(ping) << c.why();
  EXPECT_EQ(ping->status, 200);
  EXPECT_TRUE(has_standard_headers(*ping));
  EXPECT_EQ(ping->header("X-Ratelimit-Limit"), "101");
  EXPECT_EQ(ping->header("X-Ratelimit-Remaining"), "100");
  EXPECT_EQ(ping->header("X-Ratelimit-Reset"), "1");
  EXPECT_EQ(ping->header_count("Retry-After"), 0u);

  // The limiter wraps the whole router: an unknown path is counted and carries the headers too.
  ASSERT_TRUE(c.send(get_request("/api/v4/no/such/thing")));
  auto missing = c.next();
  ASSERT_TRUE(missing) << c.why();
  EXPECT_TRUE(is_app_error(*missing, 404, "api.context.404.app_error"));
  EXPECT_EQ(missing->header("X-Ratelimit-Limit"), "101");
  EXPECT_EQ(missing->header_count("X-Ratelimit-Remaining"), 1u);
}

TEST(RateLimit, TheRequestAfterTheBurstGets429) {
  ServerProcess server(limited("1", "100"));  // 101 at once, then one per second
  ASSERT_TRUE(server.start());
  HttpConnection c(server.host(), server.port());
  ASSERT_TRUE(c.connected());

  // All 102 requests in one write: the server reads them back to back.
  std::string burst;
  for (int i = 0; i < 102; ++i) burst += get_request("/api/v4/system/ping");
  const auto sent = Clock::now();
  ASSERT_TRUE(c.send(burst));
  std::vector<Response> responses;
  for (int i = 0; i < 102; ++i) {
    auto r = c.next();
    ASSERT_TRUE(r) << "response " << i + 1 << ": " << c.why();
    responses.push_back(std::move(*r));
  }
  const auto elapsed = Clock::now() - sent;

  for (int i = 0; i < 101; ++i) {
    ASSERT_EQ(responses[i].status, 200) << "request " << i + 1 << " is within the burst";
    ASSERT_EQ(responses[i].header("X-Ratelimit-Limit"), "101");
  }
  if (elapsed >= kInterval) {
    GTEST_SKIP() << "the burst took " << std::chrono::duration<double>(elapsed).count()
                 << " s, more than one emission interval: the bucket refilled meanwhile";
  }
  for (int i = 0; i < 101; ++i) {
    EXPECT_EQ(responses[i].header("X-Ratelimit-Remaining"), std::to_string(100 - i));
  }
  const Response& refused = responses[101];
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(refused.body, "limit exceeded\n");
  EXPECT_EQ(refused.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(refused.header("Retry-After"), "1");
  EXPECT_EQ(refused.header("X-Ratelimit-Limit"), "101");
  EXPECT_EQ(refused.header("X-Ratelimit-Remaining"), "0");
  EXPECT_EQ(refused.header("X-Ratelimit-Reset"), "101");
  EXPECT_TRUE(has_standard_headers(refused));
  EXPECT_FALSE(c.closed()) << "a 429 keeps the connection";
}

// Sends one GET with `extra` header lines on `c`; the status, or 0 when no response came.
int status_of(HttpConnection& c, const std::string& extra) {
  if (!c.send(get_request("/api/v4/system/ping", extra))) return 0;
  auto r = c.next();
  return r ? r->status : 0;
}

TEST(RateLimit, TrustedProxyHeaderAddressesAreSeparateKeys) {
  ServerConfig config = limited("1", "0");  // one request per second per key
  config.service["TrustedProxyIPHeader"] = R"(["X-Forwarded-For"])";
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  HttpConnection c(server.host(), server.port());
  ASSERT_TRUE(c.connected());

  const auto first = Clock::now();
  EXPECT_EQ(status_of(c, "X-Forwarded-For: 203.0.113.1\r\n"), 200);
  int again = status_of(c, "X-Forwarded-For: 203.0.113.1, 10.0.0.1\r\n");
  bool in_time = Clock::now() - first < kInterval;
  // A new key is never limited, whatever the time.
  EXPECT_EQ(status_of(c, "X-Forwarded-For: 203.0.113.2\r\n"), 200);
  EXPECT_EQ(status_of(c, "X-Forwarded-For: 198.51.100.7\r\n"), 200);
  if (!in_time) GTEST_SKIP() << "slower than one emission interval: cannot judge the repeat";
  EXPECT_EQ(again, 429) << "the same first address is the same client";
}

TEST(RateLimit, UntrustedForwardingHeadersDoNotSplitTheSocketKey) {
  ServerProcess server(limited("1", "0"));  // TrustedProxyIPHeader left empty
  ASSERT_TRUE(server.start());
  HttpConnection c(server.host(), server.port());
  ASSERT_TRUE(c.connected());
  const auto first = Clock::now();
  EXPECT_EQ(status_of(c, "X-Forwarded-For: 203.0.113.1\r\n"), 200);
  int spoofed = status_of(c, "X-Forwarded-For: 203.0.113.2\r\n");
  if (Clock::now() - first >= kInterval) GTEST_SKIP() << "slower than one emission interval";
  EXPECT_EQ(spoofed, 429) << "a client cannot escape its limit by inventing a header";
}

TEST(RateLimit, VaryByUserKeysOnTheToken) {
  ServerConfig config = limited("1", "0");
  config.env.push_back({"PB_RATELIMITSETTINGS_VARYBYUSER", "true"});
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  HttpConnection c(server.host(), server.port());
  ASSERT_TRUE(c.connected());
  const auto first = Clock::now();
  EXPECT_EQ(status_of(c, "Authorization: Bearer tokenaaaaaaaaaaaaaaaaaaaaaa\r\n"), 200);
  int same = status_of(c, "Authorization: BEARER tokenaaaaaaaaaaaaaaaaaaaaaa\r\n");
  bool in_time = Clock::now() - first < kInterval;
  EXPECT_EQ(status_of(c, "Authorization: Bearer tokenbbbbbbbbbbbbbbbbbbbbbb\r\n"), 200);
  EXPECT_EQ(status_of(c, "Cookie: MMAUTHTOKEN=tokencccccccccccccccccccccc\r\n"), 200);
  EXPECT_EQ(status_of(c, ""), 200) << "no token: the client address, a key of its own";
  if (!in_time) GTEST_SKIP() << "slower than one emission interval: cannot judge the repeat";
  EXPECT_EQ(same, 429);
}

}  // namespace
}  // namespace pb::itest
