// command_probe: a plugin for tests, built out of tree with the SDK exactly like a third-party
// plugin (CMakeLists.txt). It adds the slash command /probe to every team through the bus
// (no ABI function: the slash_commands plugin's command.register event, see
// plugins/slash_commands/README.md "Plugin commands") and answers its command.invoked events:
//   /probe echo TEXT     in_channel: "probe heard 'TEXT' from @user in ~channel" (props.probe)
//   /probe later TEXT    answered later (PENDING, a 20 ms timer), in_channel "later: TEXT"
//   /probe whisper       ephemeral answer
//   /probe fail          REJECT 400 command_probe.refused
//   /probe (else)        ephemeral usage
// Routes (public, tests only):
//   GET  /api/v4/command_probe/status      {"verdict":V,"http_status":S,"error_id":"..."} of the
//                                          registration made in start()
//   POST /api/v4/command_probe/register    publishes the body as command.register, answers the
//                                          chain's outcome in the same form
//   POST /api/v4/command_probe/unregister  the same with command.unregister
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <string_view>

#include "patchbay/json_guard.hpp"
#include "patchbay/plugin.hpp"

namespace {

using pb::sdk::json_string;

constexpr std::string_view kId = "command_probe";

constexpr std::string_view kRegistration =
    R"({"plugin_id":"command_probe","trigger":"probe","display_name":"Probe",)"
    R"("description":"The out-of-tree test plugin's command","auto_complete":true,)"
    R"("auto_complete_desc":"Talk to the probe plugin","auto_complete_hint":"[echo|later|whisper|fail]",)"
    R"("autocomplete_data":{"Trigger":"probe","Hint":"[subcommand]","HelpText":"Talk to the probe plugin","SubCommands":[)"
    R"({"Trigger":"echo","Hint":"[text]","HelpText":"Say it in the channel"},)"
    R"({"Trigger":"later","Hint":"[text]","HelpText":"Say it a little later"},)"
    R"({"Trigger":"whisper","Hint":"","HelpText":"Only you see the answer"},)"
    R"({"Trigger":"fail","Hint":"","HelpText":"The probe refuses"},)"
    R"({"Trigger":"admin","Hint":"","HelpText":"For system admins","RoleID":"system_admin"}]}})";

// The invocation fields the probe uses.
struct Invocation {
  std::string plugin_id, text, user_name, channel_name;
};

bool read_invocation(std::string_view json, Invocation& out) {
  if (pb::sdk::json_too_deep_at(json, 4) != std::string_view::npos) return false;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto get = [&](const char* key, std::string& dst) {
    auto it = doc.FindMember(key);
    if (it != doc.MemberEnd() && it->value.IsString()) {
      dst.assign(it->value.GetString(), it->value.GetStringLength());
    }
  };
  get("plugin_id", out.plugin_id);
  get("text", out.text);
  get("user_name", out.user_name);
  get("channel_name", out.channel_name);
  return true;
}

std::string outcome_json(int verdict, int http_status, std::string_view error_id) {
  return "{\"verdict\":" + std::to_string(verdict) + ",\"http_status\":" +
         std::to_string(http_status) + ",\"error_id\":" + json_string(error_id) + "}";
}

class CommandProbe : public pb::sdk::Plugin {
 public:
  int init(std::string_view) override {
    auto& h = host();
    auto reg = h.event_id("command.register");
    auto unreg = h.event_id("command.unregister");
    auto invoked = h.event_id("command.invoked");
    if (!reg || !unreg || !invoked) return PB_E_PLUGIN;
    register_event_ = *reg;
    unregister_event_ = *unreg;
    int rc = h.intercept(*invoked, 100, [this](pb::sdk::Intercept turn, uint32_t, const void* p) {
      return on_invoked(turn, *static_cast<const pb_blob_v1*>(p));
    });
    if (rc != PB_OK) return rc;
    rc = h.route("GET", "/api/v4/command_probe/status", [this](pb::sdk::Request req) {
      return req.respond_json(200, status_);
    });
    if (rc != PB_OK) return rc;
    rc = h.route("POST", "/api/v4/command_probe/register", [this](pb::sdk::Request req) {
      return publish(req, register_event_);
    });
    if (rc != PB_OK) return rc;
    return h.route("POST", "/api/v4/command_probe/unregister", [this](pb::sdk::Request req) {
      return publish(req, unregister_event_);
    });
  }

