// The routes the core answers itself, with every plugin off: GET /api/v4/system/ping.
#pragma once

namespace pb::server {
class App;

void register_core_routes(App& app);

}  // namespace pb::server
