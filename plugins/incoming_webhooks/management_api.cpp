#include "plugins/incoming_webhooks/management_api.h"

#include <charconv>
#include <chrono>

#include <patchbay/request_values.hpp>

namespace pb::incoming_webhooks {
namespace {

using sdk::query_value;

constexpr std::string_view kCollection = "/api/v4/hooks/incoming";
constexpr std::string_view kItem = "/api/v4/hooks/incoming/{hook_id}";
constexpr std::string_view kMove = "/api/v4/hooks/incoming/{hook_id}/move/{user_id}";

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

ApiError disabled() {
  return {501, "api.incoming_webhook.disabled.app_error", "Incoming webhooks have been disabled by the system admin."};
}
ApiError hook_not_found() {
  return {404, "app.webhooks.get_incoming.app_error", "Unable to get the webhook."};
}
ApiError channel_not_found() {
  return {404, "app.channel.get.existing.app_error", "Unable to find the existing channel."};
}
ApiError user_not_found() {
  return {404, "app.user.missing_account.const", "Unable to find the user."};
}
ApiError invalid_username() {
  return {400, "api.incoming_webhook.invalid_username.app_error", "Invalid username."};
}

// Mattermost's paging (§1.4): bad or negative values fall back to the defaults.
int query_int(std::string_view query, std::string_view name, int fallback) {
  auto v = query_value(query, name);
  int out = 0;
  if (!v || v->empty()) return fallback;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || end != v->data() + v->size() || out < 0) return fallback;
  return out;
}

// Applies the override switches to the username/icon a client asked for (§3.1): with an
// override disabled the stored value is `keep` (create: "", update: the old value).
std::optional<ApiError> apply_overrides(IncomingHook& hook, const HookFields& f,
                                        const WebhookSettings& s, const IncomingHook* old) {
  if (s.enable_post_username_override) {
    hook.username = f.username.value_or("");
    if (!hook.username.empty() && !is_valid_username(hook.username)) return invalid_username();
  } else {
    hook.username = old ? old->username : "";
  }
  hook.icon_url = s.enable_post_icon_override ? f.icon_url.value_or("")
                                              : (old ? old->icon_url : "");
  return std::nullopt;
}

// Issue 8's fields from a create/update body. Translator, variables, signature preset and header
// are replaced like every other field (absent = ""); the secret, which no answer shows, is kept
// when the body leaves it out, dropped with the signature, and sealed again on every save.
void apply_integration_fields(IncomingHook& hook, const HookFields& f, const SecretBox& box,
                              const IncomingHook* old) {
  hook.translator = f.translator.value_or("");
  hook.translator_variables = f.translator_variables.value_or(Variables{});
  hook.signature = f.signature.value_or("");
  hook.signature_header = f.signature_header.value_or("");
  if (f.signature_secret) {
    hook.secret = *f.signature_secret;
  } else {
    hook.secret = old ? old->secret : "";
  }
  if (hook.signature.empty()) hook.secret.clear();
  hook.sealed_secret = hook.secret.empty() ? "" : box.seal(hook.secret);
}

}  // namespace

int ManagementApi::register_routes() {
  struct Entry {
    std::string_view method, pattern;
    int (ManagementApi::*fn)(const sdk::Request&);
  };
  const Entry entries[] = {{"POST", kCollection, &ManagementApi::create},
                           {"GET", kCollection, &ManagementApi::list},
                           {"GET", kItem, &ManagementApi::get},
                           {"PUT", kItem, &ManagementApi::update},
                           {"DELETE", kItem, &ManagementApi::remove},
                           {"POST", kMove, &ManagementApi::move}};
  for (const auto& e : entries) {
    auto fn = e.fn;
    int rc = host_.route(
        e.method, e.pattern,
        [this, fn](sdk::Request request) {
          if (!settings_.enable_incoming_webhooks) return respond(request, disabled());
          return (this->*fn)(request);
        },
        PB_ROUTE_AUTHENTICATED);
    if (rc != PB_OK) return rc;
  }
  return PB_OK;
}

std::optional<ApiError> ManagementApi::check_team_access(const sdk::Request& request,
                                                         std::string_view team_id) const {
  if (has_role(request.roles(), "system_admin")) return std::nullopt;
  auto roles = chat_.team_roles(team_id, request.user_id());
  if (roles && has_role(*roles, "team_admin")) return std::nullopt;
  return permission_denied();
}

