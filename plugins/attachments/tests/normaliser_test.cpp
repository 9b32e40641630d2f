// The attachment normaliser and webhook-post processing (wire spec §2.3, §6; §10 cases 19–24).
#include <gtest/gtest.h>

#include "plugins/attachments/normaliser.h"
#include "plugins/attachments/tests/test_users.h"

namespace pb::attachments {
namespace {

using fixtures::kAliceId;
using fixtures::users;

AttachmentsOutcome normalise(std::string_view json) {
  auto parsed = parse_json(json);
  EXPECT_TRUE(parsed) << json;
  return normalise_attachments(*parsed, users());
}

// The normalised array, parsed back (so tests check structure, not spelling). Keeps the text it
// parsed, which the tree borrows from (as it does from its document); not movable for that reason.
class Reparsed {
 public:
  explicit Reparsed(AttachmentsOutcome out) : json_(std::move(out.json)), doc_(parse_json(json_)) {
    EXPECT_TRUE(out.ok) << out.error;
    EXPECT_TRUE(doc_) << json_;
  }
  Reparsed(const Reparsed&) = delete;
  Reparsed& operator=(const Reparsed&) = delete;
  const JsonValue& operator*() const { return doc_ ? *doc_ : empty_; }

 private:
  std::string json_;
  JsonDocument doc_;
  JsonValue empty_;
};

const JsonValue* get(const JsonValue& object, std::string_view key) {
  for (const auto& m : object.members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

std::string text_of(const JsonValue& object, std::string_view key) {
  const JsonValue* v = get(object, key);
  return v != nullptr && v->is_string() ? std::string(v->text) : std::string("<absent>");
}

TEST(Normaliser, Case19QuotesNewlinesAndTabsSurviveUnchanged) {
  const std::string texts[] = {"this is a test", "this is a test\n\t\tthat has tabs",
                               "this is \"foo", "this is \"foo\"\n\tand more",
                               "\"this is a test\"\n\"with quotes\""};
  for (const std::string& t : texts) {
    std::string attachment = "{";
    for (const char* key : {"fallback", "pretext", "author_name", "title", "text"}) {
      attachment += "\"" + std::string(key) + "\":";
      append_json_string(attachment, t);
      attachment += ',';
    }
    attachment += "\"fields\":[{\"title\":";
    append_json_string(attachment, t);
    attachment += ",\"value\":";
    append_json_string(attachment, t);
    attachment += "}]}";
    Reparsed reparsed(normalise("[" + attachment + "]"));
    const JsonValue& out = *reparsed;
    ASSERT_EQ(out.items.size(), 1u);
    const JsonValue& a = out.items[0];
    for (const char* key : {"fallback", "pretext", "author_name", "title", "text"})
      EXPECT_EQ(text_of(a, key), t) << key;
    const JsonValue& field = get(a, "fields")->items[0];
    EXPECT_EQ(text_of(field, "title"), t);
    EXPECT_EQ(text_of(field, "value"), t);
  }
}

TEST(Normaliser, Case20NullAttachmentsAndNullFieldsAreDropped) {
  Reparsed reparsed(
      normalise(R"([{"fields":[{"title":"foo","value":"bar","short":true}, null]}, null])"));
  const JsonValue& out = *reparsed;
  ASSERT_EQ(out.items.size(), 1u);
  const JsonValue* fields = get(out.items[0], "fields");
  ASSERT_NE(fields, nullptr);
  ASSERT_EQ(fields->items.size(), 1u);
  EXPECT_EQ(fields->items[0].raw, R"({"title":"foo","value":"bar","short":true})");
}

TEST(Normaliser, Case21ShortAcceptsBooleansAndTheirStringsInAnyCase) {
  for (std::string_view yes : {"true", "\"true\"", "\"True\"", "\"TRUE\"", "\"tRuE\""}) {
    auto out = normalise("[{\"fields\":[{\"title\":\"t\",\"short\":" + std::string(yes) + "}]}]");
    ASSERT_TRUE(out.ok) << yes;
    EXPECT_NE(out.json.find("\"short\":true"), std::string::npos) << yes;
  }
  for (std::string_view no : {"false", "\"false\"", "\"False\"", "\"FALSE\""}) {
    auto out = normalise("[{\"fields\":[{\"title\":\"t\",\"short\":" + std::string(no) + "}]}]");
    ASSERT_TRUE(out.ok) << no;
    EXPECT_NE(out.json.find("\"short\":false"), std::string::npos) << no;
  }
}

TEST(Normaliser, AnyOtherShortIsAnError) {
  for (std::string_view bad : {"null", "1", "0", "\"yes\"", "\"\"", "[]", "{}", "\"tru\\u0065\""}) {
    auto out = normalise("[{\"fields\":[{\"short\":" + std::string(bad) + "}]}]");
    EXPECT_FALSE(out.ok) << bad;
    EXPECT_FALSE(out.error.empty());
  }
}

TEST(Normaliser, FieldValuesAreStringifiedAsGoPrintsThem) {
  Reparsed reparsed(normalise(
      R"([{"fields":[{"value":42},{"value":1234567},{"value":true},{"value":[]},)"
      R"({"value":{"b":1,"a":"x"}},{"value":null},{"title":"no value"},{"value":"s"}]}])"));
  const JsonValue& out = *reparsed;
  const JsonValue* fields = get(out.items[0], "fields");
  ASSERT_NE(fields, nullptr);
  ASSERT_EQ(fields->items.size(), 8u);
  EXPECT_EQ(text_of(fields->items[0], "value"), "42");
  EXPECT_EQ(text_of(fields->items[1], "value"), "1.234567e+06");
  EXPECT_EQ(text_of(fields->items[2], "value"), "true");
  EXPECT_EQ(text_of(fields->items[3], "value"), "[]");
  EXPECT_EQ(text_of(fields->items[4], "value"), "map[a:x b:1]");
  EXPECT_TRUE(get(fields->items[5], "value")->is_null());
  EXPECT_TRUE(get(fields->items[6], "value")->is_null());
  EXPECT_EQ(text_of(fields->items[7], "value"), "s");
}

TEST(Normaliser, Case23TextProcessingInPretextTextTitleAndFieldValues) {
  Reparsed reparsed(normalise(
      R"([null,{"pretext":"<!channel> X <!here>","text":"<!channel> X <!here>",)"
      R"("title":"<!channel> X <!here>","fields":[{"title":"<!here>","value":"<!channel> X <!here>"}]},)"
      R"(null,{"pretext":"<@)" + kAliceId + R"(> X","text":"<@)" + kAliceId +
      R"(> X","title":"<@)" + kAliceId + R"(> X","fields":[{"value":"<@)" + kAliceId +
      R"(> X"}]}])"));
  const JsonValue& out = *reparsed;
  ASSERT_EQ(out.items.size(), 2u);  // [nil, a, nil, b] → [a, b]
  for (const char* key : {"pretext", "text", "title"}) {
    EXPECT_EQ(text_of(out.items[0], key), "@channel X @here") << key;
    EXPECT_EQ(text_of(out.items[1], key), "@alice X") << key;
  }
  EXPECT_EQ(text_of(get(out.items[0], "fields")->items[0], "value"), "@channel X @here");
  EXPECT_EQ(text_of(get(out.items[1], "fields")->items[0], "value"), "@alice X");
  // Field titles are not processed (Mattermost does not touch them).
  EXPECT_EQ(text_of(get(out.items[0], "fields")->items[0], "title"), "<!here>");
}

TEST(Normaliser, LooseLinksInTextPretextAndFieldValuesButNotTitle) {
  std::string link = "<http://x|a|b\nc>";
  Reparsed reparsed(normalise(
      R"([{"pretext":"<http://x|a|b\nc>","text":"<http://x|a|b\nc>","title":"<http://x|a|b\nc>",)"
      R"("fields":[{"title":"<http://x|t>","value":"<http://x|a|b\nc>"}]}])"));
  const JsonValue& out = *reparsed;
  const JsonValue& a = out.items[0];
  EXPECT_EQ(text_of(a, "pretext"), "[a|b\nc](http://x)");
  EXPECT_EQ(text_of(a, "text"), "[a|b\nc](http://x)");
  EXPECT_EQ(text_of(a, "title"), link);
  EXPECT_EQ(text_of(get(a, "fields")->items[0], "value"), "[a|b\nc](http://x)");
  EXPECT_EQ(text_of(get(a, "fields")->items[0], "title"), "<http://x|t>");
}

TEST(Normaliser, Case24EmptyListAndOnlyNullsNormaliseToNothing) {
  for (std::string_view list : {"[]", "[null]", "[null,null]"}) {
    auto out = normalise(list);
    ASSERT_TRUE(out.ok);
    EXPECT_EQ(out.count, 0u);
    EXPECT_EQ(out.json, "[]");
  }
  auto one = normalise("[{}]");  // an empty attachment still counts (it passes "no text")
  EXPECT_EQ(one.count, 1u);
  EXPECT_EQ(one.json, "[{}]");
}

TEST(Normaliser, KeysMatchCaseInsensitivelyAndComeOutCanonicalUnknownOnesDropped) {
  auto out = normalise(
      R"([{"TEXT":"a","Color":"good","mrkdwn_in":["text"],"callback_id":"c","Fields":[{"Title":"t","VALUE":"v","Short":"TRUE","extra":1}],"id":7,"ts":"123","actions":[{"id":"x"}]}])");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.json,
            R"([{"id":7,"color":"good","text":"a","fields":[{"title":"t","value":"v","short":true}],"ts":"123","actions":[{"id":"x"}]}])");
}

TEST(Normaliser, EveryStringKeyIsReadInAnyCaseAndWrittenInStructOrder) {
  auto out = normalise(
      R"([{"FOOTER_ICON":"https://i/f","Footer":"f","thumb_url":"https://i/t","IMAGE_URL":"https://i/i",)"
      R"("Text":"x","title_link":"https://t","TITLE":"t","author_icon":"https://i/a",)"
      R"("AUTHOR_LINK":"https://a","author_name":"a","PRETEXT":"p","color":"good","Fallback":"fb"}])");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.json, R"([{"fallback":"fb","color":"good","pretext":"p","author_name":"a",)"
                      R"("author_link":"https://a","author_icon":"https://i/a","title":"t",)"
                      R"("title_link":"https://t","text":"x","image_url":"https://i/i",)"
                      R"("thumb_url":"https://i/t","footer":"f","footer_icon":"https://i/f"}])");
  // A key that only shares a length with one is not it.
  EXPECT_EQ(normalise(R"([{"texts":"a","txet":"b","footer_icom":"c"}])").json, "[{}]");
}

TEST(Normaliser, StringsReadWithEscapesAreWrittenInTheEscapersForm) {
  // Copied as they came when read without an escape; re-escaped when read with one (\/ and \u
  // escapes of printable characters written plainly, control characters as \u00XX), whatever
  // key or field they are in.
  auto out = normalise(
      R"([{"text":"a\/b \u00e9 \"q\" \\","title":"plain é","footer":"\u0001\u001F",)"
      R"("fields":[{"title":"t\/1","value":"v\u0041","short":false},{"title":"t2","value":"v2"}]}])");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(
      out.json,
      R"([{"title":"plain é","text":"a/b é \"q\" \\","fields":[{"title":"t/1","value":"vA",)"
      R"("short":false},{"title":"t2","value":"v2","short":false}],"footer":"\u0001\u001f"}])");
}

TEST(Normaliser, WrongTypesForKnownKeysAreErrors) {
  for (std::string_view bad :
       {R"([{"text":5}])", R"([{"fields":{}}])", R"([{"fields":[5]}])", R"([{"id":"7"}])",
        R"([{"id":1.5}])", R"([{"id":99999999999999999999}])", R"([{"actions":{}}])",
        R"([{"fields":[{"title":1}]}])", R"([5])", R"(["a"])",
        R"([{"fields":[{"value":1e400}]}])"}) {
    EXPECT_FALSE(normalise(bad).ok) << bad;
  }
  auto not_array = parse_json("{}");
  EXPECT_FALSE(normalise_attachments(*not_array, users()).ok);
}

TEST(Normaliser, NullForAStringKeyKeepsTheEarlierValueAsGoDoes) {
  auto out = normalise(R"([{"text":"a","text":null,"title":null}])");
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.json, R"([{"text":"a"}])");
}

TEST(Normaliser, ValidationWarningsAreCollectedNotEnforced) {
  auto out = normalise(
      R"([{"color":"blue","author_link":"ftp://x","title_link":"http://ok.example","image_url":"x","ts":1.5},)"
      R"({"color":"#36a64f","author_name":"a","author_link":"https://a.example","ts":1700000000}])");
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.count, 2u);
  ASSERT_EQ(out.warnings.size(), 6u);
  for (const auto& w : out.warnings) EXPECT_EQ(w.rfind("attachment 0:", 0), 0u) << w;
  EXPECT_TRUE(is_valid_attachment_color("#ABCDEF"));
  EXPECT_FALSE(is_valid_attachment_color("#ABCDE"));
  EXPECT_FALSE(is_valid_attachment_color("Good"));
}

TEST(Normaliser, OnlyHttpAndHttpsUrlsWithAHostAndNoWhiteSpacePassTheUrlCheck) {
  auto warns_for = [](std::string_view url) {
    auto out = normalise(R"([{"title":"t","title_link":")" + std::string(url) + R"("}])");
    EXPECT_TRUE(out.ok) << url;
    return !out.warnings.empty();
  };
  for (std::string_view ok : {"http://a", "https://a.example/x?y=1", "HTTPS://A", "hTtP://a/b"})
    EXPECT_FALSE(warns_for(ok)) << ok;
  for (std::string_view bad :
       {"", "http", "http:/", "http://", "https://", "http:///x", "https:///x", "httpss://a",
        "ftp://a", "http:/a", "https//a", "http://a b", "http://a\\tb", "http://a\\nb",
        "http://a\\rb", " http://a", "htp://a", "httpx://a"})
    EXPECT_EQ(warns_for(bad), !bad.empty()) << bad;  // an empty link is no link: no warning
}

TEST(WebhookPost, MessageGetsStrictLinksAndPropsKeepOtherKeysVerbatim) {
  std::string props =
      R"({"from_webhook":"true","n":1.50e2,"esc":"\u00e9\/","attachments":[{"text":"<http://x|X> <!here>"}],"webhook_display_name":"hook"})";
  auto out = process_webhook_post("<!channel> see <http://a|b> and `a < b || c > d`", props,
                                  users());
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.message, "@channel see [b](http://a) and `a < b || c > d`");
  EXPECT_TRUE(out.has_attachments);
  EXPECT_EQ(out.props_json,
            R"({"from_webhook":"true","n":1.50e2,"esc":"\u00e9\/","attachments":[{"text":"[X](http://x) @here"}],"webhook_display_name":"hook"})");
}

TEST(WebhookPost, PropsWithoutAttachmentsAreCopiedUntouched) {
  std::string props = R"( {"a" : [1, 2], "b":{"c":null}} )";
  auto out = process_webhook_post("hi", props, users());
  ASSERT_TRUE(out.ok);
  EXPECT_FALSE(out.has_attachments);
  EXPECT_EQ(out.props_json, props);
  EXPECT_EQ(process_webhook_post("hi", "", users()).props_json, "{}");
}

TEST(WebhookPost, EmptyOrNullAttachmentsRemoveTheProp) {
  for (std::string_view props : {R"({"a":1,"attachments":[null]})", R"({"a":1,"attachments":[]})",
                                 R"({"a":1,"attachments":null})"}) {
    auto out = process_webhook_post("", props, users());
    ASSERT_TRUE(out.ok);
    EXPECT_FALSE(out.has_attachments);
    EXPECT_EQ(out.props_json, R"({"a":1})") << props;
  }
}

TEST(WebhookPost, BadPropsOrAttachmentsAreErrors) {
  EXPECT_FALSE(process_webhook_post("", "[]", users()).ok);
  EXPECT_FALSE(process_webhook_post("", "{", users()).ok);
  EXPECT_FALSE(process_webhook_post("", R"({"attachments":"x"})", users()).ok);
  EXPECT_FALSE(process_webhook_post("", R"({"attachments":[{"fields":[{"short":"y"}]}]})", users()).ok);
}

// Go decodes props into a map: of several "attachments" keys the last one is the one normalised,
// written where it stands; the earlier ones go, whatever they held (the rest must still be JSON).
TEST(WebhookPost, OfDuplicateAttachmentsKeysTheLastCountsWhereItStands) {
  struct Case {
    std::string_view props, want;
  };
  const Case cases[] = {
      {R"({"attachments":[{"text":"a"}],"x":1,"attachments":[{"text":"b"}]})",
       R"({"x":1,"attachments":[{"text":"b"}]})"},
      {R"({"attachments":[{"text":"a"}],"attachments":[{"text":"b"}],"x":1})",
       R"({"attachments":[{"text":"b"}],"x":1})"},
      {R"({"x":1,"attachments":[{"text":"a"}],"y":2,"attachments":null,"z":3})",
       R"({"x":1,"y":2,"z":3})"},
      {R"({"attachments":"not an array","attachments":[{"title":1}],"attachments":[{"text":"c"}]})",
       R"({"attachments":[{"text":"c"}]})"},
      {R"({"attachments":[{"text":"a"}],"attachments":[]})", R"({})"},
  };
  for (const auto& c : cases) {
    auto out = process_webhook_post("", c.props, users());
    ASSERT_TRUE(out.ok) << c.props << ": " << out.error;
    EXPECT_EQ(out.props_json, c.want) << c.props;
    EXPECT_EQ(out.has_attachments, c.want.find("attachments") != std::string_view::npos);
  }
  // The last one decides: wrong there is an error, a syntax error anywhere is one.
  EXPECT_EQ(
      process_webhook_post("", R"({"attachments":[],"attachments":[{"title":1}]})", users()).error,
      "attachment title is not a string");
  EXPECT_EQ(process_webhook_post("", R"({"attachments":[{"title":1}],"x":tru})", users()).error,
            "props: invalid literal at offset 33");
}

// The attachments.process interceptor hands over props it parsed with the request: the result
// must be the one the text gives (props as written, no surrounding whitespace).
TEST(WebhookPost, ParsedPropsGiveTheSameResultAsTheirText) {
  const std::string props_texts[] = {
      R"({})",
      R"({"a":[1, 2],"b":{"c":null}})",
      R"({"from_webhook":"true","attachments":[{"text":"<http://x|X> <!here> <@)" + kAliceId +
          R"(>","fields":[{"title":"t <!all>","value":12e2,"short":"TRUE"},null,{"value":"v <a|b>"}]}],"z":"\u00e9"})",
      R"({"attachments":[null],"k":1})",
      R"({"attachments":[{"color":"nope","title_link":"ftp://x","ts":1.5}],"attachments":[{"text":"last wins"}]})",
      R"({"attachments":"x"})",
      R"({"attachments":[{"fields":[{"value":1e400}]}]})",
  };
  for (const auto& text : props_texts) {
    auto parsed = parse_json(text);
    ASSERT_TRUE(parsed) << text;
    auto from_text = process_webhook_post("m <!here> <x|y>", text, users());
    auto from_tree = process_webhook_post("m <!here> <x|y>", *parsed, users());
    EXPECT_EQ(from_tree.ok, from_text.ok) << text;
    EXPECT_EQ(from_tree.error, from_text.error) << text;
    EXPECT_EQ(from_tree.message, from_text.message) << text;
    EXPECT_EQ(from_tree.props_json, from_text.props_json) << text;
    EXPECT_EQ(from_tree.has_attachments, from_text.has_attachments) << text;
    EXPECT_EQ(from_tree.warnings, from_text.warnings) << text;
  }
  auto not_object = parse_json("[]");
  EXPECT_FALSE(process_webhook_post("", *not_object, users()).ok);
}

