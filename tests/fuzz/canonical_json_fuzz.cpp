// libFuzzer target for the SDK's canonical-form test (patchbay/json_canonical.hpp), on which the
// payload decoder's and the core's DOM-free props paths rest. Differential, against RapidJSON
// itself: whatever is_rapidjson_canonical accepts, RapidJSON must parse and write back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <patchbay/json_canonical.hpp>
#include <string_view>

#include "plugins/incoming_webhooks/tests/rapidjson_round_trip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (pb::sdk::is_rapidjson_canonical(input)) {
    auto written = pb::incoming_webhooks::testing::rapidjson_round_trip(input);
    if (!written || *written != input) std::abort();
  }
  return 0;
}
