# The incoming_webhooks plugin's pure sources; payload_decoder.h
# is only read for its depth bound.
set(incoming_hook_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/hook.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/webhook_post.cpp)
set(incoming_hook_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
