// libFuzzer target for the incoming-webhook post splitter (plugins/incoming_webhooks/
// post_splitter.h). Input: two limit bytes, then the message, a NUL, then the props JSON.
// Checks on success: the messages concatenated are the input message, every message and every
// props within the limits (runes), every post carries the other props, and the attachments come
// out in order, each unchanged or with its text cut to a prefix; the overload taking the post whole
// answers the same.
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

// The non-null attachments of a props object (empty when it has none or is not readable).
std::vector<std::string> attachments_of(std::string_view props) {
  std::vector<std::string> out;
  std::vector<JsonMemberView> members;
  if (!split_json_object(props, members)) return out;
  std::string_view raw;
  for (const auto& m : members) {
    if (m.key == "attachments") raw = m.raw_value;
  }
  std::vector<std::string_view> items;
  if (raw.empty() || !split_json_array(raw, items)) return out;
  for (auto item : items) {
    if (item != "null") out.emplace_back(item);
  }
  return out;
}

std::string text_of(std::string_view attachment) {
  std::vector<JsonMemberView> members;
  std::string text;
  if (!split_json_object(attachment, members)) std::abort();
  for (const auto& m : members) {
    if (m.key == "text" && !decode_json_string(m.raw_value, text)) text.clear();
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  SplitLimits limits{static_cast<size_t>(data[0] % 64) + 1, static_cast<size_t>(data[1]) * 16 + 64};
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  size_t nul = rest.find('\0');
  std::string_view message = rest.substr(0, nul);
  std::string_view props = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);

  auto result = split_post(message, props, limits);
  // The form that takes the post whole answers the same, part for part.
  auto whole = split_post(SplitPost{std::string(message), std::string(props)}, limits);
  if (whole.index() != result.index()) std::abort();
  if (auto* parts = std::get_if<std::vector<SplitPost>>(&whole)) {
    const auto& expected = std::get<std::vector<SplitPost>>(result);
    if (parts->size() != expected.size()) std::abort();
    for (size_t i = 0; i < parts->size(); ++i) {
      if ((*parts)[i].message != expected[i].message) std::abort();
      if ((*parts)[i].props_json != expected[i].props_json) std::abort();
    }
  }
  if (auto* e = std::get_if<WebhookError>(&result)) {
    if (e->http_status != 400 || e->id != "web.incoming_webhook.split_props_length.app_error") std::abort();
    return 0;
  }
  const auto& posts = std::get<std::vector<SplitPost>>(result);
  if (posts.empty()) std::abort();
  std::string joined;
  std::vector<std::string> out_attachments;
  for (const auto& p : posts) {
    joined += p.message;
    if (count_runes(p.message) > limits.max_message_runes) std::abort();
    if (count_runes(p.props_json) > limits.max_props_runes) std::abort();
    for (auto& a : attachments_of(p.props_json)) out_attachments.push_back(std::move(a));
  }
  if (joined != message) std::abort();
  if (posts.size() == 1 && posts[0].props_json == (props.empty() ? "{}" : props)) return 0;  // fast path
  auto in_attachments = attachments_of(props);
  if (in_attachments.size() != out_attachments.size()) std::abort();
  for (size_t i = 0; i < in_attachments.size(); ++i) {
    if (in_attachments[i] == out_attachments[i]) continue;
    std::string before = text_of(in_attachments[i]), after = text_of(out_attachments[i]);
    if (before.compare(0, after.size(), after) != 0 || after.size() >= before.size()) std::abort();
  }
  return 0;
}
