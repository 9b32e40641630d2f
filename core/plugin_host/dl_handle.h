// DlHandle: owns one dlopen() handle and dlclose()s it on destruction (RAII). Move-only.
#pragma once

#include <string>
#include <utility>

#include "core/util/result.h"

namespace pb::plugin_host {

class DlHandle {
 public:
  DlHandle() = default;
  ~DlHandle() { reset(); }
  DlHandle(DlHandle&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)) {}
  DlHandle& operator=(DlHandle&& o) noexcept {
    if (this != &o) {
      reset();
      handle_ = std::exchange(o.handle_, nullptr);
    }
    return *this;
  }
  DlHandle(const DlHandle&) = delete;
  DlHandle& operator=(const DlHandle&) = delete;

  // dlopen(path, RTLD_NOW | RTLD_LOCAL): every undefined symbol is resolved now, so a broken
  // library fails here and not at its first call. Errors: PB_E_INVALID with dlerror()'s text
  // (which names the file and the cause).
  static Result<DlHandle> open(const std::string& path);

  // The address of `name`, or nullptr (then `error`, if given, receives dlerror()'s text).
  void* symbol(const char* name, std::string* error = nullptr) const;

  explicit operator bool() const noexcept { return handle_ != nullptr; }
  // dlclose()s now. Only after every pointer into the library is gone (destroy returned).
  void reset() noexcept;

 private:
  explicit DlHandle(void* h) : handle_(h) {}
  void* handle_ = nullptr;
};

}  // namespace pb::plugin_host
