// The SDK's C++ wrapper (plugin.hpp) driven through the FakeHost: trampolines contain exceptions,
// closures are owned and freed, and the FakeHost behaves as plugin.h says the host does.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "patchbay/fake_host.hpp"

namespace {

using pb::sdk::FakeHost;
using pb::sdk::Intercept;
using pb::sdk::Request;

// A plugin whose init is whatever the test says.
struct TestPlugin : pb::sdk::Plugin {
  static inline std::function<int(TestPlugin&, std::string_view)> on_init;
  static inline std::function<void(TestPlugin&)> on_stop;
  int init(std::string_view settings) override {
    return on_init ? on_init(*this, settings) : PB_OK;
  }
  void stop() override {
    if (on_stop) on_stop(*this);
  }
  std::vector<std::string> seen;
  pb::sdk::Timer timer;
};

const pb_plugin_descriptor* descriptor() {
  static const pb_plugin_descriptor d = pb::sdk::PluginGlue<TestPlugin>::make("test", "1.0.0");
  return &d;
}

// Counts live copies, to prove closures are freed.
struct Tracked {
  static inline int live = 0;
  Tracked() { ++live; }
  Tracked(const Tracked&) { ++live; }
  ~Tracked() { --live; }
};

class SdkTest : public ::testing::Test {
 protected:
  void TearDown() override {
    TestPlugin::on_init = nullptr;
    TestPlugin::on_stop = nullptr;
  }
  FakeHost host{descriptor()};
};

TEST_F(SdkTest, RouteParamsQueryHeadersAndResponseHeaders) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
    return p.host().route("POST", "/api/v4/things/{thing_id}/parts/{part}", [](Request req) {
      std::string out = std::string(req.param("thing_id").value_or("?")) + "|" +
                        std::string(req.param("part").value_or("?")) + "|" +
                        std::string(req.query()) + "|" +
                        std::string(req.header("x-token").value_or("none")) + "|" +
                        std::string(req.body()) + "|" + std::string(req.path());
      EXPECT_EQ(req.add_header("X-Thing", "yes"), PB_OK);
      EXPECT_EQ(req.add_header("Content-Length", "1"), PB_E_INVALID);
      EXPECT_EQ(req.add_header("X-Bad", "a\r\nb"), PB_E_INVALID);
      EXPECT_FALSE(req.param("missing").has_value());
      return req.respond(201, "text/plain", out);
    });
  };
  ASSERT_EQ(host.init(), PB_OK);
  const auto& res =
      host.request("POST", "/api/v4/things/a%20b/parts/7?x=1&y=2", {{"X-Token", "abc"}}, "payload");
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body, "a b|7|x=1&y=2|abc|payload|/api/v4/things/a%20b/parts/7");
  EXPECT_EQ(res.header("x-thing"), "yes");
  EXPECT_EQ(host.request("GET", "/api/v4/things/a/parts/7").status, 404);  // method matters
}

TEST_F(SdkTest, HandlerExceptionIsLoggedAndAnswered500) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
    return p.host().route("GET", "/boom",
                          [](Request) -> int { throw std::runtime_error("kaboom"); });
  };
  ASSERT_EQ(host.init(), PB_OK);
  const auto& res = host.request("GET", "/boom");
  EXPECT_EQ(res.status, 500);
  EXPECT_TRUE(host.logged("route handler threw: kaboom"));
}

TEST_F(SdkTest, InitExceptionBecomesPluginErrorAndDropsRegistrations) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) -> int {
    p.host().route("GET", "/x", [](Request r) { return r.respond(200, "text/plain", ""); });
    throw std::logic_error("bad init");
  };
  EXPECT_EQ(host.init(), PB_E_PLUGIN);
  EXPECT_TRUE(host.logged("init threw: bad init"));
  EXPECT_EQ(host.route_count(), 0u);
  EXPECT_FALSE(host.initialized());
}

