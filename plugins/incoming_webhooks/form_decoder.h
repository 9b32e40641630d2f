// The two form encodings an incoming webhook may arrive in (wire spec §2.2), read the way Go's
// net/http reads them for Mattermost.
//
// Pure functions, any thread, never throw. Results own their strings; the inputs are borrowed
// only for the call.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pb::incoming_webhooks {

// application/x-www-form-urlencoded: the first value of `key` in `body`, else in `query` (Go's
// Request.FormValue: body values come before URL query values). Pairs are separated by '&'; a
// pair containing ';' or a bad percent-escape is skipped (Go's url.ParseQuery keeps going past
// it); '+' is a space. nullopt when no valid pair has that key.
std::optional<std::string> form_value(std::string_view body, std::string_view query,
                                      std::string_view key);

// Go's url.QueryUnescape: '+' → ' ', %XX → byte; nullopt on a '%' not followed by two hex digits.
std::optional<std::string> query_unescape(std::string_view s);

struct MultipartField {
  std::string name;   // as sent (Content-Disposition name)
  std::string value;  // the part's body
};

// multipart/form-data with `boundary`: the non-file fields, in order (Go's
// multipart.Reader.ReadForm: parts without a form-data name are skipped, parts with a filename
// are files and not fields). Lines may end in CRLF or, consistently, LF. nullopt for a body Go's
// reader refuses: no opening delimiter, a truncated part, no closing delimiter, an empty
// boundary, malformed part headers.
std::optional<std::vector<MultipartField>> parse_multipart(std::string_view body,
                                                           std::string_view boundary);

}  // namespace pb::incoming_webhooks
