#include "plugins/slash_commands/command.h"

#include <gtest/gtest.h>

namespace pb::slash {
namespace {

Command valid() {
  Command c;
  c.id = std::string(26, 'a');
  c.token = std::string(26, 'b');
  c.create_at = c.update_at = 1;
  c.creator_id = std::string(26, 'c');
  c.team_id = std::string(26, 'd');
  c.trigger = "deploy";
  c.method = "P";
  c.url = "https://example.com";
  return c;
}

std::string field_error(const Command& c) {
  auto e = validate(c);
  return e ? e->id : "";
}

TEST(CommandValidate, AcceptsAValidCommand) { EXPECT_FALSE(validate(valid()).has_value()); }

// Wire spec §10 case 41.
TEST(CommandValidate, TriggerLengthAndForm) {
  Command c = valid();
  c.trigger = "";
  EXPECT_EQ(field_error(c), "model.command.is_valid.trigger.app_error");
  c.trigger = std::string(129, 'a');
  EXPECT_EQ(field_error(c), "model.command.is_valid.trigger.app_error");
  c.trigger = std::string(128, 'a');
  EXPECT_EQ(field_error(c), "");
  c.trigger = "/deploy";
  EXPECT_EQ(field_error(c), "model.command.is_valid.trigger.app_error");
  c.trigger = "de ploy";
  EXPECT_EQ(field_error(c), "model.command.is_valid.trigger.app_error");
}

TEST(CommandValidate, Url) {
  Command c = valid();
  for (const char* bad : {"", "1234", "https:////example.com", "ftp://example.com", "http://"}) {
    c.url = bad;
    EXPECT_EQ(field_error(c), "model.command.is_valid.url.app_error") << bad;
  }
  c.url = "https://example.com";
  EXPECT_EQ(field_error(c), "");
  c.url = "http://127.0.0.1:8080/cmd?x=1";
  EXPECT_EQ(field_error(c), "");
  c.url = "https://example.com/" + std::string(1024, 'a');
  EXPECT_EQ(field_error(c), "model.command.is_valid.url.app_error");
}

TEST(CommandValidate, MethodDisplayNameDescription) {
  Command c = valid();
  c.method = "Wrong";
  EXPECT_EQ(field_error(c), "model.command.is_valid.method.app_error");
  c.method = "G";
  c.display_name = std::string(65, 'x');
  EXPECT_EQ(field_error(c), "model.command.is_valid.display_name.app_error");
  c.display_name = std::string(64, 'x');
  EXPECT_EQ(field_error(c), "");
  c.description = std::string(129, 'x');
  EXPECT_EQ(field_error(c), "model.command.is_valid.description.app_error");
  c.description = std::string(128, 'x');
  EXPECT_EQ(field_error(c), "");
  c.description = std::string(64, 'x') + "ü";  // runes, not bytes
  EXPECT_EQ(field_error(c), "");
}

TEST(CommandModel, TriggerIsLowerCased) {
  Command c = valid();
  c.trigger = "DePloy";
  normalise_trigger(c);
  EXPECT_EQ(c.trigger, "deploy");
}

TEST(CommandModel, RecordRoundTripsAndSanitisedViewBlanksSecrets) {
  Command c = valid();
  c.username = "bot";
  c.icon_url = "https://i/x.png";
  c.auto_complete = true;
  c.description = "say \"hi\"\n";
  auto back = command_from_record(to_json(c));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(to_json(*back), to_json(c));
  std::string s = to_sanitized_json(c);
  EXPECT_EQ(s.find(c.token), std::string::npos);
  EXPECT_EQ(s.find(c.creator_id), std::string::npos);
  EXPECT_EQ(s.find("example.com"), std::string::npos);
  EXPECT_NE(s.find("\"trigger\":\"deploy\""), std::string::npos);
}

TEST(CommandModel, BodyWithWrongTypesOrGarbageIsRefused) {
  ApiError e;
  EXPECT_FALSE(command_from_body(R"({"trigger":5})", e));
  EXPECT_EQ(e.id, "api.context.invalid_body_param.app_error");
  EXPECT_EQ(e.status, 400);
  EXPECT_FALSE(command_from_body("{\"trigger\":\"a\"", e));
  EXPECT_FALSE(command_from_body("[[[[[[[[[[]]]]]]]]]]", e));
  EXPECT_FALSE(command_from_body(std::string("{\"trigger\":\"a\0\"}", 16), e));
  EXPECT_FALSE(command_from_body("{\"trigger\":\"\xff\"}", e));
  auto ok = command_from_body(R"({"trigger":"x","auto_complete":true,"method":null})", e);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->auto_complete);
}

TEST(CommandModel, UnpairedSurrogateBecomesReplacementCharacter) {
  ApiError e;
  auto c = command_from_body(R"({"display_name":"a\udc00b"})", e);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->display_name, "a\xEF\xBF\xBD" "b");
}

}  // namespace
}  // namespace pb::slash
