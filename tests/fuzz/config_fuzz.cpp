// libFuzzer target for the config parser. Besides "no crash, no sanitizer report", it checks the
// writer/parser contract: whatever parses must survive to_json -> parse_config unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/config/loader.h"
#include "core/config/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = pb::config::parse_config(text);
  if (!loaded.ok()) return 0;
  for (bool pretty : {false, true}) {
    auto again = pb::config::parse_config(pb::config::to_json(loaded->config, pretty));
    if (!again.ok() || !(again->config == loaded->config) || !again->warnings.empty()) std::abort();
  }
  return 0;
}
