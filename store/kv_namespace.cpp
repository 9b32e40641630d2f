#include "store/kv_namespace.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "patchbay/plugin.h"

namespace pb::store {
namespace {

constexpr size_t kHashBytes = 32;
constexpr size_t kSuffixLengthBytes = 2;

bool valid_key(std::string_view key) {
  return !key.empty() && key.size() <= KvNamespace::kMaxKeyBytes;
}

// A hashed entry's value: [u16 little-endian n][the key's last n bytes][value].
struct HashedValue {
  std::string_view key_rest;
  std::string_view value;
};

bool decode_hashed(std::string_view stored, HashedValue& out) {
  if (stored.size() < kSuffixLengthBytes) return false;
  size_t n = static_cast<unsigned char>(stored[0]) | (static_cast<unsigned char>(stored[1]) << 8);
  if (stored.size() < kSuffixLengthBytes + n) return false;
  out.key_rest = stored.substr(kSuffixLengthBytes, n);
  out.value = stored.substr(kSuffixLengthBytes + n);
  return true;
}

}  // namespace

KvNamespace::KvNamespace(Store& store, std::string plugin_id)
    : store_(&store), plugin_id_(std::move(plugin_id)) {
  prefix_ = plugin_id_;
  prefix_.push_back('\0');
}

Result<KvNamespace> KvNamespace::create(Store& store, std::string plugin_id) {
  if (plugin_id.empty() || plugin_id.size() > kMaxPluginIdBytes ||
      plugin_id.find('\0') != std::string::npos) {
    return make_error(PB_E_INVALID, "kv namespace: the plugin id must be 1..128 bytes without NUL");
  }
  if (sodium_init() < 0) return make_error(PB_E_IO, "kv namespace: libsodium failed to initialise");
  return KvNamespace(store, std::move(plugin_id));
}

size_t KvNamespace::verbatim_limit() const {
  return store::kMaxKeyBytes - prefix_.size() - kHashBytes;
}

bool KvNamespace::stored_key(std::string_view key, std::string& out) const {
  out.assign(prefix_);
  size_t limit = verbatim_limit();
  if (key.size() <= limit) {
    out.append(key);
    return false;
  }
  out.append(key.substr(0, limit));
  unsigned char hash[kHashBytes];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  out.append(reinterpret_cast<const char*>(hash), sizeof hash);
  return true;
}

int KvNamespace::get(std::string_view key, ValueFn fn, void* user) const {
  if (!valid_key(key) || fn == nullptr) return PB_E_INVALID;
  std::string skey;
  bool hashed = stored_key(key, skey);
  auto txn = store_->begin_read();
  if (!txn) return PB_E_IO;
  auto stored = store_->get(*txn, Table::plugin_kv, skey);
  if (!stored) return PB_E_NOT_FOUND;
  if (!hashed) {
    fn(user, *stored);
    return PB_OK;
  }
  HashedValue hv;
  if (!decode_hashed(*stored, hv)) return PB_E_IO;
  if (hv.key_rest != key.substr(verbatim_limit())) return PB_E_NOT_FOUND;  // a hash collision
  fn(user, hv.value);
  return PB_OK;
}

Result<std::optional<std::string>> KvNamespace::get(std::string_view key) const {
  std::optional<std::string> value;
  int status = get(
      key,
      [](void* out, std::string_view v) {
        static_cast<std::optional<std::string>*>(out)->emplace(v);
      },
      &value);
  if (status == PB_OK || status == PB_E_NOT_FOUND) return value;
  return make_error(status, "kv get: " + plugin_id_);
}

int KvNamespace::list(std::string_view prefix, EachFn fn, void* user) const {
  if (prefix.size() > kMaxKeyBytes || fn == nullptr) return PB_E_INVALID;
  auto txn = store_->begin_read();
  if (!txn) return PB_E_IO;

  const size_t limit = verbatim_limit();
  const size_t head_size = prefix_.size() + limit;  // a hashed stored key is longer than this
  std::string scan = prefix_;
  scan.append(prefix.substr(0, std::min(prefix.size(), limit)));

  // Long keys sharing their first `limit` bytes are adjacent but ordered by hash: gather such a
  // run, sort it by the real key, and emit it when the run ends.
  struct Entry {
    std::string key;
    std::string_view value;
  };
  std::vector<Entry> run;
  std::string_view run_head;
  bool stopped = false;
  bool corrupt = false;
  auto flush = [&] {
    std::sort(run.begin(), run.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
    for (const Entry& e : run) {
      if (!fn(user, e.key, e.value)) {
        stopped = true;
        break;
      }
    }
    run.clear();
    return !stopped;
  };

  int status = store_->for_each_prefix(*txn, Table::plugin_kv, scan,
                                       [&](std::string_view skey, std::string_view sval) {
                                         if (skey.size() <= head_size) {
                                           if (!run.empty() && !flush()) return false;
                                           std::string_view key = skey.substr(prefix_.size());
                                           if (!key.starts_with(prefix)) return true;
                                           if (!fn(user, key, sval)) {
                                             stopped = true;
                                             return false;
                                           }
                                           return true;
                                         }
                                         std::string_view head = skey.substr(0, head_size);
                                         if (!run.empty() && head != run_head && !flush())
                                           return false;
                                         HashedValue hv;
                                         if (!decode_hashed(sval, hv)) {
                                           corrupt = true;
                                           return false;
                                         }
                                         std::string key(head.substr(prefix_.size()));
                                         key.append(hv.key_rest);
                                         if (key.starts_with(prefix)) {
                                           run_head = head;
                                           run.push_back(Entry{std::move(key), hv.value});
                                         }
                                         return true;
                                       });
  if (status != PB_OK) return status;
  if (corrupt) return PB_E_IO;
  if (!stopped && !run.empty()) flush();
  return PB_OK;
}

int KvNamespace::stage_put(WriteBatch& batch, std::string_view key, std::string_view value) const {
  if (!valid_key(key)) return batch.refuse(PB_E_INVALID);
  if (value.size() > kMaxValueBytes) return batch.refuse(PB_E_LIMIT);
  std::string skey;
  if (!stored_key(key, skey)) return batch.put(Table::plugin_kv, skey, value);
  std::string_view rest = key.substr(verbatim_limit());
  std::string svalue;
  svalue.reserve(kSuffixLengthBytes + rest.size() + value.size());
  svalue.push_back(static_cast<char>(rest.size() & 0xff));
  svalue.push_back(static_cast<char>(rest.size() >> 8));
  svalue.append(rest);
  svalue.append(value);
  return batch.put(Table::plugin_kv, skey, svalue);
}

int KvNamespace::stage_erase(WriteBatch& batch, std::string_view key) const {
  if (!valid_key(key)) return batch.refuse(PB_E_INVALID);
  std::string skey;
  stored_key(key, skey);
  return batch.erase(Table::plugin_kv, skey);
}

int KvNamespace::put(std::string_view key, std::string_view value, CommitFn done, void* user) {
  WriteBatch batch;
  int status = stage_put(batch, key, value);
  if (status != PB_OK) return status;
  return store_->commit(std::move(batch), done, user);
}

int KvNamespace::erase(std::string_view key, CommitFn done, void* user) {
  WriteBatch batch;
  int status = stage_erase(batch, key);
  if (status != PB_OK) return status;
  return store_->commit(std::move(batch), done, user);
}

}  // namespace pb::store
