#include "core/bus/payload.h"

#include <algorithm>
#include <cstring>

namespace pb::bus {

std::optional<OwnedPayload> OwnedPayload::copy(const PayloadLayout& layout, const void* source) {
  OwnedPayload owned;
  if (!owned.assign(layout, source)) return std::nullopt;
  return owned;
}

bool OwnedPayload::assign(const PayloadLayout& layout, const void* source) {
  auto refuse = [this] {
    block_.reset();
    units_ = 0;
    return false;
  };
  if (source == nullptr) return refuse();
  size_t given = 0;
  std::memcpy(&given, source, sizeof given);
  if (given < layout.min_struct_size) return refuse();
  const size_t kept = std::min(given, layout.struct_size);

  // Sizes first, so the one block is allocated once with room for every string.
  size_t total = 0;
  for (size_t offset : layout.string_offsets) {
    if (offset + sizeof(pb_str) > given) continue;  // field absent in an older struct: stays ""
    pb_str s;
    std::memcpy(&s, static_cast<const unsigned char*>(source) + offset, sizeof s);
    total += s.data ? s.len : 0;
  }
  const size_t unit = sizeof(std::max_align_t);
  const size_t struct_units = (layout.struct_size + unit - 1) / unit;
  const size_t units = struct_units + (total + unit - 1) / unit;
  if (units > units_) {
    block_.reset(new std::max_align_t[units]);  // (the old one is not read: see the header)
    units_ = units;
  }
  auto* base = reinterpret_cast<unsigned char*>(block_.get());
  char* bytes = reinterpret_cast<char*>(base + struct_units * unit);

  std::memset(base, 0, layout.struct_size);
  std::memcpy(base, source, kept);
  size_t host_size = layout.struct_size;
  std::memcpy(base, &host_size, sizeof host_size);
  for (size_t offset : layout.string_offsets) {
    pb_str s{};
    if (offset + sizeof(pb_str) <= given) std::memcpy(&s, base + offset, sizeof s);
    pb_str copied{"", 0};
    if (s.data != nullptr && s.len > 0) {
      std::memcpy(bytes, s.data, s.len);
      copied = pb_str{bytes, s.len};
      bytes += s.len;
    }
    std::memcpy(base + offset, &copied, sizeof copied);
  }
  return true;
}

}  // namespace pb::bus
