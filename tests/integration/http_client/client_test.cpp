// The HTTP client (core/http_client) against loopback servers run inside the test: every body
// framing, keep-alive reuse, the limits, the timeout, the address guard (no connection
// attempted), TLS with a CA made at test time, cancel and "plugin stop" (cancel_owner).
// The test's thread runs the client's libuv loop; each server runs on its own threads.
#include "core/http_client/client.h"

#include <gtest/gtest.h>
#include <uv.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/support/loopback_server.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::http_client {
namespace {

using itest::LoopbackConnection;
using itest::LoopbackServer;

struct Outcome {
  int calls = 0;
  int status = 1;
  int http_status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string detail;
};

void record(void* user, int status, const pb_http_response_v1* response, pb_str detail) {
  auto* out = static_cast<Outcome*>(user);
  ++out->calls;
  out->status = status;
  out->detail.assign(detail.data ? detail.data : "", detail.len);
  if (response != nullptr) {
    out->http_status = response->status;
    out->body.assign(response->body.data ? response->body.data : "", response->body.len);
    for (size_t i = 0; i < response->header_count; ++i) {
      out->headers.emplace_back(std::string(response->headers[i].name.data, response->headers[i].name.len),
                                std::string(response->headers[i].value.data, response->headers[i].value.len));
    }
  }
}

pb_str s(std::string_view v) { return pb_str{v.data(), v.size()}; }

// Occupies every thread of libuv's pool until release(), so that work queued meanwhile (a DNS
// lookup) is certain to be still waiting: a resolver that answers at once (no network, as in CI)
// would otherwise let a lookup finish during the first turn of the loop.
class ThreadPoolHold {
 public:
  explicit ThreadPoolHold(uv_loop_t* loop) : loop_(loop), works_(pool_size()) {
    for (auto& work : works_) {
      work.data = this;
      EXPECT_EQ(uv_queue_work(loop, &work, &ThreadPoolHold::hold,
                              [](uv_work_t* done, int) {
                                --static_cast<ThreadPoolHold*>(done->data)->pending_;
                              }),
                0);
      ++pending_;
    }
  }
  // The works are libuv's until their after-work callbacks have run on the loop.
  ~ThreadPoolHold() {
    release();
    while (pending_ > 0) uv_run(loop_, UV_RUN_ONCE);
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    released_changed_.notify_all();
  }

 private:
  static size_t pool_size() {  // libuv's rule: UV_THREADPOOL_SIZE, else 4
    const char* configured = std::getenv("UV_THREADPOOL_SIZE");
    long size = configured != nullptr ? std::atol(configured) : 4;
    return static_cast<size_t>(std::clamp(size, 1L, 1024L));
  }
  static void hold(uv_work_t* work) {
    auto* self = static_cast<ThreadPoolHold*>(work->data);
    std::unique_lock lock(self->mutex_);
    self->released_changed_.wait(lock, [self] { return self->released_; });
  }

