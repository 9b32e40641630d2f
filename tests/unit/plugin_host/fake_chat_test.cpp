// FakeHost's chat model (ABI minors 2 and 4) driven through the raw function table, as a plugin calls
// it: the server's read rule, team roles, direct channels made once, and post_create's checks,
// intercept chain, commit and deferred completion.
#include <gtest/gtest.h>

#include <string>

#include "patchbay/fake_host.hpp"

namespace {

using pb::sdk::FakeHost;
using pb::sdk::to_pb;
using pb::sdk::to_sv;

constexpr const char* kTeam = "team4567890123456789012345";
constexpr const char* kOpen = "open4567890123456789012345";
constexpr const char* kPrivate = "priv4567890123456789012345";
constexpr const char* kArchived = "arch4567890123456789012345";

class FakeChat : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_ = add("alice", "system_user");
    bob_ = add("bob", "system_user");
    admin_ = add("admin", "system_user system_admin");
    host_.add_channel(kOpen, kTeam, "O", "town-square");
    host_.add_channel(kPrivate, kTeam, "P", "secret");
    FakeHost::Channel archived;
    archived.id = kArchived;
    archived.team_id = kTeam;
    archived.name = "old";
    archived.delete_at = 5;
    host_.add_channel(archived);
    host_.add_team_member(kTeam, alice_, "team_user team_admin");
  }
  std::string add(std::string name, std::string roles) {
    FakeHost::User u;
    u.username = std::move(name);
    u.roles = std::move(roles);
    return host_.add_user(u);
  }
  const pb_host_api& api() { return *host_.api(); }

  struct Outcome {
    bool called = false;
    int status = 0, http_status = 0;
    std::string error_id, id, message, channel_id, user_id;
  };
  static void record(void* u, int status, int http, pb_str id, pb_str, const pb_post_v1* p) {
    auto* o = static_cast<Outcome*>(u);
    o->called = true;
    o->status = status;
    o->http_status = http;
    o->error_id = std::string(to_sv(id));
    if (p != nullptr) {
      o->id = std::string(to_sv(p->id));
      o->message = std::string(to_sv(p->message));
      o->channel_id = std::string(to_sv(p->channel_id));
      o->user_id = std::string(to_sv(p->user_id));
    }
  }
  int post(Outcome& out, const char* channel, const char* message, const char* root = "") {
    pb_post_v1 d{};
    d.struct_size = sizeof d;
    d.channel_id = to_pb(channel);
    d.user_id = to_pb(alice_);
    d.root_id = to_pb(root);
    d.message = to_pb(message);
    d.flags = PB_POST_FROM_WEBHOOK;
    return api().post_create(host_.self(), &d, &record, &out);
  }

  FakeHost host_;
  std::string alice_, bob_, admin_;
};

TEST_F(FakeChat, CanReadFollowsTheServersRule) {
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb(kOpen), to_pb(alice_)), 1);  // team
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb(kOpen), to_pb(bob_)), 0);    // not in it
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb(kPrivate), to_pb(alice_)), 0);
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb(kPrivate), to_pb(admin_)), 1);
  host_.add_channel_member(kPrivate, alice_);
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb(kPrivate), to_pb(alice_)), 1);
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb("nochannel"), to_pb(alice_)),
            PB_E_NOT_FOUND);
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb(kOpen), to_pb("nobody")), PB_E_NOT_FOUND);
}

TEST_F(FakeChat, ChannelLookupsAndTeamRoles) {
  std::string found;
  auto got = [](void* u, const pb_channel_v1* c) {
    *static_cast<std::string*>(u) = std::string(to_sv(c->id)) + "/" + std::string(to_sv(c->type));
  };
  EXPECT_EQ(api().channel_get(host_.self(), to_pb(kPrivate), got, &found), PB_OK);
  EXPECT_EQ(found, std::string(kPrivate) + "/P");
  EXPECT_EQ(api().channel_get_by_name(host_.self(), to_pb(kTeam), to_pb("town-square"), got,
                                      &found),
            PB_OK);
  EXPECT_EQ(found, std::string(kOpen) + "/O");
  EXPECT_EQ(api().channel_get_by_name(host_.self(), to_pb("otherteam"), to_pb("town-square"), got,
                                      &found),
            PB_E_NOT_FOUND);
  std::string roles;
  auto role_fn = [](void* u, pb_str v) { *static_cast<std::string*>(u) = std::string(to_sv(v)); };
  EXPECT_EQ(api().team_member_roles(host_.self(), to_pb(kTeam), to_pb(alice_), role_fn, &roles),
            PB_OK);
  EXPECT_EQ(roles, "team_user team_admin");
  EXPECT_EQ(api().team_member_roles(host_.self(), to_pb(kTeam), to_pb(bob_), role_fn, &roles),
            PB_E_NOT_FOUND);
  host_.set_chat_supported(false);
  EXPECT_EQ(api().channel_get(host_.self(), to_pb(kOpen), got, &found), PB_E_UNSUPPORTED);
}

