// The outgoing webhook management API (wire spec §4.5) and the metrics route.
//
// Permissions as Mattermost's defaults: manage_outgoing_webhooks and
// manage_others_outgoing_webhooks belong to system admins and to team admins of the hook's team;
// plain users get 403. Every route answers 501 while EnableOutgoingWebhooks is false.
#include <algorithm>
#include <charconv>
#include <chrono>

#include <patchbay/ids.hpp>
#include <patchbay/request_values.hpp>

#include "plugins/outgoing_webhooks/outgoing_plugin.h"

namespace pb::outgoing {
namespace {

using sdk::has_role;
using sdk::query_value;
using sdk::to_pb;
using sdk::to_sv;

constexpr std::string_view kApi = "/api/v4/hooks/outgoing";

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int fail(const sdk::Request& req, const ApiError& e) {
  return req.respond_error(e.status, e.id, e.message);
}
int forbidden(const sdk::Request& req) {
  return req.respond_error(403, "api.context.permissions.app_error",
                           "You do not have the appropriate permissions.");
}
int invalid_url_param(const sdk::Request& req, std::string_view name) {
  return req.respond_error(400, "api.context.invalid_url_param.app_error",
                           "Invalid or missing " + std::string(name) + " parameter in request URL.");
}

// page (default 0) and per_page (default 60, at most 200), wire spec §1.4.
std::pair<size_t, size_t> paging(std::string_view query) {
  auto number = [&](std::string_view name, size_t fallback) {
    auto v = query_value(query, name);
    size_t n = 0;
    if (!v || std::from_chars(v->data(), v->data() + v->size(), n).ec != std::errc()) {
      return fallback;
    }
    return n;
  };
  size_t page = std::min<size_t>(number("page", 0), 1000000);
  size_t per_page = std::min<size_t>(number("per_page", 60), 200);
  return {page, per_page};
}

bool disabled(const sdk::Request& req, bool enabled) {
  if (enabled) return false;
  req.respond_error(501, "api.outgoing_webhook.disabled.app_error",
                    "Outgoing webhooks have been disabled by the system admin.");
  return true;
}

struct ChannelFacts {
  bool found = false;
  std::string team_id, type;
};

ChannelFacts channel_facts(const sdk::Host& host, std::string_view channel_id) {
  ChannelFacts f;
  auto got = [](void* user, const pb_channel_v1* c) {
    auto* out = static_cast<ChannelFacts*>(user);
    out->found = true;
    out->team_id.assign(to_sv(c->team_id));
    out->type.assign(to_sv(c->type));
  };
  host.api()->channel_get(host.self(), to_pb(channel_id), got, &f);
  return f;
}

}  // namespace

int OutgoingWebhooksPlugin::register_routes() {
  auto& h = host();
  auto add = [&](std::string_view method, std::string pattern, auto member) {
    return h.route(method, pattern, [this, member](sdk::Request r) { return (this->*member)(r); },
                   PB_ROUTE_AUTHENTICATED);
  };
  const std::string base(kApi);
  const std::string one = base + "/{hook_id}";
  int rc = PB_OK;
  if (rc == PB_OK) rc = add("POST", base, &OutgoingWebhooksPlugin::create_hook);
  if (rc == PB_OK) rc = add("GET", base, &OutgoingWebhooksPlugin::list_hooks);
  if (rc == PB_OK) rc = add("GET", one, &OutgoingWebhooksPlugin::get_hook);
  if (rc == PB_OK) rc = add("PUT", one, &OutgoingWebhooksPlugin::update_hook);
  if (rc == PB_OK) rc = add("DELETE", one, &OutgoingWebhooksPlugin::delete_hook);
  if (rc == PB_OK) rc = add("POST", one + "/regen_token", &OutgoingWebhooksPlugin::regen_token);
  if (rc == PB_OK) {
    rc = add("GET", "/api/v4/outgoing_webhooks/metrics", &OutgoingWebhooksPlugin::metrics);
  }
  return rc;
}

bool OutgoingWebhooksPlugin::may_manage_team(const sdk::Request& req,
                                             std::string_view team_id) const {
  if (has_role(req.roles(), "system_admin")) return true;
  bool team_admin = false;
  auto got = [](void* user, pb_str roles) {
    *static_cast<bool*>(user) = has_role(to_sv(roles), "team_admin");
  };
  host().api()->team_member_roles(host().self(), to_pb(team_id), to_pb(req.user_id()), got,
                                  &team_admin);
  return team_admin;
}

const OutgoingHook* OutgoingWebhooksPlugin::hook_for(const sdk::Request& req) {
  auto id = req.param("hook_id");
  if (!id || !is_valid_id(*id)) {
    invalid_url_param(req, "hook_id");
    return nullptr;
  }
  const OutgoingHook* hook = index_.find(*id);
  if (hook == nullptr) {
    req.respond_error(404, "app.webhooks.get_outgoing.app_error", "Unable to get the webhook.");
    return nullptr;
  }
  if (!may_manage_team(req, hook->team_id)) {
    forbidden(req);
    return nullptr;
  }
  return hook;
}

std::optional<ApiError> OutgoingWebhooksPlugin::check_channel(const OutgoingHook& hook,
                                                              bool updating) const {
  if (hook.channel_id.empty()) return std::nullopt;
  if (!is_valid_id(hook.channel_id)) return invalid_body_param("channel_id");
  ChannelFacts channel = channel_facts(host(), hook.channel_id);
  if (!channel.found) {
    return ApiError{404, "app.channel.get.existing.app_error", "Unable to find the existing channel."};
  }
  if (channel.type != "O") {
    return updating ? ApiError{403, "api.webhook.create_outgoing.not_open.app_error",
                               "Outgoing webhooks can only be created for public channels."}
                    : ApiError{403, "api.outgoing_webhook.disabled.app_error",
                               "Outgoing webhooks can only be created for public channels."};
  }
  if (channel.team_id != hook.team_id) {
    return ApiError{403, "api.webhook.create_outgoing.permissions.app_error",
                    "Invalid permissions to create outgoing webhook."};
  }
  return std::nullopt;
}

int OutgoingWebhooksPlugin::save_and_answer(const sdk::Request& req, OutgoingHook hook,
                                            int status) {
  std::string json = to_json(hook);
  auto shared = std::make_shared<OutgoingHook>(std::move(hook));
  int rc = host().kv_put("h/" + shared->id, json, [this, req, shared, status, json](int done) {
    if (done != PB_OK) {
      req.respond_error(500, "app.webhooks.save_outgoing.app_error",
                        "Unable to save the outgoing webhook.");
      return;
    }
    index_.upsert(*shared);
    req.respond_json(status, json);
  });
  if (rc != PB_OK) {
    return req.respond_error(500, "app.webhooks.save_outgoing.app_error",
                             "Unable to save the outgoing webhook.");
  }
  return PB_OK;
}

int OutgoingWebhooksPlugin::create_hook(const sdk::Request& req) {
  if (disabled(req, settings_.enabled)) return PB_OK;
  ApiError error;
  auto hook = hook_from_body(req.body(), error);
  if (!hook) return fail(req, error);
  if (!is_valid_id(hook->team_id)) return fail(req, invalid_body_param("team_id"));
  if (!may_manage_team(req, hook->team_id)) return forbidden(req);
  if (hook->creator_id.empty()) {
    hook->creator_id = std::string(req.user_id());
  } else if (hook->creator_id != req.user_id()) {
    bool found = host().api()->user_get(host().self(), PB_USER_BY_ID, to_pb(hook->creator_id),
                                        [](void*, const pb_user_v1*) {}, nullptr) == PB_OK;
    if (!found) {
      return req.respond_error(404, "app.user.missing_account.const", "Unable to find the user.");
    }
  }
  if (auto e = check_channel(*hook, false)) return fail(req, *e);
  if (hook->channel_id.empty() && hook->trigger_words.empty()) {
    return req.respond_error(400, "api.webhook.create_outgoing.triggers.app_error",
                             "Either trigger_words or channel_id must be set.");
  }
  for (const OutgoingHook* other : index_.of_team(hook->team_id)) {
    if (intersects(*other, *hook)) {
      return req.respond_error(500, "api.webhook.create_outgoing.intersect.app_error",
                               "Outgoing webhooks from the same channel cannot have the same "
                               "trigger words/callback URLs.");
    }
  }
  hook->id = sdk::new_id();
  hook->token = sdk::new_id();
  hook->create_at = hook->update_at = now_ms();
  hook->delete_at = 0;
  if (auto e = validate(*hook)) return fail(req, *e);
  return save_and_answer(req, std::move(*hook), 201);
}

int OutgoingWebhooksPlugin::list_hooks(const sdk::Request& req) {
  if (disabled(req, settings_.enabled)) return PB_OK;
  std::string_view query = req.query();
  auto team_id = query_value(query, "team_id");
  auto channel_id = query_value(query, "channel_id");
  std::vector<const OutgoingHook*> hooks;
  if (channel_id && !channel_id->empty()) {
    if (!is_valid_id(*channel_id)) return invalid_url_param(req, "channel_id");
    ChannelFacts channel = channel_facts(host(), *channel_id);
    if (!channel.found) {
      return req.respond_error(404, "app.channel.get.existing.app_error",
                               "Unable to find the existing channel.");
    }
    if (!may_manage_team(req, channel.team_id)) return forbidden(req);
    for (const OutgoingHook* h : index_.of_team(channel.team_id)) {
      if (h->channel_id == *channel_id) hooks.push_back(h);
    }
  } else if (team_id && !team_id->empty()) {
    if (!is_valid_id(*team_id)) return invalid_url_param(req, "team_id");
    if (!may_manage_team(req, *team_id)) return forbidden(req);
    hooks = index_.of_team(*team_id);
  } else {
    if (!has_role(req.roles(), "system_admin")) return forbidden(req);
    hooks = index_.all();
  }
  std::sort(hooks.begin(), hooks.end(), [](const OutgoingHook* a, const OutgoingHook* b) {
    return a->create_at != b->create_at ? a->create_at < b->create_at : a->id < b->id;
  });
  auto [page, per_page] = paging(query);
  size_t begin = std::min(hooks.size(), page * per_page);
  size_t end = std::min(hooks.size(), begin + per_page);
  std::string out = "[";
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out += ',';
    out += to_json(*hooks[i]);
  }
  out += ']';
  return req.respond_json(200, out);
}

