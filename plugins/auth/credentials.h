// Where a request's session token comes from (wire spec §7.2), as pure functions over header
// values: no allocation, no host calls, so the fuzz target (tests/fuzz/auth_header_fuzz.cpp)
// compiles this header alone.
//
// Order, as Mattermost's ParseAuthTokenFromRequest:
//   1. the MMAUTHTOKEN cookie (it wins over the Authorization header);
//   2. "Authorization: Bearer <t>": the first 6 bytes upper-cased equal "BEARER", the token is
//      everything after byte 7 (one separator assumed, as Mattermost);
//   3. "Authorization: Token <t>": the first 5 bytes lower-cased equal "token", token after byte 6.
// Deviation (documented in plugins/auth/README.md): an EMPTY MMAUTHTOKEN cookie (what logout
// leaves behind in some browsers) is treated as absent, so it cannot mask a valid header token.
//
// Every returned view points into the input it was given.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace pb::auth {

inline char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

inline bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
  }
  return true;
}

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of cookie `name` in one Cookie header ("a=1; MMAUTHTOKEN=xyz; b=2"), nullopt when
// absent. Names compare exactly (cookie names are case-sensitive); a value in double quotes is
// unquoted, as Go's net/http does.
inline std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = trim_ows(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim_ows(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim_ows(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

// The token in an Authorization header value, nullopt when the scheme is neither Bearer nor
// Token or the token is empty.
inline std::optional<std::string_view> authorization_token(std::string_view value) {
  std::string_view token;
  if (value.size() > 6 && iequals_ascii(value.substr(0, 6), "BEARER")) {
    token = value.substr(7);
  } else if (value.size() > 5 && iequals_ascii(value.substr(0, 5), "TOKEN")) {
    token = value.substr(6);
  } else {
    return std::nullopt;
  }
  if (token.empty()) return std::nullopt;
  return token;
}

struct Credential {
  std::string_view token;
  bool from_cookie = false;  // cookie-authenticated non-GET requests are CSRF-checked
};

// Finds the credential among a request's headers. `for_each_header(fn)` must call
// fn(name, value) for every header in arrival order (several Cookie headers are allowed; the
// first Authorization header counts).
template <typename ForEachHeader>
std::optional<Credential> extract_credential(ForEachHeader&& for_each_header) {
  std::optional<std::string_view> cookie_token;
  std::optional<std::string_view> authorization;
  for_each_header([&](std::string_view name, std::string_view value) {
    if (!cookie_token && iequals_ascii(name, "Cookie")) {
      auto v = cookie_value(value, "MMAUTHTOKEN");
      if (v && !v->empty()) cookie_token = v;
    } else if (!authorization && iequals_ascii(name, "Authorization")) {
      authorization = value;
    }
  });
  if (cookie_token) return Credential{*cookie_token, true};
  if (authorization) {
    if (auto t = authorization_token(*authorization)) return Credential{*t, false};
  }
  return std::nullopt;
}

}  // namespace pb::auth
