// The auth plugin's own series on GET /metrics (see metrics.cpp for what each counts).
// Threading: register on the loop thread (init); the host calls the collect function there.
#pragma once

#include <patchbay/plugin.hpp>

#include "plugins/auth/password_hasher.h"

namespace pb::auth {

// Registers the collect function; `hasher` must outlive the plugin's registration (it is the
// plugin's own). PB_OK also on a host without metrics (older than ABI minor 5): nothing to add
// there. Otherwise the host's error (PB_E_STATE).
int register_hasher_metrics(sdk::Host& host, const PasswordHasher& hasher);

}  // namespace pb::auth
