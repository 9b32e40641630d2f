// Which thread is the loop thread. Host API functions that must run on the loop thread check
// this and return PB_E_STATE elsewhere (plugin.h, "Threads").
#pragma once

namespace pb::server {

// Marks the calling thread as the loop thread (App::create calls it).
void set_loop_thread();
bool on_loop_thread();

}  // namespace pb::server
