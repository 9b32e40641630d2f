// RequestParser: bytes in, complete Requests (or one parse error) out. Wraps llhttp 8.1 with
// its strict defaults and adds what llhttp lets through but an origin server must refuse
// (request smuggling shapes, see request_parser.cpp), plus the header/body size limits and the
// Expect handling. It knows nothing about sockets, so tests and the fuzzer drive it directly.
//
// Usage: feed() bytes with the Request to fill; it stops after each complete request
// (kComplete, `consumed` tells how far it got) so the caller can take the request and feed the
// rest with a fresh one. After kError the parser is finished; reset() makes it reusable.
// Not thread-safe; one per connection.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <string_view>

#include "core/http/limits.h"

namespace pb::http {

class Request;

// Why a request was refused, and what to answer (always followed by closing the connection).
struct ParseError {
  int status = 0;              // 400, 413, 417, 431, 505
  std::string_view id;         // Mattermost-style error id (static storage)
  std::string_view message;    // for people (static storage)
  std::string_view detail;     // llhttp's reason or ours (static storage)
};

class RequestParser {
 public:
  enum class Phase { kIdle, kHeaders, kBody };
  enum class Outcome { kNeedMore, kComplete, kError };
  struct Step {
    Outcome outcome;
    size_t consumed;  // bytes of the input used; the rest belongs to the next request
  };

  explicit RequestParser(const Limits& limits);
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses `bytes` into `target`. A new request begins with target.begin() (when its first
  // byte arrives), so pass the same target until kComplete. On kComplete, `target` holds the
  // whole request; on kError, error() says what to answer.
  Step feed(std::string_view bytes, Request& target);

  Phase phase() const { return phase_; }
  const ParseError& error() const { return error_; }
  // The last complete request was CONNECT or an Upgrade: the bytes after it are not HTTP/1.1
  // requests, so the connection must close after answering it.
  bool upgrade() const { return upgrade_; }
  void reset();

 private:
  enum class HeaderState { kNone, kField, kValue, kValueDone };

  static int on_message_begin(llhttp_t* p);
  static int on_url(llhttp_t* p, const char* at, size_t len);
  static int on_header_field(llhttp_t* p, const char* at, size_t len);
  static int on_header_field_complete(llhttp_t* p);
  static int on_header_value(llhttp_t* p, const char* at, size_t len);
  static int on_header_value_complete(llhttp_t* p);
  static int on_headers_complete(llhttp_t* p);
  static int on_body(llhttp_t* p, const char* at, size_t len);
  static int on_message_complete(llhttp_t* p);

  int fail(int status, std::string_view id, std::string_view message, std::string_view detail);
  int check_header_bytes(size_t more);
  int validate_headers();

  Limits limits_;
  llhttp_settings_t settings_;
  llhttp_t parser_;
  Request* target_ = nullptr;
  Phase phase_ = Phase::kIdle;
  HeaderState header_state_ = HeaderState::kNone;
  size_t header_bytes_ = 0;      // request line + headers of the current request
  size_t raw_header_bytes_ = 0;  // bytes fed while the header block was incomplete
  const char* input_begin_ = nullptr;  // the bytes of the current feed() call
  const char* input_end_ = nullptr;
  size_t value_spans_ = 0;          // spans reported for the current header value
  bool last_span_hit_end_ = false;  // the last value span ended at the end of its input
  bool complete_ = false;
  bool upgrade_ = false;
  bool failed_ = false;
  ParseError error_;
};

}  // namespace pb::http
