// The JSON this plugin exchanges with the translators plugin on "translators.translate"
// (plugins/translators/translators_event.h is the contract): the describe and translate requests
// it publishes and the answers it reads back, plus the check that a webhook body is one JSON
// value before it is embedded, as is, into a translate request.
//
// Pure functions, any thread, never throw (std::bad_alloc aside). Answers are untrusted enough
// to be bounded (json_guard) before RapidJSON sees them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "plugins/incoming_webhooks/api_error.h"

namespace pb::incoming_webhooks {

// The longest thread_key kept (bytes); a longer one is a 400 web.incoming_webhook.thread_key.
inline constexpr size_t kMaxThreadKey = 256;
// Nesting allowed in a translator hook's body (the translators plugin bounds its own walk).
inline constexpr int kMaxTranslatedBodyDepth = 64;

using Variables = std::vector<std::pair<std::string, std::string>>;
using HeaderList = std::vector<std::pair<std::string_view, std::string_view>>;

std::string describe_request_json(std::string_view translator);

// {"op":"translate",...}. Header names are lower-cased; a name sent twice keeps its first value
// (JSON objects should not repeat keys). `body` must be one JSON value (is_json_value).
std::string translate_request_json(std::string_view translator, const Variables& variables,
                                   const HeaderList& headers, std::string_view body);

// True when `body` is exactly one JSON value (whitespace around it allowed), valid UTF-8, nested
// at most kMaxTranslatedBodyDepth deep: the condition for embedding it as is.
bool is_json_value(std::string_view body);

// Nobody intercepted: the blob came back as it was published.
struct NotTranslated {};

struct Described {
  std::string name;
};
std::variant<Described, ApiError, NotTranslated> parse_describe_answer(std::string_view answer);

struct Translated {
  std::string payload_json;  // the Slack-format object, as the translator wrote it
  std::string thread_key;    // "" = none
};
// An answer over the bounds (thread_key too long, payload not an object) is a 400/500 ApiError.
std::variant<Translated, ApiError, NotTranslated> parse_translate_answer(std::string_view answer);

}  // namespace pb::incoming_webhooks
