#include "plugins/slash_commands/response_url.h"

#include <rapidjson/document.h>

#include <utility>

#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>

namespace pb::slash {

void append_json(std::string& out, const ResponseUrlRecord& r) {
  const std::pair<std::string_view, const std::string*> strings[] = {
      {"{\"id\":", &r.id},
      {",\"command_id\":", &r.command_id},
      {",\"user_id\":", &r.user_id},
      {",\"channel_id\":", &r.channel_id},
      {",\"root_id\":", &r.root_id},
      {",\"team_id\":", &r.team_id},
      {",\"command_username\":", &r.command_username},
      {",\"command_icon_url\":", &r.command_icon_url},
  };
  for (const auto& [key, value] : strings) {
    out += key;
    out += '"';
    sdk::append_json_escaped(out, *value);
    out += '"';
  }
  out += ",\"create_at\":";
  out += std::to_string(r.create_at);
  out += ",\"uses\":";
  out += std::to_string(r.uses);
  out += '}';
}

std::string to_json(const ResponseUrlRecord& r) {
  std::string out;
  append_json(out, r);
  return out;
}

namespace {

std::optional<ResponseUrlRecord> record_from_value(const rapidjson::Value& v) {
  if (!v.IsObject()) return std::nullopt;
  ResponseUrlRecord r;
  auto str = [&](const char* key, std::string& dst) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsString()) return false;
    dst.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto create_at = v.FindMember("create_at");
  auto uses = v.FindMember("uses");
  if (create_at == v.MemberEnd() || !create_at->value.IsInt64() || uses == v.MemberEnd() ||
      !uses->value.IsInt()) {
    return std::nullopt;
  }
  r.create_at = create_at->value.GetInt64();
  r.uses = uses->value.GetInt();
  if (!str("id", r.id) || !str("command_id", r.command_id) || !str("user_id", r.user_id) ||
      !str("channel_id", r.channel_id) || !str("root_id", r.root_id) ||
      !str("team_id", r.team_id) || !str("command_username", r.command_username) ||
      !str("command_icon_url", r.command_icon_url)) {
    return std::nullopt;
  }
  return r;
}

// Stored text is ours, but a damaged store must not crash the start: guarded like any input.
bool parse_stored(std::string_view json, size_t max_depth, rapidjson::Document& doc) {
  if (sdk::json_too_deep_at(json, max_depth) != std::string_view::npos) return false;
  sdk::parse_checking_utf8<rapidjson::kParseNoFlags>(doc, json);
  return !doc.HasParseError();
}

}  // namespace

std::optional<ResponseUrlRecord> response_url_from_record(std::string_view json) {
  rapidjson::Document doc;
  if (!parse_stored(json, 2, doc)) return std::nullopt;
  return record_from_value(doc);
}

std::optional<std::vector<ResponseUrlRecord>> response_url_batch_from_record(
    std::string_view json) {
  rapidjson::Document doc;
  if (!parse_stored(json, 3, doc) || !doc.IsArray()) return std::nullopt;
  std::vector<ResponseUrlRecord> out;
  out.reserve(doc.Size());
  for (const auto& element : doc.GetArray()) {
    auto record = record_from_value(element);
    if (!record) return std::nullopt;
    out.push_back(std::move(*record));
  }
  return out;
}

std::string response_url_batch_key(int64_t now_ms, std::string_view first_id) {
  std::string time = std::to_string(now_ms < 0 ? 0 : now_ms);
  std::string key(kResponseUrlBatchPrefix);
  if (time.size() < 15) key.append(15 - time.size(), '0');
  key += time;
  key += '-';
  key += first_id;
  return key;
}

void ResponseUrls::add(ResponseUrlRecord record) {
  // The table's buckets for `capacity_` records (+ the one added before the oldest goes) at
  // once: growing it rehashes every record held (milliseconds on the loop thread at tens of
  // thousands), several times while a busy server fills it. ~8 bytes a record (~400 KB at the
  // default), on the first record only.
  if (by_id_.empty() && capacity_ > 0) by_id_.reserve(capacity_ + 1);
  // One lookup: inserted, or the record of that id found.
  auto [slot, inserted] = by_id_.try_emplace(record.id);
  slot->second = std::move(record);  // or a newer copy (a use's own key over its batch copy)
  if (!inserted) return;
  // Forget the oldest held records while over capacity (ids of records already expired or
  // forgotten are skipped: the order list may still name them). The new record is not in the
  // list yet, so it is never the one forgotten.
  while (capacity_ > 0 && by_id_.size() > capacity_ && !added_order_.empty()) {
    auto oldest = by_id_.find(added_order_.front());
    added_order_.pop_front();
    if (oldest == by_id_.end()) continue;
    by_id_.erase(oldest);
    ++evicted_;
  }
  added_order_.push_back(slot->first);
}

const ResponseUrlRecord* ResponseUrls::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

ResponseUrls::Use ResponseUrls::try_use(std::string_view id, int64_t now_ms,
                                        ResponseUrlRecord* out) {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return Use::kMissing;
  ResponseUrlRecord& r = it->second;
  if (now_ms - r.create_at > kResponseUrlLifetimeMs) return Use::kMissing;
  if (r.uses >= kMaxResponseUrlUses) return Use::kUsedUp;
  ++r.uses;
  r.stored_alone = true;
  if (out != nullptr) *out = r;
  return Use::kOk;
}

void ResponseUrls::add_batch(std::string key, int64_t newest_create_at) {
  batches_.push_back(Batch{std::move(key), newest_create_at});
}

ResponseUrls::Expired ResponseUrls::expire(int64_t now_ms) {
  Expired gone;
  for (auto it = by_id_.begin(); it != by_id_.end();) {
    if (now_ms - it->second.create_at > kResponseUrlLifetimeMs) {
      if (it->second.stored_alone) gone.alone_ids.push_back(it->first);
      it = by_id_.erase(it);
    } else {
      ++it;
    }
  }
  // Noted in creation order; a batch noted out of order (a wrong clock) waits for the ones
  // before it, which only delays its deletion.
  while (!batches_.empty() && now_ms - batches_.front().newest_create_at > kResponseUrlLifetimeMs) {
    gone.batch_keys.push_back(std::move(batches_.front().key));
    batches_.pop_front();
  }
  // The order list's front is the oldest: drop the ids that are no longer held.
  while (!added_order_.empty() && by_id_.find(added_order_.front()) == by_id_.end()) {
    added_order_.pop_front();
  }
  return gone;
}

}  // namespace pb::slash