int OutgoingWebhooksPlugin::get_hook(const sdk::Request& req) {
  if (disabled(req, settings_.enabled)) return PB_OK;
  const OutgoingHook* hook = hook_for(req);
  if (hook == nullptr) return PB_OK;
  return req.respond_json(200, to_json(*hook));
}

int OutgoingWebhooksPlugin::update_hook(const sdk::Request& req) {
  if (disabled(req, settings_.enabled)) return PB_OK;
  ApiError error;
  auto body = hook_from_body(req.body(), error);
  if (!body) return fail(req, error);
  auto id = req.param("hook_id");
  if (!id || !is_valid_id(*id) || body->id != *id) return invalid_url_param(req, "hook_id");
  const OutgoingHook* old = hook_for(req);
  if (old == nullptr) return PB_OK;
  if (!body->team_id.empty() && body->team_id != old->team_id) {
    return req.respond_error(400, "api.webhook.team_mismatch.app_error",
                             "Unable to update webhook across teams.");
  }
  OutgoingHook updated = *old;
  updated.channel_id = body->channel_id;
  updated.display_name = body->display_name;
  updated.description = body->description;
  updated.trigger_words = body->trigger_words;
  updated.trigger_when = body->trigger_when;
  updated.callback_urls = body->callback_urls;
  updated.content_type = body->content_type;
  updated.username = body->username;
  updated.icon_url = body->icon_url;
  updated.creator_id = std::string(req.user_id());  // Mattermost: the updater becomes the creator
  if (auto e = check_channel(updated, true)) return fail(req, *e);
  if (updated.channel_id.empty() && updated.trigger_words.empty()) {
    return req.respond_error(500, "api.webhook.create_outgoing.triggers.app_error",
                             "Either trigger_words or channel_id must be set.");
  }
  for (const OutgoingHook* other : index_.of_team(updated.team_id)) {
    if (other->id != updated.id && intersects(*other, updated)) {
      return req.respond_error(400, "api.webhook.create_outgoing.intersect.app_error",
                               "Outgoing webhooks from the same channel cannot have the same "
                               "trigger words/callback URLs.");
    }
  }
  updated.update_at = std::max(now_ms(), old->update_at + 1);
  if (auto e = validate(updated)) return fail(req, *e);
  return save_and_answer(req, std::move(updated), 200);
}