TEST_F(SdkTest, RegistrationOutsideInitIsRefusedAndItsClosureFreed) {
  TestPlugin* plugin = nullptr;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    plugin = &p;
    return PB_OK;
  };
  ASSERT_EQ(host.init(), PB_OK);
  ASSERT_EQ(host.start(), PB_OK);
  Tracked t;
  size_t before = plugin->host().closure_count();
  EXPECT_EQ(
      plugin->host().route("GET", "/late", [t](Request r) { return r.respond(200, "a", ""); }),
      PB_E_STATE);
  EXPECT_EQ(plugin->host().closure_count(), before);
  EXPECT_EQ(Tracked::live, 1);
}

TEST_F(SdkTest, DuplicateRouteIsRefused) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
    auto h = [](Request r) { return r.respond(200, "a", ""); };
    EXPECT_EQ(p.host().route("GET", "/dup", h), PB_OK);
    EXPECT_EQ(p.host().route("GET", "/dup", h), PB_E_EXISTS);
    EXPECT_EQ(p.host().route("FETCH", "/x", h), PB_E_INVALID);
    return PB_OK;
  };
  ASSERT_EQ(host.init(), PB_OK);
}

TEST_F(SdkTest, AuthenticatedRoutesFailClosed) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
    return p.host().route(
        "GET", "/private", [](Request r) { return r.respond(200, "text/plain", r.user_id()); },
        PB_ROUTE_AUTHENTICATED);
  };
  ASSERT_EQ(host.init(), PB_OK);
  const auto& denied = host.request("GET", "/private");
  EXPECT_EQ(denied.status, 401);
  EXPECT_NE(denied.body.find("api.context.session_expired.app_error"), std::string::npos);
  host.set_fallback_identity(FakeHost::Identity{"user1", "sess1", "system_user"});
  EXPECT_EQ(host.request("GET", "/private").body, "user1");
}

TEST_F(SdkTest, AuthInterceptorCanDeferAndResume) {
  std::vector<Intercept> parked;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    p.host().route(
        "GET", "/me", [](Request r) { return r.respond(200, "text/plain", r.user_id()); },
        PB_ROUTE_AUTHENTICATED, "read_me");
    return p.host().intercept(
        PB_EVENT_AUTH_CHECK, 0, [&](Intercept turn, uint32_t, const void* payload) {
          auto* check = static_cast<const pb_auth_check_v1*>(payload);
          EXPECT_EQ(pb::sdk::to_sv(check->permission), "read_me");
          pb_str token{};
          if (p.host().api()->req_header(check->request, pb::sdk::to_pb("Authorization"), &token) !=
              PB_OK) {
            return static_cast<int>(PB_VERDICT_CONTINUE);
          }
          EXPECT_EQ(turn.resume(PB_VERDICT_ALLOW), PB_E_STATE);  // not pending yet
          parked.push_back(turn);
          return static_cast<int>(PB_VERDICT_PENDING);
        });
  };
  ASSERT_EQ(host.init(), PB_OK);
  const auto& res = host.request("GET", "/me", {{"Authorization", "Bearer t"}});
  EXPECT_FALSE(res.answered);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].set_identity("u42", "s1", "system_user"), PB_OK);
  EXPECT_EQ(parked[0].resume(PB_VERDICT_PENDING), PB_E_INVALID);
  EXPECT_EQ(parked[0].resume(PB_VERDICT_ALLOW), PB_OK);
  EXPECT_EQ(parked[0].resume(PB_VERDICT_ALLOW), PB_E_STATE);  // exactly once
  EXPECT_FALSE(res.answered);                                 // never re-entrantly
  host.run_pending();
  ASSERT_TRUE(res.answered);
  EXPECT_EQ(res.body, "u42");
  EXPECT_EQ(host.request("GET", "/me").status, 401);  // no token: everyone continues
}

