// Node.js tooling for the tests that drive patchbay with official npm clients (Client4,
// @slack/webhook): finding node/npm on PATH and installing a suite's pinned packages.
//
// Threading: plain functions; they block (npm ci may take minutes the first time).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pb::itest {

// The executable `program` as found on PATH; nullopt when it is not installed.
std::optional<std::filesystem::path> find_on_path(const std::string& program);

// `npm ci` in `dir` (which holds package.json and package-lock.json) unless `dir/installed`
// already exists (a file the install creates, e.g. node_modules/@scope/pkg/package.json).
// Returns "" on success, else what went wrong (exit code and npm's output).
std::string npm_ci_once(const std::filesystem::path& npm, const std::filesystem::path& dir,
                        const std::filesystem::path& installed);

}  // namespace pb::itest
