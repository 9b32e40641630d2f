// The HTTP surface of a running server: ping, standard headers, 404/405, keep-alive, ordered
// pipelining, and refusal (400 + close) of malformed and request-smuggling shapes.
#include <gtest/gtest.h>

#include <set>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

class HttpWire : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.start()); }

  HttpConnection connect() { return HttpConnection(server_.host(), server_.port()); }

  // Sends `request` on a fresh connection and expects exactly one 400 AppError, then the close,
  // with nothing after it (a smuggled second request must never be answered).
  void expect_refused_and_closed(const std::string& request, int status = 400,
                                 std::string_view id = "api.http.malformed_request.app_error") {
    HttpConnection c = connect();
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send(request));
    auto r = c.next();
    ASSERT_TRUE(r) << c.why();
    EXPECT_TRUE(is_app_error(*r, status, id));
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.wait_closed()) << c.why();
    EXPECT_EQ(c.unread(), "") << "bytes after the refusal";
  }

  ServerProcess server_;
};

TEST_F(HttpWire, PingAnswersStatusOk) {
  for (const char* target : {"/api/v4/system/ping", "/api/v4/system/ping?use_rest_semantics=true"}) {
    auto r = round_trip(server_.host(), server_.port(), get_request(target));
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 200) << target;
    EXPECT_EQ(r->body, R"({"status":"OK"})") << target;
    EXPECT_EQ(r->header("Content-Type"), "application/json");
    EXPECT_EQ(r->header("Content-Length"), "15");
    EXPECT_TRUE(has_standard_headers(*r));
  }
}

TEST_F(HttpWire, EveryResponseHasAFreshRequestIdAndTheSameVersionId) {
  std::set<std::string> ids;
  std::set<std::string> versions;
  for (const char* target : {"/api/v4/system/ping", "/api/v4/system/ping", "/api/v4/nope"}) {
    auto r = round_trip(server_.host(), server_.port(), get_request(target));
    ASSERT_TRUE(r);
    ASSERT_TRUE(has_standard_headers(*r));
    ids.insert(*r->header("X-Request-Id"));
    versions.insert(*r->header("X-Version-Id"));
  }
  EXPECT_EQ(ids.size(), 3u) << "X-Request-Id was reused";
  EXPECT_EQ(versions.size(), 1u);
}

TEST_F(HttpWire, IncomingRequestIdIsIgnored) {
  auto r = round_trip(server_.host(), server_.port(),
                      get_request("/api/v4/system/ping", "X-Request-Id: aaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(has_standard_headers(*r));
  EXPECT_NE(r->header("X-Request-Id"), "aaaaaaaaaaaaaaaaaaaaaaaaaa");
}

TEST_F(HttpWire, UnknownPathIs404AppError) {
  auto r = round_trip(server_.host(), server_.port(), get_request("/api/v4/no/such/thing"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(is_app_error(*r, 404, "api.context.404.app_error"));
}

TEST_F(HttpWire, WrongMethodIs405WithAllow) {
  auto r = round_trip(server_.host(), server_.port(), post_request("/api/v4/system/ping", "{}"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(is_app_error(*r, 405, "api.context.405.app_error"));
  EXPECT_EQ(r->header("Allow"), "GET, HEAD");
}

TEST_F(HttpWire, HeadOfPingHasTheHeadersButNoBody) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.send("HEAD /api/v4/system/ping HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.next(kReadTimeout, /*to_head=*/true);
  ASSERT_TRUE(r) << c.why();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Length"), "15");
  EXPECT_TRUE(has_standard_headers(*r));
  // No body bytes may follow: the next response must parse right after the headers.
  ASSERT_TRUE(c.send(get_request("/api/v4/system/ping")));
  auto after = c.next();
  ASSERT_TRUE(after) << c.why();
  EXPECT_EQ(after->body, R"({"status":"OK"})");
}

TEST_F(HttpWire, KeepAliveServesManyRequestsOnOneConnection) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.connected());
  std::set<std::string> ids;
  constexpr int kRequests = 50;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(c.send(get_request("/api/v4/system/ping"))) << "request " << i << ": " << c.why();
    auto r = c.next();
    ASSERT_TRUE(r) << "request " << i << ": " << c.why();
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->header("Connection")) << "HTTP/1.1 keeps alive by default; no header needed";
    ids.insert(r->header("X-Request-Id").value_or(""));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kRequests));
  EXPECT_FALSE(c.closed());
}

TEST_F(HttpWire, Http10KeepsAliveOnlyWhenAsked) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.send("GET /api/v4/system/ping HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto kept = c.next();
  ASSERT_TRUE(kept) << c.why();
  EXPECT_EQ(kept->status, 200);
  EXPECT_EQ(kept->header("Connection"), "keep-alive");
  ASSERT_TRUE(c.send("GET /api/v4/system/ping HTTP/1.0\r\n\r\n"));
  auto last = c.next();
  ASSERT_TRUE(last) << c.why();
  EXPECT_EQ(last->status, 200);
  EXPECT_EQ(last->header("Connection"), "close");
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpWire, ConnectionCloseIsHonoured) {
  HttpConnection c = connect();
  ASSERT_TRUE(c.send(get_request("/api/v4/system/ping", "Connection: close\r\n")));
  auto r = c.next();
  ASSERT_TRUE(r) << c.why();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpWire, PipelinedResponsesComeBackInRequestOrder) {
  // kv_probe POSTs answer only after the group commit's fsync; pings answer at once. Written in
  // one go, the answers must still come back in request order.
  std::string pipeline;
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) {
    bodies.push_back("value-" + std::to_string(i));
    pipeline += post_request("/api/v4/kv_probe", bodies.back());
    pipeline += get_request("/api/v4/system/ping");
  }
  HttpConnection c = connect();
  ASSERT_TRUE(c.send(pipeline));
  std::vector<std::string> keys;
  for (int i = 0; i < 8; ++i) {
    auto r = c.next();
    ASSERT_TRUE(r) << "response " << i << ": " << c.why();
    if (i % 2 == 0) {
      ASSERT_EQ(r->status, 201) << "response " << i << " is not the POST's: " << r->body;
      std::string key = json_string(r->body, "key");
      EXPECT_EQ(key, r->header("X-Request-Id")) << "kv_probe keys by the request id";
      keys.push_back(key);
    } else {
      ASSERT_EQ(r->status, 200) << "response " << i << " is not the ping's: " << r->body;
      EXPECT_EQ(r->body, R"({"status":"OK"})");
    }
  }
  // And each value landed under its own key.
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(c.send(get_request("/api/v4/kv_probe/" + keys[i])));
    auto r = c.next();
    ASSERT_TRUE(r) << c.why();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Content-Type"), "text/plain");
    EXPECT_EQ(r->body, bodies[i]);
  }
}

