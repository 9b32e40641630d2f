# Issue 8's parsers in the incoming_webhooks plugin: translator
# answers, the body check before embedding, signatures and the thread-root marker.
set(incoming_integrations_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/translator_json.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/signature.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/thread_roots.cpp)
set(incoming_integrations_fuzz_EXTRA_LIBS incoming_webhooks_decoding patchbay_sdk rapidjson
    PkgConfig::SODIUM)
