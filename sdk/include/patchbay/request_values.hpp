// Pure helpers for what a plugin reads off a request: the space-separated role list the host
// gives for a user or membership ("system_user system_admin"), and raw query-string values.
// Header-only, no host needed; any thread.
#pragma once

#include <algorithm>
#include <optional>
#include <string_view>

namespace pb::sdk {

// Whether the space-separated role list `roles` holds `role` (whole names only).
inline bool has_role(std::string_view roles, std::string_view role) {
  while (!roles.empty()) {
    size_t space = roles.find(' ');
    if (roles.substr(0, space) == role) return true;
    if (space == std::string_view::npos) break;
    roles.remove_prefix(space + 1);
  }
  return false;
}

// The raw value of `name` in a query string ("a=1&b&c=x"): "1" for a, "" for b, nullopt when
// absent. Not percent-decoded: ids, numbers and booleans need none; decode other values.
inline std::optional<std::string_view> query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

}  // namespace pb::sdk
