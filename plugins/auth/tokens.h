// Secrets: fresh tokens and ids (26 characters of Mattermost's id alphabet from the kernel's
// CSPRNG, through patchbay/ids.hpp), and the BLAKE2b-256 digest under which a token is stored
// (tokens themselves are never stored). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pb::auth {

using TokenDigest = std::array<uint8_t, 32>;

// 26 characters of "ybndrfg8ejkmcpqxot1uwisza345h769" from 16 random bytes (as model.NewId();
// sdk::new_id(), which aborts rather than return a weak token).
std::string new_token();

TokenDigest digest_token(std::string_view token);
std::string to_hex(const TokenDigest& d);
// The digest to_hex() printed; false when `hex` is not 64 hex digits.
bool from_hex(std::string_view hex, TokenDigest& out);
// Constant-time equality (sodium_memcmp).
bool digest_equal(const TokenDigest& a, const TokenDigest& b);

// Constant-time equality of two secrets of equal length (false, early, when lengths differ:
// the length of a csrf token is public).
bool secret_equal(std::string_view a, std::string_view b);

// Hashes of digests for unordered_map (the digest is already uniformly random).
struct DigestHash {
  size_t operator()(const TokenDigest& d) const noexcept {
    size_t h;
    static_assert(sizeof h <= sizeof(TokenDigest));
    __builtin_memcpy(&h, d.data(), sizeof h);
    return h;
  }
};

}  // namespace pb::auth
