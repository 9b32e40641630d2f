// What a command URL answered, read as Mattermost does (wire spec §5.5): the body is JSON when
// the media type of Content-Type (before ';', trimmed, case-insensitive) is application/json,
// otherwise the whole body is the plain `text`. Also the JSON the execute call answers with,
// and the props of the post made from a response.
//
// Pure: no host. Threading: any thread. Untrusted input: the body is bounded in nesting
// (json_guard.hpp) before RapidJSON sees it, unpaired surrogate escapes become U+FFFD, invalid
// UTF-8 and numbers JSON cannot hold (2e308) are refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pb::slash {

// How deep a response may nest (extra_responses hold attachments hold fields hold values).
inline constexpr int kMaxResponseNesting = 32;

struct CommandResponse {
  std::string response_type;  // "in_channel", "ephemeral", "" (= ephemeral), or other (ignored)
  std::string text;
  std::string username;
  std::string icon_url;
  std::string channel_id;
  std::string type;
  std::string goto_location;
  bool skip_slack_parsing = false;
  std::string props_json;        // the response's `props` object as JSON, "" when absent
  std::string attachments_json;  // the response's `attachments` array as JSON, "" when absent
  bool has_attachments = false;  // a non-empty attachments array
  std::vector<CommandResponse> extra_responses;  // one level, as Mattermost posts them

  // Whether anything is to be shown at all (§5.5: text or attachments non-empty).
  bool has_content() const { return !text.empty() || has_attachments; }
  bool in_channel() const { return response_type == "in_channel"; }
  bool ephemeral() const { return response_type.empty() || response_type == "ephemeral"; }
};

struct ParsedResponse {
  bool ok = false;
  std::string error;  // !ok: why, for detailed_error and the log
  CommandResponse response;
};

// Reads a body of a 200 answer. JSON: must be one object with members of the right types
// (an empty body, `{"text": }`, `"response_type":5` are errors). Plain text: always ok; invalid
// UTF-8 sequences become U+FFFD (the text is stored and answered as JSON).
ParsedResponse parse_command_response(std::string_view content_type, std::string_view body);

// Whether the media type of a Content-Type value is application/json.
bool is_json_media_type(std::string_view content_type);

// The CommandResponse JSON the execute call answers with, `trigger_id` set to the given id.
std::string response_to_json(const CommandResponse& response, std::string_view trigger_id);

// What the post of a custom command's response carries besides message and type (§5.5): the
// response's props, its attachments, from_webhook "true", and the name/icon overrides where the
// server allows them, the command's configured values winning over the response's.
struct PostPropsContext {
  std::string_view command_username;
  std::string_view command_icon_url;
  bool username_override = false;  // ServiceSettings.EnablePostUsernameOverride
  bool icon_override = false;      // ServiceSettings.EnablePostIconOverride
  bool from_webhook = true;        // false for built-in commands
};
std::string post_props_json(const CommandResponse& response, const PostPropsContext& context);

}  // namespace pb::slash
