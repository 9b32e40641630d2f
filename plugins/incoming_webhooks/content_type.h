// Media types as Go's mime.ParseMediaType reads them (wire spec §2.2), for the Content-Type of an
// incoming webhook and the Content-Disposition of a multipart part.
//
// Views borrow the header text: it must outlive the result. Pure functions, any thread, never
// throw, no allocation except for a parameter value that has to be unquoted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pb::incoming_webhooks {

struct MediaType {
  // Trimmed, as written (compare with iequals_ascii: Go lower-cases it). "type/subtype" or a
  // single token (Go accepts "form-data" and also a bare "text").
  std::string_view type;
  // Everything after the type, starting at the first ';' ("" when there are none). Only set when
  // params_valid.
  std::string_view params;
  // False when a parameter is malformed: Go returns ErrInvalidMediaParameter, which the webhook
  // handler tolerates (the type still counts), but no parameter can then be read.
  bool params_valid = true;
};

// nullopt for what Go refuses outright (no type, content after the subtype, a token that is not
// one, a duplicate parameter name): the webhook answers 400 api.webhook.incoming.error.
std::optional<MediaType> parse_media_type(std::string_view header);

// The value of parameter `name` (case-insensitive, as Go lower-cases keys), unquoted; nullopt
// when absent or when !params_valid.
std::optional<std::string> media_type_param(const MediaType& media, std::string_view name);

// ASCII case-insensitive equality (Go's EqualFold restricted to ASCII).
bool iequals_ascii(std::string_view a, std::string_view b);

}  // namespace pb::incoming_webhooks
