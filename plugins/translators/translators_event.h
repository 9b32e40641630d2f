// The bus contract between the translators plugin (which answers it) and whoever needs a
// non-Slack payload turned into a Slack-format post (the incoming webhooks plugin). Fixed: both
// sides build to it. Header-only constants; include it, do not link anything.
//
// Event "translators.translate": plugin-defined, payload pb_blob_v1 holding one JSON object, run
// with publish_intercept. The translators plugin intercepts it and REPLACES the blob with its
// answer (as "attachments.process" is answered by the attachments plugin). Nobody intercepting
// (no translators plugin loaded) leaves the request blob unchanged: the publisher then answers a
// translator hook 501 kErrorUnavailable and stores nothing.
//
// Requests (the "op" member says which):
//   {"op":"describe","translator":"github"}
//     -> {"name":"github","description":"...","variables":["jira_base_url", ...]}
//        (the hook variables the translator's rules reference as {{@name}})
//   {"op":"translate","translator":"github","variables":{"k":"v"},
//    "headers":{"x-github-event":"push", ...},"body":<the payload JSON value, embedded as is>}
//     Header names lower-case; only the request's headers.
//     -> {"payload":{...},"thread_key":"..."}
//        payload: a Slack-format incoming-webhook object (text, attachments, props, channel,
//        username, icon_url, icon_emoji, type); thread_key omitted or "" means none.
// Error answer, for any op (the interceptor also REJECTs the turn with the same status/id):
//   {"error":{"status":400,"id":"web.incoming_webhook.translator.no_match.app_error",
//             "message":"translator github: no rule matches (X-GitHub-Event: star)"}}
//   ids: kErrorUnknown (404 on describe; a translate naming an uninstalled translator also gets
//   404, and the webhook endpoint answers its own 400), kErrorNoMatch (400), kErrorPayload (400:
//   body not JSON / not what the rule needs), kErrorLimit (413: output size, iteration or depth
//   bound hit), kErrorRequest (400: the request itself is malformed; a publisher bug).
#pragma once

#include <string_view>

namespace pb::translators {

inline constexpr std::string_view kTranslateEvent = "translators.translate";

inline constexpr std::string_view kOpDescribe = "describe";
inline constexpr std::string_view kOpTranslate = "translate";

inline constexpr std::string_view kErrorUnknown = "web.incoming_webhook.translator.unknown.app_error";
inline constexpr std::string_view kErrorNoMatch = "web.incoming_webhook.translator.no_match.app_error";
inline constexpr std::string_view kErrorPayload = "web.incoming_webhook.translator.payload.app_error";
inline constexpr std::string_view kErrorLimit = "web.incoming_webhook.translator.limit.app_error";
inline constexpr std::string_view kErrorRequest = "web.incoming_webhook.translator.request.app_error";
// Answered by the publisher, never by the translators plugin: nobody intercepted the event.
inline constexpr std::string_view kErrorUnavailable =
    "web.incoming_webhook.translator.unavailable.app_error";

}  // namespace pb::translators
