// ServiceSettings.ListenAddress parsing.
#include <gtest/gtest.h>

#include "core/config/listen_address.h"
#include "patchbay/plugin.h"

namespace pb::config {
namespace {

ListenAddress parsed(std::string_view text) {
  auto result = parse_listen_address(text);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : ListenAddress{};
}

TEST(ListenAddress, PortOnlyMeansAllInterfaces) {
  EXPECT_EQ(parsed(":8065"), (ListenAddress{"0.0.0.0", 8065}));
}

TEST(ListenAddress, HostAndPort) {
  EXPECT_EQ(parsed("127.0.0.1:0"), (ListenAddress{"127.0.0.1", 0}));
  EXPECT_EQ(parsed("localhost:65535"), (ListenAddress{"localhost", 65535}));
  EXPECT_EQ(parsed("chat.example.com:80"), (ListenAddress{"chat.example.com", 80}));
}

TEST(ListenAddress, BracketedIpv6) {
  EXPECT_EQ(parsed("[::1]:8065"), (ListenAddress{"::1", 8065}));
  EXPECT_EQ(parsed("[::]:1"), (ListenAddress{"::", 1}));
  EXPECT_EQ(parsed("[2001:db8::7]:443"), (ListenAddress{"2001:db8::7", 443}));
}

TEST(ListenAddress, RefusesMalformedInput) {
  for (std::string_view bad :
       {"", "8065", ":", ":65536", ":-1", ":80a", ": 80", ":123456", "::1:8065", "[::1]",
        "[::1]8065", "[::1:8065", "[nothost]:80", "[]:80", "host name:80", "127.0.0.1:"}) {
    auto result = parse_listen_address(bad);
    EXPECT_FALSE(result.ok()) << "accepted \"" << bad << "\"";
    if (!result.ok()) {
      EXPECT_EQ(result.error().code, PB_E_INVALID);
      EXPECT_NE(result.error().message.find(std::string(bad)), std::string::npos)
          << result.error().message;
    }
  }
}

TEST(ListenAddress, ExplainsWhy) {
  auto result = parse_listen_address("::1:8065");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("needs brackets"), std::string::npos);
}

}  // namespace
}  // namespace pb::config
