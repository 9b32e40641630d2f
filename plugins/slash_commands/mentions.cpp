#include "plugins/slash_commands/mentions.h"

#include <algorithm>

namespace pb::slash {
namespace {

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool word_char(char c) { return alnum(c) || c == '_'; }

// Names after each `sigil` that starts a mention; `more` says which characters continue one.
template <typename More>
std::vector<std::string> candidates(std::string_view text, char sigil, More more) {
  std::vector<std::string> out;
  for (size_t at = text.find(sigil); at != std::string_view::npos; at = text.find(sigil, at + 1)) {
    if (at > 0 && word_char(text[at - 1])) continue;
    size_t end = at + 1;
    if (end >= text.size() || !alnum(text[end])) continue;
    while (end < text.size() && more(text[end])) ++end;
    std::string name(text.substr(at + 1, end - at - 1));
    while (!name.empty() && name.back() == '.') name.pop_back();
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace

std::vector<std::string> user_mention_candidates(std::string_view text) {
  return candidates(text, '@', [](char c) { return alnum(c) || c == '.' || c == '-' || c == '_'; });
}

std::vector<std::string> channel_mention_candidates(std::string_view text) {
  return candidates(text, '~', [](char c) { return alnum(c) || c == '-' || c == '_'; });
}

}  // namespace pb::slash
