// The SDK's canonical-form test (patchbay/json_canonical.hpp), which lets the payload decoder copy
// the sender's props and the core keep plugins' props without a DOM: what it accepts, RapidJSON
// writes back byte for byte; what it refuses, RapidJSON would change or cannot read.
#include <gtest/gtest.h>

#include <patchbay/json_canonical.hpp>
#include <string>
#include <vector>

#include "plugins/incoming_webhooks/tests/rapidjson_round_trip.h"

namespace pb::incoming_webhooks {
namespace {

using sdk::is_rapidjson_canonical;
using sdk::kMaxCanonicalDepth;
using testing::rapidjson_round_trip;

std::string nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

TEST(RapidjsonCanonical, AcceptsWhatTheWriterWrites) {
  for (std::string_view json :
       {R"({})", R"([])", R"("")", R"(0)", R"(-7)", R"(123456789012345678)", R"(true)", R"(null)",
        R"({"a":[1,{"b":false}],"c":"x\"\\\n\t\r\b\f/é😀"})", R"({"a":1,"a":2})",
        R"([[],{},[{}]])"}) {
    EXPECT_TRUE(is_rapidjson_canonical(json)) << json;
    auto written = rapidjson_round_trip(json);
    ASSERT_TRUE(written) << json;
    EXPECT_EQ(*written, json);
  }
}

TEST(RapidjsonCanonical, RefusesWhatTheWriterWouldChangeOrCannotRead) {
  std::vector<std::string> refused = {"",
                                      " {}",
                                      "{} ",
                                      R"({"a": 1})",
                                      R"([1 ,2])",
                                      R"("\/")",
                                      R"("\u0041")",
                                      R"("\u00e9")",
                                      R"("\ud83d\ude00")",
                                      R"("\ud800")",
                                      R"(-0)",
                                      R"(1.0)",
                                      R"(1e3)",
                                      R"(1E3)",
                                      R"(1234567890123456789)",
                                      R"(99999999999999999999999)",
                                      R"(1e400)",
                                      R"(01)",
                                      R"(-)",
                                      R"("a)",
                                      "\"a\nb\"",
                                      "\"\x01\"",
                                      "\"a\xFF\"",
                                      "\"\xED\xA0\x80\"",
                                      "\"\xC0\xAF\"",
                                      R"({"a"})",
                                      R"({"a":})",
                                      R"({"a":1,})",
                                      R"([1,])",
                                      R"([)",
                                      R"(tru)",
                                      R"(nul)",
                                      R"({1:2})",
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

}  // namespace
}  // namespace pb::incoming_webhooks
