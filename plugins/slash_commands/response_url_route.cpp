// POST /hooks/commands/{id}: delayed answers through a response_url (wire spec §5.6), and the
// records behind them.
#include <algorithm>

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
  auto live = [now](const ResponseUrlRecord& r) {
    return now - r.create_at <= kResponseUrlLifetimeMs;
  };
  std::vector<std::string> stale;
  // Batches first (in key order = time order), then the records stored alone: a used record's
  // own key is written at every use, so it replaces its copy in a batch.
  host().kv_list(kResponseUrlBatchPrefix, [&](std::string_view key, std::string_view value) {
    auto batch = response_url_batch_from_record(value);
    int64_t newest = 0;
    bool any_live = false;
    if (batch) {
      for (ResponseUrlRecord& record : *batch) {
        if (!live(record)) continue;
        newest = any_live ? std::max(newest, record.create_at) : record.create_at;
        any_live = true;
        response_urls_.add(std::move(record));
      }
    }
    if (!any_live) {
      stale.emplace_back(key);  // damaged, or every record in it expired
    } else {
      response_urls_.add_batch(std::string(key), newest);
    }
    return false;
  });
  host().kv_list(kResponseUrlPrefix, [&](std::string_view key, std::string_view value) {
    auto record = response_url_from_record(value);
    if (!record || key.substr(kResponseUrlPrefix.size()) != record->id || !live(*record)) {
      stale.emplace_back(key);
    } else {
      record->stored_alone = true;
      response_urls_.add(std::move(*record));
    }
    return false;
  });
  // Expired and damaged records are deleted after the listing (not while it runs).
  for (const std::string& key : stale) host().kv_delete(key, [](int) {});
}

void SlashCommandsPlugin::add_response_url(ResponseUrlRecord record) {
  // In memory at once: the integration may answer through it before it is in the store.
  unwritten_response_urls_.push_back(record.id);
  response_urls_.add(std::move(record));
  if (unwritten_response_urls_.size() >= kMaxUnwrittenResponseUrls) {
    write_response_urls();
    return;
  }
  if (flush_scheduled_) return;
  flush_timer_ = host().timer_start(kResponseUrlFlushMs, 0, [this] {
    flush_scheduled_ = false;  // a fired one-shot timer is freed by the host
    write_response_urls();
  });
  flush_scheduled_ = static_cast<bool>(flush_timer_);
  if (!flush_scheduled_) write_response_urls();  // no timer: write at once rather than never
}

void SlashCommandsPlugin::write_response_urls() {
  if (flush_scheduled_) {
    host().timer_stop(flush_timer_);
    flush_scheduled_ = false;
  }
  // One value for the whole batch: the records as they are now (a use before this write is in
  // it; a record swept meanwhile is left out).
  // The buffer is the plugin's, kept between flushes (kv_put copies the value): no fresh
  // ~100 KB allocation and its page faults every 10 ms.
  std::string& batch = response_url_batch_;
  batch.clear();
  batch.reserve(unwritten_response_urls_.size() * 512);
  batch += '[';
  const std::string* first_id = nullptr;
  int64_t newest = 0;
  for (const std::string& id : unwritten_response_urls_) {
    const ResponseUrlRecord* record = response_urls_.find(id);
    if (record == nullptr) continue;
    if (first_id != nullptr) batch += ',';
    append_json(batch, *record);
    if (first_id == nullptr) first_id = &id;
    newest = std::max(newest, record->create_at);
  }
  batch += ']';
  if (first_id != nullptr) {
    std::string key = response_url_batch_key(now_ms(), *first_id);
    host().kv_put(key, batch, [this](int status) {
      if (status != PB_OK) {
        host().warn("response_urls not stored: " + std::string(host().status_name(status)));
      }
    });
    response_urls_.add_batch(std::move(key), newest);
  }
  unwritten_response_urls_.clear();
}

void SlashCommandsPlugin::sweep_response_urls() {
  ResponseUrls::Expired gone = response_urls_.expire(now_ms());
  for (const std::string& id : gone.alone_ids) {
    host().kv_delete(std::string(kResponseUrlPrefix) + id, [](int) {});
  }
  for (const std::string& key : gone.batch_keys) host().kv_delete(key, [](int) {});
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
