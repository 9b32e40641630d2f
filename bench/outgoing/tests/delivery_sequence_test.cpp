#include "bench/outgoing/delivery_sequence.h"

#include <gtest/gtest.h>

namespace pb::bench {
namespace {

// The shape plugins/outgoing_webhooks/delivery_record.cpp sends (form, alphabetical keys).
constexpr std::string_view kForm =
    "channel_id=abc&channel_name=town-square&file_ids=&post_id=p1&team_domain=bench&team_id=t1"
    "&text=go+4711&timestamp=1700000000&token=tok&trigger_word=go&user_id=u1&user_name=benchadmin";

TEST(DeliverySequence, ReadsTheNumberFromAFormBody) {
  EXPECT_EQ(delivery_sequence(kForm, "go"), 4711u);
  EXPECT_EQ(delivery_sequence("text=go%200", "go"), 0u);
  EXPECT_EQ(delivery_sequence("a=1&text=go+123456789012345678", "go"), 123456789012345678u);
}

TEST(DeliverySequence, ReadsTheNumberFromAJsonBody) {
  EXPECT_EQ(delivery_sequence(R"({"token":"x","post_id":"p","text":"go 17","trigger_word":"go"})", "go"), 17u);
}

TEST(DeliverySequence, RefusesEverythingElse) {
  EXPECT_FALSE(delivery_sequence("", "go"));
  EXPECT_FALSE(delivery_sequence("channel_id=abc&token=go+1", "go"));          // no text field
  EXPECT_FALSE(delivery_sequence("context=go+1", "go"));                       // "text=" inside a key
  EXPECT_FALSE(delivery_sequence("text=dead+1", "go"));                        // another word
  EXPECT_FALSE(delivery_sequence("text=go+", "go"));                           // no digits
  EXPECT_FALSE(delivery_sequence("text=go1", "go"));                           // no space
  EXPECT_FALSE(delivery_sequence("text=go+12x", "go"));                        // trailing text
  EXPECT_FALSE(delivery_sequence("text=go+-1", "go"));
  EXPECT_FALSE(delivery_sequence("text=go+1234567890123456789", "go"));        // 19 digits
  EXPECT_FALSE(delivery_sequence(R"({"text":"go 1 2"})", "go"));
  EXPECT_FALSE(delivery_sequence(R"({"text":"go+1"})", "go"));                 // '+' is not a space in JSON
  EXPECT_FALSE(delivery_sequence(R"({"text":"go 1)", "go"));                   // truncated
}

}  // namespace
}  // namespace pb::bench
