// Posts through the real binary: creation through the bus (interceptors reject, rewrite and stage;
// observers see the committed post), reading, patching, soft delete, and PostList paging.
#include "tests/integration/chat_support.h"

namespace pb::itest {
namespace {

class ChatPosts : public ChatServer {
 protected:
  void SetUp() override {
    ChatServer::SetUp();
    alice_ = create_user("alice");
    bob_ = create_user("bob", alice_);
    team_ = create_team("eng", alice_);
    channel_ = create_channel(team_, "builds", "O", alice_);
  }
  std::string alice_, bob_, team_, channel_;
};

TEST_F(ChatPosts, CreateGoesThroughTheBus) {
  auto r = call("POST", "/api/v4/posts",
                R"({"channel_id":")" + channel_ + R"(","message":"hello","props":{"k":"v"}})", alice_);
  ASSERT_EQ(r.status, 201) << r.body;
  auto post = json(r);
  std::string id = post["id"].GetString();
  EXPECT_TRUE(is_mattermost_id(id));
  EXPECT_STREQ(post["message"].GetString(), "hello");
  EXPECT_STREQ(post["user_id"].GetString(), alice_.c_str());
  EXPECT_STREQ(post["channel_id"].GetString(), channel_.c_str());
  EXPECT_STREQ(post["props"]["k"].GetString(), "v");
  EXPECT_EQ(post["delete_at"].GetInt64(), 0);

  // The interceptor's staged write committed with the post; the observer saw it, with the
  // user-post flag that lets outgoing webhooks fire.
  auto staged = call("GET", "/api/v4/test_auth/kv/post%2F" + id);
  EXPECT_EQ(staged.status, 200);
  EXPECT_EQ(staged.body, "hello");
  auto seen = call("GET", "/api/v4/test_auth/posts_seen");
  EXPECT_EQ(seen.body, R"({"count":1,"last_flags":2,"last_message":"hello"})");

  auto rewritten = call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":"rewrite me"})", alice_);
  ASSERT_EQ(rewritten.status, 201);
  EXPECT_EQ(json_string(rewritten.body, "message"), "rewritten");

  auto rejected = call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":"reject me"})", alice_);
  EXPECT_TRUE(is_app_error(rejected, 400, "test_auth.post.rejected"));
  seen = call("GET", "/api/v4/test_auth/posts_seen");
  EXPECT_EQ(seen.body, R"({"count":2,"last_flags":2,"last_message":"rewritten"})");
}

TEST_F(ChatPosts, CreateIsRefusedWhenItShouldBe) {
  // bob is not a member of the channel (not even of the team).
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":"x"})", bob_),
                           403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + std::string(26, 'q') + R"(","message":"x"})", alice_),
                           403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":5})", alice_),
                           400, "api.context.invalid_body_param.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":"x","props":"no"})", alice_),
                           400, "api.context.invalid_body_param.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":"x","type":"system_join"})", alice_),
                           400, "api.context.invalid_param.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":"x","root_id":")" + std::string(26, 'q') + "\"}", alice_),
                           400, "api.post.create_post.root_id.app_error"));
  std::string too_long(16384, 'a');
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":")" + too_long + "\"}", alice_),
                           400, "model.post.is_valid.msg.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + channel_ + R"(","message":"x"})"), 401,
                           "api.context.session_expired.app_error"));
}

TEST_F(ChatPosts, ReadPatchDelete) {
  add_to_team(team_, bob_, alice_);
  std::string id = create_post(channel_, "first", alice_);
  auto read = call("GET", "/api/v4/posts/" + id, "", bob_);  // an open channel of bob's team
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json_string(read.body, "message"), "first");

  EXPECT_TRUE(is_app_error(call("PUT", "/api/v4/posts/" + id + "/patch", R"({"message":"bob was here"})", bob_), 403,
                           "api.context.permissions.app_error"));
  auto patched = call("PUT", "/api/v4/posts/" + id + "/patch", R"({"message":"edited","is_pinned":true})", alice_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto doc = json(patched);
  EXPECT_STREQ(doc["message"].GetString(), "edited");
  EXPECT_TRUE(doc["is_pinned"].GetBool());
  EXPECT_GT(doc["edit_at"].GetInt64(), 0);

  EXPECT_TRUE(is_app_error(call("DELETE", "/api/v4/posts/" + id, "", bob_), 403, "api.context.permissions.app_error"));
  auto deleted = call("DELETE", "/api/v4/posts/" + id, "", alice_);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, R"({"status":"OK"})");
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/posts/" + id, "", alice_), 404, "app.post.get.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/posts/" + std::string(26, 'q'), "", alice_), 404, "app.post.get.app_error"));
  auto list = call("GET", "/api/v4/channels/" + channel_ + "/posts", "", alice_);
  EXPECT_EQ(json(list)["order"].Size(), 0u);
}

