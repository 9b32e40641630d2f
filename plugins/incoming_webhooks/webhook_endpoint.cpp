#include "plugins/incoming_webhooks/webhook_endpoint.h"

#include <chrono>
#include <patchbay/utf8.hpp>
#include <utility>
#include <variant>
#include <vector>

#include "plugins/incoming_webhooks/content_type.h"
#include "plugins/incoming_webhooks/form_decoder.h"
#include "plugins/incoming_webhooks/post_splitter.h"
#include "plugins/incoming_webhooks/signature.h"
#include "plugins/incoming_webhooks/webhook_post.h"

namespace pb::incoming_webhooks {
namespace {

// Mattermost's router only matches [A-Za-z0-9]+ for {id}; anything else is no route at all.
bool is_hook_id_token(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

ApiError from_decoder(const WebhookError& e) { return {e.http_status, e.id, e.message}; }

ApiError translator_payload_error(std::string_view why) {
  return {400, "web.incoming_webhook.translator.payload.app_error",
          "The webhook body cannot be translated: " + std::string(why) + "."};
}

int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// The hook's signature check on the raw body; nullopt when it passes (or there is none).
std::optional<ApiError> check_signature(const sdk::Request& request, const IncomingHook& hook,
                                        int64_t now) {
  auto preset = parse_signature_preset(hook.signature);
  if (!preset || *preset == SignaturePreset::none) return std::nullopt;
  if (hook.secret.empty()) {  // sealed under a key that is gone: refuse rather than use ""
    return ApiError{401, "web.incoming_webhook.signature.app_error",
                    "Invalid webhook signature: the hook's secret cannot be read."};
  }
  return verify_signature(
      *preset, hook.signature_header, hook.secret,
      [&request](std::string_view name) { return request.header(name); }, request.body(), now);
}

}  // namespace

// Everything one request needs across its asynchronous steps. Reused: a finished one goes back
// to the thread's spares (new_delivery), keeping its strings' and parts' capacity.
struct WebhookEndpoint::Delivery {
  explicit Delivery(const sdk::Request& r) : request(r) {}
  size_t owners = 0;  // DeliveryPtr references
  sdk::Request request;
  std::shared_ptr<const IncomingHook> hook;
  std::string channel_override;  // the payload's "channel"
  std::string type;              // after processing
  // The target channel and the poster (the hook's owner): views of the hook (kept alive by
  // `hook`) or, for another channel, of `other_channel_id`. No copy per request on the usual path.
  std::string_view channel_id, owner_id;
  std::string other_channel_id;
  std::vector<SplitPost> parts;
  size_t next_part = 0;
  std::string thread_key;  // "" = not threaded
  bool thread_resolved = false;
  std::string root_id;     // the parts reply to it
  std::string root_token;  // set while the first part is to become the key's root
  bool root_from_store = false;

