// GET /api/v4/teams/{team_id}/commands/autocomplete_suggestions (autocomplete_suggestions.h):
// the same commands as the autocomplete list — plugin commands with their trees, the team's
// custom commands and the built-ins — sorted by trigger as Mattermost sorts them.
//
// DynamicList arguments: the suggestion engine is pure and synchronous, so a walk that meets a
// DynamicList whose items are not known yet records the URL to fetch (dynamic_list.h) and goes
// on as after a failed fetch. When a walk recorded new URLs, they are fetched at once (host
// http_fetch: the SSRF guard, a short timeout, a small body cap) and the walk runs again with
// the answers; a walk that needs nothing new is the answer. Each round adds a URL and a request
// fetches at most kMaxDynamicFetches, so the rounds end. A failed fetch, a non-200 answer or a
// body that is not a list of items gives that argument no suggestions, never an error.
// The commands are looked up again on every round: a plugin may unregister one meanwhile.
#include <algorithm>
#include <memory>

#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/builtin_commands.h"
#include "plugins/slash_commands/dynamic_list.h"
#include "plugins/slash_commands/json_text.h"
#include "plugins/slash_commands/slash_plugin.h"

namespace pb::slash {
namespace {

constexpr size_t kMaxDynamicFetches = 4;
constexpr uint32_t kDynamicFetchTimeoutMs = 2000;
constexpr size_t kMaxDynamicAnswerBytes = 64 * 1024;
// Longer typed text is no command line: answered with no suggestions.
constexpr size_t kMaxUserInputBytes = 4096;

// A query value, decoded, or "" when absent or malformed.
std::string decoded_query(const sdk::Request& req, std::string_view key) {
  auto raw = query_value(req.query(), key);
  if (!raw) return {};
  return percent_decode(*raw).value_or(std::string());
}

}  // namespace

// One autocomplete_suggestions request across its fetch rounds.
struct AutocompleteRun {
  struct Fetch {
    std::string url;
    std::optional<std::vector<AutocompleteListItem>> items;  // nullopt: pending or failed
  };
  std::string team_id;
  std::string typed;  // the user input without its '/'
  bool admin = false;
  // What the DynamicList URLs are told (dynamic_list.h), owned for the run's life.
  std::string request_id, session_id, accept_language, user_agent, channel_id, root_id, user_id,
      site_url;
  std::vector<Fetch> fetches;  // reserved to kMaxDynamicFetches: pointers into it stay valid
  size_t outstanding = 0;
};

int SlashCommandsPlugin::autocomplete_suggestions(const sdk::Request& req) {
  auto team_id = req.param("team_id");
  if (!team_id || !is_valid_id(*team_id)) return invalid_url_param(req, "team_id");
  bool admin = has_role(req.roles(), "system_admin");
  if (!admin && !is_team_member(req, *team_id)) return forbidden(req);
  auto raw_input = query_value(req.query(), "user_input");
  std::optional<std::string> decoded = raw_input ? percent_decode(*raw_input) : std::nullopt;
  if (!decoded || decoded->empty()) return invalid_url_param(req, "userInput");
  if (decoded->size() > kMaxUserInputBytes) return req.respond_json(200, "[]");

  auto run = std::make_shared<AutocompleteRun>();
  run->team_id.assign(*team_id);
  // Any bytes may be escaped in the query; the answer is JSON, so as Go's encoder would.
  std::string_view typed(*decoded);
  if (typed.starts_with('/')) typed.remove_prefix(1);
  append_valid_utf8(run->typed, typed);
  run->admin = admin;
  run->request_id.assign(req.request_id());
  run->session_id.assign(req.session_id());
  run->user_id.assign(req.user_id());
  run->accept_language.assign(req.header("Accept-Language").value_or(""));
  run->user_agent.assign(req.header("User-Agent").value_or(""));
  run->channel_id = decoded_query(req, "channel_id");
  if (!is_valid_id(run->channel_id)) run->channel_id.clear();
  run->root_id = decoded_query(req, "root_id");
  if (!is_valid_id(run->root_id)) run->root_id.clear();
  run->site_url = response_url_base(req);
  run->fetches.reserve(kMaxDynamicFetches);
  suggestion_round(req, std::move(run));
  return PB_OK;
}

void SlashCommandsPlugin::suggestion_round(const sdk::Request& req,
                                           std::shared_ptr<AutocompleteRun> run) {
  std::vector<AutocompleteNode> simple;  // custom commands and built-ins: one node each
  std::vector<const AutocompleteNode*> nodes;
  for (const PluginCommand* c : plugin_commands_.of_team(run->team_id)) {
    if (c->auto_complete) nodes.push_back(&c->autocomplete);
  }
  std::vector<const Command*> custom;
  if (settings_.enabled) custom = index_.of_team(run->team_id);
  simple.reserve(custom.size() + kImplementedBuiltins.size());
  for (const Command* c : custom) {
    if (c->auto_complete) simple.push_back(leaf_node(c->trigger, c->auto_complete_hint, c->auto_complete_desc));
  }
  for (const BuiltinCommand& b : kImplementedBuiltins) {
    simple.push_back(leaf_node(b.trigger, b.hint, b.description));
  }
  for (const AutocompleteNode& n : simple) nodes.push_back(&n);
  std::stable_sort(nodes.begin(), nodes.end(), [](const AutocompleteNode* a, const AutocompleteNode* b) {
    return a->trigger < b->trigger;
  });

  const size_t known = run->fetches.size();
  DynamicItemsFn dynamic = [&run](const AutocompleteNode&, const AutocompleteArgument& arg,
                                  std::string_view parsed, std::string_view to_be_parsed)
      -> const std::vector<AutocompleteListItem>* {
    std::string user_input;
    user_input.reserve(parsed.size() + to_be_parsed.size());
    user_input.append(parsed).append(to_be_parsed);
    DynamicListQuery q{user_input,     parsed,          run->request_id, run->session_id,
                       "",             run->accept_language, run->user_agent, run->channel_id,
                       run->team_id,   run->root_id,    run->user_id,    run->site_url};
    std::optional<std::string> url = dynamic_list_url(arg.fetch_url, q);
    if (!url) return nullptr;
    for (const AutocompleteRun::Fetch& f : run->fetches) {
      if (f.url == *url) return f.items ? &*f.items : nullptr;
    }
    if (run->fetches.size() < kMaxDynamicFetches) run->fetches.push_back({std::move(*url), {}});
    return nullptr;
  };
  std::vector<Suggestion> suggestions = suggest(nodes, run->typed, run->admin, dynamic);
  if (run->fetches.size() == known) {
    req.respond_json(200, suggestions_to_json(suggestions));
    return;
  }

  run->outstanding = run->fetches.size() - known;
  for (size_t i = known; i < run->fetches.size(); ++i) {
    sdk::FetchRequest fetch;
    fetch.url = run->fetches[i].url;
    fetch.headers.push_back(sdk::http_header("Accept", "application/json"));
    fetch.headers.push_back(sdk::http_header("Mattermost-User-Id", run->user_id));
    fetch.timeout_ms = kDynamicFetchTimeoutMs;
    fetch.max_response_bytes = kMaxDynamicAnswerBytes;
    int rc = host().http_fetch(fetch, [this, req, run, i](int status,
                                                          const sdk::FetchResponse* response,
                                                          std::string_view detail) {
      if (status == PB_OK && response != nullptr && response->status() == 200) {
        run->fetches[i].items = list_items_from_json(response->body());
      }
      if (!run->fetches[i].items) {
        host().debug("autocomplete: no items from " + run->fetches[i].url + ": " +
                    (status != PB_OK ? std::string(detail)
                     : response == nullptr ? std::string("no response")
                     : response->status() != 200 ? "status " + std::to_string(response->status())
                                                  : std::string("not a list of items")));
      }
      if (--run->outstanding == 0) suggestion_round(req, run);
    });
    if (rc != PB_OK) {
      host().debug("autocomplete: " + run->fetches[i].url + " not fetched: " +
                  std::string(host().status_name(rc)));
      --run->outstanding;
    }
  }
  // Every fetch refused at once: walk again, now with those failures known.
  if (run->outstanding == 0) suggestion_round(req, run);
}

}  // namespace pb::slash
