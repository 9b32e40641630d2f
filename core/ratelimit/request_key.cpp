#include "core/ratelimit/request_key.h"

#include "core/http/request.h"

namespace pb::ratelimit {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The first address of a forwarding header's value.
std::string_view first_address(std::string_view value) {
  value = trim(value);
  size_t end = 0;
  while (end < value.size() && !is_space(value[end]) && value[end] != ',') ++end;
  return value.substr(0, end);
}

// The value of cookie `name` in any Cookie header ("a=1; MMAUTHTOKEN=x; b=2"), if present.
std::string_view cookie_value(const http::Request& request, std::string_view name) {
  for (size_t i = 0; i < request.header_count(); ++i) {
    http::HeaderView h = request.header_at(i);
    if (!iequals(h.name, "cookie")) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (!value.empty()) return value;
    }
  }
  return {};
}

// The raw value of query parameter `name` (not percent-decoded: it only has to tell keys apart).
std::string_view query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
  }
  return {};
}

}  // namespace

std::string_view client_ip(const http::Request& request, std::string_view remote_addr,
                           const std::vector<std::string>& trusted_proxy_headers) {
  for (const std::string& name : trusted_proxy_headers) {
    auto value = request.header(name);
    if (!value) continue;
    std::string_view address = first_address(*value);
    if (!address.empty()) return address;
  }
  return remote_addr;
}

std::string_view auth_token(const http::Request& request) {
  if (std::string_view cookie = cookie_value(request, "MMAUTHTOKEN"); !cookie.empty()) {
    return cookie;
  }
  if (auto authorization = request.header("authorization")) {
    // As Mattermost: the scheme compared case-insensitively, one separator character assumed.
    std::string_view a = *authorization;
    if (a.size() > 7 && iequals(a.substr(0, 6), "bearer")) return a.substr(7);
    if (a.size() > 6 && iequals(a.substr(0, 5), "token")) return a.substr(6);
  }
  return query_value(request.query(), "access_token");
}

void build_key(const http::Request& request, std::string_view remote_addr,
               const KeyOptions& options, std::string& out) {
  out.clear();
  std::string_view token = options.by_user ? auth_token(request) : std::string_view();
  if (!token.empty()) {
    out.append(token);
  } else if (options.by_remote_addr) {
    out.append(client_ip(request, remote_addr, options.trusted_proxy_headers));
  }
  if (!options.header.empty()) {
    if (auto value = request.header(options.header)) {
      for (char c : *value) out.push_back(lower(c));
    }
  }
}

}  // namespace pb::ratelimit
