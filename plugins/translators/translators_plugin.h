// The translators plugin (README.md): glue between the host and the pure engine.
//
// - init/configure: loads the bundled rule files (rules/ beside the plugin's library) and then
//   the operator's directory (setting RulesDir; a translator of the same name replaces the
//   bundled one). A rule file that does not load is logged (file, rule, JSON path, reason) and
//   skipped; the others still load. configure() reloads both directories.
// - "translators.translate" (plugin-defined, pb_blob_v1), intercept priority 100: replaces the
//   request blob with the answer (translators_event.h). On an error answer the turn is also
//   REJECTed with the answer's status, id and message.
//
// Threading: everything on the loop thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <patchbay/plugin.hpp>

#include "plugins/translators/registry.h"
#include "plugins/translators/translate_request.h"

namespace pb::translators {

inline constexpr int32_t kInterceptPriority = 100;

// The directory of the loaded plugin library + "/rules" (for a plugin linked into the binary:
// <binary dir>/../plugins/translators/rules, the build's and the install's layout).
std::string bundled_rules_dir();

class TranslatorsPlugin : public sdk::Plugin {
 public:
  int init(std::string_view settings_json) override;
  int configure(std::string_view settings_json) override;

 private:
  int load(std::string_view settings_json);
  int on_translate(sdk::Intercept turn, const pb_blob_v1& blob);

  std::unique_ptr<Registry> registry_;
  std::unique_ptr<RequestHandler> handler_;
  Answer answer_;  // reused: keeps its capacity between requests
};

}  // namespace pb::translators
