// GET /api/v4/system/ping: the plain answer Mattermost clients expect, and with
// get_server_status=true the store's and each plugin's health.
#include <rapidjson/document.h>

#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

TEST(Health, PlainPingIsJustStatusOk) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  for (const char* target : {"/api/v4/system/ping", "/api/v4/system/ping?use_rest_semantics=true",
                             "/api/v4/system/ping?get_server_status=false"}) {
    auto r = round_trip(server.host(), server.port(), get_request(target));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"status":"OK"})") << target;
  }
}

TEST(Health, ServerStatusReportsTheStoreAndEveryPlugin) {
  ServerConfig config;
  config.plugin_states["kv_probe"] = {true, false};
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  auto r = round_trip(server.host(), server.port(),
                      get_request("/api/v4/system/ping?get_server_status=true"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  rapidjson::Document doc;
  doc.Parse(r->body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r->body;
  EXPECT_STREQ(doc["status"].GetString(), "OK");
  EXPECT_STREQ(doc["database_status"].GetString(), "OK");
  EXPECT_STREQ(doc["store_status"].GetString(), "OK");
  EXPECT_EQ(doc["store_schema_version"].GetUint(), 3u);
  ASSERT_TRUE(doc["plugins"].IsArray());
  bool found = false;
  for (const auto& plugin : doc["plugins"].GetArray()) {
    if (std::string_view(plugin["id"].GetString()) != "kv_probe") continue;
    found = true;
    EXPECT_STREQ(plugin["state"].GetString(), "active");
  }
  EXPECT_TRUE(found) << r->body;
}

TEST(Health, ADisabledPluginIsListedAsDisabledAndTheServerStaysOk) {
  ServerConfig config;
  config.plugin_states["kv_probe"] = {false, false};
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  auto r = round_trip(server.host(), server.port(),
                      get_request("/api/v4/system/ping?get_server_status=true"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  rapidjson::Document doc;
  doc.Parse(r->body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << r->body;
  EXPECT_STREQ(doc["status"].GetString(), "OK");
  std::string state;
  for (const auto& plugin : doc["plugins"].GetArray())
    if (std::string_view(plugin["id"].GetString()) == "kv_probe") state = plugin["state"].GetString();
  EXPECT_EQ(state, "disabled") << r->body;
}

}  // namespace
}  // namespace pb::itest
