# The incoming_webhooks plugin's attachments.process answer reader and its canonical-form test.
set(incoming_processed_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/webhook_post.cpp
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/rapidjson_canonical.cpp)
set(incoming_processed_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
