// The command line itself: version output, external subcommands, and usage + exit 2 for what it
// does not know.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "patchbay/plugin.h"

#include "tests/integration/support/server_process.h"
#include "tests/integration/support/temp_dir.h"

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

// `patchbay NAME` with no built-in NAME runs `patchbay-NAME` from beside the binary, git-style,
// with the remaining arguments; never from $PATH, and never a name that is not a plain word.
TEST(Cli, ExternalSubcommandRunsTheToolBesideTheBinary) {
  TempDir dir;
  auto bin = dir.path() / "patchbay";
  std::filesystem::copy_file(patchbay_binary(), bin);
  auto tool = dir.path() / "patchbay-probe";
  {
    std::ofstream script(tool);
    script << "#!/bin/sh\necho \"$0|$*\"\nexit 7\n";
  }
  std::filesystem::permissions(tool, std::filesystem::perms::owner_all);
  SpawnOptions probe;
  probe.program = bin.string();
  probe.args = {"probe", "a b", "--flag"};
  probe.env = {{"PATH", dir.path().string()}};
  auto r = run_command(probe);
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, tool.string() + "|a b --flag\n");
  // A tool on $PATH but not beside the binary is not run.
  auto elsewhere = run_patchbay({"probe"}, {{"PATH", dir.path().string()}});
  EXPECT_EQ(elsewhere.exit_code, 2);
  EXPECT_NE(elsewhere.err.find("unknown subcommand 'probe'"), std::string::npos) << elsewhere.err;
  // Not a plain word: never looked up.
  SpawnOptions not_a_word;
  not_a_word.program = bin.string();
  not_a_word.args = {"../patchbay-probe"};
  EXPECT_EQ(run_command(not_a_word).exit_code, 2);
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
