#include "core/http_client/url.h"

#include <charconv>

#include <fmt/format.h>

#include "patchbay/plugin.h"

namespace pb::http_client {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

// Bytes that never belong in a URL we put on a request line: controls, space, DEL, and the
// characters that would end or confuse the request line.
bool acceptable_url_byte(unsigned char c) { return c > 0x20 && c != 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' && c != '}'; }

// RFC 3986 reg-name, restricted to what DNS and IPv4 literals use (letters, digits, '-', '.',
// '_'). Percent-encoded or internationalised names are refused: callers send punycode.
bool valid_reg_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool valid_ipv6_literal(std::string_view host) {
  if (host.empty() || host.size() > 45) return false;
  for (char c : host) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Error invalid(std::string message) { return make_error(PB_E_INVALID, std::move(message)); }

}  // namespace

std::string Url::host_header() const {
  bool default_port = (https && port == 443) || (!https && port == 80);
  std::string out;
  out.reserve(host.size() + 8);
  if (host_is_ipv6) out += '[';
  out += host;
  if (host_is_ipv6) out += ']';
  if (!default_port) fmt::format_to(std::back_inserter(out), ":{}", port);
  return out;
}

std::string Url::origin() const {
  // Built for every request (the pool's key): appends, not fmt::format's parse of a pattern.
  char digits[8];
  auto end = std::to_chars(digits, digits + sizeof digits, port).ptr;
  std::string out;
  out.reserve(host.size() + 17);
  out += https ? "https://" : "http://";
  if (host_is_ipv6) out += '[';
  out += host;
  if (host_is_ipv6) out += ']';
  out += ':';
  out.append(digits, end);
  return out;
}

Result<Url> parse_url(std::string_view text) {
  Url url;
  for (unsigned char c : text) {
    if (!acceptable_url_byte(c)) return invalid("the URL contains a space, a control byte or a character that must be escaped");
  }
  std::string_view rest;
  if (starts_with_ci(text, "http://")) {
    rest = text.substr(7);
  } else if (starts_with_ci(text, "https://")) {
    url.https = true;
    rest = text.substr(8);
  } else {
    return invalid("the URL must start with http:// or https://");
  }
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return invalid("user info in the URL is not supported");

  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unterminated IPv6 literal in the URL");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid("junk after the IPv6 literal in the URL");
      port_text = after.substr(1);
      if (port_text.empty()) return invalid("empty port in the URL");
    }
    url.host_is_ipv6 = true;
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return invalid("empty port in the URL");
    }
  }
  url.host.reserve(host.size());
  for (char c : host) url.host += lower(c);
  if (url.host_is_ipv6 ? !valid_ipv6_literal(url.host) : !valid_reg_name(url.host)) {
    return invalid(fmt::format("invalid host '{}' in the URL", host));
  }

  url.port = url.https ? 443 : 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5) return invalid("the URL's port is out of range");
    uint32_t port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return invalid("the URL's port is not a number");
      port = port * 10 + uint32_t(c - '0');
    }
    if (port == 0 || port > 65535) return invalid("the URL's port is out of range");
    url.port = static_cast<uint16_t>(port);
  }

  size_t fragment = tail.find('#');
  if (fragment != std::string_view::npos) tail = tail.substr(0, fragment);
  if (tail.empty()) {
    url.target = "/";
  } else if (tail.front() == '?') {
    url.target.reserve(tail.size() + 1);
    url.target = "/";
    url.target += tail;
  } else {
    url.target = tail;
  }
  return url;
}

}  // namespace pb::http_client