TEST(WebhookPost, TextWithoutMarkupIsCopiedAndTextWithItIsConverted) {
  EXPECT_EQ(convert_message("no markup at all > here | there", users()),
            "no markup at all > here | there");
  EXPECT_EQ(convert_message("", users()), "");
  EXPECT_EQ(convert_message("<@" + kAliceId + "> <!channel> <http://a|b> <c>", users()),
            "@alice @channel [b](http://a) <c>");
  Reparsed reparsed(normalise(
      R"([{"title":"plain","text":"plain text","pretext":"<!here>","fields":[{"title":"f","value":"v"},{"title":"g","value":"<u|l>"},{"title":"h","value":true}]}])"));
  const JsonValue& out = *reparsed;
  ASSERT_EQ(out.items.size(), 1u);
  const JsonValue& a = out.items[0];
  EXPECT_EQ(text_of(a, "title"), "plain");
  EXPECT_EQ(text_of(a, "text"), "plain text");
  EXPECT_EQ(text_of(a, "pretext"), "@here");
  const JsonValue* fields = get(a, "fields");
  ASSERT_TRUE(fields != nullptr && fields->items.size() == 3);
  EXPECT_EQ(text_of(fields->items[0], "value"), "v");
  EXPECT_EQ(text_of(fields->items[1], "value"), "[l](u)");
  EXPECT_EQ(text_of(fields->items[2], "value"), "true");
}

}  // namespace
}  // namespace pb::attachments
