#include "plugins/slash_commands/id_pool.h"

#include <cstring>

#include <patchbay/ids.hpp>

namespace pb::slash {

IdPool::~IdPool() { explicit_bzero(pool_, sizeof pool_); }

std::string IdPool::next() {
  if (used_ == sizeof pool_) {
    sdk::ids_detail::fill_random(pool_, sizeof pool_);
    used_ = 0;
  }
  uint8_t raw[kIdBytes];
  std::memcpy(raw, pool_ + used_, kIdBytes);
  explicit_bzero(pool_ + used_, kIdBytes);
  used_ += kIdBytes;
  std::string id(sdk::kIdLength, '\0');
  sdk::encode_id(raw, id.data());
  explicit_bzero(raw, sizeof raw);
  return id;
}

}  // namespace pb::slash
