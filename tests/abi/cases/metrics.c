/* ABI minor 5 in plain C: registers a metrics collect callback that adds one valid sample and
 * three the host must refuse (another plugin's prefix, a NaN counter, a bad label name), and logs
 * the status of each, so tests can check both what reaches GET /metrics and what the plugin was
 * told. Checks PB_HOST_HAS first, as a plugin that also runs on older hosts must. */
#include <math.h> /* NAN: a constant, no libm needed */
#include <stdio.h>
#include <string.h>

#include "patchbay/plugin.h"

typedef struct {
  pb_plugin* self;
  const pb_host_api* host;
  unsigned scrapes;
} state_t;

static pb_str str(const char* s) {
  pb_str out = {s, strlen(s)};
  return out;
}

static void report(state_t* st, const char* what, int rc) {
  char line[128];
  snprintf(line, sizeof line, "metrics: %s -> %s", what, st->host->status_name(rc));
  st->host->log(st->self, PB_LOG_INFO, str(line));
}

static void collect(void* user, pb_metrics_sink* sink) {
  state_t* st = (state_t*)user;
  ++st->scrapes;
  pb_metric_label kind = {str("kind"), str("c \"quoted\"")};
  report(st, "good",
         st->host->metrics_sample(sink, str("patchbay_plugin_metrics_scrapes_total"),
                                  str("Collect calls so far."), PB_METRIC_COUNTER, &kind, 1,
                                  (double)st->scrapes));
  report(st, "foreign",
         st->host->metrics_sample(sink, str("patchbay_http_requests_total"), str(""),
                                  PB_METRIC_COUNTER, NULL, 0, 1));
  report(st, "nan",
         st->host->metrics_sample(sink, str("patchbay_plugin_metrics_nan"), str(""),
                                  PB_METRIC_GAUGE, NULL, 0, NAN));
  pb_metric_label bad = {str("bad-name"), str("x")};
  report(st, "label",
         st->host->metrics_sample(sink, str("patchbay_plugin_metrics_labelled"), str(""),
                                  PB_METRIC_GAUGE, &bad, 1, 1));
}

static state_t the_state;

static int init(pb_plugin* self, const pb_host_api* host, pb_str settings, void** state) {
  (void)settings;
  the_state.self = self;
  the_state.host = host;
  the_state.scrapes = 0;
  *state = &the_state;
  if (!PB_HOST_HAS(host, metrics_register)) return PB_E_UNSUPPORTED;
  return host->metrics_register(self, collect, &the_state);
}

static const pb_plugin_descriptor descriptor = {sizeof(pb_plugin_descriptor),
                                                PB_ABI_MAJOR,
                                                PB_ABI_MINOR,
                                                "metrics",
                                                "1.0.0",
                                                init,
                                                0,
                                                0,
                                                0,
                                                0,
                                                {0}};

PB_EXPORT const pb_plugin_descriptor* pb_plugin_entry(uint32_t major, uint32_t minor) {
  (void)major;
  (void)minor;
  return &descriptor;
}
