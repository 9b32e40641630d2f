#include "plugins/translators/translators_plugin.h"

#include <dlfcn.h>

#include <filesystem>

#include <rapidjson/document.h>

#include "plugins/translators/translators_event.h"

namespace pb::translators {

using sdk::to_pb;
using sdk::to_sv;

std::string bundled_rules_dir() {
  namespace fs = std::filesystem;
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&bundled_rules_dir), &info) == 0 ||
      info.dli_fname == nullptr) {
    return {};
  }
  fs::path library(info.dli_fname);
  if (library.filename().string().rfind("libtranslators", 0) == 0) {
    return (library.parent_path() / "rules").string();
  }
  return (library.parent_path().parent_path() / "plugins" / "translators" / "rules").string();
}

int TranslatorsPlugin::load(std::string_view settings_json) {
  std::string operator_dir;
  rapidjson::Document settings;
  settings.Parse(settings_json.data(), settings_json.size());
  if (!settings.HasParseError() && settings.IsObject()) {
    auto it = settings.FindMember("RulesDir");
    if (it != settings.MemberEnd() && it->value.IsString()) {
      operator_dir.assign(it->value.GetString(), it->value.GetStringLength());
    }
  }
  auto registry = std::make_unique<Registry>();
  for (const std::string& dir : {bundled_rules_dir(), operator_dir}) {
    if (dir.empty()) continue;
    for (const auto& e : registry->load_directory(dir)) host().warn("rule file skipped: " + e);
  }
  std::string names;
  for (const std::string& name : registry->names()) names += (names.empty() ? "" : ", ") + name;
  host().info("translators installed: " + (names.empty() ? std::string("none") : names));
  registry_ = std::move(registry);
  handler_ = std::make_unique<RequestHandler>(*registry_);
  return PB_OK;
}

int TranslatorsPlugin::init(std::string_view settings_json) {
  int rc = load(settings_json);
  if (rc != PB_OK) return rc;
  auto event = host().event_id(kTranslateEvent);
  if (!event) return PB_E_PLUGIN;
  return host().intercept(*event, kInterceptPriority,
                          [this](sdk::Intercept t, uint32_t, const void* p) {
                            return on_translate(t, *static_cast<const pb_blob_v1*>(p));
                          });
}

int TranslatorsPlugin::configure(std::string_view settings_json) { return load(settings_json); }

int TranslatorsPlugin::on_translate(sdk::Intercept turn, const pb_blob_v1& blob) {
  handler_->handle(to_sv(blob.data), answer_);
  pb_blob_v1 replaced{sizeof(pb_blob_v1), to_pb(answer_.json)};
  int rc = turn.replace(&replaced);
  if (rc != PB_OK) return rc;
  if (answer_.error_id.empty()) return PB_VERDICT_CONTINUE;
  turn.set_error(answer_.status, answer_.error_id, answer_.message);
  return PB_VERDICT_REJECT;
}

}  // namespace pb::translators

PB_PLUGIN(pb::translators::TranslatorsPlugin, "translators", "1.0.0")
