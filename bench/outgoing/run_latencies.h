// From the raw per-post times of a run (PostTimes, the receiver's arrival times) to the
// latency samples the report prints. Pure: no clock, no I/O; tests feed it made-up times.
//
// Definitions (every time is uv_hrtime ns; 0 in an array means "did not happen"):
//   scheduled → acknowledged   acked - due                    (acknowledged posts)
//   acknowledged → callback    max(0, received - acked)       (acknowledged and delivered; a
//                              callback can arrive before the 201 is read: counted as 0 and
//                              counted in callbacks_before_ack)
//   scheduled → callback       received - due                 (delivered posts)
//   issuer lag                 issued - due                   (issued posts; open loop)
//   connection wait            sent - issued                  (sent posts; the time to write the
//                              request counts too, so it is never quite 0)
#pragma once

#include <cstdint>
#include <vector>

#include "bench/outgoing/poster.h"
#include "bench/outgoing/sample_array.h"

namespace pb::bench {

struct RunLatencies {
  std::vector<uint64_t> scheduled_to_ack, ack_to_callback, scheduled_to_callback, issuer_lag,
      connection_wait;
  uint64_t acknowledged = 0;
  uint64_t delivered = 0;             // posts 0 .. issued-1 with a callback
  uint64_t acked_not_delivered = 0;   // the missing deliveries
  uint64_t callbacks_before_ack = 0;
};

// Posts 0 .. issued - 1. `received` is indexed like `times` (it may be shorter).
RunLatencies collect_latencies(const PostTimes& times, const SampleArray& received, uint64_t issued);

// One window of the run (posts by due time), to show whether latencies grow with its length.
struct WindowLatency {
  uint64_t posts = 0;               // due in the window and acknowledged
  uint64_t p99_scheduled_to_ack_ns = 0;
  uint64_t p99_ack_to_callback_ns = 0;  // over those delivered
};

// Windows of `window_ns` from `start_ns`, over posts 0 .. issued - 1.
std::vector<WindowLatency> latencies_by_window(const PostTimes& times, const SampleArray& received,
                                               uint64_t issued, uint64_t start_ns, uint64_t window_ns);

}  // namespace pb::bench
