// The records' Mattermost JSON: keys and types clients read, round trips through the stored form,
// and strict request-body reading.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "core/chat/body_reader.h"
#include "core/chat/json_object.h"
#include "core/chat/model.h"

namespace pb::chat {
namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

TEST(ModelJson, UserHasMattermostKeysAndNoPassword) {
  User u;
  u.id = std::string(26, 'u');
  u.username = "alice";
  u.email = "alice@example.com";
  u.nickname = "Al \"the\" <b>";
  u.roles = "system_admin system_user";
  u.create_at = u.update_at = 1700000000123;
  auto doc = parse(to_json(u));
  for (const char* key : {"id", "create_at", "update_at", "delete_at", "username", "auth_data",
                          "auth_service", "email", "nickname", "first_name", "last_name",
                          "position", "roles", "locale", "notify_props", "timezone"}) {
    EXPECT_TRUE(doc.HasMember(key)) << key;
  }
  EXPECT_FALSE(doc.HasMember("password"));
  EXPECT_FALSE(doc.HasMember("is_bot"));  // omitted when false, as Mattermost
  EXPECT_STREQ(doc["nickname"].GetString(), "Al \"the\" <b>");
  EXPECT_EQ(doc["create_at"].GetInt64(), 1700000000123);

  auto back = parse_user(to_json(u));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->nickname, u.nickname);
  EXPECT_TRUE(back->is_system_admin());
  EXPECT_EQ(back->create_at, u.create_at);
  u.is_bot = true;
  EXPECT_TRUE(parse(to_json(u))["is_bot"].GetBool());
  EXPECT_FALSE(parse_user("not json"));
}

TEST(ModelJson, RolesAreWholeWords) {
  User u;
  u.roles = "system_user";
  EXPECT_FALSE(u.is_system_admin());
  u.roles = "system_user system_admin_like";
  EXPECT_FALSE(u.is_system_admin());
  u.roles = "system_user system_admin";
  EXPECT_TRUE(u.is_system_admin());
  TeamMember m;
  m.roles = "team_user team_admin";
  EXPECT_TRUE(m.is_admin());
}

