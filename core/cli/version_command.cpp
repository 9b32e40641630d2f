// `patchbay version` / `patchbay --version`.
#include <cstdio>

#include "core/cli/cli.h"
#include "core/version.h"
#include "patchbay/plugin.h"

namespace pb::cli {

int run_version() {
  std::printf("patchbay %s\n", kVersion);
  std::printf("plugin ABI %d.%d\n", PB_ABI_MAJOR, PB_ABI_MINOR);
  std::printf("Mattermost API v4 compatibility %s\n", kMattermostCompatVersion);
  std::printf("build %s %s (%s)\n", kGitCommit, kBuildType, kCompiler);
  return 0;
}

}  // namespace pb::cli