  uv_loop_t* loop_;
  std::vector<uv_work_t> works_;
  size_t pending_ = 0;
  std::mutex mutex_;
  std::condition_variable released_changed_;
  bool released_ = false;
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);  // as the server does: a peer's reset is an error code, not a kill
    ASSERT_EQ(uv_loop_init(&loop_), 0);
  }
  void TearDown() override {
    client_.reset();
    uv_run(&loop_, UV_RUN_DEFAULT);  // the closes (and an orphaned DNS lookup) finish
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle was left open";
  }

  Client& client(ClientOptions options = {}) {
    if (options.allow_list.empty()) options.allow_list = allow_;
    auto created = Client::create(&loop_, std::move(options));
    EXPECT_TRUE(created.ok()) << created.error().message;
    client_ = std::move(*created);
    return *client_;
  }

  // Starts a request; EXPECTs it to be accepted.
  uint64_t start(Outcome& out, std::string url, std::string_view method = "GET",
                 std::string_view body = "", uint32_t timeout_ms = 10000, size_t max = 0,
                 const void* owner = nullptr) {
    url_ = std::move(url);
    pb_http_header headers[] = {{s("X-Test"), s("1")}};
    pb_http_fetch_v1 req{};
    req.struct_size = sizeof req;
    req.method = s(method);
    req.url = s(url_);
    req.headers = headers;
    req.header_count = 1;
    req.body = s(body);
    req.timeout_ms = timeout_ms;
    req.max_response_bytes = max;
    auto id = client_->fetch(req, owner, &record, &out);
    EXPECT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(out.calls, 0) << "called back from inside fetch()";
    return id.ok() ? *id : 0;
  }

  void wait(const Outcome& out) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (out.calls == 0 && std::chrono::steady_clock::now() < deadline) {
      uv_run(&loop_, UV_RUN_ONCE);
    }
    ASSERT_EQ(out.calls, 1);
  }

  Outcome fetch(std::string url, std::string_view method = "GET", std::string_view body = "",
                uint32_t timeout_ms = 10000, size_t max = 0) {
    Outcome out;
    start(out, std::move(url), method, body, timeout_ms, max);
    wait(out);
    return out;
  }

  // Turns the loop a few times so that late callbacks would show (exactly once).
  void settle() {
    for (int i = 0; i < 5; ++i) uv_run(&loop_, UV_RUN_NOWAIT);
  }

  static std::string at(uint16_t port, std::string_view path = "/") {
    return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
  }

  uv_loop_t loop_;
  std::string allow_ = "127.0.0.1 ::1 localhost";
  std::string url_;
  std::unique_ptr<Client> client_;
};

// Answers every request on the connection with `response` until the client closes.
LoopbackServer::Script answer_all(std::string response, std::string* last_request = nullptr) {
  return [response, last_request](LoopbackConnection& c) {
    for (;;) {
      std::string request = c.read_request();
      if (request.empty()) return;
      if (last_request) *last_request = request;
      c.write(response);
    }
  };
}

TEST_F(ClientTest, ContentLengthResponseAndTheRequestAsSent) {
  std::string seen;
  LoopbackServer server(answer_all("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-R: a\r\n\r\nhello", &seen));
  client();
  Outcome out = fetch(at(server.port(), "/hook?x=1"), "POST", "{\"a\":1}");
  EXPECT_EQ(out.status, PB_OK) << out.detail;
  EXPECT_EQ(out.http_status, 201);
  EXPECT_EQ(out.body, "hello");
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.headers[1].first, "X-R");
  EXPECT_EQ(seen.rfind("POST /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1:", 0), 0u) << seen;
  EXPECT_NE(seen.find("\r\nX-Test: 1\r\n"), std::string::npos);
  EXPECT_NE(seen.find("\r\nContent-Length: 7\r\n"), std::string::npos);
  EXPECT_NE(seen.find("\r\n\r\n{\"a\":1}"), std::string::npos);
  settle();
  EXPECT_EQ(out.calls, 1);
}

TEST_F(ClientTest, ChunkedResponse) {
  LoopbackServer server(answer_all(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  client();
  Outcome out = fetch(at(server.port()));
  EXPECT_EQ(out.status, PB_OK) << out.detail;
  EXPECT_EQ(out.body, "abcde");
}

TEST_F(ClientTest, CloseDelimitedResponse) {
  LoopbackServer server([](LoopbackConnection& c) {
    c.read_request();
    c.write("HTTP/1.1 200 OK\r\n\r\nuntil ");
    c.write("close");
  });
  client();
  Outcome out = fetch(at(server.port()));
  EXPECT_EQ(out.status, PB_OK) << out.detail;
  EXPECT_EQ(out.body, "until close");
  EXPECT_EQ(client_->idle_connections(), 0u);  // a close-delimited connection is not reused
}

TEST_F(ClientTest, InterimResponseSkippedAndHeadHasNoBody) {
  LoopbackServer server([](LoopbackConnection& c) {
    c.read_request();
    c.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    c.read_request();
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    c.wait_closed();
  });
  client();
  Outcome first = fetch(at(server.port()));
  EXPECT_EQ(first.body, "ok");
  Outcome head = fetch(at(server.port()), "HEAD");
  EXPECT_EQ(head.status, PB_OK) << head.detail;
  EXPECT_EQ(head.http_status, 200);
  EXPECT_EQ(head.body, "");
}

TEST_F(ClientTest, KeepAliveReusesOneConnection) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  client();
  for (int i = 0; i < 5; ++i) {
    Outcome out = fetch(at(server.port()));
    ASSERT_EQ(out.status, PB_OK) << out.detail;
  }
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client_->connections_opened(), 1u);
  EXPECT_EQ(client_->idle_connections(), 1u);
}

