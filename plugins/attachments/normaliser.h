// Slack attachments as Mattermost stores them (wire spec §2.3, §6.1–§6.4, §6.6): the pure logic
// behind the post.will_be_created interceptor, with no host dependency (unit-tested and fuzzed
// directly).
//
// normalise_attachments() decodes a `props.attachments` array the way Mattermost's Go structs do
// and re-encodes it in their shape:
//   - null attachments and null fields are dropped;
//   - keys match case-insensitively (Go's decoder), are written in their canonical spelling and
//     in the struct's order; unknown keys are dropped (Go's structs have nowhere to keep them);
//   - a wrong JSON type for a known key is an error (Go's decode error), as is a `short` that is
//     not true/false or "true"/"false" in any letter case (null included);
//   - every field is written as {"title","value","short"}; a non-null `value` becomes the string
//     Go's %v prints (go_format.h), null stays null;
//   - Slack markup (slack_markup.h): pretext, text, title and field values get announcements and
//     user mentions; pretext, text and field values also get the LOOSE link conversion;
//   - Mattermost's [new] validation warnings are collected, never enforced.
//
// process_webhook_post() applies that to a webhook post's props_json and converts its message
// (announcements, mentions, STRICT links). Props other than `attachments` are copied verbatim.
//
// Threading: pure functions; `lookup` is called synchronously from inside them.
// Errors: `ok == false` with a reason; callers refuse the post with 400
// model.incoming_hook.parse_data.app_error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/attachments/json_value.h"
#include "plugins/attachments/slack_markup.h"

namespace pb::attachments {

struct AttachmentsOutcome {
  bool ok = true;
  std::string error;                  // the reason when !ok
  std::string json = "[]";            // the normalised array
  size_t count = 0;                   // attachments in it
  std::vector<std::string> warnings;  // validation warnings, for the log
};

// `list` must be a JSON array (anything else is an error; null is the caller's business).
AttachmentsOutcome normalise_attachments(const JsonValue& list, const UsernameLookup& lookup);

struct WebhookPostOutcome {
  bool ok = true;
  std::string error;
  std::string message;             // converted message text
  std::string props_json;          // props with the normalised attachments (or none)
  bool has_attachments = false;    // true: the post's type must become slack_attachment
  std::vector<std::string> warnings;
};

// `props_json` must be a JSON object ("" counts as {}). An `attachments` prop that is null, or
// empty after normalising, is removed; one that is not an array is an error.
WebhookPostOutcome process_webhook_post(std::string_view message, std::string_view props_json,
                                        const UsernameLookup& lookup);

// The same over props the caller parsed already (parse_json keeps each value's raw text, which is
// what is copied out): the attachments.process interceptor parses its request, props included,
// once. `props` that is not an object is an error; it must outlive the call only.
WebhookPostOutcome process_webhook_post(std::string_view message, const JsonValue& props,
                                        const UsernameLookup& lookup);

// process_webhook_post into `out` (every member replaced; its strings keep their capacity, so a
// caller that processes into the same outcome post after post stops allocating for it). `message`
// and `props_json` must not point into `out`. On an error, `out.props_json` holds nothing to use.
void process_webhook_post_into(WebhookPostOutcome& out, std::string_view message,
                               std::string_view props_json, const UsernameLookup& lookup);

// A webhook message's conversion alone: announcements, mentions, then STRICT links.
std::string convert_message(std::string_view message, const UsernameLookup& lookup);
void convert_message_into(std::string& out, std::string_view message,
                          const UsernameLookup& lookup);  // `message` not inside `out`

// True for "good", "warning", "danger" and "#RRGGBB" (hex digits in any case).
bool is_valid_attachment_color(std::string_view color);

}  // namespace pb::attachments
