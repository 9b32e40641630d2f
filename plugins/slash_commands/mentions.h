// The @user and ~channel mentions in a command's text (wire spec §5.4: the user_mentions /
// user_mentions_ids and channel_mentions / channel_mentions_ids pairs sent to the command's
// URL). As Mattermost's PossibleAtMentions and channel-mention pattern: a mention starts at a
// '@' or '~' that does not follow a word character; a user name is an ASCII letter or digit
// followed by letters, digits, '.', '-', '_' (lower-cased, a trailing '.' dropped, as in
// "thanks @alice."); a channel name is letters, digits, '-', '_'. Each name once, in order.
//
// Pure. Threading: any thread. Which names are real team members and public channels is the
// caller's question (execute.cpp asks the host).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pb::slash {

std::vector<std::string> user_mention_candidates(std::string_view text);
std::vector<std::string> channel_mention_candidates(std::string_view text);

// (name, id) pairs, in the order they appeared.
using Mentions = std::vector<std::pair<std::string, std::string>>;

}  // namespace pb::slash
