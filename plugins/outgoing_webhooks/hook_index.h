// The in-memory index of every outgoing hook, by id and by team, so deciding which hooks a post
// fires (wire spec §4.2) costs no store read. Loaded from the store at start, kept in step by
// the management API once its writes are durable.
//
// Pure: no host. Threading: loop thread only (not synchronised). Pointers returned by find()
// and match() are valid until the next upsert/erase.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plugins/outgoing_webhooks/hook.h"

namespace pb::outgoing {

// One hook a post fires, with the trigger word it matched ("" for a channel-bound hook without
// trigger words). Each hook gets its own word (decisions.md: Mattermost's shared variable is a
// bug).
struct Match {
  const OutgoingHook* hook;
  std::string_view trigger_word;
};

// The first word of `message` as Go's strings.Fields splits it (Unicode white space); "" when
// the message is blank.
std::string_view first_word(std::string_view message);

class HookIndex {
 public:
  void upsert(OutgoingHook hook);
  void erase(std::string_view id);
  const OutgoingHook* find(std::string_view id) const;
  // Every hook of `team_id`, in no particular order.
  std::vector<const OutgoingHook*> of_team(std::string_view team_id) const;
  std::vector<const OutgoingHook*> all() const;
  size_t size() const { return by_id_.size(); }

  // The hooks of `team_id` that a post in `channel_id` with `message` fires, appended to `out`.
  void match(std::string_view team_id, std::string_view channel_id, std::string_view message,
             std::vector<Match>& out) const;

 private:
  std::unordered_map<std::string, std::unique_ptr<OutgoingHook>> by_id_;
  std::unordered_map<std::string, std::vector<const OutgoingHook*>> by_team_;
};

}  // namespace pb::outgoing
