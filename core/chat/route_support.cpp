#include "core/chat/route_support.h"

#include <charconv>

#include "core/http/router.h"
#include "core/server/app.h"
#include "core/util/ids.h"

namespace pb::chat {

int reply(http::Request& request, int status, std::string_view json) {
  if (request.method() == "GET") request.add_header("Expires", "0");
  return request.respond(status, "application/json", json);
}

int fail(http::Request& request, const ApiError& error) {
  return request.respond_error(error.status, error.id, error.message);
}

std::shared_ptr<const User> acting_user(const ChatService& service, http::Request& request) {
  auto user = service.repo().user_ref(request.user_id());
  if (!user || !user->active()) {
    fail(request, session_expired());
    return nullptr;
  }
  return user;
}

std::optional<std::string> id_param(http::Request& request, std::string_view name, const User* me) {
  auto value = request.param(name);
  if (value && me != nullptr && *value == "me") return me->id;
  if (!value || !is_valid_id(*value)) {
    fail(request, invalid_url(name));
    return std::nullopt;
  }
  return std::string(*value);
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  size_t at = 0;
  while (at <= query.size()) {
    size_t end = query.find('&', at);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(at, end - at);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (key == name) {
      return eq == std::string_view::npos ? std::string() : http::percent_decode(pair.substr(eq + 1));
    }
    at = end + 1;
  }
  return std::nullopt;
}

int64_t query_int(std::string_view query, std::string_view name, int64_t fallback) {
  auto text = query_param(query, name);
  if (!text || text->empty()) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0) return fallback;
  return value;
}

bool query_bool(std::string_view query, std::string_view name) {
  auto text = query_param(query, name);
  return text && (*text == "true" || *text == "1");
}

Paging paging(std::string_view query) {
  Paging p;
  p.page = static_cast<size_t>(query_int(query, "page", 0));
  int64_t per_page = query_int(query, "per_page", 60);
  p.per_page = static_cast<size_t>(per_page == 0 ? 60 : per_page > 200 ? 200 : per_page);
  if (p.page > 1000000) p.page = 1000000;  // keeps page * per_page far from overflow
  return p;
}

std::string json_array(const std::vector<std::string>& elements) {
  size_t size = 2;
  for (const auto& e : elements) size += e.size() + 1;
  std::string out;
  out.reserve(size);
  out += '[';
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i != 0) out += ',';
    out += elements[i];
  }
  out += ']';
  return out;
}

int commit_then_reply(ChatService& service, http::Request& request, store::WriteBatch batch,
                      int status, std::string json, const ApiError& on_exists) {
  int rc = service.app().store().commit(
      std::move(batch), [&request, status, json = std::move(json), on_exists](int committed) {
        if (committed == PB_OK) {
          reply(request, status, json);
        } else {
          fail(request, committed == PB_E_EXISTS ? on_exists : store_failed());
        }
      });
  if (rc != PB_OK) return fail(request, store_failed());
  return PB_OK;
}

}  // namespace pb::chat
