// InlineFunction<R(Args...), kBytes>: a move-only callable wrapper that keeps its target inside
// itself and never allocates.
//
// Why: the per-request completions (a bus chain's end, a plugin's post creation) captured three
// pointers, one more than std::function keeps without a heap block: two allocations per webhook
// for nothing but bookkeeping. A target that does not fit in kBytes (or needs more alignment than
// max_align_t, or can throw when moved) does not compile, so a hot path cannot start allocating
// again unnoticed; such a caller wants std::function.
//
// Semantics: as std::function, minus copying (the target may be move-only) and minus
// target()/target_type(). Calling an empty one is undefined (std::function throws); check it
// with operator bool where it may be empty. Not thread-safe (like any object); no exceptions of
// its own (the target's call may throw through operator()).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace pb {

template <typename Signature, std::size_t kBytes = 48>
class InlineFunction;

template <typename R, typename... Args, std::size_t kBytes>
class InlineFunction<R(Args...), kBytes> {
 public:
  InlineFunction() noexcept = default;
  InlineFunction(std::nullptr_t) noexcept {}  // NOLINT: as std::function, from nullptr

  template <typename F>
  requires(!std::is_same_v<std::decay_t<F>, InlineFunction> &&
           std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
      InlineFunction(F&& f) {  // NOLINT: implicit, as std::function's
    using Target = std::decay_t<F>;
    static_assert(sizeof(Target) <= kBytes, "the callable does not fit: capture less");
    static_assert(alignof(Target) <= alignof(std::max_align_t), "the callable is over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<Target>,
                  "the callable must move without throwing");
    ::new (static_cast<void*>(storage_)) Target(std::forward<F>(f));
    ops_ = &kOps<Target>;
  }

  InlineFunction(InlineFunction&& other) noexcept { take(other); }
  InlineFunction& operator=(InlineFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InlineFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  InlineFunction(const InlineFunction&) = delete;
  InlineFunction& operator=(const InlineFunction&) = delete;
  ~InlineFunction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  // Precondition: not empty. Const like std::function's: the target itself may change.
  R operator()(Args... args) const { return ops_->call(storage_, std::forward<Args>(args)...); }

 private:
  struct Ops {
    R (*call)(void* target, Args&&... args);
    void (*move_to)(void* from, void* to) noexcept;  // move-constructs at `to`, destroys `from`
    void (*destroy)(void* target) noexcept;
  };

  template <typename Target>
  static constexpr Ops kOps{
      [](void* target, Args&&... args) -> R {
        return (*static_cast<Target*>(target))(std::forward<Args>(args)...);
      },
      [](void* from, void* to) noexcept {
        ::new (to) Target(std::move(*static_cast<Target*>(from)));
        static_cast<Target*>(from)->~Target();
      },
      [](void* target) noexcept { static_cast<Target*>(target)->~Target(); },
  };

  void take(InlineFunction& other) noexcept {
    if (other.ops_ == nullptr) return;
    other.ops_->move_to(other.storage_, storage_);
    ops_ = std::exchange(other.ops_, nullptr);
  }
  void reset() noexcept {
    if (ops_ != nullptr) std::exchange(ops_, nullptr)->destroy(storage_);
  }

  alignas(std::max_align_t) mutable unsigned char storage_[kBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace pb
