// decode_payload: the §10 cases about content types and payload decoding (6, 8, 9, 11–15, 19,
// 20, 21 at decode level), Go's JSON rules, and hostile inputs.
#include <gtest/gtest.h>

#include <string>

#include "plugins/incoming_webhooks/content_type.h"
#include "plugins/incoming_webhooks/form_decoder.h"
#include "plugins/incoming_webhooks/payload_decoder.h"

namespace pb::incoming_webhooks {
namespace {

constexpr const char* kForm = "application/x-www-form-urlencoded";

IncomingPayload ok(std::string_view content_type, std::string_view body, std::string_view query = "") {
  auto r = decode_payload(content_type, query, body);
  if (auto* e = std::get_if<WebhookError>(&r)) {
    ADD_FAILURE() << "unexpected error " << e->id << " for body: " << body;
    return {};
  }
  return std::get<IncomingPayload>(std::move(r));
}

WebhookError fails(std::string_view content_type, std::string_view body, std::string_view query = "") {
  auto r = decode_payload(content_type, query, body);
  if (auto* e = std::get_if<WebhookError>(&r)) return *e;
  ADD_FAILURE() << "decoded, expected an error: " << body;
  return {};
}

void expect_parse_data(const WebhookError& e) {
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.id, "model.incoming_hook.parse_data.app_error");
}

void expect_incoming_error(const WebhookError& e) {
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.id, "api.webhook.incoming.error");
}

// ---- content types (§2.2) ----

TEST(DecodePayload, Case1FormPayloadField) {
  EXPECT_EQ(ok(kForm, R"(payload={"text": "test text"})").text, "test text");
}

TEST(DecodePayload, Case8ContentTypeVariants) {
  for (const char* ct : {"AppLicaTion/x-www-Form-urlencoded", "application/x-www-form-urlencoded;charset=utf-8",
                         "application/x-www-form-urlencoded; charset=utf-8"}) {
    EXPECT_EQ(ok(ct, R"(payload={"text":"hi"})").text, "hi") << ct;
  }
}

TEST(DecodePayload, Case9MalformedContentTypeIs400IncomingError) {
  expect_incoming_error(fails("application/x-www-form-urlencoded wrongtext", R"(payload={"text":"x"})"));
  expect_incoming_error(fails("; charset=utf-8", R"({"text":"x"})"));
  expect_incoming_error(fails("application/json; a=1; A=2", R"({"text":"x"})"));  // duplicate
}

TEST(DecodePayload, InvalidMediaParameterIsTolerated) {
  EXPECT_EQ(ok("application/json; charset", R"({"text":"x"})").text, "x");
  EXPECT_EQ(ok("application/json;", R"({"text":"x"})").text, "x");
}

TEST(DecodePayload, Case11FormWithRawJsonBodyIs400) {
  expect_parse_data(fails(kForm, R"({"text":"this is a test"})"));
}

TEST(DecodePayload, Case12JsonWithFormBodyIs400) {
  expect_parse_data(fails("application/json", R"(payload={"text":"x"})"));
}

TEST(DecodePayload, Case14UnknownMimeTypeFallsBackToJson) {
  expect_parse_data(fails("mimetype/wrong", R"(payload={"text":"x"})"));
  EXPECT_EQ(ok("mimetype/wrong", R"({"text":"x"})").text, "x");
  EXPECT_EQ(ok("text/plain", R"({"text":"x"})").text, "x");
}

TEST(DecodePayload, Case15NoContentTypeIsJson) {
  EXPECT_EQ(ok("", R"({"text":"this is a test"})").text, "this is a test");
}

TEST(DecodePayload, FormPayloadIsPercentDecodedAndPlusIsSpace) {
  auto p = ok(kForm, "payload=%7B%22text%22%3A%22Build+%3Chttps%3A%2F%2Fci%2F1%7C%231%3E+ok%22%7D");
  EXPECT_EQ(p.text, "Build <https://ci/1|#1> ok");
}

