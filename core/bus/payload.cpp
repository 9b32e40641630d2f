#include "core/bus/payload.h"

#include <algorithm>
#include <cstring>

namespace pb::bus {

std::unique_ptr<OwnedPayload> OwnedPayload::copy(const PayloadLayout& layout, const void* source) {
  if (source == nullptr) return nullptr;
  size_t given = 0;
  std::memcpy(&given, source, sizeof given);
  if (given < layout.min_struct_size) return nullptr;

  auto owned = std::unique_ptr<OwnedPayload>(new OwnedPayload());
  // std::vector<unsigned char> storage is allocated with operator new, which is aligned for any
  // fundamental type, so the struct can live in it.
  owned->storage_.assign(layout.struct_size, 0);
  std::memcpy(owned->storage_.data(), source, std::min(given, layout.struct_size));
  size_t host_size = layout.struct_size;
  std::memcpy(owned->storage_.data(), &host_size, sizeof host_size);

  // Strings are copied in two passes: sizes first, so bytes_ never reallocates under the views.
  size_t total = 0;
  for (size_t offset : layout.string_offsets) {
    if (offset + sizeof(pb_str) > given) continue;  // field absent in an older struct: stays ""
    pb_str s;
    std::memcpy(&s, owned->storage_.data() + offset, sizeof s);
    total += s.data ? s.len : 0;
  }
  owned->bytes_.reserve(total);
  for (size_t offset : layout.string_offsets) {
    pb_str s{};
    if (offset + sizeof(pb_str) <= given) std::memcpy(&s, owned->storage_.data() + offset, sizeof s);
    pb_str copied{"", 0};
    if (s.data != nullptr && s.len > 0) {
      size_t at = owned->bytes_.size();
      owned->bytes_.append(s.data, s.len);
      copied = pb_str{owned->bytes_.data() + at, s.len};
    }
    std::memcpy(owned->storage_.data() + offset, &copied, sizeof copied);
  }
  return owned;
}

}  // namespace pb::bus
