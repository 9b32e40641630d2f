// response_url records (wire spec §5.6): one per invocation of a custom command, valid for 30
// minutes after creation and for at most 5 uses. The plugin keeps them in memory (a use is
// decided here, without a store read) and in the store so they survive a restart: new records
// together, as one JSON array per flush under "rb/<time>-<first id>" (one value, a few
// consecutive pages, instead of a B-tree leaf per record); a used record alone, as "r/<id>",
// which wins over its copy in a batch (it is written at every use, so it is the newest).
//
// Pure: no host. Threading: the loop thread (the registry is not synchronised).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pb::slash {

inline constexpr int64_t kResponseUrlLifetimeMs = 30LL * 60 * 1000;
inline constexpr int kMaxResponseUrlUses = 5;
inline constexpr std::string_view kResponseUrlPrefix = "r/";
inline constexpr std::string_view kResponseUrlBatchPrefix = "rb/";
// New response_url records are written to the store together, at most this long after the
// first of them was made (one group commit, one fsync, for all the executes of that time
// instead of one commit every few executes), or at once when this many are waiting. The crash
// window this opens is documented in README.md ("response_url").
inline constexpr uint64_t kResponseUrlFlushMs = 10;
inline constexpr size_t kMaxUnwrittenResponseUrls = 256;
// Live records are held in memory (~600 bytes each) for their 30 minutes; past this many the
// oldest is forgotten early (its URL answers 404, as an expired one), so a user executing
// commands in a loop cannot grow the server without bound: 50,000 is ~30 MB, 27 commands/s
// sustained for the whole lifetime.
inline constexpr size_t kMaxLiveResponseUrls = 50'000;

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
  // In memory only: the record is also stored alone ("r/<id>"), so expiring it deletes that key.
  bool stored_alone = false;
};

std::string to_json(const ResponseUrlRecord& record);
void append_json(std::string& out, const ResponseUrlRecord& record);
// nullopt when the stored text is damaged.
std::optional<ResponseUrlRecord> response_url_from_record(std::string_view json);
// A stored batch: a JSON array of records. nullopt when damaged (any element).
std::optional<std::vector<ResponseUrlRecord>> response_url_batch_from_record(std::string_view json);
// "rb/" + the flush time (15 digits, so keys sort by time) + "-" + the first record's id.
std::string response_url_batch_key(int64_t now_ms, std::string_view first_id);

class ResponseUrls {
 public:
  enum class Use { kOk, kMissing, kUsedUp };

  explicit ResponseUrls(size_t capacity = kMaxLiveResponseUrls) : capacity_(capacity) {}

  // Holds `record` (replacing one of the same id). When `capacity` records are held, the one
  // added first is forgotten to make room (counted in evicted()). The first record reserves
  // the index for `capacity` records, so adding never rehashes what is held.
  void add(ResponseUrlRecord record);
  // The record as it is now (uses counted so far); nullptr when unknown. Valid until the next
  // add, try_use or expire.
  const ResponseUrlRecord* find(const std::string& id) const;
  // Counts one use at `now_ms`. kMissing: unknown or expired (Mattermost's 404); kUsedUp: the
  // sixth use or later (400). On kOk, *out is the record after the use (uses incremented), which
  // the caller stores alone (the record is marked stored_alone).
  Use try_use(std::string_view id, int64_t now_ms, ResponseUrlRecord* out);
  // Notes a stored batch whose newest record was created at `newest_create_at`; it can be
  // deleted once that record expired. Batches are noted in creation order.
  void add_batch(std::string key, int64_t newest_create_at);

  // What expire() dropped and the store still holds.
  struct Expired {
    std::vector<std::string> alone_ids;   // records stored alone: delete "r/<id>"
    std::vector<std::string> batch_keys;  // batches all of whose records expired
  };
  // Forgets expired records and batches. (A record add() forgot early keeps its keys in the
  // store: its own key, when used, must keep winning over its batch copy at the next start,
  // which deletes it once expired.)
  Expired expire(int64_t now_ms);
  size_t size() const { return by_id_.size(); }
  size_t batches() const { return batches_.size(); }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Batch {
    std::string key;
    int64_t newest_create_at;
  };
  size_t capacity_;
  std::unordered_map<std::string, ResponseUrlRecord> by_id_;
  std::deque<std::string> added_order_;  // ids in the order added (may name forgotten ones)
  uint64_t evicted_ = 0;
  std::deque<Batch> batches_;
};

}  // namespace pb::slash
