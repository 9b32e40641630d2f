// The relocatable install tree (cmake --install --prefix P): its layout, and the installed
// binary finding its plugins, config, data and logs relative to itself from any cwd, also after
// the whole tree is moved.
#include <sys/stat.h>

#include <fstream>

#include "tests/integration/operate/operate_support.h"
#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::itest::operate {
namespace {

bool is_executable(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR) != 0;
}

Env listen_anywhere() { return {{"PB_SERVICESETTINGS_LISTENADDRESS", "127.0.0.1:0"}}; }

TEST(InstallTree, HasTheDocumentedLayout) {
  TempDir tmp;
  fs::path prefix = tmp.path() / "opt" / "patchbay";
  ASSERT_TRUE(install_build(prefix));
  EXPECT_TRUE(is_executable(prefix / "bin" / "patchbay"));
  for (const char* id : {"auth", "attachments", "incoming_webhooks"}) {
    EXPECT_TRUE(fs::is_regular_file(prefix / "plugins" / id / "plugin.json")) << id;
    EXPECT_TRUE(fs::is_regular_file(prefix / "plugins" / id / (std::string("lib") + id + ".so")))
        << id;
  }
  EXPECT_EQ(file_bytes(prefix / "config" / "config.json"),
            file_bytes(fs::path(PATCHBAY_SOURCE_DIR) / "config" / "config.json"));
  EXPECT_TRUE(fs::is_directory(prefix / "data"));
  EXPECT_TRUE(fs::is_directory(prefix / "logs"));
  // The systemd unit has an absolute destination: only the .deb carries it.
  EXPECT_FALSE(fs::exists(prefix / "lib" / "systemd"));
  // No test-only plugin is installed.
  EXPECT_FALSE(fs::exists(prefix / "plugins" / "kv_probe"));
}

TEST(InstallTree, RunsFromAnyCwdWithItsOwnPluginsConfigDataAndLogs) {
  TempDir tmp;
  fs::path prefix = tmp.path() / "patchbay";
  fs::path elsewhere = tmp.path() / "elsewhere";
  fs::create_directories(elsewhere);
  ASSERT_TRUE(install_build(prefix));

  Env env = listen_anywhere();
  env.emplace_back("PB_LOGSETTINGS_ENABLEFILE", "true");
  InstalledServer server;
  ASSERT_TRUE(server.start(prefix / "bin" / "patchbay", elsewhere, env));
  auto ping = round_trip("127.0.0.1", server.port(),
                         get_request("/api/v4/system/ping?get_server_status=true"));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 200) << ping->body;
  EXPECT_NE(ping->body.find(R"({"id":"auth","version":)"), std::string::npos) << ping->body;
  EXPECT_NE(ping->body.find(R"("state":"active")"), std::string::npos) << ping->body;
  EXPECT_EQ(server.stop(), 0);

  // The store and the log file are in the tree, nothing was written to the cwd.
  EXPECT_TRUE(fs::is_regular_file(prefix / "data" / "data.mdb"));
  EXPECT_NE(file_bytes(prefix / "logs" / "patchbay.log").find("listening on"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(elsewhere));
  EXPECT_NE(server.log().find("(schema "), std::string::npos);
  EXPECT_NE(server.log().find((prefix / "data").string()), std::string::npos) << server.log();

  // CLI subcommands read the installed config without --config.
  auto validate = run((prefix / "bin" / "patchbay").string(), {"config", "validate"}, {}, elsewhere);
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  EXPECT_EQ(validate.out, (prefix / "config" / "config.json").string() + ": valid\n");
  auto version = run((prefix / "bin" / "patchbay").string(), {"version"}, {}, elsewhere);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind(std::string("patchbay ") + PATCHBAY_VERSION, 0), 0u) << version.out;
}

TEST(InstallTree, StillWorksAfterTheWholeTreeIsMoved) {
  TempDir tmp;
  fs::path first = tmp.path() / "a";
  ASSERT_TRUE(install_build(first));
  fs::path moved = tmp.path() / "b" / "patchbay";
  fs::create_directories(moved.parent_path());
  fs::rename(first, moved);
  InstalledServer server;
  ASSERT_TRUE(server.start(moved / "bin" / "patchbay", tmp.path(), listen_anywhere()));
  auto ping = round_trip("127.0.0.1", server.port(), get_request("/api/v4/system/ping"));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->body, R"({"status":"OK"})");
  EXPECT_EQ(server.stop(), 0);
  EXPECT_TRUE(fs::is_regular_file(moved / "data" / "data.mdb"));
}

