#include "core/http/request.h"

#include <cassert>
#include <charconv>

#include "core/http/ascii.h"
#include "core/http/connection.h"
#include "core/http/error_body.h"
#include "core/http/server_context.h"
#include "core/http/status_text.h"
#include "core/util/ids.h"
#include "core/util/place.h"
#include "patchbay/plugin.h"

namespace pb::http {
namespace {

// Headers the server writes itself; letting the host add them would allow broken framing or
// contradict what the server does with the connection.
constexpr std::string_view kOwnedHeaders[] = {"content-length", "content-type",
                                              "transfer-encoding", "connection",
                                              "x-request-id",   "x-version-id"};

}  // namespace

std::string_view Request::path() const {
  std::string_view t = target_;
  // Absolute-form ("http://host/path?q", proxies) carries the path after the authority.
  if (!t.empty() && t[0] != '/') {
    size_t scheme = t.find("://");
    if (scheme != std::string_view::npos) {
      size_t slash = t.find('/', scheme + 3);
      t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
    }
  }
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  std::string_view t = target_;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string_view Request::remote_addr() const {
  return conn_ != nullptr ? conn_->remote_addr() : std::string_view();
}

HeaderView Request::header_at(size_t i) const {
  const HeaderSlot& h = headers_[i];
  std::string_view bytes = header_bytes_;
  return {bytes.substr(h.name_off, h.name_len), bytes.substr(h.value_off, h.value_len)};
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (size_t i = 0; i < headers_.size(); ++i) {
    HeaderView h = header_at(i);
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

void Request::set_params(const Params& params) {
  if (params_.size() < params.size()) params_.resize(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    params_[i].name.assign(params[i].name);
    params_[i].value.assign(params[i].value);
  }
  params_used_ = params.size();
}

std::optional<std::string_view> Request::param(std::string_view name) const {
  for (size_t i = 0; i < params_used_; ++i) {
    if (params_[i].name == name) return std::string_view(params_[i].value);
  }
  return std::nullopt;
}

void Request::set_identity(std::string_view user_id, std::string_view session_id,
                           std::string_view roles) {
  user_id_.assign(user_id);
  session_id_.assign(session_id);
  roles_.assign(roles);
}

void Request::begin() {
  method_ = {};
  target_.clear();
  header_bytes_.clear();
  headers_.clear();
  body_.clear();
  pb::new_id(request_id_);
  http_minor_ = 1;
  keep_alive_ = true;
  expects_continue_ = false;
  params_used_ = 0;  // the storage stays for the next message's parameters
  user_id_.clear();
  session_id_.clear();
  roles_.clear();
  host_data = nullptr;
  host_started_ns = 0;
  host_route = 0;
  extra_headers_.clear();
  response_.clear();
  response_body_at_ = 0;
  response_status_ = 0;
  answered_ = false;
  on_local_answer_ = nullptr;
  local_user_ = nullptr;
  dispatched_ = false;
  close_after_ = false;
  continue_sent_ = false;
}

bool Request::peer_gone() const { return conn_ != nullptr && conn_->peer_finished(); }

int Request::add_header(std::string_view name, std::string_view value) {
  if (answered_) return PB_E_STATE;
  if (!is_token(name) || has_line_break_or_nul(value)) return PB_E_INVALID;
  for (std::string_view owned : kOwnedHeaders) {
    if (iequals(name, owned)) return PB_E_INVALID;
  }
  extra_headers_.append(name).append(": ").append(value).append("\r\n");
  return PB_OK;
}

bool Request::closes_connection() const {
  return conn_ != nullptr ? conn_->closes_after(*this) : (close_after_ || !keep_alive_);
}

void Request::build_response(int status, std::string_view content_type, std::string_view body) {
  close_after_ = closes_connection();
  // 204 and 304 carry no body; 204 must not even announce a length (RFC 9110 8.6).
  const bool bodiless = status == 204 || status == 304;
  const bool head = method_ == "HEAD";
  // Measured first, then placed in one go (every response goes through here).
  const Digits code(static_cast<size_t>(status));
  const Digits length(bodiless ? 0 : body.size());
  const std::string_view reason = status_text(status);
  const std::string_view version = ctx_ != nullptr ? std::string_view(ctx_->version_line) : "";
  const std::string_view connection = close_after_       ? "Connection: close\r\n"
                                      : http_minor_ == 0 ? "Connection: keep-alive\r\n"
                                                         : "";
  const std::string_view id(request_id_, sizeof request_id_);
  const std::string_view sent_body = bodiless || head ? std::string_view() : body;
  static constexpr std::string_view kStatus = "HTTP/1.1 ",
                                    kType = "Content-Type: ", kLength = "Content-Length: ",
                                    kId = "X-Request-Id: ", kEnd = "\r\n";
  size_t size = kStatus.size() + code.size + 1 + reason.size() + kEnd.size() + kId.size() +
                id.size() + kEnd.size() + version.size() + connection.size() +
                extra_headers_.size() + kEnd.size() + sent_body.size();
  if (!content_type.empty()) size += kType.size() + content_type.size() + kEnd.size();
  if (status != 204) size += kLength.size() + length.size + kEnd.size();

  response_.clear();
  response_.resize(size);
  char* at = place(place(response_.data(), kStatus), code.view());
  *at++ = ' ';
  at = place(place(at, reason), kEnd);
  if (!content_type.empty()) at = place(place(place(at, kType), content_type), kEnd);
  if (status != 204) at = place(place(place(at, kLength), length.view()), kEnd);
  at = place(place(place(at, kId), id), kEnd);
  at = place(place(place(place(at, version), connection), extra_headers_), kEnd);
  response_status_ = status;
  response_body_at_ = static_cast<size_t>(at - response_.data());
  at = place(at, sent_body);
  assert(at == response_.data() + response_.size());  // every piece was measured above
  (void)at;
}

std::string_view Request::response_body() const {
  return std::string_view(response_).substr(response_body_at_);
}

int Request::begin_local(std::string_view method, std::string_view target, std::string_view body,
                         LocalAnswerFn on_answer, void* user) {
  // method_ is a view, as the parser's (llhttp's static names): point it at static storage too.
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
  const std::string_view* known = nullptr;
  for (const std::string_view& m : kMethods) {
    if (m == method) known = &m;
  }
  if (known == nullptr || target.empty() || target[0] != '/' || on_answer == nullptr) {
    return PB_E_INVALID;
  }
  begin();
  method_ = *known;
  target_.assign(target);
  body_.assign(body);
  on_local_answer_ = on_answer;
  local_user_ = user;
  return PB_OK;
}

int Request::respond(int status, std::string_view content_type, std::string_view body) {
  if (answered_) return PB_E_STATE;
  if (status < 200 || status > 599 || has_line_break_or_nul(content_type)) return PB_E_INVALID;
  build_response(status, content_type, body);
  answered_ = true;
  if (dispatched_ && ctx_ != nullptr && ctx_->on_answered != nullptr) {
    ctx_->on_answered(ctx_->on_answered_user, *this);
  }
  // The connection may recycle (or free) this object inside on_answered: nothing after it.
  if (conn_ != nullptr) {
    conn_->on_answered(*this);
  } else if (on_local_answer_ != nullptr) {
    on_local_answer_(local_user_, *this);
  }
  return PB_OK;
}

int Request::respond_error(int status, std::string_view id, std::string_view message,
                           std::string_view detailed) {
  if (answered_) return PB_E_STATE;
  if (status < 200 || status > 599) return PB_E_INVALID;
  bool expose = ctx_ != nullptr && ctx_->expose_detailed_errors;
  std::string body;
  append_error_body(body, status, id, message, expose ? detailed : std::string_view(),
                    request_id());
  return respond(status, "application/json", body);
}

}  // namespace pb::http
