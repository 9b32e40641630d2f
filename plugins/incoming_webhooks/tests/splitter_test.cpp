// split_post: §10 cases 10, 16 and 28–32 (limits 10000/7600 as in Mattermost's test), Go's
// counting, and the fast path.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "plugins/incoming_webhooks/payload_decoder.h"
#include "plugins/incoming_webhooks/post_splitter.h"

namespace pb::incoming_webhooks {
namespace {

constexpr SplitLimits kTestLimits{10000, 7600};

std::string runes(size_t n, std::string_view rune = "\xE6\x9C\xAC") {  // 本
  std::string s;
  s.reserve(n * rune.size());
  for (size_t i = 0; i < n; ++i) s.append(rune);
  return s;
}

std::string attachment(size_t text_runes) { return "{\"text\":\"" + runes(text_runes) + "\"}"; }

std::string props_with(std::initializer_list<size_t> texts) {
  std::string out = "{\"attachments\":[";
  bool first = true;
  for (size_t t : texts) {
    if (!first) out += ',';
    first = false;
    out += attachment(t);
  }
  return out + "]}";
}

std::vector<SplitPost> split_ok(std::string_view message, std::string_view props,
                                SplitLimits limits = kTestLimits) {
  auto r = split_post(message, props, limits);
  if (auto* e = std::get_if<WebhookError>(&r)) {
    ADD_FAILURE() << "unexpected " << e->id;
    return {};
  }
  return std::get<std::vector<SplitPost>>(std::move(r));
}

// The text runes of each attachment in a post's props, in order.
std::vector<size_t> attachment_texts(const std::string& props) {
  std::vector<JsonMemberView> members;
  EXPECT_TRUE(split_json_object(props, members)) << props.substr(0, 80);
  std::vector<size_t> out;
  for (const auto& m : members) {
    if (m.key != "attachments") continue;
    std::vector<std::string_view> items;
    EXPECT_TRUE(split_json_array(m.raw_value, items));
    for (auto item : items) {
      std::vector<JsonMemberView> a;
      EXPECT_TRUE(split_json_object(item, a));
      size_t n = 0;
      for (const auto& am : a) {
        std::string text;
        if (am.key == "text" && decode_json_string(am.raw_value, text)) n = count_runes(text);
      }
      out.push_back(n);
    }
  }
  return out;
}

TEST(SplitPost, FastPathReturnsTheInputAsOnePost) {
  std::string props = R"({"from_webhook":"true","attachments":[{"text":"a","fields":[{"title":"t","value":"v","short":true}]}]})";
  auto posts = split_ok("hello", props, {});
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].message, "hello");
  EXPECT_EQ(posts[0].props_json, props);
  EXPECT_EQ(split_ok("", "", {})[0].props_json, "{}");
}

// The overload that takes the post whole answers exactly as the one over views: the fast path
// (its strings moved, "" props made "{}"), a split, and a refusal.
TEST(SplitPost, TakingThePostWholeAnswersAsTheViews) {
  struct Input {
    std::string message, props;
  };
  const Input inputs[] = {
      {"hello", R"({"from_webhook":"true","attachments":[{"text":"a"}]})"},
      {"", ""},
      {runes(15000), props_with({10, 20})},       // the message splits
      {"m", props_with({3000, 3000, 3000})},       // the attachments split
      {"m", "{\"other\":\"" + runes(8000) + "\"}"},  // 400
  };
  for (const Input& in : inputs) {
    auto by_view = split_post(in.message, in.props, kTestLimits);
    auto whole = split_post(SplitPost{in.message, in.props}, kTestLimits);
    ASSERT_EQ(by_view.index(), whole.index()) << in.message.substr(0, 20);
    if (auto* e = std::get_if<WebhookError>(&by_view)) {
      EXPECT_EQ(std::get<WebhookError>(whole).id, e->id);
      continue;
    }
    const auto& a = std::get<std::vector<SplitPost>>(by_view);
    const auto& b = std::get<std::vector<SplitPost>>(whole);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].message, b[i].message);
      EXPECT_EQ(a[i].props_json, b[i].props_json);
    }
  }
}

