// Limits the HTTP server enforces on every connection. Plain data, copied into the server.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pb::http {

struct Limits {
  // Request line + headers. Over it: 431 and close.
  size_t max_header_bytes = 64 * 1024;
  // Request body (Mattermost's ServiceSettings.MaximumPayloadSizeBytes). Over it: 413 and close,
  // decided from Content-Length before the body is read, or from the running count when chunked.
  size_t max_body_bytes = 300000;
  // From a request's first byte until its headers are complete (slowloris guard). 408 and close.
  uint32_t header_timeout_ms = 10000;
  // From headers complete until the body is complete. 408 and close.
  uint32_t body_timeout_ms = 300000;
  // A keep-alive connection with nothing in flight is closed (silently) after this.
  uint32_t idle_timeout_ms = 60000;
  // Requests parsed but not yet written back, per connection; reading pauses at this many.
  size_t max_pipelined = 16;
  // Open connections; further ones are accepted and closed at once.
  size_t max_connections = 10000;
  // After the last response of a closing connection, how long unread input is drained so the
  // kernel does not reset the connection before the client has read the response.
  uint32_t linger_ms = 2000;
};

}  // namespace pb::http
