// The attachments plugin's "attachments.process" event (plugins/attachments/README.md; payload a
// pb_post_v1 draft, ABI minor 7), which applies Slack processing (markup, attachments
// normalised, type slack_attachment) to a post before it is created. Custom commands' posts are
// processed this way, then created with PB_POST_SLACK_PROCESSED | PB_POST_TRIGGER_WEBHOOKS and
// without PB_POST_FROM_WEBHOOK: they are user posts that fire outgoing webhooks (§5.5), which
// the outgoing-webhook plugin skips for PB_POST_FROM_WEBHOOK posts.
#pragma once

#include <string_view>

namespace pb::slash {

inline constexpr std::string_view kProcessEvent = "attachments.process";

}  // namespace pb::slash