// Splitting into a vector that held an earlier post's parts answers as split_post does, and a
// post that fits whole reuses the one part's strings (their capacity) instead of new ones.
TEST(SplitPost, IntoAVectorAnswersAsTheValueFormAndReusesTheOnePart) {
  struct Input {
    std::string message, props;
  };
  const Input inputs[] = {
      {runes(15000), props_with({10, 20})},            // two parts over an empty vector
      {"hello", R"({"attachments":[{"text":"a"}]})"},  // then one, over two
      {"m", props_with({3000, 3000, 3000})},
      {"m", "{\"other\":\"" + runes(8000) + "\"}"},  // 400: parts hold nothing to use
      {"", ""},
      {"again", R"({"k":1})"},
  };
  std::vector<SplitPost> parts;
  for (const Input& in : inputs) {
    auto expected = split_post(in.message, in.props, kTestLimits);
    auto error = split_post_into(parts, in.message, in.props, kTestLimits);
    if (auto* e = std::get_if<WebhookError>(&expected)) {
      ASSERT_TRUE(error.has_value());
      EXPECT_EQ(error->http_status, e->http_status);
      EXPECT_EQ(error->id, e->id);
      continue;
    }
    ASSERT_FALSE(error.has_value()) << error->id;
    const auto& want = std::get<std::vector<SplitPost>>(expected);
    ASSERT_EQ(parts.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(parts[i].message, want[i].message);
      EXPECT_EQ(parts[i].props_json, want[i].props_json);
    }
  }
  parts.assign(1, SplitPost{std::string(200, 'x'), std::string(300, 'y')});
  const char* message_buffer = parts[0].message.data();
  const char* props_buffer = parts[0].props_json.data();
  ASSERT_FALSE(split_post_into(parts, "short", R"({"a":"b"})", kTestLimits).has_value());
  EXPECT_EQ(parts[0].message.data(), message_buffer);
  EXPECT_EQ(parts[0].props_json.data(), props_buffer);
}

TEST(SplitPost, Case10LongTextIsOnePostAt16383AndThreeAt4000) {
  std::string text(8200, 'a');
  EXPECT_EQ(split_ok(text, "{}", {}).size(), 1u);
  auto posts = split_ok(text, "{}", {4000, 7600});
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].message.size(), 4000u);
  EXPECT_EQ(posts[1].message.size(), 4000u);
  EXPECT_EQ(posts[2].message.size(), 200u);
}

TEST(SplitPost, Case28MessageOf15000RunesIsTwoPosts) {
  auto posts = split_ok(runes(15000), "{}");
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].message, runes(10000));
  EXPECT_EQ(posts[1].message, runes(5000));
  EXPECT_EQ(posts[0].props_json, "{}");
  EXPECT_EQ(posts[1].props_json, "{}");
}

TEST(SplitPost, Case29AttachmentsFillTheLastPostThenANewOne) {
  auto posts = split_ok(runes(15000), props_with({1000, 2000, 7600 - 1000}));
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(count_runes(posts[0].message), 10000u);
  EXPECT_TRUE(attachment_texts(posts[0].props_json).empty());
  EXPECT_EQ(count_runes(posts[1].message), 5000u);
  EXPECT_EQ(attachment_texts(posts[1].props_json), (std::vector<size_t>{1000, 2000}));
  EXPECT_EQ(posts[2].message, "");
  EXPECT_EQ(attachment_texts(posts[2].props_json), (std::vector<size_t>{6600}));
}