std::optional<ApiError> ManagementApi::check_channel_access(const sdk::Request& request,
                                                            const Channel& channel) const {
  if (auto e = check_team_access(request, channel.team_id)) return e;
  if (channel.type != "O" && chat_.can_read(channel.id, request.user_id()) != 1) {
    return permission_denied();
  }
  return std::nullopt;
}

std::variant<std::shared_ptr<const IncomingHook>, ApiError> ManagementApi::authorized_hook(
    const sdk::Request& request) const {
  auto id = request.param("hook_id");
  if (!id || !is_valid_id(*id)) return invalid_url_param("hook_id");
  auto hook = store_.find(*id);
  if (hook == nullptr) return hook_not_found();
  if (auto e = check_team_access(request, hook->team_id)) return *e;
  return hook;
}

int ManagementApi::check_and_save(const sdk::Request& request, const IncomingHook& hook,
                                  int status) {
  if (hook.translator.empty()) return save_and_answer(request, hook, status);
  // A translator name must be installed now: refused at creation, not at the first webhook.
  int rc = translators_.describe(hook.translator, [this, request, hook, status](
                                                      std::optional<ApiError> error) {
    if (error) {
      respond(request, *error);
      return;
    }
    save_and_answer(request, hook, status);
  });
  if (rc != PB_OK) return respond(request, translator_unavailable());
  return PB_OK;
}

int ManagementApi::save_and_answer(const sdk::Request& request, const IncomingHook& hook,
                                   int status) {
  int rc = store_.save(hook, [this, request, hook, status](int done) {
    if (done != PB_OK) {
      host_.error(std::string("saving hook ") + hook.id + " failed: " +
                  std::string(host_.status_name(done)));
      respond(request, store_failed());
      return;
    }
    if (hook.delete_at != 0) {
      request.respond_json(200, R"({"status":"OK"})");
    } else {
      request.respond_json(status, hook_to_api_json(hook));
    }
  });
  if (rc != PB_OK) return respond(request, store_failed());
  return PB_OK;
}

int ManagementApi::create(const sdk::Request& request) {
  auto parsed = parse_hook_fields(request.body());
  if (auto* e = std::get_if<ApiError>(&parsed)) return respond(request, *e);
  const auto& f = std::get<HookFields>(parsed);
  if (!f.channel_id || !is_valid_id(*f.channel_id)) {
    return respond(request, {400, "model.incoming_hook.channel_id.app_error", "Invalid channel id."});
  }
  auto channel = chat_.channel(*f.channel_id);
  if (!channel || channel->delete_at != 0 || channel->team_id.empty()) {
    return respond(request, channel_not_found());
  }
  if (auto e = check_channel_access(request, *channel)) return respond(request, *e);

  IncomingHook hook;
  hook.user_id = std::string(request.user_id());
  if (f.user_id && !f.user_id->empty() && *f.user_id != hook.user_id) {
    // Creating for someone else needs manage_others, which every caller past the access check
    // has (system_admin, team_admin); the owner must exist.
    auto owner = is_valid_id(*f.user_id) ? chat_.user_by_id(*f.user_id) : std::nullopt;
    if (!owner || owner->delete_at != 0) return respond(request, user_not_found());
    hook.user_id = owner->id;
  }
  hook.id = new_id();
  hook.create_at = hook.update_at = now_ms();
  hook.channel_id = channel->id;
  hook.team_id = channel->team_id;
  hook.display_name = f.display_name.value_or("");
  hook.description = f.description.value_or("");
  hook.channel_locked = f.channel_locked.value_or(false);
  if (auto e = apply_overrides(hook, f, settings_, nullptr)) return respond(request, *e);
  apply_integration_fields(hook, f, box_, nullptr);
  if (auto e = validate_hook(hook)) return respond(request, *e);
  return check_and_save(request, hook, 201);
}

