// The bytes of an outbound request: request line, Host, User-Agent (unless given), the
// caller's headers, Content-Length, Connection: keep-alive, then the body.
//
// The caller's Host, Content-Length, Transfer-Encoding and Connection headers are dropped: the
// host owns the framing (plugin.h: "The host adds Host, Content-Length, Connection").
// Pure; any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/http_client/url.h"
#include "core/util/result.h"
#include "patchbay/plugin.h"

namespace pb::http_client {

// Checks method (an upper-case token) and headers (token names; no CR, LF or NUL in values).
// PB_E_INVALID names the first problem.
Result<void> validate_request(pb_str method, const pb_http_header* headers, size_t header_count);

// Appends the request to `out` (cleared first; its capacity is reused).
void write_request(std::string& out, std::string_view method, const Url& url,
                   const pb_http_header* headers, size_t header_count, std::string_view body,
                   std::string_view user_agent);

}  // namespace pb::http_client
