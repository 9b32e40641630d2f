// The plugin loader: discovery + manifest + settings validation + dlopen + ABI checks, and guarded
// calls of each plugin's lifecycle functions. It never decides whether a failure is fatal: each
// record says `required`, and the caller (the server) stops when a required plugin failed.
//
// Threading: everything here runs on the loop thread (or before the loop starts).
//
// Order of use, for each record with state == active:
//   load_plugins() -> call_init() -> call_start() -> (call_configure())* -> call_stop()
//   -> call_destroy() -> unload()
// After a failed call_init the host must first drop whatever the plugin registered (its
// callbacks point into the library), then call unload(); destroy is not called (plugin.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/plugin_host/dl_handle.h"
#include "core/plugin_host/manifest.h"
#include "core/plugin_host/static_plugins.h"
#include "core/util/result.h"
#include "patchbay/plugin.h"

namespace pb::plugin_host {

enum class PluginState { active, disabled, failed };
std::string_view state_name(PluginState state);  // "active", "disabled", "failed"

// A pb_status as its stable name ("PB_E_IO"); "PB_E_UNKNOWN" for other values.
const char* status_name(int status);

// The operator's word on one plugin (config.json PluginSettings.PluginStates.<id>.Enable,
// a Required list, PluginSettings.Plugins.<id>).
struct PluginPolicy {
  bool enable = true;         // every discovered plugin is enabled unless this says false
  bool required = false;      // the caller treats a failure of this plugin as fatal
  std::string settings_json;  // raw JSON object text; "" means {}
};

struct LoadOptions {
  std::filesystem::path dir;                                  // one folder per plugin
  std::map<std::string, PluginPolicy, std::less<>> policies;  // by plugin id; absent = defaults
  uint32_t host_abi_major = PB_ABI_MAJOR;
  uint32_t host_abi_minor = PB_ABI_MINOR;
  // Plugins linked into the binary: a folder whose manifest id is listed here takes its entry
  // point from the table (no library file, no dlopen); everything else is checked the same way.
  // Usually static_plugins().
  std::span<const StaticPlugin> static_entries;
};

// One plugin, as the host knows it. Move-only (it owns the library handle).
struct PluginRecord {
  std::string id;       // the manifest's id; the folder name when the manifest is unreadable
  std::string version;  // the manifest's version ("" when unreadable)
  std::filesystem::path dir;
  std::filesystem::path library_path;  // dir / manifest.library
  std::optional<Manifest> manifest;
  PluginState state = PluginState::failed;
  std::string reason;  // why failed/disabled; names the file and the cause
  bool required = false;
  std::string settings_json;  // validated, defaults filled in (set before the library is opened)
  DlHandle library;           // open while state is active (and until unload); empty if linked in
  bool linked_in = false;     // the entry came from LoadOptions::static_entries
  const pb_plugin_descriptor* descriptor = nullptr;  // points into `library`
  void* plugin_state = nullptr;                      // what init stored in *state
  bool initialized = false;                          // init succeeded: destroy is owed

  // Marks the record failed with `why` (kept for the list and the log).
  void fail(std::string why);
};

// True when `record` failed and the operator marked it required: the caller should stop.
inline bool is_fatal(const PluginRecord& record) {
  return record.state == PluginState::failed && record.required;
}

// Discovers every folder under options.dir and brings each to active (library open, descriptor
// checked, not yet initialised), disabled (never opened) or failed (reason set). Records are in
// folder-name order. Failure reasons (each names the file): manifest missing or invalid;
// duplicate id (every folder claiming it fails); manifest ABI major/minor not supported;
// settings invalid (checked before dlopen); library file missing; dlopen failure (not a shared
// object, undefined symbols: dlerror's text); no pb_plugin_entry; entry returned NULL;
// descriptor struct_size too small; descriptor ABI major mismatch or minor newer than the host;
// descriptor id different from the manifest's; init NULL.
// Errors: PB_E_IO when options.dir exists but cannot be read.
Result<std::vector<PluginRecord>> load_plugins(const LoadOptions& options);

// Lifecycle calls. Each is skipped (returns PB_E_STATE error) unless the record is in the right
// phase; each catches anything thrown through the ABI ("init threw std::runtime_error: boom") and
// non-zero returns ("init returned PB_E_IO"), marks the record failed and returns that error.
Result<void> call_init(PluginRecord& record, const pb_host_api* host, pb_plugin* self);
Result<void> call_start(PluginRecord& record);
// A rejected configure (non-zero return or throw) leaves the plugin active with its old
// settings: the record is not marked failed. On success record.settings_json is replaced.
Result<void> call_configure(PluginRecord& record, std::string settings_json);
// stop and destroy run whenever init succeeded, even on a failed record (plugin.h).
void call_stop(PluginRecord& record);
void call_destroy(PluginRecord& record);
// dlclose. Call after destroy (or after a failed init, once the plugin's registrations are gone).
void unload(PluginRecord& record);

// The `plugins list` output: one line per record, "id version state[ reason]\n".
std::string format_plugin_list(const std::vector<PluginRecord>& records);

}  // namespace pb::plugin_host
