// SIGHUP for PluginSettings: live settings reach the running plugins through configure(), the
// rest is reported as needing a restart. See App::reload_plugin_settings in app.h.
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <vector>

#include "core/log/log.h"
#include "core/plugin_host/settings_schema.h"
#include "core/server/app.h"

namespace pb::server {
namespace {

// The top-level keys whose values differ between two settings objects (validated, so both are
// objects); in `b`'s order, then those only in `a`.
std::vector<std::string> changed_keys(const std::string& a, const std::string& b) {
  rapidjson::Document da, db;
  da.Parse(a.c_str());
  db.Parse(b.c_str());
  std::vector<std::string> changed;
  if (!da.IsObject() || !db.IsObject()) return {"(settings object)"};
  for (const auto& m : db.GetObject()) {
    auto it = da.FindMember(m.name);
    if (it == da.MemberEnd() || !(it->value == m.value)) changed.emplace_back(m.name.GetString());
  }
  for (const auto& m : da.GetObject()) {
    if (!db.HasMember(m.name)) changed.emplace_back(m.name.GetString());
  }
  return changed;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

const std::string& raw_or_empty(const std::map<std::string, std::string>& map, const std::string& id) {
  static const std::string kEmpty = "{}";
  auto it = map.find(id);
  return it == map.end() ? kEmpty : it->second;
}

}  // namespace

bool App::reload_plugin_settings(const config::PluginSettings& next) {
  config::PluginSettings& running = options_.config.plugins;
  bool restart = false;
  auto needs_restart = [&](const std::string& what) {
    log::warn("server", "reload: {}; it takes effect after a restart", what);
    restart = true;
  };
  if (next.Enable != running.Enable) needs_restart("PluginSettings.Enable changed");
  if (next.Directory != running.Directory) needs_restart("PluginSettings.Directory changed");

  std::set<std::string> ids;
  for (const auto& [id, _] : next.PluginStates) ids.insert(id);
  for (const auto& [id, _] : running.PluginStates) ids.insert(id);
  for (const std::string& id : ids) {
    auto a = running.PluginStates.find(id);
    auto b = next.PluginStates.find(id);
    // A plugin without an entry is enabled (the loader's default), not the struct's default.
    const config::PluginState absent{true, false};
    config::PluginState before = a == running.PluginStates.end() ? absent : a->second;
    config::PluginState after = b == next.PluginStates.end() ? absent : b->second;
    if (before.Enable != after.Enable) {
      needs_restart(fmt::format("plugin {}: {} it", id, after.Enable ? "enabling" : "disabling"));
    } else if (before.Required != after.Required) {
      needs_restart(fmt::format("plugin {}: PluginStates.{}.Required changed", id, id));
    }
  }

  ids.clear();
  for (const auto& [id, _] : next.Plugins) ids.insert(id);
  for (const auto& [id, _] : running.Plugins) ids.insert(id);
  for (const std::string& id : ids) {
    const std::string& raw = raw_or_empty(next.Plugins, id);
    if (raw == raw_or_empty(running.Plugins, id)) continue;
    plugin_host::PluginRecord* record = nullptr;
    for (auto& r : plugins_) {
      if (r.id == id) record = &r;
    }
    if (record == nullptr || record->state != plugin_host::PluginState::active ||
        !record->initialized || !record->manifest) {
      needs_restart(fmt::format("plugin {}: its settings changed while it is not running", id));
      continue;
    }
    auto validated = plugin_host::validate_settings(*record->manifest, raw);
    if (!validated.ok()) {
      log::error("server", "reload: plugin {}: the new settings are not valid ({}); the running ones stay",
                 id, validated.error().message);
      restart = true;  // nothing applied; the operator has something to fix
      continue;
    }
    std::vector<std::string> changed = changed_keys(record->settings_json, *validated);
    if (changed.empty()) {
      running.Plugins[id] = raw;  // e.g. a default now written out: nothing to hand over
      continue;
    }
    std::vector<std::string> not_live;
    for (const std::string& key : changed) {
      bool live = false;
      for (const auto& spec : record->manifest->settings) {
        if (spec.key == key) live = spec.live;
      }
      if (!live) not_live.push_back(key);
    }
    if (!not_live.empty()) {
      needs_restart(fmt::format("plugin {}: {} changed (not live; the running settings stay)", id,
                                join(not_live)));
      continue;
    }
    if (auto applied = plugin_host::call_configure(*record, *validated); !applied.ok()) {
      log::error("server", "reload: plugin {}: configure refused the new settings ({}); the running ones stay",
                 id, applied.error().message);
      restart = true;
      continue;
    }
    running.Plugins[id] = raw;
    log::info("server", "reload: plugin {}: settings applied ({})", id, join(changed));
  }
  return !restart;
}

}  // namespace pb::server
