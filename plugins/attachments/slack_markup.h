// Slack markup → Mattermost Markdown, as Mattermost converts webhook text (wire spec §6.4, §2.6).
//
// Pure functions over UTF-8 text, no state; each returns a new string and never fails.
// Entities (&amp; &lt; &gt;) are left exactly as sent: Mattermost never unescapes them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pb::attachments {

// Finds the username of the user whose Mattermost id is `user_id`; nullopt when there is none.
using UsernameLookup = std::function<std::optional<std::string>(std::string_view user_id)>;

// `<!channel>` → `@channel`, `<!here>` → `@here`, `<!all>` → `@all`; nothing else (`<!everyone>`
// and `<!here|here>` stay).
std::string expand_announcements(std::string_view text);

// Every `<@ID>` (ID = [A-Za-z0-9]+) naming an existing user → `@username`; unknown ids stay.
std::string replace_user_mentions(std::string_view text, const UsernameLookup& lookup);

// Mattermost's ProcessSlackText: announcements, then user mentions.
std::string process_slack_text(std::string_view text, const UsernameLookup& lookup);

enum class LinkPattern {
  // Webhook message text ([new] Mattermost): `<` 1+ of [^\n<|>] `|` 1+ of [^\n|>] `>`. No
  // newlines, no `|` in the label, so `a < b || c > d` is left alone.
  kStrict,
  // Attachment text, pretext and field values: `<` 1+ of [^<|] `|` 1+ of [^>] `>`. Newlines and
  // `|` allowed, so it does convert `a < b || c > d` (as Mattermost does).
  kLoose,
};

// `<url|label>` → `[label](url)` for every non-overlapping leftmost match of `pattern`, as Go's
// regexp.ReplaceAllString does. `<url>` without a label is left as it is.
std::string convert_links(std::string_view text, LinkPattern pattern);

// convert_links(process_slack_text(text, lookup), pattern): what webhook text, attachment text,
// pretext and field values go through.
std::string convert_slack_text(std::string_view text, const UsernameLookup& lookup,
                               LinkPattern pattern);

// The same two into `out` (replacing what it held, keeping its capacity: a caller that converts
// into the same string request after request stops allocating for it). `text` must not point
// into `out`.
void convert_links_into(std::string& out, std::string_view text, LinkPattern pattern);
void convert_slack_text_into(std::string& out, std::string_view text, const UsernameLookup& lookup,
                             LinkPattern pattern);

}  // namespace pb::attachments
