// The on-disk form of one redo record (redo_log.h): the write batches a group commit applied,
// so that they can be applied again to the snapshot they were applied to. Pure: no I/O.
//
// Layout (little-endian), kHeaderBytes of header then the payload:
//   0  magic "PBREDO1\0"          8  sequence number (grows by one per record written)
//  16  base transaction id: the snapshot the batches were applied to (the record's transaction
//      is base + 1)
//  24  payload bytes (u32)       28  batch count (u32)
//  32  store id (meta.store_id, zero-padded to 32 bytes)
//  64  BLAKE2b-128 of bytes [0, 64) and of the payload
// Payload: per batch a u32 mutation count, then per mutation: u8 op, u8 table, u16 zero,
// u32 key bytes, u32 value bytes, the key, the value.
//
// A record is valid only when every field is in range and the checksum matches: a torn write (a
// crash while it was being written) or a slot of zeros parses as nothing, never as a shorter
// record. Threading: none (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/write_batch.h"

namespace pb::store {

inline constexpr size_t kRedoHeaderBytes = 80;
inline constexpr size_t kRedoStoreIdBytes = 32;

struct RedoRecord {
  uint64_t sequence = 0;
  uint64_t base_txnid = 0;
  size_t bytes = 0;  // the record's length on disk, header included
  std::vector<WriteBatch> batches;
};

// Appends the record of `batches` (each valid: status PB_OK) to `out` (cleared first). Returns
// false, leaving `out` unspecified, when the payload would exceed `max_bytes` in all (header
// included) or when store_id is longer than kRedoStoreIdBytes.
bool encode_redo_record(std::string& out, uint64_t sequence, uint64_t base_txnid,
                        std::string_view store_id, std::span<const WriteBatch* const> batches,
                        size_t max_bytes);

// Recomputes the checksum of the record at the start of `bytes` (at least kRedoHeaderBytes,
// its payload length field within `bytes`) over what is there now. For tests and the fuzz
// target: it lets damaged payloads reach the parser's field checks, which a checksum mismatch
// would otherwise stop first. False when `bytes` is too short for the header or the length.
bool seal_redo_record(std::string& bytes);

// The record at the start of `bytes` (trailing bytes ignored), or nullopt when there is none:
// wrong magic, a field out of range, a mutation the WriteBatch refuses, a checksum mismatch, or
// a store id other than `store_id`.
std::optional<RedoRecord> parse_redo_record(std::string_view bytes, std::string_view store_id);

}  // namespace pb::store
