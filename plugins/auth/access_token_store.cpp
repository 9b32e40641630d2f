#include "plugins/auth/access_token_store.h"

#include <rapidjson/document.h>

#include <patchbay/json_document.hpp>
#include <patchbay/json_guard.hpp>

namespace pb::auth {

std::string AccessToken::to_wire_json(std::string_view token) const {
  std::string out = "{\"id\":" + sdk::json_string(id);
  if (!token.empty()) out += ",\"token\":" + sdk::json_string(token);
  out += ",\"user_id\":" + sdk::json_string(user_id);
  out += ",\"description\":" + sdk::json_string(description);
  out += is_active ? ",\"is_active\":true}" : ",\"is_active\":false}";
  return out;
}

std::string AccessToken::to_stored_json() const {
  std::string out = "{\"id\":" + sdk::json_string(id);
  out += ",\"user_id\":" + sdk::json_string(user_id);
  out += ",\"description\":" + sdk::json_string(description);
  out += is_active ? ",\"is_active\":true" : ",\"is_active\":false";
  out += ",\"create_at\":" + std::to_string(create_at);
  out += ",\"digest\":" + sdk::json_string(digest_hex) + "}";
  return out;
}

bool AccessToken::from_stored_json(std::string_view json, AccessToken& out) {
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
  auto active = doc.FindMember("is_active");
  auto created = doc.FindMember("create_at");
  if (active == doc.MemberEnd() || !active->value.IsBool() || created == doc.MemberEnd() ||
      !created->value.IsInt64()) {
    return false;
  }
  out.is_active = active->value.GetBool();
  out.create_at = created->value.GetInt64();
  return str("id", out.id) && str("user_id", out.user_id) &&
         str("description", out.description) && str("digest", out.digest_hex);
}

const AccessToken* AccessTokenStore::find(const std::string& id) {
  if (removing_.count(id) != 0) return nullptr;
  if (auto it = cache_.find(id); it != cache_.end()) return &it->second;
  std::optional<std::string> stored = host_.kv_get(key(id));
  if (!stored) return nullptr;
  AccessToken t;
  if (!AccessToken::from_stored_json(*stored, t) || t.id != id) {
    host_.warn("a stored access token is malformed; ignoring it");
    return nullptr;
  }
  return &cache_.emplace(id, std::move(t)).first->second;
}

std::vector<AccessToken> AccessTokenStore::list(std::string_view user_id) {
  std::vector<AccessToken> out;
  host_.kv_list("pat/", [&](std::string_view k, std::string_view v) {
    AccessToken t;
    if (!AccessToken::from_stored_json(v, t)) return false;  // skip a malformed row, go on
    // The cache is ahead of the kv while a write is in flight.
    if (auto it = cache_.find(t.id); it != cache_.end()) t = it->second;
    else if (k.substr(4) != t.id) return false;
    if (user_id.empty() || t.user_id == user_id) out.push_back(std::move(t));
    return false;
  });
  // Records removed from the cache (revoked) may still be in the kv until the delete lands.
  std::erase_if(out, [&](const AccessToken& t) { return removing_.count(t.id) != 0; });
  return out;
}

int AccessTokenStore::add(const AccessToken& token, std::function<void(int)> done) {
  return host_.kv_put(key(token.id), token.to_stored_json(),
                      [this, token, done = std::move(done)](int status) {
                        if (status == PB_OK) cache_.insert_or_assign(token.id, token);
                        done(status);
                      });
}

int AccessTokenStore::set_active(const std::string& id, bool active,
                                 std::function<void(int)> done) {
  const AccessToken* found = find(id);
  if (found == nullptr) return PB_E_NOT_FOUND;
  AccessToken before = *found;
  AccessToken after = before;
  after.is_active = active;
  int rc = host_.kv_put(key(id), after.to_stored_json(),
                        [this, before, done = std::move(done)](int status) {
                          if (status != PB_OK) cache_.insert_or_assign(before.id, before);
                          done(status);
                        });
  if (rc == PB_OK) cache_.insert_or_assign(id, std::move(after));
  return rc;
}

int AccessTokenStore::remove(const std::string& id, std::function<void(int)> done) {
  int rc = host_.kv_delete(key(id), [this, id, done = std::move(done)](int status) {
    if (status == PB_OK) removing_.erase(id);
    done(status);
  });
  if (rc == PB_OK) {
    cache_.erase(id);
    removing_.insert(id);
  }
  return rc;
}

}  // namespace pb::auth
