// Small helpers of the plugin's HTTP handlers: the clock, role lists, query strings and the
// common Mattermost errors. Threading: any thread (pure) except where a Request is answered.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <patchbay/plugin.hpp>
#include <patchbay/request_values.hpp>

#include "plugins/slash_commands/command.h"

namespace pb::slash {

int64_t now_ms();

// Role lists and raw query values: the SDK's (patchbay/request_values.hpp).
using sdk::has_role;
using sdk::query_value;

// A query value decoded as Go's url.QueryUnescape: '+' is a space, %XX a byte; nullopt for a
// malformed escape ("%4", "%zz"), which Go's query parser drops.
std::optional<std::string> percent_decode(std::string_view value);

int fail(const sdk::Request& req, const ApiError& e);
int forbidden(const sdk::Request& req);
int invalid_url_param(const sdk::Request& req, std::string_view name);
// 501 api.command.disabled.app_error.
int commands_disabled(const sdk::Request& req);

}  // namespace pb::slash
