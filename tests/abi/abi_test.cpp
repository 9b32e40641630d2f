// The broken-plugin corpus: for each way a plugin can be wrong, the loader must mark it failed
// with a reason that names the file and the cause, and keep going. Each test links the case
// folders it needs into a fresh temporary plugins directory.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

#include "core/plugin_host/loader.h"
#include "patchbay/fake_host.hpp"

namespace fs = std::filesystem;
using namespace pb::plugin_host;

namespace {

class AbiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "pb-abi-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    plugins_ = root_ / "plugins";
    fs::create_directories(plugins_);
    marker_ = root_ / "marker-loaded";
    setenv("PB_ABI_MARKER", marker_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("PB_ABI_MARKER");
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Links corpus folders into this test's plugins directory.
  void use(std::initializer_list<const char*> cases) {
    for (const char* c : cases) {
      fs::path src = fs::path(ABI_PLUGIN_DIR) / c;
      ASSERT_TRUE(fs::is_directory(src)) << src << " is not built";
      fs::create_directory_symlink(src, plugins_ / c);
    }
  }

  std::vector<PluginRecord> load(LoadOptions options = {}) {
    options.dir = plugins_;
    auto records = load_plugins(options);
    EXPECT_TRUE(records.ok()) << (records.ok() ? "" : records.error().message);
    return records.ok() ? std::move(records.value()) : std::vector<PluginRecord>{};
  }

  // The single record of a one-case load, failed, whose reason must contain each of `parts`.
  void expect_failed(std::vector<PluginRecord>& records, std::initializer_list<std::string> parts) {
    ASSERT_EQ(records.size(), 1u);
    const PluginRecord& r = records[0];
    EXPECT_EQ(r.state, PluginState::failed) << r.reason;
    EXPECT_FALSE(r.library) << "a failed plugin's library must be closed";
    for (const auto& part : parts)
      EXPECT_NE(r.reason.find(part), std::string::npos) << r.reason << "\nmissing: " << part;
  }

  fs::path root_, plugins_, marker_;
};

TEST_F(AbiTest, HealthyPluginRunsItsWholeLifecycle) {
  use({"healthy"});
  auto records = load();
  ASSERT_EQ(records.size(), 1u);
  PluginRecord& r = records[0];
  ASSERT_EQ(r.state, PluginState::active) << r.reason;
  EXPECT_EQ(r.id, "healthy");
  EXPECT_EQ(r.version, "3.1.4");
  EXPECT_EQ(r.settings_json, R"({"Name":"world"})");
  ASSERT_NE(r.descriptor, nullptr);

  pb::sdk::FakeHost host(r.descriptor);
  ASSERT_TRUE(host.run_in_init_phase([&] {
    auto init = call_init(r, host.api(), host.self());
    return init.ok() ? PB_OK : PB_E_PLUGIN;
  }) == PB_OK)
      << r.reason;
  EXPECT_TRUE(host.logged(R"(healthy: init {"Name":"world"})"));
  ASSERT_TRUE(call_start(r).ok());
  EXPECT_TRUE(host.logged("healthy: start"));
  const auto& res = host.request("GET", "/api/v4/plugins/healthy/ping");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "pong");
  call_stop(r);
  call_destroy(r);
  EXPECT_TRUE(host.logged("healthy: stop"));
  EXPECT_TRUE(host.logged("healthy: destroyed"));
  EXPECT_EQ(r.state, PluginState::active);
  unload(r);
  EXPECT_FALSE(r.library);
  EXPECT_EQ(format_plugin_list(records), "healthy 3.1.4 active\n");
}

TEST_F(AbiTest, CorrectCPluginLoads) {
  use({"descriptor_ok"});
  auto records = load();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].state, PluginState::active) << records[0].reason;
  EXPECT_TRUE(records[0].library);
}

TEST_F(AbiTest, ManifestMissing) {
  use({"manifest_missing"});
  auto records = load();
  expect_failed(records, {"manifest_missing/plugin.json", "manifest missing"});
  EXPECT_EQ(records[0].id, "manifest_missing");  // the folder name stands in for the id
}

TEST_F(AbiTest, ManifestInvalid) {
  use({"manifest_invalid"});
  auto records = load();
  expect_failed(records, {"manifest_invalid/plugin.json", "not valid JSON"});
}

TEST_F(AbiTest, ManifestAbiMajorMismatchIsRefusedBeforeLoading) {
  use({"manifest_abi_major"});
  auto records = load();
  expect_failed(records, {"manifest_abi_major/plugin.json", "abi.major 2 is not the host's 1"});
}