TEST_F(SdkTest, InterceptorsRunByPriorityAndMayModify) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
    auto add = [&p](int32_t prio, std::string tag) {
      return p.host().intercept(PB_EVENT_POST_WILL_BE_CREATED, prio,
                                [tag](Intercept turn, uint32_t, const void* pl) {
                                  pb_post_v1 post = *static_cast<const pb_post_v1*>(pl);
                                  std::string msg = std::string(pb::sdk::to_sv(post.message)) + tag;
                                  post.message = pb::sdk::to_pb(msg);
                                  EXPECT_EQ(turn.replace(&post), PB_OK);
                                  return static_cast<int>(PB_VERDICT_CONTINUE);
                                });
    };
    add(50, "c");
    add(10, "a");
    add(10, "b");  // same priority: registration order
    return p.host().observe(PB_EVENT_POST_CREATED, [&p](uint32_t, const void* pl) {
      p.seen.emplace_back(pb::sdk::to_sv(static_cast<const pb_post_v1*>(pl)->message));
    });
  };
  ASSERT_EQ(host.init(), PB_OK);
  EXPECT_EQ(host.intercept_order(PB_EVENT_POST_WILL_BE_CREATED),
            (std::vector<int32_t>{10, 10, 50}));
  FakeHost::Post post;
  post.message = ">";
  const auto& r = host.create_post(post);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.post.message, ">abc");
  ASSERT_EQ(host.committed_posts().size(), 1u);
  EXPECT_EQ(host.committed_posts()[0].message, ">abc");
}

TEST_F(SdkTest, InterceptorExceptionRejectsWith500) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
    return p.host().intercept(
        PB_EVENT_POST_WILL_BE_CREATED, 0,
        [](Intercept, uint32_t, const void*) -> int { throw std::runtime_error("nope"); });
  };
  ASSERT_EQ(host.init(), PB_OK);
  const auto& r = host.create_post(FakeHost::Post{});
  EXPECT_EQ(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.http_status, 500);
  EXPECT_TRUE(host.committed_posts().empty());
  EXPECT_TRUE(host.logged("interceptor threw: nope"));
}

TEST_F(SdkTest, SubscriptionsCheckTheEventKind) {
  TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
    EXPECT_EQ(p.host().observe(PB_EVENT_AUTH_CHECK, [](uint32_t, const void*) {}),
              PB_E_UNSUPPORTED);
    EXPECT_EQ(p.host().intercept(PB_EVENT_POST_CREATED, 0,
                                 [](Intercept, uint32_t, const void*) { return 0; }),
              PB_E_UNSUPPORTED);
    EXPECT_EQ(p.host().observe(0x7777, [](uint32_t, const void*) {}), PB_E_NOT_FOUND);
    EXPECT_FALSE(p.host().event_id("post.created").has_value());
    return PB_OK;
  };
  ASSERT_EQ(host.init(), PB_OK);
  EXPECT_EQ(host.observer_count(PB_EVENT_AUTH_CHECK), 0u);
}

TEST_F(SdkTest, PluginDefinedEvents) {
  int done_calls = 0;
  std::string done_payload;
  TestPlugin* plugin = nullptr;
  uint32_t ev = 0;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    plugin = &p;
    ev = p.host().event_id("acme.deploy").value_or(0);
    EXPECT_GE(ev, static_cast<uint32_t>(PB_EVENT_FIRST_DYNAMIC));
    EXPECT_EQ(p.host().event_id("acme.deploy"), ev);
    p.host().intercept(ev, 0, [](Intercept turn, uint32_t, const void* pl) {
      std::string data(pb::sdk::to_sv(static_cast<const pb_blob_v1*>(pl)->data));
      data += "+checked";
      pb_blob_v1 b{sizeof(pb_blob_v1), pb::sdk::to_pb(data)};
      turn.replace(&b);
      return static_cast<int>(PB_VERDICT_CONTINUE);
    });
    return p.host().observe(ev, [&p](uint32_t, const void* pl) {
      p.seen.emplace_back(pb::sdk::to_sv(static_cast<const pb_blob_v1*>(pl)->data));
    });
  };
  ASSERT_EQ(host.init(), PB_OK);
  EXPECT_EQ(host.event_id("acme.deploy"), ev);

  EXPECT_EQ(plugin->host().publish_intercept(
                ev, "v1",
                [&](int verdict, int, std::string_view, std::string_view, const void* pl) {
                  ++done_calls;
                  EXPECT_EQ(verdict, PB_VERDICT_CONTINUE);
                  done_payload = pb::sdk::to_sv(static_cast<const pb_blob_v1*>(pl)->data);
                }),
            PB_OK);
  EXPECT_EQ(done_calls, 0);  // never from inside the call
  host.run_pending();
  EXPECT_EQ(done_calls, 1);
  EXPECT_EQ(done_payload, "v1+checked");

  EXPECT_EQ(plugin->host().publish_observe(ev, "seen-1"), PB_OK);
  host.publish_observe("acme.deploy", "seen-2");
  EXPECT_EQ(plugin->seen, (std::vector<std::string>{"seen-1", "seen-2"}));
  EXPECT_EQ(host.publish_intercept("acme.deploy", "x").blob, "x+checked");
  EXPECT_EQ(plugin->host().publish_observe(PB_EVENT_FIRST_DYNAMIC + 999, "x"), PB_E_NOT_FOUND);
}

