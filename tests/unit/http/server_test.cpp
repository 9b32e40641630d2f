// The Server driven over real loopback sockets: keep-alive, pipelining order, Expect, limits,
// timeouts, malformed and smuggling-shaped requests, late answers, drain.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/http/server.h"
#include "core/util/ids.h"
#include "patchbay/plugin.h"
#include "tests/unit/http/test_support.h"

namespace pb::http::test {
namespace {

using namespace std::chrono_literals;

// Answers at once: "<method> <path>?<query>|<body>".
void echo(Request& r) {
  std::string body(r.method());
  body.append(" ").append(r.path()).append("?").append(r.query()).append("|").append(r.body());
  r.respond(200, "text/plain; charset=utf-8", body);
}

ServerOptions options_with(DispatchFn fn) {
  ServerOptions o;
  o.port = 0;
  o.version_id = "5.38.0.dev.abc.false";
  o.dispatch = std::move(fn);
  return o;
}

// Keeps requests for the test to answer later (on the loop thread, through LoopThread::call).
struct Held {
  std::vector<Request*> requests;
  DispatchFn fn() {
    return [this](Request& r) { requests.push_back(&r); };
  }
};

// A plain socket connected to 127.0.0.1:`port` (for what Client does not do: reset, refusal),
// or -1 when the connection is refused.
int connect_raw(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  ::close(fd);
  return -1;
}

// Waits (bounded) until `pred` holds on the loop thread.
template <typename Pred>
bool eventually(LoopThread& loop, Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (loop.call(pred)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(HttpServer, AnswersWithRequiredHeaders) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  c.send("GET /api/v4/system/ping?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(r->body, "GET /api/v4/system/ping?x=1|");
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("Content-Length"), std::to_string(r->body.size()));
  EXPECT_EQ(r->header("X-Version-Id"), "5.38.0.dev.abc.false");
  ASSERT_TRUE(r->header("X-Request-Id"));
  EXPECT_TRUE(pb::is_valid_id(*r->header("X-Request-Id")));
  EXPECT_FALSE(r->header("Connection"));
}

TEST(HttpServer, RequestAccessorsSeeWhatArrived) {
  std::string seen;
  LoopThread loop(options_with([&](Request& r) {
    seen = std::string(r.target()) + "|" + std::string(r.path()) + "|" + std::string(r.query());
    seen += "|" + std::string(r.header("x-CUSTOM").value_or("?"));
    seen += "|" + std::to_string(r.header_count());
    seen += "|" + std::string(r.header_at(1).name) + "=" + std::string(r.header_at(1).value);
    seen += "|" + std::string(r.body()) + "|" + std::to_string(r.request_id().size());
    EXPECT_FALSE(r.header("missing"));
    r.respond(204, "", "ignored");
  }));
  Client c(loop.port());
  c.send("POST /a/b%20c?q=1&r=2 HTTP/1.1\r\nHost: t\r\nX-Custom:  v1 \r\nContent-Length: 3\r\n\r\nabc");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_FALSE(r->header("Content-Length"));  // RFC 9110: never on 204
  EXPECT_EQ(r->body, "");
  EXPECT_EQ(seen, "/a/b%20c?q=1&r=2|/a/b%20c|q=1&r=2|v1|3|X-Custom=v1|abc|26");
}

TEST(HttpServer, KeepAliveIsTheDefaultForHttp11) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  c.send(get_request("/one"));
  auto a = c.read_response();
  c.send(get_request("/two"));
  auto b = c.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->body, "GET /two?|");
  EXPECT_NE(a->header("X-Request-Id"), b->header("X-Request-Id"));
  EXPECT_EQ(loop.call([&] { return loop.server().connection_count(); }), 1u);
}

TEST(HttpServer, Http10ClosesUnlessKeepAliveAsked) {
  LoopThread loop(options_with(echo));
  {
    Client c(loop.port());
    c.send("GET /x HTTP/1.0\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c.closed_by_server());
  }
  Client c(loop.port());
  c.send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "keep-alive");
  c.send("GET /y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto r2 = c.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "GET /y?|");
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  c.send(get_request("/x", "Connection: close\r\n") + get_request("/never"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  std::string rest;
  EXPECT_TRUE(c.closed_by_server(&rest));
  EXPECT_EQ(rest, "");  // the request after the close was not served
}

TEST(HttpServer, PipelinedResponsesKeepRequestOrderWhenAnsweredInReverse) {
  Held held;
  LoopThread loop(options_with(held.fn()));
  Client c(loop.port());
  c.send(get_request("/1") + get_request("/2") + get_request("/3"));
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 3; }));
  loop.call([&] {
    EXPECT_EQ(held.requests[2]->respond(200, "text/plain", "three"), PB_OK);
    EXPECT_EQ(held.requests[1]->respond(200, "text/plain", "two"), PB_OK);
  });
  loop.call([&] { EXPECT_EQ(held.requests[0]->respond(200, "text/plain", "one"), PB_OK); });
  auto a = c.read_response(), b = c.read_response(), d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "one");
  EXPECT_EQ(b->body, "two");
  EXPECT_EQ(d->body, "three");
}

