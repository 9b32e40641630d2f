#include "plugins/slash_commands/dynamic_list.h"

#include <array>
#include <utility>

#include "plugins/slash_commands/command_request.h"

namespace pb::slash {
namespace {

bool has_dot_dot_segment(std::string_view path) {
  size_t at = 0;
  while ((at = path.find("..", at)) != std::string_view::npos) {
    bool starts = at == 0 || path[at - 1] == '/';
    bool ends = at + 2 == path.size() || path[at + 2] == '/' || path[at + 2] == '?';
    if (starts && ends) return true;
    at += 2;
  }
  return false;
}

}  // namespace

std::optional<std::string> dynamic_list_url(std::string_view fetch_url,
                                            const DynamicListQuery& q) {
  std::string_view base = fetch_url.substr(0, fetch_url.find('#'));
  std::string url;
  if (base.starts_with("http://") || base.starts_with("https://")) {
    url.assign(base);
  } else if (base.starts_with('/') && !base.starts_with("//") && !has_dot_dot_segment(base)) {
    url.reserve(q.site_url.size() + base.size());
    url.append(q.site_url).append(base);
  } else {
    return std::nullopt;
  }
  // Already in sorted key order, as url.Values.Encode writes them.
  const std::array<std::pair<std::string_view, std::string_view>, 12> fields{{
      {"accept_language", q.accept_language},
      {"channel_id", q.channel_id},
      {"ip_address", q.ip_address},
      {"parsed", q.parsed},
      {"request_id", q.request_id},
      {"root_id", q.root_id},
      {"session_id", q.session_id},
      {"site_url", q.site_url},
      {"team_id", q.team_id},
      {"user_agent", q.user_agent},
      {"user_id", q.user_id},
      {"user_input", q.user_input},
  }};
  if (url.find('?') == std::string::npos) {
    url += '?';
  } else if (!url.ends_with('?') && !url.ends_with('&')) {
    url += '&';
  }
  bool first = true;
  for (const auto& [key, value] : fields) {
    if (!first) url += '&';
    first = false;
    url += key;
    url += '=';
    append_query_escaped(url, value);
  }
  return url;
}

}  // namespace pb::slash
