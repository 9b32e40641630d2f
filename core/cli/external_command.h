// Subcommands shipped as separate executables, the way git finds `git-foo`: `patchbay NAME ARGS`
// with no built-in NAME runs `patchbay-NAME ARGS` from the directory of the running binary, so
// a plugin can ship its own operator tool (e.g. `patchbay translator test ...`) without core
// knowing about it. Only that directory is searched, never $PATH: what runs is what was
// installed beside the binary.
#pragma once

#include <string>

namespace pb::cli {

// The path of the executable `patchbay-<name>` beside the running binary, or "" when there is
// none (or `name` is not a plain word: letters, digits, '-', '_').
std::string find_external_command(const std::string& name);

// Replaces this process with `path`, argv[0] set to the path and the remaining arguments
// passed unchanged. Returns only on failure: 126 with the reason on stderr.
int exec_external_command(const std::string& path, int argc, char** argv);

}  // namespace pb::cli
