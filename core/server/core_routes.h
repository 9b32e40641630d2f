// The routes the core answers itself, with every plugin off: GET /api/v4/system/ping and the
// chat model's REST API (core/chat/routes.h).
#pragma once

namespace pb::server {
class App;

void register_core_routes(App& app);

}  // namespace pb::server
