// test_auth: a test-only plugin on the raw C ABI (minor 2), for the chat model's integration
// tests. Never load it in production: it trusts a token that names its user.
//   auth.check            "Authorization: Bearer test-<user id>" of an existing, active user is
//                         ALLOWed as that user with the user's roles; anything else CONTINUEs.
//   user.will_be_created  stages "pwd/<id>" = "test:" + password (committed with the user);
//                         a username starting with "rejectme" is REJECTed with 400.
//   post.will_be_created  message "reject me" is REJECTed (400); "rewrite me" becomes
//                         "rewritten"; every post stages "post/<id>" = its message.
//   post.created          counted with the flags of the last one.
//   GET /api/v4/test_auth/kv/{key}     this plugin's key (percent-encoded "pwd%2F<id>") or 404
//   GET /api/v4/test_auth/posts_seen   {"count":N,"last_flags":F,"last_message":"..."}
// And the minor-2 host functions an integration plugin uses, one route each:
//   GET  /api/v4/test_auth/channel/{channel_id}              channel_get -> {"id","team_id","type","name"}
//   GET  /api/v4/test_auth/channel_by_name/{team_id}/{name}  channel_get_by_name
//   POST /api/v4/test_auth/direct/{user_a}/{user_b}          channel_direct
//   GET  /api/v4/test_auth/team/{team_id}                    team_get -> {"id","name","display_name","type"}
//   GET  /api/v4/test_auth/can_read/{channel_id}/{user_id}   channel_can_read -> {"can_read":N}
//   GET  /api/v4/test_auth/team_roles/{team_id}/{user_id}    team_member_roles -> roles text
//   POST /api/v4/test_auth/integration_post/{channel_id}/{user_id}  post_create of the body as
//        message with PB_POST_FROM_WEBHOOK -> 201 {"id","flags"}, or the chain's error
#include <patchbay/plugin.h>

#include <cstring>
#include <string>

