// The built-in commands this plugin implements (wire spec §5.7), as the command lists, the
// autocomplete suggestions and /help describe them. Pure; any thread.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace pb::slash {

struct BuiltinCommand {
  std::string_view trigger;
  std::string_view description;  // auto_complete_desc
  std::string_view hint;         // auto_complete_hint
};

inline constexpr std::array<BuiltinCommand, 4> kImplementedBuiltins = {{
    {"echo", "Echo back text from your account", "'message' [delay in seconds]"},
    {"help", "Open the Mattermost help page", ""},
    {"me", "Do an action", "[message]"},
    {"shrug", "Adds ¯\\_(ツ)_/¯ to your message", "[message]"},
}};

// The built-ins as Command JSON objects, comma-separated (to be put into an array).
std::string builtins_json();

}  // namespace pb::slash
