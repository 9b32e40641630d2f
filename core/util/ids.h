// Mattermost-compatible ids: 26 characters of the alphabet "ybndrfg8ejkmcpqxot1uwisza345h769"
// (base32 of 16 random bytes, padding removed), as model.NewId() makes them.
#pragma once

#include <string>
#include <string_view>

namespace pb {

// A fresh random id (libsodium's CSPRNG). Thread-safe.
std::string new_id();

// Writes a fresh id into out[0..25] (no NUL). Thread-safe. For hot paths that avoid allocation.
void new_id(char out[26]);

// Mattermost's IsValidId: exactly 26 ASCII letters or digits.
bool is_valid_id(std::string_view id);

}  // namespace pb
