// Fixed-width little-endian integers in byte strings: the on-disk formats of redo.log
// (redo_record.h, redo_checkpoint.h) are little-endian whatever the machine. Internal to store/.
#pragma once

#include <cstdint>

namespace pb::store {

inline void put_u32(char* at, uint32_t v) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<char>(v >> (8 * i));
}
inline void put_u64(char* at, uint64_t v) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<char>(v >> (8 * i));
}
inline uint32_t get_u32(const char* at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(at[i]);
  return v;
}
inline uint64_t get_u64(const char* at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(at[i]);
  return v;
}

}  // namespace pb::store
