#include "plugins/auth/credentials.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pb::auth {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The views returned point into `headers`: callers keep it alive while they look.
std::optional<Credential> extract(const Headers& headers) {
  return extract_credential([&](auto&& fn) {
    for (const auto& [n, v] : headers) fn(n, v);
  });
}

TEST(AuthorizationToken, BearerSchemeIsCaseInsensitive) {
  EXPECT_EQ(authorization_token("Bearer abc"), "abc");
  EXPECT_EQ(authorization_token("bearer abc"), "abc");
  EXPECT_EQ(authorization_token("BEARER abc"), "abc");
  EXPECT_EQ(authorization_token("bEaReR abc"), "abc");
}

TEST(AuthorizationToken, TokenScheme) {
  EXPECT_EQ(authorization_token("Token abc"), "abc");
  EXPECT_EQ(authorization_token("token abc"), "abc");
}

TEST(AuthorizationToken, OtherSchemesAndEmptyTokensAreRefused) {
  EXPECT_FALSE(authorization_token("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(authorization_token("Bearer"));
  EXPECT_FALSE(authorization_token("Bearer "));
  EXPECT_FALSE(authorization_token("Token "));
  EXPECT_FALSE(authorization_token(""));
  EXPECT_FALSE(authorization_token("abc"));
}

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(cookie_value("a=1; MMAUTHTOKEN=xyz; b=2", "MMAUTHTOKEN"), "xyz");
  EXPECT_EQ(cookie_value("MMAUTHTOKEN=xyz", "MMAUTHTOKEN"), "xyz");
  EXPECT_EQ(cookie_value("MMAUTHTOKEN=\"xyz\"", "MMAUTHTOKEN"), "xyz");
  EXPECT_FALSE(cookie_value("mmauthtoken=xyz", "MMAUTHTOKEN"));  // names are case-sensitive
  EXPECT_FALSE(cookie_value("MMAUTHTOKENX=xyz; junk", "MMAUTHTOKEN"));
  EXPECT_FALSE(cookie_value("", "MMAUTHTOKEN"));
}

TEST(ExtractCredential, CookieWinsOverAuthorization) {
  Headers h{{"Authorization", "Bearer header"}, {"Cookie", "MMAUTHTOKEN=cookie"}};
  auto c = extract(h);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->token, "cookie");
  EXPECT_TRUE(c->from_cookie);
}

TEST(ExtractCredential, AuthorizationWhenNoCookie) {
  Headers h{{"cookie", "other=1"}, {"authorization", "BEARER header"}};
  auto c = extract(h);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->token, "header");
  EXPECT_FALSE(c->from_cookie);
}

TEST(ExtractCredential, SecondCookieHeaderIsSearched) {
  Headers h{{"Cookie", "a=1"}, {"Cookie", "MMAUTHTOKEN=t2"}};
  auto c = extract(h);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->token, "t2");
}

TEST(ExtractCredential, EmptyCookieDoesNotMaskTheHeader) {
  Headers h{{"Cookie", "MMAUTHTOKEN="}, {"Authorization", "Token t"}};
  auto c = extract(h);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->token, "t");
}

TEST(ExtractCredential, NothingUsable) {
  EXPECT_FALSE(extract({}));
  EXPECT_FALSE(extract({{"Authorization", "Basic x"}}));
}

}  // namespace
}  // namespace pb::auth
