// The request for a DynamicList argument's items (autocomplete_data.h): a GET of its FetchURL
// with the query parameters Mattermost sends (getDynamicListArgument): user_input (all that is
// typed, without '/'), parsed (what precedes the argument), the plugin context (request_id,
// session_id, ip_address, accept_language, user_agent) and the command arguments (channel_id,
// team_id, root_id, user_id, site_url), in url.Values.Encode form (keys sorted, QueryEscape),
// joined to a query the URL already has (a fragment is dropped).
//
// A FetchURL is absolute (http:// or https://), or a path on this server ("/..."), resolved
// against the site URL: patchbay's plugins route absolute paths, there is no /plugins/<id>
// prefix to resolve against as in Mattermost. A path with a ".." segment is refused.
// Either way the host's SSRF guard applies to the fetch.
//
// Pure. Threading: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pb::slash {

struct DynamicListQuery {
  std::string_view user_input, parsed;
  std::string_view request_id, session_id, ip_address, accept_language, user_agent;
  std::string_view channel_id, team_id, root_id, user_id, site_url;
};

// The URL to GET, or nullopt when `fetch_url` is neither absolute http(s) nor a clean path.
std::optional<std::string> dynamic_list_url(std::string_view fetch_url,
                                            const DynamicListQuery& query);

}  // namespace pb::slash
