// libFuzzer target for the incoming-webhook payload decoder
// (plugins/incoming_webhooks/payload_decoder.h). The first byte picks the Content-Type (none,
// JSON, form, multipart with boundary "B", or the input's first line as the header), the rest
// is the body. Never a crash; on success every decoded string is valid UTF-8, props and
// priority are JSON objects, attachments a JSON array, and has_attachments agrees with it; on
// failure the error is a 400 with one of the documented ids.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "plugins/incoming_webhooks/payload_decoder.h"
#include "plugins/incoming_webhooks/post_splitter.h"

namespace {

using namespace pb::incoming_webhooks;

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
             : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((b(i + k) & 0xC0) != 0x80) return false;
    }
    if ((c == 0xE0 && b(i + 1) < 0xA0) || (c == 0xED && b(i + 1) > 0x9F) ||
        (c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) > 0x8F))
      return false;
    i += n;
  }
  return true;
}

void check(const IncomingPayload& p) {
  for (const std::string* s : {&p.text, &p.username, &p.icon_url, &p.icon_emoji, &p.channel, &p.type}) {
    if (!valid_utf8(*s)) std::abort();
  }
  std::vector<JsonMemberView> members;
  if (!p.props_json.empty() && !split_json_object(p.props_json, members)) std::abort();
  if (!p.priority_json.empty() && !split_json_object(p.priority_json, members)) std::abort();
  std::vector<std::string_view> items;
  if (p.attachments_json.empty()) {
    if (p.has_attachments) std::abort();
    return;
  }
  // The array is cut from the text that decoded (after the lenient pass, if any): valid JSON.
  if (!split_json_array(p.attachments_json, items)) std::abort();
  bool any = false;
  for (auto item : items) {
    if (item == "null") continue;
    if (item.empty() || item.front() != '{') std::abort();
    any = true;
  }
  if (any != p.has_attachments) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string_view content_type;
  std::string_view query;
  switch (data[0] % 5) {
    case 0: content_type = ""; break;
    case 1: content_type = "application/json; charset=utf-8"; break;
    case 2: content_type = "application/x-www-form-urlencoded"; query = input.substr(0, input.size() / 4); break;
    case 3: content_type = "multipart/form-data; boundary=B"; break;
    default: {
      size_t nl = input.find('\n');
      content_type = input.substr(0, nl);
      input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    }
  }
  auto result = decode_payload(content_type, query, input);
  if (auto* e = std::get_if<WebhookError>(&result)) {
    if (e->http_status != 400) std::abort();
    if (e->id != "model.incoming_hook.parse_data.app_error" && e->id != "api.webhook.incoming.error" &&
        e->id != "api.context.invalid_param.app_error")
      std::abort();
    return 0;
  }
  check(std::get<IncomingPayload>(result));
  return 0;
}
