#include "core/chat/routes.h"

#include <memory>

#include "core/chat/service.h"
#include "core/server/app.h"

namespace pb::chat {

void register_chat(server::App& app) {
  // The App owns the service: it lives exactly as long as the routes that point at it.
  auto* service = app.own(std::make_shared<ChatService>(app));
  app.set_user_directory(service);
  app.set_chat_directory(service);
  add_user_routes(app, *service);
  add_team_routes(app, *service);
  add_channel_routes(app, *service);
  add_post_routes(app, *service);
}

}  // namespace pb::chat
