#include "core/http_client/request_writer.h"

#include <fmt/format.h>

#include "core/http/ascii.h"

namespace pb::http_client {
namespace {

std::string_view sv(pb_str s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }
bool valid(pb_str s) { return s.data != nullptr || s.len == 0; }

bool host_owned(std::string_view name) {
  return http::iequals(name, "host") || http::iequals(name, "content-length") ||
         http::iequals(name, "transfer-encoding") || http::iequals(name, "connection");
}

}  // namespace

Result<void> validate_request(pb_str method, const pb_http_header* headers, size_t header_count) {
  if (!valid(method) || method.len == 0 || method.len > 32) {
    return make_error(PB_E_INVALID, "the method must be a token of 1..32 upper-case letters");
  }
  for (char c : sv(method)) {
    if (c < 'A' || c > 'Z') {
      return make_error(PB_E_INVALID, "the method must be a token of 1..32 upper-case letters");
    }
  }
  if (header_count > 0 && headers == nullptr) return make_error(PB_E_INVALID, "headers is NULL");
  if (header_count > 256) return make_error(PB_E_INVALID, "more than 256 request headers");
  for (size_t i = 0; i < header_count; ++i) {
    if (!valid(headers[i].name) || !valid(headers[i].value)) {
      return make_error(PB_E_INVALID, "a header string is NULL");
    }
    if (!http::is_token(sv(headers[i].name))) {
      return make_error(PB_E_INVALID, fmt::format("header {}: the name is not a token", i));
    }
    if (http::has_line_break_or_nul(sv(headers[i].value))) {
      return make_error(PB_E_INVALID, fmt::format("header {}: CR, LF or NUL in the value", i));
    }
  }
  return {};
}

void write_request(std::string& out, std::string_view method, const Url& url,
                   const pb_http_header* headers, size_t header_count, std::string_view body,
                   std::string_view user_agent) {
  out.clear();
  size_t size = method.size() + url.target.size() + url.host.size() + body.size() + 128;
  for (size_t i = 0; i < header_count; ++i) size += headers[i].name.len + headers[i].value.len + 4;
  out.reserve(size);
  auto append = [&out](std::string_view s) { out.append(s.data(), s.size()); };
  append(method);
  out += ' ';
  append(url.target);
  append(" HTTP/1.1\r\nHost: ");
  append(url.host_header());
  append("\r\n");
  bool has_user_agent = false;
  for (size_t i = 0; i < header_count; ++i) {
    std::string_view name = sv(headers[i].name);
    if (host_owned(name)) continue;
    if (http::iequals(name, "user-agent")) has_user_agent = true;
    append(name);
    append(": ");
    append(sv(headers[i].value));
    append("\r\n");
  }
  if (!has_user_agent && !user_agent.empty()) {
    append("User-Agent: ");
    append(user_agent);
    append("\r\n");
  }
  // A body-less GET/HEAD/DELETE goes without Content-Length, as browsers and Go send them;
  // anything that carries a body (or is a POST/PUT/PATCH) states its length.
  bool says_length = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (says_length) fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", body.size());
  append("Connection: keep-alive\r\n\r\n");
  append(body);
}

}  // namespace pb::http_client