TEST(ModelJson, PostPropsAreEmbeddedAsAnObject) {
  Post p;
  p.id = std::string(26, 'p');
  p.message = "line1\nline2";
  p.props_json = R"({"attachments":[{"text":"x"}],"from_webhook":"true"})";
  auto doc = parse(to_json(p));
  ASSERT_TRUE(doc["props"].IsObject());
  EXPECT_STREQ(doc["props"]["from_webhook"].GetString(), "true");
  EXPECT_STREQ(doc["message"].GetString(), "line1\nline2");
  auto back = parse_post(to_json(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->props_json, p.props_json);
  p.props_json.clear();
  EXPECT_TRUE(parse(to_json(p))["props"].IsObject());
}

// A string as RapidJSON's Writer escapes it (what every stored row was written with).
std::string escaped(std::string_view s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The stored post row, spelled out: key order, numbers and empty fields as rows have always been.
std::string expected_row(const Post& p) {
  return "{\"id\":" + escaped(p.id) + ",\"create_at\":" + std::to_string(p.create_at) +
         ",\"update_at\":" + std::to_string(p.update_at) + ",\"edit_at\":" +
         std::to_string(p.edit_at) + ",\"delete_at\":" + std::to_string(p.delete_at) +
         ",\"is_pinned\":" + (p.is_pinned ? "true" : "false") + ",\"user_id\":" +
         escaped(p.user_id) + ",\"channel_id\":" + escaped(p.channel_id) +
         ",\"root_id\":" + escaped(p.root_id) + ",\"original_id\":\"\",\"message\":" +
         escaped(p.message) + ",\"type\":" + escaped(p.type) + ",\"props\":" +
         (p.props_json.empty() ? std::string("{}") : p.props_json) +
         ",\"hashtags\":\"\",\"pending_post_id\":\"\",\"reply_count\":0,\"metadata\":{}}";
}

TEST(ModelJson, PostRowKeepsItsStoredShapeByteForByteAndAppends) {
  Post p;
  p.id = std::string(26, 'p');
  p.channel_id = std::string(26, 'c');
  p.user_id = std::string(26, 'u');
  p.type = "slack_attachment";
  p.create_at = p.update_at = 1764201600123;
  p.edit_at = -1;
  p.is_pinned = true;
  const std::string messages[] = {
      "", "plain", "quote \" back\\slash\n\t\r\b\f \x01\x1f end", "é日本😀 <&>",
      std::string("nul \0 del \x7f raw \xff\xc3 slash / end", 30),
      std::string(5000, 'm'),  // outgrows any initial reservation
  };
  const std::string props[] = {"", "{}", R"({"attachments":[{"text":"x","n":1.5e3}]})",
                               "{\"k\":\"" + std::string(3000, 'v') + "\"}"};
  for (const std::string& message : messages) {
    for (const std::string& prop : props) {
      p.message = message;
      p.props_json = prop;
      std::string expected = expected_row(p);
      EXPECT_EQ(to_json(p), expected);
      std::string appended = "prefix,";
      append_json(appended, p);
      EXPECT_EQ(appended, "prefix," + expected);
    }
  }
}

TEST(ModelJson, RoundTrips) {
  Team t;
  t.id = std::string(26, 't');
  t.name = "eng";
  t.display_name = "Engineering";
  t.allow_open_invite = true;
  auto team = parse_team(to_json(t));
  ASSERT_TRUE(team);
  EXPECT_EQ(team->name, "eng");
  EXPECT_TRUE(team->allow_open_invite);

  Channel c;
  c.id = std::string(26, 'c');
  c.team_id = t.id;
  c.type = "P";
  c.name = "secret";
  auto channel = parse_channel(to_json(c));
  ASSERT_TRUE(channel);
  EXPECT_EQ(channel->type, "P");
  EXPECT_EQ(channel->team_id, t.id);

  ChannelMember m{c.id, std::string(26, 'u'), "channel_user channel_admin", 5, 6};
  auto member = parse_channel_member(to_json(m));
  ASSERT_TRUE(member);
  EXPECT_EQ(member->roles, m.roles);
  EXPECT_TRUE(parse(to_json(m))["scheme_admin"].GetBool());
}

TEST(BodyReader, StrictTypes) {
  BodyReader ok(R"({"name":"eng","open":true,"props":{"a":1},"skip":null})", "team");
  std::string name, props, skip = "kept";
  bool open = false;
  EXPECT_TRUE(ok.string("name", name));
  EXPECT_TRUE(ok.boolean("open", open));
  EXPECT_TRUE(ok.object_text("props", props));
  EXPECT_FALSE(ok.string("skip", skip));
  EXPECT_FALSE(ok.string("absent", skip));
  EXPECT_FALSE(ok.error());
  EXPECT_EQ(name, "eng");
  EXPECT_TRUE(open);
  EXPECT_EQ(props, R"({"a":1})");
  EXPECT_EQ(skip, "kept");

  BodyReader wrong(R"({"name":1,"open":"yes"})", "team");
  EXPECT_FALSE(wrong.string("name", name));
  EXPECT_FALSE(wrong.boolean("open", open));
  ASSERT_TRUE(wrong.error());
  EXPECT_EQ(wrong.error()->status, 400);
  EXPECT_EQ(wrong.error()->id, "api.context.invalid_body_param.app_error");
  EXPECT_EQ(wrong.error()->message, "Invalid or missing name in request body.");  // the first one

  for (const char* bad : {"", "[]", "\"x\"", "{\"a\":1} {}", "{\"a\":\"\xff\"}"}) {
    BodyReader r(bad, "team");
    ASSERT_TRUE(r.error()) << bad;
    EXPECT_EQ(r.error()->message, "Invalid or missing team in request body.");
  }
}

TEST(BodyReader, DeepNestingIsRefusedBeforeParsing) {
  // A million levels would overflow the stack in RapidJSON's recursive parser.
  const std::string deep = "{\"props\":" + std::string(1 << 20, '[');
  BodyReader r(deep, "post");
  ASSERT_TRUE(r.error());
  EXPECT_EQ(r.error()->message, "Invalid or missing post in request body.");
  EXPECT_FALSE(BodyReader::string_array(std::string(1 << 20, '[')));
  // Brackets inside strings are text, not nesting.
  BodyReader text("{\"message\":\"" + std::string(1000, '[') + "\"}", "post");
  EXPECT_FALSE(text.error());
}

TEST(BodyReader, UnpairedSurrogateEscapesBecomeReplacementCharacters) {
  // As Go's decoder does: the stored text stays valid UTF-8 (the fuzzer found the raw form).
  BodyReader r(R"({"message":"a\ude00b\ud83d\ude00","props":{"k\udc00":"\udfff"}})", "post");
  ASSERT_FALSE(r.error());
  std::string message, props;
  r.string("message", message);
  r.object_text("props", props);
  EXPECT_EQ(message, "a\xEF\xBF\xBD" "b\xF0\x9F\x98\x80");
  EXPECT_EQ(props, "{\"k\xEF\xBF\xBD\":\"\xEF\xBF\xBD\"}");
  EXPECT_TRUE(is_json_object(props));
  // Escaped backslashes before a 'u' are text, not escapes; a body without any \u escape is
  // read as sent.
  BodyReader literal(R"({"message":"\\ude00 \\\u00e9","props":{"k":"\u00e9"}})", "post");
  ASSERT_FALSE(literal.error());
  literal.string("message", message);
  EXPECT_EQ(message, "\\ude00 \\\xC3\xA9");
  BodyReader plain("{\"message\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\",\"props\":{}}", "post");
  ASSERT_FALSE(plain.error());
  plain.string("message", message);
  EXPECT_EQ(message, "caf\xC3\xA9 \xF0\x9F\x98\x80");
  auto ids = BodyReader::string_array(R"(["\udc00"])");
  ASSERT_TRUE(ids);
  EXPECT_EQ((*ids)[0], "\xEF\xBF\xBD");
}

TEST(BodyReader, PropsNumbersSurviveStoringAndReadingBackUnchanged) {
  // Found by chat_body_fuzz: a long mantissa that RapidJSON's default (imprecise) parse puts on
  // a neighbouring double, so the props text changed between the stored post and its read.
  BodyReader body(R"({"props":{"fields":[0,22222222222272222222222222222222222222222222.5,1.7976931348623157e308,5e-324]}})",
                  "post");
  Post post;
  post.id = post.user_id = post.channel_id = "abcdefghijkmnopqrstuwxyz12";
  ASSERT_TRUE(body.object_text("props", post.props_json));
  const std::string stored = to_json(post);
  auto back = parse_post(stored);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->props_json, post.props_json);
  EXPECT_EQ(to_json(*back), stored);
}

TEST(BodyReader, NumbersBeyondDoubleAreRefusedNotWrittenHalfway) {
  // RapidJSON parses 2e308 as infinity and its Writer stops there: "{\"a\":" is not JSON.
  for (const char* body : {R"({"props":{"a":2e308}})", R"({"props":{"a":[1e400]}})"}) {
    BodyReader r(body, "post");
    std::string props;
    EXPECT_FALSE(r.object_text("props", props)) << body;
    ASSERT_TRUE(r.error()) << body;
    EXPECT_EQ(r.error()->status, 400) << body;
  }
}

TEST(BodyReader, PropsAreWhatTheWriterWritesWhetherCopiedOrWritten) {
  // Compact props are copied from the body; anything else is written from the parsed tree. Both
  // must give the Writer's bytes, and the member found must be the document's (the first,
  // compared decoded).
  const std::pair<const char*, const char*> cases[] = {
      {R"({"props":{"a":[1,{"b":"x\"\n"}],"c":null}})", R"({"a":[1,{"b":"x\"\n"}],"c":null})"},
      {R"({"message":"m","props":{"a":1}})", R"({"a":1})"},
      {R"( { "props" : { "a" : 1 , "b" : [ true ] } } )", R"({"a":1,"b":[true]})"},
      {R"({"props":{"u":"\u00e9\/","n":1.5,"z":-0}})", "{\"u\":\"\xC3\xA9/\",\"n\":1.5,\"z\":0}"},
      {R"({"props":{"a":1},"props":{"b":2}})", R"({"a":1})"},
      {R"({"pr\u006fps":{"a":1},"props":{"b":2}})", R"({"a":1})"},
      {R"({"x":{"props":{"b":2}},"props":{"c":3}})", R"({"c":3})"},
      {R"({"props":{"big":123456789012345678901}})", R"({"big":123456789012345680000.0})"},
  };
  for (const auto& [body, expected] : cases) {
    for (auto reading : {BodyReader::Reading::fastest, BodyReader::Reading::document_only}) {
      BodyReader r(body, "post", reading);
      ASSERT_FALSE(r.error()) << body;
      std::string props;
      ASSERT_TRUE(r.object_text("props", props)) << body;
      EXPECT_EQ(props, expected) << body;
    }
  }
}

