# The incoming_webhooks plugin's attachments.process answer reader and the SDK's canonical-form test it relies on.
set(incoming_processed_fuzz_EXTRA_SOURCES
  ${CMAKE_SOURCE_DIR}/plugins/incoming_webhooks/webhook_post.cpp)
set(incoming_processed_fuzz_EXTRA_LIBS patchbay_sdk rapidjson)
