// PostClock: the create_at of a new post, strictly increasing within each channel.
//
// Mattermost lists a channel's posts by create_at alone, so two posts made in the same
// millisecond (the parts of a split webhook message, a burst from a script) would come back
// in an arbitrary order. Giving each channel a clock that never repeats a value keeps them in
// the order they were made. A channel receiving more than 1,000 posts a second runs ahead of
// the wall clock by the excess and falls back to it as soon as the burst ends.
//
// Memory: one entry per channel posted to in the last second or so; older entries are dropped
// when the table grows, since the wall clock has passed them anyway.
//
// Threading: loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pb::chat {

class PostClock {
 public:
  // The create_at for a post in `channel_id` made at wall-clock time `now_ms`.
  int64_t next(std::string_view channel_id, int64_t now_ms);

 private:
  static constexpr size_t kMinSweepAt = 1024;
  // Looked up by string_view (every post asks; a channel id is past the short-string buffer, so
  // a std::string key built per lookup was a heap block per post).
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // channel id -> the last create_at given
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> last_;
  size_t sweep_at_ = kMinSweepAt;                  // table size that triggers a sweep
};

}  // namespace pb::chat
