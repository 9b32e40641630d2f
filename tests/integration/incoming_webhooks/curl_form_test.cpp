// A shell-script sender: curl posts a Slack-style form (payload=<JSON>, URL-encoded by curl
// itself) to a real patchbay, as CI scripts do.
#include <unistd.h>

#include "tests/integration/incoming_webhooks/webhook_server.h"
#include "tests/integration/support/child_process.h"

namespace pb::incoming_webhooks::itest {
namespace {

using CurlForm = WebhookServer;

TEST_F(CurlForm, CurlFormPostCreatesTheConvertedPost) {
  const char* curl = "/usr/bin/curl";
  if (access(curl, X_OK) != 0) GTEST_SKIP() << "curl is not installed";
  pb::itest::SpawnOptions o;
  o.program = curl;
  o.args = {"-sS", "--noproxy", "*", "-w", "\\n%{http_code} %{content_type}",
            "--data-urlencode",
            R"(payload={"text":"Build <https://ci/1|#1> ok & done <!here>","username":"sh"})",
            "http://" + server_->host() + ":" + std::to_string(server_->port()) + "/hooks/" +
                hook_id_};
  auto r = pb::itest::run_command(o, std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "ok");
  EXPECT_NE(r.out.find("\n200 text/plain"), std::string::npos) << r.out;
  auto post = last_post();
  EXPECT_EQ(std::string(post["message"].GetString()), "Build [#1](https://ci/1) ok & done @here");
  EXPECT_STREQ(post["props"]["from_webhook"].GetString(), "true");
}

}  // namespace
}  // namespace pb::incoming_webhooks::itest
