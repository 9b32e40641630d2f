/* Proves "never dlopen'ed": loading this library runs its constructor, which creates the file
 * named by $PB_ABI_MARKER. A disabled plugin, or one whose settings are invalid, must leave no
 * file behind. Otherwise a correct plugin with a settings schema. */
#include <stdio.h>
#include <stdlib.h>

#include "patchbay/plugin.h"

__attribute__((constructor)) static void leave_marker(void) {
  const char* path = getenv("PB_ABI_MARKER");
  if (path == NULL || *path == '\0') return;
  FILE* f = fopen(path, "w");
  if (f != NULL) {
    fputs("loaded\n", f);
    fclose(f);
  }
}

static int init(pb_plugin* self, const pb_host_api* host, pb_str settings, void** state) {
  (void)state;
  host->log(self, PB_LOG_INFO, settings); /* lets a test see the validated settings */
  return PB_OK;
}

static const pb_plugin_descriptor descriptor = {sizeof(pb_plugin_descriptor),
                                                PB_ABI_MAJOR,
                                                PB_ABI_MINOR,
                                                "marker",
                                                "2.0.0",
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
