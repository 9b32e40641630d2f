// Sessions: who a token belongs to and until when. Stored in the plugin's key-value space as
// "session/<hex BLAKE2b-256 of the token>" -> {"id","user_id","csrf","create_at","expires_at"}
// plus, for a personal access token's session, "type":"UserAccessToken" and "token_id"
// (the token itself is never stored), and cached in memory by digest, so a check after the first
// costs one hash and one map lookup. A revoked session leaves the cache at once and stays
// "revoked" until its kv delete is durable, so revocation takes effect on the next request even
// while the delete is still in flight.
//
// Threading: loop thread only. Completions run later, on the loop thread, exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <patchbay/plugin.hpp>

#include "plugins/auth/tokens.h"

namespace pb::auth {

struct Session {
  std::string id;  // 26 characters; what req_session_id() reports
  std::string user_id;
  std::string csrf;  // the MMCSRF value a cookie-authenticated write must echo
  int64_t create_at = 0;
  int64_t expires_at = 0;  // milliseconds since the epoch
  // Set for the session of a personal access token (Mattermost's props type=UserAccessToken):
  // the token's id, whose record (AccessTokenStore) must exist and be active on every use.
  std::string token_id;
  bool is_access_token() const { return !token_id.empty(); }
};

class SessionStore {
 public:
  explicit SessionStore(sdk::Host& host) : host_(host) {}

  // The live-or-expired session of `token` (the caller checks expires_at), or nullptr when the
  // token is unknown or revoked. The pointer is valid until the next call that changes the store.
  const Session* find(const TokenDigest& digest);

  // Creates a session for `user_id` that expires at `expires_at` (for a personal access token:
  // `token_id` is the token's id, "" for a login), persists it, and calls
  // done(PB_OK, token, session) once it is durable (or done(error, "", {}) when the write failed:
  // then nothing is kept). Returns what kv_put returned (done not called unless PB_OK).
  using CreateDone = std::function<void(int status, const std::string& token, const Session&)>;
  int create(std::string_view user_id, int64_t now_ms, int64_t expires_at, CreateDone done,
             std::string_view token_id = {});

  // Revokes the session of `digest` (no-op when unknown): effective at once, durable when done
  // runs. Returns what kv_delete returned (done not called unless PB_OK).
  int revoke(const TokenDigest& digest, std::function<void(int status)> done);

  size_t cached() const { return cache_.size(); }

  static std::string key(const TokenDigest& digest) { return "session/" + to_hex(digest); }
  static std::string to_json(const Session& s);
  static bool from_json(std::string_view json, Session& out);

 private:
  sdk::Host& host_;
  std::unordered_map<TokenDigest, Session, DigestHash> cache_;
  std::unordered_set<TokenDigest, DigestHash> revoking_;  // deletes not yet durable
};

}  // namespace pb::auth
