// The incoming-webhook management API (wire spec §3.2), all behind auth.check:
//   POST   /api/v4/hooks/incoming                           create, 201
//   GET    /api/v4/hooks/incoming?team_id&page&per_page&include_total_count
//   GET    /api/v4/hooks/incoming/{hook_id}
//   PUT    /api/v4/hooks/incoming/{hook_id}                 update (full replace), 201
//   DELETE /api/v4/hooks/incoming/{hook_id}                 soft delete, {"status":"OK"}
//   POST   /api/v4/hooks/incoming/{hook_id}/move/{user_id}  new owner
//
// Permissions come from the caller's roles: system_admin may do everything; a team_admin of the
// hook's team (team_member_roles) manages every hook of that team; anyone else gets 403
// api.context.permissions.app_error (Mattermost's default roles: plain team_user lacks
// manage_incoming_webhooks). A private channel must also be readable by the caller.
//
// Issue 8: the hook's translator, translator_variables, signature, signature_header and
// signature_secret (write-only: answers say only signature_secret_set). A translator name is
// checked with the translators plugin's describe op before the hook is saved.
//
// Threading: loop thread. Writes answer once they are durable.
#pragma once

#include <string_view>

#include <patchbay/plugin.hpp>

#include "plugins/incoming_webhooks/chat.h"
#include "plugins/incoming_webhooks/hook_store.h"
#include "plugins/incoming_webhooks/secret_box.h"
#include "plugins/incoming_webhooks/settings.h"
#include "plugins/incoming_webhooks/translator_bus.h"

namespace pb::incoming_webhooks {

class ManagementApi {
 public:
  ManagementApi(sdk::Host& host, HookStore& store, Chat& chat, const WebhookSettings& settings,
                const SecretBox& box, TranslatorBus& translators)
      : host_(host),
        store_(store),
        chat_(chat),
        settings_(settings),
        box_(box),
        translators_(translators) {}

  // Registers the routes (init only). Returns the first failing route_add status.
  int register_routes();

 private:
  int create(const sdk::Request& request);
  int list(const sdk::Request& request);
  int get(const sdk::Request& request);
  int update(const sdk::Request& request);
  int remove(const sdk::Request& request);
  int move(const sdk::Request& request);

  // nullopt when the caller may manage hooks of `team_id`, else the error to answer.
  std::optional<ApiError> check_team_access(const sdk::Request& request,
                                            std::string_view team_id) const;
  // check_team_access plus, for a channel that is not open, read access to it.
  std::optional<ApiError> check_channel_access(const sdk::Request& request,
                                               const Channel& channel) const;
  // The live hook named by the {hook_id} parameter, after the access checks; else the error.
  std::variant<std::shared_ptr<const IncomingHook>, ApiError> authorized_hook(const sdk::Request& request) const;
  // A hook with a translator: asks the translators plugin whether it has it (400 unknown, 501 no
  // translators plugin), then save_and_answer.
  int check_and_save(const sdk::Request& request, const IncomingHook& hook, int status);
  // Durably saves `hook` and answers `status` with its JSON (or the store's error).
  int save_and_answer(const sdk::Request& request, const IncomingHook& hook, int status);

  sdk::Host& host_;
  HookStore& store_;
  Chat& chat_;
  const WebhookSettings& settings_;
  const SecretBox& box_;
  TranslatorBus& translators_;
};

}  // namespace pb::incoming_webhooks