TEST(HttpServer, ReadingPausesAtMaxPipelined) {
  Held held;
  ServerOptions o = options_with(held.fn());
  o.limits.max_pipelined = 2;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  std::string five;
  for (int i = 0; i < 5; ++i) five += get_request("/" + std::to_string(i));
  c.send(five);
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 2; }));
  // The other three are in the buffer or the socket, not parsed: nothing more is dispatched
  // until answers free the queue.
  EXPECT_EQ(loop.call([&] { return held.requests.size(); }), 2u);
  for (size_t answered = 0; answered < 5; ++answered) {
    ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() > answered; }));
    loop.call([&] {
      EXPECT_LE(held.requests.size() - answered, 2u);
      held.requests[answered]->respond(200, "text/plain", std::to_string(answered));
    });
  }
  for (int i = 0; i < 5; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, std::to_string(i));
  }
}

TEST(HttpServer, ExpectContinueGetsInterim100ThenTheBodyIsRead) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  c.send("POST /hooks/x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(c.read_exact(25), "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("hello");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /hooks/x?|hello");
}

TEST(HttpServer, ExpectContinueWaitsUntilTheRequestIsFirstInLine) {
  Held held;
  LoopThread loop(options_with(held.fn()));
  Client c(loop.port());
  c.send(get_request("/first") +
         "POST /second HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 1; }));
  loop.call([&] { held.requests[0]->respond(200, "text/plain", "first"); });
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "first");
  EXPECT_EQ(c.read_exact(25), "HTTP/1.1 100 Continue\r\n\r\n");
  c.send("ok");
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 2; }));
  loop.call([&] { held.requests[1]->respond(200, "text/plain", std::string(held.requests[1]->body())); });
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "ok");
}

TEST(HttpServer, ExpectContinueOverTheLimitIs413WithoutReadingTheBody) {
  ServerOptions o = options_with(echo);
  o.limits.max_body_bytes = 1000;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send("POST /h HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1001\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_NE(r->body.find("\"status_code\":413"), std::string::npos);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, OtherExpectationsAre417) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  c.send("POST /h HTTP/1.1\r\nHost: t\r\nExpect: something-else\r\nContent-Length: 1\r\n\r\nx");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 417);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, ContentLengthOverTheLimitIs413BeforeTheBody) {
  ServerOptions o = options_with(echo);
  o.limits.max_body_bytes = 1000;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  // Only the headers are sent: the answer must not wait for a body.
  c.send("POST /h HTTP/1.1\r\nHost: t\r\nContent-Length: 5000000\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, BodyAtTheLimitIsAccepted) {
  ServerOptions o = options_with([](Request& r) {
    r.respond(200, "text/plain", std::to_string(r.body().size()));
  });
  o.limits.max_body_bytes = 100000;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send("POST /h HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'a'));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "100000");
}

TEST(HttpServer, ChunkedBodyIsAssembled) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  c.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
         "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /c?|abcdefg");
}

