// The fixture of the incoming-webhook integration tests: the real patchbay with the built-in
// plugins from <build>/plugins (auth, attachments, incoming_webhooks), an admin, a team with an
// open and a private channel, a second user, and one hook on the open channel created through
// the management API. Posts are read back through the REST API.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "plugins/auth/tests/server_fixture.h"

namespace pb::incoming_webhooks::itest {

using pb::auth::itest::bearer;
using pb::itest::is_app_error;
using pb::itest::json_string;
using pb::itest::Response;

class WebhookServer : public pb::auth::itest::AuthServer {
 protected:
  void SetUp() override {
    AuthServer::SetUp();
    make_admin();
    bob_id_ = make_user("bob", &bob_token_);
    team_id_ = json_string(api("POST", "/api/v4/teams",
                               R"({"name":"ops","display_name":"Ops","type":"O"})").body,
                           "id");
    town_id_ = make_channel("town", "O");
    other_id_ = make_channel("other", "O");
    secret_id_ = make_channel("secret", "P");
    auto joined = api("POST", "/api/v4/teams/" + team_id_ + "/members",
                      R"({"team_id":")" + team_id_ + R"(","user_id":")" + bob_id_ + "\"}");
    ASSERT_EQ(joined.status, 201) << joined.body;
    hook_id_ = make_hook(R"("display_name":"CI")");
  }

  // An admin API call.
  Response api(std::string_view method, std::string_view target, std::string_view body = "") {
    return call(method, target, body, bearer(admin_token_));
  }
  std::string make_channel(std::string_view name, std::string_view type) {
    auto r = api("POST", "/api/v4/channels",
                 R"({"team_id":")" + team_id_ + R"(","name":")" + std::string(name) +
                     R"(","display_name":")" + std::string(name) + R"(","type":")" +
                     std::string(type) + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return json_string(r.body, "id");
  }
  // A hook on the open channel with the extra JSON members `extra` ("" for none).
  std::string make_hook(std::string_view extra, std::string_view channel = "") {
    std::string body = R"({"channel_id":")" + std::string(channel.empty() ? town_id_ : channel) + "\"";
    if (!extra.empty()) body += "," + std::string(extra);
    body += "}";
    auto r = api("POST", "/api/v4/hooks/incoming", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return json_string(r.body, "id");
  }

  // POST /hooks/<hook> with exactly this Content-Type header (none when nullptr).
  Response send(std::string_view body, const char* content_type = "application/json",
                std::string_view hook = "") {
    std::string r = "POST /hooks/" + std::string(hook.empty() ? hook_id_ : hook) +
                     " HTTP/1.1\r\nHost: patchbay\r\n";
    if (content_type != nullptr) r += "Content-Type: " + std::string(content_type) + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    r += body;
    auto response = pb::itest::round_trip(server_->host(), server_->port(), r);
    EXPECT_TRUE(response);
    return response ? *response : Response{};
  }
  static bool is_ok(const Response& r) {
    return r.status == 200 && r.body == "ok" &&
           r.header("Content-Type").value_or("").rfind("text/plain", 0) == 0;
  }

  // The channel's posts, oldest first (GET /api/v4/channels/{id}/posts).
  rapidjson::Document posts(std::string_view channel = "") {
    auto r = api("GET", "/api/v4/channels/" + std::string(channel.empty() ? town_id_ : channel) +
                            "/posts?per_page=200");
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document list;
    list.Parse(r.body.c_str());
    rapidjson::Document out(rapidjson::kArrayType);
    if (!list.IsObject() || !list.HasMember("order")) return out;
    const auto& order = list["order"];
    for (rapidjson::SizeType i = order.Size(); i-- > 0;) {
      rapidjson::Value post(list["posts"][order[i].GetString()], out.GetAllocator());
      out.PushBack(post, out.GetAllocator());
    }
    return out;
  }
  size_t post_count(std::string_view channel = "") { return posts(channel).Size(); }
  // The newest post of the channel (fails the test when there is none).
  rapidjson::Document last_post(std::string_view channel = "") {
    auto all = posts(channel);
    rapidjson::Document out;
    EXPECT_GT(all.Size(), 0u);
    if (all.Size() > 0) out.CopyFrom(all[all.Size() - 1], out.GetAllocator());
    return out;
  }

  std::string bob_id_, bob_token_, team_id_, town_id_, other_id_, secret_id_, hook_id_;
};

}  // namespace pb::incoming_webhooks::itest