TEST(InstallTree, DataAndLogsMoveWithStoreSettingsAndLogSettings) {
  TempDir tmp;
  fs::path prefix = tmp.path() / "patchbay";
  ASSERT_TRUE(install_build(prefix));
  Env env = listen_anywhere();
  env.emplace_back("PB_LOGSETTINGS_ENABLEFILE", "true");
  // Absolute: used as is. Relative: against the tree, not the cwd.
  env.emplace_back("PB_STORESETTINGS_DIRECTORY", (tmp.path() / "var" / "store").string());
  env.emplace_back("PB_LOGSETTINGS_FILELOCATION", "var/log");
  InstalledServer server;
  ASSERT_TRUE(server.start(prefix / "bin" / "patchbay", tmp.path(), env));
  EXPECT_EQ(server.stop(), 0);
  EXPECT_TRUE(fs::is_regular_file(tmp.path() / "var" / "store" / "data.mdb"));
  EXPECT_TRUE(fs::is_regular_file(prefix / "var" / "log" / "patchbay.log"));
  EXPECT_FALSE(fs::exists(prefix / "data" / "data.mdb"));
  EXPECT_FALSE(fs::exists(tmp.path() / "var" / "log"));
}

// One request with an optional bearer token and JSON body on the installed server.
Response request(uint16_t port, std::string_view method, const std::string& target,
                 const std::string& token = "", const std::string& body = "") {
  std::string r = std::string(method) + " " + target + " HTTP/1.1\r\nHost: patchbay\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty())
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  r += "\r\n" + body;
  auto response = round_trip("127.0.0.1", port, r);
  EXPECT_TRUE(response) << method << " " << target;
  return response ? *response : Response{};
}

// The upgrade procedure of the README: replace the release files (here: install the build over
// the tree again), keep config.json and data/, start. The operator's config edit survives and
// every user, session, team, channel, hook, command and post is still there.
TEST(InstallTree, InstallingOverATreeKeepsItsConfigAndData) {
  TempDir tmp;
  fs::path prefix = tmp.path() / "patchbay";
  ASSERT_TRUE(install_build(prefix));
  fs::path config = prefix / "config" / "config.json";
  std::string edited = file_bytes(config);
  size_t at = edited.find("\"SiteURL\": \"\"");
  ASSERT_NE(at, std::string::npos);
  edited.replace(at, 13, "\"SiteURL\": \"https://chat.example.com\"");
  ASSERT_TRUE(write_file(config, edited));

  // Cheap password hashes (the environment, not the file): a login must not take seconds on a
  // loaded machine.
  Env env = listen_anywhere();
  env.emplace_back("PB_PLUGINSETTINGS_PLUGINS", R"({"auth":{"PasswordHashCost":"minimum"}})");
  std::string token, team, channel, hook, command, post;
  {
    InstalledServer server;
    ASSERT_TRUE(server.start(prefix / "bin" / "patchbay", tmp.path(), env));
    uint16_t port = server.port();
    ASSERT_EQ(request(port, "POST", "/api/v4/users", "",
                      R"({"username":"admin","email":"admin@example.com","password":"correct-horse-1"})")
                  .status, 201);
    auto login = request(port, "POST", "/api/v4/users/login", "",
                         R"({"login_id":"admin","password":"correct-horse-1"})");
    ASSERT_EQ(login.status, 200) << login.body;
    token = login.header("Token").value_or("");
    team = json_string(request(port, "POST", "/api/v4/teams", token,
                               R"({"name":"ops","display_name":"Ops","type":"O"})").body, "id");
    channel = json_string(request(port, "POST", "/api/v4/channels", token,
                                  R"({"team_id":")" + team +
                                      R"(","name":"town","display_name":"Town","type":"O"})").body,
                          "id");
    hook = json_string(request(port, "POST", "/api/v4/hooks/incoming", token,
                               R"({"channel_id":")" + channel + "\"}").body, "id");
    command = json_string(request(port, "POST", "/api/v4/commands", token,
                                  R"({"team_id":")" + team +
                                      R"(","trigger":"deploy","url":"http://127.0.0.1:9/x","method":"P"})")
                              .body, "id");
    post = json_string(request(port, "POST", "/api/v4/posts", token,
                               R"({"channel_id":")" + channel + R"(","message":"before the upgrade"})")
                           .body, "id");
    for (const std::string* id : {&team, &channel, &hook, &command, &post})
      ASSERT_TRUE(is_mattermost_id(*id)) << *id;
    EXPECT_EQ(server.stop(), 0);
  }

  ASSERT_TRUE(install_build(prefix));  // the "new release"
  EXPECT_EQ(file_bytes(config), edited);

  InstalledServer server;
  ASSERT_TRUE(server.start(prefix / "bin" / "patchbay", tmp.path(), env));
  uint16_t port = server.port();
  auto me = request(port, "GET", "/api/v4/users/me", token);
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "username"), "admin");
  EXPECT_EQ(request(port, "GET", "/api/v4/teams/" + team, token).status, 200);
  EXPECT_EQ(request(port, "GET", "/api/v4/channels/" + channel, token).status, 200);
  EXPECT_EQ(json_string(request(port, "GET", "/api/v4/hooks/incoming/" + hook, token).body,
                        "channel_id"), channel);
  EXPECT_EQ(json_string(request(port, "GET", "/api/v4/commands/" + command, token).body,
                        "trigger"), "deploy");
  EXPECT_EQ(json_string(request(port, "GET", "/api/v4/posts/" + post, token).body, "message"),
            "before the upgrade");
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace pb::itest::operate
