// Limits a hostile or careless client meets: body size (413 decided from the headers, before the
// body is sent), Expect: 100-continue, and the header deadline against slowloris.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMaxBody = 2048;
constexpr int kHeaderTimeoutMs = 300;

ServerConfig limited_config() {
  ServerConfig config;
  config.service["MaximumPayloadSizeBytes"] = std::to_string(kMaxBody);
  config.service["ReadHeaderTimeoutMilliseconds"] = std::to_string(kHeaderTimeoutMs);
  return config;
}

class HttpLimits : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.start()); }
  HttpConnection connect() { return HttpConnection(server_.host(), server_.port()); }

  ServerProcess server_{limited_config()};
};

TEST_F(HttpLimits, OversizeContentLengthIs413BeforeTheBodyIsSent) {
  HttpConnection c = connect();
  // Only the headers: the answer must come without waiting for a body that never arrives.
  ASSERT_TRUE(c.send("POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
  auto r = c.next(5s);
  ASSERT_TRUE(r) << c.why();
  EXPECT_TRUE(is_app_error(*r, 413, "api.http.body_too_large.app_error"));
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpLimits, BodyAtTheLimitIsAccepted) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.send(post_request("/api/v4/kv_probe", std::string(kMaxBody, 'x'))));
  auto r = c.next();
  ASSERT_TRUE(r) << c.why();
  EXPECT_EQ(r->status, 201) << r->body;
}

TEST_F(HttpLimits, OversizeChunkedBodyIs413) {
  HttpConnection c = connect();
  std::string chunk(1500, 'y');
  std::string request = "POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 2; ++i) request += "5dc\r\n" + chunk + "\r\n";  // 0x5dc = 1500
  request += "0\r\n\r\n";
  ASSERT_TRUE(c.send(request));
  auto r = c.next();
  ASSERT_TRUE(r) << c.why();
  EXPECT_TRUE(is_app_error(*r, 413, "api.http.body_too_large.app_error"));
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpLimits, ExpectContinueWithOversizeBodyGets413Instead) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.send("POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
                     "Expect: 100-continue\r\n\r\n"));
  auto r = c.next(5s);
  ASSERT_TRUE(r) << c.why();
  EXPECT_TRUE(is_app_error(*r, 413, "api.http.body_too_large.app_error")) << "no 100 may come first";
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(c.unread(), "");
}

TEST_F(HttpLimits, ExpectContinueGets100ThenTheAnswer) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.send("POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                     "Expect: 100-continue\r\n\r\n"));
  auto interim = c.next(5s);
  ASSERT_TRUE(interim) << c.why();
  EXPECT_EQ(interim->status, 100);
  EXPECT_EQ(interim->reason, "Continue");
  ASSERT_TRUE(c.send("hello"));
  auto r = c.next();
  ASSERT_TRUE(r) << c.why();
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_TRUE(has_standard_headers(*r));
}

TEST_F(HttpLimits, UnsupportedExpectationIs417) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.send("POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                     "Expect: something-else\r\n\r\nhello"));
  auto r = c.next();
  ASSERT_TRUE(r) << c.why();
  EXPECT_TRUE(is_app_error(*r, 417, "api.http.expectation_failed.app_error"));
}

TEST_F(HttpLimits, SlowlorisIsCutOffWhileOthersAreServed) {
  HttpConnection slow = connect();
  ASSERT_TRUE(slow.connected());
  auto started = Clock::now();
  ASSERT_TRUE(slow.send("GET /api/v4/system/ping HTTP/1.1\r\nHost: x\r\n"));
  // Trickle one header line every 50 ms: steady progress must not extend the deadline.
  bool answered = false;
  Response r;
  int line = 0;
  while (Clock::now() - started < 10s) {
    auto got = slow.read(r, 50ms);
    if (got == HttpConnection::Read::kResponse) {
      answered = true;
      break;
    }
    ASSERT_EQ(got, HttpConnection::Read::kTimeout) << slow.why();
    if (!slow.send("X-Slow-" + std::to_string(line++) + ": z\r\n")) break;
    if (line == 3) {
      // Meanwhile an ordinary client is served promptly.
      auto ping = round_trip(server_.host(), server_.port(), get_request("/api/v4/system/ping"), 2s);
      ASSERT_TRUE(ping);
      EXPECT_EQ(ping->status, 200);
    }
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  ASSERT_TRUE(answered) << "the trickling connection was never cut off: " << slow.why();
  EXPECT_TRUE(is_app_error(r, 408, "api.http.request_timeout.app_error"));
  // libuv's clock has millisecond resolution: allow a few ms under the configured deadline.
  EXPECT_GE(elapsed.count(), kHeaderTimeoutMs - 5);
  EXPECT_LT(elapsed.count(), 5000);
  EXPECT_TRUE(slow.wait_closed(5s)) << slow.why();
}

TEST_F(HttpLimits, IdleConnectionBeforeAnyByteIsNotCutByTheHeaderDeadline) {
  // The header deadline starts with a request's first byte; a keep-alive connection between
  // requests falls under IdleTimeout (60 s default) instead.
  HttpConnection c = connect();
  ASSERT_TRUE(c.send(get_request("/api/v4/system/ping")));
  ASSERT_TRUE(c.next());
  std::this_thread::sleep_for(std::chrono::milliseconds(kHeaderTimeoutMs * 2));
  ASSERT_TRUE(c.send(get_request("/api/v4/system/ping"))) << c.why();
  auto r = c.next();
  ASSERT_TRUE(r) << c.why();
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace pb::itest
