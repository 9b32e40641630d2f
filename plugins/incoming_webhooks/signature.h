// Per-hook request signatures (issue 8; the algorithms are /work/shared/spec/
// websocket-files-signing.md Part 3): which preset a hook requires and the check of one request
// against it, on the RAW body, before anything parses the body.
//
//   github       X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>
//   gitlab       X-Gitlab-Token: <secret>
//   slack        X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:" ts ":" body)>, with
//                X-Slack-Request-Timestamp: ts within 300 s of now (replays refused)
//   hmac-sha256  <the hook's header>: <hex HMAC-SHA256(secret, body)> ("sha256=" prefix allowed)
//
// Every comparison is constant-time (sodium_memcmp). Errors never echo the secret or the
// signature sent. Pure functions, any thread; libsodium must be initialised (sodium_init) first.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/incoming_webhooks/api_error.h"
#include "plugins/incoming_webhooks/signature_preset.h"

namespace pb::incoming_webhooks {

// The Slack replay window, seconds either side of now.
inline constexpr int64_t kSlackMaxSkewSeconds = 300;

// Looks up a request header by name (case-insensitive); nullopt when absent.
using HeaderLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

// nullopt when the request carries a valid signature for `preset`; else the 401
// web.incoming_webhook.signature.app_error to answer (the message says what was wrong: missing,
// malformed, stale timestamp or mismatch, never the expected value). `custom_header` is the
// header name for hmac_sha256. `now_seconds` is the Unix time (a parameter so tests fix it).
std::optional<ApiError> verify_signature(SignaturePreset preset, std::string_view custom_header,
                                         std::string_view secret, const HeaderLookup& header,
                                         std::string_view raw_body, int64_t now_seconds);

// Lower-case hex HMAC-SHA256 of `message` (pieces concatenated) under `key`: what a sender
// computes; for tests and the benchmark's signing.
std::string hmac_sha256_hex(std::string_view key, std::initializer_list<std::string_view> message);

}  // namespace pb::incoming_webhooks
