#include "core/http_client/request_writer.h"

#include <gtest/gtest.h>

namespace pb::http_client {
namespace {

pb_str s(std::string_view v) { return pb_str{v.data(), v.size()}; }

TEST(RequestWriter, PostWithHeadersAndBody) {
  auto url = parse_url("http://hooks.example.com:8080/in?x=1");
  ASSERT_TRUE(url.ok());
  pb_http_header headers[] = {{s("Content-Type"), s("application/json")},
                              {s("Host"), s("evil")},
                              {s("Content-Length"), s("99")},
                              {s("Transfer-Encoding"), s("chunked")},
                              {s("connection"), s("close")}};
  std::string out;
  write_request(out, "POST", *url, headers, 5, "{\"a\":1}", "patchbay/0.1");
  EXPECT_EQ(out,
            "POST /in?x=1 HTTP/1.1\r\nHost: hooks.example.com:8080\r\n"
            "Content-Type: application/json\r\nUser-Agent: patchbay/0.1\r\n"
            "Content-Length: 7\r\nConnection: keep-alive\r\n\r\n{\"a\":1}");
}

TEST(RequestWriter, GetWithoutBodyHasNoLengthAndKeepsTheCallersUserAgent) {
  auto url = parse_url("https://example.com/");
  ASSERT_TRUE(url.ok());
  pb_http_header headers[] = {{s("user-agent"), s("mine")}};
  std::string out = "stale";
  write_request(out, "GET", *url, headers, 1, "", "patchbay");
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nHost: example.com\r\nuser-agent: mine\r\n"
                 "Connection: keep-alive\r\n\r\n");
}

TEST(RequestWriter, ValidatesMethodAndHeaders) {
  EXPECT_TRUE(validate_request(s("POST"), nullptr, 0).ok());
  EXPECT_FALSE(validate_request(s(""), nullptr, 0).ok());
  EXPECT_FALSE(validate_request(s("post"), nullptr, 0).ok());
  EXPECT_FALSE(validate_request(s("GET /x"), nullptr, 0).ok());
  EXPECT_FALSE(validate_request(s("GET"), nullptr, 1).ok());
  pb_http_header bad_value[] = {{s("X-A"), s("a\r\nInjected: 1")}};
  EXPECT_FALSE(validate_request(s("GET"), bad_value, 1).ok());
  pb_http_header bad_name[] = {{s("X A"), s("a")}};
  EXPECT_FALSE(validate_request(s("GET"), bad_name, 1).ok());
  pb_http_header empty_name[] = {{s(""), s("a")}};
  EXPECT_FALSE(validate_request(s("GET"), empty_name, 1).ok());
  pb_http_header null_name[] = {{pb_str{nullptr, 3}, s("a")}};
  EXPECT_FALSE(validate_request(s("GET"), null_name, 1).ok());
}

}  // namespace
}  // namespace pb::http_client
