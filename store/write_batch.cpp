#include "store/write_batch.h"

#include <limits>

#include "patchbay/plugin.h"

namespace pb::store {

int WriteBatch::put(Table table, std::string_view key, std::string_view value) {
  return add(Op::put, table, key, value);
}

int WriteBatch::insert(Table table, std::string_view key, std::string_view value) {
  return add(Op::insert, table, key, value);
}

int WriteBatch::erase(Table table, std::string_view key) { return add(Op::erase, table, key, {}); }

int WriteBatch::refuse(int status) {
  if (status_ == PB_OK) status_ = status;
  return status;
}

void WriteBatch::clear() {
  mutations_.clear();
  bytes_.clear();
  status_ = PB_OK;
}

void WriteBatch::reserve(size_t mutations, size_t bytes) {
  mutations_.reserve(mutations_.size() + mutations);
  bytes_.reserve(bytes_.size() + bytes);
}

int WriteBatch::add(Op op, Table table, std::string_view key, std::string_view value) {
  int status = PB_OK;
  if (key.empty() || table_index(table) >= kTableCount) {
    status = PB_E_INVALID;
  } else if (key.size() > kMaxKeyBytes || value.size() > kMaxValueBytes ||
             bytes_.size() + key.size() + value.size() > std::numeric_limits<uint32_t>::max()) {
    status = PB_E_LIMIT;
  }
  if (status != PB_OK) return refuse(status);
  Mutation m{op,
             table,
             static_cast<uint32_t>(bytes_.size()),
             static_cast<uint32_t>(key.size()),
             0,
             static_cast<uint32_t>(value.size())};
  bytes_.append(key);
  m.value_offset = static_cast<uint32_t>(bytes_.size());
  bytes_.append(value);
  mutations_.push_back(m);
  return PB_OK;
}

}  // namespace pb::store
