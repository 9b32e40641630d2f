// The custom commands in memory, by id and by (team, trigger), so an execute costs two hash
// lookups and no store read. The store ("c/<id>") is the truth; the plugin loads the index at
// start and updates it after each durable write.
//
// Threading: the loop thread only. Pointers returned stay valid until the next upsert/erase.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plugins/slash_commands/command.h"

namespace pb::slash {

class CommandIndex {
 public:
  void upsert(Command command);
  void erase(std::string_view id);
  const Command* find(std::string_view id) const;
  const Command* find_trigger(std::string_view team_id, std::string_view trigger) const;
  // The team's commands, oldest first (by create_at, then id).
  std::vector<const Command*> of_team(std::string_view team_id) const;
  size_t size() const { return by_id_.size(); }

 private:
  static std::string trigger_key(std::string_view team_id, std::string_view trigger);
  std::unordered_map<std::string, Command> by_id_;
  std::unordered_map<std::string, std::string> by_trigger_;  // team_id + '/' + trigger → id
};

}  // namespace pb::slash
