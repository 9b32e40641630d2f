// Parsing of the absolute http:// and https:// URLs that http_fetch accepts.
//
// Deliberately strict: a URL with user info, a fragment-only target, spaces, control bytes or a
// port outside 1..65535 is refused (PB_E_INVALID at the ABI), so what reaches the wire and the
// address guard is exactly what the caller meant. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace pb::http_client {

struct Url {
  bool https = false;
  std::string host;    // lower-cased; an IPv6 literal without its brackets
  bool host_is_ipv6 = false;  // the host was a bracketed literal ("[::1]")
  uint16_t port = 0;   // explicit or the scheme's default (80 / 443)
  std::string target;  // path and query as sent on the request line ("/" when empty); no fragment

  // The Host header value: host (bracketed when IPv6), with ":port" unless it is the default.
  std::string host_header() const;
  // "https://host:port": the key of the connection pool.
  std::string origin() const;
};

// Parses an absolute URL. Errors (PB_E_INVALID) name what is wrong.
Result<Url> parse_url(std::string_view text);

}  // namespace pb::http_client
