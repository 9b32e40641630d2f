// The incoming_webhooks plugin's issue-8 parsers of untrusted text; the first byte picks one.
// Invariants checked:
//   - a translator answer read as Translated has an object payload the Slack decoder accepts or
//     refuses cleanly, and a thread key within its bound;
//   - a body is_json_value accepts, embedded into a translate request, leaves a request that is
//     one JSON object whose members are exactly op/translator/variables/headers/body (no
//     injection);
//   - a signature computed the sender's way verifies, and any other value is refused;
//   - the thread marker added to a props object is found and stripped back to valid JSON.
#include <rapidjson/document.h>
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/incoming_webhooks/payload_decoder.h"
#include "plugins/incoming_webhooks/signature.h"
#include "plugins/incoming_webhooks/thread_roots.h"
#include "plugins/incoming_webhooks/translator_json.h"

using namespace pb::incoming_webhooks;

namespace {

// The project's strict scanner: the whole text is one object (RapidJSON would stop at a NUL).
bool valid_object(std::string_view json) {
  std::vector<JsonMemberView> members;
  return split_json_object(json, members);
}

void check_signature(std::string_view text) {
  // "secret\nbody": the sender's signature verifies, a flipped one does not.
  size_t nl = text.find('\n');
  std::string_view secret = text.substr(0, nl == std::string_view::npos ? 0 : nl);
  std::string_view body = nl == std::string_view::npos ? text : text.substr(nl + 1);
  if (secret.empty()) secret = "k";
  std::string good = "sha256=" + hmac_sha256_hex(secret, {body});
  auto with = [](const std::string& value) {
    return [value](std::string_view name) -> std::optional<std::string_view> {
      if (name == "X-Hub-Signature-256") return std::string_view(value);
      return std::nullopt;
    };
  };
  if (verify_signature(SignaturePreset::github, "", secret, with(good), body, 0)) abort();
  std::string bad = good;
  bad.back() = bad.back() == '0' ? '1' : '0';
  if (!verify_signature(SignaturePreset::github, "", secret, with(bad), body, 0)) abort();
  // The raw text as every header value, for every preset: no crash, and no pass by accident.
  std::string raw(text);
  auto any = [&raw](std::string_view) -> std::optional<std::string_view> { return std::string_view(raw); };
  for (auto p : {SignaturePreset::github, SignaturePreset::slack, SignaturePreset::hmac_sha256}) {
    if (!verify_signature(p, "X-Sig", "fuzz-secret-never-in-input\x01", any, body, 0)) abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool ready = sodium_init() >= 0;
  if (!ready || size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto answer = parse_translate_answer(text);
      if (auto* t = std::get_if<Translated>(&answer)) {
        if (t->payload_json.empty() || t->payload_json.front() != '{') abort();
        if (t->thread_key.size() > kMaxThreadKey) abort();
        (void)decode_json_payload(t->payload_json);
      }
      break;
    }
    case 1:
      (void)parse_describe_answer(text);
      break;
    case 2: {
      if (!is_json_value(text)) break;
      std::string req = translate_request_json("t", {{"k", "v"}}, {{"X-A", "b"}}, text);
      rapidjson::Document d;
      d.Parse(req.data(), req.size());
      if (d.HasParseError() || !d.IsObject() || d.MemberCount() != 5 || !d.HasMember("body")) abort();
      if (std::string_view(d["translator"].GetString()) != "t") abort();
      break;
    }
    case 3:
      check_signature(text);
      break;
    default: {
      if (!valid_object(text)) break;
      const std::string token = "abcdefghijklmnopqrstuvwxyz";
      std::string marked = ThreadRoots::with_marker(text, token);
      if (!valid_object(marked)) abort();
      std::string stripped;
      if (!strip_thread_marker(marked, token, stripped) || !valid_object(stripped)) abort();
    }
  }
  return 0;
}
