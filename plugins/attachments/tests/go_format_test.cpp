// Go's %v of JSON-decoded values (wire spec §6.3), the way Mattermost stringifies field values.
#include <gtest/gtest.h>

#include "plugins/attachments/go_format.h"

namespace pb::attachments {
namespace {

std::string v(std::string_view json) {
  auto parsed = parse_json(json);
  EXPECT_TRUE(parsed) << json;
  std::string out;
  EXPECT_TRUE(append_go_value(out, *parsed)) << json;
  return out;
}

TEST(GoFormat, IntegersBelowAMillionPrintPlainly) {
  EXPECT_EQ(v("42"), "42");
  EXPECT_EQ(v("0"), "0");
  EXPECT_EQ(v("-7"), "-7");
  EXPECT_EQ(v("999999"), "999999");
  EXPECT_EQ(v("100000"), "100000");
}

TEST(GoFormat, LargerNumbersUseExponentFormLikeGoG) {
  EXPECT_EQ(v("1234567"), "1.234567e+06");
  EXPECT_EQ(v("1000000"), "1e+06");
  EXPECT_EQ(v("-1234567"), "-1.234567e+06");
  EXPECT_EQ(v("1e21"), "1e+21");
  EXPECT_EQ(v("12345678901234567890"), "1.2345678901234567e+19");
  EXPECT_EQ(v("1e100"), "1e+100");
}

TEST(GoFormat, FractionsUseShortestDigits) {
  EXPECT_EQ(v("1.5"), "1.5");
  EXPECT_EQ(v("0.1"), "0.1");
  EXPECT_EQ(v("0.0001"), "0.0001");
  EXPECT_EQ(v("0.00001"), "1e-05");
  EXPECT_EQ(v("2.50"), "2.5");
  EXPECT_EQ(v("1E2"), "100");
  EXPECT_EQ(v("-0"), "-0");
  EXPECT_EQ(v("123456.5"), "123456.5");
}

TEST(GoFormat, NumbersOutsideFloat64AreRefused) {
  auto parsed = parse_json("1e400");
  ASSERT_TRUE(parsed);
  std::string out;
  EXPECT_FALSE(append_go_value(out, *parsed));
}

TEST(GoFormat, StringsBoolsArraysAndMaps) {
  EXPECT_EQ(v(R"("High")"), "High");
  EXPECT_EQ(v("true"), "true");
  EXPECT_EQ(v("false"), "false");
  EXPECT_EQ(v("[]"), "[]");
  EXPECT_EQ(v(R"([1,"a",null,true])"), "[1 a <nil> true]");
  EXPECT_EQ(v(R"({"b":2,"a":{"c":[1]}})"), "map[a:map[c:[1]] b:2]");
  EXPECT_EQ(v(R"({"k":1,"k":2})"), "map[k:2]");
  EXPECT_EQ(v("{}"), "map[]");
}

}  // namespace
}  // namespace pb::attachments
