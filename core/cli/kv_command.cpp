// `patchbay kv get|put|delete|list --plugin ID [KEY [VALUE]]`: a plugin's key-value namespace,
// read and written directly in the store. Safe while the server runs: LMDB arbitrates between
// processes, and writes here are durable before the command returns.
#include <cstdio>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "core/server/store_options.h"
#include "patchbay/plugin.h"
#include "store/kv_namespace.h"
#include "store/store.h"

namespace pb::cli {
namespace {

void print_value(void*, std::string_view value) {
  std::fwrite(value.data(), 1, value.size(), stdout);
  std::fputc('\n', stdout);
}

bool print_entry(void*, std::string_view key, std::string_view value) {
  std::printf("%.*s\t%.*s\n", static_cast<int>(key.size()), key.data(),
              static_cast<int>(value.size()), value.data());
  return true;
}

}  // namespace

int run_kv(const std::string& config_path, const KvCommand& command) {
  auto config = load_config_or_report(config_path, true);
  if (!config) return 1;
  auto store = store::Store::open(nullptr, server::store_options(*config));
  if (!store.ok()) {
    std::fprintf(stderr, "patchbay: %s\n", store.error().message.c_str());
    return 1;
  }
  auto kv = store::KvNamespace::create(**store, command.plugin);
  if (!kv.ok()) {
    std::fprintf(stderr, "patchbay: %s\n", kv.error().message.c_str());
    return 2;
  }
  int status = PB_OK;
  if (command.action == "get") {
    status = kv->get(command.key, print_value, nullptr);
    if (status == PB_E_NOT_FOUND) {
      std::fprintf(stderr, "patchbay: no key '%s' for plugin %s\n", command.key.c_str(),
                   command.plugin.c_str());
      return 1;
    }
  } else if (command.action == "list") {
    status = kv->list(command.key, print_entry, nullptr);
  } else {
    store::WriteBatch batch;
    status = command.action == "put" ? kv->stage_put(batch, command.key, command.value)
                                     : kv->stage_erase(batch, command.key);
    if (status == PB_OK) {
      auto committed = (*store)->commit_sync(std::move(batch));
      if (!committed.ok()) {
        std::fprintf(stderr, "patchbay: %s\n", committed.error().message.c_str());
        return 1;
      }
    }
  }
  if (status == PB_E_INVALID || status == PB_E_LIMIT) {
    std::fprintf(stderr, "patchbay: key must be 1..511 bytes and value at most 16 MiB\n");
    return 2;
  }
  if (status != PB_OK) {
    std::fprintf(stderr, "patchbay: store error %d\n", status);
    return 1;
  }
  return 0;
}

}  // namespace pb::cli
