// The request patchbay sends to a custom command's URL (wire spec §5.4): the parameters
// URL-encoded in Go's url.Values.Encode form (keys sorted, QueryEscape: space → '+'), as a
// form-encoded POST body (method "P") or appended to the URL's query (method "G"), with
// Accept: application/json and Authorization: Token <command token>.
//
// Pure: no host. Threading: any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pb::slash {

// Everything the integration is told about one invocation.
struct InvocationParams {
  std::string_view token;
  std::string_view team_id;
  std::string_view team_domain;
  std::string_view channel_id;
  std::string_view channel_name;
  std::string_view user_id;
  std::string_view user_name;
  std::string_view command;  // "/" + lower-cased trigger
  std::string_view text;
  std::string_view trigger_id;
  std::string_view response_url;
  std::string_view root_id;
  // (name, id) of the team members and public channels the text mentions; each list is sent as
  // repeated user_mentions / user_mentions_ids (channel_mentions / channel_mentions_ids) values,
  // pair by pair, and left out when empty. Not owned; may be null.
  const std::vector<std::pair<std::string, std::string>>* user_mentions = nullptr;
  const std::vector<std::pair<std::string, std::string>>* channel_mentions = nullptr;
};

// The parameters, form-encoded with the keys in sorted order.
std::string encode_params(const InvocationParams& params);
// The same, appended to `out`.
void append_params(std::string& out, const InvocationParams& params);

// Appends `s` URL-encoded as Go's url.QueryEscape does.
void append_query_escaped(std::string& out, std::string_view s);

struct OutboundRequest {
  std::string method;  // "POST" or "GET"
  std::string url;
  std::string body;    // the form for POST, "" for GET
  std::string authorization;  // "Token <token>"
  bool form_body = false;     // send Content-Type: application/x-www-form-urlencoded
};

// Builds the request for a command with `method` "P" or "G" and `url`. For GET the encoded
// parameters are joined with '&' to a query the URL already has (a fragment is dropped).
OutboundRequest build_request(std::string_view method, std::string_view url,
                              const InvocationParams& params);
// The same, written over `out`, whose buffers are reused: a caller building one request per
// execute keeps one OutboundRequest and allocates nothing once its buffers are large enough.
void build_request(std::string_view method, std::string_view url, const InvocationParams& params,
                   OutboundRequest& out);

}  // namespace pb::slash
