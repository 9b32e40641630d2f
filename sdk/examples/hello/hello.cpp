// hello — the example patchbay plugin, built out of tree exactly as a third party would.
//
// It shows the four things most plugins do:
//   GET  /api/v4/plugins/hello/greeting   answers JSON from settings or the kv store;
//   PUT  /api/v4/plugins/hello/greeting   stores a new greeting and answers only once the write
//                                         is durable (kv_put's completion);
//   an interceptor on post.will_be_created that rejects posts containing BlockedWord;
//   an observer of post.created that counts posts, reported to the log by a repeating timer.
#include <string>
#include <string_view>

#include "patchbay/plugin.hpp"

namespace {

constexpr std::string_view kGreetingKey = "greeting";

// Reads a top-level string or integer member from the (validated, flat) settings object. A real
// plugin would use its JSON library; the example stays dependency-free.
std::string setting_string(std::string_view json, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  auto at = json.find(needle);
  if (at == std::string_view::npos) return {};
  std::string out;
  for (size_t i = at + needle.size(); i < json.size() && json[i] != '"'; ++i) {
    if (json[i] == '\\' && i + 1 < json.size()) ++i;  // keeps the escaped character
    out += json[i];
  }
  return out;
}
long long setting_int(std::string_view json, std::string_view key, long long fallback) {
  const std::string needle = "\"" + std::string(key) + "\":";
  auto at = json.find(needle);
  if (at == std::string_view::npos) return fallback;
  return std::stoll(std::string(json.substr(at + needle.size())));
}

class HelloPlugin : public pb::sdk::Plugin {
 public:
  int init(std::string_view settings_json) override {
    apply(settings_json);
    auto& h = host();
    int rc = h.route("GET", "/api/v4/plugins/hello/greeting",
                     [this](pb::sdk::Request req) { return get_greeting(req); });
    if (rc != PB_OK) return rc;
    rc = h.route("PUT", "/api/v4/plugins/hello/greeting",
                 [this](pb::sdk::Request req) { return put_greeting(req); });
    if (rc != PB_OK) return rc;
    rc = h.intercept(PB_EVENT_POST_WILL_BE_CREATED, 100,
                     [this](pb::sdk::Intercept turn, uint32_t, const void* payload) {
                       return check_post(turn, *static_cast<const pb_post_v1*>(payload));
                     });
    if (rc != PB_OK) return rc;
    return h.observe(PB_EVENT_POST_CREATED, [this](uint32_t, const void*) { ++posts_seen_; });
  }

  int start() override {
    const uint64_t every = static_cast<uint64_t>(report_every_s_) * 1000;
    report_timer_ = host().timer_start(every, every, [this] {
      host().info("hello: " + std::to_string(posts_seen_) + " posts seen");
    });
    return report_timer_ ? PB_OK : PB_E_PLUGIN;
  }

  int configure(std::string_view settings_json) override {
    apply(settings_json);
    return PB_OK;
  }

 private:
  void apply(std::string_view settings_json) {
    default_greeting_ = setting_string(settings_json, "Greeting");
    blocked_word_ = setting_string(settings_json, "BlockedWord");
    report_every_s_ = setting_int(settings_json, "ReportEverySeconds", 60);
  }

  int get_greeting(pb::sdk::Request req) {
    std::string greeting = host().kv_get(kGreetingKey).value_or(default_greeting_);
    std::string body = "{\"greeting\":" + pb::sdk::json_string(greeting) +
                       ",\"posts_seen\":" + std::to_string(posts_seen_) + "}";
    return req.respond_json(200, body);
  }

  int put_greeting(pb::sdk::Request req) {
    if (req.body().empty() || req.body().size() > 256) {
      return req.respond_error(400, "api.context.invalid_body_param.app_error",
                               "Invalid or missing greeting in request body.");
    }
    // The request is answered in the completion: the client sees 200 only once it is durable.
    int rc = host().kv_put(kGreetingKey, req.body(), [req](int status) {
      if (status == PB_OK) {
        req.respond_json(200, R"({"status":"OK"})");
      } else {
        req.respond_error(500, "plugins.hello.save.app_error", "Could not save the greeting.");
      }
    });
    if (rc != PB_OK) {  // the completion will never run: answer now
      return req.respond_error(503, "plugins.hello.save.app_error", "Could not save the greeting.");
    }
    return PB_OK;
  }

  int check_post(pb::sdk::Intercept turn, const pb_post_v1& post) {
    if (blocked_word_.empty()) return PB_VERDICT_CONTINUE;
    if (pb::sdk::to_sv(post.message).find(blocked_word_) == std::string_view::npos) {
      return PB_VERDICT_CONTINUE;
    }
    turn.set_error(400, "plugins.hello.blocked_word.app_error",
                   "This post contains a blocked word.");
    return PB_VERDICT_REJECT;
  }

  std::string default_greeting_;
  std::string blocked_word_;
  long long report_every_s_ = 60;
  long long posts_seen_ = 0;
  pb::sdk::Timer report_timer_;
};

}  // namespace

PB_PLUGIN(HelloPlugin, "hello", "1.0.0")
