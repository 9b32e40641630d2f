// What llhttp 8.1 (strict defaults, no lenient flags) already refuses, checked by tests in
// tests/unit/http/request_parser_test.cpp: Content-Length together with Transfer-Encoding,
// duplicate Content-Length (also with equal values), Transfer-Encoding whose last coding is not
// chunked, CR without LF, NUL and other control bytes in header names and values, bare-LF line
// ends, malformed Content-Length and chunk sizes.
//
// What llhttp lets through and this parser refuses (all 400 + close unless noted):
// - obs-fold (a header line starting with SP/HTAB continues the previous value): RFC 9112 5.2
//   allows rejecting it, and proxies that unfold differently make it a smuggling vector;
// - Transfer-Encoding other than exactly "chunked" (llhttp accepts "gzip, chunked"): we decode
//   no other coding, so anything else is a request we would misread;
// - Transfer-Encoding on HTTP/1.0 (RFC 9112 6.1: framing is faulty);
// - whitespace between a header name and the colon (RFC 9112 5.1 says MUST reject);
// - an empty header name (": value"), found by the fuzzer;
// - HTTP major version other than 1 (505);
// - missing or repeated Host on HTTP/1.1, repeated Host on 1.0;
// - an Expect other than 100-continue (417).
#include "core/http/request_parser.h"

#include <algorithm>
#include <optional>

#include "core/http/ascii.h"
#include "core/http/request.h"

namespace pb::http {
namespace {

constexpr std::string_view kMalformedId = "api.http.malformed_request.app_error";
constexpr std::string_view kMalformedMessage = "The request is malformed.";

RequestParser* self_of(llhttp_t* p) { return static_cast<RequestParser*>(p->data); }

}  // namespace

RequestParser::RequestParser(const Limits& limits) : limits_(limits) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &RequestParser::on_message_begin;
  settings_.on_url = &RequestParser::on_url;
  settings_.on_header_field = &RequestParser::on_header_field;
  settings_.on_header_field_complete = &RequestParser::on_header_field_complete;
  settings_.on_header_value = &RequestParser::on_header_value;
  settings_.on_header_value_complete = &RequestParser::on_header_value_complete;
  settings_.on_headers_complete = &RequestParser::on_headers_complete;
  settings_.on_body = &RequestParser::on_body;
  settings_.on_message_complete = &RequestParser::on_message_complete;
  reset();
}

void RequestParser::reset() {
  llhttp_init(&parser_, HTTP_REQUEST, &settings_);
  parser_.data = this;
  target_ = nullptr;
  phase_ = Phase::kIdle;
  header_state_ = HeaderState::kNone;
  header_bytes_ = 0;
  raw_header_bytes_ = 0;
  complete_ = false;
  upgrade_ = false;
  failed_ = false;
  error_ = {};
}

int RequestParser::fail(int status, std::string_view id, std::string_view message,
                        std::string_view detail) {
  if (error_.status == 0) error_ = {status, id, message, detail};
  return HPE_USER;
}

int RequestParser::check_header_bytes(size_t more) {
  header_bytes_ += more;
  if (header_bytes_ > limits_.max_header_bytes) {
    return fail(431, "api.http.headers_too_large.app_error",
                "The request headers are too large.", "request line and headers over the limit");
  }
  return HPE_OK;
}

