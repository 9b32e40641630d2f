#include "core/ratelimit/request_limiter.h"

#include <charconv>

#include "core/http/request.h"

namespace pb::ratelimit {
namespace {

// Adds `name: value` with the integer formatted on the stack.
void add_number(http::Request& request, std::string_view name, int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  request.add_header(name, std::string_view(digits, static_cast<size_t>(end - digits)));
}

}  // namespace

std::shared_ptr<RequestLimiter> RequestLimiter::from_config(const config::Config& config) {
  const auto& s = config.rate_limit;
  if (!s.Enable) return nullptr;
  KeyOptions options;
  options.by_remote_addr = s.VaryByRemoteAddr;
  options.by_user = s.VaryByUser;
  options.header = s.VaryByHeader;
  options.trusted_proxy_headers = config.service.TrustedProxyIPHeader;
  return std::make_shared<RequestLimiter>(Quota::per_second(s.PerSec, s.MaxBurst),
                                          static_cast<size_t>(s.MemoryStoreSize),
                                          std::move(options));
}

RequestLimiter::RequestLimiter(Quota quota, size_t keys, KeyOptions options)
    : limiter_(quota, keys), options_(std::move(options)) {
  key_.reserve(64);  // a token plus a short header value fits without growing
}

std::string_view RequestLimiter::key_of(const http::Request& request) {
  build_key(request, request.remote_addr(), options_, key_);
  return key_;
}

bool RequestLimiter::admit(http::Request& request, int64_t now_ns) {
  return count(request, key_of(request), now_ns);
}

bool RequestLimiter::admit_user(http::Request& request, std::string_view user_id, int64_t now_ns) {
  if (!options_.by_user || user_id.empty()) return true;
  return count(request, user_id, now_ns);
}

bool RequestLimiter::count(http::Request& request, std::string_view key, int64_t now_ns) {
  Decision d = limiter_.take(key, now_ns);
  // Go's header canonicalisation puts these casings on Mattermost's wire (spec §1.2).
  add_number(request, "X-Ratelimit-Limit", d.limit);
  add_number(request, "X-Ratelimit-Remaining", d.remaining);
  add_number(request, "X-Ratelimit-Reset", ceil_seconds(d.reset_ns));
  if (!d.limited) return true;
  add_number(request, "Retry-After", ceil_seconds(d.retry_after_ns));
  request.add_header("X-Content-Type-Options", "nosniff");
  request.respond(429, "text/plain; charset=utf-8", "limit exceeded\n");
  return false;
}

}  // namespace pb::ratelimit
