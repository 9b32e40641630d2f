#include "store/redo_checkpoint.h"

#include <sodium.h>

#include <cstring>

#include "store/little_endian.h"
#include "store/redo_checksum.h"

namespace pb::store {
namespace {

constexpr char kMagic[8] = {'P', 'B', 'C', 'K', 'P', 'T', '1', '\0'};
constexpr size_t kStoreIdOffset = 64;
constexpr size_t kStoreIdBytes = 32;
constexpr size_t kChecksumOffset = 96;
constexpr size_t kChecksumBytes = kRedoChecksumBytes;
static_assert(kChecksumOffset + kChecksumBytes == kRedoCheckpointHeadBytes);

void checksum(const char* head, std::string_view meta, unsigned char out[kChecksumBytes]) {
  redo_checksum({head, kChecksumOffset}, meta, out);
}

}  // namespace

std::optional<std::string> encode_redo_checkpoint(const RedoCheckpoint& c) {
  if (c.store_id.size() > kStoreIdBytes || c.meta_pages.empty() ||
      c.meta_pages.size() > kRedoCheckpointMaxMetaBytes) {
    return std::nullopt;
  }
  std::string out(kRedoCheckpointHeadBytes, '\0');
  char* h = out.data();
  std::memcpy(h, kMagic, sizeof kMagic);
  put_u64(h + 8, c.sequence);
  put_u64(h + 16, c.txnid);
  put_u64(h + 24, c.first_record);
  put_u64(h + 32, c.first_record_sequence);
  put_u64(h + 40, c.data_dev);
  put_u64(h + 48, c.data_ino);
  put_u32(h + 56, static_cast<uint32_t>(c.meta_pages.size()));
  put_u32(h + 60, c.final ? 1u : 0u);
  std::memcpy(h + kStoreIdOffset, c.store_id.data(), c.store_id.size());
  checksum(h, c.meta_pages, reinterpret_cast<unsigned char*>(h + kChecksumOffset));
  out += c.meta_pages;
  return out;
}

std::optional<RedoCheckpoint> parse_redo_checkpoint(std::string_view bytes) {
  if (bytes.size() < kRedoCheckpointHeadBytes) return std::nullopt;
  const char* h = bytes.data();
  if (std::memcmp(h, kMagic, sizeof kMagic) != 0) return std::nullopt;
  uint32_t meta_bytes = get_u32(h + 56);
  uint32_t flags = get_u32(h + 60);
  if (meta_bytes == 0 || meta_bytes > kRedoCheckpointMaxMetaBytes || flags > 1 ||
      bytes.size() - kRedoCheckpointHeadBytes < meta_bytes) {
    return std::nullopt;
  }
  std::string_view meta = bytes.substr(kRedoCheckpointHeadBytes, meta_bytes);
  unsigned char sum[kChecksumBytes];
  checksum(h, meta, sum);
  if (sodium_memcmp(sum, h + kChecksumOffset, kChecksumBytes) != 0) return std::nullopt;
  RedoCheckpoint c;
  c.sequence = get_u64(h + 8);
  c.txnid = get_u64(h + 16);
  c.first_record = get_u64(h + 24);
  c.first_record_sequence = get_u64(h + 32);
  c.data_dev = get_u64(h + 40);
  c.data_ino = get_u64(h + 48);
  std::string_view id(h + kStoreIdOffset, kStoreIdBytes);
  c.store_id = std::string(id.substr(0, id.find('\0')));
  c.meta_pages = std::string(meta);
  c.final = flags == 1;
  return c;
}

}  // namespace pb::store
