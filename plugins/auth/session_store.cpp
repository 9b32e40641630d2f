#include "plugins/auth/session_store.h"

#include <rapidjson/document.h>

#include <patchbay/json_document.hpp>
#include <patchbay/json_guard.hpp>

namespace pb::auth {

std::string SessionStore::to_json(const Session& s) {
  std::string out = "{\"id\":";
  out += sdk::json_string(s.id);
  out += ",\"user_id\":";
  out += sdk::json_string(s.user_id);
  out += ",\"csrf\":";
  out += sdk::json_string(s.csrf);
  out += ",\"create_at\":" + std::to_string(s.create_at);
  out += ",\"expires_at\":" + std::to_string(s.expires_at);
  if (s.is_access_token()) {
    out += ",\"type\":\"UserAccessToken\",\"token_id\":";
    out += sdk::json_string(s.token_id);
  }
  out += '}';
  return out;
}

bool SessionStore::from_json(std::string_view json, Session& out) {
  // Our own flat records; the guard keeps a damaged one from overflowing the recursive parser.
  if (sdk::json_too_deep_at(json, 4) != std::string_view::npos) return false;
  sdk::SmallDocument<> doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto str = [&](const char* k, std::string& dst) {
    auto it = doc.FindMember(k);
    if (it == doc.MemberEnd() || !it->value.IsString()) return false;
    dst.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto num = [&](const char* k, int64_t& dst) {
    auto it = doc.FindMember(k);
    if (it == doc.MemberEnd() || !it->value.IsInt64()) return false;
    dst = it->value.GetInt64();
    return true;
  };
  if (!(str("id", out.id) && str("user_id", out.user_id) && str("csrf", out.csrf) &&
        num("create_at", out.create_at) && num("expires_at", out.expires_at))) {
    return false;
  }
  out.token_id.clear();
  str("token_id", out.token_id);  // optional: only access-token sessions have it
  return true;
}

const Session* SessionStore::find(const TokenDigest& digest) {
  if (revoking_.count(digest) != 0) return nullptr;
  if (auto it = cache_.find(digest); it != cache_.end()) return &it->second;
  std::optional<std::string> stored = host_.kv_get(key(digest));
  if (!stored) return nullptr;
  Session s;
  if (!from_json(*stored, s)) {
    host_.warn("a stored session is malformed; ignoring it");
    return nullptr;
  }
  return &cache_.emplace(digest, std::move(s)).first->second;
}

int SessionStore::create(std::string_view user_id, int64_t now_ms, int64_t expires_at,
                         CreateDone done, std::string_view token_id) {
  std::string token = new_token();
  TokenDigest digest = digest_token(token);
  Session s{new_token(), std::string(user_id), new_token(), now_ms, expires_at,
            std::string(token_id)};
  return host_.kv_put(key(digest), to_json(s),
                      [this, token, digest, s, done = std::move(done)](int status) {
                        if (status != PB_OK) {
                          done(status, std::string(), Session{});
                          return;
                        }
                        const Session& kept = cache_.insert_or_assign(digest, s).first->second;
                        done(PB_OK, token, kept);
                      });
}

int SessionStore::revoke(const TokenDigest& digest, std::function<void(int)> done) {
  int rc = host_.kv_delete(key(digest), [this, digest, done = std::move(done)](int status) {
    if (status == PB_OK) revoking_.erase(digest);  // the row is gone: kv_get finds nothing now
    done(status);
  });
  if (rc == PB_OK) {
    cache_.erase(digest);
    revoking_.insert(digest);
  }
  return rc;
}

}  // namespace pb::auth
