// Plugins as the operator meets them: the auth.check chain through a real plugin, disabling a
// plugin, `plugins list`, required plugins that fail, and the broken-plugin corpus (tests/abi)
// loaded by a real server that keeps serving.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

namespace fs = std::filesystem;

// `plugins list` output as id -> lines (an id can appear twice: duplicates).
std::multimap<std::string, std::string> list_lines(const std::string& out) {
  std::multimap<std::string, std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.emplace(line.substr(0, line.find(' ')), line);
  return lines;
}

std::optional<Response> whoami(const ServerProcess& server, std::string_view authorization) {
  std::string extra;
  if (!authorization.empty()) extra = "Authorization: " + std::string(authorization) + "\r\n";
  return round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe_whoami", extra));
}

TEST(AuthChain, WhoamiFailsClosedWithoutTheToken) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  for (const char* auth : {"", "Bearer wrong-token", "Bearer probe-token2", "bearer probe-token"}) {
    SCOPED_TRACE(auth);
    auto r = whoami(server, auth);
    ASSERT_TRUE(r);
    EXPECT_TRUE(is_app_error(*r, 401, "api.context.session_expired.app_error"));
  }
}

TEST(AuthChain, WhoamiWithTheTokenIsAllowed) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  auto r = whoami(server, "Bearer probe-token");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, R"({"user_id":"probeuserid00000000000000a"})");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_TRUE(has_standard_headers(*r));
}

TEST(AuthChain, PluginSettingsFromConfigReachThePlugin) {
  ServerConfig config;
  config.plugin_settings["kv_probe"] = R"({"Token":"s3cret"})";
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  auto allowed = whoami(server, "Bearer s3cret");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  auto denied = whoami(server, "Bearer probe-token");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
}

TEST(AuthChain, DisabledPluginsRoutesAreGone) {
  ServerConfig config;
  config.plugin_states["kv_probe"].enable = false;
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  auto r = whoami(server, "Bearer probe-token");
  ASSERT_TRUE(r);
  EXPECT_TRUE(is_app_error(*r, 404, "api.context.404.app_error"));
  auto post = round_trip(server.host(), server.port(), post_request("/api/v4/kv_probe", "x"));
  ASSERT_TRUE(post);
  EXPECT_TRUE(is_app_error(*post, 404, "api.context.404.app_error"));
  auto ping = round_trip(server.host(), server.port(), get_request("/api/v4/system/ping"));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 200);

  auto list = run_patchbay({"plugins", "list", "--config", server.config_path().string()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "kv_probe 1.0.0 disabled PluginSettings.PluginStates.kv_probe.Enable is false\n");
}

// post_to_loop from the loop thread itself (every post creation uses it): the task runs on a
// later loop turn, never inside the call, and a task it posts runs after it.
TEST(LoopPosts, TasksPostedOnTheLoopRunLaterAndInOrder) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  for (int i = 0; i < 20; ++i) {
    auto r = round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe_posts"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "handler,first,posted,second");
  }
}

TEST(PluginsList, ShowsKvProbeActive) {
  ServerProcess server;  // not started: only its config is used
  ASSERT_TRUE(write_file(server.config_path(), config_json(server.config(), server.store_dir())));
  auto list = run_patchbay({"plugins", "list", "--config", server.config_path().string()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "kv_probe 1.0.0 active\n");
}

TEST(PluginsChain, ShowsKvProbeOnAuthCheck) {
  ServerProcess server;
  ASSERT_TRUE(write_file(server.config_path(), config_json(server.config(), server.store_dir())));
  auto chain = run_patchbay({"plugins", "chain", "--config", server.config_path().string()});
  EXPECT_EQ(chain.exit_code, 0) << chain.err;
  EXPECT_NE(chain.out.find("auth.check"), std::string::npos) << chain.out;
  EXPECT_NE(chain.out.find("kv_probe"), std::string::npos) << chain.out;
}

// A plugins directory with kv_probe and a plugin whose library is not a shared object.
class BrokenPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directory_symlink(test_plugin_dir() / "kv_probe", plugins_.path() / "kv_probe");
    fs::create_directory(plugins_.path() / "broken");
    ASSERT_TRUE(write_file(plugins_.path() / "broken" / "plugin.json",
                           R"({"id":"broken","version":"0.0.7","abi":{"major":1,"minor":0}})"));
    ASSERT_TRUE(write_file(plugins_.path() / "broken" / "libbroken.so", "not an ELF file\n"));
    config_.plugin_dir = plugins_.path();
  }
  TempDir plugins_;
  ServerConfig config_;
};

