#include "core/bus/bus.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>

#include <fmt/format.h>

namespace pb::bus {
namespace {

const PayloadLayout kAuthCheckLayout{
    sizeof(pb_auth_check_v1),
    sizeof(pb_auth_check_v1),
    {offsetof(pb_auth_check_v1, permission)},
};

const PayloadLayout kPostLayout{
    sizeof(pb_post_v1),
    sizeof(pb_post_v1),
    {offsetof(pb_post_v1, id), offsetof(pb_post_v1, channel_id), offsetof(pb_post_v1, user_id),
     offsetof(pb_post_v1, root_id), offsetof(pb_post_v1, type), offsetof(pb_post_v1, message),
     offsetof(pb_post_v1, props_json)},
};

const PayloadLayout kUserLayout{
    sizeof(pb_user_v1),
    sizeof(pb_user_v1),
    {offsetof(pb_user_v1, id), offsetof(pb_user_v1, username), offsetof(pb_user_v1, email),
     offsetof(pb_user_v1, nickname), offsetof(pb_user_v1, first_name),
     offsetof(pb_user_v1, last_name), offsetof(pb_user_v1, roles), offsetof(pb_user_v1, password)},
};

const PayloadLayout kBlobLayout{
    sizeof(pb_blob_v1),
    sizeof(pb_blob_v1),
    {offsetof(pb_blob_v1, data)},
};

std::string_view verdict_name(int verdict) {
  switch (verdict) {
    case PB_VERDICT_CONTINUE: return "CONTINUE";
    case PB_VERDICT_ALLOW: return "ALLOW";
    case PB_VERDICT_REJECT: return "REJECT";
    case PB_VERDICT_PENDING: return "PENDING";
  }
  return "invalid verdict";
}

}  // namespace

}  // namespace pb::bus

// One interceptor's turn. Lives as long as its chain run (which is recycled for later runs):
// plugins never get its address, only a TurnHandles token for it.
struct pb_intercept_ctx {
  pb::bus::ChainRun* run;
  size_t step;   // index of the interceptor in the run's chain snapshot
  bool open;     // the turn has not ended: replace/set_error/set_identity allowed
  bool pending;  // the interceptor returned PENDING and has not resumed
  uint32_t slot; // its TurnHandles slot while the turn lasts
};

namespace pb::bus {
namespace {

// What a plugin holds as `pb_intercept_ctx*` is a token: a slot number and that slot's
// generation, never a context's address. A turn that ended releases its slot (the generation
// moves on), so a handle kept past its turn (a second resume, a late set_error) resolves to
// nothing and gets PB_E_STATE, as plugin.h promises, even after the recycled run's contexts
// serve another chain; with addresses it silently acted on whichever turn reused the memory.
// A stale token could only match again after 2^32 turns of the same slot. Loop thread only
// (every host function on a turn is), hence per thread.
class TurnHandles {
 public:
  pb_intercept_ctx* open(pb_intercept_ctx* ctx) {
    if (free_.empty()) {
      free_.push_back(static_cast<uint32_t>(slots_.size()));
      slots_.push_back(Slot{});
    }
    uint32_t index = free_.back();
    free_.pop_back();
    Slot& slot = slots_[index];
    slot.ctx = ctx;
    ctx->slot = index;
    const uintptr_t token = (static_cast<uintptr_t>(slot.generation) << 32) | (index + 1u);
    return reinterpret_cast<pb_intercept_ctx*>(token);
  }
  // The context `token` stands for, or null when its turn is over (or it never was one).
  pb_intercept_ctx* resolve(pb_intercept_ctx* token) const {
    const auto bits = reinterpret_cast<uintptr_t>(token);
    const auto index = static_cast<uint32_t>(bits & 0xffffffffu) - 1u;
    if (index >= slots_.size()) return nullptr;
    const Slot& slot = slots_[index];
    return slot.ctx != nullptr && slot.generation == static_cast<uint32_t>(bits >> 32) ? slot.ctx
                                                                                       : nullptr;
  }
  void close(pb_intercept_ctx* ctx) {
    Slot& slot = slots_[ctx->slot];
    slot.ctx = nullptr;
    ++slot.generation;
    free_.push_back(ctx->slot);
  }

 private:
  struct Slot {
    pb_intercept_ctx* ctx = nullptr;
    uint32_t generation = 0;
  };
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
};

thread_local TurnHandles t_turns;

}  // namespace

// One run of one intercept chain. Owns its payload copies. A finished run is not freed: it goes
// back to its bus's spares (Bus::recycle) with its payload blocks and turn contexts, so the next
// run (a webhook makes two: attachments.process and post.will_be_created) reuses them instead of
// allocating the run, its contexts and a payload block each time.
class ChainRun {
 public:
  explicit ChainRun(Bus* bus) : bus_(bus) {}

