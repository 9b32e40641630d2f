#include "plugins/slash_commands/processing.h"

#include <gtest/gtest.h>

namespace pb::slash {
namespace {

TEST(Processing, RequestRoundTripsThroughTheParser) {
  std::string blob = process_request_json("hi \"x\"\n", "", R"({"from_webhook":"true","a":[1]})");
  auto p = parse_processed(blob);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->message, "hi \"x\"\n");
  EXPECT_EQ(p->type, "");
  EXPECT_EQ(p->props_json, R"({"from_webhook":"true","a":[1]})");
}

TEST(Processing, PropsNumbersComeBackAsTheNumbersGiven) {
  // The Writer's shortest form of these doubles, read back at RapidJSON's default precision,
  // landed on neighbouring doubles.
  std::string blob = process_request_json(
      "m", "", R"({"n":[2.2222222222272224e43,2.225073858507201e-308,9007199254740992.0]})");
  auto p = parse_processed(blob);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->props_json, R"({"n":[2.2222222222272224e43,2.225073858507201e-308,9007199254740992.0]})");
}

TEST(Processing, RefusesWhatIsNotAProcessedPost) {
  EXPECT_FALSE(parse_processed(""));
  EXPECT_FALSE(parse_processed(R"({"message":"m","type":"t"})"));
  EXPECT_FALSE(parse_processed(R"({"message":1,"type":"t","props":{}})"));
  EXPECT_FALSE(parse_processed(R"({"message":"m","type":"t","props":[]})"));
  EXPECT_FALSE(parse_processed(R"({"message":"m","type":"t","props":{"n":2e308}})"));
  EXPECT_FALSE(parse_processed(std::string(100, '[')));
}

}  // namespace
}  // namespace pb::slash
