// The sanitizer build's server must not hand the plugins' dynamic TLS to LeakSanitizer through
// clang-14's glibc-2.19 guess (core/cli/sanitizer_options.cpp says why: a block 16 bytes past a
// page boundary made the leak check fault at exit). The incoming-webhook and attachment plugins
// keep thread_local scratch, so a post with an attachment touches both modules' TLS. With
// verbosity=2 ASan logs every intercepted __tls_get_addr: there must be none.
#include <gtest/gtest.h>

#include "tests/integration/incoming_webhooks/webhook_server.h"

namespace pb::incoming_webhooks::itest {
namespace {

using Hooks = WebhookServer;

TEST_F(Hooks, SanitizedServerLeavesPluginTlsToTheHeapScan) {
  if (!PB_SANITIZED_BUILD) GTEST_SKIP() << "only the sanitizer build intercepts __tls_get_addr";
  config_.env.emplace_back("ASAN_OPTIONS", "verbosity=2:detect_leaks=1");
  start_server();
  EXPECT_TRUE(is_ok(send(R"({"text":"t","attachments":[{"text":"a","fields":[{"title":"f"}]}]})")));
  EXPECT_EQ(post_count(), 1u);
  EXPECT_EQ(server_->stop(), 0);
  const std::string log = server_->log();
  EXPECT_NE(log.find("AddressSanitizer Init done"), std::string::npos) << "verbosity not applied";
  EXPECT_EQ(log.find("__tls_get_addr"), std::string::npos) << "dynamic TLS is intercepted";
}

}  // namespace
}  // namespace pb::incoming_webhooks::itest
