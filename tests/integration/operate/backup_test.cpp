// `patchbay backup` while the server takes writes, then `patchbay restore` into a fresh store
// and a second server on it: users, sessions, teams, channels, hooks, commands and posts are
// all there, and the posts are exactly a consistent prefix of what was written. Also restore's
// refusals (store in use, store not empty without --force).
#include <rapidjson/document.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "plugins/auth/tests/server_fixture.h"
#include "tests/integration/operate/operate_support.h"

namespace pb::itest::operate {
namespace {

using pb::auth::itest::bearer;

class BackupRestore : public pb::auth::itest::AuthServer {
 protected:
  void SetUp() override {
    AuthServer::SetUp();
    make_admin();
    team_id_ = json_string(api("POST", "/api/v4/teams",
                               R"({"name":"ops","display_name":"Ops","type":"O"})").body, "id");
    auto channel = api("POST", "/api/v4/channels",
                       R"({"team_id":")" + team_id_ +
                           R"(","name":"town","display_name":"Town","type":"O"})");
    ASSERT_EQ(channel.status, 201) << channel.body;
    channel_id_ = json_string(channel.body, "id");
    auto hook = api("POST", "/api/v4/hooks/incoming",
                    R"({"channel_id":")" + channel_id_ + R"(","display_name":"CI"})");
    ASSERT_EQ(hook.status, 201) << hook.body;
    hook_id_ = json_string(hook.body, "id");
    auto command = api("POST", "/api/v4/commands",
                       R"({"team_id":")" + team_id_ +
                           R"(","trigger":"deploy","url":"http://127.0.0.1:9/deploy","method":"P"})");
    ASSERT_EQ(command.status, 201) << command.body;
    command_id_ = json_string(command.body, "id");
  }
  Response api(std::string_view method, std::string_view target, std::string_view body = "") {
    return call(method, target, body, bearer(admin_token_));
  }
  Response api_on(ServerProcess& server, std::string_view target) {
    auto r = round_trip(server.host(), server.port(),
                        get_request(target, bearer(admin_token_)));
    EXPECT_TRUE(r) << target;
    return r ? *r : Response{};
  }
  // POST /api/v4/posts; the new post's id, or "" when not acknowledged.
  std::string post(const std::string& message) {
    std::string body = R"({"channel_id":")" + channel_id_ + R"(","message":")" + message + "\"}";
    auto r = round_trip(server_->host(), server_->port(),
                        post_request("/api/v4/posts", body,
                                     bearer(admin_token_) + "Content-Type: application/json\r\n"));
    return r && r->status == 201 ? json_string(r->body, "id") : "";
  }
  // Every post id -> message of the channel, read through the API.
  std::map<std::string, std::string> posts_on(ServerProcess& server) {
    std::map<std::string, std::string> out;
    auto r = api_on(server, "/api/v4/channels/" + channel_id_ + "/posts?per_page=200&page=0");
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    if (doc.HasParseError() || !doc.HasMember("posts")) return out;
    for (auto it = doc["posts"].MemberBegin(); it != doc["posts"].MemberEnd(); ++it)
      out[it->name.GetString()] = it->value["message"].GetString();
    return out;
  }

  std::string team_id_, channel_id_, hook_id_, command_id_;
};

TEST_F(BackupRestore, ACopyTakenUnderWriteLoadRestoresEverythingConsistently) {
  std::mutex mu;
  std::map<std::string, std::string> acknowledged;  // post id -> message
  std::atomic<bool> stop{false};
  std::atomic<int> count{0};
  std::thread writer([&] {
    for (int i = 0; !stop && i < 150; ++i) {
      std::string message = "load " + std::to_string(i);
      std::string id = post(message);
      if (id.empty()) continue;
      std::lock_guard lock(mu);
      acknowledged[id] = message;
      ++count;
    }
  });
  while (count < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::map<std::string, std::string> before_backup;
  {
    std::lock_guard lock(mu);
    before_backup = acknowledged;
  }
  fs::path file = server_->dir() / "backup.pbk";
  auto backup = run_patchbay({"backup", "--to", file.string(), "--config",
                              server_->config_path().string()});
  int during = count;
  stop = true;
  writer.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("backup of store "), std::string::npos) << backup.out;
  EXPECT_GT(count.load(), 20);

  // A second server, restored from the file before its first start.
  ServerProcess restored(config_);
  auto done = run_patchbay({"restore", "--from", file.string(), "--config",
                            restored.config_path().string()},
                           {{"PB_STORESETTINGS_DIRECTORY", restored.store_dir().string()}});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  ASSERT_TRUE(restored.start());

  // The session of the original admin is in the copy: the same token works there.
  auto me = api_on(restored, "/api/v4/users/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "id"), admin_id_);
  EXPECT_EQ(api_on(restored, "/api/v4/teams/" + team_id_).status, 200);
  EXPECT_EQ(api_on(restored, "/api/v4/channels/" + channel_id_).status, 200);
  auto hook = api_on(restored, "/api/v4/hooks/incoming/" + hook_id_);
  EXPECT_EQ(hook.status, 200) << hook.body;
  EXPECT_EQ(json_string(hook.body, "channel_id"), channel_id_);
  auto command = api_on(restored, "/api/v4/commands/" + command_id_);
  EXPECT_EQ(command.status, 200) << command.body;
  EXPECT_EQ(json_string(command.body, "trigger"), "deploy");

  auto copied = posts_on(restored);
  auto original = posts_on(*server_);
  // Everything acknowledged before the backup began is in the copy; nothing in the copy was
  // invented; and it holds at most what was written by the time the backup finished.
  for (const auto& [id, message] : before_backup) EXPECT_EQ(copied[id], message) << id;
  size_t load_posts = 0;
  for (const auto& [id, message] : copied) {
    EXPECT_EQ(original.count(id), 1u) << id;
    EXPECT_EQ(original[id], message);
    load_posts += message.rfind("load ", 0) == 0;
  }
  EXPECT_GE(load_posts, before_backup.size());
  EXPECT_LE(load_posts, static_cast<size_t>(during) + 1);  // +1: acknowledged after we looked
  EXPECT_EQ(restored.stop(), 0);
}

TEST_F(BackupRestore, RestoreRefusesAStoreInUseAndAStoreWithDataUnlessForced) {
  fs::path file = server_->dir() / "backup.pbk";
  ASSERT_EQ(run_patchbay({"backup", "--to", file.string(), "--config",
                          server_->config_path().string()}).exit_code, 0);
  // Never over an existing file.
  auto again = run_patchbay({"backup", "--to", file.string(), "--config",
                             server_->config_path().string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("never overwrites"), std::string::npos) << again.err;

  auto in_use = run_patchbay({"restore", "--from", file.string(), "--force", "--config",
                              server_->config_path().string()});
  EXPECT_EQ(in_use.exit_code, 1);
  EXPECT_NE(in_use.err.find("is in use"), std::string::npos) << in_use.err;

  ASSERT_EQ(server_->stop(), 0);
  auto not_empty = run_patchbay({"restore", "--from", file.string(), "--config",
                                 server_->config_path().string()});
  EXPECT_EQ(not_empty.exit_code, 1);
  EXPECT_NE(not_empty.err.find("--force"), std::string::npos) << not_empty.err;
  auto forced = run_patchbay({"restore", "--from", file.string(), "--force", "--config",
                              server_->config_path().string()});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  ASSERT_TRUE(server_->start());
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(admin_token_)).status, 200);
}

}  // namespace
}  // namespace pb::itest::operate
