/* One source, many broken plugins: each CMake case compiles it with defines that break exactly
 * one thing about the entry point or the descriptor. Without defines it is a correct plugin.
 *   CASE_ID            the manifest id (string)
 *   DESC_ID            the id the descriptor claims (default CASE_ID)
 *   DESC_SIZE          descriptor struct_size (default sizeof)
 *   DESC_MAJOR/MINOR   ABI version claimed (default the SDK's)
 *   DESC_NO_INIT       init is NULL
 *   ENTRY_RETURNS_NULL the entry point refuses the host
 *   ENTRY_NAME         the exported function's name (default pb_plugin_entry) */
#include "patchbay/plugin.h"

#ifndef CASE_ID
#error "CASE_ID must be defined"
#endif
#ifndef DESC_ID
#define DESC_ID CASE_ID
#endif
#ifndef DESC_SIZE
#define DESC_SIZE sizeof(pb_plugin_descriptor)
#endif
#ifndef DESC_MAJOR
#define DESC_MAJOR PB_ABI_MAJOR
#endif
#ifndef DESC_MINOR
#define DESC_MINOR PB_ABI_MINOR
#endif
#ifndef ENTRY_NAME
#define ENTRY_NAME pb_plugin_entry
#endif

__attribute__((unused)) static int case_init(pb_plugin* self, const pb_host_api* host,
                                             pb_str settings, void** state) {
  (void)self;
  (void)host;
  (void)settings;
  *state = 0;
  return PB_OK;
}

static const pb_plugin_descriptor descriptor = {DESC_SIZE, DESC_MAJOR, DESC_MINOR, DESC_ID, "0.0.1",
#ifdef DESC_NO_INIT
                                                0,
#else
                                                 case_init,
#endif
                                                0,         0,          0,          0,       {0}};

PB_EXPORT const pb_plugin_descriptor* ENTRY_NAME(uint32_t host_major, uint32_t host_minor) {
  (void)host_major;
  (void)host_minor;
#ifdef ENTRY_RETURNS_NULL
  (void)descriptor;
  return 0;
#else
  return &descriptor;
#endif
}
