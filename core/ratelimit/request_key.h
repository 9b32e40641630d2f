// Which rate-limit bucket a request falls in: Mattermost's key derivation (app/ratelimit.go,
// wire spec §8), built into a caller-owned buffer so the hot path allocates nothing once the
// buffer has grown to a typical key's size.
//
//   VaryByUser       the auth token (MMAUTHTOKEN cookie, else an Authorization "Bearer"/"Token"
//                    credential, else the access_token query parameter); without a token, the
//                    client IP when VaryByRemoteAddr is on
//   VaryByRemoteAddr the client IP (only when VaryByUser is off, as in Mattermost)
//   VaryByHeader     the lower-cased value of that request header, appended
//
// The client IP is the first address in the first non-empty TrustedProxyIPHeader header, else
// the socket's address. "First address" ends at whitespace or a comma, so "a, b" and "a,b" both
// key on "a" (Mattermost splits only at whitespace and would key "a,b" whole; the looser rule
// keys nothing together that Mattermost keeps apart beyond the proxy chain it cannot vouch for).
//
// Threading: none (pure functions over the request).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pb::http {
class Request;
}

namespace pb::ratelimit {

struct KeyOptions {
  bool by_remote_addr = true;
  bool by_user = false;
  std::string header;                              // VaryByHeader; "" = none
  std::vector<std::string> trusted_proxy_headers;  // ServiceSettings.TrustedProxyIPHeader
};

// Replaces the contents of `out` with the key of `request`. `remote_addr` is the socket peer
// address (http::Request::remote_addr(); a parameter so tests can choose it).
void build_key(const http::Request& request, std::string_view remote_addr,
               const KeyOptions& options, std::string& out);

// The pieces, exposed for tests and for other users of the same rules.
// The client IP as described above; a view into the request or into `remote_addr`.
std::string_view client_ip(const http::Request& request, std::string_view remote_addr,
                           const std::vector<std::string>& trusted_proxy_headers);
// The auth token the request presents, in Mattermost's precedence; "" when none.
std::string_view auth_token(const http::Request& request);

}  // namespace pb::ratelimit
