// Bot accounts (wire spec §7.6): POST/GET /bots, GET/PUT /bots/{bot_user_id},
// POST /bots/{bot_user_id}/disable|enable. A bot is a user with PB_USER_IS_BOT created through
// host->user_create; its record {user_id, username, display_name, description, owner_id,
// create_at, update_at, delete_at} is "bot/<user id>" in this plugin's kv, staged by our own
// user.will_be_created interceptor so the user and its record commit in one transaction.
// Only system admins create and manage bots here (Mattermost's create_bot / manage_others_bots
// belong to system_admin by default); an owner may read and manage their own bots.
#include <rapidjson/document.h>

#include <patchbay/json_guard.hpp>
#include <patchbay/request_values.hpp>

#include <algorithm>

#include "plugins/auth/auth_plugin.h"
#include "plugins/auth/query.h"

namespace pb::auth {
namespace {

constexpr size_t kMaxBotDescriptionRunes = 1024;

std::string bot_key(std::string_view user_id) { return "bot/" + std::string(user_id); }

size_t runes(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
std::string lower_ascii(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return s;
}

int forbidden(const sdk::Request& req) {
  return req.respond_error(403, "api.context.permissions.app_error",
                           "You do not have the appropriate permissions.");
}
int bot_not_found(const sdk::Request& req) {
  return req.respond_error(404, "store.sql_bot.get.missing.app_error", "Bot does not exist.");
}
bool is_admin(const sdk::Request& req) { return sdk::has_role(req.roles(), "system_admin"); }

}  // namespace

std::string Bot::to_json() const {
  std::string out = "{\"user_id\":" + sdk::json_string(user_id);
  out += ",\"username\":" + sdk::json_string(username);
  if (!display_name.empty()) out += ",\"display_name\":" + sdk::json_string(display_name);
  if (!description.empty()) out += ",\"description\":" + sdk::json_string(description);
  out += ",\"owner_id\":" + sdk::json_string(owner_id);
  out += ",\"create_at\":" + std::to_string(create_at);
  out += ",\"update_at\":" + std::to_string(update_at);
  out += ",\"delete_at\":" + std::to_string(delete_at) + "}";
  return out;
}

bool Bot::from_json(std::string_view json, Bot& out) {
  // Our own flat records; the guard keeps a damaged one from overflowing the recursive parser.
  if (sdk::json_too_deep_at(json, 4) != std::string_view::npos) return false;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto str = [&](const char* k, std::string& dst, bool required) {
    auto it = doc.FindMember(k);
    if (it == doc.MemberEnd() || !it->value.IsString()) return !required;
    dst.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto num = [&](const char* k, int64_t& dst) {
    auto it = doc.FindMember(k);
    if (it == doc.MemberEnd() || !it->value.IsInt64()) return false;
    dst = it->value.GetInt64();
    return true;
  };
  return str("user_id", out.user_id, true) && str("username", out.username, true) &&
         str("display_name", out.display_name, false) &&
         str("description", out.description, false) && str("owner_id", out.owner_id, true) &&
         num("create_at", out.create_at) && num("update_at", out.update_at) &&
         num("delete_at", out.delete_at);
}

std::optional<Bot> AuthPlugin::load_bot(std::string_view user_id) {
  auto stored = host().kv_get(bot_key(user_id));
  Bot bot;
  if (!stored || !Bot::from_json(*stored, bot)) return std::nullopt;
  return bot;
}

// From on_user_will_be_created: a bot our POST /bots is creating gets its record staged with it.
void AuthPlugin::stage_bot_record(sdk::Intercept turn, const pb_user_v1& user) {
  auto it = pending_bots_.find(std::string(sdk::to_sv(user.username)));
  if (it == pending_bots_.end()) return;  // a bot made by someone else through user_create
  Bot bot = it->second;
  bot.user_id = std::string(sdk::to_sv(user.id));
  bot.username = std::string(sdk::to_sv(user.username));
  bot.create_at = user.create_at;
  bot.update_at = user.update_at;
  host().api()->intercept_stage_kv_put(turn.raw(), sdk::to_pb(bot_key(bot.user_id)),
                                       sdk::to_pb(bot.to_json()));
}

// POST /api/v4/bots {username, display_name, description} -> 201 + bot.
int AuthPlugin::handle_create_bot(sdk::Request req) {
  if (!settings_.enable_bot_account_creation) {
    return req.respond_error(403, "api.bot.create_disabled", "Bot creation has been disabled.");
  }
  if (!is_admin(req)) return forbidden(req);
  auto caller = find_user(PB_USER_BY_ID, req.user_id());
  if (caller && caller->is_bot()) return forbidden(req);  // bots cannot create bots
  auto body = JsonFields::parse(req.body());
  if (!body) {
    return req.respond_error(400, "api.context.invalid_body_param.app_error",
                             "Invalid or missing bot in request body.");
  }
  Bot draft;
  draft.username = lower_ascii(body->get("username"));
  draft.display_name = body->get("display_name");
  draft.description = body->get("description");
  draft.owner_id = std::string(req.user_id());
  if (runes(draft.description) > kMaxBotDescriptionRunes) {
    return req.respond_error(400, "model.bot.is_valid.description.app_error",
                             "Invalid description.");
  }
  if (pending_bots_.count(draft.username) != 0) {
    return req.respond_error(400, "app.user.save.username_exists.app_error",
                             "An account with that username already exists.");
  }

  // As Mattermost's UserFromBot: email <username>@localhost, first name = display name.
  const std::string email = draft.username + "@localhost";
  pb_user_v1 user{};
  user.struct_size = sizeof user;
  user.username = sdk::to_pb(draft.username);
  user.email = sdk::to_pb(email);
  user.first_name = sdk::to_pb(draft.display_name);
  user.roles = sdk::to_pb(std::string_view("system_user"));
  user.password = pb_str{"", 0};
  user.flags = PB_USER_IS_BOT;

  struct Pending {
    AuthPlugin* self;
    sdk::Request req;
    std::string username;
  };
  auto* pending = new Pending{this, req, draft.username};
  auto done = [](void* arg, int status, int http_status, pb_str error_id, pb_str message,
                 const pb_user_v1* created) {
    std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
    auto it = p->self->pending_bots_.find(p->username);
    Bot bot = it != p->self->pending_bots_.end() ? it->second : Bot{};
    if (it != p->self->pending_bots_.end()) p->self->pending_bots_.erase(it);
    if (status != PB_OK || created == nullptr) {
      if (http_status < 400) http_status = status == PB_E_CANCELED ? 503 : 500;
      p->req.respond_error(http_status, sdk::to_sv(error_id), sdk::to_sv(message));
      return;
    }
    bot.user_id = std::string(sdk::to_sv(created->id));
    bot.username = std::string(sdk::to_sv(created->username));
    bot.create_at = created->create_at;
    bot.update_at = created->update_at;
    p->req.respond_json(201, bot.to_json());
  };
  pending_bots_.emplace(draft.username, draft);
  int rc = host().api()->user_create(host().self(), &user, done, pending);
  if (rc != PB_OK) {
    pending_bots_.erase(draft.username);
    delete pending;
    return req.respond_error(rc == PB_E_STATE ? 503 : 500, "api.bot.create.app_error",
                             "The bot could not be created.");
  }
  return PB_OK;
}

// GET /api/v4/bots (page, per_page, include_deleted): by username; an admin sees every bot,
// others the bots they own.
int AuthPlugin::handle_list_bots(sdk::Request req) {
  const bool include_deleted = query_flag(req.query(), "include_deleted");
  const bool admin = is_admin(req);
  std::vector<Bot> bots;
  host().kv_list("bot/", [&](std::string_view, std::string_view value) {
    Bot bot;
    if (Bot::from_json(value, bot) && (include_deleted || bot.delete_at == 0) &&
        (admin || bot.owner_id == req.user_id())) {
      bots.push_back(std::move(bot));
    }
    return false;
  });
  std::sort(bots.begin(), bots.end(),
            [](const Bot& a, const Bot& b) { return a.username < b.username; });
  Paging paging = read_paging(req.query());
  std::string out = "[";
  for (size_t i = paging.offset(); i < bots.size() && i < paging.offset() + paging.per_page; ++i) {
    if (out.size() > 1) out += ',';
    out += bots[i].to_json();
  }
  out += ']';
  return req.respond_json(200, out);
}

// The bot of the {bot_user_id} parameter if the caller may manage it; answers the request
// (404/403) and returns nullopt otherwise.
std::optional<Bot> AuthPlugin::bot_for(const sdk::Request& req, bool include_deleted) {
  auto id = req.param("bot_user_id");
  std::optional<Bot> bot = id ? load_bot(*id) : std::nullopt;
  if (!bot || (!include_deleted && bot->delete_at != 0)) {
    bot_not_found(req);
    return std::nullopt;
  }
  if (!is_admin(req) && bot->owner_id != req.user_id()) {
    forbidden(req);
    return std::nullopt;
  }
  return bot;
}

int AuthPlugin::handle_get_bot(sdk::Request req) {
  auto bot = bot_for(req, query_flag(req.query(), "include_deleted"));
  if (bot) req.respond_json(200, bot->to_json());
  return PB_OK;
}

void AuthPlugin::save_bot(const sdk::Request& req, const Bot& bot) {
  int rc = host().kv_put(bot_key(bot.user_id), bot.to_json(), [req, bot](int status) {
    if (status == PB_OK) {
      req.respond_json(200, bot.to_json());
    } else {
      req.respond_error(500, "app.bot.patchbot.internal_error", "Unable to update the bot.");
    }
  });
  if (rc != PB_OK) {
    req.respond_error(503, "app.bot.patchbot.internal_error", "The server is shutting down.");
  }
}

// PUT /api/v4/bots/{bot_user_id} {username?, display_name?, description?}
int AuthPlugin::handle_update_bot(sdk::Request req) {
  auto body = JsonFields::parse(req.body());
  if (!body) {
    return req.respond_error(400, "api.context.invalid_body_param.app_error",
                             "Invalid or missing bot in request body.");
  }
  auto bot = bot_for(req, true);
  if (!bot) return PB_OK;
  if (body->has_string("username") && lower_ascii(body->get("username")) != bot->username) {
    // Renaming needs the user renamed with it, which the host API (ABI 1.1) cannot do yet.
    return req.respond_error(501, "api.bot.update.username_change_unsupported",
                             "Changing a bot's username is not supported yet.");
  }
  if (body->has_string("display_name")) bot->display_name = body->get("display_name");
  if (body->has_string("description")) bot->description = body->get("description");
  if (runes(bot->description) > kMaxBotDescriptionRunes) {
    return req.respond_error(400, "model.bot.is_valid.description.app_error",
                             "Invalid description.");
  }
  bot->update_at = now_ms();
  save_bot(req, *bot);
  return PB_OK;
}

// POST /api/v4/bots/{bot_user_id}/disable|enable: the user (de)activated durably, then the
// record. A disabled bot's tokens stop working at once (auth.check needs an active user).
int AuthPlugin::set_bot_active(sdk::Request req, bool active) {
  auto bot = bot_for(req, true);
  if (!bot) return PB_OK;
  struct Pending {
    AuthPlugin* self;
    sdk::Request req;
    Bot bot;
    bool active;
  };
  auto* pending = new Pending{this, req, *bot, active};
  auto done = [](void* arg, int status) {
    std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
    if (status != PB_OK) {
      p->req.respond_error(status == PB_E_NOT_FOUND ? 404 : 500, "app.bot.update.app_error",
                           "Unable to update the bot's user.");
      return;
    }
    const int64_t now = p->self->now_ms();
    p->bot.delete_at = p->active ? 0 : now;
    p->bot.update_at = now;
    p->self->save_bot(p->req, p->bot);
  };
  int rc = host().api()->user_set_active(host().self(), sdk::to_pb(bot->user_id), active ? 1 : 0,
                                         done, pending);
  if (rc != PB_OK) {
    delete pending;
    return req.respond_error(503, "app.bot.update.app_error", "The server is shutting down.");
  }
  return PB_OK;
}

}  // namespace pb::auth
