// Callback request bodies (wire spec §4.3, §10 case 33) and the stored delivery records.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "plugins/outgoing_webhooks/delivery_record.h"

namespace pb::outgoing {
namespace {

DeliveryRecord record() {
  DeliveryRecord r;
  r.hook_id = "hook";
  r.post_id = "post";
  r.channel_id = "chan";
  r.channel_name = "town-square";
  r.team_id = "team";
  r.team_domain = "myteam";
  r.user_id = "user";
  r.user_name = "alice";
  r.text = "deploy now & \"then\" é";
  r.trigger_word = "deploy";
  r.file_ids = "";
  r.timestamp_ms = 123000;
  return r;
}

TEST(CallbackBody, FormHasAllTwelveKeysSortedAndTimestampInSecondsCase33) {
  std::string body = callback_body(record(), "tok en", false);
  EXPECT_EQ(body,
            "channel_id=chan&channel_name=town-square&file_ids=&post_id=post&team_domain=myteam"
            "&team_id=team&text=deploy+now+%26+%22then%22+%C3%A9&timestamp=123&token=tok+en"
            "&trigger_word=deploy&user_id=user&user_name=alice");
}

TEST(CallbackBody, JsonHasAllTwelveFieldsAndTimestampInMilliseconds) {
  std::string body = callback_body(record(), "tok", true);
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << body;
  EXPECT_EQ(doc.MemberCount(), 12u);
  EXPECT_EQ(doc["timestamp"].GetInt64(), 123000);
  EXPECT_STREQ(doc["token"].GetString(), "tok");
  EXPECT_STREQ(doc["team_id"].GetString(), "team");
  EXPECT_STREQ(doc["team_domain"].GetString(), "myteam");
  EXPECT_STREQ(doc["channel_id"].GetString(), "chan");
  EXPECT_STREQ(doc["channel_name"].GetString(), "town-square");
  EXPECT_STREQ(doc["user_id"].GetString(), "user");
  EXPECT_STREQ(doc["user_name"].GetString(), "alice");
  EXPECT_STREQ(doc["post_id"].GetString(), "post");
  EXPECT_STREQ(doc["text"].GetString(), "deploy now & \"then\" é");
  EXPECT_STREQ(doc["trigger_word"].GetString(), "deploy");
  EXPECT_STREQ(doc["file_ids"].GetString(), "");
}

TEST(DeliveryRecord, RoundTripsAndKeysSortByTime) {
  DeliveryRecord r = record();
  r.root_id = "root";
  auto back = record_from_json(to_record_json(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_record_json(*back), to_record_json(r));
  EXPECT_EQ(delivery_key(r), "q/0000000123000/post/hook");
  DeliveryRecord later = r;
  later.timestamp_ms = 99999999999;
  EXPECT_LT(delivery_key(r), delivery_key(later));
  EXPECT_FALSE(record_from_json("{}"));
  EXPECT_FALSE(record_from_json("garbage"));
}

}  // namespace
}  // namespace pb::outgoing
