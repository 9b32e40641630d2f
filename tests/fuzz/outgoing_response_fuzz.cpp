// libFuzzer target for the outgoing webhooks plugin's untrusted inputs: a callback's answer body
// (plugins/outgoing_webhooks/callback_response.h) and, from the same bytes, a management API
// body (hook.h). Neither may crash; a reply's props must be a valid UTF-8 JSON object carrying
// from_webhook "true"; a reply is then split as the plugin splits it (patchbay/post_splitter.hpp,
// small limits so that short inputs split too): the parts' texts put together are the reply's
// text, and every part's props carry from_webhook; a hook body that reads must survive
// to_json → hook_from_record unchanged.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <patchbay/post_splitter.hpp>

#include "plugins/outgoing_webhooks/callback_response.h"
#include "plugins/outgoing_webhooks/hook.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pb::outgoing;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  ReplyContext context{"Hook", "hook-user", "http://icon/", size % 2 == 0, size % 3 == 0};
  ReplyOutcome out = parse_callback_response(input, context);
  if (out.kind == ReplyOutcome::kPost) {
    rapidjson::Document props;
    props.Parse<rapidjson::kParseValidateEncodingFlag>(out.props_json.data(), out.props_json.size());
    if (props.HasParseError() || !props.IsObject()) std::abort();
    auto from = props.FindMember("from_webhook");
    if (from == props.MemberEnd() || !from->value.IsString() ||
        std::string_view(from->value.GetString()) != "true") {
      std::abort();
    }
    if (out.type.starts_with("system_")) std::abort();
    pb::sdk::SplitLimits limits{1 + size % 7, 200 + size % 300};
    auto split = pb::sdk::split_webhook_post(out.message, out.props_json, limits);
    if (auto* parts = std::get_if<std::vector<pb::sdk::SplitPost>>(&split)) {
      std::string joined;
      for (const auto& part : *parts) {
        joined += part.message;
        if (part.props_json.find("\"from_webhook\":\"true\"") == std::string::npos) std::abort();
      }
      if (parts->empty() || joined != out.message) std::abort();
    } else if (std::get<pb::sdk::SplitError>(split).id.empty()) {
      std::abort();
    }
  } else if (out.kind == ReplyOutcome::kError && out.error.empty()) {
    std::abort();
  }

  ApiError error;
  if (auto hook = hook_from_body(input, error)) {
    std::string json = to_json(*hook);
    auto back = hook_from_record(json);
    if (!back || to_json(*back) != json) std::abort();
  } else if (error.status != 400) {
    std::abort();
  }
  return 0;
}
