// The text a user typed (`/deploy prod now`), split as Mattermost's execute does (wire spec
// §5.3 steps 1 and 4): the trigger is the text up to the first Unicode white space without the
// leading '/', lower-cased; the message is what follows that single white-space character.
//
// Pure, allocation-free (views into the input). Threading: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pb::slash {

struct CommandText {
  std::string trigger;       // lower-cased (ASCII letters; other bytes kept), without '/'
  std::string_view message;  // a view into the input: everything after the separator
};

// nullopt when the text is at most one byte long or does not start with '/' (Mattermost's
// 400 api.command.execute_command.start.app_error), or when the trigger is empty ("/ foo").
std::optional<CommandText> parse_command_text(std::string_view text);

// The length in bytes of the Unicode white-space character at the start of `s`, or 0. The set
// is Go's unicode.IsSpace: ASCII \t \n \v \f \r and space, U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
size_t unicode_space_at(std::string_view s);

}  // namespace pb::slash
