// Key derivation over requests built by the real parser (Mattermost's app/ratelimit.go rules).
#include "core/ratelimit/request_key.h"

#include <gtest/gtest.h>

#include <string>

#include "core/http/request.h"
#include "core/http/request_parser.h"

namespace pb::ratelimit {
namespace {

constexpr std::string_view kPeer = "10.0.0.9";

// A parsed GET with the given header lines (each ending in CRLF).
class Parsed {
 public:
  explicit Parsed(std::string_view headers, std::string_view target = "/api/v4/users/me")
      : parser_(http::Limits{}) {
    std::string raw =
        "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(headers) + "\r\n";
    auto step = parser_.feed(raw, request_);
    EXPECT_EQ(step.outcome, http::RequestParser::Outcome::kComplete) << raw;
  }
  const http::Request& request() const { return request_; }

 private:
  http::RequestParser parser_;
  http::Request request_;
};

std::string key(const Parsed& p, const KeyOptions& options) {
  std::string out = "stale";
  build_key(p.request(), kPeer, options, out);
  return out;
}

KeyOptions by_ip(std::vector<std::string> trusted = {}) {
  KeyOptions o;
  o.trusted_proxy_headers = std::move(trusted);
  return o;
}

KeyOptions by_user() {
  KeyOptions o;
  o.by_user = true;
  return o;
}

TEST(ClientIp, SocketAddressWithoutTrustedHeaders) {
  Parsed p("X-Forwarded-For: 1.2.3.4\r\n");
  EXPECT_EQ(key(p, by_ip()), kPeer) << "an untrusted forwarding header is ignored";
}

TEST(ClientIp, FirstAddressOfTheTrustedHeader) {
  KeyOptions o = by_ip({"X-Forwarded-For"});
  EXPECT_EQ(key(Parsed("X-Forwarded-For: 1.2.3.4, 5.6.7.8\r\n"), o), "1.2.3.4");
  EXPECT_EQ(key(Parsed("X-Forwarded-For: 1.2.3.4,5.6.7.8\r\n"), o), "1.2.3.4");
  EXPECT_EQ(key(Parsed("x-forwarded-for:   2001:db8::1 10.0.0.1\r\n"), o), "2001:db8::1");
  EXPECT_EQ(key(Parsed("X-Real-Ip: 9.9.9.9\r\n"), o), kPeer) << "another header is not trusted";
}

TEST(ClientIp, FirstNonEmptyTrustedHeaderWins) {
  KeyOptions o = by_ip({"X-Real-IP", "X-Forwarded-For"});
  EXPECT_EQ(key(Parsed("X-Forwarded-For: 1.1.1.1\r\nX-Real-IP: 2.2.2.2\r\n"), o), "2.2.2.2")
      << "configured order, not arrival order";
  EXPECT_EQ(key(Parsed("X-Real-IP: \r\nX-Forwarded-For: 1.1.1.1\r\n"), o), "1.1.1.1");
  EXPECT_EQ(key(Parsed("X-Real-IP: ,\r\n"), o), kPeer) << "no address in it: the socket's";
}

TEST(AuthToken, CookieBeatsAuthorizationHeader) {
  Parsed p("Authorization: Bearer headertoken\r\nCookie: a=1; MMAUTHTOKEN=cookietoken; b=2\r\n");
  EXPECT_EQ(auth_token(p.request()), "cookietoken");
  EXPECT_EQ(key(p, by_user()), "cookietoken");
}

TEST(AuthToken, CookieInALaterCookieHeader) {
  Parsed p("Cookie: a=1\r\nCookie: MMAUTHTOKEN=\"quoted\"\r\n");
  EXPECT_EQ(auth_token(p.request()), "quoted");
}

TEST(AuthToken, SchemesAreCaseInsensitive) {
  for (const char* scheme : {"Bearer", "bearer", "BEARER", "Token", "token"}) {
    Parsed p("Authorization: " + std::string(scheme) + " abc123\r\n");
    EXPECT_EQ(auth_token(p.request()), "abc123") << scheme;
  }
  EXPECT_EQ(auth_token(Parsed("Authorization: Basic dXNlcjpwdw==\r\n").request()), "");
  EXPECT_EQ(auth_token(Parsed("Authorization: Bearer\r\n").request()), "");
}

TEST(AuthToken, AccessTokenQueryParameterLast) {
  Parsed q("", "/api/v4/users/me?x=1&access_token=qtok&y=2");
  EXPECT_EQ(auth_token(q.request()), "qtok");
  Parsed both("Authorization: Bearer htok\r\n", "/api/v4/users/me?access_token=qtok");
  EXPECT_EQ(auth_token(both.request()), "htok");
  EXPECT_EQ(auth_token(Parsed("", "/x?my_access_token=no").request()), "");
}

TEST(BuildKey, UserFallsBackToIpOnlyWhenRemoteAddrIsOn) {
  Parsed anonymous("");
  EXPECT_EQ(key(anonymous, by_user()), kPeer);
  KeyOptions user_only = by_user();
  user_only.by_remote_addr = false;
  EXPECT_EQ(key(anonymous, user_only), "");
  EXPECT_EQ(key(Parsed("Authorization: Bearer t1\r\n"), user_only), "t1");
}

TEST(BuildKey, TokenReplacesIpWhenVaryingByUser) {
  Parsed p("Authorization: Bearer t1\r\n");
  EXPECT_EQ(key(p, by_user()), "t1");
  EXPECT_EQ(key(p, by_ip()), kPeer) << "VaryByUser off: the token is not looked at";
}

TEST(BuildKey, VaryByHeaderAppendsTheLowerCasedValue) {
  KeyOptions o = by_ip();
  o.header = "X-Tenant";
  EXPECT_EQ(key(Parsed("x-tenant: ACME\r\n"), o), std::string(kPeer) + "acme");
  EXPECT_EQ(key(Parsed(""), o), kPeer) << "absent header adds nothing";
  o.by_remote_addr = false;
  EXPECT_EQ(key(Parsed("X-Tenant: Acme\r\n"), o), "acme");
}

TEST(BuildKey, NothingToVaryBySharesOneKey) {
  KeyOptions o;
  o.by_remote_addr = false;
  EXPECT_EQ(key(Parsed("Authorization: Bearer t\r\n"), o), "");
}

}  // namespace
}  // namespace pb::ratelimit
