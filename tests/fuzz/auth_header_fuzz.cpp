// libFuzzer target for the auth plugin's credential extraction (plugins/auth/credentials.h):
// arbitrary bytes split into header (name, value) pairs must never crash, and every token found
// must be a non-empty view inside the input it came from.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "plugins/auth/credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Lines "name:value" separated by '\n'.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  while (!input.empty()) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      headers.emplace_back(line, std::string_view{});
    } else {
      headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  auto inside = [&](std::string_view token) {
    const char* begin = reinterpret_cast<const char*>(data);
    return token.data() >= begin && token.data() + token.size() <= begin + size;
  };
  auto found = pb::auth::extract_credential([&](auto&& fn) {
    for (const auto& [n, v] : headers) fn(n, v);
  });
  if (found && (found->token.empty() || !inside(found->token))) std::abort();
  for (const auto& [n, v] : headers) {
    if (auto t = pb::auth::authorization_token(v); t && (t->empty() || !inside(*t))) std::abort();
    if (auto c = pb::auth::cookie_value(v, "MMAUTHTOKEN"); c && !inside(*c) && !c->empty())
      std::abort();
  }
  return 0;
}