  // Every plugin's init has run, so the slash_commands plugin listens by now.
  int start() override {
    status_ = outcome_json(-1, 0, "pending");
    int rc = host().publish_intercept(
        register_event_, kRegistration,
        [this](int verdict, int http_status, std::string_view error_id, std::string_view,
               const void*) {
          status_ = outcome_json(verdict, http_status, error_id);
          host().info("probe registration: verdict " + std::to_string(verdict));
        });
    return rc == PB_OK ? PB_OK : PB_E_PLUGIN;
  }

 private:
  int publish(pb::sdk::Request req, uint32_t event) {
    std::string body(req.body());
    return host().publish_intercept(
        event, body,
        [req](int verdict, int http_status, std::string_view error_id, std::string_view,
              const void*) { req.respond_json(200, outcome_json(verdict, http_status, error_id)); });
  }

  static int answer(const pb::sdk::Intercept& turn, const std::string& response) {
    pb_blob_v1 blob{sizeof(pb_blob_v1), pb::sdk::to_pb(response)};
    // A negative return rejects the turn with a 500 (plugin.h, pb_intercept_fn).
    if (turn.replace(&blob) != PB_OK) return PB_E_PLUGIN;
    return PB_VERDICT_ALLOW;
  }

  int on_invoked(const pb::sdk::Intercept& turn, const pb_blob_v1& payload) {
    Invocation inv;
    if (!read_invocation(pb::sdk::to_sv(payload.data), inv)) return PB_VERDICT_CONTINUE;
    if (inv.plugin_id != kId) return PB_VERDICT_CONTINUE;  // another plugin's command
    std::string_view text = inv.text;
    std::string_view sub = text.substr(0, text.find(' '));
    std::string_view rest = sub.size() < text.size() ? text.substr(sub.size() + 1) : "";
    if (sub == "echo") {
      return answer(turn, R"({"response_type":"in_channel","text":)" +
                              json_string("probe heard '" + std::string(rest) + "' from @" +
                                          inv.user_name + " in ~" + inv.channel_name) +
                              R"(,"props":{"probe":"yes"}})");
    }
    if (sub == "later") {
      std::string response =
          R"({"response_type":"in_channel","text":)" + json_string("later: " + std::string(rest)) + "}";
      pb::sdk::Intercept held = turn;
      auto timer = host().timer_start(20, 0, [this, held, response] {
        pb_blob_v1 blob{sizeof(pb_blob_v1), pb::sdk::to_pb(response)};
        int rc = held.replace(&blob);
        held.resume(rc == PB_OK ? PB_VERDICT_ALLOW : PB_VERDICT_REJECT);
      });
      if (!timer) return PB_E_PLUGIN;  // negative: rejected with a 500 (pb_intercept_fn)
      return PB_VERDICT_PENDING;
    }
    if (sub == "whisper") {
      return answer(turn, R"({"response_type":"ephemeral","text":"only you see this"})");
    }
    if (sub == "fail") {
      turn.set_error(400, "command_probe.refused", "The probe refuses.");
      return PB_VERDICT_REJECT;
    }
    return answer(turn, R"({"text":"usage: /probe echo|later|whisper|fail"})");
  }

  uint32_t register_event_ = 0, unregister_event_ = 0;
  std::string status_ = outcome_json(-1, 0, "not started");
};

}  // namespace

PB_PLUGIN(CommandProbe, "command_probe", "1.0.0")