TEST(SplitPost, Case30EachAttachmentInItsOwnPostWhenTwoDoNotFit) {
  auto posts = split_ok(runes(15000), props_with({5150, 2000, 7600 - 1000}));
  ASSERT_EQ(posts.size(), 4u);
  EXPECT_TRUE(attachment_texts(posts[0].props_json).empty());
  EXPECT_EQ(count_runes(posts[1].message), 5000u);
  EXPECT_EQ(attachment_texts(posts[1].props_json), (std::vector<size_t>{5150}));
  EXPECT_EQ(posts[2].message, "");
  EXPECT_EQ(attachment_texts(posts[2].props_json), (std::vector<size_t>{2000}));
  EXPECT_EQ(posts[3].message, "");
  EXPECT_EQ(attachment_texts(posts[3].props_json), (std::vector<size_t>{6600}));
}

TEST(SplitPost, Case31ShortMessageKeepsTheFirstAttachment) {
  auto posts = split_ok(runes(9999), props_with({5700, 1900}));
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(count_runes(posts[0].message), 9999u);
  EXPECT_EQ(attachment_texts(posts[0].props_json), (std::vector<size_t>{5700}));
  EXPECT_EQ(posts[1].message, "");
  EXPECT_EQ(attachment_texts(posts[1].props_json), (std::vector<size_t>{1900}));
}

TEST(SplitPost, Case32OversizedOtherPropIs400) {
  std::string props = "{\"foo\":\"" + std::string(15200, 'x') + "\"}";
  auto r = split_post("foo", props, kTestLimits);
  ASSERT_TRUE(std::holds_alternative<WebhookError>(r));
  const auto& e = std::get<WebhookError>(r);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.id, "web.incoming_webhook.split_props_length.app_error");
}

TEST(SplitPost, Case16LongAttachmentTextIsTruncatedToFit) {
  std::string props =
      R"({"from_webhook":"true","attachments":[{"fallback":"Required plain-text summary","color":"#36a64f",)"
      R"("pretext":"Optional text","author_name":"Bobby","author_link":"http://flickr.com/bobby/",)"
      R"("author_icon":"http://flickr.com/icons/bobby.jpg","title":"Slack API Documentation",)"
      R"("title_link":"https://api.slack.com/","text":")" +
      std::string(8200, 'x') +
      R"(","fields":[{"title":"Priority","value":"High","short":false}],)"
      R"("image_url":"http://my-website.com/path/to/image.jpg","thumb_url":"http://example.com/path/to/thumb.png"}]})";
  auto posts = split_ok("hi", props, {});
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].message, "hi");
  auto texts = attachment_texts(posts[0].props_json);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_LT(texts[0], 7600u);
  EXPECT_GT(texts[0], 6000u);
  EXPECT_LE(count_runes(posts[0].props_json), 7600u);
  EXPECT_NE(posts[0].props_json.find("\"from_webhook\":\"true\""), std::string::npos);
  EXPECT_NE(posts[0].props_json.find("\"value\":\"High\""), std::string::npos);
}

TEST(SplitPost, AttachmentThatCannotFitEvenWithoutTextIs400) {
  std::string props = "{\"attachments\":[{\"title\":\"" + std::string(8000, 't') + "\",\"text\":\"x\"}]}";
  auto r = split_post("m", props, kTestLimits);
  ASSERT_TRUE(std::holds_alternative<WebhookError>(r));
  EXPECT_EQ(std::get<WebhookError>(r).id, "web.incoming_webhook.split_props_length.app_error");
}

TEST(SplitPost, NeverSplitsACodePointAndCountsInvalidBytesAsRunes) {
  std::string message = runes(5, "\xF0\x9F\x98\x80") + "\xff\xff" + runes(3, "\xC3\xA9");
  auto posts = split_ok(message, "{}", {4, 7600});
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].message, runes(4, "\xF0\x9F\x98\x80"));
  EXPECT_EQ(posts[1].message, "\xF0\x9F\x98\x80\xff\xff\xC3\xA9");
  EXPECT_EQ(posts[2].message, runes(2, "\xC3\xA9"));
}

