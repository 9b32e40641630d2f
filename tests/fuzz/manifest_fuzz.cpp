// libFuzzer target for plugin.json and the operator's plugin settings: both are read before any
// plugin code runs, from files an attacker may control (a third-party plugin folder, config.json).
// Input: "<manifest>\0<settings>" (without a NUL, all of it is the manifest and the settings are
// empty). Besides "no crash", it checks that validated settings validate again unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/plugin_host/manifest.h"
#include "core/plugin_host/settings_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string_view manifest_text = input.substr(0, split);
  const std::string_view settings =
      split == std::string_view::npos ? std::string_view() : input.substr(split + 1);

  auto manifest = pb::plugin_host::parse_manifest(manifest_text, "fuzz/plugin.json");
  if (!manifest.ok()) return 0;
  auto filled = pb::plugin_host::validate_settings(*manifest, settings);
  if (!filled.ok()) return 0;
  auto again = pb::plugin_host::validate_settings(*manifest, *filled);
  if (!again.ok() || *again != *filled) std::abort();
  return 0;
}
