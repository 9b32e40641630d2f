#include "tests/integration/support/expectations.h"

#include <rapidjson/document.h>

namespace pb::itest {

bool is_mattermost_id(std::string_view s) {
  static constexpr std::string_view kAlphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";
  if (s.size() != 26) return false;
  for (char c : s) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

::testing::AssertionResult has_standard_headers(const Response& r) {
  if (r.header_count("X-Request-Id") != 1) {
    return ::testing::AssertionFailure() << "X-Request-Id appears " << r.header_count("X-Request-Id")
                                         << " times";
  }
  if (!is_mattermost_id(*r.header("X-Request-Id"))) {
    return ::testing::AssertionFailure() << "X-Request-Id '" << *r.header("X-Request-Id")
                                         << "' is not a 26-character id";
  }
  auto version = r.header("X-Version-Id");
  if (r.header_count("X-Version-Id") != 1 || version->empty()) {
    return ::testing::AssertionFailure() << "no single non-empty X-Version-Id";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_app_error(const Response& r, int status, std::string_view id) {
  auto fail = [&]() {
    return ::testing::AssertionFailure() << "HTTP " << r.status << " body " << r.body << ": ";
  };
  if (r.status != status) return fail() << "expected status " << status;
  if (auto standard = has_standard_headers(r); !standard) return standard;
  if (r.header("Content-Type") != "application/json") {
    return fail() << "Content-Type is '" << r.header("Content-Type").value_or("(none)") << "'";
  }
  rapidjson::Document doc;
  doc.Parse(r.body.data(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject()) return fail() << "not a JSON object";
  auto str = [&](const char* key) -> const rapidjson::Value* {
    auto it = doc.FindMember(key);
    return it != doc.MemberEnd() && it->value.IsString() ? &it->value : nullptr;
  };
  const rapidjson::Value* got_id = str("id");
  if (got_id == nullptr || std::string_view(got_id->GetString(), got_id->GetStringLength()) != id) {
    return fail() << "expected id " << id;
  }
  if (str("message") == nullptr || str("message")->GetStringLength() == 0) {
    return fail() << "no message";
  }
  const rapidjson::Value* detailed = str("detailed_error");
  if (detailed == nullptr || detailed->GetStringLength() != 0) {
    return fail() << "detailed_error must be present and empty";
  }
  const rapidjson::Value* request_id = str("request_id");
  if (request_id == nullptr || request_id->GetString() != *r.header("X-Request-Id")) {
    return fail() << "request_id differs from X-Request-Id " << *r.header("X-Request-Id");
  }
  auto code = doc.FindMember("status_code");
  if (code == doc.MemberEnd() || !code->value.IsInt() || code->value.GetInt() != status) {
    return fail() << "status_code differs from the HTTP status";
  }
  return ::testing::AssertionSuccess();
}

std::string json_string(const std::string& json, const char* key) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return it->value.GetString();
}

}  // namespace pb::itest
