/* Needs a symbol nobody provides (as if it linked against the host): dlopen(RTLD_NOW) must fail
 * and name it. Built without -Wl,--no-undefined, which would have caught it at link time. */
#include "patchbay/plugin.h"

extern int pb_host_internal_function_that_does_not_exist(void);

static int init(pb_plugin* self, const pb_host_api* host, pb_str settings, void** state) {
  (void)self;
  (void)host;
  (void)settings;
  (void)state;
  return pb_host_internal_function_that_does_not_exist();
}

static const pb_plugin_descriptor descriptor = {sizeof(pb_plugin_descriptor),
                                                PB_ABI_MAJOR,
                                                PB_ABI_MINOR,
                                                "undefined_symbol",
                                                "0.0.1",
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