TEST_F(FakeChat, TeamLookupByIdAndRename) {
  FakeHost::Team team;
  team.id = kTeam;
  team.name = "eng";
  host_.add_team(team);
  std::string name;
  auto keep_name = [](void* u, const pb_team_v1* t) {
    *static_cast<std::string*>(u) = std::string(to_sv(t->name));
  };
  EXPECT_EQ(api().team_get(host_.self(), to_pb(kTeam), keep_name, &name), PB_OK);
  EXPECT_EQ(name, "eng");
  team.name = "platform";  // a rename replaces the team
  host_.add_team(team);
  EXPECT_EQ(api().team_get(host_.self(), to_pb(kTeam), keep_name, &name), PB_OK);
  EXPECT_EQ(name, "platform");
  EXPECT_EQ(api().team_get(host_.self(), to_pb(kOpen), keep_name, &name), PB_E_NOT_FOUND);
  EXPECT_EQ(api().team_get(host_.self(), to_pb(kTeam), nullptr, nullptr), PB_E_INVALID);
  EXPECT_EQ(host_.team_lookups(), 3u);
  host_.set_chat_supported(false);
  EXPECT_EQ(api().team_get(host_.self(), to_pb(kTeam), keep_name, &name), PB_E_UNSUPPORTED);
}

TEST_F(FakeChat, DirectChannelIsMadeOnceLater) {
  struct Got {
    int calls = 0, status = 0;
    std::string id;
  } first, second, unknown;
  auto done = [](void* u, int status, const pb_channel_v1* c) {
    auto* g = static_cast<Got*>(u);
    ++g->calls;
    g->status = status;
    if (c != nullptr) g->id = std::string(to_sv(c->id));
  };
  ASSERT_EQ(api().channel_direct(host_.self(), to_pb(alice_), to_pb(bob_), done, &first), PB_OK);
  ASSERT_EQ(api().channel_direct(host_.self(), to_pb(bob_), to_pb(alice_), done, &second), PB_OK);
  ASSERT_EQ(api().channel_direct(host_.self(), to_pb(alice_), to_pb("nobody"), done, &unknown),
            PB_OK);
  EXPECT_EQ(first.calls, 0);  // never from inside the call
  host_.run_pending();
  EXPECT_EQ(first.status, PB_OK);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(unknown.status, PB_E_NOT_FOUND);
  EXPECT_EQ(api().channel_can_read(host_.self(), to_pb(first.id), to_pb(bob_)), 1);
  EXPECT_EQ(host_.channels().size(), 4u);
}

TEST_F(FakeChat, PostCreateRunsTheChainAndCommitsOnRunPending) {
  // An interceptor that rejects "reject", and otherwise rewrites the message and tries to move
  // the post elsewhere.
  auto replace = [](void* api, pb_intercept_ctx* ctx, uint32_t, const void* p) -> int {
    pb_post_v1 copy = *static_cast<const pb_post_v1*>(p);
    if (to_sv(copy.message) == "reject") return PB_VERDICT_REJECT;
    copy.message = to_pb("rewritten");
    copy.channel_id = to_pb(kPrivate);
    static_cast<const pb_host_api*>(api)->intercept_replace(ctx, &copy);
    return PB_VERDICT_CONTINUE;
  };
  ASSERT_EQ(host_.run_in_init_phase([&] {
    return api().subscribe_intercept(host_.self(), PB_EVENT_POST_WILL_BE_CREATED, 0, replace,
                                     const_cast<pb_host_api*>(host_.api()));
  }),
            PB_OK);
  Outcome ok;
  ASSERT_EQ(post(ok, kOpen, "hello"), PB_OK);
  EXPECT_FALSE(ok.called);
  host_.run_pending();
  ASSERT_TRUE(ok.called);
  EXPECT_EQ(ok.status, PB_OK);
  EXPECT_EQ(ok.message, "rewritten");
  EXPECT_EQ(ok.channel_id, kOpen);  // interceptors do not move posts
  ASSERT_EQ(host_.plugin_posts().size(), 1u);
  EXPECT_EQ(host_.plugin_posts()[0].id, ok.id);
  EXPECT_EQ(host_.plugin_posts()[0].flags, PB_POST_FROM_WEBHOOK);
  EXPECT_EQ(host_.committed_posts().size(), 1u);

  Outcome rejected;
  ASSERT_EQ(post(rejected, kOpen, "reject"), PB_OK);
  host_.run_pending();
  EXPECT_EQ(rejected.status, PB_E_PLUGIN);
  EXPECT_EQ(rejected.http_status, 403);
  EXPECT_EQ(host_.plugin_posts().size(), 1u);
}

TEST_F(FakeChat, PostCreateRefusesMissingChannelsAndForeignRoots) {
  Outcome root, archived, missing, bad_root, reply;
  post(root, kOpen, "root");
  post(archived, kArchived, "x");
  post(missing, "nochannel", "x");
  host_.run_pending();
  ASSERT_EQ(root.status, PB_OK);
  EXPECT_EQ(archived.http_status, 404);
  EXPECT_EQ(archived.error_id, "app.channel.get.existing.app_error");
  EXPECT_EQ(missing.http_status, 404);
  post(bad_root, kPrivate, "x", root.id.c_str());  // the root is in another channel
  post(reply, kOpen, "x", root.id.c_str());
  host_.run_pending();
  EXPECT_EQ(bad_root.http_status, 400);
  EXPECT_EQ(bad_root.error_id, "api.post.create_post.root_id.app_error");
  EXPECT_EQ(reply.status, PB_OK);
  EXPECT_EQ(host_.plugin_posts().size(), 2u);
}

}  // namespace
