// The command line itself: version output, and usage + exit 2 for what it does not know.
#include <gtest/gtest.h>

#include "patchbay/plugin.h"

#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

TEST(Cli, VersionPrintsVersionAndPluginAbi) {
  for (const char* arg : {"version", "--version"}) {
    SCOPED_TRACE(arg);
    auto r = run_patchbay({arg});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("patchbay ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("plugin ABI " + std::to_string(PB_ABI_MAJOR) + "." + std::to_string(PB_ABI_MINOR) + "\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
  }
}

TEST(Cli, VersionAndDashDashVersionAgree) {
  EXPECT_EQ(run_patchbay({"version"}).out, run_patchbay({"--version"}).out);
}

TEST(Cli, UnknownSubcommandExitsTwoWithUsage) {
  auto r = run_patchbay({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("Usage:"), std::string::npos) << r.err;
}

TEST(Cli, UnknownFlagExitsTwoWithUsage) {
  for (auto args : {std::vector<std::string>{"--frob"}, std::vector<std::string>{"serve", "--frob"},
                    std::vector<std::string>{"config", "validate", "--nope"}}) {
    auto r = run_patchbay(args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_NE(r.err.find("Usage:"), std::string::npos) << r.err;
  }
}

TEST(Cli, NoSubcommandExitsTwoWithUsage) {
  auto r = run_patchbay({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Usage:"), std::string::npos) << r.err;
}

TEST(Cli, KvWithAnUnknownActionExitsTwo) {
  auto r = run_patchbay({"kv", "explode", "--plugin", "kv_probe", "k"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Usage:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pb::itest
