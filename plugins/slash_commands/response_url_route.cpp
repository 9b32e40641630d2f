// POST /hooks/commands/{id}: delayed answers through a response_url (wire spec §5.6), and the
// records behind them.
#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/slash_plugin.h"

namespace pb::slash {

std::string SlashCommandsPlugin::response_url_base(const sdk::Request& req) const {
  if (!settings_.site_url.empty()) return settings_.site_url;
  // No SiteURL: derived from the request, as Mattermost v5 does (decisions: [v5] behaviour
  // rather than [new]'s 400, so a fresh server works without configuration).
  std::string base = "http://";
  base += req.header("Host").value_or("localhost");
  return base;
}

void SlashCommandsPlugin::load_response_urls() {
  int64_t now = now_ms();
  std::vector<std::string> stale;
  host().kv_list(kResponseUrlPrefix, [&](std::string_view key, std::string_view value) {
    auto record = response_url_from_record(value);
    if (!record || key.substr(kResponseUrlPrefix.size()) != record->id ||
        now - record->create_at > kResponseUrlLifetimeMs) {
      stale.emplace_back(key);
    } else {
      response_urls_.add(std::move(*record));
    }
    return false;
  });
  // Expired and damaged records are deleted after the listing (not while it runs).
  for (const std::string& key : stale) host().kv_delete(key, [](int) {});
}

void SlashCommandsPlugin::sweep_response_urls() {
  for (const std::string& id : response_urls_.expire(now_ms())) {
    host().kv_delete(std::string(kResponseUrlPrefix) + id, [](int) {});
  }
}

int SlashCommandsPlugin::command_webhook(const sdk::Request& req) {
  auto id = req.param("id");
  if (!id || !is_valid_id(*id)) {
    return req.respond_error(404, "app.command_webhook.get.missing",
                             "Unable to find the webhook.");
  }
  ParsedResponse parsed =
      parse_command_response(req.header("Content-Type").value_or(""), req.body());
  if (!parsed.ok) {
    return req.respond_error(400, "web.command_webhook.parse.app_error",
                             "Unable to parse incoming data.", parsed.error);
  }
  ResponseUrlRecord record;
  switch (response_urls_.try_use(*id, now_ms(), &record)) {
    case ResponseUrls::Use::kMissing:
      return req.respond_error(404, "app.command_webhook.get.missing",
                               "Unable to find the webhook.");
    case ResponseUrls::Use::kUsedUp:
      return req.respond_error(400, "app.command_webhook.try_use.invalid",
                               "Invalid webhook.");
    case ResponseUrls::Use::kOk:
      break;
  }
  // The use count is durable before the answer; the post follows.
  auto inv = std::make_shared<Invocation>();
  inv->user_id = record.user_id;
  inv->channel_id = record.channel_id;
  inv->root_id = record.root_id;
  inv->team_id = record.team_id;
  inv->custom = true;
  inv->command_username = record.command_username;
  inv->command_icon_url = record.command_icon_url;
  auto response = std::make_shared<CommandResponse>(std::move(parsed.response));
  int rc = host().kv_put(std::string(kResponseUrlPrefix) + record.id, to_json(record),
                         [this, req, inv, response](int status) {
                           if (status != PB_OK) {
                             req.respond_error(500, "app.command_webhook.try_use.app_error",
                                               "Unable to use the webhook.");
                             return;
                           }
                           post_responses(response, inv, [req](std::optional<ApiError> error) {
                             if (error) {
                               fail(req, *error);
                               return;
                             }
                             req.respond(200, "text/plain", "ok");
                           });
                         });
  if (rc != PB_OK) {
    return req.respond_error(500, "app.command_webhook.try_use.app_error",
                             "Unable to use the webhook.");
  }
  return PB_OK;
}

}  // namespace pb::slash