namespace {

struct State {
  pb_plugin* self = nullptr;
  const pb_host_api* host = nullptr;
  long posts_seen = 0;
  uint32_t last_flags = 0;
  std::string last_message;
};

State g;  // one instance per process is all a test needs

pb_str ps(const std::string& s) { return pb_str{s.data(), s.size()}; }
pb_str lit(const char* s) { return pb_str{s, std::strlen(s)}; }
std::string str(pb_str s) { return s.data ? std::string(s.data, s.len) : std::string(); }

struct Found {
  bool found = false;
  bool active = false;
  std::string roles;
};

int on_auth_check(void*, pb_intercept_ctx* ctx, uint32_t, const void* payload) {
  auto* check = static_cast<const pb_auth_check_v1*>(payload);
  pb_str header{};
  if (g.host->req_header(check->request, lit("Authorization"), &header) != PB_OK) {
    return PB_VERDICT_CONTINUE;
  }
  std::string value = str(header);
  const std::string prefix = "Bearer test-";
  if (value.compare(0, prefix.size(), prefix) != 0) return PB_VERDICT_CONTINUE;
  std::string user_id = value.substr(prefix.size());
  Found found;
  int rc = g.host->user_get(g.self, PB_USER_BY_ID, ps(user_id),
                            [](void* arg, const pb_user_v1* user) {
                              auto* f = static_cast<Found*>(arg);
                              f->found = true;
                              f->active = user->delete_at == 0;
                              f->roles = str(user->roles);
                            },
                            &found);
  if (rc != PB_OK || !found.found || !found.active) return PB_VERDICT_CONTINUE;
  g.host->auth_set_identity(ctx, ps(user_id), lit("test-session"), ps(found.roles));
  return PB_VERDICT_ALLOW;
}

int on_user_will_be_created(void*, pb_intercept_ctx* ctx, uint32_t, const void* payload) {
  auto* user = static_cast<const pb_user_v1*>(payload);
  if (str(user->username).rfind("rejectme", 0) == 0) {
    g.host->intercept_set_error(ctx, 400, lit("test_auth.user.rejected"), lit("Rejected by test_auth."));
    return PB_VERDICT_REJECT;
  }
  std::string key = "pwd/" + str(user->id);
  std::string value = "test:" + str(user->password);
  if (g.host->intercept_stage_kv_put(ctx, ps(key), ps(value)) != PB_OK) return -1;
  return PB_VERDICT_CONTINUE;
}

int on_post_will_be_created(void*, pb_intercept_ctx* ctx, uint32_t, const void* payload) {
  auto* post = static_cast<const pb_post_v1*>(payload);
  std::string message = str(post->message);
  // Copied first: intercept_replace frees the payload `post` points into.
  std::string key = "post/" + str(post->id);
  if (message == "reject me") {
    g.host->intercept_set_error(ctx, 400, lit("test_auth.post.rejected"), lit("Rejected by test_auth."));
    return PB_VERDICT_REJECT;
  }
  if (message == "rewrite me") {
    message = "rewritten";
    pb_post_v1 changed = *post;
    changed.message = ps(message);
    if (g.host->intercept_replace(ctx, &changed) != PB_OK) return -1;
  }
  if (g.host->intercept_stage_kv_put(ctx, ps(key), ps(message)) != PB_OK) return -1;
  return PB_VERDICT_CONTINUE;
}

void on_post_created(void*, uint32_t, const void* payload) {
  auto* post = static_cast<const pb_post_v1*>(payload);
  g.posts_seen++;
  g.last_flags = post->flags;
  g.last_message = str(post->message);
}

int get_kv(void*, pb_http_request* request) {
  // The key is one percent-decoded path segment: /api/v4/test_auth/kv/pwd%2F<id>.
  pb_str key{};
  if (g.host->req_param(request, lit("key"), &key) != PB_OK) return PB_E_INVALID;
  std::string value;
  int rc = g.host->kv_get(g.self, key,
                          [](void* arg, pb_str v) { *static_cast<std::string*>(arg) = str(v); }, &value);
  if (rc != PB_OK) {
    return g.host->respond_error(request, 404, lit("test_auth.kv.missing"), lit("No such key."), lit(""));
  }
  return g.host->respond(request, 200, lit("text/plain"), ps(value));
}

int posts_seen(void*, pb_http_request* request) {
  std::string body = "{\"count\":" + std::to_string(g.posts_seen) +
                     ",\"last_flags\":" + std::to_string(g.last_flags) + ",\"last_message\":\"" +
                     g.last_message + "\"}";
  return g.host->respond(request, 200, lit("application/json"), ps(body));
}

std::string param(pb_http_request* request, const char* name) {
  pb_str value{};
  g.host->req_param(request, lit(name), &value);
  return str(value);
}

std::string channel_json(const pb_channel_v1* c) {
  return "{\"id\":\"" + str(c->id) + "\",\"team_id\":\"" + str(c->team_id) + "\",\"type\":\"" +
         str(c->type) + "\",\"name\":\"" + str(c->name) + "\"}";
}

int not_found(pb_http_request* request, int status) {
  return g.host->respond_error(request, 404, lit("test_auth.not_found"), ps(pb_status_str(status)), lit(""));
}

void found_channel(void* arg, const pb_channel_v1* c) { *static_cast<std::string*>(arg) = channel_json(c); }

int get_channel(void*, pb_http_request* request) {
  std::string out;
  int rc = g.host->channel_get(g.self, ps(param(request, "channel_id")), found_channel, &out);
  if (rc != PB_OK) return not_found(request, rc);
  return g.host->respond(request, 200, lit("application/json"), ps(out));
}

int get_channel_by_name(void*, pb_http_request* request) {
  std::string out;
  int rc = g.host->channel_get_by_name(g.self, ps(param(request, "team_id")), ps(param(request, "name")),
                                       found_channel, &out);
  if (rc != PB_OK) return not_found(request, rc);
  return g.host->respond(request, 200, lit("application/json"), ps(out));
}

int get_team(void*, pb_http_request* request) {
  std::string out;
  int rc = g.host->team_get(
      g.self, ps(param(request, "team_id")),
      [](void* arg, const pb_team_v1* t) {
        *static_cast<std::string*>(arg) = "{\"id\":\"" + str(t->id) + "\",\"name\":\"" + str(t->name) +
                                          "\",\"display_name\":\"" + str(t->display_name) +
                                          "\",\"type\":\"" + str(t->type) + "\"}";
      },
      &out);
  if (rc != PB_OK) return not_found(request, rc);
  return g.host->respond(request, 200, lit("application/json"), ps(out));
}

int direct(void*, pb_http_request* request) {
  return g.host->channel_direct(
      g.self, ps(param(request, "user_a")), ps(param(request, "user_b")),
      [](void* arg, int status, const pb_channel_v1* c) {
        auto* req = static_cast<pb_http_request*>(arg);
        if (status != PB_OK) {
          not_found(req, status);
          return;
        }
        g.host->respond(req, 200, lit("application/json"), ps(channel_json(c)));
      },
      request);
}

int can_read(void*, pb_http_request* request) {
  int rc = g.host->channel_can_read(g.self, ps(param(request, "channel_id")), ps(param(request, "user_id")));
  if (rc < 0) return not_found(request, rc);
  return g.host->respond(request, 200, lit("application/json"),
                         ps("{\"can_read\":" + std::to_string(rc) + "}"));
}

int team_roles(void*, pb_http_request* request) {
  std::string roles;
  int rc = g.host->team_member_roles(g.self, ps(param(request, "team_id")), ps(param(request, "user_id")),
                                     [](void* arg, pb_str v) { *static_cast<std::string*>(arg) = str(v); },
                                     &roles);
  if (rc != PB_OK) return not_found(request, rc);
  return g.host->respond(request, 200, lit("text/plain"), ps(roles));
}

int integration_post(void*, pb_http_request* request) {
  std::string channel_id = param(request, "channel_id"), user_id = param(request, "user_id");
  pb_post_v1 draft{};
  draft.struct_size = sizeof draft;
  draft.channel_id = ps(channel_id);
  draft.user_id = ps(user_id);
  draft.message = g.host->req_body(request);
  draft.props_json = lit("{\"from_webhook\":\"true\"}");
  draft.flags = PB_POST_FROM_WEBHOOK;
  return g.host->post_create(
      g.self, &draft,
      [](void* arg, int status, int http_status, pb_str id, pb_str message, const pb_post_v1* created) {
        auto* req = static_cast<pb_http_request*>(arg);
        if (status != PB_OK) {
          g.host->respond_error(req, http_status, id, message, lit(""));
          return;
        }
        g.host->respond(req, 201, lit("application/json"),
                        ps("{\"id\":\"" + str(created->id) + "\",\"flags\":" +
                           std::to_string(created->flags) + "}"));
      },
      request);
}

int init(pb_plugin* self, const pb_host_api* host, pb_str, void**) {
  if (!PB_HOST_HAS(host, post_create)) return PB_E_UNSUPPORTED;
  g.self = self;
  g.host = host;
  int rc = host->subscribe_intercept(self, PB_EVENT_AUTH_CHECK, 0, on_auth_check, nullptr);
  if (rc == PB_OK) {
    rc = host->subscribe_intercept(self, PB_EVENT_USER_WILL_BE_CREATED, 0, on_user_will_be_created, nullptr);
  }
  if (rc == PB_OK) {
    rc = host->subscribe_intercept(self, PB_EVENT_POST_WILL_BE_CREATED, 0, on_post_will_be_created, nullptr);
  }
  if (rc == PB_OK) rc = host->subscribe_observe(self, PB_EVENT_POST_CREATED, on_post_created, nullptr);
  if (rc == PB_OK) {
    rc = host->route_add(self, lit("GET"), lit("/api/v4/test_auth/kv/{key}"), PB_ROUTE_PUBLIC, lit(""),
                         get_kv, nullptr);
  }
  if (rc == PB_OK) {
    rc = host->route_add(self, lit("GET"), lit("/api/v4/test_auth/posts_seen"), PB_ROUTE_PUBLIC,
                         lit(""), posts_seen, nullptr);
  }
  const struct {
    const char* method;
    const char* pattern;
    pb_http_handler fn;
  } probes[] = {
      {"GET", "/api/v4/test_auth/channel/{channel_id}", get_channel},
      {"GET", "/api/v4/test_auth/channel_by_name/{team_id}/{name}", get_channel_by_name},
      {"POST", "/api/v4/test_auth/direct/{user_a}/{user_b}", direct},
      {"GET", "/api/v4/test_auth/team/{team_id}", get_team},
      {"GET", "/api/v4/test_auth/can_read/{channel_id}/{user_id}", can_read},
      {"GET", "/api/v4/test_auth/team_roles/{team_id}/{user_id}", team_roles},
      {"POST", "/api/v4/test_auth/integration_post/{channel_id}/{user_id}", integration_post},
  };
  for (const auto& probe : probes) {
    if (rc == PB_OK) {
      rc = host->route_add(self, lit(probe.method), lit(probe.pattern), PB_ROUTE_PUBLIC, lit(""), probe.fn,
                           nullptr);
    }
  }
  return rc;
}

const pb_plugin_descriptor kDescriptor = {
    sizeof(pb_plugin_descriptor), PB_ABI_MAJOR, PB_ABI_MINOR, "test_auth", "1.0.0", init,
    nullptr, nullptr, nullptr, nullptr, {}};

}  // namespace

extern "C" PB_EXPORT const pb_plugin_descriptor* pb_plugin_entry(uint32_t host_major, uint32_t) {
  return host_major == PB_ABI_MAJOR ? &kDescriptor : nullptr;
}
