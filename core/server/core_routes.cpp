#include "core/server/core_routes.h"

#include "core/chat/routes.h"
#include "core/http/request.h"
#include "core/server/app.h"

namespace pb::server {
namespace {


// GET /api/v4/system/ping: Mattermost answers {"status":"OK"} whatever the query
// (Client4's ping() adds use_rest_semantics=true).
int ping(void*, pb_http_request* request) {
  auto* r = reinterpret_cast<http::Request*>(request);
  r->add_header("Expires", "0");
  return r->respond(200, "application/json", R"({"status":"OK"})");
}

}  // namespace

void register_core_routes(App& app) {
  app.add_route(nullptr, "GET", "/api/v4/system/ping", PB_ROUTE_PUBLIC, "", ping, nullptr);
  chat::register_chat(app);  // users, teams, channels, posts; and the App's UserDirectory
}

}  // namespace pb::server