TEST(DecodePayload, FormPayloadMissingIs400ParseData) {
  expect_parse_data(fails(kForm, "text=hello"));
  expect_parse_data(fails(kForm, ""));
}

TEST(DecodePayload, FormPayloadFromTheQueryStringWhenTheBodyHasNone) {
  EXPECT_EQ(ok(kForm, "other=1", "payload=%7B%22text%22%3A%22q%22%7D").text, "q");
  // Body values come first (Go's FormValue).
  EXPECT_EQ(ok(kForm, "payload={\"text\":\"b\"}", "payload=%7B%22text%22%3A%22q%22%7D").text, "b");
}

TEST(DecodePayload, PercentEscapeCutInHalfSkipsThePair) {
  expect_parse_data(fails(kForm, "payload=%7B%22text%22%3A%22hi%22%7"));
  expect_parse_data(fails(kForm, "payload=%7B%22text%22%3A%22hi%22%"));
  // The first pair is bad, a later valid one counts (Go keeps parsing).
  EXPECT_EQ(ok(kForm, "payload=%zz&payload={\"text\":\"2\"}").text, "2");
  // A pair with ';' is refused as a whole (Go 1.17+).
  expect_parse_data(fails(kForm, "payload={\"text\":\"a\"};x=1"));
}

// ---- multipart (§2.2, decisions.md) ----

std::string multipart(std::initializer_list<std::pair<const char*, const char*>> fields,
                      bool close = true, const char* eol = "\r\n") {
  std::string body = "preamble";
  body += eol;
  for (auto& [name, value] : fields) {
    body += std::string("--XyZ") + eol;
    body += std::string("Content-Disposition: form-data; name=\"") + name + "\"" + eol + eol;
    body += value;
    body += eol;
  }
  body += close ? "--XyZ--" : "--XyZ";
  body += eol;
  return body;
}

TEST(DecodePayload, Case13MultipartFields) {
  auto p = ok("multipart/form-data; boundary=XyZ",
              multipart({{"username", "webhook-bot"}, {"text", "this is a test :tada:"}}));
  EXPECT_EQ(p.username, "webhook-bot");
  EXPECT_EQ(p.text, "this is a test :tada:");
}

TEST(DecodePayload, MultipartGoAndSlackNamesCaseInsensitive) {
  auto p = ok("multipart/form-data; boundary=\"XyZ\"",
              multipart({{"ChannelName", "town"}, {"IconURL", "http://i"}, {"icon_emoji", ":x:"},
                         {"TYPE", "custom_a"}, {"channel", "dev"}}, true, "\n"));
  EXPECT_EQ(p.channel, "dev");  // the last one wins
  EXPECT_EQ(p.icon_url, "http://i");
  EXPECT_EQ(p.icon_emoji, ":x:");
  EXPECT_EQ(p.type, "custom_a");
}

TEST(DecodePayload, MultipartUnknownFieldIs400) {
  expect_incoming_error(fails("multipart/form-data; boundary=XyZ", multipart({{"payload", "{}"}})));
  expect_incoming_error(fails("multipart/form-data; boundary=XyZ", multipart({{"props", "{}"}})));
}

TEST(DecodePayload, MultipartTruncatedOrWithoutBoundaryIs400) {
  expect_incoming_error(fails("multipart/form-data", multipart({{"text", "x"}})));
  expect_incoming_error(fails("multipart/form-data; boundary=XyZ", multipart({{"text", "x"}}, false)));
  std::string body = multipart({{"text", "hello"}});
  expect_incoming_error(fails("multipart/form-data; boundary=XyZ", body.substr(0, body.size() / 2)));
  expect_incoming_error(fails("multipart/form-data; boundary=XyZ", ""));
}

TEST(DecodePayload, MultipartFilePartsAreNotFields) {
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\ndata\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhi\r\n--b--\r\n";
  EXPECT_EQ(ok("multipart/form-data; boundary=b", body).text, "hi");
}

// ---- JSON (§2.3) ----

