// Logs of the real server: the file (JSON lines) and the console never hold a password, a
// session or access token, or a hook id, whatever requests ran; SIGHUP applies LogSettings
// without a restart and names the sections that need one.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>

#include <sstream>

#include "plugins/auth/tests/server_fixture.h"
#include "tests/integration/operate/operate_support.h"

namespace pb::itest::operate {
namespace {

using pb::auth::itest::bearer;

class Logs : public pb::auth::itest::AuthServer {
 protected:
  void SetUp() override {
    config_.service["EnableUserAccessTokens"] = "true";
    config_.env = {{"PB_LOGSETTINGS_ENABLEFILE", "true"},
                   {"PB_LOGSETTINGS_FILELEVEL", "DEBUG"},
                   {"PB_LOGSETTINGS_CONSOLELEVEL", "DEBUG"}};
    AuthServer::SetUp();
  }
  fs::path log_file() const { return server_->dir() / "logs" / "patchbay.log"; }
};

TEST_F(Logs, NoSecretEverReachesTheLogAfterLoginsTokensAndHookPosts) {
  make_admin();  // a user with kPassword, logged in: admin_token_ is a session token
  std::vector<std::string> secrets = {kPassword, admin_token_};
  EXPECT_EQ(login("admin", "wrong-secret-Pw9").status, 401);
  secrets.push_back("wrong-secret-Pw9");
  auto token = call("POST", "/api/v4/users/" + admin_id_ + "/tokens",
                    R"({"description":"ci"})", bearer(admin_token_));
  ASSERT_EQ(token.status, 200) << token.body;
  std::string access_token = json_string(token.body, "token");
  ASSERT_FALSE(access_token.empty());
  secrets.push_back(access_token);
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(access_token)).status, 200);

  std::string team = json_string(call("POST", "/api/v4/teams",
                                      R"({"name":"ops","display_name":"Ops","type":"O"})",
                                      bearer(admin_token_)).body, "id");
  std::string channel = json_string(
      call("POST", "/api/v4/channels",
           R"({"team_id":")" + team + R"(","name":"town","display_name":"Town","type":"O"})",
           bearer(admin_token_)).body, "id");
  auto hook = call("POST", "/api/v4/hooks/incoming", R"({"channel_id":")" + channel + "\"}",
                   bearer(admin_token_));
  ASSERT_EQ(hook.status, 201) << hook.body;
  std::string hook_id = json_string(hook.body, "id");
  secrets.push_back(hook_id);
  auto posted = round_trip(server_->host(), server_->port(),
                           post_request("/hooks/" + hook_id, R"({"text":"deployed"})",
                                        "Content-Type: application/json\r\n"));
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 200) << posted->body;
  // A bad hook id and a bad token are logged (if at all) without the guessed secret either.
  std::string guessed_hook = "zzzzzzzzzzzzzzzzzzzzzzzzzz";
  round_trip(server_->host(), server_->port(),
             post_request("/hooks/" + guessed_hook, R"({"text":"x"})",
                          "Content-Type: application/json\r\n"));
  secrets.push_back(guessed_hook);
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer("guessedtokenguessedtoken00")).status, 401);
  secrets.push_back("guessedtokenguessedtoken00");

  ASSERT_EQ(server_->stop(), 0);  // the drain flushes the file
  std::string file = file_bytes(log_file());
  ASSERT_FALSE(file.empty());
  std::string console = server_->log();
  for (const auto& secret : secrets) {
    EXPECT_EQ(file.find(secret), std::string::npos) << "log file holds " << secret;
    EXPECT_EQ(console.find(secret), std::string::npos) << "console holds " << secret;
  }
  // Every line of the file is one JSON object with the documented fields.
  std::istringstream lines(file);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << line;
    EXPECT_TRUE(doc.HasMember("timestamp") && doc.HasMember("level") && doc.HasMember("logger") &&
                doc.HasMember("msg"))
        << line;
  }
  EXPECT_GT(count, 3);
}

// config.json as ServerProcess writes it, with `edit` applied to the parsed document.
template <typename Edit>
void rewrite_config(ServerProcess& server, Edit&& edit) {
  rapidjson::Document doc;
  std::string text = config_json(server.config(), server.store_dir());
  doc.Parse(text.c_str());
  edit(doc, doc.GetAllocator());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc.Accept(w);
  ASSERT_TRUE(write_file(server.config_path(), buffer.GetString()));
}

TEST(Reload, SighupAppliesLogSettingsAndNamesWhatNeedsARestart) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  fs::path log_file = server.dir() / "logs" / "patchbay.log";
  EXPECT_FALSE(fs::exists(log_file));

  rewrite_config(server, [](rapidjson::Document& doc, auto& a) {
    rapidjson::Value log(rapidjson::kObjectType);
    log.AddMember("EnableFile", true, a);
    log.AddMember("FileJson", false, a);
    doc.AddMember("LogSettings", log, a);
    doc["ServiceSettings"].AddMember("MaximumPayloadSizeBytes", 4096, a);
  });
  server.send_signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("reload: LogSettings applied", std::chrono::seconds(10)))
      << server.log();
  ASSERT_TRUE(server.wait_for_log("reload: ServiceSettings changed; it takes effect after a restart",
                                  std::chrono::seconds(10)));
  EXPECT_EQ(server.log().find("reload: LogSettings changed"), std::string::npos);

  // A broken file is reported and changes nothing; the server keeps serving.
  ASSERT_TRUE(write_file(server.config_path(), "{\"LogSettings\":{\"FileLevel\":\"LOUD\"}}"));
  server.send_signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("keeping the running configuration", std::chrono::seconds(10)));
  auto ping = round_trip(server.host(), server.port(), get_request("/api/v4/system/ping"));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 200);
  ASSERT_EQ(server.stop(), 0);

  // The file output, switched on by the first reload, has plain lines up to the drain.
  std::string file = file_bytes(log_file);
  EXPECT_NE(file.find(" info [server] reload: LogSettings applied"), std::string::npos) << file;
  EXPECT_NE(file.find("[server] drained; bye"), std::string::npos) << file;
}

}  // namespace
}  // namespace pb::itest::operate
