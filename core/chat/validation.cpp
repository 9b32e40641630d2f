#include "core/chat/validation.h"

#include "core/util/ids.h"

namespace pb::chat {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

ApiError bad(std::string id, std::string message) { return {400, std::move(id), std::move(message)}; }

}  // namespace

bool valid_username(std::string_view s) {
  static constexpr std::string_view kReserved[] = {"all", "channel", "matterbot", "system", "here"};
  if (s.size() < 3 || s.size() > 22) return false;
  if (!(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '.' && c != '-' && c != '_') return false;
  }
  for (auto r : kReserved) {
    if (s == r) return false;
  }
  return true;
}

bool valid_email(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  if (at + 1 >= s.size()) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
        c == '"' || c == 0x7f) {
      return false;
    }
  }
  return true;
}

bool valid_team_name(std::string_view s) {
  if (s.size() < 2 || s.size() > 64) return false;
  if (!is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-' && c != '_') return false;
  }
  // Underscores only as one "__" pair, as Mattermost's pattern allows.
  size_t u = s.find('_');
  if (u != std::string_view::npos && (s.substr(u, 2) != "__" || s.find('_', u + 2) != std::string_view::npos)) {
    return false;
  }
  return true;
}

bool reserved_team_name(std::string_view s) {
  static constexpr std::string_view kReserved[] = {
      "admin", "api",  "channel", "claim", "error",  "files", "help",   "landing", "login",
      "mfa",   "oauth", "plug",   "plugins", "post", "signup", "boards", "playbooks"};
  for (auto r : kReserved) {
    if (s == r) return true;
  }
  return false;
}

bool valid_channel_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  if (!is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::optional<ApiError> validate(const User& u) {
  if (!valid_username(u.username)) {
    return bad("model.user.is_valid.username.app_error",
               "Username must begin with a letter and contain between 3 and 22 lowercase "
               "characters made up of numbers, letters, and the symbols '.', '-', and '_'.");
  }
  if (!valid_email(u.email)) return bad("model.user.is_valid.email.app_error", "Invalid email.");
  if (count_code_points(u.nickname) > 64) return bad("model.user.is_valid.nickname.app_error", "Invalid nickname.");
  if (count_code_points(u.first_name) > 64) return bad("model.user.is_valid.first_name.app_error", "Invalid first name.");
  if (count_code_points(u.last_name) > 64) return bad("model.user.is_valid.last_name.app_error", "Invalid last name.");
  if (count_code_points(u.position) > 128) return bad("model.user.is_valid.position.app_error", "Invalid position.");
  if (u.locale.size() > 5) return bad("model.user.is_valid.locale.app_error", "Invalid locale.");
  return std::nullopt;
}

std::optional<ApiError> validate(const Team& t) {
  size_t display = count_code_points(t.display_name);
  if (display == 0 || display > 64) return bad("model.team.is_valid.name.app_error", "Invalid name.");
  if (t.name.size() > 64) return bad("model.team.is_valid.url.app_error", "Invalid URL identifier.");
  if (reserved_team_name(t.name)) {
    return bad("model.team.is_valid.reserved.app_error", "This URL is unavailable. Please try another.");
  }
  if (!valid_team_name(t.name)) {
    return bad("model.team.is_valid.characters.app_error",
               "Name must be 2 or more lowercase alphanumeric characters.");
  }
  if (t.type != "O" && t.type != "I") return bad("model.team.is_valid.type.app_error", "Invalid type.");
  if (count_code_points(t.description) > 255) {
    return bad("model.team.is_valid.description.app_error", "Invalid description.");
  }
  return std::nullopt;
}

std::optional<ApiError> validate(const Channel& c) {
  if (c.type != "D") {
    size_t display = count_code_points(c.display_name);
    if (display == 0 || display > 64) {
      return bad("model.channel.is_valid.display_name.app_error", "Invalid display name.");
    }
  }
  if (!valid_channel_name(c.name)) {
    return bad("model.channel.is_valid.1_or_more.app_error",
               "Name must be 1 or more lowercase alphanumeric characters.");
  }
  if (c.type != "O" && c.type != "P" && c.type != "D") {
    return bad("model.channel.is_valid.type.app_error", "Invalid type.");
  }
  if (count_code_points(c.header) > 1024) return bad("model.channel.is_valid.header.app_error", "Invalid header.");
  if (count_code_points(c.purpose) > 250) return bad("model.channel.is_valid.purpose.app_error", "Invalid purpose.");
  return std::nullopt;
}

std::optional<ApiError> validate(const Post& p) {
  if (!is_valid_id(p.channel_id)) return bad("model.post.is_valid.channel_id.app_error", "Invalid channel id.");
  if (!is_valid_id(p.user_id)) return bad("model.post.is_valid.user_id.app_error", "Invalid user id.");
  if (!p.root_id.empty() && !is_valid_id(p.root_id)) {
    return bad("model.post.is_valid.root_id.app_error", "Invalid root id.");
  }
  return validate_content(p);
}

std::optional<ApiError> validate_content(const Post& p) {
  if (count_code_points(p.message) > kPostMessageMaxRunes) {
    return bad("model.post.is_valid.msg.app_error", "Invalid message.");
  }
  if (p.type.size() > 26) return bad("model.post.is_valid.type.app_error", "Invalid type.");
  return std::nullopt;
}

}  // namespace pb::chat
