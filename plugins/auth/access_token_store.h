// Personal access tokens (wire spec §7.5): the token records, stored in the plugin's key-value
// space as "pat/<token id>" -> {"id","user_id","description","is_active","create_at","digest"}
// where "digest" is the hex BLAKE2b-256 of the token, i.e. the key of the token's session row
// ("session/<digest>", SessionStore, with token_id set). The token itself is never stored: it
// is shown once, at creation.
//
// A token authenticates through its session; auth.check also requires its record to exist and
// be active. Records are cached by id once read; set_active and remove change the cache at
// once, so disable/enable/revoke take effect on the next request, before the write is durable.
//
// Threading: loop thread only. Completions run later, on the loop thread, exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <patchbay/plugin.hpp>

namespace pb::auth {

struct AccessToken {
  std::string id;  // 26 characters
  std::string user_id;
  std::string description;
  bool is_active = true;
  int64_t create_at = 0;
  std::string digest_hex;  // of the token: its session's key is "session/<digest_hex>"

  // Mattermost's UserAccessToken JSON; `token` is only given (non-empty) at creation.
  std::string to_wire_json(std::string_view token = {}) const;
  std::string to_stored_json() const;
  static bool from_stored_json(std::string_view json, AccessToken& out);
};

class AccessTokenStore {
 public:
  explicit AccessTokenStore(sdk::Host& host) : host_(host) {}

  // The record of `id` (cache, then kv), or nullptr when there is none. The pointer is valid
  // until the next call that changes the store.
  const AccessToken* find(const std::string& id);

  // Every stored record of `user_id` ("" = every user), ordered by id (kv key order).
  std::vector<AccessToken> list(std::string_view user_id);

  // Persists `token` (a new record) and calls done(status) once durable; the cache holds it
  // only after success. Returns what kv_put returned (done not called unless PB_OK).
  int add(const AccessToken& token, std::function<void(int status)> done);

  // Marks `id` active or not: effective at once, durable when done runs; on a failed write the
  // cached record is restored. PB_E_NOT_FOUND when there is no such record.
  int set_active(const std::string& id, bool active, std::function<void(int status)> done);

  // Deletes the record of `id`: gone from the cache at once, durable when done runs.
  int remove(const std::string& id, std::function<void(int status)> done);

  static std::string key(std::string_view id) { return "pat/" + std::string(id); }

 private:
  sdk::Host& host_;
  std::unordered_map<std::string, AccessToken> cache_;
  std::unordered_set<std::string> removing_;  // deletes not yet durable: treated as gone
};

}  // namespace pb::auth