// Turns the loop until `done()` or 5 s passed.
template <typename Fn>
bool turn_until(uv_loop_t* loop, Fn done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) uv_run(loop, UV_RUN_ONCE);
  return done();
}

TEST_F(ClientTest, IdleConnectionsCloseAfterTheIdleTimeout) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  ClientOptions options;
  options.idle_timeout_ms = 100;
  client(options);
  ASSERT_EQ(fetch(at(server.port())).status, PB_OK);
  EXPECT_EQ(client_->idle_connections(), 1u);
  EXPECT_TRUE(turn_until(&loop_, [&] { return client_->idle_connections() == 0; }));
}

TEST_F(ClientTest, PooledConnectionClosedByTheServerLeavesThePool) {
  LoopbackServer server([](LoopbackConnection& c) {
    c.read_request();
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");  // keep-alive, then hangs up
  });
  client();
  ASSERT_EQ(fetch(at(server.port())).status, PB_OK);
  EXPECT_TRUE(turn_until(&loop_, [&] { return client_->idle_connections() == 0; }));
  ASSERT_EQ(fetch(at(server.port())).status, PB_OK);  // on a new connection, no retry needed
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(ClientTest, ConnectionCloseIsNotReused) {
  LoopbackServer server([](LoopbackConnection& c) {
    c.read_request();
    c.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
  });
  client();
  EXPECT_EQ(fetch(at(server.port())).status, PB_OK);
  EXPECT_EQ(fetch(at(server.port())).status, PB_OK);
  EXPECT_EQ(server.accepted(), 2);
}

// The keep-alive race: the server closes a pooled connection just as the next request arrives
// on it. That request fails before any response byte and is retried once, on a new connection.
TEST_F(ClientTest, DeadPooledConnectionIsRetriedOnceOnANewOne) {
  std::atomic<int> connection_no{0};
  LoopbackServer server([&](LoopbackConnection& c) {
    int no = ++connection_no;
    if (no == 1) {
      c.read_request();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
      c.read_request();  // the second request arrives; the server hangs up without answering
      return;
    }
    c.read_request();
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
    c.wait_closed();
  });
  client();
  Outcome first = fetch(at(server.port()));
  ASSERT_EQ(first.body, "1");
  Outcome second = fetch(at(server.port()));
  EXPECT_EQ(second.status, PB_OK) << second.detail;
  EXPECT_EQ(second.body, "2");
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(ClientTest, RetryHappensOnlyOnceAndOnlyForPooledConnections) {
  std::atomic<int> connection_no{0};
  LoopbackServer server([&](LoopbackConnection& c) {
    if (++connection_no == 1) {
      c.read_request();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1");
    }
    c.read_request();  // every later request: hang up without an answer
  });
  client();
  ASSERT_EQ(fetch(at(server.port())).status, PB_OK);
  Outcome second = fetch(at(server.port()));
  EXPECT_EQ(second.status, PB_E_IO) << second.detail;
  EXPECT_EQ(server.accepted(), 2);  // the pooled one, then exactly one retry
  Outcome fresh = fetch(at(server.port()));  // a new connection that fails is not retried
  EXPECT_EQ(fresh.status, PB_E_IO);
  EXPECT_EQ(server.accepted(), 3);
}

TEST_F(ClientTest, GarbageResponseIsIo) {
  LoopbackServer server(answer_all("this is not HTTP\r\n\r\n"));
  client();
  Outcome out = fetch(at(server.port()));
  EXPECT_EQ(out.status, PB_E_IO);
  EXPECT_NE(out.detail.find("malformed response"), std::string::npos) << out.detail;
}

TEST_F(ClientTest, ClosedWithoutAnswerIsIo) {
  LoopbackServer server([](LoopbackConnection& c) { c.read_request(); });
  client();
  Outcome out = fetch(at(server.port()));
  EXPECT_EQ(out.status, PB_E_IO);
}

TEST_F(ClientTest, OversizedResponseIsLimit) {
  LoopbackServer server([](LoopbackConnection& c) {
    c.read_request();
    c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunk = "4000\r\n" + std::string(0x4000, 'x') + "\r\n";
    for (int i = 0; i < 200; ++i) c.write(chunk);  // 3.2 MB, never finished
    c.wait_closed();
  });
  client();
  Outcome out = fetch(at(server.port()), "GET", "", 10000, 100000);
  EXPECT_EQ(out.status, PB_E_LIMIT) << out.detail;
}

TEST_F(ClientTest, DefaultCapIsOneMebibyte) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n"));
  client();
  EXPECT_EQ(fetch(at(server.port())).status, PB_E_LIMIT);
}

TEST_F(ClientTest, SlowServerIsTimeout) {
  LoopbackServer server([](LoopbackConnection& c) {
    c.read_request();
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\npart");  // then silence
    c.wait_closed();
  });
  client();
  auto before = std::chrono::steady_clock::now();
  Outcome out = fetch(at(server.port()), "GET", "", 300);
  EXPECT_EQ(out.status, PB_E_TIMEOUT) << out.detail;
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(290));
}

