// Owned copies of event payloads. An event payload is a C struct (plugin.h) whose string fields
// are borrowed pb_str views; when the bus keeps a payload across an asynchronous interceptor, or a
// plugin replaces it, the bus needs a deep copy that owns its bytes. Every payload struct is
// described by a layout (its size and where its pb_str fields are), so one copier serves all.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "patchbay/plugin.h"

namespace pb::bus {

struct PayloadLayout {
  size_t struct_size = 0;      // the host's sizeof(the struct)
  size_t min_struct_size = 0;  // the smallest struct_size accepted (the v1 struct)
  std::vector<size_t> string_offsets;  // offsets of pb_str fields, copied deeply
};

// A deep copy of a payload struct. The struct's pb_str fields point into `bytes_`.
class OwnedPayload {
 public:
  // Copies `source` (whose struct_size is read from its first field) by `layout`. Returns nullptr
  // when source is NULL or its struct_size is below layout.min_struct_size. A smaller (older)
  // struct is zero-extended to the host's size; a larger one is cut to it.
  static std::unique_ptr<OwnedPayload> copy(const PayloadLayout& layout, const void* source);

  const void* get() const { return storage_.data(); }

 private:
  std::vector<unsigned char> storage_;  // the struct itself, host-sized, aligned by max_align_t
  std::string bytes_;                   // every string field's bytes, back to back
};

}  // namespace pb::bus
