// response_url records (wire spec §5.6): one per invocation of a custom command, valid for 30
// minutes after creation and for at most 5 uses. The plugin keeps them in memory (a use is
// decided here, without a store read) and in the store as "r/<id>" so they survive a restart.
//
// Pure: no host. Threading: the loop thread (the registry is not synchronised).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pb::slash {

inline constexpr int64_t kResponseUrlLifetimeMs = 30LL * 60 * 1000;
inline constexpr int kMaxResponseUrlUses = 5;
inline constexpr std::string_view kResponseUrlPrefix = "r/";
// New response_url records are written to the store together, at most this long after the
// first of them was made (one group commit, one fsync, for all the executes of that time
// instead of one commit every few executes), or at once when this many are waiting. The crash
// window this opens is documented in README.md ("response_url").
inline constexpr uint64_t kResponseUrlFlushMs = 10;
inline constexpr size_t kMaxUnwrittenResponseUrls = 256;

// Everything a delayed answer is posted with: the original invocation.
struct ResponseUrlRecord {
  std::string id;
  std::string command_id;
  std::string user_id;
  std::string channel_id;
  std::string root_id;
  std::string team_id;
  std::string command_username;
  std::string command_icon_url;
  int64_t create_at = 0;
  int uses = 0;
};

std::string to_json(const ResponseUrlRecord& record);
// nullopt when the stored text is damaged.
std::optional<ResponseUrlRecord> response_url_from_record(std::string_view json);

class ResponseUrls {
 public:
  enum class Use { kOk, kMissing, kUsedUp };

  void add(ResponseUrlRecord record);
  // The record as it is now (uses counted so far); nullptr when unknown. Valid until the next
  // add, try_use or expire.
  const ResponseUrlRecord* find(const std::string& id) const;
  // Counts one use at `now_ms`. kMissing: unknown or expired (Mattermost's 404); kUsedUp: the
  // sixth use or later (400). On kOk, *out is the record after the use (uses incremented).
  Use try_use(std::string_view id, int64_t now_ms, ResponseUrlRecord* out);
  // Forgets expired records; returns their ids (for deleting them from the store).
  std::vector<std::string> expire(int64_t now_ms);
  size_t size() const { return by_id_.size(); }

 private:
  std::unordered_map<std::string, ResponseUrlRecord> by_id_;
};

}  // namespace pb::slash