TEST(HttpServer, ChunkedBodyOverTheLimitIs413AndClose) {
  ServerOptions o = options_with(echo);
  o.limits.max_body_bytes = 10;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
         "8\r\n12345678\r\n8\r\n12345678\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, HeadersOverTheLimitAre431AndClose) {
  ServerOptions o = options_with(echo);
  o.limits.max_header_bytes = 4096;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send(get_request("/x", "X-Big: " + std::string(5000, 'a') + "\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, HeadersOverTheLimitInSmallPiecesAre431) {
  ServerOptions o = options_with(echo);
  o.limits.max_header_bytes = 4096;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send("GET /x HTTP/1.1\r\nHost: t\r\n");
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {  // 200 headers x 40 bytes, well over 4096
    refused = !c.try_send("X-H" + std::to_string(i) + ": " + std::string(30, 'v') + "\r\n");
  }
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, SlowHeadersTimeOutEvenWhileBytesTrickle) {
  ServerOptions o = options_with(echo);
  o.limits.header_timeout_ms = 300;
  o.limits.linger_ms = 100;  // the trickle stops once the server really closed
  LoopThread loop(std::move(o));
  Client c(loop.port());
  auto start = std::chrono::steady_clock::now();
  c.send("GET /slow HTTP/1.1\r\nHost: t\r\n");
  // A byte every 20 ms: each one would reset a naive idle timer forever. Stop after 4 s.
  std::thread trickle([&] {
    for (int i = 0; i < 200; ++i) {
      if (!c.try_send("X")) return;
      std::this_thread::sleep_for(20ms);
    }
  });
  auto r = c.read_response();
  trickle.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o = options_with(echo);
  o.limits.idle_timeout_ms = 100;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send(get_request("/x"));
  ASSERT_TRUE(c.read_response());
  std::string rest;
  EXPECT_TRUE(c.closed_by_server(&rest));
  EXPECT_EQ(rest, "");  // closed silently
}

TEST(HttpServer, BusyKeepAliveConnectionIsNotClosedAsIdle) {
  ServerOptions o = options_with(echo);
  o.limits.idle_timeout_ms = 300;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  // Requests every 50 ms for 1.2 s: four idle timeouts long, never idle for one.
  for (int i = 0; i < 24; ++i) {
    c.send(get_request("/" + std::to_string(i)));
    auto r = c.read_response();
    ASSERT_TRUE(r) << "closed after " << i << " requests";
    std::this_thread::sleep_for(50ms);
  }
}

TEST(HttpServer, SlowAnswerIsNotIdleAndTheIdleTimeoutCountsFromTheAnswer) {
  Held held;
  ServerOptions o = options_with(held.fn());
  o.limits.idle_timeout_ms = 400;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send(get_request("/slow"));
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 1; }));
  // Answered after more than two idle timeouts: the connection was busy, not idle, all along.
  std::this_thread::sleep_for(900ms);
  loop.call([&] { held.requests[0]->respond(200, "text/plain", "late"); });
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "late");
  auto answered = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_server());
  // Idle from the answer on (not from the request's bytes, 900 ms earlier): closed no sooner
  // than a timeout after it, less the time this thread took to see the answer.
  EXPECT_GT(std::chrono::steady_clock::now() - answered, 200ms);
}

TEST(HttpServer, ManyPipelinedRequestsInOneSendAreAllAnsweredInOrder) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  std::string burst;
  for (int i = 0; i < 500; ++i) burst += get_request("/" + std::to_string(i));
  c.send(burst);
  for (int i = 0; i < 500; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->body, "GET /" + std::to_string(i) + "?|");
  }
}

TEST(HttpServer, MalformedRequestIs400JsonAndClose) {
  LoopThread loop(options_with(echo));
  Client c(loop.port());
  c.send("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->header("Connection"), "close");
  ASSERT_TRUE(r->header("X-Request-Id"));
  EXPECT_NE(r->body.find("\"id\":\"api.http.malformed_request.app_error\""), std::string::npos);
  EXPECT_NE(r->body.find("\"request_id\":\"" + *r->header("X-Request-Id") + "\""), std::string::npos);
  EXPECT_NE(r->body.find("\"detailed_error\":\"\""), std::string::npos);  // hidden by default
  EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, DetailedErrorShownWhenExposed) {
  ServerOptions o = options_with(echo);
  o.expose_detailed_errors = true;
  LoopThread loop(std::move(o));
  Client c(loop.port());
  c.send("GET / HTTP/1.1\r\nHost: t\r\nX-A: b\r\n c\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("\"detailed_error\":\"obs-fold header line\""), std::string::npos) << r->body;
}

TEST(HttpServer, ErrorAfterPendingRequestsWaitsItsTurn) {
  Held held;
  LoopThread loop(options_with(held.fn()));
  Client c(loop.port());
  c.send(get_request("/ok") + "BAD\x01 / HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 1; }));
  loop.call([&] { held.requests[0]->respond(200, "text/plain", "ok"); });
  auto a = c.read_response(), b = c.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->body, "ok");
  EXPECT_EQ(b->status, 400);
  EXPECT_TRUE(c.closed_by_server());
}