RequestParser::Step RequestParser::feed(std::string_view bytes, Request& target) {
  if (failed_) return {Outcome::kError, 0};
  target_ = &target;
  complete_ = false;
  if (llhttp_get_errno(&parser_) == HPE_PAUSED) llhttp_resume(&parser_);
  input_begin_ = bytes.data();
  input_end_ = bytes.data() + bytes.size();
  llhttp_errno_t err = llhttp_execute(&parser_, bytes.data(), bytes.size());
  size_t consumed = bytes.size();
  if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
    consumed = static_cast<size_t>(llhttp_get_error_pos(&parser_) - bytes.data());
  }
  if (complete_) return {Outcome::kComplete, consumed};
  if (err != HPE_OK) {
    if (error_.status == 0) {
      const char* reason = llhttp_get_error_reason(&parser_);
      error_ = {400, kMalformedId, kMalformedMessage, reason != nullptr ? reason : ""};
    }
    failed_ = true;
    return {Outcome::kError, consumed};
  }
  if (phase_ == Phase::kHeaders) {
    // Everything this call consumed belongs to the unfinished header block (we stop after each
    // complete request, so a call never starts inside a previous message). Counting raw bytes
    // also catches padding that no callback reports, such as whitespace.
    raw_header_bytes_ += consumed;
    if (raw_header_bytes_ > header_bytes_) header_bytes_ = raw_header_bytes_;
    if (check_header_bytes(0) != HPE_OK) {
      failed_ = true;
      return {Outcome::kError, consumed};
    }
  }
  return {Outcome::kNeedMore, consumed};
}

int RequestParser::on_message_begin(llhttp_t* p) {
  RequestParser* self = self_of(p);
  self->target_->begin();
  self->phase_ = Phase::kHeaders;
  self->header_state_ = HeaderState::kNone;
  self->header_bytes_ = 0;
  self->raw_header_bytes_ = 0;
  self->upgrade_ = false;
  return HPE_OK;
}

int RequestParser::on_url(llhttp_t* p, const char* at, size_t len) {
  RequestParser* self = self_of(p);
  self->target_->target_.append(at, len);
  return self->check_header_bytes(len);
}

int RequestParser::on_header_field(llhttp_t* p, const char* at, size_t len) {
  RequestParser* self = self_of(p);
  Request& r = *self->target_;
  if (self->header_state_ != HeaderState::kField) {
    auto off = static_cast<uint32_t>(r.header_bytes_.size());
    r.headers_.push_back({off, 0, off, 0});
    self->header_state_ = HeaderState::kField;
  }
  r.header_bytes_.append(at, len);
  r.headers_.back().name_len += static_cast<uint32_t>(len);
  return self->check_header_bytes(len + 4);  // ": " and CRLF are not reported
}

int RequestParser::on_header_field_complete(llhttp_t* p) {
  RequestParser* self = self_of(p);
  Request& r = *self->target_;
  // llhttp 8.1 accepts ": value", reporting an empty name (or none at all).
  if (self->header_state_ != HeaderState::kField || r.headers_.back().name_len == 0) {
    return self->fail(400, kMalformedId, kMalformedMessage, "empty header name");
  }
  Request::HeaderSlot& h = r.headers_.back();
  std::string_view name(r.header_bytes_.data() + h.name_off, h.name_len);
  if (std::ranges::any_of(name, [](char c) { return c == ' ' || c == '\t'; })) {
    return self->fail(400, kMalformedId, kMalformedMessage, "whitespace before the colon");
  }
  h.value_off = static_cast<uint32_t>(r.header_bytes_.size());
  self->header_state_ = HeaderState::kValue;
  self->value_spans_ = 0;
  return HPE_OK;
}

int RequestParser::on_header_value(llhttp_t* p, const char* at, size_t len) {
  RequestParser* self = self_of(p);
  // llhttp reports an obs-fold continuation as a further span of the same value. A value may
  // also arrive in several spans because the input was split, but then the previous span ended
  // exactly at the end of the previous input and this one starts at the start of this input.
  bool continues_split = self->value_spans_ == 0 ||
                         (self->last_span_hit_end_ && at == self->input_begin_);
  if (self->header_state_ != HeaderState::kValue || !continues_split) {
    return self->fail(400, kMalformedId, kMalformedMessage, "obs-fold header line");
  }
  ++self->value_spans_;
  self->last_span_hit_end_ = at + len == self->input_end_;
  Request& r = *self->target_;
  r.header_bytes_.append(at, len);
  r.headers_.back().value_len += static_cast<uint32_t>(len);
  return self->check_header_bytes(len);
}

