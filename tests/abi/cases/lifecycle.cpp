// A raw C-ABI plugin written in C++ WITHOUT the SDK wrapper, so its exceptions really travel
// through the ABI into the host's guards. Setting "Fail" picks which lifecycle call misbehaves.
#include <cstring>
#include <stdexcept>
#include <string>

#include "patchbay/plugin.h"

namespace {

struct State {
  const pb_host_api* host;
  pb_plugin* self;
  std::string fail;
};

void say(State* s, const char* what) {
  s->host->log(s->self, PB_LOG_INFO, pb_str{what, std::strlen(what)});
}

std::string fail_mode(pb_str settings) {
  std::string json(settings.data, settings.len);
  const std::string needle = "\"Fail\":\"";
  auto at = json.find(needle);
  if (at == std::string::npos) return "none";
  auto end = json.find('"', at + needle.size());
  return json.substr(at + needle.size(), end - at - needle.size());
}

int init(pb_plugin* self, const pb_host_api* host, pb_str settings, void** state) {
  std::string mode = fail_mode(settings);
  if (mode == "init_code") return PB_E_IO;
  if (mode == "init_throw") throw std::runtime_error("boom in init");
  if (mode == "init_throw_int") throw 42;
  auto* s = new State{host, self, mode};
  *state = s;
  say(s, "lifecycle: init");
  return PB_OK;
}
int start(void* state) {
  auto* s = static_cast<State*>(state);
  if (s->fail == "start_code") return PB_E_INVALID;
  if (s->fail == "start_throw") throw std::logic_error("boom in start");
  say(s, "lifecycle: start");
  return PB_OK;
}
void stop(void* state) {
  auto* s = static_cast<State*>(state);
  say(s, "lifecycle: stop");
  if (s->fail == "stop_throw") throw std::runtime_error("boom in stop");
}
void destroy(void* state) {
  auto* s = static_cast<State*>(state);
  say(s, "lifecycle: destroy");
  bool throws = s->fail == "destroy_throw";
  delete s;
  if (throws) throw std::runtime_error("boom in destroy");
}

const pb_plugin_descriptor descriptor = {sizeof(pb_plugin_descriptor),
                                         PB_ABI_MAJOR,
                                         PB_ABI_MINOR,
                                         "lifecycle",
                                         "1.0.0",
                                         init,
                                         start,
                                         nullptr,
                                         stop,
                                         destroy,
                                         {}};

}  // namespace

extern "C" PB_EXPORT const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t) {
  return &descriptor;
}
