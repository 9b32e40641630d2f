// Checks of the wire contract that many tests share (spec: mattermost-wire.md §1).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/integration/support/http_client.h"

namespace pb::itest {

// 26 characters of Mattermost's id alphabet "ybndrfg8ejkmcpqxot1uwisza345h769".
bool is_mattermost_id(std::string_view s);

// Headers every patchbay response carries: a 26-character X-Request-Id and an X-Version-Id.
::testing::AssertionResult has_standard_headers(const Response& r);

// A Mattermost AppError: HTTP `status`, Content-Type exactly application/json, a JSON object with
// id == `id`, a string message, detailed_error "" (EnableDeveloper is off), request_id equal to
// the X-Request-Id header and status_code equal to the HTTP status.
::testing::AssertionResult is_app_error(const Response& r, int status, std::string_view id);

// The string member `key` of the JSON object in `json`, or "" if absent / not a string.
std::string json_string(const std::string& json, const char* key);

}  // namespace pb::itest