TEST_F(SdkTest, KvReadListDelete) {
  TestPlugin* plugin = nullptr;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    plugin = &p;
    return PB_OK;
  };
  ASSERT_EQ(host.init(), PB_OK);
  host.kv() = {{"a/1", "x"}, {"a/2", "y"}, {"b/1", "z"}};
  auto& h = plugin->host();
  EXPECT_EQ(h.kv_get("a/2"), "y");
  EXPECT_FALSE(h.kv_get("nope").has_value());
  std::vector<std::string> keys;
  EXPECT_EQ(h.kv_list("a/",
                      [&](std::string_view k, std::string_view) {
                        keys.emplace_back(k);
                        return false;
                      }),
            PB_OK);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2"}));
  int status = 1;
  EXPECT_EQ(h.kv_delete("a/1", [&](int s) { status = s; }), PB_OK);
  EXPECT_EQ(status, 1);
  host.run_pending();
  EXPECT_EQ(status, PB_OK);
  EXPECT_EQ(host.kv().count("a/1"), 0u);
  EXPECT_EQ(h.kv_put("", "v", [](int) { ADD_FAILURE() << "an error return must never call back"; }),
            PB_E_INVALID);
  EXPECT_EQ(h.kv_put(std::string(512, 'k'), "v", nullptr), PB_E_INVALID);
  host.run_pending();
}

TEST_F(SdkTest, OneShotClosuresAreFreedAsTheyCompleteAndTheRestAtDestroy) {
  TestPlugin* plugin = nullptr;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    plugin = &p;  // a route's closure stays for the plugin's life: the one-shots come after it
    return p.host().route("GET", "/x", [](Request r) { return r.respond(200, "text/plain", ""); });
  };
  ASSERT_EQ(host.init(), PB_OK);
  auto& h = plugin->host();
  const size_t base = h.closure_count();
  std::vector<int> ran;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(h.post_to_loop([&ran, i, t = Tracked()] { ran.push_back(i); }), PB_OK);
  }
  EXPECT_EQ(h.closure_count(), base + 5);
  EXPECT_EQ(Tracked::live, 5);
  host.run_pending();  // oldest first: each from between the route's closure and a newer one
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(h.closure_count(), base);
  EXPECT_EQ(Tracked::live, 0);
  EXPECT_EQ(host.request("GET", "/x").status, 200);  // the route's closure is intact

  ASSERT_EQ(h.post_to_loop([t = Tracked()] {}), PB_OK);
  ASSERT_EQ(h.post_to_loop([t = Tracked()] {}), PB_OK);
  EXPECT_EQ(Tracked::live, 2);
  host.destroy();  // never run: freed with the plugin
  EXPECT_EQ(Tracked::live, 0);
}

TEST_F(SdkTest, TimersFireInOrderAndAreFreed) {
  TestPlugin* plugin = nullptr;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    plugin = &p;
    return PB_OK;
  };
  ASSERT_EQ(host.init(), PB_OK);
  auto& h = plugin->host();
  std::vector<std::string> fired;
  size_t base = h.closure_count();
  h.timer_start(30, 0, [&] { fired.push_back("once@30"); });
  auto rep =
      h.timer_start(10, 25, [&] { fired.push_back("rep@" + std::to_string(host.now_ms())); });
  ASSERT_TRUE(rep);
  host.advance(60);
  EXPECT_EQ(fired, (std::vector<std::string>{"rep@10", "once@30", "rep@35", "rep@60"}));
  EXPECT_EQ(h.closure_count(), base + 1);  // the one-shot is gone, the repeating one stays
  EXPECT_EQ(h.timer_stop(rep), PB_OK);
  EXPECT_EQ(h.closure_count(), base);
  host.advance(100);
  EXPECT_EQ(fired.size(), 4u);
  EXPECT_EQ(host.active_timers(), 0u);
}

