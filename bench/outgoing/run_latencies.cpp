#include "bench/outgoing/run_latencies.h"

#include <algorithm>

#include "bench/outgoing/latency_summary.h"

namespace pb::bench {
namespace {

uint64_t received_at(const SampleArray& received, uint64_t n) {
  return n < received.size() ? received[n] : 0;
}

}  // namespace

RunLatencies collect_latencies(const PostTimes& times, const SampleArray& received, uint64_t issued) {
  RunLatencies r;
  issued = std::min<uint64_t>(issued, times.due.size());
  r.scheduled_to_ack.reserve(issued);
  r.ack_to_callback.reserve(issued);
  r.scheduled_to_callback.reserve(issued);
  r.issuer_lag.reserve(issued);
  r.connection_wait.reserve(issued);
  for (uint64_t n = 0; n < issued; ++n) {
    const uint64_t due = times.due[n], issued_at = times.issued[n], sent = times.sent[n];
    const uint64_t acked = times.acked[n], cb = received_at(received, n);
    if (issued_at != 0) r.issuer_lag.push_back(issued_at >= due ? issued_at - due : 0);
    if (sent != 0) r.connection_wait.push_back(sent >= issued_at ? sent - issued_at : 0);
    if (acked != 0) {
      ++r.acknowledged;
      r.scheduled_to_ack.push_back(acked - due);
    }
    if (cb != 0) {
      ++r.delivered;
      r.scheduled_to_callback.push_back(cb >= due ? cb - due : 0);
    }
    if (acked != 0 && cb != 0) {
      if (cb < acked) ++r.callbacks_before_ack;
      r.ack_to_callback.push_back(cb > acked ? cb - acked : 0);
    } else if (acked != 0) {
      ++r.acked_not_delivered;
    }
  }
  return r;
}

std::vector<WindowLatency> latencies_by_window(const PostTimes& times, const SampleArray& received,
                                               uint64_t issued, uint64_t start_ns, uint64_t window_ns) {
  std::vector<WindowLatency> out;
  if (window_ns == 0) return out;
  issued = std::min<uint64_t>(issued, times.due.size());
  std::vector<uint64_t> to_ack, to_cb;
  size_t window = 0;
  auto flush = [&] {
    WindowLatency w;
    w.posts = to_ack.size();
    w.p99_scheduled_to_ack_ns = summarize(to_ack).p99_ns;
    w.p99_ack_to_callback_ns = summarize(to_cb).p99_ns;
    out.push_back(w);
    to_ack.clear();
    to_cb.clear();
  };
  for (uint64_t n = 0; n < issued; ++n) {
    const uint64_t due = times.due[n];
    const size_t w = due > start_ns ? static_cast<size_t>((due - start_ns) / window_ns) : 0;
    while (window < w) {
      flush();
      ++window;
    }
    const uint64_t acked = times.acked[n], cb = received_at(received, n);
    if (acked == 0) continue;
    to_ack.push_back(acked - due);
    if (cb != 0) to_cb.push_back(cb > acked ? cb - acked : 0);
  }
  if (issued > 0) flush();
  return out;
}

}  // namespace pb::bench
