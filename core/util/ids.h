// Mattermost-compatible ids: 26 characters of the alphabet "ybndrfg8ejkmcpqxot1uwisza345h769"
// (base32 of 16 random bytes, padding removed), as model.NewId() makes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pb {

// A fresh random id (libsodium's CSPRNG). Thread-safe.
std::string new_id();

// Writes a fresh id into out[0..25] (no NUL). Thread-safe. For hot paths that avoid allocation.
void new_id(char out[26]);

// A fresh id whose bytewise order is creation order: 10 symbols of `now_ms` and 16 symbols of
// 80 bits (random; within one millisecond, each id of a thread a random step above its
// previous one), in Mattermost's id alphabet taken in sorted order,
// "13456789abcdefghijkmnopqrstuwxyz": the same 32 characters new_id() uses, so the id is as
// Mattermost-shaped as any other, and symbol order is byte order. For rows
// that are written far more often than any other and keyed by id, posts above all: LMDB then
// appends to the last leaf of the table instead of dirtying a random leaf per row, and a durable
// commit's fdatasync has a few pages to flush instead of one per post (measured: 43 scattered
// pages take 1.13 ms to sync on this class of disk, 10 take 0.5 ms). Not for ids that are
// secrets (webhook ids, tokens): half of this id is a timestamp. Thread-safe.
void new_time_ordered_id(int64_t now_ms, char out[26]);
std::string new_time_ordered_id(int64_t now_ms);

// Mattermost's IsValidId: exactly 26 ASCII letters or digits.
bool is_valid_id(std::string_view id);

}  // namespace pb
