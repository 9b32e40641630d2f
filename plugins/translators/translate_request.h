// Answers one translators.translate request (translators_event.h): parses the request JSON once
// (in place, after the json_guard checks), runs describe or translate, and writes the answer
// JSON. Pure: no host, so the plugin, the operator tool and the fuzz target share it.
//
// Threading: one RequestHandler per thread (it reuses its buffers between requests).
#pragma once

#include <string>
#include <string_view>

#include "plugins/translators/registry.h"

namespace pb::translators {

// The deepest JSON a request may nest (the body sits two levels down).
inline constexpr int kMaxRequestDepth = 66;

struct Answer {
  int status = 200;          // 200, or the error's HTTP status
  std::string_view error_id;  // "" on success, else a translators_event.h id
  std::string message;        // the error message ("" on success)
  std::string json;           // the answer blob: the result or {"error":{...}}
};

class RequestHandler {
 public:
  explicit RequestHandler(const Registry& registry) : registry_(registry) {}

  // Fills `answer` (reused: its strings keep their capacity) for request `blob`.
  void handle(std::string_view blob, Answer& answer);

 private:
  const Registry& registry_;
  std::string buffer_;   // the request, copied for the in-place parse
  std::string scratch_;  // thread key rendering
};

}  // namespace pb::translators
