// The text of one log line's payload, plain or JSON (the timestamp and level come from the
// output's pattern). Internal to core/log; exposed for its unit test.
#pragma once

#include <string>
#include <string_view>

namespace pb::log {

// "[tag] message"
void append_plain(std::string& out, std::string_view tag, std::string_view message);
// "logger":"tag","msg":"message" — both JSON-escaped (control characters as \u00XX, invalid
// UTF-8 bytes as U+FFFD), to be placed inside the output's {"timestamp":...,"level":...,} object.
void append_json_fields(std::string& out, std::string_view tag, std::string_view message);

}  // namespace pb::log
