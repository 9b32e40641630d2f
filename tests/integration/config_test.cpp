// The configuration as an operator meets it: `config validate` names every bad key by its JSON
// path with the reason (all at once), `serve` refuses a bad config with exit 1, and
// PB_<SECTION>_<KEY> environment overrides reach the running server.
#include <gtest/gtest.h>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

constexpr const char* kBadConfig = R"({
  "ServiceSettings": {
    "ListenAddress": "not an address",
    "MaximumPayloadSizeBytes": 5,
    "EnableDeveloper": "yes"
  },
  "LogSettings": {"ConsoleLevel": "LOUD"},
  "StoreSettings": {"SyncMode": "sometimes"}
})";

class ConfigCli : public ::testing::Test {
 protected:
  std::string write(const char* name, const std::string& text) {
    auto path = dir_.path() / name;
    EXPECT_TRUE(write_file(path, text));
    return path.string();
  }
  TempDir dir_;
};

TEST_F(ConfigCli, ValidateNamesEveryBadKeyAndReason) {
  std::string path = write("bad.json", kBadConfig);
  auto r = run_patchbay({"config", "validate", "--config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(path + ": invalid"), std::string::npos) << r.err;
  const char* expected[] = {
      "ServiceSettings.ListenAddress: must be",
      "ServiceSettings.MaximumPayloadSizeBytes: must be an integer between 1024 and 1073741824",
      "ServiceSettings.EnableDeveloper: must be",
      "LogSettings.ConsoleLevel: must be one of",
      "StoreSettings.SyncMode: must be one of \"full\", \"none\"",
  };
  for (const char* e : expected) EXPECT_NE(r.err.find(e), std::string::npos) << e << "\n" << r.err;
}

TEST_F(ConfigCli, ValidateReportsTheSyntaxErrorPosition) {
  std::string path = write("syntax.json", "{\n  \"ServiceSettings\": {,}\n}\n");
  auto r = run_patchbay({"config", "validate", "--config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("invalid JSON at line 2"), std::string::npos) << r.err;
}

TEST_F(ConfigCli, ValidateAcceptsAGoodFileAndWarnsAboutUnknownKeys) {
  std::string good = write("good.json", R"({"ServiceSettings":{"ListenAddress":"127.0.0.1:0"}})");
  auto r = run_patchbay({"config", "validate", "--config", good});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, good + ": valid\n");

  std::string unknown = write("unknown.json", R"({"ServiceSettings":{"NoSuchKey":1}})");
  auto w = run_patchbay({"config", "validate", "--config", unknown});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_NE(w.err.find("ServiceSettings.NoSuchKey"), std::string::npos) << w.err;
}

TEST_F(ConfigCli, ValidateSeesEnvironmentOverrides) {
  std::string good = write("good.json", "{}");
  auto r = run_patchbay({"config", "validate", "--config", good},
                        {{"PB_SERVICESETTINGS_MAXIMUMPAYLOADSIZEBYTES", "12"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("PB_SERVICESETTINGS_MAXIMUMPAYLOADSIZEBYTES"), std::string::npos) << r.err;
}

TEST_F(ConfigCli, ShowPrintsTheEffectiveConfigWithOverrides) {
  std::string good = write("good.json", R"({"ServiceSettings":{"SiteURL":"http://chat.example.com"}})");
  auto r = run_patchbay({"config", "show", "--config", good},
                        {{"PB_SERVICESETTINGS_LISTENADDRESS", "127.0.0.1:9999"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(R"("SiteURL": "http://chat.example.com")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(R"("ListenAddress": "127.0.0.1:9999")"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, ServeWithABadConfigExitsOne) {
  std::string path = write("bad.json", kBadConfig);
  auto r = run_patchbay({"serve", "--config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ServiceSettings.MaximumPayloadSizeBytes"), std::string::npos) << r.err;
}

TEST(ConfigEnv, ListenAddressOverrideReachesTheServer) {
  ServerConfig config;
  config.listen_address = "127.0.0.1:0";
  // 127.0.0.2 is loopback too on Linux: the override is visible in where the server listens.
  config.env = {{"PB_SERVICESETTINGS_LISTENADDRESS", "127.0.0.2:0"}};
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  EXPECT_EQ(server.host(), "127.0.0.2");
  auto r = round_trip(server.host(), server.port(), get_request("/api/v4/system/ping"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  HttpConnection other("127.0.0.1", server.port());
  EXPECT_FALSE(other.connected()) << "still listening on the config file's address";
  EXPECT_EQ(server.stop(), 0);
}

TEST(ConfigEnv, PayloadLimitOverrideReachesTheServer) {
  ServerConfig config;
  config.env = {{"PB_SERVICESETTINGS_MAXIMUMPAYLOADSIZEBYTES", "1024"}};
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  auto r = round_trip(server.host(), server.port(), post_request("/api/v4/kv_probe", std::string(1025, 'x')));
  ASSERT_TRUE(r);
  EXPECT_TRUE(is_app_error(*r, 413, "api.http.body_too_large.app_error"));
}

}  // namespace
}  // namespace pb::itest