TEST_F(ClientTest, DefaultTimeoutComesFromTheOptions) {
  LoopbackServer server([](LoopbackConnection& c) { c.wait_closed(); });
  ClientOptions options;
  options.default_timeout_ms = 200;
  client(options);
  Outcome out = fetch(at(server.port()), "GET", "", 0);
  EXPECT_EQ(out.status, PB_E_TIMEOUT);
}

TEST_F(ClientTest, InternalAddressesAreRefusedByDefaultWithoutConnecting) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  LoopbackServer server6(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), "::1");
  allow_ = " ";  // nothing allowed
  client();
  std::string port = std::to_string(server.port());
  for (const std::string& url : std::vector<std::string>{"http://127.0.0.1:" + port + "/", "http://localhost:" + port + "/",
                          "http://[::1]:" + std::to_string(server6.port()) + "/",
                          "http://[::ffff:127.0.0.1]:" + port + "/", "http://10.0.0.1/",
                          "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:" + port + "/",
                          "http://2130706433:" + port + "/"}) {
    Outcome out = fetch(url);
    EXPECT_EQ(out.status, PB_E_DENIED) << url << ": " << out.detail;
    EXPECT_NE(out.detail.find("AllowedUntrustedInternalConnections"), std::string::npos);
  }
  EXPECT_EQ(server.accepted(), 0);
  EXPECT_EQ(server6.accepted(), 0);
  EXPECT_EQ(client_->connections_opened(), 0u);
}

TEST_F(ClientTest, AllowListByNameCidrAndIp) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  std::string port = std::to_string(server.port());
  for (std::string allow : std::vector<std::string>{"localhost", "127.0.0.0/8", "127.0.0.1"}) {
    allow_ = allow;
    client();
    std::string url = (allow == "localhost" ? "http://localhost:" : "http://127.0.0.1:") + port + "/";
    Outcome out = fetch(url);
    EXPECT_EQ(out.status, PB_OK) << allow << ": " << out.detail;
  }
}

TEST_F(ClientTest, RefusedConnectionIsIo) {
  uint16_t port;
  { LoopbackServer gone(answer_all("")); port = gone.port(); }
  client();
  Outcome out = fetch(at(port));
  EXPECT_EQ(out.status, PB_E_IO);
  EXPECT_NE(out.detail.find("connect 127.0.0.1:"), std::string::npos) << out.detail;
}

TEST_F(ClientTest, UnresolvableNameIsIo) {
  client();
  Outcome out = fetch("http://no-such-host.invalid/");
  EXPECT_EQ(out.status, PB_E_IO);
  EXPECT_NE(out.detail.find("resolve"), std::string::npos) << out.detail;
}

