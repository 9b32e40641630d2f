// Query-string helpers for the plugin's list routes: one parameter's raw value, and Mattermost's
// paging (wire spec §1.4: page default 0, per_page default 60, at most 200). Values the routes
// read are numbers and booleans, so no percent-decoding is needed.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace pb::auth {

// The raw value of the first `name=` in `query` ("a=1&b=2"); "" for a bare "name".
inline std::optional<std::string_view> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
  }
  return std::nullopt;
}

// Go's strconv.ParseBool, which Mattermost uses for flags like include_deleted.
inline bool query_flag(std::string_view query, std::string_view name) {
  auto v = query_param(query, name);
  return v && (*v == "1" || *v == "t" || *v == "T" || *v == "true" || *v == "TRUE" ||
               *v == "True");
}

struct Paging {
  int page = 0;
  int per_page = 60;
  size_t offset() const { return static_cast<size_t>(page) * static_cast<size_t>(per_page); }
};

// Missing or unparsable values keep the defaults, negative ones too; per_page is clamped to 200.
inline Paging read_paging(std::string_view query) {
  Paging p;
  auto number = [&](std::string_view name, int& out) {
    auto v = query_param(query, name);
    int n = 0;
    if (v && std::from_chars(v->data(), v->data() + v->size(), n).ec == std::errc() && n >= 0) {
      out = n;
    }
  };
  number("page", p.page);
  number("per_page", p.per_page);
  if (p.per_page > 200) p.per_page = 200;
  if (p.page > 1000000) p.page = 1000000;  // keeps offset() far from overflow
  return p;
}

}  // namespace pb::auth
