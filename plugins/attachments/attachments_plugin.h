// The attachments plugin (README.md): the glue between the host API and the pure logic in
// normaliser.h and renderer.h.
//
// - post.will_be_created, priority 100, for posts with PB_POST_FROM_WEBHOOK only: converts the
//   message and normalises props.attachments (process_webhook_post), forces type
//   slack_attachment when attachments remain, logs the validation warnings, and replaces the
//   payload. A malformed attachment is REJECT 400 model.incoming_hook.parse_data.app_error;
//   props over Mattermost's 8000-rune post limit are REJECT 400
//   model.post.is_valid.props.app_error. Posts that also carry PB_POST_SLACK_PROCESSED (ABI minor
//   3) went through attachments.process already: only the 8000-rune props limit is checked again
//   (conversion is not idempotent).
// - "attachments.process" (plugin-defined, declared with PB_PAYLOAD_POST: a pb_post_v1, ABI
//   minor 7), priority 100: the same processing for a sender that must see the result before
//   creating posts (the incoming-webhook splitter, slash command answers). Reads the draft's
//   message, type and props_json ("" counts as {}; the sender's attachments are in it) and
//   replaces them with the processed ones (type forced to slack_attachment when attachments
//   remain); its other fields pass through. Refusals as for post.will_be_created except the
//   props limit (the sender splits; each part is checked when created); props that are not a
//   JSON object are REJECT 400 model.incoming_hook.parse_data.app_error.
// - "attachments.render" (plugin-defined, pb_blob_v1), priority 100: replaces the attachments
//   JSON with its Markdown rendering; not a JSON array is REJECT 400
//   attachments.render.invalid_json.app_error.
//
// Threading: everything runs on the loop thread (user_get is a synchronous store read).
#pragma once

#include <optional>
#include <patchbay/plugin.hpp>
#include <string>
#include <string_view>

#include "plugins/attachments/normaliser.h"

namespace pb::attachments {

// Mattermost's hard limit on a post's props JSON (model.PostPropsMaxRunes in the v5 line).
inline constexpr size_t kPostPropsMaxRunes = 8000;
inline constexpr int32_t kInterceptPriority = 100;
inline constexpr std::string_view kRenderEvent = "attachments.render";
inline constexpr std::string_view kProcessEvent = "attachments.process";

class AttachmentsPlugin : public sdk::Plugin {
 public:
  int init(std::string_view settings_json) override;

 private:
  // Why a processed post is refused (status, id, message for intercept_set_error).
  struct Refusal {
    int status;
    std::string_view id, message;
  };
  // Whether the processed props must fit one post now (enforce), or are split by the caller,
  // whose parts come back through post.will_be_created and are checked there (after_split).
  enum class PropsLimit { enforce, after_split };
  // The plugin's answer to a processed post: its warnings logged, a refusal mapped to the error
  // the sender gets, the props limit checked when `limit` says so; nullopt when it goes on.
  std::optional<Refusal> refusal_of(const WebhookPostOutcome& out, PropsLimit limit);
  UsernameLookup lookup();

  int on_post_will_be_created(sdk::Intercept turn, const pb_post_v1& post);
  int on_process(sdk::Intercept turn, const pb_post_v1& draft);
  // Processes `post` (message, props) and puts the result in its place in the chain.
  int replace_processed(sdk::Intercept turn, const pb_post_v1& post, PropsLimit limit);
  int on_render(sdk::Intercept turn, const pb_blob_v1& blob);
  std::optional<std::string> username_of(std::string_view user_id) const;

  bool users_available_ = false;
  // Where each post is processed (loop thread only): its strings keep their capacity from post
  // to post, so processing one allocates nothing for its message and props.
  WebhookPostOutcome processed_;
};

}  // namespace pb::attachments
