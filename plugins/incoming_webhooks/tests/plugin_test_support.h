// What the plugin's FakeHost suites share (plugin_test.cpp, integration_fields_test.cpp): the
// chat model's ids and reading a response. The suites are compiled as one unity translation
// unit, so each name exists once, here.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include <patchbay/fake_host.hpp>

namespace pb::incoming_webhooks::test {

inline constexpr const char* kTeam = "team4567890123456789012345";
inline constexpr const char* kTown = "town4567890123456789012345";
inline constexpr const char* kOff = "offtopic012345678901234567";

inline rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

// Whether `r` is the Mattermost error `id` with `status`.
inline bool is_error(const sdk::FakeHost::Response& r, int status, const std::string& id) {
  auto d = json(r.body);
  return r.status == status && d.IsObject() && d.HasMember("id") && d["id"].GetString() == id;
}

}  // namespace pb::incoming_webhooks::test
