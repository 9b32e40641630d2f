// The Command model of custom slash commands (wire spec §5.1): the record, its JSON (the API's
// and the store's are the same text; a sanitised view for users who may not manage commands),
// the client body reader and Mattermost's IsValid rules.
//
// Pure: no host, no I/O. Threading: any thread. Errors are returned as ApiError values, never
// thrown (except std::bad_alloc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <patchbay/ids.hpp>

namespace pb::slash {

// A Mattermost error answer: HTTP status, error id, message (wire spec §1.1).
struct ApiError {
  int status = 0;
  std::string id;
  std::string message;
};

ApiError invalid_body_param(std::string_view name);
// 400 model.command.is_valid.<field>.app_error, Mattermost's IsValid failure.
ApiError model_error(std::string_view field);

// The number of UTF-8 code points of `s` (Go's utf8.RuneCountInString for valid text), what
// Mattermost's length limits count.
size_t runes(std::string_view s);

// Lower-cases ASCII letters in place, as Go's strings.ToLower does in the ASCII range.
void lower_ascii(std::string& s);

struct Command {
  std::string id;
  std::string token;
  int64_t create_at = 0;
  int64_t update_at = 0;
  int64_t delete_at = 0;
  std::string creator_id;
  std::string team_id;
  std::string trigger;
  std::string method;  // "P" (POST form) or "G" (GET with the parameters in the query)
  std::string url;
  std::string username;
  std::string icon_url;
  bool auto_complete = false;
  std::string auto_complete_desc;
  std::string auto_complete_hint;
  std::string display_name;
  std::string description;
};

// The command as Mattermost's API shows it to a user who may manage it (every field).
std::string to_json(const Command& command);
// The sanitised view (§5.1): token, creator_id, method, url, username and icon_url blanked.
std::string to_sanitized_json(const Command& command);

// Reads a client's POST/PUT body. Missing keys keep their zero values; a key of the wrong type,
// malformed or too deeply nested JSON → 400 api.context.invalid_body_param.app_error naming
// "command", as Mattermost's decoder failure does.
std::optional<Command> command_from_body(std::string_view json, ApiError& error);

// Reads a stored record (written by to_json); nullopt when it is damaged.
std::optional<Command> command_from_record(std::string_view json);

// Lower-cases the trigger (ASCII, as Go's strings.ToLower does for the ASCII range; other
// bytes are kept), as Mattermost does on create and update.
void normalise_trigger(Command& command);

// Mattermost's Command.IsValid (400 model.command.is_valid.<field>.app_error) for a command
// whose id, token, times and creator have been filled in.
std::optional<ApiError> validate(const Command& command);

// Mattermost's IsValidId (patchbay/ids.hpp).
using sdk::is_valid_id;

}  // namespace pb::slash