TEST(DecodePayload, AllFieldsDecoded) {
  auto p = ok("application/json",
              R"({"text":"t","username":"u","icon_url":"i","icon_emoji":":e:","channel":"#c",)"
              R"("type":"custom_x","props":{"a":[1,{"b":null}]},"attachments":[{"text":"a"}],"blocks":[{}],)"
              R"("priority":{"priority":"urgent","requested_ack":true}})");
  EXPECT_EQ(p.text, "t");
  EXPECT_EQ(p.username, "u");
  EXPECT_EQ(p.icon_url, "i");
  EXPECT_EQ(p.icon_emoji, ":e:");
  EXPECT_EQ(p.channel, "#c");
  EXPECT_EQ(p.type, "custom_x");
  EXPECT_EQ(p.props_json, R"({"a":[1,{"b":null}]})");
  EXPECT_EQ(p.attachments_json, R"([{"text":"a"}])");
  EXPECT_TRUE(p.has_attachments);
  EXPECT_EQ(p.priority_json, R"({"priority":"urgent","requested_ack":true})");
}

TEST(DecodePayload, KeysAreCaseInsensitiveAndTheLastDuplicateWins) {
  EXPECT_EQ(ok("", R"({"Text":"upper"})").text, "upper");
  EXPECT_EQ(ok("", R"({"text":"a","TEXT":"b"})").text, "b");
  EXPECT_EQ(ok("", R"({"te\u0078t":"escaped key"})").text, "escaped key");
  EXPECT_EQ(ok("", R"({"props":{"a":1},"Props":{"b":2}})").props_json, R"({"b":2})");
}

TEST(DecodePayload, NullKeepsAStringAndClearsTheOthers) {
  auto p = ok("", R"({"text":"a","text":null,"props":{"x":1},"props":null,"attachments":[{}],"attachments":null})");
  EXPECT_EQ(p.text, "a");
  EXPECT_EQ(p.props_json, "");
  EXPECT_EQ(p.attachments_json, "");
  EXPECT_FALSE(p.has_attachments);
}

TEST(DecodePayload, WrongTypeForAKnownKeyIs400) {
  expect_parse_data(fails("", R"({"text":5})"));
  expect_parse_data(fails("", R"({"props":[]})"));
  expect_parse_data(fails("", R"({"attachments":{}})"));
  expect_parse_data(fails("", R"({"attachments":[5]})"));
  expect_parse_data(fails("", R"({"priority":"high"})"));
  expect_parse_data(fails("", R"({"priority":{"priority":1}})"));
  expect_parse_data(fails("", R"(["text"])"));
  expect_parse_data(fails("", R"("text")"));
}

TEST(DecodePayload, UnknownKeysAreSkippedWhateverTheyHold) {
  auto p = ok("", R"({"blocks":[{"type":"section"}],"mrkdwn":true,"n":1e400,"text":"x"})");
  EXPECT_EQ(p.text, "x");
}

TEST(DecodePayload, EmptyAndOnlyNullAttachmentsCountAsAbsent) {
  auto empty = ok("", R"({"attachments":[]})");
  EXPECT_EQ(empty.attachments_json, "[]");
  EXPECT_FALSE(empty.has_attachments);
  EXPECT_FALSE(ok("", R"({"attachments":[null, null]})").has_attachments);
  EXPECT_TRUE(ok("", R"({"attachments":[null,{}]})").has_attachments);
}

TEST(DecodePayload, Case20NullAttachmentsAndFieldsKeptForTheNormaliser) {
  auto p = ok("", R"({"attachments":[{"fields":[{"title":"foo","value":"bar","short":true}, null]}, null]})");
  EXPECT_TRUE(p.has_attachments);
  EXPECT_EQ(p.attachments_json,
            R"([{"fields":[{"title":"foo","value":"bar","short":true}, null]}, null])");
}

TEST(DecodePayload, Case21ShortFormsPassTheDecoder) {
  for (const char* s : {"true", "\"true\"", "\"True\"", "\"TRUE\"", "false", "\"false\"", "\"False\"", "\"FALSE\""}) {
    std::string body = std::string(R"({"attachments":[{"fields":[{"title":"a","value":"b","short":)") + s + "}]}]}";
    EXPECT_TRUE(ok("", body).has_attachments) << s;
  }
}