TEST_F(AbiTest, ManifestNeedingANewerMinorIsRefused) {
  use({"manifest_abi_minor"});
  auto records = load();
  expect_failed(records, {"manifest_abi_minor/plugin.json", "needs ABI 1.99"});
}

TEST_F(AbiTest, LibraryFileMissing) {
  use({"library_missing"});
  auto records = load();
  expect_failed(records, {"library_missing/libgone.so", "library file missing"});
}

TEST_F(AbiTest, NotASharedObject) {
  use({"not_elf"});
  auto records = load();
  expect_failed(records, {"not_elf/libnot_elf.so", "cannot load"});
}

TEST_F(AbiTest, UndefinedSymbol) {
  use({"undefined_symbol"});
  auto records = load();
  expect_failed(records, {"libundefined_symbol.so", "undefined symbol",
                          "pb_host_internal_function_that_does_not_exist"});
}

TEST_F(AbiTest, NoEntryPoint) {
  use({"no_entry"});
  auto records = load();
  expect_failed(records, {"no_entry/libno_entry.so", "no pb_plugin_entry symbol"});
}

TEST_F(AbiTest, EntryReturnsNull) {
  use({"entry_null"});
  auto records = load();
  expect_failed(records, {"libentry_null.so", "returned NULL"});
}

TEST_F(AbiTest, DescriptorTooSmall) {
  use({"struct_small"});
  auto records = load();
  expect_failed(records, {"libstruct_small.so", "struct_size 16 is too small"});
}

TEST_F(AbiTest, AbiMajorMismatch) {
  use({"abi_major"});
  auto records = load();
  expect_failed(records, {"libabi_major.so", "plugin ABI major 99 does not match the host's 1"});
}

TEST_F(AbiTest, PluginMinorNewerThanHost) {
  use({"abi_minor_newer"});
  auto records = load();
  expect_failed(records, {"libabi_minor_newer.so", "is newer than the host's"});
}

TEST_F(AbiTest, IdMismatch) {
  use({"id_mismatch"});
  auto records = load();
  expect_failed(records,
                {"libid_mismatch.so",
                 "descriptor id 'someone_else' does not match the manifest id 'id_mismatch'"});
}

TEST_F(AbiTest, InitNull) {
  use({"init_null"});
  auto records = load();
  expect_failed(records, {"libinit_null.so", "no init function"});
}

TEST_F(AbiTest, DuplicateIdFailsBothFolders) {
  use({"dup_a", "dup_b"});
  auto records = load();
  ASSERT_EQ(records.size(), 2u);
  for (const auto& r : records) {
    EXPECT_EQ(r.state, PluginState::failed);
    EXPECT_NE(r.reason.find("duplicate plugin id 'dup'"), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("dup_a"), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("dup_b"), std::string::npos) << r.reason;
  }
}

// ABI minor 5: a C plugin registers a metrics collect callback; a scrape runs it and sees its
// samples (the fake records them; the server's checks are tested in tests/unit/metrics and
// through the real binary in tests/integration/metrics).
TEST_F(AbiTest, MetricsCollectCallbackRunsOnEachScrape) {
  use({"metrics"});
  auto records = load();
  ASSERT_EQ(records.size(), 1u);
  PluginRecord& r = records[0];
  ASSERT_EQ(r.state, PluginState::active) << r.reason;
  pb::sdk::FakeHost host(r.descriptor);
  ASSERT_EQ(host.run_in_init_phase([&] {
    auto init = call_init(r, host.api(), host.self());
    return init.ok() ? PB_OK : PB_E_PLUGIN;
  }),
            PB_OK)
      << r.reason;
  ASSERT_TRUE(host.has_metrics_collect());
  auto first = host.scrape_metrics();
  auto second = host.scrape_metrics();
  ASSERT_EQ(second.size(), 4u);  // the fake records all four; the server refuses three
  EXPECT_EQ(second[0].name, "patchbay_plugin_metrics_scrapes_total");
  EXPECT_EQ(second[0].type, PB_METRIC_COUNTER);
  EXPECT_EQ(second[0].value, 2);
  ASSERT_EQ(second[0].labels.size(), 1u);
  EXPECT_EQ(second[0].labels[0].second, "c \"quoted\"");
  EXPECT_TRUE(host.logged("metrics: good -> PB_OK"));
  call_destroy(r);
  unload(r);
}

TEST_F(AbiTest, MarkerProvesLoadingIsObservable) {
  // Without this the two tests below could pass for the wrong reason.
  use({"marker"});
  auto records = load();
  ASSERT_EQ(records[0].state, PluginState::active) << records[0].reason;
  EXPECT_TRUE(fs::exists(marker_));
}