int ManagementApi::list(const sdk::Request& request) {
  std::string_view query = request.query();
  auto team_id = query_value(query, "team_id");
  if (team_id && !team_id->empty()) {
    if (!is_valid_id(*team_id)) return respond(request, invalid_url_param("team_id"));
    if (auto e = check_team_access(request, *team_id)) return respond(request, *e);
  } else if (!has_role(request.roles(), "system_admin")) {
    // Every team's hooks: a system-wide permission, which only system admins hold.
    return respond(request, permission_denied());
  }
  int page = query_int(query, "page", 0);
  int per_page = std::min(query_int(query, "per_page", 60), 200);
  std::string team(team_id.value_or(""));
  auto hooks = store_.select(
      [&](const IncomingHook& h) { return team.empty() || h.team_id == team; });

  std::string out;
  bool with_total = query_value(query, "include_total_count") == std::string_view("true");
  if (with_total) out += R"({"incoming_webhooks":)";
  out += '[';
  size_t first = static_cast<size_t>(page) * static_cast<size_t>(per_page);
  for (size_t i = first; i < hooks.size() && i < first + static_cast<size_t>(per_page); ++i) {
    if (i != first) out += ',';
    append_hook_api_json(out, *hooks[i]);
  }
  out += ']';
  if (with_total) out += R"(,"total_count":)" + std::to_string(hooks.size()) + '}';
  return request.respond_json(200, out);
}

int ManagementApi::get(const sdk::Request& request) {
  auto found = authorized_hook(request);
  if (auto* e = std::get_if<ApiError>(&found)) return respond(request, *e);
  return request.respond_json(200, hook_to_api_json(*std::get<std::shared_ptr<const IncomingHook>>(found)));
}

int ManagementApi::update(const sdk::Request& request) {
  auto found = authorized_hook(request);
  if (auto* e = std::get_if<ApiError>(&found)) return respond(request, *e);
  const IncomingHook& old = *std::get<std::shared_ptr<const IncomingHook>>(found);
  auto parsed = parse_hook_fields(request.body());
  if (auto* e = std::get_if<ApiError>(&parsed)) return respond(request, *e);
  const auto& f = std::get<HookFields>(parsed);
  if (f.id.value_or("") != old.id) return respond(request, invalid_param("hook_id"));
  if (f.team_id && !f.team_id->empty() && *f.team_id != old.team_id) {
    return respond(request, {400, "api.webhook.team_mismatch.app_error",
                             "Cannot update the webhook's team."});
  }
  // Mattermost replaces the hook with the body: an absent channel_id is an unknown channel.
  auto channel = f.channel_id && is_valid_id(*f.channel_id) ? chat_.channel(*f.channel_id)
                                                            : std::nullopt;
  if (!channel || channel->delete_at != 0) return respond(request, channel_not_found());
  if (channel->team_id != old.team_id) return respond(request, invalid_param("channel_id"));
  if (auto e = check_channel_access(request, *channel)) return respond(request, *e);

  IncomingHook hook = old;
  hook.channel_id = channel->id;
  hook.display_name = f.display_name.value_or("");
  hook.description = f.description.value_or("");
  hook.channel_locked = f.channel_locked.value_or(false);
  hook.update_at = std::max(now_ms(), old.update_at + 1);
  if (auto e = apply_overrides(hook, f, settings_, &old)) return respond(request, *e);
  apply_integration_fields(hook, f, box_, &old);
  if (auto e = validate_hook(hook)) return respond(request, *e);
  return check_and_save(request, hook, 201);
}

int ManagementApi::remove(const sdk::Request& request) {
  auto found = authorized_hook(request);
  if (auto* e = std::get_if<ApiError>(&found)) return respond(request, *e);
  IncomingHook hook = *std::get<std::shared_ptr<const IncomingHook>>(found);
  hook.delete_at = hook.update_at = std::max(now_ms(), hook.update_at + 1);
  return save_and_answer(request, hook, 200);
}

int ManagementApi::move(const sdk::Request& request) {
  auto found = authorized_hook(request);
  if (auto* e = std::get_if<ApiError>(&found)) return respond(request, *e);
  auto user_id = request.param("user_id");
  if (!user_id || !is_valid_id(*user_id)) return respond(request, invalid_url_param("user_id"));
  auto owner = chat_.user_by_id(*user_id);
  if (!owner || owner->delete_at != 0) return respond(request, user_not_found());
  IncomingHook hook = *std::get<std::shared_ptr<const IncomingHook>>(found);
  hook.user_id = owner->id;
  hook.update_at = std::max(now_ms(), hook.update_at + 1);
  return save_and_answer(request, hook, 200);
}

}  // namespace pb::incoming_webhooks