// DNS cache (dns_cache.h): no pooled connection here, so every request needs the name's
// addresses; only the first (and the first after the entry expired) asks getaddrinfo.
TEST_F(ClientTest, ANameIsResolvedOnceWhileItsAddressesAreCached) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  ClientOptions options;
  options.max_idle_per_origin = 0;
  options.dns.positive_ttl_ms = 200;
  client(options);
  std::string url = "http://localhost:" + std::to_string(server.port()) + "/";
  for (int i = 0; i < 3; ++i) ASSERT_EQ(fetch(url).status, PB_OK);
  EXPECT_EQ(client_->dns_lookups(), 1u);
  EXPECT_EQ(server.accepted(), 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  ASSERT_EQ(fetch(url).status, PB_OK);
  EXPECT_EQ(client_->dns_lookups(), 2u) << "the entry outlived its TTL";
}

TEST_F(ClientTest, CachedAddressesAreStillCheckedByTheGuard) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  allow_ = " ";  // nothing allowed: localhost's addresses are refused however they were found
  client();
  std::string url = "http://localhost:" + std::to_string(server.port()) + "/";
  for (int i = 0; i < 2; ++i) {
    Outcome out = fetch(url);
    EXPECT_EQ(out.status, PB_E_DENIED) << out.detail;
  }
  EXPECT_EQ(client_->dns_lookups(), 1u);
  EXPECT_EQ(client_->connections_opened(), 0u);
  EXPECT_EQ(server.accepted(), 0);
}

TEST_F(ClientTest, AFailedLookupIsRememberedForTheNegativeTtl) {
  ClientOptions options;
  options.dns.negative_ttl_ms = 200;
  client(options);
  Outcome first = fetch("http://no-such-host.invalid/");
  Outcome second = fetch("http://no-such-host.invalid/");
  EXPECT_EQ(first.status, PB_E_IO);
  EXPECT_EQ(second.status, PB_E_IO);
  EXPECT_EQ(second.detail, first.detail);
  EXPECT_EQ(client_->dns_lookups(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_EQ(fetch("http://no-such-host.invalid/").status, PB_E_IO);
  EXPECT_EQ(client_->dns_lookups(), 2u);
}

TEST_F(ClientTest, InvalidRequestsAreRefusedAndNeverCallBack) {
  client();
  Outcome out;
  pb_http_fetch_v1 req{};
  req.struct_size = sizeof req;
  req.method = s("GET");
  for (std::string_view url : {"ftp://x/", "http://", "not a url", "http://a b/"}) {
    req.url = s(url);
    auto id = client_->fetch(req, nullptr, &record, &out);
    ASSERT_FALSE(id.ok()) << url;
    EXPECT_EQ(id.error().code, PB_E_INVALID);
  }
  req.url = s("http://127.0.0.1/");
  req.method = s("get");
  EXPECT_FALSE(client_->fetch(req, nullptr, &record, &out).ok());
  req.method = s("GET");
  req.struct_size = sizeof req - 1;
  EXPECT_FALSE(client_->fetch(req, nullptr, &record, &out).ok());
  req.struct_size = sizeof req;
  EXPECT_FALSE(client_->fetch(req, nullptr, nullptr, &out).ok());
  settle();
  EXPECT_EQ(out.calls, 0);
}

TEST_F(ClientTest, CancelCompletesLaterWithCanceled) {
  LoopbackServer server([](LoopbackConnection& c) { c.wait_closed(); });
  client();
  Outcome out;
  int owner = 0;
  uint64_t id = start(out, at(server.port()), "GET", "", 10000, 0, &owner);
  EXPECT_EQ(client_->cancel(&owner + 1, id), PB_E_NOT_FOUND);  // not the owner's
  EXPECT_EQ(client_->cancel(&owner, id), PB_OK);
  EXPECT_EQ(out.calls, 0) << "called back from inside cancel()";
  EXPECT_EQ(client_->cancel(&owner, id), PB_E_NOT_FOUND);
  wait(out);
  EXPECT_EQ(out.status, PB_E_CANCELED);
  EXPECT_EQ(client_->cancel(&owner, id), PB_E_NOT_FOUND);
  settle();
  EXPECT_EQ(out.calls, 1);
}

TEST_F(ClientTest, CancelOwnerEndsOnlyThatOwnersRequestsBeforeReturning) {
  LoopbackServer server([](LoopbackConnection& c) { c.wait_closed(); });
  client();
  int plugin_a = 0, plugin_b = 0;
  Outcome a1, a2, b1;
  ThreadPoolHold hold(&loop_);
  start(a1, at(server.port()), "GET", "", 10000, 0, &plugin_a);
  start(a2, "http://no-such-host.invalid/", "GET", "", 10000, 0, &plugin_a);  // still resolving
  start(b1, at(server.port()), "GET", "", 300, 0, &plugin_b);
  uv_run(&loop_, UV_RUN_NOWAIT);
  EXPECT_EQ(a2.calls, 0) << "the lookup ran though the pool was held";
  client_->cancel_owner(&plugin_a);
  hold.release();
  EXPECT_EQ(a1.calls, 1);
  EXPECT_EQ(a1.status, PB_E_CANCELED);
  EXPECT_EQ(a2.calls, 1);
  EXPECT_EQ(a2.status, PB_E_CANCELED);
  EXPECT_EQ(b1.calls, 0);
  wait(b1);
  EXPECT_EQ(b1.status, PB_E_TIMEOUT);
  settle();
  EXPECT_EQ(a1.calls + a2.calls + b1.calls, 3);
}

TEST_F(ClientTest, ShutdownCancelsAndRefusesNewRequests) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  client();
  EXPECT_EQ(fetch(at(server.port())).status, PB_OK);
  EXPECT_EQ(client_->idle_connections(), 1u);
  Outcome pending;
  start(pending, at(server.port()));
  client_->shutdown();
  EXPECT_EQ(pending.calls, 1);
  EXPECT_EQ(pending.status, PB_E_CANCELED);
  EXPECT_EQ(client_->idle_connections(), 0u);
  pb_http_fetch_v1 req{};
  req.struct_size = sizeof req;
  req.method = s("GET");
  req.url = s("http://127.0.0.1/");
  auto id = client_->fetch(req, nullptr, &record, &pending);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, PB_E_STATE);
}

