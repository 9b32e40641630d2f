#include "core/chat/post_clock.h"

#include <algorithm>

namespace pb::chat {

int64_t PostClock::next(std::string_view channel_id, int64_t now_ms) {
  if (last_.size() >= sweep_at_) {
    std::erase_if(last_, [now_ms](const auto& entry) { return entry.second < now_ms; });
    // What is left is ahead of the wall clock; sweeping again before the table doubles would
    // cost a pass per post without freeing anything.
    sweep_at_ = std::max(kMinSweepAt, 2 * last_.size());
  }
  auto it = last_.find(channel_id);
  if (it == last_.end()) return last_.emplace(std::string(channel_id), now_ms).first->second;
  it->second = std::max(now_ms, it->second + 1);
  return it->second;
}

}  // namespace pb::chat
