// libFuzzer target for the redo log's checkpoint parser (store/redo_checkpoint.h), read at every
// SyncMode::full open before LMDB is: whatever a crash, a bad disk or a hand-edited file left in
// a checkpoint slot must parse as a checkpoint or as nothing, never crash or allocate without
// bound. A checkpoint that parses is encoded again and must come back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/redo_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto checkpoint = pb::store::parse_redo_checkpoint(input);
  if (!checkpoint) return 0;
  auto again = pb::store::encode_redo_checkpoint(*checkpoint);
  if (!again || input.substr(0, again->size()) != *again) std::abort();
  return 0;
}