struct Shape {
  const char* name;
  std::string bytes;
  int status;
};

void PrintTo(const Shape& s, std::ostream* os) { *os << s.name; }

class Smuggling : public ::testing::TestWithParam<Shape> {};

TEST_P(Smuggling, IsRefusedAndTheConnectionClosed) {
  int dispatched = 0;
  LoopThread loop(options_with([&](Request& r) {
    ++dispatched;
    echo(r);
  }));
  Client c(loop.port());
  c.send(GetParam().bytes + get_request("/next"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, GetParam().status) << r->body;
  EXPECT_EQ(r->header("Connection"), "close");
  std::string rest;
  EXPECT_TRUE(c.closed_by_server(&rest));
  EXPECT_EQ(rest, "");
  EXPECT_EQ(loop.call([&] { return dispatched; }), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, Smuggling,
    ::testing::Values(
        Shape{"ContentLengthAndTransferEncoding",
              "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        Shape{"TransferEncodingThenContentLength",
              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
        Shape{"DuplicateEqualContentLength",
              "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400},
        Shape{"DuplicateDifferentContentLength",
              "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy", 400},
        Shape{"ContentLengthList",
              "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1, 1\r\n\r\nx", 400},
        Shape{"TransferEncodingGzip",
              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
        Shape{"TransferEncodingChunkedNotLast",
              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400},
        Shape{"TransferEncodingGzipThenChunked",
              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400},
        Shape{"TransferEncodingTwice",
              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        Shape{"TransferEncodingOnHttp10",
              "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        Shape{"ObsFold", "GET / HTTP/1.1\r\nHost: t\r\nX-A: b\r\n c\r\n\r\n", 400},
        Shape{"ObsFoldHidingTransferEncoding",
              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n chunked\r\n\r\n0\r\n\r\n", 400},
        Shape{"CrWithoutLfInValue", "GET / HTTP/1.1\r\nHost: t\r\nX-A: b\rc\r\n\r\n", 400},
        Shape{"CrWithoutLfEndingLine", "GET / HTTP/1.1\r\nHost: t\r\nX-A: b\rX-B: c\r\n\r\n", 400},
        Shape{"CrWithoutLfInRequestLine", "GET / HTTP/1.1\rHost: t\r\n\r\n", 400},
        Shape{"BareLf", "GET / HTTP/1.1\nHost: t\n\n", 400},
        Shape{"NulInValue", std::string("GET / HTTP/1.1\r\nHost: t\r\nX-A: b\0c\r\n\r\n", 36), 400},
        Shape{"NulInName", std::string("GET / HTTP/1.1\r\nHost: t\r\nX\0A: b\r\n\r\n", 34), 400},
        Shape{"EmptyHeaderName",
              "POST / HTTP/1.1\r\nHost: t\r\n:Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        Shape{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost: t\r\nX-A : b\r\n\r\n", 400},
        Shape{"SpaceBeforeColonContentLength",
              "POST / HTTP/1.1\r\nHost: t\r\nContent-Length : 1\r\n\r\nx", 400},
        Shape{"NegativeContentLength", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400},
        Shape{"BadChunkSize",
              "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400},
        Shape{"MissingHost", "GET / HTTP/1.1\r\n\r\n", 400},
        Shape{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        Shape{"Http2Version", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505}),
    [](const ::testing::TestParamInfo<Shape>& info) { return std::string(info.param.name); });

TEST(HttpServer, HalfClosedClientStillGetsItsAnswersThenTheConnectionCloses) {
  Held held;
  LoopThread loop(options_with(held.fn()));
  Client c(loop.port());
  c.send(get_request("/a") + get_request("/b"));
  ::shutdown(c.fd(), SHUT_WR);  // like `printf ... | nc`: done sending, still reading
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 2; }));
  loop.call([&] {
    held.requests[1]->respond(200, "text/plain", "b");
    held.requests[0]->respond(200, "text/plain", "a");
  });
  auto a = c.read_response(), b = c.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->body, "a");
  EXPECT_EQ(b->body, "b");
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_TRUE(eventually(loop, [&] { return loop.server().connection_count() == 0; }));
}

TEST(HttpServer, AnswerAfterTheClientLeftIsDroppedSafely) {
  Held held;
  LoopThread loop(options_with(held.fn()));
  {
    Client c(loop.port());
    c.send(get_request("/a") + get_request("/b"));
    ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 2; }));
  }
  // The client closed both directions; writing the answers fails (or lands nowhere) and the
  // connection closes. Under ASan this also proves no request is used after being freed.
  loop.call([&] {
    EXPECT_FALSE(held.requests[1]->answered());
    EXPECT_EQ(held.requests[1]->respond(200, "text/plain", "late"), PB_OK);
  });
  loop.call([&] { EXPECT_EQ(held.requests[0]->respond_error(500, "x", "late"), PB_OK); });
  EXPECT_TRUE(eventually(loop, [&] { return loop.server().connection_count() == 0; }));
  // The server still works.
  Client c(loop.port());
  c.send(get_request("/c"));
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 3; }));
  loop.call([&] { held.requests[2]->respond(200, "text/plain", "fine"); });
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "fine");
}