TEST_F(SdkTest, PostToLoopFromAnotherThreadAndQueueWork) {
  TestPlugin* plugin = nullptr;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    plugin = &p;
    return PB_OK;
  };
  ASSERT_EQ(host.init(), PB_OK);
  auto& h = plugin->host();
  const auto loop = std::this_thread::get_id();
  std::atomic<bool> posted{false};
  std::thread other([&] {
    EXPECT_EQ(h.post_to_loop([&] { posted = std::this_thread::get_id() == loop; }), PB_OK);
  });
  other.join();
  EXPECT_FALSE(posted);
  std::thread::id worker_id;
  int loop_only_from_worker = 0;
  bool after_on_loop = false;
  EXPECT_EQ(h.queue_work(
                [&] {
                  worker_id = std::this_thread::get_id();
                  loop_only_from_worker = h.api()->kv_put(h.self(), pb::sdk::to_pb("k"),
                                                          pb::sdk::to_pb("v"), nullptr, nullptr);
                },
                [&] { after_on_loop = std::this_thread::get_id() == loop; }),
            PB_OK);
  host.run_pending();
  EXPECT_TRUE(posted);
  EXPECT_NE(worker_id, loop);
  EXPECT_EQ(loop_only_from_worker, PB_E_STATE);
  EXPECT_TRUE(after_on_loop);
}

TEST_F(SdkTest, ClosuresAreFreedAtDestroy) {
  ASSERT_EQ(Tracked::live, 0);
  {
    FakeHost local(descriptor());
    TestPlugin::on_init = [](TestPlugin& p, std::string_view) {
      Tracked t;
      p.host().route("GET", "/t", [t](Request r) { return r.respond(200, "a", ""); });
      p.host().observe(PB_EVENT_POST_CREATED, [t](uint32_t, const void*) {});
      p.timer = p.host().timer_start(1000, 1000, [t] {});
      p.host().kv_put("k", "v", [t](int) {});  // cancelled by stop
      return PB_OK;
    };
    ASSERT_EQ(local.init(), PB_OK);
    EXPECT_EQ(Tracked::live, 4);
    local.stop();
    EXPECT_EQ(Tracked::live, 3);  // the cancelled kv completion ran and was freed
    local.destroy();
    EXPECT_EQ(Tracked::live, 0);
  }
}

TEST_F(SdkTest, ConfigJsonAndDeveloperErrors) {
  std::string seen_config;
  TestPlugin::on_init = [&](TestPlugin& p, std::string_view) {
    seen_config = p.host().config_json();
    return p.host().route("GET", "/err", [](Request r) {
      return r.respond_error(418 + 82, "x.id", "Broken", "stack trace");
    });
  };
  host.set_config_json(R"({"ServiceSettings":{"SiteURL":"http://x"}})");
  ASSERT_EQ(host.init(), PB_OK);
  EXPECT_EQ(seen_config, R"({"ServiceSettings":{"SiteURL":"http://x"}})");
  const auto& hidden = host.request("GET", "/err");
  EXPECT_EQ(hidden.status, 500);
  EXPECT_NE(hidden.body.find(R"("detailed_error":"")"), std::string::npos) << hidden.body;
  host.set_developer_mode(true);
  const auto& shown = host.request("GET", "/err");
  EXPECT_NE(shown.body.find(R"("detailed_error":"stack trace")"), std::string::npos) << shown.body;
  EXPECT_NE(shown.body.find(R"("request_id":"fakereq)"), std::string::npos) << shown.body;
}

TEST(SdkJson, EscapesStrings) {
  EXPECT_EQ(pb::sdk::json_string("a\"b\\c\n\x01é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
}

}  // namespace
