#include "core/config/listen_address.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include "patchbay/plugin.h"

namespace pb::config {
namespace {

Error invalid(std::string_view text, std::string_view reason) {
  return make_error(PB_E_INVALID, fmt::format("listen address \"{}\": {}", text, reason));
}

bool is_host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  ListenAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return invalid(text, "missing ']' after the IPv6 address");
    out.host = std::string(text.substr(1, close - 1));
    in6_addr ignored;
    if (inet_pton(AF_INET6, out.host.c_str(), &ignored) != 1) {
      return invalid(text, "not an IPv6 address inside the brackets");
    }
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return invalid(text, "missing \":PORT\" after the brackets");
    }
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid(text, "missing \":PORT\"");
    const std::string_view host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return invalid(text, "an IPv6 address needs brackets, as in \"[::1]:8065\"");
    }
    for (char c : host) {
      if (!is_host_name_char(c)) return invalid(text, "the host has a character not allowed in a name");
    }
    out.host = host.empty() ? "0.0.0.0" : std::string(host);
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty() || port_text.size() > 5) return invalid(text, "the port must be 0..65535");
  std::uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return invalid(text, "the port must be 0..65535");
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return invalid(text, "the port must be 0..65535");
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

}  // namespace pb::config