  // Runs interceptors until one is pending or the chain ends.
  void advance();
  void apply(const Bus::Interceptor& step, pb_intercept_ctx* ctx, int verdict);

  // Copies `payload` (type_'s layout) into the next free block, which becomes the current
  // payload. False when the payload is malformed (the current one is unchanged then).
  bool push_payload(const void* payload);
  // Until the first replacement, a borrowed payload (Bus::run_intercept_on) is the current one.
  const void* payload() const { return used_ > 0 ? payloads_[used_ - 1].get() : borrowed_; }

  // What a new run is, keeping what is worth reusing.
  void clear();

  Bus* bus_;
  const Bus::EventType* type_ = nullptr;
  std::shared_ptr<const std::vector<Bus::Interceptor>> chain_;
  // payloads_[0, used_): the publisher's copy, then one per intercept_replace; the last is the
  // current payload. Replaced ones live as long as the run: an interceptor may still read the
  // pointer it was handed after calling intercept_replace (plugin.h promises it until the turn
  // ends). Blocks from used_ on are left from earlier runs, for reuse.
  std::vector<OwnedPayload> payloads_;
  size_t used_ = 0;
  const void* borrowed_ = nullptr;  // the publisher's own payload, kept by it until done
  ChainDone done_;
  ChainResult result_;
  size_t next_ = 0;
  // One context per interceptor of chain_, by index. Sized when the run starts and never while
  // it goes: a context's address is handed to the plugin.
  std::vector<pb_intercept_ctx> turns_;
};

bool ChainRun::push_payload(const void* payload) {
  if (used_ == payloads_.size()) payloads_.emplace_back();  // the blocks themselves never move
  if (!payloads_[used_].assign(*type_->layout, payload)) return false;
  ++used_;
  return true;
}

void ChainRun::clear() {
  // A run that carried a huge payload, or many replacements, does not keep them (idle RSS).
  constexpr size_t kMaxKeptPayloads = 4;
  constexpr size_t kMaxKeptBlock = 16 * 1024;
  if (payloads_.size() > kMaxKeptPayloads) payloads_.resize(kMaxKeptPayloads);
  for (OwnedPayload& p : payloads_) {
    if (p.capacity() > kMaxKeptBlock) p = OwnedPayload();
  }
  used_ = 0;
  borrowed_ = nullptr;
  type_ = nullptr;
  chain_.reset();
  done_ = nullptr;
  result_.verdict = PB_VERDICT_CONTINUE;
  result_.http_status = 0;
  for (std::string* s : {&result_.error_id, &result_.message, &result_.user_id,
                         &result_.session_id, &result_.roles, &result_.decided_by}) {
    s->clear();
  }
  result_.staged.clear();
  next_ = 0;
}

void ChainRun::advance() {
  while (next_ < chain_->size()) {
    const Bus::Interceptor& step = (*chain_)[next_++];
    pb_intercept_ctx* ctx = &turns_[next_ - 1];
    *ctx = pb_intercept_ctx{this, next_ - 1, true, false, 0};
    pb_intercept_ctx* handle = t_turns.open(ctx);
    int verdict;
    try {
      verdict = step.fn(step.user, handle, type_->id, payload());
    } catch (const std::exception& e) {
      bus_->report_fault(step.who, fmt::format("interceptor of {} threw: {}", type_->name, e.what()));
      verdict = -1;
    } catch (...) {
      bus_->report_fault(step.who, fmt::format("interceptor of {} threw", type_->name));
      verdict = -1;
    }
    if (verdict == PB_VERDICT_PENDING) {
      ctx->pending = true;
      bus_->pending_runs_++;
      return;  // Bus::resume() applies the verdict and calls advance() again
    }
    apply(step, ctx, verdict);
  }
  if (result_.verdict == PB_VERDICT_CONTINUE && type_->id == PB_EVENT_AUTH_CHECK) {
    result_.verdict = PB_VERDICT_REJECT;  // fail closed: nobody vouched for this request
  }
  if (result_.verdict == PB_VERDICT_REJECT && result_.http_status == 0) {
    if (type_->id == PB_EVENT_AUTH_CHECK) {
      result_.http_status = 401;
      result_.error_id = "api.context.session_expired.app_error";
      result_.message = "Invalid or expired session, please login again.";
    } else {
      result_.http_status = 403;
      result_.error_id = "api.context.permissions.app_error";
      result_.message = "You do not have the appropriate permissions.";
    }
  }
  if (result_.verdict == PB_VERDICT_REJECT) result_.staged.clear();  // nothing of a rejected event is written
  ChainDone done = std::move(done_);
  // The run ends here, whatever done does; it is recycled after done returned (done reads the
  // result and the payload), so a run that done starts gets another one.
  struct Recycle {
    ChainRun* run;
    ~Recycle() { run->bus_->recycle(run); }
  } end{this};
  done(result_, payload());
}

Bus::Bus() {
  auto add_core = [this](uint32_t id, std::string name, bool intercept, bool observe,
                         bool commits, const PayloadLayout* layout) {
    ids_by_name_[name] = id;
    events_.emplace(id, EventType{id, std::move(name), intercept, observe, commits, layout,
                                  std::make_shared<const std::vector<Interceptor>>(),
                                  std::make_shared<const std::vector<Observer>>()});
  };
  add_core(PB_EVENT_AUTH_CHECK, "auth.check", true, false, false, &kAuthCheckLayout);
  add_core(PB_EVENT_POST_WILL_BE_CREATED, "post.will_be_created", true, false, true, &kPostLayout);
  add_core(PB_EVENT_POST_CREATED, "post.created", false, true, false, &kPostLayout);
  add_core(PB_EVENT_USER_WILL_BE_CREATED, "user.will_be_created", true, false, true, &kUserLayout);
  add_core(PB_EVENT_USER_CREATED, "user.created", false, true, false, &kUserLayout);
}

Bus::~Bus() = default;

Bus::EventType* Bus::find(uint32_t event) {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

const Bus::EventType* Bus::find(uint32_t event) const {
  auto it = events_.find(event);
  return it == events_.end() ? nullptr : &it->second;
}

void Bus::report_fault(const Subscriber& who, std::string_view what) {
  if (fault_) fault_(who, what);
}

Result<uint32_t> Bus::event_id(std::string_view name, int kind) {
  const PayloadLayout* layout = kind == PB_PAYLOAD_BLOB   ? &kBlobLayout
                                : kind == PB_PAYLOAD_POST ? &kPostLayout
                                                          : nullptr;
  if (layout == nullptr)
    return make_error(PB_E_INVALID, fmt::format("unknown payload kind {}", kind));
  if (name.empty() || name.size() > 128) {
    return make_error(PB_E_INVALID, "event names are 1..128 bytes");
  }
  auto it = ids_by_name_.find(std::string(name));
  if (it != ids_by_name_.end()) {
    if (it->second < PB_EVENT_FIRST_DYNAMIC) {
      return make_error(PB_E_INVALID, fmt::format("'{}' is a core event with a fixed id", name));
    }
    if (find(it->second)->layout != layout) {
      return make_error(PB_E_INVALID,
                        fmt::format("'{}' was declared with another payload struct", name));
    }
    return it->second;
  }
  uint32_t id = next_dynamic_id_++;
  ids_by_name_.emplace(std::string(name), id);
  events_.emplace(id, EventType{id, std::string(name), true, true, false, layout,
                                std::make_shared<const std::vector<Interceptor>>(),
                                std::make_shared<const std::vector<Observer>>()});
  return id;
}

std::string_view Bus::event_name(uint32_t event) const {
  const EventType* type = find(event);
  return type ? std::string_view(type->name) : std::string_view();
}

int Bus::intercept(uint32_t event, int32_t priority, Subscriber who, pb_intercept_fn fn,
                   void* user) {
  EventType* type = find(event);
  if (type == nullptr) return PB_E_NOT_FOUND;
  if (!type->interceptable) return PB_E_UNSUPPORTED;
  if (fn == nullptr) return PB_E_INVALID;
  auto chain = std::make_shared<std::vector<Interceptor>>(*type->interceptors);
  chain->push_back(Interceptor{priority, next_order_++, std::move(who), fn, user});
  std::stable_sort(chain->begin(), chain->end(), [](const Interceptor& a, const Interceptor& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.order < b.order;
  });
  type->interceptors = std::move(chain);
  return PB_OK;
}

int Bus::observe(uint32_t event, Subscriber who, pb_observe_fn fn, void* user) {
  EventType* type = find(event);
  if (type == nullptr) return PB_E_NOT_FOUND;
  if (!type->observable) return PB_E_UNSUPPORTED;
  if (fn == nullptr) return PB_E_INVALID;
  auto observers = std::make_shared<std::vector<Observer>>(*type->observers);
  observers->push_back(Observer{std::move(who), fn, user});
  type->observers = std::move(observers);
  return PB_OK;
}

void Bus::unsubscribe_all(const void* owner) {
  for (auto& [id, type] : events_) {
    auto chain = std::make_shared<std::vector<Interceptor>>(*type.interceptors);
    std::erase_if(*chain, [owner](const Interceptor& i) { return i.who.owner == owner; });
    type.interceptors = std::move(chain);
    auto observers = std::make_shared<std::vector<Observer>>(*type.observers);
    std::erase_if(*observers, [owner](const Observer& o) { return o.who.owner == owner; });
    type.observers = std::move(observers);
  }
}

int Bus::run_intercept(uint32_t event, const void* payload, ChainDone done) {
  return start_run(event, payload, /*borrow=*/false, std::move(done));
}

int Bus::run_intercept_on(uint32_t event, const void* payload, ChainDone done) {
  return start_run(event, payload, /*borrow=*/true, std::move(done));
}

int Bus::start_run(uint32_t event, const void* payload, bool borrow, ChainDone done) {
  const EventType* type = find(event);
  if (type == nullptr) return PB_E_NOT_FOUND;
  if (!type->interceptable) return PB_E_UNSUPPORTED;
  std::unique_ptr<ChainRun> run;
  if (spare_runs_.empty()) {
    run = std::make_unique<ChainRun>(this);
  } else {
    run = std::move(spare_runs_.back());
    spare_runs_.pop_back();
  }
  run->type_ = type;
  if (borrow) {
    size_t given = 0;
    if (payload != nullptr) std::memcpy(&given, payload, sizeof given);
    if (given != type->layout->struct_size) {  // the core's own structs are host-sized
      recycle(run.release());
      return PB_E_INVALID;
    }
    run->borrowed_ = payload;
  } else if (!run->push_payload(payload)) {
    recycle(run.release());
    return PB_E_INVALID;
  }
  run->chain_ = type->interceptors;
  run->turns_.resize(run->chain_->size());
  run->done_ = std::move(done);
  run.release()->advance();  // recycles the run once the chain is finished
  return PB_OK;
}

void Bus::recycle(ChainRun* run) noexcept {
  std::unique_ptr<ChainRun> owned(run);
  // Enough for every chain in flight at a few hundred connections.
  constexpr size_t kMaxSpareRuns = 256;
  if (spare_runs_.size() >= kMaxSpareRuns) return;  // freed
  owned->clear();
  try {
    spare_runs_.push_back(std::move(owned));
  } catch (...) {  // no room to keep it: freed, as without spares
  }
}

int Bus::run_observe(uint32_t event, const void* payload) {
  const EventType* type = find(event);
  if (type == nullptr) return PB_E_NOT_FOUND;
  if (!type->observable) return PB_E_UNSUPPORTED;
  size_t given = 0;
  if (payload == nullptr) return PB_E_INVALID;
  std::memcpy(&given, payload, sizeof given);
  if (given < type->layout->min_struct_size) return PB_E_INVALID;
  // Observers may subscribe nothing new at run time, but a fault may unsubscribe a plugin while
  // we iterate: iterate over the snapshot this reference keeps alive.
  std::shared_ptr<const std::vector<Observer>> observers = type->observers;
  for (const Observer& o : *observers) {
    try {
      o.fn(o.user, event, payload);
    } catch (const std::exception& e) {
      report_fault(o.who, fmt::format("observer of {} threw: {}", type->name, e.what()));
    } catch (...) {
      report_fault(o.who, fmt::format("observer of {} threw", type->name));
    }
  }
  return PB_OK;
}

std::string Bus::describe() const {
  std::vector<const EventType*> types;
  for (const auto& [id, type] : events_) types.push_back(&type);
  std::sort(types.begin(), types.end(),
            [](const EventType* a, const EventType* b) { return a->id < b->id; });
  std::string out;
  for (const EventType* type : types) {
    if (type->interceptors->empty() && type->observers->empty()) {
      out += fmt::format("{:<24} (no subscribers){}\n", type->name,
                         type->id == PB_EVENT_AUTH_CHECK ? ": every authenticated request is denied" : "");
      continue;
    }
    int n = 1;
    for (const Interceptor& i : *type->interceptors) {
      out += fmt::format("{:<24} intercept #{:<2} priority {:<6} {}\n", type->name, n++, i.priority,
                         i.who.plugin_id);
    }
    n = 1;
    for (const Observer& o : *type->observers) {
      out += fmt::format("{:<24} observe   #{:<2} {:<15} {}\n", type->name, n++, "", o.who.plugin_id);
    }
  }
  return out;
}

int Bus::replace(pb_intercept_ctx* handle, const void* payload) {
  if (handle == nullptr || payload == nullptr) return PB_E_INVALID;
  pb_intercept_ctx* ctx = t_turns.resolve(handle);
  if (ctx == nullptr || !ctx->open) return PB_E_STATE;
  return ctx->run->push_payload(payload) ? PB_OK : PB_E_INVALID;
}

int Bus::set_error(pb_intercept_ctx* handle, int http_status, std::string_view id,
                   std::string_view message) {
  if (handle == nullptr || http_status < 400 || http_status > 599) return PB_E_INVALID;
  pb_intercept_ctx* ctx = t_turns.resolve(handle);
  if (ctx == nullptr || !ctx->open) return PB_E_STATE;
  ChainResult& r = ctx->run->result_;
  r.http_status = http_status;
  r.error_id = id;
  r.message = message;
  return PB_OK;
}

int Bus::set_identity(pb_intercept_ctx* handle, std::string_view user_id,
                      std::string_view session_id, std::string_view roles) {
  if (handle == nullptr || user_id.empty()) return PB_E_INVALID;
  pb_intercept_ctx* ctx = t_turns.resolve(handle);
  if (ctx == nullptr) return PB_E_STATE;
  if (ctx->run->type_->id != PB_EVENT_AUTH_CHECK) return PB_E_INVALID;
  if (!ctx->open) return PB_E_STATE;
  ChainResult& r = ctx->run->result_;
  r.user_id = user_id;
  r.session_id = session_id;
  r.roles = roles;
  return PB_OK;
}

int Bus::stage(pb_intercept_ctx* handle, std::string_view key, std::string_view value) {
  if (handle == nullptr || key.empty() || key.size() > 511) return PB_E_INVALID;
  if (value.size() > (16u << 20)) return PB_E_LIMIT;
  pb_intercept_ctx* ctx = t_turns.resolve(handle);
  if (ctx == nullptr) return PB_E_STATE;
  if (!ctx->run->type_->commits) return PB_E_UNSUPPORTED;
  if (!ctx->open) return PB_E_STATE;
  const Bus::Interceptor& step = (*ctx->run->chain_)[ctx->step];
  ctx->run->result_.staged.push_back(StagedWrite{step.who, std::string(key), std::string(value)});
  return PB_OK;
}

int Bus::resume(pb_intercept_ctx* handle, int verdict) {
  if (handle == nullptr || verdict == PB_VERDICT_PENDING) return PB_E_INVALID;
  pb_intercept_ctx* ctx = t_turns.resolve(handle);
  if (ctx == nullptr || !ctx->pending) return PB_E_STATE;
  ctx->pending = false;
  ChainRun* run = ctx->run;
  run->bus_->pending_runs_--;
  run->apply((*run->chain_)[ctx->step], ctx, verdict);
  run->advance();  // may delete the run
  return PB_OK;
}

// Applies one interceptor's verdict. A decision (ALLOW, REJECT, or a broken interceptor) ends
// the chain by moving next_ past its end.
void ChainRun::apply(const Bus::Interceptor& step, pb_intercept_ctx* ctx, int verdict) {
  ctx->open = false;
  t_turns.close(ctx);  // the plugin's handle for this turn resolves to nothing from now on
  if (verdict == PB_VERDICT_CONTINUE) return;
  next_ = chain_->size();
  result_.decided_by = step.who.plugin_id;
  bool auth = type_->id == PB_EVENT_AUTH_CHECK;
  if (verdict == PB_VERDICT_ALLOW && auth && result_.user_id.empty()) {
    // ALLOW without an identity is a plugin bug; never let it become anonymous access.
    bus_->report_fault(step.who, "auth.check ALLOW without auth_set_identity");
    verdict = PB_VERDICT_REJECT;
    result_.http_status = 0;
  }
  if (verdict == PB_VERDICT_ALLOW || verdict == PB_VERDICT_REJECT) {
    result_.verdict = verdict;
    return;
  }
  if (verdict >= 0) {
    bus_->report_fault(step.who, fmt::format("interceptor of {} answered {}", type_->name,
                                             verdict_name(verdict)));
  }
  // A broken interceptor must never let a request through: an internal error, or for auth.check
  // the fail-closed answer.
  result_.verdict = PB_VERDICT_REJECT;
  result_.http_status = auth ? 401 : 500;
  result_.error_id = auth ? "api.context.session_expired.app_error" : "api.plugin.interceptor.app_error";
  result_.message = auth ? "Invalid or expired session, please login again."
                         : fmt::format("A plugin ({}) failed while handling {}.",
                                       step.who.plugin_id, type_->name);
}

}  // namespace pb::bus
