// kv_probe: a plugin for tests and benchmarks, built exactly like a third-party plugin.
//   POST /api/v4/kv_probe           stores the body under the request id; answers 201 only once
//                                   the write is durable (group commit), so a test can kill -9
//                                   the server right after the answer and still find the value.
//   GET  /api/v4/kv_probe/{key}     the stored value (text/plain) or 404.
//   GET  /api/v4/kv_probe_whoami    an authenticated route: auth.check is answered by this
//                                   plugin's interceptor for "Authorization: Bearer <Token>".
//   GET  /api/v4/kv_probe_posts     posts a task to the loop from the loop thread, which posts a
//                                   second one; answers with the order they ran in, e.g.
//                                   "handler,first,second" (a task must never run inside
//                                   post_to_loop itself).
#include <patchbay/plugin.hpp>

#include <memory>
#include <string>

namespace {

std::string setting(std::string_view settings_json, std::string_view key) {
  // The host validated the settings against plugin.json and filled defaults: a flat object of
  // strings. A tiny scan is enough for the one string setting this plugin has.
  std::string needle = "\"" + std::string(key) + "\":\"";
  auto at = settings_json.find(needle);
  if (at == std::string_view::npos) return {};
  auto start = at + needle.size();
  auto end = settings_json.find('"', start);
  return std::string(settings_json.substr(start, end - start));
}

class KvProbe : public pb::sdk::Plugin {
 public:
  int init(std::string_view settings_json) override {
    token_ = "Bearer " + setting(settings_json, "Token");
    auto& h = host();
    int rc = h.route("POST", "/api/v4/kv_probe", [&h](pb::sdk::Request req) {
      std::string key(req.request_id());
      return h.kv_put(key, req.body(), [req, key](int status) {
        if (status != PB_OK) {
          req.respond_error(500, "kv_probe.write.app_error", "The write failed.");
          return;
        }
        req.respond_json(201, "{\"key\":\"" + key + "\"}");
      });
    });
    if (rc != PB_OK) return rc;
    rc = h.route("GET", "/api/v4/kv_probe/{key}", [&h](pb::sdk::Request req) {
      auto value = h.kv_get(*req.param("key"));
      if (!value) return req.respond_error(404, "kv_probe.get.not_found", "No such key.");
      return req.respond(200, "text/plain", *value);
    });
    if (rc != PB_OK) return rc;
    rc = h.route("GET", "/api/v4/kv_probe_posts", [&h](pb::sdk::Request req) {
      auto order = std::make_shared<std::string>();
      int first = h.post_to_loop([&h, req, order] {
        *order += ",first";
        int second = h.post_to_loop([req, order] {
          *order += ",second";
          req.respond(200, "text/plain", *order);
        });
        *order += ",posted";
        if (second != PB_OK) req.respond(500, "text/plain", *order + ",refused");
      });
      *order += "handler";  // after post_to_loop returned: the task has not run yet
      return first == PB_OK ? PB_OK : req.respond(500, "text/plain", "refused");
    });
    if (rc != PB_OK) return rc;
    rc = h.route(
        "GET", "/api/v4/kv_probe_whoami",
        [](pb::sdk::Request req) {
          return req.respond_json(200, "{\"user_id\":\"" + std::string(req.user_id()) + "\"}");
        },
        PB_ROUTE_AUTHENTICATED);
    if (rc != PB_OK) return rc;
    return h.intercept(PB_EVENT_AUTH_CHECK, 100, [this](pb::sdk::Intercept turn, uint32_t, const void* payload) {
      auto* check = static_cast<const pb_auth_check_v1*>(payload);
      pb::sdk::Request req(host().api(), const_cast<pb_http_request*>(check->request));
      auto auth = req.header("Authorization");
      if (!auth || *auth != token_) return static_cast<int>(PB_VERDICT_CONTINUE);
      turn.set_identity("probeuserid00000000000000a", "probesession", "system_user");
      return static_cast<int>(PB_VERDICT_ALLOW);
    });
  }

 private:
  std::string token_;
};

}  // namespace

PB_PLUGIN(KvProbe, "kv_probe", "1.0.0")
