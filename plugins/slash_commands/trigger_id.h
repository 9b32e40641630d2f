// The server-signed trigger_id sent to a command's URL (wire spec §5.4). Mattermost sends
// base64("<client trigger id>:<user id>:<millis>:" + base64(signature)) and returns the client
// trigger id (a plain 26-character id) to the caller; an integration passes the signed one back
// to open an interactive dialog, and the server checks it is its own, the user's, and recent
// (about 3 s). Mattermost signs with its ECDSA key; this server alone checks its ids, so it
// signs with HMAC-SHA-256 under a random key kept in the plugin's store (TriggerKey): ids
// survive a restart and cannot be made without the key.
//
// Pure apart from libsodium. Threading: any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sodium.h>

namespace pb::slash {

inline constexpr std::string_view kTriggerKeyName = "k/trigger_id";

struct TriggerKey {
  std::array<unsigned char, 32> bytes{};
  // HMAC-SHA-256 with the key's pads already hashed: signing copies it instead of hashing the
  // key again for every trigger id (execute's path). Set by key_ready().
  crypto_auth_hmacsha256_state keyed{};
};

// Prepares `key.keyed` from `key.bytes` (the makers below call it).
void key_ready(TriggerKey& key);

// A fresh random key, and the key as stored (raw bytes) and read back (nullopt when damaged).
TriggerKey new_trigger_key();
std::string_view trigger_key_record(const TriggerKey& key);
std::optional<TriggerKey> trigger_key_from_record(std::string_view record);

// Two allocations: the signed id and one scratch buffer.
std::string sign_trigger_id(const TriggerKey& key, std::string_view client_trigger_id,
                            std::string_view user_id, int64_t now_ms);

struct VerifiedTrigger {
  std::string client_trigger_id;
  std::string user_id;
  int64_t created_ms = 0;
};

// The parts of a trigger id this key signed that is at most `max_age_ms` old at `now_ms`;
// nullopt for anything else (malformed, another key, tampered, expired, from the future).
std::optional<VerifiedTrigger> verify_trigger_id(const TriggerKey& key, std::string_view trigger_id,
                                                 int64_t now_ms, int64_t max_age_ms);

}  // namespace pb::slash