TEST(DecodePayload, PriorityWithoutPriorityIs400InvalidParam) {
  for (const char* body : {R"({"text":"x","priority":{}})", R"({"text":"x","priority":{"requested_ack":true}})",
                           R"({"text":"x","priority":{"priority":null}})"}) {
    auto e = fails("", body);
    EXPECT_EQ(e.http_status, 400);
    EXPECT_EQ(e.id, "api.context.invalid_param.app_error") << body;
  }
  EXPECT_EQ(ok("", R"({"priority":{"PRIORITY":"important","persistent_notifications":false,"x":[1]}})").priority_json,
            R"({"priority":"important","persistent_notifications":false})");
  EXPECT_EQ(ok("", R"({"priority":{"priority":""},"priority":null})").priority_json, "");
}

TEST(DecodePayload, OnlyTheFirstJsonValueIsRead) {
  // Go's json.Decoder stops after the first value.
  EXPECT_EQ(ok("", "{\"text\":\"a\"} trailing garbage").text, "a");
  EXPECT_EQ(ok("", " \n{\"text\":\"a\"}\n").text, "a");
}

TEST(DecodePayload, NullBodyIsAnEmptyPayload) {
  auto p = ok("", "null");
  EXPECT_EQ(p.text, "");
  EXPECT_FALSE(p.has_attachments);
}

TEST(DecodePayload, Case6RawNewlineAndTabInTextAreAcceptedByTheSecondPass) {
  std::string body = "{\"text\": \"this is a \\\"test\\\"\nwith a\ttab\"}";
  EXPECT_EQ(ok("application/json", body).text, "this is a \"test\"\nwith a\ttab");
  std::string form = "payload={\"text\": \"line one\nline\ttwo\"}";
  EXPECT_EQ(ok(kForm, form).text, "line one\nline\ttwo");
}

TEST(DecodePayload, Case19EveryLenientKeyInAttachments) {
  const std::string texts[] = {"this is a test", "this is a test\n\t\tand more",
                               "this is a \\\"foo", "this is a \\\"foo\\\"", "\\\"foo\n\\\"bar"};
  for (const auto& t : texts) {
    std::string body = "{\"text\":\"" + t + "\",\"attachments\":[{\"fallback\":\"" + t +
                       "\",\"pretext\":\"" + t + "\",\"author_name\":\"" + t + "\",\"title\":\"" + t +
                       "\",\"text\":\"" + t + "\",\"fields\":[{\"title\":\"" + t + "\",\"value\":\"" + t +
                       "\",\"short\":false}]}]}";
    auto p = ok("", body);
    std::string expected = t;
    for (size_t i; (i = expected.find("\\\"")) != std::string::npos;) expected.replace(i, 2, "\"");
    EXPECT_EQ(p.text, expected) << t;
    EXPECT_TRUE(p.has_attachments);
    // The array is kept with the escaped control characters, decodable by a strict reader.
    EXPECT_EQ(p.attachments_json.find('\n'), std::string::npos);
    EXPECT_EQ(p.attachments_json.find('\t'), std::string::npos);
  }
}

TEST(DecodePayload, RawControlCharactersElsewhereStillFail) {
  expect_parse_data(fails("", "{\"username\":\"a\nb\"}"));
  expect_parse_data(fails("", "{\"text\":\"a\rb\"}"));  // only newline and tab are escaped
}

TEST(EscapeControlChars, OnlyTheListedKeysInLowerCase) {
  EXPECT_EQ(escape_control_chars("{\"text\" : \"a\nb\",\"Text\":\"c\nd\"}"),
            "{\"text\" : \"a\\nb\",\"Text\":\"c\nd\"}");
  EXPECT_EQ(escape_control_chars("{\"value\":\"\t\"}"), "{\"value\":\"\\t\"}");
  EXPECT_EQ(escape_control_chars("{\"x\":\"a\nb\"}"), "{\"x\":\"a\nb\"}");
  // An unterminated string is no match.
  EXPECT_EQ(escape_control_chars("{\"text\":\"a\n"), "{\"text\":\"a\n");
}

