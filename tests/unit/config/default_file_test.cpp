// The shipped config/config.json and config/README.md agree with the key table.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "core/config/loader.h"
#include "core/config/schema.h"
#include "core/config/writer.h"

namespace pb::config {
namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DefaultConfigFile, LoadsWithoutWarningsAndEqualsTheBuiltInDefaults) {
  auto loaded = load_config(PB_DEFAULT_CONFIG_FILE, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(loaded->warnings.empty()) << loaded->warnings.front();
  EXPECT_EQ(loaded->config, Config{});
}

// Equal values could still come from missing keys falling back to defaults; the file must list
// every key, so compare it with the writer's output as JSON (order and spacing aside).
TEST(DefaultConfigFile, ListsEveryKey) {
  rapidjson::Document file, written;
  const std::string file_text = read_file(PB_DEFAULT_CONFIG_FILE);
  const std::string written_text = to_json(Config{}, true);
  ASSERT_FALSE(file.Parse(file_text.c_str()).HasParseError());
  ASSERT_FALSE(written.Parse(written_text.c_str()).HasParseError());
  EXPECT_TRUE(file == written) << "config/config.json should be:\n" << written_text;
}

TEST(DefaultConfigFile, ReadmeDocumentsEveryKey) {
  const std::string readme = read_file(PB_CONFIG_README_FILE);
  for (const KeyDef& key : schema()) {
    EXPECT_NE(readme.find("| `" + key.path + "` |"), std::string::npos)
        << "config/README.md has no row for " << key.path;
  }
}

}  // namespace
}  // namespace pb::config
