// libFuzzer target for the incoming_webhooks plugin's reading of the attachments.process answer
// (parse_processed in plugins/incoming_webhooks/webhook_post.h) and the canonical-form test its
// DOM-free fast path rests on (patchbay/json_canonical.hpp). Differential, against RapidJSON itself:
//   - parse_processed must answer exactly what its RapidJSON DOM path alone answers
//     (parse_processed_with_dom, the reading before the fast path existed), for the input as it
//     is and for the input as the props of an otherwise canonical answer;
//   - whatever is_rapidjson_canonical accepts, RapidJSON must parse and write back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <patchbay/json_canonical.hpp>

#include "plugins/incoming_webhooks/tests/processed_reference.h"
#include "plugins/incoming_webhooks/webhook_post.h"

namespace {

using namespace pb::incoming_webhooks;

void check_answer(std::string_view answer) {
  if (!testing::same_post(parse_processed(answer), parse_processed_with_dom(answer)))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_answer(input);
  std::string wrapped = R"({"message":"m","type":"slack_attachment","props":)";
  wrapped.append(input);
  wrapped += '}';
  check_answer(wrapped);
  if (pb::sdk::is_rapidjson_canonical(input)) {
    auto written = testing::rapidjson_round_trip(input);
    if (!written || *written != input) std::abort();
  }
  return 0;
}
