#include "core/http_client/url.h"

#include <gtest/gtest.h>

namespace pb::http_client {
namespace {

TEST(Url, PlainHttpWithDefaults) {
  auto url = parse_url("http://Example.COM");
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(url->https);
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->host_header(), "example.com");
  EXPECT_EQ(url->origin(), "http://example.com:80");
}

TEST(Url, HttpsPortPathQueryFragment) {
  auto url = parse_url("HTTPS://hooks.example.com:8443/a/b?x=1&y=%20#frag");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->https);
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->target, "/a/b?x=1&y=%20");
  EXPECT_EQ(url->host_header(), "hooks.example.com:8443");
}

TEST(Url, QueryWithoutPathGetsSlash) {
  auto url = parse_url("http://h?q=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->target, "/?q=1");
}

TEST(Url, Ipv6Literal) {
  auto url = parse_url("http://[::1]:8080/x");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->host_is_ipv6);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->host_header(), "[::1]:8080");
  EXPECT_EQ(url->origin(), "http://[::1]:8080");
}

TEST(Url, RefusesWhatIsNotAnAbsoluteHttpUrl) {
  for (const char* bad : {"", "ftp://x/", "http:/x", "//x/", "http://", "http://:80/",
                          "http://user:pw@host/", "http://host:0/", "http://host:65536/",
                          "http://host:8x/", "http://host:/", "http://ho st/", "http://host/a b",
                          "http://host/\r\nX: y", "http://[::1/", "http://[::1]x/",
                          "http://[zz]/", "http://h\xc3\xa9/", "http://host/\x7f"}) {
    EXPECT_FALSE(parse_url(bad).ok()) << bad;
  }
}

TEST(Url, RefusesAnOverlongHost) {
  std::string url = "http://" + std::string(254, 'a') + "/";
  EXPECT_FALSE(parse_url(url).ok());
}

}  // namespace
}  // namespace pb::http_client