// A compact body is read without a document, and every answer is the document's: values,
// nulls, wrong types (the first error wins), repeated keys (the first counts), escapes.
TEST(BodyReader, CompactBodiesReadAsWrittenAnswerAsTheDocumentDoes) {
  auto readout = [](BodyReader& r) {
    std::string out, s = "-";
    bool b = false;
    for (const char* key : {"message", "type", "name", "absent"}) {
      out += r.string(key, s) ? "+" + s : "-";
      out += '|';
    }
    out += r.boolean("open", b) ? (b ? "+true" : "+false") : "-";
    out += r.object_text("props", s) ? "|+" + s : "|-";
    return out + "|" + (r.error() ? r.error()->message : "");
  };
  const std::string deep63 = "{\"props\":" + std::string(62, '[') + std::string(62, ']') + "}";
  const std::string deep64 = "{\"props\":" + std::string(63, '[') + std::string(63, ']') + "}";
  const std::pair<std::string, bool> cases[] = {
      {R"({"message":"a\"b\\c\nd","type":"","open":true,"props":{"k":[1,null]}})", true},
      {R"({"message":null,"type":"t","open":false,"props":null})", true},
      {R"({"message":1,"type":["x"],"open":"yes","props":[]})", true},  // four wrong types
      {R"({"message":"first","message":"second","open":true,"open":1})", true},
      {"{\"name\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}", true},
      {"{}", true},
      {deep63, true},
      {deep64, false},  // one level under the document's bound: left to the document
      {R"({"m\u0065ssage":"escaped key"})", false},
      {R"({"message":"\u00e9"})", false},
      {R"({"message":"x"} )", false},
      {R"({"a":1.5})", false},
      {R"([])", false},
      {"{\"name\":\"\xff\"}", false},  // invalid UTF-8: the document refuses it
  };
  for (const auto& [body, as_written] : cases) {
    BodyReader fast(body, "post");
    BodyReader document(body, "post", BodyReader::Reading::document_only);
    EXPECT_EQ(fast.read_as_written(), as_written) << body;
    EXPECT_FALSE(document.read_as_written()) << body;
    EXPECT_EQ(readout(fast), readout(document)) << body;
  }
  std::string many = "{";
  for (int i = 0; i < 30; ++i) many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  many += "\"message\":\"last\"}";
  BodyReader wide(many, "post");
  EXPECT_FALSE(wide.read_as_written());  // more members than the index holds
  std::string message;
  EXPECT_TRUE(wide.string("message", message));
  EXPECT_EQ(message, "last");
}

TEST(BodyReader, StringArrays) {
  auto ids = BodyReader::string_array(R"(["a","b"])");
  ASSERT_TRUE(ids);
  EXPECT_EQ(*ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(BodyReader::string_array(R"(["a",1])"));
  EXPECT_FALSE(BodyReader::string_array(R"({"a":"b"})"));
  EXPECT_TRUE(BodyReader::string_array("[]"));
}

TEST(ModelHelpers, RunesAndLowerCase) {
  EXPECT_EQ(count_code_points("héllo"), 5u);
  EXPECT_EQ(count_code_points("日本"), 2u);
  EXPECT_EQ(lower("AbC-Ü"), "abc-Ü");  // ASCII only, as index keys need
  EXPECT_TRUE(is_json_object("{}"));
  EXPECT_FALSE(is_json_object("[]"));
  EXPECT_FALSE(is_json_object("{"));
}

}  // namespace
}  // namespace pb::chat
