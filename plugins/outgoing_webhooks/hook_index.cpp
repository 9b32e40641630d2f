#include "plugins/outgoing_webhooks/hook_index.h"

#include <algorithm>
#include <cstdint>

namespace pb::outgoing {
namespace {

// Length of the UTF-8 white-space character at the start of `s` (Go's unicode.IsSpace), or 0.
size_t space_at(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c == 0xC2 && s.size() >= 2 && (b(1) == 0x85 || b(1) == 0xA0)) return 2;
  if (s.size() < 3) return 0;
  if (c == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b(1) == 0x80 && ((b(2) >= 0x80 && b(2) <= 0x8A) || b(2) == 0xA8 ||
                                    b(2) == 0xA9 || b(2) == 0xAF)) {
    return 3;  // U+2000..U+200A, U+2028, U+2029, U+202F
  }
  if (c == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  return 0;
}

}  // namespace

std::string_view first_word(std::string_view message) {
  size_t i = 0;
  while (i < message.size()) {
    size_t n = space_at(message.substr(i));
    if (n == 0) break;
    i += n;
  }
  size_t start = i;
  while (i < message.size() && space_at(message.substr(i)) == 0) ++i;
  return message.substr(start, i - start);
}

void HookIndex::upsert(OutgoingHook hook) {
  erase(hook.id);
  auto owned = std::make_unique<OutgoingHook>(std::move(hook));
  by_team_[owned->team_id].push_back(owned.get());
  std::string id = owned->id;
  by_id_.emplace(std::move(id), std::move(owned));
}

void HookIndex::erase(std::string_view id) {
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return;
  auto team = by_team_.find(it->second->team_id);
  if (team != by_team_.end()) {
    std::erase(team->second, it->second.get());
    if (team->second.empty()) by_team_.erase(team);
  }
  by_id_.erase(it);
}

const OutgoingHook* HookIndex::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : it->second.get();
}

std::vector<const OutgoingHook*> HookIndex::of_team(std::string_view team_id) const {
  auto it = by_team_.find(std::string(team_id));
  return it == by_team_.end() ? std::vector<const OutgoingHook*>{} : it->second;
}

std::vector<const OutgoingHook*> HookIndex::all() const {
  std::vector<const OutgoingHook*> out;
  out.reserve(by_id_.size());
  for (const auto& [id, hook] : by_id_) out.push_back(hook.get());
  return out;
}

void HookIndex::match(std::string_view team_id, std::string_view channel_id,
                      std::string_view message, std::vector<Match>& out) const {
  auto team = by_team_.find(std::string(team_id));
  if (team == by_team_.end()) return;
  std::string_view word = first_word(message);
  if (word.empty()) return;  // Mattermost: a blank message fires nothing
  for (const OutgoingHook* hook : team->second) {
    if (!hook->channel_id.empty() && hook->channel_id != channel_id) continue;
    if (!hook->channel_id.empty() && hook->trigger_words.empty()) {
      out.push_back({hook, {}});
      continue;
    }
    for (const auto& trigger : hook->trigger_words) {
      bool hit = hook->trigger_when == kTriggerWordsStartsWith ? word.starts_with(trigger)
                                                               : word == trigger;
      if (hit) {
        out.push_back({hook, trigger});
        break;
      }
    }
  }
}

}  // namespace pb::outgoing
