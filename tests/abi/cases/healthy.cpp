// The happy path through the whole stack: a plugin written with the SDK's C++ wrapper, built by
// patchbay_add_plugin, discovered, dlopen'ed and initialised by the loader.
#include "patchbay/plugin.hpp"

namespace {

class Healthy : public pb::sdk::Plugin {
 public:
  int init(std::string_view settings) override {
    host().info("healthy: init " + std::string(settings));
    return host().route("GET", "/api/v4/plugins/healthy/ping", [](pb::sdk::Request req) {
      return req.respond(200, "text/plain", "pong");
    });
  }
  int start() override {
    host().info("healthy: start");
    return PB_OK;
  }
  void stop() override { host().info("healthy: stop"); }
  ~Healthy() override { host().info("healthy: destroyed"); }
};

}  // namespace

PB_PLUGIN(Healthy, "healthy", "3.1.4")
