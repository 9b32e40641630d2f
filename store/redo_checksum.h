// The checksum of redo.log's records and checkpoints (redo_record.h, redo_checkpoint.h):
// BLAKE2b-128 of a header's leading bytes and of the body after the header. Internal to store/.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <string_view>

namespace pb::store {

inline constexpr size_t kRedoChecksumBytes = 16;

inline void redo_checksum(std::string_view head, std::string_view body,
                          unsigned char out[kRedoChecksumBytes]) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kRedoChecksumBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(head.data()),
                            head.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                            body.size());
  crypto_generichash_final(&state, out, kRedoChecksumBytes);
}

}  // namespace pb::store
