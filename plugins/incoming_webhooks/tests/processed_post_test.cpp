// parse_processed's DOM-free fast path (patchbay/json_canonical.hpp): it must answer exactly what
// the RapidJSON DOM path answers, for canonical answers and for everything it hands back to the DOM.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <patchbay/json_canonical.hpp>

#include "plugins/incoming_webhooks/tests/processed_reference.h"
#include "plugins/incoming_webhooks/webhook_post.h"

namespace pb::incoming_webhooks {
namespace {

using sdk::is_rapidjson_canonical;
using sdk::kMaxCanonicalDepth;
using testing::rapidjson_round_trip;
using testing::same_post;

std::string nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']');
}

TEST(RapidjsonCanonical, AcceptsWhatTheWriterWrites) {
  for (std::string_view json :
       {R"({})", R"([])", R"("")", R"(0)", R"(-7)", R"(123456789012345678)", R"(true)",
        R"(null)", R"({"a":[1,{"b":false}],"c":"x\"\\\n\t\r\b\f/é😀"})", R"({"a":1,"a":2})",
        R"([[],{},[{}]])"}) {
    EXPECT_TRUE(is_rapidjson_canonical(json)) << json;
    auto written = rapidjson_round_trip(json);
    ASSERT_TRUE(written) << json;
    EXPECT_EQ(*written, json);
  }
}

TEST(RapidjsonCanonical, RefusesWhatTheWriterWouldChangeOrCannotRead) {
  std::vector<std::string> refused = {
      "", " {}", "{} ", R"({"a": 1})", R"([1 ,2])", R"("\/")", R"("\u0041")", R"("\u00e9")",
      R"("\ud83d\ude00")", R"("\ud800")", R"(-0)", R"(1.0)", R"(1e3)", R"(1E3)",
      R"(1234567890123456789)", R"(99999999999999999999999)", R"(1e400)", R"(01)", R"(-)",
      R"("a)", "\"a\nb\"", "\"\x01\"", "\"a\xFF\"", "\"\xED\xA0\x80\"", "\"\xC0\xAF\"",
      R"({"a"})", R"({"a":})", R"({"a":1,})", R"([1,])", R"([)", R"(tru)", R"(nul)", R"({1:2})",
      nested(kMaxCanonicalDepth + 1)};
  for (const auto& json : refused) EXPECT_FALSE(is_rapidjson_canonical(json)) << json;
  EXPECT_TRUE(is_rapidjson_canonical(nested(kMaxCanonicalDepth)));
}

TEST(RapidjsonCanonical, EighteenDigitIntegersOfBothSignsAreWrittenBackAsTheyAre) {
  for (std::string json : {"999999999999999999", "-999999999999999999", "4294967296", "-2147483649",
                           "[0,-1,1,4294967295,-2147483648]"}) {
    ASSERT_TRUE(is_rapidjson_canonical(json)) << json;
    EXPECT_EQ(rapidjson_round_trip(json).value_or(""), json);
  }
}

TEST(ParseProcessed, CanonicalAnswerIsReadWithoutChangingAByte) {
  std::string json =
      R"({"message":"Build [#42](https://ci/42) \"ok\"\n","type":"slack_attachment",)"
      R"("props":{"from_webhook":"true","attachments":[{"fields":[{"title":"B","value":"main",)"
      R"("short":true}],"id":12}],"n":[-5,0,null]}})";
  auto fast = parse_processed(json);
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->message, "Build [#42](https://ci/42) \"ok\"\n");
  EXPECT_EQ(fast->type, "slack_attachment");
  EXPECT_TRUE(same_post(fast, parse_processed_with_dom(json)));
}

// Every one of these leaves the fast path somewhere (or is refused); the answer must not change.
TEST(ParseProcessed, AgreesWithTheDomPathOnEdgeCases) {
  std::vector<std::string> inputs = {
      R"({"message":"m","props":{}})",
      R"(  {"message" : "m" , "props" : {"a" : 1}}  )",
      R"({"message":"m","type":"t","props":{"x":"\/","y":"\u0041\u00e9"}})",
      R"({"message":"m\u0000z","props":{"s":"\u0001\u001f\u0008"}})",
      R"({"message":"\ud83d\ude00 \ud800 x","props":{"p":"\udc00\ud800\u0041"}})",
      R"({"message":"m","props":{"f":1.50,"e":1e3,"z":-0,"big":123456789012345678901}})",
      R"({"message":"m","props":{"inf":2e308}})",
      R"({"message":"m","props":{"inf":1e400}})",
      R"({"message":"first","message":"second","props":{}})",
      R"({"message":"m","props":{"a":1},"props":{"b":2}})",
      R"({"mess\u0061ge":"escaped key","props":{}})",
      R"({"message":"m","type":7,"props":{}})",
      R"({"message":"m","type":null,"props":{}})",
      R"({"message":null,"props":{}})",
      R"({"message":"m","props":[]})",
      R"({"message":"m","props":null})",
      R"({"message":"m"})",
      R"({"props":{}})",
      R"({"message":"m","props":{}} trailing)",
      R"({"message":"m","props":{}})" + std::string(1, '\0') + "x",
      R"({"message":"m","props":{},"other":[1.5,{"k":"\/"}]})",
      "{\"message\":\"bad \xFF utf8\",\"props\":{}}",
      "{\"message\":\"m\",\"props\":{\"k\":\"\xED\xA0\x80\"}}",
      "{\"message\":\"raw\ncontrol\",\"props\":{}}",
      R"({"message":"m","props":{"deep":)" + nested(kMaxPayloadDepth) + "}}",
      R"({"message":"m","props":{"deep":)" + nested(kMaxPayloadDepth - 2) + "}}",
      R"({"message":"m","props":{"deep":)" + nested(kMaxPayloadDepth - 1) + "}}",
      R"({"message":"m","props":{},"deep":)" + nested(kMaxPayloadDepth - 1) + "}",
      R"({"message":"m","props":{},"deep":)" + nested(kMaxPayloadDepth) + "}",
      R"({"message":"m","props":{"a":)",
      R"({"message":"m",)",
      R"([])",
      R"("string")",
      "",
  };
  for (const auto& json : inputs) {
    EXPECT_TRUE(same_post(parse_processed(json), parse_processed_with_dom(json))) << json;
  }
}

TEST(ParseProcessed, DeepNestingBeyondTheBoundIsRefused) {
  std::string json = R"({"message":"m","props":{"deep":)" + nested(kMaxPayloadDepth + 5) + "}}";
  EXPECT_FALSE(parse_processed(json));
}

}  // namespace
}  // namespace pb::incoming_webhooks
