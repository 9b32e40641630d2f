#include "core/http_client/response_parser.h"

#include <algorithm>

namespace pb::http_client {

ResponseParser::ResponseParser() {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &on_message_begin;
  settings_.on_status = &on_status;
  settings_.on_header_field = &on_header_field;
  settings_.on_header_value = &on_header_value;
  settings_.on_headers_complete = &on_headers_complete;
  settings_.on_body = &on_body;
  settings_.on_message_complete = &on_message_complete;
  begin(false, 0);
}

void ResponseParser::begin(bool head, size_t max_body) {
  llhttp_init(&parser_, HTTP_RESPONSE, &settings_);
  parser_.data = this;
  head_ = head;
  max_body_ = max_body;
  started_ = false;
  complete_ = false;
  too_large_ = false;
  keep_alive_ = false;
  error_ = {};
  reset_message();
}

void ResponseParser::reset_message() {
  status_ = 0;
  header_state_ = HeaderState::kNone;
  header_bytes_.clear();
  spans_.clear();
  header_views_.clear();
  body_.clear();
}

void ResponseParser::shrink(size_t bytes) {
  if (body_.capacity() > bytes) std::string().swap(body_);
  if (header_bytes_.capacity() > bytes) std::string().swap(header_bytes_);
}

ResponseParser::Step ResponseParser::feed(std::string_view bytes) {
  if (complete_ || too_large_ || !error_.empty()) return {Outcome::kError, 0};
  if (!bytes.empty()) started_ = true;
  llhttp_errno_t rc = llhttp_execute(&parser_, bytes.data(), bytes.size());
  if (rc == HPE_OK) return {Outcome::kNeedMore, bytes.size()};
  size_t consumed = bytes.size();
  if (const char* pos = llhttp_get_error_pos(&parser_); pos != nullptr) {
    consumed = static_cast<size_t>(pos - bytes.data());
  }
  if (rc == HPE_PAUSED && complete_) return {Outcome::kComplete, consumed};
  if (too_large_) return {Outcome::kTooLarge, consumed};
  if (error_.empty()) error_ = llhttp_get_error_reason(&parser_) ? llhttp_get_error_reason(&parser_) : "malformed response";
  return {Outcome::kError, consumed};
}

ResponseParser::Outcome ResponseParser::finish() {
  if (complete_) return Outcome::kComplete;
  if (too_large_) return Outcome::kTooLarge;
  if (!error_.empty()) return Outcome::kError;
  if (!started_) {
    error_ = "the connection closed before a response";
    return Outcome::kError;
  }
  llhttp_errno_t rc = llhttp_finish(&parser_);
  if ((rc == HPE_OK || rc == HPE_PAUSED) && complete_) return Outcome::kComplete;
  if (too_large_) return Outcome::kTooLarge;
  error_ = "the connection closed in the middle of the response";
  return Outcome::kError;
}

bool ResponseParser::append_header_bytes(const char* at, size_t len) {
  if (header_bytes_.size() + len > kMaxHeaderBytes) {
    fail("the response headers exceed 64 KiB");
    return false;
  }
  header_bytes_.append(at, len);
  return true;
}

int ResponseParser::on_message_begin(llhttp_t* p) {
  self(p).reset_message();
  return 0;
}

int ResponseParser::on_status(llhttp_t* p, const char*, size_t) { return 0; }

int ResponseParser::on_header_field(llhttp_t* p, const char* at, size_t len) {
  ResponseParser& r = self(p);
  if (r.header_state_ != HeaderState::kField) {
    if (r.spans_.size() >= kMaxHeaders) {
      r.fail("the response has more than 128 headers");
      return -1;
    }
    r.spans_.push_back(HeaderSpan{r.header_bytes_.size(), 0, 0, 0});
    r.header_state_ = HeaderState::kField;
  }
  if (!r.append_header_bytes(at, len)) return -1;
  r.spans_.back().name_len += len;
  return 0;
}

int ResponseParser::on_header_value(llhttp_t* p, const char* at, size_t len) {
  ResponseParser& r = self(p);
  if (r.header_state_ != HeaderState::kValue) {
    r.spans_.back().value_at = r.header_bytes_.size();
    r.header_state_ = HeaderState::kValue;
  }
  if (!r.append_header_bytes(at, len)) return -1;
  r.spans_.back().value_len += len;
  return 0;
}

int ResponseParser::on_headers_complete(llhttp_t* p) {
  ResponseParser& r = self(p);
  r.status_ = p->status_code;
  // llhttp takes any 1..3-digit code; plugin.h promises 100..599 (RFC 9110's range).
  if (r.status_ < 100 || r.status_ > 599) {
    r.fail("the status code is outside 100..599");
    return -1;
  }
  if (r.status_ == 101) {
    r.fail("the server switched protocols (101) without being asked");
    return -1;
  }
  bool interim = r.status_ >= 100 && r.status_ < 200;
  // No body follows, whatever Content-Length says: the answer to HEAD, and 204/304, which never
  // have one (llhttp 8.1 would wait for a 304's announced length).
  bool bodyless = r.head_ || r.status_ == 204 || r.status_ == 304;
  if (!interim && !bodyless && (p->flags & F_CONTENT_LENGTH) != 0) {
    // An announced length over the cap is refused before a single body byte is buffered; under
    // it, the body is reserved at once (never for a bodyless answer: a 304 announcing 2^56
    // bytes made this reserve that much, found by the fuzz target).
    if (p->content_length > r.max_body_) {
      r.too_large_ = true;
      return -1;
    }
    r.body_.reserve(static_cast<size_t>(p->content_length));
  }
  // 1: skip the body (see bodyless).
  return bodyless && !interim ? 1 : 0;
}

int ResponseParser::on_body(llhttp_t* p, const char* at, size_t len) {
  ResponseParser& r = self(p);
  if (r.body_.size() + len > r.max_body_) {
    r.too_large_ = true;
    return -1;
  }
  r.body_.append(at, len);
  return 0;
}

int ResponseParser::on_message_complete(llhttp_t* p) {
  ResponseParser& r = self(p);
  int status = p->status_code;
  if (status >= 100 && status < 200) return 0;  // interim: the real response follows
  r.keep_alive_ = llhttp_should_keep_alive(p) != 0;
  r.header_views_.reserve(r.spans_.size());
  for (const HeaderSpan& s : r.spans_) {
    r.header_views_.push_back(
        pb_http_header{{r.header_bytes_.data() + s.name_at, s.name_len},
                       {s.value_len ? r.header_bytes_.data() + s.value_at : r.header_bytes_.data(),
                        s.value_len}});
  }
  r.complete_ = true;
  return HPE_PAUSED;  // stop here: bytes after the response are not ours
}

}  // namespace pb::http_client
