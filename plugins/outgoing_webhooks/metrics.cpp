#include "plugins/outgoing_webhooks/metrics.h"

#include <rapidjson/document.h>

#include <string>

namespace pb::outgoing {
namespace {

constexpr const char* kPrefix = "patchbay_plugin_outgoing_webhooks_";

std::string name(const char* suffix) { return std::string(kPrefix) + suffix; }

double number(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0;
}

// The dispatcher's own JSON (metrics_json(): our text, not untrusted input) read back, so the
// two views can never disagree and the dispatcher needs no second accessor per counter.
void collect(const Dispatcher& dispatcher, const sdk::MetricsSink& out) {
  rapidjson::Document doc;
  std::string json = dispatcher.metrics_json();
  doc.Parse(json.c_str(), json.size());
  if (!doc.IsObject()) return;
  out.gauge(name("queued"), "Deliveries waiting in the hooks' queues.", {}, number(doc, "queued"));
  out.gauge(name("in_flight"), "Deliveries whose callback request is in flight.", {},
            number(doc, "in_flight"));
  out.counter(name("enqueued_total"), "Deliveries queued since the start.", {},
              number(doc, "enqueued"));
  out.counter(name("delivered_total"), "Deliveries whose callback answered.", {},
              number(doc, "delivered"));
  out.counter(name("failed_calls_total"), "Callback requests that got no HTTP answer.", {},
              number(doc, "failed_calls"));
  out.counter(name("dropped_total"), "Deliveries given up after their retries.", {},
              number(doc, "dropped"));
  out.counter(name("shed_total"), "Deliveries shed: queue full or circuit open.", {},
              number(doc, "shed"));
  if (auto it = doc.FindMember("queue_to_done_ms"); it != doc.MemberEnd() && it->value.IsObject()) {
    const auto& h = it->value;
    const char* help = "Time from queueing to done, recent deliveries (seconds).";
    out.gauge(name("latency_seconds"), help, {{"stat", "p50"}}, number(h, "p50") / 1000);
    out.gauge(name("latency_seconds"), help, {{"stat", "p99"}}, number(h, "p99") / 1000);
    out.gauge(name("latency_seconds"), help, {{"stat", "max"}}, number(h, "max") / 1000);
  }
  auto hooks = doc.FindMember("hooks");
  if (hooks == doc.MemberEnd() || !hooks->value.IsArray()) return;
  for (const auto& hook : hooks->value.GetArray()) {
    if (!hook.IsObject() || !hook.HasMember("hook_id") || !hook["hook_id"].IsString()) continue;
    std::string_view id(hook["hook_id"].GetString(), hook["hook_id"].GetStringLength());
    out.gauge(name("hook_queued"), "Deliveries waiting in one hook's queue.", {{"hook_id", id}},
              number(hook, "queued"));
    out.counter(name("hook_shed_total"), "Deliveries of one hook shed.", {{"hook_id", id}},
                number(hook, "shed"));
    bool open = hook.HasMember("circuit") && hook["circuit"].IsString() &&
                std::string_view(hook["circuit"].GetString()) != "closed";
    out.gauge(name("hook_circuit_open"), "1 while one hook's circuit breaker is not closed.",
              {{"hook_id", id}}, open ? 1 : 0);
  }
}

}  // namespace

int register_dispatcher_metrics(sdk::Host& host, const Dispatcher& dispatcher) {
  return host.metrics_collect(
      [&dispatcher](const sdk::MetricsSink& out) { collect(dispatcher, out); });
}

}  // namespace pb::outgoing