TEST(HttpServer, AnswerAfterTheClientResetIsDroppedSafely) {
  Held held;
  LoopThread loop(options_with(held.fn()));
  Client c(loop.port());
  c.send(get_request("/a"));
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 1; }));
  linger lg{1, 0};  // close with RST
  setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  c.close();
  ASSERT_TRUE(eventually(loop, [&] { return held.requests[0]->peer_gone(); }));
  EXPECT_EQ(loop.call([&] { return loop.server().connection_count(); }), 0u);
  EXPECT_EQ(loop.call([&] { return held.requests[0]->respond(200, "text/plain", "late"); }), PB_OK);
}

TEST(HttpServer, AddHeaderRefusesInjectionAndOwnedHeaders) {
  LoopThread loop(options_with([](Request& r) {
    EXPECT_EQ(r.add_header("X-Bad", "a\r\nSet-Cookie: x"), PB_E_INVALID);
    EXPECT_EQ(r.add_header("X Bad", "a"), PB_E_INVALID);
    EXPECT_EQ(r.add_header("", "a"), PB_E_INVALID);
    EXPECT_EQ(r.add_header("content-length", "1"), PB_E_INVALID);
    EXPECT_EQ(r.add_header("Connection", "keep-alive"), PB_E_INVALID);
    EXPECT_EQ(r.add_header("Transfer-Encoding", "chunked"), PB_E_INVALID);
    EXPECT_EQ(r.add_header("X-Request-Id", "mine"), PB_E_INVALID);
    EXPECT_EQ(r.add_header("Expires", "0"), PB_OK);
    EXPECT_EQ(r.respond(99, "text/plain", ""), PB_E_INVALID);
    EXPECT_EQ(r.respond(200, "text/plain\r\nX: y", ""), PB_E_INVALID);
    EXPECT_EQ(r.respond(201, "application/json", "{}"), PB_OK);
    EXPECT_EQ(r.respond(200, "text/plain", "again"), PB_E_STATE);
  }));
  Client c(loop.port());
  c.send(get_request("/x"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_line, "HTTP/1.1 201 Created");
  EXPECT_EQ(r->header("Expires"), "0");
  EXPECT_EQ(r->body, "{}");
  EXPECT_EQ(r->headers.size(), 5u);  // Content-Type, Content-Length, X-Request-Id, X-Version-Id, Expires
}

TEST(HttpServer, HeadGetsHeadersAndLengthWithoutBody) {
  LoopThread loop(options_with([](Request& r) { r.respond(200, "application/json", "{\"a\":1}"); }));
  Client d(loop.port());
  d.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string raw;
  while (raw.find("\r\n\r\n") == std::string::npos) {
    std::string b = d.read_exact(1);
    ASSERT_FALSE(b.empty());
    raw += b;
  }
  EXPECT_NE(raw.find("Content-Length: 7\r\n"), std::string::npos);
  d.send(get_request("/y"));
  auto g = d.read_response();
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status_line, "HTTP/1.1 200 OK");  // no stray HEAD body before it
  EXPECT_EQ(g->body, "{\"a\":1}");
}