TEST_F(AbiTest, DisabledPluginIsNeverOpened) {
  use({"marker"});
  LoadOptions options;
  options.policies["marker"].enable = false;
  auto records = load(options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].state, PluginState::disabled);
  EXPECT_FALSE(records[0].library);
  EXPECT_FALSE(fs::exists(marker_)) << "the disabled plugin's code ran";
  EXPECT_EQ(format_plugin_list(records),
            "marker 2.0.0 disabled PluginSettings.PluginStates.marker.Enable is false\n");
}

TEST_F(AbiTest, InvalidSettingsAreRefusedBeforeLoading) {
  use({"marker"});
  LoadOptions options;
  options.policies["marker"].settings_json = R"({"Level":"extreme","Port":70000,"Colour":"red"})";
  auto records = load(options);
  expect_failed(records,
                {"settings invalid", "PluginSettings.Plugins.marker.Level",
                 "PluginSettings.Plugins.marker.Port", "PluginSettings.Plugins.marker.Colour"});
  EXPECT_FALSE(fs::exists(marker_)) << "code ran although its settings were invalid";
}

TEST_F(AbiTest, ValidatedSettingsWithDefaultsReachInit) {
  use({"marker"});
  LoadOptions options;
  options.policies["marker"].settings_json = R"({"Level":"high"})";
  auto records = load(options);
  ASSERT_EQ(records[0].state, PluginState::active) << records[0].reason;
  pb::sdk::FakeHost host(records[0].descriptor);
  ASSERT_TRUE(call_init(records[0], host.api(), host.self()).ok());
  EXPECT_TRUE(host.logged(R"({"Level":"high","Port":8080})"));
  call_stop(records[0]);
  call_destroy(records[0]);
  unload(records[0]);
}

// ---- guarded lifecycle calls ----

class LifecycleTest : public AbiTest {
 protected:
  PluginRecord& load_with(const char* fail, bool required = false) {
    use({"lifecycle"});
    LoadOptions options;
    options.policies["lifecycle"].settings_json = std::string(R"({"Fail":")") + fail + "\"}";
    options.policies["lifecycle"].required = required;
    records_ = load(options);
    EXPECT_EQ(records_.size(), 1u);
    EXPECT_EQ(records_[0].state, PluginState::active) << records_[0].reason;
    return records_[0];
  }
  std::vector<PluginRecord> records_;
  pb::sdk::FakeHost host_;
};

