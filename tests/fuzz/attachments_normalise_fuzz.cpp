// libFuzzer target for the attachments plugin's normaliser (plugins/attachments/normaliser.h):
// any bytes as props_json must never crash; when processing succeeds the props it produces must
// parse as a JSON object, keep its attachments array non-empty (or absent), and processing that
// output again must reproduce it exactly (the normal form is a fixed point). Props handed over
// parsed must give what the same props as text give, and the reader's skip must judge any input
// as the tree parse does.
//
// The plugin's pure sources are compiled into this target directly (a fuzz build builds no
// plugins), so it needs no CMake entry of its own.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plugins/attachments/go_format.h"
#include "plugins/attachments/json_value.h"
#include "plugins/attachments/normaliser.h"
#include "plugins/attachments/slack_markup.h"

namespace {

std::optional<std::string> lookup(std::string_view id) {
  if (id == "8ebfmhzpbjgyzgdpd3qpisnbhh") return std::string("alice");
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pb::attachments;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The reader's skip (checks, builds nothing) accepts and refuses exactly what the tree parse
  // does, with the same error: the normaliser skips every prop it copies.
  {
    std::string parse_error;
    const bool parsed = static_cast<bool>(parse_json(input, &parse_error));
    JsonArena arena;
    JsonReader in(input, arena);
    std::string_view raw;
    const bool skipped = in.skip(raw, 0) && in.finish();
    if (skipped != parsed || in.error() != parse_error) std::abort();
  }
  auto out = process_webhook_post(input, input, lookup);
  // Props the caller parsed (attachments.process parses its request once) must give what their
  // text gives: the text as parsed is the value's raw text, without surrounding whitespace.
  if (auto parsed = parse_json(input)) {
    auto from_text = process_webhook_post(input, parsed->raw, lookup);
    auto from_tree = process_webhook_post(input, *parsed, lookup);
    if (from_tree.ok != from_text.ok || from_tree.error != from_text.error ||
        from_tree.message != from_text.message || from_tree.props_json != from_text.props_json ||
        from_tree.has_attachments != from_text.has_attachments ||
        from_tree.warnings != from_text.warnings) {
      std::abort();
    }
  }
  if (!out.ok) return 0;
  auto props = parse_json(out.props_json);
  if (!props || !props->is_object()) std::abort();
  for (const auto& m : props->members) {
    if (m.key == "attachments" && (!m.value.is_array() || m.value.items.empty())) std::abort();
  }
  // Idempotent on the attachments: announcements, mentions and links are already converted and
  // %v of a string is the string, so a second pass changes nothing... except that link
  // conversion can create new '<' '|' '>' shapes; compare only when the first pass changed no
  // link text.
  if (out.props_json.find("](") == std::string::npos) {
    auto again = process_webhook_post("", out.props_json, lookup);
    if (!again.ok || again.props_json != out.props_json) std::abort();
  }
  return 0;
}