// ---- hostile inputs ----

TEST(DecodePayload, InvalidJsonIs400) {
  for (const char* body : {"", "{", "{\"text\"", "{\"text\":}", "{\"text\":\"a\",}", "{'text':'a'}",
                           "{\"text\":\"a\" \"b\"}", "{\"text\":\"\\x\"}", "{\"text\":\"\\u12\"}",
                           "{\"props\":{\"a\":01}}", "{\"props\":{\"a\":1.}}", "{\"props\":{\"a\":-}}",
                           "{\"props\":{\"a\":tru}}", "{\"props\":{\"a\":[1,]}}", "nul"}) {
    expect_parse_data(fails("", body));
  }
}

TEST(DecodePayload, DeepNestingIsRefusedWithoutRecursion) {
  std::string deep = "{\"props\":" + std::string(1'000'000, '[') + std::string(1'000'000, ']') + "}";
  expect_parse_data(fails("", deep));
  std::string deep_unknown = "{\"x\":" + std::string(1'000'000, '{');
  expect_parse_data(fails("", deep_unknown));
  std::string ok_depth = "{\"props\":{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}}";
  EXPECT_FALSE(ok("", ok_depth).props_json.empty());
}

TEST(DecodePayload, InvalidUtf8BecomesReplacementCharacters) {
  auto p = ok("", "{\"text\":\"a\xff\xfe" "b\",\"props\":{\"k\":\"\xc3\"}}");
  EXPECT_EQ(p.text, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  EXPECT_EQ(p.props_json, "{\"k\":\"\xEF\xBF\xBD\"}");
  EXPECT_EQ(ok("", R"({"text":"\ud800 \udc00 \ud83d\ude00"})").text,
            "\xEF\xBF\xBD \xEF\xBF\xBD \xF0\x9F\x98\x80");
}

TEST(DecodePayload, HugeNumbersInPropsFailAsGoFloat64Does) {
  expect_parse_data(fails("", R"({"props":{"n":1e400}})"));
  expect_parse_data(fails("", R"({"props":{"n":-123456789e999}})"));
  expect_parse_data(fails("", R"({"attachments":[{"ts":1e400}]})"));
  EXPECT_EQ(ok("", R"({"props":{"n":1e-400,"m":1.7976931348623157e308}})").props_json,
            R"({"n":1e-400,"m":1.7976931348623157e308})");
  std::string digits(5000, '9');
  expect_parse_data(fails("", "{\"props\":{\"n\":" + digits + "}}"));
}

// ---- the building blocks ----

TEST(MediaType, ParsesTypeAndParameters) {
  auto m = parse_media_type(" Multipart/Form-Data ; boundary=\"a b\\\"c\"; charset=utf-8");
  ASSERT_TRUE(m);
  EXPECT_TRUE(iequals_ascii(m->type, "multipart/form-data"));
  EXPECT_EQ(media_type_param(*m, "BOUNDARY").value_or("?"), "a b\"c");
  EXPECT_EQ(media_type_param(*m, "charset").value_or("?"), "utf-8");
  EXPECT_FALSE(media_type_param(*m, "name"));
  EXPECT_FALSE(parse_media_type("text/"));
  EXPECT_FALSE(parse_media_type("/json"));
  EXPECT_TRUE(parse_media_type("form-data"));
}

TEST(FormValue, GoQueryRules) {
  EXPECT_EQ(form_value("a=1&payload=x+y%21", "", "payload").value_or("?"), "x y!");
  EXPECT_EQ(form_value("pay%6Coad=z", "", "payload").value_or("?"), "z");
  EXPECT_EQ(form_value("payload", "", "payload").value_or("?"), "");
  EXPECT_FALSE(form_value("payloads=1", "", "payload"));
  EXPECT_FALSE(query_unescape("%4"));
  EXPECT_FALSE(query_unescape("%g0"));
}

}  // namespace
}  // namespace pb::incoming_webhooks