TEST(SplitPost, HtmlCharactersCountAsGoEscapesThem) {
  EXPECT_EQ(go_json_string_runes("<a&b>"), 6u * 3 + 2);
  EXPECT_EQ(go_json_string_runes("\"\\\n\x01"), 2u + 2 + 2 + 6);
  EXPECT_EQ(go_json_string_runes("\xE2\x80\xA8\xC3\xA9"), 7u);
  // A base prop full of '<' is over the limit in Go's encoding though short in runes.
  std::string props = "{\"p\":\"" + std::string(2000, '<') + "\"}";
  auto r = split_post(runes(20000), props, kTestLimits);
  EXPECT_TRUE(std::holds_alternative<WebhookError>(r));
}

TEST(SplitPost, PropsThatAreNotAnObjectAre400WhenTheyMustBeRead) {
  auto r = split_post(std::string(20000, 'a'), "[1]", kTestLimits);
  EXPECT_TRUE(std::holds_alternative<WebhookError>(r));
  r = split_post(std::string(20000, 'a'), R"({"attachments":{}})", kTestLimits);
  EXPECT_TRUE(std::holds_alternative<WebhookError>(r));
}

TEST(SplitPost, BasePropsGoToEveryPostAndAttachmentsKeepOtherKeys) {
  std::string props = R"({"from_webhook":"true","attachments":[{"color":"good","text":"a"},null,{"text":"b","ts":123}],"webhook_display_name":"CI"})";
  auto posts = split_ok(runes(25000), props);
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].props_json, R"({"from_webhook":"true","webhook_display_name":"CI"})");
  EXPECT_EQ(posts[1].props_json, posts[0].props_json);
  EXPECT_EQ(posts[2].props_json,
            R"({"from_webhook":"true","webhook_display_name":"CI","attachments":[{"color":"good","text":"a"},{"text":"b","ts":123}]})");
}

// The fast path's over-estimate counts, sixteen bytes at a time, exactly what a byte-by-byte count
// gives: every length (the vector loop and its tail), the counted bytes at every position, and
// past 255 blocks (where the per-lane counters are summed before they could wrap).
TEST(PropsUpperBound, CountsWhatAByteByByteCountCounts) {
  std::mt19937 random(7);
  const std::string alphabet = "<>&{}\"ab\xE2\x80\xA8 \\";
  std::vector<size_t> sizes;
  for (size_t size = 0; size < 100; ++size) sizes.push_back(size);
  for (size_t size : {4079u, 4080u, 4081u, 4096u, 9000u}) sizes.push_back(size);
  for (size_t size : sizes) {
    for (int trial = 0; trial < 20; ++trial) {
      std::string props(size, 'x');
      for (char& c : props) c = alphabet[random() % alphabet.size()];
      size_t html = 0, e2 = 0, braces = 0;
      for (char c : props) {
        html += c == '<' || c == '>' || c == '&';
        e2 += static_cast<unsigned char>(c) == 0xE2;
        braces += c == '{';
      }
      EXPECT_EQ(sdk::post_split_detail::props_upper_bound(props),
                props.size() + 5 * html + 3 * e2 +
                    braces * (sdk::post_split_detail::kGoEmptyAttachment.size() +
                              sdk::post_split_detail::kGoActionsKey.size()))
          << props;
    }
  }
  // Every byte counted, for more blocks than a lane can count without its sum.
  for (char c : {'<', '{', '\xE2'}) {
    const std::string props(4096 + 7, c);
    const size_t per_byte = c == '<'   ? 6
                            : c == '{' ? 1 + sdk::post_split_detail::kGoEmptyAttachment.size() +
                                             sdk::post_split_detail::kGoActionsKey.size()
                                       : 4;
    EXPECT_EQ(sdk::post_split_detail::props_upper_bound(props), props.size() * per_byte);
  }
}

}  // namespace
}  // namespace pb::incoming_webhooks
