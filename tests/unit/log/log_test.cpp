// The log outputs: a rotated file (size bound, number of files kept), JSON or plain lines,
// levels per output, and reconfiguration while running. Each test runs in its own process
// (gtest_discover_tests), so the global logger starts fresh every time.
#include "core/log/log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace pb::log {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base != nullptr ? base : "/tmp") + "/pb-log-test-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) std::abort();
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Options file_only(const fs::path& file) {
  Options options;
  options.console = false;
  options.file = true;
  options.file_path = file.string();
  return options;
}

TEST(LogFile, JsonLinesCarryTimestampLevelLoggerAndMessage) {
  TempDir tmp;
  fs::path file = tmp.path() / "logs" / "patchbay.log";  // the folder is created
  ASSERT_TRUE(configure(file_only(file)).ok());
  info("store", "opened {}", "\"quoted\"");
  warn("http", "slow");
  flush();
  auto lines = lines_of(file);
  ASSERT_EQ(lines.size(), 2u);
  rapidjson::Document doc;
  doc.Parse(lines[0].c_str());
  ASSERT_FALSE(doc.HasParseError()) << lines[0];
  EXPECT_STREQ(doc["level"].GetString(), "info");
  EXPECT_STREQ(doc["logger"].GetString(), "store");
  EXPECT_STREQ(doc["msg"].GetString(), "opened \"quoted\"");
  EXPECT_EQ(std::string(doc["timestamp"].GetString()).size(), 29u) << lines[0];  // ...T10:00:00.000+00:00
  doc.Parse(lines[1].c_str());
  ASSERT_FALSE(doc.HasParseError()) << lines[1];
  EXPECT_STREQ(doc["level"].GetString(), "warning");
}

TEST(LogFile, PlainLinesWhenJsonIsOff) {
  TempDir tmp;
  fs::path file = tmp.path() / "patchbay.log";
  Options options = file_only(file);
  options.file_json = false;
  ASSERT_TRUE(configure(options).ok());
  error("plugins", "auth failed");
  flush();
  auto lines = lines_of(file);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" error [plugins] auth failed"), std::string::npos) << lines[0];
}

TEST(LogFile, LinesBelowTheFileLevelAreDroppedAndNotFormatted) {
  TempDir tmp;
  fs::path file = tmp.path() / "patchbay.log";
  Options options = file_only(file);
  options.file_level = Level::warn;
  ASSERT_TRUE(configure(options).ok());
  EXPECT_FALSE(enabled(Level::info));
  EXPECT_TRUE(enabled(Level::warn));
  info("t", "dropped");
  debug("t", "dropped too");
  warn("t", "kept");
  flush();
  auto lines = lines_of(file);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("kept"), std::string::npos);
}

TEST(LogFile, RotatesBySizeAndKeepsTheConfiguredNumberOfFiles) {
  TempDir tmp;
  fs::path file = tmp.path() / "patchbay.log";
  Options options = file_only(file);
  options.file_max_bytes = 4096;
  options.file_max_files = 2;
  ASSERT_TRUE(configure(options).ok());
  const std::string payload(200, 'x');
  for (int i = 0; i < 200; ++i) info("rotate", "line {} {}", i, payload);  // ~50 KB in all
  flush();
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tmp.path())) {
    names.push_back(entry.path().filename().string());
    EXPECT_LE(entry.file_size(), 4096u) << entry.path();
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"patchbay.1.log", "patchbay.2.log", "patchbay.log"}));
  // The newest lines are in the active file, the last one last.
  auto lines = lines_of(file);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("line 199 "), std::string::npos) << lines.back();
}

TEST(LogFile, ReconfiguringSwitchesFilesWithoutLosingQueuedLines) {
  TempDir tmp;
  fs::path first = tmp.path() / "a.log";
  fs::path second = tmp.path() / "b.log";
  ASSERT_TRUE(configure(file_only(first)).ok());
  for (int i = 0; i < 1000; ++i) info("t", "first {}", i);
  ASSERT_TRUE(configure(file_only(second)).ok());
  info("t", "second");
  flush();
  EXPECT_EQ(lines_of(first).size(), 1000u);
  EXPECT_EQ(lines_of(second).size(), 1u);
}

TEST(LogFile, AnUnopenableFileIsAnErrorAndKeepsThePreviousOutputs) {
  TempDir tmp;
  fs::path good = tmp.path() / "good.log";
  ASSERT_TRUE(configure(file_only(good)).ok());
  fs::path blocker = tmp.path() / "blocker";
  std::ofstream(blocker) << "a file where a folder should be";
  auto bad = configure(file_only(blocker / "patchbay.log"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("blocker"), std::string::npos) << bad.error().message;
  info("t", "still here");
  flush();
  EXPECT_EQ(lines_of(good).size(), 1u);
  Options no_path;
  no_path.console = false;
  no_path.file = true;
  EXPECT_FALSE(configure(no_path).ok());
}

TEST(LogFile, ManyThreadsAtOnceLoseNoLineAndMixNone) {
  TempDir tmp;
  fs::path file = tmp.path() / "patchbay.log";
  ASSERT_TRUE(configure(file_only(file)).ok());
  constexpr int kThreads = 4, kLines = 5000;  // more than the writer's queue holds at once
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) info("thread", "t{} line {}", t, i);
    });
  for (auto& thread : threads) thread.join();
  flush();
  auto lines = lines_of(file);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);  // each thread's lines arrive in its own order
  for (const auto& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << line;
    int t = 0, i = 0;
    ASSERT_EQ(std::sscanf(doc["msg"].GetString(), "t%d line %d", &t, &i), 2);
    ASSERT_EQ(i, next[t]++) << line;
  }
}

TEST(LogRedaction, KeepsOnlyAPrefix) {
  EXPECT_EQ(redact_id("abcdefghijklmnopqrstuvwxyz"), "abcd…");
  EXPECT_EQ(redact_id("abc"), "…");
}

}  // namespace
}  // namespace pb::log
