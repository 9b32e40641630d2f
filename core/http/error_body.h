// Mattermost's AppError JSON, the body of every error response patchbay sends.
#pragma once

#include <string>
#include <string_view>

namespace pb::http {

// {"id","message","detailed_error","request_id","status_code"} with correct JSON escaping
// (invalid UTF-8 is replaced, never passed through). detailed_error is always present and is
// written exactly as given: callers pass "" unless the operator exposes detailed errors.
// request_id is omitted when empty and status_code when 0, as Mattermost does. Thread-safe.
std::string error_body(int status, std::string_view id, std::string_view message,
                       std::string_view detailed, std::string_view request_id);

// Same, appended to `out` (which keeps its capacity): for the server's hot error path.
void append_error_body(std::string& out, int status, std::string_view id,
                       std::string_view message, std::string_view detailed,
                       std::string_view request_id);

}  // namespace pb::http
