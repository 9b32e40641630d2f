#include "core/chat/routes.h"

#include <map>
#include <memory>

#include "core/chat/service.h"
#include "core/server/app.h"

namespace pb::chat {
namespace {

// The App has no slot for the chat model's state yet, so each App's service lives here, keyed
// by the App, until the process exits (a later App at the same address replaces it). The
// service's destructor touches nothing but its own memory, so the order of destruction at exit
// does not matter.
std::map<const server::App*, std::unique_ptr<ChatService>>& services() {
  static std::map<const server::App*, std::unique_ptr<ChatService>> instances;
  return instances;
}

}  // namespace

void register_chat(server::App& app) {
  auto& slot = services()[&app];
  slot = std::make_unique<ChatService>(app);
  app.set_user_directory(slot.get());
  add_user_routes(app, *slot);
  add_team_routes(app, *slot);
  add_channel_routes(app, *slot);
  add_post_routes(app, *slot);
}

}  // namespace pb::chat
