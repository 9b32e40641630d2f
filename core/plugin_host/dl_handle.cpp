#include "core/plugin_host/dl_handle.h"

#include <dlfcn.h>

#include "patchbay/plugin.h"

namespace pb::plugin_host {

Result<DlHandle> DlHandle::open(const std::string& path) {
  dlerror();  // clear a stale message
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* err = dlerror();
    return make_error(PB_E_INVALID, err != nullptr ? err : path + ": dlopen failed");
  }
  return DlHandle(h);
}

void* DlHandle::symbol(const char* name, std::string* error) const {
  if (handle_ == nullptr) {
    if (error != nullptr) *error = "library not loaded";
    return nullptr;
  }
  dlerror();
  void* sym = dlsym(handle_, name);
  if (sym == nullptr && error != nullptr) {
    const char* err = dlerror();
    *error = err != nullptr ? err : std::string(name) + " is NULL";
  }
  return sym;
}

void DlHandle::reset() noexcept {
  if (handle_ != nullptr) dlclose(handle_);
  handle_ = nullptr;
}

}  // namespace pb::plugin_host
