#include "plugins/outgoing_webhooks/outgoing_plugin.h"

#include <sodium.h>

#include <chrono>

#include "plugins/outgoing_webhooks/callback_response.h"
#include "plugins/outgoing_webhooks/metrics.h"

namespace pb::outgoing {
namespace {

using sdk::to_pb;
using sdk::to_sv;

// What the interceptor needs to know about the post's channel, copied out of channel_get.
struct ChannelFacts {
  bool found = false;
  bool open = false;
  std::string team_id;
  std::string name;
};

}  // namespace

int OutgoingWebhooksPlugin::init(std::string_view settings_json) {
  auto& h = host();
  if (sodium_init() < 0) return PB_E_PLUGIN;
  has_chat_ = PB_HOST_HAS(h.api(), post_create) && PB_HOST_HAS(h.api(), channel_get) &&
              PB_HOST_HAS(h.api(), team_member_roles) && PB_HOST_HAS(h.api(), user_get) &&
              PB_HOST_HAS(h.api(), intercept_stage_kv_put);
  if (!has_chat_) {
    h.error("host lacks the ABI 1.2 chat functions (channel_get, post_create, ...)");
    return PB_E_UNSUPPORTED;
  }
  has_team_get_ = PB_HOST_HAS(h.api(), team_get);
  read_server_config(h.config_json(), settings_);
  read_plugin_settings(settings_json, settings_);
  dispatcher_ = std::make_unique<Dispatcher>(
      h, index_, [this](const DeliveryRecord& r, std::string_view body) {
        on_callback_response(r, body);
      });
  dispatcher_->set_max_in_flight_per_hook(settings_.max_in_flight_per_hook);
  dispatcher_->set_max_queued_per_hook(settings_.max_queued_per_hook);
  // Its counters on the server's GET /metrics too (ABI 1.5; an older host: no series, no error).
  if (int rc = register_dispatcher_metrics(h, *dispatcher_); rc != PB_OK && rc != PB_E_UNSUPPORTED) {
    return rc;
  }

  int rc = h.intercept(PB_EVENT_POST_WILL_BE_CREATED, kInterceptPriority,
                       [this](sdk::Intercept t, uint32_t, const void* p) {
                         return on_post_will_be_created(t, *static_cast<const pb_post_v1*>(p));
                       });
  if (rc != PB_OK) return rc;
  rc = h.observe(PB_EVENT_POST_CREATED, [this](uint32_t, const void* p) {
    on_post_created(*static_cast<const pb_post_v1*>(p));
  });
  if (rc != PB_OK) return rc;
  return register_routes();
}

int OutgoingWebhooksPlugin::start() {
  load_hooks();
  resume_deliveries();
  sweep_timer_ = host().timer_start(kStagedSweepMs, kStagedSweepMs, [this] { sweep_staged(); });
  return PB_OK;
}

int OutgoingWebhooksPlugin::configure(std::string_view settings_json) {
  read_server_config(host().config_json(), settings_);
  read_plugin_settings(settings_json, settings_);
  dispatcher_->set_max_in_flight_per_hook(settings_.max_in_flight_per_hook);
  dispatcher_->set_max_queued_per_hook(settings_.max_queued_per_hook);
  return PB_OK;
}

void OutgoingWebhooksPlugin::stop() {
  if (sweep_timer_) host().timer_stop(sweep_timer_);
  if (dispatcher_) dispatcher_->stop();
}

void OutgoingWebhooksPlugin::load_hooks() {
  size_t damaged = 0;
  host().kv_list(kHookPrefix, [&](std::string_view key, std::string_view value) {
    auto hook = hook_from_record(value);
    if (hook && "h/" + hook->id == key) {
      index_.upsert(std::move(*hook));
    } else {
      ++damaged;
    }
    return false;
  });
  if (damaged > 0) host().error(std::to_string(damaged) + " damaged hook records were skipped");
  host().info("loaded " + std::to_string(index_.size()) + " outgoing webhooks");
}

void OutgoingWebhooksPlugin::resume_deliveries() {
  std::vector<std::pair<std::string, DeliveryRecord>> pending;
  size_t damaged = 0;
  host().kv_list(kDeliveryPrefix, [&](std::string_view key, std::string_view value) {
    if (auto record = record_from_json(value)) {
      pending.emplace_back(std::string(key), std::move(*record));
    } else {
      ++damaged;
    }
    return false;
  });
  // Enqueue after the listing: starting a delivery may write to the store.
  for (auto& [key, record] : pending) dispatcher_->enqueue(std::move(key), std::move(record));
  if (!pending.empty() || damaged > 0) {
    host().info("resuming " + std::to_string(pending.size()) + " pending deliveries" +
                (damaged ? " (" + std::to_string(damaged) + " damaged records skipped)" : ""));
  }
}

int OutgoingWebhooksPlugin::on_post_will_be_created(sdk::Intercept turn, const pb_post_v1& post) {
  if ((post.flags & PB_POST_TRIGGER_WEBHOOKS) == 0 || (post.flags & PB_POST_FROM_WEBHOOK) != 0) {
    return PB_VERDICT_CONTINUE;
  }
  if (!settings_.enabled || index_.size() == 0 || to_sv(post.type).starts_with("system_")) {
    return PB_VERDICT_CONTINUE;
  }
  ChannelFacts channel;
  auto got_channel = [](void* user, const pb_channel_v1* c) {
    auto* f = static_cast<ChannelFacts*>(user);
    f->found = true;
    f->open = to_sv(c->type) == "O" && c->delete_at == 0;
    f->team_id.assign(to_sv(c->team_id));
    f->name.assign(to_sv(c->name));
  };
  host().api()->channel_get(host().self(), post.channel_id, got_channel, &channel);
  if (!channel.found || !channel.open) return PB_VERDICT_CONTINUE;

  std::vector<Match> matches;
  index_.match(channel.team_id, to_sv(post.channel_id), to_sv(post.message), matches);
  if (matches.empty()) return PB_VERDICT_CONTINUE;

  std::string user_name;
  auto got_user = [](void* user, const pb_user_v1* u) {
    static_cast<std::string*>(user)->assign(to_sv(u->username));
  };
  host().api()->user_get(host().self(), PB_USER_BY_ID, post.user_id, got_user, &user_name);

  Staged staged;
  staged.generation = sweep_generation_;
  for (const Match& m : matches) {
    if (dispatcher_->shed_instead_of_staging(m.hook->id)) continue;
    DeliveryRecord r;
    r.hook_id = m.hook->id;
    r.post_id.assign(to_sv(post.id));
    r.root_id.assign(to_sv(post.root_id));
    r.channel_id.assign(to_sv(post.channel_id));
    r.channel_name = channel.name;
    r.team_id = channel.team_id;
    r.team_domain = team_name(channel.team_id);
    r.user_id.assign(to_sv(post.user_id));
    r.user_name = user_name;
    r.text.assign(to_sv(post.message));
    r.trigger_word.assign(m.trigger_word);
    r.timestamp_ms = post.create_at;
    std::string key = delivery_key(r);
    std::string value = to_record_json(r);
    int rc = host().api()->intercept_stage_kv_put(turn.raw(), to_pb(key), to_pb(value));
    if (rc != PB_OK) {
      host().error("could not stage delivery " + key + ": " + std::string(host().status_name(rc)));
      continue;
    }
    staged.deliveries.emplace_back(std::move(key), std::move(r));
  }
  if (!staged.deliveries.empty()) staged_[std::string(to_sv(post.id))] = std::move(staged);
  return PB_VERDICT_CONTINUE;
}

void OutgoingWebhooksPlugin::on_post_created(const pb_post_v1& post) {
  if (staged_.empty()) return;
  auto it = staged_.find(std::string(to_sv(post.id)));
  if (it == staged_.end()) return;
  Staged staged = std::move(it->second);
  staged_.erase(it);
  for (auto& [key, record] : staged.deliveries) {
    dispatcher_->enqueue(std::move(key), std::move(record));
  }
}

const std::string& OutgoingWebhooksPlugin::team_name(std::string_view team_id) {
  static const std::string kUnknown;
  if (!has_team_get_) return kUnknown;
  const auto now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now().time_since_epoch()).count());
  if (const std::string* cached = team_names_.find(team_id, now)) return *cached;
  std::string name;  // an unknown team is remembered as "" for as long
  host().api()->team_get(host().self(), to_pb(team_id),
                         [](void* user, const pb_team_v1* team) {
                           static_cast<std::string*>(user)->assign(to_sv(team->name));
                         },
                         &name);
  const std::string* stored = team_names_.put(team_id, std::move(name), now + kTeamNameTtlMs, now);
  return stored != nullptr ? *stored : kUnknown;
}

