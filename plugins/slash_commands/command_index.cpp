#include "plugins/slash_commands/command_index.h"

#include <algorithm>

namespace pb::slash {

std::string CommandIndex::trigger_key(std::string_view team_id, std::string_view trigger) {
  std::string key;
  key.reserve(team_id.size() + 1 + trigger.size());
  key += team_id;
  key += '/';
  key += trigger;
  return key;
}

void CommandIndex::upsert(Command command) {
  erase(command.id);
  by_trigger_[trigger_key(command.team_id, command.trigger)] = command.id;
  std::string id = command.id;
  by_id_.insert_or_assign(std::move(id), std::move(command));
}

void CommandIndex::erase(std::string_view id) {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return;
  auto t = by_trigger_.find(trigger_key(it->second.team_id, it->second.trigger));
  if (t != by_trigger_.end() && t->second == it->second.id) by_trigger_.erase(t);
  by_id_.erase(it);
}

const Command* CommandIndex::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &it->second;
}

const Command* CommandIndex::find_trigger(std::string_view team_id,
                                          std::string_view trigger) const {
  auto t = by_trigger_.find(trigger_key(team_id, trigger));
  return t == by_trigger_.end() ? nullptr : find(t->second);
}

std::vector<const Command*> CommandIndex::of_team(std::string_view team_id) const {
  std::vector<const Command*> out;
  for (const auto& [id, c] : by_id_) {
    if (c.team_id == team_id) out.push_back(&c);
  }
  std::sort(out.begin(), out.end(), [](const Command* a, const Command* b) {
    return a->create_at != b->create_at ? a->create_at < b->create_at : a->id < b->id;
  });
  return out;
}

}  // namespace pb::slash