TEST_F(BrokenPlugin, OptionalBrokenPluginIsFailedAndTheServerServes) {
  ServerProcess server(config_);
  ASSERT_TRUE(server.start());
  auto post = round_trip(server.host(), server.port(), post_request("/api/v4/kv_probe", "v"));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 201);
  EXPECT_NE(server.log().find("broken failed: "), std::string::npos);

  auto list = run_patchbay({"plugins", "list", "--config", server.config_path().string()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  auto lines = list_lines(list.out);
  ASSERT_EQ(lines.count("broken"), 1u) << list.out;
  const std::string& broken = lines.find("broken")->second;
  EXPECT_EQ(broken.rfind("broken 0.0.7 failed ", 0), 0u) << broken;
  EXPECT_NE(broken.find("libbroken.so"), std::string::npos) << broken;
  EXPECT_NE(broken.find("cannot load"), std::string::npos) << broken;
  EXPECT_EQ(lines.find("kv_probe")->second, "kv_probe 1.0.0 active");
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(BrokenPlugin, RequiredBrokenPluginStopsServe) {
  config_.plugin_states["broken"].required = true;
  ServerProcess server(config_);
  ASSERT_TRUE(server.spawn());
  auto code = server.wait_exit();
  ASSERT_TRUE(code) << "serve kept running with a required plugin failed";
  EXPECT_NE(*code, 0);
  EXPECT_LT(*code, kExitBySignal) << "a crash is not a refusal";
  EXPECT_NE(server.log().find("required plugin broken failed"), std::string::npos) << server.log();
  EXPECT_EQ(server.log().find("listening on"), std::string::npos) << "it listened before refusing";
}

// ---- the broken-plugin corpus (built by tests/abi into <build>/abi-plugins) ----

struct CorpusCase {
  const char* id;
  const char* reason;  // a part of the loader's reason
};

// One line per way a plugin can be wrong; the reasons are those tests/abi asserts on the loader.
constexpr CorpusCase kBrokenCases[] = {
    {"manifest_missing", "manifest missing"},
    {"manifest_invalid", "not valid JSON"},
    {"manifest_abi_major", "abi.major 2 is not the host's 1"},
    {"manifest_abi_minor", "needs ABI 1.99"},
    {"library_missing", "library file missing"},
    {"not_elf", "cannot load"},
    {"undefined_symbol", "undefined symbol"},
    {"no_entry", "no pb_plugin_entry symbol"},
    {"entry_null", "returned NULL"},
    {"struct_small", "struct_size 16 is too small"},
    {"abi_major", "plugin ABI major 99 does not match the host's 1"},
    {"abi_minor_newer", "is newer than the host's"},
    {"id_mismatch", "descriptor id 'someone_else' does not match the manifest id 'id_mismatch'"},
    {"init_null", "no init function"},
};
constexpr const char* kHealthyCases[] = {"descriptor_ok", "marker", "lifecycle", "healthy"};

class AbiCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::is_directory(abi_plugin_dir() / "healthy"))
        << abi_plugin_dir() << " is not built (tests/abi)";
    config_.plugin_dir = abi_plugin_dir();
  }
  ServerConfig config_;
};

TEST_F(AbiCorpus, PluginsListNamesEveryFailureAndItsReason) {
  ServerProcess server(config_);
  ASSERT_TRUE(write_file(server.config_path(), config_json(server.config(), server.store_dir())));
  auto list = run_patchbay({"plugins", "list", "--config", server.config_path().string()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto lines = list_lines(list.out);
  for (const auto& c : kBrokenCases) {
    SCOPED_TRACE(c.id);
    ASSERT_EQ(lines.count(c.id), 1u) << list.out;
    const std::string& line = lines.find(c.id)->second;
    EXPECT_NE(line.find(" failed "), std::string::npos) << line;
    EXPECT_NE(line.find(c.reason), std::string::npos) << line;
  }
  ASSERT_EQ(lines.count("dup"), 2u) << list.out;
  for (auto [it, end] = lines.equal_range("dup"); it != end; ++it) {
    EXPECT_NE(it->second.find(" failed "), std::string::npos) << it->second;
    EXPECT_NE(it->second.find("duplicate plugin id 'dup'"), std::string::npos) << it->second;
  }
  for (const char* id : kHealthyCases) {
    ASSERT_EQ(lines.count(id), 1u) << id << "\n" << list.out;
    EXPECT_NE(lines.find(id)->second.find(" active"), std::string::npos) << lines.find(id)->second;
  }
}

TEST_F(AbiCorpus, ServeMarksEveryBrokenPluginFailedAndKeepsServing) {
  ServerProcess server(config_);
  ASSERT_TRUE(server.start());
  auto ping = round_trip(server.host(), server.port(), get_request("/api/v4/system/ping"));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->status, 200);
  // A healthy plugin from the same directory serves its route through the real host.
  auto healthy = round_trip(server.host(), server.port(), get_request("/api/v4/plugins/healthy/ping"));
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(healthy->body, "pong");

  std::string log = server.log();
  for (const auto& c : kBrokenCases) {
    size_t at = log.find(std::string("[plugins] ") + c.id + " failed: ");
    ASSERT_NE(at, std::string::npos) << c.id << " not reported failed";
    std::string line = log.substr(at, log.find('\n', at) - at);
    EXPECT_NE(line.find(c.reason), std::string::npos) << line;
  }
  for (const char* id : kHealthyCases) {
    EXPECT_NE(log.find(std::string("[plugins] ") + id + " "), std::string::npos) << id;
    EXPECT_EQ(log.find(std::string("[plugins] ") + id + " failed"), std::string::npos) << id;
  }
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(AbiCorpus, InitThrowingInTheRealHostIsContained) {
  config_.plugin_settings["lifecycle"] = R"({"Fail":"init_throw"})";
  ServerProcess server(config_);
  ASSERT_TRUE(server.start());
  EXPECT_TRUE(server.wait_for_log("init threw std::runtime_error: boom in init", std::chrono::seconds(1)))
      << server.log();
  auto healthy = round_trip(server.host(), server.port(), get_request("/api/v4/plugins/healthy/ping"));
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->body, "pong");
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(AbiCorpus, RequiredPluginWhoseInitThrowsStopsServe) {
  config_.plugin_settings["lifecycle"] = R"({"Fail":"init_throw"})";
  config_.plugin_states["lifecycle"].required = true;
  ServerProcess server(config_);
  ASSERT_TRUE(server.spawn());
  auto code = server.wait_exit();
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_LT(*code, kExitBySignal) << "a crash is not a refusal";
  EXPECT_NE(server.log().find("required plugin lifecycle failed"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace pb::itest
