// Ids (patchbay/ids.hpp form) from a pool of random bytes: one getrandom(2) per 64 ids instead
// of one per id, for the ids every command execution makes (the client trigger id and the
// response_url id). Each id's bytes are wiped from the pool once used, as sdk::new_id wipes
// its own.
//
// Threading: one owner thread (the plugin's loop thread). Errors: none (getrandom failing
// aborts, as in sdk::new_id: a weak id would be a guessable credential).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pb::slash {

class IdPool {
 public:
  IdPool() = default;
  IdPool(const IdPool&) = delete;
  IdPool& operator=(const IdPool&) = delete;
  ~IdPool();

  std::string next();

 private:
  static constexpr size_t kIdBytes = 16;
  uint8_t pool_[64 * kIdBytes];
  size_t used_ = sizeof pool_;  // empty: filled on first use
};

}  // namespace pb::slash