// The 201 answer is the stored row itself (written once for both): byte for byte what reading
// the post back answers, props and escapes included.
TEST_F(ChatPosts, TheCreateAnswerIsThePostAsStored) {
  auto created = call("POST", "/api/v4/posts",
                      R"({"channel_id":")" + channel_ +
                          R"(","message":"caf\u00e9 \"q\" \ud83d\ude00","props":{"attachments":[)"
                          R"({"text":"t","fields":[{"title":"a","value":"1","short":true}]}],"n":1.5e300}})",
                      alice_);
  ASSERT_EQ(created.status, 201) << created.body;
  auto read = call("GET", "/api/v4/posts/" + json_string(created.body, "id"), "", alice_);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body, created.body);
}

// The loop reuses the memory of finished post creations: a post carries nothing of the one made
// before it (a reply's root, a longer message, props), and gets its own id.
TEST_F(ChatPosts, APostCarriesNothingOfThePostBefore) {
  std::string root = create_post(channel_, "root", alice_);
  auto reply = call("POST", "/api/v4/posts",
                    R"({"channel_id":")" + channel_ + R"(","root_id":")" + root +
                        R"(","message":")" + std::string(3000, 'r') + R"(","props":{"k":")" +
                        std::string(500, 'v') + R"("}})",
                    alice_);
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto plain = call("POST", "/api/v4/posts",
                    R"({"channel_id":")" + channel_ + R"(","message":"short"})", alice_);
  ASSERT_EQ(plain.status, 201) << plain.body;
  auto doc = json(plain);
  EXPECT_STREQ(doc["root_id"].GetString(), "");
  EXPECT_STREQ(doc["message"].GetString(), "short");
  EXPECT_STREQ(doc["type"].GetString(), "");
  EXPECT_EQ(doc["props"].MemberCount(), 0u);
  EXPECT_FALSE(doc["is_pinned"].GetBool());
  EXPECT_NE(json_string(plain.body, "id"), json_string(reply.body, "id"));
  auto read = call("GET", "/api/v4/posts/" + json_string(plain.body, "id"), "", alice_);
  EXPECT_EQ(read.body, plain.body);
}

TEST_F(ChatPosts, ChannelPostsArePagedNewestFirst) {
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 5; ++i) ids.push_back(create_post(channel_, "m" + std::to_string(i), alice_));
  auto order = [&](const std::string& query) {
    auto r = call("GET", "/api/v4/channels/" + channel_ + "/posts" + query, "", alice_);
    EXPECT_EQ(r.status, 200) << r.body;
    auto doc = json(r);
    std::vector<std::string> out;
    for (const auto& id : doc["order"].GetArray()) {
      out.emplace_back(id.GetString());
      EXPECT_TRUE(doc["posts"].HasMember(id.GetString()));
    }
    EXPECT_EQ(doc["posts"].MemberCount(), out.size());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(order(""), (V{ids[4], ids[3], ids[2], ids[1], ids[0]}));
  EXPECT_EQ(order("?page=0&per_page=2"), (V{ids[4], ids[3]}));
  EXPECT_EQ(order("?page=1&per_page=2"), (V{ids[2], ids[1]}));
  EXPECT_EQ(order("?page=2&per_page=2"), (V{ids[0]}));
  EXPECT_EQ(order("?page=3&per_page=2"), V{});
  EXPECT_EQ(order("?before=" + ids[3] + "&per_page=2"), (V{ids[2], ids[1]}));
  EXPECT_EQ(order("?after=" + ids[1] + "&per_page=2"), (V{ids[3], ids[2]}));
  EXPECT_EQ(order("?after=" + ids[3]), (V{ids[4]}));

  auto r = call("GET", "/api/v4/channels/" + channel_ + "/posts?before=" + ids[3] + "&per_page=2", "", alice_);
  EXPECT_EQ(json_string(r.body, "next_post_id"), ids[3]);
  EXPECT_EQ(json_string(r.body, "prev_post_id"), ids[0]);

  // since: everything created or changed at or after the time, deletions included.
  auto third = call("GET", "/api/v4/posts/" + ids[2], "", alice_);
  int64_t t = json(third)["create_at"].GetInt64();
  auto since = order("?since=" + std::to_string(t));
  EXPECT_GE(since.size(), 3u);
  EXPECT_EQ(since.front(), ids[4]);

  // Non-members of a private channel cannot page it.
  std::string priv = create_channel(team_, "hidden", "P", alice_);
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/channels/" + priv + "/posts", "", bob_), 403,
                           "api.context.permissions.app_error"));
}

}  // namespace
}  // namespace pb::itest
