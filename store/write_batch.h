// WriteBatch: the typed mutations of one logical request, committed all-or-nothing.
//
// A batch is the store's ONE write interface: the loop hands batches to Store::commit (group
// commit, acknowledged when durable) or Store::commit_sync (CLI, tests). Keeping writes in this
// shape is what lets "durable" later mean "replicated" without touching callers.
//
// Keys and values are copied into the batch, so the caller's buffers may go away at once.
// Not thread-safe; a batch is built on one thread and then moved into commit().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/table.h"

namespace pb::store {

class WriteBatch {
 public:
  enum class Op : uint8_t {
    put,     // create or overwrite
    insert,  // create; the whole batch fails with PB_E_EXISTS if the key exists
    erase,   // delete; a missing key is not an error
  };

  struct Mutation {
    Op op;
    Table table;
    uint32_t key_offset;
    uint32_t key_size;
    uint32_t value_offset;
    uint32_t value_size;
  };

  WriteBatch() = default;
  WriteBatch(WriteBatch&&) noexcept = default;
  WriteBatch& operator=(WriteBatch&&) noexcept = default;
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  // Each returns PB_OK, or PB_E_INVALID (empty key) / PB_E_LIMIT (key over kMaxKeyBytes, value
  // over kMaxValueBytes). A refused mutation poisons the batch: commit() then returns that
  // error and writes nothing, so a caller that ignores the return still cannot half-write.
  int put(Table table, std::string_view key, std::string_view value);
  int insert(Table table, std::string_view key, std::string_view value);
  int erase(Table table, std::string_view key);

  // For layers that validate their own arguments before adding (e.g. KvNamespace): poisons the
  // batch with `status` (a negative pb_status) as a refused mutation would, and returns it.
  int refuse(int status);

  // PB_OK, or the first error a mutation was refused with.
  int status() const { return status_; }
  bool empty() const { return mutations_.empty(); }
  size_t size() const { return mutations_.size(); }

  const std::vector<Mutation>& mutations() const { return mutations_; }
  std::string_view key(const Mutation& m) const {
    return {bytes_.data() + m.key_offset, m.key_size};
  }
  std::string_view value(const Mutation& m) const {
    return {bytes_.data() + m.value_offset, m.value_size};
  }

  // Forgets every mutation and the error, keeping the capacity (for reuse on hot paths).
  void clear();
  // Bytes of that capacity (the key/value buffer and the mutation list).
  size_t capacity_bytes() const {
    return bytes_.capacity() + mutations_.capacity() * sizeof(Mutation);
  }

  // Makes room for `mutations` more mutations holding `bytes` more key and value bytes, so a
  // caller that knows its sizes builds the batch with one allocation of each kind.
  void reserve(size_t mutations, size_t bytes);

 private:
  int add(Op op, Table table, std::string_view key, std::string_view value);

  std::vector<Mutation> mutations_;
  std::string bytes_;  // every key and value, back to back
  int status_ = 0;
};

}  // namespace pb::store
