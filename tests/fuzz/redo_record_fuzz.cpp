// libFuzzer target for the redo record parser (store/redo_record.h), which reads redo.log at
// every SyncMode::full open: whatever a crash, a bad disk or a hand-edited file left there must
// parse as a record or as nothing, never crash or allocate without bound. Each input is tried
// as it is and, sealed with a valid checksum (the parser's payload checks are otherwise out of
// reach), as a record of store kStoreId; a record that parses is encoded again and must parse
// to the same batches.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/redo_record.h"

namespace {
constexpr std::string_view kStoreId = "0123456789abcdefghijklmnop";

void check_round_trip(const pb::store::RedoRecord& record) {
  std::vector<const pb::store::WriteBatch*> batches;
  for (const auto& batch : record.batches) batches.push_back(&batch);
  std::string again;
  if (!pb::store::encode_redo_record(again, record.sequence, record.base_txnid, kStoreId, batches,
                                     SIZE_MAX))
    std::abort();
  auto reparsed = pb::store::parse_redo_record(again, kStoreId);
  if (!reparsed || reparsed->batches.size() != record.batches.size()) std::abort();
  for (size_t b = 0; b < batches.size(); ++b) {
    const auto& x = record.batches[b];
    const auto& y = reparsed->batches[b];
    if (x.size() != y.size()) std::abort();
    for (size_t i = 0; i < x.size(); ++i) {
      const auto& mx = x.mutations()[i];
      const auto& my = y.mutations()[i];
      if (mx.op != my.op || mx.table != my.table || x.key(mx) != y.key(my) ||
          x.value(mx) != y.value(my))
        std::abort();
    }
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto record = pb::store::parse_redo_record(input, kStoreId)) check_round_trip(*record);

  // The same bytes as the payload of a well-formed header: the first 4 bytes pick the batch count.
  if (size < 4) return 0;
  std::string bytes(pb::store::kRedoHeaderBytes, '\0');
  const char magic[8] = {'P', 'B', 'R', 'E', 'D', 'O', '1', '\0'};
  bytes.replace(0, 8, magic, 8);
  auto payload_bytes = static_cast<uint32_t>(size - 4);
  for (int i = 0; i < 4; ++i) bytes[24 + i] = static_cast<char>(payload_bytes >> (8 * i));
  bytes.replace(28, 4, input.substr(0, 4));
  bytes.replace(32, kStoreId.size(), kStoreId);
  bytes.append(input.substr(4));
  if (!pb::store::seal_redo_record(bytes)) std::abort();
  if (auto record = pb::store::parse_redo_record(bytes, kStoreId)) check_round_trip(*record);
  return 0;
}
