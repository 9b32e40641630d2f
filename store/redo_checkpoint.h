// The on-disk form of a redo log checkpoint (redo_log.h): the LMDB transaction whose pages are
// all durable, the two meta pages the data file had then, and where in the log the records that
// continue it start. Pure: no I/O.
//
// Layout (little-endian), kRedoCheckpointHeadBytes of header, then the meta pages:
//   0  magic "PBCKPT1\0"            8  sequence (grows by one per checkpoint written)
//  16  transaction id              24  logical log offset of the first record continuing it
//  32  sequence of that record     40  data file's st_dev   48  data file's st_ino
//  56  bytes of meta pages (u32: two LMDB pages)             60  flags (u32): 1 = final
//  64  store id (meta.store_id, zero-padded to 32 bytes)
//  96  BLAKE2b-128 of bytes [0, 96) and of the meta pages
// A checkpoint is valid only when every field is in range and the checksum matches: a torn
// write parses as nothing. Threading: none (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pb::store {

inline constexpr size_t kRedoCheckpointHeadBytes = 112;
// Room for the meta pages of LMDB pages up to 8 KiB (x86-64 and arm64 Linux use 4 KiB).
inline constexpr size_t kRedoCheckpointMaxMetaBytes = 16384;

struct RedoCheckpoint {
  uint64_t sequence = 0;
  uint64_t txnid = 0;
  uint64_t first_record = 0;           // logical offset in the record ring (redo_log.h)
  uint64_t first_record_sequence = 0;  // the sequence number that record must carry
  uint64_t data_dev = 0;
  uint64_t data_ino = 0;
  std::string store_id;
  std::string meta_pages;  // the data file's first two pages when the checkpoint was taken
  // Written by a store that closed: nothing after it went through the log, so there is nothing
  // to put back or replay (and a tool that wrote the data file since must not be undone).
  bool final = false;
};

// The encoded checkpoint, or nullopt when the store id is longer than 32 bytes or the meta
// pages are empty or longer than kRedoCheckpointMaxMetaBytes.
std::optional<std::string> encode_redo_checkpoint(const RedoCheckpoint& checkpoint);

// The checkpoint at the start of `bytes` (trailing bytes ignored), or nullopt: wrong magic, a
// field out of range, or a checksum mismatch.
std::optional<RedoCheckpoint> parse_redo_checkpoint(std::string_view bytes);

}  // namespace pb::store
