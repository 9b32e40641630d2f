#include "core/server/thread_check.h"

#include <atomic>
#include <thread>

namespace pb::server {
namespace {
std::atomic<std::thread::id> g_loop_thread{};
}

void set_loop_thread() { g_loop_thread = std::this_thread::get_id(); }
bool on_loop_thread() { return g_loop_thread.load() == std::this_thread::get_id(); }

}  // namespace pb::server
