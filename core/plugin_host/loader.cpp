#include "core/plugin_host/loader.h"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>
#include <unordered_map>

#include "core/plugin_host/discovery.h"
#include "core/plugin_host/settings_schema.h"

namespace pb::plugin_host {

namespace fs = std::filesystem;

namespace {

// The fields a host of minor 0 reads from a descriptor (everything before reserved[]).
constexpr size_t kMinDescriptorSize = offsetof(pb_plugin_descriptor, reserved);

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

// Describes the exception in flight; call only inside a catch block.
std::string describe_current_exception() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  std::string what = type != nullptr ? demangle(type->name()) : "an unknown exception";
  try {
    throw;
  } catch (const std::exception& e) {
    what += ": ";
    what += e.what();
  } catch (...) {
  }
  return what;
}

// Runs `call` (a lifecycle function of the plugin), turning a throw or a non-zero status into
// an error that reads "<what> threw T: msg" / "<what> returned PB_E_X".
template <typename Fn>
Result<void> guarded(const PluginRecord& record, std::string_view what, Fn&& call) {
  int rc = PB_OK;
  try {
    rc = call();
  } catch (...) {
    return make_error(PB_E_PLUGIN, fmt::format("{}: {} threw {}", record.library_path.string(),
                                               what, describe_current_exception()));
  }
  if (rc != PB_OK) {
    return make_error(
        rc < 0 ? rc : PB_E_PLUGIN,
        fmt::format("{}: {} returned {}", record.library_path.string(), what, status_name(rc)));
  }
  return {};
}

const PluginPolicy& policy_for(const LoadOptions& options, std::string_view id) {
  static const PluginPolicy kDefault;
  auto it = options.policies.find(id);
  return it == options.policies.end() ? kDefault : it->second;
}

// Calls the entry point and checks the descriptor it returns. Marks the record failed on error.
void check_entry(PluginRecord& r, pb_plugin_entry_fn entry, const LoadOptions& options) {
  const std::string lib_name = r.library_path.string();
  const pb_plugin_descriptor* d = nullptr;
  try {
    d = entry(options.host_abi_major, options.host_abi_minor);
  } catch (...) {
    r.fail(fmt::format("{}: {} threw {}", lib_name, PB_PLUGIN_ENTRY_SYMBOL,
                       describe_current_exception()));
    return;
  }
  if (d == nullptr) {
    r.fail(fmt::format("{}: {}({}, {}) returned NULL (the plugin refuses this host)", lib_name,
                       PB_PLUGIN_ENTRY_SYMBOL, options.host_abi_major, options.host_abi_minor));
    return;
  }
  if (d->struct_size < kMinDescriptorSize) {
    r.fail(fmt::format("{}: descriptor struct_size {} is too small (at least {})", lib_name,
                       d->struct_size, kMinDescriptorSize));
    return;
  }
  if (d->abi_major != options.host_abi_major) {
    r.fail(fmt::format("{}: plugin ABI major {} does not match the host's {}", lib_name,
                       d->abi_major, options.host_abi_major));
    return;
  }
  if (d->abi_minor > options.host_abi_minor) {
    r.fail(fmt::format("{}: plugin ABI {}.{} is newer than the host's {}.{}", lib_name,
                       d->abi_major, d->abi_minor, options.host_abi_major, options.host_abi_minor));
    return;
  }
  const std::string_view desc_id = d->id != nullptr ? std::string_view(d->id) : std::string_view();
  if (desc_id != r.id) {
    r.fail(fmt::format("{}: descriptor id '{}' does not match the manifest id '{}'", lib_name,
                       desc_id, r.id));
    return;
  }
  if (d->init == nullptr) {
    r.fail(fmt::format("{}: descriptor has no init function", lib_name));
    return;
  }
  r.descriptor = d;
}

// Opens the library of an active record and checks its descriptor. Marks it failed on error.
void open_library(PluginRecord& r, const LoadOptions& options) {
  for (const StaticPlugin& s : options.static_entries) {
    if (s.id != nullptr && r.id == s.id && s.entry != nullptr) {
      r.linked_in = true;
      r.library_path = r.dir / "(linked in)";
      check_entry(r, s.entry, options);
      return;
    }
  }
  std::error_code ec;
  if (!fs::exists(r.library_path, ec)) {
    r.fail(fmt::format("{}: library file missing", r.library_path.string()));
    return;
  }
  auto lib = DlHandle::open(r.library_path.string());
  if (!lib) {
    r.fail(fmt::format("{}: cannot load: {}", r.library_path.string(), lib.error().message));
    return;
  }
  r.library = std::move(lib.value());
  std::string err;
  auto* entry =
      reinterpret_cast<pb_plugin_entry_fn>(r.library.symbol(PB_PLUGIN_ENTRY_SYMBOL, &err));
  if (entry == nullptr) {
    r.fail(
        fmt::format("{}: no {} symbol ({})", r.library_path.string(), PB_PLUGIN_ENTRY_SYMBOL, err));
    return;
  }
  check_entry(r, entry, options);
}

}  // namespace

std::string_view state_name(PluginState state) {
  switch (state) {
    case PluginState::active:
      return "active";
    case PluginState::disabled:
      return "disabled";
    case PluginState::failed:
      return "failed";
  }
  return "?";
}

const char* status_name(int status) { return pb_status_str(status); }

void PluginRecord::fail(std::string why) {
  state = PluginState::failed;
  reason = std::move(why);
}

