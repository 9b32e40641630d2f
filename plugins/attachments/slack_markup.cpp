#include "plugins/attachments/slack_markup.h"

#include <array>
#include <utility>

namespace pb::attachments {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The characters that end a part of a link pattern, as a table: std::string_view::find_first_of
// calls memchr over the set once per character of the text (~15 instructions a character, a
// URL's worth of them per link).
class StopSet {
 public:
  consteval explicit StopSet(std::string_view stops) {
    for (char c : stops) stop_[static_cast<unsigned char>(c)] = true;
  }
  // The first stop in text[from..], or npos.
  size_t find(std::string_view text, size_t from) const {
    for (size_t i = from; i < text.size(); ++i) {
      if (stop_[static_cast<unsigned char>(text[i])]) return i;
    }
    return std::string_view::npos;
  }

 private:
  std::array<bool, 256> stop_{};
};

constexpr StopSet kStrictPart1Stops("\n<|>"), kLoosePart1Stops("<|");
constexpr StopSet kStrictPart2Stops("\n|>");

}  // namespace

std::string expand_announcements(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kAnnouncements{{
      {"<!channel>", "@channel"}, {"<!here>", "@here"}, {"<!all>", "@all"}}};
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t lt = text.find("<!", i);
    if (lt == std::string_view::npos) break;
    out.append(text.substr(i, lt - i));
    bool replaced = false;
    for (const auto& [from, to] : kAnnouncements) {
      if (text.substr(lt, from.size()) == from) {
        out.append(to);
        i = lt + from.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += '<';
      i = lt + 1;
    }
  }
  out.append(text.substr(i));
  return out;
}

std::string replace_user_mentions(std::string_view text, const UsernameLookup& lookup) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t lt = text.find("<@", i);
    if (lt == std::string_view::npos) break;
    out.append(text.substr(i, lt - i));
    size_t end = lt + 2;
    while (end < text.size() && is_alnum(text[end])) ++end;
    std::optional<std::string> username;
    if (end > lt + 2 && end < text.size() && text[end] == '>' && lookup) {
      username = lookup(text.substr(lt + 2, end - lt - 2));
    }
    if (username) {
      out += '@';
      out += *username;
      i = end + 1;
    } else {
      out += '<';
      i = lt + 1;
    }
  }
  out.append(text.substr(i));
  return out;
}

std::string process_slack_text(std::string_view text, const UsernameLookup& lookup) {
  // Without "<!" there is nothing to expand: one copy of the text instead of two.
  if (text.find("<!") == std::string_view::npos) return replace_user_mentions(text, lookup);
  return replace_user_mentions(expand_announcements(text), lookup);
}

void convert_links_into(std::string& out, std::string_view text, LinkPattern pattern) {
  // Both patterns are "deterministic": each part's class excludes the character that ends it, so
  // from a given '<' the only candidate match runs to the first stop character. Trying each '<'
  // left to right and resuming after a match is exactly Go's leftmost-first ReplaceAll.
  const bool strict = pattern == LinkPattern::kStrict;
  const StopSet& part1_stops = strict ? kStrictPart1Stops : kLoosePart1Stops;
  out.clear();
  size_t copied = 0;  // text[copied..] not yet in out
  size_t pos = 0;
  size_t next_gt = 0;  // loose: cached position of the first '>' at or after a search start
  bool gt_known = false;
  while (true) {
    size_t lt = text.find('<', pos);
    if (lt == std::string_view::npos) break;
    size_t bar = part1_stops.find(text, lt + 1);
    if (bar == std::string_view::npos || text[bar] != '|' || bar == lt + 1) {
      pos = lt + 1;
      continue;
    }
    size_t close;
    if (strict) {
      close = kStrictPart2Stops.find(text, bar + 1);
    } else {
      // Cached so that many '<x|' with no '>' after them stay linear.
      if (!gt_known || (next_gt != std::string_view::npos && next_gt <= bar)) {
        next_gt = text.find('>', bar + 1);
        gt_known = true;
      }
      close = next_gt;
    }
    if (close == std::string_view::npos || text[close] != '>' || close == bar + 1) {
      if (!strict && close == std::string_view::npos) break;  // no '>' left: nothing can match
      pos = lt + 1;
      continue;
    }
    // Each link grows by one byte ("<u|t>" -> "[t](u)"): sized once at the first, so a message
    // with a link or two is one allocation instead of a growth step per append.
    if (copied == 0) out.reserve(text.size() + 16);
    out.append(text.substr(copied, lt - copied));
    out += '[';
    out.append(text.substr(bar + 1, close - bar - 1));
    out += "](";
    out.append(text.substr(lt + 1, bar - lt - 1));
    out += ')';
    copied = pos = close + 1;
  }
  out.append(text.substr(copied));
}

std::string convert_links(std::string_view text, LinkPattern pattern) {
  std::string out;
  convert_links_into(out, text, pattern);
  return out;
}

void convert_slack_text_into(std::string& out, std::string_view text, const UsernameLookup& lookup,
                             LinkPattern pattern) {
  // Announcements and mentions start "<!" and "<@": text with neither (a CI message with a
  // link) goes to the link conversion as it is, one copy of it fewer.
  if (text.find("<!") == std::string_view::npos && text.find("<@") == std::string_view::npos) {
    convert_links_into(out, text, pattern);
  } else {
    convert_links_into(out, process_slack_text(text, lookup), pattern);
  }
}

std::string convert_slack_text(std::string_view text, const UsernameLookup& lookup,
                               LinkPattern pattern) {
  std::string out;
  convert_slack_text_into(out, text, lookup, pattern);
  return out;
}

}  // namespace pb::attachments
