// The incoming-webhook request body → IncomingPayload (wire spec §2.2, §2.3), as Mattermost's
// handler and Go's encoding/json read it. Called by the incoming_webhooks plugin for every
// POST /hooks/{id}; the attachments are only checked for shape here (an array of objects and
// nulls): their normalisation is the attachments plugin's (attachments.process).
//
// Pure functions, any thread, never throw (std::bad_alloc aside). The result owns its strings;
// the inputs are borrowed for the call only.
#pragma once

#include <optional>
#include <patchbay/json_scan.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pb::incoming_webhooks {

// What went wrong, as the HTTP answer (Mattermost error JSON is built by the caller).
struct WebhookError {
  int http_status;
  std::string id;
  std::string message;
};

struct IncomingPayload {
  std::string text, username, icon_url, icon_emoji, channel, type;
  std::string props_json;        // "" when absent/null, else the JSON object as sent
  std::string attachments_json;  // "" when absent/null, else the JSON array as sent
  bool has_attachments = false;  // the array holds at least one non-null element (§2.3: [] and
                                 // [null] count as absent)
  std::string priority_json;     // "" when absent/null, else {"priority":..., "requested_ack":...,
                                 // "persistent_notifications":...} (members sent and non-null)

  // Back to a default-constructed payload's values, each string keeping its capacity.
  void clear();
};

// Nesting deeper than this is refused (400 parse_data). Go allows 10000; no webhook sender
// nests anywhere near this, and the bound keeps the scanner's stack fixed.
inline constexpr int kMaxPayloadDepth = sdk::kJsonScanMaxDepth;

// §2.2 + §2.3: dispatches on the Content-Type header value ("" when absent):
//   - application/x-www-form-urlencoded: the form field `payload` (body first, then `query`,
//     the URL query string without '?'), decoded as JSON; missing → 400 parse_data;
//   - multipart/form-data: fields by Go field name or Slack name, case-insensitive (text,
//     username, iconurl|icon_url, channelname|channel, type, iconemoji|icon_emoji; decisions.md:
//     a superset); any other name, a missing boundary or a malformed body → 400
//     api.webhook.incoming.error;
//   - anything else: the raw body as JSON.
// JSON follows Go: keys case-insensitive (ASCII), the last duplicate wins, null leaves a string
// as it was and clears props/attachments/priority, a wrong type for a known key is an error,
// unknown keys are skipped, only the first JSON value is read (Go's Decoder), invalid UTF-8
// becomes U+FFFD; numbers inside props/attachments/priority must fit a float64. If that fails,
// the lenient second pass (raw newline/tab inside the string values of text, fallback, pretext,
// author_name, title, value escaped) is tried once.
// Errors: malformed media type → 400 api.webhook.incoming.error; undecodable → 400
// model.incoming_hook.parse_data.app_error; a priority object without `priority` → 400
// api.context.invalid_param.app_error.
std::variant<IncomingPayload, WebhookError> decode_payload(std::string_view content_type,
                                                           std::string_view query,
                                                           std::string_view body);

// The same into `out` (cleared first; its strings keep their capacity, so a caller that decodes
// into the same payload request after request stops allocating for it). nullopt on success; on
// an error `out` holds nothing to use.
std::optional<WebhookError> decode_payload_into(IncomingPayload& out, std::string_view content_type,
                                                std::string_view query, std::string_view body);

// The JSON decoding alone (the body of a form `payload`, or a raw body). Same errors.
std::variant<IncomingPayload, WebhookError> decode_json_payload(std::string_view json);
std::optional<WebhookError> decode_json_payload_into(IncomingPayload& out, std::string_view json);

// Mattermost's escapeControlCharsFromPayload: inside the string values of the keys text,
// fallback, pretext, author_name, title and value (lower case, as its pattern), raw newlines
// become "\n" and raw tabs "\t". Returns `json` unchanged when nothing matched.
std::string escape_control_chars(std::string_view json);

// The JSON views the decoder is built on are the SDK's (patchbay/json_scan.hpp: one scanner,
// Go's rules, the nesting bound above), shared with the splitter (patchbay/post_splitter.hpp).
using sdk::JsonMemberView;
using sdk::append_json_string;
using sdk::decode_json_string;
using sdk::split_json_array;
using sdk::split_json_object;

}  // namespace pb::incoming_webhooks