int OutgoingWebhooksPlugin::delete_hook(const sdk::Request& req) {
  if (disabled(req, settings_.enabled)) return PB_OK;
  const OutgoingHook* hook = hook_for(req);
  if (hook == nullptr) return PB_OK;
  std::string id = hook->id;
  int rc = host().kv_delete("h/" + id, [this, req, id](int done) {
    if (done != PB_OK) {
      req.respond_error(500, "app.webhooks.delete_outgoing.app_error",
                        "Unable to delete the webhook.");
      return;
    }
    index_.erase(id);
    req.respond_json(200, R"({"status":"OK"})");
  });
  if (rc != PB_OK) {
    return req.respond_error(500, "app.webhooks.delete_outgoing.app_error",
                             "Unable to delete the webhook.");
  }
  return PB_OK;
}

int OutgoingWebhooksPlugin::regen_token(const sdk::Request& req) {
  if (disabled(req, settings_.enabled)) return PB_OK;
  const OutgoingHook* hook = hook_for(req);
  if (hook == nullptr) return PB_OK;
  OutgoingHook updated = *hook;
  updated.token = sdk::new_id();
  updated.update_at = std::max(now_ms(), hook->update_at + 1);
  return save_and_answer(req, std::move(updated), 200);
}

int OutgoingWebhooksPlugin::metrics(const sdk::Request& req) {
  if (!has_role(req.roles(), "system_admin")) return forbidden(req);
  std::string out = "{\"enabled\":";
  out += settings_.enabled ? "true" : "false";
  out += ",\"hooks\":" + std::to_string(index_.size());
  out += ",\"staged_posts\":" + std::to_string(staged_.size());
  out += ",\"replies_posted\":" + std::to_string(replies_posted_);
  out += ",\"reply_errors\":" + std::to_string(reply_errors_);
  out += ",\"deliveries\":" + dispatcher_->metrics_json() + "}";
  return req.respond_json(200, out);
}

}  // namespace pb::outgoing
