#include "plugins/slash_commands/api_util.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace pb::slash {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string> percent_decode(std::string_view value) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      if (i + 2 >= value.size()) return std::nullopt;
      int hi = hex(value[i + 1]), lo = hex(value[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

int fail(const sdk::Request& req, const ApiError& e) {
  return req.respond_error(e.status, e.id, e.message);
}

int forbidden(const sdk::Request& req) {
  return req.respond_error(403, "api.context.permissions.app_error",
                           "You do not have the appropriate permissions.");
}

int invalid_url_param(const sdk::Request& req, std::string_view name) {
  return req.respond_error(400, "api.context.invalid_url_param.app_error",
                           "Invalid or missing " + std::string(name) + " parameter in request URL.");
}

int commands_disabled(const sdk::Request& req) {
  return req.respond_error(501, "api.command.disabled.app_error",
                           "Commands have been disabled by the system admin.");
}

}  // namespace pb::slash
