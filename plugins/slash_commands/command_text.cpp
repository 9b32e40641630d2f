#include "plugins/slash_commands/command_text.h"

namespace pb::slash {

size_t unicode_space_at(std::string_view s) {
  if (s.empty()) return 0;
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c == 0xC2 && s.size() >= 2 && (b(1) == 0x85 || b(1) == 0xA0)) return 2;
  if (s.size() < 3) return 0;
  if (c == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b(1) == 0x80) {
    unsigned char t = b(2);
    if (t <= 0x8A || t == 0xA8 || t == 0xA9 || t == 0xAF) return 3;  // U+2000..200A, 2028/9, 202F
  }
  if (c == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  return 0;
}

std::optional<CommandText> parse_command_text(std::string_view text) {
  if (text.size() <= 1 || text.front() != '/') return std::nullopt;
  std::string_view rest = text.substr(1);
  size_t end = 0;
  size_t space = 0;
  while (end < rest.size() && (space = unicode_space_at(rest.substr(end))) == 0) ++end;
  if (end == 0) return std::nullopt;
  CommandText out;
  out.trigger.assign(rest.substr(0, end));
  for (char& ch : out.trigger) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  }
  out.message = end < rest.size() ? rest.substr(end + space) : std::string_view{};
  return out;
}

}  // namespace pb::slash