TEST_F(HttpWire, PipelineLongerThanTheServersQueueStaysInOrder) {
  // More requests in one write than the server keeps queued per connection (16): it must stop
  // reading, answer, and go on, without losing or reordering anything.
  constexpr int kRequests = 40;
  std::string pipeline;
  for (int i = 0; i < kRequests; ++i) {
    pipeline += i % 3 == 0 ? post_request("/api/v4/kv_probe", "v" + std::to_string(i))
                           : get_request(i % 3 == 1 ? "/api/v4/system/ping" : "/api/v4/nope");
  }
  HttpConnection c = connect();
  ASSERT_TRUE(c.send(pipeline));
  for (int i = 0; i < kRequests; ++i) {
    auto r = c.next();
    ASSERT_TRUE(r) << "response " << i << ": " << c.why();
    EXPECT_EQ(r->status, i % 3 == 0 ? 201 : i % 3 == 1 ? 200 : 404) << "response " << i;
  }
  EXPECT_FALSE(c.closed());
}

TEST_F(HttpWire, GarbageIs400AndClose) {
  expect_refused_and_closed("THIS IS NOT HTTP\r\n\r\n");
}

TEST_F(HttpWire, MissingHostIs400AndClose) {
  expect_refused_and_closed("GET /api/v4/system/ping HTTP/1.1\r\n\r\n");
}

TEST_F(HttpWire, BareLineFeedsAre400AndClose) {
  expect_refused_and_closed("GET /api/v4/system/ping HTTP/1.1\nHost: x\n\n");
}

TEST_F(HttpWire, ContentLengthWithTransferEncodingIsRefused) {
  // The classic CL.TE shape: whoever trusts Content-Length sees one request, whoever trusts
  // chunked sees a second one (the smuggled GET). Neither may be served.
  expect_refused_and_closed(
      "POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\nGET /api/v4/system/ping HTTP/1.1\r\nHost: x\r\n\r\n");
}

TEST_F(HttpWire, DuplicateContentLengthIsRefused) {
  expect_refused_and_closed(
      "POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"
      "abcGET /api/v4/system/ping HTTP/1.1\r\nHost: x\r\n\r\n");
}

TEST_F(HttpWire, ConflictingContentLengthIsRefused) {
  expect_refused_and_closed(
      "POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\n"
      "abc");
}

TEST_F(HttpWire, TransferEncodingOtherThanChunkedIsRefused) {
  for (const char* te : {"gzip, chunked", "chunked, identity", "xchunked", "identity"}) {
    SCOPED_TRACE(te);
    expect_refused_and_closed(std::string("POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\n"
                                          "Transfer-Encoding: ") + te +
                              "\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  }
}

TEST_F(HttpWire, RepeatedTransferEncodingIsRefused) {
  expect_refused_and_closed(
      "POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
}

TEST_F(HttpWire, ObsFoldIsRefused) {
  expect_refused_and_closed(
      "GET /api/v4/system/ping HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n");
}

TEST_F(HttpWire, ChunkedBodyIsAccepted) {
  // The refusals above are about ambiguity, not chunked itself: a clean chunked POST works.
  HttpConnection c = connect();
  ASSERT_TRUE(c.send("POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto r = c.next();
  ASSERT_TRUE(r) << c.why();
  ASSERT_EQ(r->status, 201) << r->body;
  ASSERT_TRUE(c.send(get_request("/api/v4/kv_probe/" + json_string(r->body, "key"))));
  auto got = c.next();
  ASSERT_TRUE(got) << c.why();
  EXPECT_EQ(got->body, "abcde");
}

TEST_F(HttpWire, ErrorBodiesStayValidJsonForHostilePaths) {
  // The 404 message quotes the path: quotes and backslashes must not break the JSON.
  auto r = round_trip(server_.host(), server_.port(), get_request("/api/v4/%22quote%5C\"\\x"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(is_app_error(*r, 404, "api.context.404.app_error"));
}

}  // namespace
}  // namespace pb::itest
