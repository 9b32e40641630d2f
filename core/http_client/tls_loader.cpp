// load_tls_context (tls.h): finds and dlopens libpatchbay_tls.so once per process.
#include <dlfcn.h>

#include <filesystem>
#include <mutex>

#include "core/http_client/tls.h"
#include "patchbay/plugin.h"

namespace pb::http_client {
namespace {

struct LoadedLibrary {
  TlsCreateFn create = nullptr;
  std::string error;  // why create is null
};

LoadedLibrary load_library() {
  LoadedLibrary out;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    out.error = "cannot find the running executable: " + ec.message();
    return out;
  }
  auto path = exe.parent_path().parent_path() / "lib" / "patchbay" / "libpatchbay_tls.so";
  // Never unloaded: OpenSSL keeps process-wide state (its own atexit handlers among it).
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    out.error = "TLS is not available: " + std::string(why ? why : path.string());
    return out;
  }
  out.create = reinterpret_cast<TlsCreateFn>(dlsym(handle, kTlsCreateSymbol));
  if (out.create == nullptr) out.error = "TLS is not available: " + path.string() + " has no entry point";
  return out;
}

}  // namespace

Result<std::unique_ptr<TlsContext>> load_tls_context(const std::string& extra_ca_file) {
  static std::once_flag once;
  static LoadedLibrary library;
  std::call_once(once, [] { library = load_library(); });
  if (library.create == nullptr) return make_error(PB_E_IO, library.error);
  std::string error;
  std::unique_ptr<TlsContext> context(library.create(extra_ca_file.c_str(), &error));
  if (!context) return make_error(PB_E_IO, error);
  return context;
}

}  // namespace pb::http_client
