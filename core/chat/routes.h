// The chat model's REST routes (Mattermost API v4: users, teams, channels, posts), registered as
// core routes. register_chat() creates the App's ChatService, installs it as the App's
// UserDirectory (host API user_get / user_create / user_set_active) and adds every route.
// Call it once per App, after the store is open and before plugins are loaded.
//
// Threading: loop thread.
#pragma once

namespace pb::server {
class App;
}

namespace pb::chat {

class ChatService;

void register_chat(server::App& app);

// One function per resource; each adds its routes with the service as the handlers' context.
void add_user_routes(server::App& app, ChatService& service);
void add_team_routes(server::App& app, ChatService& service);
void add_channel_routes(server::App& app, ChatService& service);
void add_post_routes(server::App& app, ChatService& service);

}  // namespace pb::chat
