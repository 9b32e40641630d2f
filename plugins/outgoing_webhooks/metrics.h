// The dispatcher's counters as Prometheus series on the server's GET /metrics (ABI minor 5):
// registered once at init; the host calls back while it renders a scrape, never per delivery.
// The JSON route GET /api/v4/outgoing_webhooks/metrics stays; both read the same counters.
#pragma once

#include "patchbay/plugin.hpp"
#include "plugins/outgoing_webhooks/dispatcher.h"

namespace pb::outgoing {

// Registers the collect function; `dispatcher` must outlive the plugin's registration (it does:
// both live until destroy, and the host stops collecting at stop()). Returns PB_OK, or
// PB_E_UNSUPPORTED on a host older than ABI minor 5 (the plugin then simply has no series).
int register_dispatcher_metrics(sdk::Host& host, const Dispatcher& dispatcher);

}  // namespace pb::outgoing
