// Owned copies of event payloads. An event payload is a C struct (plugin.h) whose string fields
// are borrowed pb_str views; when the bus keeps a payload across an asynchronous interceptor, or a
// plugin replaces it, the bus needs a deep copy that owns its bytes. Every payload struct is
// described by a layout (its size and where its pb_str fields are), so one copier serves all.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "patchbay/plugin.h"

namespace pb::bus {

struct PayloadLayout {
  size_t struct_size = 0;      // the host's sizeof(the struct)
  size_t min_struct_size = 0;  // the smallest struct_size accepted (the v1 struct)
  std::vector<size_t> string_offsets;  // offsets of pb_str fields, copied deeply
};

// A deep copy of a payload struct: the struct and every string field's bytes live in ONE
// allocation (a chain run copies its payload, and every intercept_replace copies again, on the
// request path). The struct's pb_str fields point into that block, which never moves: moving an
// OwnedPayload moves the pointer, so the views stay valid.
class OwnedPayload {
 public:
  OwnedPayload() = default;
  OwnedPayload(OwnedPayload&& other) noexcept
      : block_(std::move(other.block_)), units_(std::exchange(other.units_, 0)) {}
  OwnedPayload& operator=(OwnedPayload&& other) noexcept {
    block_ = std::move(other.block_);
    units_ = std::exchange(other.units_, 0);
    return *this;
  }

  // Copies `source` (whose struct_size is read from its first field) by `layout`. Returns nullopt
  // when source is NULL or its struct_size is below layout.min_struct_size. A smaller (older)
  // struct is zero-extended to the host's size; a larger one is cut to it.
  static std::optional<OwnedPayload> copy(const PayloadLayout& layout, const void* source);

  // The same copy into this payload's own block when it is large enough (no heap call), else
  // into a new one; the previous content is gone either way. False (and this payload empty) on
  // the inputs copy() refuses. For the bus's recycled chain runs. `source` and its strings must
  // not point into this payload's block (the bus assigns only to payloads nobody is reading).
  bool assign(const PayloadLayout& layout, const void* source);

  const void* get() const { return block_.get(); }
  // Bytes of the block (0 when empty): what a recycled payload may keep.
  size_t capacity() const { return units_ * sizeof(std::max_align_t); }

 private:
  // The struct first (operator new[] aligns it for any fundamental type), then the strings.
  std::unique_ptr<std::max_align_t[]> block_;
  size_t units_ = 0;  // the block's size in max_align_t units
};

}  // namespace pb::bus
