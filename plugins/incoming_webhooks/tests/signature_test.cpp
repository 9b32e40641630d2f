// signature.h and secret_box.h: the presets against the documented test vectors, and every way a
// request can fail (missing, malformed, wrong, replayed); sealing secrets at rest.
#include <gtest/gtest.h>
#include <sodium.h>

#include <map>
#include <string>

#include "plugins/incoming_webhooks/secret_box.h"
#include "plugins/incoming_webhooks/signature.h"

namespace pb::incoming_webhooks::test {
namespace {

class Signature : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }

  std::optional<ApiError> verify(SignaturePreset preset, std::string_view secret,
                                 std::string_view body, int64_t now = 1531420618,
                                 std::string_view custom = {}) {
    auto lookup = [this](std::string_view name) -> std::optional<std::string_view> {
      for (const auto& [k, v] : headers_) {
        if (k.size() == name.size() &&
            std::equal(k.begin(), k.end(), name.begin(),
                       [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
          return std::string_view(v);
        }
      }
      return std::nullopt;
    };
    return verify_signature(preset, custom, secret, lookup, body, now);
  }
  static bool refused(const std::optional<ApiError>& e) {
    return e && e->status == 401 && e->id == "web.incoming_webhook.signature.app_error";
  }
  std::map<std::string, std::string> headers_;
};

constexpr std::string_view kSlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr std::string_view kSlackBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977008855"
    "54%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8"
    "b6703c";
constexpr std::string_view kSlackSignature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

TEST_F(Signature, GithubDocumentedVector) {
  EXPECT_EQ(hmac_sha256_hex("It's a Secret to Everybody", {"Hello, World!"}),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  headers_["X-Hub-Signature-256"] =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  EXPECT_FALSE(verify(SignaturePreset::github, "It's a Secret to Everybody", "Hello, World!"));
  // Upper-case hex is the same digest.
  headers_["X-Hub-Signature-256"] =
      "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17";
  EXPECT_FALSE(verify(SignaturePreset::github, "It's a Secret to Everybody", "Hello, World!"));
}

TEST_F(Signature, GithubWrongMissingMalformed) {
  EXPECT_TRUE(refused(verify(SignaturePreset::github, "s", "body")));  // missing
  headers_["x-hub-signature-256"] = "sha256=" + hmac_sha256_hex("other", {"body"});
  EXPECT_TRUE(refused(verify(SignaturePreset::github, "s", "body")));  // wrong secret
  headers_["x-hub-signature-256"] = "sha256=" + hmac_sha256_hex("s", {"body!"});
  EXPECT_TRUE(refused(verify(SignaturePreset::github, "s", "body")));  // other body
  headers_["x-hub-signature-256"] = hmac_sha256_hex("s", {"body"});
  EXPECT_TRUE(refused(verify(SignaturePreset::github, "s", "body")));  // no prefix
  headers_["x-hub-signature-256"] = "sha256=" + hmac_sha256_hex("s", {"body"}).substr(2);
  EXPECT_TRUE(refused(verify(SignaturePreset::github, "s", "body")));  // truncated
  headers_["x-hub-signature-256"] = "sha256=" + std::string(64, 'g');
  EXPECT_TRUE(refused(verify(SignaturePreset::github, "s", "body")));  // not hex
  headers_["x-hub-signature-256"] = "sha256=" + hmac_sha256_hex("s", {"body"});
  EXPECT_FALSE(verify(SignaturePreset::github, "s", "body"));
}

TEST_F(Signature, SlackDocumentedVectorAndReplayWindow) {
  headers_["X-Slack-Request-Timestamp"] = "1531420618";
  headers_["X-Slack-Signature"] = std::string(kSlackSignature);
  EXPECT_FALSE(verify(SignaturePreset::slack, kSlackSecret, kSlackBody, 1531420618));
  EXPECT_FALSE(verify(SignaturePreset::slack, kSlackSecret, kSlackBody, 1531420618 + 300));
  EXPECT_FALSE(verify(SignaturePreset::slack, kSlackSecret, kSlackBody, 1531420618 - 300));
  auto replay = verify(SignaturePreset::slack, kSlackSecret, kSlackBody, 1531420618 + 301);
  ASSERT_TRUE(refused(replay));
  EXPECT_NE(replay->message.find("5 minutes"), std::string::npos);
  EXPECT_TRUE(refused(verify(SignaturePreset::slack, kSlackSecret, kSlackBody, 1531420618 - 301)));
  // The timestamp is signed: moving it breaks the signature even inside the window.
  headers_["X-Slack-Request-Timestamp"] = "1531420619";
  EXPECT_TRUE(refused(verify(SignaturePreset::slack, kSlackSecret, kSlackBody, 1531420618)));
}

TEST_F(Signature, SlackMissingOrMalformedHeaders) {
  EXPECT_TRUE(refused(verify(SignaturePreset::slack, kSlackSecret, kSlackBody)));
  headers_["X-Slack-Signature"] = std::string(kSlackSignature);
  EXPECT_TRUE(refused(verify(SignaturePreset::slack, kSlackSecret, kSlackBody)));  // no timestamp
  for (const char* bad : {"", "-1", "15314206180000000", "1531420618 ", "abc"}) {
    headers_["X-Slack-Request-Timestamp"] = bad;
    EXPECT_TRUE(refused(verify(SignaturePreset::slack, kSlackSecret, kSlackBody))) << bad;
  }
  headers_["X-Slack-Request-Timestamp"] = "1531420618";
  headers_["X-Slack-Signature"] = std::string(kSlackSignature.substr(3));  // no v0=
  EXPECT_TRUE(refused(verify(SignaturePreset::slack, kSlackSecret, kSlackBody)));
}

TEST_F(Signature, GitlabToken) {
  EXPECT_TRUE(refused(verify(SignaturePreset::gitlab, "tok", "{}")));
  headers_["X-Gitlab-Token"] = "tok2";
  EXPECT_TRUE(refused(verify(SignaturePreset::gitlab, "tok", "{}")));
  headers_["X-Gitlab-Token"] = "to";
  EXPECT_TRUE(refused(verify(SignaturePreset::gitlab, "tok", "{}")));
  headers_["X-Gitlab-Token"] = "tok";
  EXPECT_FALSE(verify(SignaturePreset::gitlab, "tok", "{}"));
}

TEST_F(Signature, GenericHmacUsesTheHooksHeader) {
  headers_["X-Signature"] = hmac_sha256_hex("k", {"{\"a\":1}"});
  EXPECT_FALSE(verify(SignaturePreset::hmac_sha256, "k", "{\"a\":1}", 0, "x-signature"));
  headers_["X-Signature"] = "sha256=" + hmac_sha256_hex("k", {"{\"a\":1}"});
  EXPECT_FALSE(verify(SignaturePreset::hmac_sha256, "k", "{\"a\":1}", 0, "X-Signature"));
  EXPECT_TRUE(refused(verify(SignaturePreset::hmac_sha256, "k", "{\"a\":1}", 0, "X-Other")));
  EXPECT_TRUE(refused(verify(SignaturePreset::hmac_sha256, "k2", "{\"a\":1}", 0, "X-Signature")));
}

TEST_F(Signature, ErrorsNeverCarryTheSecretOrTheExpectedValue) {
  headers_["X-Hub-Signature-256"] = "sha256=" + std::string(64, '0');
  auto e = verify(SignaturePreset::github, "topsecret", "body");
  ASSERT_TRUE(refused(e));
  EXPECT_EQ(e->message.find("topsecret"), std::string::npos);
  EXPECT_EQ(e->message.find(hmac_sha256_hex("topsecret", {"body"})), std::string::npos);
}

TEST_F(Signature, PresetNames) {
  EXPECT_EQ(parse_signature_preset(""), SignaturePreset::none);
  EXPECT_EQ(parse_signature_preset("hmac-sha256"), SignaturePreset::hmac_sha256);
  EXPECT_FALSE(parse_signature_preset("GitHub"));
  EXPECT_FALSE(parse_signature_preset("sha1"));
}

TEST_F(Signature, SecretBoxSealsAndOpens) {
  std::string key(64, 'a');
  auto box = SecretBox::from_hex_key(key);
  ASSERT_TRUE(box && box->has_key());
  std::string sealed = box->seal("hunter2");
  EXPECT_EQ(sealed.rfind("box1:", 0), 0u);
  EXPECT_EQ(sealed.find("hunter2"), std::string::npos);
  EXPECT_NE(sealed, box->seal("hunter2"));  // a fresh nonce each time
  EXPECT_EQ(box->open(sealed), "hunter2");
  // Another key, no key, or a tampered record: nothing.
  EXPECT_FALSE(SecretBox::from_hex_key(std::string(64, 'b'))->open(sealed));
  EXPECT_FALSE(SecretBox().open(sealed));
  std::string tampered = sealed;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(box->open(tampered));
  EXPECT_FALSE(box->open("box1:00"));
  EXPECT_FALSE(box->open("junk"));
  // Without a key, plain records (readable with or without a key later).
  EXPECT_EQ(SecretBox().seal("x"), "plain:x");
  EXPECT_EQ(box->open("plain:x"), "x");
  EXPECT_FALSE(SecretBox::from_hex_key("abc"));
  EXPECT_FALSE(SecretBox::from_hex_key(std::string(64, 'z')));
  EXPECT_TRUE(SecretBox::from_hex_key("") && !SecretBox::from_hex_key("")->has_key());
}

}  // namespace
}  // namespace pb::incoming_webhooks::test