int RequestParser::on_header_value_complete(llhttp_t* p) {
  RequestParser* self = self_of(p);
  Request& r = *self->target_;
  if (!r.headers_.empty()) {
    // llhttp drops leading whitespace; trailing whitespace is not part of the value either.
    Request::HeaderSlot& h = r.headers_.back();
    while (h.value_len > 0) {
      char c = r.header_bytes_[h.value_off + h.value_len - 1];
      if (c != ' ' && c != '\t') break;
      --h.value_len;
    }
  }
  self->header_state_ = HeaderState::kValueDone;
  return HPE_OK;
}

int RequestParser::validate_headers() {
  Request& r = *target_;
  if (parser_.http_major != 1) {
    return fail(505, "api.http.version_not_supported.app_error",
                "The HTTP version is not supported.", "only HTTP/1.0 and HTTP/1.1");
  }
  int hosts = 0;
  std::optional<std::string_view> transfer_encoding, expect;
  for (size_t i = 0; i < r.header_count(); ++i) {
    HeaderView h = r.header_at(i);
    if (iequals(h.name, "host")) {
      ++hosts;
    } else if (iequals(h.name, "transfer-encoding")) {
      if (transfer_encoding) return fail(400, kMalformedId, kMalformedMessage, "repeated Transfer-Encoding");
      transfer_encoding = h.value;
    } else if (iequals(h.name, "expect")) {
      expect = h.value;
    }
  }
  if (hosts > 1 || (hosts == 0 && parser_.http_minor == 1)) {
    return fail(400, kMalformedId, kMalformedMessage, "HTTP/1.1 needs exactly one Host header");
  }
  if ((parser_.flags & F_TRANSFER_ENCODING) != 0 || transfer_encoding) {
    if (parser_.http_minor == 0) {
      return fail(400, kMalformedId, kMalformedMessage, "Transfer-Encoding on HTTP/1.0");
    }
    if (!transfer_encoding || !iequals(*transfer_encoding, "chunked")) {
      return fail(400, kMalformedId, kMalformedMessage, "Transfer-Encoding other than chunked");
    }
  }
  if ((parser_.flags & F_CONTENT_LENGTH) != 0 && parser_.content_length > limits_.max_body_bytes) {
    return fail(413, "api.http.body_too_large.app_error", "The request body is too large.",
                "Content-Length over the limit");
  }
  if (expect) {
    if (parser_.http_minor == 1 && iequals(*expect, "100-continue")) {
      r.expects_continue_ = true;
    } else {
      return fail(417, "api.http.expectation_failed.app_error",
                  "The expectation in the Expect header cannot be met.", "unsupported Expect");
    }
  }
  return HPE_OK;
}

int RequestParser::on_headers_complete(llhttp_t* p) {
  RequestParser* self = self_of(p);
  Request& r = *self->target_;
  if (self->check_header_bytes(0) != HPE_OK || self->validate_headers() != HPE_OK) return -1;
  r.method_ = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
  r.http_minor_ = p->http_minor;
  r.keep_alive_ = llhttp_should_keep_alive(p) != 0;
  if ((p->flags & F_CONTENT_LENGTH) != 0) r.body_.reserve(p->content_length);
  self->phase_ = Phase::kBody;
  return 0;
}

int RequestParser::on_body(llhttp_t* p, const char* at, size_t len) {
  RequestParser* self = self_of(p);
  Request& r = *self->target_;
  if (r.body_.size() + len > self->limits_.max_body_bytes) {
    return self->fail(413, "api.http.body_too_large.app_error", "The request body is too large.",
                      "chunked body over the limit");
  }
  r.body_.append(at, len);
  return HPE_OK;
}

int RequestParser::on_message_complete(llhttp_t* p) {
  RequestParser* self = self_of(p);
  self->phase_ = Phase::kIdle;
  self->complete_ = true;
  if (p->upgrade != 0) {
    // llhttp stops by itself (HPE_PAUSED_UPGRADE) and what follows is not HTTP/1.1.
    self->upgrade_ = true;
    return HPE_OK;
  }
  return HPE_PAUSED;  // hand the request over before parsing the next one
}

}  // namespace pb::http
