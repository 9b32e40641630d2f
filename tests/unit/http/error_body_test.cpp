#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "core/http/error_body.h"

namespace pb::http {
namespace {

TEST(ErrorBody, MattermostAppErrorShape) {
  EXPECT_EQ(error_body(401, "api.context.session_expired.app_error",
                       "Invalid or expired session, please login again.", "",
                       "abcdefghijklmnopqrstuvwxyz"),
            "{\"id\":\"api.context.session_expired.app_error\",\"message\":\"Invalid or expired "
            "session, please login again.\",\"detailed_error\":\"\",\"request_id\":"
            "\"abcdefghijklmnopqrstuvwxyz\",\"status_code\":401}");
}

TEST(ErrorBody, OmitsEmptyRequestIdAndZeroStatus) {
  EXPECT_EQ(error_body(0, "x", "m", "", ""), "{\"id\":\"x\",\"message\":\"m\",\"detailed_error\":\"\"}");
}

TEST(ErrorBody, EscapesEverythingAClientCouldSend) {
  std::string nasty = std::string("q\"b\\s/\n\t\x01\x7f", 10) + "\xc3\xa9" + "\xff\xfe" + "\xed\xa0\x80";
  std::string body = error_body(400, nasty, nasty, nasty, "r");
  rapidjson::Document d;
  d.Parse(body.c_str());
  ASSERT_FALSE(d.HasParseError()) << body;
  std::string id = d["id"].GetString();
  EXPECT_EQ(id.substr(0, 12), std::string("q\"b\\s/\n\t\x01\x7f\xc3\xa9", 12));
  EXPECT_EQ(id.substr(12), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(d["status_code"].GetInt(), 400);
  EXPECT_NE(body.find("\\u0001"), std::string::npos);
}

}  // namespace
}  // namespace pb::http
