#include "core/config/checks.h"

#include <algorithm>

#include "core/config/listen_address.h"

namespace pb::config {

bool Check::accepts(std::string_view value) const {
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    return false;
  }
  return syntax_ok == nullptr || syntax_ok(value);
}

namespace checks {

Check listen_address() {
  Check c;
  c.syntax_ok = [](std::string_view value) { return parse_listen_address(value).ok(); };
  c.syntax_description = R"(a listen address such as ":8065", "127.0.0.1:8065" or "[::1]:8065")";
  return c;
}

Check http_url() {
  Check c;
  c.syntax_ok = [](std::string_view value) {
    if (value.empty()) return true;
    for (std::string_view scheme : {"http://", "https://"}) {
      if (value.size() > scheme.size() && value.substr(0, scheme.size()) == scheme &&
          value[scheme.size()] != '/') {
        return value.find_first_of(" \t\r\n") == std::string_view::npos;
      }
    }
    return false;
  };
  c.syntax_description = R"(empty or an http:// or https:// URL such as "https://chat.example.com")";
  return c;
}

}  // namespace checks
}  // namespace pb::config
