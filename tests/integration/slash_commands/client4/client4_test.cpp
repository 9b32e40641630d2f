// Issue 6's Client4 proof: a real patchbay with its built-in plugins, driven by the official
// Mattermost JavaScript client (slash_client4.mjs) exactly as an integration would: addCommand,
// executeCommand against a command endpoint on loopback, getPosts, response_url. Installs the
// pinned npm package (package-lock.json) into the build directory on first run; skips only when
// node is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/integration/support/child_process.h"
#include "tests/integration/support/node_tools.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

namespace fs = std::filesystem;

// Where CMake copied package.json, package-lock.json and slash_client4.mjs.
const fs::path kDir = SLASH_CLIENT4_DIR;

TEST(SlashCommandsClient4, AddExecuteGetPostsResponseUrl) {
  auto node = find_on_path("node");
  if (!node) GTEST_SKIP() << "node is not installed: the Client4 test needs Node >= 20";
  auto npm = find_on_path("npm");
  ASSERT_TRUE(npm) << "node is installed but npm is not";
  ASSERT_EQ(npm_ci_once(*npm, kDir,
                        fs::path("node_modules") / "@mattermost" / "client" / "package.json"),
            "");

  ServerConfig config;
  config.plugin_dir = "";  // the built-in plugins beside the binary
  config.service["AllowedUntrustedInternalConnections"] = "\"127.0.0.1\"";
  ServerProcess server(config);
  ASSERT_TRUE(server.start());

  SpawnOptions options;
  options.program = node->string();
  options.args = {(kDir / "slash_client4.mjs").string(),
                  "http://" + server.host() + ":" + std::to_string(server.port())};
  options.cwd = kDir;
  CommandResult r = run_command(options, std::chrono::minutes(2));
  EXPECT_EQ(r.exit_code, 0) << "Client4 steps:\n" << r.out << r.err;
  EXPECT_NE(r.out.find("\nPASS\n"), std::string::npos) << "the script never printed PASS";
}

}  // namespace
}  // namespace pb::itest
