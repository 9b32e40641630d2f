# The incoming-webhook payload decoding (content types, forms, JSON) and the post splitter:
# pure C++ with no host dependency, include()d by plugins/incoming_webhooks/CMakeLists.txt.
# Defines the static library incoming_webhooks_decoding (PIC, so the plugin's shared object can
# link it) and, with PATCHBAY_TESTS, the unit tests incoming_webhooks_decoding_tests.
set(PB_INCOMING_DECODING_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/content_type.cpp
  ${CMAKE_CURRENT_LIST_DIR}/form_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/payload_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/post_splitter.cpp)
add_library(incoming_webhooks_decoding STATIC ${PB_INCOMING_DECODING_SOURCES})
set_target_properties(incoming_webhooks_decoding PROPERTIES POSITION_INDEPENDENT_CODE ON
                      CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
# Sources include "plugins/incoming_webhooks/..." relative to the repository root.
target_include_directories(incoming_webhooks_decoding PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(incoming_webhooks_decoding PUBLIC patchbay_sdk)

if(PATCHBAY_TESTS)
  patchbay_add_plugin_tests(incoming_webhooks_decoding_tests
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tests/decoder_test.cpp
            ${CMAKE_CURRENT_LIST_DIR}/tests/splitter_test.cpp
    LINK incoming_webhooks_decoding)
endif()
