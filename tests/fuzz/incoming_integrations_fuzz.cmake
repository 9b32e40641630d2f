# Issue 8's parsers in the incoming_webhooks plugin (a fuzz build builds no plugins): translator
# answers, the body check before embedding, signatures and the thread-root marker.
set(incoming_integrations_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/translator_json.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/signature.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/thread_roots.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/content_type.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/form_decoder.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/payload_decoder.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/post_splitter.cpp)
set(incoming_integrations_fuzz_EXTRA_LIBS patchbay_sdk rapidjson PkgConfig::SODIUM)
