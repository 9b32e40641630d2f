#include "core/server/core_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/chat/route_support.h"
#include "core/chat/routes.h"
#include "core/http/request.h"
#include "core/server/app.h"
#include "store/migrations.h"

namespace pb::server {
namespace {

// A fresh snapshot reads the schema version: the environment is open and its reader table has
// room. Anything else (map full, I/O error) makes the store unhealthy.
bool store_healthy(App& app) {
  auto txn = app.store().begin_read();
  if (!txn) return false;
  return app.store().get(*txn, store::Table::meta, store::kSchemaVersionKey).has_value();
}

// GET /api/v4/system/ping: Mattermost answers {"status":"OK"} whatever the query
// (Client4's ping() adds use_rest_semantics=true). With get_server_status=true it adds the
// health of what the server depends on, as Mattermost adds database_status/filestore_status:
// database_status and store_status for the LMDB store, and each plugin's state; an unhealthy
// store makes the answer 500 with status "UNHEALTHY" (what Mattermost does when its database
// does not answer), a failed plugin does not (the server runs without it, by design).
int ping(void* user, pb_http_request* request) {
  auto* r = reinterpret_cast<http::Request*>(request);
  auto* app = static_cast<App*>(user);
  r->add_header("Expires", "0");
  auto detailed = chat::query_param(r->query(), "get_server_status");
  if (!detailed || *detailed != "true") return r->respond(200, "application/json", R"({"status":"OK"})");

  bool healthy = store_healthy(*app);
  const char* store_status = healthy ? "OK" : "UNHEALTHY";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("status");
  w.String(store_status);
  w.Key("database_status");
  w.String(store_status);
  w.Key("store_status");
  w.String(store_status);
  w.Key("store_schema_version");
  w.Uint(app->store().schema_version());
  w.Key("plugins");
  w.StartArray();
  for (const auto& plugin : app->plugins()) {
    w.StartObject();
    w.Key("id");
    w.String(plugin.id.data(), static_cast<rapidjson::SizeType>(plugin.id.size()));
    w.Key("version");
    w.String(plugin.version.data(), static_cast<rapidjson::SizeType>(plugin.version.size()));
    w.Key("state");
    std::string_view state = plugin_host::state_name(plugin.state);
    w.String(state.data(), static_cast<rapidjson::SizeType>(state.size()));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return r->respond(healthy ? 200 : 500, "application/json",
                    std::string_view(buffer.GetString(), buffer.GetSize()));
}

}  // namespace

void register_core_routes(App& app) {
  app.add_route(nullptr, "GET", "/api/v4/system/ping", PB_ROUTE_PUBLIC, "", ping, &app);
  chat::register_chat(app);  // users, teams, channels, posts; and the App's UserDirectory
}

}  // namespace pb::server
