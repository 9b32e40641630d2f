// libFuzzer target for the attachments plugin's Slack markup converter and renderer
// (plugins/attachments/slack_markup.h, renderer.h): any bytes must never crash; text without '<'
// must come back unchanged; each link conversion "<a|b>" -> "[b](a)" adds exactly one byte and
// uses up one '<', so the converted length is bounded by input + number of '<'.
//
// The plugin's pure sources are compiled into this target directly (a fuzz build builds no
// plugins), so it needs no CMake entry of its own.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plugins/attachments/go_format.h"
#include "plugins/attachments/json_value.h"
#include "plugins/attachments/normaliser.h"
#include "plugins/attachments/renderer.h"
#include "plugins/attachments/slack_markup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pb::attachments;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t lts = static_cast<size_t>(std::count(input.begin(), input.end(), '<'));
  pb::attachments::UsernameLookup lookup = [](std::string_view id) -> std::optional<std::string> {
    if (id.size() % 2 == 0) return std::string(id.size() % 5, 'u');  // some ids "exist"
    return std::nullopt;
  };
  std::string processed = process_slack_text(input, lookup);
  if (lts == 0 && processed != input) std::abort();
  for (LinkPattern p : {LinkPattern::kStrict, LinkPattern::kLoose}) {
    std::string linked = convert_links(input, p);
    // Each conversion "<a|b>" → "[b](a)" adds exactly one byte and consumes one '<'.
    if (linked.size() < input.size() || linked.size() > input.size() + lts) std::abort();
    if (lts == 0 && linked != input) std::abort();
  }
  // The renderer takes any bytes: nullopt or text, never a crash.
  (void)render_attachments(input);
  return 0;
}