void OutgoingWebhooksPlugin::sweep_staged() {
  ++sweep_generation_;
  std::erase_if(staged_, [&](const auto& entry) {
    return entry.second.generation + 2 <= sweep_generation_;
  });
}

void OutgoingWebhooksPlugin::on_callback_response(const DeliveryRecord& record,
                                                  std::string_view body) {
  const OutgoingHook* hook = index_.find(record.hook_id);
  if (hook == nullptr) return;  // deleted while its call was in flight
  ReplyContext context{hook->display_name, hook->username, hook->icon_url,
                       settings_.username_override, settings_.icon_override};
  ReplyOutcome out = parse_callback_response(body, context);
  if (out.kind == ReplyOutcome::kNothing) return;
  if (out.kind == ReplyOutcome::kError) {
    ++reply_errors_;
    host().info("hook " + hook->id + ": callback answer ignored: " + out.error);
    return;
  }
  // As Mattermost's CreateWebhookPost: a text longer than a post may hold becomes several
  // posts, in order, the attachments on the last (patchbay/post_splitter.hpp).
  auto split = sdk::split_webhook_post(out.message, out.props_json);
  if (auto* e = std::get_if<sdk::SplitError>(&split)) {
    ++reply_errors_;
    host().info("hook " + hook->id + ": callback answer ignored: " + e->message);
    return;
  }
  auto reply = std::make_unique<Reply>();
  reply->plugin = this;
  reply->hook_id = hook->id;
  reply->channel_id = record.channel_id;
  reply->user_id = hook->creator_id;
  // A reply threads under the triggering post's root (a post cannot be the root of a thread
  // when it is itself a reply).
  if (out.comment) reply->root_id = record.root_id.empty() ? record.post_id : record.root_id;
  reply->type = std::move(out.type);
  reply->parts = std::move(std::get<std::vector<sdk::SplitPost>>(split));
  post_reply_part(std::move(reply));
}

