// Unit tests of the hello plugin against the SDK's FakeHost: no server, no dlopen.
#include <gtest/gtest.h>

#include "patchbay/fake_host.hpp"

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace {

using pb::sdk::FakeHost;

class HelloTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(host.init(R"({"Greeting":"Hi there","BlockedWord":"spam","ReportEverySeconds":60})"),
              PB_OK);
    ASSERT_EQ(host.start(), PB_OK);
  }
  FakeHost host{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
};

TEST(HelloDescriptor, DescribesItself) {
  const pb_plugin_descriptor* d = pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR);
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->id, "hello");
  EXPECT_STREQ(d->version, "1.0.0");
  EXPECT_EQ(d->abi_major, PB_ABI_MAJOR);
  EXPECT_EQ(d->struct_size, sizeof(pb_plugin_descriptor));
}

TEST_F(HelloTest, RegistersItsRoutes) {
  EXPECT_TRUE(host.has_route("GET", "/api/v4/plugins/hello/greeting"));
  EXPECT_TRUE(host.has_route("PUT", "/api/v4/plugins/hello/greeting"));
  EXPECT_EQ(host.observer_count(PB_EVENT_POST_CREATED), 1u);
}

TEST_F(HelloTest, GreetsWithTheConfiguredGreeting) {
  const auto& res = host.request("GET", "/api/v4/plugins/hello/greeting");
  ASSERT_TRUE(res.answered);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, R"({"greeting":"Hi there","posts_seen":0})");
  EXPECT_TRUE(res.header("x-request-id").has_value());
}

TEST_F(HelloTest, PutIsAnsweredOnlyAfterTheWriteIsDurable) {
  const auto& put = host.request("PUT", "/api/v4/plugins/hello/greeting", {}, "Good \"day\"");
  EXPECT_FALSE(put.answered);
  EXPECT_EQ(host.pending_kv_writes(), 1u);
  EXPECT_EQ(host.kv().count("greeting"), 0u);
  host.run_pending();
  ASSERT_TRUE(put.answered);
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.body, R"({"status":"OK"})");
  EXPECT_EQ(host.kv().at("greeting"), "Good \"day\"");
  const auto& get = host.request("GET", "/api/v4/plugins/hello/greeting");
  EXPECT_EQ(get.body, R"({"greeting":"Good \"day\"","posts_seen":0})");
}

TEST_F(HelloTest, AFailedWriteIsReportedAndChangesNothing) {
  host.fail_next_kv_writes(PB_E_IO);
  const auto& put = host.request("PUT", "/api/v4/plugins/hello/greeting", {}, "Yo");
  host.run_pending();
  ASSERT_TRUE(put.answered);
  EXPECT_EQ(put.status, 500);
  EXPECT_NE(put.body.find("\"id\":\"plugins.hello.save.app_error\""), std::string::npos);
  EXPECT_NE(put.body.find("\"status_code\":500"), std::string::npos);
  EXPECT_EQ(host.kv().count("greeting"), 0u);
}

TEST_F(HelloTest, StoppingCancelsPendingWrites) {
  const auto& put = host.request("PUT", "/api/v4/plugins/hello/greeting", {}, "Late");
  host.stop();
  ASSERT_TRUE(put.answered);
  EXPECT_EQ(put.status, 500);
  EXPECT_EQ(host.kv().count("greeting"), 0u);
}

TEST_F(HelloTest, EmptyBodyIsABadRequest) {
  const auto& put = host.request("PUT", "/api/v4/plugins/hello/greeting");
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(host.pending_kv_writes(), 0u);
}

TEST_F(HelloTest, CountsCreatedPosts) {
  FakeHost::Post post;
  post.message = "hello world";
  EXPECT_EQ(host.create_post(post).verdict, PB_VERDICT_CONTINUE);
  EXPECT_TRUE(host.create_post(post).done);
  EXPECT_EQ(host.committed_posts().size(), 2u);
  const auto& res = host.request("GET", "/api/v4/plugins/hello/greeting");
  EXPECT_EQ(res.body, R"({"greeting":"Hi there","posts_seen":2})");
}

TEST_F(HelloTest, RejectsPostsWithTheBlockedWord) {
  FakeHost::Post post;
  post.message = "buy spam now";
  const auto& result = host.create_post(post);
  ASSERT_TRUE(result.done);
  EXPECT_EQ(result.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(result.http_status, 400);
  EXPECT_EQ(result.error_id, "plugins.hello.blocked_word.app_error");
  EXPECT_TRUE(host.committed_posts().empty());
}

TEST_F(HelloTest, ReportsOnItsTimer) {
  host.notify_post_created(FakeHost::Post{});
  host.advance(59'999);
  EXPECT_FALSE(host.logged("posts seen"));
  host.advance(1);
  EXPECT_TRUE(host.logged("hello: 1 posts seen"));
  host.advance(120'000);
  EXPECT_EQ(host.active_timers(), 1u);
}

TEST_F(HelloTest, ConfigureChangesTheGreeting) {
  ASSERT_EQ(host.configure(R"({"Greeting":"Howdy","BlockedWord":"","ReportEverySeconds":60})"),
            PB_OK);
  EXPECT_EQ(host.request("GET", "/api/v4/plugins/hello/greeting").body,
            R"({"greeting":"Howdy","posts_seen":0})");
  FakeHost::Post post;
  post.message = "spam is fine now";
  EXPECT_EQ(host.create_post(post).verdict, PB_VERDICT_CONTINUE);
}

TEST_F(HelloTest, UnknownPathsAre404) {
  const auto& res = host.request("GET", "/api/v4/plugins/hello/nope");
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.body.find("api.context.404.app_error"), std::string::npos);
}

}  // namespace
