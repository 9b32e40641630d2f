#include "store/redo_record.h"

#include <sodium.h>

#include <cstring>

#include "patchbay/plugin.h"
#include "store/little_endian.h"
#include "store/redo_checksum.h"

namespace pb::store {
namespace {

constexpr char kMagic[8] = {'P', 'B', 'R', 'E', 'D', 'O', '1', '\0'};
constexpr size_t kChecksumOffset = 64;
constexpr size_t kChecksumBytes = kRedoChecksumBytes;
constexpr size_t kMutationHeadBytes = 12;
static_assert(kChecksumOffset + kChecksumBytes == kRedoHeaderBytes);

// BLAKE2b-128 of the header's first 64 bytes and the payload.
void checksum(const char* header, std::string_view payload, unsigned char out[kChecksumBytes]) {
  redo_checksum({header, kChecksumOffset}, payload, out);
}

}  // namespace

bool encode_redo_record(std::string& out, uint64_t sequence, uint64_t base_txnid,
                        std::string_view store_id, std::span<const WriteBatch* const> batches,
                        size_t max_bytes) {
  if (store_id.size() > kRedoStoreIdBytes) return false;
  size_t total = kRedoHeaderBytes;
  for (const WriteBatch* batch : batches) {
    total += 4;
    for (const WriteBatch::Mutation& m : batch->mutations())
      total += kMutationHeadBytes + m.key_size + m.value_size;
  }
  if (total > max_bytes || total - kRedoHeaderBytes > UINT32_MAX || batches.size() > UINT32_MAX)
    return false;
  out.clear();
  out.resize(total);  // one allocation; reused across records by the caller
  char* header = out.data();
  std::memcpy(header, kMagic, sizeof kMagic);
  put_u64(header + 8, sequence);
  put_u64(header + 16, base_txnid);
  put_u32(header + 24, static_cast<uint32_t>(total - kRedoHeaderBytes));
  put_u32(header + 28, static_cast<uint32_t>(batches.size()));
  std::memset(header + 32, 0, kRedoStoreIdBytes);
  std::memcpy(header + 32, store_id.data(), store_id.size());
  char* at = header + kRedoHeaderBytes;
  for (const WriteBatch* batch : batches) {
    put_u32(at, static_cast<uint32_t>(batch->size()));
    at += 4;
    for (const WriteBatch::Mutation& m : batch->mutations()) {
      at[0] = static_cast<char>(m.op);
      at[1] = static_cast<char>(m.table);
      at[2] = at[3] = 0;
      put_u32(at + 4, m.key_size);
      put_u32(at + 8, m.value_size);
      at += kMutationHeadBytes;
      std::string_view key = batch->key(m);
      std::string_view value = batch->value(m);
      std::memcpy(at, key.data(), key.size());
      at += key.size();
      if (!value.empty()) std::memcpy(at, value.data(), value.size());
      at += value.size();
    }
  }
  checksum(header, {header + kRedoHeaderBytes, total - kRedoHeaderBytes},
           reinterpret_cast<unsigned char*>(header + kChecksumOffset));
  return true;
}

bool seal_redo_record(std::string& bytes) {
  if (bytes.size() < kRedoHeaderBytes) return false;
  uint32_t payload_bytes = get_u32(bytes.data() + 24);
  if (payload_bytes > bytes.size() - kRedoHeaderBytes) return false;
  checksum(bytes.data(), std::string_view(bytes).substr(kRedoHeaderBytes, payload_bytes),
           reinterpret_cast<unsigned char*>(bytes.data() + kChecksumOffset));
  return true;
}

std::optional<RedoRecord> parse_redo_record(std::string_view bytes, std::string_view store_id) {
  if (bytes.size() < kRedoHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  const char* header = bytes.data();
  uint32_t payload_bytes = get_u32(header + 24);
  uint32_t batch_count = get_u32(header + 28);
  if (payload_bytes > bytes.size() - kRedoHeaderBytes) return std::nullopt;
  if (store_id.size() > kRedoStoreIdBytes) return std::nullopt;
  char padded_id[kRedoStoreIdBytes] = {};
  std::memcpy(padded_id, store_id.data(), store_id.size());
  if (std::memcmp(header + 32, padded_id, kRedoStoreIdBytes) != 0) return std::nullopt;
  std::string_view payload = bytes.substr(kRedoHeaderBytes, payload_bytes);
  unsigned char expected[kChecksumBytes];
  checksum(header, payload, expected);
  if (sodium_memcmp(expected, header + kChecksumOffset, kChecksumBytes) != 0) return std::nullopt;

  RedoRecord record;
  record.sequence = get_u64(header + 8);
  record.base_txnid = get_u64(header + 16);
  record.bytes = kRedoHeaderBytes + payload.size();
  // Each batch takes at least 4 payload bytes: a count beyond that is damage, not a reason to
  // reserve memory for it.
  if (batch_count > payload.size() / 4) return std::nullopt;
  record.batches.reserve(batch_count);
  size_t at = 0;
  for (uint32_t b = 0; b < batch_count; ++b) {
    if (payload.size() - at < 4) return std::nullopt;
    uint32_t mutations = get_u32(payload.data() + at);
    at += 4;
    WriteBatch batch;
    for (uint32_t i = 0; i < mutations; ++i) {
      if (payload.size() - at < kMutationHeadBytes) return std::nullopt;
      const char* head = payload.data() + at;
      auto op = static_cast<uint8_t>(head[0]);
      auto table = static_cast<uint8_t>(head[1]);
      uint32_t key_size = get_u32(head + 4);
      uint32_t value_size = get_u32(head + 8);
      at += kMutationHeadBytes;
      if (op > static_cast<uint8_t>(WriteBatch::Op::erase) || table >= kTableCount ||
          head[2] != 0 || head[3] != 0)
        return std::nullopt;
      if (key_size > payload.size() - at || value_size > payload.size() - at - key_size)
        return std::nullopt;
      std::string_view key = payload.substr(at, key_size);
      std::string_view value = payload.substr(at + key_size, value_size);
      at += static_cast<size_t>(key_size) + value_size;
      int status = PB_OK;
      switch (static_cast<WriteBatch::Op>(op)) {
        case WriteBatch::Op::put:
          status = batch.put(static_cast<Table>(table), key, value);
          break;
        case WriteBatch::Op::insert:
          status = batch.insert(static_cast<Table>(table), key, value);
          break;
        case WriteBatch::Op::erase:
          status = value.empty() ? batch.erase(static_cast<Table>(table), key) : PB_E_INVALID;
          break;
      }
      if (status != PB_OK) return std::nullopt;
    }
    record.batches.push_back(std::move(batch));
  }
  if (at != payload.size()) return std::nullopt;
  return record;
}

}  // namespace pb::store