  // What a new delivery for `r` is, keeping what has capacity (up to a usual request's: a rare
  // huge one is not kept, idle RSS).
  void reuse_for(const sdk::Request& r) {
    constexpr size_t kKeptText = 64 * 1024;
    request = r;
    for (std::string* s :
         {&channel_override, &type, &other_channel_id, &thread_key, &root_id, &root_token}) {
      s->clear();
    }
    channel_id = owner_id = {};
    if (parts.size() > 1 ||
        (!parts.empty() &&
         parts[0].message.capacity() + parts[0].props_json.capacity() > kKeptText)) {
      parts.clear();
    }
    next_part = 0;
    thread_resolved = false;
    root_from_store = false;
  }
};

std::vector<std::unique_ptr<WebhookEndpoint::Delivery>>& WebhookEndpoint::spare_deliveries() {
  thread_local std::vector<std::unique_ptr<Delivery>> spares;
  return spares;
}

WebhookEndpoint::DeliveryPtr::DeliveryPtr(Delivery* d) noexcept : d_(d) { ++d_->owners; }

WebhookEndpoint::DeliveryPtr::DeliveryPtr(const DeliveryPtr& other) noexcept : d_(other.d_) {
  if (d_ != nullptr) ++d_->owners;
}

WebhookEndpoint::DeliveryPtr::~DeliveryPtr() {
  if (d_ == nullptr || --d_->owners != 0) return;
  std::unique_ptr<Delivery> done(d_);
  done->hook.reset();  // the hook is not kept alive by a spare
  // Enough for every request in flight at a few hundred connections.
  constexpr size_t kMaxSpares = 256;
  auto& spares = spare_deliveries();
  if (spares.size() < kMaxSpares) spares.push_back(std::move(done));
}

WebhookEndpoint::DeliveryPtr WebhookEndpoint::new_delivery(const sdk::Request& request) {
  auto& spares = spare_deliveries();
  if (spares.empty()) return DeliveryPtr(new Delivery(request));
  Delivery* d = spares.back().release();
  spares.pop_back();
  d->reuse_for(request);
  return DeliveryPtr(d);
}

int WebhookEndpoint::register_routes() {
  auto id = host_.event_id(kProcessEvent, PB_PAYLOAD_POST);
  if (!id) {
    host_.error("cannot declare attachments.process (the host needs ABI minor 7)");
    return PB_E_PLUGIN;
  }
  process_event_ = *id;
  return host_.route("POST", "/hooks/{id}",
                     [this](sdk::Request request) { return handle(request); });
}

int WebhookEndpoint::handle(const sdk::Request& request) {
  auto id = request.param("id");
  if (!id || !is_hook_id_token(*id)) {
    return request.respond_error(404, "api.context.404.app_error",
                                 "Sorry, we could not find the page.");
  }
  auto hook = store_.find(*id);
  if (hook != nullptr) {
    // Before the body is parsed at all (issue 8).
    if (auto e = check_signature(request, *hook, clock ? clock() : unix_now())) {
      return respond(request, *e);
    }
    if (!hook->translator.empty()) return handle_translated(request, std::move(hook));
  }
  // Decoded into a payload the thread keeps, its strings' capacity with it: deliver() is done
  // with it when it returns (the bus copies the draft built from it).
  static thread_local IncomingPayload payload;
  if (auto e =
          decode_payload_into(payload, request.header("Content-Type").value_or(std::string_view{}),
                              request.query(), request.body())) {
    return respond(request, from_decoder(*e));
  }
  if (!settings_.enable_incoming_webhooks) {
    return respond(request, {501, "web.incoming_webhook.disabled.app_error",
                             "Incoming webhooks have been disabled by the system admin."});
  }
  int rc = deliver(request, std::move(hook), payload, {});
  // A rare huge payload does not pin its buffers for the life of the thread (idle RSS).
  if (payload.text.capacity() + payload.props_json.capacity() +
          payload.attachments_json.capacity() >
      64 * 1024) {
    payload = IncomingPayload{};
  }
  return rc;
}

int WebhookEndpoint::handle_translated(const sdk::Request& request,
                                       std::shared_ptr<const IncomingHook> hook) {
  if (!settings_.enable_incoming_webhooks) {
    return respond(request, {501, "web.incoming_webhook.disabled.app_error",
                             "Incoming webhooks have been disabled by the system admin."});
  }
  // JSON of any shape; GitHub's form encoding carries the same JSON in payload=.
  std::string_view body = request.body();
  std::optional<std::string> form_payload;
  auto media = parse_media_type(request.header("Content-Type").value_or(std::string_view{}));
  if (media && iequals_ascii(media->type, "application/x-www-form-urlencoded")) {
    form_payload = form_value(body, {}, "payload");
    if (!form_payload) return respond(request, translator_payload_error("no payload= field"));
    body = *form_payload;
  } else if (media && !media->type.empty() && !iequals_ascii(media->type, "application/json")) {
    return respond(request, translator_payload_error("the content type is not JSON"));
  }
  if (!is_json_value(body)) return respond(request, translator_payload_error("it is not JSON"));

  HeaderList headers;
  request.for_each_header([&](std::string_view n, std::string_view v) { headers.emplace_back(n, v); });
  std::string blob =
      translate_request_json(hook->translator, hook->translator_variables, headers, body);
  int rc = translators_.translate(
      blob, [this, request, hook](std::variant<Translated, ApiError> result) {
        if (auto* e = std::get_if<ApiError>(&result)) {
          respond(request, *e);
          return;
        }
        auto& translated = std::get<Translated>(result);
        auto decoded = decode_json_payload(translated.payload_json);
        if (auto* e = std::get_if<WebhookError>(&decoded)) {
          respond(request, from_decoder(*e));
          return;
        }
        deliver(request, hook, std::get<IncomingPayload>(decoded),
                std::move(translated.thread_key));
      });
  if (rc != PB_OK) {
    host_.error("publishing translators.translate failed: " + std::string(host_.status_name(rc)));
    return respond(request, {500, "web.incoming_webhook.translator.app_error",
                             "Unable to translate the incoming webhook."});
  }
  return PB_OK;
}

int WebhookEndpoint::deliver(const sdk::Request& request, std::shared_ptr<const IncomingHook> hook,
                             const IncomingPayload& payload, std::string thread_key) {
  if (payload.text.empty() && !payload.has_attachments) {
    return respond(request, {400, "web.incoming_webhook.text.app_error", "No text specified."});
  }
  if (!hook) return respond(request, {400, "web.incoming_webhook.invalid.app_error", "Invalid webhook."});

  PropsInput props_in;
  props_in.client_props_json = payload.props_json;
  props_in.attachments_json = payload.attachments_json;
  props_in.has_attachments = payload.has_attachments;
  props_in.display_name = hook->display_name;
  if (settings_.enable_post_username_override) {
    props_in.override_username = effective_username(payload.username, hook->username);
  }
  if (settings_.enable_post_icon_override) {
    auto icon = effective_icon_url(payload.icon_url, hook->icon_url);
    if (!icon.empty()) props_in.override_icon_url = icon;
    if (!payload.icon_emoji.empty()) props_in.override_icon_emoji = payload.icon_emoji;
  }
  // With attachments the post is a slack_attachment whatever type was sent (§2.4 step 6); the
  // attachments plugin decides again after normalising (all-null attachments disappear).
  std::string_view type = payload.has_attachments ? std::string_view("slack_attachment")
                                                  : std::string_view(payload.type);
  // The props are written into one buffer the thread keeps: the bus copies the draft at once,
  // so the buffer is free again when publish_intercept returns.
  static thread_local std::string props;
  props.clear();
  if (auto e = append_webhook_props(props, props_in)) return respond(request, *e);
  pb_post_v1 draft{};
  draft.struct_size = sizeof(pb_post_v1);
  draft.type = sdk::to_pb(type);
  draft.message = sdk::to_pb(payload.text);
  draft.props_json = sdk::to_pb(props);
  draft.flags = PB_POST_FROM_WEBHOOK;

  DeliveryPtr d = new_delivery(request);
  d->hook = std::move(hook);
  d->channel_override = payload.channel;
  d->thread_key = std::move(thread_key);
  int rc = host_.publish_intercept(
      process_event_, draft,
      [this, d](int verdict, int http_status, std::string_view error_id, std::string_view message,
                const void* final_payload) {
        if (verdict == PB_VERDICT_REJECT) {
          respond(d->request, {http_status != 0 ? http_status : 400, std::string(error_id),
                               std::string(message)});
          return;
        }
        on_processed(d, static_cast<const pb_post_v1*>(final_payload));
      });
  // A rare huge payload does not pin its buffer for the life of the thread (idle RSS).
  if (props.capacity() > 64 * 1024) std::string().swap(props);
  if (rc != PB_OK) {
    host_.error("publishing attachments.process failed: " + std::string(host_.status_name(rc)));
    return respond(request, {500, "web.incoming_webhook.process.app_error",
                             "Unable to process the incoming webhook."});
  }
  return PB_OK;
}

void WebhookEndpoint::on_processed(const DeliveryPtr& d, const pb_post_v1* processed) {
  // The props are the core's to check when each part is created (a JSON object, valid UTF-8);
  // the texts are checked here, where an interceptor's mistake would otherwise be stored.
  std::string_view message = processed != nullptr ? sdk::to_sv(processed->message) : "";
  std::string_view type = processed != nullptr ? sdk::to_sv(processed->type) : "";
  if (processed == nullptr || sdk::first_invalid_utf8(message) != std::string_view::npos ||
      sdk::first_invalid_utf8(type) != std::string_view::npos) {
    host_.error("attachments.process answered something that is not a post");
    respond(d->request, {500, "web.incoming_webhook.process.app_error",
                         "Unable to process the incoming webhook."});
    return;
  }
  if (auto e = split_post_into(d->parts, message, sdk::to_sv(processed->props_json))) {
    respond(d->request, from_decoder(*e));
    return;
  }
  d->type.assign(type);

  // §2.5: the target channel.
  const IncomingHook& hook = *d->hook;
  std::string_view target = d->channel_override;
  if (target.empty()) {
    auto channel = chat_.channel_state(hook.channel_id);
    if (!channel || channel->delete_at != 0) {
      respond(d->request, {404, "app.channel.get.existing.app_error",
                           "Unable to find the existing channel."});
      return;
    }
    return on_channel(d, hook.channel_id, channel->open);
  }
  if (target.front() == '@') {
    auto user = chat_.user_by_username(target.substr(1));
    if (!user) {
      respond(d->request, {400, "web.incoming_webhook.user.app_error", "Couldn't find the user."});
      return;
    }
    int rc = chat_.direct_channel(hook.user_id, user->id, [this, d](int status, const Channel* c) {
      if (status != PB_OK || c == nullptr) {
        respond(d->request, {status == PB_E_NOT_FOUND ? 400 : 500,
                             "web.incoming_webhook.user.app_error", "Couldn't find the user."});
        return;
      }
      on_channel(d, c->id, c->type == "O");
    });
    if (rc != PB_OK) {
      respond(d->request, {500, "web.incoming_webhook.user.app_error", "Couldn't find the user."});
    }
    return;
  }
  if (target.front() == '#') target.remove_prefix(1);
  auto channel = chat_.channel_by_name(hook.team_id, target);
  if (!channel || channel->delete_at != 0) {
    respond(d->request, {404, "web.incoming_webhook.channel.app_error", "Couldn't find the channel."});
    return;
  }
  on_channel(d, channel->id, channel->type == "O");
}

void WebhookEndpoint::on_channel(const DeliveryPtr& d, std::string_view channel_id, bool open) {
  const IncomingHook& hook = *d->hook;
  if (hook.channel_locked && channel_id != hook.channel_id) {
    respond(d->request, {403, "web.incoming_webhook.channel_locked.app_error",
                         "This webhook is not permitted to post to the requested channel."});
    return;
  }
  // The owner looked up by id is the hook's user_id itself: only whether it exists matters.
  if (!chat_.user_exists(hook.user_id)) {
    respond(d->request, {403, "web.incoming_webhook.user.app_error", "Couldn't find the user."});
    return;
  }
  if (!open && chat_.can_read(channel_id, hook.user_id) != 1) {
    respond(d->request, {403, "web.incoming_webhook.permissions.app_error",
                         "Inappropriate channel permissions."});
    return;
  }
  if (std::string_view(d->type).substr(0, 7) == "system_") {
    respond(d->request, invalid_param("post.type"));
    return;
  }
  if (channel_id == hook.channel_id) {
    d->channel_id = hook.channel_id;
  } else {
    d->other_channel_id.assign(channel_id);
    d->channel_id = d->other_channel_id;
  }
  d->owner_id = hook.user_id;
  create_next(d);
}

void WebhookEndpoint::create_next(const DeliveryPtr& d) {
  if (!d->thread_key.empty() && !d->thread_resolved) {
    d->thread_resolved = true;
    std::string stale = std::move(d->root_id);  // a stored root the core refused (deleted)
    d->root_id.clear();
    roots_.acquire(d->channel_id, d->thread_key,
                   [this, d](const ThreadRoots::Slot& slot) {
                     d->root_id = slot.root_id;
                     d->root_token = slot.token;
                     d->root_from_store = !slot.root_id.empty();
                     create_next(d);
                   },
                   stale);
    return;
  }
  if (d->next_part == d->parts.size()) {
    d->request.respond(200, "text/plain", "ok");
    return;
  }
  const size_t index = d->next_part++;
  const SplitPost& part = d->parts[index];
  const bool becomes_root = index == 0 && !d->root_token.empty();
  std::string marked_props;
  if (becomes_root) marked_props = ThreadRoots::with_marker(part.props_json, d->root_token);
  pb_post_v1 draft{};
  draft.struct_size = sizeof(pb_post_v1);
  draft.channel_id = sdk::to_pb(d->channel_id);
  draft.user_id = sdk::to_pb(d->owner_id);
  draft.root_id = sdk::to_pb(d->root_id);
  draft.type = sdk::to_pb(d->type);
  draft.message = sdk::to_pb(part.message);
  draft.props_json = sdk::to_pb(becomes_root ? std::string_view(marked_props) : part.props_json);
  // Incoming posts never fire outgoing webhooks; they are processed already (no second pass).
  draft.flags = PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED;
  int rc = chat_.create_post(draft, [this, d, index, becomes_root](const Chat::PostResult& r) {
    if (becomes_root) {
      std::string token = std::move(d->root_token);
      d->root_token.clear();
      roots_.root_done(token, r.status == PB_OK ? std::string_view(r.post_id) : std::string_view{});
      if (r.status == PB_OK) d->root_id.assign(r.post_id);  // the later parts reply to it
    }
    if (r.status != PB_OK && index == 0 && d->root_from_store &&
        r.error_id == "api.post.create_post.root_id.app_error") {
      // The key's root was deleted: this post starts the thread again.
      d->next_part = 0;
      d->thread_resolved = false;
      d->root_from_store = false;
      create_next(d);
      return;
    }
    if (r.status != PB_OK) {
      respond(d->request, {r.http_status >= 400 ? r.http_status : 500,
                           std::string(r.error_id.empty()
                                           ? "api.post.create_webhook_post.creating.app_error"
                                           : r.error_id),
                           std::string(r.message.empty() ? "Failed to create post." : r.message)});
      return;
    }
    create_next(d);
  });
  if (rc != PB_OK) {
    if (becomes_root) {
      roots_.root_done(d->root_token, {});
      d->root_token.clear();
    }
    respond(d->request, {rc == PB_E_STATE ? 503 : 500,
                         "api.post.create_webhook_post.creating.app_error", "Failed to create post."});
  }
}

}  // namespace pb::incoming_webhooks