TEST(HttpServer, ThrowingDispatchIsAnswered500) {
  LoopThread loop(options_with([](Request&) { throw std::runtime_error("boom"); }));
  Client c(loop.port());
  c.send(get_request("/x"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  c.send(get_request("/y"));  // the connection survives
  auto r2 = c.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 500);
}

TEST(HttpServer, ConnectionsOverTheLimitAreClosed) {
  ServerOptions o = options_with(echo);
  o.limits.max_connections = 1;
  LoopThread loop(std::move(o));
  Client a(loop.port());
  a.send(get_request("/a"));
  ASSERT_TRUE(a.read_response());
  Client b(loop.port());
  EXPECT_TRUE(b.closed_by_server());
  a.send(get_request("/a2"));
  EXPECT_TRUE(a.read_response());
}

TEST(HttpServer, DrainClosesIdleFinishesInFlightThenCallsDone) {
  Held held;
  LoopThread loop(options_with(held.fn()));
  Client idle(loop.port());
  Client busy(loop.port());
  idle.send(get_request("/idle"));
  busy.send(get_request("/busy"));
  ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == 2; }));
  Request* idle_req = nullptr;
  loop.call([&] {
    idle_req = held.requests[0]->path() == "/idle" ? held.requests[0] : held.requests[1];
    idle_req->respond(200, "text/plain", "idle");
  });
  ASSERT_TRUE(idle.read_response());
  Request* busy_req = held.requests[0] == idle_req ? held.requests[1] : held.requests[0];

  auto done = std::make_shared<std::promise<void>>();
  auto done_future = done->get_future();
  loop.call([&] { loop.server().drain([done] { done->set_value(); }); });
  EXPECT_TRUE(idle.closed_by_server());  // idle keep-alive: closed at once
  EXPECT_EQ(done_future.wait_for(0s), std::future_status::timeout);  // busy still in flight

  loop.call([&] { busy_req->respond(200, "text/plain", "busy"); });
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "busy");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(busy.closed_by_server());
  busy.close();  // ends the server's lingering close at once
  EXPECT_EQ(done_future.wait_for(10s), std::future_status::ready);

  EXPECT_EQ(connect_raw(loop.port()), -1);  // the listener is gone
}

// A client that resets while its request is with a handler that never answers leaves a closed
// connection waiting for that answer; the drain does not wait for it (nobody is there). After
// the drain, answer_orphans() answers it 503 (seen by on_answered, dropped on the wire) and so
// frees the connection: without it the connection leaks, which the sanitizer build's leak check
// reports at exit.
TEST(HttpServer, RequestsOfClientsThatLeftAreAnsweredAndFreedAfterTheDrain) {
  Held held;
  ServerOptions o = options_with(held.fn());
  std::vector<int> answered;  // loop thread only
  o.on_answered = [](void* user, const Request& r) {
    static_cast<std::vector<int>*>(user)->push_back(r.response_status());
  };
  o.on_answered_user = &answered;
  LoopThread loop(std::move(o));
  for (int i = 0; i < 2; ++i) {
    int fd = connect_raw(loop.port());
    ASSERT_GE(fd, 0);
    const std::string request = get_request("/held");
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    ASSERT_TRUE(eventually(loop, [&] { return held.requests.size() == static_cast<size_t>(i) + 1; }));
    linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
  }
  ASSERT_TRUE(eventually(loop, [&] { return loop.server().connection_count() == 0; }));
  EXPECT_TRUE(loop.drain_and_wait());  // nothing open: the held requests do not hold it up
  EXPECT_TRUE(loop.call([&] { return answered.empty(); }));
  loop.call([&] { loop.server().answer_orphans(); });
  EXPECT_EQ(loop.call([&] { return answered; }), (std::vector<int>{503, 503}));
  held.requests.clear();  // freed with their connections: never touched again
}

TEST(HttpServer, DrainWithNothingOpenCallsDone) {
  LoopThread loop(options_with(echo));
  EXPECT_TRUE(loop.drain_and_wait());
}

TEST(HttpServer, CreateRefusesBadOptions) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  ServerOptions no_dispatch;
  no_dispatch.port = 0;
  auto a = Server::create(&loop, no_dispatch);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, PB_E_INVALID);
  ServerOptions bad_host = options_with(echo);
  bad_host.host = "not-an-address";
  auto b = Server::create(&loop, bad_host);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, PB_E_INVALID);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

TEST(HttpServer, CreateReportsPortInUse) {
  LoopThread first(options_with(echo));
  uv_loop_t loop;
  uv_loop_init(&loop);
  ServerOptions o = options_with(echo);
  o.port = first.port();
  auto r = Server::create(&loop, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, PB_E_IO);
  EXPECT_NE(r.error().message.find(std::to_string(first.port())), std::string::npos);
  uv_run(&loop, UV_RUN_DEFAULT);  // frees the listener handle
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

}  // namespace
}  // namespace pb::http::test
