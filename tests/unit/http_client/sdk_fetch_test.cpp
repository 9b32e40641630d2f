// The SDK side of http_fetch: Host::http_fetch/http_cancel in plugin.hpp, against FakeHost's
// scripted fetches (what plugin authors unit-test with).
#include <gtest/gtest.h>

#include <patchbay/fake_host.hpp>
#include <patchbay/plugin.hpp>

#include <string>
#include <vector>

namespace {

struct Seen {
  int status = 1;
  int http_status = 0;
  std::string body, header, detail;
};

// GET /api/v4/probe?u=<url>: fetches and records the outcome in `seen`.
class Prober : public pb::sdk::Plugin {
 public:
  static inline std::vector<Seen>* seen = nullptr;
  static inline uint64_t last_id = 0;
  int init(std::string_view) override {
    return host().route("POST", "/api/v4/probe", [this](pb::sdk::Request req) {
      pb::sdk::FetchRequest fetch;
      fetch.method = "POST";
      fetch.url = req.body();
      fetch.headers = {pb::sdk::http_header("Content-Type", "application/json")};
      fetch.body = "{}";
      fetch.timeout_ms = 1500;
      fetch.max_response_bytes = 10;
      int rc = host().http_fetch(
          fetch,
          [](int status, const pb::sdk::FetchResponse* response, std::string_view detail) {
            Seen s;
            s.status = status;
            s.detail = detail;
            if (response) {
              s.http_status = response->status();
              s.body = response->body();
              s.header = response->header("x-reply").value_or("");
            }
            seen->push_back(s);
          },
          &last_id);
      return req.respond(rc == PB_OK ? 202 : 400, "text/plain", rc == PB_OK ? "started" : "refused");
    });
  }
};

}  // namespace

PB_PLUGIN(Prober, "prober", "1.0.0")

namespace {

class SdkFetch : public ::testing::Test {
 protected:
  void SetUp() override {
    Prober::seen = &seen_;
    ASSERT_EQ(host_.init(), PB_OK);
    ASSERT_EQ(host_.start(), PB_OK);
  }
  int probe(std::string url) { return host_.request("POST", "/api/v4/probe", {}, url).status; }

  std::vector<Seen> seen_;
  pb::sdk::FakeHost host_{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
};

TEST_F(SdkFetch, RequestIsRecordedAndScriptedReplyDeliveredLater) {
  host_.script_fetch(pb::sdk::FakeHost::FetchReply::ok(201, "hi", {{"X-Reply", "yes"}}));
  ASSERT_EQ(probe("https://hooks.example.com/x"), 202);
  EXPECT_TRUE(seen_.empty()) << "called back inside http_fetch";
  ASSERT_EQ(host_.fetched().size(), 1u);
  const auto& sent = host_.fetched()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://hooks.example.com/x");
  EXPECT_EQ(sent.body, "{}");
  EXPECT_EQ(sent.header("content-type"), "application/json");
  EXPECT_EQ(sent.timeout_ms, 1500u);
  EXPECT_EQ(sent.max_response_bytes, 10u);
  host_.run_pending();
  ASSERT_EQ(seen_.size(), 1u);
  EXPECT_EQ(seen_[0].status, PB_OK);
  EXPECT_EQ(seen_[0].http_status, 201);
  EXPECT_EQ(seen_[0].body, "hi");
  EXPECT_EQ(seen_[0].header, "yes");
  EXPECT_EQ(host_.pending_fetches(), 0u);
}

TEST_F(SdkFetch, ErrorsOverCapCancelAndStop) {
  ASSERT_EQ(probe("http://a.example/"), 202);
  uint64_t first = Prober::last_id;
  ASSERT_EQ(probe("http://b.example/"), 202);
  uint64_t second = Prober::last_id;
  ASSERT_EQ(probe("http://c.example/"), 202);
  ASSERT_EQ(probe("http://d.example/"), 202);
  EXPECT_EQ(host_.pending_fetches(), 4u);
  EXPECT_TRUE(host_.complete_fetch(first, pb::sdk::FakeHost::FetchReply::error(PB_E_TIMEOUT, "slow")));
  EXPECT_FALSE(host_.complete_fetch(first, pb::sdk::FakeHost::FetchReply::ok(200, "")));
  EXPECT_TRUE(host_.complete_fetch(second, pb::sdk::FakeHost::FetchReply::ok(200, "more than ten")));
  ASSERT_EQ(seen_.size(), 2u);
  EXPECT_EQ(seen_[0].status, PB_E_TIMEOUT);
  EXPECT_EQ(seen_[0].detail, "slow");
  EXPECT_EQ(seen_[1].status, PB_E_LIMIT);
  EXPECT_EQ(host_.fetched()[1].completed_with, PB_E_LIMIT);
  // Cancel the third through the raw API (the wrapper's http_cancel forwards to it).
  uint64_t third = host_.fetched()[2].id;
  EXPECT_EQ(host_.api()->http_cancel(host_.self(), third), PB_OK);
  EXPECT_EQ(host_.api()->http_cancel(host_.self(), third), PB_E_NOT_FOUND);
  EXPECT_EQ(seen_.size(), 2u);
  host_.run_pending();
  ASSERT_EQ(seen_.size(), 3u);
  EXPECT_EQ(seen_[2].status, PB_E_CANCELED);
  host_.stop();  // the fourth is still in flight
  ASSERT_EQ(seen_.size(), 4u);
  EXPECT_EQ(seen_[3].status, PB_E_CANCELED);
  EXPECT_EQ(host_.pending_fetches(), 0u);
}

TEST_F(SdkFetch, InvalidRequestsNeverCallBack) {
  EXPECT_EQ(probe("ftp://x/"), 400);
  EXPECT_EQ(probe("not a url"), 400);
  host_.run_pending();
  EXPECT_TRUE(seen_.empty());
  EXPECT_TRUE(host_.fetched().empty());
}

}  // namespace