void OutgoingWebhooksPlugin::post_reply_part(std::unique_ptr<Reply> reply) {
  const sdk::SplitPost& part = reply->parts[reply->next];
  pb_post_v1 draft{};
  draft.struct_size = sizeof draft;
  draft.channel_id = to_pb(reply->channel_id);
  draft.user_id = to_pb(reply->user_id);
  draft.root_id = to_pb(reply->root_id);
  draft.type = to_pb(reply->type);
  draft.message = to_pb(part.message);
  draft.props_json = to_pb(part.props_json);
  draft.flags = PB_POST_FROM_WEBHOOK;
  const bool first = reply->next == 0;
  Reply* pending = reply.get();
  int rc = host().api()->post_create(host().self(), &draft, &reply_part_done, pending);
  if (rc != PB_OK) {  // done will not be called: the reply ends here
    ++reply_errors_;
    host().warn("hook " + reply->hook_id + ": reply not posted: " +
                std::string(host().status_name(rc)));
    return;
  }
  reply.release();  // reply_part_done owns it now
  if (first) ++replies_posted_;
}

// The next part goes out once the previous one is stored, so the parts keep their order.
void OutgoingWebhooksPlugin::reply_part_done(void* user, int status, int http_status,
                                             pb_str error_id, pb_str message,
                                             const pb_post_v1* /*created*/) {
  std::unique_ptr<Reply> reply(static_cast<Reply*>(user));
  OutgoingWebhooksPlugin& self = *reply->plugin;
  if (status != PB_OK) {
    ++self.reply_errors_;
    self.host().warn("hook " + reply->hook_id + ": reply post refused: " +
                     std::to_string(http_status) + " " + std::string(to_sv(error_id)) + " " +
                     std::string(to_sv(message)));
    return;  // as Mattermost: the parts after a refused one are not posted
  }
  if (++reply->next < reply->parts.size()) self.post_reply_part(std::move(reply));
}

}  // namespace pb::outgoing

PB_PLUGIN(pb::outgoing::OutgoingWebhooksPlugin, "outgoing_webhooks", "1.0.0")
