#include "plugins/incoming_webhooks/hook_store.h"

#include <algorithm>

namespace pb::incoming_webhooks {

int HookStore::load() {
  index_.clear();
  return host_.kv_list("hook/", [this](std::string_view key, std::string_view value) {
    auto hook = hook_from_json(value);
    if (!hook || key_of(hook->id) != key) {
      host_.error("skipping a stored hook that does not parse: " + std::string(key));
      return false;
    }
    if (hook->delete_at == 0) {
      if (!hook->sealed_secret.empty()) {
        auto secret = box_.open(hook->sealed_secret);
        if (!secret) {
          host_.error("hook " + hook->id +
                      ": its signing secret does not open with the configured SecretKey; the "
                      "hook refuses every request until its secret is set again");
        }
        hook->secret = secret.value_or("");
      }
      std::string id = hook->id;
      index_.insert_or_assign(std::move(id), std::make_shared<const IncomingHook>(std::move(*hook)));
    }
    return false;
  });
}

std::shared_ptr<const IncomingHook> HookStore::find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : it->second;
}

int HookStore::save(const IncomingHook& hook, std::function<void(int status)> done) {
  return host_.kv_put(key_of(hook.id), hook_to_json(hook),
                      [this, hook, done = std::move(done)](int status) {
                        if (status == PB_OK) {
                          if (hook.delete_at != 0) {
                            index_.erase(hook.id);
                          } else {
                            index_.insert_or_assign(hook.id, std::make_shared<const IncomingHook>(hook));
                          }
                        }
                        done(status);
                      });
}

std::vector<const IncomingHook*> HookStore::select(
    const std::function<bool(const IncomingHook&)>& keep) const {
  std::vector<const IncomingHook*> out;
  for (const auto& [id, hook] : index_) {
    if (keep(*hook)) out.push_back(hook.get());
  }
  std::sort(out.begin(), out.end(), [](const IncomingHook* a, const IncomingHook* b) {
    return a->create_at != b->create_at ? a->create_at < b->create_at : a->id < b->id;
  });
  return out;
}

}  // namespace pb::incoming_webhooks
