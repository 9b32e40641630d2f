// LogSettings.FileMaxSizeMB and FileMaxBackups through the real binary: the size a log file may
// reach and the number of rotated files kept, applied on SIGHUP and at start. The log is made
// large up front (1.5 MiB of filler), so a 1 MiB limit rotates on the next line, deterministically.
#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

void fill(const fs::path& file, const std::string& line, size_t bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::trunc);
  for (size_t n = 0; n < bytes; n += line.size() + 1) out << line << '\n';
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// config.json as ServerProcess wrote it, plus a LogSettings section.
void write_with_log_settings(ServerProcess& server, int max_size_mb, int max_backups) {
  rapidjson::Document doc;
  std::string text = config_json(server.config(), server.store_dir());
  doc.Parse(text.c_str());
  auto& a = doc.GetAllocator();
  rapidjson::Value log(rapidjson::kObjectType);
  log.AddMember("EnableFile", true, a);
  log.AddMember("FileJson", false, a);
  log.AddMember("FileMaxSizeMB", max_size_mb, a);
  log.AddMember("FileMaxBackups", max_backups, a);
  doc.AddMember("LogSettings", log, a);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc.Accept(w);
  std::ofstream(server.config_path(), std::ios::trunc) << buffer.GetString();
}

TEST(LogRotation, SizeAndBackupsApplyOnSighupAndAtStart) {
  ServerProcess server;
  const fs::path logs = server.dir() / "logs";
  fill(logs / "patchbay.log", "FILLER-ONE", 3 << 19);  // 1.5 MiB
  fill(logs / "patchbay.1.log", "OLD-BACKUP", 1000);
  // Start with the file on (default limit 100 MiB: no rotation yet).
  server.config().env = {{"PB_LOGSETTINGS_ENABLEFILE", "true"}, {"PB_LOGSETTINGS_FILEJSON", "false"}};
  ASSERT_TRUE(server.start());
  EXPECT_NE(read(logs / "patchbay.log").find("FILLER-ONE"), std::string::npos);
  EXPECT_NE(read(logs / "patchbay.1.log").find("OLD-BACKUP"), std::string::npos);

  // SIGHUP: 1 MiB and one backup. The next line passes 1 MiB: patchbay.log becomes
  // patchbay.1.log (the old backup is dropped) and a fresh patchbay.log begins.
  write_with_log_settings(server, 1, 1);
  server.send_signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("reload: LogSettings applied", 10s)) << server.log();
  ASSERT_EQ(server.stop(), 0);
  std::string rotated = read(logs / "patchbay.1.log");
  EXPECT_NE(rotated.find("FILLER-ONE"), std::string::npos);
  EXPECT_EQ(rotated.find("OLD-BACKUP"), std::string::npos);
  EXPECT_FALSE(fs::exists(logs / "patchbay.2.log"));
  std::string current = read(logs / "patchbay.log");
  EXPECT_EQ(current.find("FILLER-ONE"), std::string::npos);
  EXPECT_NE(current.find("[server] drained; bye"), std::string::npos) << current;
  EXPECT_LT(fs::file_size(logs / "patchbay.log"), 1u << 20);

  // At start: a 1 MiB limit with two backups, from the environment this time.
  fill(logs / "patchbay.log", "FILLER-TWO", 3 << 19);
  server.config().env = {{"PB_LOGSETTINGS_ENABLEFILE", "true"},
                         {"PB_LOGSETTINGS_FILEJSON", "false"},
                         {"PB_LOGSETTINGS_FILEMAXSIZEMB", "1"},
                         {"PB_LOGSETTINGS_FILEMAXBACKUPS", "2"}};
  ASSERT_TRUE(server.start());
  ASSERT_EQ(server.stop(), 0);
  EXPECT_NE(read(logs / "patchbay.1.log").find("FILLER-TWO"), std::string::npos);
  EXPECT_NE(read(logs / "patchbay.2.log").find("FILLER-ONE"), std::string::npos);
  EXPECT_EQ(read(logs / "patchbay.log").find("FILLER"), std::string::npos);
}

TEST(LogRotation, OutOfRangeValuesAreRefusedNamingTheirSource) {
  for (auto [key, value] : {std::pair{"PB_LOGSETTINGS_FILEMAXSIZEMB", "0"},
                            std::pair{"PB_LOGSETTINGS_FILEMAXBACKUPS", "-1"},
                            std::pair{"PB_LOGSETTINGS_FILEMAXBACKUPS", "1001"}}) {
    ServerConfig config;
    config.env = {{key, value}};
    ServerProcess server(config);
    ASSERT_TRUE(server.spawn());
    auto code = server.wait_exit();
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
    // An override's error names the variable it came from.
    EXPECT_NE(server.log().find(std::string(key) + ": must be an integer between"), std::string::npos)
        << server.log();
  }
}

}  // namespace
}  // namespace pb::itest
