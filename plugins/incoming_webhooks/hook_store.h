// The hooks, durable in the plugin's kv namespace ("hook/<id>" = the hook's JSON, deleted hooks
// kept with delete_at set, as Mattermost's soft delete) and indexed in memory, so that
// POST /hooks/{id} finds its hook with one hash lookup and no JSON parse.
//
// Threading: loop thread only. The index changes only when a write is durable, so a request never
// sees a hook that a crash could take back.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <patchbay/plugin.hpp>

#include "plugins/incoming_webhooks/hook.h"
#include "plugins/incoming_webhooks/secret_box.h"

namespace pb::incoming_webhooks {

class HookStore {
 public:
  // `box` opens the stored signing secrets; it must outlive the store.
  HookStore(sdk::Host& host, const SecretBox& box) : host_(host), box_(box) {}

  // Reads every stored hook into the index (live ones only). Records that do not parse are
  // logged and skipped. A signing secret that does not open (SecretKey changed or removed) is
  // logged by hook id and left empty: that hook then refuses every request (401). Returns the
  // host's kv_list status.
  int load();

  // The live hook `id`, or nullptr. Shared, so an in-flight request keeps the version it found
  // without copying it while the hook is updated or deleted under it.
  std::shared_ptr<const IncomingHook> find(std::string_view id) const;

  // Writes `hook` durably; once durable the index follows it (a hook with delete_at != 0 leaves
  // the index) and then done(PB_OK). On failure nothing changes and done(negative status).
  // Returns the host's kv_put status; on an error `done` is never called.
  int save(const IncomingHook& hook, std::function<void(int status)> done);

  // The live hooks for which keep(hook) is true, ordered by create_at then id.
  std::vector<const IncomingHook*> select(
      const std::function<bool(const IncomingHook&)>& keep) const;

  size_t size() const { return index_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static std::string key_of(std::string_view id) { return "hook/" + std::string(id); }

  sdk::Host& host_;
  const SecretBox& box_;
  std::unordered_map<std::string, std::shared_ptr<const IncomingHook>, Hash, std::equal_to<>>
      index_;
};

}  // namespace pb::incoming_webhooks
