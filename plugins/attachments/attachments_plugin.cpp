#include "plugins/attachments/attachments_plugin.h"

#include "plugins/attachments/json_value.h"
#include "plugins/attachments/normaliser.h"
#include "plugins/attachments/renderer.h"

namespace pb::attachments {

using sdk::to_pb;
using sdk::to_sv;

int AttachmentsPlugin::init(std::string_view /*settings_json*/) {
  auto& h = host();
  // Without user_get (a host of ABI minor 0) <@id> mentions are left as sent.
  users_available_ = PB_HOST_HAS(h.api(), user_get);
  if (!users_available_) h.warn("host has no user_get: <@id> mentions will not be converted");

  int rc = h.intercept(PB_EVENT_POST_WILL_BE_CREATED, kInterceptPriority,
                       [this](sdk::Intercept t, uint32_t, const void* p) {
                         return on_post_will_be_created(t, *static_cast<const pb_post_v1*>(p));
                       });
  if (rc != PB_OK) return rc;
  auto process_event = h.event_id(kProcessEvent, PB_PAYLOAD_POST);
  if (!process_event) {
    h.error("cannot declare attachments.process (the host needs ABI minor 7)");
    return PB_E_PLUGIN;
  }
  rc = h.intercept(*process_event, kInterceptPriority,
                   [this](sdk::Intercept t, uint32_t, const void* p) {
                     return on_process(t, *static_cast<const pb_post_v1*>(p));
                   });
  if (rc != PB_OK) return rc;
  auto render_event = h.event_id(kRenderEvent);
  if (!render_event) return PB_E_PLUGIN;
  return h.intercept(*render_event, kInterceptPriority,
                     [this](sdk::Intercept t, uint32_t, const void* p) {
                       return on_render(t, *static_cast<const pb_blob_v1*>(p));
                     });
}

std::optional<std::string> AttachmentsPlugin::username_of(std::string_view user_id) const {
  if (!users_available_) return std::nullopt;
  std::optional<std::string> name;
  auto found = [](void* user, const pb_user_v1* u) {
    static_cast<std::optional<std::string>*>(user)->emplace(to_sv(u->username));
  };
  // Deactivated users count too: Mattermost's GetProfileByIds does not filter them out.
  host().api()->user_get(host().self(), PB_USER_BY_ID, to_pb(user_id), found, &name);
  return name;
}

namespace {

constexpr std::string_view kParseDataId = "model.incoming_hook.parse_data.app_error";
constexpr std::string_view kParseDataMessage = "Unable to parse incoming data.";

int reject(sdk::Intercept turn, int status, std::string_view id, std::string_view message) {
  turn.set_error(status, id, message);
  return PB_VERDICT_REJECT;
}

bool props_over_limit(std::string_view props_json) {
  // Every rune is at least one byte (an invalid byte counts as one rune): props no longer in
  // bytes than the limit are within it, uncounted (every webhook post passes here).
  return props_json.size() > kPostPropsMaxRunes && count_runes(props_json) > kPostPropsMaxRunes;
}

}  // namespace

std::optional<AttachmentsPlugin::Refusal> AttachmentsPlugin::refusal_of(
    const WebhookPostOutcome& out, PropsLimit limit) {
  if (!out.ok) {
    host().info("refused webhook post attachments: " + out.error);
    return Refusal{400, kParseDataId, kParseDataMessage};
  }
  for (const auto& w : out.warnings) host().warn(w);
  if (limit == PropsLimit::enforce && props_over_limit(out.props_json)) {
    return Refusal{400, "model.post.is_valid.props.app_error", "Invalid props."};
  }
  return std::nullopt;
}

UsernameLookup AttachmentsPlugin::lookup() {
  return [this](std::string_view id) { return username_of(id); };
}

int AttachmentsPlugin::on_post_will_be_created(sdk::Intercept turn, const pb_post_v1& post) {
  if ((post.flags & PB_POST_FROM_WEBHOOK) == 0) return PB_VERDICT_CONTINUE;
  if ((post.flags & PB_POST_SLACK_PROCESSED) != 0) {
    // Processed through attachments.process and split by the sender: converting again could
    // change the text (link conversion is not idempotent). The hard limit is cheap to keep.
    if (props_over_limit(to_sv(post.props_json))) {
      return reject(turn, 400, "model.post.is_valid.props.app_error", "Invalid props.");
    }
    return PB_VERDICT_CONTINUE;
  }
  return replace_processed(turn, post, PropsLimit::enforce);
}

int AttachmentsPlugin::on_process(sdk::Intercept turn, const pb_post_v1& draft) {
  // Not the post limit here: the caller splits the processed post (§2.7 truncates an attachment
  // too long for one post), and each part it creates is checked by on_post_will_be_created.
  return replace_processed(turn, draft, PropsLimit::after_split);
}

int AttachmentsPlugin::replace_processed(sdk::Intercept turn, const pb_post_v1& post,
                                         PropsLimit limit) {
  process_webhook_post_into(processed_, to_sv(post.message), to_sv(post.props_json), lookup());
  int verdict;
  if (auto refusal = refusal_of(processed_, limit)) {
    verdict = reject(turn, refusal->status, refusal->id, refusal->message);
  } else {
    pb_post_v1 replaced = post;
    replaced.struct_size = sizeof(pb_post_v1);
    replaced.message = to_pb(processed_.message);
    replaced.props_json = to_pb(processed_.props_json);
    if (processed_.has_attachments) replaced.type = to_pb("slack_attachment");
    int rc = turn.replace(&replaced);  // copied by the host: processed_ is free again
    verdict = rc == PB_OK ? PB_VERDICT_CONTINUE : rc;
  }
  // A rare huge post does not pin its buffers for the life of the plugin (idle RSS).
  if (processed_.message.capacity() + processed_.props_json.capacity() > 64 * 1024) {
    processed_ = WebhookPostOutcome{};
  }
  return verdict;
}

int AttachmentsPlugin::on_render(sdk::Intercept turn, const pb_blob_v1& blob) {
  auto rendered = render_attachments(to_sv(blob.data));
  if (!rendered) {
    turn.set_error(400, "attachments.render.invalid_json.app_error",
                   "attachments.render expects a JSON array of attachments.");
    return PB_VERDICT_REJECT;
  }
  pb_blob_v1 out{sizeof(pb_blob_v1), to_pb(*rendered)};
  int rc = turn.replace(&out);
  return rc == PB_OK ? PB_VERDICT_CONTINUE : rc;
}

}  // namespace pb::attachments

PB_PLUGIN(pb::attachments::AttachmentsPlugin, "attachments", "1.0.0")
