// Mattermost's SplitWebhookPost (wire spec §2.7): a processed webhook post that is too long for
// one post becomes several. Called by the incoming_webhooks plugin after attachments.process.
//
// Lengths are counted as Mattermost counts them: the message in runes (UTF-8 code points; an
// invalid byte is one rune, as Go's range loop), the props as the runes of Go's json.Marshal of
// them: HTML-safe escaping (<, >, & and U+2028/U+2029 take six), and every attachment with all
// of SlackAttachment's keys written (empty ones too), which is what makes §10 case 30 split where
// it does. Each attachment is measured as the larger of that and its own text, so what is stored
// (compact) never exceeds the measure. Numbers in other props count as written.
//
// Pure function, any thread, never throws (std::bad_alloc aside). The result owns its strings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "plugins/incoming_webhooks/payload_decoder.h"

namespace pb::incoming_webhooks {

struct SplitPost {
  std::string message;
  std::string props_json;
};

struct SplitLimits {
  size_t max_message_runes = 16383;
  size_t max_props_runes = 7600;
};

// Input: the processed message, the processed props JSON object ("" counts as {}; may contain
// "attachments", an array of attachment objects as attachments.process writes them), the
// limits. Output, in order: the message cut into chunks of exactly max_message_runes (the last
// holds the rest; never inside a code point), each with the props but `attachments`; the
// attachments appended to the last post while its props fit, a new empty-text post started when
// the next one does not fit and the post already has some, an attachment that alone does not fit
// with its `text` truncated by runes. When nothing is over the limits: one post, the input as is.
// Errors (400 web.incoming_webhook.split_props_length.app_error): the props without attachments
// over the limit; an attachment that does not fit even with an empty text; props that are not a
// JSON object, or attachments that are not an array of objects.
std::variant<std::vector<SplitPost>, WebhookError> split_post(std::string_view message,
                                                             std::string_view props_json,
                                                             SplitLimits limits = {});

// The runes Go's json.Marshal spends on the characters of `text` inside a string literal
// (quotes excluded).
size_t go_json_string_runes(std::string_view text);

// Runes of UTF-8 text, each invalid byte counting as one (Go's utf8.RuneCountInString).
size_t count_runes(std::string_view text);

}  // namespace pb::incoming_webhooks
