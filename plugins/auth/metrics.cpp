// The auth plugin's series on GET /metrics (ABI minor 5; skipped on older hosts): the password
// hashing queue, and the logins it did not check because their client had left.
#include "plugins/auth/metrics.h"

namespace pb::auth {

int register_hasher_metrics(sdk::Host& host, const PasswordHasher& hasher) {
  int rc = host.metrics_collect([&hasher](const sdk::MetricsSink& out) {
    out.counter("patchbay_plugin_auth_logins_skipped_client_gone_total",
                "Logins whose client had left before their turn in the password hashing queue: "
                "answered without computing their argon2id hash.",
                {}, static_cast<double>(hasher.skipped_client_gone()));
    out.counter("patchbay_plugin_auth_password_hashes_started_total",
                "argon2id hashes and verifications handed to a worker thread.", {},
                static_cast<double>(hasher.started()));
    out.gauge("patchbay_plugin_auth_password_hashes_running",
              "argon2id hashes and verifications on worker threads now.", {},
              static_cast<double>(hasher.running()));
    out.gauge("patchbay_plugin_auth_password_hashes_queued",
              "argon2id hashes and verifications waiting for a worker (HashConcurrency).", {},
              static_cast<double>(hasher.queued()));
  });
  return rc == PB_E_UNSUPPORTED ? PB_OK : rc;
}

}  // namespace pb::auth
