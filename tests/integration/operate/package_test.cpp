// The release packages made by cpack from this build: the tarball's name and tree, and the
// .deb's contents, control data, conffiles, maintainer scripts and systemd unit (dpkg-deb).
// Skipped, saying why, only where cpack or dpkg-deb is not installed.
#include <fstream>

#include "tests/integration/operate/operate_support.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::itest::operate {
namespace {

std::string arch() {
  auto r = run("/usr/bin/uname", {"-m"});
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n')) out.pop_back();
  return out;
}

// Runs cpack for one generator into `out`; the package path, or "" (with a failure recorded).
fs::path cpack(const std::string& generator, const fs::path& out, const std::string& ext) {
  auto r = run(PATCHBAY_CPACK_COMMAND, {"-G", generator, "--config",
                                        std::string(PATCHBAY_BUILD_DIR) + "/CPackConfig.cmake",
                                        "-B", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& entry : fs::directory_iterator(out)) {
    std::string name = entry.path().filename().string();
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      return entry.path();
  }
  ADD_FAILURE() << "no *" << ext << " in " << out << "\n" << r.out;
  return {};
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text + "\n").find("\n" + line + "\n") != std::string::npos;
}

class Packages : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(PATCHBAY_CPACK_COMMAND)) GTEST_SKIP() << "cpack is not installed";
    if (!fs::exists("/usr/bin/dpkg-deb")) GTEST_SKIP() << "dpkg-deb is not installed";
  }
  TempDir tmp_;
};

TEST_F(Packages, TarballIsNamedByVersionAndArchAndHoldsTheTree) {
  fs::path tarball = cpack("TGZ", tmp_.path(), ".tar.gz");
  ASSERT_FALSE(tarball.empty());
  std::string top = std::string("patchbay-") + PATCHBAY_VERSION + "-linux-" + arch();
  EXPECT_EQ(tarball.filename().string(), top + ".tar.gz");
  auto list = run("/usr/bin/tar", {"-tzf", tarball.string()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  for (const std::string& entry :
       {top + "/bin/patchbay", top + "/config/config.json", top + "/plugins/auth/plugin.json",
        top + "/plugins/auth/libauth.so", top + "/data/", top + "/logs/", top + "/README.md"}) {
    EXPECT_TRUE(has_line(list.out, entry)) << entry << " missing from\n" << list.out;
  }
  EXPECT_EQ(list.out.find("systemd"), std::string::npos) << list.out;
}

TEST_F(Packages, DebInstallsUnderOptWithAHardenedUnitAConffileAndQuietScripts) {
  fs::path deb = cpack("DEB", tmp_.path(), ".deb");
  ASSERT_FALSE(deb.empty());

  auto contents = run("/usr/bin/dpkg-deb", {"-c", deb.string()});
  ASSERT_EQ(contents.exit_code, 0) << contents.err;
  for (const char* path :
       {"./opt/patchbay/bin/patchbay", "./opt/patchbay/config/config.json",
        "./opt/patchbay/plugins/auth/libauth.so", "./opt/patchbay/plugins/auth/plugin.json",
        "./opt/patchbay/data/", "./opt/patchbay/logs/", "./lib/systemd/system/patchbay.service"}) {
    EXPECT_NE(contents.out.find(std::string(" ") + path + "\n"), std::string::npos)
        << path << " missing from\n" << contents.out;
  }

  auto info = run("/usr/bin/dpkg-deb", {"-I", deb.string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find(" Package: patchbay\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find(std::string(" Version: ") + PATCHBAY_VERSION + "\n"), std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find(" Depends: "), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("adduser"), std::string::npos) << info.out;

  fs::path control = tmp_.path() / "control";
  auto extracted = run("/usr/bin/dpkg-deb", {"-e", deb.string(), control.string()});
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  EXPECT_EQ(file_bytes(control / "conffiles"), "/opt/patchbay/config/config.json\n");
  std::string postinst = file_bytes(control / "postinst");
  EXPECT_NE(postinst.find("adduser --system"), std::string::npos);
  EXPECT_NE(postinst.find("chown patchbay:patchbay \"$PREFIX/data\" \"$PREFIX/logs\""),
            std::string::npos);
  for (const char* script : {"postinst", "prerm", "postrm"}) {
    std::string text = file_bytes(control / script);
    // Nothing is started or enabled on install.
    EXPECT_EQ(text.find("systemctl start"), std::string::npos) << script;
    EXPECT_EQ(text.find("systemctl enable"), std::string::npos) << script;
    EXPECT_EQ(text.find("deb-systemd-invoke"), std::string::npos) << script;
    auto syntax = run("/bin/sh", {"-n", (control / script).string()});
    EXPECT_EQ(syntax.exit_code, 0) << script << ": " << syntax.err;
    EXPECT_TRUE(fs::status(control / script).permissions() == fs::perms(0755)) << script;
  }

  fs::path root = tmp_.path() / "root";
  auto unpacked = run("/usr/bin/dpkg-deb", {"-x", deb.string(), root.string()});
  ASSERT_EQ(unpacked.exit_code, 0) << unpacked.err;
  std::string unit = file_bytes(root / "lib/systemd/system/patchbay.service");
  for (const char* line :
       {"User=patchbay", "NoNewPrivileges=yes", "ProtectSystem=strict",
        "ReadWritePaths=/opt/patchbay/data /opt/patchbay/logs", "PrivateTmp=yes",
        "ProtectHome=yes", "CapabilityBoundingSet=",
        "ExecStart=/opt/patchbay/bin/patchbay serve --config /opt/patchbay/config/config.json",
        "ExecReload=/bin/kill -HUP $MAINPID"}) {
    EXPECT_TRUE(has_line(unit, line)) << line << " missing from the unit";
  }
  // The packaged config is the documented default.
  EXPECT_EQ(file_bytes(root / "opt/patchbay/config/config.json"),
            file_bytes(fs::path(PATCHBAY_SOURCE_DIR) / "config" / "config.json"));
}

}  // namespace
}  // namespace pb::itest::operate
