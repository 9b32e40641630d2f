// What every chat route handler shares: the request behind the ABI handle, answering with JSON
// or an ApiError, the acting user, URL parameters and paging.
//
// Threading: loop thread (handlers run there).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/api_error.h"
#include "core/chat/model.h"
#include "core/chat/service.h"
#include "core/http/request.h"
#include "patchbay/plugin.h"

namespace pb::chat {

inline http::Request& as_request(pb_http_request* r) { return *reinterpret_cast<http::Request*>(r); }

// 2xx with a JSON body (Content-Type exactly application/json; Expires: 0 on GETs).
int reply(http::Request& request, int status, std::string_view json);
int fail(http::Request& request, const ApiError& error);

// Commits `batch` (group commit) and, once it is durable, answers `status` with `json`; a
// unique-key conflict (PB_E_EXISTS) answers `on_exists`, any other failure store_failed().
// Returns PB_OK: the request is answered now or later.
int commit_then_reply(ChatService& service, http::Request& request, store::WriteBatch batch,
                      int status, std::string json, const ApiError& on_exists = store_failed());

// The user auth.check named, loaded from the store (the repository's cached record, shared, not
// copied). Answers 401 session_expired (and returns null) when that user does not exist or is
// deactivated.
std::shared_ptr<const User> acting_user(const ChatService& service, http::Request& request);

// The route parameter `name`, with "me" meaning the acting user when `me` is given. Answers
// 400 invalid_url_param (and returns nullopt) when it is not a valid 26-character id.
std::optional<std::string> id_param(http::Request& request, std::string_view name,
                                    const User* me = nullptr);

// A query parameter, percent-decoded; nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);
// An integer query parameter; `fallback` when absent or not a non-negative integer (lenient,
// as Mattermost's parameter parsing).
int64_t query_int(std::string_view query, std::string_view name, int64_t fallback);
bool query_bool(std::string_view query, std::string_view name);

// page / per_page (wire spec §1.4): page default 0, per_page default 60, at most 200.
struct Paging {
  size_t page = 0;
  size_t per_page = 60;
  size_t offset() const { return page * per_page; }
};
Paging paging(std::string_view query);

// "[a,b,...]" from already-serialised JSON elements.
std::string json_array(const std::vector<std::string>& elements);

}  // namespace pb::chat
