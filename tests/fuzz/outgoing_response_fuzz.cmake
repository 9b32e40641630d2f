# The outgoing webhooks plugin's pure parsing sources.
set(outgoing_response_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/outgoing_webhooks/callback_response.cpp
  ${CMAKE_SOURCE_DIR}/plugins/outgoing_webhooks/hook.cpp)
set(outgoing_response_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
