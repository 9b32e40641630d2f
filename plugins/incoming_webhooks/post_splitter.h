// The post splitter for incoming-webhook posts: Mattermost's SplitWebhookPost (wire spec §2.7),
// which lives in the SDK (patchbay/post_splitter.hpp) because the outgoing webhooks plugin
// splits its callback replies with it too. This adapter keeps this plugin's names and turns the
// SDK's SplitError into the plugin's WebhookError (400). Called after attachments.process.
//
// Pure functions, any thread, never throw (std::bad_alloc aside). The result owns its strings.
#pragma once

#include <optional>
#include <patchbay/post_splitter.hpp>
#include <string_view>
#include <variant>
#include <vector>

#include "plugins/incoming_webhooks/payload_decoder.h"

namespace pb::incoming_webhooks {

using sdk::SplitLimits;
using sdk::SplitPost;
using sdk::count_runes;
using sdk::go_json_string_runes;

// sdk::split_webhook_post (see there), its error as 400
// web.incoming_webhook.split_props_length.app_error.
std::variant<std::vector<SplitPost>, WebhookError> split_post(std::string_view message,
                                                             std::string_view props_json,
                                                             SplitLimits limits = {});
// The same into `parts` (see sdk::split_webhook_post_into: capacity kept when it fits whole).
std::optional<WebhookError> split_post_into(std::vector<SplitPost>& parts, std::string_view message,
                                            std::string_view props_json, SplitLimits limits = {});
// The same over a post the caller gives up (moved into the one part when it fits whole).
std::variant<std::vector<SplitPost>, WebhookError> split_post(SplitPost whole,
                                                             SplitLimits limits = {});

}  // namespace pb::incoming_webhooks
