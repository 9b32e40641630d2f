#include "core/plugin_host/discovery.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace pb::plugin_host;

namespace {

TEST(Discovery, DefaultDirIsBesideTheBinDirectory) {
  auto exe = executable_dir();
  ASSERT_TRUE(exe.ok()) << exe.error().message;
  EXPECT_TRUE(fs::exists(*exe / "plugin_host_tests")) << *exe;
  auto dir = default_plugin_dir();
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, (exe.value().parent_path() / "plugins").lexically_normal());
  EXPECT_EQ(dir->filename(), "plugins");
}

TEST(Discovery, ListsPluginFoldersSortedSkippingFilesAndHidden) {
  std::string tmpl = (fs::temp_directory_path() / "pb-disc-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path root = tmpl;
  fs::create_directories(root / "zeta");
  fs::create_directories(root / "alpha");
  fs::create_directories(root / ".hidden");
  std::ofstream(root / "README") << "not a plugin";
  fs::create_directories(root / "elsewhere");
  fs::create_directory_symlink(root / "elsewhere", root / "linked");

  auto folders = list_plugin_folders(root);
  ASSERT_TRUE(folders.ok()) << folders.error().message;
  std::vector<std::string> names;
  for (auto& f : *folders) names.push_back(f.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "elsewhere", "linked", "zeta"}));
  fs::remove_all(root);
}

TEST(Discovery, MissingDirectoryIsEmpty) {
  auto folders = list_plugin_folders("/nonexistent/patchbay/plugins");
  ASSERT_TRUE(folders.ok());
  EXPECT_TRUE(folders->empty());
}

}  // namespace
