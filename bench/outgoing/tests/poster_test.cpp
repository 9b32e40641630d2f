// The poster against a stand-in for patchbay (the core's HTTP server on loopback, in this
// process): every post is answered and counted, its times are in order, and the request is the
// one a client sends. Outcomes are structural (counts, order), never timing thresholds.
#include "bench/outgoing/poster.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/http/server.h"

namespace pb::bench {
namespace {

class PosterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.version_id = "test";
    o.dispatch = [this](http::Request& r) {
      ++requests_;
      last_target_ = std::string(r.target());
      last_body_ = std::string(r.body());
      last_authorization_ = std::string(r.header("Authorization").value_or(""));
      r.respond(status_, "application/json", R"({"id":"p"})");
    };
    auto server = http::Server::create(&loop_, std::move(o));
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(server.value());
  }
  void TearDown() override {
    server_.reset();
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
  }

  PosterOptions options(double rate, double duration_s) {
    PosterOptions o;
    o.port = server_->port();
    o.token = "tok123";
    o.channel_id = "chan456";
    o.connections = 4;
    o.rate = rate;
    o.duration_s = duration_s;
    o.capacity = 100000;
    return o;
  }

  // Runs a poster to completion; the server is stopped afterwards so the loop can end.
  std::unique_ptr<Poster> run(PosterOptions o) {
    auto poster = Poster::create(&loop_, std::move(o));
    EXPECT_TRUE(poster);
    if (!poster) return nullptr;
    Poster* p = poster->get();
    p->start([this, p] {
      p->close();
      server_.reset();
    });
    uv_run(&loop_, UV_RUN_DEFAULT);
    return std::move(poster.value());
  }

  uv_loop_t loop_{};
  std::unique_ptr<http::Server> server_;
  int status_ = 201;
  int requests_ = 0;
  std::string last_target_, last_body_, last_authorization_;
};

TEST_F(PosterTest, OpenLoopIssuesExactlyRateTimesDurationPostsAndTimesThemInOrder) {
  auto p = run(options(2000, 0.1));  // 200 posts due over 0.1 s
  ASSERT_TRUE(p);
  EXPECT_EQ(p->issued(), 200u);
  EXPECT_EQ(p->acknowledged(), 200u);
  EXPECT_EQ(p->failed(), 0u);
  EXPECT_EQ(p->aborted_after_ns(), 0u);
  EXPECT_EQ(requests_, 200);
  const PostTimes& t = p->times();
  for (uint64_t n = 0; n < 200; ++n) {
    EXPECT_EQ(t.due[n], p->started_ns() + n * 500'000) << n;  // 1/2000 s apart
    EXPECT_GE(t.issued[n], t.due[n]) << n;
    EXPECT_GE(t.sent[n], t.issued[n]) << n;
    EXPECT_GT(t.acked[n], t.sent[n]) << n;
  }
  EXPECT_EQ(t.acked[200], 0u);
}

TEST_F(PosterTest, SendsTheMattermostCreatePostRequest) {
  auto p = run(options(1000, 0.003));
  ASSERT_TRUE(p);
  ASSERT_EQ(p->acknowledged(), 3u);
  EXPECT_EQ(last_target_, "/api/v4/posts");
  EXPECT_EQ(last_authorization_, "Bearer tok123");
  EXPECT_EQ(last_body_, R"({"channel_id":"chan456","message":"go 2"})");
}

TEST_F(PosterTest, ClosedLoopAnswersEveryPostIssued) {
  auto p = run(options(0, 0.05));
  ASSERT_TRUE(p);
  EXPECT_GT(p->issued(), 0u);
  EXPECT_EQ(p->acknowledged(), p->issued());
  EXPECT_EQ(static_cast<uint64_t>(requests_), p->issued());
  const PostTimes& t = p->times();
  for (uint64_t n = 0; n < p->issued(); ++n) {
    EXPECT_EQ(t.due[n], t.issued[n]) << n;  // closed loop: due when sent
    EXPECT_GT(t.acked[n], t.due[n]) << n;
  }
}

TEST_F(PosterTest, ARefusedPostIsAFailureByStatusNotAnAcknowledgement) {
  status_ = 500;
  auto p = run(options(1000, 0.005));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->issued(), 5u);
  EXPECT_EQ(p->acknowledged(), 0u);
  EXPECT_EQ(p->failed(), 5u);
  EXPECT_EQ(p->failure_summary(), "status 500: 5");
  EXPECT_EQ(p->times().acked[0], 0u);
}

TEST_F(PosterTest, RefusesOptionsThatWouldMakeABadRequest) {
  auto o = options(1000, 1);
  o.token = "a b";
  EXPECT_FALSE(Poster::create(&loop_, o));
  o = options(1000, 1);
  o.channel_id = "x\"y";
  EXPECT_FALSE(Poster::create(&loop_, o));
  o = options(1000, 1);
  o.connections = 0;
  EXPECT_FALSE(Poster::create(&loop_, o));
}

}  // namespace
}  // namespace pb::bench
