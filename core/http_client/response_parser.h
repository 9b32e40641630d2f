// ResponseParser: the bytes of one HTTP/1.1 response in, status + headers + de-chunked body out.
// Wraps llhttp 8.1 in HTTP_RESPONSE mode with its strict defaults.
//
// Handles Content-Length, chunked and close-delimited bodies (finish() at EOF), skips interim
// 1xx responses, expects no body for HEAD, 204 and 304. The body is capped: the moment it
// would exceed `max_body` (also when a Content-Length announces more), feed() answers kTooLarge
// and buffers nothing more. Headers are capped at kMaxHeaderBytes / kMaxHeaders (kError).
//
// One parser per connection, reused response after response (begin() keeps the buffers'
// capacity, so a warm connection parses without allocating). Not thread-safe. Knows nothing
// about sockets: tests and the fuzzer drive it directly.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "patchbay/plugin.h"

namespace pb::http_client {

class ResponseParser {
 public:
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;
  static constexpr size_t kMaxHeaders = 128;

  enum class Outcome { kNeedMore, kComplete, kError, kTooLarge };
  struct Step {
    Outcome outcome;
    size_t consumed;  // bytes of the input used; on kComplete the rest is not this response's
  };

  ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Prepares for the response to a request. `head`: the request was HEAD (no body follows).
  // `max_body`: the body cap in bytes.
  void begin(bool head, size_t max_body);

  // Parses the next bytes. After kComplete, kError or kTooLarge the response is over: call
  // begin() before feeding another one.
  Step feed(std::string_view bytes);
  // The peer closed the connection: completes a close-delimited body (kComplete); anything
  // else unfinished is kError (a truncated response). kNeedMore is never returned.
  Outcome finish();

  // True once any byte of the response was fed (a reused connection that fails before that
  // may be retried).
  bool started() const { return started_; }

  // Valid after kComplete until the next begin(); the views borrow the parser's buffers.
  int status() const { return status_; }
  const std::vector<pb_http_header>& headers() const { return header_views_; }
  std::string_view body() const { return body_; }
  // The connection may carry another request (HTTP/1.1 keep-alive, not close-delimited).
  bool keep_alive() const { return keep_alive_; }

  // Why kError: llhttp's reason or ours (static storage).
  std::string_view error() const { return error_; }

  // Releases buffer capacity above `bytes` (an idle pooled connection should not pin a 1 MiB
  // body buffer).
  void shrink(size_t bytes);

 private:
  struct HeaderSpan {
    size_t name_at, name_len, value_at, value_len;
  };
  enum class HeaderState { kNone, kField, kValue };

  static int on_message_begin(llhttp_t* p);
  static int on_status(llhttp_t* p, const char* at, size_t len);
  static int on_header_field(llhttp_t* p, const char* at, size_t len);
  static int on_header_value(llhttp_t* p, const char* at, size_t len);
  static int on_headers_complete(llhttp_t* p);
  static int on_body(llhttp_t* p, const char* at, size_t len);
  static int on_message_complete(llhttp_t* p);
  static ResponseParser& self(llhttp_t* p) { return *static_cast<ResponseParser*>(p->data); }

  bool append_header_bytes(const char* at, size_t len);
  void reset_message();
  void fail(std::string_view reason) { error_ = reason; }

  llhttp_settings_t settings_;
  llhttp_t parser_;
  bool head_ = false;
  size_t max_body_ = 0;
  bool started_ = false;
  bool complete_ = false;
  bool too_large_ = false;
  bool keep_alive_ = false;
  int status_ = 0;
  std::string_view error_;
  HeaderState header_state_ = HeaderState::kNone;
  std::string header_bytes_;  // names and values back to back; views point into it
  std::vector<HeaderSpan> spans_;
  std::vector<pb_http_header> header_views_;
  std::string body_;
};

}  // namespace pb::http_client
