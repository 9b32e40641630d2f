// The request and answer of the attachments plugin's "attachments.process" event
// (plugins/attachments/README.md), which applies Slack processing (markup, attachments
// normalised, type slack_attachment) to a post before it is created. Custom commands' posts are
// processed this way, then created with PB_POST_SLACK_PROCESSED | PB_POST_TRIGGER_WEBHOOKS and
// without PB_POST_FROM_WEBHOOK: they are user posts that fire outgoing webhooks (§5.5), which
// the outgoing-webhook plugin skips for PB_POST_FROM_WEBHOOK posts.
//
// Pure. Threading: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pb::slash {

inline constexpr std::string_view kProcessEvent = "attachments.process";

// {"message":…,"type":…,"props":<props_json>}; props_json must be a JSON object.
std::string process_request_json(std::string_view message, std::string_view type,
                                 std::string_view props_json);

struct ProcessedPost {
  std::string message, type, props_json;
};

// Reads the processed payload; nullopt when it is not such an object.
std::optional<ProcessedPost> parse_processed(std::string_view json);

}  // namespace pb::slash
