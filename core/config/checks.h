// Value checks of the key table (config_keys.h): what a key's value must satisfy beyond its type.
// Pure functions, no state; any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace pb::config {

struct Check {
  // Int keys: inclusive bounds.
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  // String keys: when non-empty, the value must equal one of these (case-sensitive).
  std::vector<std::string_view> allowed;
  // String keys: a syntax the value must have, and how to say so ("a listen address such as ...").
  bool (*syntax_ok)(std::string_view value) = nullptr;
  std::string_view syntax_description;

  bool has_range() const {
    return min != std::numeric_limits<std::int64_t>::min() ||
           max != std::numeric_limits<std::int64_t>::max();
  }
  bool accepts(std::int64_t value) const { return value >= min && value <= max; }
  bool accepts(std::string_view value) const;
};

// The check builders used in the key table.
namespace checks {
inline Check any() { return {}; }
inline Check range(std::int64_t min, std::int64_t max) {
  Check c;
  c.min = min;
  c.max = max;
  return c;
}
template <typename... Values>
Check one_of(Values... values) {
  Check c;
  c.allowed = {std::string_view(values)...};
  return c;
}
// ":PORT", "HOST:PORT" or "[IPv6]:PORT" (see listen_address.h).
Check listen_address();
// "" or an absolute http:// or https:// URL with a host.
Check http_url();
}  // namespace checks

}  // namespace pb::config