TEST_F(LifecycleTest, InitReturningAnErrorMarksFailed) {
  PluginRecord& r = load_with("init_code");
  auto res = call_init(r, host_.api(), host_.self());
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(r.state, PluginState::failed);
  EXPECT_NE(r.reason.find("init returned PB_E_IO"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("liblifecycle.so"), std::string::npos) << r.reason;
  EXPECT_FALSE(r.initialized);
  EXPECT_FALSE(is_fatal(r));
  unload(r);
}

TEST_F(LifecycleTest, InitThrowingIsCaughtAndNamed) {
  PluginRecord& r = load_with("init_throw", /*required=*/true);
  ASSERT_FALSE(call_init(r, host_.api(), host_.self()).ok());
  EXPECT_NE(r.reason.find("init threw std::runtime_error: boom in init"), std::string::npos)
      << r.reason;
  EXPECT_TRUE(is_fatal(r));
  unload(r);
}

TEST_F(LifecycleTest, InitThrowingANonExceptionIsCaught) {
  PluginRecord& r = load_with("init_throw_int");
  ASSERT_FALSE(call_init(r, host_.api(), host_.self()).ok());
  EXPECT_NE(r.reason.find("init threw int"), std::string::npos) << r.reason;
  unload(r);
}

TEST_F(LifecycleTest, StartFailureStillStopsAndDestroys) {
  PluginRecord& r = load_with("start_throw");
  ASSERT_TRUE(call_init(r, host_.api(), host_.self()).ok());
  ASSERT_FALSE(call_start(r).ok());
  EXPECT_EQ(r.state, PluginState::failed);
  EXPECT_NE(r.reason.find("start threw std::logic_error: boom in start"), std::string::npos)
      << r.reason;
  call_stop(r);
  call_destroy(r);
  EXPECT_TRUE(host_.logged("lifecycle: stop"));
  EXPECT_TRUE(host_.logged("lifecycle: destroy"));
  unload(r);
}

TEST_F(LifecycleTest, StartReturningAnErrorIsNamed) {
  PluginRecord& r = load_with("start_code");
  ASSERT_TRUE(call_init(r, host_.api(), host_.self()).ok());
  ASSERT_FALSE(call_start(r).ok());
  EXPECT_NE(r.reason.find("start returned PB_E_INVALID"), std::string::npos) << r.reason;
  call_stop(r);
  call_destroy(r);
  unload(r);
}

TEST_F(LifecycleTest, StopAndDestroyThrowingAreContained) {
  PluginRecord& r = load_with("stop_throw");
  ASSERT_TRUE(call_init(r, host_.api(), host_.self()).ok());
  ASSERT_TRUE(call_start(r).ok());
  call_stop(r);
  EXPECT_EQ(r.state, PluginState::failed);
  EXPECT_NE(r.reason.find("stop threw std::runtime_error: boom in stop"), std::string::npos)
      << r.reason;
  call_destroy(r);
  EXPECT_TRUE(host_.logged("lifecycle: destroy"));
  unload(r);
}

TEST_F(LifecycleTest, DestroyThrowingIsContained) {
  PluginRecord& r = load_with("destroy_throw");
  ASSERT_TRUE(call_init(r, host_.api(), host_.self()).ok());
  call_stop(r);
  call_destroy(r);
  EXPECT_EQ(r.state, PluginState::failed);
  EXPECT_NE(r.reason.find("destroy threw std::runtime_error: boom in destroy"), std::string::npos)
      << r.reason;
  EXPECT_FALSE(r.initialized);
  unload(r);
}

TEST_F(LifecycleTest, CallsOutOfOrderAreRefused) {
  PluginRecord& r = load_with("none");
  EXPECT_FALSE(call_start(r).ok());  // before init
  ASSERT_TRUE(call_init(r, host_.api(), host_.self()).ok());
  EXPECT_FALSE(call_init(r, host_.api(), host_.self()).ok());  // twice
  EXPECT_EQ(r.state, PluginState::active);
  call_stop(r);
  call_destroy(r);
  unload(r);
}

// ---- many plugins at once ----

TEST_F(AbiTest, OneBrokenPluginDoesNotStopTheOthers) {
  use({"healthy", "not_elf", "marker", "entry_null"});
  LoadOptions options;
  options.policies["marker"].enable = false;
  options.policies["entry_null"].required = true;
  auto records = load(options);
  ASSERT_EQ(records.size(), 4u);
  // Folder order: entry_null, healthy, marker, not_elf.
  EXPECT_EQ(records[0].state, PluginState::failed);
  EXPECT_TRUE(is_fatal(records[0]));
  EXPECT_EQ(records[1].state, PluginState::active);
  EXPECT_EQ(records[2].state, PluginState::disabled);
  EXPECT_EQ(records[3].state, PluginState::failed);
  EXPECT_FALSE(is_fatal(records[3]));
  std::string list = format_plugin_list(records);
  EXPECT_NE(list.find("entry_null 0.0.1 failed "), std::string::npos) << list;
  EXPECT_NE(list.find("healthy 3.1.4 active\n"), std::string::npos) << list;
  EXPECT_NE(list.find("not_elf 1.0.0 failed "), std::string::npos) << list;
}

TEST_F(AbiTest, LinkedInPluginNeedsNoLibrary) {
  fs::create_directory_symlink(fs::path(ABI_STATIC_DIR) / "healthy", plugins_ / "healthy");
  ASSERT_FALSE(fs::exists(plugins_ / "healthy" / "libhealthy.so"));
  ASSERT_EQ(static_plugins().size(), 1u);
  LoadOptions options;
  options.static_entries = static_plugins();
  auto records = load(options);
  ASSERT_EQ(records.size(), 1u);
  PluginRecord& r = records[0];
  ASSERT_EQ(r.state, PluginState::active) << r.reason;
  EXPECT_TRUE(r.linked_in);
  EXPECT_FALSE(r.library);
  pb::sdk::FakeHost host(r.descriptor);
  ASSERT_EQ(host.run_in_init_phase(
                [&] { return call_init(r, host.api(), host.self()).ok() ? PB_OK : PB_E_PLUGIN; }),
            PB_OK)
      << r.reason;
  EXPECT_EQ(host.request("GET", "/api/v4/plugins/healthy/ping").body, "pong");
  call_stop(r);
  call_destroy(r);
  unload(r);
  // Without the table the same folder is a plugin whose library is missing.
  auto without = load();
  ASSERT_EQ(without.size(), 1u);
  EXPECT_NE(without[0].reason.find("library file missing"), std::string::npos) << without[0].reason;
}

TEST_F(AbiTest, MissingPluginDirectoryIsEmpty) {
  LoadOptions options;
  options.dir = root_ / "nowhere";
  auto records = load_plugins(options);
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

}  // namespace
