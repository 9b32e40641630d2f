// A readable Markdown / plain-text form of a post's Slack attachments, for places that cannot
// draw them (logs, notifications, plain-text views). Offered to other plugins over the bus as
// "attachments.render" (see README.md).
//
// Each attachment becomes a block (blocks separated by a blank line):
//
//   pretext                               (outside the quote, as clients show it)
//   > [#2EB886]                           colour, when valid: names good/warning/danger are given
//                                         as Slack's hex, #RRGGBB as sent (upper-cased)
//   > [author](author_link)               author (a link when both are set)
//   > **[title](title_link)**             title, bold, a link when title_link is set
//   > text                                every line of the text quoted
//   > **Field**                           a long field: title, then its value
//   > value
//   > | **A** | **B** |                   consecutive short fields, two per row, side by side
//   > |:--|:--|                           as a Markdown table
//   > | a | b |
//   > _footer_                            footer (with ts when it is set)
//
// An attachment with none of these shows its `fallback`. Values are used as stored (the
// normaliser already converted Slack markup); '|' and newlines inside table cells are escaped.
//
// Pure functions, no state. Error: nullopt when `attachments_json` is not a JSON array.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "plugins/attachments/json_value.h"

namespace pb::attachments {

std::optional<std::string> render_attachments(std::string_view attachments_json);

// The block of one attachment object (non-objects render as "").
std::string render_attachment(const JsonValue& attachment);

// "#2EB886" for good, "#DAA038" warning, "#A30200" danger, "#RRGGBB" upper-cased; "" otherwise.
std::string resolve_color(std::string_view color);

}  // namespace pb::attachments