TEST_F(ClientTest, ManyConcurrentRequestsEachCompleteOnce) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  ClientOptions options;
  options.max_idle_per_origin = 4;
  client(options);
  std::vector<Outcome> outs(40);
  for (auto& o : outs) start(o, at(server.port()));
  for (auto& o : outs) wait(o);
  for (auto& o : outs) EXPECT_EQ(o.status, PB_OK) << o.detail;
  EXPECT_LE(client_->idle_connections(), 4u);
}

// A completed request is kept for the next one (client.cpp, kMaxSpareFetches): the next request
// carries nothing of it — not its body, target, headers, failure or deferred completion.
TEST_F(ClientTest, AReusedRequestCarriesNothingOfThePreviousOne) {
  std::string seen_a, seen_b;
  LoopbackServer a(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", &seen_a));
  LoopbackServer b(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", &seen_b));
  // No pooled connections: an idle one's 30 s timer would be what the fixture's UV_RUN_ONCE
  // waits for after a completion that closed nothing (a kept request closes no handle).
  ClientOptions options;
  options.max_idle_per_origin = 0;
  client(options);
  Outcome first = fetch(at(a.port(), "/first?long=" + std::string(3000, 'x')), "POST",
                        std::string(5000, 'y'));
  ASSERT_EQ(first.status, PB_OK) << first.detail;
  EXPECT_EQ(client_->spare_fetches(), 1u);
  // A refused request completes deferred, through its timer, with a detail of its own.
  Outcome refused = fetch("http://10.0.0.1/x");
  EXPECT_EQ(refused.status, PB_E_DENIED);
  EXPECT_EQ(client_->spare_fetches(), 1u);
  Outcome second = fetch(at(b.port(), "/second"));
  ASSERT_EQ(second.status, PB_OK) << second.detail;
  EXPECT_EQ(second.body, "b");
  EXPECT_EQ(second.detail, "");
  EXPECT_EQ(seen_b.rfind("GET /second HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(b.port()) +
                             "\r\n", 0), 0u) << seen_b;
  EXPECT_EQ(seen_b.find("Content-Length"), std::string::npos) << seen_b;
  EXPECT_EQ(seen_b.find("yyyy"), std::string::npos);
  EXPECT_TRUE(seen_b.ends_with("\r\n\r\n")) << seen_b;
  // Its deadline is its own: a short timeout after a long one still fires.
  LoopbackServer silent([](LoopbackConnection& c) {
    c.read_request();
    c.wait_closed();
  });
  Outcome slow = fetch(at(silent.port()), "GET", "", 50);
  EXPECT_EQ(slow.status, PB_E_TIMEOUT) << slow.detail;
  settle();
  EXPECT_EQ(first.calls + refused.calls + second.calls + slow.calls, 4);
}

// At most kMaxSpareFetches (64) completed requests are kept, whatever was in flight at once.
TEST_F(ClientTest, KeptRequestsAreBounded) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  client();
  std::vector<Outcome> outs(100);
  for (auto& o : outs) start(o, at(server.port()));
  for (auto& o : outs) wait(o);
  for (auto& o : outs) EXPECT_EQ(o.status, PB_OK) << o.detail;
  EXPECT_EQ(client_->spare_fetches(), 64u);
  EXPECT_EQ(client_->in_flight(), 0u);
}

// A request larger than the socket takes at once: the first write sends part of it from the
// request's buffer, the rest is queued and follows; the server gets every byte in order.
TEST_F(ClientTest, ARequestTooLargeForOneWriteArrivesWhole) {
  std::string seen;
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", &seen));
  client();
  std::string body(8 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  Outcome out = fetch(at(server.port()), "POST", body);
  ASSERT_EQ(out.status, PB_OK) << out.detail;
  ASSERT_GE(seen.size(), body.size());
  EXPECT_TRUE(seen.ends_with(body));
  // The connection is still usable for the next request.
  EXPECT_EQ(fetch(at(server.port())).status, PB_OK);
  EXPECT_EQ(client_->connections_opened(), 1u);
}

// ---- TLS -------------------------------------------------------------------------------------

class TlsClientTest : public ClientTest {
 protected:
  void SetUp() override {
    ClientTest::SetUp();
    ASSERT_TRUE(itest::make_test_pki(dir_.path().string(), &pki_)) << "openssl CLI failed";
    files_ = itest::TlsFiles{pki_.cert_file, pki_.key_file};
  }
  itest::TempDir dir_;
  itest::TestPki pki_;
  itest::TlsFiles files_;
};

TEST_F(TlsClientTest, AcceptedWithTheCaAdded) {
  std::string seen;
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure", &seen),
                        "127.0.0.1", &files_);
  ClientOptions options;
  options.extra_ca_file = pki_.ca_file;
  client(options);
  std::string url = "https://localhost:" + std::to_string(server.port()) + "/tls";
  Outcome out = fetch(url, "POST", "body");
  EXPECT_EQ(out.status, PB_OK) << out.detail;
  EXPECT_EQ(out.body, "secure");
  EXPECT_EQ(seen.rfind("POST /tls HTTP/1.1\r\n", 0), 0u);
  // Reused: the TLS session stays on the pooled connection.
  Outcome again = fetch(url);
  EXPECT_EQ(again.status, PB_OK) << again.detail;
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(TlsClientTest, RefusedWithoutTheCa) {
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), "127.0.0.1", &files_);
  client();
  Outcome out = fetch("https://localhost:" + std::to_string(server.port()) + "/");
  EXPECT_EQ(out.status, PB_E_IO);
  EXPECT_NE(out.detail.find("certificate verify failed"), std::string::npos) << out.detail;
}

TEST_F(TlsClientTest, RefusedWithTheWrongHostName) {
  // The certificate names only "localhost"; 127.0.0.1 is the same server under another name.
  LoopbackServer server(answer_all("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), "127.0.0.1", &files_);
  ClientOptions options;
  options.extra_ca_file = pki_.ca_file;
  client(options);
  Outcome out = fetch("https://127.0.0.1:" + std::to_string(server.port()) + "/");
  EXPECT_EQ(out.status, PB_E_IO);
  EXPECT_NE(out.detail.find("certificate verify failed"), std::string::npos) << out.detail;
}

TEST_F(TlsClientTest, UnreadableCaFileFailsCreation) {
  ClientOptions options;
  options.extra_ca_file = (dir_.path() / "missing.pem").string();
  auto created = Client::create(&loop_, options);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, PB_E_IO);
}

}  // namespace
}  // namespace pb::http_client
