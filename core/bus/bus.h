// The typed event bus: stable numeric event ids, a versioned payload struct per event, and two
// kinds of subscription (plugin.h has the plugin-facing contract):
//   - intercept: runs before the event's effect is committed, in explicit priority order; may
//     modify the payload, reject, allow (skip the rest), or go PENDING and resume later without
//     blocking the loop;
//   - observe: runs after the commit, read-only, in subscription order.
// auth.check is an intercept chain that fails closed: if nobody decides, the answer is no.
//
// Threading: loop thread only. The bus never blocks; a chain whose interceptor is pending simply
// waits for intercept_resume().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/bus/payload.h"
#include "core/util/inline_function.h"
#include "core/util/result.h"
#include "patchbay/plugin.h"

// The C ABI's opaque intercept context is defined here: one interceptor's turn in one chain run.
struct pb_intercept_ctx;

namespace pb::bus {

class ChainRun;

// Who subscribed: the plugin's id (for the operator's view and for error messages) and an opaque
// owner token the host uses to drop a failed plugin's subscriptions.
struct Subscriber {
  std::string plugin_id;
  const void* owner = nullptr;
};

// The outcome of an intercept chain, handed to the publisher.
// A write an interceptor staged into its own plugin's key-value namespace, to be committed with
// the event's effect (intercept_stage_kv_put).
struct StagedWrite {
  Subscriber who;
  std::string key;
  std::string value;
};

struct ChainResult {
  int verdict = PB_VERDICT_CONTINUE;  // CONTINUE or ALLOW: go on; REJECT: stop
  int http_status = 0;                 // for REJECT
  std::string error_id;
  std::string message;
  // auth.check only: who the request is (set by the interceptor that allowed it).
  std::string user_id, session_id, roles;
  std::string decided_by;  // plugin id of the interceptor that decided (ALLOW/REJECT), if any
  std::vector<StagedWrite> staged;  // for events with a commit; empty after a REJECT
};

// Called once when the chain ends. Inline (no heap block): every webhook ends two chains.
using ChainDone = InlineFunction<void(const ChainResult&, const void* final_payload)>;

// Called with a plugin's id when one of its callbacks threw or returned an error, so the host can
// log it (and decide whether to fail the plugin).
using FaultReporter = std::function<void(const Subscriber&, std::string_view what)>;

class Bus {
 public:
  Bus();
  ~Bus();
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  void set_fault_reporter(FaultReporter reporter) { fault_ = std::move(reporter); }

  // The id of a plugin-defined event, registering it on first use with the payload struct
  // `kind` names. Names of core events ("post.created") are refused: they already have stable
  // ids; so is a name registered before with another kind (its publishers and subscribers would
  // read each other's payloads as the wrong struct).
  // `kind` is an int, as in the C ABI: a plugin may pass any value, and an out-of-range one
  // must be refused, not loaded as the enum.
  Result<uint32_t> event_id(std::string_view name, int kind = PB_PAYLOAD_BLOB);
  // The name of any known event ("auth.check", "acme.deploy"), or "" when unknown.
  std::string_view event_name(uint32_t event) const;

  // Subscriptions. Return PB_OK, PB_E_NOT_FOUND (unknown event), PB_E_UNSUPPORTED (this event
  // cannot be intercepted / observed), PB_E_INVALID (fn NULL).
  int intercept(uint32_t event, int32_t priority, Subscriber who, pb_intercept_fn fn, void* user);
  int observe(uint32_t event, Subscriber who, pb_observe_fn fn, void* user);

  // Drops every subscription of `owner` (a plugin that failed or stopped).
  void unsubscribe_all(const void* owner);

  // Runs the intercept chain of `event` over a copy of `payload`; `done` is called exactly once,
  // possibly before this returns (no interceptor pending) or later. Returns PB_E_NOT_FOUND,
  // PB_E_INVALID (payload malformed) and then never calls done.
  int run_intercept(uint32_t event, const void* payload, ChainDone done);
  // The same over `payload` itself, not a copy: for the core's own payloads, which it keeps
  // (struct and strings, unchanged, host-sized) until `done` has been called. A post's chain
  // copied its draft only to keep it alive past a pending interceptor; its owner outlives that.
  int run_intercept_on(uint32_t event, const void* payload, ChainDone done);

  // Calls every observer of `event` with `payload`, synchronously.
  int run_observe(uint32_t event, const void* payload);

  // The operator's view: one line per subscription, chain by chain, in the order they run:
  //   post.will_be_created  intercept  #1  priority 10  attachments
  std::string describe() const;

  // Number of chain runs waiting on a PENDING interceptor (for drain and tests).
  size_t pending_runs() const { return pending_runs_; }

  // ---- used by the host API functions on pb_intercept_ctx (plugin.h documents them) ----
  // `ctx` is the handle an interceptor was given (a token, not an address): once its turn has
  // ended it resolves to nothing and every call on it is PB_E_STATE.
  static int replace(pb_intercept_ctx* ctx, const void* payload);
  static int set_error(pb_intercept_ctx* ctx, int http_status, std::string_view id,
                       std::string_view message);
  static int set_identity(pb_intercept_ctx* ctx, std::string_view user_id,
                          std::string_view session_id, std::string_view roles);
  static int resume(pb_intercept_ctx* ctx, int verdict);
  static int stage(pb_intercept_ctx* ctx, std::string_view key, std::string_view value);

 private:
  friend class ChainRun;

  struct Interceptor {
    int32_t priority;
    uint64_t order;  // subscription order: ties in priority keep load order
    Subscriber who;
    pb_intercept_fn fn;
    void* user;
  };
  struct Observer {
    Subscriber who;
    pb_observe_fn fn;
    void* user;
  };
  struct EventType {
    uint32_t id;
    std::string name;
    bool interceptable;
    bool observable;
    bool commits;  // the publisher commits an effect: interceptors may stage writes into it
    const PayloadLayout* layout;
    // Sorted by (priority, order). Copy-on-write: a running chain keeps the snapshot it started
    // with, so a subscription change (a plugin failing) never shifts a chain under its feet.
    std::shared_ptr<const std::vector<Interceptor>> interceptors;
    // Copy-on-write too: run_observe holds the snapshot while a fault may unsubscribe a plugin,
    // without copying the list (and its plugin-id strings) on every event.
    std::shared_ptr<const std::vector<Observer>> observers;
  };

  EventType* find(uint32_t event);
  const EventType* find(uint32_t event) const;
  void report_fault(const Subscriber& who, std::string_view what);
  // Takes back a finished run (bus.cpp), kept for the next run_intercept or freed.
  void recycle(ChainRun* run) noexcept;
  // run_intercept and run_intercept_on: over a copy of `payload`, or (`borrow`) over it.
  int start_run(uint32_t event, const void* payload, bool borrow, ChainDone done);

  std::unordered_map<uint32_t, EventType> events_;
  std::unordered_map<std::string, uint32_t> ids_by_name_;
  uint32_t next_dynamic_id_ = PB_EVENT_FIRST_DYNAMIC;
  uint64_t next_order_ = 0;
  size_t pending_runs_ = 0;
  FaultReporter fault_;
  std::vector<std::unique_ptr<ChainRun>> spare_runs_;  // finished runs, for reuse
};

}  // namespace pb::bus
