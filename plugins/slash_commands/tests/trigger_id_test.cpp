// The signed trigger_id (trigger_id.h) and the pooled ids it starts from (id_pool.h).
#include "plugins/slash_commands/trigger_id.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <string>

#include "plugins/slash_commands/command.h"
#include "plugins/slash_commands/id_pool.h"

namespace pb::slash {
namespace {

class TriggerIdTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(TriggerIdTest, SignedIdsVerifyForTheirKeyAndAge) {
  TriggerKey key = new_trigger_key();
  std::string id = sign_trigger_id(key, "client", "user", 1000);
  auto ok = verify_trigger_id(key, id, 3000, 3000);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->client_trigger_id, "client");
  EXPECT_EQ(ok->user_id, "user");
  EXPECT_EQ(ok->created_ms, 1000);
  EXPECT_FALSE(verify_trigger_id(key, id, 4001, 3000));        // expired
  EXPECT_FALSE(verify_trigger_id(key, id, 999, 3000));         // from the future
  EXPECT_FALSE(verify_trigger_id(new_trigger_key(), id, 1000, 3000));  // another key
}

TEST_F(TriggerIdTest, TamperedOrMalformedIdsAreRefused) {
  TriggerKey key = new_trigger_key();
  std::string id = sign_trigger_id(key, "client", "user", 1000);
  EXPECT_FALSE(verify_trigger_id(key, sign_trigger_id(new_trigger_key(), "client", "user", 1000), 1000, 3000));
  for (std::string bad : {std::string(), std::string("!!!"), id.substr(0, id.size() - 4),
                          std::string("Y2xpZW50OnVzZXI6MTAwMDo=")}) {  // "client:user:1000:" unsigned
    EXPECT_FALSE(verify_trigger_id(key, bad, 1000, 3000)) << bad;
  }
  std::string flipped = id;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_trigger_id(key, flipped, 1000, 3000));
}

// libsodium's constant-time base64 (VARIANT_ORIGINAL) of `data`: the oracle of the encoder the
// signer uses.
std::string sodium_base64(std::string_view data) {
  std::string out(sodium_base64_encoded_len(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                    data.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // its NUL
  return out;
}

// Byte for byte what the signer wrote before its base64 was its own: base64(prefix +
// base64(HMAC-SHA-256(key, prefix))), for prefixes of every length mod 3 and bytes of every
// value (client trigger ids are the client's text).
TEST_F(TriggerIdTest, SignedIdsAreExactlyTheSodiumEncoding) {
  TriggerKey key = new_trigger_key();
  for (size_t length = 0; length < 100; ++length) {
    std::string client(length, '\0');
    for (size_t i = 0; i < length; ++i) client[i] = static_cast<char>((i * 37 + length * 11) & 0xff);
    std::string prefix = client + ":user:1764290000123:";
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(prefix.data()), prefix.size(),
                           key.bytes.data());
    std::string expected = sodium_base64(
        prefix + sodium_base64(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac)));
    EXPECT_EQ(sign_trigger_id(key, client, "user", 1764290000123), expected) << length;
  }
}

TEST_F(TriggerIdTest, KeyRecordRoundTrips) {
  TriggerKey key = new_trigger_key();
  auto back = trigger_key_from_record(trigger_key_record(key));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->bytes, key.bytes);
  EXPECT_FALSE(trigger_key_from_record("short"));
}

}  // namespace
}  // namespace pb::slash

namespace pb::slash {
namespace {

// The pooled ids are ids: 26 symbols of the id alphabet, and all different across refills.
TEST(IdPool, IdsAreWellFormedAndDistinctAcrossRefills) {
  IdPool pool;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {  // past three refills of 64
    std::string id = pool.next();
    ASSERT_EQ(id.size(), 26u);
    EXPECT_TRUE(is_valid_id(id)) << id;
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
}

}  // namespace
}  // namespace pb::slash
