# The incoming-webhook decoder's pure sources (a fuzz build builds no plugins).
set(incoming_payload_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/content_type.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/form_decoder.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/payload_decoder.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/post_splitter.cpp)
set(incoming_payload_fuzz_EXTRA_LIBS patchbay_sdk)