Result<std::vector<PluginRecord>> load_plugins(const LoadOptions& options) {
  auto folders = list_plugin_folders(options.dir);
  if (!folders) return folders.error();

  std::vector<PluginRecord> records;
  records.reserve(folders->size());
  for (const auto& folder : *folders) {
    PluginRecord r;
    r.dir = folder;
    r.id = folder.filename().string();
    auto manifest = load_manifest((folder / "plugin.json").string());
    if (!manifest) {
      r.fail(manifest.error().message);
    } else {
      r.id = manifest->id;
      r.version = manifest->version;
      r.library_path = folder / manifest->library;
      r.manifest = std::move(manifest.value());
      r.state = PluginState::active;
    }
    records.push_back(std::move(r));
  }

  // Two folders claiming one id: neither wins, so the operator sees the conflict instead of a
  // silently chosen copy.
  std::unordered_map<std::string, std::vector<size_t>> by_id;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].manifest) by_id[records[i].id].push_back(i);
  }
  for (auto& [id, idxs] : by_id) {
    if (idxs.size() < 2) continue;
    std::vector<std::string> dirs;
    for (size_t i : idxs) dirs.push_back(records[i].dir.string());
    for (size_t i : idxs) {
      records[i].fail(fmt::format("{}: duplicate plugin id '{}' (claimed by {})",
                                  (records[i].dir / "plugin.json").string(), id,
                                  fmt::join(dirs, ", ")));
    }
  }

  for (auto& r : records) {
    const PluginPolicy& policy = policy_for(options, r.id);
    r.required = policy.required;
    if (r.state != PluginState::active) continue;
    if (!policy.enable) {
      r.state = PluginState::disabled;
      r.reason = fmt::format("PluginSettings.PluginStates.{}.Enable is false", r.id);
      continue;
    }
    const Manifest& m = *r.manifest;
    const std::string manifest_file = (r.dir / "plugin.json").string();
    if (m.abi_major != options.host_abi_major) {
      r.fail(fmt::format("{}: abi.major {} is not the host's {}", manifest_file, m.abi_major,
                         options.host_abi_major));
      continue;
    }
    if (m.abi_min_minor > options.host_abi_minor) {
      r.fail(fmt::format("{}: needs ABI {}.{}, the host has {}.{}", manifest_file, m.abi_major,
                         m.abi_min_minor, options.host_abi_major, options.host_abi_minor));
      continue;
    }
    auto settings = validate_settings(m, policy.settings_json);
    if (!settings) {
      r.fail(fmt::format("settings invalid: {}", settings.error().message));
      continue;
    }
    r.settings_json = std::move(settings.value());
    open_library(r, options);
    if (r.state == PluginState::failed) r.library.reset();
  }
  return records;
}

Result<void> call_init(PluginRecord& record, const pb_host_api* host, pb_plugin* self) {
  if (record.state != PluginState::active || record.descriptor == nullptr || record.initialized) {
    return make_error(PB_E_STATE, fmt::format("{}: init called out of order", record.id));
  }
  void* state = nullptr;
  auto r = guarded(record, "init", [&] {
    return record.descriptor->init(
        self, host, pb_str{record.settings_json.data(), record.settings_json.size()}, &state);
  });
  if (!r) {
    record.fail(r.error().message);
    return r;
  }
  record.plugin_state = state;
  record.initialized = true;
  return {};
}

Result<void> call_start(PluginRecord& record) {
  if (record.state != PluginState::active || !record.initialized) {
    return make_error(PB_E_STATE, fmt::format("{}: start called out of order", record.id));
  }
  if (record.descriptor->start == nullptr) return {};
  auto r = guarded(record, "start", [&] { return record.descriptor->start(record.plugin_state); });
  if (!r) record.fail(r.error().message);
  return r;
}

Result<void> call_configure(PluginRecord& record, std::string settings_json) {
  if (record.state != PluginState::active || !record.initialized) {
    return make_error(PB_E_STATE, fmt::format("{}: configure called out of order", record.id));
  }
  if (record.descriptor->configure != nullptr) {
    auto r = guarded(record, "configure", [&] {
      return record.descriptor->configure(record.plugin_state,
                                          pb_str{settings_json.data(), settings_json.size()});
    });
    if (!r) return r;
  }
  record.settings_json = std::move(settings_json);
  return {};
}

void call_stop(PluginRecord& record) {
  if (!record.initialized || record.descriptor->stop == nullptr) return;
  auto r = guarded(record, "stop", [&] {
    record.descriptor->stop(record.plugin_state);
    return PB_OK;
  });
  if (!r) record.fail(r.error().message);
}

void call_destroy(PluginRecord& record) {
  if (!record.initialized) return;
  record.initialized = false;
  if (record.descriptor->destroy == nullptr) return;
  auto r = guarded(record, "destroy", [&] {
    record.descriptor->destroy(record.plugin_state);
    return PB_OK;
  });
  record.plugin_state = nullptr;
  if (!r) record.fail(r.error().message);
}

void unload(PluginRecord& record) {
  record.descriptor = nullptr;
  record.plugin_state = nullptr;
  record.initialized = false;
  record.library.reset();
}

std::string format_plugin_list(const std::vector<PluginRecord>& records) {
  std::string out;
  for (const auto& r : records) {
    out += fmt::format("{} {} {}", r.id, r.version.empty() ? "-" : r.version, state_name(r.state));
    if (r.state != PluginState::active && !r.reason.empty()) {
      out += ' ';
      out += r.reason;
    }
    out += '\n';
  }
  return out;
}

}  // namespace pb::plugin_host
