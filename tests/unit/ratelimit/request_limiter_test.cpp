// RequestLimiter on the wire: a real pb_http Server on loopback whose dispatch runs the limiter
// with the test's clock, so the bytes a client gets (headers, 429 body) are checked exactly and
// the socket peer address (Request::remote_addr) is the key.
#include "core/ratelimit/request_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "core/config/config.h"
#include "core/http/request.h"
#include "tests/unit/http/test_support.h"

namespace pb::ratelimit {
namespace {

using http::test::Client;
using http::test::LoopThread;

constexpr int64_t kRequestT0 = 7'000'000'000;

// A server whose dispatch is: limiter first, then 200 "ok" with the key it used as the body.
struct LimitedServer {
  explicit LimitedServer(std::shared_ptr<RequestLimiter> l)
      : limiter(std::move(l)), loop(options()) {}

  http::ServerOptions options() {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.dispatch = [this](http::Request& request) {
      std::string key(limiter->key_of(request));
      if (!limiter->admit(request, now.load())) return;
      // Stands in for the session: the user id the auth chain would have found.
      if (auto user = request.header("X-Test-User")) {
        if (!limiter->admit_user(request, *user, now.load())) return;
      }
      request.respond(200, "text/plain", key);
    };
    return o;
  }

  std::shared_ptr<RequestLimiter> limiter;
  std::atomic<int64_t> now{kRequestT0};
  LoopThread loop;
};

std::shared_ptr<RequestLimiter> limiter_for(int64_t per_sec, int64_t burst,
                                            KeyOptions options = {}) {
  return std::make_shared<RequestLimiter>(Quota::per_second(per_sec, burst), 100,
                                          std::move(options));
}

TEST(RequestLimiter, FromConfigOnlyWhenEnabled) {
  config::Config config;
  EXPECT_EQ(RequestLimiter::from_config(config), nullptr);
  config.rate_limit.Enable = true;
  config.rate_limit.PerSec = 4;
  config.rate_limit.MaxBurst = 9;
  auto limiter = RequestLimiter::from_config(config);
  ASSERT_NE(limiter, nullptr);
  EXPECT_EQ(limiter->limiter().quota().limit, 10);
  EXPECT_EQ(limiter->limiter().quota().emission_ns, 250'000'000);
  EXPECT_EQ(limiter->limiter().store().capacity(), 10000u);
}

TEST(RequestLimiter, HeadersOnAnAllowedRequestKeyedBySocketAddress) {
  LimitedServer s(limiter_for(10, 100));
  Client c(s.loop.port());
  c.send(http::test::get_request("/api/v4/system/ping"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "127.0.0.1") << "Request::remote_addr() of a loopback client";
  EXPECT_EQ(r->header("X-Ratelimit-Limit"), "101");
  EXPECT_EQ(r->header("X-Ratelimit-Remaining"), "100");
  EXPECT_EQ(r->header("X-Ratelimit-Reset"), "1");
  EXPECT_EQ(r->header("Retry-After"), std::nullopt);
}

TEST(RequestLimiter, LimitedAnswerIsMattermostsPlainText429) {
  LimitedServer s(limiter_for(1, 1));  // two, then one per second
  Client c(s.loop.port());
  for (int i = 0; i < 2; ++i) {
    c.send(http::test::get_request("/x"));
    auto ok = c.read_response();
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->status, 200);
  }
  c.send(http::test::get_request("/x"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->body, "limit exceeded\n");
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->header("Retry-After"), "1");
  EXPECT_EQ(r->header("X-Ratelimit-Limit"), "2");
  EXPECT_EQ(r->header("X-Ratelimit-Remaining"), "0");
  EXPECT_EQ(r->header("X-Ratelimit-Reset"), "2");

  // The connection stays usable, and a second later one request fits again.
  s.now = kRequestT0 + 1'000'000'000;
  c.send(http::test::get_request("/x"));
  auto again = c.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->header("X-Ratelimit-Remaining"), "0");
}

TEST(RequestLimiter, SeparateKeysPerTrustedProxyAddress) {
  KeyOptions options;
  options.trusted_proxy_headers = {"X-Forwarded-For"};
  LimitedServer s(limiter_for(1, 0, options));
  Client c(s.loop.port());
  auto get = [&](std::string_view forwarded) {
    c.send(http::test::get_request("/x", "X-Forwarded-For: " + std::string(forwarded) + "\r\n"));
    auto r = c.read_response();
    return r ? r->status : 0;
  };
  EXPECT_EQ(get("1.1.1.1"), 200);
  EXPECT_EQ(get("1.1.1.1"), 429);
  EXPECT_EQ(get("2.2.2.2, 1.1.1.1"), 200) << "a different client behind the same proxy";
  EXPECT_EQ(get("2.2.2.2"), 429);
}

size_t count_headers(const http::test::Response& r, std::string_view name) {
  size_t n = 0;
  for (const auto& [header, value] : r.headers) n += header == name;
  return n;
}

TEST(RequestLimiter, VaryByUserCountsTheUserIdToo) {
  KeyOptions options;
  options.by_user = true;
  LimitedServer s(limiter_for(1, 0, options));
  Client c(s.loop.port());
  auto get = [&](std::string_view token) {
    c.send(http::test::get_request(
        "/x", "Authorization: Bearer " + std::string(token) + "\r\nX-Test-User: u1\r\n"));
    return c.read_response();
  };
  auto first = get("token-a");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "token-a");
  EXPECT_EQ(count_headers(*first, "X-Ratelimit-Limit"), 2u) << "two passes, as Mattermost";
  // Another token of the same user: its own token key is fresh, the user's budget is spent.
  auto second = get("token-b");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429);
}

TEST(RequestLimiter, UserPassIsOffWithoutVaryByUser) {
  LimitedServer s(limiter_for(1, 0));
  Client c(s.loop.port());
  c.send(http::test::get_request("/x", "X-Test-User: u1\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(count_headers(*r, "X-Ratelimit-Limit"), 1u);
}

}  // namespace
}  // namespace pb::ratelimit
